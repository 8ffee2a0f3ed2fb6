//! What can be done to groups. Each change is one transaction.

use crate::db::BeginWrite;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection};

use super::entity::{group, membership};
use super::{JoinPolicy, MemberRole};
use crate::actors::store::{self as actor_store, NewLocalActor};
use crate::actors::{ActorKind, Username};
use crate::auth::service::named_person as find_person;
use crate::config::Config;
use crate::error::AppError;

/// A created group, as reported back.
#[derive(Debug, Clone)]
pub struct CreatedGroup {
    pub id: i64,
    pub name: String,
    pub ap_id: String,
    pub owner: String,
    pub join_policy: JoinPolicy,
}

/// Creates a group owned by an active local person.
pub async fn create(
    db: &DatabaseConnection,
    config: &Config,
    name: &str,
    owner: &str,
    join_policy: JoinPolicy,
) -> Result<CreatedGroup, AppError> {
    let username = Username::parse(name).map_err(|e| AppError::invalid("name", e.to_string()))?;
    let (owner, owner_account) = find_person(db, config, owner).await?;
    if owner_account.disabled_at.is_some() {
        return Err(AppError::Forbidden(format!(
            "{} is disabled and cannot own a group",
            owner.username
        )));
    }
    if actor_store::find_local(db, config, username.as_str())
        .await?
        .is_some()
    {
        return Err(AppError::Conflict(format!("the name {username} is taken")));
    }
    let keys = tokio::task::spawn_blocking(knooppunt_federation::keys::generate_actor_keys)
        .await
        .map_err(|e| AppError::Internal(format!("key generation task failed: {e}")))??;

    let txn = db.begin_write().await?;
    let actor = actor_store::insert_local(
        &txn,
        config,
        NewLocalActor {
            kind: ActorKind::Group,
            username: username.as_str(),
            display_name: username.to_string(),
            role: None,
            keys,
        },
    )
    .await?;
    group::ActiveModel {
        actor_id: Set(actor.id),
        join_policy: Set(join_policy.as_str().to_string()),
        created_by: Set(Some(owner.id)),
    }
    .insert(&txn)
    .await?;
    let actor = if join_policy == JoinPolicy::Open {
        actor
    } else {
        // Other servers show "requested" for groups that approve their members.
        let mut locked: crate::actors::entity::ActiveModel = actor.into();
        locked.locked = Set(true);
        locked.update(&txn).await?
    };
    membership::ActiveModel {
        group_id: Set(actor.id),
        member_id: Set(owner.id),
        role: Set(MemberRole::Owner.as_str().to_string()),
        state: Set("active".to_string()),
        created_at: Set(actor.created_at),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(CreatedGroup {
        id: actor.id,
        name: actor.username,
        ap_id: actor.ap_id,
        owner: owner.username,
        join_policy,
    })
}

/// `person_id`'s active membership of `group_id`, if any.
async fn active_membership(
    db: &impl sea_orm::ConnectionTrait,
    group_id: i64,
    person_id: i64,
) -> Result<Option<membership::Model>, AppError> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    Ok(membership::Entity::find()
        .filter(membership::Column::GroupId.eq(group_id))
        .filter(membership::Column::MemberId.eq(person_id))
        .filter(membership::Column::State.eq("active"))
        .one(db)
        .await?)
}

/// Whether `person` may manage `group`: its owner or a moderator.
pub async fn may_moderate(
    db: &impl sea_orm::ConnectionTrait,
    group_id: i64,
    person_id: i64,
) -> Result<bool, AppError> {
    Ok(active_membership(db, group_id, person_id)
        .await?
        .is_some_and(|m| {
            m.role == MemberRole::Owner.as_str() || m.role == MemberRole::Moderator.as_str()
        }))
}

/// Whether `person_id` is an active member of `group_id` (any role). A
/// remote follower of an open group is a member too; following alone
/// gives no say over what the group owns.
pub async fn is_active_member(
    db: &impl sea_orm::ConnectionTrait,
    group_id: i64,
    person_id: i64,
) -> Result<bool, AppError> {
    Ok(active_membership(db, group_id, person_id).await?.is_some())
}

/// Whether `person` may act for `actor_id`: it is them, or a local group
/// they own or moderate (answering invitations and advice asked of it).
pub async fn speaks_for(
    db: &impl sea_orm::ConnectionTrait,
    person_id: i64,
    actor_id: i64,
) -> Result<bool, AppError> {
    Ok(actor_id == person_id || may_moderate(db, actor_id, person_id).await?)
}

/// Rows whose `column` names an actor `person_id` may act for: themselves
/// and the groups they own or moderate (by subquery, however many).
pub fn spoken_for_in(column: impl sea_orm::ColumnTrait, person_id: i64) -> sea_orm::Condition {
    use sea_orm::{ColumnTrait, sea_query::Query};
    let moderated = Query::select()
        .column(membership::Column::GroupId)
        .from(membership::Entity)
        .and_where(membership::Column::MemberId.eq(person_id))
        .and_where(membership::Column::State.eq("active"))
        .and_where(
            membership::Column::Role
                .is_in([MemberRole::Owner.as_str(), MemberRole::Moderator.as_str()]),
        )
        .to_owned();
    sea_orm::Condition::any()
        .add(column.eq(person_id))
        .add(column.in_subquery(moderated))
}

/// A local group that `person` moderates, by name; 404 or 403 otherwise.
pub async fn moderated(
    state: &crate::state::AppState,
    person: &crate::auth::service::Person,
    name: &str,
) -> Result<crate::actors::entity::Model, AppError> {
    let group = actor_store::find_local(&state.db, &state.config, name)
        .await?
        .filter(|a| a.kind == ActorKind::Group.as_str())
        .ok_or_else(|| AppError::NotFound(format!("there is no group named {name:?} here")))?;
    if !may_moderate(&state.db, group.id, person.actor.id).await? {
        return Err(AppError::Forbidden(
            "only the group's owners and moderators may do this".into(),
        ));
    }
    Ok(group)
}

/// People waiting to join a group (approval policy), oldest first.
pub async fn pending_members(
    db: &DatabaseConnection,
    group_id: i64,
) -> Result<Vec<crate::actors::entity::Model>, AppError> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, sea_query::Query};
    let ids: Vec<i64> = membership::Entity::find()
        .filter(membership::Column::GroupId.eq(group_id))
        .filter(membership::Column::State.eq("pending"))
        .order_by_asc(membership::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.member_id)
        .collect();
    let pending = Query::select()
        .column(membership::Column::MemberId)
        .from(membership::Entity)
        .and_where(membership::Column::GroupId.eq(group_id))
        .and_where(membership::Column::State.eq("pending"))
        .to_owned();
    let mut actors: std::collections::HashMap<i64, crate::actors::entity::Model> =
        crate::actors::entity::Entity::find()
            .filter(crate::actors::entity::Column::Id.in_subquery(pending))
            .all(db)
            .await?
            .into_iter()
            .map(|a| (a.id, a))
            .collect();
    Ok(ids.iter().filter_map(|id| actors.remove(id)).collect())
}

/// Lets a pending member in (or not): membership and follow change together,
/// and a remote member's server gets the group's Accept or Reject.
pub async fn answer_join(
    state: &crate::state::AppState,
    group: &crate::actors::entity::Model,
    member_id: i64,
    accept: bool,
) -> Result<crate::actors::entity::Model, AppError> {
    use crate::actors::graph::follow;
    use crate::db::BeginWrite;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let db = &state.db;
    let pending = membership::Entity::find()
        .filter(membership::Column::GroupId.eq(group.id))
        .filter(membership::Column::MemberId.eq(member_id))
        .filter(membership::Column::State.eq("pending"))
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("no such request to join".into()))?;
    let member = crate::actors::entity::Entity::find_by_id(member_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("no such request to join".into()))?;
    let request = follow::Entity::find()
        .filter(follow::Column::FollowerId.eq(member_id))
        .filter(follow::Column::TargetId.eq(group.id))
        .one(db)
        .await?;
    let txn = db.begin_write().await?;
    if accept {
        let mut active: membership::ActiveModel = pending.into();
        active.state = Set("active".into());
        active.update(&txn).await?;
        if let Some(f) = request.clone() {
            let mut active: follow::ActiveModel = f.into();
            active.accepted = Set(true);
            active.update(&txn).await?;
        }
    } else {
        membership::Entity::delete_by_id(pending.id)
            .exec(&txn)
            .await?;
        if let Some(f) = &request {
            follow::Entity::delete_by_id(f.id).exec(&txn).await?;
        }
    }
    if let (false, Some(follow_id)) = (member.local, request.and_then(|f| f.ap_id)) {
        crate::follows::federate::answered_follow(
            &txn,
            &state.config,
            group,
            &member,
            &follow_id,
            accept,
        )
        .await?;
    }
    txn.commit().await?;
    state.federation.outbox_bell.notify_one();
    Ok(member)
}

/// Makes an active member of a group a moderator, or a moderator a member
/// again. The group's owner role is never given or taken this way. With
/// `enrol` (the operator's command) a local person who is not yet a member
/// becomes one.
pub async fn set_moderator(
    db: &impl sea_orm::ConnectionTrait,
    group_id: i64,
    person_id: i64,
    moderator: bool,
    enrol: bool,
) -> Result<(), AppError> {
    let m = match active_membership(db, group_id, person_id).await? {
        Some(m) => m,
        None if enrol && moderator => {
            membership::ActiveModel {
                group_id: Set(group_id),
                member_id: Set(person_id),
                role: Set(MemberRole::Moderator.as_str().to_string()),
                state: Set("active".to_string()),
                created_at: Set(chrono::Utc::now()),
                ..Default::default()
            }
            .insert(db)
            .await?;
            return Ok(());
        }
        None => {
            return Err(AppError::invalid(
                "account_id",
                "only active members of the group can moderate it",
            ));
        }
    };
    if m.role == MemberRole::Owner.as_str() {
        return Err(AppError::Conflict(
            "the group's owner moderates it already".into(),
        ));
    }
    let mut active: membership::ActiveModel = m.into();
    active.role = Set(if moderator {
        MemberRole::Moderator
    } else {
        MemberRole::Member
    }
    .as_str()
    .to_string());
    active.update(db).await?;
    Ok(())
}

/// Whether `person` may appoint the moderators of `group`: its owner, or an
/// administrator of the instance (the neighbourhood has no owner).
pub async fn may_appoint(
    db: &impl sea_orm::ConnectionTrait,
    person: &crate::auth::service::Person,
    group_id: i64,
) -> Result<bool, AppError> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    if person.account.admin {
        return Ok(true);
    }
    Ok(membership::Entity::find()
        .filter(membership::Column::GroupId.eq(group_id))
        .filter(membership::Column::MemberId.eq(person.actor.id))
        .filter(membership::Column::State.eq("active"))
        .filter(membership::Column::Role.eq(MemberRole::Owner.as_str()))
        .one(db)
        .await?
        .is_some())
}
