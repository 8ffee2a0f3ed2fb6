//! CSRF protection for HTML forms: a double-submit token. The token lives in an
//! HttpOnly, SameSite=Lax cookie and in a hidden form field; a POST is accepted
//! only when both agree. Works before login, so sign-in and sign-up are covered.

use axum::http::{HeaderMap, HeaderValue};
use cookie::{Cookie, SameSite};

use super::CSRF_COOKIE;
use crate::error::AppError;
use crate::secrets::{constant_time_eq, random_token};

/// The value of a cookie in the request, if present.
pub fn read_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    crate::http::cookie(headers, name)
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, path /, Secure unless plain http is allowed.
pub fn set_cookie(
    name: &str,
    value: &str,
    secure: bool,
    max_age_days: Option<i64>,
) -> Option<HeaderValue> {
    let mut cookie = Cookie::build((name.to_string(), value.to_string()))
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/")
        .secure(secure);
    if let Some(days) = max_age_days {
        cookie = cookie.max_age(cookie::time::Duration::days(days));
    }
    HeaderValue::from_str(&cookie.build().to_string()).ok()
}

/// The request's CSRF token, or a new one with the cookie that carries it.
pub fn token_for_form(
    headers: &HeaderMap,
    secure: bool,
) -> Result<(String, Option<HeaderValue>), AppError> {
    if let Some(existing) = read_cookie(headers, CSRF_COOKIE).filter(|t| t.len() >= 32) {
        return Ok((existing, None));
    }
    let token = random_token()?;
    let cookie = set_cookie(CSRF_COOKIE, &token, secure, None);
    Ok((token, cookie))
}

/// Refuses a form whose token does not match its cookie.
pub fn verify(headers: &HeaderMap, submitted: &str) -> Result<(), AppError> {
    match read_cookie(headers, CSRF_COOKIE) {
        Some(cookie)
            if !submitted.is_empty()
                && constant_time_eq(cookie.as_bytes(), submitted.as_bytes()) =>
        {
            Ok(())
        }
        _ => Err(AppError::Forbidden(msg!(
            "error-form-has-expired-came-from-another"
        ))),
    }
}
