//! Events as ActivityPub `Event`s (the shape Mobilizon and Gancio use), and
//! participation by `Join`/`Leave`, answered with `Accept`/`Reject`.

use axum::http::StatusCode;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};

use super::entity::{event, participant};
use super::service;
use crate::actors::entity::Model as Actor;
use crate::config::Config;
use crate::db::BeginWrite;
use crate::error::AppError;
use crate::federation::outbox::enqueue;
use crate::state::AppState;
use crate::statuses::entity::status;
use crate::text::sanitize_html;
use knooppunt_federation::vocab;

/// Turns the post of an event into its `Event`; leaves other posts alone.
pub async fn extend_event(
    db: &impl ConnectionTrait,
    config: &Config,
    s: &status::Model,
    object: &mut vocab::Object,
) -> Result<(), AppError> {
    let Some(e) = event::Entity::find()
        .filter(event::Column::StatusId.eq(s.id))
        .one(db)
        .await?
    else {
        return Ok(());
    };
    let Some(fields) = object.fields() else {
        return Ok(());
    };
    let count = service::accepted_count(db, e.id).await?;
    let mut post = fields.clone();
    post.name = Some(e.name.clone());
    post.content = Some(e.description.clone());
    post.url = vocab::Links::one(&service::html_url(config, e.id));
    post.updated = Some(e.updated_at);
    let has_place =
        e.location_name.is_some() || e.location_address.is_some() || e.latitude.is_some();
    let location = has_place.then(|| vocab::Place {
        name: e
            .location_name
            .clone()
            .or_else(|| e.location_address.clone()),
        address: e.location_address.clone().map(vocab::Address::Text),
        latitude: e.latitude,
        longitude: e.longitude,
        ..vocab::Place::default()
    });
    let status = if e.cancelled {
        "CANCELLED"
    } else {
        "CONFIRMED"
    };
    *object = vocab::Object::Event(vocab::Event {
        end_time: e.ends_at,
        timezone: Some(e.timezone.clone()),
        location,
        maximum_attendee_capacity: e.capacity.map(i64::from),
        participant_count: Some(i64::try_from(count).unwrap_or(i64::MAX)),
        join_mode: Some("free".into()),
        status: Some(status.into()),
        plan: e.plan_ap_id.clone(),
        ..vocab::Event::new(post, e.starts_at)
    });
    Ok(())
}

fn plain(v: Option<&str>, max: usize) -> Option<String> {
    v.map(|t| crate::text::plain(t, max))
        .filter(|t: &String| !t.is_empty())
}

/// Mirrors a remote `Event` (sent or served by its organiser, already stored
/// as post `s`).
pub async fn mirror(
    state: &AppState,
    object: &vocab::Event,
    s: &status::Model,
) -> Result<(), AppError> {
    if s.local {
        return Ok(());
    }
    let Some(starts_at) = object.start_time else {
        return Err(AppError::BadRequest("an Event needs a startTime".into()));
    };
    let updated = object.post.updated.unwrap_or_else(Utc::now);
    let location = object.location.as_ref();
    let coordinate =
        |x: Option<f64>, range: std::ops::RangeInclusive<f64>| x.filter(|x| range.contains(x));
    let timezone = object
        .timezone
        .as_deref()
        .filter(|tz| tz.parse::<chrono_tz::Tz>().is_ok())
        .unwrap_or("UTC")
        .to_string();
    let txn = state.db.begin_write().await?;
    let existing = event::Entity::find()
        .filter(event::Column::StatusId.eq(s.id))
        .one(&txn)
        .await?;
    let mut a = match existing {
        Some(e) if e.updated_at > updated => {
            txn.commit().await?;
            return Ok(());
        }
        Some(e) => e.into(),
        None => event::ActiveModel {
            status_id: Set(s.id),
            organizer_id: Set(s.actor_id),
            local: Set(false),
            created_at: Set(Utc::now()),
            ..Default::default()
        },
    };
    a.name = Set(plain(object.post.name.as_deref(), 200).unwrap_or_else(|| "?".into()));
    a.description = Set(sanitize_html(
        object.post.content.as_deref().unwrap_or_default(),
    ));
    a.starts_at = Set(starts_at);
    a.ends_at = Set(object.end_time.filter(|e| *e >= starts_at));
    a.timezone = Set(timezone);
    a.location_name = Set(plain(location.and_then(|l| l.name.as_deref()), 500));
    a.location_address = Set(plain(
        location.and_then(|l| match &l.address {
            Some(vocab::Address::Text(t)) => Some(t.as_str()),
            _ => None,
        }),
        500,
    ));
    a.latitude = Set(coordinate(location.and_then(|l| l.latitude), -90.0..=90.0));
    a.longitude = Set(coordinate(
        location.and_then(|l| l.longitude),
        -180.0..=180.0,
    ));
    a.capacity = Set(object.capacity().and_then(|c| i32::try_from(c).ok()));
    a.cancelled = Set(object.cancelled());
    a.plan_ap_id = Set(plain(object.plan.as_deref(), 2048));
    a.participant_count = Set(object.participant_count.filter(|n| *n >= 0).unwrap_or(0));
    a.updated_at = Set(updated);
    let e = sea_orm::TryIntoModel::try_into_model(a.save(&txn).await?)?;
    super::search::index(&txn, &e).await?;
    txn.commit().await?;
    Ok(())
}

async fn local_event(
    state: &AppState,
    id: &str,
) -> Result<Option<(event::Model, status::Model)>, AppError> {
    let Some(s) = status::Entity::find()
        .filter(status::Column::ApId.eq(id))
        .filter(status::Column::Local.eq(true))
        .one(&state.db)
        .await?
    else {
        return Ok(None);
    };
    Ok(event::Entity::find()
        .filter(event::Column::StatusId.eq(s.id))
        .one(&state.db)
        .await?
        .map(|e| (e, s)))
}

/// A `Join` of one of our events: accepted while there is room, else refused.
pub async fn receive_join(
    state: &AppState,
    sender: &Actor,
    join: &vocab::Join,
) -> Result<StatusCode, AppError> {
    let join_id = join.id.clone();
    let Some((e, s)) = local_event(state, &join.object).await? else {
        return Err(AppError::NotFound(msg!("error-no-such-event-here")));
    };
    let organizer = crate::statuses::service::actor_of(&state.db, e.organizer_id).await?;
    let config = state.config.as_ref();
    let txn = state.db.begin_write().await?;
    // Counted with the event locked, as for local joins.
    crate::db::locked(event::Entity::find_by_id(e.id), &txn)
        .one(&txn)
        .await?;
    let existing = participant::Entity::find()
        .filter(participant::Column::EventId.eq(e.id))
        .filter(participant::Column::ActorId.eq(sender.id))
        .one(&txn)
        .await?;
    let full = match e.capacity {
        Some(cap) => service::accepted_count(&txn, e.id).await? >= u64::try_from(cap).unwrap_or(0),
        None => false,
    };
    let accept = existing.is_some() || (!full && !e.cancelled);
    if existing.is_none() && accept {
        participant::ActiveModel {
            event_id: Set(e.id),
            actor_id: Set(sender.id),
            state: Set("accepted".into()),
            ap_id: Set(Some(join_id.clone())),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        service::changed(&txn, config, &e).await?;
    }
    let kind = if accept { "accept" } else { "reject" };
    let id = format!(
        "{}#{kind}/{}",
        organizer.ap_id,
        crate::secrets::random_token()?
    );
    let join = vocab::Join::new(&join_id, &sender.ap_id, &s.ap_id);
    let answer = if accept {
        vocab::with_as_context(&vocab::Accept::new(&id, &organizer.ap_id, join))?
    } else {
        vocab::with_as_context(&vocab::Reject::new(&id, &organizer.ap_id, join))?
    };
    enqueue(
        &txn,
        config,
        &organizer,
        &answer,
        false,
        [crate::federation::fanout::inbox_of(sender)],
    )
    .await?;
    txn.commit().await?;
    state.federation.outbox_bell.notify_one();
    Ok(StatusCode::ACCEPTED)
}

/// A `Leave` of one of our events.
pub async fn receive_leave(
    state: &AppState,
    sender: &Actor,
    leave: &vocab::Leave,
) -> Result<StatusCode, AppError> {
    let Some((e, _)) = local_event(state, &leave.object).await? else {
        return Ok(StatusCode::ACCEPTED);
    };
    let txn = state.db.begin_write().await?;
    let gone = participant::Entity::delete_many()
        .filter(participant::Column::EventId.eq(e.id))
        .filter(participant::Column::ActorId.eq(sender.id))
        .exec(&txn)
        .await?;
    if gone.rows_affected > 0 {
        service::changed(&txn, &state.config, &e).await?;
    }
    txn.commit().await?;
    state.federation.outbox_bell.notify_one();
    Ok(StatusCode::ACCEPTED)
}

/// `Accept`/`Reject` of one of our people's `Join`s; `None` when the
/// answered object is not such a Join.
pub async fn receive_join_answer(
    state: &AppState,
    sender: &Actor,
    answered: &vocab::Answered,
    accepted: bool,
) -> Result<Option<StatusCode>, AppError> {
    let Some(join_id) = answered.id() else {
        return Ok(None);
    };
    let Some(p) = participant::Entity::find()
        .filter(participant::Column::ApId.eq(join_id))
        .one(&state.db)
        .await?
    else {
        return Ok(None);
    };
    let Some(e) = event::Entity::find_by_id(p.event_id).one(&state.db).await? else {
        return Ok(Some(StatusCode::ACCEPTED));
    };
    if e.organizer_id != sender.id {
        return Err(AppError::Forbidden(msg!("error-organiser-answers-join")));
    }
    let mut a: participant::ActiveModel = p.into();
    a.state = Set(if accepted { "accepted" } else { "rejected" }.into());
    a.update(&state.db).await?;
    Ok(Some(StatusCode::ACCEPTED))
}

/// [`extend_event`] as a hook on every status's object.
pub fn render_hook<'a>(
    db: &'a sea_orm::DatabaseExecutor<'a>,
    config: &'a Config,
    s: &'a status::Model,
    object: &'a mut vocab::Object,
) -> crate::hooks::HookFuture<'a> {
    Box::pin(extend_event(db, config, s, object))
}

/// [`mirror`] as the keeper of stored remote `Event`s.
pub fn stored_hook<'a>(
    state: &'a AppState,
    object: &'a vocab::Object,
    s: &'a status::Model,
) -> crate::hooks::HookFuture<'a> {
    Box::pin(async move {
        match object {
            vocab::Object::Event(e) => mirror(state, e, s).await,
            _ => Ok(()),
        }
    })
}
