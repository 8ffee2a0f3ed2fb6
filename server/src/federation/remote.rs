//! Remote actors and objects: fetched through the safe client (signed by the
//! instance actor), checked, sanitised and cached in the database.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};
use serde::Deserialize;
use serde_json::Value;

use crate::actors::entity::{self as actor, Model as Actor};
use crate::db::BeginWrite;
use crate::error::AppError;
use crate::state::AppState;
use crate::text::sanitize_html;
use knooppunt_federation::vocab::{self, ActorDocument};

/// How long a fetched actor is trusted before it is fetched again.
const ACTOR_TTL_HOURS: i64 = 24;

/// A failed fetch: the detail (addresses, network errors) goes to the log;
/// the answer names only what went wrong in general terms.
pub fn fetch_error(e: knooppunt_federation::fetch::FetchError) -> AppError {
    use knooppunt_federation::fetch::FetchError as F;
    tracing::info!(error = %e, "fetch from another server failed");
    let message = match &e {
        F::Scheme(_) | F::PlainHttp(_) => "the URL is not an https URL",
        F::PrivateAddress(_) => "the URL points to a private or local address",
        F::Blocked(_) => "that server is blocked on this instance",
        F::HostFailing(_) => "that server did not answer recently",
        F::Status { .. } => "that server refused the request",
        F::TooLarge(_) => "that server answered with too much data",
        F::ContentType { .. } | F::Json(_) => "that server did not answer with ActivityPub JSON",
        F::IdMismatch { .. } => "the object's id is not the URL it was fetched from",
        F::Transport { .. } | F::Redirects(_) => "that server could not be reached",
        F::Sign(_) => return AppError::Internal(e.to_string()),
    };
    AppError::BadRequest(format!("cannot fetch: {message}"))
}

fn parse_url(raw: &str) -> Result<url::Url, AppError> {
    url::Url::parse(raw).map_err(|_| AppError::BadRequest(format!("{raw:?} is not a URL")))
}

pub async fn find_by_ap_id(state: &AppState, ap_id: &str) -> Result<Option<Actor>, AppError> {
    Ok(actor::Entity::find()
        .filter(actor::Column::ApId.eq(ap_id))
        .one(&state.db)
        .await?)
}

/// An actor by id: ours, cached, or fetched now.
pub async fn actor(state: &AppState, ap_id: &str) -> Result<Actor, AppError> {
    if let Some(a) = find_by_ap_id(state, ap_id).await?
        && (a.local
            || a.fetched_at
                .is_some_and(|t| t > Utc::now() - Duration::hours(ACTOR_TTL_HOURS)))
    {
        return Ok(a);
    }
    refetch_actor(state, ap_id).await
}

/// Fetches an actor again (after a failed signature: the key may have rotated).
pub async fn refetch_actor(state: &AppState, ap_id: &str) -> Result<Actor, AppError> {
    let url = parse_url(ap_id)?;
    if vocab::host_of(ap_id).as_deref() == Some(state.config.instance.domain.as_str()) {
        return find_by_ap_id(state, ap_id)
            .await?
            .ok_or_else(|| AppError::NotFound(msg!("error-no-such-local-actor")));
    }
    let value = state
        .federation
        .client
        .get_object(&url, Some(&state.federation.instance_signer()))
        .await
        .map_err(fetch_error)?;
    upsert_actor(state, &value).await
}

pub use knooppunt_federation::engine::inbox::key_owner_url;

/// The actor owning a signature's `keyId` when it is known and fresh: from
/// memory or the database, without any fetch.
pub async fn known_signer(state: &AppState, key_id: &str) -> Result<Option<Actor>, AppError> {
    let owner = key_owner_url(key_id);
    if let Some(a) = state.federation.signers.get(owner).await {
        return Ok(Some(a));
    }
    match find_by_ap_id(state, owner).await? {
        Some(a)
            if a.local
                || a.fetched_at
                    .is_some_and(|t| t > Utc::now() - Duration::hours(ACTOR_TTL_HOURS)) =>
        {
            if !a.local {
                state
                    .federation
                    .signers
                    .insert(owner.to_string(), a.clone())
                    .await;
            }
            Ok(Some(a))
        }
        _ => Ok(None),
    }
}

/// Fetches the actor owning a signature's `keyId` (`ACTOR#main-key`,
/// `ACTOR/main-key`, …). The caller limits how often this may happen.
pub async fn fetch_signer(state: &AppState, key_id: &str) -> Result<Actor, AppError> {
    let url = parse_url(key_owner_url(key_id))?;
    let value = state
        .federation
        .client
        .get_object(&url, Some(&state.federation.instance_signer()))
        .await
        .map_err(fetch_error)?;
    // Some servers give the key its own document, with an owner.
    if let Ok(key) = vocab::PublicKey::deserialize(&value) {
        if vocab::host_of(&key.owner) != vocab::host_of(key_id) {
            return Err(AppError::Unauthorized(msg!(
                "error-keys-owner-another-host"
            )));
        }
        return refetch_actor(state, &key.owner).await;
    }
    upsert_actor(state, &value).await
}

/// Plain text from a remote display name (no markup in names).
fn plain(text: &str) -> String {
    crate::text::plain(text, 200)
}

/// Stores (or refreshes) a remote actor from its checked document.
pub async fn upsert_actor(state: &AppState, value: &Value) -> Result<Actor, AppError> {
    let doc = ActorDocument::parse(value).map_err(AppError::BadRequest)?;
    store_actor(state, &doc).await
}

/// Stores (or refreshes) a remote actor from a document that passed
/// [`ActorDocument::check`].
pub async fn store_actor(state: &AppState, doc: &ActorDocument) -> Result<Actor, AppError> {
    let host = vocab::host_of(&doc.id)
        .ok_or_else(|| AppError::BadRequest("actor id is not a URL".into()))?;
    if host == state.config.instance.domain {
        return Err(AppError::BadRequest(
            "a remote actor cannot live on our own domain".into(),
        ));
    }
    let now = Utc::now();
    let existing = find_by_ap_id(state, &doc.id).await?;
    let domain_limit = match &existing {
        None => crate::federation::blocks::limit_for_host(&state.db, &host).await?,
        Some(_) => None,
    };
    // The actor and its search entry change together.
    let txn = state.db.begin_write().await?;
    let saved = match existing {
        Some(a) if a.local => {
            return Err(AppError::BadRequest(
                "that id belongs to a local actor".into(),
            ));
        }
        Some(a) => refreshed(&txn, a, doc, now).await?,
        None => {
            let mut model = actor::ActiveModel {
                domain_limit: Set(domain_limit),
                ap_id: Set(doc.id.clone()),
                host: Set(host),
                local: Set(false),
                role: Set(None),
                private_key_pem: Set(None),
                created_at: Set(now),
                ..Default::default()
            };
            apply_document(&mut model, doc, now);
            // In a savepoint: a twin stored meanwhile (another request for
            // the same actor) leaves this transaction usable.
            let savepoint = sea_orm::TransactionTrait::begin(&*txn).await?;
            let inserted = crate::db::inserted(
                actor::Entity::insert(model)
                    .exec_with_returning(&savepoint)
                    .await,
            )?;
            match inserted {
                Some(a) => {
                    savepoint.commit().await?;
                    a
                }
                // The twin is seen from here: committed on PostgreSQL, or
                // in the same group of commits on SQLite (not yet outside).
                None => {
                    savepoint.rollback().await?;
                    let twin = actor::Entity::find()
                        .filter(actor::Column::ApId.eq(&doc.id))
                        .one(&*txn)
                        .await?
                        .ok_or_else(|| {
                            AppError::Conflict(msg!("error-actor-changed-while-storing"))
                        })?;
                    refreshed(&txn, twin, doc, now).await?
                }
            }
        }
    };
    let saved = profile_images(&txn, &state.config.media.directory, saved, doc).await?;
    crate::actors::search::index(&txn, &saved).await?;
    txn.commit().await?;
    // A changed key or profile is read from the database from now on.
    state.federation.signers.invalidate(&saved.ap_id).await;
    Ok(saved)
}

/// `a` as its document now says.
async fn refreshed(
    txn: &impl ConnectionTrait,
    a: Actor,
    doc: &ActorDocument,
    now: DateTime<Utc>,
) -> Result<Actor, AppError> {
    let mut active: actor::ActiveModel = a.into();
    apply_document(&mut active, doc, now);
    Ok(active.update(txn).await?)
}

/// The actor's icon and header as `media` rows naming their remote files
/// (our copies are made on first view, see `media::cache`). A row is
/// replaced only when its URL changed, so a kept copy stays in use.
async fn profile_images(
    txn: &impl ConnectionTrait,
    dir: &std::path::Path,
    a: Actor,
    doc: &ActorDocument,
) -> Result<Actor, AppError> {
    use crate::media::entity as media;
    let mut active: actor::ActiveModel = a.clone().into();
    let mut changed = false;
    for (image, current, is_avatar) in [
        (&doc.icon, a.avatar_media_id, true),
        (&doc.image, a.header_media_id, false),
    ] {
        let url = image
            .as_ref()
            .and_then(|i| i.href())
            .filter(|u| (u.starts_with("https://") || u.starts_with("http://")) && u.len() <= 2048);
        let old = match current {
            Some(id) => media::Entity::find_by_id(id).one(txn).await?,
            None => None,
        };
        if old.as_ref().and_then(|m| m.remote_url.as_deref()) == url {
            continue;
        }
        let new_id = match (url, image) {
            (Some(url), Some(image)) => {
                let media_type = image.media_type.as_deref().unwrap_or("image/jpeg");
                let dimension = |n: Option<i64>| n.and_then(|n| i32::try_from(n).ok());
                let row = media::ActiveModel {
                    actor_id: Set(a.id),
                    status_id: Set(None),
                    file_name: Set(None),
                    content_type: Set(media_type.chars().take(100).collect()),
                    size: Set(0),
                    width: Set(dimension(image.width)),
                    height: Set(dimension(image.height)),
                    description: Set(String::new()),
                    remote_url: Set(Some(url.to_string())),
                    created_at: Set(Utc::now()),
                    ..Default::default()
                };
                Some(row.insert(txn).await?.id)
            }
            _ => None,
        };
        if let Some(old) = old {
            forget_profile_image(txn, dir, old).await?;
        }
        if is_avatar {
            active.avatar_media_id = Set(new_id);
        } else {
            active.header_media_id = Set(new_id);
        }
        changed = true;
    }
    if !changed {
        return Ok(a);
    }
    Ok(active.update(txn).await?)
}

/// A replaced remote avatar or header: its row goes, with our copy's row
/// (by the foreign key) and file. Should the transaction fail after the
/// file went, the cache fetches the file again on its next view.
async fn forget_profile_image(
    txn: &impl ConnectionTrait,
    dir: &std::path::Path,
    old: crate::media::entity::Model,
) -> Result<(), AppError> {
    use crate::media::cache_entity as cached;
    use crate::media::entity as media;
    if old.file_name.is_some() || old.status_id.is_some() {
        return Ok(());
    }
    let copy = cached::Entity::find_by_id(old.id).one(txn).await?;
    cached::Entity::delete_by_id(old.id).exec(txn).await?;
    media::Entity::delete_by_id(old.id).exec(txn).await?;
    if let Some(file) = copy.and_then(|c| c.file_name) {
        let _ = tokio::fs::remove_file(dir.join(file)).await;
    }
    Ok(())
}

/// What a remote actor's document says, into the columns it fills.
fn apply_document(active: &mut actor::ActiveModel, doc: &ActorDocument, now: DateTime<Utc>) {
    let kind = match doc.kind.as_str() {
        "Group" | "Organization" => "group",
        "Application" | "Service" => "application",
        _ => "person",
    };
    let username = doc
        .preferred_username
        .clone()
        .filter(|u| !u.is_empty() && u.len() <= 100 && !u.contains(['@', '/', ' ']))
        .unwrap_or_else(|| doc.id.rsplit('/').next().unwrap_or("unknown").to_string());
    active.kind = Set(kind.into());
    active.display_name = Set(plain(doc.name.as_deref().unwrap_or(&username)));
    active.summary = Set(sanitize_html(doc.summary.as_deref().unwrap_or_default()));
    active.username_key = Set(username.to_lowercase());
    active.username = Set(username);
    active.inbox_url = Set(doc.inbox.clone());
    active.shared_inbox_url = Set(doc.shared_inbox().map(str::to_string));
    active.followers_url = Set(doc.followers.clone());
    active.following_url = Set(doc.following.clone());
    active.outbox_url = Set(doc.outbox.clone());
    active.public_key_pem = Set(doc.public_key.public_key_pem.clone());
    active.locked = Set(doc.manually_approves_followers.unwrap_or(false));
    active.url = Set(doc.profile_url().filter(|u| u.starts_with("http")));
    active.fetched_at = Set(Some(now));
    active.updated_at = Set(now);
}

/// `NAME@DOMAIN` to an actor: ours directly, others through WebFinger.
pub async fn resolve_acct(state: &AppState, name: &str, domain: &str) -> Result<Actor, AppError> {
    let not_found = || AppError::NotFound(msg!("error-record-not-found"));
    if domain == state.config.instance.domain {
        return crate::actors::store::find_local(&state.db, &state.config, name)
            .await?
            .ok_or_else(not_found);
    }
    if let Some(a) = actor::Entity::find()
        .filter(actor::Column::UsernameKey.eq(name.to_lowercase()))
        .filter(actor::Column::Host.eq(domain))
        .one(&state.db)
        .await?
        && a.fetched_at
            .is_some_and(|t| t > Utc::now() - Duration::hours(ACTOR_TTL_HOURS))
    {
        return Ok(a);
    }
    let scheme = if state.config.federation.allow_http {
        "http"
    } else {
        "https"
    };
    let mut url = parse_url(&format!("{scheme}://{domain}/.well-known/webfinger"))?;
    url.query_pairs_mut()
        .append_pair("resource", &format!("acct:{name}@{domain}"));
    let jrd = state
        .federation
        .client
        .get_json(&url, "application/jrd+json, application/json")
        .await
        .map_err(|_| not_found())?;
    let jrd: knooppunt_federation::webfinger::Jrd =
        serde_json::from_value(jrd).map_err(|_| not_found())?;
    let actor_id = jrd.actor_id().ok_or_else(not_found)?;
    if vocab::host_of(actor_id).is_none() {
        return Err(not_found());
    }
    actor(state, actor_id).await
}

/// Fetches any object by URL (for search `resolve=true`).
pub async fn fetch_object(state: &AppState, url: &str) -> Result<Value, AppError> {
    let url = parse_url(url)?;
    state
        .federation
        .client
        .get_object(&url, Some(&state.federation.instance_signer()))
        .await
        .map_err(fetch_error)
}

/// Remote actors one activity may fetch at most; those named beyond it are
/// taken only when already known.
pub const FETCH_CAP: usize = 20;
/// Fetches of one activity running at once.
pub const FETCH_PARALLEL: usize = 4;

/// The actors named by ids (at most `limit`): known ones from the
/// database, others fetched side by side, at most [`FETCH_CAP`] of them and
/// [`FETCH_PARALLEL`] at a time. One that cannot be had now is left out
/// (logged), so a slow or hostile server named among them costs one fetch
/// timeout, not one per actor.
pub async fn actors_named(
    state: &AppState,
    ids: &[String],
    limit: usize,
) -> std::collections::HashMap<String, Actor> {
    use futures_util::StreamExt;
    let named: Vec<&String> = ids.iter().take(limit).collect();
    // Those we know, in one query.
    let known = actor::Entity::find()
        .filter(actor::Column::ApId.is_in(named.iter().map(|id| id.as_str())))
        .all(&state.db)
        .await
        .unwrap_or_else(|e| {
            tracing::warn!(error = %e, "reading named actors");
            vec![]
        });
    let fresh = |a: &Actor| {
        a.local
            || a.fetched_at
                .is_some_and(|t| t > Utc::now() - Duration::hours(ACTOR_TTL_HOURS))
    };
    let mut found: std::collections::HashMap<String, Actor> = known
        .into_iter()
        .filter(|a| fresh(a))
        .map(|a| (a.ap_id.clone(), a))
        .collect();
    let mut wanted: Vec<&String> = Vec::new();
    for id in named {
        if !found.contains_key(id) && !wanted.contains(&id) {
            wanted.push(id);
        }
    }
    if wanted.len() > FETCH_CAP {
        tracing::info!(
            named = wanted.len(),
            cap = FETCH_CAP,
            "an activity names more unknown actors than are fetched for it"
        );
        wanted.truncate(FETCH_CAP);
    }
    let fetched: Vec<(String, Result<Actor, AppError>)> =
        futures_util::stream::iter(wanted.into_iter().cloned())
            .map(|id| async move {
                let result = refetch_actor(state, &id).await;
                (id, result)
            })
            .buffer_unordered(FETCH_PARALLEL)
            .collect()
            .await;
    for (id, result) in fetched {
        match result {
            Ok(a) => {
                found.insert(id, a);
            }
            Err(e) => tracing::debug!(actor = %id, error = %e, "named actor not fetched"),
        }
    }
    found
}
