//! Deliveries to one inbox go out in order: the claim looks up the oldest
//! pending delivery per inbox.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Deliveries {
    Table,
    InboxUrl,
    State,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("deliveries_inbox_state")
                .table(Deliveries::Table)
                .col(Deliveries::InboxUrl)
                .col(Deliveries::State)
                .col(Deliveries::Id)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("deliveries_inbox_state")
                .table(Deliveries::Table)
                .to_owned(),
        )
        .await
    }
}
