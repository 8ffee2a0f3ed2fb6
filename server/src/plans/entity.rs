//! Plan tables: the plan's own fields, its owners and its history.

pub mod plan {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "plans")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        /// The plan's post (`Page`): its AP id, author, replies and likes.
        #[sea_orm(unique)]
        pub status_id: i64,
        pub title: String,
        /// One paragraph, plain text.
        pub summary: String,
        /// Sanitised HTML.
        pub content: String,
        /// The text as written (Markdown), for local plans.
        pub source: Option<String>,
        pub area_address: Option<String>,
        /// A GeoJSON Point or Polygon, as JSON text.
        pub area_geometry: Option<String>,
        pub cost_estimate_cents: Option<i64>,
        pub requested_budget_cents: Option<i64>,
        pub currency: String,
        pub state: String,
        pub local: bool,
        /// For a copy of a plan from elsewhere: its counts as the home
        /// instance last sent them. Local plans count live.
        pub supports_count: i64,
        pub pro_count: i64,
        pub contra_count: i64,
        pub comments_count: i64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

pub mod owner {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "plan_owners")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub plan_id: i64,
        /// A person or group, here or on another instance.
        pub actor_id: i64,
        pub added_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

pub mod history {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "plan_history")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub plan_id: i64,
        pub actor_ap_id: String,
        /// `created`, `edited`, `state` or `progress`.
        pub action: String,
        pub from_state: Option<String>,
        pub to_state: Option<String>,
        /// The reason of a decision, a progress report, or the results.
        pub note: String,
        /// JSON list of the fields an edit changed.
        pub fields: String,
        pub at: DateTimeUtc,
        /// `local`: happened here. `home`: a copy's home states it.
        /// `sent`: a change a local actor sent to a copy's home, kept as
        /// evidence that it acted (never shown itself).
        pub source: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

pub mod invitation {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "plan_invitations")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub plan_id: i64,
        /// The invited person or group.
        pub actor_id: i64,
        pub inviter_ap_id: String,
        /// The `Invite` activity's id.
        #[sea_orm(unique)]
        pub ap_id: String,
        /// `pending`, `accepted` or `rejected`.
        pub state: String,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

pub mod advice {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "plan_advice")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub plan_id: i64,
        /// Whom the advice is asked of: any actor, here or elsewhere.
        pub advisor_id: i64,
        pub requester_ap_id: String,
        pub question: String,
        /// The request's id (the `Note` sent to the advisor).
        #[sea_orm(unique)]
        pub request_ap_id: String,
        /// `positive`, `conditions` or `negative`, once answered.
        pub verdict: Option<String>,
        pub reasons: String,
        pub answer_ap_id: Option<String>,
        pub answered_at: Option<DateTimeUtc>,
        pub created_at: DateTimeUtc,
        /// The verdict was given here, received signed by the advisor, or
        /// fetched from the advisor's server. Otherwise it is only what the
        /// plan's home claims, and is not shown as given.
        pub verified: bool,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

pub mod editor {
    use sea_orm::entity::prelude::*;

    /// A member of an owning group named by one of its moderators as an
    /// editor of one plan.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "plan_editors")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub plan_id: i64,
        /// The owning local group the editor acts for.
        pub group_id: i64,
        pub person_id: i64,
        /// The moderator who named them.
        pub named_by: i64,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

pub mod update_due {
    use sea_orm::entity::prelude::*;

    /// A local plan whose counts changed since its last Update: one is sent
    /// once `due_at` has passed (see `plans::updates`).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "plan_updates_due")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub plan_id: i64,
        pub due_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}
