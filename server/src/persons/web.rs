//! Signing up in the browser: the form, and the new person signed in (or
//! waiting for approval).

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::Role;
use crate::auth::web::{MessagePage, html_page};
use crate::auth::{SESSION_COOKIE, csrf, service};
use crate::config::Registrations;
use crate::error::AppError;
use crate::i18n::{AuthText, Lang};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "sign_up.html")]
struct SignUpPage<'a> {
    lang: &'static str,
    instance_name: &'a str,
    t: &'static AuthText,
    csrf_token: String,
    closed: bool,
    approval: bool,
    error: Option<String>,
    name: String,
    email: String,
    roles: Vec<(&'static str, &'static str)>,
}

const ROLES: [Role; 5] = [
    Role::Resident,
    Role::Entrepreneur,
    Role::Professional,
    Role::Municipality,
    Role::Cooperative,
];

fn render_sign_up(
    state: &AppState,
    headers: &HeaderMap,
    form: Option<&SignUpForm>,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = Lang::negotiate(headers);
    let t = lang.auth();
    let secure = !state.config.federation.allow_http;
    let (csrf_token, cookie) = csrf::token_for_form(headers, secure)?;
    let registrations = state.config.instance.registrations;
    let page = SignUpPage {
        lang: lang.code(),
        instance_name: &state.config.instance.name,
        t,
        csrf_token,
        closed: registrations == Registrations::Closed,
        approval: registrations == Registrations::Approval,
        error,
        name: form.map(|f| f.name.clone()).unwrap_or_default(),
        email: form.map(|f| f.email.clone()).unwrap_or_default(),
        roles: ROLES.iter().map(|r| r.as_str()).zip(t.roles).collect(),
    };
    html_page(status, &page, cookie)
}

/// `GET /auth/sign_up`
pub async fn sign_up_page(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    render_sign_up(&state, &headers, None, None, StatusCode::OK)
}

#[derive(Deserialize)]
pub struct SignUpForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    role: Option<Role>,
}

/// `POST /auth/sign_up`: creates the account; signs in unless approval is needed.
pub async fn sign_up(
    State(state): State<AppState>,
    crate::guard::ClientIp(client): crate::guard::ClientIp,
    headers: HeaderMap,
    Form(form): Form<SignUpForm>,
) -> Result<Response, AppError> {
    csrf::verify(&headers, &form.csrf_token)?;
    let registrations = state.config.instance.registrations;
    if registrations == Registrations::Closed {
        return render_sign_up(&state, &headers, None, None, StatusCode::FORBIDDEN);
    }
    if let Err(e) = state.guards.sign_up(client) {
        let message = e.to_string();
        return render_sign_up(&state, &headers, Some(&form), Some(message), e.status());
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
            return render_sign_up(&state, &headers, Some(&form), Some(e.to_string()), status);
        }
        Err(e) => return Err(e),
    };
    let lang = Lang::negotiate(&headers);
    if !approved {
        let page = MessagePage {
            lang: lang.code(),
            instance_name: &state.config.instance.name,
            title: lang.auth().sign_up,
            message: lang.auth().waiting,
            code: None,
        };
        return html_page(StatusCode::CREATED, &page, None);
    }
    let token = service::start_session(&state.db, person.id).await?;
    let secure = !state.config.federation.allow_http;
    let mut response = Redirect::to("/").into_response();
    if let Some(cookie) = csrf::set_cookie(SESSION_COOKIE, &token, secure, Some(30)) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    Ok(response)
}
