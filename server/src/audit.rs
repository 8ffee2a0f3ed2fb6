//! The audit log: every action by an administrator or the operator, written
//! in the same transaction as the action. Below the domains, so any of them
//! (groups appointing moderators, moderation suspending accounts) can write it.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};

use crate::auth::service::Person;
use crate::error::AppError;
use entity as audit;

pub mod entity {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "audit_log")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        /// The administrator; none for the operator's command line.
        pub actor_id: Option<i64>,
        /// Who, readable: a name, or `command line`.
        pub actor_label: String,
        /// What, e.g. `domain.block`, `account.suspend`, `report.resolve`.
        pub action: String,
        /// To what: a domain, an account, a report.
        pub target: String,
        /// Why.
        pub reason: String,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

/// Who takes a moderation action.
pub enum Moderator<'a> {
    /// An administrator of this instance, through the API.
    Admin(&'a Person),
    /// The operator, through the command line.
    Operator,
}

impl Moderator<'_> {
    pub fn id(&self) -> Option<i64> {
        match self {
            Moderator::Admin(p) => Some(p.actor.id),
            Moderator::Operator => None,
        }
    }

    pub fn label(&self) -> String {
        match self {
            Moderator::Admin(p) => p.actor.username.clone(),
            Moderator::Operator => "command line".into(),
        }
    }
}

/// Writes one entry of the audit log.
pub async fn record(
    db: &impl ConnectionTrait,
    who: &Moderator<'_>,
    action: &str,
    target: &str,
    reason: &str,
) -> Result<(), AppError> {
    audit::ActiveModel {
        actor_id: Set(who.id()),
        actor_label: Set(who.label()),
        action: Set(action.to_string()),
        target: Set(target.to_string()),
        reason: Set(reason.chars().take(2_000).collect()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The audit log, newest first, before `max_id` if given.
pub async fn audit_log(
    db: &DatabaseConnection,
    max_id: Option<i64>,
    limit: u64,
) -> Result<Vec<audit::Model>, AppError> {
    use sea_orm::QuerySelect;
    let mut query = audit::Entity::find().order_by_desc(audit::Column::Id);
    if let Some(max) = max_id {
        query = query.filter(audit::Column::Id.lt(max));
    }
    Ok(query.limit(limit.clamp(1, 200)).all(db).await?)
}
