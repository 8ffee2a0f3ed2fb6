//! Event tables: the event's own fields and its participants.

pub mod event {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "events")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        /// The event's post (`Event`): its AP id, replies and likes.
        #[sea_orm(unique)]
        pub status_id: i64,
        /// A person or group.
        pub organizer_id: i64,
        pub name: String,
        /// Sanitised HTML.
        pub description: String,
        pub starts_at: DateTimeUtc,
        pub ends_at: Option<DateTimeUtc>,
        /// IANA time zone name of the place, e.g. Europe/Amsterdam.
        pub timezone: String,
        pub location_name: Option<String>,
        pub location_address: Option<String>,
        pub latitude: Option<f64>,
        pub longitude: Option<f64>,
        /// Most participants; none for no limit.
        pub capacity: Option<i32>,
        pub cancelled: bool,
        /// The plan this event belongs to, by AP id.
        pub plan_ap_id: Option<String>,
        pub local: bool,
        /// For a copy: the participant count its home last sent.
        pub participant_count: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

pub mod participant {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "event_participants")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub event_id: i64,
        pub actor_id: i64,
        /// `accepted`, or `pending` while the event's home answers a Join.
        pub state: String,
        pub ap_id: Option<String>,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}
