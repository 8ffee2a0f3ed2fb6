//! The foundation: instance settings, actors (persons, groups, the instance
//! itself; local and remote), local accounts with credentials, group
//! settings and memberships.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum InstanceSettings {
    Table,
    Name,
    Value,
    UpdatedAt,
}

/// Every ActivityPub actor we know: local or remote, person, group or application.
/// One table, because persons and groups share one namespace (WebFinger `acct:`),
/// keys, inboxes and follow relations.
#[derive(DeriveIden)]
enum Actors {
    Table,
    Id,
    Kind,
    ApId,
    Username,
    UsernameKey,
    Host,
    Local,
    DisplayName,
    Summary,
    Role,
    InboxUrl,
    SharedInboxUrl,
    PublicKeyPem,
    PrivateKeyPem,
    CreatedAt,
    UpdatedAt,
}

/// Login credentials of local persons.
#[derive(DeriveIden)]
enum Accounts {
    Table,
    ActorId,
    Email,
    EmailKey,
    PasswordHash,
    Admin,
    DisabledAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Groups {
    Table,
    ActorId,
    JoinPolicy,
    CreatedBy,
}

#[derive(DeriveIden)]
enum Memberships {
    Table,
    Id,
    GroupId,
    MemberId,
    Role,
    State,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(InstanceSettings::Table)
                    .col(string(InstanceSettings::Name).primary_key())
                    .col(text(InstanceSettings::Value))
                    .col(timestamp_with_time_zone(InstanceSettings::UpdatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Actors::Table)
                    .col(big_pk_auto(Actors::Id))
                    .col(string(Actors::Kind))
                    .col(text_uniq(Actors::ApId))
                    .col(string(Actors::Username))
                    .col(string(Actors::UsernameKey))
                    .col(string(Actors::Host))
                    .col(boolean(Actors::Local))
                    .col(text(Actors::DisplayName).default(""))
                    .col(text(Actors::Summary).default(""))
                    .col(string_null(Actors::Role))
                    .col(text(Actors::InboxUrl))
                    .col(text_null(Actors::SharedInboxUrl))
                    .col(text(Actors::PublicKeyPem))
                    .col(text_null(Actors::PrivateKeyPem))
                    .col(timestamp_with_time_zone(Actors::CreatedAt))
                    .col(timestamp_with_time_zone(Actors::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        // Names are unique per host, case-insensitively: `username_key` is the lowercase form.
        manager
            .create_index(
                Index::create()
                    .name("actors_username_key_host")
                    .table(Actors::Table)
                    .col(Actors::UsernameKey)
                    .col(Actors::Host)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("actors_host")
                    .table(Actors::Table)
                    .col(Actors::Host)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Accounts::Table)
                    .col(big_integer(Accounts::ActorId).primary_key())
                    .col(string(Accounts::Email))
                    .col(string_uniq(Accounts::EmailKey))
                    .col(string(Accounts::PasswordHash))
                    .col(boolean(Accounts::Admin).default(false))
                    .col(timestamp_with_time_zone_null(Accounts::DisabledAt))
                    .col(timestamp_with_time_zone(Accounts::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("accounts_actor")
                            .from(Accounts::Table, Accounts::ActorId)
                            .to(Actors::Table, Actors::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Groups::Table)
                    .col(big_integer(Groups::ActorId).primary_key())
                    .col(string(Groups::JoinPolicy))
                    .col(big_integer_null(Groups::CreatedBy))
                    .foreign_key(
                        ForeignKey::create()
                            .name("groups_actor")
                            .from(Groups::Table, Groups::ActorId)
                            .to(Actors::Table, Actors::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("groups_created_by")
                            .from(Groups::Table, Groups::CreatedBy)
                            .to(Actors::Table, Actors::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Memberships::Table)
                    .col(big_pk_auto(Memberships::Id))
                    .col(big_integer(Memberships::GroupId))
                    .col(big_integer(Memberships::MemberId))
                    .col(string(Memberships::Role))
                    .col(string(Memberships::State))
                    .col(timestamp_with_time_zone(Memberships::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("memberships_group")
                            .from(Memberships::Table, Memberships::GroupId)
                            .to(Groups::Table, Groups::ActorId)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("memberships_member")
                            .from(Memberships::Table, Memberships::MemberId)
                            .to(Actors::Table, Actors::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("memberships_group_member")
                    .table(Memberships::Table)
                    .col(Memberships::GroupId)
                    .col(Memberships::MemberId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("memberships_member")
                    .table(Memberships::Table)
                    .col(Memberships::MemberId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Memberships::Table.into_iden(),
            Groups::Table.into_iden(),
            Accounts::Table.into_iden(),
            Actors::Table.into_iden(),
            InstanceSettings::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
