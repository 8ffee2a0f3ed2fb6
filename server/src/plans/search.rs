//! Plans in the search index (title; summary, text, themes and address)
//! and `GET /api/knooppunt/v1/plans/search`, which reads it.

use axum::Json;
use axum::extract::State;
use sea_orm::sea_query::{Query, SelectStatement};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Deserialize;

use super::entity::plan;
use super::store;
use super::views::{self, PlanView};
use crate::auth::extract::MaybeAuth;
use crate::error::AppError;
use crate::http::ApiError;
use crate::http::extract::ApiQuery;
use crate::search::service::{self as search, Document, Search};
use crate::search::{Kind, in_order};
use crate::state::AppState;
use crate::statuses::entity::{status, status_tag, tag};

/// Indexes a plan after it was written; `author_id` is its post's author.
pub async fn index(
    db: &impl ConnectionTrait,
    p: &plan::Model,
    author_id: i64,
) -> Result<(), DbErr> {
    let themes: Vec<String> = tag::Entity::find()
        .filter(tag::Column::Id.in_subquery(themes_of(p.status_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|t| t.name)
        .collect();
    let body = [
        p.summary.clone(),
        search::plain_text(&p.content),
        themes.join(" "),
        p.area_address.clone().unwrap_or_default(),
    ]
    .join("\n");
    search::index(
        db,
        Document {
            kind: Kind::Plan,
            id: p.id,
            owner_id: author_id,
            post_id: Some(p.status_id),
            title: &p.title,
            body: &body,
        },
    )
    .await
}

/// Ids of the tags on a status.
fn themes_of(status_id: i64) -> SelectStatement {
    Query::select()
        .column(status_tag::Column::TagId)
        .from(status_tag::Entity)
        .and_where(status_tag::Column::StatusId.eq(status_id))
        .to_owned()
}

/// Plans written before the index existed.
pub struct Backfill;

#[async_trait::async_trait]
impl search::Source for Backfill {
    fn name(&self) -> &'static str {
        "plans"
    }

    async fn index_after(
        &self,
        txn: &sea_orm::DatabaseTransaction,
        after: i64,
        limit: u64,
    ) -> Result<Option<i64>, DbErr> {
        let batch = plan::Entity::find()
            .filter(plan::Column::Id.gt(after))
            .order_by_asc(plan::Column::Id)
            .limit(limit)
            .all(txn)
            .await?;
        let authors: Vec<(i64, i64)> = status::Entity::find()
            .select_only()
            .column(status::Column::Id)
            .column(status::Column::ActorId)
            .filter(status::Column::Id.is_in(batch.iter().map(|p| p.status_id)))
            .into_tuple()
            .all(txn)
            .await?;
        for p in &batch {
            if let Some((_, author)) = authors.iter().find(|(s, _)| *s == p.status_id) {
                index(txn, p, *author).await?;
            }
        }
        Ok(batch.last().map(|p| p.id))
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Words, in Dutch or English: "zebrapaden" finds a "zebrapad".
    pub q: String,
    /// Only plans in this state.
    pub state: Option<String>,
    /// Only plans with this theme.
    pub theme: Option<String>,
    /// At most this many (20 by default, 40 at most).
    pub limit: Option<u64>,
    /// Skip this many of the best matches (the next page).
    pub offset: Option<u64>,
}

/// `GET /api/knooppunt/v1/plans/search`: plans matching every word, best first.
#[utoipa::path(get, path = "/api/knooppunt/v1/plans/search", tag = "plans", params(SearchQuery), responses((status = 200, description = "Plans, best match first", body = Vec<PlanView>), (status = 400, description = "A query too long", body = ApiError), (status = 422, description = "Unknown state", body = ApiError)))]
pub async fn search(
    State(state): State<AppState>,
    auth: MaybeAuth,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> Result<Json<Vec<PlanView>>, AppError> {
    let mut within = Query::select()
        .column(plan::Column::Id)
        .from(plan::Entity)
        .to_owned();
    if let Some(st) = &q.state {
        let st = super::state::State::parse(st)
            .ok_or_else(|| AppError::invalid("state", msg!("error-not-a-state", state = st)))?;
        within.and_where(plan::Column::State.eq(st.as_str()));
    }
    if let Some(theme) = &q.theme {
        let name = theme.trim_start_matches('#').to_lowercase();
        // Themes are letters, digits and `_`: anything else names none.
        if !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return Ok(Json(vec![]));
        }
        let tag_ids = Query::select()
            .column(tag::Column::Id)
            .from(tag::Entity)
            .and_where(tag::Column::Name.eq(name))
            .to_owned();
        let tagged = Query::select()
            .column(status_tag::Column::StatusId)
            .from(status_tag::Entity)
            .and_where(status_tag::Column::TagId.in_subquery(tag_ids))
            .to_owned();
        within.and_where(plan::Column::StatusId.in_subquery(tagged));
    }
    let hits = search::find(
        &state.db,
        Search {
            q: &q.q,
            kinds: &[Kind::Plan],
            prefix: false,
            within: Some(within),
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
        r.plan.id
    });
    let out = views::plans(&state.db, &state.config, rows, viewer).await?;
    Ok(Json(out))
}
