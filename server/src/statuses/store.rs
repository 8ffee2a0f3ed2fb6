//! Queries on statuses: visibility, timelines, threads.

use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};

use super::entity::{mention, status, status_tag, tag};
use crate::actors::graph::{block, follow, mute};
use crate::error::AppError;
use crate::http::pagination::{self, Page};

/// Whether `viewer` may see `s`: public and unlisted for all; followers-only for
/// the author, accepted followers and mentioned people; direct for the author
/// and the mentioned. Blocks hide everything.
pub async fn can_see(
    db: &impl ConnectionTrait,
    viewer: Option<i64>,
    s: &status::Model,
) -> Result<bool, AppError> {
    // Suspended accounts' statuses are hidden from everyone.
    let author = crate::actors::entity::Entity::find_by_id(s.actor_id)
        .one(db)
        .await?;
    if author.as_ref().is_none_or(crate::actors::hidden::is_hidden) {
        return Ok(false);
    }
    if let Some(me) = viewer {
        if me == s.actor_id {
            return Ok(true);
        }
        let blocked = block::Entity::find()
            .filter(block::Column::ActorId.eq(s.actor_id))
            .filter(block::Column::TargetId.eq(me))
            .one(db)
            .await?
            .is_some();
        if blocked {
            return Ok(false);
        }
    }
    match s.visibility.as_str() {
        "public" | "unlisted" => Ok(true),
        vis => {
            let Some(me) = viewer else { return Ok(false) };
            let mentioned = mention::Entity::find()
                .filter(mention::Column::StatusId.eq(s.id))
                .filter(mention::Column::ActorId.eq(me))
                .one(db)
                .await?
                .is_some();
            if mentioned {
                return Ok(true);
            }
            if vis == "private" {
                return Ok(follow::Entity::find()
                    .filter(follow::Column::FollowerId.eq(me))
                    .filter(follow::Column::TargetId.eq(s.actor_id))
                    .filter(follow::Column::Accepted.eq(true))
                    .one(db)
                    .await?
                    .is_some());
            }
            Ok(false)
        }
    }
}

/// A status the viewer may see, or 404 (never revealing that it exists).
pub async fn find_visible(
    db: &impl ConnectionTrait,
    viewer: Option<i64>,
    id: &str,
) -> Result<status::Model, AppError> {
    let not_found = || AppError::NotFound("Record not found".into());
    let id: i64 = id.parse().map_err(|_| not_found())?;
    let s = status::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(not_found)?;
    if can_see(db, viewer, &s).await? {
        Ok(s)
    } else {
        Err(not_found())
    }
}

/// Leaves out the statuses of actors the viewer blocked or muted, as
/// subqueries however many they are.
fn without(query: sea_orm::Select<status::Entity>, me: i64) -> sea_orm::Select<status::Entity> {
    let blocked = Query::select()
        .column(block::Column::TargetId)
        .from(block::Entity)
        .and_where(block::Column::ActorId.eq(me))
        .to_owned();
    let muted = Query::select()
        .column(mute::Column::TargetId)
        .from(mute::Entity)
        .and_where(mute::Column::ActorId.eq(me))
        .to_owned();
    query
        .filter(status::Column::ActorId.not_in_subquery(blocked))
        .filter(status::Column::ActorId.not_in_subquery(muted))
}

/// Leaves out what moderation hides: statuses (and boosts of statuses) of
/// suspended accounts, and in public timelines those of silenced ones too.
fn moderated(
    query: sea_orm::Select<status::Entity>,
    public: bool,
) -> sea_orm::Select<status::Entity> {
    use crate::actors::hidden::{hidden_actors, quiet_actors};
    let authors = if public {
        quiet_actors()
    } else {
        hidden_actors()
    };
    let hidden_statuses = Query::select()
        .column(status::Column::Id)
        .from(status::Entity)
        .and_where(status::Column::ActorId.in_subquery(hidden_actors()))
        .to_owned();
    query
        .filter(status::Column::ActorId.not_in_subquery(authors))
        .filter(
            Condition::any()
                .add(status::Column::ReblogOfId.is_null())
                .add(status::Column::ReblogOfId.not_in_subquery(hidden_statuses)),
        )
}

/// Home: the viewer's own statuses and boosts, and those of accounts they follow
/// (direct messages only where they are mentioned).
pub async fn home(
    db: &impl ConnectionTrait,
    me: i64,
    page: &Page,
) -> Result<Vec<status::Model>, AppError> {
    let followed = Query::select()
        .column(follow::Column::TargetId)
        .from(follow::Entity)
        .and_where(follow::Column::FollowerId.eq(me))
        .and_where(follow::Column::Accepted.eq(true))
        .to_owned();
    let mentioned_in = Query::select()
        .column(mention::Column::StatusId)
        .from(mention::Entity)
        .and_where(mention::Column::ActorId.eq(me))
        .to_owned();
    let query = status::Entity::find()
        .filter(
            Condition::any()
                .add(status::Column::ActorId.eq(me))
                .add(status::Column::ActorId.in_subquery(followed)),
        )
        .filter(
            Condition::any()
                .add(status::Column::Visibility.ne("direct"))
                .add(status::Column::ActorId.eq(me))
                .add(status::Column::Id.in_subquery(mentioned_in)),
        );
    let query = moderated(without(query, me), false);
    Ok(pagination::fetch(db, page, query, status::Column::Id).await?)
}

/// Public statuses (no boosts), optionally only local ones.
pub async fn public(
    db: &impl ConnectionTrait,
    viewer: Option<i64>,
    local_only: bool,
    page: &Page,
) -> Result<Vec<status::Model>, AppError> {
    let mut query = status::Entity::find()
        .filter(status::Column::Visibility.eq("public"))
        .filter(status::Column::ReblogOfId.is_null());
    if local_only {
        query = query.filter(status::Column::Local.eq(true));
    }
    if let Some(me) = viewer {
        query = without(query, me);
    }
    let query = moderated(query, true);
    Ok(pagination::fetch(db, page, query, status::Column::Id).await?)
}

/// Public statuses with a hashtag.
pub async fn tagged(
    db: &impl ConnectionTrait,
    viewer: Option<i64>,
    name: &str,
    local_only: bool,
    page: &Page,
) -> Result<Vec<status::Model>, AppError> {
    let Some(tag) = tag::Entity::find()
        .filter(tag::Column::Name.eq(name.to_lowercase()))
        .one(db)
        .await?
    else {
        return Ok(vec![]);
    };
    let with_tag = Query::select()
        .column(status_tag::Column::StatusId)
        .from(status_tag::Entity)
        .and_where(status_tag::Column::TagId.eq(tag.id))
        .to_owned();
    let mut query = status::Entity::find()
        .filter(status::Column::Id.in_subquery(with_tag))
        .filter(status::Column::Visibility.eq("public"));
    if local_only {
        query = query.filter(status::Column::Local.eq(true));
    }
    if let Some(me) = viewer {
        query = without(query, me);
    }
    let query = moderated(query, true);
    Ok(pagination::fetch(db, page, query, status::Column::Id).await?)
}

/// An account's statuses as `viewer` may see them.
pub async fn by_account(
    db: &impl ConnectionTrait,
    viewer: Option<i64>,
    author: i64,
    page: &Page,
    exclude_replies: bool,
    exclude_reblogs: bool,
    only_media: bool,
) -> Result<Vec<status::Model>, AppError> {
    let mut visible = vec!["public", "unlisted"];
    if let Some(me) = viewer {
        let follows = follow::Entity::find()
            .filter(follow::Column::FollowerId.eq(me))
            .filter(follow::Column::TargetId.eq(author))
            .filter(follow::Column::Accepted.eq(true))
            .one(db)
            .await?
            .is_some();
        if me == author || follows {
            visible.push("private");
        }
        if me == author {
            visible.push("direct");
        }
    }
    let mut query = moderated(
        status::Entity::find()
            .filter(status::Column::ActorId.eq(author))
            .filter(status::Column::Visibility.is_in(visible)),
        false,
    );
    if exclude_replies {
        query = query.filter(status::Column::InReplyToId.is_null());
    }
    if exclude_reblogs {
        query = query.filter(status::Column::ReblogOfId.is_null());
    }
    if only_media {
        let with_media = Query::select()
            .column(crate::media::entity::Column::StatusId)
            .from(crate::media::entity::Entity)
            .and_where(crate::media::entity::Column::StatusId.is_not_null())
            .to_owned();
        query = query.filter(status::Column::Id.in_subquery(with_media));
    }
    Ok(pagination::fetch(db, page, query, status::Column::Id).await?)
}

/// Parents per query when reading a thread's replies level by level.
const LEVEL_CHUNK: usize = 500;

/// The thread around a status: ancestors (oldest first) and descendants
/// (breadth first), each filtered by what the viewer may see.
pub async fn context(
    db: &impl ConnectionTrait,
    viewer: Option<i64>,
    s: &status::Model,
) -> Result<(Vec<status::Model>, Vec<status::Model>), AppError> {
    const MAX_DEPTH: usize = 40;
    let mut ancestors = Vec::new();
    let mut parent = s.in_reply_to_id;
    while let Some(id) = parent {
        if ancestors.len() >= MAX_DEPTH {
            break;
        }
        let Some(p) = status::Entity::find_by_id(id).one(db).await? else {
            break;
        };
        parent = p.in_reply_to_id;
        if can_see(db, viewer, &p).await? {
            ancestors.push(p);
        }
    }
    ancestors.reverse();

    let mut descendants = Vec::new();
    let mut level = vec![s.id];
    for _ in 0..MAX_DEPTH {
        if level.is_empty() {
            break;
        }
        // A level may hold any number of replies: asked for in groups.
        let mut children = Vec::new();
        for parents in level.chunks(LEVEL_CHUNK) {
            children.extend(
                status::Entity::find()
                    .filter(status::Column::InReplyToId.is_in(parents.to_vec()))
                    .filter(status::Column::ReblogOfId.is_null())
                    .all(db)
                    .await?,
            );
        }
        level = children.iter().map(|c| c.id).collect();
        for child in children {
            if can_see(db, viewer, &child).await? {
                descendants.push(child);
            }
        }
    }
    descendants.sort_by_key(|d| d.id);
    Ok((ancestors, descendants))
}

/// Ids of the statuses (posts of plans and events too) of hidden actors.
pub fn hidden_statuses() -> sea_orm::sea_query::SelectStatement {
    sea_orm::sea_query::Query::select()
        .column(status::Column::Id)
        .from(status::Entity)
        .and_where(status::Column::ActorId.in_subquery(crate::actors::hidden::hidden_actors()))
        .to_owned()
}
