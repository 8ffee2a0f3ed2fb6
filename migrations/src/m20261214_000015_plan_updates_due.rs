//! Coalesced plan Updates: a like or reply on a local plan marks the plan
//! here, in the same transaction, instead of sending its `Page` to every
//! follower each time. The server sends one Update per plan once `due_at`
//! has passed; the mark survives a crash or restart.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Plans {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum PlanUpdatesDue {
    Table,
    PlanId,
    DueAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(PlanUpdatesDue::Table)
                .col(big_integer(PlanUpdatesDue::PlanId).primary_key())
                .col(timestamp_with_time_zone(PlanUpdatesDue::DueAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("plan_updates_due_plan")
                        .from(PlanUpdatesDue::Table, PlanUpdatesDue::PlanId)
                        .to(Plans::Table, Plans::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("plan_updates_due_at")
                .table(PlanUpdatesDue::Table)
                .col(PlanUpdatesDue::DueAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(PlanUpdatesDue::Table).to_owned())
            .await
    }
}
