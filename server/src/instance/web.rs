//! The instance's home page and health check.

use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::actors::{ActorKind, store as actor_store};
use crate::auth::web::Visit;
use crate::db;
use crate::error::AppError;
use crate::events::store as events_store;
use crate::http::pagination::Page;
use crate::i18n::Tr;
use crate::plans::state::State as PlanState;
use crate::plans::store as plans_store;
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
    /// The lively states, each with its newest plans (states without plans left out).
    plans: Vec<PlansInState>,
    events: Vec<EventLine>,
    active_groups: Vec<GroupLine>,
}

struct PlansInState {
    state: &'static str,
    label: String,
    plans: Vec<PlanLine>,
}

struct PlanLine {
    id: i64,
    title: String,
    supports: i64,
}

struct EventLine {
    id: i64,
    name: String,
    /// RFC 3339, for `<time datetime>`.
    at: String,
    /// `YYYY-MM-DD HH:MM` in the event's own zone.
    label: String,
    timezone: String,
}

struct GroupLine {
    name: String,
    display_name: String,
    summary: String,
}

/// The states the home page shows, in the order a plan goes through them.
const HOME_STATES: [PlanState; 4] = [
    PlanState::Proposal,
    PlanState::Idea,
    PlanState::Adopted,
    PlanState::InProgress,
];
/// Plans per state, events and groups on the home page.
const HOME_PLANS: u64 = 3;
const HOME_EVENTS: u64 = 5;
const HOME_GROUPS: u64 = 6;

/// `GET /`: the neighbourhood at a glance: its newest plans by state, the
/// coming events, its active groups, and how to follow it from Mastodon.
/// A fixed number of statements: one per state shown, two for events, one
/// for groups, two counts.
pub async fn home(State(state): State<AppState>, visit: Visit) -> Response {
    let page = async {
        let t = visit.t();
        let people = actor_store::count_local(&state.db, ActorKind::Person).await?;
        // The neighbourhood itself is a group too, but not one people create.
        let groups = actor_store::count_local(&state.db, ActorKind::Group)
            .await?
            .saturating_sub(1);
        let viewer = visit.person.as_ref().map(|p| p.actor.id);
        let mut plans = Vec::new();
        for st in HOME_STATES {
            let filter = plans_store::Filter {
                state: Some(st),
                ..Default::default()
            };
            let rows =
                plans_store::page(&state.db, &filter, &Page::default(), HOME_PLANS, viewer).await?;
            if rows.is_empty() {
                continue;
            }
            plans.push(PlansInState {
                state: st.as_str(),
                label: crate::plans::web::state_label(st.as_str(), t),
                plans: rows
                    .into_iter()
                    .map(|r| PlanLine {
                        id: r.plan.id,
                        title: r.plan.title,
                        supports: r.live_supports,
                    })
                    .collect(),
            });
        }
        let coming = events_store::Filter {
            from: Some(chrono::Utc::now() - chrono::Duration::hours(12)),
            ..Default::default()
        };
        let events = events_store::page(&state.db, &coming, &Page::default(), HOME_EVENTS, viewer)
            .await?
            .into_iter()
            .map(|r| {
                let at = r.event.starts_at.to_rfc3339();
                EventLine {
                    id: r.event.id,
                    label: crate::events::web::local_label(&at, &r.event.timezone),
                    at,
                    name: r.event.name,
                    timezone: r.event.timezone,
                }
            })
            .collect();
        let config = &state.config;
        let active_groups = crate::groups::store::active_local(
            &state.db,
            &config.instance.neighbourhood,
            HOME_GROUPS,
        )
        .await?
        .into_iter()
        .map(|g| GroupLine {
            name: g.username,
            display_name: g.display_name,
            summary: crate::text::plain(&g.summary, 200),
        })
        .collect();
        let page = HomePage {
            c: visit.chrome().at("about"),
            t,
            neighbourhood: config.instance.neighbourhood.clone(),
            domain: config.instance.domain.clone(),
            people,
            groups,
            plans,
            events,
            active_groups,
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
        _ => return Err(AppError::NotFound(msg!("error-missing"))),
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
