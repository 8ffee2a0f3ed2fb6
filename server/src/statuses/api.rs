//! Client API handlers for statuses, timelines and polls.

use axum::Json;
use axum::Router;
use axum::extract::{OriginalUri, Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Deserialize;
use serde_json::{Value, json};

use super::entity::{favourite, poll, status};
use super::form::{StatusForm, visibility};
use super::service;
use super::store;
use crate::auth::extract::{Auth, MaybeAuth};
use crate::error::AppError;
use crate::http::extract::{ApiForm, ApiQuery, flexible_bool, flexible_ids};
use crate::http::pagination::{Page, paged_json};
use crate::state::AppState;
use crate::statuses::views;

/// `POST /api/v1/statuses`
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    ApiForm(form): ApiForm<StatusForm>,
) -> Result<Json<Value>, AppError> {
    let person = auth.person("write:statuses")?;
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .filter(|k| !k.is_empty() && k.len() <= 200);
    let s = service::create(&state, person, form.into_draft()?, key).await?;
    Ok(Json(
        views::status(&state.db, &state.config, &s, Some(person.actor.id)).await?,
    ))
}

/// `GET /api/v1/statuses/:id`
pub async fn show(
    State(state): State<AppState>,
    auth: MaybeAuth,
    Path(id): Path<String>,
) -> Result<Json<Value>, AppError> {
    let viewer = auth.person("read:statuses").map(|p| p.actor.id);
    let s = store::find_visible(&state.db, viewer, &id).await?;
    Ok(Json(
        views::status(&state.db, &state.config, &s, viewer).await?,
    ))
}

/// `PUT /api/v1/statuses/:id`
pub async fn update(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiForm(form): ApiForm<StatusForm>,
) -> Result<Json<Value>, AppError> {
    let person = auth.person("write:statuses")?;
    let s = service::edit(&state, person, &id, form.into_draft()?).await?;
    Ok(Json(
        views::status(&state.db, &state.config, &s, Some(person.actor.id)).await?,
    ))
}

/// `DELETE /api/v1/statuses/:id`: answers with the deleted status and its source, for redrafting.
pub async fn delete(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<Value>, AppError> {
    let person = auth.person("write:statuses")?;
    let s = store::find_visible(&state.db, Some(person.actor.id), &id).await?;
    let mut rendered = views::status(&state.db, &state.config, &s, Some(person.actor.id)).await?;
    let deleted = service::delete(&state, person, &id).await?;
    rendered["text"] = json!(deleted.source.unwrap_or_default());
    Ok(Json(rendered))
}

/// `GET /api/v1/statuses/:id/context`
pub async fn context(
    State(state): State<AppState>,
    auth: MaybeAuth,
    Path(id): Path<String>,
) -> Result<Json<Value>, AppError> {
    let viewer = auth.person("read:statuses").map(|p| p.actor.id);
    let s = store::find_visible(&state.db, viewer, &id).await?;
    let (ancestors, descendants) = store::context(&state.db, viewer, &s).await?;
    // Rendered together: one batch of statements for the whole thread.
    let up = ancestors.len();
    let mut all = views::statuses(
        &state.db,
        &state.config,
        &[ancestors, descendants].concat(),
        viewer,
    )
    .await?;
    let descendants = all.split_off(up.min(all.len()));
    Ok(Json(json!({
        "ancestors": all,
        "descendants": descendants,
    })))
}

/// `GET /api/v1/statuses/:id/history`
pub async fn history(
    State(state): State<AppState>,
    auth: MaybeAuth,
    Path(id): Path<String>,
) -> Result<Json<Value>, AppError> {
    let viewer = auth.person("read:statuses").map(|p| p.actor.id);
    let s = store::find_visible(&state.db, viewer, &id).await?;
    let author = service::actor_of(&state.db, s.actor_id).await?;
    let account = views::account(&state.db, &state.config, &author).await?;
    let versions = service::history(&state.db, &s).await?;
    Ok(Json(json!(
        versions
            .iter()
            .map(|v| json!({
                "content": v.content,
                "spoiler_text": v.spoiler_text,
                "sensitive": v.sensitive,
                "created_at": views::time(&v.created_at),
                "account": account,
                "media_attachments": [],
                "emojis": [],
            }))
            .collect::<Vec<_>>()
    )))
}

/// `GET /api/v1/statuses/:id/source`
pub async fn source(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<Value>, AppError> {
    let person = auth.person("read:statuses")?;
    let s = store::find_visible(&state.db, Some(person.actor.id), &id).await?;
    Ok(Json(
        json!({ "id": s.id.to_string(), "text": s.source.unwrap_or_default(), "spoiler_text": s.spoiler_text }),
    ))
}

async fn render_one(state: &AppState, s: &status::Model, me: i64) -> Result<Json<Value>, AppError> {
    Ok(Json(
        views::status(&state.db, &state.config, s, Some(me)).await?,
    ))
}

/// `POST /api/v1/statuses/:id/favourite`
pub async fn favourite(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<Value>, AppError> {
    let person = auth.person("write:favourites")?;
    let s = service::favourite(&state, person, &id).await?;
    render_one(&state, &s, person.actor.id).await
}

/// `POST /api/v1/statuses/:id/unfavourite`
pub async fn unfavourite(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<Value>, AppError> {
    let person = auth.person("write:favourites")?;
    let s = service::unfavourite(&state, person, &id).await?;
    render_one(&state, &s, person.actor.id).await
}

#[derive(Deserialize, Default)]
pub struct ReblogForm {
    visibility: Option<String>,
}

/// `POST /api/v1/statuses/:id/reblog`
pub async fn reblog(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiForm(form): ApiForm<ReblogForm>,
) -> Result<Json<Value>, AppError> {
    let person = auth.person("write:statuses")?;
    let s = service::reblog(&state, person, &id, visibility(form.visibility.as_deref())?).await?;
    render_one(&state, &s, person.actor.id).await
}

/// `POST /api/v1/statuses/:id/unreblog`
pub async fn unreblog(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<Value>, AppError> {
    let person = auth.person("write:statuses")?;
    let s = service::unreblog(&state, person, &id).await?;
    render_one(&state, &s, person.actor.id).await
}

/// `GET /api/v1/statuses/:id/favourited_by`
pub async fn favourited_by(
    State(state): State<AppState>,
    auth: MaybeAuth,
    Path(id): Path<String>,
    ApiQuery(page): ApiQuery<Page>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, AppError> {
    let viewer = auth.person("read:accounts").map(|p| p.actor.id);
    let s = store::find_visible(&state.db, viewer, &id).await?;
    let rows = crate::http::pagination::fetch(
        &state.db,
        &page,
        favourite::Entity::find().filter(favourite::Column::StatusId.eq(s.id)),
        favourite::Column::Id,
    )
    .await?;
    account_page(
        &state,
        &uri,
        rows.iter().map(|f| (f.id, f.actor_id)).collect(),
    )
    .await
}

/// `GET /api/v1/statuses/:id/reblogged_by`
pub async fn reblogged_by(
    State(state): State<AppState>,
    auth: MaybeAuth,
    Path(id): Path<String>,
    ApiQuery(page): ApiQuery<Page>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, AppError> {
    let viewer = auth.person("read:accounts").map(|p| p.actor.id);
    let s = store::find_visible(&state.db, viewer, &id).await?;
    let rows = crate::http::pagination::fetch(
        &state.db,
        &page,
        status::Entity::find()
            .filter(status::Column::ReblogOfId.eq(s.id))
            .filter(views::boosts_by_people()),
        status::Column::Id,
    )
    .await?;
    account_page(
        &state,
        &uri,
        rows.iter().map(|r| (r.id, r.actor_id)).collect(),
    )
    .await
}

/// Renders accounts by id, keeping the given order.
pub async fn accounts_in_order(state: &AppState, ids: &[i64]) -> Result<Vec<Value>, AppError> {
    use crate::actors::entity as actor;
    let actors = actor::Entity::find()
        .filter(actor::Column::Id.is_in(ids.to_vec()))
        .all(&state.db)
        .await?;
    let mut ordered = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(a) = actors.iter().find(|a| a.id == *id) {
            ordered.push(a.clone());
        }
    }
    views::accounts(&state.db, &state.config, &ordered).await
}

/// A page of accounts from paged rows, given as (row id, account id) pairs:
/// the `Link` header pages by row id.
pub async fn account_page(
    state: &AppState,
    uri: &axum::http::Uri,
    rows: Vec<(i64, i64)>,
) -> Result<Response, AppError> {
    let ids: Vec<i64> = rows.iter().map(|(_, actor)| *actor).collect();
    let body = accounts_in_order(state, &ids).await?;
    let keys = (
        rows.first().map(|(row, _)| *row),
        rows.last().map(|(row, _)| *row),
    );
    Ok(paged_json(&state.config.base_url(), uri, keys, body))
}

/// A page of statuses with its `Link` header.
pub async fn status_page(
    state: &AppState,
    uri: &axum::http::Uri,
    list: Vec<status::Model>,
    viewer: Option<i64>,
) -> Result<Response, AppError> {
    let ids = (list.first().map(|s| s.id), list.last().map(|s| s.id));
    let body = views::statuses(&state.db, &state.config, &list, viewer).await?;
    Ok(paged_json(&state.config.base_url(), uri, ids, body))
}

/// `GET /api/v1/timelines/home`
pub async fn home(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(page): ApiQuery<Page>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, AppError> {
    let person = auth.person("read:statuses")?;
    let list = store::home(&state.db, person.actor.id, &page).await?;
    status_page(&state, &uri, list, Some(person.actor.id)).await
}

#[derive(Deserialize, Default)]
pub struct PublicQuery {
    #[serde(flatten)]
    page: Page,
    #[serde(default, deserialize_with = "flexible_bool")]
    local: Option<bool>,
}

/// `GET /api/v1/timelines/public`
pub async fn public(
    State(state): State<AppState>,
    auth: MaybeAuth,
    ApiQuery(q): ApiQuery<PublicQuery>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, AppError> {
    let viewer = auth.person("read:statuses").map(|p| p.actor.id);
    let list = store::public(&state.db, viewer, q.local.unwrap_or(false), &q.page).await?;
    status_page(&state, &uri, list, viewer).await
}

/// `GET /api/v1/timelines/tag/:tag`
pub async fn tag(
    State(state): State<AppState>,
    auth: MaybeAuth,
    Path(tag): Path<String>,
    ApiQuery(q): ApiQuery<PublicQuery>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, AppError> {
    let viewer = auth.person("read:statuses").map(|p| p.actor.id);
    let list = store::tagged(
        &state.db,
        viewer,
        tag.trim_start_matches('#'),
        q.local.unwrap_or(false),
        &q.page,
    )
    .await?;
    status_page(&state, &uri, list, viewer).await
}

/// `GET /api/v1/polls/:id`
pub async fn show_poll(
    State(state): State<AppState>,
    auth: MaybeAuth,
    Path(id): Path<String>,
) -> Result<Json<Value>, AppError> {
    let viewer = auth.person("read:statuses").map(|p| p.actor.id);
    let not_found = || AppError::NotFound(msg!("error-record-not-found"));
    let pid: i64 = id.parse().map_err(|_| not_found())?;
    let p = poll::Entity::find_by_id(pid)
        .one(&state.db)
        .await?
        .ok_or_else(not_found)?;
    store::find_visible(&state.db, viewer, &p.status_id.to_string()).await?;
    let rendered = views::polls(&state.db, std::slice::from_ref(&p), viewer).await?;
    rendered
        .get(&p.status_id)
        .cloned()
        .map(Json)
        .ok_or_else(not_found)
}

#[derive(Deserialize, Default)]
pub struct VoteForm {
    #[serde(default, deserialize_with = "flexible_ids")]
    choices: Vec<String>,
}

/// `POST /api/v1/polls/:id/votes`
pub async fn vote(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiForm(form): ApiForm<VoteForm>,
) -> Result<Json<Value>, AppError> {
    let person = auth.person("write:statuses")?;
    let choices: Vec<u64> = form
        .choices
        .iter()
        .map(|c| {
            c.parse::<u64>()
                .map_err(|_| AppError::invalid("choices", msg!("error-not-option-number", c = c)))
        })
        .collect::<Result<_, _>>()?;
    let p = service::vote(&state, person, &id, &choices).await?;
    let rendered = views::polls(&state.db, std::slice::from_ref(&p), Some(person.actor.id)).await?;
    rendered
        .get(&p.status_id)
        .cloned()
        .map(Json)
        .ok_or_else(|| AppError::NotFound(msg!("error-record-not-found")))
}

/// Statuses, timelines and polls.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/statuses", post(create))
        .route(
            "/api/v1/statuses/{id}",
            get(show).put(update).delete(delete),
        )
        .route("/api/v1/statuses/{id}/context", get(context))
        .route("/api/v1/statuses/{id}/history", get(history))
        .route("/api/v1/statuses/{id}/source", get(source))
        .route("/api/v1/statuses/{id}/favourite", post(favourite))
        .route("/api/v1/statuses/{id}/unfavourite", post(unfavourite))
        .route("/api/v1/statuses/{id}/reblog", post(reblog))
        .route("/api/v1/statuses/{id}/unreblog", post(unreblog))
        .route("/api/v1/statuses/{id}/favourited_by", get(favourited_by))
        .route("/api/v1/statuses/{id}/reblogged_by", get(reblogged_by))
        .route("/api/v1/timelines/home", get(home))
        .route("/api/v1/timelines/public", get(public))
        .route("/api/v1/timelines/tag/{tag}", get(tag))
        .route("/api/v1/polls/{id}", get(show_poll))
        .route("/api/v1/polls/{id}/votes", post(vote))
}
