//! Reports through Mastodon's API (`POST /api/v1/reports`), and the admin
//! API under `/api/knooppunt/v1/admin/`: reports, actions on accounts,
//! domain blocks (with Mastodon's CSV), the audit log. Admin routes need a
//! local administrator's token with `admin:read` or `admin:write`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::blocks::{self, NewBlock, Severity};
use super::entity::report;
use super::service::{self, AccountAction, Moderator, NewReport};
use crate::audit::entity as audit;
use crate::auth::extract::Auth;
use crate::auth::service::Person;
use crate::error::AppError;
use crate::federation::entity::domain_block;
use crate::http::ApiError;
use crate::http::extract::{ApiForm, ApiQuery, flexible_bool};
use crate::state::AppState;
use crate::statuses::views::{self, time};

/// Reports, and the administrators' routes under `/api/knooppunt/v1/admin`.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing::{delete, get, post};
    axum::Router::new()
        .route("/api/v1/reports", post(create))
        // Mastodon.py posts reports with a trailing slash.
        .route("/api/v1/reports/", post(create))
        .route("/api/knooppunt/v1/admin/reports", get(reports))
        .route("/api/knooppunt/v1/admin/reports/{id}", get(report))
        .route(
            "/api/knooppunt/v1/admin/reports/{id}/resolve",
            post(resolve),
        )
        .route("/api/knooppunt/v1/admin/reports/{id}/reopen", post(reopen))
        .route(
            "/api/knooppunt/v1/admin/reports/{id}/forward",
            post(forward),
        )
        .route("/api/knooppunt/v1/admin/accounts/{id}/action", post(act))
        .route(
            "/api/knooppunt/v1/admin/domain_blocks",
            get(domain_blocks).post(block),
        )
        .route("/api/knooppunt/v1/admin/domain_blocks/export", get(export))
        .route("/api/knooppunt/v1/admin/domain_blocks/import", post(import))
        .route(
            "/api/knooppunt/v1/admin/domain_blocks/{domain}",
            delete(unblock),
        )
        .route("/api/knooppunt/v1/admin/audit_log", get(audit_log))
}

/// An administrator acting with `scope`.
fn admin<'a>(auth: &'a Auth, scope: &str) -> Result<&'a Person, AppError> {
    let person = auth.person(scope)?;
    if !person.account.admin {
        return Err(AppError::Forbidden(msg!("error-administrators-only")));
    }
    Ok(person)
}

#[derive(Debug, Deserialize)]
pub struct ReportForm {
    account_id: Option<String>,
    #[serde(default)]
    status_ids: Vec<String>,
    #[serde(default)]
    comment: String,
    #[serde(default, deserialize_with = "flexible_bool")]
    forward: Option<bool>,
    category: Option<String>,
}

/// `POST /api/v1/reports`, as Mastodon answers it.
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    ApiForm(form): ApiForm<ReportForm>,
) -> Result<Json<Value>, AppError> {
    let person = auth.person("write:reports")?;
    let target_id = form
        .account_id
        .ok_or_else(|| AppError::invalid("account_id", msg!("error-required")))?;
    let (r, status_ids) = service::report(
        &state,
        person,
        NewReport {
            target_id,
            status_ids: form.status_ids,
            comment: form.comment,
            category: form.category,
            forward: form.forward.unwrap_or(false),
        },
    )
    .await?;
    let target = crate::statuses::service::actor_of(&state.db, r.target_id).await?;
    Ok(Json(serde_json::json!({
        "id": r.id.to_string(),
        "action_taken": false,
        "action_taken_at": null,
        "category": r.category,
        "comment": r.comment,
        "forwarded": r.forwarded,
        "created_at": time(&r.created_at),
        "status_ids": status_ids.iter().map(i64::to_string).collect::<Vec<_>>(),
        "rule_ids": null,
        "target_account": views::account(&state.db, &state.config, &target).await?,
    })))
}

/// A report as administrators see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportView {
    pub id: String,
    /// `open` or `resolved`.
    pub state: String,
    /// `spam`, `legal`, `violation` or `other`.
    pub category: String,
    pub comment: String,
    /// Sent on to the reported account's instance as a `Flag`.
    pub forwarded: bool,
    /// The instance the report came from (a `Flag`); null for reports made here.
    pub origin: Option<String>,
    /// Who reported: a person here, or the reporting instance's actor.
    #[schema(value_type = Object)]
    pub reporter: Value,
    #[schema(value_type = Object)]
    pub target_account: Value,
    /// The reported statuses, as Mastodon API statuses.
    #[schema(value_type = Vec<Object>)]
    pub statuses: Vec<Value>,
    pub action_taken: Option<String>,
    pub resolved_at: Option<String>,
    pub created_at: String,
}

async fn report_views(
    state: &AppState,
    reports: Vec<report::Model>,
) -> Result<Vec<ReportView>, AppError> {
    let ids: Vec<i64> = reports.iter().map(|r| r.id).collect();
    let attached = service::statuses_of(&state.db, &ids).await?;
    let mut out = Vec::with_capacity(reports.len());
    for r in reports {
        let reporter = crate::statuses::service::actor_of(&state.db, r.reporter_id).await?;
        let target = crate::statuses::service::actor_of(&state.db, r.target_id).await?;
        let mine: Vec<i64> = attached
            .iter()
            .filter(|a| a.report_id == r.id)
            .map(|a| a.status_id)
            .collect();
        let statuses = {
            use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
            crate::statuses::entity::status::Entity::find()
                .filter(crate::statuses::entity::status::Column::Id.is_in(mine))
                .all(&state.db)
                .await?
        };
        out.push(ReportView {
            id: r.id.to_string(),
            state: r.state,
            category: r.category,
            comment: r.comment,
            forwarded: r.forwarded,
            origin: r.origin_host,
            reporter: views::account(&state.db, &state.config, &reporter).await?,
            target_account: views::account(&state.db, &state.config, &target).await?,
            statuses: views::statuses(&state.db, &state.config, &statuses, None).await?,
            action_taken: r.action_taken,
            resolved_at: r.resolved_at.as_ref().map(time),
            created_at: time(&r.created_at),
        });
    }
    Ok(out)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportsQuery {
    /// `open` or `resolved`; all when absent.
    pub state: Option<String>,
    pub limit: Option<u64>,
}

#[utoipa::path(get, path = "/api/knooppunt/v1/admin/reports", tag = "admin", params(ReportsQuery), security(("oauth" = ["admin:read"])), responses((status = 200, description = "Reports, newest first", body = Vec<ReportView>), (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
/// `GET /api/knooppunt/v1/admin/reports`
pub async fn reports(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<ReportsQuery>,
) -> Result<Json<Vec<ReportView>>, AppError> {
    admin(&auth, "admin:read")?;
    let list = service::reports(&state.db, q.state.as_deref(), q.limit.unwrap_or(40)).await?;
    Ok(Json(report_views(&state, list).await?))
}

#[utoipa::path(get, path = "/api/knooppunt/v1/admin/reports/{id}", tag = "admin", params(("id" = String, Path)), security(("oauth" = ["admin:read"])), responses((status = 200, body = ReportView), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
/// `GET /api/knooppunt/v1/admin/reports/:id`
pub async fn report(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<ReportView>, AppError> {
    admin(&auth, "admin:read")?;
    let r = service::find_report(&state.db, &id).await?;
    one(report_views(&state, vec![r]).await?)
}

fn one<T>(mut list: Vec<T>) -> Result<Json<T>, AppError> {
    list.pop()
        .map(Json)
        .ok_or_else(|| AppError::Internal("a view went missing".into()))
}

/// Why, for the audit log.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct NoteBody {
    /// What was done, or why.
    #[serde(default)]
    pub note: String,
}

#[utoipa::path(post, path = "/api/knooppunt/v1/admin/reports/{id}/resolve", tag = "admin", params(("id" = String, Path)), request_body = NoteBody, security(("oauth" = ["admin:write"])), responses((status = 200, body = ReportView), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
/// `POST /api/knooppunt/v1/admin/reports/:id/resolve`
pub async fn resolve(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiForm(body): ApiForm<NoteBody>,
) -> Result<Json<ReportView>, AppError> {
    let person = admin(&auth, "admin:write")?;
    let r = service::resolve(&state, &Moderator::Admin(person), &id, true, &body.note).await?;
    one(report_views(&state, vec![r]).await?)
}

#[utoipa::path(post, path = "/api/knooppunt/v1/admin/reports/{id}/reopen", tag = "admin", params(("id" = String, Path)), request_body = NoteBody, security(("oauth" = ["admin:write"])), responses((status = 200, body = ReportView), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
/// `POST /api/knooppunt/v1/admin/reports/:id/reopen`
pub async fn reopen(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiForm(body): ApiForm<NoteBody>,
) -> Result<Json<ReportView>, AppError> {
    let person = admin(&auth, "admin:write")?;
    let r = service::resolve(&state, &Moderator::Admin(person), &id, false, &body.note).await?;
    one(report_views(&state, vec![r]).await?)
}

#[utoipa::path(post, path = "/api/knooppunt/v1/admin/reports/{id}/forward", tag = "admin", params(("id" = String, Path)), security(("oauth" = ["admin:write"])), responses((status = 200, description = "Sent to the reported account's instance as a Flag", body = ReportView), (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 409, description = "Nothing to forward to, or forwarded already", body = ApiError)))]
/// `POST /api/knooppunt/v1/admin/reports/:id/forward`
pub async fn forward(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<ReportView>, AppError> {
    let person = admin(&auth, "admin:write")?;
    let r = service::forward(&state, &Moderator::Admin(person), &id).await?;
    one(report_views(&state, vec![r]).await?)
}

/// An action on an account.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ActionBody {
    /// `silence`, `unsilence`, `suspend` or `unsuspend`.
    #[serde(rename = "type")]
    pub kind: AccountAction,
    /// With `suspend` of a local account: delete it and tell other servers
    /// (`Delete` of the actor). Cannot be undone.
    #[serde(default, rename = "final")]
    pub final_: bool,
    #[serde(default)]
    pub reason: String,
    /// A report this action resolves.
    pub report_id: Option<String>,
}

#[utoipa::path(post, path = "/api/knooppunt/v1/admin/accounts/{id}/action", tag = "admin", params(("id" = String, Path)), request_body = ActionBody, security(("oauth" = ["admin:write"])), responses((status = 200, description = "The account after the action", body = Object), (status = 400, description = "The body cannot be read (an unknown type)", body = ApiError), (status = 403, description = "Not an administrator, or an account that is not moderated", body = ApiError), (status = 404, body = ApiError), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
/// `POST /api/knooppunt/v1/admin/accounts/:id/action`
pub async fn act(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiForm(body): ApiForm<ActionBody>,
) -> Result<Json<Value>, AppError> {
    let person = admin(&auth, "admin:write")?;
    let target = service::act_on_account(
        &state,
        &Moderator::Admin(person),
        &id,
        body.kind,
        body.final_,
        &body.reason,
        body.report_id.as_deref(),
    )
    .await?;
    Ok(Json(
        views::account(&state.db, &state.config, &target).await?,
    ))
}

/// A blocked domain.
#[derive(Debug, Serialize, ToSchema)]
pub struct DomainBlockView {
    pub domain: String,
    /// `silence`, `suspend` or `noop`.
    pub severity: String,
    pub reject_media: bool,
    pub reject_reports: bool,
    pub public_comment: String,
    pub private_comment: String,
    pub obfuscate: bool,
    pub created_at: String,
}

impl From<domain_block::Model> for DomainBlockView {
    fn from(b: domain_block::Model) -> Self {
        DomainBlockView {
            domain: b.domain,
            severity: b.severity,
            reject_media: b.reject_media,
            reject_reports: b.reject_reports,
            public_comment: b.public_comment,
            private_comment: b.private_comment,
            obfuscate: b.obfuscate,
            created_at: time(&b.created_at),
        }
    }
}

#[utoipa::path(get, path = "/api/knooppunt/v1/admin/domain_blocks", tag = "admin", security(("oauth" = ["admin:read"])), responses((status = 200, body = Vec<DomainBlockView>), (status = 403, body = ApiError)))]
/// `GET /api/knooppunt/v1/admin/domain_blocks`
pub async fn domain_blocks(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Vec<DomainBlockView>>, AppError> {
    admin(&auth, "admin:read")?;
    Ok(Json(
        blocks::domain_blocks(&state.db)
            .await?
            .into_iter()
            .map(DomainBlockView::from)
            .collect(),
    ))
}

/// A domain to block.
#[derive(Debug, Deserialize, ToSchema)]
pub struct BlockBody {
    pub domain: String,
    /// `silence`, `suspend` (the default) or `noop`.
    pub severity: Option<String>,
    #[serde(default)]
    pub reject_media: bool,
    #[serde(default)]
    pub reject_reports: bool,
    #[serde(default)]
    pub public_comment: String,
    #[serde(default)]
    pub private_comment: String,
    #[serde(default)]
    pub obfuscate: bool,
}

#[utoipa::path(post, path = "/api/knooppunt/v1/admin/domain_blocks", tag = "admin", request_body = BlockBody, security(("oauth" = ["admin:write"])), responses((status = 200, description = "Blocked (or the block changed)", body = DomainBlockView), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
/// `POST /api/knooppunt/v1/admin/domain_blocks`
pub async fn block(
    State(state): State<AppState>,
    auth: Auth,
    ApiForm(body): ApiForm<BlockBody>,
) -> Result<Json<DomainBlockView>, AppError> {
    let person = admin(&auth, "admin:write")?;
    let severity = match body.severity.as_deref() {
        None => Severity::Suspend,
        Some(s) => Severity::parse(s).ok_or_else(|| {
            AppError::invalid("severity", msg!("error-must-silence-suspend-noop"))
        })?,
    };
    let b = blocks::block_domain(
        &state,
        &Moderator::Admin(person),
        NewBlock {
            domain: body.domain,
            severity,
            reject_media: body.reject_media,
            reject_reports: body.reject_reports,
            public_comment: body.public_comment,
            private_comment: body.private_comment,
            obfuscate: body.obfuscate,
        },
    )
    .await?;
    Ok(Json(b.into()))
}

#[utoipa::path(delete, path = "/api/knooppunt/v1/admin/domain_blocks/{domain}", tag = "admin", params(("domain" = String, Path)), security(("oauth" = ["admin:write"])), responses((status = 200, description = "Unblocked", body = Object), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
/// `DELETE /api/knooppunt/v1/admin/domain_blocks/:domain`
pub async fn unblock(
    State(state): State<AppState>,
    auth: Auth,
    Path(domain): Path<String>,
) -> Result<Json<Value>, AppError> {
    let person = admin(&auth, "admin:write")?;
    blocks::unblock_domain(&state, &Moderator::Admin(person), &domain, "").await?;
    Ok(Json(serde_json::json!({})))
}

#[utoipa::path(get, path = "/api/knooppunt/v1/admin/domain_blocks/export", tag = "admin", security(("oauth" = ["admin:read"])), responses((status = 200, description = "Mastodon's blocklist CSV", content_type = "text/csv", body = String), (status = 403, body = ApiError)))]
/// `GET /api/knooppunt/v1/admin/domain_blocks/export`: Mastodon's CSV.
pub async fn export(State(state): State<AppState>, auth: Auth) -> Result<Response, AppError> {
    admin(&auth, "admin:read")?;
    let csv = blocks::export_csv(&blocks::domain_blocks(&state.db).await?)?;
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], csv).into_response())
}

/// How many blocks a list held.
#[derive(Debug, Serialize, ToSchema)]
pub struct Imported {
    pub imported: usize,
}

#[utoipa::path(post, path = "/api/knooppunt/v1/admin/domain_blocks/import", tag = "admin", request_body(content = String, content_type = "text/csv", description = "Mastodon's blocklist CSV"), security(("oauth" = ["admin:write"])), responses((status = 200, body = Imported), (status = 403, body = ApiError), (status = 422, description = "A line of the file is wrong; nothing is imported", body = ApiError)))]
/// `POST /api/knooppunt/v1/admin/domain_blocks/import`: Mastodon's CSV.
pub async fn import(
    State(state): State<AppState>,
    auth: Auth,
    body: String,
) -> Result<(StatusCode, Json<Imported>), AppError> {
    let person = admin(&auth, "admin:write")?;
    let imported = blocks::import(&state, &Moderator::Admin(person), &body).await?;
    Ok((StatusCode::OK, Json(Imported { imported })))
}

/// One moderation action.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditView {
    pub id: String,
    /// Who: an administrator's name, or `command line`.
    pub actor: String,
    pub action: String,
    pub target: String,
    pub reason: String,
    pub created_at: String,
}

impl From<audit::Model> for AuditView {
    fn from(a: audit::Model) -> Self {
        AuditView {
            id: a.id.to_string(),
            actor: a.actor_label,
            action: a.action,
            target: a.target,
            reason: a.reason,
            created_at: time(&a.created_at),
        }
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Entries older than this id.
    pub max_id: Option<i64>,
    pub limit: Option<u64>,
}

#[utoipa::path(get, path = "/api/knooppunt/v1/admin/audit_log", tag = "admin", params(AuditQuery), security(("oauth" = ["admin:read"])), responses((status = 200, description = "Newest first", body = Vec<AuditView>), (status = 403, body = ApiError)))]
/// `GET /api/knooppunt/v1/admin/audit_log`
pub async fn audit_log(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Json<Vec<AuditView>>, AppError> {
    admin(&auth, "admin:read")?;
    Ok(Json(
        service::audit_log(&state.db, q.max_id, q.limit.unwrap_or(40))
            .await?
            .into_iter()
            .map(AuditView::from)
            .collect(),
    ))
}
