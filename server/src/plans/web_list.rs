//! `GET /plans`: plans newest first, filtered by state, theme and group
//! (the API's query parameters), with a page of older ones: a form that
//! works without script.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::state::State as PlanState;
use super::store;
use super::web::state_label;
use crate::auth::web::Visit;
use crate::error::AppError;
use crate::http::extract::ApiQuery;
use crate::http::pagination::Page;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::web::{Chrome, encode};

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    state: String,
    #[serde(default)]
    theme: String,
    #[serde(default)]
    group: String,
    max_id: Option<String>,
}

/// A plan in the list.
struct Line {
    id: i64,
    title: String,
    summary: String,
    state: String,
    supports: i64,
    pro: i64,
    contra: i64,
}

#[derive(Template)]
#[template(path = "plans.html")]
struct PlansPage {
    c: Chrome,
    t: Tr,
    q: ListQuery,
    states: Vec<(&'static str, String)>,
    plans: Vec<Line>,
    older: Option<String>,
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
    let t = visit.t();
    let mut filter = store::Filter::default();
    if !q.state.is_empty() {
        let st = PlanState::parse(&q.state).ok_or_else(|| {
            AppError::invalid("state", msg!("error-not-a-state", state = &q.state))
        })?;
        filter.state = Some(st);
    }
    let theme = q.theme.trim().trim_start_matches('#').to_lowercase();
    filter.theme = (!theme.is_empty()).then_some(theme);
    let group = q.group.trim().trim_start_matches('@');
    if !group.is_empty() {
        let g = crate::actors::store::find_local(&state.db, &state.config, group)
            .await?
            .ok_or_else(|| AppError::NotFound(msg!("error-no-group-here-called", group = group)))?;
        filter.owner = Some(g.id);
    }
    let viewer = visit.person.as_ref().map(|p| p.actor.id);
    let page = Page {
        max_id: q.max_id.clone(),
        ..Page::default()
    };
    let rows = store::page(&state.db, &filter, &page, crate::web::PER_PAGE, viewer).await?;
    let older = crate::web::next_page(rows.len(), rows.last().map(|r| r.plan.id), |id| {
        format!(
            "/plans?state={}&theme={}&group={}&max_id={id}",
            encode(&q.state),
            encode(&q.theme),
            encode(&q.group),
        )
    });
    let plans = rows
        .into_iter()
        .map(|r| Line {
            id: r.plan.id,
            state: state_label(&r.plan.state, t),
            title: r.plan.title,
            summary: r.plan.summary,
            supports: r.live_supports,
            pro: r.live_pro,
            contra: r.live_contra,
        })
        .collect();
    let page = PlansPage {
        c: visit.chrome().at("plans"),
        t,
        states: PlanState::ALL
            .iter()
            .map(|s| (s.as_str(), state_label(s.as_str(), t)))
            .collect(),
        q,
        plans,
        older,
    };
    visit.render(StatusCode::OK, &page)
}
