//! Client API handlers for media, and serving stored files.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::Value;

use super::service;
use crate::auth::extract::Auth;
use crate::error::AppError;
use crate::http::extract::{ApiForm, WithUploads};
use crate::media::views::media_json;
use crate::state::AppState;

/// Uploads (at most `upload_limit` bytes) and their descriptions.
pub fn routes(upload_limit: usize) -> axum::Router<AppState> {
    use axum::extract::DefaultBodyLimit;
    use axum::routing::{get, post};
    let upload = post(upload).layer(DefaultBodyLimit::max(upload_limit));
    axum::Router::new()
        .route("/api/v2/media", upload.clone())
        .route("/api/v1/media", upload)
        .route("/api/v1/media/{id}", get(show).put(update))
}

#[derive(Deserialize, Default)]
pub struct MediaForm {
    description: Option<String>,
}

/// `POST /api/v2/media` (and the older `/api/v1/media`): processed at once.
pub async fn upload(
    State(state): State<AppState>,
    auth: Auth,
    upload: WithUploads<MediaForm>,
) -> Result<Json<Value>, AppError> {
    let person = auth.person("write:media")?;
    let file = upload
        .files
        .iter()
        .find(|f| f.field == "file")
        .ok_or_else(|| AppError::invalid("file", msg!("error-required")))?;
    tracing::debug!(name = ?file.file_name, size = file.bytes.len(), "media upload");
    let media = service::store(
        &state.db,
        &state.config,
        person,
        &file.bytes,
        upload.form.description.as_deref(),
    )
    .await?;
    Ok(Json(media_json(&state.config, &media)))
}

/// `GET /api/v1/media/:id`
pub async fn show(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<Value>, AppError> {
    let person = auth.person("write:media")?;
    let media = service::find_own(&state.db, person, &id).await?;
    Ok(Json(media_json(&state.config, &media)))
}

/// `PUT /api/v1/media/:id`: change the description.
pub async fn update(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiForm(form): ApiForm<MediaForm>,
) -> Result<Json<Value>, AppError> {
    let person = auth.person("write:media")?;
    let media = service::find_own(&state.db, person, &id).await?;
    let media = match form.description {
        Some(d) => service::describe(&state.db, media, &d).await?,
        None => media,
    };
    Ok(Json(media_json(&state.config, &media)))
}

/// `GET /media/:file`
pub async fn file(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Response, AppError> {
    let (bytes, content_type) = service::read_file(&state.db, &state.config, &name).await?;
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (
                header::CACHE_CONTROL,
                "public, max-age=31536000, immutable".to_string(),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        ],
        bytes,
    )
        .into_response())
}
