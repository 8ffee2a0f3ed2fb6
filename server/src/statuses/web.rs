//! A local status at its ActivityPub id (`/users/NAME/statuses/ID`): the
//! object for servers, a readable page for people.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use sea_orm::EntityTrait;

use crate::actors::entity as actor;
use crate::error::AppError;
use crate::federation::{ap_json, context_url, wants_activity_json};
use crate::state::AppState;
use crate::statuses::entity::status;
use crate::statuses::views::time;
use crate::text::escape;
use knooppunt_federation::vocab;

/// `GET /users/:name/statuses/:id`: the Note for servers, a page for browsers.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((name, id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let not_found = || AppError::NotFound("not found".into());
    let id: i64 = id.parse().map_err(|_| not_found())?;
    let s = status::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or_else(not_found)?;
    let author = actor::Entity::find_by_id(s.actor_id)
        .one(&state.db)
        .await?
        .ok_or_else(not_found)?;
    // Only public and unlisted statuses can be fetched without a signature.
    if !author.local
        || author.username != name
        || s.reblog_of_id.is_some()
        || !matches!(s.visibility.as_str(), "public" | "unlisted")
        || crate::actors::hidden::is_hidden(&author)
    {
        return Err(not_found());
    }
    if !wants_activity_json(&headers) {
        return Ok(axum::response::Html(page(&state, &author, &s)).into_response());
    }
    let mut object = super::federate::note(&state.db, &state.config, &s).await?;
    object["@context"] = vocab::context(&context_url(&state.config));
    Ok(ap_json(object))
}

/// A readable page for people; the content is our own sanitised HTML.
fn page(state: &AppState, author: &actor::Model, s: &status::Model) -> String {
    let warning = if s.spoiler_text.is_empty() {
        String::new()
    } else {
        format!("<p><strong>{}</strong></p>", escape(&s.spoiler_text))
    };
    format!(
        "<!doctype html><html lang=\"nl\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{name} · {instance}</title></head><body><main><article><header><a href=\"{profile}\">{name}</a> <code>@{user}@{domain}</code> · <time datetime=\"{time}\">{time}</time></header>{warning}{content}</article></main></body></html>",
        name = escape(&author.display_name),
        instance = escape(&state.config.instance.name),
        profile = escape(&author.ap_id),
        user = escape(&author.username),
        domain = escape(&state.config.instance.domain),
        time = time(&s.created_at),
        content = s.content,
    )
}
