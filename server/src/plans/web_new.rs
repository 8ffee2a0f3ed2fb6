//! `/plans/new`: the form to write a plan. It posts the API's field names
//! (`title`, `summary`, `content`, `themes`, `area[address]`, `group`), read
//! into the API's `PlanBody` and started by the same `service::create`; a
//! refusal shows the form again with the error next to its field.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::api::{Area, PlanBody};
use super::service;
use crate::auth::web::{CsrfForm, Visit};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::web::{Chrome, Field};

#[derive(Template)]
#[template(path = "plan_new.html")]
struct NewPlanPage {
    c: Chrome,
    t: Tr,
    fields: Vec<Field>,
    error: Option<String>,
    /// Where the form posts: `/plans/new`, or `/plans/ID/edit`.
    action: String,
    editing: bool,
}

#[derive(Debug, Default, Deserialize)]
pub struct AreaForm {
    #[serde(default)]
    address: String,
}

/// The form as posted: `themes` is one line of words.
#[derive(Debug, Default, Deserialize)]
pub struct PlanForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    content: String,
    #[serde(default)]
    themes: String,
    #[serde(default)]
    area: AreaForm,
    #[serde(default)]
    group: String,
}

impl PlanForm {
    fn body(&self) -> PlanBody {
        let themes: Vec<String> = self
            .themes
            .split(|c: char| c == ',' || c.is_whitespace())
            .map(|w| w.trim_start_matches('#'))
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        let address = self.area.address.trim();
        let group = self.group.trim().trim_start_matches('@');
        PlanBody {
            title: Some(self.title.clone()),
            summary: Some(self.summary.clone()),
            content: Some(self.content.clone()),
            themes: Some(themes),
            area: (!address.is_empty()).then(|| {
                Some(Area {
                    address: Some(Some(address.to_string())),
                    geometry: None,
                })
            }),
            cost_estimate: None,
            requested_budget: None,
            group: (!group.is_empty()).then(|| group.to_string()),
        }
    }

    fn fields(&self, t: Tr, error: Option<&AppError>) -> Vec<Field> {
        let error_of = |name: &str| match error {
            Some(AppError::Invalid { field, message }) if field == name => Some(message.clone()),
            _ => None,
        };
        let field = |name, id, value: &str, long: bool| Field {
            name,
            id,
            label: t.get(&if id == "title" {
                "plan-new-title-field".to_string()
            } else {
                format!("plan-new-{id}")
            }),
            hint: None,
            value: value.to_string(),
            error: error_of(if id == "area" { "area.address" } else { name }),
            kind: if long { "textarea" } else { "text" },
        };
        let mut themes = field("themes", "themes", &self.themes, false);
        themes.hint = Some(t.get("plan-new-themes-hint"));
        let mut group = field("group", "group", &self.group, false);
        group.hint = Some(t.get("plan-new-group-hint"));
        vec![
            field("title", "title", &self.title, false),
            field("summary", "summary", &self.summary, true),
            field("content", "content", &self.content, true),
            themes,
            field("area[address]", "area", &self.area.address, false),
            group,
        ]
    }
}

fn render(
    visit: &Visit,
    form: &PlanForm,
    error: Option<&AppError>,
    code: StatusCode,
) -> Result<Response, AppError> {
    render_at(visit, form, error, code, None)
}

/// The form; `editing` names the plan being edited (no group then).
fn render_at(
    visit: &Visit,
    form: &PlanForm,
    error: Option<&AppError>,
    code: StatusCode,
    editing: Option<i64>,
) -> Result<Response, AppError> {
    let t = visit.t();
    let mut fields = form.fields(t, error);
    if editing.is_some() {
        fields.retain(|f| f.name != "group");
    }
    let unplaced = error.filter(|_| !fields.iter().any(|f| f.error.is_some()));
    let page = NewPlanPage {
        c: visit.chrome().at("plans"),
        t,
        error: unplaced.map(ToString::to_string),
        fields,
        action: editing.map_or_else(
            || "/plans/new".to_string(),
            |id| format!("/plans/{id}/edit"),
        ),
        editing: editing.is_some(),
    };
    visit.render(code, &page)
}

/// `GET /plans/new`
pub async fn page(visit: Visit) -> Response {
    if let Err(redirect) = visit.person() {
        return redirect.into_response();
    }
    visit.respond(render(&visit, &PlanForm::default(), None, StatusCode::OK))
}

/// `POST /plans/new`: the new plan's page, or the form with its error.
pub async fn create(
    State(state): State<AppState>,
    visit: Visit,
    CsrfForm(form): CsrfForm<PlanForm>,
) -> Response {
    let person = match visit.person() {
        Ok(person) => person,
        Err(redirect) => return redirect.into_response(),
    };
    let created = match form.body().into_fields() {
        Ok((fields, group)) => service::create(&state, person, fields, group.as_deref()).await,
        Err(e) => Err(e),
    };
    match created {
        Ok(p) => Redirect::to(&format!("/plans/{}", p.id)).into_response(),
        Err(e) if e.status().is_client_error() => {
            visit.respond(render(&visit, &form, Some(&e), e.status()))
        }
        Err(e) => visit.error(&e),
    }
}

/// `GET /plans/:id/edit`: the plan's fields, for its owners.
pub async fn edit_page(
    State(state): State<AppState>,
    visit: Visit,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Response {
    let person = match visit.person() {
        Ok(person) => person,
        Err(redirect) => return redirect.into_response(),
    };
    let result = async {
        let p = service::find(&state.db, &id).await?;
        if !service::standing(&state, person, &p).await?.owner {
            return Err(AppError::Forbidden(
                "only the plan's owners may edit it".into(),
            ));
        }
        let mut themes = super::store::themes_of(&state.db, &[p.status_id]).await?;
        let themes = themes.remove(&p.status_id).unwrap_or_default();
        let form = PlanForm {
            title: p.title.clone(),
            summary: p.summary.clone(),
            content: p.content.clone(),
            themes: themes.join(", "),
            area: AreaForm {
                address: p.area_address.clone().unwrap_or_default(),
            },
            group: String::new(),
        };
        render_at(&visit, &form, None, StatusCode::OK, Some(p.id))
    }
    .await;
    visit.respond(result)
}

/// `POST /plans/:id/edit`: as `PATCH /api/knooppunt/v1/plans/:id`, by the
/// same `service::edit`; an emptied area is cleared.
pub async fn edit(
    State(state): State<AppState>,
    visit: Visit,
    axum::extract::Path(id): axum::extract::Path<String>,
    CsrfForm(form): CsrfForm<PlanForm>,
) -> Response {
    let person = match visit.person() {
        Ok(person) => person,
        Err(redirect) => return redirect.into_response(),
    };
    let mut body = form.body();
    body.group = None;
    if body.area.is_none() {
        body.area = Some(None);
    }
    let edited = async {
        let p = service::find(&state.db, &id).await?;
        let (fields, _) = body.into_fields()?;
        service::edit(&state, person, p, fields).await
    }
    .await;
    match edited {
        Ok(p) => Redirect::to(&format!("/plans/{}", p.id)).into_response(),
        Err(e) if e.status().is_client_error() => {
            let plan_id = id.parse().unwrap_or_default();
            visit.respond(render_at(
                &visit,
                &form,
                Some(&e),
                e.status(),
                Some(plan_id),
            ))
        }
        Err(e) => visit.error(&e),
    }
}
