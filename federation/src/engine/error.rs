//! The engine's refusals and failures, by the category the application
//! answers with (the inbox's checks map onto HTTP statuses one to one).

/// What went wrong in the engine.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The request or activity is malformed.
    #[error("{0}")]
    BadRequest(String),
    /// The signature is missing, wrong, or not the actor's.
    #[error("{0}")]
    Unauthorized(String),
    /// The sender is not accepted here.
    #[error("{0}")]
    Forbidden(String),
    /// Over a limit: try again after `retry_after` seconds.
    #[error("{message}")]
    RateLimited { message: String, retry_after: u64 },
    /// Busy: try again after `retry_after` seconds.
    #[error("{message}")]
    Unavailable { message: String, retry_after: u64 },
    #[error("database error")]
    Database(#[from] sea_orm::DbErr),
    #[error("internal error")]
    Internal(String),
}
