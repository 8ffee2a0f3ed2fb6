//! `/api/knooppunt/v1/plans`: plans, their history, support and arguments.
//! Reading is public; changing needs a token with the write scopes.

use axum::Json;
use axum::extract::{OriginalUri, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use sea_orm::EntityTrait;
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::service::{self, Fields};
use super::store;
use super::views::{
    self, AdviceRequestView, AdviceView, ArgumentsView, EditorView, HistoryView, InvitationState,
    InvitationView, OwnerAdded, PlanView, view,
};
use crate::auth::extract::{Auth, MaybeAuth};
use crate::error::AppError;
use crate::http::ApiError;
use crate::http::extract::{ApiForm, ApiQuery};
use crate::http::pagination::{Page, with_link};
use crate::state::AppState;

/// `/api/knooppunt/v1/plans`, advice requests and plan invitations.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing::{delete, get, post};
    axum::Router::new()
        .route("/api/knooppunt/v1/plans", get(list).post(create))
        .route("/api/knooppunt/v1/plans/search", get(super::search::search))
        .route("/api/knooppunt/v1/plans/{id}", get(show).patch(update))
        .route("/api/knooppunt/v1/plans/{id}/transition", post(transition))
        .route("/api/knooppunt/v1/plans/{id}/progress", post(progress))
        .route("/api/knooppunt/v1/plans/{id}/history", get(history))
        .route(
            "/api/knooppunt/v1/plans/{id}/support",
            post(support).delete(unsupport),
        )
        .route("/api/knooppunt/v1/plans/{id}/owners", post(add_owner))
        .route(
            "/api/knooppunt/v1/plans/{id}/editors",
            get(editors).post(name_editor),
        )
        .route(
            "/api/knooppunt/v1/plans/{id}/editors/{group}/{account_id}",
            delete(remove_editor),
        )
        .route(
            "/api/knooppunt/v1/plans/{id}/invitations",
            get(plan_invitations),
        )
        .route(
            "/api/knooppunt/v1/plans/{id}/advice",
            get(advice).post(request_advice),
        )
        .route("/api/knooppunt/v1/plans/{id}/polls", post(create_poll))
        .route(
            "/api/knooppunt/v1/plans/{id}/arguments",
            get(arguments).post(argue),
        )
        .route("/api/knooppunt/v1/advice_requests", get(advice_requests))
        .route(
            "/api/knooppunt/v1/advice_requests/{id}/answer",
            post(answer_advice),
        )
        .route("/api/knooppunt/v1/plan_invitations", get(invitations))
        .route(
            "/api/knooppunt/v1/plan_invitations/{id}/accept",
            post(accept_invitation),
        )
        .route(
            "/api/knooppunt/v1/plan_invitations/{id}/reject",
            post(reject_invitation),
        )
}

/// Money as the API writes it: whole cents and a currency.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Money {
    pub amount_cents: i64,
    #[serde(default)]
    pub currency: Option<String>,
}

/// A plan's area. On PATCH, a part left out stays as it is and `null`
/// clears it, as for the plan's own fields.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Area {
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub address: Option<Option<String>>,
    /// A GeoJSON Point or Polygon.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Object>)]
    pub geometry: Option<Option<Value>>,
}

/// The body of `POST /plans` and `PATCH /plans/:id`. On PATCH, absent fields
/// stay as they are and `null` clears an optional one.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PlanBody {
    pub title: Option<String>,
    pub summary: Option<String>,
    /// HTML; sanitised.
    pub content: Option<String>,
    pub themes: Option<Vec<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Area>)]
    pub area: Option<Option<Area>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Money>)]
    pub cost_estimate: Option<Option<Money>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Money>)]
    pub requested_budget: Option<Option<Money>>,
    /// On creation: a local group (by name) that owns the plan too.
    pub group: Option<String>,
}

/// Tells an absent field (`None`) from an explicit `null` (`Some(None)`).
fn nullable<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

impl PlanBody {
    pub fn into_fields(self) -> Result<(Fields, Option<String>), AppError> {
        let currency = [&self.cost_estimate, &self.requested_budget]
            .into_iter()
            .filter_map(|m| m.as_ref().and_then(Option::as_ref))
            .find_map(|m| m.currency.clone());
        if let (Some(Some(a)), Some(Some(b))) = (&self.cost_estimate, &self.requested_budget)
            && a.currency.is_some()
            && b.currency.is_some()
            && a.currency != b.currency
        {
            return Err(AppError::invalid(
                "requested_budget.currency",
                msg!("error-must-currency-cost-estimate"),
            ));
        }
        let fields = Fields {
            title: self.title,
            summary: self.summary,
            content: self.content,
            themes: self.themes,
            // `area: null` clears both parts; an area object changes the parts it names.
            area_address: self.area.as_ref().and_then(|a| match a {
                None => Some(None),
                Some(a) => a.address.clone(),
            }),
            area_geometry: self.area.as_ref().and_then(|a| match a {
                None => Some(None),
                Some(a) => a.geometry.clone(),
            }),
            cost_estimate_cents: self.cost_estimate.map(|m| m.map(|m| m.amount_cents)),
            requested_budget_cents: self.requested_budget.map(|m| m.map(|m| m.amount_cents)),
            currency,
        };
        Ok((fields, self.group))
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    pub state: Option<String>,
    pub theme: Option<String>,
}

/// Plans per page: 20 unless asked, at most 100.
const PLANS_PER_PAGE: (u64, u64) = (20, 100);
/// Arguments, comments and advice per page: 40 unless asked, at most 200.
const ITEMS_PER_PAGE: (u64, u64) = (40, 200);

#[utoipa::path(get, path = "/api/knooppunt/v1/plans", tag = "plans", params(ListQuery, Page), responses((status = 200, description = "Plans, newest first: 20 unless `limit` asks for more, at most 100. Cursors are plan ids.", body = Vec<PlanView>, headers(("Link" = String, description = "The `next` (`max_id`) and `prev` (`min_id`) pages"))), (status = 422, description = "Unknown state", body = ApiError)))]
/// `GET /api/knooppunt/v1/plans`: newest first, by state and theme.
pub async fn list(
    State(state): State<AppState>,
    auth: MaybeAuth,
    ApiQuery(q): ApiQuery<ListQuery>,
    ApiQuery(page): ApiQuery<Page>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, AppError> {
    let mut filter = store::Filter::default();
    if let Some(st) = &q.state {
        let st = super::state::State::parse(st)
            .ok_or_else(|| AppError::invalid("state", msg!("error-not-a-state", state = st)))?;
        filter.state = Some(st);
    }
    filter.theme = q
        .theme
        .as_deref()
        .map(|t| t.trim_start_matches('#').to_lowercase());
    let viewer = auth.person("read:statuses").map(|p| p.actor.id);
    let limit = page.limit_within(PLANS_PER_PAGE.0, PLANS_PER_PAGE.1);
    let rows = store::page(&state.db, &filter, &page, limit, viewer).await?;
    let ids = (
        rows.first().map(|r| r.plan.id),
        rows.last().map(|r| r.plan.id),
    );
    let body = views::plans(&state.db, &state.config, rows, viewer).await?;
    let link = store::keyset().link(&state.config.base_url(), &uri, ids.0, ids.1);
    Ok(with_link(Json(body), link))
}

#[utoipa::path(post, path = "/api/knooppunt/v1/plans", tag = "plans", request_body = PlanBody, security(("oauth" = ["write:statuses"])), responses((status = 201, description = "The new plan, an idea", body = PlanView), (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, description = "No such group", body = ApiError), (status = 422, body = ApiError)))]
/// `POST /api/knooppunt/v1/plans`
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    ApiForm(body): ApiForm<PlanBody>,
) -> Result<(StatusCode, Json<PlanView>), AppError> {
    let person = auth.person("write:statuses")?;
    let (fields, group) = body.into_fields()?;
    let p = service::create(&state, person, fields, group.as_deref()).await?;
    Ok((
        StatusCode::CREATED,
        Json(view(&state.db, &state.config, &p, Some(person.actor.id)).await?),
    ))
}

#[utoipa::path(get, path = "/api/knooppunt/v1/plans/{id}", tag = "plans", params(("id" = String, Path)), responses((status = 200, body = PlanView), (status = 404, body = ApiError)))]
/// `GET /api/knooppunt/v1/plans/:id`
pub async fn show(
    State(state): State<AppState>,
    auth: MaybeAuth,
    Path(id): Path<String>,
) -> Result<Json<PlanView>, AppError> {
    let p = service::find(&state.db, &id).await?;
    let viewer = auth.person("read:statuses").map(|p| p.actor.id);
    Ok(Json(view(&state.db, &state.config, &p, viewer).await?))
}

#[utoipa::path(patch, path = "/api/knooppunt/v1/plans/{id}", tag = "plans", params(("id" = String, Path)), request_body = PlanBody, security(("oauth" = ["write:statuses"])), responses((status = 200, description = "Edited", body = PlanView), (status = 202, description = "A co-owner's edit of a copy, sent to the plan's home", body = PlanView), (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 409, description = "The plan is closed", body = ApiError), (status = 422, body = ApiError)))]
/// `PATCH /api/knooppunt/v1/plans/:id`: 200 with the plan; 202 for a
/// co-owner's edit of a copy, which the plan's home applies.
pub async fn update(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiForm(body): ApiForm<PlanBody>,
) -> Result<(StatusCode, Json<PlanView>), AppError> {
    let person = auth.person("write:statuses")?;
    let p = service::find(&state.db, &id).await?;
    let (fields, _) = body.into_fields()?;
    let code = if p.local {
        StatusCode::OK
    } else {
        StatusCode::ACCEPTED
    };
    let p = service::edit(&state, person, p, fields).await?;
    Ok((
        code,
        Json(view(&state.db, &state.config, &p, Some(person.actor.id)).await?),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TransitionBody {
    pub to: String,
    #[serde(default)]
    pub note: String,
}

#[utoipa::path(post, path = "/api/knooppunt/v1/plans/{id}/transition", tag = "plans", params(("id" = String, Path)), request_body = TransitionBody, security(("oauth" = ["write:statuses"])), responses((status = 200, body = PlanView), (status = 202, description = "A co-owner's step on a copy, sent to the plan's home", body = PlanView), (status = 403, description = "Not allowed to take this step", body = ApiError), (status = 404, body = ApiError), (status = 409, description = "No such step from this state", body = ApiError), (status = 422, description = "Needs a reason or results", body = ApiError)))]
/// `POST /api/knooppunt/v1/plans/:id/transition`: `{to, note}`.
pub async fn transition(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiForm(body): ApiForm<TransitionBody>,
) -> Result<(StatusCode, Json<PlanView>), AppError> {
    let person = auth.person("write:statuses")?;
    let p = service::find(&state.db, &id).await?;
    let code = if p.local {
        StatusCode::OK
    } else {
        StatusCode::ACCEPTED
    };
    let p = service::transition(&state, person, p, &body.to, &body.note).await?;
    Ok((
        code,
        Json(view(&state.db, &state.config, &p, Some(person.actor.id)).await?),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NoteBody {
    #[serde(default)]
    pub note: String,
}

#[utoipa::path(post, path = "/api/knooppunt/v1/plans/{id}/progress", tag = "plans", params(("id" = String, Path)), request_body = NoteBody, security(("oauth" = ["write:statuses"])), responses((status = 200, body = PlanView), (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
/// `POST /api/knooppunt/v1/plans/:id/progress`: `{note}`.
pub async fn progress(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiForm(body): ApiForm<NoteBody>,
) -> Result<Json<PlanView>, AppError> {
    let person = auth.person("write:statuses")?;
    let p = service::find(&state.db, &id).await?;
    let p = service::report_progress(&state, person, p, &body.note).await?;
    Ok(Json(
        view(&state.db, &state.config, &p, Some(person.actor.id)).await?,
    ))
}

#[utoipa::path(get, path = "/api/knooppunt/v1/plans/{id}/history", tag = "plans", params(("id" = String, Path)), responses((status = 200, body = Vec<HistoryView>), (status = 404, body = ApiError)))]
/// `GET /api/knooppunt/v1/plans/:id/history`: oldest first.
pub async fn history(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Vec<HistoryView>>, AppError> {
    let p = service::find(&state.db, &id).await?;
    let entries = service::history_of(&state.db, p.id).await?;
    Ok(Json(views::history(&entries)))
}

#[utoipa::path(post, path = "/api/knooppunt/v1/plans/{id}/support", tag = "plans", params(("id" = String, Path)), security(("oauth" = ["write:favourites"])), responses((status = 200, body = PlanView), (status = 404, body = ApiError)))]
/// `POST /api/knooppunt/v1/plans/:id/support`: a like of the plan's post.
pub async fn support(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<PlanView>, AppError> {
    let person = auth.person("write:favourites")?;
    let p = service::find(&state.db, &id).await?;
    crate::statuses::service::favourite(&state, person, &p.status_id.to_string()).await?;
    Ok(Json(
        view(&state.db, &state.config, &p, Some(person.actor.id)).await?,
    ))
}

#[utoipa::path(delete, path = "/api/knooppunt/v1/plans/{id}/support", tag = "plans", params(("id" = String, Path)), security(("oauth" = ["write:favourites"])), responses((status = 200, body = PlanView), (status = 404, body = ApiError)))]
/// `DELETE /api/knooppunt/v1/plans/:id/support`
pub async fn unsupport(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<PlanView>, AppError> {
    let person = auth.person("write:favourites")?;
    let p = service::find(&state.db, &id).await?;
    crate::statuses::service::unfavourite(&state, person, &p.status_id.to_string()).await?;
    Ok(Json(
        view(&state.db, &state.config, &p, Some(person.actor.id)).await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ArgumentBody {
    pub text: String,
    /// `pro`, `contra`, or absent for a plain comment.
    pub stance: Option<String>,
}

#[utoipa::path(get, path = "/api/knooppunt/v1/plans/{id}/arguments", tag = "plans", params(("id" = String, Path), Page), responses((status = 200, description = "A page of arguments and comments, oldest first (40 unless `limit` asks for more, at most 200), by stance. Cursors are their status ids.", body = ArgumentsView, headers(("Link" = String, description = "The `next` (`min_id`) and `prev` (`max_id`) pages"))), (status = 404, body = ApiError)))]
/// `GET /api/knooppunt/v1/plans/:id/arguments`: pro and contra side by side, and comments.
pub async fn arguments(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiQuery(page): ApiQuery<Page>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, AppError> {
    let p = service::find(&state.db, &id).await?;
    let limit = page.limit_within(ITEMS_PER_PAGE.0, ITEMS_PER_PAGE.1);
    let replies = store::arguments_of(&state.db, p.status_id, Some((&page, limit))).await?;
    let ids = (replies.first().map(|r| r.id), replies.last().map(|r| r.id));
    let body = views::arguments(&state.db, &state.config, replies).await?;
    let link = store::arguments_keyset().link(&state.config.base_url(), &uri, ids.0, ids.1);
    Ok(with_link(Json(body), link))
}

#[utoipa::path(post, path = "/api/knooppunt/v1/plans/{id}/arguments", tag = "plans", params(("id" = String, Path)), request_body = ArgumentBody, security(("oauth" = ["write:statuses"])), responses((status = 201, description = "The argument as a Mastodon API status", body = Object), (status = 404, body = ApiError), (status = 422, body = ApiError)))]
/// `POST /api/knooppunt/v1/plans/:id/arguments`: a reply with a stance.
pub async fn argue(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiForm(body): ApiForm<ArgumentBody>,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let person = auth.person("write:statuses")?;
    let p = service::find(&state.db, &id).await?;
    let s = service::argue(&state, person, &p, body.text, body.stance.as_deref()).await?;
    Ok((
        StatusCode::CREATED,
        Json(
            crate::statuses::views::status(&state.db, &state.config, &s, Some(person.actor.id))
                .await?,
        ),
    ))
}

/// An account by the id the client API gives it (local or remote), or by
/// its handle (`@name` here, `@name@domain` elsewhere), as people write it.
pub(super) async fn account(
    state: &AppState,
    id: &str,
) -> Result<crate::actors::entity::Model, AppError> {
    let id = id.trim();
    if let Ok(id) = id.parse::<i64>() {
        return crate::actors::entity::Entity::find_by_id(id)
            .one(&state.db)
            .await?
            .ok_or_else(|| AppError::NotFound(msg!("error-no-such-account")));
    }
    let unknown = || AppError::invalid("account_id", msg!("error-no-one-known-by-handle"));
    let acct = id.trim_start_matches('@');
    let (name, host) = match acct.split_once('@') {
        Some((n, h)) => (n, h.to_lowercase()),
        None => (acct, state.config.instance.domain.clone()),
    };
    if name.is_empty() || host.is_empty() {
        return Err(unknown());
    }
    crate::federation::remote::resolve_acct(state, name, &host)
        .await
        .map_err(|_| unknown())
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct OwnerBody {
    /// An account id as this instance's API knows it (local or remote), or
    /// a handle: `@name` here, `@name@domain` elsewhere.
    pub account_id: String,
}

#[utoipa::path(post, path = "/api/knooppunt/v1/plans/{id}/owners", tag = "plans", params(("id" = String, Path)), request_body = OwnerBody, security(("oauth" = ["write:statuses"])), responses((status = 202, description = "Invited: the person or group becomes an owner when it accepts", body = OwnerAdded), (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
/// `POST /api/knooppunt/v1/plans/:id/owners`: invites a co-owner, here or
/// elsewhere; nobody is named an owner without accepting.
pub async fn add_owner(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiForm(body): ApiForm<OwnerBody>,
) -> Result<(StatusCode, Json<OwnerAdded>), AppError> {
    let person = auth.person("write:statuses")?;
    let p = service::find(&state.db, &id).await?;
    let target = account(&state, &body.account_id).await?;
    let invitation = super::coowners::invite(&state, person, p, &target).await?;
    let p = service::find(&state.db, &id).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(OwnerAdded {
            plan: view(&state.db, &state.config, &p, Some(person.actor.id)).await?,
            invitation: Some(InvitationState {
                id: invitation.id.to_string(),
                state: invitation.state,
            }),
        }),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct EditorBody {
    /// The owning group here, by name.
    pub group: String,
    /// A member of that group: an account id as this instance's API knows it.
    pub account_id: String,
}

#[utoipa::path(get, path = "/api/knooppunt/v1/plans/{id}/editors", tag = "plans", params(("id" = String, Path)), responses((status = 200, body = Vec<EditorView>), (status = 404, body = ApiError)))]
/// `GET /api/knooppunt/v1/plans/:id/editors`: members who edit the plan for
/// an owning group here.
pub async fn editors(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Vec<EditorView>>, AppError> {
    let p = service::find(&state.db, &id).await?;
    Ok(Json(views::editors(&state.db, &state.config, p.id).await?))
}

#[utoipa::path(post, path = "/api/knooppunt/v1/plans/{id}/editors", tag = "plans", params(("id" = String, Path)), request_body = EditorBody, security(("oauth" = ["write:statuses"])), responses((status = 201, body = Vec<EditorView>), (status = 403, description = "Not a moderator of an owning group", body = ApiError), (status = 404, body = ApiError), (status = 409, body = ApiError), (status = 422, description = "Not a member of the group", body = ApiError)))]
/// `POST /api/knooppunt/v1/plans/:id/editors`: a moderator of an owning
/// group names one of its members an editor of the plan.
pub async fn name_editor(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiForm(body): ApiForm<EditorBody>,
) -> Result<(StatusCode, Json<Vec<EditorView>>), AppError> {
    let person = auth.person("write:statuses")?;
    let p = service::find(&state.db, &id).await?;
    let member = account(&state, &body.account_id).await?;
    super::editors::name(&state, person, &p, &body.group, &member).await?;
    Ok((
        StatusCode::CREATED,
        Json(views::editors(&state.db, &state.config, p.id).await?),
    ))
}

#[utoipa::path(delete, path = "/api/knooppunt/v1/plans/{id}/editors/{group}/{account_id}", tag = "plans", params(("id" = String, Path), ("group" = String, Path), ("account_id" = String, Path)), security(("oauth" = ["write:statuses"])), responses((status = 200, body = Vec<EditorView>), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
/// `DELETE /api/knooppunt/v1/plans/:id/editors/:group/:account_id`
pub async fn remove_editor(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, group, account_id)): Path<(String, String, String)>,
) -> Result<Json<Vec<EditorView>>, AppError> {
    let person = auth.person("write:statuses")?;
    let p = service::find(&state.db, &id).await?;
    let member = account(&state, &account_id).await?;
    super::editors::remove(&state, person, &p, &group, member.id).await?;
    Ok(Json(views::editors(&state.db, &state.config, p.id).await?))
}

#[utoipa::path(get, path = "/api/knooppunt/v1/plan_invitations", tag = "plans", security(("oauth" = ["read:statuses"])), responses((status = 200, body = Vec<InvitationView>), (status = 401, body = ApiError)))]
/// `GET /api/knooppunt/v1/plan_invitations`: invitations to co-own a plan
/// that the caller may answer (for them, or for groups they moderate).
pub async fn invitations(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Vec<InvitationView>>, AppError> {
    let person = auth.person("read:statuses")?;
    let invs = super::coowners::pending_for(&state, person).await?;
    Ok(Json(
        views::invitations(&state.db, &state.config, invs, person.actor.id).await?,
    ))
}

#[utoipa::path(get, path = "/api/knooppunt/v1/plans/{id}/invitations", tag = "plans", params(("id" = String, Path)), security(("oauth" = ["read:statuses"])), responses((status = 200, body = Vec<InvitationView>), (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
/// `GET /api/knooppunt/v1/plans/:id/invitations`: the plan's invitations to
/// co-own it and their answers (`pending`, `accepted`, `rejected`), for its owners.
pub async fn plan_invitations(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<Vec<InvitationView>>, AppError> {
    let person = auth.person("read:statuses")?;
    let p = service::find(&state.db, &id).await?;
    let invs = super::coowners::sent(&state, person, &p).await?;
    Ok(Json(
        views::invitations(&state.db, &state.config, invs, person.actor.id).await?,
    ))
}

async fn answer_invitation(
    state: AppState,
    auth: Auth,
    id: String,
    accept: bool,
) -> Result<Json<InvitationView>, AppError> {
    let person = auth.person("write:statuses")?;
    let inv = super::coowners::answer(&state, person, &id, accept).await?;
    views::invitations(&state.db, &state.config, vec![inv], person.actor.id)
        .await?
        .pop()
        .map(Json)
        .ok_or_else(|| AppError::Internal("an invitation without its view".into()))
}

#[utoipa::path(post, path = "/api/knooppunt/v1/plan_invitations/{id}/accept", tag = "plans", params(("id" = String, Path)), security(("oauth" = ["write:statuses"])), responses((status = 200, body = InvitationView), (status = 404, body = ApiError), (status = 409, body = ApiError)))]
/// `POST /api/knooppunt/v1/plan_invitations/:id/accept`
pub async fn accept_invitation(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<InvitationView>, AppError> {
    answer_invitation(state, auth, id, true).await
}

#[utoipa::path(post, path = "/api/knooppunt/v1/plan_invitations/{id}/reject", tag = "plans", params(("id" = String, Path)), security(("oauth" = ["write:statuses"])), responses((status = 200, body = InvitationView), (status = 404, body = ApiError), (status = 409, body = ApiError)))]
/// `POST /api/knooppunt/v1/plan_invitations/:id/reject`
pub async fn reject_invitation(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<InvitationView>, AppError> {
    answer_invitation(state, auth, id, false).await
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AdviceRequestBody {
    /// Whom to ask: an account id as this instance's API knows it, or a
    /// handle (`@name`, `@name@domain`).
    pub account_id: String,
    pub question: String,
}

#[utoipa::path(post, path = "/api/knooppunt/v1/plans/{id}/advice", tag = "plans", params(("id" = String, Path)), request_body = AdviceRequestBody, security(("oauth" = ["write:statuses"])), responses((status = 201, body = AdviceView), (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 422, body = ApiError)))]
/// `POST /api/knooppunt/v1/plans/:id/advice`: owners ask anyone for advice.
pub async fn request_advice(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiForm(body): ApiForm<AdviceRequestBody>,
) -> Result<(StatusCode, Json<AdviceView>), AppError> {
    let person = auth.person("write:statuses")?;
    let p = service::find(&state.db, &id).await?;
    let advisor = account(&state, &body.account_id).await?;
    let r = super::advice::request(&state, person, p, &advisor, &body.question).await?;
    Ok((
        StatusCode::CREATED,
        Json(advice_one(&state, &r, &advisor).await?),
    ))
}

#[utoipa::path(get, path = "/api/knooppunt/v1/plans/{id}/advice", tag = "plans", params(("id" = String, Path), Page), responses((status = 200, description = "A page of advice, oldest request first (40 unless `limit` asks for more, at most 200). Cursors are advice ids.", body = Vec<AdviceView>, headers(("Link" = String, description = "The `next` (`min_id`) and `prev` (`max_id`) pages"))), (status = 404, body = ApiError)))]
/// `GET /api/knooppunt/v1/plans/:id/advice`: requests and answers.
pub async fn advice(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiQuery(page): ApiQuery<Page>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, AppError> {
    let p = service::find(&state.db, &id).await?;
    let limit = page.limit_within(ITEMS_PER_PAGE.0, ITEMS_PER_PAGE.1);
    let rows = store::advice_of(&state.db, &[p.id], Some((&page, limit))).await?;
    let ids = (rows.first().map(|r| r.0.id), rows.last().map(|r| r.0.id));
    let body = views::advice_list(&state.db, &state.config, &rows).await?;
    let link = store::advice_keyset().link(&state.config.base_url(), &uri, ids.0, ids.1);
    Ok(with_link(Json(body), link))
}

/// One piece of advice with its advisor.
async fn advice_one(
    state: &AppState,
    r: &super::entity::advice::Model,
    advisor: &crate::actors::entity::Model,
) -> Result<AdviceView, AppError> {
    let account = crate::statuses::views::account(&state.db, &state.config, advisor).await?;
    Ok(views::advice_view(r, Some(account)))
}

#[utoipa::path(get, path = "/api/knooppunt/v1/advice_requests", tag = "plans", security(("oauth" = ["read:statuses"])), responses((status = 200, body = Vec<AdviceRequestView>), (status = 401, body = ApiError)))]
/// `GET /api/knooppunt/v1/advice_requests`: advice asked of the caller or
/// of groups they moderate, not yet given.
pub async fn advice_requests(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Vec<AdviceRequestView>>, AppError> {
    let person = auth.person("read:statuses")?;
    let rows = super::advice::pending_for(&state, person).await?;
    Ok(Json(
        views::advice_requests(&state.db, &state.config, rows, person.actor.id).await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AdviceAnswerBody {
    /// `positive`, `conditions` or `negative`.
    pub verdict: String,
    pub reasons: String,
}

#[utoipa::path(post, path = "/api/knooppunt/v1/advice_requests/{id}/answer", tag = "plans", params(("id" = String, Path)), request_body = AdviceAnswerBody, security(("oauth" = ["write:statuses"])), responses((status = 200, body = AdviceView), (status = 404, body = ApiError), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
/// `POST /api/knooppunt/v1/advice_requests/:id/answer`
pub async fn answer_advice(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiForm(body): ApiForm<AdviceAnswerBody>,
) -> Result<Json<AdviceView>, AppError> {
    let person = auth.person("write:statuses")?;
    let r = super::advice::answer(&state, person, &id, &body.verdict, &body.reasons).await?;
    let advisor = crate::statuses::service::actor_of(&state.db, r.advisor_id).await?;
    Ok(Json(advice_one(&state, &r, &advisor).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PollBody {
    pub question: String,
    pub options: Vec<String>,
    /// Seconds until the poll closes; a day when absent.
    pub expires_in: Option<i64>,
    #[serde(default)]
    pub multiple: bool,
}

#[utoipa::path(post, path = "/api/knooppunt/v1/plans/{id}/polls", tag = "plans", params(("id" = String, Path)), request_body = PollBody, security(("oauth" = ["write:statuses"])), responses((status = 201, description = "The poll as a Mastodon API status", body = Object), (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 422, body = ApiError)))]
/// `POST /api/knooppunt/v1/plans/:id/polls`: an owner asks the
/// neighbourhood a question about the plan (a `Question` in reply to it).
pub async fn create_poll(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiForm(body): ApiForm<PollBody>,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let person = auth.person("write:statuses")?;
    let p = service::find(&state.db, &id).await?;
    let s = service::start_poll(
        &state,
        person,
        &p,
        body.question,
        body.options,
        body.expires_in,
        body.multiple,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(
            crate::statuses::views::status(&state.db, &state.config, &s, Some(person.actor.id))
                .await?,
        ),
    ))
}
