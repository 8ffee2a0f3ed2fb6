//! `media_cache`: our copies of remote images (attachments of remote posts,
//! remote avatars and headers), fetched on first view so pages show them
//! from our own origin. One row per `media` row: the file under
//! `media.directory`, or the failure of the last fetch (remembered a while,
//! so a broken link is not fetched again on every page view).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, big_integer_null, string_null, text_null, timestamp_with_time_zone,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum MediaCache {
    Table,
    MediaId,
    FileName,
    ContentType,
    Size,
    Error,
    FetchedAt,
}

#[derive(DeriveIden)]
enum Media {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(MediaCache::Table)
                .col(big_integer(MediaCache::MediaId).primary_key())
                .col(string_null(MediaCache::FileName))
                .col(string_null(MediaCache::ContentType))
                .col(big_integer_null(MediaCache::Size))
                .col(text_null(MediaCache::Error))
                .col(timestamp_with_time_zone(MediaCache::FetchedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("media_cache_media")
                        .from(MediaCache::Table, MediaCache::MediaId)
                        .to(Media::Table, Media::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(MediaCache::Table).to_owned())
            .await
    }
}
