//! `/oauth/authorize`: sign in if needed, then a consent page; approving issues
//! a code (shown for out-of-band clients, else redirected with `state`).

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::OOB;
use super::service;
use crate::auth::web::{CsrfForm, MessagePage, Visit};
use crate::error::AppError;
use crate::http::extract::ApiQuery;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::web::Chrome;

#[derive(Deserialize)]
pub struct AuthorizeParams {
    response_type: Option<String>,
    client_id: Option<String>,
    redirect_uri: Option<String>,
    scope: Option<String>,
    state: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
    decision: Option<String>,
}

#[derive(Template)]
#[template(path = "authorize.html")]
struct AuthorizePage {
    c: Chrome,
    t: Tr,
    app_name: String,
    username: String,
    scopes: Vec<String>,
    client_id: String,
    redirect_uri: String,
    scope: String,
    state: String,
    code_challenge: String,
    code_challenge_method: String,
}

/// Checks the request; errors here are shown, never redirected (the redirect URI is not yet trusted).
async fn validate(
    state: &AppState,
    params: &AuthorizeParams,
) -> Result<
    (
        super::entity::app::Model,
        String,
        super::scopes::Scopes,
        Option<String>,
    ),
    AppError,
> {
    if params.response_type.as_deref().unwrap_or("code") != "code" {
        return Err(AppError::BadRequest("response_type must be code".into()));
    }
    let client_id = params
        .client_id
        .as_deref()
        .ok_or_else(|| AppError::BadRequest("client_id is required".into()))?;
    let app = service::find_app(&state.db, client_id)
        .await?
        .ok_or_else(|| AppError::BadRequest("unknown client_id".into()))?;
    let redirect_uri = match params.redirect_uri.as_deref().filter(|u| !u.is_empty()) {
        Some(uri) => uri.to_string(),
        None => app.redirect_uris.lines().next().unwrap_or(OOB).to_string(),
    };
    if !service::redirect_uri_allowed(&app, &redirect_uri) {
        return Err(AppError::BadRequest(
            "redirect_uri is not registered for this app".into(),
        ));
    }
    // Apps registered before the rules were tightened keep their list; a
    // code still goes only to a redirect URI the rules allow.
    service::check_redirect_uri(&redirect_uri)
        .map_err(|_| AppError::BadRequest("redirect_uri is not allowed".into()))?;
    let scopes = service::requested_scopes(&app, params.scope.as_deref())?;
    let challenge = match (
        params.code_challenge.as_deref(),
        params.code_challenge_method.as_deref(),
    ) {
        (None | Some(""), _) => None,
        (Some(c), Some("S256") | None | Some("")) => Some(c.to_string()),
        (Some(_), Some(other)) => {
            return Err(AppError::BadRequest(format!(
                "code_challenge_method {other} is not supported; use S256"
            )));
        }
    };
    Ok((app, redirect_uri, scopes, challenge))
}

/// `GET /oauth/authorize`
pub async fn authorize_page(
    State(state): State<AppState>,
    visit: Visit,
    ApiQuery(params): ApiQuery<AuthorizeParams>,
) -> Result<Response, AppError> {
    let (app, _, scopes, challenge) = validate(&state, &params).await?;
    let Some(person) = visit.person.as_ref() else {
        // Come back here after signing in.
        let here = format!("/oauth/authorize?{}", serde_urlencoded_pairs(&params));
        let target = format!("/auth/sign_in?return_to={}", url_encode(&here));
        return Ok(Redirect::to(&target).into_response());
    };
    let scope = scopes.to_string();
    let page = AuthorizePage {
        c: visit.chrome(),
        t: visit.t(),
        app_name: app.name,
        username: person.actor.username.clone(),
        scopes: scope.split(' ').map(str::to_string).collect(),
        client_id: app.client_id,
        // As given: the token exchange must repeat it only if it was given.
        redirect_uri: params.redirect_uri.clone().unwrap_or_default(),
        scope,
        state: params.state.unwrap_or_default(),
        code_challenge: challenge.unwrap_or_default(),
        code_challenge_method: if params.code_challenge.is_some() {
            "S256".into()
        } else {
            String::new()
        },
    };
    visit.render(StatusCode::OK, &page)
}

/// `POST /oauth/authorize`: the person's decision.
pub async fn authorize(
    State(state): State<AppState>,
    visit: Visit,
    CsrfForm(params): CsrfForm<AuthorizeParams>,
) -> Result<Response, AppError> {
    let person = visit
        .person
        .as_ref()
        .ok_or_else(|| AppError::Unauthorized(msg!("error-sign-in-first")))?;
    let (app, redirect_uri, scopes, challenge) = validate(&state, &params).await?;
    let client_state = params.state.clone().filter(|s| !s.is_empty());
    if params.decision.as_deref() != Some("approve") {
        if redirect_uri == OOB {
            return Err(AppError::Forbidden(msg!("error-access-denied")));
        }
        return Ok(Redirect::to(&with_query(
            &redirect_uri,
            &[("error", "access_denied")],
            client_state.as_deref(),
        ))
        .into_response());
    }
    // Stored as the authorisation request gave it (empty when it did not):
    // the token exchange must then repeat it exactly.
    let given = params
        .redirect_uri
        .as_deref()
        .filter(|u| !u.is_empty())
        .unwrap_or_default();
    let code =
        service::issue_code(&state.db, &app, person.actor.id, given, &scopes, challenge).await?;
    if redirect_uri == OOB {
        let t = visit.t();
        let page = MessagePage {
            c: visit.chrome(),
            t,
            title: t.get("authorize-code-title"),
            message: t.get("authorize-code-message"),
            code: Some(code),
        };
        return visit.render(StatusCode::OK, &page);
    }
    Ok(Redirect::to(&with_query(
        &redirect_uri,
        &[("code", &code)],
        client_state.as_deref(),
    ))
    .into_response())
}

fn with_query(uri: &str, pairs: &[(&str, &str)], state: Option<&str>) -> String {
    match url::Url::parse(uri) {
        Ok(mut url) => {
            {
                let mut q = url.query_pairs_mut();
                for (k, v) in pairs {
                    q.append_pair(k, v);
                }
                if let Some(s) = state {
                    q.append_pair("state", s);
                }
            }
            url.to_string()
        }
        Err(_) => uri.to_string(),
    }
}

fn url_encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The authorisation parameters as a query string, to resume after sign-in.
fn serde_urlencoded_pairs(p: &AuthorizeParams) -> String {
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in [
        ("response_type", &p.response_type),
        ("client_id", &p.client_id),
        ("redirect_uri", &p.redirect_uri),
        ("scope", &p.scope),
        ("state", &p.state),
        ("code_challenge", &p.code_challenge),
        ("code_challenge_method", &p.code_challenge_method),
    ] {
        if let Some(v) = v {
            out.append_pair(k, v);
        }
    }
    out.finish()
}
