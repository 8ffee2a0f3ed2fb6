//! Plans: a plan is a public post (its `Page`, so replies, likes and boosts
//! work as for any post) plus the plan's own fields, its owners and its
//! history. Replies to a plan may carry a stance: pro or contra.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Statuses {
    Table,
    Id,
    Stance,
}

#[derive(DeriveIden)]
enum Actors {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Plans {
    Table,
    Id,
    StatusId,
    Title,
    Summary,
    Content,
    Source,
    AreaAddress,
    AreaGeometry,
    CostEstimateCents,
    RequestedBudgetCents,
    Currency,
    State,
    Local,
    SupportsCount,
    ProCount,
    ContraCount,
    CommentsCount,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PlanOwners {
    Table,
    Id,
    PlanId,
    ActorId,
    AddedAt,
}

#[derive(DeriveIden)]
enum PlanHistory {
    Table,
    Id,
    PlanId,
    ActorApId,
    Action,
    FromState,
    ToState,
    Note,
    Fields,
    At,
}

#[derive(DeriveIden)]
enum PlanInvitations {
    Table,
    Id,
    PlanId,
    ActorId,
    InviterApId,
    ApId,
    State,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PlanAdvice {
    Table,
    Id,
    PlanId,
    AdvisorId,
    RequesterApId,
    Question,
    RequestApId,
    Verdict,
    Reasons,
    AnswerApId,
    AnsweredAt,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Statuses::Table)
                .add_column(string_null(Statuses::Stance))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Plans::Table)
                .col(big_pk_auto(Plans::Id))
                .col(big_integer_uniq(Plans::StatusId))
                .col(text(Plans::Title))
                .col(text(Plans::Summary))
                .col(text(Plans::Content))
                .col(text_null(Plans::Source))
                .col(text_null(Plans::AreaAddress))
                .col(text_null(Plans::AreaGeometry))
                .col(big_integer_null(Plans::CostEstimateCents))
                .col(big_integer_null(Plans::RequestedBudgetCents))
                .col(string(Plans::Currency))
                .col(string(Plans::State))
                .col(boolean(Plans::Local))
                // A copy's counts, as its home last sent them.
                .col(big_integer(Plans::SupportsCount).default(0))
                .col(big_integer(Plans::ProCount).default(0))
                .col(big_integer(Plans::ContraCount).default(0))
                .col(big_integer(Plans::CommentsCount).default(0))
                .col(timestamp_with_time_zone(Plans::CreatedAt))
                .col(timestamp_with_time_zone(Plans::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("plans_status")
                        .from(Plans::Table, Plans::StatusId)
                        .to(Statuses::Table, Statuses::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("plans_state")
                .table(Plans::Table)
                .col(Plans::State)
                .col(Plans::Id)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(PlanOwners::Table)
                .col(big_pk_auto(PlanOwners::Id))
                .col(big_integer(PlanOwners::PlanId))
                .col(big_integer(PlanOwners::ActorId))
                .col(timestamp_with_time_zone(PlanOwners::AddedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("plan_owners_plan")
                        .from(PlanOwners::Table, PlanOwners::PlanId)
                        .to(Plans::Table, Plans::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("plan_owners_actor")
                        .from(PlanOwners::Table, PlanOwners::ActorId)
                        .to(Actors::Table, Actors::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("plan_owners_unique")
                .table(PlanOwners::Table)
                .col(PlanOwners::PlanId)
                .col(PlanOwners::ActorId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(PlanHistory::Table)
                .col(big_pk_auto(PlanHistory::Id))
                .col(big_integer(PlanHistory::PlanId))
                // By AP id: history mirrored from another instance names
                // actors this instance may never have fetched.
                .col(text(PlanHistory::ActorApId))
                .col(string(PlanHistory::Action))
                .col(string_null(PlanHistory::FromState))
                .col(string_null(PlanHistory::ToState))
                .col(text(PlanHistory::Note))
                // JSON list of the fields an edit changed.
                .col(text(PlanHistory::Fields))
                .col(timestamp_with_time_zone(PlanHistory::At))
                .foreign_key(
                    ForeignKey::create()
                        .name("plan_history_plan")
                        .from(PlanHistory::Table, PlanHistory::PlanId)
                        .to(Plans::Table, Plans::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // Invitations to co-own a plan: sent (invitee elsewhere) or received
        // (invitee here), pending until the invitee answers.
        m.create_table(
            Table::create()
                .table(PlanInvitations::Table)
                .col(big_pk_auto(PlanInvitations::Id))
                .col(big_integer(PlanInvitations::PlanId))
                .col(big_integer(PlanInvitations::ActorId))
                .col(text(PlanInvitations::InviterApId))
                .col(text_uniq(PlanInvitations::ApId))
                .col(string(PlanInvitations::State))
                .col(timestamp_with_time_zone(PlanInvitations::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("plan_invitations_plan")
                        .from(PlanInvitations::Table, PlanInvitations::PlanId)
                        .to(Plans::Table, Plans::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("plan_invitations_actor")
                        .from(PlanInvitations::Table, PlanInvitations::ActorId)
                        .to(Actors::Table, Actors::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // Expert advice asked of any actor, and its answer.
        m.create_table(
            Table::create()
                .table(PlanAdvice::Table)
                .col(big_pk_auto(PlanAdvice::Id))
                .col(big_integer(PlanAdvice::PlanId))
                .col(big_integer(PlanAdvice::AdvisorId))
                .col(text(PlanAdvice::RequesterApId))
                .col(text(PlanAdvice::Question))
                .col(text_uniq(PlanAdvice::RequestApId))
                .col(string_null(PlanAdvice::Verdict))
                .col(text(PlanAdvice::Reasons))
                .col(text_null(PlanAdvice::AnswerApId))
                .col(timestamp_with_time_zone_null(PlanAdvice::AnsweredAt))
                .col(timestamp_with_time_zone(PlanAdvice::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("plan_advice_plan")
                        .from(PlanAdvice::Table, PlanAdvice::PlanId)
                        .to(Plans::Table, Plans::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("plan_advice_advisor")
                        .from(PlanAdvice::Table, PlanAdvice::AdvisorId)
                        .to(Actors::Table, Actors::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("plan_history_plan")
                .table(PlanHistory::Table)
                .col(PlanHistory::PlanId)
                .col(PlanHistory::Id)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            PlanAdvice::Table.into_iden(),
            PlanInvitations::Table.into_iden(),
            PlanHistory::Table.into_iden(),
            PlanOwners::Table.into_iden(),
            Plans::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        m.alter_table(
            Table::alter()
                .table(Statuses::Table)
                .drop_column(Statuses::Stance)
                .to_owned(),
        )
        .await
    }
}
