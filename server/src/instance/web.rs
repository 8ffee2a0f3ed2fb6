//! The instance's home page and health check.

use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::actors::{ActorKind, store as actor_store};
use crate::auth::web::Visit;
use crate::db;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::web::Chrome;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    c: Chrome,
    t: Tr,
    neighbourhood: String,
    domain: String,
    people: u64,
    groups: u64,
}

/// `GET /`: names the instance and its neighbourhood, in Dutch or English.
pub async fn home(State(state): State<AppState>, visit: Visit) -> Response {
    let page = async {
        let people = actor_store::count_local(&state.db, ActorKind::Person).await?;
        // The neighbourhood itself is a group too, but not one people create.
        let groups = actor_store::count_local(&state.db, ActorKind::Group)
            .await?
            .saturating_sub(1);
        let config = &state.config;
        let page = HomePage {
            c: visit.chrome().at("about"),
            t: visit.t(),
            neighbourhood: config.instance.neighbourhood.clone(),
            domain: config.instance.domain.clone(),
            people,
            groups,
        };
        visit.render(StatusCode::OK, &page)
    };
    visit.respond(page.await)
}

/// `GET /healthz`: 200 when the database answers, 503 otherwise.
pub async fn healthz(State(state): State<AppState>) -> Response {
    match db::check_health(&state.db, state.sqlite_file.as_ref()).await {
        Ok(()) => (StatusCode::OK, "ok\n").into_response(),
        Err(reason) => {
            tracing::warn!(%reason, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                format!("unavailable: {reason}\n"),
            )
                .into_response()
        }
    }
}

/// `GET /static/:file`: the default avatar and header, built into the binary.
pub async fn static_file(
    axum::extract::Path(file): axum::extract::Path<String>,
) -> Result<Response, AppError> {
    if let Some(css) = crate::web::assets::css(&file) {
        return Ok(css);
    }
    let bytes: &'static [u8] = match file.as_str() {
        "avatar.png" => include_bytes!("../../static/avatar.png"),
        "header.png" => include_bytes!("../../static/header.png"),
        _ => return Err(AppError::NotFound("not found".into())),
    };
    Ok((
        [
            (header::CONTENT_TYPE, "image/png"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        bytes,
    )
        .into_response())
}
