//! Our ActivityPub face, above every domain: the documents we serve
//! (actors, their collections, WebFinger) and what each verified inbound
//! activity does (`receive.rs`, dispatching to the domains' services). The
//! engine below (`crate::federation`) checks, journals and delivers.

pub mod actors;
pub mod inbox;
pub mod receive;
pub mod webfinger;

use axum::http::StatusCode;
use serde_json::Value;

use crate::actors::entity::Model as Actor;
use crate::config::Config;
use crate::error::AppError;
use crate::federation::Federation;
use crate::state::AppState;

/// The engine's way back into the application: verified activities go to
/// [`receive::dispatch`].
impl crate::federation::App for AppState {
    fn db(&self) -> &sea_orm::DatabaseConnection {
        &self.db
    }

    fn config(&self) -> &Config {
        &self.config
    }

    fn federation(&self) -> &Federation {
        &self.federation
    }

    async fn receive(
        &self,
        sender: &Actor,
        kind: &str,
        activity: &Value,
    ) -> Result<StatusCode, AppError> {
        let _ = kind;
        receive::dispatch(self, sender, activity).await
    }
}
