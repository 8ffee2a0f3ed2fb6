//! Who may act on a plan, and what a copy may believe of its home.
//!
//! - `plan_editors`: members of an owning group whom one of its moderators
//!   named as editors of one plan. Following or joining a group gives no
//!   say over its plans.
//! - `plan_history.source`: `local` for what happened here, `home` for what
//!   a copy's home instance states, `sent` for a change a local actor sent
//!   to a copy's home (kept as evidence, not shown).
//! - `plan_advice.verified`: the verdict was received signed by the advisor,
//!   given here, or fetched from the advisor's own server; otherwise it is
//!   only what the plan's home claims.

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
enum Actors {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum PlanEditors {
    Table,
    Id,
    PlanId,
    GroupId,
    PersonId,
    NamedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PlanHistory {
    Table,
    Source,
}

#[derive(DeriveIden)]
enum PlanAdvice {
    Table,
    Verified,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(PlanEditors::Table)
                .col(big_pk_auto(PlanEditors::Id))
                .col(big_integer(PlanEditors::PlanId))
                .col(big_integer(PlanEditors::GroupId))
                .col(big_integer(PlanEditors::PersonId))
                .col(big_integer(PlanEditors::NamedBy))
                .col(timestamp_with_time_zone(PlanEditors::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("plan_editors_plan")
                        .from(PlanEditors::Table, PlanEditors::PlanId)
                        .to(Plans::Table, Plans::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("plan_editors_group")
                        .from(PlanEditors::Table, PlanEditors::GroupId)
                        .to(Actors::Table, Actors::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("plan_editors_person")
                        .from(PlanEditors::Table, PlanEditors::PersonId)
                        .to(Actors::Table, Actors::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("plan_editors_named_by")
                        .from(PlanEditors::Table, PlanEditors::NamedBy)
                        .to(Actors::Table, Actors::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("plan_editors_unique")
                .table(PlanEditors::Table)
                .col(PlanEditors::PlanId)
                .col(PlanEditors::GroupId)
                .col(PlanEditors::PersonId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(PlanHistory::Table)
                .add_column(string(PlanHistory::Source).default("local"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(PlanAdvice::Table)
                .add_column(boolean(PlanAdvice::Verified).default(false))
                .to_owned(),
        )
        .await?;
        // History already stored for copies is what their homes stated.
        m.get_connection()
            .execute_unprepared(
                "UPDATE plan_history SET source = 'home' \
                 WHERE plan_id IN (SELECT id FROM plans WHERE local = FALSE)",
            )
            .await?;
        // Verdicts already stored on plans of this instance were given here
        // or received from the advisor.
        m.get_connection()
            .execute_unprepared(
                "UPDATE plan_advice SET verified = TRUE WHERE verdict IS NOT NULL \
                 AND plan_id IN (SELECT id FROM plans WHERE local = TRUE)",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(PlanAdvice::Table)
                .drop_column(PlanAdvice::Verified)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(PlanHistory::Table)
                .drop_column(PlanHistory::Source)
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(PlanEditors::Table).to_owned())
            .await
    }
}
