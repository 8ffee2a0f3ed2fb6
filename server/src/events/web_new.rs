//! `/events/new`: the form to organise an event. It posts the API's field
//! names (`name`, `description`, `starts_at`, `ends_at`, `timezone`,
//! `location[name]`, `location[address]`, `capacity`, `group`, `plan_id`), read into
//! the API's `EventBody` and created by the same `service::create`; a
//! refusal shows the form again with the error next to its field.
//! A browser's `datetime-local` has no zone: it is read in `timezone`.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{NaiveDateTime, TimeZone};
use serde::Deserialize;

use super::api::{EventBody, Location};
use super::service;
use crate::auth::web::{CsrfForm, Visit};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::web::{Chrome, Field};

const DEFAULT_ZONE: &str = "Europe/Amsterdam";

#[derive(Template)]
#[template(path = "event_new.html")]
struct NewEventPage {
    c: Chrome,
    t: Tr,
    fields: Vec<Field>,
    error: Option<String>,
    /// The plan the event will belong to: its id and title.
    plan: Option<(String, String)>,
}

#[derive(Debug, Default, Deserialize)]
pub struct LocationForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    address: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct EventForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    starts_at: String,
    #[serde(default)]
    ends_at: String,
    #[serde(default)]
    timezone: String,
    #[serde(default)]
    location: LocationForm,
    #[serde(default)]
    capacity: String,
    #[serde(default)]
    group: String,
    /// The plan it belongs to (its id), as the API's `plan_id`.
    #[serde(default)]
    plan_id: String,
}

fn some(v: &str) -> Option<String> {
    let v = v.trim();
    (!v.is_empty()).then(|| v.to_string())
}

/// A `datetime-local` value in `zone`, as RFC 3339.
fn local_time(field: &str, value: &str, zone: &str) -> Result<Option<String>, AppError> {
    let Some(value) = some(value) else {
        return Ok(None);
    };
    let bad = || AppError::invalid(field, msg!("error-must-date-time"));
    let naive = NaiveDateTime::parse_from_str(&value, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(&value, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| bad())?;
    let tz: chrono_tz::Tz = zone
        .parse()
        .map_err(|_| AppError::invalid("timezone", msg!("error-not-known-time-zone")))?;
    let at = tz.from_local_datetime(&naive).earliest().ok_or_else(bad)?;
    Ok(Some(at.to_rfc3339()))
}

impl EventForm {
    fn body(&self) -> Result<EventBody, AppError> {
        let zone = some(&self.timezone).unwrap_or_else(|| DEFAULT_ZONE.to_string());
        let capacity = match some(&self.capacity) {
            Some(c) => Some(
                c.parse::<i32>()
                    .map_err(|_| AppError::invalid("capacity", msg!("error-must-whole-number")))?,
            ),
            None => None,
        };
        let location = (some(&self.location.name).is_some()
            || some(&self.location.address).is_some())
        .then(|| Location {
            name: some(&self.location.name),
            address: some(&self.location.address),
            latitude: None,
            longitude: None,
        });
        Ok(EventBody {
            name: Some(self.name.clone()),
            description: some(&self.description),
            starts_at: local_time("starts_at", &self.starts_at, &zone)?,
            ends_at: local_time("ends_at", &self.ends_at, &zone)?,
            timezone: Some(zone),
            location,
            capacity,
            group: some(self.group.trim_start_matches('@')),
            plan_id: some(&self.plan_id),
        })
    }

    fn fields(&self, t: Tr, error: Option<&AppError>) -> Vec<Field> {
        let error_of = |name: &str| match error {
            Some(AppError::Invalid { field, message }) if field == name => Some(t.msg(message)),
            _ => None,
        };
        let field = |name: &'static str, id: &'static str, value: &str, kind| Field {
            name,
            id,
            label: t.get(&format!("event-new-{id}")),
            hint: None,
            value: value.to_string(),
            error: error_of(name),
            kind,
        };
        let zone = if self.timezone.is_empty() {
            DEFAULT_ZONE
        } else {
            &self.timezone
        };
        let mut group = field("group", "group", &self.group, "text");
        group.hint = Some(t.get("event-new-group-hint"));
        vec![
            field("name", "name", &self.name, "text"),
            field("description", "description", &self.description, "textarea"),
            field("starts_at", "starts_at", &self.starts_at, "datetime-local"),
            field("ends_at", "ends_at", &self.ends_at, "datetime-local"),
            field("timezone", "timezone", zone, "text"),
            field("location[name]", "place", &self.location.name, "text"),
            field(
                "location[address]",
                "address",
                &self.location.address,
                "text",
            ),
            field("capacity", "capacity", &self.capacity, "number"),
            group,
        ]
    }
}

async fn render(
    state: &AppState,
    visit: &Visit,
    form: &EventForm,
    error: Option<&AppError>,
    code: StatusCode,
) -> Result<Response, AppError> {
    let t = visit.t();
    let plan = match some(&form.plan_id) {
        Some(id) => {
            let p = crate::plans::service::find(&state.db, &id).await?;
            Some((id, p.title))
        }
        None => None,
    };
    let fields = form.fields(t, error);
    let unplaced = error.filter(|_| !fields.iter().any(|f| f.error.is_some()));
    let page = NewEventPage {
        c: visit.chrome().at("events"),
        t,
        error: unplaced.map(ToString::to_string),
        fields,
        plan,
    };
    visit.render(code, &page)
}

#[derive(Debug, Default, Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    plan_id: String,
}

/// `GET /events/new`, `?plan_id=` for an event that belongs to a plan.
pub async fn page(
    State(state): State<AppState>,
    visit: Visit,
    axum::extract::Query(q): axum::extract::Query<NewQuery>,
) -> Response {
    if let Err(redirect) = visit.person() {
        return redirect.into_response();
    }
    let form = EventForm {
        plan_id: q.plan_id,
        ..EventForm::default()
    };
    visit.respond(render(&state, &visit, &form, None, StatusCode::OK).await)
}

/// `POST /events/new`: the new event's page, or the form with its error.
pub async fn create(
    State(state): State<AppState>,
    visit: Visit,
    CsrfForm(form): CsrfForm<EventForm>,
) -> Response {
    let person = match visit.person() {
        Ok(person) => person,
        Err(redirect) => return redirect.into_response(),
    };
    let created = async {
        let body = form.body()?;
        let fields = body.fields()?;
        let plan = match &body.plan_id {
            Some(id) => Some(crate::plans::service::event_link(&state, person, id).await?),
            None => None,
        };
        service::create(&state, person, fields, body.group.as_deref(), plan).await
    }
    .await;
    match created {
        Ok(e) => Redirect::to(&format!("/events/{}", e.id)).into_response(),
        Err(e) if e.status().is_client_error() => {
            visit.respond(render(&state, &visit, &form, Some(&e), e.status()).await)
        }
        Err(e) => visit.error(&e),
    }
}
