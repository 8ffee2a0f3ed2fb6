//! The outbox as the public collection of an actor's activities.

use super::*;

/// How many public activities the local actor `actor_id` has sent: its
/// outbox collection's size.
pub async fn public_count(db: &impl ConnectionTrait, actor_id: i64) -> Result<u64, EngineError> {
    Ok(public_of(actor_id).count(db).await?)
}

/// A page of the public activities of `actor_id`, newest first, older than
/// `max_id` when given.
pub async fn public_page(
    db: &impl ConnectionTrait,
    actor_id: i64,
    max_id: Option<i64>,
    limit: u64,
) -> Result<Vec<activity::Model>, EngineError> {
    let mut query = public_of(actor_id)
        .order_by_desc(activity::Column::Id)
        .limit(limit);
    if let Some(max) = max_id {
        query = query.filter(activity::Column::Id.lt(max));
    }
    Ok(query.all(db).await?)
}

pub(super) fn public_of(actor_id: i64) -> sea_orm::Select<activity::Entity> {
    activity::Entity::find()
        .filter(activity::Column::ActorId.eq(actor_id))
        .filter(activity::Column::Public.eq(true))
}
