//! What every handler and service can reach: configuration, the database,
//! the federation engine and the sign-in limits. It lives apart from the
//! router so that domains depend on it, never on `app`.

use std::path::PathBuf;
use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::config::Config;

/// What every handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub db: DatabaseConnection,
    /// The SQLite file, watched by the health check.
    pub sqlite_file: Option<PathBuf>,
    /// The protocol engine's state; our actors are the senders it knows.
    pub federation: Arc<knooppunt_federation::engine::Federation<crate::actors::entity::Model>>,
    /// Limits on sign-in and app registration.
    pub guards: Arc<crate::guard::Guards>,
}
