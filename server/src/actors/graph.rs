//! The graph between actors: the `follows`, `groups` (how a group takes
//! members), `memberships`, `blocks` and `mutes` tables.
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

pub mod group {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "groups")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub actor_id: i64,
        /// `open`, `approval` or `invite` (see `groups::JoinPolicy`).
        pub join_policy: String,
        pub created_by: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod membership {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "memberships")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub group_id: i64,
        pub member_id: i64,
        /// `owner`, `moderator` or `member`.
        pub role: String,
        /// `active`, or `pending` while a request awaits approval.
        pub state: String,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Whether `member` may post to `group`: an active membership or an
/// accepted follow.
pub async fn is_member(
    db: &impl sea_orm::ConnectionTrait,
    group: i64,
    member: i64,
) -> Result<bool, sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let joined = membership::Entity::find()
        .filter(membership::Column::GroupId.eq(group))
        .filter(membership::Column::MemberId.eq(member))
        .filter(membership::Column::State.eq("active"))
        .one(db)
        .await?
        .is_some();
    if joined {
        return Ok(true);
    }
    Ok(follow::Entity::find()
        .filter(follow::Column::FollowerId.eq(member))
        .filter(follow::Column::TargetId.eq(group))
        .filter(follow::Column::Accepted.eq(true))
        .one(db)
        .await?
        .is_some())
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

/// Ids of the actors `me` blocked, as a subquery (however many).
pub fn blocked_by(me: i64) -> sea_orm::sea_query::SelectStatement {
    use sea_orm::ColumnTrait;
    sea_orm::sea_query::Query::select()
        .column(block::Column::TargetId)
        .from(block::Entity)
        .and_where(block::Column::ActorId.eq(me))
        .to_owned()
}

/// Ids of the actors that blocked `me`, as a subquery.
pub fn blocking(me: i64) -> sea_orm::sea_query::SelectStatement {
    use sea_orm::ColumnTrait;
    sea_orm::sea_query::Query::select()
        .column(block::Column::ActorId)
        .from(block::Entity)
        .and_where(block::Column::TargetId.eq(me))
        .to_owned()
}

/// Ids of the actors `me` muted, as a subquery.
pub fn muted_by(me: i64) -> sea_orm::sea_query::SelectStatement {
    use sea_orm::ColumnTrait;
    sea_orm::sea_query::Query::select()
        .column(mute::Column::TargetId)
        .from(mute::Entity)
        .and_where(mute::Column::ActorId.eq(me))
        .to_owned()
}
