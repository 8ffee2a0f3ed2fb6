//! The `media_cache` table: our copy of a remote image, or why there is none.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "media_cache")]
pub struct Model {
    /// The `media` row (a remote attachment, avatar or header).
    #[sea_orm(primary_key, auto_increment = false)]
    pub media_id: i64,
    /// File name under `media.directory`; none after a failed fetch.
    pub file_name: Option<String>,
    /// The type found in the file's bytes (never the other server's word).
    pub content_type: Option<String>,
    pub size: Option<i64>,
    /// Why the last fetch failed (for the log and the answer).
    pub error: Option<String>,
    /// When the file was fetched, or the fetch failed.
    pub fetched_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}
impl ActiveModelBehavior for ActiveModel {}
