//! The server's side of the protocol engine (`knooppunt_federation::engine`,
//! which checks, journals and delivers on its own tables): starting it with
//! our configuration, who receives an activity (`fanout.rs`, over the follow
//! graph), the outbox as the domains use it (`outbox.rs`), the inbox
//! endpoint's entry (`inbox.rs`), remote actors in our `actors` table
//! (`remote.rs`) and domain blocks (`blocks.rs`). The engine calls back
//! through `knooppunt_federation::engine::App`, implemented for `AppState`
//! in `apub`.

pub mod blocks;
pub mod entity;
pub mod fanout;
pub mod inbox;
pub mod outbox;
pub mod remote;

use std::sync::Arc;

use crate::actors::entity::Model as Actor;
use crate::config::Config;
use crate::error::AppError;

pub use knooppunt_federation::engine::SEND_TIMEOUT_SECS;

/// The engine's run-time state, with our actors as the senders it knows.
pub type Federation = knooppunt_federation::engine::Federation<Actor>;

/// Starts the engine with the `federation.*` configuration, signing fetches
/// with the instance actor's key.
pub fn start(
    db: sea_orm::DatabaseConnection,
    config: &Config,
    instance_actor_id: &str,
    private_key_pem: &str,
) -> Result<Arc<Federation>, AppError> {
    let user_agent = format!(
        "Knooppunt/{} (+{})",
        env!("CARGO_PKG_VERSION"),
        config.base_url()
    );
    let engine = config
        .federation
        .engine(config.instance.domain.clone(), user_agent);
    Ok(Federation::new(
        db,
        engine,
        instance_actor_id,
        private_key_pem,
    )?)
}

/// Where our JSON-LD term map is served (`/ns/knooppunt`).
pub fn context_url(config: &Config) -> String {
    format!("{}/ns/knooppunt", config.base_url())
}

/// ActivityPub JSON content types.
pub const AP_CONTENT_TYPE: &str = "application/activity+json";

/// Whether a request prefers ActivityPub JSON over HTML.
pub fn wants_activity_json(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(axum::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| {
            accept.contains("application/activity+json")
                || (accept.contains("application/ld+json") && !accept.contains("text/html"))
                || accept.contains("application/json") && !accept.contains("text/html")
        })
}

/// An ActivityPub JSON response.
pub fn ap_json(value: serde_json::Value) -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        [(axum::http::header::CONTENT_TYPE, AP_CONTENT_TYPE)],
        axum::Json(value),
    )
        .into_response()
}
