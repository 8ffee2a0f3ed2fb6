//! The application's one error type. Each case maps to an HTTP status and a
//! client-safe message; internal detail goes to the log, never to the body.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use sea_orm::{DbErr, SqlErr};

use crate::i18n::{Msg, Tr};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Input that does not satisfy a rule; names the field.
    #[error("{field}: {message}")]
    Invalid { field: String, message: Msg },
    #[error("{0}")]
    NotFound(Msg),
    #[error("{0}")]
    Conflict(Msg),
    #[error("{0}")]
    Forbidden(Msg),
    /// Missing or invalid credentials.
    #[error("{0}")]
    Unauthorized(Msg),
    #[error("{0}")]
    TooManyRequests(Msg),
    /// 429 with a `Retry-After` in seconds.
    #[error("{message}")]
    RateLimited { message: Msg, retry_after: u64 },
    /// 503 with a `Retry-After` in seconds: busy, try again.
    #[error("{message}")]
    Unavailable { message: Msg, retry_after: u64 },
    /// An RFC 6749 error from the token endpoint: `{"error": code, "error_description": …}`.
    #[error("{description}")]
    OAuth {
        code: &'static str,
        description: String,
        status: StatusCode,
    },
    /// The body or query could not be read.
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    PayloadTooLarge(Msg),
    #[error("{0}")]
    UnsupportedMediaType(Msg),
    /// Another server's answer could not be used (a remote image that is
    /// not an image, too large, or not there).
    #[error("{0}")]
    BadGateway(String),
    #[error("database error")]
    Database(#[from] DbErr),
    #[error("internal error")]
    Internal(String),
}

impl AppError {
    pub fn oauth(code: &'static str, description: impl Into<String>) -> Self {
        let status = match code {
            "invalid_client" => StatusCode::UNAUTHORIZED,
            _ => StatusCode::BAD_REQUEST,
        };
        AppError::OAuth {
            code,
            description: description.into(),
            status,
        }
    }

    pub fn invalid(field: &str, message: Msg) -> Self {
        AppError::Invalid {
            field: field.into(),
            message,
        }
    }

    /// The message of a refusal people meet; none for the others.
    pub fn message(&self) -> Option<&Msg> {
        match self {
            AppError::Invalid { message: m, .. }
            | AppError::NotFound(m)
            | AppError::Conflict(m)
            | AppError::Forbidden(m)
            | AppError::Unauthorized(m)
            | AppError::TooManyRequests(m)
            | AppError::RateLimited { message: m, .. }
            | AppError::Unavailable { message: m, .. }
            | AppError::PayloadTooLarge(m)
            | AppError::UnsupportedMediaType(m) => Some(m),
            _ => None,
        }
    }

    /// The message alone, in the reader's language: shown next to its field.
    pub fn field_text(&self, tr: Tr) -> String {
        match self.message() {
            Some(m) => tr.msg(m),
            None => self.to_string(),
        }
    }

    /// What went wrong, in the reader's language: the API's message, for
    /// pages. Server errors never show their detail.
    pub fn text(&self, tr: Tr) -> String {
        match self {
            AppError::Invalid { field, message } => format!("{field}: {}", tr.msg(message)),
            other => other.field_text(tr),
        }
    }

    /// A unique-constraint violation becomes a conflict with the given message;
    /// any other database error stays a database error.
    pub fn from_db_conflict(error: DbErr, message: Msg) -> Self {
        match error.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => AppError::Conflict(message),
            _ => AppError::Database(error),
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::TooManyRequests(_) | AppError::RateLimited { .. } => {
                StatusCode::TOO_MANY_REQUESTS
            }
            AppError::OAuth { status, .. } => *status,
            AppError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::BadGateway(_) => StatusCode::BAD_GATEWAY,
            AppError::Database(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// The engine's refusals answer as they did when the engine was ours.
impl From<knooppunt_federation::engine::EngineError> for AppError {
    fn from(error: knooppunt_federation::engine::EngineError) -> Self {
        use knooppunt_federation::engine::EngineError as E;
        match error {
            E::BadRequest(m) => AppError::BadRequest(m),
            // The engine speaks to servers, in English: its words pass as they are.
            E::Unauthorized(m) => AppError::Unauthorized(msg!("error-federation", detail = m)),
            E::Forbidden(m) => AppError::Forbidden(msg!("error-federation", detail = m)),
            E::RateLimited {
                message,
                retry_after,
            } => AppError::RateLimited {
                message: msg!("error-federation", detail = message),
                retry_after,
            },
            E::Unavailable {
                message,
                retry_after,
            } => AppError::Unavailable {
                message: msg!("error-federation", detail = message),
                retry_after,
            },
            E::Database(e) => AppError::Database(e),
            E::Internal(m) => AppError::Internal(m),
        }
    }
}

impl knooppunt_federation::engine::Failure for AppError {
    fn is_refusal(&self) -> bool {
        !matches!(self, AppError::Database(_) | AppError::Internal(_))
    }

    fn status(&self) -> StatusCode {
        AppError::status(self)
    }
}

impl From<knooppunt_federation::keys::KeyError> for AppError {
    fn from(error: knooppunt_federation::keys::KeyError) -> Self {
        AppError::Internal(error.to_string())
    }
}

/// A known activity type that is malformed: the sender's mistake.
impl From<knooppunt_federation::vocab::VocabError> for AppError {
    fn from(error: knooppunt_federation::vocab::VocabError) -> Self {
        use knooppunt_federation::vocab::VocabError;
        match error {
            // Ours to send, not the sender's mistake.
            VocabError::Serialize(_) => AppError::Internal(error.to_string()),
            _ => AppError::BadRequest(format!("activity refused: {error}")),
        }
    }
}

/// An activity that fails the checks every server makes.
impl From<knooppunt_federation::vocab::CheckError> for AppError {
    fn from(error: knooppunt_federation::vocab::CheckError) -> Self {
        use knooppunt_federation::vocab::CheckError;
        let message = format!("activity refused: {error}");
        match error {
            CheckError::NotTheSigner { .. } => {
                AppError::Unauthorized(msg!("error-federation", detail = message))
            }
            CheckError::NotTheAuthor | CheckError::UndoOfOther | CheckError::UpdateOfOther => {
                AppError::Forbidden(msg!("error-federation", detail = message))
            }
            CheckError::Incomplete
            | CheckError::NotAUrl { .. }
            | CheckError::ForeignHost { .. } => AppError::BadRequest(message),
        }
    }
}

/// A refusal's message, kept with its response so that
/// [`in_the_clients_language`] can say it again in another language.
#[derive(Debug, Clone)]
struct Said {
    field: Option<String>,
    message: Msg,
}

/// The API's refusals in the language the client asks for
/// (`Accept-Language`, as Mastodon does); English when it names neither
/// Dutch nor English. Pages say theirs in the page's language themselves.
pub async fn in_the_clients_language(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let asked = crate::i18n::Lang::asked(request.headers());
    let mut response = next.run(request).await;
    let Some(said) = response.extensions_mut().remove::<Said>() else {
        return response;
    };
    let Some(lang) = asked.filter(|l| *l != crate::i18n::Lang::En) else {
        return response;
    };
    let text = lang.tr().msg(&said.message);
    let text = match said.field {
        Some(field) => format!("{field}: {text}"),
        None => text,
    };
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    let body = serde_json::json!({ "error": text }).to_string();
    Response::from_parts(parts, axum::body::Body::from(body))
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        match &self {
            AppError::Database(e) => tracing::error!(error = %e, "database error"),
            AppError::Internal(e) => tracing::error!(error = %e, "internal error"),
            _ => tracing::debug!(error = %self, "request refused"),
        }
        let body = match &self {
            AppError::OAuth {
                code, description, ..
            } => serde_json::json!({ "error": code, "error_description": description }),
            _ => serde_json::json!({ "error": self.to_string() }),
        };
        let mut response = (status, Json(body)).into_response();
        if let Some(message) = self.message() {
            let field = match &self {
                AppError::Invalid { field, .. } => Some(field.clone()),
                _ => None,
            };
            response.extensions_mut().insert(Said {
                field,
                message: message.clone(),
            });
        }
        if let AppError::RateLimited { retry_after, .. } | AppError::Unavailable { retry_after, .. } =
            &self
            && let Ok(value) = axum::http::HeaderValue::from_str(&retry_after.to_string())
        {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, value);
        }
        if status == StatusCode::UNAUTHORIZED {
            // RFC 6750: tell clients how to authenticate.
            let challenge = match &self {
                AppError::Unauthorized(m) if m.key().contains("token") => {
                    "Bearer realm=\"knooppunt\", error=\"invalid_token\""
                }
                _ => "Bearer realm=\"knooppunt\"",
            };
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static(challenge),
            );
        }
        response
    }
}
