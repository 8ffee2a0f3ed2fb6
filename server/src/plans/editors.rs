//! Editors: members of a group that owns a plan, whom one of the group's
//! moderators named to edit that plan for the group. Joining or following
//! a group gives no say over its plans; only its moderators and the editors
//! they name act for it. Works on copies of plans from elsewhere as well:
//! the group and its members are here, and so is the naming.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};

use super::entity::{editor, plan};
use super::service;
use crate::actors::entity::{self as actor, Model as Actor};
use crate::auth::service::Person;
use crate::error::AppError;
use crate::groups::service::is_active_member;
use crate::state::AppState;

/// Whether `person_id` edits plan `plan_id` for group `group_id`: named, and
/// still an active member of the group.
pub async fn edits_for(
    db: &impl ConnectionTrait,
    plan_id: i64,
    group_id: i64,
    person_id: i64,
) -> Result<bool, AppError> {
    let named = editor::Entity::find()
        .filter(editor::Column::PlanId.eq(plan_id))
        .filter(editor::Column::GroupId.eq(group_id))
        .filter(editor::Column::PersonId.eq(person_id))
        .one(db)
        .await?
        .is_some();
    Ok(named && is_active_member(db, group_id, person_id).await?)
}

/// A local group that owns `p` and that `person` moderates, by name.
async fn moderated_owner(
    state: &AppState,
    person: &Person,
    p: &plan::Model,
    group: &str,
) -> Result<Actor, AppError> {
    let g = crate::groups::service::moderated(state, person, group).await?;
    if !service::owners(&state.db, p.id)
        .await?
        .iter()
        .any(|o| o.id == g.id)
    {
        return Err(AppError::Forbidden(msg!(
            "error-group-does-not-own-plan",
            group = group
        )));
    }
    Ok(g)
}

/// A moderator of an owning group names a member as an editor of the plan.
pub async fn name(
    state: &AppState,
    person: &Person,
    p: &plan::Model,
    group: &str,
    member: &Actor,
) -> Result<editor::Model, AppError> {
    let g = moderated_owner(state, person, p, group).await?;
    if !member.local
        || member.kind != "person"
        || !is_active_member(&state.db, g.id, member.id).await?
    {
        return Err(AppError::invalid(
            "account_id",
            msg!("error-people-who-are-members-group-here"),
        ));
    }
    editor::ActiveModel {
        plan_id: Set(p.id),
        group_id: Set(g.id),
        person_id: Set(member.id),
        named_by: Set(person.actor.id),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&state.db)
    .await
    .map_err(|e| AppError::from_db_conflict(e, msg!("error-already-editor-plan")))
}

/// A moderator of an owning group takes a member's editing right away.
pub async fn remove(
    state: &AppState,
    person: &Person,
    p: &plan::Model,
    group: &str,
    member_id: i64,
) -> Result<(), AppError> {
    let g = moderated_owner(state, person, p, group).await?;
    let removed = editor::Entity::delete_many()
        .filter(editor::Column::PlanId.eq(p.id))
        .filter(editor::Column::GroupId.eq(g.id))
        .filter(editor::Column::PersonId.eq(member_id))
        .exec(&state.db)
        .await?;
    if removed.rows_affected == 0 {
        return Err(AppError::NotFound(msg!("error-no-such-editor")));
    }
    Ok(())
}

/// The plan's editors here: (group, person, named by), oldest first.
pub async fn of_plan(
    db: &impl ConnectionTrait,
    plan_id: i64,
) -> Result<Vec<(editor::Model, Actor, Actor)>, AppError> {
    let rows = editor::Entity::find()
        .filter(editor::Column::PlanId.eq(plan_id))
        .order_by_asc(editor::Column::Id)
        .all(db)
        .await?;
    let named = |column: editor::Column| {
        sea_orm::sea_query::Query::select()
            .column(column)
            .from(editor::Entity)
            .and_where(editor::Column::PlanId.eq(plan_id))
            .to_owned()
    };
    let actors: std::collections::HashMap<i64, Actor> = actor::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(actor::Column::Id.in_subquery(named(editor::Column::GroupId)))
                .add(actor::Column::Id.in_subquery(named(editor::Column::PersonId))),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let find = |id: i64| actors.get(&id).cloned();
    Ok(rows
        .into_iter()
        .filter_map(|r| Some((find(r.group_id)?, find(r.person_id)?, r)))
        .map(|(g, person, r)| (r, g, person))
        .collect())
}
