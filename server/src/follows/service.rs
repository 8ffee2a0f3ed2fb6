//! Following (with approval for locked accounts), blocking and muting, and the
//! relationship between two actors as clients show it.

use crate::db::BeginWrite;
use chrono::Utc;
use sea_orm::sea_query::ExprTrait;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};
use serde_json::{Value, json};

use crate::actors::entity::{self as actor, Model as Actor};
use crate::actors::graph::{block, follow, mute};
use crate::auth::service::Person;
use crate::error::AppError;
use crate::notifications::notify;
use crate::state::AppState;

/// An actor by its API id, or 404.
pub async fn find_actor(db: &impl ConnectionTrait, id: &str) -> Result<Actor, AppError> {
    let not_found = || AppError::NotFound(msg!("error-record-not-found"));
    let id: i64 = id.parse().map_err(|_| not_found())?;
    actor::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(not_found)
}

async fn blocked_either_way(db: &impl ConnectionTrait, a: i64, b: i64) -> Result<bool, AppError> {
    Ok(block::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(
                    block::Column::ActorId
                        .eq(a)
                        .and(block::Column::TargetId.eq(b)),
                )
                .add(
                    block::Column::ActorId
                        .eq(b)
                        .and(block::Column::TargetId.eq(a)),
                ),
        )
        .one(db)
        .await?
        .is_some())
}

/// Follows an account or group. Locked targets get a request to accept.
pub async fn follow(state: &AppState, person: &Person, target_id: &str) -> Result<Actor, AppError> {
    let db = &state.db;
    let me = person.actor.id;
    let target = find_actor(db, target_id).await?;
    if target.id == me {
        return Err(AppError::invalid(
            "id",
            msg!("error-you-cannot-follow-yourself"),
        ));
    }
    if target.kind == "application" {
        return Err(AppError::invalid(
            "id",
            msg!("error-account-cannot-followed"),
        ));
    }
    if blocked_either_way(db, me, target.id).await? {
        return Err(AppError::Forbidden(msg!("error-action-not-allowed")));
    }
    let existing = follow::Entity::find()
        .filter(follow::Column::FollowerId.eq(me))
        .filter(follow::Column::TargetId.eq(target.id))
        .one(db)
        .await?;
    let policy = join_policy(db, &target).await?;
    if policy.as_deref() == Some("invite") {
        return Err(AppError::Forbidden(msg!(
            "error-group-takes-members-by-invitation"
        )));
    }
    if existing.is_none() {
        start_following(state, person, &target, policy.as_deref()).await?;
    }
    Ok(target)
}

/// How a local group takes members (`open`, `approval`, `invite`); `None`
/// for anyone else. Joining a local group follows its join policy.
pub async fn join_policy(
    db: &impl ConnectionTrait,
    target: &Actor,
) -> Result<Option<String>, AppError> {
    if !(target.local && target.kind == "group") {
        return Ok(None);
    }
    Ok(crate::actors::graph::group::Entity::find_by_id(target.id)
        .one(db)
        .await?
        .map(|g| g.join_policy))
}

/// Whether a new follow of `target` is accepted at once: a local target that
/// is not locked, and not a group that approves its members. Remote follows
/// wait for the other server's Accept.
pub fn accepted_at_once(target: &Actor, policy: Option<&str>) -> bool {
    target.local && !target.locked && policy != Some("approval")
}

/// A new follow of `target` by `follower` (local or remote, the rule is one):
/// the row, a membership when the target is a local group, and the
/// target's notification. `None` when the follow was there already.
pub async fn add_follow(
    txn: &sea_orm::DatabaseTransaction,
    follower: &Actor,
    target: &Actor,
    follow_id: &str,
    policy: Option<&str>,
) -> Result<Option<bool>, AppError> {
    let accepted = accepted_at_once(target, policy);
    let inserted = follow::Entity::insert(follow::ActiveModel {
        follower_id: Set(follower.id),
        target_id: Set(target.id),
        accepted: Set(accepted),
        created_at: Set(Utc::now()),
        ap_id: Set(Some(follow_id.to_string())),
        ..Default::default()
    })
    .on_conflict_do_nothing_on([follow::Column::FollowerId, follow::Column::TargetId])
    .exec_without_returning(txn)
    .await?;
    if !matches!(inserted, sea_orm::TryInsertResult::Inserted(n) if n > 0) {
        return Ok(None);
    }
    if target.local {
        let kind = if accepted { "follow" } else { "follow_request" };
        notify(txn, target.id, kind, follower.id, None).await?;
    }
    if policy.is_some() {
        crate::actors::graph::membership::ActiveModel {
            group_id: Set(target.id),
            member_id: Set(follower.id),
            role: Set("member".into()),
            state: Set(if accepted {
                "active".into()
            } else {
                "pending".into()
            }),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(txn)
        .await
        .map_err(|e| AppError::from_db_conflict(e, msg!("error-already-member")))?;
    }
    Ok(Some(accepted))
}

/// A new follow of `target` by a person here, with its `Follow`.
async fn start_following(
    state: &AppState,
    person: &Person,
    target: &Actor,
    policy: Option<&str>,
) -> Result<(), AppError> {
    let follow_id = format!(
        "{}#follows/{}",
        person.actor.ap_id,
        crate::secrets::random_token()?
    );
    let txn = state.db.begin_write().await?;
    if add_follow(&txn, &person.actor, target, &follow_id, policy)
        .await?
        .is_none()
    {
        return Err(AppError::Conflict(msg!("error-already-following")));
    }
    crate::follows::federate::followed(
        &txn,
        &state.config,
        &person.actor,
        target,
        &follow_id,
        false,
    )
    .await?;
    txn.commit().await?;
    state.federation.outbox_bell.notify_one();
    Ok(())
}

pub async fn unfollow(
    state: &AppState,
    person: &Person,
    target_id: &str,
) -> Result<Actor, AppError> {
    let db = &state.db;
    let target = find_actor(db, target_id).await?;
    let existing = follow::Entity::find()
        .filter(follow::Column::FollowerId.eq(person.actor.id))
        .filter(follow::Column::TargetId.eq(target.id))
        .one(db)
        .await?;
    if let Some(f) = existing {
        let txn = db.begin_write().await?;
        follow::Entity::delete_by_id(f.id).exec(&txn).await?;
        crate::actors::graph::membership::Entity::delete_many()
            .filter(crate::actors::graph::membership::Column::GroupId.eq(target.id))
            .filter(crate::actors::graph::membership::Column::MemberId.eq(person.actor.id))
            .filter(crate::actors::graph::membership::Column::Role.eq("member"))
            .exec(&txn)
            .await?;
        if let Some(follow_id) = &f.ap_id {
            crate::follows::federate::followed(
                &txn,
                &state.config,
                &person.actor,
                &target,
                follow_id,
                true,
            )
            .await?;
        }
        txn.commit().await?;
        state.federation.outbox_bell.notify_one();
    }
    Ok(target)
}

/// Blocks an account: ends follows both ways.
pub async fn block(state: &AppState, person: &Person, target_id: &str) -> Result<Actor, AppError> {
    let db = &state.db;
    let me = person.actor.id;
    let target = find_actor(db, target_id).await?;
    if target.id == me {
        return Err(AppError::invalid(
            "id",
            msg!("error-you-cannot-block-yourself"),
        ));
    }
    let txn = db.begin_write().await?;
    let exists = block::Entity::find()
        .filter(block::Column::ActorId.eq(me))
        .filter(block::Column::TargetId.eq(target.id))
        .one(&txn)
        .await?
        .is_some();
    if !exists {
        block::ActiveModel {
            actor_id: Set(me),
            target_id: Set(target.id),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    follow::Entity::delete_many()
        .filter(
            sea_orm::Condition::any()
                .add(
                    follow::Column::FollowerId
                        .eq(me)
                        .and(follow::Column::TargetId.eq(target.id)),
                )
                .add(
                    follow::Column::FollowerId
                        .eq(target.id)
                        .and(follow::Column::TargetId.eq(me)),
                ),
        )
        .exec(&txn)
        .await?;
    crate::follows::federate::blocked(&txn, &state.config, &person.actor, &target).await?;
    txn.commit().await?;
    state.federation.outbox_bell.notify_one();
    Ok(target)
}

pub async fn unblock(
    state: &AppState,
    person: &Person,
    target_id: &str,
) -> Result<Actor, AppError> {
    let db = &state.db;
    let target = find_actor(db, target_id).await?;
    block::Entity::delete_many()
        .filter(block::Column::ActorId.eq(person.actor.id))
        .filter(block::Column::TargetId.eq(target.id))
        .exec(db)
        .await?;
    Ok(target)
}

pub async fn mute(state: &AppState, person: &Person, target_id: &str) -> Result<Actor, AppError> {
    let db = &state.db;
    let me = person.actor.id;
    let target = find_actor(db, target_id).await?;
    if target.id == me {
        return Err(AppError::invalid(
            "id",
            msg!("error-you-cannot-mute-yourself"),
        ));
    }
    let exists = mute::Entity::find()
        .filter(mute::Column::ActorId.eq(me))
        .filter(mute::Column::TargetId.eq(target.id))
        .one(db)
        .await?
        .is_some();
    if !exists {
        mute::ActiveModel {
            actor_id: Set(me),
            target_id: Set(target.id),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(target)
}

pub async fn unmute(state: &AppState, person: &Person, target_id: &str) -> Result<Actor, AppError> {
    let db = &state.db;
    let target = find_actor(db, target_id).await?;
    mute::Entity::delete_many()
        .filter(mute::Column::ActorId.eq(person.actor.id))
        .filter(mute::Column::TargetId.eq(target.id))
        .exec(db)
        .await?;
    Ok(target)
}

/// Relationships of `me` to each of `targets`, batched.
pub async fn relationships(
    db: &impl ConnectionTrait,
    me: i64,
    targets: &[i64],
) -> Result<Vec<Value>, AppError> {
    let outgoing = follow::Entity::find()
        .filter(follow::Column::FollowerId.eq(me))
        .filter(follow::Column::TargetId.is_in(targets.to_vec()))
        .all(db)
        .await?;
    let incoming = follow::Entity::find()
        .filter(follow::Column::TargetId.eq(me))
        .filter(follow::Column::FollowerId.is_in(targets.to_vec()))
        .filter(follow::Column::Accepted.eq(true))
        .all(db)
        .await?;
    let blocks = block::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(
                    block::Column::ActorId
                        .eq(me)
                        .and(block::Column::TargetId.is_in(targets.to_vec())),
                )
                .add(
                    block::Column::TargetId
                        .eq(me)
                        .and(block::Column::ActorId.is_in(targets.to_vec())),
                ),
        )
        .all(db)
        .await?;
    let mutes = mute::Entity::find()
        .filter(mute::Column::ActorId.eq(me))
        .filter(mute::Column::TargetId.is_in(targets.to_vec()))
        .all(db)
        .await?;
    Ok(targets
        .iter()
        .map(|t| {
            let out = outgoing.iter().find(|f| f.target_id == *t);
            json!({
                "id": t.to_string(),
                "following": out.is_some_and(|f| f.accepted),
                "requested": out.is_some_and(|f| !f.accepted),
                "showing_reblogs": out.is_some(),
                "notifying": false,
                "languages": Value::Null,
                "followed_by": incoming.iter().any(|f| f.follower_id == *t),
                "blocking": blocks.iter().any(|b| b.actor_id == me && b.target_id == *t),
                "blocked_by": blocks.iter().any(|b| b.actor_id == *t && b.target_id == me),
                "muting": mutes.iter().any(|m| m.target_id == *t),
                "muting_notifications": mutes.iter().any(|m| m.target_id == *t),
                "requested_by": false,
                "domain_blocking": false,
                "endorsed": false,
                "note": "",
            })
        })
        .collect())
}

/// Accepts or rejects a pending follow request to `person` from `requester_id`.
pub async fn answer_request(
    state: &AppState,
    person: &Person,
    requester_id: &str,
    accept: bool,
) -> Result<Actor, AppError> {
    let db = &state.db;
    let requester = find_actor(db, requester_id).await?;
    let request = follow::Entity::find()
        .filter(follow::Column::FollowerId.eq(requester.id))
        .filter(follow::Column::TargetId.eq(person.actor.id))
        .filter(follow::Column::Accepted.eq(false))
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(msg!("error-record-not-found")))?;
    let txn = db.begin_write().await?;
    let follow_ap_id = request.ap_id.clone();
    if accept {
        let mut active: follow::ActiveModel = request.into();
        active.accepted = Set(true);
        active.update(&txn).await?;
        notify(&txn, person.actor.id, "follow", requester.id, None).await?;
    } else {
        follow::Entity::delete_by_id(request.id).exec(&txn).await?;
    }
    crate::notifications::withdraw(&txn, person.actor.id, "follow_request", requester.id, None)
        .await?;
    if let (false, Some(follow_id)) = (requester.local, follow_ap_id) {
        crate::follows::federate::answered_follow(
            &txn,
            &state.config,
            &person.actor,
            &requester,
            &follow_id,
            accept,
        )
        .await?;
    }
    txn.commit().await?;
    state.federation.outbox_bell.notify_one();
    Ok(requester)
}
