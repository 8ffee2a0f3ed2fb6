//! Federation state: remote actor URLs, activity ids of follows and likes, the
//! persistent outbox (activities and their deliveries), received activity ids
//! for dedupe, and the health of other instances.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Actors {
    Table,
    Id,
    OutboxUrl,
    FollowingUrl,
    FetchedAt,
}

#[derive(DeriveIden)]
enum Follows {
    Table,
    ApId,
}

#[derive(DeriveIden)]
enum Favourites {
    Table,
    ApId,
}

#[derive(DeriveIden)]
enum Activities {
    Table,
    Id,
    ApId,
    ActorId,
    Kind,
    ObjectApId,
    Body,
    Public,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Deliveries {
    Table,
    Id,
    ActivityId,
    InboxUrl,
    Host,
    State,
    Attempts,
    NextAttemptAt,
    LockedUntil,
    LastError,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ReceivedActivities {
    Table,
    ApId,
    ActorApId,
    ReceivedAt,
}

#[derive(DeriveIden)]
enum Instances {
    Table,
    Host,
    FailingSince,
    LastSuccessAt,
    Dead,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in [
            text_null(Actors::OutboxUrl).to_owned(),
            text_null(Actors::FollowingUrl).to_owned(),
            timestamp_with_time_zone_null(Actors::FetchedAt).to_owned(),
        ] {
            m.alter_table(
                Table::alter()
                    .table(Actors::Table)
                    .add_column(col)
                    .to_owned(),
            )
            .await?;
        }
        m.alter_table(
            Table::alter()
                .table(Follows::Table)
                .add_column(text_null(Follows::ApId))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Favourites::Table)
                .add_column(text_null(Favourites::ApId))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Activities::Table)
                .col(big_pk_auto(Activities::Id))
                .col(text_uniq(Activities::ApId))
                .col(big_integer(Activities::ActorId))
                .col(string(Activities::Kind))
                .col(text_null(Activities::ObjectApId))
                .col(text(Activities::Body))
                .col(boolean(Activities::Public))
                .col(timestamp_with_time_zone(Activities::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("activities_actor")
                        .from(Activities::Table, Activities::ActorId)
                        .to(Actors::Table, Actors::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("activities_actor_public")
                .table(Activities::Table)
                .col(Activities::ActorId)
                .col(Activities::Public)
                .col(Activities::Id)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Deliveries::Table)
                .col(big_pk_auto(Deliveries::Id))
                .col(big_integer(Deliveries::ActivityId))
                .col(text(Deliveries::InboxUrl))
                .col(string(Deliveries::Host))
                .col(string(Deliveries::State))
                .col(integer(Deliveries::Attempts).default(0))
                .col(timestamp_with_time_zone(Deliveries::NextAttemptAt))
                .col(timestamp_with_time_zone_null(Deliveries::LockedUntil))
                .col(text_null(Deliveries::LastError))
                .col(timestamp_with_time_zone(Deliveries::CreatedAt))
                .col(timestamp_with_time_zone(Deliveries::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("deliveries_activity")
                        .from(Deliveries::Table, Deliveries::ActivityId)
                        .to(Activities::Table, Activities::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("deliveries_due")
                .table(Deliveries::Table)
                .col(Deliveries::State)
                .col(Deliveries::NextAttemptAt)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("deliveries_once")
                .table(Deliveries::Table)
                .col(Deliveries::ActivityId)
                .col(Deliveries::InboxUrl)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ReceivedActivities::Table)
                .col(text(ReceivedActivities::ApId).primary_key())
                .col(text(ReceivedActivities::ActorApId))
                .col(timestamp_with_time_zone(ReceivedActivities::ReceivedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Instances::Table)
                .col(string(Instances::Host).primary_key())
                .col(timestamp_with_time_zone_null(Instances::FailingSince))
                .col(timestamp_with_time_zone_null(Instances::LastSuccessAt))
                .col(boolean(Instances::Dead).default(false))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Instances::Table.into_iden(),
            ReceivedActivities::Table.into_iden(),
            Deliveries::Table.into_iden(),
            Activities::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        m.alter_table(
            Table::alter()
                .table(Favourites::Table)
                .drop_column(Favourites::ApId)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Follows::Table)
                .drop_column(Follows::ApId)
                .to_owned(),
        )
        .await?;
        for col in [
            Actors::FetchedAt.into_iden(),
            Actors::FollowingUrl.into_iden(),
            Actors::OutboxUrl.into_iden(),
        ] {
            m.alter_table(
                Table::alter()
                    .table(Actors::Table)
                    .drop_column(col)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
