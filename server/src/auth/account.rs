//! The `accounts` table: login credentials and status of local persons.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "accounts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub actor_id: i64,
    pub email: String,
    /// Lowercased email; unique.
    #[sea_orm(unique)]
    pub email_key: String,
    /// argon2id PHC string.
    pub password_hash: String,
    pub admin: bool,
    /// False while a sign-up waits for an administrator (registrations = approval).
    pub approved: bool,
    pub disabled_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    /// The interface language chosen (`nl`, `en`); none: the browser's.
    pub language: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "crate::actors::entity::Entity",
        from = "Column::ActorId",
        to = "crate::actors::entity::Column::Id"
    )]
    Actor,
}

impl Related<crate::actors::entity::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Actor.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
