//! Statuses as ActivityPub `Note`s (and `Question`s with a poll), and remote
//! notes stored as statuses.

use crate::db::BeginWrite;
use std::collections::HashSet;

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};
use serde_json::{Value, json};

use super::{ap_json, remote, wants_activity_json};
use crate::actors::entity::{self as actor, Model as Actor};
use crate::config::Config;
use crate::error::AppError;
use crate::media::entity as media;
use crate::state::AppState;
use crate::statuses::changes::{self, StatusChange};
use crate::statuses::entity::{edit, mention, poll, poll_vote, status, status_tag, tag};
use crate::statuses::views::{media_url, time};
use crate::text::sanitize_html;
use knooppunt_federation::vocab::{self, PUBLIC};

/// `to` and `cc` for a visibility, as Mastodon addresses them.
pub fn addressing(
    visibility: &str,
    followers: &str,
    mentioned: &[String],
) -> (Vec<String>, Vec<String>) {
    let mentioned = mentioned.to_vec();
    match visibility {
        "public" => (
            vec![PUBLIC.into()],
            [vec![followers.to_string()], mentioned].concat(),
        ),
        "unlisted" => (
            vec![followers.to_string()],
            [vec![PUBLIC.to_string()], mentioned].concat(),
        ),
        "private" => (vec![followers.to_string()], mentioned),
        _ => (mentioned, vec![]),
    }
}

/// The ActivityPub object of a local status.
pub async fn note(
    db: &impl ConnectionTrait,
    config: &Config,
    s: &status::Model,
) -> Result<Value, AppError> {
    let author = actor::Entity::find_by_id(s.actor_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("Record not found".into()))?;
    let parent = match s.in_reply_to_id {
        Some(id) => status::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|p| p.ap_id),
        None => None,
    };
    let mention_rows = mention::Entity::find()
        .filter(mention::Column::StatusId.eq(s.id))
        .all(db)
        .await?;
    let mentioned: Vec<Actor> = actor::Entity::find()
        .filter(
            actor::Column::Id.is_in(mention_rows.iter().map(|m| m.actor_id).collect::<Vec<_>>()),
        )
        .all(db)
        .await?;
    let tag_ids: Vec<i64> = status_tag::Entity::find()
        .filter(status_tag::Column::StatusId.eq(s.id))
        .all(db)
        .await?
        .into_iter()
        .map(|t| t.tag_id)
        .collect();
    let tags = tag::Entity::find()
        .filter(tag::Column::Id.is_in(tag_ids))
        .all(db)
        .await?;
    let attachments = media::Entity::find()
        .filter(media::Column::StatusId.eq(s.id))
        .all(db)
        .await?;
    let followers = author
        .followers_url
        .clone()
        .unwrap_or_else(|| format!("{}/followers", author.ap_id));
    let mentioned_ids: Vec<String> = mentioned.iter().map(|a| a.ap_id.clone()).collect();
    let (to, cc) = addressing(&s.visibility, &followers, &mentioned_ids);
    let mut tag_json: Vec<Value> = mentioned
        .iter()
        .map(|a| {
            let acct = if a.local {
                format!("@{}@{}", a.username, config.instance.domain)
            } else {
                format!("@{}@{}", a.username, a.host)
            };
            json!({ "type": "Mention", "href": a.ap_id, "name": acct })
        })
        .collect();
    tag_json.extend(tags.iter().map(|t| json!({ "type": "Hashtag", "href": format!("{}/tags/{}", config.base_url(), t.name), "name": format!("#{}", t.name) })));
    let mut object = json!({
        "id": s.ap_id,
        "type": "Note",
        "attributedTo": author.ap_id,
        "content": s.content,
        "summary": if s.spoiler_text.is_empty() { Value::Null } else { json!(s.spoiler_text) },
        "sensitive": s.sensitive,
        "published": time(&s.created_at),
        "url": s.url.clone().unwrap_or_else(|| s.ap_id.clone()),
        "inReplyTo": parent,
        "to": to,
        "cc": cc,
        "tag": tag_json,
        "attachment": attachments.iter().map(|m| json!({
            "type": "Document",
            "mediaType": m.content_type,
            "url": media_url(config, m),
            "name": if m.description.is_empty() { Value::Null } else { json!(m.description) },
            "width": m.width,
            "height": m.height,
        })).collect::<Vec<_>>(),
    });
    if let Some(language) = &s.language {
        object["contentMap"] = json!({ language: s.content });
    }
    if let Some(edited) = &s.edited_at {
        object["updated"] = json!(time(edited));
    }
    if let Some(p) = poll::Entity::find()
        .filter(poll::Column::StatusId.eq(s.id))
        .one(db)
        .await?
    {
        let options: Vec<String> = serde_json::from_str(&p.options).unwrap_or_default();
        let votes = poll_vote::Entity::find()
            .filter(poll_vote::Column::PollId.eq(p.id))
            .all(db)
            .await?;
        let voters: HashSet<i64> = votes.iter().map(|v| v.actor_id).collect();
        let choices: Vec<Value> = options
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let n = votes.iter().filter(|v| usize::try_from(v.choice).ok() == Some(i)).count();
                json!({ "type": "Note", "name": name, "replies": { "type": "Collection", "totalItems": n } })
            })
            .collect();
        object["type"] = json!("Question");
        object[if p.multiple { "anyOf" } else { "oneOf" }] = json!(choices);
        object["endTime"] = json!(p.expires_at.as_ref().map(time));
        object["votersCount"] = json!(voters.len());
    }
    if let Some(stance) = &s.stance {
        object["stance"] = json!(stance);
    }
    crate::plans::federation::extend_page(db, config, s, &mut object).await?;
    crate::events::federation::extend_event(db, config, s, &mut object).await?;
    Ok(object)
}

/// `GET /users/:name/statuses/:id`: the Note for servers, a redirect to the app for browsers.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((name, id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let not_found = || AppError::NotFound("not found".into());
    let id: i64 = id.parse().map_err(|_| not_found())?;
    let s = status::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or_else(not_found)?;
    let author = actor::Entity::find_by_id(s.actor_id)
        .one(&state.db)
        .await?
        .ok_or_else(not_found)?;
    // Only public and unlisted statuses can be fetched without a signature.
    if !author.local
        || author.username != name
        || s.reblog_of_id.is_some()
        || !matches!(s.visibility.as_str(), "public" | "unlisted")
        || crate::actors::hidden::is_hidden(&author)
    {
        return Err(not_found());
    }
    if !wants_activity_json(&headers) {
        // A readable page for people; the content is our own sanitised HTML.
        let esc = crate::text::escape;
        let warning = if s.spoiler_text.is_empty() {
            String::new()
        } else {
            format!("<p><strong>{}</strong></p>", esc(&s.spoiler_text))
        };
        let html = format!(
            "<!doctype html><html lang=\"nl\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{name} · {instance}</title></head><body><main><article><header><a href=\"{profile}\">{name}</a> <code>@{user}@{domain}</code> · <time datetime=\"{time}\">{time}</time></header>{warning}{content}</article></main></body></html>",
            name = esc(&author.display_name),
            instance = esc(&state.config.instance.name),
            profile = esc(&author.ap_id),
            user = esc(&author.username),
            domain = esc(&state.config.instance.domain),
            time = time(&s.created_at),
            content = s.content,
        );
        return Ok(axum::response::Html(html).into_response());
    }
    let mut object = note(&state.db, &state.config, &s).await?;
    object["@context"] = vocab::context(&super::context_url(&state.config));
    Ok(ap_json(object))
}

fn parse_time(value: Option<&Value>) -> Option<DateTime<Utc>> {
    value
        .and_then(Value::as_str)
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc))
}

/// The visibility a remote object's addressing amounts to.
fn visibility_of(object: &Value, author: &Actor) -> &'static str {
    let to = vocab::ids(object.get("to"));
    let cc = vocab::ids(object.get("cc"));
    if to.iter().any(|a| vocab::is_public(a)) {
        "public"
    } else if cc.iter().any(|a| vocab::is_public(a)) {
        "unlisted"
    } else if author
        .followers_url
        .as_ref()
        .is_some_and(|f| to.contains(f) || cc.contains(f))
    {
        "private"
    } else {
        "direct"
    }
}

/// URL of an attachment: a string, a Link object, or a list of those.
fn attachment_url(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o.get("href").and_then(Value::as_str).map(str::to_string),
        Value::Array(items) => items.iter().find_map(|i| attachment_url(Some(i))),
        _ => None,
    }
}

/// Stores a remote Note, Question, Article or Page by `author`, or updates
/// it if known; a Page that is a plan also updates the plan's copy here.
/// Reply parents unknown here are fetched, up to `depth` levels.
pub async fn store_remote(
    state: &AppState,
    object: &Value,
    author: &Actor,
    depth: u8,
) -> Result<status::Model, AppError> {
    let saved = store_remote_post(state, object, author, depth).await?;
    match vocab::type_of(object) {
        Some("Page") => crate::plans::federation::mirror(state, object, &saved).await?,
        Some("Event") => crate::events::federation::mirror(state, object, &saved).await?,
        _ => {}
    }
    Ok(saved)
}

async fn store_remote_post(
    state: &AppState,
    object: &Value,
    author: &Actor,
    depth: u8,
) -> Result<status::Model, AppError> {
    let kind = vocab::type_of(object).unwrap_or_default();
    if !matches!(kind, "Note" | "Question" | "Article" | "Page" | "Event") {
        return Err(AppError::BadRequest(format!("cannot store a {kind}")));
    }
    let ap_id = object
        .get("id")
        .and_then(Value::as_str)
        .ok_or_else(|| AppError::BadRequest("object without id".into()))?;
    if vocab::host_of(ap_id) != Some(author.host.clone()) {
        return Err(AppError::BadRequest(
            "the object is not on its author's host".into(),
        ));
    }
    if vocab::id_of(object.get("attributedTo")).as_deref() != Some(author.ap_id.as_str())
        && !vocab::ids(object.get("attributedTo")).contains(&author.ap_id)
    {
        return Err(AppError::BadRequest(
            "the object is attributed to someone else".into(),
        ));
    }
    let raw_content = object
        .get("content")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let mut content = sanitize_html(raw_content);
    // Articles and Pages: a readable post with the title and a link, as Mastodon shows them.
    if matches!(kind, "Article" | "Page" | "Event") {
        let name = object
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let url = attachment_url(object.get("url")).unwrap_or_else(|| ap_id.to_string());
        content = sanitize_html(&format!(
            "<p><strong>{}</strong></p>{}<p><a href=\"{}\">{}</a></p>",
            crate::text::escape(name),
            object
                .get("summary")
                .and_then(Value::as_str)
                .map(|s| format!("<p>{}</p>", crate::text::escape(s)))
                .unwrap_or_default(),
            crate::text::escape(&url),
            crate::text::escape(&url)
        ));
    }
    let spoiler = if matches!(kind, "Article" | "Page" | "Event") {
        String::new()
    } else {
        object
            .get("summary")
            .and_then(Value::as_str)
            .map(|s| ammonia::Builder::empty().clean(s).to_string())
            .unwrap_or_default()
    };
    let sensitive = object
        .get("sensitive")
        .and_then(Value::as_bool)
        .unwrap_or(false)
        || !spoiler.is_empty();
    let visibility = visibility_of(object, author);
    let published = parse_time(object.get("published")).unwrap_or_else(Utc::now);
    let url = attachment_url(object.get("url")).filter(|u| u.starts_with("http"));

    let parent = match vocab::id_of(object.get("inReplyTo")) {
        Some(parent_id) => match status::Entity::find()
            .filter(status::Column::ApId.eq(parent_id.as_str()))
            .one(&state.db)
            .await?
        {
            Some(p) => Some(p),
            None if depth > 0 => match Box::pin(fetch_note(state, &parent_id, depth - 1)).await {
                Ok(p) => Some(p),
                Err(e) => {
                    tracing::debug!(parent = %parent_id, error = %e, "reply parent not fetched");
                    None
                }
            },
            None => None,
        },
        None => None,
    };

    // Mentions of actors we know (ours, or cached remote ones) and hashtags.
    // A note names a handful of people and tags; thousands are an attack on the database.
    const MAX_TAGS: usize = 64;
    let tags: Vec<Value> = match object.get("tag") {
        Some(Value::Array(items)) => items.iter().take(MAX_TAGS).cloned().collect(),
        Some(single @ Value::Object(_)) => vec![single.clone()],
        _ => vec![],
    };
    let mut mentioned: Vec<Actor> = Vec::new();
    let mut hashtags: Vec<String> = Vec::new();
    for t in &tags {
        match vocab::type_of(t) {
            Some("Mention") => {
                if let Some(href) = t.get("href").and_then(Value::as_str)
                    && let Some(a) = remote::find_by_ap_id(state, href).await?
                    && !mentioned.iter().any(|m| m.id == a.id)
                {
                    mentioned.push(a);
                }
            }
            Some("Hashtag") => {
                if let Some(name) = t.get("name").and_then(Value::as_str) {
                    let name = name.trim_start_matches('#').to_lowercase();
                    if !name.is_empty()
                        && name.len() <= 100
                        && name.chars().all(|c| c.is_alphanumeric() || c == '_')
                        && !hashtags.contains(&name)
                    {
                        hashtags.push(name);
                    }
                }
            }
            _ => {}
        }
    }
    // Local actors addressed directly (to/cc) count as mentioned too.
    for addressee in vocab::ids(object.get("to"))
        .into_iter()
        .chain(vocab::ids(object.get("cc")))
        .take(MAX_TAGS)
    {
        if vocab::host_of(&addressee).as_deref() == Some(state.config.instance.domain.as_str())
            && let Some(a) = remote::find_by_ap_id(state, &addressee).await?
            && !mentioned.iter().any(|m| m.id == a.id)
        {
            mentioned.push(a);
        }
    }

    let txn = state.db.begin_write().await?;
    let existing = status::Entity::find()
        .filter(status::Column::ApId.eq(ap_id))
        .one(&txn)
        .await?;
    let saved = match existing {
        Some(old) => {
            if old.actor_id != author.id {
                return Err(AppError::Forbidden(
                    "only the author can change a status".into(),
                ));
            }
            if old.content == content && old.spoiler_text == spoiler {
                txn.commit().await?;
                return Ok(old);
            }
            edit::ActiveModel {
                status_id: Set(old.id),
                content: Set(old.content.clone()),
                spoiler_text: Set(old.spoiler_text.clone()),
                sensitive: Set(old.sensitive),
                created_at: Set(old.edited_at.unwrap_or(old.created_at)),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            let mut active: status::ActiveModel = old.into();
            active.content = Set(content);
            active.spoiler_text = Set(spoiler);
            active.sensitive = Set(sensitive);
            active.edited_at = Set(Some(
                parse_time(object.get("updated")).unwrap_or_else(Utc::now),
            ));
            let saved = active.update(&txn).await?;
            status_tag::Entity::delete_many()
                .filter(status_tag::Column::StatusId.eq(saved.id))
                .exec(&txn)
                .await?;
            mention::Entity::delete_many()
                .filter(mention::Column::StatusId.eq(saved.id))
                .exec(&txn)
                .await?;
            saved
        }
        None => {
            let saved = status::ActiveModel {
                ap_id: Set(ap_id.to_string()),
                url: Set(url),
                actor_id: Set(author.id),
                in_reply_to_id: Set(parent.as_ref().map(|p| p.id)),
                in_reply_to_actor_id: Set(parent.as_ref().map(|p| p.actor_id)),
                reblog_of_id: Set(None),
                content: Set(content),
                source: Set(None),
                spoiler_text: Set(spoiler),
                sensitive: Set(sensitive),
                visibility: Set(visibility.to_string()),
                language: Set(None),
                local: Set(false),
                created_at: Set(published),
                edited_at: Set(None),
                stance: Set(object
                    .get("stance")
                    .and_then(Value::as_str)
                    .filter(|s| matches!(*s, "pro" | "contra"))
                    .map(str::to_string)),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            for (i, a) in object
                .get("attachment")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
                .iter()
                .take(8)
                .enumerate()
            {
                let Some(url) = attachment_url(a.get("url"))
                    .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
                else {
                    continue;
                };
                media::ActiveModel {
                    actor_id: Set(author.id),
                    status_id: Set(Some(saved.id)),
                    file_name: Set(None),
                    content_type: Set(a
                        .get("mediaType")
                        .and_then(Value::as_str)
                        .unwrap_or("image/jpeg")
                        .chars()
                        .take(100)
                        .collect()),
                    size: Set(0),
                    width: Set(a
                        .get("width")
                        .and_then(Value::as_i64)
                        .and_then(|w| i32::try_from(w).ok())),
                    height: Set(a
                        .get("height")
                        .and_then(Value::as_i64)
                        .and_then(|h| i32::try_from(h).ok())),
                    description: Set(a
                        .get("name")
                        .and_then(Value::as_str)
                        .map(|n| ammonia::Builder::empty().clean(n).to_string())
                        .unwrap_or_default()
                        .chars()
                        .take(1500)
                        .collect()),
                    remote_url: Set(Some(url)),
                    created_at: Set(
                        published + chrono::Duration::milliseconds(i64::try_from(i).unwrap_or(0))
                    ),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
            }
            if kind == "Question" {
                let (choices, multiple) = match (object.get("oneOf"), object.get("anyOf")) {
                    (Some(Value::Array(c)), _) => (c.clone(), false),
                    (_, Some(Value::Array(c))) => (c.clone(), true),
                    _ => (vec![], false),
                };
                let names: Vec<String> = choices
                    .iter()
                    .filter_map(|c| {
                        c.get("name")
                            .and_then(Value::as_str)
                            .map(|n| n.chars().take(200).collect())
                    })
                    .collect();
                if names.len() >= 2 {
                    poll::ActiveModel {
                        status_id: Set(saved.id),
                        options: Set(serde_json::to_string(&names)
                            .map_err(|e| AppError::Internal(e.to_string()))?),
                        multiple: Set(multiple),
                        expires_at: Set(parse_time(object.get("endTime"))),
                        ..Default::default()
                    }
                    .insert(&txn)
                    .await?;
                }
            }
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
            saved
        }
    };
    crate::statuses::search::index(&txn, &saved).await?;
    for a in &mentioned {
        mention::ActiveModel {
            status_id: Set(saved.id),
            actor_id: Set(a.id),
        }
        .insert(&txn)
        .await?;
    }
    for name in &hashtags {
        let tag_id = match tag::Entity::find()
            .filter(tag::Column::Name.eq(name.as_str()))
            .one(&txn)
            .await?
        {
            Some(t) => t.id,
            None => {
                tag::ActiveModel {
                    name: Set(name.clone()),
                    ..Default::default()
                }
                .insert(&txn)
                .await?
                .id
            }
        };
        status_tag::ActiveModel {
            status_id: Set(saved.id),
            tag_id: Set(tag_id),
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    state.federation.outbox_bell.notify_one();
    Ok(saved)
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
        return Err(AppError::NotFound("Record not found".into()));
    }
    let object = remote::fetch_object(state, ap_id).await?;
    // Plans name several owners; the author is the one on the object's host.
    let author_id = vocab::ids(object.get("attributedTo"))
        .into_iter()
        .find(|id| vocab::host_of(id) == vocab::host_of(ap_id))
        .ok_or_else(|| AppError::BadRequest("the object has no author on its own host".into()))?;
    let author = remote::actor(state, &author_id).await?;
    store_remote(state, &object, &author, depth).await
}
