//! Client API handlers for follows, blocks, mutes and relationships.

use axum::Json;
use axum::extract::{OriginalUri, Path, State};
use axum::response::Response;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Deserialize;
use serde_json::Value;

use super::service;
use crate::actors::graph::{block, follow, mute};
use crate::auth::extract::{Auth, MaybeAuth};
use crate::error::AppError;
use crate::http::extract::{ApiQuery, flexible_ids};
use crate::http::pagination::{self, Page};
use crate::state::AppState;
use crate::statuses::api::account_page;

/// Follows, blocks and mutes between accounts, and follow requests.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/api/v1/accounts/relationships", get(relationships))
        .route("/api/v1/accounts/{id}/followers", get(followers))
        .route("/api/v1/accounts/{id}/following", get(following))
        .route("/api/v1/accounts/{id}/follow", post(follow))
        .route("/api/v1/accounts/{id}/unfollow", post(unfollow))
        .route("/api/v1/accounts/{id}/block", post(block))
        .route("/api/v1/accounts/{id}/unblock", post(unblock))
        .route("/api/v1/accounts/{id}/mute", post(mute))
        .route("/api/v1/accounts/{id}/unmute", post(unmute))
        .route("/api/v1/blocks", get(blocks))
        .route("/api/v1/mutes", get(mutes))
        .route("/api/v1/follow_requests/{id}/authorize", post(authorize))
        .route("/api/v1/follow_requests/{id}/reject", post(reject))
}

async fn relationship(state: &AppState, me: i64, target: i64) -> Result<Json<Value>, AppError> {
    let mut list = service::relationships(&state.db, me, &[target]).await?;
    Ok(Json(list.pop().unwrap_or(Value::Null)))
}

macro_rules! relationship_action {
    ($name:ident, $scope:literal, $action:path) => {
        pub async fn $name(
            State(state): State<AppState>,
            auth: Auth,
            Path(id): Path<String>,
        ) -> Result<Json<Value>, AppError> {
            let person = auth.person($scope)?;
            let target = $action(&state, person, &id).await?;
            relationship(&state, person.actor.id, target.id).await
        }
    };
}

relationship_action!(follow, "write:follows", service::follow);
relationship_action!(unfollow, "write:follows", service::unfollow);
relationship_action!(block, "write:blocks", service::block);
relationship_action!(unblock, "write:blocks", service::unblock);
relationship_action!(mute, "write:mutes", service::mute);
relationship_action!(unmute, "write:mutes", service::unmute);

#[derive(Deserialize, Default)]
pub struct IdsQuery {
    #[serde(default, deserialize_with = "flexible_ids")]
    id: Vec<String>,
}

/// `GET /api/v1/accounts/relationships?id[]=…`
pub async fn relationships(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<IdsQuery>,
) -> Result<Json<Vec<Value>>, AppError> {
    let person = auth.person("read:follows")?;
    let ids: Vec<i64> = q.id.iter().filter_map(|i| i.parse().ok()).collect();
    Ok(Json(
        service::relationships(&state.db, person.actor.id, &ids).await?,
    ))
}

/// `GET /api/v1/accounts/:id/followers`
pub async fn followers(
    State(state): State<AppState>,
    _auth: MaybeAuth,
    Path(id): Path<String>,
    ApiQuery(page): ApiQuery<Page>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, AppError> {
    let target = service::find_actor(&state.db, &id).await?;
    let query = follow::Entity::find()
        .filter(follow::Column::TargetId.eq(target.id))
        .filter(follow::Column::Accepted.eq(true));
    let rows = pagination::fetch(&state.db, &page, query, follow::Column::Id).await?;
    account_page(
        &state,
        &uri,
        rows.iter().map(|f| (f.id, f.follower_id)).collect(),
    )
    .await
}

/// `GET /api/v1/accounts/:id/following`
pub async fn following(
    State(state): State<AppState>,
    _auth: MaybeAuth,
    Path(id): Path<String>,
    ApiQuery(page): ApiQuery<Page>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, AppError> {
    let target = service::find_actor(&state.db, &id).await?;
    let query = follow::Entity::find()
        .filter(follow::Column::FollowerId.eq(target.id))
        .filter(follow::Column::Accepted.eq(true));
    let rows = pagination::fetch(&state.db, &page, query, follow::Column::Id).await?;
    account_page(
        &state,
        &uri,
        rows.iter().map(|f| (f.id, f.target_id)).collect(),
    )
    .await
}

/// `GET /api/v1/blocks`
pub async fn blocks(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(page): ApiQuery<Page>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, AppError> {
    let person = auth.person("read:blocks")?;
    let rows = pagination::fetch(
        &state.db,
        &page,
        block::Entity::find().filter(block::Column::ActorId.eq(person.actor.id)),
        block::Column::Id,
    )
    .await?;
    account_page(
        &state,
        &uri,
        rows.iter().map(|b| (b.id, b.target_id)).collect(),
    )
    .await
}

/// `GET /api/v1/mutes`
pub async fn mutes(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(page): ApiQuery<Page>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, AppError> {
    let person = auth.person("read:mutes")?;
    let rows = pagination::fetch(
        &state.db,
        &page,
        mute::Entity::find().filter(mute::Column::ActorId.eq(person.actor.id)),
        mute::Column::Id,
    )
    .await?;
    account_page(
        &state,
        &uri,
        rows.iter().map(|m| (m.id, m.target_id)).collect(),
    )
    .await
}

/// `POST /api/v1/follow_requests/:id/authorize`
pub async fn authorize(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<Value>, AppError> {
    let person = auth.person("write:follows")?;
    let requester = service::answer_request(&state, person, &id, true).await?;
    relationship(&state, person.actor.id, requester.id).await
}

/// `POST /api/v1/follow_requests/:id/reject`
pub async fn reject(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<Value>, AppError> {
    let person = auth.person("write:follows")?;
    let requester = service::answer_request(&state, person, &id, false).await?;
    relationship(&state, person.actor.id, requester.id).await
}
