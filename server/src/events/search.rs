//! Events in the search index (name; description and place) and
//! `GET /api/knooppunt/v1/events/search`, which reads it.

use axum::Json;
use axum::extract::State;
use chrono::Utc;
use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Deserialize;

use super::api::{EventView, views};
use super::entity::event;
use super::store;
use crate::auth::extract::MaybeAuth;
use crate::error::AppError;
use crate::http::ApiError;
use crate::http::extract::{ApiQuery, flexible_bool};
use crate::search::service::{self as search, Document, Search};
use crate::search::{Kind, in_order};
use crate::state::AppState;

/// Indexes an event after it was written; its organiser owns the entry.
pub async fn index(db: &impl ConnectionTrait, e: &event::Model) -> Result<(), DbErr> {
    let body = [
        search::plain_text(&e.description),
        e.location_name.clone().unwrap_or_default(),
        e.location_address.clone().unwrap_or_default(),
    ]
    .join("\n");
    search::index(
        db,
        Document {
            kind: Kind::Event,
            id: e.id,
            owner_id: e.organizer_id,
            post_id: Some(e.status_id),
            title: &e.name,
            body: &body,
        },
    )
    .await
}

/// Events written before the index existed.
pub struct Backfill;

#[async_trait::async_trait]
impl search::Source for Backfill {
    fn name(&self) -> &'static str {
        "events"
    }

    async fn index_after(
        &self,
        txn: &sea_orm::DatabaseTransaction,
        after: i64,
        limit: u64,
    ) -> Result<Option<i64>, DbErr> {
        let batch = event::Entity::find()
            .filter(event::Column::Id.gt(after))
            .order_by_asc(event::Column::Id)
            .limit(limit)
            .all(txn)
            .await?;
        for e in &batch {
            index(txn, e).await?;
        }
        Ok(batch.last().map(|e| e.id))
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Words, in Dutch or English, of the name, description or place.
    pub q: String,
    /// Also events that have ended.
    #[serde(default, deserialize_with = "flexible_bool")]
    pub past: Option<bool>,
    /// At most this many (20 by default, 40 at most).
    pub limit: Option<u64>,
    /// Skip this many of the best matches (the next page).
    pub offset: Option<u64>,
}

/// `GET /api/knooppunt/v1/events/search`: events matching every word, best first.
#[utoipa::path(get, path = "/api/knooppunt/v1/events/search", tag = "events", params(SearchQuery), responses((status = 200, description = "Events, best match first", body = Vec<EventView>), (status = 400, description = "A query too long", body = ApiError)))]
pub async fn search(
    State(state): State<AppState>,
    auth: MaybeAuth,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> Result<Json<Vec<EventView>>, AppError> {
    // As the list: events that have not ended (with 12 hours' grace).
    let within = (!q.past.unwrap_or(false)).then(|| {
        Query::select()
            .column(event::Column::Id)
            .from(event::Entity)
            .and_where(event::Column::StartsAt.gte(Utc::now() - chrono::Duration::hours(12)))
            .to_owned()
    });
    let hits = search::find(
        &state.db,
        Search {
            q: &q.q,
            kinds: &[Kind::Event],
            prefix: false,
            within,
            exclude_owners: vec![crate::actors::hidden::hidden_actors()],
            max_id: None,
            min_id: None,
            limit: q.limit.unwrap_or(20).clamp(1, 40),
            offset: q.offset.unwrap_or(0),
            newest_first: false,
        },
    )
    .await?;
    // Read and rendered as a list, in a fixed number of statements.
    let viewer = auth.person("read:statuses").map(|p| p.actor.id);
    let ids: Vec<i64> = hits.iter().map(|h| h.id).collect();
    let rows = in_order(&hits, store::by_ids(&state.db, &ids, viewer).await?, |r| {
        r.event.id
    });
    let out = views(&state.db, &state.config, rows).await?;
    Ok(Json(out))
}
