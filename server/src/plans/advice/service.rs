//! Asking for advice on a plan here, and answering a request as its advisor.

use chrono::Utc;
use sea_orm::EntityTrait;

use super::{VERDICTS, answer_url, check_text, federate, store};
use crate::actors::entity::Model as Actor;
use crate::auth::service::Person;
use crate::db::BeginWrite;
use crate::error::AppError;
use crate::federation::outbox::enqueue;
use crate::plans::entity::{advice, plan};
use crate::plans::service::standing;
use crate::plans::updates;
use crate::state::AppState;

/// An owner asks `advisor` for advice on a plan here.
pub async fn request(
    state: &AppState,
    person: &Person,
    p: plan::Model,
    advisor: &Actor,
    question: &str,
) -> Result<advice::Model, AppError> {
    check_may_ask(state, person, &p).await?;
    check_text("question", question)?;
    let config = state.config.as_ref();
    let post = store::post_of(&state.db, &p).await?;
    let request_id = format!("{}#advice/{}", post.ap_id, crate::secrets::random_token()?);
    let txn = state.db.begin_write().await?;
    // The plan's row first: the insert's foreign key takes a share lock on
    // it that `counts_changed` then upgrades, and two requests at once
    // would deadlock on PostgreSQL.
    crate::db::locked(plan::Entity::find_by_id(p.id), &txn)
        .one(&txn)
        .await?;
    let row = store::insert_request(
        &txn,
        p.id,
        advisor.id,
        &person.actor.ap_id,
        &request_id,
        question.trim().to_string(),
    )
    .await?;
    if !advisor.local {
        let create = federate::request_create(&person.actor, advisor, &p, &post, &row)?;
        let inboxes = [advisor.inbox_url.clone()];
        enqueue(&txn, config, &person.actor, &create, false, inboxes).await?;
    }
    updates::changed_now(&txn, config, p.status_id).await?;
    txn.commit().await?;
    state.federation.outbox_bell.notify_one();
    Ok(row)
}

/// Advice is asked from a plan's home, by one of its owners.
async fn check_may_ask(state: &AppState, person: &Person, p: &plan::Model) -> Result<(), AppError> {
    if !p.local {
        return Err(AppError::Forbidden(msg!(
            "error-plan-lives-another-instance-ask-from"
        )));
    }
    if !standing(state, person, p).await?.owner {
        return Err(AppError::Forbidden(msg!("error-plans-owners-ask-advice-2")));
    }
    Ok(())
}

/// Requests `person` may answer: to them, or to groups they moderate.
pub async fn pending_for(
    state: &AppState,
    person: &Person,
) -> Result<Vec<advice::Model>, AppError> {
    store::pending(&state.db, person.actor.id).await
}

/// The advisor answers; the answer goes to the plan's home.
pub async fn answer(
    state: &AppState,
    person: &Person,
    id: &str,
    verdict: &str,
    reasons: &str,
) -> Result<advice::Model, AppError> {
    let not_found = || AppError::NotFound(msg!("error-no-such-advice-request"));
    let r = answerable(state, person, id).await?.ok_or_else(not_found)?;
    check_answer(verdict, reasons)?;
    if r.verdict.is_some() {
        return Err(AppError::Conflict(msg!("error-advice-was-already-given")));
    }
    let config = state.config.as_ref();
    let advisor = store::advisor_of(&state.db, &r)
        .await?
        .ok_or_else(not_found)?;
    let p = store::plan_of(&state.db, &r).await?.ok_or_else(not_found)?;
    // Fetched before the transaction: no network wait while holding the writer.
    let requester = if p.local {
        None
    } else {
        Some(crate::federation::remote::actor(state, &r.requester_ap_id).await?)
    };
    let answer_id = answer_url(config, r.id);
    let now = Utc::now();
    let txn = state.db.begin_write().await?;
    let reasons = reasons.trim().to_string();
    let saved =
        store::record_answer(&txn, r, verdict, reasons, Some(answer_id.clone()), now).await?;
    if let Some(requester) = requester {
        let post = store::post_of(&state.db, &p).await?;
        let note =
            federate::answer_object(&advisor, &saved, &post.ap_id, verdict, &answer_id, &now);
        let create = federate::answer_create(note, &advisor, &requester, &answer_id)?;
        let inboxes = [crate::federation::fanout::inbox_of(&requester)];
        enqueue(&txn, config, &advisor, &create, false, inboxes).await?;
    } else {
        updates::changed_now(&txn, config, p.status_id).await?;
    }
    txn.commit().await?;
    state.federation.outbox_bell.notify_one();
    Ok(saved)
}

/// The request `id`, if `person` may answer it (as the advisor or for it).
async fn answerable(
    state: &AppState,
    person: &Person,
    id: &str,
) -> Result<Option<advice::Model>, AppError> {
    let Ok(id) = id.parse::<i64>() else {
        return Ok(None);
    };
    let Some(r) = store::by_id(&state.db, id).await? else {
        return Ok(None);
    };
    let may = crate::groups::service::speaks_for(&state.db, person.actor.id, r.advisor_id).await?;
    Ok(may.then_some(r))
}

fn check_answer(verdict: &str, reasons: &str) -> Result<(), AppError> {
    if !VERDICTS.contains(&verdict) {
        return Err(AppError::invalid(
            "verdict",
            msg!("error-must-positive-conditions-negative"),
        ));
    }
    check_text("reasons", reasons)
}
