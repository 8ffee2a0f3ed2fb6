//! The instance's home page and health check.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use crate::actors::{ActorKind, store as actor_store};
use crate::db;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::state::AppState;

/// UI strings of the home page, per language.
struct HomeText {
    tagline: &'static str,
    about: &'static str,
    neighbourhood_actor: &'static str,
    people: &'static str,
    groups: &'static str,
}

const HOME_NL: HomeText = HomeText {
    tagline: "Het knooppunt van de wijk",
    about: "Bewoners, ondernemers en professionals werken hier samen aan alles in de wijk, van een straatfeest tot een wijkplan.",
    neighbourhood_actor: "Volg de wijk",
    people: "Mensen",
    groups: "Groepen",
};

const HOME_EN: HomeText = HomeText {
    tagline: "The meeting point of the neighbourhood",
    about: "Residents, entrepreneurs and professionals work together here on everything in the neighbourhood, from a street party to a neighbourhood plan.",
    neighbourhood_actor: "Follow the neighbourhood",
    people: "People",
    groups: "Groups",
};

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage<'a> {
    lang: &'static str,
    t: &'static HomeText,
    instance_name: &'a str,
    neighbourhood: &'a str,
    domain: &'a str,
    people: u64,
    groups: u64,
}

/// `GET /`: names the instance and its neighbourhood, in Dutch or English.
pub async fn home(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, AppError> {
    let lang = Lang::negotiate(&headers);
    let people = actor_store::count_local(&state.db, ActorKind::Person).await?;
    // The neighbourhood itself is a group too, but not one people create.
    let groups = actor_store::count_local(&state.db, ActorKind::Group)
        .await?
        .saturating_sub(1);
    let config = &state.config;
    let page = HomePage {
        lang: lang.code(),
        t: match lang {
            Lang::Nl => &HOME_NL,
            Lang::En => &HOME_EN,
        },
        instance_name: &config.instance.name,
        neighbourhood: &config.instance.neighbourhood,
        domain: &config.instance.domain,
        people,
        groups,
    };
    let html = page
        .render()
        .map_err(|e| AppError::Internal(format!("template: {e}")))?;
    Ok(([(header::CONTENT_LANGUAGE, lang.code())], Html(html)).into_response())
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
