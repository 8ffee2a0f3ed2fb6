//! `GET /plans/:id`: a plan's page for people (Dutch or English), its `Page`
//! for servers. A copy of a plan from elsewhere sends both to its home.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::Value;

use super::service;
use crate::auth::web::Visit;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::statuses::entity::status;
use crate::web::Chrome;
use sea_orm::EntityTrait;

fn state_label(state: &str, t: Tr) -> String {
    match state {
        "idea" | "proposal" | "adopted" | "rejected" | "in_progress" | "done" | "withdrawn" => {
            t.get(&format!("plan-state-{state}"))
        }
        other => other.to_string(),
    }
}

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanPage {
    c: Chrome,
    t: Tr,
    title: String,
    summary: String,
    content: String,
    state_label: String,
    owners: Vec<(String, String)>,
    themes: Vec<String>,
    area: Option<String>,
    cost: Option<String>,
    budget: Option<String>,
    supports: u64,
    pro: Vec<(String, String)>,
    contra: Vec<(String, String)>,
    history: Vec<HistoryLine>,
}

fn amount(v: &Value) -> Option<String> {
    let cents = v["amount_cents"].as_i64()?;
    Some(format!(
        "{} {}.{:02}",
        v["currency"].as_str().unwrap_or("EUR"),
        cents / 100,
        cents % 100
    ))
}

fn people(list: &Value) -> Vec<(String, String)> {
    list.as_array()
        .map(|items| {
            items
                .iter()
                .map(|a| {
                    (
                        a["account"]["acct"]
                            .as_str()
                            .unwrap_or_default()
                            .to_string(),
                        a["content"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// One step of a plan's history: when, who, what, and why.
struct HistoryLine {
    at: String,
    at_label: String,
    who: String,
    who_url: String,
    what: String,
    note: String,
}

/// `@name@host` for an actor's id, as far as its URL tells.
fn handle(ap_id: &str) -> String {
    match url::Url::parse(ap_id) {
        Ok(u) => {
            let name = u
                .path_segments()
                .and_then(|mut s| s.next_back())
                .unwrap_or_default();
            let host = u.host_str().unwrap_or_default();
            match u.port() {
                Some(port) => format!("@{name}@{host}:{port}"),
                None => format!("@{name}@{host}"),
            }
        }
        Err(_) => ap_id.to_string(),
    }
}

fn history_lines(history: &[super::entity::history::Model], t: Tr) -> Vec<HistoryLine> {
    history
        .iter()
        .map(|h| {
            let what = match (h.action.as_str(), &h.to_state) {
                ("state", Some(to)) => {
                    format!("{} {}", t.get("plan-action-state"), state_label(to, t))
                }
                ("created" | "edited" | "progress" | "owner_added", _) => {
                    t.get(&format!("plan-action-{}", h.action))
                }
                (other, _) => other.to_string(),
            };
            let at = crate::http::time(&h.at);
            HistoryLine {
                at_label: at.get(..16).unwrap_or_default().replace('T', " "),
                at,
                who: handle(&h.actor_ap_id),
                who_url: h.actor_ap_id.clone(),
                what,
                note: h.note.clone(),
            }
        })
        .collect()
}

pub async fn page(
    State(state): State<AppState>,
    headers: HeaderMap,
    visit: Visit,
    Path(id): Path<String>,
) -> Response {
    let for_people = !crate::federation::wants_activity_json(&headers);
    let result = plan_page(&state, &headers, &visit, &id).await;
    visit.answer(for_people, result)
}

async fn plan_page(
    state: &AppState,
    headers: &HeaderMap,
    visit: &Visit,
    id: &str,
) -> Result<Response, AppError> {
    let (db, config) = (&state.db, state.config.as_ref());
    let p = service::find(db, id).await?;
    let s = status::Entity::find_by_id(p.status_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("no such plan".into()))?;
    if let Some(response) =
        crate::statuses::federate::object_or_home(db, config, headers, &s).await?
    {
        return Ok(response);
    }
    let t = visit.t();
    let view = serde_json::to_value(super::views::view(db, config, &p, None).await?)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let replies = super::store::arguments_of(db, p.status_id, None).await?;
    let arguments = serde_json::to_value(super::views::arguments(db, config, replies).await?)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let history = service::history_of(db, p.id).await?;
    let page = PlanPage {
        c: visit.chrome(),
        t,
        title: p.title.clone(),
        summary: p.summary.clone(),
        content: p.content.clone(),
        state_label: state_label(&p.state, t),
        owners: view["owners"]
            .as_array()
            .map(|o| {
                o.iter()
                    .map(|a| {
                        (
                            a["acct"].as_str().unwrap_or_default().to_string(),
                            a["url"].as_str().unwrap_or_default().to_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default(),
        themes: view["themes"]
            .as_array()
            .map(|t| {
                t.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
        area: p.area_address.clone(),
        cost: amount(&view["cost_estimate"]),
        budget: amount(&view["requested_budget"]),
        supports: view["supports_count"].as_u64().unwrap_or(0),
        pro: people(&arguments["pro"]),
        contra: people(&arguments["contra"]),
        history: history_lines(&history, t),
    };
    visit.render(StatusCode::OK, &page)
}

/// `GET /advice/:id`: an advisor's answer as its `Note`, so that any
/// instance can check a verdict that a plan's home reports.
pub async fn advice_answer(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let note = super::advice::answer_note(&state, &id).await?;
    Ok(crate::federation::ap_json(note))
}
