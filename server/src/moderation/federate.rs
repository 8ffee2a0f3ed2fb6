//! Reports between instances, as Mastodon sends them: a `Flag` from the
//! reporting instance's own actor (the reporter stays anonymous) to the
//! reported account's instance, whose `object` lists the account and the
//! reported statuses and whose `content` is the comment.

use axum::http::StatusCode;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};

use super::entity::report;
use crate::actors::entity::{self as actor, Model as Actor};
use crate::config::Config;
use crate::error::AppError;
use crate::state::AppState;
use crate::statuses::entity::status;
use knooppunt_federation::vocab;

/// Queues the `Flag` of report `r` about `target` (elsewhere) and its
/// `statuses`, within the report's transaction.
pub async fn send_flag(
    db: &impl ConnectionTrait,
    config: &Config,
    flag_id: &str,
    r: &report::Model,
    target: &Actor,
    statuses: &[status::Model],
) -> Result<(), AppError> {
    let instance =
        crate::actors::store::find_local(db, config, crate::instance::service::INSTANCE_ACTOR_NAME)
            .await?
            .ok_or_else(|| AppError::Internal("the instance actor is missing".into()))?;
    // Only what lives on the reported account's own instance is named there.
    let objects: Vec<String> = std::iter::once(target.ap_id.clone())
        .chain(
            statuses
                .iter()
                .filter(|s| !s.local && s.actor_id == target.id)
                .map(|s| s.ap_id.clone()),
        )
        .collect();
    let flag = vocab::Flag::new(flag_id, &instance.ap_id, objects, &r.comment);
    let flag = vocab::with_as_context(&flag)?;
    crate::federation::outbox::enqueue(
        db,
        config,
        &instance,
        &flag,
        false,
        [crate::federation::fanout::inbox_of(target)],
    )
    .await
}

/// A `Flag` from another instance: a report here about one of our
/// accounts, for our administrators. A `Flag` naming nothing of ours, or
/// from a domain whose reports we refuse, is acknowledged and dropped.
pub async fn receive_flag(
    state: &AppState,
    sender: &Actor,
    flag: &vocab::Flag,
) -> Result<StatusCode, AppError> {
    let db = &state.db;
    let flag_id = flag.id.as_str();
    if super::blocks::rejects_reports(db, &sender.host).await? {
        tracing::info!(host = %sender.host, "a report from a domain whose reports are refused");
        return Ok(StatusCode::ACCEPTED);
    }
    let Some((target_id, status_ids)) = flagged(state, &flag.object).await? else {
        tracing::info!(flag_id, "a report naming nothing of ours");
        return Ok(StatusCode::ACCEPTED);
    };
    // The report's text: the `Flag`'s content without markup.
    let comment = crate::text::plain(flag.content.as_deref().unwrap_or_default(), 5_000);
    let txn = crate::db::BeginWrite::begin_write(db).await?;
    let inserted = report::ActiveModel {
        reporter_id: Set(sender.id),
        target_id: Set(target_id),
        comment: Set(comment),
        category: Set("other".into()),
        forwarded: Set(false),
        origin_host: Set(Some(sender.host.clone())),
        ap_id: Set(Some(flag_id.to_string())),
        state: Set("open".into()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    // The same Flag again is acknowledged like the first.
    let Some(r) = crate::db::inserted(inserted)? else {
        return Ok(StatusCode::ACCEPTED);
    };
    super::service::attach_statuses(&txn, r.id, status_ids).await?;
    txn.commit().await?;
    tracing::info!(report_id = r.id, host = %sender.host, "a report arrived from another instance");
    Ok(StatusCode::ACCEPTED)
}

/// The account a `Flag` reports, the first one of ours it names, else the
/// author of the first status of ours it names; with the statuses of that
/// account it names. `None` when it names nothing of ours.
async fn flagged(
    state: &AppState,
    objects: &[String],
) -> Result<Option<(i64, Vec<i64>)>, AppError> {
    let db = &state.db;
    let named: Vec<String> = objects
        .iter()
        .take(100)
        .filter(|id| vocab::host_of(id).as_deref() == Some(state.config.instance.domain.as_str()))
        .cloned()
        .collect();
    let actors = actor::Entity::find()
        .filter(actor::Column::ApId.is_in(named.clone()))
        .filter(actor::Column::Local.eq(true))
        .all(db)
        .await?;
    let statuses = status::Entity::find()
        .filter(status::Column::ApId.is_in(named.clone()))
        .filter(status::Column::Local.eq(true))
        .all(db)
        .await?;
    let target_id = named
        .iter()
        .find_map(|id| actors.iter().find(|a| a.ap_id == *id).map(|a| a.id))
        .or_else(|| {
            named
                .iter()
                .find_map(|id| statuses.iter().find(|s| s.ap_id == *id).map(|s| s.actor_id))
        });
    Ok(target_id.map(|target_id| {
        let of_target = statuses
            .iter()
            .filter(|s| s.actor_id == target_id)
            .map(|s| s.id)
            .collect();
        (target_id, of_target)
    }))
}
