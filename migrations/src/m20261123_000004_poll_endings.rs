//! Remembers which ended polls have been announced to their voters.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Polls {
    Table,
    EndedNotifiedAt,
    ExpiresAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Polls::Table)
                .add_column(timestamp_with_time_zone_null(Polls::EndedNotifiedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("polls_expires_at")
                .table(Polls::Table)
                .col(Polls::ExpiresAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("polls_expires_at")
                .table(Polls::Table)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Polls::Table)
                .drop_column(Polls::EndedNotifiedAt)
                .to_owned(),
        )
        .await
    }
}
