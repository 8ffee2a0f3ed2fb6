//! Queries on statuses: visibility, timelines, threads.

use std::collections::{HashMap, HashSet};

use sea_orm::sea_query::{
    Expr, ExprTrait, Func, IntoIden, Order, Query, QueryStatementBuilder, SelectStatement,
    SimpleExpr, UnionType,
};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use super::entity::{mention, status, status_tag, tag};
use crate::actors::graph::{self, block, follow};
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
    Ok(visible(db, viewer, std::slice::from_ref(s))
        .await?
        .contains(&s.id))
}

/// The ids of the statuses in `list` that `viewer` may see (see [`can_see`]),
/// in at most four statements however long the list.
pub async fn visible(
    db: &impl ConnectionTrait,
    viewer: Option<i64>,
    list: &[status::Model],
) -> Result<HashSet<i64>, AppError> {
    if list.is_empty() {
        return Ok(HashSet::new());
    }
    // Suspended accounts' statuses are hidden from everyone.
    let authors = crate::actors::store::by_ids(db, list.iter().map(|s| s.actor_id)).await?;
    let shown = |s: &&status::Model| {
        authors
            .get(&s.actor_id)
            .is_some_and(|a| !crate::actors::hidden::is_hidden(a))
    };
    let list: Vec<&status::Model> = list.iter().filter(shown).collect();
    let Some(me) = viewer else {
        return Ok(list
            .iter()
            .filter(|s| matches!(s.visibility.as_str(), "public" | "unlisted"))
            .map(|s| s.id)
            .collect());
    };
    let others = list.iter().map(|s| s.actor_id).filter(|a| *a != me);
    let mut blocked_by: HashSet<i64> = HashSet::new();
    for group in crate::db::id_groups(others) {
        let found: Vec<i64> = block::Entity::find()
            .select_only()
            .column(block::Column::ActorId)
            .filter(block::Column::ActorId.is_in(group))
            .filter(block::Column::TargetId.eq(me))
            .into_tuple()
            .all(db)
            .await?;
        blocked_by.extend(found);
    }
    let closed: Vec<&status::Model> = list
        .iter()
        .copied()
        .filter(|s| s.actor_id != me && !matches!(s.visibility.as_str(), "public" | "unlisted"))
        .collect();
    let (mentioned, followed) = mentions_and_follows(db, me, &closed).await?;
    Ok(list
        .iter()
        .filter(|s| {
            if s.actor_id == me {
                return true;
            }
            if blocked_by.contains(&s.actor_id) {
                return false;
            }
            match s.visibility.as_str() {
                "public" | "unlisted" => true,
                vis => {
                    mentioned.contains(&s.id)
                        || (vis == "private" && followed.contains(&s.actor_id))
                }
            }
        })
        .map(|s| s.id)
        .collect())
}

/// Which of these statuses mention `me`, and which of their authors `me`
/// follows (accepted).
async fn mentions_and_follows(
    db: &impl ConnectionTrait,
    me: i64,
    list: &[&status::Model],
) -> Result<(HashSet<i64>, HashSet<i64>), AppError> {
    let mut mentioned = HashSet::new();
    for group in crate::db::id_groups(list.iter().map(|s| s.id)) {
        let found: Vec<i64> = mention::Entity::find()
            .select_only()
            .column(mention::Column::StatusId)
            .filter(mention::Column::StatusId.is_in(group))
            .filter(mention::Column::ActorId.eq(me))
            .into_tuple()
            .all(db)
            .await?;
        mentioned.extend(found);
    }
    let authors = list
        .iter()
        .filter(|s| s.visibility == "private")
        .map(|s| s.actor_id);
    let mut followed = HashSet::new();
    for group in crate::db::id_groups(authors) {
        let found: Vec<i64> = follow::Entity::find()
            .select_only()
            .column(follow::Column::TargetId)
            .filter(follow::Column::FollowerId.eq(me))
            .filter(follow::Column::TargetId.is_in(group))
            .filter(follow::Column::Accepted.eq(true))
            .into_tuple()
            .all(db)
            .await?;
        followed.extend(found);
    }
    Ok((mentioned, followed))
}

/// A status the viewer may see, or 404 (never revealing that it exists).
pub async fn find_visible(
    db: &impl ConnectionTrait,
    viewer: Option<i64>,
    id: &str,
) -> Result<status::Model, AppError> {
    let not_found = || AppError::NotFound(msg!("error-record-not-found"));
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
    query
        .filter(status::Column::ActorId.not_in_subquery(graph::blocked_by(me)))
        .filter(status::Column::ActorId.not_in_subquery(graph::muted_by(me)))
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
    query
        .filter(status::Column::ActorId.not_in_subquery(authors))
        .filter(no_hidden_boosts(status::Entity))
}

/// Not a boost of a hidden account's status (`table` names the statuses).
fn no_hidden_boosts(table: impl IntoIden + Clone) -> Condition {
    let hidden_statuses = Query::select()
        .column(status::Column::Id)
        .from(status::Entity)
        .and_where(status::Column::ActorId.in_subquery(crate::actors::hidden::hidden_actors()))
        .to_owned();
    let reblog_of = Expr::col((table, status::Column::ReblogOfId));
    Condition::any()
        .add(reblog_of.clone().is_null())
        .add(reblog_of.not_in_subquery(hidden_statuses))
}

/// Not a direct message, unless `me` wrote it or is mentioned in it.
fn direct_only_to(table: impl IntoIden + Clone, me: i64) -> Condition {
    let mentioned_in = Query::select()
        .column(mention::Column::StatusId)
        .from(mention::Entity)
        .and_where(mention::Column::ActorId.eq(me))
        .to_owned();
    let col = |c: status::Column| Expr::col((table.clone(), c));
    Condition::any()
        .add(col(status::Column::Visibility).ne("direct"))
        .add(col(status::Column::ActorId).eq(me))
        .add(col(status::Column::Id).in_subquery(mentioned_in))
}

/// Whose statuses `me`'s home shows: `me`, and the accounts `me` follows
/// (accepted) that are not blocked, muted or hidden.
fn home_authors(me: i64) -> SelectStatement {
    use crate::actors::hidden::hidden_actors;
    let mut me_too = Query::select();
    me_too.expr_as(Expr::val(me), HOME_AUTHOR);
    Query::select()
        .expr_as(Expr::col(follow::Column::TargetId), HOME_AUTHOR)
        .from(follow::Entity)
        .and_where(follow::Column::FollowerId.eq(me))
        .and_where(follow::Column::Accepted.eq(true))
        .and_where(follow::Column::TargetId.not_in_subquery(graph::blocked_by(me)))
        .and_where(follow::Column::TargetId.not_in_subquery(graph::muted_by(me)))
        .and_where(follow::Column::TargetId.not_in_subquery(hidden_actors()))
        .union(UnionType::Distinct, me_too)
        .to_owned()
}

const HOME_AUTHOR: &str = "author";

/// A lower bound of a home page's ids, so that the database reads a few
/// rows per followed account through the (actor_id, id) index instead of
/// every status of every followed account, or the whole table by id.
///
/// For each home author, its `limit`-th newest status that the home shows
/// (below `max_id`); the bound is the newest of these. That author alone
/// has `limit` statuses at or above it, so the page lies above it; and no
/// author has more than `limit` there, so little is read. Authors with
/// fewer statuses give none (NULL), and without any the bound is 0.
fn home_lower_bound(me: i64, max_id: Option<i64>, limit: u64) -> SimpleExpr {
    let s = "home_status";
    let col = |c: status::Column| Expr::col((s, c));
    let mut nth_newest = Query::select();
    nth_newest
        .column((s, status::Column::Id))
        .from_as(status::Entity, s)
        .and_where(col(status::Column::ActorId).equals(("home_authors", HOME_AUTHOR)))
        .cond_where(direct_only_to(s, me))
        .cond_where(no_hidden_boosts(s))
        .order_by((s, status::Column::Id), Order::Desc)
        .limit(1)
        .offset(limit.saturating_sub(1));
    if let Some(max) = max_id {
        nth_newest.and_where(col(status::Column::Id).lt(max));
    }
    let bound = Query::select()
        .expr(Func::max(SimpleExpr::SubQuery(
            None,
            Box::new(nth_newest.into_sub_query_statement()),
        )))
        .from_subquery(home_authors(me), "home_authors")
        .to_owned();
    Func::coalesce([
        SimpleExpr::SubQuery(None, Box::new(bound.into_sub_query_statement())),
        Expr::val(0),
    ])
    .into()
}

/// Home: the viewer's own statuses and boosts, and those of accounts they follow
/// (direct messages only where they are mentioned).
pub async fn home(
    db: &impl ConnectionTrait,
    me: i64,
    page: &Page,
) -> Result<Vec<status::Model>, AppError> {
    let mut query = status::Entity::find()
        .filter(status::Column::ActorId.in_subquery(home_authors(me)))
        .filter(direct_only_to(status::Entity, me));
    // Newest first (not paging up from `min_id`): read above the bound.
    if page.min_id.is_none() {
        let max_id = page.max_id.as_deref().and_then(|id| id.parse().ok());
        let bound = home_lower_bound(me, max_id, page.limit());
        query = query.filter(Expr::col((status::Entity, status::Column::Id)).gte(bound));
    }
    let query = moderated(query, false);
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

/// A status's ancestors: up the `in_reply_to_id` chain from `$1`, the
/// status itself included, at most 40 levels.
const ANCESTORS: &str = "WITH RECURSIVE thread(id, parent, depth) AS (\
    SELECT id, in_reply_to_id, 1 FROM statuses WHERE id = $1 \
    UNION ALL SELECT s.id, s.in_reply_to_id, t.depth + 1 \
    FROM statuses s JOIN thread t ON s.id = t.parent WHERE t.depth < 40) \
    SELECT * FROM statuses WHERE id IN (SELECT id FROM thread)";

/// A status's descendants: replies to `$1`, replies to them and so on (not
/// boosts), at most 40 levels, by id; the first 4,096, as Mastodon answers
/// a signed-in client, so a thread's page and its rendering stay bounded.
/// The unary `+` keeps SQLite (3.51) from reading every non-boost through
/// the `reblog_of_id` index for each reply (minutes for 30,000 replies):
/// replies are found through `in_reply_to_id`.
const DESCENDANTS: &str = "WITH RECURSIVE thread(id, depth) AS (\
    SELECT id, 1 FROM statuses WHERE in_reply_to_id = $1 AND +reblog_of_id IS NULL \
    UNION ALL SELECT s.id, t.depth + 1 \
    FROM statuses s JOIN thread t ON s.in_reply_to_id = t.id \
    WHERE +s.reblog_of_id IS NULL AND t.depth < 40) \
    SELECT * FROM statuses WHERE id IN (SELECT id FROM thread) ORDER BY id LIMIT 4096";

/// Runs [`ANCESTORS`] or [`DESCENDANTS`] from status `from`: one statement
/// however long the thread (both engines have recursive queries).
async fn thread(
    db: &impl ConnectionTrait,
    sql: &str,
    from: i64,
) -> Result<Vec<status::Model>, AppError> {
    let backend = db.get_database_backend();
    let sql = if backend == sea_orm::DbBackend::Postgres {
        sql.to_string()
    } else {
        sql.replace("$1", "?1")
    };
    let stmt = sea_orm::Statement::from_sql_and_values(backend, sql, [from.into()]);
    Ok(status::Entity::find().from_raw_sql(stmt).all(db).await?)
}

/// The thread around a status: ancestors (oldest first) and descendants
/// (by id), each filtered by what the viewer may see. Two recursive
/// queries and one visibility check, however long the thread.
pub async fn context(
    db: &impl ConnectionTrait,
    viewer: Option<i64>,
    s: &status::Model,
) -> Result<(Vec<status::Model>, Vec<status::Model>), AppError> {
    let mut up: HashMap<i64, status::Model> = match s.in_reply_to_id {
        Some(parent) => thread(db, ANCESTORS, parent)
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect(),
        None => HashMap::new(),
    };
    let mut ancestors = Vec::new();
    let mut parent = s.in_reply_to_id;
    while let Some(p) = parent.and_then(|id| up.remove(&id)) {
        parent = p.in_reply_to_id;
        ancestors.push(p);
    }
    ancestors.reverse();
    let descendants = thread(db, DESCENDANTS, s.id).await?;
    let all: Vec<status::Model> = ancestors.iter().chain(&descendants).cloned().collect();
    let seen = visible(db, viewer, &all).await?;
    let keep = |list: Vec<status::Model>| -> Vec<status::Model> {
        list.into_iter().filter(|x| seen.contains(&x.id)).collect()
    };
    Ok((keep(ancestors), keep(descendants)))
}

/// Ids of the statuses (posts of plans and events too) of hidden actors.
pub fn hidden_statuses() -> sea_orm::sea_query::SelectStatement {
    sea_orm::sea_query::Query::select()
        .column(status::Column::Id)
        .from(status::Entity)
        .and_where(status::Column::ActorId.in_subquery(crate::actors::hidden::hidden_actors()))
        .to_owned()
}
