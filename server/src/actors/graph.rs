//! The graph between actors: the `follows`, `blocks` and `mutes` tables.
//! Timelines and visibility read them below every domain; the rules for
//! changing them live in `follows`.

pub mod follow {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "follows")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub follower_id: i64,
        pub target_id: i64,
        /// False while a locked account or approval group has not accepted.
        pub accepted: bool,
        pub created_at: DateTimeUtc,
        /// The id of the Follow activity, to match Accept, Reject and Undo.
        pub ap_id: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

/// Blocks and mutes have the same shape.
macro_rules! actor_pair_table {
    ($module:ident, $table:literal) => {
        pub mod $module {
            use sea_orm::entity::prelude::*;

            #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
            #[sea_orm(table_name = $table)]
            pub struct Model {
                #[sea_orm(primary_key)]
                pub id: i64,
                pub actor_id: i64,
                pub target_id: i64,
                pub created_at: DateTimeUtc,
            }

            #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
            pub enum Relation {}
            impl ActiveModelBehavior for ActiveModel {}
        }
    };
}

actor_pair_table!(block, "blocks");
actor_pair_table!(mute, "mutes");
