//! Mastodon JSON renderings of accounts, statuses, media, polls and
//! notifications. Lists load their relations in one batched query each
//! (never one query per row).

use sea_orm::sea_query::ExprTrait;
use std::collections::{HashMap, HashSet};

use chrono::Utc;
use sea_orm::sea_query::{DynIden, Expr, IntoIden, JoinType, Query, UnionType};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use serde_json::{Value, json};

use crate::actors::entity::{self as actor, Model as Actor};
use crate::config::Config;
use crate::error::AppError;
use crate::media::entity::{self as media, Model as Media};
pub use crate::media::views::{media_json, media_url, profile_image_url};
use crate::statuses::entity::{favourite, mention, poll, poll_vote, status, status_tag, tag};

pub use crate::http::time;

/// `name` for local actors, `name@host` for remote ones.
pub fn acct(a: &Actor) -> String {
    if a.local {
        a.username.clone()
    } else {
        format!("{}@{}", a.username, a.host)
    }
}

/// Replies, boosts by people and favourites of each of `ids`: one
/// statement (three grouped counts in a `UNION ALL`), by status id.
async fn counts_of(db: &impl ConnectionTrait, ids: &[i64]) -> Result<Counts, AppError> {
    let mut counts = Counts::default();
    if ids.is_empty() {
        return Ok(counts);
    }
    let part = |kind: &str, table: DynIden, column: DynIden| {
        Query::select()
            .expr_as(Expr::val(kind.to_string()), "k")
            .expr_as(Expr::col((table.clone(), column.clone())), "id")
            .expr_as(Expr::col((table.clone(), column.clone())).count(), "n")
            .from(table.clone())
            .and_where(Expr::col((table, column.clone())).is_in(ids.iter().copied()))
            .group_by_col(column)
            .to_owned()
    };
    let mut query = part(
        "r",
        status::Entity.into_iden(),
        status::Column::InReplyToId.into_iden(),
    );
    let mut reblogs = part(
        "b",
        status::Entity.into_iden(),
        status::Column::ReblogOfId.into_iden(),
    );
    reblogs.cond_where(boosts_by_people());
    let favourites = part(
        "f",
        favourite::Entity.into_iden(),
        favourite::Column::StatusId.into_iden(),
    );
    query
        .union(UnionType::All, reblogs)
        .union(UnionType::All, favourites);
    for row in db.query_all(&query).await? {
        let kind: String = row.try_get("", "k")?;
        let (id, n): (i64, i64) = (row.try_get("", "id")?, row.try_get("", "n")?);
        let into = match kind.as_str() {
            "r" => &mut counts.replies,
            "b" => &mut counts.reblogs,
            _ => &mut counts.favourites,
        };
        into.insert(id, n);
    }
    Ok(counts)
}

/// What [`counts_of`] reads.
#[derive(Default)]
struct Counts {
    replies: HashMap<i64, i64>,
    reblogs: HashMap<i64, i64>,
    favourites: HashMap<i64, i64>,
}

/// Groups (and the neighbourhood) relay posts to their followers; that is not a
/// boost by a person, so it does not count as one.
pub fn boosts_by_people() -> sea_orm::Condition {
    let groups = sea_orm::sea_query::Query::select()
        .column(actor::Column::Id)
        .from(actor::Entity)
        .and_where(actor::Column::Kind.eq("group"))
        .to_owned();
    sea_orm::Condition::all().add(status::Column::ActorId.not_in_subquery(groups))
}

/// Renders each of `actors` once, by id.
pub async fn accounts_by_id<'a>(
    db: &impl ConnectionTrait,
    config: &Config,
    actors: impl IntoIterator<Item = &'a Actor>,
) -> Result<HashMap<i64, Value>, AppError> {
    let mut seen = HashSet::new();
    let unique: Vec<Actor> = actors
        .into_iter()
        .filter(|a| seen.insert(a.id))
        .cloned()
        .collect();
    Ok(unique
        .iter()
        .map(|a| a.id)
        .zip(accounts(db, config, &unique).await?)
        .collect())
}

/// Renders accounts with their follower, following and status counts.
pub async fn accounts(
    db: &impl ConnectionTrait,
    config: &Config,
    actors: &[Actor],
) -> Result<Vec<Value>, AppError> {
    let ids: Vec<i64> = actors.iter().map(|a| a.id).collect();
    let counts = crate::actors::stats::counts(db, ids).await?;
    let count = |id: i64| counts.get(&id).copied().unwrap_or_default();
    let media_ids: Vec<i64> = actors
        .iter()
        .flat_map(|a| [a.avatar_media_id, a.header_media_id])
        .flatten()
        .collect();
    let mut media: HashMap<i64, Media> = HashMap::new();
    for group in crate::db::id_groups(media_ids) {
        let found = media::Entity::find()
            .filter(media::Column::Id.is_in(group))
            .all(db)
            .await?;
        media.extend(found.into_iter().map(|m| (m.id, m)));
    }
    let base = config.base_url();
    Ok(actors
        .iter()
        .map(|a| {
            let image = |id: Option<i64>, kind: &str| {
                id.and_then(|id| media.get(&id))
                    .map(|m| profile_image_url(config, a.id, kind, m))
                    .unwrap_or_else(|| format!("{base}/static/{kind}.png"))
            };
            let avatar = image(a.avatar_media_id, "avatar");
            let header = image(a.header_media_id, "header");
            let mut account = json!({
                "id": a.id.to_string(),
                "username": a.username,
                "acct": acct(a),
                "display_name": a.display_name,
                "locked": a.locked,
                "bot": a.kind == "application",
                "group": a.kind == "group",
                "discoverable": true,
                "indexable": true,
                "noindex": false,
                "created_at": time(&a.created_at),
                "note": a.summary,
                "url": crate::actors::page_url(config, a),
                "uri": a.ap_id,
                "avatar": avatar,
                "avatar_static": avatar,
                "header": header,
                "header_static": header,
                "followers_count": count(a.id).followers,
                "following_count": count(a.id).following,
                "statuses_count": count(a.id).statuses,
                "last_status_at": Value::Null,
                "emojis": [],
                "fields": [],
                "roles": [],
            });
            // As Mastodon marks moderated accounts.
            if crate::actors::hidden::is_hidden(a) {
                account["suspended"] = json!(true);
            }
            if crate::actors::hidden::is_quiet(a) {
                account["limited"] = json!(true);
            }
            account
        })
        .collect())
}

pub async fn account(
    db: &impl ConnectionTrait,
    config: &Config,
    a: &Actor,
) -> Result<Value, AppError> {
    Ok(accounts(db, config, std::slice::from_ref(a))
        .await?
        .pop()
        .unwrap_or(Value::Null))
}

/// Polls with their tallies and, for a viewer, their own votes.
pub async fn polls(
    db: &impl ConnectionTrait,
    polls: &[poll::Model],
    viewer: Option<i64>,
) -> Result<HashMap<i64, Value>, AppError> {
    if polls.is_empty() {
        return Ok(HashMap::new());
    }
    let ids: Vec<i64> = polls.iter().map(|p| p.id).collect();
    let votes = poll_vote::Entity::find()
        .filter(poll_vote::Column::PollId.is_in(ids))
        .all(db)
        .await?;
    let now = Utc::now();
    Ok(polls
        .iter()
        .map(|p| {
            let options: Vec<String> = serde_json::from_str(&p.options).unwrap_or_default();
            let mine: Vec<&poll_vote::Model> = votes.iter().filter(|v| v.poll_id == p.id).collect();
            let voters: HashSet<i64> = mine.iter().map(|v| v.actor_id).collect();
            let own: Vec<i32> = match viewer {
                Some(me) => mine
                    .iter()
                    .filter(|v| v.actor_id == me)
                    .map(|v| v.choice)
                    .collect(),
                None => vec![],
            };
            let options_json: Vec<Value> = options
                .iter()
                .enumerate()
                .map(|(i, title)| {
                    let n = mine
                        .iter()
                        .filter(|v| usize::try_from(v.choice).ok() == Some(i))
                        .count();
                    json!({ "title": title, "votes_count": n })
                })
                .collect();
            let value = json!({
                "id": p.id.to_string(),
                "expires_at": p.expires_at.as_ref().map(time),
                "expired": p.expires_at.is_some_and(|e| e <= now),
                "multiple": p.multiple,
                "votes_count": mine.len(),
                "voters_count": voters.len(),
                "options": options_json,
                "emojis": [],
                "voted": viewer.map(|_| !own.is_empty()),
                "own_votes": viewer.map(|_| own),
            });
            (p.status_id, value)
        })
        .collect())
}

/// Renders statuses (and the originals of reblogs) for a viewer.
pub async fn statuses(
    db: &impl ConnectionTrait,
    config: &Config,
    list: &[status::Model],
    viewer: Option<i64>,
) -> Result<Vec<Value>, AppError> {
    if list.is_empty() {
        return Ok(vec![]);
    }
    let originals = originals_of(db, list).await?;
    let all: Vec<&status::Model> = list.iter().chain(originals.iter()).collect();
    let related = Related::load(db, config, &all, viewer).await?;
    let originals_by_id: HashMap<i64, &status::Model> =
        originals.iter().map(|s| (s.id, s)).collect();
    Ok(list
        .iter()
        .map(|s| {
            let mut value = related.render(config, s, viewer);
            if let Some(original) = s.reblog_of_id.and_then(|id| originals_by_id.get(&id)) {
                value["reblog"] = related.render(config, original, viewer);
                value["content"] = json!("");
            }
            value
        })
        .collect())
}

/// The statuses that those of `list` that are reblogs reblogged.
async fn originals_of(
    db: &impl ConnectionTrait,
    list: &[status::Model],
) -> Result<Vec<status::Model>, AppError> {
    let original_ids: Vec<i64> = list.iter().filter_map(|s| s.reblog_of_id).collect();
    if original_ids.is_empty() {
        return Ok(vec![]);
    }
    Ok(status::Entity::find()
        .filter(status::Column::Id.is_in(original_ids))
        .all(db)
        .await?)
}

/// What a list of statuses is rendered with, each relation read in one
/// statement for the whole list.
struct Related {
    mentions: Vec<mention::Model>,
    /// Authors and the actors mentioned.
    actors: HashMap<i64, Actor>,
    /// Authors as Mastodon accounts.
    accounts: HashMap<i64, Value>,
    media: Vec<Media>,
    /// (status id, tag name)
    tags: Vec<(i64, String)>,
    polls: HashMap<i64, Value>,
    replies: HashMap<i64, i64>,
    reblogs: HashMap<i64, i64>,
    favourites: HashMap<i64, i64>,
    /// Of the statuses, those the viewer favourited and reblogged.
    faved: HashSet<i64>,
    reblogged: HashSet<i64>,
}

impl Related {
    async fn load(
        db: &impl ConnectionTrait,
        config: &Config,
        all: &[&status::Model],
        viewer: Option<i64>,
    ) -> Result<Related, AppError> {
        let ids: Vec<i64> = all.iter().map(|s| s.id).collect();
        let mentions = if ids.is_empty() {
            vec![]
        } else {
            mention::Entity::find()
                .filter(mention::Column::StatusId.is_in(ids.clone()))
                .all(db)
                .await?
        };
        let (actors, accounts) = people_of(db, config, all, &mentions).await?;
        let media = media::Entity::find()
            .filter(media::Column::StatusId.is_in(ids.clone()))
            .all(db)
            .await?;
        let tags = tags_of(db, &ids).await?;
        let poll_rows = poll::Entity::find()
            .filter(poll::Column::StatusId.is_in(ids.clone()))
            .all(db)
            .await?;
        let polls = polls(db, &poll_rows, viewer).await?;
        let Counts {
            replies,
            reblogs,
            favourites,
        } = counts_of(db, &ids).await?;
        let (faved, reblogged) = match viewer {
            Some(me) => viewer_marks(db, me, &ids).await?,
            None => (HashSet::new(), HashSet::new()),
        };
        Ok(Related {
            mentions,
            actors,
            accounts,
            media,
            tags,
            polls,
            replies,
            reblogs,
            favourites,
            faved,
            reblogged,
        })
    }

    /// One status as Mastodon's `Status`, its `reblog` left null.
    fn render(&self, config: &Config, s: &status::Model, viewer: Option<i64>) -> Value {
        let base = config.base_url();
        let tags: Vec<Value> = self
            .tags
            .iter()
            .filter(|(id, _)| *id == s.id)
            .map(|(_, name)| json!({ "name": name, "url": format!("{base}/tags/{name}") }))
            .collect();
        let mention_json: Vec<Value> = self
            .mentions
            .iter()
            .filter(|m| m.status_id == s.id)
            .filter_map(|m| self.actors.get(&m.actor_id))
            .map(|a| json!({ "id": a.id.to_string(), "username": a.username, "acct": acct(a), "url": a.url.clone().unwrap_or_else(|| a.ap_id.clone()) }))
            .collect();
        let attachments: Vec<Value> = self
            .media
            .iter()
            .filter(|m| m.status_id == Some(s.id))
            .map(|m| media_json(config, m))
            .collect();
        let count = |counts: &HashMap<i64, i64>| counts.get(&s.id).copied().unwrap_or(0);
        json!({
            "id": s.id.to_string(),
            "uri": s.ap_id,
            "url": s.url.clone().unwrap_or_else(|| s.ap_id.clone()),
            "created_at": time(&s.created_at),
            "edited_at": s.edited_at.as_ref().map(time),
            "account": self.accounts.get(&s.actor_id).cloned().unwrap_or(Value::Null),
            "content": s.content,
            "text": Value::Null,
            "visibility": s.visibility,
            "sensitive": s.sensitive,
            "spoiler_text": s.spoiler_text,
            "language": s.language,
            "in_reply_to_id": s.in_reply_to_id.map(|i| i.to_string()),
            "in_reply_to_account_id": s.in_reply_to_actor_id.map(|i| i.to_string()),
            "reblog": Value::Null,
            "media_attachments": attachments,
            "mentions": mention_json,
            "tags": tags,
            "emojis": [],
            "card": Value::Null,
            "poll": self.polls.get(&s.id).cloned().unwrap_or(Value::Null),
            "application": Value::Null,
            "replies_count": count(&self.replies),
            "reblogs_count": count(&self.reblogs),
            "favourites_count": count(&self.favourites),
            "quotes_count": 0,
            "favourited": viewer.map(|_| self.faved.contains(&s.id)),
            "reblogged": viewer.map(|_| self.reblogged.contains(&s.id)),
            "muted": viewer.map(|_| false),
            "bookmarked": viewer.map(|_| false),
            "pinned": viewer.map(|_| false),
            "filtered": [],
        })
    }
}

/// The authors of `all` and the actors `mentions` name, by id; and the
/// authors rendered as accounts.
async fn people_of(
    db: &impl ConnectionTrait,
    config: &Config,
    all: &[&status::Model],
    mentions: &[mention::Model],
) -> Result<(HashMap<i64, Actor>, HashMap<i64, Value>), AppError> {
    let mut actor_ids: HashSet<i64> = all.iter().map(|s| s.actor_id).collect();
    actor_ids.extend(mentions.iter().map(|m| m.actor_id));
    let actors = crate::actors::store::by_ids(db, actor_ids).await?;
    let author_ids: HashSet<i64> = all.iter().map(|s| s.actor_id).collect();
    let authors: Vec<Actor> = actors
        .values()
        .filter(|a| author_ids.contains(&a.id))
        .cloned()
        .collect();
    let accounts: HashMap<i64, Value> = authors
        .iter()
        .map(|a| a.id)
        .zip(accounts(db, config, &authors).await?)
        .collect();
    Ok((actors, accounts))
}

/// (status id, tag name) of the statuses `ids`.
async fn tags_of(db: &impl ConnectionTrait, ids: &[i64]) -> Result<Vec<(i64, String)>, AppError> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let named = status_tag::Entity::belongs_to(tag::Entity)
        .from(status_tag::Column::TagId)
        .to(tag::Column::Id)
        .into();
    Ok(status_tag::Entity::find()
        .select_only()
        .column(status_tag::Column::StatusId)
        .column(tag::Column::Name)
        .join(JoinType::InnerJoin, named)
        .filter(status_tag::Column::StatusId.is_in(ids.to_vec()))
        .into_tuple()
        .all(db)
        .await?)
}

/// Of the statuses `ids`, those viewer `me` favourited and those it reblogged.
async fn viewer_marks(
    db: &impl ConnectionTrait,
    me: i64,
    ids: &[i64],
) -> Result<(HashSet<i64>, HashSet<i64>), AppError> {
    let (mut faved, mut reblogged) = (HashSet::new(), HashSet::new());
    if ids.is_empty() {
        return Ok((faved, reblogged));
    }
    let mut query = Query::select()
        .expr_as(Expr::val("f"), "k")
        .expr_as(Expr::col(favourite::Column::StatusId), "id")
        .from(favourite::Entity)
        .and_where(favourite::Column::ActorId.eq(me))
        .and_where(favourite::Column::StatusId.is_in(ids.iter().copied()))
        .to_owned();
    let boosted = Query::select()
        .expr_as(Expr::val("b"), "k")
        .expr_as(Expr::col(status::Column::ReblogOfId), "id")
        .from(status::Entity)
        .and_where(status::Column::ActorId.eq(me))
        .and_where(status::Column::ReblogOfId.is_in(ids.iter().copied()))
        .to_owned();
    query.union(UnionType::All, boosted);
    for row in db.query_all(&query).await? {
        let kind: String = row.try_get("", "k")?;
        let Some(id) = row.try_get::<Option<i64>>("", "id")? else {
            continue;
        };
        if kind == "f" {
            faved.insert(id);
        } else {
            reblogged.insert(id);
        }
    }
    Ok((faved, reblogged))
}

pub async fn status(
    db: &impl ConnectionTrait,
    config: &Config,
    s: &status::Model,
    viewer: Option<i64>,
) -> Result<Value, AppError> {
    Ok(statuses(db, config, std::slice::from_ref(s), viewer)
        .await?
        .pop()
        .unwrap_or(Value::Null))
}
