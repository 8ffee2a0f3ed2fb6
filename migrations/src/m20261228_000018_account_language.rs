//! `accounts.language`: the interface language a person chose (`nl`, `en`),
//! so pages speak it on every device they sign in on. Null: not chosen.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared("ALTER TABLE accounts ADD COLUMN language TEXT")
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared("ALTER TABLE accounts DROP COLUMN language")
            .await?;
        Ok(())
    }
}
