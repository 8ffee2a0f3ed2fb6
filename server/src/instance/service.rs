//! Bringing an instance's own state into being: run once per start, idempotent.

use crate::db::BeginWrite;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection};

use super::settings;
use crate::actors::store::{self as actor_store, NewLocalActor};
use crate::actors::{ActorKind, entity::Model as Actor};
use crate::config::Config;
use crate::error::AppError;
use crate::groups::JoinPolicy;
use crate::groups::entity::group;

/// The instance actor's name. It has a dot, so no person or group can take it.
pub const INSTANCE_ACTOR_NAME: &str = "instance.actor";

/// Problems that stop an instance from starting on this database.
#[derive(Debug, thiserror::Error)]
pub enum BootstrapError {
    #[error(
        "this database belongs to instance.domain {recorded:?}, but the configuration says {configured:?}; ids cannot change domain"
    )]
    DomainChanged {
        recorded: String,
        configured: String,
    },
    #[error("instance.neighbourhood {0:?} is already taken by a {1}; choose another name")]
    NeighbourhoodNameTaken(String, String),
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<sea_orm::DbErr> for BootstrapError {
    fn from(e: sea_orm::DbErr) -> Self {
        BootstrapError::App(AppError::Database(e))
    }
}

/// Records the domain on first start (and refuses a changed one later), and
/// creates the neighbourhood group and the instance actor if missing.
pub async fn bootstrap(db: &DatabaseConnection, config: &Config) -> Result<(), BootstrapError> {
    match settings::get(db, settings::DOMAIN).await? {
        Some(recorded) if recorded != config.instance.domain => {
            return Err(BootstrapError::DomainChanged {
                recorded,
                configured: config.instance.domain.clone(),
            });
        }
        Some(_) => {}
        None => settings::insert(db, settings::DOMAIN, &config.instance.domain).await?,
    }
    let neighbourhood = config.instance.neighbourhood.as_str();
    match actor_store::find_local(db, config, neighbourhood).await? {
        Some(actor) if actor.kind != ActorKind::Group.as_str() => {
            return Err(BootstrapError::NeighbourhoodNameTaken(
                neighbourhood.to_string(),
                actor.kind,
            ));
        }
        Some(_) => {}
        None => {
            let actor = create_system_actor(db, config, ActorKind::Group, neighbourhood).await?;
            tracing::info!(actor = %actor.ap_id, "created the neighbourhood actor");
        }
    }
    if actor_store::find_local(db, config, INSTANCE_ACTOR_NAME)
        .await?
        .is_none()
    {
        let actor =
            create_system_actor(db, config, ActorKind::Application, INSTANCE_ACTOR_NAME).await?;
        tracing::info!(actor = %actor.ap_id, "created the instance actor");
    }
    Ok(())
}

async fn create_system_actor(
    db: &DatabaseConnection,
    config: &Config,
    kind: ActorKind,
    name: &str,
) -> Result<Actor, AppError> {
    let keys = tokio::task::spawn_blocking(knooppunt_federation::keys::generate_actor_keys)
        .await
        .map_err(|e| AppError::Internal(format!("key generation task failed: {e}")))??;
    let display_name = match kind {
        ActorKind::Application => config.instance.name.clone(),
        _ => name.to_string(),
    };
    let txn = db.begin_write().await?;
    let actor = actor_store::insert_local(
        &txn,
        config,
        NewLocalActor {
            kind,
            username: name,
            display_name,
            role: None,
            keys,
        },
    )
    .await?;
    if kind == ActorKind::Group {
        // The neighbourhood is open: anyone may follow it; it has no owner but the cooperative.
        group::ActiveModel {
            actor_id: Set(actor.id),
            join_policy: Set(JoinPolicy::Open.as_str().to_string()),
            created_by: Set(None),
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(actor)
}
