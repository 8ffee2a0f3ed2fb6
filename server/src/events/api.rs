//! `/api/knooppunt/v1/events` and the iCalendar files and feeds.

use axum::Json;
use axum::extract::{OriginalUri, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::entity::{event, participant};
use super::service::{self, Fields};
use super::store::{self, EventRow};
use crate::auth::extract::{Auth, MaybeAuth};
use crate::config::Config;
use crate::error::AppError;
use crate::http::ApiError;
use crate::http::extract::ApiForm;
use crate::http::extract::ApiQuery;
use crate::http::pagination::{Page, with_link};
use crate::state::AppState;
use crate::statuses::views::{self, time};

/// `/api/knooppunt/v1/events` and the calendars.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/api/knooppunt/v1/events", get(list).post(create))
        .route(
            "/api/knooppunt/v1/events/search",
            get(super::search::search),
        )
        .route("/api/knooppunt/v1/events/{id}", get(show).patch(update))
        .route("/api/knooppunt/v1/events/{id}/cancel", post(cancel))
        .route("/api/knooppunt/v1/events/{id}/join", post(join))
        .route("/api/knooppunt/v1/events/{id}/leave", post(leave))
        .route(
            "/api/knooppunt/v1/events/{id}/participants",
            get(participants),
        )
        .route("/api/knooppunt/v1/events/{id}/event.ics", get(event_ics))
        .route(
            "/api/knooppunt/v1/calendars/neighbourhood.ics",
            get(neighbourhood_ics),
        )
        .route(
            "/api/knooppunt/v1/calendars/groups/{name}/calendar.ics",
            get(group_ics),
        )
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct Location {
    pub name: Option<String>,
    pub address: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

/// The body of `POST /events` and `PATCH /events/:id`; on PATCH absent
/// fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
pub struct EventBody {
    pub name: Option<String>,
    /// HTML; sanitised.
    pub description: Option<String>,
    /// RFC 3339, e.g. 2026-12-12T19:00:00+01:00.
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    /// IANA time zone of the place; Europe/Amsterdam when absent.
    pub timezone: Option<String>,
    pub location: Option<Location>,
    /// Most participants; absent for no limit.
    pub capacity: Option<i32>,
    /// On creation: organise as this local group (you moderate it).
    pub group: Option<String>,
    /// On creation: the local plan (its id) this event belongs to; only its
    /// owners link an event to it.
    pub plan_id: Option<String>,
}

fn parse_time(field: &str, v: &Option<String>) -> Result<Option<DateTime<Utc>>, AppError> {
    v.as_deref()
        .map(|t| {
            DateTime::parse_from_rfc3339(t)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| AppError::invalid(field, msg!("error-must-rfc-3339-time")))
        })
        .transpose()
}

impl EventBody {
    pub fn fields(&self) -> Result<Fields, AppError> {
        let loc = self.location.as_ref();
        Ok(Fields {
            name: self.name.clone(),
            description: self.description.clone(),
            starts_at: parse_time("starts_at", &self.starts_at)?,
            ends_at: parse_time("ends_at", &self.ends_at)?.map(Some),
            timezone: self.timezone.clone(),
            location_name: loc.map(|l| l.name.clone()),
            location_address: loc.map(|l| l.address.clone()),
            latitude: loc.map(|l| l.latitude),
            longitude: loc.map(|l| l.longitude),
            capacity: self.capacity.map(Some),
        })
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LocationView {
    pub name: Option<String>,
    pub address: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

/// An event. `organizer` is a Mastodon API account.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventView {
    pub id: String,
    /// The event's ActivityPub id.
    pub uri: String,
    pub url: String,
    /// The event's post in the Mastodon client API.
    pub status_id: String,
    pub local: bool,
    pub name: String,
    pub description: String,
    pub starts_at: String,
    pub ends_at: Option<String>,
    pub timezone: String,
    pub location: Option<LocationView>,
    pub capacity: Option<i32>,
    pub participants_count: u64,
    pub cancelled: bool,
    #[schema(value_type = Object)]
    pub organizer: Value,
    /// The caller's participation: accepted, pending, rejected, or null.
    pub participation: Option<String>,
    /// The plan it belongs to (its ActivityPub id).
    pub plan: Option<String>,
    /// The iCalendar file of this event.
    pub ical_url: String,
}

/// Events as the API shows them, in the order of `rows`.
pub async fn views(
    db: &impl ConnectionTrait,
    config: &Config,
    rows: Vec<EventRow>,
) -> Result<Vec<EventView>, AppError> {
    let organizers =
        crate::actors::store::by_ids(db, rows.iter().map(|r| r.event.organizer_id)).await?;
    let accounts = views::accounts_by_id(db, config, organizers.values()).await?;
    Ok(rows
        .into_iter()
        .map(|r| assemble(config, r, &accounts))
        .collect())
}

fn assemble(
    config: &Config,
    r: EventRow,
    accounts: &std::collections::HashMap<i64, Value>,
) -> EventView {
    let e = r.event;
    let count = if e.local {
        r.live_participants
    } else {
        e.participant_count
    };
    let has_place =
        e.location_name.is_some() || e.location_address.is_some() || e.latitude.is_some();
    EventView {
        id: e.id.to_string(),
        url: r.status_url.unwrap_or_else(|| r.status_ap_id.clone()),
        uri: r.status_ap_id,
        status_id: e.status_id.to_string(),
        local: e.local,
        starts_at: time(&e.starts_at),
        ends_at: e.ends_at.as_ref().map(time),
        location: has_place.then(|| LocationView {
            name: e.location_name.clone(),
            address: e.location_address.clone(),
            latitude: e.latitude,
            longitude: e.longitude,
        }),
        capacity: e.capacity,
        participants_count: u64::try_from(count).unwrap_or(0),
        cancelled: e.cancelled,
        organizer: accounts
            .get(&e.organizer_id)
            .cloned()
            .unwrap_or(Value::Null),
        participation: r.viewer_participation,
        plan: e.plan_ap_id,
        ical_url: format!(
            "{}/api/knooppunt/v1/events/{}/event.ics",
            config.base_url(),
            e.id
        ),
        name: e.name,
        description: e.description,
        timezone: e.timezone,
    }
}

/// An event as the API shows it.
pub async fn view(
    db: &impl ConnectionTrait,
    config: &Config,
    e: &event::Model,
    viewer: Option<i64>,
) -> Result<EventView, AppError> {
    let rows = store::by_ids(db, &[e.id], viewer).await?;
    views(db, config, rows)
        .await?
        .pop()
        .ok_or_else(|| AppError::Internal("an event without its post".into()))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only events organised by this local person or group (by name).
    pub organizer: Option<String>,
    /// Also events that have ended.
    pub past: Option<bool>,
}

/// `GET /api/knooppunt/v1/events`: upcoming events, soonest first.
#[utoipa::path(get, path = "/api/knooppunt/v1/events", tag = "events", params(ListQuery, Page), responses((status = 200, description = "Events, soonest first (those at the same time in the order they were made): 40 unless `limit` asks for more, at most 200. Cursors are event ids.", body = Vec<EventView>, headers(("Link" = String, description = "The `next` (`min_id`) and `prev` (`max_id`) pages"))), (status = 404, description = "No such organiser", body = ApiError)))]
pub async fn list(
    State(state): State<AppState>,
    auth: MaybeAuth,
    ApiQuery(q): ApiQuery<ListQuery>,
    ApiQuery(page): ApiQuery<Page>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, AppError> {
    let mut filter = store::Filter::default();
    if !q.past.unwrap_or(false) {
        filter.from = Some(Utc::now() - chrono::Duration::hours(12));
    }
    if let Some(name) = &q.organizer {
        let a = crate::actors::store::find_local(&state.db, &state.config, name)
            .await?
            .ok_or_else(|| AppError::NotFound(msg!("error-no-one-here-called", name = name)))?;
        filter.organizer = Some(a.id);
    }
    let viewer = auth.person("read:statuses").map(|p| p.actor.id);
    let rows = store::page(
        &state.db,
        &filter,
        &page,
        page.limit_within(40, 200),
        viewer,
    )
    .await?;
    let ids = (
        rows.first().map(|r| r.event.id),
        rows.last().map(|r| r.event.id),
    );
    let body = views(&state.db, &state.config, rows).await?;
    let link = store::keyset().link(&state.config.base_url(), &uri, ids.0, ids.1);
    Ok(with_link(Json(body), link))
}

/// `POST /api/knooppunt/v1/events`
#[utoipa::path(post, path = "/api/knooppunt/v1/events", tag = "events", request_body = EventBody, security(("oauth" = ["write:statuses"])), responses((status = 201, body = EventView), (status = 403, description = "Not a moderator of the group, or not an owner of the plan", body = ApiError), (status = 404, body = ApiError), (status = 422, body = ApiError)))]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    ApiForm(body): ApiForm<EventBody>,
) -> Result<(StatusCode, Json<EventView>), AppError> {
    let person = auth.person("write:statuses")?;
    let fields = body.fields()?;
    // Only the plan's owners link an event to it.
    let plan = match &body.plan_id {
        Some(id) => Some(crate::plans::service::event_link(&state, person, id).await?),
        None => None,
    };
    let e = service::create(&state, person, fields, body.group.as_deref(), plan).await?;
    Ok((
        StatusCode::CREATED,
        Json(view(&state.db, &state.config, &e, Some(person.actor.id)).await?),
    ))
}

/// `GET /api/knooppunt/v1/events/:id`
#[utoipa::path(get, path = "/api/knooppunt/v1/events/{id}", tag = "events", params(("id" = String, Path)), responses((status = 200, body = EventView), (status = 404, body = ApiError)))]
pub async fn show(
    State(state): State<AppState>,
    auth: MaybeAuth,
    Path(id): Path<String>,
) -> Result<Json<EventView>, AppError> {
    let e = service::find(&state.db, &id).await?;
    let viewer = auth.person("read:statuses").map(|p| p.actor.id);
    Ok(Json(view(&state.db, &state.config, &e, viewer).await?))
}

/// `PATCH /api/knooppunt/v1/events/:id` (the organiser)
#[utoipa::path(patch, path = "/api/knooppunt/v1/events/{id}", tag = "events", params(("id" = String, Path)), request_body = EventBody, security(("oauth" = ["write:statuses"])), responses((status = 200, body = EventView), (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
pub async fn update(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiForm(body): ApiForm<EventBody>,
) -> Result<Json<EventView>, AppError> {
    let person = auth.person("write:statuses")?;
    let e = service::find(&state.db, &id).await?;
    let e = service::update(&state, person, e, body.fields()?).await?;
    Ok(Json(
        view(&state.db, &state.config, &e, Some(person.actor.id)).await?,
    ))
}

/// `POST /api/knooppunt/v1/events/:id/cancel` (the organiser)
#[utoipa::path(post, path = "/api/knooppunt/v1/events/{id}/cancel", tag = "events", params(("id" = String, Path)), security(("oauth" = ["write:statuses"])), responses((status = 200, body = EventView), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn cancel(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<EventView>, AppError> {
    let person = auth.person("write:statuses")?;
    let e = service::find(&state.db, &id).await?;
    let e = service::cancel(&state, person, e).await?;
    Ok(Json(
        view(&state.db, &state.config, &e, Some(person.actor.id)).await?,
    ))
}

/// `POST /api/knooppunt/v1/events/:id/join`: 409 when full or cancelled.
#[utoipa::path(post, path = "/api/knooppunt/v1/events/{id}/join", tag = "events", params(("id" = String, Path)), security(("oauth" = ["write:statuses"])), responses((status = 200, description = "Taking part (accepted), or asked of the event's home (pending)", body = EventView), (status = 404, body = ApiError), (status = 409, description = "Full or cancelled", body = ApiError)))]
pub async fn join(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<EventView>, AppError> {
    let person = auth.person("write:statuses")?;
    let e = service::find(&state.db, &id).await?;
    service::join(&state, person, &e).await?;
    Ok(Json(
        view(&state.db, &state.config, &e, Some(person.actor.id)).await?,
    ))
}

/// `POST /api/knooppunt/v1/events/:id/leave`
#[utoipa::path(post, path = "/api/knooppunt/v1/events/{id}/leave", tag = "events", params(("id" = String, Path)), security(("oauth" = ["write:statuses"])), responses((status = 200, body = EventView), (status = 404, body = ApiError)))]
pub async fn leave(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<EventView>, AppError> {
    let person = auth.person("write:statuses")?;
    let e = service::find(&state.db, &id).await?;
    service::leave(&state, person, &e).await?;
    Ok(Json(
        view(&state.db, &state.config, &e, Some(person.actor.id)).await?,
    ))
}

/// `GET /api/knooppunt/v1/events/:id/participants`: accepted participants.
#[utoipa::path(get, path = "/api/knooppunt/v1/events/{id}/participants", tag = "events", params(("id" = String, Path)), responses((status = 200, description = "Mastodon API accounts", body = Vec<Object>), (status = 404, body = ApiError)))]
pub async fn participants(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Vec<Value>>, AppError> {
    let e = service::find(&state.db, &id).await?;
    let accepted = sea_orm::sea_query::Query::select()
        .column(participant::Column::ActorId)
        .from(participant::Entity)
        .and_where(participant::Column::EventId.eq(e.id))
        .and_where(participant::Column::State.eq("accepted"))
        .to_owned();
    let actors = crate::actors::entity::Entity::find()
        .filter(crate::actors::entity::Column::Id.in_subquery(accepted))
        .all(&state.db)
        .await?;
    Ok(Json(
        views::accounts(&state.db, &state.config, &actors).await?,
    ))
}

fn ics(body: String) -> Response {
    (
        [(header::CONTENT_TYPE, "text/calendar; charset=utf-8")],
        body,
    )
        .into_response()
}

/// `GET /api/knooppunt/v1/events/:id/event.ics`
#[utoipa::path(get, path = "/api/knooppunt/v1/events/{id}/event.ics", tag = "events", params(("id" = String, Path)), responses((status = 200, description = "RFC 5545 calendar with this event", content_type = "text/calendar", body = String), (status = 404, body = ApiError)))]
pub async fn event_ics(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let e = service::find(&state.db, &id).await?;
    let name = e.name.clone();
    let events = store::with_uids(&state.db, vec![e]).await?;
    Ok(ics(super::ical::calendar(&state.config, &name, &events)))
}

/// Upcoming and recent public events of one organiser, as a calendar.
async fn feed(state: &AppState, organizer: Option<i64>, name: &str) -> Result<Response, AppError> {
    let mut query = event::Entity::find()
        .filter(event::Column::StatusId.not_in_subquery(crate::statuses::store::hidden_statuses()))
        .filter(event::Column::StartsAt.gte(Utc::now() - chrono::Duration::days(90)))
        .order_by_asc(event::Column::StartsAt)
        .limit(500);
    if let Some(id) = organizer {
        query = query.filter(event::Column::OrganizerId.eq(id));
    } else {
        query = query.filter(event::Column::Local.eq(true));
    }
    let events = store::with_uids(&state.db, query.all(&state.db).await?).await?;
    Ok(ics(super::ical::calendar(&state.config, name, &events)))
}

/// `GET /api/knooppunt/v1/calendars/neighbourhood.ics`: every event organised here.
#[utoipa::path(get, path = "/api/knooppunt/v1/calendars/neighbourhood.ics", tag = "events", responses((status = 200, description = "RFC 5545 calendar", content_type = "text/calendar", body = String)))]
pub async fn neighbourhood_ics(State(state): State<AppState>) -> Result<Response, AppError> {
    let name = format!(
        "{} · {}",
        state.config.instance.name, state.config.instance.neighbourhood
    );
    feed(&state, None, &name).await
}

/// `GET /api/knooppunt/v1/calendars/groups/:name/calendar.ics`
#[utoipa::path(get, path = "/api/knooppunt/v1/calendars/groups/{name}/calendar.ics", tag = "events", params(("name" = String, Path)), responses((status = 200, description = "RFC 5545 calendar", content_type = "text/calendar", body = String), (status = 404, body = ApiError)))]
pub async fn group_ics(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Response, AppError> {
    let group = crate::actors::store::find_local(&state.db, &state.config, &name)
        .await?
        .filter(|a| a.kind == "group")
        .ok_or_else(|| AppError::NotFound(msg!("error-there-no-group-named-here", name = &name)))?;
    feed(&state, Some(group.id), &name).await
}
