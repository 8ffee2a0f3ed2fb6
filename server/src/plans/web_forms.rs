//! The forms on a plan's page: support, arguments, and steps through the
//! states. Each posts the API's field names to the same service as the API
//! (`service::argue`, `service::transition`, …), so the rules and their
//! messages are the API's; a refusal shows the page again with the error
//! next to its field and the input kept.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};

use super::api::{ArgumentBody, TransitionBody};
use super::service;
use crate::auth::web::{CsrfForm, NoFields, Visit};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::state::AppState;

/// What a refused form on the plan's page keeps, and why it was refused.
#[derive(Debug, Default)]
pub struct Kept {
    /// The argument's text and stance.
    pub text: String,
    pub stance: String,
    pub text_error: Option<String>,
    /// The reason written for a step, and why the step was refused.
    pub note: String,
    pub step_error: Option<String>,
    /// The other forms (comment, poll, advice, …): which one was refused,
    /// its values by field name, and the error with the field it belongs
    /// to (none: the form's as a whole).
    pub form: &'static str,
    pub values: Vec<(String, String)>,
    pub field: Option<String>,
    pub error: Option<String>,
}

impl Kept {
    /// What form `form` kept in its field `name`.
    pub fn val(&self, form: &str, name: &str) -> String {
        if self.form != form {
            return String::new();
        }
        self.values
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// The refusal of form `form` at its field `name`.
    pub fn error_at(&self, form: &str, name: &str) -> Option<String> {
        (self.form == form && self.field.as_deref() == Some(name))
            .then(|| self.error.clone())
            .flatten()
    }

    /// The refusal of form `form` as a whole.
    pub fn error_of(&self, form: &str) -> Option<String> {
        (self.form == form && self.field.is_none())
            .then(|| self.error.clone())
            .flatten()
    }

    /// A refused form: its error goes next to its field when it names one
    /// of `fields`, else above the form.
    pub fn refused(
        t: Tr,
        form: &'static str,
        values: Vec<(&str, String)>,
        fields: &[&str],
        error: &AppError,
    ) -> Kept {
        let (field, message) = match error {
            AppError::Invalid { field, message } => {
                let field = fields
                    .iter()
                    .find(|f| field == *f || field.starts_with(&format!("{f}.")))
                    .map(|f| f.to_string());
                (field, t.msg(message))
            }
            other => (None, other.text(t)),
        };
        Kept {
            form,
            values: values
                .into_iter()
                .map(|(n, v)| (n.to_string(), v))
                .collect(),
            field,
            error: Some(message),
            ..Kept::default()
        }
    }

    fn argument(t: Tr, body: &ArgumentBody, error: &AppError) -> Kept {
        let message = error.field_text(t);
        Kept {
            text: body.text.clone(),
            stance: body.stance.clone().unwrap_or_default(),
            text_error: Some(message),
            ..Kept::default()
        }
    }

    fn step(t: Tr, body: &TransitionBody, error: &AppError) -> Kept {
        Kept {
            note: body.note.clone(),
            step_error: Some(error.text(t)),
            ..Kept::default()
        }
    }
}

/// The plan's page after a form: back to it, or shown again with the refusal.
pub(super) async fn after(
    state: &AppState,
    headers: &HeaderMap,
    visit: &Visit,
    id: &str,
    result: Result<(), (AppError, Kept)>,
    anchor: &str,
) -> Response {
    match result {
        Ok(()) => Redirect::to(&format!("/plans/{id}#{anchor}")).into_response(),
        Err((e, kept)) if e.status().is_client_error() => {
            let code = e.status();
            let page = super::web::plan_page(state, headers, visit, id, kept, code).await;
            visit.respond(page)
        }
        Err((e, _)) => visit.error(&e),
    }
}

/// `POST /plans/:id/support` and `/plans/:id/unsupport`: a like of the
/// plan's post, as `POST`/`DELETE /api/knooppunt/v1/plans/:id/support`.
pub async fn support(
    State(state): State<AppState>,
    visit: Visit,
    Path((id, action)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Response {
    let person = match visit.person() {
        Ok(person) => person,
        Err(redirect) => return redirect.into_response(),
    };
    let result = async {
        let p = service::find(&state.db, &id).await?;
        let status_id = p.status_id.to_string();
        match action.as_str() {
            "support" => crate::statuses::service::favourite(&state, person, &status_id).await,
            "unsupport" => crate::statuses::service::unfavourite(&state, person, &status_id).await,
            _ => Err(AppError::NotFound(msg!("error-no-such-action"))),
        }?;
        Ok::<_, AppError>(())
    }
    .await;
    match result {
        Ok(()) => Redirect::to(&format!("/plans/{id}#support")).into_response(),
        Err(e) => visit.error(&e),
    }
}

/// `POST /plans/:id/arguments`: `text` and `stance`, as the API.
pub async fn argue(
    State(state): State<AppState>,
    headers: HeaderMap,
    mut visit: Visit,
    Path(id): Path<String>,
    CsrfForm(body): CsrfForm<ArgumentBody>,
) -> Response {
    // A refusal shows the plan's page: its forms return there.
    visit.here = format!("/plans/{id}");
    let person = match visit.person() {
        Ok(person) => person,
        Err(redirect) => return redirect.into_response(),
    };
    let result = async {
        let p = service::find(&state.db, &id).await?;
        let stance = body.stance.as_deref();
        service::argue(&state, person, &p, body.text.clone(), stance).await?;
        Ok::<_, AppError>(())
    }
    .await
    .map_err(|e| {
        let kept = Kept::argument(visit.t(), &body, &e);
        (e, kept)
    });
    after(&state, &headers, &visit, &id, result, "arguments").await
}

/// `POST /plans/:id/transition`: `to` and `note`, as the API; who may take
/// which step is the service's rule.
pub async fn transition(
    State(state): State<AppState>,
    headers: HeaderMap,
    mut visit: Visit,
    Path(id): Path<String>,
    CsrfForm(body): CsrfForm<TransitionBody>,
) -> Response {
    visit.here = format!("/plans/{id}");
    let person = match visit.person() {
        Ok(person) => person,
        Err(redirect) => return redirect.into_response(),
    };
    let result = async {
        let p = service::find(&state.db, &id).await?;
        service::transition(&state, person, p, &body.to, &body.note).await?;
        Ok::<_, AppError>(())
    }
    .await
    .map_err(|e| {
        let kept = Kept::step(visit.t(), &body, &e);
        (e, kept)
    });
    after(&state, &headers, &visit, &id, result, "state").await
}
