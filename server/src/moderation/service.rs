//! Moderation rules and their transactions: reports and actions on
//! accounts (domain blocks are in `blocks.rs`). Every action by an administrator or the operator is
//! written to the audit log in the same transaction as the action itself.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
};

use super::entity::{report, report_status};
use crate::actors::entity::{self as actor, Model as Actor};
use crate::actors::graph::follow;
use crate::auth::service::Person;
use crate::db::BeginWrite;
use crate::error::AppError;
use crate::groups::entity::membership;
use crate::state::AppState;
use crate::statuses::entity::status;

pub use crate::audit::{Moderator, audit_log, record};

// ---------------------------------------------------------------------------
// Reports

/// Why a report is made, as Mastodon names it.
pub const CATEGORIES: [&str; 4] = ["spam", "legal", "violation", "other"];
const MAX_COMMENT: usize = 1_000;

/// A report as a person makes it.
pub struct NewReport {
    pub target_id: String,
    pub status_ids: Vec<String>,
    pub comment: String,
    pub category: Option<String>,
    /// Send it on to the reported account's instance as a `Flag`.
    pub forward: bool,
}

/// `reporter` reports an account and some of its statuses. With `forward`,
/// a reported account elsewhere has its instance told as well (anonymously:
/// the `Flag` comes from this instance's actor).
pub async fn report(
    state: &AppState,
    reporter: &Person,
    new: NewReport,
) -> Result<(report::Model, Vec<i64>), AppError> {
    let db = &state.db;
    let not_found = || AppError::NotFound(msg!("error-record-not-found"));
    let target_id: i64 = new.target_id.parse().map_err(|_| not_found())?;
    let target = actor::Entity::find_by_id(target_id)
        .one(db)
        .await?
        .ok_or_else(not_found)?;
    if target.id == reporter.actor.id {
        return Err(AppError::invalid(
            "account_id",
            msg!("error-you-cannot-report-yourself"),
        ));
    }
    let category = new.category.unwrap_or_else(|| "other".into());
    if !CATEGORIES.contains(&category.as_str()) {
        return Err(AppError::invalid(
            "category",
            msg!("error-must-spam-legal-violation-other"),
        ));
    }
    if new.comment.chars().count() > MAX_COMMENT {
        return Err(AppError::invalid(
            "comment",
            msg!("error-at-most-characters", max = MAX_COMMENT),
        ));
    }
    let mut statuses = Vec::new();
    for id in new.status_ids.iter().take(100) {
        let s = crate::statuses::store::find_visible(db, Some(reporter.actor.id), id).await?;
        if s.actor_id != target.id {
            return Err(AppError::invalid(
                "status_ids",
                msg!("error-status-not-by-reported-account", id = id),
            ));
        }
        statuses.push(s);
    }
    let forward = new.forward && !target.local;
    let flag_id = if forward {
        Some(format!(
            "{}/actor#flags/{}",
            state.config.base_url(),
            crate::secrets::random_token()?
        ))
    } else {
        None
    };
    let txn = db.begin_write().await?;
    let r = report::ActiveModel {
        reporter_id: Set(reporter.actor.id),
        target_id: Set(target.id),
        comment: Set(new.comment.trim().to_string()),
        category: Set(category),
        forwarded: Set(forward),
        origin_host: Set(None),
        ap_id: Set(flag_id.clone()),
        state: Set("open".into()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    attach_statuses(&txn, r.id, statuses.iter().map(|s| s.id)).await?;
    if let Some(flag_id) = flag_id {
        super::federate::send_flag(&txn, &state.config, &flag_id, &r, &target, &statuses).await?;
    }
    txn.commit().await?;
    state.federation.outbox_bell.notify_one();
    Ok((r, statuses.iter().map(|s| s.id).collect()))
}

pub async fn attach_statuses(
    db: &impl ConnectionTrait,
    report_id: i64,
    ids: impl IntoIterator<Item = i64>,
) -> Result<(), AppError> {
    let rows: Vec<report_status::ActiveModel> = ids
        .into_iter()
        .map(|status_id| report_status::ActiveModel {
            report_id: Set(report_id),
            status_id: Set(status_id),
        })
        .collect();
    if !rows.is_empty() {
        report_status::Entity::insert_many(rows).exec(db).await?;
    }
    Ok(())
}

/// The statuses a report names.
pub async fn statuses_of(
    db: &impl ConnectionTrait,
    report_ids: &[i64],
) -> Result<Vec<report_status::Model>, AppError> {
    Ok(report_status::Entity::find()
        .filter(report_status::Column::ReportId.is_in(report_ids.to_vec()))
        .all(db)
        .await?)
}

/// Reports, newest first: `open`, `resolved`, or all.
pub async fn reports(
    db: &DatabaseConnection,
    state: Option<&str>,
    limit: u64,
) -> Result<Vec<report::Model>, AppError> {
    use sea_orm::QuerySelect;
    let mut query = report::Entity::find().order_by_desc(report::Column::Id);
    match state {
        Some(s @ ("open" | "resolved")) => query = query.filter(report::Column::State.eq(s)),
        Some(other) => {
            return Err(AppError::invalid(
                "state",
                msg!("error-not-open-resolved", other = other),
            ));
        }
        None => {}
    }
    Ok(query.limit(limit.clamp(1, 200)).all(db).await?)
}

pub async fn find_report(db: &DatabaseConnection, id: &str) -> Result<report::Model, AppError> {
    let not_found = || AppError::NotFound(msg!("error-no-such-report"));
    let id: i64 = id.parse().map_err(|_| not_found())?;
    report::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(not_found)
}

/// Closes (or opens again) a report, saying what was done.
pub async fn resolve(
    state: &AppState,
    who: &Moderator<'_>,
    id: &str,
    resolved: bool,
    note: &str,
) -> Result<report::Model, AppError> {
    let r = find_report(&state.db, id).await?;
    let txn = state.db.begin_write().await?;
    let r = set_resolved(&txn, who, r, resolved, note).await?;
    txn.commit().await?;
    Ok(r)
}

async fn set_resolved(
    db: &impl ConnectionTrait,
    who: &Moderator<'_>,
    r: report::Model,
    resolved: bool,
    note: &str,
) -> Result<report::Model, AppError> {
    let id = r.id;
    let mut active: report::ActiveModel = r.into();
    if resolved {
        active.state = Set("resolved".into());
        active.action_taken = Set(Some(note.chars().take(2_000).collect()));
        active.resolved_by = Set(who.id());
        active.resolved_at = Set(Some(Utc::now()));
    } else {
        active.state = Set("open".into());
        active.resolved_by = Set(None);
        active.resolved_at = Set(None);
    }
    let r = active.update(db).await?;
    let action = if resolved {
        "report.resolve"
    } else {
        "report.reopen"
    };
    record(db, who, action, &format!("report {id}"), note).await?;
    Ok(r)
}

/// An administrator forwards a report about an account elsewhere to its
/// instance, when the reporter did not.
pub async fn forward(
    state: &AppState,
    who: &Moderator<'_>,
    id: &str,
) -> Result<report::Model, AppError> {
    let r = find_report(&state.db, id).await?;
    let target = actor::Entity::find_by_id(r.target_id)
        .one(&state.db)
        .await?
        .ok_or_else(|| AppError::NotFound(msg!("error-reported-account-gone")))?;
    if target.local {
        return Err(AppError::Conflict(msg!(
            "error-reported-account-here-there-nobody-forward"
        )));
    }
    if r.forwarded || r.origin_host.is_some() {
        return Err(AppError::Conflict(msg!(
            "error-report-came-from-was-sent-accounts"
        )));
    }
    let ids: Vec<i64> = statuses_of(&state.db, &[r.id])
        .await?
        .into_iter()
        .map(|s| s.status_id)
        .collect();
    let statuses = status::Entity::find()
        .filter(status::Column::Id.is_in(ids))
        .all(&state.db)
        .await?;
    let flag_id = format!(
        "{}/actor#flags/{}",
        state.config.base_url(),
        crate::secrets::random_token()?
    );
    let txn = state.db.begin_write().await?;
    let mut active: report::ActiveModel = r.into();
    active.forwarded = Set(true);
    active.ap_id = Set(Some(flag_id.clone()));
    let r = active.update(&txn).await?;
    super::federate::send_flag(&txn, &state.config, &flag_id, &r, &target, &statuses).await?;
    record(&txn, who, "report.forward", &format!("report {}", r.id), "").await?;
    txn.commit().await?;
    state.federation.outbox_bell.notify_one();
    Ok(r)
}

// ---------------------------------------------------------------------------
// Accounts

/// What a moderator does to an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccountAction {
    /// Out of public timelines.
    Silence,
    Unsilence,
    /// Cannot act; its content is hidden. With `final`, a local account is
    /// deleted and other servers are told (`Delete` of the actor).
    Suspend,
    Unsuspend,
}

impl AccountAction {
    fn as_str(self) -> &'static str {
        match self {
            AccountAction::Silence => "silence",
            AccountAction::Unsilence => "unsilence",
            AccountAction::Suspend => "suspend",
            AccountAction::Unsuspend => "unsuspend",
        }
    }
}

/// Takes `action` on account `target_id`; resolves `report_id` with it.
pub async fn act_on_account(
    state: &AppState,
    who: &Moderator<'_>,
    target_id: &str,
    action: AccountAction,
    final_: bool,
    reason: &str,
    report_id: Option<&str>,
) -> Result<Actor, AppError> {
    let db = &state.db;
    let target = account_to_moderate(db, who, target_id).await?;
    let report = match report_id {
        Some(r) => Some(find_report(db, r).await?),
        None => None,
    };
    if final_ && action == AccountAction::Suspend && target.local {
        return suspend_for_good(state, who, target, reason, report).await;
    }
    let now = Utc::now();
    let txn = db.begin_write().await?;
    let mut active: actor::ActiveModel = target.clone().into();
    match action {
        AccountAction::Silence => active.silenced_at = Set(Some(now)),
        AccountAction::Unsilence => active.silenced_at = Set(None),
        AccountAction::Suspend => active.suspended_at = Set(Some(now)),
        AccountAction::Unsuspend => active.suspended_at = Set(None),
    }
    let updated = active.update(&txn).await?;
    if action == AccountAction::Suspend {
        end_sessions(&txn, &target).await?;
        if !target.local {
            remove_follows(&txn, &[target.id]).await?;
        }
    }
    record(
        &txn,
        who,
        &format!("account.{}", action.as_str()),
        &target.ap_id,
        reason,
    )
    .await?;
    if let Some(r) = report {
        let note = format!("{}: {reason}", action.as_str());
        set_resolved(&txn, who, r, true, &note).await?;
    }
    txn.commit().await?;
    state.federation.signers.invalidate(&target.ap_id).await;
    Ok(updated)
}

/// The account `target_id`, if `who` may moderate it: not an instance's
/// own actor, not themselves, not an administrator, not deleted.
async fn account_to_moderate(
    db: &DatabaseConnection,
    who: &Moderator<'_>,
    target_id: &str,
) -> Result<Actor, AppError> {
    let not_found = || AppError::NotFound(msg!("error-record-not-found"));
    let id: i64 = target_id.parse().map_err(|_| not_found())?;
    let target = actor::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(not_found)?;
    if target.kind == "application" {
        return Err(AppError::Forbidden(msg!(
            "error-instances-own-actor-moderated-with-domain"
        )));
    }
    if let Moderator::Admin(p) = who
        && p.actor.id == target.id
    {
        return Err(AppError::Forbidden(msg!(
            "error-you-cannot-moderate-yourself"
        )));
    }
    if target.local
        && crate::auth::account::Entity::find_by_id(target.id)
            .one(db)
            .await?
            .is_some_and(|a| a.admin)
    {
        return Err(AppError::Forbidden(msg!(
            "error-administrators-are-not-moderated-take-role"
        )));
    }
    if target.deleted_at.is_some() {
        return Err(AppError::Conflict(msg!("error-account-was-deleted")));
    }
    Ok(target)
}

/// The final step for a local account: it goes, and other servers are
/// told, in the transaction that records it.
async fn suspend_for_good(
    state: &AppState,
    who: &Moderator<'_>,
    target: Actor,
    reason: &str,
    report: Option<report::Model>,
) -> Result<Actor, AppError> {
    let db = &state.db;
    let txn = db.begin_write().await?;
    crate::persons::service::delete_actor_in(&txn, &state.config, &target).await?;
    record(&txn, who, "account.suspend_final", &target.ap_id, reason).await?;
    if let Some(r) = report {
        set_resolved(&txn, who, r, true, "account suspended for good").await?;
    }
    txn.commit().await?;
    state.federation.outbox_bell.notify_one();
    Ok(actor::Entity::find_by_id(target.id)
        .one(db)
        .await?
        .unwrap_or(target))
}

/// Signs a suspended local person out everywhere: web sessions end, tokens
/// are revoked.
async fn end_sessions(db: &impl ConnectionTrait, target: &Actor) -> Result<(), AppError> {
    if !target.local {
        return Ok(());
    }
    crate::auth::entity::session::Entity::delete_many()
        .filter(crate::auth::entity::session::Column::ActorId.eq(target.id))
        .exec(db)
        .await?;
    crate::auth::oauth::entity::token::Entity::update_many()
        .col_expr(
            crate::auth::oauth::entity::token::Column::RevokedAt,
            Expr::value(Some(Utc::now())),
        )
        .filter(crate::auth::oauth::entity::token::Column::ActorId.eq(target.id))
        .filter(crate::auth::oauth::entity::token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Ends every follow and membership between local actors and `actors`.
pub(super) async fn remove_follows(
    db: &impl ConnectionTrait,
    actors: &[i64],
) -> Result<(), AppError> {
    follow::Entity::delete_many()
        .filter(
            Condition::any()
                .add(follow::Column::FollowerId.is_in(actors.to_vec()))
                .add(follow::Column::TargetId.is_in(actors.to_vec())),
        )
        .exec(db)
        .await?;
    membership::Entity::delete_many()
        .filter(membership::Column::MemberId.is_in(actors.to_vec()))
        .exec(db)
        .await?;
    Ok(())
}
