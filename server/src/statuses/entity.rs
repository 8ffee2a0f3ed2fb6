//! Tables of statuses and what hangs off them: edits, tags, mentions,
//! favourites, polls and votes, idempotency keys.

macro_rules! no_relations {
    () => {
        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}
        impl ActiveModelBehavior for ActiveModel {}
    };
}

pub mod status {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "statuses")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(unique)]
        pub ap_id: String,
        pub url: Option<String>,
        pub actor_id: i64,
        pub in_reply_to_id: Option<i64>,
        pub in_reply_to_actor_id: Option<i64>,
        /// Set for a reblog (boost): this row is the boost, the target is the original.
        pub reblog_of_id: Option<i64>,
        /// Sanitised HTML.
        pub content: String,
        /// The text as written, for local statuses (editing shows it again).
        pub source: Option<String>,
        pub spoiler_text: String,
        pub sensitive: bool,
        /// `public`, `unlisted`, `private` or `direct`.
        pub visibility: String,
        pub language: Option<String>,
        pub local: bool,
        pub created_at: DateTimeUtc,
        pub edited_at: Option<DateTimeUtc>,
        /// `pro` or `contra` for an argument on a plan; none for a plain comment.
        pub stance: Option<String>,
    }
    no_relations!();
}

pub mod edit {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "status_edits")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub status_id: i64,
        pub content: String,
        pub spoiler_text: String,
        pub sensitive: bool,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod tag {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "tags")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Lowercase, without `#`.
        #[sea_orm(unique)]
        pub name: String,
    }
    no_relations!();
}

pub mod status_tag {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "status_tags")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub status_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub tag_id: i64,
    }
    no_relations!();
}

pub mod mention {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "mentions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub status_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub actor_id: i64,
    }
    no_relations!();
}

pub mod favourite {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "favourites")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub actor_id: i64,
        pub status_id: i64,
        pub created_at: DateTimeUtc,
        /// The id of the Like activity.
        pub ap_id: Option<String>,
    }
    no_relations!();
}

pub mod poll {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "polls")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(unique)]
        pub status_id: i64,
        /// JSON array of option titles.
        pub options: String,
        pub multiple: bool,
        pub expires_at: Option<DateTimeUtc>,
        /// When the author and voters were told the poll ended.
        pub ended_notified_at: Option<DateTimeUtc>,
    }
    no_relations!();
}

pub mod poll_vote {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "poll_votes")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub poll_id: i64,
        pub actor_id: i64,
        pub choice: i32,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}

pub mod idempotency_key {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "idempotency_keys")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub actor_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub key: String,
        pub status_id: i64,
        pub created_at: DateTimeUtc,
    }
    no_relations!();
}
