//! Inbound activities are written down before they are processed, so a crash
//! in between leaves them to be processed again at the next start.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ReceivedActivities {
    Table,
    Body,
    ProcessedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(ReceivedActivities::Table)
                .add_column(text_null(ReceivedActivities::Body))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(ReceivedActivities::Table)
                .add_column(timestamp_with_time_zone_null(
                    ReceivedActivities::ProcessedAt,
                ))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in [
            ReceivedActivities::ProcessedAt.into_iden(),
            ReceivedActivities::Body.into_iden(),
        ] {
            m.alter_table(
                Table::alter()
                    .table(ReceivedActivities::Table)
                    .drop_column(col)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
