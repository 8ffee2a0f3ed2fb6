//! OAuth HTTP endpoints for apps: registration, token, revocation, metadata.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use serde::Deserialize;
use serde_json::{Value, json};

use super::scopes::SUPPORTED;
use super::service::{self, IssuedToken};
use crate::auth::extract::Auth;
use crate::error::AppError;
use crate::http::extract::ApiForm;
use crate::state::AppState;

/// OAuth for apps: discovery, tokens and app registration.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/.well-known/oauth-authorization-server", get(metadata))
        .route("/oauth/token", post(token))
        .route("/oauth/revoke", post(revoke))
        .route("/api/v1/apps", post(create_app))
        .route("/api/v1/apps/verify_credentials", get(verify_app))
}

/// Accepts `redirect_uris` as one string or a list.
#[derive(Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn joined(&self) -> String {
        match self {
            OneOrMany::One(s) => s.clone(),
            OneOrMany::Many(v) => v.join("\n"),
        }
    }
}

#[derive(Deserialize)]
pub struct AppForm {
    client_name: Option<String>,
    redirect_uris: Option<OneOrMany>,
    scopes: Option<String>,
    website: Option<String>,
}

/// `POST /api/v1/apps`
pub async fn create_app(
    State(state): State<AppState>,
    crate::guard::ClientIp(client): crate::guard::ClientIp,
    ApiForm(form): ApiForm<AppForm>,
) -> Result<Json<Value>, AppError> {
    state.guards.register_app(client)?;
    let name = form
        .client_name
        .ok_or_else(|| AppError::invalid("client_name", msg!("error-required")))?;
    let uris = form
        .redirect_uris
        .map(|u| u.joined())
        .ok_or_else(|| AppError::invalid("redirect_uris", msg!("error-required")))?;
    let registered = service::register_app(
        &state.db,
        &name,
        &uris,
        form.scopes.as_deref().unwrap_or("read"),
        form.website.as_deref(),
    )
    .await?;
    let app = &registered.app;
    let uris: Vec<&str> = app.redirect_uris.lines().collect();
    Ok(Json(json!({
        "id": app.id.to_string(),
        "name": app.name,
        "website": app.website,
        "scopes": app.scopes.split(' ').collect::<Vec<_>>(),
        "redirect_uri": uris.join("\n"),
        "redirect_uris": uris,
        "client_id": app.client_id,
        "client_secret": registered.client_secret,
        "client_secret_expires_at": 0,
        "vapid_key": "",
    })))
}

/// `GET /api/v1/apps/verify_credentials`
pub async fn verify_app(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Value>, AppError> {
    use sea_orm::EntityTrait;
    let app = super::entity::app::Entity::find_by_id(auth.0.app_id)
        .one(&state.db)
        .await?
        .ok_or_else(|| AppError::Unauthorized(msg!("error-access-token-invalid")))?;
    Ok(Json(json!({
        "id": app.id.to_string(),
        "name": app.name,
        "website": app.website,
        "scopes": app.scopes.split(' ').collect::<Vec<_>>(),
        "redirect_uris": app.redirect_uris.lines().collect::<Vec<_>>(),
        "vapid_key": "",
    })))
}

#[derive(Deserialize)]
pub struct TokenForm {
    grant_type: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    code: Option<String>,
    redirect_uri: Option<String>,
    code_verifier: Option<String>,
    username: Option<String>,
    password: Option<String>,
    refresh_token: Option<String>,
    scope: Option<String>,
}

/// Client credentials from the form or HTTP Basic auth (RFC 6749 2.3.1).
fn client_credentials_of(headers: &HeaderMap, form: &TokenForm) -> Option<(String, String)> {
    if let (Some(id), Some(secret)) = (&form.client_id, &form.client_secret) {
        return Some((id.clone(), secret.clone()));
    }
    use base64::Engine;
    let value = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let encoded = value.strip_prefix("Basic ")?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((id.to_string(), secret.to_string()))
}

fn token_response(token: IssuedToken) -> Json<Value> {
    let mut body = json!({
        "access_token": token.access_token,
        "token_type": "Bearer",
        "scope": token.scopes.to_string(),
        "created_at": token.created_at,
    });
    if let Some(refresh) = token.refresh_token {
        body["refresh_token"] = json!(refresh);
    }
    Json(body)
}

/// `POST /oauth/token`: authorization_code, password, client_credentials, refresh_token.
pub async fn token(
    State(state): State<AppState>,
    crate::guard::ClientIp(client): crate::guard::ClientIp,
    headers: HeaderMap,
    ApiForm(form): ApiForm<TokenForm>,
) -> Result<Json<Value>, AppError> {
    let (client_id, client_secret) = client_credentials_of(&headers, &form).ok_or_else(|| {
        AppError::oauth("invalid_client", "client_id and client_secret are required")
    })?;
    let app = service::authenticate_client(&state.db, &client_id, &client_secret).await?;
    let missing = |field: &str| AppError::oauth("invalid_request", format!("{field} is required"));
    let issued = match form.grant_type.as_deref() {
        Some("authorization_code") => {
            let code = form.code.as_deref().ok_or_else(|| missing("code"))?;
            service::exchange_code(
                &state.db,
                &app,
                code,
                form.redirect_uri.as_deref(),
                form.code_verifier.as_deref(),
            )
            .await?
        }
        Some("password") => {
            let username = form
                .username
                .as_deref()
                .ok_or_else(|| missing("username"))?;
            let password = form
                .password
                .as_deref()
                .ok_or_else(|| missing("password"))?;
            service::password_grant(
                &state,
                &app,
                username,
                password,
                form.scope.as_deref(),
                client,
            )
            .await?
        }
        Some("client_credentials") => {
            service::client_credentials(&state.db, &app, form.scope.as_deref()).await?
        }
        Some("refresh_token") => {
            let refresh = form
                .refresh_token
                .as_deref()
                .ok_or_else(|| missing("refresh_token"))?;
            service::refresh(&state.db, &app, refresh, form.scope.as_deref()).await?
        }
        Some(other) => {
            return Err(AppError::oauth(
                "unsupported_grant_type",
                format!("grant_type {other:?} is not supported"),
            ));
        }
        None => return Err(missing("grant_type")),
    };
    Ok(token_response(issued))
}

#[derive(Deserialize)]
pub struct RevokeForm {
    client_id: Option<String>,
    client_secret: Option<String>,
    token: Option<String>,
}

/// `POST /oauth/revoke`
pub async fn revoke(
    State(state): State<AppState>,
    ApiForm(form): ApiForm<RevokeForm>,
) -> Result<Json<Value>, AppError> {
    let (Some(id), Some(secret)) = (&form.client_id, &form.client_secret) else {
        return Err(AppError::oauth(
            "invalid_client",
            "client_id and client_secret are required",
        ));
    };
    let app = service::authenticate_client(&state.db, id, secret).await?;
    let token = form
        .token
        .ok_or_else(|| AppError::oauth("invalid_request", "token is required"))?;
    service::revoke(&state.db, &app, &token).await?;
    Ok(Json(json!({})))
}

/// `GET /.well-known/oauth-authorization-server` (RFC 8414).
pub async fn metadata(State(state): State<AppState>) -> Json<Value> {
    let base = state.config.base_url();
    let mut grants = vec!["authorization_code", "client_credentials", "refresh_token"];
    if state.config.api.password_grant {
        grants.push("password");
    }
    Json(json!({
        "issuer": format!("{base}/"),
        "service_documentation": "https://docs.joinmastodon.org/",
        "authorization_endpoint": format!("{base}/oauth/authorize"),
        "token_endpoint": format!("{base}/oauth/token"),
        "revocation_endpoint": format!("{base}/oauth/revoke"),
        "app_registration_endpoint": format!("{base}/api/v1/apps"),
        "scopes_supported": SUPPORTED,
        "response_types_supported": ["code"],
        "response_modes_supported": ["query", "fragment", "form_post"],
        "grant_types_supported": grants,
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "code_challenge_methods_supported": ["S256"],
    }))
}
