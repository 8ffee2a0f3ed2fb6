//! `GET /events/:id`: the `Event` for servers, its page for people; a copy
//! of an event from elsewhere sends both to its home.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use sea_orm::EntityTrait;

use super::api::{EventView, view};
use super::service;
use crate::auth::web::{CsrfForm, NoFields, Visit};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::statuses::entity::status;
use crate::web::Chrome;

#[derive(Template)]
#[template(path = "event.html")]
struct EventPage {
    c: Chrome,
    t: Tr,
    e: EventView,
    place: String,
    /// `YYYY-MM-DD HH:MM` in the event's time zone, as stored.
    starts_label: String,
    participants: u64,
    /// Why joining or leaving was refused, in the page's language.
    refusal: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    headers: HeaderMap,
    visit: Visit,
    Path(id): Path<String>,
) -> Response {
    let for_people = !crate::federation::wants_activity_json(&headers);
    let result = event_page(&state, &headers, &visit, &id, None).await;
    visit.answer(for_people, result)
}

/// `POST /events/:id/join` and `/events/:id/leave`: as the API's, by the
/// same service; a full event says so on its page.
pub async fn take_part(
    State(state): State<AppState>,
    headers: HeaderMap,
    mut visit: Visit,
    Path((id, action)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Response {
    // A refusal shows the event's page: its forms return there.
    visit.here = format!("/events/{id}");
    let person = match visit.person() {
        Ok(person) => person,
        Err(redirect) => return redirect.into_response(),
    };
    let result = async {
        let e = service::find(&state.db, &id).await?;
        match action.as_str() {
            "join" => service::join(&state, person, &e).await.map(|_| ()),
            "leave" => service::leave(&state, person, &e).await,
            _ => Err(AppError::NotFound(msg!("error-no-such-action"))),
        }
    }
    .await;
    match result {
        Ok(()) => Redirect::to(&format!("/events/{id}#take-part")).into_response(),
        Err(e) if e.status().is_client_error() && !matches!(e, AppError::NotFound(_)) => {
            let refusal = match &e {
                AppError::Conflict(m) if m.key() == "error-event-full" => {
                    visit.t().get("event-full")
                }
                other => other.text(visit.t()),
            };
            let page = event_page(&state, &headers, &visit, &id, Some((e.status(), refusal))).await;
            visit.respond(page)
        }
        Err(e) => visit.error(&e),
    }
}

pub(crate) use crate::web::local_label;

async fn event_page(
    state: &AppState,
    headers: &HeaderMap,
    visit: &Visit,
    id: &str,
    refused: Option<(StatusCode, String)>,
) -> Result<Response, AppError> {
    let (db, config) = (&state.db, state.config.as_ref());
    let e = service::find(db, id).await?;
    let s = status::Entity::find_by_id(e.status_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(msg!("error-no-such-event")))?;
    if let Some(response) =
        crate::statuses::federate::object_or_home(db, config, headers, &s).await?
    {
        return Ok(response);
    }
    let me = visit.person.as_ref().map(|p| p.actor.id);
    let v = view(db, config, &e, me).await?;
    let place = v
        .location
        .as_ref()
        .and_then(|l| l.name.clone().or_else(|| l.address.clone()))
        .unwrap_or_default();
    let page = EventPage {
        c: visit.chrome(),
        t: visit.t(),
        place,
        starts_label: local_label(&v.starts_at, &v.timezone),
        participants: v.participants_count,
        e: v,
        refusal: refused.as_ref().map(|r| r.1.clone()),
    };
    visit.render(refused.map_or(StatusCode::OK, |r| r.0), &page)
}
