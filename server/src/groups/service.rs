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
    let username = Username::parse(name).map_err(|e| AppError::invalid("name", e.msg()))?;
    let (owner, owner_account) = find_person(db, config, owner).await?;
    if owner_account.disabled_at.is_some() {
        return Err(AppError::Forbidden(msg!(
            "error-disabled-cannot-own-group",
            name = &owner.username
        )));
    }
    if actor_store::find_local(db, config, username.as_str())
        .await?
        .is_some()
    {
        return Err(AppError::Conflict(msg!(
            "error-name-taken",
            username = username.as_str()
        )));
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
        .ok_or_else(|| AppError::NotFound(msg!("error-there-no-group-named-here", name = name)))?;
    if !may_moderate(&state.db, group.id, person.actor.id).await? {
        return Err(AppError::Forbidden(msg!(
            "error-groups-owners-moderators-do"
        )));
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
        .ok_or_else(|| AppError::NotFound(msg!("error-no-such-request-join")))?;
    let member = crate::actors::entity::Entity::find_by_id(member_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(msg!("error-no-such-request-join")))?;
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
                msg!("error-active-members-group-moderate"),
            ));
        }
    };
    if m.role == MemberRole::Owner.as_str() {
        return Err(AppError::Conflict(msg!(
            "error-groups-owner-moderates-already"
        )));
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

/// A group as the directory lists it.
#[derive(Debug, Clone)]
pub struct Listed {
    pub actor: crate::actors::entity::Model,
    /// Active members of a local group; known followers of a remote one.
    pub members: i64,
}

/// The group directory: local groups and the remote groups someone here
/// follows, newest first, below `before` (an actor id), without hidden
/// ones. Two statements per page besides the counts.
pub async fn directory(
    db: &impl sea_orm::ConnectionTrait,
    before: Option<i64>,
    limit: u64,
) -> Result<Vec<Listed>, AppError> {
    use crate::actors::entity as actor;
    use crate::actors::graph::follow;
    use sea_orm::{
        ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect, sea_query::Query,
    };
    let locals = Query::select()
        .column(actor::Column::Id)
        .from(actor::Entity)
        .and_where(actor::Column::Local.eq(true))
        .to_owned();
    let followed_here = Query::select()
        .column(follow::Column::TargetId)
        .from(follow::Entity)
        .and_where(follow::Column::Accepted.eq(true))
        .and_where(follow::Column::FollowerId.in_subquery(locals))
        .to_owned();
    let mut query = actor::Entity::find()
        .filter(actor::Column::Kind.eq(ActorKind::Group.as_str()))
        .filter(actor::Column::DeletedAt.is_null())
        .filter(actor::Column::Id.not_in_subquery(crate::actors::hidden::hidden_actors()))
        .filter(
            Condition::any()
                .add(actor::Column::Local.eq(true))
                .add(actor::Column::Id.in_subquery(followed_here)),
        );
    if let Some(before) = before {
        query = query.filter(actor::Column::Id.lt(before));
    }
    let groups = query
        .order_by_desc(actor::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let local_ids: Vec<i64> = groups.iter().filter(|g| g.local).map(|g| g.id).collect();
    let mut counts = member_counts(db, &local_ids).await?;
    let remote =
        crate::actors::stats::counts(db, groups.iter().filter(|g| !g.local).map(|g| g.id)).await?;
    Ok(groups
        .into_iter()
        .map(|actor| {
            let members = if actor.local {
                counts.remove(&actor.id).unwrap_or(0)
            } else {
                remote.get(&actor.id).map_or(0, |c| c.followers)
            };
            Listed { actor, members }
        })
        .collect())
}

/// Active members of each of these local groups, in one statement.
pub async fn member_counts(
    db: &impl sea_orm::ConnectionTrait,
    group_ids: &[i64],
) -> Result<std::collections::HashMap<i64, i64>, AppError> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
    if group_ids.is_empty() {
        return Ok(Default::default());
    }
    let rows: Vec<(i64, i64)> = membership::Entity::find()
        .select_only()
        .column(membership::Column::GroupId)
        .column_as(membership::Column::Id.count(), "n")
        .filter(membership::Column::GroupId.is_in(group_ids.to_vec()))
        .filter(membership::Column::State.eq("active"))
        .group_by(membership::Column::GroupId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// A member of a group with their role.
#[derive(Debug, Clone)]
pub struct Member {
    pub actor: crate::actors::entity::Model,
    pub role: MemberRole,
}

/// A group's active members, owners and moderators first, then by when
/// they joined; at most `limit`.
pub async fn members(
    db: &impl sea_orm::ConnectionTrait,
    group_id: i64,
    limit: u64,
) -> Result<Vec<Member>, AppError> {
    use sea_orm::{ColumnTrait, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect};
    let rows = membership::Entity::find()
        .filter(membership::Column::GroupId.eq(group_id))
        .filter(membership::Column::State.eq("active"))
        .order_by_asc(membership::Column::Id)
        .limit(limit)
        .select_also(crate::actors::entity::Entity)
        .join(
            JoinType::InnerJoin,
            membership::Entity::belongs_to(crate::actors::entity::Entity)
                .from(membership::Column::MemberId)
                .to(crate::actors::entity::Column::Id)
                .into(),
        )
        .all(db)
        .await?;
    let mut members: Vec<Member> = rows
        .into_iter()
        .filter_map(|(m, a)| {
            let role = match m.role.as_str() {
                "owner" => MemberRole::Owner,
                "moderator" => MemberRole::Moderator,
                _ => MemberRole::Member,
            };
            a.filter(|a| !crate::actors::hidden::is_hidden(a))
                .map(|actor| Member { actor, role })
        })
        .collect();
    members.sort_by_key(|m| match m.role {
        MemberRole::Owner => 0,
        MemberRole::Moderator => 1,
        MemberRole::Member => 2,
    });
    Ok(members)
}

/// Where `person_id` stands with `group_id`: not a member, asked to join,
/// or a member with a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Outside,
    Pending,
    Member(MemberRole),
}

pub async fn standing(
    db: &impl sea_orm::ConnectionTrait,
    group_id: i64,
    person_id: i64,
) -> Result<Standing, AppError> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let m = membership::Entity::find()
        .filter(membership::Column::GroupId.eq(group_id))
        .filter(membership::Column::MemberId.eq(person_id))
        .one(db)
        .await?;
    Ok(match m {
        None => Standing::Outside,
        Some(m) if m.state != "active" => Standing::Pending,
        Some(m) => Standing::Member(match m.role.as_str() {
            "owner" => MemberRole::Owner,
            "moderator" => MemberRole::Moderator,
            _ => MemberRole::Member,
        }),
    })
}

/// A local group by name, or 404.
pub async fn local_group(
    db: &DatabaseConnection,
    config: &Config,
    name: &str,
) -> Result<crate::actors::entity::Model, AppError> {
    actor_store::find_local(db, config, name)
        .await?
        .filter(|a| a.kind == ActorKind::Group.as_str() && a.deleted_at.is_none())
        .filter(|a| !crate::actors::hidden::is_hidden(a))
        .ok_or_else(|| AppError::NotFound(msg!("error-there-no-group-named-here", name = name)))
}

/// How `group` takes members (`open`, `approval`, `invite`).
pub async fn policy_of(db: &DatabaseConnection, group_id: i64) -> Result<JoinPolicy, AppError> {
    use sea_orm::EntityTrait;
    let g = group::Entity::find_by_id(group_id).one(db).await?;
    Ok(match g.as_ref().map(|g| g.join_policy.as_str()) {
        Some("approval") => JoinPolicy::Approval,
        Some("invite") => JoinPolicy::Invite,
        _ => JoinPolicy::Open,
    })
}
