//! Moderation tables: reports and the statuses they name, domain blocks,
//! and the audit log.

pub mod report {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "reports")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        /// A person here, or the actor (often an instance actor) that sent a `Flag`.
        pub reporter_id: i64,
        /// The reported account.
        pub target_id: i64,
        pub comment: String,
        /// `spam`, `legal`, `violation` or `other`.
        pub category: String,
        /// Sent on to the reported account's instance as a `Flag`.
        pub forwarded: bool,
        /// The instance a received `Flag` came from.
        pub origin_host: Option<String>,
        /// The `Flag`'s id: received, or sent when forwarded.
        #[sea_orm(unique)]
        pub ap_id: Option<String>,
        /// `open` or `resolved`.
        pub state: String,
        pub action_taken: Option<String>,
        pub resolved_by: Option<i64>,
        pub resolved_at: Option<DateTimeUtc>,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

pub mod report_status {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "report_statuses")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub report_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub status_id: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}
