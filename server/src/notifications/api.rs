//! Client API handlers for notifications.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{OriginalUri, Path, State};
use axum::response::Response;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Deserialize;
use serde_json::{Value, json};

use super::entity::{self, Model as Notification};
use crate::actors::entity as actor;
use crate::auth::extract::Auth;
use crate::error::AppError;
use crate::http::extract::{ApiForm, ApiQuery};
use crate::http::pagination::{self, Page, paged_json};
use crate::state::AppState;
use crate::statuses::entity::status;
use crate::statuses::views;

/// `/api/v1/notifications`.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/api/v1/notifications", get(list))
        .route("/api/v1/notifications/clear", post(clear))
        .route("/api/v1/notifications/dismiss", post(dismiss_legacy))
        .route("/api/v1/notifications/{id}", get(show))
        .route("/api/v1/notifications/{id}/dismiss", post(dismiss))
}

pub async fn render(
    state: &AppState,
    me: i64,
    list: &[Notification],
) -> Result<Vec<Value>, AppError> {
    let actor_ids: Vec<i64> = list.iter().map(|n| n.from_actor_id).collect();
    let actors = actor::Entity::find()
        .filter(actor::Column::Id.is_in(actor_ids))
        .all(&state.db)
        .await?;
    let accounts: HashMap<i64, Value> = actors
        .iter()
        .map(|a| a.id)
        .zip(views::accounts(&state.db, &state.config, &actors).await?)
        .collect();
    let status_ids: Vec<i64> = list.iter().filter_map(|n| n.status_id).collect();
    let statuses = status::Entity::find()
        .filter(status::Column::Id.is_in(status_ids))
        .all(&state.db)
        .await?;
    let rendered: HashMap<i64, Value> = statuses
        .iter()
        .map(|s| s.id)
        .zip(views::statuses(&state.db, &state.config, &statuses, Some(me)).await?)
        .collect();
    Ok(list
        .iter()
        .map(|n| {
            json!({
                "id": n.id.to_string(),
                "type": n.kind,
                "created_at": views::time(&n.created_at),
                "group_key": format!("ungrouped-{}", n.id),
                "account": accounts.get(&n.from_actor_id).cloned().unwrap_or(Value::Null),
                "status": n.status_id.and_then(|id| rendered.get(&id).cloned()),
            })
        })
        .collect())
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(flatten)]
    page: Page,
    #[serde(default)]
    types: Vec<String>,
    #[serde(default)]
    exclude_types: Vec<String>,
    account_id: Option<String>,
}

/// `GET /api/v1/notifications`
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, AppError> {
    let person = auth.person("read:notifications")?;
    let me = person.actor.id;
    let mut query = entity::Entity::find().filter(entity::Column::RecipientId.eq(me));
    if !q.types.is_empty() {
        query = query.filter(entity::Column::Kind.is_in(q.types.clone()));
    }
    if !q.exclude_types.is_empty() {
        query = query.filter(entity::Column::Kind.is_not_in(q.exclude_types.clone()));
    }
    if let Some(account) = q.account_id.as_deref().and_then(|a| a.parse::<i64>().ok()) {
        query = query.filter(entity::Column::FromActorId.eq(account));
    }
    let rows = pagination::fetch(&state.db, &q.page, query, entity::Column::Id).await?;
    let body = render(&state, me, &rows).await?;
    Ok(paged_json(
        &state.config.base_url(),
        &uri,
        (rows.first().map(|r| r.id), rows.last().map(|r| r.id)),
        body,
    ))
}

async fn own(state: &AppState, me: i64, id: &str) -> Result<Notification, AppError> {
    let not_found = || AppError::NotFound(msg!("error-record-not-found"));
    let id: i64 = id.parse().map_err(|_| not_found())?;
    entity::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .filter(|n| n.recipient_id == me)
        .ok_or_else(not_found)
}

/// `GET /api/v1/notifications/:id`
pub async fn show(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<Value>, AppError> {
    let person = auth.person("read:notifications")?;
    let n = own(&state, person.actor.id, &id).await?;
    let mut list = render(&state, person.actor.id, std::slice::from_ref(&n)).await?;
    Ok(Json(list.pop().unwrap_or(Value::Null)))
}

/// `POST /api/v1/notifications/:id/dismiss`
pub async fn dismiss(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<Value>, AppError> {
    let person = auth.person("write:notifications")?;
    let n = own(&state, person.actor.id, &id).await?;
    entity::Entity::delete_by_id(n.id).exec(&state.db).await?;
    Ok(Json(json!({})))
}

#[derive(Deserialize, Default)]
pub struct DismissForm {
    id: Option<String>,
}

/// `POST /api/v1/notifications/dismiss` (older clients send the id in the body).
pub async fn dismiss_legacy(
    state: State<AppState>,
    auth: Auth,
    ApiForm(form): ApiForm<DismissForm>,
) -> Result<Json<Value>, AppError> {
    let id = form
        .id
        .ok_or_else(|| AppError::invalid("id", msg!("error-required")))?;
    dismiss(state, auth, Path(id)).await
}

/// `POST /api/v1/notifications/clear`
pub async fn clear(State(state): State<AppState>, auth: Auth) -> Result<Json<Value>, AppError> {
    let person = auth.person("write:notifications")?;
    entity::Entity::delete_many()
        .filter(entity::Column::RecipientId.eq(person.actor.id))
        .exec(&state.db)
        .await?;
    Ok(Json(json!({})))
}
