//! `/api/knooppunt/v1/plans`: plans, their history, support and arguments.
//! Reading is public; changing needs a token with the write scopes.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::entity::plan;
use super::service::{self, Fields};
use crate::auth::extract::{Auth, MaybeAuth};
use crate::config::Config;
use crate::error::AppError;
use crate::http::ApiError;
use crate::http::extract::ApiForm;
use crate::http::extract::ApiQuery;
use crate::state::AppState;
use crate::statuses::entity::{favourite, status, status_tag, tag};
use crate::statuses::views::{self, time};

/// Money as the API writes it: whole cents and a currency.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Money {
    pub amount_cents: i64,
    #[serde(default)]
    pub currency: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct Area {
    #[serde(default)]
    pub address: Option<String>,
    /// A GeoJSON Point or Polygon.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub geometry: Option<Value>,
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
    fn into_fields(self) -> Result<(Fields, Option<String>), AppError> {
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
                "must be the currency of the cost estimate",
            ));
        }
        let fields = Fields {
            title: self.title,
            summary: self.summary,
            content: self.content,
            themes: self.themes,
            area_address: self
                .area
                .as_ref()
                .map(|a| a.as_ref().and_then(|a| a.address.clone())),
            area_geometry: self
                .area
                .as_ref()
                .map(|a| a.as_ref().and_then(|a| a.geometry.clone())),
            cost_estimate_cents: self.cost_estimate.map(|m| m.map(|m| m.amount_cents)),
            requested_budget_cents: self.requested_budget.map(|m| m.map(|m| m.amount_cents)),
            currency,
        };
        Ok((fields, self.group))
    }
}

/// Money as the API writes it: whole cents and a currency (ISO 4217).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MoneyView {
    pub amount_cents: i64,
    pub currency: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AreaView {
    pub address: Option<String>,
    /// A GeoJSON Point or Polygon.
    #[schema(value_type = Option<Object>)]
    pub geometry: Option<Value>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ArgumentCounts {
    pub pro: u64,
    pub contra: u64,
    pub comments: u64,
}

/// A plan. `owners` are Mastodon API accounts; `polls` Mastodon API statuses.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlanView {
    pub id: String,
    /// The plan's ActivityPub id.
    pub uri: String,
    /// The plan's web page (at its home instance).
    pub url: String,
    /// The plan's post in the Mastodon client API.
    pub status_id: String,
    /// False for a copy of a plan from another instance.
    pub local: bool,
    /// For a copy: the host of the plan's home, whose claims its owners,
    /// history and unverified advice are.
    pub home: Option<String>,
    pub title: String,
    pub summary: String,
    /// Sanitised HTML.
    pub content: String,
    pub themes: Vec<String>,
    pub area: Option<AreaView>,
    pub cost_estimate: Option<MoneyView>,
    pub requested_budget: Option<MoneyView>,
    /// idea, proposal, adopted, rejected, in_progress, done or withdrawn.
    pub state: String,
    #[schema(value_type = Vec<Object>)]
    pub owners: Vec<Value>,
    pub supports_count: u64,
    /// Whether the caller supports it.
    pub supported: bool,
    pub arguments_count: ArgumentCounts,
    pub advice: Vec<AdviceView>,
    #[schema(value_type = Vec<Object>)]
    pub polls: Vec<Value>,
    pub created_at: String,
    pub updated_at: String,
}

/// An argument (with a stance) or a comment on a plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArgumentView {
    pub id: String,
    pub uri: String,
    #[schema(value_type = Object)]
    pub account: Value,
    pub content: String,
    /// pro, contra, or null for a comment.
    pub stance: Option<String>,
    pub supports_count: u64,
    pub created_at: String,
}

/// Arguments side by side, and comments.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArgumentsView {
    pub pro: Vec<ArgumentView>,
    pub contra: Vec<ArgumentView>,
    pub comments: Vec<ArgumentView>,
}

/// One entry of a plan's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryView {
    /// Who: an actor's ActivityPub id.
    pub actor: String,
    /// created, edited, state, progress or owner_added.
    pub action: String,
    pub from_state: Option<String>,
    pub to_state: Option<String>,
    /// A decision's reason, a progress report, results, or the new owner.
    pub note: String,
    /// The fields an edit changed.
    pub fields: Vec<String>,
    pub at: String,
    /// On a copy: what the plan's home states, not seen here. Entries that
    /// name actors of this instance are kept only when they acted here.
    pub claimed: bool,
}

/// Advice asked of someone, and their answer once given.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AdviceView {
    pub id: String,
    #[schema(value_type = Object)]
    pub advisor: Value,
    pub requester: String,
    pub question: String,
    /// positive, conditions, negative, or null while not given. Shown only
    /// when verified: given here, received signed by the advisor, or
    /// fetched from the advisor's own server.
    pub verdict: Option<String>,
    pub reasons: String,
    /// On a copy: the verdict the plan's home reports but that could not be
    /// verified yet.
    pub claimed_verdict: Option<String>,
    pub created_at: String,
    pub answered_at: Option<String>,
}

/// Advice asked of the caller, with the plan it is about.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdviceRequestView {
    #[serde(flatten)]
    pub advice: AdviceView,
    pub plan: PlanView,
}

/// An invitation to co-own a plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationView {
    pub id: String,
    /// pending, accepted or rejected.
    pub state: String,
    pub inviter: String,
    #[schema(value_type = Object)]
    pub invitee: Value,
    pub plan: PlanView,
    pub created_at: String,
}

/// The answer to adding an owner: the plan, and the invitation if one was sent.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnerAdded {
    pub plan: PlanView,
    pub invitation: Option<InvitationState>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationState {
    pub id: String,
    pub state: String,
}

async fn themes_of(db: &impl ConnectionTrait, status_id: i64) -> Result<Vec<String>, AppError> {
    let ids: Vec<i64> = status_tag::Entity::find()
        .filter(status_tag::Column::StatusId.eq(status_id))
        .all(db)
        .await?
        .into_iter()
        .map(|t| t.tag_id)
        .collect();
    let mut names: Vec<String> = tag::Entity::find()
        .filter(tag::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|t| t.name)
        .collect();
    names.sort();
    Ok(names)
}

fn money(cents: Option<i64>, currency: &str) -> Option<MoneyView> {
    cents.map(|c| MoneyView {
        amount_cents: c,
        currency: currency.to_string(),
    })
}

/// Replies to a plan by stance, each with its support count.
pub async fn arguments_of(
    db: &impl ConnectionTrait,
    config: &Config,
    status_id: i64,
) -> Result<ArgumentsView, AppError> {
    let replies = status::Entity::find()
        .filter(status::Column::InReplyToId.eq(status_id))
        .filter(status::Column::Visibility.is_in(["public", "unlisted"]))
        // The plan's polls are replies too, but neither arguments nor comments.
        .filter(not_a_poll())
        .order_by_asc(status::Column::Id)
        .all(db)
        .await?;
    let (mut pro, mut contra, mut comments) = (vec![], vec![], vec![]);
    for r in replies {
        let author = crate::statuses::service::actor_of(db, r.actor_id).await?;
        let supports = favourite::Entity::find()
            .filter(favourite::Column::StatusId.eq(r.id))
            .count(db)
            .await?;
        let item = ArgumentView {
            id: r.id.to_string(),
            uri: r.ap_id,
            account: views::account(db, config, &author).await?,
            content: r.content,
            stance: r.stance.clone(),
            supports_count: supports,
            created_at: time(&r.created_at),
        };
        match r.stance.as_deref() {
            Some("pro") => pro.push(item),
            Some("contra") => contra.push(item),
            _ => comments.push(item),
        }
    }
    Ok(ArgumentsView {
        pro,
        contra,
        comments,
    })
}

/// A plan as the API shows it.
pub async fn view(
    db: &impl ConnectionTrait,
    config: &Config,
    p: &plan::Model,
    viewer: Option<i64>,
) -> Result<PlanView, AppError> {
    let s = status::Entity::find_by_id(p.status_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::Internal("a plan without its post".into()))?;
    let owners = service::owners(db, p.id).await?;
    let supported = match viewer {
        Some(me) => favourite::Entity::find()
            .filter(favourite::Column::StatusId.eq(s.id))
            .filter(favourite::Column::ActorId.eq(me))
            .one(db)
            .await?
            .is_some(),
        None => false,
    };
    let (supports_count, arguments_count) = if p.local {
        let supports = favourite::Entity::find()
            .filter(favourite::Column::StatusId.eq(s.id))
            .count(db)
            .await?;
        let (pro, contra, comments) = super::federation::argument_counts(db, s.id).await?;
        (
            supports,
            ArgumentCounts {
                pro,
                contra,
                comments,
            },
        )
    } else {
        let n = |c: i64| u64::try_from(c).unwrap_or(0);
        (
            n(p.supports_count),
            ArgumentCounts {
                pro: n(p.pro_count),
                contra: n(p.contra_count),
                comments: n(p.comments_count),
            },
        )
    };
    let geometry: Option<Value> = p
        .area_geometry
        .as_deref()
        .and_then(|g| serde_json::from_str(g).ok());
    Ok(PlanView {
        id: p.id.to_string(),
        uri: s.ap_id.clone(),
        url: s.url.clone().unwrap_or_else(|| s.ap_id.clone()),
        status_id: s.id.to_string(),
        local: p.local,
        home: if p.local {
            None
        } else {
            knooppunt_federation::vocab::host_of(&s.ap_id)
        },
        title: p.title.clone(),
        summary: p.summary.clone(),
        content: p.content.clone(),
        themes: themes_of(db, s.id).await?,
        area: if p.area_address.is_none() && geometry.is_none() {
            None
        } else {
            Some(AreaView {
                address: p.area_address.clone(),
                geometry,
            })
        },
        cost_estimate: money(p.cost_estimate_cents, &p.currency),
        requested_budget: money(p.requested_budget_cents, &p.currency),
        state: p.state.clone(),
        owners: views::accounts(db, config, &owners).await?,
        supports_count,
        supported,
        arguments_count,
        advice: advice_list(db, config, p.id).await?,
        polls: polls_of(db, config, p, viewer).await?,
        created_at: time(&p.created_at),
        updated_at: time(&p.updated_at),
    })
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    pub state: Option<String>,
    pub theme: Option<String>,
    pub limit: Option<u64>,
}

#[utoipa::path(get, path = "/api/knooppunt/v1/plans", tag = "plans", params(ListQuery), responses((status = 200, description = "Plans, newest first", body = Vec<PlanView>), (status = 422, description = "Unknown state", body = ApiError)))]
/// `GET /api/knooppunt/v1/plans`: newest first, by state and theme.
pub async fn list(
    State(state): State<AppState>,
    auth: MaybeAuth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<Vec<PlanView>>, AppError> {
    let mut query = plan::Entity::find()
        .filter(plan::Column::StatusId.not_in_subquery(crate::statuses::store::hidden_statuses()))
        .order_by_desc(plan::Column::Id);
    if let Some(st) = &q.state {
        let st = super::state::State::parse(st)
            .ok_or_else(|| AppError::invalid("state", format!("{st:?} is not a state")))?;
        query = query.filter(plan::Column::State.eq(st.as_str()));
    }
    if let Some(theme) = &q.theme {
        use sea_orm::sea_query::Query;
        let name = theme.trim_start_matches('#').to_lowercase();
        let tag_ids = Query::select()
            .column(tag::Column::Id)
            .from(tag::Entity)
            .and_where(tag::Column::Name.eq(name))
            .to_owned();
        let tagged = Query::select()
            .column(status_tag::Column::StatusId)
            .from(status_tag::Entity)
            .and_where(status_tag::Column::TagId.in_subquery(tag_ids))
            .to_owned();
        query = query.filter(plan::Column::StatusId.in_subquery(tagged));
    }
    let plans = query
        .limit(q.limit.unwrap_or(20).clamp(1, 100))
        .all(&state.db)
        .await?;
    let viewer = auth.person("read:statuses").map(|p| p.actor.id);
    let mut out = Vec::with_capacity(plans.len());
    for p in &plans {
        out.push(view(&state.db, &state.config, p, viewer).await?);
    }
    Ok(Json(out))
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
    Ok(Json(
        entries
            .iter()
            .map(|h| HistoryView {
                actor: h.actor_ap_id.clone(),
                action: h.action.clone(),
                from_state: h.from_state.clone(),
                to_state: h.to_state.clone(),
                note: h.note.clone(),
                fields: serde_json::from_str(&h.fields).unwrap_or_default(),
                at: time(&h.at),
                claimed: h.source == super::service::Source::Home.as_str(),
            })
            .collect(),
    ))
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

#[utoipa::path(get, path = "/api/knooppunt/v1/plans/{id}/arguments", tag = "plans", params(("id" = String, Path)), responses((status = 200, body = ArgumentsView), (status = 404, body = ApiError)))]
/// `GET /api/knooppunt/v1/plans/:id/arguments`: pro and contra side by side, and comments.
pub async fn arguments(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<ArgumentsView>, AppError> {
    let p = service::find(&state.db, &id).await?;
    Ok(Json(
        arguments_of(&state.db, &state.config, p.status_id).await?,
    ))
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
    let stance = match body.stance.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s @ ("pro" | "contra")) => Some(s.to_string()),
        Some(other) => {
            return Err(AppError::invalid(
                "stance",
                format!("{other:?} is not a stance (pro or contra)"),
            ));
        }
    };
    let draft = crate::statuses::service::Draft {
        text: body.text,
        spoiler_text: String::new(),
        sensitive: false,
        visibility: crate::statuses::Visibility::Public,
        language: None,
        in_reply_to_id: Some(p.status_id.to_string()),
        media_ids: vec![],
        poll: None,
        stance,
    };
    let s = crate::statuses::service::create(&state, person, draft, None).await?;
    Ok((
        StatusCode::CREATED,
        Json(views::status(&state.db, &state.config, &s, Some(person.actor.id)).await?),
    ))
}

/// An account by the id the client API gives it (local or remote).
async fn account(
    db: &impl ConnectionTrait,
    id: &str,
) -> Result<crate::actors::entity::Model, AppError> {
    let not_found = || AppError::NotFound("no such account".into());
    let id: i64 = id.parse().map_err(|_| not_found())?;
    crate::actors::entity::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(not_found)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct OwnerBody {
    /// An account id as this instance's API knows it (local or remote).
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
    let target = account(&state.db, &body.account_id).await?;
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

/// A member named by a group's moderator to edit a plan for the group.
#[derive(Debug, Serialize, ToSchema)]
pub struct EditorView {
    /// The owning group the editor acts for.
    #[schema(value_type = Object)]
    pub group: Value,
    #[schema(value_type = Object)]
    pub account: Value,
    pub created_at: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct EditorBody {
    /// The owning group here, by name.
    pub group: String,
    /// A member of that group: an account id as this instance's API knows it.
    pub account_id: String,
}

async fn editor_views(state: &AppState, plan_id: i64) -> Result<Vec<EditorView>, AppError> {
    let mut out = Vec::new();
    for (e, group, person) in super::editors::of_plan(&state.db, plan_id).await? {
        out.push(EditorView {
            group: views::account(&state.db, &state.config, &group).await?,
            account: views::account(&state.db, &state.config, &person).await?,
            created_at: time(&e.created_at),
        });
    }
    Ok(out)
}

#[utoipa::path(get, path = "/api/knooppunt/v1/plans/{id}/editors", tag = "plans", params(("id" = String, Path)), responses((status = 200, body = Vec<EditorView>), (status = 404, body = ApiError)))]
/// `GET /api/knooppunt/v1/plans/:id/editors`: members who edit the plan for
/// an owning group here.
pub async fn editors(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Vec<EditorView>>, AppError> {
    let p = service::find(&state.db, &id).await?;
    Ok(Json(editor_views(&state, p.id).await?))
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
    let member = account(&state.db, &body.account_id).await?;
    super::editors::name(&state, person, &p, &body.group, &member).await?;
    Ok((StatusCode::CREATED, Json(editor_views(&state, p.id).await?)))
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
    let member = account(&state.db, &account_id).await?;
    super::editors::remove(&state, person, &p, &group, member.id).await?;
    Ok(Json(editor_views(&state, p.id).await?))
}

/// Invitations as the API shows them; each plan is read and rendered once,
/// however many of its invitations are listed.
async fn invitation_views(
    state: &AppState,
    invs: Vec<super::entity::invitation::Model>,
    viewer: i64,
) -> Result<Vec<InvitationView>, AppError> {
    let mut plans: std::collections::HashMap<i64, PlanView> = std::collections::HashMap::new();
    let mut out = Vec::with_capacity(invs.len());
    for inv in invs {
        let plan = match plans.get(&inv.plan_id) {
            Some(v) => v.clone(),
            None => {
                let p = plan::Entity::find_by_id(inv.plan_id)
                    .one(&state.db)
                    .await?
                    .ok_or_else(|| AppError::NotFound("the plan is gone".into()))?;
                let v = view(&state.db, &state.config, &p, Some(viewer)).await?;
                plans.insert(inv.plan_id, v.clone());
                v
            }
        };
        let invitee = crate::statuses::service::actor_of(&state.db, inv.actor_id).await?;
        out.push(InvitationView {
            id: inv.id.to_string(),
            invitee: views::account(&state.db, &state.config, &invitee).await?,
            created_at: time(&inv.created_at),
            state: inv.state,
            inviter: inv.inviter_ap_id,
            plan,
        });
    }
    Ok(out)
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
    Ok(Json(invitation_views(&state, invs, person.actor.id).await?))
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
    Ok(Json(invitation_views(&state, invs, person.actor.id).await?))
}

async fn answer_invitation(
    state: AppState,
    auth: Auth,
    id: String,
    accept: bool,
) -> Result<Json<InvitationView>, AppError> {
    let person = auth.person("write:statuses")?;
    let inv = super::coowners::answer(&state, person, &id, accept).await?;
    invitation_views(&state, vec![inv], person.actor.id)
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

async fn advice_view(
    db: &impl ConnectionTrait,
    config: &Config,
    r: &super::entity::advice::Model,
    advisor: &crate::actors::entity::Model,
) -> Result<AdviceView, AppError> {
    Ok(AdviceView {
        id: r.id.to_string(),
        advisor: views::account(db, config, advisor).await?,
        requester: r.requester_ap_id.clone(),
        question: r.question.clone(),
        verdict: r.verdict.clone().filter(|_| r.verified),
        reasons: if r.verified {
            r.reasons.clone()
        } else {
            String::new()
        },
        claimed_verdict: r.verdict.clone().filter(|_| !r.verified),
        created_at: time(&r.created_at),
        answered_at: r.answered_at.as_ref().map(time).filter(|_| r.verified),
    })
}

async fn advice_list(
    db: &impl ConnectionTrait,
    config: &Config,
    plan_id: i64,
) -> Result<Vec<AdviceView>, AppError> {
    let mut out = Vec::new();
    for (r, a) in super::advice::of_plan(db, plan_id).await? {
        out.push(advice_view(db, config, &r, &a).await?);
    }
    Ok(out)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AdviceRequestBody {
    /// Whom to ask: an account id as this instance's API knows it.
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
    let advisor = account(&state.db, &body.account_id).await?;
    let r = super::advice::request(&state, person, p, &advisor, &body.question).await?;
    Ok((
        StatusCode::CREATED,
        Json(advice_view(&state.db, &state.config, &r, &advisor).await?),
    ))
}

#[utoipa::path(get, path = "/api/knooppunt/v1/plans/{id}/advice", tag = "plans", params(("id" = String, Path)), responses((status = 200, body = Vec<AdviceView>), (status = 404, body = ApiError)))]
/// `GET /api/knooppunt/v1/plans/:id/advice`: requests and answers.
pub async fn advice(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Vec<AdviceView>>, AppError> {
    let p = service::find(&state.db, &id).await?;
    Ok(Json(advice_list(&state.db, &state.config, p.id).await?))
}

#[utoipa::path(get, path = "/api/knooppunt/v1/advice_requests", tag = "plans", security(("oauth" = ["read:statuses"])), responses((status = 200, body = Vec<AdviceRequestView>), (status = 401, body = ApiError)))]
/// `GET /api/knooppunt/v1/advice_requests`: advice asked of the caller or
/// of groups they moderate, not yet given.
pub async fn advice_requests(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Vec<AdviceRequestView>>, AppError> {
    let person = auth.person("read:statuses")?;
    let mut out = Vec::new();
    for r in super::advice::pending_for(&state, person).await? {
        let advisor = crate::statuses::service::actor_of(&state.db, r.advisor_id).await?;
        let Some(p) = plan::Entity::find_by_id(r.plan_id).one(&state.db).await? else {
            continue;
        };
        out.push(AdviceRequestView {
            advice: advice_view(&state.db, &state.config, &r, &advisor).await?,
            plan: view(&state.db, &state.config, &p, Some(person.actor.id)).await?,
        });
    }
    Ok(Json(out))
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
    Ok(Json(
        advice_view(&state.db, &state.config, &r, &advisor).await?,
    ))
}

/// Statuses that carry no poll (a plan's polls are listed apart), as a
/// subquery however many replies a plan has.
pub fn not_a_poll() -> sea_orm::sea_query::SimpleExpr {
    use crate::statuses::entity::poll;
    let polls = sea_orm::sea_query::Query::select()
        .column(poll::Column::StatusId)
        .from(poll::Entity)
        .to_owned();
    status::Column::Id.not_in_subquery(polls)
}

/// The polls on a plan: replies to its post that carry a poll, by its owners.
async fn polls_of(
    db: &impl ConnectionTrait,
    config: &Config,
    p: &plan::Model,
    viewer: Option<i64>,
) -> Result<Vec<Value>, AppError> {
    use crate::statuses::entity::poll;
    let with_poll = sea_orm::sea_query::Query::select()
        .column(poll::Column::StatusId)
        .from(poll::Entity)
        .to_owned();
    let polls = status::Entity::find()
        .filter(status::Column::InReplyToId.eq(p.status_id))
        .filter(status::Column::ActorId.in_subquery(service::owner_ids(p.id)))
        .filter(status::Column::Id.in_subquery(with_poll))
        .order_by_asc(status::Column::Id)
        .all(db)
        .await?;
    views::statuses(db, config, &polls, viewer).await
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
    if !p.local {
        return Err(AppError::Forbidden(
            "this plan lives on another instance: ask from there".into(),
        ));
    }
    if !service::standing(&state, person, &p).await?.owner {
        return Err(AppError::Forbidden(
            "only the plan's owners may start a poll on it".into(),
        ));
    }
    if body.options.len() < 2 {
        return Err(AppError::invalid(
            "options",
            "a poll needs at least 2 options",
        ));
    }
    let draft = crate::statuses::service::Draft {
        text: body.question,
        spoiler_text: String::new(),
        sensitive: false,
        visibility: crate::statuses::Visibility::Public,
        language: None,
        in_reply_to_id: Some(p.status_id.to_string()),
        media_ids: vec![],
        poll: Some(crate::statuses::service::NewPoll {
            options: body.options,
            expires_in: body.expires_in.unwrap_or(86_400),
            multiple: body.multiple,
        }),
        stance: None,
    };
    let s = crate::statuses::service::create(&state, person, draft, None).await?;
    Ok((
        StatusCode::CREATED,
        Json(views::status(&state.db, &state.config, &s, Some(person.actor.id)).await?),
    ))
}
