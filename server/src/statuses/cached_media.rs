//! `GET /media/cache/{kind}/{id}`: our copy of a remote image, named by our
//! own record, never by a URL (no open proxy): `attachment/MEDIA_ID` (of a
//! post the visitor may see), `avatar/ACTOR_ID` and `header/ACTOR_ID` (of a
//! remote actor that is not hidden). Anything else is 404, whether it
//! exists or not; media of a server blocked with `reject_media` are 403. The fetching and storing is `media::cache`.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use sea_orm::EntityTrait;

use crate::error::AppError;
use crate::media::entity::{self as media, Model as Media};
use crate::state::AppState;

/// An attachment of a public post, or a profile image: the same for everyone.
const PUBLIC: &str = "public, max-age=31536000, immutable";
/// An attachment of a post only some may see: kept by the browser only.
const PRIVATE: &str = "private, max-age=31536000, immutable";
/// An avatar or header keeps its URL when it changes: looked at again daily.
const PROFILE: &str = "public, max-age=86400";

fn not_found() -> AppError {
    AppError::NotFound(msg!("error-missing"))
}

/// Remote media only: ours are served from their file at `/media/NAME`.
fn remote(m: Media) -> Option<Media> {
    (m.file_name.is_none() && m.remote_url.is_some()).then_some(m)
}

pub async fn serve(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((kind, id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let id: i64 = id.parse().map_err(|_| not_found())?;
    let (m, cache_control) = match kind.as_str() {
        "attachment" => {
            let viewer = crate::auth::web::current_person(&state, &headers)
                .await?
                .map(|p| p.actor.id);
            attachment(&state, viewer, id).await?
        }
        "avatar" | "header" => (profile_image(&state, &kind, id).await?, PROFILE),
        _ => return Err(not_found()),
    };
    let host = m
        .remote_url
        .as_deref()
        .and_then(knooppunt_federation::vocab::host_of);
    if crate::federation::blocks::rejects_media(&state.db, host.as_deref().unwrap_or_default())
        .await?
    {
        return Err(AppError::Forbidden(msg!("error-media-not-shown")));
    }
    let image = crate::media::cache::copy_of(&state, &m).await?;
    Ok((
        [
            (header::CONTENT_TYPE, image.content_type),
            (header::CACHE_CONTROL, cache_control.to_string()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        ],
        image.bytes,
    )
        .into_response())
}

/// A remote attachment of a post `viewer` may see.
async fn attachment(
    state: &AppState,
    viewer: Option<i64>,
    id: i64,
) -> Result<(Media, &'static str), AppError> {
    let m = media::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .and_then(remote)
        .ok_or_else(not_found)?;
    let status_id = m.status_id.ok_or_else(not_found)?;
    let status = super::store::find_visible(&state.db, viewer, &status_id.to_string()).await?;
    if status.actor_id != m.actor_id {
        return Err(not_found());
    }
    let cache_control = match status.visibility.as_str() {
        "public" | "unlisted" => PUBLIC,
        _ => PRIVATE,
    };
    Ok((m, cache_control))
}

/// The remote avatar or header of a remote actor that is not hidden.
async fn profile_image(state: &AppState, kind: &str, actor_id: i64) -> Result<Media, AppError> {
    let a = crate::actors::entity::Entity::find_by_id(actor_id)
        .one(&state.db)
        .await?
        .filter(|a| !a.local && !crate::actors::hidden::is_hidden(a))
        .ok_or_else(not_found)?;
    let media_id = match kind {
        "avatar" => a.avatar_media_id,
        _ => a.header_media_id,
    }
    .ok_or_else(not_found)?;
    media::Entity::find_by_id(media_id)
        .one(&state.db)
        .await?
        .filter(|m| m.actor_id == a.id)
        .and_then(remote)
        .ok_or_else(not_found)
}
