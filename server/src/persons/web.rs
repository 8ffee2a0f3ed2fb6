//! Signing up in the browser: the form, and the new person signed in (or
//! waiting for approval).

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::Role;
use crate::auth::web::{CsrfForm, MessagePage, Visit, signed_in_redirect};
use crate::config::Registrations;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::web::Chrome;

#[derive(Template)]
#[template(path = "sign_up.html")]
struct SignUpPage {
    c: Chrome,
    t: Tr,
    closed: bool,
    approval: bool,
    error: Option<String>,
    name: String,
    email: String,
    roles: Vec<RoleOption>,
}

/// A choice of the role select.
struct RoleOption {
    value: &'static str,
    label: String,
    selected: bool,
}

pub(crate) const ROLES: [Role; 5] = [
    Role::Resident,
    Role::Entrepreneur,
    Role::Professional,
    Role::Municipality,
    Role::Cooperative,
];

fn render_sign_up(
    state: &AppState,
    visit: &Visit,
    form: Option<&SignUpForm>,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let t = visit.t();
    let registrations = state.config.instance.registrations;
    let page = SignUpPage {
        c: visit.chrome().at("sign-up"),
        t,
        closed: registrations == Registrations::Closed,
        approval: registrations == Registrations::Approval,
        error,
        name: form.map(|f| f.name.clone()).unwrap_or_default(),
        email: form.map(|f| f.email.clone()).unwrap_or_default(),
        roles: ROLES
            .iter()
            .map(|r| RoleOption {
                value: r.as_str(),
                label: t.get(&format!("role-{}", r.as_str())),
                selected: Some(*r) == form.and_then(|f| f.role),
            })
            .collect(),
    };
    visit.render(status, &page)
}

/// `GET /auth/sign_up`
pub async fn sign_up_page(
    State(state): State<AppState>,
    visit: Visit,
) -> Result<Response, AppError> {
    render_sign_up(&state, &visit, None, None, StatusCode::OK)
}

#[derive(Deserialize)]
pub struct SignUpForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    role: Option<Role>,
}

/// `POST /auth/sign_up`: creates the account; signs in unless approval is
/// needed, and then the page says so.
pub async fn sign_up(
    State(state): State<AppState>,
    crate::guard::ClientIp(client): crate::guard::ClientIp,
    visit: Visit,
    CsrfForm(form): CsrfForm<SignUpForm>,
) -> Result<Response, AppError> {
    let registrations = state.config.instance.registrations;
    if registrations == Registrations::Closed {
        return render_sign_up(&state, &visit, None, None, StatusCode::FORBIDDEN);
    }
    if let Err(e) = state.guards.sign_up(client) {
        let message = e.text(visit.t());
        return render_sign_up(&state, &visit, Some(&form), Some(message), e.status());
    }
    let approved = registrations == Registrations::Open;
    // Hashing the password and making the key pair share the bound on
    // password work.
    let _slot = state.guards.password_slot().await?;
    let created = super::service::create(
        &state.db,
        &state.config,
        super::service::NewPerson {
            name: &form.name,
            email: &form.email,
            password: &form.password,
            role: form.role.unwrap_or_default(),
            admin: false,
            approved,
        },
    )
    .await;
    let person = match created {
        Ok(person) => person,
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict(_))) => {
            let status = e.status();
            return render_sign_up(&state, &visit, Some(&form), Some(e.text(visit.t())), status);
        }
        Err(e) => return Err(e),
    };
    if !approved {
        let t = visit.t();
        let page = MessagePage {
            c: visit.chrome(),
            t,
            title: t.get("sign-up"),
            message: t.get("sign-up-waiting"),
            code: None,
        };
        return visit.render(StatusCode::CREATED, &page);
    }
    signed_in_redirect(&state, person.id, "/home").await
}
