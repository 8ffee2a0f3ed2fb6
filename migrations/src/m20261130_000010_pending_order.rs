//! The delivery worker claims the oldest due deliveries: an index on
//! (state, id) lets it read pending rows in order and stop at its limit,
//! however many delivered rows the table keeps.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Deliveries {
    Table,
    State,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("deliveries_state_order")
                .table(Deliveries::Table)
                .col(Deliveries::State)
                .col(Deliveries::Id)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("deliveries_state_order")
                .table(Deliveries::Table)
                .to_owned(),
        )
        .await
    }
}
