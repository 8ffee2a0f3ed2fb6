//! Event queries and read models: a page of events in one statement (with
//! their posts' ids and live counts), their organisers in one more.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, JoinType, QueryFilter, QuerySelect,
    Select,
};

use super::entity::{event, participant};
use crate::error::AppError;
use crate::http::pagination::{self, Keyset, Page};
use crate::statuses::entity::status;

/// An event as lists read it: the row, its post's ids, its accepted
/// participants counted live (only local events show them) and the
/// viewer's participation.
#[derive(Debug, Clone, FromQueryResult)]
pub struct EventRow {
    #[sea_orm(nested)]
    pub event: event::Model,
    pub status_ap_id: String,
    pub status_url: Option<String>,
    pub live_participants: i64,
    pub viewer_participation: Option<String>,
}

/// Which events a list shows.
#[derive(Debug, Default)]
pub struct Filter {
    pub organizer: Option<i64>,
    /// Only events that start at or after this time.
    pub from: Option<DateTime<Utc>>,
}

/// The order of event lists: soonest first; events at the same time in
/// the order they were made.
pub fn keyset() -> Keyset<event::Entity> {
    Keyset::by_key(event::Column::StartsAt, event::Column::Id, true)
}

/// A scalar subquery on the outer row's event participants.
fn participants(actor: Option<i64>, column: SelectStatement) -> SelectStatement {
    let mut q = column;
    q.from(participant::Entity).and_where(
        Expr::col((participant::Entity, participant::Column::EventId))
            .equals((event::Entity, event::Column::Id)),
    );
    match actor {
        Some(actor) => {
            q.and_where(Expr::col((participant::Entity, participant::Column::ActorId)).eq(actor))
        }
        None => {
            q.and_where(Expr::col((participant::Entity, participant::Column::State)).eq("accepted"))
        }
    };
    q.to_owned()
}

fn with_counts(query: Select<event::Entity>, viewer: Option<i64>) -> Select<event::Entity> {
    let post = event::Entity::belongs_to(status::Entity)
        .from(event::Column::StatusId)
        .to(status::Column::Id)
        .into();
    let accepted = participants(
        None,
        Query::select()
            .expr(Expr::col((participant::Entity, participant::Column::Id)).count())
            .to_owned(),
    );
    let mine = match viewer {
        Some(me) => Expr::from(participants(
            Some(me),
            Query::select()
                .column((participant::Entity, participant::Column::State))
                .limit(1)
                .to_owned(),
        )),
        None => Expr::val(Option::<String>::None),
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
        .column_as(Expr::from(accepted), "live_participants")
        .column_as(mine, "viewer_participation")
}

/// A page of events, soonest first, without those of hidden accounts.
pub async fn page(
    db: &impl ConnectionTrait,
    filter: &Filter,
    page: &Page,
    limit: u64,
    viewer: Option<i64>,
) -> Result<Vec<EventRow>, AppError> {
    let mut query = event::Entity::find()
        .filter(event::Column::StatusId.not_in_subquery(crate::statuses::store::hidden_statuses()));
    if let Some(from) = filter.from {
        query = query.filter(event::Column::StartsAt.gte(from));
    }
    if let Some(organizer) = filter.organizer {
        query = query.filter(event::Column::OrganizerId.eq(organizer));
    }
    let (query, reversed) = keyset().apply(query, page, limit);
    let rows = with_counts(query, viewer)
        .into_model::<EventRow>()
        .all(db)
        .await?;
    Ok(pagination::in_list_order(rows, reversed))
}

/// Events that started before `before`, the latest first, a page at a
/// time (`page.max_id`: those after that one in this order).
pub async fn past_page(
    db: &impl ConnectionTrait,
    before: DateTime<Utc>,
    page: &Page,
    limit: u64,
    viewer: Option<i64>,
) -> Result<Vec<EventRow>, AppError> {
    let query = event::Entity::find()
        .filter(event::Column::StatusId.not_in_subquery(crate::statuses::store::hidden_statuses()))
        .filter(event::Column::StartsAt.lt(before));
    let latest_first = Keyset::by_key(event::Column::StartsAt, event::Column::Id, false);
    let (query, reversed) = latest_first.apply(query, page, limit);
    let rows = with_counts(query, viewer)
        .into_model::<EventRow>()
        .all(db)
        .await?;
    Ok(pagination::in_list_order(rows, reversed))
}

/// The events with these ids (in no particular order).
pub async fn by_ids(
    db: &impl ConnectionTrait,
    ids: &[i64],
    viewer: Option<i64>,
) -> Result<Vec<EventRow>, AppError> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let query = event::Entity::find().filter(event::Column::Id.is_in(ids.to_vec()));
    Ok(with_counts(query, viewer)
        .into_model::<EventRow>()
        .all(db)
        .await?)
}

/// Events with their posts' ActivityPub ids (their calendar UIDs), in the
/// order given; an event whose post is gone is left out.
pub async fn with_uids(
    db: &impl ConnectionTrait,
    events: Vec<event::Model>,
) -> Result<Vec<(event::Model, String)>, AppError> {
    if events.is_empty() {
        return Ok(vec![]);
    }
    let uids: std::collections::HashMap<i64, String> = status::Entity::find()
        .select_only()
        .column(status::Column::Id)
        .column(status::Column::ApId)
        .filter(status::Column::Id.is_in(events.iter().map(|e| e.status_id).collect::<Vec<_>>()))
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(events
        .into_iter()
        .filter_map(|e| {
            let uid = uids.get(&e.status_id)?.clone();
            Some((e, uid))
        })
        .collect())
}
