//! Who is asking, for the client API: the bearer token's grant (its person
//! and scopes), required or optional.

use axum::extract::{FromRef, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;

use super::oauth::service::{Grant, authenticate_bearer};
use super::service::Person;
use crate::error::AppError;
use crate::state::AppState;

/// An authenticated API request: the token's grant.
pub struct Auth(pub Grant);

impl Auth {
    /// The acting person, if the token has `scope`; 403 otherwise, 422 for app-only tokens.
    pub fn person(&self, scope: &str) -> Result<&Person, AppError> {
        self.require(scope)?;
        self.0.person.as_ref().ok_or_else(|| {
            AppError::invalid("token", msg!("error-method-requires-authenticated-user"))
        })
    }

    pub fn require(&self, scope: &str) -> Result<(), AppError> {
        if self.0.scopes.allows(scope) {
            Ok(())
        } else {
            Err(AppError::Forbidden(msg!(
                "error-action-outside-authorized-scopes-needs",
                scope = scope
            )))
        }
    }
}

fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
}

impl<S> FromRequestParts<S> for Auth
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        match MaybeAuth::from_request_parts(parts, state).await? {
            MaybeAuth(Some(grant)) => Ok(Auth(grant)),
            MaybeAuth(None) => Err(AppError::Unauthorized(msg!("error-access-token-invalid"))),
        }
    }
}

/// An API request that may carry a token (public endpoints). A token that is
/// present but invalid is still refused, as Mastodon does.
pub struct MaybeAuth(pub Option<Grant>);

impl MaybeAuth {
    /// The acting person when the token has `scope`.
    pub fn person(&self, scope: &str) -> Option<&Person> {
        self.0
            .as_ref()
            .filter(|g| g.scopes.allows(scope))
            .and_then(|g| g.person.as_ref())
    }
}

impl<S> FromRequestParts<S> for MaybeAuth
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let Some(token) = bearer(parts) else {
            return Ok(MaybeAuth(None));
        };
        let state = AppState::from_ref(state);
        match authenticate_bearer(&state.db, token).await? {
            Some(grant) => Ok(MaybeAuth(Some(grant))),
            None => Err(AppError::Unauthorized(msg!("error-access-token-invalid"))),
        }
    }
}
