//! A local status as its ActivityPub object: a `Note`, or a `Question` when
//! it has a poll. Domains above add to it through [`RENDER`]: a plan's post
//! becomes its `Page`, an event's post its `Event`.

use std::collections::HashSet;

use sea_orm::{ColumnTrait, DatabaseExecutor, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::actors::entity::{self as actor, Model as Actor};
use crate::config::Config;
use crate::db::Db;
use crate::error::AppError;
use crate::federation::{ap_json, context_url, wants_activity_json};
use crate::hooks::{HookFuture, Hooks};
use crate::media::entity as media;
use crate::statuses::entity::{mention, poll, poll_vote, status, status_tag, tag};
use crate::statuses::views::{media_url, time};
use knooppunt_federation::vocab::{self, PUBLIC};

/// Adds a domain's fields to the object of a status; leaves others alone.
pub type RenderHook = for<'a> fn(
    &'a DatabaseExecutor<'a>,
    &'a Config,
    &'a status::Model,
    &'a mut Value,
) -> HookFuture<'a>;

/// The domains that extend a status's object (registered in `app::wire`).
pub static RENDER: Hooks<RenderHook> = Hooks::new();

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
pub async fn note(db: &impl Db, config: &Config, s: &status::Model) -> Result<Value, AppError> {
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
    let mentioned = mentioned(db, s.id).await?;
    let followers = author
        .followers_url
        .clone()
        .unwrap_or_else(|| format!("{}/followers", author.ap_id));
    let mentioned_ids: Vec<String> = mentioned.iter().map(|a| a.ap_id.clone()).collect();
    let (to, cc) = addressing(&s.visibility, &followers, &mentioned_ids);
    let mut tags: Vec<Value> = mentioned.iter().map(|a| mention_tag(config, a)).collect();
    tags.extend(hashtags(db, config, s.id).await?);
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
        "tag": tags,
        "attachment": attachments(db, config, s.id).await?,
    });
    if let Some(language) = &s.language {
        object["contentMap"] = json!({ language: s.content });
    }
    if let Some(edited) = &s.edited_at {
        object["updated"] = json!(time(edited));
    }
    add_poll(db, s.id, &mut object).await?;
    if let Some(stance) = &s.stance {
        object["stance"] = json!(stance);
    }
    let executor = db.executor();
    for extend in RENDER.all() {
        extend(&executor, config, s, &mut object).await?;
    }
    Ok(object)
}

/// The actors a status mentions.
async fn mentioned(db: &impl Db, status_id: i64) -> Result<Vec<Actor>, AppError> {
    use sea_orm::sea_query::Query;
    let ids = Query::select()
        .column(mention::Column::ActorId)
        .from(mention::Entity)
        .and_where(mention::Column::StatusId.eq(status_id))
        .to_owned();
    Ok(actor::Entity::find()
        .filter(actor::Column::Id.in_subquery(ids))
        .all(db)
        .await?)
}

fn mention_tag(config: &Config, a: &Actor) -> Value {
    let host = if a.local {
        &config.instance.domain
    } else {
        &a.host
    };
    json!({ "type": "Mention", "href": a.ap_id, "name": format!("@{}@{host}", a.username) })
}

/// The status's hashtags as `Hashtag` tags.
async fn hashtags(db: &impl Db, config: &Config, status_id: i64) -> Result<Vec<Value>, AppError> {
    use sea_orm::sea_query::Query;
    let ids = Query::select()
        .column(status_tag::Column::TagId)
        .from(status_tag::Entity)
        .and_where(status_tag::Column::StatusId.eq(status_id))
        .to_owned();
    let tags = tag::Entity::find()
        .filter(tag::Column::Id.in_subquery(ids))
        .all(db)
        .await?;
    Ok(tags
        .iter()
        .map(|t| {
            json!({
                "type": "Hashtag",
                "href": format!("{}/tags/{}", config.base_url(), t.name),
                "name": format!("#{}", t.name),
            })
        })
        .collect())
}

/// The status's media as `Document`s.
async fn attachments(
    db: &impl Db,
    config: &Config,
    status_id: i64,
) -> Result<Vec<Value>, AppError> {
    let media = media::Entity::find()
        .filter(media::Column::StatusId.eq(status_id))
        .all(db)
        .await?;
    Ok(media
        .iter()
        .map(|m| {
            json!({
                "type": "Document",
                "mediaType": m.content_type,
                "url": media_url(config, m),
                "name": if m.description.is_empty() { Value::Null } else { json!(m.description) },
                "width": m.width,
                "height": m.height,
            })
        })
        .collect())
}

/// A status with a poll is a `Question` with its options and their counts.
async fn add_poll(db: &impl Db, status_id: i64, object: &mut Value) -> Result<(), AppError> {
    let Some(p) = poll::Entity::find()
        .filter(poll::Column::StatusId.eq(status_id))
        .one(db)
        .await?
    else {
        return Ok(());
    };
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
            let n = votes
                .iter()
                .filter(|v| usize::try_from(v.choice).ok() == Some(i))
                .count();
            json!({ "type": "Note", "name": name, "replies": { "type": "Collection", "totalItems": n } })
        })
        .collect();
    object["type"] = json!("Question");
    object[if p.multiple { "anyOf" } else { "oneOf" }] = json!(choices);
    object["endTime"] = json!(p.expires_at.as_ref().map(time));
    object["votersCount"] = json!(voters.len());
    Ok(())
}

/// The server side of a status's page (a post, a plan, an event): its
/// ActivityPub object for servers, or, for a copy of something from
/// elsewhere, a redirect home. `None` when a person's browser asks for a page
/// we render here.
pub async fn object_or_home(
    db: &impl Db,
    config: &Config,
    headers: &axum::http::HeaderMap,
    post: &status::Model,
) -> Result<Option<axum::response::Response>, AppError> {
    use axum::response::IntoResponse;
    let wants_json = wants_activity_json(headers);
    if !post.local {
        // The page a remote server names is followed only on the object's
        // own host: never an open redirect to wherever it points.
        let own_host = vocab::host_of(&post.ap_id);
        let home = match &post.url {
            Some(url) if !wants_json && own_host.is_some() && vocab::host_of(url) == own_host => {
                url.clone()
            }
            _ => post.ap_id.clone(),
        };
        return Ok(Some(axum::response::Redirect::to(&home).into_response()));
    }
    if !wants_json {
        return Ok(None);
    }
    let mut object = note(db, config, post).await?;
    object["@context"] = vocab::context(&context_url(config));
    Ok(Some(ap_json(object)))
}
