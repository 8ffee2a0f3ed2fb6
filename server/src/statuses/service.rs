//! The rules of statuses. Each action is one transaction: the change, its
//! mentions, tags, attachments and notifications commit together.

use crate::db::BeginWrite;
use std::collections::HashMap;

use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QuerySelect,
};

use super::Visibility;
use super::changes::{self, StatusChange};
use super::entity::{edit, favourite, idempotency_key, mention, poll, status, status_tag, tag};
use super::store::find_visible;
use crate::actors::entity as actor;
use crate::auth::service::Person;
use crate::error::AppError;
use crate::media::entity as media;
use crate::state::AppState;
use crate::text::{self, MentionRef, MentionTarget};

mod polls;
mod shared;
pub use polls::{notify_ended_polls, vote};
pub use shared::{add_boost, add_favourite, remove_boost, remove_favourite, remove_status};

/// Longest status text, in characters.
pub const MAX_CHARS: usize = 5000;
pub const MAX_MEDIA: usize = 4;
pub const MAX_POLL_OPTIONS: usize = 4;
pub const MAX_POLL_OPTION_CHARS: usize = 50;
pub const MIN_POLL_SECONDS: i64 = 300;
pub const MAX_POLL_SECONDS: i64 = 2_629_746;

pub struct NewPoll {
    pub options: Vec<String>,
    pub expires_in: i64,
    pub multiple: bool,
}

/// What a person writes.
pub struct Draft {
    pub text: String,
    pub spoiler_text: String,
    pub sensitive: bool,
    pub visibility: Visibility,
    pub language: Option<String>,
    pub in_reply_to_id: Option<String>,
    pub media_ids: Vec<String>,
    pub poll: Option<NewPoll>,
    /// `pro` or `contra` for an argument on a plan.
    pub stance: Option<String>,
}

fn validate(draft: &Draft) -> Result<(), AppError> {
    let chars = draft.text.chars().count() + draft.spoiler_text.chars().count();
    if chars > MAX_CHARS {
        return Err(AppError::invalid(
            "status",
            msg!("error-too-long-count", count = chars, max = MAX_CHARS),
        ));
    }
    if draft.text.trim().is_empty() && draft.media_ids.is_empty() && draft.poll.is_none() {
        return Err(AppError::invalid("status", msg!("error-cant-blank")));
    }
    if draft.media_ids.len() > MAX_MEDIA {
        return Err(AppError::invalid(
            "media_ids",
            msg!("error-at-most-attachments", max = MAX_MEDIA),
        ));
    }
    if let Some(p) = &draft.poll {
        if !draft.media_ids.is_empty() {
            return Err(AppError::invalid(
                "poll",
                msg!("error-cannot-combined-with-media"),
            ));
        }
        if p.options.len() < 2 || p.options.len() > MAX_POLL_OPTIONS {
            return Err(AppError::invalid(
                "poll",
                msg!("error-poll-options-count", max = MAX_POLL_OPTIONS),
            ));
        }
        if p.options
            .iter()
            .any(|o| o.trim().is_empty() || o.chars().count() > MAX_POLL_OPTION_CHARS)
        {
            return Err(AppError::invalid(
                "poll",
                msg!("error-poll-option-length", max = MAX_POLL_OPTION_CHARS),
            ));
        }
        if !(MIN_POLL_SECONDS..=MAX_POLL_SECONDS).contains(&p.expires_in) {
            return Err(AppError::invalid(
                "poll",
                msg!(
                    "error-poll-expires-in",
                    min = MIN_POLL_SECONDS,
                    max = MAX_POLL_SECONDS
                ),
            ));
        }
    }
    Ok(())
}

/// Actors mentioned as `@name` (ours) or `@name@domain` (looked up through
/// WebFinger when not known yet). Unknown names stay plain text.
async fn resolve_mentions(
    state: &AppState,
    refs: &[MentionRef],
) -> Result<(HashMap<MentionRef, MentionTarget>, Vec<i64>), AppError> {
    let config = &state.config;
    let mut resolved = HashMap::new();
    let mut ids = Vec::new();
    for r in refs {
        let found = match r.domain.as_deref() {
            Some(d) if d != config.instance.domain => {
                match crate::federation::remote::resolve_acct(state, &r.username, d).await {
                    Ok(a) => Some(a),
                    Err(e) => {
                        tracing::debug!(user = %r.username, domain = %d, error = %e, "mention not resolved");
                        None
                    }
                }
            }
            _ => crate::actors::store::find_local(&state.db, config, &r.username).await?,
        };
        if let Some(a) = found {
            resolved.insert(
                r.clone(),
                MentionTarget {
                    url: a.url.clone().unwrap_or_else(|| a.ap_id.clone()),
                },
            );
            ids.push(a.id);
        }
    }
    ids.sort_unstable();
    ids.dedup();
    Ok((resolved, ids))
}

/// The public post behind a plan or an event, before its id is known (its
/// AP id follows from the row id of what it belongs to; the caller sets it).
pub(crate) async fn new_public_post(
    db: &impl ConnectionTrait,
    actor_id: i64,
    now: chrono::DateTime<Utc>,
) -> Result<status::Model, AppError> {
    let placeholder = format!("urn:knooppunt:pending:{}", crate::secrets::random_token()?);
    Ok(status::ActiveModel {
        ap_id: Set(placeholder),
        actor_id: Set(actor_id),
        content: Set(String::new()),
        spoiler_text: Set(String::new()),
        sensitive: Set(false),
        visibility: Set("public".into()),
        local: Set(true),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

pub(crate) async fn attach_tags(
    db: &impl ConnectionTrait,
    status_id: i64,
    names: &[String],
) -> Result<(), AppError> {
    if names.is_empty() {
        return Ok(());
    }
    // Two posts with the same new tag at once: the later insert waits for
    // the first (PostgreSQL) and then does nothing, instead of failing.
    tag::Entity::insert_many(names.iter().map(|name| tag::ActiveModel {
        name: Set(name.clone()),
        ..Default::default()
    }))
    .on_conflict_do_nothing_on([tag::Column::Name])
    .exec_without_returning(db)
    .await?;
    let ids: Vec<i64> = tag::Entity::find()
        .select_only()
        .column(tag::Column::Id)
        .filter(tag::Column::Name.is_in(names.to_vec()))
        .into_tuple()
        .all(db)
        .await?;
    status_tag::Entity::insert_many(ids.into_iter().map(|tag_id| status_tag::ActiveModel {
        status_id: Set(status_id),
        tag_id: Set(tag_id),
    }))
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// The person's own unattached uploads, in the order given.
async fn own_media(
    db: &impl ConnectionTrait,
    person: &Person,
    ids: &[String],
    status_id: Option<i64>,
) -> Result<Vec<media::Model>, AppError> {
    let mut out = Vec::new();
    for raw in ids {
        let id: i64 = raw
            .parse()
            .map_err(|_| AppError::invalid("media_ids", msg!("error-not-media-id", raw = raw)))?;
        let m = media::Entity::find_by_id(id)
            .one(db)
            .await?
            .filter(|m| {
                m.actor_id == person.actor.id && (m.status_id.is_none() || m.status_id == status_id)
            })
            .ok_or_else(|| {
                AppError::invalid(
                    "media_ids",
                    msg!("error-media-not-yours-already-used", raw = raw),
                )
            })?;
        out.push(m);
    }
    Ok(out)
}

/// Publishes a status. With an idempotency key, a repeat returns the first one.
pub async fn create(
    state: &AppState,
    person: &Person,
    draft: Draft,
    idempotency: Option<&str>,
) -> Result<status::Model, AppError> {
    let (db, config) = (&state.db, state.config.as_ref());
    let me = person.actor.id;
    if let Some(key) = idempotency
        && let Some(existing) = posted_with_key(db, me, key).await?
    {
        return Ok(existing);
    }
    validate(&draft)?;
    let parent = match &draft.in_reply_to_id {
        Some(id) => Some(find_visible(db, Some(me), id).await?),
        None => None,
    };
    let (refs, tags) = text::extract(&draft.text);
    let (resolved, mentioned) = resolve_mentions(state, &refs).await?;
    let content = text::to_html(&draft.text, &resolved, &config.base_url());

    let txn = db.begin_write().await?;
    let attachments = own_media(&txn, person, &draft.media_ids, None).await?;
    let now = Utc::now();
    let saved = insert_status(&txn, person, &draft, parent.as_ref(), content, now).await?;
    super::search::index(&txn, &saved).await?;
    for actor_id in &mentioned {
        mention::ActiveModel {
            status_id: Set(saved.id),
            actor_id: Set(*actor_id),
        }
        .insert(&txn)
        .await?;
        let change = StatusChange::Mentioned {
            status_id: saved.id,
            actor_id: *actor_id,
            by: me,
        };
        changes::raise(&txn, config, change).await?;
    }
    attach_tags(&txn, saved.id, &tags).await?;
    attach_media(&txn, saved.id, attachments).await?;
    if let Some(p) = draft.poll {
        insert_poll(&txn, saved.id, p, now).await?;
    }
    if let Some(key) = idempotency {
        idempotency_key::ActiveModel {
            actor_id: Set(me),
            key: Set(key.to_string()),
            status_id: Set(saved.id),
            created_at: Set(now),
        }
        .insert(&txn)
        .await?;
    }
    crate::statuses::federate::publish::status_created(&txn, config, &saved).await?;
    let posted = StatusChange::Posted {
        status_id: saved.id,
        in_reply_to: saved.in_reply_to_id,
    };
    changes::raise(&txn, config, posted).await?;
    txn.commit().await?;
    state.federation.outbox_bell.notify_one();
    Ok(saved)
}

/// The status `me` posted earlier with idempotency key `key`, if any.
async fn posted_with_key(
    db: &impl ConnectionTrait,
    me: i64,
    key: &str,
) -> Result<Option<status::Model>, AppError> {
    let Some(done) = idempotency_key::Entity::find_by_id((me, key.to_string()))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    Ok(status::Entity::find_by_id(done.status_id).one(db).await?)
}

/// The new status's row, with its id under its author.
async fn insert_status(
    txn: &impl ConnectionTrait,
    person: &Person,
    draft: &Draft,
    parent: Option<&status::Model>,
    content: String,
    now: chrono::DateTime<Utc>,
) -> Result<status::Model, AppError> {
    let placeholder = format!("urn:knooppunt:pending:{}", crate::secrets::random_token()?);
    let inserted = status::ActiveModel {
        ap_id: Set(placeholder),
        url: Set(None),
        actor_id: Set(person.actor.id),
        in_reply_to_id: Set(parent.map(|p| p.id)),
        in_reply_to_actor_id: Set(parent.map(|p| p.actor_id)),
        reblog_of_id: Set(None),
        content: Set(content),
        source: Set(Some(draft.text.clone())),
        spoiler_text: Set(draft.spoiler_text.clone()),
        sensitive: Set(draft.sensitive || !draft.spoiler_text.is_empty()),
        visibility: Set(draft.visibility.as_str().to_string()),
        language: Set(draft.language.clone()),
        local: Set(true),
        created_at: Set(now),
        edited_at: Set(None),
        stance: Set(draft.stance.clone()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    // The id is known only after the insert; ids are `…/users/NAME/statuses/ID`.
    let ap_id = format!("{}/statuses/{}", person.actor.ap_id, inserted.id);
    let mut active: status::ActiveModel = inserted.into();
    active.ap_id = Set(ap_id);
    Ok(active.update(txn).await?)
}

async fn insert_poll(
    txn: &impl ConnectionTrait,
    status_id: i64,
    p: NewPoll,
    now: chrono::DateTime<Utc>,
) -> Result<(), AppError> {
    poll::ActiveModel {
        status_id: Set(status_id),
        options: Set(
            serde_json::to_string(&p.options).map_err(|e| AppError::Internal(e.to_string()))?
        ),
        multiple: Set(p.multiple),
        expires_at: Set(Some(now + Duration::seconds(p.expires_in))),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// Attaches media (checked to be the author's) to a status.
async fn attach_media(
    txn: &impl ConnectionTrait,
    status_id: i64,
    attachments: Vec<media::Model>,
) -> Result<(), AppError> {
    for m in attachments {
        let mut am: media::ActiveModel = m.into();
        am.status_id = Set(Some(status_id));
        am.update(txn).await?;
    }
    Ok(())
}

fn owned(person: &Person, s: &status::Model) -> Result<(), AppError> {
    if s.actor_id == person.actor.id {
        Ok(())
    } else {
        Err(AppError::Forbidden(msg!("error-action-not-allowed")))
    }
}

/// One's own status, as edit and delete find it: someone else's is
/// forbidden, one not visible is not found.
pub async fn own_status(
    db: &impl ConnectionTrait,
    person: &Person,
    id: &str,
) -> Result<status::Model, AppError> {
    let s = find_visible(db, Some(person.actor.id), id).await?;
    owned(person, &s)?;
    Ok(s)
}

/// Edits text, warning and attachments; the previous version goes to the history.
pub async fn edit(
    state: &AppState,
    person: &Person,
    id: &str,
    draft: Draft,
) -> Result<status::Model, AppError> {
    let (db, config) = (&state.db, state.config.as_ref());
    let s = own_status(db, person, id).await?;
    if s.reblog_of_id.is_some() {
        return Err(AppError::invalid(
            "status",
            msg!("error-boost-cannot-edited"),
        ));
    }
    validate(&Draft {
        poll: None,
        ..draft_ref(&draft)
    })?;
    let (refs, tags) = text::extract(&draft.text);
    let (resolved, mentioned) = resolve_mentions(state, &refs).await?;
    let content = text::to_html(&draft.text, &resolved, &config.base_url());

    let txn = db.begin_write().await?;
    let attachments = own_media(&txn, person, &draft.media_ids, Some(s.id)).await?;
    keep_version(&txn, &s).await?;
    let status_id = s.id;
    let mut active: status::ActiveModel = s.into();
    active.content = Set(content);
    active.source = Set(Some(draft.text.clone()));
    active.spoiler_text = Set(draft.spoiler_text.clone());
    active.sensitive = Set(draft.sensitive || !draft.spoiler_text.is_empty());
    if draft.language.is_some() {
        active.language = Set(draft.language.clone());
    }
    active.edited_at = Set(Some(Utc::now()));
    let saved = active.update(&txn).await?;
    super::search::index(&txn, &saved).await?;
    replace_mentions(&txn, status_id, &mentioned).await?;
    status_tag::Entity::delete_many()
        .filter(status_tag::Column::StatusId.eq(status_id))
        .exec(&txn)
        .await?;
    attach_tags(&txn, status_id, &tags).await?;
    replace_media(&txn, status_id, attachments).await?;
    crate::statuses::federate::publish::status_updated(&txn, config, &saved).await?;
    txn.commit().await?;
    state.federation.outbox_bell.notify_one();
    Ok(saved)
}

/// The status as it was, into its history.
async fn keep_version(txn: &impl ConnectionTrait, s: &status::Model) -> Result<(), AppError> {
    edit::ActiveModel {
        status_id: Set(s.id),
        content: Set(s.content.clone()),
        spoiler_text: Set(s.spoiler_text.clone()),
        sensitive: Set(s.sensitive),
        created_at: Set(s.edited_at.unwrap_or(s.created_at)),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// The status mentions `mentioned` now, and no one else.
async fn replace_mentions(
    txn: &impl ConnectionTrait,
    status_id: i64,
    mentioned: &[i64],
) -> Result<(), AppError> {
    mention::Entity::delete_many()
        .filter(mention::Column::StatusId.eq(status_id))
        .exec(txn)
        .await?;
    for actor_id in mentioned {
        mention::ActiveModel {
            status_id: Set(status_id),
            actor_id: Set(*actor_id),
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

/// The status has `attachments` now: others it had are detached.
async fn replace_media(
    txn: &impl ConnectionTrait,
    status_id: i64,
    attachments: Vec<media::Model>,
) -> Result<(), AppError> {
    let keep: Vec<i64> = attachments.iter().map(|m| m.id).collect();
    media::Entity::update_many()
        .col_expr(
            media::Column::StatusId,
            sea_orm::sea_query::Expr::value(Option::<i64>::None),
        )
        .filter(media::Column::StatusId.eq(status_id))
        .filter(media::Column::Id.is_not_in(keep))
        .exec(txn)
        .await?;
    attach_media(txn, status_id, attachments).await
}

fn draft_ref(d: &Draft) -> Draft {
    Draft {
        text: d.text.clone(),
        spoiler_text: d.spoiler_text.clone(),
        sensitive: d.sensitive,
        visibility: d.visibility,
        language: d.language.clone(),
        in_reply_to_id: None,
        media_ids: d.media_ids.clone(),
        poll: None,
        stance: d.stance.clone(),
    }
}

/// Deletes one's own status (and with it its boosts, favourites and replies' links).
pub async fn delete(
    state: &AppState,
    person: &Person,
    id: &str,
) -> Result<status::Model, AppError> {
    let s = own_status(&state.db, person, id).await?;
    let txn = state.db.begin_write().await?;
    if s.reblog_of_id.is_none() {
        crate::statuses::federate::publish::status_deleted(&txn, &state.config, &s).await?;
    }
    remove_status(&txn, &state.config, &s).await?;
    txn.commit().await?;
    state.federation.outbox_bell.notify_one();
    Ok(s)
}

/// Favourites a status once; repeating is harmless.
pub async fn favourite(
    state: &AppState,
    person: &Person,
    id: &str,
) -> Result<status::Model, AppError> {
    let db = &state.db;
    let me = person.actor.id;
    let s = find_visible(db, Some(me), id).await?;
    let target = s.reblog_of_id.unwrap_or(s.id);
    let target = if target == s.id {
        s
    } else {
        find_visible(db, Some(me), &target.to_string()).await?
    };
    let exists = favourite::Entity::find()
        .filter(favourite::Column::ActorId.eq(me))
        .filter(favourite::Column::StatusId.eq(target.id))
        .one(db)
        .await?
        .is_some();
    if !exists {
        let txn = db.begin_write().await?;
        let like_id = format!(
            "{}#likes/{}",
            person.actor.ap_id,
            crate::secrets::random_token()?
        );
        if add_favourite(&txn, &state.config, me, &target, &like_id).await? {
            crate::statuses::federate::publish::liked(
                &txn,
                &state.config,
                &person.actor,
                &target,
                &like_id,
                false,
            )
            .await?;
        }
        txn.commit().await?;
        state.federation.outbox_bell.notify_one();
    }
    Ok(target)
}

pub async fn unfavourite(
    state: &AppState,
    person: &Person,
    id: &str,
) -> Result<status::Model, AppError> {
    let s = find_visible(&state.db, Some(person.actor.id), id).await?;
    let existing = favourite::Entity::find()
        .filter(favourite::Column::ActorId.eq(person.actor.id))
        .filter(favourite::Column::StatusId.eq(s.id))
        .one(&state.db)
        .await?;
    if let Some(fav) = existing {
        let txn = state.db.begin_write().await?;
        remove_favourite(&txn, &state.config, &fav, &s).await?;
        if let Some(like_id) = &fav.ap_id {
            crate::statuses::federate::publish::liked(
                &txn,
                &state.config,
                &person.actor,
                &s,
                like_id,
                true,
            )
            .await?;
        }
        txn.commit().await?;
        state.federation.outbox_bell.notify_one();
    }
    Ok(s)
}

/// Boosts a public or unlisted status; returns the boost.
pub async fn reblog(
    state: &AppState,
    person: &Person,
    id: &str,
    visibility: Visibility,
) -> Result<status::Model, AppError> {
    let db = &state.db;
    let me = person.actor.id;
    let s = find_visible(db, Some(me), id).await?;
    let original = match s.reblog_of_id {
        Some(oid) => find_visible(db, Some(me), &oid.to_string()).await?,
        None => s,
    };
    if !matches!(original.visibility.as_str(), "public" | "unlisted") {
        return Err(AppError::Forbidden(msg!(
            "error-public-unlisted-statuses-boosted"
        )));
    }
    if let Some(existing) = status::Entity::find()
        .filter(status::Column::ActorId.eq(me))
        .filter(status::Column::ReblogOfId.eq(original.id))
        .one(db)
        .await?
    {
        return Ok(existing);
    }
    let txn = db.begin_write().await?;
    let placeholder = format!("urn:knooppunt:pending:{}", crate::secrets::random_token()?);
    let added = add_boost(
        &txn,
        &state.config,
        &person.actor,
        &original,
        &placeholder,
        visibility,
    )
    .await?;
    let Some(inserted) = added else {
        return Err(AppError::Conflict(msg!("error-already-boosted")));
    };
    let ap_id = format!("{}/statuses/{}/activity", person.actor.ap_id, inserted.id);
    let mut active: status::ActiveModel = inserted.into();
    active.ap_id = Set(ap_id);
    let saved = active.update(&txn).await?;
    crate::statuses::federate::publish::announced(
        &txn,
        &state.config,
        &person.actor,
        &saved,
        &original,
        false,
    )
    .await?;
    txn.commit().await?;
    state.federation.outbox_bell.notify_one();
    Ok(saved)
}

/// Removes one's boost; returns the original.
pub async fn unreblog(
    state: &AppState,
    person: &Person,
    id: &str,
) -> Result<status::Model, AppError> {
    let db = &state.db;
    let me = person.actor.id;
    let s = find_visible(db, Some(me), id).await?;
    let original_id = s.reblog_of_id.unwrap_or(s.id);
    let original = find_visible(db, Some(me), &original_id.to_string()).await?;
    let boost = status::Entity::find()
        .filter(status::Column::ActorId.eq(me))
        .filter(status::Column::ReblogOfId.eq(original_id))
        .one(db)
        .await?;
    if let Some(boost) = boost {
        let txn = db.begin_write().await?;
        crate::statuses::federate::publish::announced(
            &txn,
            &state.config,
            &person.actor,
            &boost,
            &original,
            true,
        )
        .await?;
        remove_boost(&txn, &state.config, &boost, &original).await?;
        txn.commit().await?;
        state.federation.outbox_bell.notify_one();
    }
    Ok(original)
}

/// Earlier versions of a status, oldest first, followed by the current one.
pub async fn history(
    db: &impl ConnectionTrait,
    s: &status::Model,
) -> Result<Vec<edit::Model>, AppError> {
    use sea_orm::QueryOrder;
    let mut versions = edit::Entity::find()
        .filter(edit::Column::StatusId.eq(s.id))
        .order_by_asc(edit::Column::Id)
        .all(db)
        .await?;
    versions.push(edit::Model {
        id: 0,
        status_id: s.id,
        content: s.content.clone(),
        spoiler_text: s.spoiler_text.clone(),
        sensitive: s.sensitive,
        created_at: s.edited_at.unwrap_or(s.created_at),
    });
    Ok(versions)
}

/// The account row of an actor id (for rendering).
pub async fn actor_of(db: &impl ConnectionTrait, id: i64) -> Result<actor::Model, AppError> {
    actor::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(msg!("error-record-not-found")))
}
