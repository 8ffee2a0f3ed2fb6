//! `GET /events`: upcoming events, soonest first, a page at a time, and
//! below them the latest past ones, the earlier ones paged on their own
//! (`?before=ID`). `?past=true` lists all in one, as the API's `past`.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use serde::Deserialize;

use super::api::{EventView, views};
use super::store;
use crate::auth::web::Visit;
use crate::error::AppError;
use crate::http::extract::ApiQuery;
use crate::http::pagination::Page;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::web::Chrome;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    past: bool,
    min_id: Option<String>,
    /// The past section's cursor: events before this one.
    before: Option<String>,
}

/// How many past events the first page shows.
const PAST_ON_FIRST_PAGE: u64 = 5;

/// A list on the page: its events (each with its start as
/// `YYYY-MM-DD HH:MM`) and the link to more.
pub struct Section {
    events: Vec<(EventView, String)>,
    more: Option<String>,
}

#[derive(Template)]
#[template(path = "events.html")]
struct EventsPage {
    c: Chrome,
    t: Tr,
    past: bool,
    /// Upcoming events (all, with `past`); none on the past section's pages.
    upcoming: Option<Section>,
    /// Past events, on the first page and on their own pages.
    ended: Option<Section>,
}

pub async fn page(
    State(state): State<AppState>,
    visit: Visit,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Response {
    let result = list(&state, &visit, q).await;
    visit.respond(result)
}

async fn list(state: &AppState, visit: &Visit, q: ListQuery) -> Result<Response, AppError> {
    let viewer = visit.person.as_ref().map(|p| p.actor.id);
    // An event stays "upcoming" until half a day after its start.
    let boundary = Utc::now() - chrono::Duration::hours(12);
    let upcoming = if q.before.is_none() {
        let mut filter = store::Filter::default();
        if !q.past {
            filter.from = Some(boundary);
        }
        let page = Page {
            min_id: q.min_id.clone(),
            ..Page::default()
        };
        let rows = store::page(&state.db, &filter, &page, crate::web::PER_PAGE, viewer).await?;
        let more = crate::web::next_page(rows.len(), rows.last().map(|r| r.event.id), |id| {
            format!("/events?past={}&min_id={id}", q.past)
        });
        Some(section(state, rows, more).await?)
    } else {
        None
    };
    let ended = if q.past || (q.min_id.is_some() && q.before.is_none()) {
        None
    } else {
        let first = q.before.is_none();
        let limit = if first {
            PAST_ON_FIRST_PAGE
        } else {
            crate::web::PER_PAGE
        };
        let page = Page {
            max_id: q.before.clone(),
            ..Page::default()
        };
        let rows = store::past_page(&state.db, boundary, &page, limit, viewer).await?;
        let more = rows
            .last()
            .filter(|_| rows.len() as u64 >= limit)
            .map(|r| format!("/events?before={}", r.event.id));
        Some(section(state, rows, more).await?)
    };
    let page = EventsPage {
        c: visit.chrome().at("events"),
        t: visit.t(),
        past: q.past,
        upcoming,
        ended,
    };
    visit.render(StatusCode::OK, &page)
}

async fn section(
    state: &AppState,
    rows: Vec<store::EventRow>,
    more: Option<String>,
) -> Result<Section, AppError> {
    let events = views(&state.db, &state.config, rows)
        .await?
        .into_iter()
        .map(|v| {
            let label = super::web::local_label(&v.starts_at, &v.timezone);
            (v, label)
        })
        .collect();
    Ok(Section { events, more })
}
