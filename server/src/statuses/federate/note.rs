//! A local status as its ActivityPub object: a `Note`, or a `Question` when
//! it has a poll. Domains above add to it through [`RENDER`]: a plan's post
//! becomes its `Page`, an event's post its `Event`.

use std::collections::HashSet;

use sea_orm::{ColumnTrait, DatabaseExecutor, EntityTrait, QueryFilter};
use serde_json::Value;

use crate::actors::entity::{self as actor, Model as Actor};
use crate::config::Config;
use crate::db::Db;
use crate::error::AppError;
use crate::federation::{ap_json, context_url, wants_activity_json};
use crate::hooks::{HookFuture, Hooks};
use crate::media::entity as media;
use crate::statuses::entity::{mention, poll, poll_vote, status, status_tag, tag};
use crate::statuses::views::media_url;
use knooppunt_federation::vocab::{self, PUBLIC};

/// Adds a domain's fields to the object of a status; leaves others alone.
pub type RenderHook = for<'a> fn(
    &'a DatabaseExecutor<'a>,
    &'a Config,
    &'a status::Model,
    &'a mut vocab::Object,
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

/// The ActivityPub object of a local status, as JSON (without `@context`).
pub async fn note(db: &impl Db, config: &Config, s: &status::Model) -> Result<Value, AppError> {
    let object = object(db, config, s).await?;
    serde_json::to_value(&object).map_err(|e| AppError::Internal(e.to_string()))
}

/// The ActivityPub object of a local status: a `Note`, a `Question`, or
/// what a domain above makes of it (a `Page`, an `Event`).
pub async fn object(
    db: &impl Db,
    config: &Config,
    s: &status::Model,
) -> Result<vocab::Object, AppError> {
    let author = actor::Entity::find_by_id(s.actor_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(msg!("error-record-not-found")))?;
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
    let mut tags: Vec<vocab::Tag> = mentioned.iter().map(|a| mention_tag(config, a)).collect();
    tags.extend(hashtags(db, config, s.id).await?);
    let post = vocab::PostFields {
        content: Some(s.content.clone()),
        content_map: match &s.language {
            Some(language) => vocab::LanguageMap::single(language, &s.content),
            None => vocab::LanguageMap::default(),
        },
        summary: (!s.spoiler_text.is_empty()).then(|| s.spoiler_text.clone()),
        sensitive: Some(s.sensitive),
        published: Some(s.created_at),
        updated: s.edited_at,
        url: vocab::Links::one(s.url.as_deref().unwrap_or(&s.ap_id)),
        in_reply_to: parent,
        to,
        cc,
        tag: Some(tags),
        attachment: attachments(db, config, s.id).await?,
        ..vocab::PostFields::new(&s.ap_id, &author.ap_id)
    };
    let mut object = match poll_of(db, s.id, post.clone()).await? {
        Some(question) => vocab::Object::Question(question),
        None => vocab::Object::Note(vocab::Note {
            stance: s.stance.clone(),
            ..vocab::Note::new(post)
        }),
    };
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

fn mention_tag(config: &Config, a: &Actor) -> vocab::Tag {
    let host = if a.local {
        &config.instance.domain
    } else {
        &a.host
    };
    vocab::Tag::mention(&a.ap_id, &format!("@{}@{host}", a.username))
}

/// The status's hashtags as `Hashtag` tags.
async fn hashtags(
    db: &impl Db,
    config: &Config,
    status_id: i64,
) -> Result<Vec<vocab::Tag>, AppError> {
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
            let href = format!("{}/tags/{}", config.base_url(), t.name);
            vocab::Tag::hashtag(&t.name, Some(&href))
        })
        .collect())
}

/// The status's media as `Document`s.
async fn attachments(
    db: &impl Db,
    config: &Config,
    status_id: i64,
) -> Result<Vec<vocab::Attachment>, AppError> {
    let media = media::Entity::find()
        .filter(media::Column::StatusId.eq(status_id))
        .all(db)
        .await?;
    Ok(media
        .iter()
        .map(|m| vocab::Attachment {
            width: m.width.map(i64::from),
            height: m.height.map(i64::from),
            ..vocab::Attachment::document(&media_url(config, m), &m.content_type)
                .with_description(&m.description)
        })
        .collect())
}

/// A status with a poll is a `Question` with its options and their counts.
async fn poll_of(
    db: &impl Db,
    status_id: i64,
    post: vocab::PostFields,
) -> Result<Option<vocab::Question>, AppError> {
    let Some(p) = poll::Entity::find()
        .filter(poll::Column::StatusId.eq(status_id))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let options: Vec<String> = serde_json::from_str(&p.options).unwrap_or_default();
    let votes = poll_vote::Entity::find()
        .filter(poll_vote::Column::PollId.eq(p.id))
        .all(db)
        .await?;
    let voters: HashSet<i64> = votes.iter().map(|v| v.actor_id).collect();
    let choices: Vec<vocab::PollOption> = options
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let n = votes
                .iter()
                .filter(|v| usize::try_from(v.choice).ok() == Some(i))
                .count();
            vocab::PollOption::new(name, u64::try_from(n).unwrap_or(u64::MAX))
        })
        .collect();
    Ok(Some(vocab::Question {
        end_time: p.expires_at,
        voters_count: i64::try_from(voters.len()).ok(),
        ..vocab::Question::new(post, choices, p.multiple)
    }))
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
    let object = object(db, config, post).await?;
    let object = vocab::with_context(&object, vocab::context(&context_url(config)))?;
    Ok(Some(ap_json(object)))
}
