//! `/plans/new`: the form to write a plan. It posts the API's field names
//! (`title`, `summary`, `content`, `themes`, `area[address]`,
//! `cost_estimate` and `requested_budget` in euros, `group`), read
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
    /// Euros as people write them (`1250`, `1250.50`, `1.250,50`).
    #[serde(default)]
    cost_estimate: String,
    #[serde(default)]
    requested_budget: String,
}

/// An amount in euros as people write it, in cents; `None` when empty.
fn cents(field: &str, text: &str) -> Result<Option<i64>, AppError> {
    let text: String = text
        .trim()
        .trim_start_matches('€')
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if text.is_empty() {
        return Ok(None);
    }
    let bad = || AppError::invalid(field, msg!("error-must-amount-in-euros-such-as"));
    // A comma is the decimal separator where it is written, and dots then
    // group thousands (Dutch); without one, dots before three digits group
    // thousands too (`1.000`), and a dot before one or two is the decimal
    // separator (`1250.50`).
    let thousands = text.split('.').skip(1).all(|g| g.len() == 3) && text.contains('.');
    let normal = if text.contains(',') {
        text.replace('.', "").replace(',', ".")
    } else if thousands {
        text.replace('.', "")
    } else {
        text
    };
    let (whole, fraction) = normal.split_once('.').unwrap_or((&normal, ""));
    if whole.is_empty()
        || fraction.len() > 2
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !fraction.chars().all(|c| c.is_ascii_digit())
    {
        return Err(bad());
    }
    let euros: i64 = whole.parse().map_err(|_| bad())?;
    let cents: i64 = format!("{fraction:0<2}").parse().map_err(|_| bad())?;
    euros
        .checked_mul(100)
        .and_then(|c| c.checked_add(cents))
        .map(Some)
        .ok_or_else(bad)
}

/// Cents as the form shows them again (see [`Tr::amount_input`]).
fn euros(cents: Option<i64>, t: Tr) -> String {
    cents.map(|c| t.amount_input(c)).unwrap_or_default()
}

fn money(cents: Option<i64>) -> Option<Option<super::api::Money>> {
    cents.map(|amount_cents| {
        Some(super::api::Money {
            amount_cents,
            currency: None,
        })
    })
}

impl PlanForm {
    fn body(&self) -> Result<PlanBody, AppError> {
        let themes: Vec<String> = self
            .themes
            .split(|c: char| c == ',' || c.is_whitespace())
            .map(|w| w.trim_start_matches('#'))
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        let address = self.area.address.trim();
        let group = self.group.trim().trim_start_matches('@');
        let cost = cents("cost_estimate", &self.cost_estimate)?;
        let budget = cents("requested_budget", &self.requested_budget)?;
        Ok(PlanBody {
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
            cost_estimate: money(cost),
            requested_budget: money(budget),
            group: (!group.is_empty()).then(|| group.to_string()),
        })
    }

    fn fields(&self, t: Tr, error: Option<&AppError>) -> Vec<Field> {
        let error_of = |name: &str| match error {
            Some(AppError::Invalid { field, message }) if field == name => Some(t.msg(message)),
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
            error: error_of(if id == "area" { "area.address" } else { name }).or_else(|| {
                // The API names the amount inside the money: `cost_estimate.amount_cents`.
                match error {
                    Some(AppError::Invalid { field, message })
                        if field.starts_with(&format!("{name}.")) && !name.contains('[') =>
                    {
                        Some(t.msg(message))
                    }
                    _ => None,
                }
            }),
            kind: if long { "textarea" } else { "text" },
        };
        let mut themes = field("themes", "themes", &self.themes, false);
        themes.hint = Some(t.get("plan-new-themes-hint"));
        let mut group = field("group", "group", &self.group, false);
        group.hint = Some(t.get("plan-new-group-hint"));
        let mut cost = field("cost_estimate", "cost_estimate", &self.cost_estimate, false);
        cost.hint = Some(t.get("plan-new-money-hint"));
        let mut budget = field(
            "requested_budget",
            "requested_budget",
            &self.requested_budget,
            false,
        );
        budget.hint = Some(t.get("plan-new-money-hint"));
        vec![
            field("title", "title", &self.title, false),
            field("summary", "summary", &self.summary, true),
            field("content", "content", &self.content, true),
            themes,
            field("area[address]", "area", &self.area.address, false),
            cost,
            budget,
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
    let created = match form.body().and_then(PlanBody::into_fields) {
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
            return Err(AppError::Forbidden(msg!("error-plans-owners-edit")));
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
            cost_estimate: euros(p.cost_estimate_cents, visit.t()),
            requested_budget: euros(p.requested_budget_cents, visit.t()),
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
    let edited = async {
        let mut body = form.body()?;
        body.group = None;
        // Emptied fields are cleared.
        if body.area.is_none() {
            body.area = Some(None);
        }
        if body.cost_estimate.is_none() {
            body.cost_estimate = Some(None);
        }
        if body.requested_budget.is_none() {
            body.requested_budget = Some(None);
        }
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

#[cfg(test)]
mod tests {
    use super::cents;

    #[test]
    fn amounts_read_as_people_write_them() {
        for (text, want) in [
            ("1250", 125_000),
            ("1250.5", 125_050),
            ("1250,50", 125_050),
            ("1.250,50", 125_050),
            ("€ 1.000", 100_000),
            ("1.000.000", 100_000_000),
            ("0,05", 5),
        ] {
            assert_eq!(
                cents("cost_estimate", text).ok(),
                Some(Some(want)),
                "{text}"
            );
        }
        assert_eq!(cents("cost_estimate", " ").ok(), Some(None));
        for bad in ["twaalf", "1.2.3", "12,345", "-5", ",5", "1e3"] {
            assert!(cents("cost_estimate", bad).is_err(), "{bad}");
        }
    }
}
