//! What every HTTP adapter shares: request extractors (JSON or form bodies,
//! `key[]` arrays, bearer tokens with scopes), keyset pagination with `Link`
//! headers, and the wire format of times.

pub mod extract;
pub mod pagination;

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use chrono::{DateTime, SecondsFormat, Utc};

use crate::error::AppError;
use crate::guard::{ClientIp, client_ip};
use crate::state::AppState;

/// Times on the wire (Mastodon and ActivityPub): RFC 3339 with milliseconds, UTC.
pub fn time(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The value of a cookie in the request, if present.
pub fn cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_string())
}

/// Every error body, as the OpenAPI document describes it: a message, and
/// for OAuth errors the RFC 6749 code.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ApiError {
    /// What went wrong, or an OAuth error code.
    pub error: String,
    /// For OAuth errors: the explanation.
    pub error_description: Option<String>,
}

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .ok_or_else(|| AppError::Internal("the server runs without peer addresses".into()))?;
        Ok(ClientIp(client_ip(
            peer,
            parts
                .headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok()),
            &state.config.http.trusted_proxies,
        )))
    }
}
