//! Voting in polls, and telling voters when a poll has ended.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

use crate::actors::entity as actor;
use crate::auth::service::Person;
use crate::db::BeginWrite;
use crate::error::AppError;
use crate::state::AppState;
use crate::statuses::changes::{self, StatusChange};
use crate::statuses::entity::{poll, poll_vote, status};
use crate::statuses::store::can_see;

/// Votes in a poll: once, before it closes, with valid choices.
pub async fn vote(
    state: &AppState,
    person: &Person,
    poll_id: &str,
    choices: &[u64],
) -> Result<poll::Model, AppError> {
    let db = &state.db;
    let me = person.actor.id;
    let not_found = || AppError::NotFound(msg!("error-record-not-found"));
    let id: i64 = poll_id.parse().map_err(|_| not_found())?;
    let p = poll::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(not_found)?;
    let s = status::Entity::find_by_id(p.status_id)
        .one(db)
        .await?
        .ok_or_else(not_found)?;
    if !can_see(db, Some(me), &s).await? {
        return Err(not_found());
    }
    if p.expires_at.is_some_and(|e| e <= Utc::now()) {
        return Err(AppError::invalid("poll", msg!("error-poll-has-ended")));
    }
    let options: Vec<String> = serde_json::from_str(&p.options).unwrap_or_default();
    let choices = checked_choices(&p, options.len(), choices)?;
    let already = poll_vote::Entity::find()
        .filter(poll_vote::Column::PollId.eq(p.id))
        .filter(poll_vote::Column::ActorId.eq(me))
        .one(db)
        .await?
        .is_some();
    if already {
        return Err(AppError::invalid(
            "poll",
            msg!("error-you-have-already-voted"),
        ));
    }
    let txn = db.begin_write().await?;
    let author = actor::Entity::find_by_id(s.actor_id).one(&txn).await?;
    for c in choices {
        if let Some(author) = author.as_ref().filter(|a| !a.local)
            && let Some(option) = options.get(usize::try_from(c).unwrap_or(usize::MAX))
        {
            crate::statuses::federate::publish::voted(
                &txn,
                &state.config,
                &person.actor,
                author,
                &s,
                option,
            )
            .await?;
        }
        poll_vote::ActiveModel {
            poll_id: Set(p.id),
            actor_id: Set(me),
            choice: Set(i32::try_from(c).unwrap_or(0)),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(|e| AppError::from_db_conflict(e, msg!("error-you-have-already-voted")))?;
    }
    txn.commit().await?;
    state.federation.outbox_bell.notify_one();
    Ok(p)
}

/// The distinct choices of one vote, each an option of `p`, one unless it
/// allows several.
fn checked_choices(p: &poll::Model, options: usize, choices: &[u64]) -> Result<Vec<u64>, AppError> {
    let mut choices: Vec<u64> = choices.to_vec();
    choices.sort_unstable();
    choices.dedup();
    if choices.is_empty()
        || choices
            .iter()
            .any(|c| usize::try_from(*c).map_or(true, |c| c >= options))
    {
        return Err(AppError::invalid(
            "choices",
            msg!("error-choose-one-polls-options"),
        ));
    }
    if !p.multiple && choices.len() > 1 {
        return Err(AppError::invalid(
            "choices",
            msg!("error-poll-allows-one-choice"),
        ));
    }
    Ok(choices)
}

/// Tells the author and local voters of each poll that has ended; run by the
/// background worker. Returns how many polls were handled.
pub async fn notify_ended_polls(state: &AppState) -> Result<usize, AppError> {
    use sea_orm::QuerySelect;
    let ended = poll::Entity::find()
        .filter(poll::Column::ExpiresAt.lte(Utc::now()))
        .filter(poll::Column::EndedNotifiedAt.is_null())
        .limit(100)
        .all(&state.db)
        .await?;
    let mut count = 0;
    for p in ended {
        let Some(s) = status::Entity::find_by_id(p.status_id)
            .one(&state.db)
            .await?
        else {
            continue;
        };
        let voters: Vec<i64> = poll_vote::Entity::find()
            .filter(poll_vote::Column::PollId.eq(p.id))
            .all(&state.db)
            .await?
            .into_iter()
            .map(|v| v.actor_id)
            .collect();
        let txn = state.db.begin_write().await?;
        // Claim the poll first: with several workers only one tells the voters.
        let claimed = poll::Entity::update_many()
            .col_expr(
                poll::Column::EndedNotifiedAt,
                sea_orm::sea_query::Expr::value(Some(Utc::now())),
            )
            .filter(poll::Column::Id.eq(p.id))
            .filter(poll::Column::EndedNotifiedAt.is_null())
            .exec(&txn)
            .await?;
        if claimed.rows_affected != 1 {
            continue;
        }
        let ended = StatusChange::PollEnded {
            status_id: s.id,
            author_id: s.actor_id,
            voters,
        };
        changes::raise(&txn, &state.config, ended).await?;
        txn.commit().await?;
        count += 1;
    }
    Ok(count)
}
