//! Deleted local actors stay as a tombstone (their keys still sign the
//! Delete that tells other servers), marked with when they were deleted.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Actors {
    Table,
    DeletedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Actors::Table)
                .add_column(timestamp_with_time_zone_null(Actors::DeletedAt))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Actors::Table)
                .drop_column(Actors::DeletedAt)
                .to_owned(),
        )
        .await
    }
}
