//! Queries and writes of advice rows.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};

use crate::actors::entity::{self as actor, Model as Actor};
use crate::error::AppError;
use crate::plans::entity::{advice, plan};
use crate::statuses::entity::status;

/// The advice of a plan, oldest first, with its advisors.
pub async fn of_plan(
    db: &impl ConnectionTrait,
    plan_id: i64,
) -> Result<Vec<(advice::Model, Actor)>, AppError> {
    crate::plans::store::advice_of(db, &[plan_id], None).await
}

/// The advice rows of a plan, without their advisors.
pub(super) async fn rows_of(
    db: &impl ConnectionTrait,
    plan_id: i64,
) -> Result<Vec<advice::Model>, DbErr> {
    advice::Entity::find()
        .filter(advice::Column::PlanId.eq(plan_id))
        .all(db)
        .await
}

/// Of `request_ids`, those that advice of another plan than `plan_id` holds.
pub(super) async fn held_elsewhere(
    db: &impl ConnectionTrait,
    plan_id: i64,
    request_ids: &[&str],
) -> Result<Vec<String>, AppError> {
    Ok(advice::Entity::find()
        .filter(advice::Column::RequestApId.is_in(request_ids.iter().copied()))
        .filter(advice::Column::PlanId.ne(plan_id))
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.request_ap_id)
        .collect())
}

/// Unanswered requests to `actor_id` or to the groups it speaks for.
pub(super) async fn pending(
    db: &impl ConnectionTrait,
    actor_id: i64,
) -> Result<Vec<advice::Model>, AppError> {
    let mine = crate::groups::service::spoken_for_in(advice::Column::AdvisorId, actor_id);
    Ok(advice::Entity::find()
        .filter(advice::Column::Verdict.is_null())
        .filter(mine)
        .order_by_asc(advice::Column::Id)
        .all(db)
        .await?)
}

pub(super) async fn by_id(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<advice::Model>, AppError> {
    Ok(advice::Entity::find_by_id(id).one(db).await?)
}

pub(super) async fn by_request(
    db: &impl ConnectionTrait,
    request_ap_id: &str,
) -> Result<Option<advice::Model>, AppError> {
    Ok(advice::Entity::find()
        .filter(advice::Column::RequestApId.eq(request_ap_id))
        .one(db)
        .await?)
}

pub(super) async fn advisor_of(
    db: &impl ConnectionTrait,
    r: &advice::Model,
) -> Result<Option<Actor>, AppError> {
    Ok(actor::Entity::find_by_id(r.advisor_id).one(db).await?)
}

pub(super) async fn plan_of(
    db: &impl ConnectionTrait,
    r: &advice::Model,
) -> Result<Option<plan::Model>, AppError> {
    Ok(plan::Entity::find_by_id(r.plan_id).one(db).await?)
}

/// The plan's post (its `Page` here).
pub(super) async fn post_of(
    db: &impl ConnectionTrait,
    p: &plan::Model,
) -> Result<status::Model, AppError> {
    status::Entity::find_by_id(p.status_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::Internal("a plan without its post".into()))
}

/// The first of `ids` (at most 20 looked at) that is an actor here.
pub(super) async fn first_local(
    db: &impl ConnectionTrait,
    ids: &[String],
) -> Result<Option<Actor>, AppError> {
    for id in ids.iter().take(20) {
        if let Some(a) = actor::Entity::find()
            .filter(actor::Column::ApId.eq(id.as_str()))
            .filter(actor::Column::Local.eq(true))
            .one(db)
            .await?
        {
            return Ok(Some(a));
        }
    }
    Ok(None)
}

/// The plan whose post is `status_id`.
pub(super) async fn plan_of_post(
    db: &impl ConnectionTrait,
    status_id: i64,
) -> Result<Option<plan::Model>, AppError> {
    Ok(plan::Entity::find()
        .filter(plan::Column::StatusId.eq(status_id))
        .one(db)
        .await?)
}

/// A request not yet answered. The raw result, so that a repeated request
/// can be told apart (see [`crate::db::already_there`]).
pub(super) async fn insert_request(
    db: &impl ConnectionTrait,
    plan_id: i64,
    advisor_id: i64,
    requester_ap_id: &str,
    request_ap_id: &str,
    question: String,
) -> Result<advice::Model, DbErr> {
    advice::ActiveModel {
        plan_id: Set(plan_id),
        advisor_id: Set(advisor_id),
        requester_ap_id: Set(requester_ap_id.to_string()),
        question: Set(question),
        request_ap_id: Set(request_ap_id.to_string()),
        verdict: Set(None),
        reasons: Set(String::new()),
        created_at: Set(Utc::now()),
        verified: Set(false),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// The advisor's answer, verified: given here or signed by the advisor.
pub(super) async fn record_answer(
    db: &impl ConnectionTrait,
    r: advice::Model,
    verdict: &str,
    reasons: String,
    answer_ap_id: Option<String>,
    at: DateTime<Utc>,
) -> Result<advice::Model, AppError> {
    let mut active: advice::ActiveModel = r.into();
    active.verdict = Set(Some(verdict.to_string()));
    active.reasons = Set(reasons);
    active.answer_ap_id = Set(answer_ap_id);
    active.answered_at = Set(Some(at));
    active.verified = Set(true);
    Ok(active.update(db).await?)
}

pub(super) async fn delete(db: &impl ConnectionTrait, id: i64) -> Result<(), AppError> {
    advice::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}
