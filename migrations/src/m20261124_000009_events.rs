//! Events: a public post (its `Event`) with a time, a place, a capacity and
//! participants, here or on other instances.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Statuses {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Actors {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Events {
    Table,
    Id,
    StatusId,
    OrganizerId,
    Name,
    Description,
    StartsAt,
    EndsAt,
    Timezone,
    LocationName,
    LocationAddress,
    Latitude,
    Longitude,
    Capacity,
    Cancelled,
    PlanApId,
    Local,
    ParticipantCount,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum EventParticipants {
    Table,
    Id,
    EventId,
    ActorId,
    State,
    ApId,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Events::Table)
                .col(big_pk_auto(Events::Id))
                .col(big_integer_uniq(Events::StatusId))
                .col(big_integer(Events::OrganizerId))
                .col(text(Events::Name))
                .col(text(Events::Description))
                .col(timestamp_with_time_zone(Events::StartsAt))
                .col(timestamp_with_time_zone_null(Events::EndsAt))
                .col(string(Events::Timezone))
                .col(text_null(Events::LocationName))
                .col(text_null(Events::LocationAddress))
                .col(double_null(Events::Latitude))
                .col(double_null(Events::Longitude))
                .col(integer_null(Events::Capacity))
                .col(boolean(Events::Cancelled))
                .col(text_null(Events::PlanApId))
                .col(boolean(Events::Local))
                // A copy's participant count, as its home last sent it.
                .col(big_integer(Events::ParticipantCount).default(0))
                .col(timestamp_with_time_zone(Events::CreatedAt))
                .col(timestamp_with_time_zone(Events::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("events_status")
                        .from(Events::Table, Events::StatusId)
                        .to(Statuses::Table, Statuses::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("events_organizer")
                        .from(Events::Table, Events::OrganizerId)
                        .to(Actors::Table, Actors::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("events_starts_at")
                .table(Events::Table)
                .col(Events::StartsAt)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(EventParticipants::Table)
                .col(big_pk_auto(EventParticipants::Id))
                .col(big_integer(EventParticipants::EventId))
                .col(big_integer(EventParticipants::ActorId))
                // `accepted`, or `pending` while a home elsewhere answers.
                .col(string(EventParticipants::State))
                // The Join activity's id.
                .col(text_null(EventParticipants::ApId))
                .col(timestamp_with_time_zone(EventParticipants::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("event_participants_event")
                        .from(EventParticipants::Table, EventParticipants::EventId)
                        .to(Events::Table, Events::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("event_participants_actor")
                        .from(EventParticipants::Table, EventParticipants::ActorId)
                        .to(Actors::Table, Actors::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("event_participants_unique")
                .table(EventParticipants::Table)
                .col(EventParticipants::EventId)
                .col(EventParticipants::ActorId)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(EventParticipants::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Events::Table).to_owned())
            .await
    }
}
