//! Domain blocks: moderation writes them; remote actors are stored under
//! them (`blocks.rs`), and the fetcher refuses suspended domains. The
//! engine's own tables (outbox, journal, instance health) are in
//! `knooppunt_federation::engine::entity`.

pub mod domain_block {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "domain_blocks")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Lowercase; covers its subdomains.
        #[sea_orm(unique)]
        pub domain: String,
        /// `silence`, `suspend` or `noop`, as in Mastodon.
        pub severity: String,
        pub reject_media: bool,
        pub reject_reports: bool,
        /// The reason as others may read it.
        pub public_comment: String,
        /// The reason for moderators only.
        pub private_comment: String,
        pub obfuscate: bool,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}
