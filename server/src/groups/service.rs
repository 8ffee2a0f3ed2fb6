//! What can be done to groups. Each change is one transaction.

use crate::db::BeginWrite;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection};

use super::entity::{group, membership};
use super::{JoinPolicy, MemberRole};
use crate::actors::store::{self as actor_store, NewLocalActor};
use crate::actors::{ActorKind, Username};
use crate::config::Config;
use crate::error::AppError;
use crate::persons::service::find_person;

/// A created group, as reported back.
#[derive(Debug, Clone)]
pub struct CreatedGroup {
    pub id: i64,
    pub name: String,
    pub ap_id: String,
    pub owner: String,
    pub join_policy: JoinPolicy,
}

/// Creates a group owned by an active local person.
pub async fn create(
    db: &DatabaseConnection,
    config: &Config,
    name: &str,
    owner: &str,
    join_policy: JoinPolicy,
) -> Result<CreatedGroup, AppError> {
    let username = Username::parse(name).map_err(|e| AppError::invalid("name", e.to_string()))?;
    let (owner, owner_account) = find_person(db, config, owner).await?;
    if owner_account.disabled_at.is_some() {
        return Err(AppError::Forbidden(format!(
            "{} is disabled and cannot own a group",
            owner.username
        )));
    }
    if actor_store::find_local(db, config, username.as_str())
        .await?
        .is_some()
    {
        return Err(AppError::Conflict(format!("the name {username} is taken")));
    }
    let keys = tokio::task::spawn_blocking(knooppunt_federation::keys::generate_actor_keys)
        .await
        .map_err(|e| AppError::Internal(format!("key generation task failed: {e}")))??;

    let txn = db.begin_write().await?;
    let actor = actor_store::insert_local(
        &txn,
        config,
        NewLocalActor {
            kind: ActorKind::Group,
            username: username.as_str(),
            display_name: username.to_string(),
            role: None,
            keys,
        },
    )
    .await?;
    group::ActiveModel {
        actor_id: Set(actor.id),
        join_policy: Set(join_policy.as_str().to_string()),
        created_by: Set(Some(owner.id)),
    }
    .insert(&txn)
    .await?;
    membership::ActiveModel {
        group_id: Set(actor.id),
        member_id: Set(owner.id),
        role: Set(MemberRole::Owner.as_str().to_string()),
        state: Set("active".to_string()),
        created_at: Set(actor.created_at),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(CreatedGroup {
        id: actor.id,
        name: actor.username,
        ap_id: actor.ap_id,
        owner: owner.username,
        join_policy,
    })
}
