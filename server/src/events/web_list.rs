//! `GET /events`: upcoming events, soonest first (`?past=true`: the ended
//! ones too, as the API's `past`), a page at a time.

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
}

#[derive(Template)]
#[template(path = "events.html")]
struct EventsPage {
    c: Chrome,
    t: Tr,
    past: bool,
    /// Each event with its start as `YYYY-MM-DD HH:MM`.
    events: Vec<(EventView, String)>,
    later: Option<String>,
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
    let mut filter = store::Filter::default();
    if !q.past {
        filter.from = Some(Utc::now() - chrono::Duration::hours(12));
    }
    let viewer = visit.person.as_ref().map(|p| p.actor.id);
    let page = Page {
        min_id: q.min_id.clone(),
        ..Page::default()
    };
    let rows = store::page(&state.db, &filter, &page, crate::web::PER_PAGE, viewer).await?;
    let later = crate::web::next_page(rows.len(), rows.last().map(|r| r.event.id), |id| {
        format!("/events?past={}&min_id={id}", q.past)
    });
    let events = views(&state.db, &state.config, rows)
        .await?
        .into_iter()
        .map(|v| {
            let label = super::web::local_label(&v.starts_at, &v.timezone);
            (v, label)
        })
        .collect();
    let page = EventsPage {
        c: visit.chrome().at("events"),
        t: visit.t(),
        past: q.past,
        events,
        later,
    };
    visit.render(StatusCode::OK, &page)
}
