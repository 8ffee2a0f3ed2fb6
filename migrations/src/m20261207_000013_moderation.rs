//! Moderation: reports (from people here, or `Flag`s from other instances),
//! accounts suspended or silenced, instance-level domain blocks, and the
//! audit log of every moderation action.
//!
//! - `actors.suspended_at`, `actors.silenced_at`: set by a moderator.
//!   `actors.domain_limit`: `silence` or `suspend` while the actor's domain
//!   is blocked so (kept in step with `domain_blocks`).
//! - `reports` with `report_statuses`: who reported whom, which statuses,
//!   why, whether it was forwarded, and how it was resolved.
//! - `domain_blocks`: Mastodon's fields, so its CSV lists import and export.
//! - `audit_log`: who did what to what, when and why.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Actors {
    Table,
    Id,
    SuspendedAt,
    SilencedAt,
    DomainLimit,
}

#[derive(DeriveIden)]
enum Statuses {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Reports {
    Table,
    Id,
    ReporterId,
    TargetId,
    Comment,
    Category,
    Forwarded,
    OriginHost,
    ApId,
    State,
    ActionTaken,
    ResolvedBy,
    ResolvedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ReportStatuses {
    Table,
    ReportId,
    StatusId,
}

#[derive(DeriveIden)]
enum DomainBlocks {
    Table,
    Id,
    Domain,
    Severity,
    RejectMedia,
    RejectReports,
    PublicComment,
    PrivateComment,
    Obfuscate,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    ActorId,
    ActorLabel,
    Action,
    Target,
    Reason,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            timestamp_with_time_zone_null(Actors::SuspendedAt),
            timestamp_with_time_zone_null(Actors::SilencedAt),
            string_null(Actors::DomainLimit),
        ] {
            m.alter_table(
                Table::alter()
                    .table(Actors::Table)
                    .add_column(column)
                    .to_owned(),
            )
            .await?;
        }
        m.create_table(
            Table::create()
                .table(Reports::Table)
                .col(big_pk_auto(Reports::Id))
                .col(big_integer(Reports::ReporterId))
                .col(big_integer(Reports::TargetId))
                .col(text(Reports::Comment))
                .col(string(Reports::Category))
                .col(boolean(Reports::Forwarded))
                // The instance a Flag came from; null for reports made here.
                .col(string_null(Reports::OriginHost))
                // The Flag's id: received (dedupe) or sent (forwarded).
                .col(text_null(Reports::ApId).unique_key())
                .col(string(Reports::State))
                .col(text_null(Reports::ActionTaken))
                .col(big_integer_null(Reports::ResolvedBy))
                .col(timestamp_with_time_zone_null(Reports::ResolvedAt))
                .col(timestamp_with_time_zone(Reports::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("reports_reporter")
                        .from(Reports::Table, Reports::ReporterId)
                        .to(Actors::Table, Actors::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("reports_target")
                        .from(Reports::Table, Reports::TargetId)
                        .to(Actors::Table, Actors::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("reports_state")
                .table(Reports::Table)
                .col(Reports::State)
                .col(Reports::Id)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ReportStatuses::Table)
                .col(big_integer(ReportStatuses::ReportId))
                .col(big_integer(ReportStatuses::StatusId))
                .primary_key(
                    Index::create()
                        .col(ReportStatuses::ReportId)
                        .col(ReportStatuses::StatusId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("report_statuses_report")
                        .from(ReportStatuses::Table, ReportStatuses::ReportId)
                        .to(Reports::Table, Reports::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("report_statuses_status")
                        .from(ReportStatuses::Table, ReportStatuses::StatusId)
                        .to(Statuses::Table, Statuses::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(DomainBlocks::Table)
                .col(big_pk_auto(DomainBlocks::Id))
                .col(string_uniq(DomainBlocks::Domain))
                .col(string(DomainBlocks::Severity))
                .col(boolean(DomainBlocks::RejectMedia).default(false))
                .col(boolean(DomainBlocks::RejectReports).default(false))
                .col(text(DomainBlocks::PublicComment))
                .col(text(DomainBlocks::PrivateComment))
                .col(boolean(DomainBlocks::Obfuscate).default(false))
                .col(timestamp_with_time_zone(DomainBlocks::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(AuditLog::Table)
                .col(big_pk_auto(AuditLog::Id))
                // Null for the operator's command line.
                .col(big_integer_null(AuditLog::ActorId))
                .col(string(AuditLog::ActorLabel))
                .col(string(AuditLog::Action))
                .col(text(AuditLog::Target))
                .col(text(AuditLog::Reason))
                .col(timestamp_with_time_zone(AuditLog::CreatedAt))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            AuditLog::Table.into_iden(),
            DomainBlocks::Table.into_iden(),
            ReportStatuses::Table.into_iden(),
            Reports::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        for column in [Actors::SuspendedAt, Actors::SilencedAt, Actors::DomainLimit] {
            m.alter_table(
                Table::alter()
                    .table(Actors::Table)
                    .drop_column(column)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
