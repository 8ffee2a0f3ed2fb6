//! `GET /plans/:id`: a plan's page for people (Dutch or English), its `Page`
//! for servers. A copy of a plan from elsewhere sends both to its home.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::Value;

use super::service;
use super::store::Side;
use crate::auth::web::Visit;
use crate::error::AppError;
use crate::http::pagination::Page;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::statuses::entity::status;
use crate::web::Chrome;
use sea_orm::EntityTrait;

pub(crate) fn state_label(state: &str, t: Tr) -> String {
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
    id: i64,
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
    supported: bool,
    pro: Vec<ArgumentLine>,
    contra: Vec<ArgumentLine>,
    /// How many there are in all of each side (the page shows the first ones).
    counts: SideCounts,
    history: Vec<HistoryLine>,
    /// The steps the viewer may take from here: (state, its label, needs a reason).
    steps: Vec<(String, String, bool)>,
    /// The viewer owns the plan (and may edit it).
    owner: bool,
    /// Comments, polls, advice, owners' invitations, events, progress.
    x: super::web_sections::Sections,
    f: super::web_forms::Kept,
}

/// The sizes of a plan's sides, as the API counts them.
struct SideCounts {
    pro: u64,
    contra: u64,
    comments: u64,
}

impl SideCounts {
    fn of(view: &Value) -> SideCounts {
        let n = |side: &str| view["arguments_count"][side].as_u64().unwrap_or(0);
        SideCounts {
            pro: n("pro"),
            contra: n("contra"),
            comments: n("comments"),
        }
    }
}

/// An argument as the page shows it, with its own support.
struct ArgumentLine {
    id: String,
    who: String,
    content: String,
    supports: u64,
}

fn amount(v: &Value, t: Tr) -> Option<String> {
    let cents = v["amount_cents"].as_i64()?;
    Some(t.money(cents, v["currency"].as_str().unwrap_or("EUR")))
}

fn argument_lines(list: Vec<super::views::ArgumentView>) -> Vec<ArgumentLine> {
    list.into_iter()
        .map(|a| ArgumentLine {
            who: a.account["acct"].as_str().unwrap_or_default().to_string(),
            id: a.id,
            content: a.content,
            supports: a.supports_count,
        })
        .collect()
}

/// The steps `visit`'s person may take, by the same rule the API applies.
async fn steps(
    state: &AppState,
    visit: &Visit,
    p: &super::entity::plan::Model,
    t: Tr,
) -> Result<Vec<(String, String, bool)>, AppError> {
    use super::state::{State as Step, check};
    let Some(person) = visit.person.as_ref() else {
        return Ok(vec![]);
    };
    if !p.local {
        return Ok(vec![]);
    }
    let standing = service::standing(state, person, p).await?;
    let from = Step::parse(&p.state).unwrap_or(Step::Idea);
    Ok(Step::ALL
        .into_iter()
        .filter(|to| check(from, *to, standing, "-").is_ok())
        .map(|to| {
            let needs_note = check(from, to, standing, "").is_err();
            (
                to.as_str().to_string(),
                state_label(to.as_str(), t),
                needs_note,
            )
        })
        .collect())
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
pub(super) fn handle(ap_id: &str) -> String {
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
                // An owner added is noted by their actor id: shown as a handle.
                note: if h.action == "owner_added" && h.note.starts_with("http") {
                    handle(&h.note)
                } else {
                    h.note.clone()
                },
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
    let kept = super::web_forms::Kept::default();
    let result = plan_page(&state, &headers, &visit, &id, kept, StatusCode::OK).await;
    visit.answer(for_people, result)
}

/// The plan's page, with what a refused form kept and its status.
/// The plan's owners as the API shows them: (acct, profile URL).
fn owner_links(view: &Value) -> Vec<(String, String)> {
    let text = |a: &Value, key: &str| a[key].as_str().unwrap_or_default().to_string();
    view["owners"]
        .as_array()
        .map(|o| {
            o.iter()
                .map(|a| (text(a, "acct"), text(a, "url")))
                .collect()
        })
        .unwrap_or_default()
}

/// The first page of each side of a plan's replies; the rest is a link away.
async fn first_of_each_side(
    db: &sea_orm::DatabaseConnection,
    status_id: i64,
) -> Result<Vec<status::Model>, AppError> {
    let mut replies = Vec::new();
    for side in [Side::Pro, Side::Contra, Side::Comments] {
        let first = Page::default();
        replies.extend(
            super::store::arguments_of_side(db, status_id, side, &first, crate::web::PER_PAGE)
                .await?,
        );
    }
    Ok(replies)
}

pub(super) async fn plan_page(
    state: &AppState,
    headers: &HeaderMap,
    visit: &Visit,
    id: &str,
    f: super::web_forms::Kept,
    code: StatusCode,
) -> Result<Response, AppError> {
    let (db, config) = (&state.db, state.config.as_ref());
    let p = service::find(db, id).await?;
    let s = status::Entity::find_by_id(p.status_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(msg!("error-no-such-plan")))?;
    if let Some(response) =
        crate::statuses::federate::object_or_home(db, config, headers, &s).await?
    {
        return Ok(response);
    }
    let t = visit.t();
    let me = visit.person.as_ref().map(|p| p.actor.id);
    let view = serde_json::to_value(super::views::view(db, config, &p, me).await?)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let replies = first_of_each_side(db, p.status_id).await?;
    let arguments = super::views::arguments(db, config, replies).await?;
    let history = service::history_of(db, p.id).await?;
    let owner = match visit.person.as_ref() {
        Some(person) if p.local => service::standing(state, person, &p).await?.owner,
        _ => false,
    };
    let x = super::web_sections::load(
        state,
        visit,
        &p,
        &s.ap_id,
        &view,
        arguments.comments,
        &history,
        owner,
    )
    .await?;
    let page = PlanPage {
        c: visit.chrome(),
        t,
        id: p.id,
        title: p.title.clone(),
        summary: p.summary.clone(),
        content: p.content.clone(),
        state_label: state_label(&p.state, t),
        owners: owner_links(&view),
        themes: view["themes"]
            .as_array()
            .map(|t| {
                t.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
        area: p.area_address.clone(),
        cost: amount(&view["cost_estimate"], t),
        budget: amount(&view["requested_budget"], t),
        supports: view["supports_count"].as_u64().unwrap_or(0),
        supported: view["supported"].as_bool().unwrap_or(false),
        pro: argument_lines(arguments.pro),
        contra: argument_lines(arguments.contra),
        counts: SideCounts::of(&view),
        history: history_lines(&history, t),
        steps: steps(state, visit, &p, t).await?,
        owner,
        x,
        f,
    };
    visit.render(code, &page)
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

#[derive(Debug, Default, serde::Deserialize)]
pub struct SideQuery {
    #[serde(default)]
    side: String,
    min_id: Option<String>,
}

#[derive(Template)]
#[template(path = "plan_arguments.html")]
struct SidePage {
    c: Chrome,
    t: Tr,
    id: i64,
    title: String,
    /// The Fluent key of the side's name.
    side: &'static str,
    arguments: Vec<ArgumentLine>,
    later: Option<String>,
}

/// `GET /plans/:id/arguments?side=pro|contra|comments`: every argument of
/// one side, a page at a time, oldest first (the plan page shows the first).
pub async fn side_page(
    State(state): State<AppState>,
    visit: Visit,
    Path(id): Path<String>,
    crate::http::extract::ApiQuery(q): crate::http::extract::ApiQuery<SideQuery>,
) -> Response {
    let result = async {
        let db = &state.db;
        let side = Side::parse(&q.side)
            .ok_or_else(|| AppError::invalid("side", msg!("error-choose-pro-contra-comments")))?;
        let p = service::find(db, &id).await?;
        let page = Page {
            min_id: q.min_id.clone(),
            ..Page::default()
        };
        let replies =
            super::store::arguments_of_side(db, p.status_id, side, &page, crate::web::PER_PAGE)
                .await?;
        let last = replies.last().map(|r| r.id);
        let shown = replies.len();
        let all = super::views::arguments(db, &state.config, replies).await?;
        let list = match side {
            Side::Pro => all.pro,
            Side::Contra => all.contra,
            Side::Comments => all.comments,
        };
        let page = SidePage {
            c: visit.chrome().at("plans"),
            t: visit.t(),
            id: p.id,
            title: p.title,
            side: match side {
                Side::Pro => "plan-pro",
                Side::Contra => "plan-contra",
                Side::Comments => "plan-comments",
            },
            arguments: argument_lines(list),
            later: crate::web::next_page(shown, last, |last| {
                format!(
                    "/plans/{}/arguments?side={}&min_id={last}",
                    p.id,
                    side.as_str()
                )
            }),
        };
        visit.render(StatusCode::OK, &page)
    };
    visit.respond(result.await)
}
