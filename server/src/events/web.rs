//! `GET /events/:id`: the `Event` for servers, its page for people; a copy
//! of an event from elsewhere sends both to its home.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use sea_orm::EntityTrait;

use super::api::{EventView, view};
use super::service;
use crate::auth::web::Visit;
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
}

pub async fn page(
    State(state): State<AppState>,
    headers: HeaderMap,
    visit: Visit,
    Path(id): Path<String>,
) -> Response {
    let for_people = !crate::federation::wants_activity_json(&headers);
    let result = event_page(&state, &headers, &visit, &id).await;
    visit.answer(for_people, result)
}

async fn event_page(
    state: &AppState,
    headers: &HeaderMap,
    visit: &Visit,
    id: &str,
) -> Result<Response, AppError> {
    let (db, config) = (&state.db, state.config.as_ref());
    let e = service::find(db, id).await?;
    let s = status::Entity::find_by_id(e.status_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("no such event".into()))?;
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
        starts_label: v.starts_at.get(..16).unwrap_or_default().replace('T', " "),
        participants: v.participants_count,
        e: v,
    };
    visit.render(StatusCode::OK, &page)
}
