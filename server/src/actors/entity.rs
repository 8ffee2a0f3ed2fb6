//! The `actors` table (see the foundation migration).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "actors")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `person`, `group` or `application` (see [`super::ActorKind`]).
    pub kind: String,
    #[sea_orm(unique)]
    pub ap_id: String,
    pub username: String,
    pub username_key: String,
    pub host: String,
    pub local: bool,
    pub display_name: String,
    pub summary: String,
    /// Role label of persons; labels, never ranks.
    pub role: Option<String>,
    pub inbox_url: String,
    pub shared_inbox_url: Option<String>,
    pub public_key_pem: String,
    pub private_key_pem: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Follow requests need approval (locked accounts, approval groups).
    pub locked: bool,
    pub avatar_media_id: Option<i64>,
    pub header_media_id: Option<i64>,
    /// Profile page, when it differs from the id.
    pub url: Option<String>,
    pub followers_url: Option<String>,
    pub outbox_url: Option<String>,
    pub following_url: Option<String>,
    /// When a remote actor was last fetched.
    pub fetched_at: Option<DateTimeUtc>,
    /// A deleted local actor: a tombstone kept to sign its Delete.
    pub deleted_at: Option<DateTimeUtc>,
    /// Suspended by a moderator: cannot act, and its content is hidden.
    pub suspended_at: Option<DateTimeUtc>,
    /// Silenced by a moderator: kept out of public timelines.
    pub silenced_at: Option<DateTimeUtc>,
    /// `silence` or `suspend` while the actor's domain is blocked so.
    pub domain_limit: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
