//! Plan queries and read models. A list loads its page of plans in one
//! statement (with their posts' ids and live counts), then each kind of
//! related row (owners, themes, advice, polls) for the whole page in one
//! statement more: the cost of a list does not grow with its length.

use std::collections::HashMap;

use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, JoinType, QueryFilter, QueryOrder,
    QuerySelect, Select,
};

use super::entity::{advice, owner, plan};
use crate::actors::entity::{self as actor, Model as Actor};
use crate::error::AppError;
use crate::http::pagination::{self, Keyset, Page};
use crate::statuses::entity::{favourite, poll, status, status_tag, tag};

/// A plan as lists read it: the row, its post's ids, and live counts of
/// its post's supports and replies (only local plans show them; a copy
/// shows the counts its home sent).
#[derive(Debug, Clone, FromQueryResult)]
pub struct PlanRow {
    #[sea_orm(nested)]
    pub plan: plan::Model,
    pub status_ap_id: String,
    pub status_url: Option<String>,
    pub live_supports: i64,
    /// 1 when the viewer supports the plan.
    pub viewer_supports: i64,
    /// Arguments and comments (replies that are not polls), and of those
    /// the ones for and against.
    pub live_replies: i64,
    pub live_pro: i64,
    pub live_contra: i64,
}

/// Which plans a list shows.
#[derive(Debug, Default)]
pub struct Filter {
    pub state: Option<super::state::State>,
    /// A theme (hashtag) name, lowercase without `#`.
    pub theme: Option<String>,
    /// Only plans this actor (a group, say) owns.
    pub owner: Option<i64>,
}

/// The order of plan lists: newest first, by id (Mastodon's order).
pub fn keyset() -> Keyset<plan::Entity> {
    Keyset::by_id(plan::Column::Id, false)
}

/// Arguments and comments: oldest first.
pub fn arguments_keyset() -> Keyset<status::Entity> {
    Keyset::by_id(status::Column::Id, true)
}

/// Advice on a plan: oldest request first.
pub fn advice_keyset() -> Keyset<advice::Entity> {
    Keyset::by_id(advice::Column::Id, true)
}

/// `COUNT(*)` of the replies to the outer row's plan post that are
/// arguments or comments (public or unlisted, no poll), of one stance.
fn replies_count(stance: Option<&str>) -> SelectStatement {
    let r = Alias::new("reply");
    let has_poll = Query::select()
        .expr(Expr::val(1))
        .from(poll::Entity)
        .and_where(
            Expr::col((poll::Entity, poll::Column::StatusId))
                .equals((r.clone(), status::Column::Id)),
        )
        .to_owned();
    let mut q = Query::select();
    q.expr(Expr::col((r.clone(), status::Column::Id)).count())
        .from_as(status::Entity, r.clone())
        .and_where(
            Expr::col((r.clone(), status::Column::InReplyToId))
                .equals((plan::Entity, plan::Column::StatusId)),
        )
        .and_where(Expr::col((r.clone(), status::Column::Visibility)).is_in(["public", "unlisted"]))
        .and_where(Expr::exists(has_poll).not());
    if let Some(stance) = stance {
        q.and_where(Expr::col((r, status::Column::Stance)).eq(stance));
    }
    q.to_owned()
}

/// `COUNT(*)` of the supports (likes) of the outer row's plan post, by
/// `actor` only when given.
fn supports_count(actor: Option<i64>) -> SelectStatement {
    let mut q = Query::select();
    q.expr(Expr::col((favourite::Entity, favourite::Column::Id)).count())
        .from(favourite::Entity)
        .and_where(
            Expr::col((favourite::Entity, favourite::Column::StatusId))
                .equals((plan::Entity, plan::Column::StatusId)),
        );
    if let Some(actor) = actor {
        q.and_where(Expr::col((favourite::Entity, favourite::Column::ActorId)).eq(actor));
    }
    q.to_owned()
}

/// Plans with their post and live counts, as [`PlanRow`]s.
fn with_counts(query: Select<plan::Entity>, viewer: Option<i64>) -> Select<plan::Entity> {
    let post = plan::Entity::belongs_to(status::Entity)
        .from(plan::Column::StatusId)
        .to(status::Column::Id)
        .into();
    let viewer_supports = match viewer {
        Some(me) => Expr::from(supports_count(Some(me))),
        None => Expr::val(0i64),
    };
    query
        .join(JoinType::InnerJoin, post)
        .column_as(
            Expr::col((status::Entity, status::Column::ApId)),
            "status_ap_id",
        )
        .column_as(
            Expr::col((status::Entity, status::Column::Url)),
            "status_url",
        )
        .column_as(Expr::from(supports_count(None)), "live_supports")
        .column_as(viewer_supports, "viewer_supports")
        .column_as(Expr::from(replies_count(None)), "live_replies")
        .column_as(Expr::from(replies_count(Some("pro"))), "live_pro")
        .column_as(Expr::from(replies_count(Some("contra"))), "live_contra")
}

/// A page of plans, newest first, without those of hidden accounts.
pub async fn page(
    db: &impl ConnectionTrait,
    filter: &Filter,
    page: &Page,
    limit: u64,
    viewer: Option<i64>,
) -> Result<Vec<PlanRow>, AppError> {
    let mut query = plan::Entity::find()
        .filter(plan::Column::StatusId.not_in_subquery(crate::statuses::store::hidden_statuses()));
    if let Some(state) = &filter.state {
        query = query.filter(plan::Column::State.eq(state.as_str()));
    }
    if let Some(theme) = &filter.theme {
        // Each plan read newest first is checked by the (tag, status) key:
        // a popular theme tags thousands of posts, and `status_id IN (…)`
        // gathered them all on every request.
        let theme_id = Query::select()
            .column(tag::Column::Id)
            .from(tag::Entity)
            .and_where(tag::Column::Name.eq(theme.as_str()))
            .to_owned();
        let tagged = Query::select()
            .expr(Expr::val(1))
            .from(status_tag::Entity)
            .and_where(
                Expr::col((status_tag::Entity, status_tag::Column::StatusId))
                    .equals((plan::Entity, plan::Column::StatusId)),
            )
            .and_where(
                Expr::col((status_tag::Entity, status_tag::Column::TagId)).in_subquery(theme_id),
            )
            .to_owned();
        query = query.filter(Expr::exists(tagged));
    }
    if let Some(owner) = filter.owner {
        let owned = Query::select()
            .column(super::entity::owner::Column::PlanId)
            .from(super::entity::owner::Entity)
            .and_where(super::entity::owner::Column::ActorId.eq(owner))
            .to_owned();
        query = query.filter(plan::Column::Id.in_subquery(owned));
    }
    let (query, reversed) = keyset().apply(query, page, limit);
    let rows = with_counts(query, viewer)
        .into_model::<PlanRow>()
        .all(db)
        .await?;
    Ok(pagination::in_list_order(rows, reversed))
}

/// The plans with these ids (in no particular order), hidden or not: for
/// plans a caller already has in hand.
pub async fn by_ids(
    db: &impl ConnectionTrait,
    ids: &[i64],
    viewer: Option<i64>,
) -> Result<Vec<PlanRow>, AppError> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let query = plan::Entity::find().filter(plan::Column::Id.is_in(ids.to_vec()));
    Ok(with_counts(query, viewer)
        .into_model::<PlanRow>()
        .all(db)
        .await?)
}

/// Each plan's owners, the first (its author) first.
pub async fn owners_of(
    db: &impl ConnectionTrait,
    plan_ids: &[i64],
) -> Result<HashMap<i64, Vec<Actor>>, AppError> {
    if plan_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = owner::Entity::find()
        .filter(owner::Column::PlanId.is_in(plan_ids.to_vec()))
        .order_by_asc(owner::Column::Id)
        .select_also(actor::Entity)
        .join(
            JoinType::InnerJoin,
            owner::Entity::belongs_to(actor::Entity)
                .from(owner::Column::ActorId)
                .to(actor::Column::Id)
                .into(),
        )
        .all(db)
        .await?;
    let mut out: HashMap<i64, Vec<Actor>> = HashMap::new();
    for (o, a) in rows {
        if let Some(a) = a {
            out.entry(o.plan_id).or_default().push(a);
        }
    }
    Ok(out)
}

/// Each post's themes (hashtags), sorted.
pub async fn themes_of(
    db: &impl ConnectionTrait,
    status_ids: &[i64],
) -> Result<HashMap<i64, Vec<String>>, AppError> {
    if status_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, String)> = status_tag::Entity::find()
        .select_only()
        .column(status_tag::Column::StatusId)
        .column_as(Expr::col((tag::Entity, tag::Column::Name)), "name")
        .join(
            JoinType::InnerJoin,
            status_tag::Entity::belongs_to(tag::Entity)
                .from(status_tag::Column::TagId)
                .to(tag::Column::Id)
                .into(),
        )
        .filter(status_tag::Column::StatusId.is_in(status_ids.to_vec()))
        .into_tuple()
        .all(db)
        .await?;
    let mut out: HashMap<i64, Vec<String>> = HashMap::new();
    for (status_id, name) in rows {
        out.entry(status_id).or_default().push(name);
    }
    // By bytes, whatever the database's collation.
    out.values_mut().for_each(|names| names.sort());
    Ok(out)
}

/// Advice asked on these plans, with its advisors, oldest first; a page of
/// it when `page` is given.
pub async fn advice_of(
    db: &impl ConnectionTrait,
    plan_ids: &[i64],
    page: Option<(&Page, u64)>,
) -> Result<Vec<(advice::Model, Actor)>, AppError> {
    if plan_ids.is_empty() {
        return Ok(vec![]);
    }
    let query = advice::Entity::find().filter(advice::Column::PlanId.is_in(plan_ids.to_vec()));
    let (query, reversed) = match page {
        Some((page, limit)) => advice_keyset().apply(query, page, limit),
        None => (query.order_by_asc(advice::Column::Id), false),
    };
    let rows = query
        .select_also(actor::Entity)
        .join(
            JoinType::InnerJoin,
            advice::Entity::belongs_to(actor::Entity)
                .from(advice::Column::AdvisorId)
                .to(actor::Column::Id)
                .into(),
        )
        .all(db)
        .await?;
    let rows = rows
        .into_iter()
        .filter_map(|(r, a)| Some((r, a?)))
        .collect();
    Ok(pagination::in_list_order(rows, reversed))
}

/// Replies to these posts that carry a poll, oldest first (a plan shows
/// those of its owners).
pub async fn polls_under(
    db: &impl ConnectionTrait,
    status_ids: &[i64],
) -> Result<Vec<status::Model>, AppError> {
    if status_ids.is_empty() {
        return Ok(vec![]);
    }
    let with_poll = Query::select()
        .column(poll::Column::StatusId)
        .from(poll::Entity)
        .to_owned();
    Ok(status::Entity::find()
        .filter(status::Column::InReplyToId.is_in(status_ids.to_vec()))
        .filter(status::Column::Id.in_subquery(with_poll))
        .order_by_asc(status::Column::Id)
        .all(db)
        .await?)
}

/// A plan post's arguments and comments: public or unlisted replies that
/// carry no poll, oldest first; a page of them when `page` is given.
pub async fn arguments_of(
    db: &impl ConnectionTrait,
    status_id: i64,
    page: Option<(&Page, u64)>,
) -> Result<Vec<status::Model>, AppError> {
    arguments_on(db, status_id, None, page).await
}

/// One side of a plan's replies: arguments for, against, or the comments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Pro,
    Contra,
    Comments,
}

impl Side {
    pub fn parse(s: &str) -> Option<Side> {
        match s {
            "pro" => Some(Side::Pro),
            "contra" => Some(Side::Contra),
            "comments" => Some(Side::Comments),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Side::Pro => "pro",
            Side::Contra => "contra",
            Side::Comments => "comments",
        }
    }
}

/// A page of one side of a plan's replies, oldest first.
pub async fn arguments_of_side(
    db: &impl ConnectionTrait,
    status_id: i64,
    side: Side,
    page: &Page,
    limit: u64,
) -> Result<Vec<status::Model>, AppError> {
    arguments_on(db, status_id, Some(side), Some((page, limit))).await
}

async fn arguments_on(
    db: &impl ConnectionTrait,
    status_id: i64,
    side: Option<Side>,
    page: Option<(&Page, u64)>,
) -> Result<Vec<status::Model>, AppError> {
    let with_poll = Query::select()
        .column(poll::Column::StatusId)
        .from(poll::Entity)
        .to_owned();
    let query = status::Entity::find()
        .filter(status::Column::InReplyToId.eq(status_id))
        .filter(status::Column::Visibility.is_in(["public", "unlisted"]))
        .filter(status::Column::Id.not_in_subquery(with_poll));
    let query = match side {
        None => query,
        Some(Side::Pro) => query.filter(status::Column::Stance.eq("pro")),
        Some(Side::Contra) => query.filter(status::Column::Stance.eq("contra")),
        // As `views::arguments` sorts them: anything not for or against.
        Some(Side::Comments) => query.filter(
            sea_orm::Condition::any()
                .add(status::Column::Stance.is_null())
                .add(status::Column::Stance.is_not_in(["pro", "contra"])),
        ),
    };
    let (query, reversed) = match page {
        Some((page, limit)) => arguments_keyset().apply(query, page, limit),
        None => (query.order_by_asc(status::Column::Id), false),
    };
    Ok(pagination::in_list_order(query.all(db).await?, reversed))
}

/// Supports (likes) of each of these posts.
pub async fn supports_of(
    db: &impl ConnectionTrait,
    status_ids: &[i64],
) -> Result<HashMap<i64, u64>, AppError> {
    let mut supports = HashMap::new();
    for group in crate::db::id_groups(status_ids.iter().copied()) {
        let rows: Vec<(i64, i64)> = favourite::Entity::find()
            .select_only()
            .column(favourite::Column::StatusId)
            .column_as(favourite::Column::Id.count(), "n")
            .filter(favourite::Column::StatusId.is_in(group))
            .group_by(favourite::Column::StatusId)
            .into_tuple()
            .all(db)
            .await?;
        supports.extend(
            rows.into_iter()
                .map(|(id, n)| (id, u64::try_from(n).unwrap_or(0))),
        );
    }
    Ok(supports)
}

/// A plan post's arguments for and against, and its comments, counted.
pub async fn argument_counts(
    db: &impl ConnectionTrait,
    status_id: i64,
) -> Result<(u64, u64, u64), AppError> {
    let with_poll = Query::select()
        .column(poll::Column::StatusId)
        .from(poll::Entity)
        .to_owned();
    let rows: Vec<(Option<String>, i64)> = status::Entity::find()
        .select_only()
        .column(status::Column::Stance)
        .column_as(status::Column::Id.count(), "n")
        .filter(status::Column::InReplyToId.eq(status_id))
        .filter(status::Column::Visibility.is_in(["public", "unlisted"]))
        .filter(status::Column::Id.not_in_subquery(with_poll))
        .group_by(status::Column::Stance)
        .into_tuple()
        .all(db)
        .await?;
    let (mut pro, mut contra, mut comments) = (0, 0, 0);
    for (stance, n) in rows {
        let n = u64::try_from(n).unwrap_or(0);
        match stance.as_deref() {
            Some("pro") => pro += n,
            Some("contra") => contra += n,
            _ => comments += n,
        }
    }
    Ok((pro, contra, comments))
}

/// An event that belongs to a plan, as the plan's page lists it.
#[derive(Debug, Clone, FromQueryResult)]
pub struct RelatedEvent {
    pub id: i64,
    pub name: String,
    pub starts_at: chrono::DateTime<chrono::Utc>,
    pub timezone: String,
    pub cancelled: bool,
}

/// The events that belong to a plan (by its post's ActivityPub id), soonest
/// first. Read by table name: `events` builds on `plans` (an event's plan
/// is checked by plans' rules), so plans does not import it.
pub async fn related_events(
    db: &impl ConnectionTrait,
    plan_ap_id: &str,
) -> Result<Vec<RelatedEvent>, AppError> {
    let events = Alias::new("events");
    let col = |c: &str| Expr::col((events.clone(), Alias::new(c)));
    let query = Query::select()
        .exprs(["id", "name", "starts_at", "timezone", "cancelled"].map(col))
        .from(events.clone())
        .and_where(col("plan_ap_id").eq(plan_ap_id))
        .order_by(
            (events.clone(), Alias::new("starts_at")),
            sea_orm::Order::Asc,
        )
        .order_by((events, Alias::new("id")), sea_orm::Order::Asc)
        .limit(50)
        .to_owned();
    let backend = db.get_database_backend();
    Ok(RelatedEvent::find_by_statement(backend.build(&query))
        .all(db)
        .await?)
}
