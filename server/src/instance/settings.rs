//! The `instance_settings` table: small named values the instance keeps about itself.

use chrono::Utc;
use sea_orm::ActiveValue::Set;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "instance_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub name: String,
    pub value: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// The domain the database's ids were minted for.
pub const DOMAIN: &str = "domain";

pub async fn get(db: &impl ConnectionTrait, name: &str) -> Result<Option<String>, DbErr> {
    Ok(Entity::find_by_id(name.to_string())
        .one(db)
        .await?
        .map(|m| m.value))
}

pub async fn insert(db: &impl ConnectionTrait, name: &str, value: &str) -> Result<(), DbErr> {
    ActiveModel {
        name: Set(name.to_string()),
        value: Set(value.to_string()),
        updated_at: Set(Utc::now()),
    }
    .insert(db)
    .await
    .map(|_| ())
}
