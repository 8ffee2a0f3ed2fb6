//! Who claimed a delivery: on PostgreSQL, the backend process id of the
//! connection its `serve` process holds open, so claims of a process that
//! crashed can be released as soon as its connection is gone instead of when
//! their leases run out.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Deliveries {
    Table,
    ClaimedBy,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Deliveries::Table)
                .add_column(ColumnDef::new(Deliveries::ClaimedBy).integer().null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Deliveries::Table)
                .drop_column(Deliveries::ClaimedBy)
                .to_owned(),
        )
        .await
    }
}
