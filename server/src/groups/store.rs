//! Group queries and read models.

use sea_orm::sea_query::{Expr, ExprTrait, NullOrdering, Order, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::actors::ActorKind;
use crate::actors::entity::{self as actor, Column, Entity};
use crate::error::AppError;
use crate::statuses::entity::status;

/// Local groups (the neighbourhood's own actor left out), those that
/// posted or shared most recently first, then the rest. One statement: each
/// group's newest post is one lookup on the (actor, id) index.
pub async fn active_local(
    db: &impl ConnectionTrait,
    neighbourhood: &str,
    limit: u64,
) -> Result<Vec<actor::Model>, AppError> {
    let newest = Query::select()
        .expr(Expr::col((status::Entity, status::Column::Id)).max())
        .from(status::Entity)
        .and_where(
            Expr::col((status::Entity, status::Column::ActorId)).equals((Entity, Column::Id)),
        )
        .to_owned();
    Ok(Entity::find()
        .filter(Column::Local.eq(true))
        .filter(Column::Kind.eq(ActorKind::Group.as_str()))
        .filter(Column::UsernameKey.ne(neighbourhood.to_lowercase()))
        .filter(Column::SuspendedAt.is_null())
        .filter(Column::DeletedAt.is_null())
        .order_by_with_nulls(Expr::expr(newest), Order::Desc, NullOrdering::Last)
        .order_by_asc(Column::UsernameKey)
        .limit(limit)
        .all(db)
        .await?)
}
