//! The persistent outbox as the domains use it: an outgoing activity and its
//! deliveries are written in the same transaction as the change that caused
//! it. The engine (`knooppunt_federation::engine::outbox`) keeps the tables,
//! and its worker claims, signs, sends and retries.

use sea_orm::ConnectionTrait;
use serde_json::Value;

use crate::actors::entity::Model as Actor;
use crate::config::Config;
use crate::error::AppError;

pub use knooppunt_federation::engine::outbox::{
    QueueStatus, deliver_due, drain, flush_delivered, known_instance, prune_finished,
    release_leases, release_orphaned, revive, run_worker, status,
};

/// Records `activity` by `sender` and a delivery to each distinct inbox that is
/// not ours (local recipients were already served in the same transaction).
pub async fn enqueue(
    db: &impl ConnectionTrait,
    config: &Config,
    sender: &Actor,
    activity_json: &Value,
    public: bool,
    inboxes: impl IntoIterator<Item = String>,
) -> Result<(), AppError> {
    let recipients = super::fanout::Recipients::new().inboxes(inboxes);
    enqueue_to(db, config, sender, activity_json, public, recipients).await
}

/// [`enqueue`] to sets of actors worked out by the database (see
/// [`super::fanout`]), however many they are.
pub async fn enqueue_to(
    db: &impl ConnectionTrait,
    config: &Config,
    sender: &Actor,
    activity_json: &Value,
    public: bool,
    recipients: super::fanout::Recipients,
) -> Result<(), AppError> {
    let activity_id =
        knooppunt_federation::engine::outbox::record_activity(db, sender.id, activity_json, public)
            .await?;
    super::fanout::write_deliveries(db, config, activity_id, recipients).await
}
