//! Remote posts (`Note`, `Question`, `Article`, `Page`, `Event`) stored as
//! statuses, or updated when known. Domains above hear of each stored post
//! through [`STORED`]: a `Page` that is a plan updates the plan's copy here,
//! an `Event` the event's.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};

use crate::actors::entity::Model as Actor;
use crate::db::BeginWrite;
use crate::error::AppError;
use crate::federation::remote;
use crate::hooks::{HookFuture, Hooks};
use crate::media::entity as media;
use crate::state::AppState;
use crate::statuses::changes::{self, StatusChange};
use crate::statuses::entity::{edit, mention, poll, status, status_tag};
use crate::text::{plain, sanitize_html};
use knooppunt_federation::vocab;

/// Told of a remote object once it is stored as a status (after commit).
pub type StoredHook =
    for<'a> fn(&'a AppState, &'a vocab::Object, &'a status::Model) -> HookFuture<'a>;

/// The domain that keeps its own copy of a remote post, registered in
/// `app::wire` under the object type it keeps (`Page`, `Event`).
pub static STORED: Hooks<StoredHook> = Hooks::new();

/// A note names a handful of people and tags; thousands are an attack on
/// the database.
const MAX_TAGS: usize = 64;

/// Stores a remote post by `author`, or updates it if known, then tells the
/// domains above. Reply parents unknown here are fetched, up to `depth`
/// levels. `object` is read once, by the caller.
pub async fn store_remote(
    state: &AppState,
    object: &vocab::Object,
    author: &Actor,
    depth: u8,
) -> Result<status::Model, AppError> {
    let (post, fields) = RemotePost::read(object, author)?;
    let parent = parent_of(state, fields, depth).await?;
    let (mentioned, hashtags) = addressed(state, fields).await?;
    // Looked up before the write turn, which is shared by every writer; a
    // twin stored meanwhile is caught by the unique id below.
    let existing = status::Entity::find()
        .filter(status::Column::ApId.eq(post.ap_id.as_str()))
        .one(&state.db)
        .await?;
    let txn = state.db.begin_write().await?;
    let saved = match existing {
        Some(old) if old.actor_id != author.id => {
            return Err(AppError::Forbidden(msg!("error-author-change-status")));
        }
        Some(old) if old.content == post.content && old.spoiler_text == post.spoiler => old,
        Some(old) => {
            let saved = update(&txn, old, post, fields).await?;
            link(&txn, &saved, &mentioned, &hashtags).await?;
            saved
        }
        None => {
            let ap_id = post.ap_id.clone();
            let Some(saved) = insert(&txn, post, author, parent.as_ref()).await? else {
                // A twin delivery stored it first.
                drop(txn);
                return status::Entity::find()
                    .filter(status::Column::ApId.eq(ap_id))
                    .one(&state.db)
                    .await?
                    .ok_or_else(|| AppError::Internal("a stored status vanished".into()));
            };
            for a in &mentioned {
                let change = StatusChange::Mentioned {
                    status_id: saved.id,
                    actor_id: a.id,
                    by: author.id,
                };
                changes::raise(&txn, &state.config, change).await?;
            }
            let posted = StatusChange::Posted {
                status_id: saved.id,
                in_reply_to: saved.in_reply_to_id,
            };
            changes::raise(&txn, &state.config, posted).await?;
            link(&txn, &saved, &mentioned, &hashtags).await?;
            saved
        }
    };
    txn.commit().await?;
    state.federation.outbox_bell.notify_one();
    if let Some(keep) = STORED.get(object.kind()) {
        keep(state, object, &saved).await?;
    }
    Ok(saved)
}

/// What a remote post says, checked and cleaned.
struct RemotePost {
    ap_id: String,
    content: String,
    spoiler: String,
    sensitive: bool,
    visibility: &'static str,
    published: DateTime<Utc>,
    url: Option<String>,
    attachments: Vec<vocab::MediaFile>,
    poll: Option<vocab::Poll>,
    /// An argument's stance on a plan, if it is one we know.
    stance: Option<String>,
}

impl RemotePost {
    /// Reads any post-like object through the typed vocabulary: `Note`,
    /// `Question`, `Article`, `Page`, `Event`, and `Image`, `Audio` and
    /// `Video` (Pixelfed, PeerTube, Funkwhale), whose files become the
    /// status's attachments as Mastodon shows them.
    fn read<'a>(
        object: &'a vocab::Object,
        author: &Actor,
    ) -> Result<(RemotePost, &'a vocab::PostFields), AppError> {
        let (Some(fields), Some(post)) = (object.fields(), object.as_post()) else {
            let kind = object.kind();
            return Err(AppError::BadRequest(format!("cannot store a {kind}")));
        };
        if fields.id.is_empty() {
            return Err(AppError::BadRequest("object without id".into()));
        }
        if vocab::host_of(&fields.id) != Some(author.host.clone()) {
            return Err(AppError::BadRequest(
                "the object is not on its author's host".into(),
            ));
        }
        if !fields.is_by(&author.ap_id) {
            return Err(AppError::BadRequest(
                "the object is attributed to someone else".into(),
            ));
        }
        let spoiler = post
            .spoiler_text
            .as_deref()
            .map(|t| plain(t, usize::MAX))
            .unwrap_or_default();
        let stance = match object {
            vocab::Object::Note(n) => n.argument_stance().map(str::to_string),
            _ => None,
        };
        let post = RemotePost {
            ap_id: fields.id.clone(),
            content: sanitize_html(&post.text),
            sensitive: post.sensitive || !spoiler.is_empty(),
            spoiler,
            visibility: fields.visibility(author.followers_url.as_deref()).as_str(),
            published: fields.published.unwrap_or_else(Utc::now),
            url: post.url,
            attachments: post.attachments,
            poll: post.poll,
            stance,
        };
        Ok((post, fields))
    }
}

/// The status a post replies to: known here, or fetched (`depth` levels up).
async fn parent_of(
    state: &AppState,
    object: &vocab::PostFields,
    depth: u8,
) -> Result<Option<status::Model>, AppError> {
    let Some(parent_id) = object.in_reply_to.as_deref() else {
        return Ok(None);
    };
    if let Some(p) = status::Entity::find()
        .filter(status::Column::ApId.eq(parent_id))
        .one(&state.db)
        .await?
    {
        return Ok(Some(p));
    }
    if depth == 0 {
        return Ok(None);
    }
    match Box::pin(fetch_note(state, parent_id, depth - 1)).await {
        Ok(p) => Ok(Some(p)),
        Err(e) => {
            tracing::debug!(parent = %parent_id, error = %e, "reply parent not fetched");
            Ok(None)
        }
    }
}

/// The actors a post mentions that we know (ours, or cached remote ones),
/// with local actors addressed directly, and its hashtags.
async fn addressed(
    state: &AppState,
    object: &vocab::PostFields,
) -> Result<(Vec<Actor>, Vec<String>), AppError> {
    let mut mentioned: Vec<Actor> = Vec::new();
    let mut hashtags: Vec<String> = Vec::new();
    fn known(a: Actor, mentioned: &mut Vec<Actor>) {
        if !mentioned.iter().any(|m| m.id == a.id) {
            mentioned.push(a);
        }
    }
    for t in object.tags().iter().take(MAX_TAGS) {
        match t {
            vocab::Tag::Mention(m) => {
                if let Some(href) = m.href.as_deref()
                    && let Some(a) = remote::find_by_ap_id(state, href).await?
                {
                    known(a, &mut mentioned);
                }
            }
            vocab::Tag::Hashtag(h) => {
                if let Some(name) = h.normalized()
                    && !hashtags.contains(&name)
                {
                    hashtags.push(name);
                }
            }
            vocab::Tag::Emoji(_) => {}
        }
    }
    let addressees = object.to.iter().chain(&object.cc).take(MAX_TAGS);
    for addressee in addressees {
        if vocab::host_of(addressee).as_deref() == Some(state.config.instance.domain.as_str())
            && let Some(a) = remote::find_by_ap_id(state, addressee).await?
        {
            known(a, &mut mentioned);
        }
    }
    Ok((mentioned, hashtags))
}

/// A known post changed: the old text goes to its edit history.
async fn update(
    db: &impl ConnectionTrait,
    old: status::Model,
    post: RemotePost,
    object: &vocab::PostFields,
) -> Result<status::Model, AppError> {
    edit::ActiveModel {
        status_id: Set(old.id),
        content: Set(old.content.clone()),
        spoiler_text: Set(old.spoiler_text.clone()),
        sensitive: Set(old.sensitive),
        created_at: Set(old.edited_at.unwrap_or(old.created_at)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let mut active: status::ActiveModel = old.into();
    active.content = Set(post.content);
    active.spoiler_text = Set(post.spoiler);
    active.sensitive = Set(post.sensitive);
    active.edited_at = Set(Some(object.updated.unwrap_or_else(Utc::now)));
    let saved = active.update(db).await?;
    status_tag::Entity::delete_many()
        .filter(status_tag::Column::StatusId.eq(saved.id))
        .exec(db)
        .await?;
    mention::Entity::delete_many()
        .filter(mention::Column::StatusId.eq(saved.id))
        .exec(db)
        .await?;
    Ok(saved)
}

/// A new remote post, with its attachments and poll; `None` when a post
/// with its id is there already.
async fn insert(
    db: &impl ConnectionTrait,
    post: RemotePost,
    author: &Actor,
    parent: Option<&status::Model>,
) -> Result<Option<status::Model>, AppError> {
    let (published, attachments, poll) = (post.published, post.attachments, post.poll);
    let inserted = status::ActiveModel {
        ap_id: Set(post.ap_id),
        url: Set(post.url),
        actor_id: Set(author.id),
        in_reply_to_id: Set(parent.map(|p| p.id)),
        in_reply_to_actor_id: Set(parent.map(|p| p.actor_id)),
        reblog_of_id: Set(None),
        content: Set(post.content),
        source: Set(None),
        spoiler_text: Set(post.spoiler),
        sensitive: Set(post.sensitive),
        visibility: Set(post.visibility.to_string()),
        language: Set(None),
        local: Set(false),
        created_at: Set(published),
        edited_at: Set(None),
        stance: Set(post.stance),
        ..Default::default()
    }
    .insert(db)
    .await;
    let Some(saved) = crate::db::inserted(inserted)? else {
        return Ok(None);
    };
    insert_attachments(db, author, &saved, &attachments).await?;
    if let Some(poll) = poll {
        insert_poll(db, saved.id, &poll).await?;
    }
    Ok(Some(saved))
}

/// The post's attachments, as media that stay on their server.
async fn insert_attachments(
    db: &impl ConnectionTrait,
    author: &Actor,
    saved: &status::Model,
    files: &[vocab::MediaFile],
) -> Result<(), AppError> {
    for (i, file) in files.iter().take(vocab::MAX_ATTACHMENTS).enumerate() {
        if !(file.url.starts_with("https://") || file.url.starts_with("http://")) {
            continue;
        }
        let dimension = |n: Option<i64>| n.and_then(|n| i32::try_from(n).ok());
        let media_type = file.media_type.as_deref().unwrap_or("image/jpeg");
        let description = plain(file.description.as_deref().unwrap_or_default(), 1500);
        media::ActiveModel {
            actor_id: Set(author.id),
            status_id: Set(Some(saved.id)),
            file_name: Set(None),
            content_type: Set(media_type.chars().take(100).collect()),
            size: Set(0),
            width: Set(dimension(file.width)),
            height: Set(dimension(file.height)),
            description: Set(description),
            remote_url: Set(Some(file.url.clone())),
            // Keeps the attachments' order.
            created_at: Set(
                saved.created_at + chrono::Duration::milliseconds(i64::try_from(i).unwrap_or(0))
            ),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// A `Question`'s options as a poll; fewer than two options make none.
async fn insert_poll(
    db: &impl ConnectionTrait,
    status_id: i64,
    poll: &vocab::Poll,
) -> Result<(), AppError> {
    let names: Vec<String> = poll
        .options
        .iter()
        .map(|n| n.chars().take(200).collect())
        .collect();
    if names.len() < 2 {
        return Ok(());
    }
    poll::ActiveModel {
        status_id: Set(status_id),
        options: Set(serde_json::to_string(&names).map_err(|e| AppError::Internal(e.to_string()))?),
        multiple: Set(poll.multiple),
        expires_at: Set(poll.end_time),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The post's mentions, hashtags and search entry.
async fn link(
    db: &impl ConnectionTrait,
    saved: &status::Model,
    mentioned: &[Actor],
    hashtags: &[String],
) -> Result<(), AppError> {
    crate::statuses::search::index(db, saved).await?;
    if !mentioned.is_empty() {
        mention::Entity::insert_many(mentioned.iter().map(|a| mention::ActiveModel {
            status_id: Set(saved.id),
            actor_id: Set(a.id),
        }))
        .exec_without_returning(db)
        .await?;
    }
    crate::statuses::service::attach_tags(db, saved.id, hashtags).await
}

/// A status by its ActivityPub id: known already, or fetched and stored.
pub async fn fetch_note(
    state: &AppState,
    ap_id: &str,
    depth: u8,
) -> Result<status::Model, AppError> {
    if let Some(s) = status::Entity::find()
        .filter(status::Column::ApId.eq(ap_id))
        .one(&state.db)
        .await?
    {
        return Ok(s);
    }
    if vocab::host_of(ap_id).as_deref() == Some(state.config.instance.domain.as_str()) {
        return Err(AppError::NotFound(msg!("error-record-not-found")));
    }
    let fetched = remote::fetch_object(state, ap_id).await?;
    store_fetched(state, ap_id, &fetched, depth).await
}

/// Stores a post fetched from `ap_id` (its id checked by the fetch).
pub async fn store_fetched(
    state: &AppState,
    ap_id: &str,
    fetched: &serde_json::Value,
    depth: u8,
) -> Result<status::Model, AppError> {
    let object = vocab::Object::parse(fetched)?;
    // Plans name several owners; the author is the one on the object's host.
    let author_id = object
        .fields()
        .and_then(|f| {
            f.attributed_to
                .iter()
                .find(|id| vocab::host_of(id) == vocab::host_of(ap_id))
        })
        .ok_or_else(|| AppError::BadRequest("the object has no author on its own host".into()))?;
    let author = remote::actor(state, author_id).await?;
    store_remote(state, &object, &author, depth).await
}
