//! Sign-in, sign-up and sign-out pages. They work without JavaScript.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{SESSION_COOKIE, csrf, service};
use crate::config::Registrations;
use crate::error::AppError;
use crate::http::extract::ApiQuery;
use crate::i18n::{AuthText, Lang};
use crate::state::AppState;

/// Renders a template as an HTML response with a status and optional cookie.
pub fn html_page(
    status: StatusCode,
    page: &impl Template,
    cookie: Option<HeaderValue>,
) -> Result<Response, AppError> {
    let body = page
        .render()
        .map_err(|e| AppError::Internal(format!("template: {e}")))?;
    let mut response = (status, Html(body)).into_response();
    if let Some(cookie) = cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    Ok(response)
}

/// Where to go after signing in: a path on this site, or `/`. The value is
/// read as a URL relative to our own origin, and anything that lands on
/// another origin is refused, as are the characters browsers strip or turn
/// into slashes (tabs, newlines, backslashes, encoded slashes).
pub fn safe_return_to(config: &crate::config::Config, raw: Option<&str>) -> String {
    let home = || "/".to_string();
    let Some(raw) = raw.map(str::trim) else {
        return home();
    };
    // Encoded slashes matter in the path, where a decoding proxy or browser
    // could make `/%2F%2Fevil.example` a path to another host; in the query
    // (a return to /oauth/authorize carries an encoded redirect_uri) they
    // are only data.
    let path = raw
        .split(['?', '#'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    if !raw.starts_with('/')
        || raw.starts_with("//")
        || raw.chars().any(|c| c.is_control() || c == '\\')
        || ["%2f", "%5c", "%09", "%0a", "%0d", "%00"]
            .iter()
            .any(|e| path.contains(e))
    {
        return home();
    }
    let Ok(base) = url::Url::parse(&config.base_url()) else {
        return home();
    };
    match base.join(raw) {
        // `/..//x` resolves to the path `//x`, which a browser would take for
        // another host: the resolved path is checked again.
        Ok(url) if url.origin() == base.origin() && !url.path().starts_with("//") => {
            let mut path = url.path().to_string();
            if let Some(q) = url.query() {
                path.push('?');
                path.push_str(q);
            }
            path
        }
        _ => home(),
    }
}

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage<'a> {
    lang: &'static str,
    instance_name: &'a str,
    t: &'static AuthText,
    csrf_token: String,
    return_to: String,
    username: String,
    error: Option<String>,
    sign_up_open: bool,
}

#[derive(Deserialize)]
pub struct ReturnTo {
    return_to: Option<String>,
}

/// `GET /auth/sign_in`
pub async fn sign_in_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<ReturnTo>,
) -> Result<Response, AppError> {
    let return_to = safe_return_to(&state.config, query.return_to.as_deref());
    if current_person(&state, &headers).await?.is_some() {
        return Ok(Redirect::to(&return_to).into_response());
    }
    render_sign_in(
        &state,
        &headers,
        return_to,
        String::new(),
        None,
        StatusCode::OK,
    )
}

fn render_sign_in(
    state: &AppState,
    headers: &HeaderMap,
    return_to: String,
    username: String,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = Lang::negotiate(headers);
    let secure = !state.config.federation.allow_http;
    let (csrf_token, cookie) = csrf::token_for_form(headers, secure)?;
    let page = SignInPage {
        lang: lang.code(),
        instance_name: &state.config.instance.name,
        t: lang.auth(),
        csrf_token,
        return_to,
        username,
        error,
        sign_up_open: state.config.instance.registrations != Registrations::Closed,
    };
    html_page(status, &page, cookie)
}

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    csrf_token: String,
    return_to: Option<String>,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

/// `POST /auth/sign_in`
pub async fn sign_in(
    State(state): State<AppState>,
    crate::guard::ClientIp(client): crate::guard::ClientIp,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Result<Response, AppError> {
    csrf::verify(&headers, &form.csrf_token)?;
    let return_to = safe_return_to(&state.config, form.return_to.as_deref());
    match service::check_login(&state, &form.username, &form.password, client).await {
        Ok(person) => {
            let token = service::start_session(&state.db, person.actor.id).await?;
            let secure = !state.config.federation.allow_http;
            let mut response = Redirect::to(&return_to).into_response();
            if let Some(cookie) = csrf::set_cookie(SESSION_COOKIE, &token, secure, Some(30)) {
                response.headers_mut().append(header::SET_COOKIE, cookie);
            }
            tracing::info!(actor = person.actor.id, "signed in");
            Ok(response)
        }
        Err(
            e @ (AppError::Unauthorized(_)
            | AppError::TooManyRequests(_)
            | AppError::RateLimited { .. }
            | AppError::Forbidden(_)),
        ) => render_sign_in(
            &state,
            &headers,
            return_to,
            form.username,
            Some(e.to_string()),
            e.status(),
        ),
        Err(e) => Err(e),
    }
}

/// `POST /auth/sign_out`
pub async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, AppError> {
    csrf::verify(&headers, &form.csrf_token)?;
    if let Some(cookie) = csrf::read_cookie(&headers, SESSION_COOKIE) {
        service::end_session(&state.db, &cookie).await?;
    }
    let secure = !state.config.federation.allow_http;
    let mut response = Redirect::to("/").into_response();
    if let Some(cookie) = csrf::set_cookie(SESSION_COOKIE, "", secure, Some(0)) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    Ok(response)
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf_token: String,
}

/// The signed-in person of a browser request, if any.
pub async fn current_person(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<service::Person>, AppError> {
    match csrf::read_cookie(headers, SESSION_COOKIE) {
        Some(cookie) => service::session_person(&state.db, &cookie).await,
        None => Ok(None),
    }
}

/// A page with a title, a message and optionally an authorisation code.
#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage<'a> {
    pub lang: &'static str,
    pub instance_name: &'a str,
    pub title: &'static str,
    pub message: &'static str,
    pub code: Option<String>,
}
