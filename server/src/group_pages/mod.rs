//! Groups in the browser: the directory (`/groups`), each local group's
//! page (`/groups/NAME`, which servers read as the group's actor), and its
//! forms: join, leave, and a moderator's answer to a request to join.
//!
//! Its own top-level module, because the page shows the group's plans and
//! events, whose domains already read `groups`. The rules are those of
//! `groups::service` and `follows::service` (joining is following).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::actors::entity::Model as Actor;
use crate::auth::web::{CsrfForm, NoFields, Visit};
use crate::error::AppError;
use crate::groups::service::{self, Standing};
use crate::groups::{JoinPolicy, MemberRole};
use crate::http::extract::ApiQuery;
use crate::http::pagination::Page;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::statuses::web::post::PostView;
use crate::web::{Chrome, PER_PAGE, next_page};

/// Members, posts, plans and events a group's page shows at most.
const SHOWN_MEMBERS: u64 = 100;
const SHOWN_ITEMS: u64 = 10;

/// A group in the directory.
struct GroupLine {
    display_name: String,
    acct: String,
    href: String,
    summary: String,
    members: u64,
    local: bool,
}

#[derive(Template)]
#[template(path = "groups.html")]
struct DirectoryPage {
    c: Chrome,
    t: Tr,
    groups: Vec<GroupLine>,
    older: Option<String>,
}

#[derive(Deserialize)]
pub struct DirectoryQuery {
    max_id: Option<String>,
}

/// `GET /groups`: local groups and the remote ones people here follow.
pub async fn directory(
    State(state): State<AppState>,
    visit: Visit,
    ApiQuery(q): ApiQuery<DirectoryQuery>,
) -> Response {
    let result = async {
        let before = match q.max_id.as_deref() {
            Some(id) => Some(
                id.parse::<i64>()
                    .map_err(|_| AppError::invalid("max_id", msg!("error-not-id")))?,
            ),
            None => None,
        };
        let listed = service::directory(&state.db, before, PER_PAGE).await?;
        let older = next_page(listed.len(), listed.last().map(|g| g.actor.id), |id| {
            format!("/groups?max_id={id}")
        });
        let groups = listed
            .into_iter()
            .map(|g| GroupLine {
                acct: crate::statuses::views::acct(&g.actor),
                href: if g.actor.local {
                    format!("/groups/{}", g.actor.username)
                } else {
                    g.actor.url.clone().unwrap_or_else(|| g.actor.ap_id.clone())
                },
                summary: crate::text::plain(&g.actor.summary, 300),
                display_name: display_name(&g.actor),
                members: g.members.max(0) as u64,
                local: g.actor.local,
            })
            .collect();
        let page = DirectoryPage {
            c: visit.chrome().at("groups"),
            t: visit.t(),
            groups,
            older,
        };
        visit.render(StatusCode::OK, &page)
    };
    let result = result.await;
    visit.respond(result)
}

fn display_name(a: &Actor) -> String {
    if a.display_name.trim().is_empty() {
        a.username.clone()
    } else {
        a.display_name.clone()
    }
}

/// A person on a group's page.
struct MemberLine {
    id: i64,
    name: String,
    acct: String,
    href: String,
}

impl MemberLine {
    fn of(a: &Actor) -> MemberLine {
        MemberLine {
            id: a.id,
            name: display_name(a),
            acct: crate::statuses::views::acct(a),
            href: a.url.clone().unwrap_or_else(|| a.ap_id.clone()),
        }
    }
}

struct PlanLine {
    id: i64,
    title: String,
    state: String,
}

struct EventLine {
    id: i64,
    name: String,
    /// The start, `YYYY-MM-DD HH:MM` UTC.
    starts: String,
    starts_at: String,
}

#[derive(Template)]
#[template(path = "group.html")]
struct GroupPage {
    c: Chrome,
    t: Tr,
    name: String,
    display_name: String,
    acct: String,
    summary: String,
    policy: &'static str,
    member_count: u64,
    moderators: Vec<MemberLine>,
    members: Vec<MemberLine>,
    /// `outside`, `pending`, `member`, `moderator` or `owner`.
    standing: &'static str,
    may_moderate: bool,
    pending: Vec<MemberLine>,
    posts: Vec<PostView>,
    plans: Vec<PlanLine>,
    events: Vec<EventLine>,
    refusal: Option<String>,
}

/// `GET /groups/:name`: the group's actor for servers, its page for people.
pub async fn page(
    State(state): State<AppState>,
    headers: HeaderMap,
    visit: Visit,
    Path(name): Path<String>,
) -> Response {
    if crate::federation::wants_activity_json(&headers) {
        return crate::apub::actors::group(State(state), headers, Path(name))
            .await
            .into_response();
    }
    let result = group_page(&state, &visit, &name, None).await;
    visit.respond(result)
}

async fn group_page(
    state: &AppState,
    visit: &Visit,
    name: &str,
    refused: Option<(StatusCode, String)>,
) -> Result<Response, AppError> {
    let db = &state.db;
    let t = visit.t();
    let group = service::local_group(db, &state.config, name).await?;
    let me = visit.person.as_ref().map(|p| p.actor.id);
    let standing = match me {
        Some(me) => service::standing(db, group.id, me).await?,
        None => Standing::Outside,
    };
    let may_moderate = matches!(
        standing,
        Standing::Member(MemberRole::Owner | MemberRole::Moderator)
    );
    let pending = if may_moderate {
        service::pending_members(db, group.id)
            .await?
            .iter()
            .map(MemberLine::of)
            .collect()
    } else {
        Vec::new()
    };
    let all = service::members(db, group.id, SHOWN_MEMBERS).await?;
    let member_count = service::member_counts(db, &[group.id])
        .await?
        .get(&group.id)
        .copied()
        .unwrap_or(0)
        .max(0) as u64;
    let (moderators, members): (Vec<_>, Vec<_>) =
        all.iter().partition(|m| m.role != MemberRole::Member);
    let recent = Page {
        limit: Some(SHOWN_ITEMS),
        ..Page::default()
    };
    let list =
        crate::statuses::store::by_account(db, me, group.id, &recent, false, false, false).await?;
    let rendered = crate::statuses::views::statuses(db, &state.config, &list, me).await?;
    let (plans, events) = plans_and_events(db, group.id, me, t).await?;
    let policy = service::policy_of(db, group.id).await?;
    let page = GroupPage {
        c: visit.chrome().at("groups"),
        t,
        name: group.username.clone(),
        display_name: display_name(&group),
        acct: crate::statuses::views::acct(&group),
        summary: crate::text::sanitize_html(&group.summary),
        policy: match policy {
            JoinPolicy::Open => "group-policy-open",
            JoinPolicy::Approval => "group-policy-approval",
            JoinPolicy::Invite => "group-policy-invite",
        },
        member_count,
        moderators: moderators
            .iter()
            .map(|m| MemberLine::of(&m.actor))
            .collect(),
        members: members.iter().map(|m| MemberLine::of(&m.actor)).collect(),
        standing: match standing {
            Standing::Outside => "outside",
            Standing::Pending => "pending",
            Standing::Member(MemberRole::Member) => "member",
            Standing::Member(MemberRole::Moderator) => "moderator",
            Standing::Member(MemberRole::Owner) => "owner",
        },
        may_moderate,
        pending,
        posts: rendered.iter().map(|r| PostView::of(r, me, t)).collect(),
        plans,
        events,
        refusal: refused.as_ref().map(|r| r.1.clone()),
    };
    visit.render(refused.map_or(StatusCode::OK, |r| r.0), &page)
}

/// The group's newest plans and its coming events, each in one statement.
async fn plans_and_events(
    db: &sea_orm::DatabaseConnection,
    group: i64,
    me: Option<i64>,
    t: Tr,
) -> Result<(Vec<PlanLine>, Vec<EventLine>), AppError> {
    let plans = crate::plans::store::page(
        db,
        &crate::plans::store::Filter {
            owner: Some(group),
            ..Default::default()
        },
        &Page::default(),
        SHOWN_ITEMS,
        me,
    )
    .await?
    .into_iter()
    .map(|r| PlanLine {
        id: r.plan.id,
        state: crate::plans::web::state_label(&r.plan.state, t),
        title: r.plan.title,
    })
    .collect();
    let events = crate::events::store::page(
        db,
        &crate::events::store::Filter {
            organizer: Some(group),
            from: Some(chrono::Utc::now()),
        },
        &Page::default(),
        SHOWN_ITEMS,
        me,
    )
    .await?
    .into_iter()
    .map(|r| {
        let starts_at = r.event.starts_at.to_rfc3339();
        EventLine {
            id: r.event.id,
            // In the event's own time zone, as on its page.
            starts: format!(
                "{} ({})",
                crate::events::web::local_label(&starts_at, &r.event.timezone),
                r.event.timezone
            ),
            starts_at,
            name: r.event.name,
        }
    })
    .collect();
    Ok((plans, events))
}

/// `POST /groups/:name/join`: following the group, by the API's rules (an
/// approval group makes it a request).
pub async fn take_part_join(
    State(state): State<AppState>,
    visit: Visit,
    Path(name): Path<String>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Response {
    take_part(state, visit, name, true).await
}

/// `POST /groups/:name/leave`: leaving, or withdrawing a request.
pub async fn take_part_leave(
    State(state): State<AppState>,
    visit: Visit,
    Path(name): Path<String>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Response {
    take_part(state, visit, name, false).await
}

async fn take_part(state: AppState, mut visit: Visit, name: String, join: bool) -> Response {
    visit.here = format!("/groups/{}", crate::web::encode(&name));
    let person = match visit.person() {
        Ok(person) => person,
        Err(redirect) => return redirect.into_response(),
    };
    let result = async {
        let group = service::local_group(&state.db, &state.config, &name).await?;
        let id = group.id.to_string();
        if join {
            crate::follows::service::follow(&state, person, &id).await
        } else {
            crate::follows::service::unfollow(&state, person, &id).await
        }
    }
    .await;
    finish(&state, &visit, &name, result.map(|_| ()), "membership").await
}

/// `POST /groups/:name/requests/:account_id/approve` and `/reject`: a
/// moderator answers a request to join.
pub async fn answer(
    State(state): State<AppState>,
    mut visit: Visit,
    Path((name, account_id, answer)): Path<(String, String, String)>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Response {
    visit.here = format!("/groups/{}", crate::web::encode(&name));
    let person = match visit.person() {
        Ok(person) => person,
        Err(redirect) => return redirect.into_response(),
    };
    let result = async {
        let accept = match answer.as_str() {
            "approve" => true,
            "reject" => false,
            _ => return Err(AppError::NotFound(msg!("error-no-such-action"))),
        };
        let group = service::moderated(&state, person, &name).await?;
        let id: i64 = account_id
            .parse()
            .map_err(|_| AppError::NotFound(msg!("error-no-such-request-join")))?;
        service::answer_join(&state, &group, id, accept).await?;
        Ok(())
    }
    .await;
    finish(&state, &visit, &name, result, "requests").await
}

/// Back to the group's page at `anchor`; a refusal is shown on the page.
async fn finish(
    state: &AppState,
    visit: &Visit,
    name: &str,
    result: Result<(), AppError>,
    anchor: &str,
) -> Response {
    match result {
        Ok(()) => {
            Redirect::to(&format!("/groups/{}#{anchor}", crate::web::encode(name))).into_response()
        }
        Err(e) if e.status().is_client_error() && !matches!(e, AppError::NotFound(_)) => {
            let page = group_page(state, visit, name, Some((e.status(), e.text(visit.t())))).await;
            visit.respond(page)
        }
        Err(e) => visit.error(&e),
    }
}
