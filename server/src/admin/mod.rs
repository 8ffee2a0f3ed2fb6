//! `/admin`: the instance administrators' pages: people (approve a sign-up,
//! disable an account), open reports (resolve), domain blocks (add,
//! remove) and the state of federation. Every rule is the one the admin
//! API and the command line use (`persons::service`, `moderation`,
//! `federation::outbox::status`); these handlers only check that the
//! visitor is an administrator, call them and show the result.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Deserialize;

use crate::audit::Moderator;
use crate::auth::service::Person;
use crate::auth::web::{CsrfForm, NoFields, Visit};
use crate::error::AppError;
use crate::http::extract::ApiQuery;
use crate::i18n::Tr;
use crate::moderation::blocks::{self, NewBlock, Severity};
use crate::state::AppState;
use crate::web::{Chrome, Field, PER_PAGE, next_page};

/// The signed-in administrator; a signed-out visitor is sent to sign in,
/// anyone else gets 403.
fn admin(visit: &Visit) -> Result<&Person, Box<Response>> {
    let person = visit
        .person()
        .map_err(|redirect| Box::new(redirect.into_response()))?;
    if !person.account.admin {
        let refused = visit.error(&AppError::Forbidden(msg!("error-administrators-only")));
        return Err(Box::new(refused));
    }
    Ok(person)
}

/// The state of federation, as `federation status` prints it.
#[derive(Template)]
#[template(path = "admin.html")]
struct OverviewPage {
    c: Chrome,
    t: Tr,
    tab: &'static str,
    pending: u64,
    failing: u64,
    failed: u64,
    delivered: u64,
    oldest_pending: String,
    failing_hosts: Vec<String>,
    dead_hosts: Vec<String>,
    inbox_backlog: u64,
    pending_signups: u64,
    open_reports: usize,
}

/// `GET /admin`: federation status, and what waits for an administrator.
pub async fn overview(State(state): State<AppState>, visit: Visit) -> Response {
    if let Err(refused) = admin(&visit) {
        return *refused;
    }
    let result = async {
        let s = crate::federation::outbox::status(&state.db).await?;
        let pending_signups = crate::persons::service::count_waiting(&state.db).await?;
        let open_reports = crate::moderation::service::reports(&state.db, Some("open"), 200)
            .await?
            .len();
        let page = OverviewPage {
            c: visit.chrome().at("admin"),
            t: visit.t(),
            tab: "overview",
            pending: s.pending,
            failing: s.failing,
            failed: s.failed,
            delivered: s.delivered,
            oldest_pending: s
                .oldest_pending_secs
                .map_or_else(|| "-".to_string(), |secs| format!("{secs} s")),
            failing_hosts: s.failing_instances,
            dead_hosts: s.dead_instances,
            inbox_backlog: s.unprocessed_received,
            pending_signups,
            open_reports,
        };
        visit.render(StatusCode::OK, &page)
    };
    let result = result.await;
    visit.respond(result)
}

struct UserLine {
    name: String,
    email: String,
    admin: bool,
    approved: bool,
    disabled: bool,
    joined: String,
    me: bool,
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    c: Chrome,
    t: Tr,
    tab: &'static str,
    users: Vec<UserLine>,
    /// The next page, when this one is full.
    later: Option<String>,
}

/// Where `/admin/users` goes on: after an account waiting for approval,
/// or after one of the others.
#[derive(Deserialize, Default)]
pub struct UsersQuery {
    waiting_after: Option<i64>,
    after: Option<i64>,
}

/// `GET /admin/users`: everyone with an account here, those waiting for
/// approval first.
pub async fn users(
    State(state): State<AppState>,
    visit: Visit,
    ApiQuery(q): ApiQuery<UsersQuery>,
) -> Response {
    use crate::persons::service::{ListFrom, list_page};
    let me = match admin(&visit) {
        Ok(person) => person.actor.username.clone(),
        Err(refused) => return *refused,
    };
    let from = match (q.waiting_after, q.after) {
        (Some(after), _) => Some(ListFrom {
            waiting: true,
            after,
        }),
        (None, Some(after)) => Some(ListFrom {
            waiting: false,
            after,
        }),
        (None, None) => None,
    };
    let result = async {
        let people = list_page(&state.db, from, PER_PAGE).await?;
        let later = next_page(people.len(), people.last().map(|p| p.id), |id| {
            let waiting = people
                .last()
                .is_some_and(|p| !p.approved && p.disabled_at.is_none());
            let key = if waiting { "waiting_after" } else { "after" };
            format!("/admin/users?{key}={id}")
        });
        let users = people
            .into_iter()
            .map(|p| UserLine {
                me: p.name == me,
                email: p.email,
                admin: p.admin,
                approved: p.approved,
                disabled: p.disabled_at.is_some(),
                joined: p.created_at.format("%Y-%m-%d").to_string(),
                name: p.name,
            })
            .collect();
        let page = UsersPage {
            c: visit.chrome().at("admin"),
            t: visit.t(),
            tab: "users",
            users,
            later,
        };
        visit.render(StatusCode::OK, &page)
    };
    let result = result.await;
    visit.respond(result)
}

/// `POST /admin/users/:name/approve` and `/disable`, audited as the
/// command line's `user approve` and `user disable` are.
pub async fn user_action(
    State(state): State<AppState>,
    visit: Visit,
    Path((name, action)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Response {
    let person = match admin(&visit) {
        Ok(person) => person,
        Err(refused) => return *refused,
    };
    let result = async {
        let (db, config) = (&state.db, state.config.as_ref());
        let by = Moderator::Admin(person);
        match action.as_str() {
            "approve" => crate::persons::service::approve(db, config, &name, &by).await?,
            "disable" => crate::persons::service::disable(db, config, &name, &by).await?,
            _ => return Err(AppError::NotFound(msg!("error-no-such-action"))),
        };
        Ok(Redirect::to("/admin/users").into_response())
    };
    let result = result.await;
    visit.respond(result)
}

struct ReportLine {
    id: i64,
    created: String,
    category: String,
    comment: String,
    reporter: String,
    target: String,
    origin: Option<String>,
}

#[derive(Template)]
#[template(path = "admin_reports.html")]
struct ReportsPage {
    c: Chrome,
    t: Tr,
    tab: &'static str,
    reports: Vec<ReportLine>,
}

/// `GET /admin/reports`: the open reports, newest first.
pub async fn reports(State(state): State<AppState>, visit: Visit) -> Response {
    if let Err(refused) = admin(&visit) {
        return *refused;
    }
    let result = async {
        let open = crate::moderation::service::reports(&state.db, Some("open"), 200).await?;
        let ids: Vec<i64> = open
            .iter()
            .flat_map(|r| [r.reporter_id, r.target_id])
            .collect();
        let actors: std::collections::HashMap<i64, String> = crate::actors::entity::Entity::find()
            .filter(crate::actors::entity::Column::Id.is_in(ids))
            .all(&state.db)
            .await?
            .iter()
            .map(|a| (a.id, crate::statuses::views::acct(a)))
            .collect();
        let name = |id: i64| actors.get(&id).cloned().unwrap_or_default();
        let reports = open
            .into_iter()
            .map(|r| ReportLine {
                id: r.id,
                created: r.created_at.format("%Y-%m-%d %H:%M").to_string(),
                reporter: name(r.reporter_id),
                target: name(r.target_id),
                category: r.category,
                comment: r.comment,
                origin: r.origin_host,
            })
            .collect();
        let page = ReportsPage {
            c: visit.chrome().at("admin"),
            t: visit.t(),
            tab: "reports",
            reports,
        };
        visit.render(StatusCode::OK, &page)
    };
    let result = result.await;
    visit.respond(result)
}

/// The resolve form: the API's `note`.
#[derive(Deserialize)]
pub struct ResolveForm {
    #[serde(default)]
    note: String,
}

/// `POST /admin/reports/:id/resolve`
pub async fn resolve(
    State(state): State<AppState>,
    visit: Visit,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<ResolveForm>,
) -> Response {
    let person = match admin(&visit) {
        Ok(person) => person,
        Err(refused) => return *refused,
    };
    let result = crate::moderation::service::resolve(
        &state,
        &Moderator::Admin(person),
        &id,
        true,
        &form.note,
    )
    .await
    .map(|_| Redirect::to("/admin/reports").into_response());
    visit.respond(result)
}

struct BlockLine {
    domain: String,
    severity: String,
    public_comment: String,
    private_comment: String,
    created: String,
}

#[derive(Template)]
#[template(path = "admin_blocks.html")]
struct BlocksPage {
    c: Chrome,
    t: Tr,
    tab: &'static str,
    blocks: Vec<BlockLine>,
    fields: Vec<Field>,
    severity: String,
    severity_error: Option<String>,
}

/// The block form, as the API's `BlockBody` names its fields.
#[derive(Deserialize, Default)]
pub struct BlockForm {
    #[serde(default)]
    domain: String,
    #[serde(default)]
    severity: String,
    #[serde(default)]
    public_comment: String,
    #[serde(default)]
    private_comment: String,
}

/// `GET /admin/domain_blocks`
pub async fn domain_blocks(State(state): State<AppState>, visit: Visit) -> Response {
    if let Err(refused) = admin(&visit) {
        return *refused;
    }
    let result = blocks_page(&state, &visit, BlockForm::default(), None).await;
    visit.respond(result)
}

async fn blocks_page(
    state: &AppState,
    visit: &Visit,
    form: BlockForm,
    refused: Option<AppError>,
) -> Result<Response, AppError> {
    let t = visit.t();
    let blocks = blocks::domain_blocks(&state.db)
        .await?
        .into_iter()
        .map(|b| BlockLine {
            severity: severity_label(&b.severity, t),
            created: b.created_at.format("%Y-%m-%d").to_string(),
            domain: b.domain,
            public_comment: b.public_comment,
            private_comment: b.private_comment,
        })
        .collect();
    let error_of = |name: &str| match &refused {
        Some(AppError::Invalid { field, message }) if field == name => Some(t.msg(message)),
        _ => None,
    };
    // A refusal about no one field is shown by the domain.
    let domain_error = match &refused {
        Some(AppError::Invalid { field, .. })
            if matches!(
                field.as_str(),
                "severity" | "public_comment" | "private_comment"
            ) =>
        {
            None
        }
        Some(other) => Some(other.field_text(t)),
        None => None,
    };
    let field = |name: &'static str, kind: &'static str, value: String, error| Field {
        name,
        id: name,
        label: t.get(&format!("admin-block-{name}")),
        hint: None,
        value,
        error,
        kind,
    };
    let fields = vec![
        field("domain", "text", form.domain, domain_error),
        field(
            "public_comment",
            "textarea",
            form.public_comment,
            error_of("public_comment"),
        ),
        field(
            "private_comment",
            "textarea",
            form.private_comment,
            error_of("private_comment"),
        ),
    ];
    let status = refused.as_ref().map_or(StatusCode::OK, AppError::status);
    let page = BlocksPage {
        c: visit.chrome().at("admin"),
        t,
        tab: "blocks",
        blocks,
        fields,
        severity: if form.severity.is_empty() {
            Severity::default().as_str().to_string()
        } else {
            form.severity
        },
        severity_error: error_of("severity"),
    };
    visit.render(status, &page)
}

fn severity_label(severity: &str, t: Tr) -> String {
    match severity {
        "silence" | "suspend" | "noop" => t.get(&format!("admin-severity-{severity}")),
        other => other.to_string(),
    }
}

/// `POST /admin/domain_blocks`: blocks a domain as the API does; a refused
/// form shows again with its input and the error by its field.
pub async fn block(
    State(state): State<AppState>,
    mut visit: Visit,
    CsrfForm(form): CsrfForm<BlockForm>,
) -> Response {
    visit.here = "/admin/domain_blocks".into();
    let person = match admin(&visit) {
        Ok(person) => person,
        Err(refused) => return *refused,
    };
    let severity = match Severity::parse(&form.severity) {
        Some(s) => Ok(s),
        None if form.severity.is_empty() => Ok(Severity::default()),
        None => Err(AppError::invalid(
            "severity",
            msg!("error-must-silence-suspend-noop"),
        )),
    };
    let result = match severity {
        Ok(severity) => blocks::block_domain(
            &state,
            &Moderator::Admin(person),
            NewBlock {
                domain: form.domain.clone(),
                severity,
                public_comment: form.public_comment.clone(),
                private_comment: form.private_comment.clone(),
                ..NewBlock::default()
            },
        )
        .await
        .map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Redirect::to("/admin/domain_blocks").into_response(),
        Err(e) if e.status().is_client_error() => {
            let page = blocks_page(&state, &visit, form, Some(e)).await;
            visit.respond(page)
        }
        Err(e) => visit.error(&e),
    }
}

/// `POST /admin/domain_blocks/:domain/remove`
pub async fn unblock(
    State(state): State<AppState>,
    visit: Visit,
    Path(domain): Path<String>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Response {
    let person = match admin(&visit) {
        Ok(person) => person,
        Err(refused) => return *refused,
    };
    let result = blocks::unblock_domain(&state, &Moderator::Admin(person), &domain, "")
        .await
        .map(|_| Redirect::to("/admin/domain_blocks").into_response());
    visit.respond(result)
}
