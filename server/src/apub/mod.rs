//! Our ActivityPub face, above every domain: the documents we serve
//! (actors, their collections, WebFinger) and what each verified inbound
//! activity does (`receive.rs`, dispatching to the domains' services). The
//! engine (`knooppunt_federation::engine`, started by `crate::federation`)
//! checks, journals and delivers, and asks us through the `App` below.

pub mod actors;
pub mod inbox;
pub mod receive;
pub mod webfinger;

use axum::http::StatusCode;
use knooppunt_federation::engine::{self, LocalKey};
use sea_orm::EntityTrait;
use serde_json::Value;

use crate::actors::entity::{self as actor, Model as Actor};
use crate::error::AppError;
use crate::federation::{Federation, remote};
use crate::state::AppState;

/// The engine's way back into the application: signers come from our
/// `actors` table (fetched through `federation::remote`), and verified
/// activities go to [`receive::dispatch`].
impl engine::App for AppState {
    type Sender = Actor;
    type Error = AppError;

    fn db(&self) -> &sea_orm::DatabaseConnection {
        &self.db
    }

    fn federation(&self) -> &Federation {
        &self.federation
    }

    async fn known_signer(&self, key_id: &str) -> Result<Option<Actor>, AppError> {
        remote::known_signer(self, key_id).await
    }

    async fn fetch_signer(&self, key_id: &str) -> Result<Actor, AppError> {
        remote::fetch_signer(self, key_id).await
    }

    async fn find_actor(&self, ap_id: &str) -> Result<Option<Actor>, AppError> {
        remote::find_by_ap_id(self, ap_id).await
    }

    async fn signing_key(&self, actor_id: i64) -> Result<Option<LocalKey>, AppError> {
        Ok(actor::Entity::find_by_id(actor_id)
            .one(&self.db)
            .await?
            .map(|a| LocalKey {
                ap_id: a.ap_id,
                private_key_pem: a.private_key_pem,
            }))
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

/// Our actors as the engine checks senders.
impl engine::Sender for Actor {
    fn ap_id(&self) -> &str {
        &self.ap_id
    }

    fn host(&self) -> &str {
        &self.host
    }

    fn is_local(&self) -> bool {
        self.local
    }

    fn is_hidden(&self) -> bool {
        crate::actors::hidden::is_hidden(self)
    }

    fn public_key_pem(&self) -> &str {
        &self.public_key_pem
    }
}
