//! The engine's tables: the outbox (activities and deliveries), the journal
//! of received activities, and the health of other instances. The schema is
//! made by the `migrations` crate; only the engine reads and writes them.

pub mod activity {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "activities")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(unique)]
        pub ap_id: String,
        pub actor_id: i64,
        pub kind: String,
        pub object_ap_id: Option<String>,
        /// The activity as sent, JSON.
        pub body: String,
        /// Shown in the actor's public outbox.
        pub public: bool,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

pub mod delivery {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "deliveries")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub activity_id: i64,
        pub inbox_url: String,
        pub host: String,
        /// `pending`, `delivered` or `failed`.
        pub state: String,
        pub attempts: i32,
        pub next_attempt_at: DateTimeUtc,
        /// A worker holds the delivery until then.
        pub locked_until: Option<DateTimeUtc>,
        /// On PostgreSQL, the claiming process's [`Claimant`] id.
        ///
        /// [`Claimant`]: crate::engine::outbox::Claimant
        pub claimed_by: Option<i32>,
        pub last_error: Option<String>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

pub mod received {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "received_activities")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub ap_id: String,
        pub actor_ap_id: String,
        pub received_at: DateTimeUtc,
        /// The verified activity, kept until it has been processed.
        pub body: Option<String>,
        pub processed_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

pub mod instance {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "instances")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub host: String,
        pub failing_since: Option<DateTimeUtc>,
        pub last_success_at: Option<DateTimeUtc>,
        pub dead: bool,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}
