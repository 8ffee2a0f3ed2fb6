//! What people do with events: organise, change, cancel, join and leave.
//! Each change is written with its outgoing activities in one transaction.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter,
};

use super::entity::{event, participant};
use crate::actors::entity::{self as actor, Model as Actor};
use crate::auth::service::Person;
use crate::db::BeginWrite;
use crate::error::AppError;
use crate::federation::outbox::enqueue;
use crate::state::AppState;
use crate::statuses::entity::status;
use crate::text::{escape, sanitize_html};
use knooppunt_federation::vocab;

/// What an organiser writes. `None` leaves a field as it is when editing.
#[derive(Debug, Default, Clone)]
pub struct Fields {
    pub name: Option<String>,
    pub description: Option<String>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<Option<DateTime<Utc>>>,
    pub timezone: Option<String>,
    pub location_name: Option<Option<String>>,
    pub location_address: Option<Option<String>>,
    pub latitude: Option<Option<f64>>,
    pub longitude: Option<Option<f64>>,
    pub capacity: Option<Option<i32>>,
}

pub fn check(f: &Fields, current: Option<&event::Model>) -> Result<(), AppError> {
    if let Some(n) = &f.name
        && (n.trim().is_empty() || n.chars().count() > 200)
    {
        return Err(AppError::invalid(
            "name",
            msg!("error-must-1-200-characters"),
        ));
    }
    if f.description
        .as_ref()
        .is_some_and(|d| d.chars().count() > 20_000)
    {
        return Err(AppError::invalid(
            "description",
            msg!("error-at-most-characters", max = 20000),
        ));
    }
    if let Some(tz) = &f.timezone
        && tz.parse::<chrono_tz::Tz>().is_err()
    {
        return Err(AppError::invalid(
            "timezone",
            msg!("error-not-iana-time-zone-such-as", tz = tz),
        ));
    }
    let starts = f.starts_at.or(current.map(|e| e.starts_at));
    let ends = f.ends_at.unwrap_or(current.and_then(|e| e.ends_at));
    if let (Some(s), Some(e)) = (starts, ends)
        && e < s
    {
        return Err(AppError::invalid(
            "ends_at",
            msg!("error-cannot-before-starts-at"),
        ));
    }
    if f.capacity.flatten().is_some_and(|c| c < 1) {
        return Err(AppError::invalid("capacity", msg!("error-must-at-least-1")));
    }
    if f.latitude
        .flatten()
        .is_some_and(|l| !(-90.0..=90.0).contains(&l))
        || f.longitude
            .flatten()
            .is_some_and(|l| !(-180.0..=180.0).contains(&l))
    {
        return Err(AppError::invalid(
            "location",
            msg!("error-latitude-longitude-out-range"),
        ));
    }
    for v in [&f.location_name, &f.location_address]
        .into_iter()
        .flatten()
        .flatten()
    {
        if v.chars().count() > 500 {
            return Err(AppError::invalid(
                "location",
                msg!("error-at-most-characters", max = 500),
            ));
        }
    }
    Ok(())
}

/// The readable post of an event for apps that show only posts.
pub fn post_html(e: &event::Model, url: &str) -> String {
    let place = e
        .location_name
        .as_deref()
        .or(e.location_address.as_deref())
        .map(|p| format!(" · {}", escape(p)))
        .unwrap_or_default();
    sanitize_html(&format!(
        "<p><strong>{}{}</strong></p><p>{}{}</p><p><a href=\"{}\">{}</a></p>",
        if e.cancelled {
            "[Afgelast / Cancelled] "
        } else {
            ""
        },
        escape(&e.name),
        e.starts_at.format("%Y-%m-%d %H:%M UTC"),
        place,
        escape(url),
        escape(url)
    ))
}

/// The event's id and page: its `Event` for servers, a page for people.
pub fn html_url(config: &crate::config::Config, id: i64) -> String {
    format!("{}/events/{id}", config.base_url())
}

pub async fn find(db: &impl ConnectionTrait, id: &str) -> Result<event::Model, AppError> {
    let id: i64 = id
        .parse()
        .map_err(|_| AppError::NotFound(msg!("error-no-such-event")))?;
    // A suspended organiser's event is hidden like the rest of their content.
    event::Entity::find_by_id(id)
        .filter(event::Column::StatusId.not_in_subquery(crate::statuses::store::hidden_statuses()))
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(msg!("error-no-such-event")))
}

pub async fn accepted_count(db: &impl ConnectionTrait, event_id: i64) -> Result<u64, AppError> {
    Ok(participant::Entity::find()
        .filter(participant::Column::EventId.eq(event_id))
        .filter(participant::Column::State.eq("accepted"))
        .count(db)
        .await?)
}

/// Whether `person` organises `e`: it is theirs, or their group's.
async fn organises(state: &AppState, person: &Person, e: &event::Model) -> Result<bool, AppError> {
    crate::groups::service::speaks_for(&state.db, person.actor.id, e.organizer_id).await
}

/// Organises an event, as the person or as a group they moderate.
pub async fn create(
    state: &AppState,
    person: &Person,
    fields: Fields,
    group: Option<&str>,
    plan_ap_id: Option<String>,
) -> Result<event::Model, AppError> {
    let (db, config) = (&state.db, state.config.as_ref());
    let (Some(name), Some(starts_at)) = (fields.name.clone(), fields.starts_at) else {
        return Err(AppError::invalid(
            "name",
            msg!("error-event-needs-name-starts-at"),
        ));
    };
    check(&fields, None)?;
    let organizer = match group {
        Some(g) => crate::groups::service::moderated(state, person, g).await?,
        None => person.actor.clone(),
    };
    let now = Utc::now();
    let txn = db.begin_write().await?;
    let s = crate::statuses::service::new_public_post(&txn, organizer.id, now).await?;
    let e = event::ActiveModel {
        status_id: Set(s.id),
        organizer_id: Set(organizer.id),
        name: Set(name.trim().to_string()),
        description: Set(sanitize_html(
            &fields.description.clone().unwrap_or_default(),
        )),
        starts_at: Set(starts_at),
        ends_at: Set(fields.ends_at.flatten()),
        timezone: Set(fields
            .timezone
            .clone()
            .unwrap_or_else(|| "Europe/Amsterdam".into())),
        location_name: Set(fields.location_name.clone().flatten()),
        location_address: Set(fields.location_address.clone().flatten()),
        latitude: Set(fields.latitude.flatten()),
        longitude: Set(fields.longitude.flatten()),
        capacity: Set(fields.capacity.flatten()),
        cancelled: Set(false),
        plan_ap_id: Set(plan_ap_id),
        local: Set(true),
        participant_count: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let url = html_url(config, e.id);
    let mut active: status::ActiveModel = s.into();
    active.ap_id = Set(url.clone());
    active.url = Set(Some(url.clone()));
    active.content = Set(post_html(&e, &url));
    let s = active.update(&txn).await?;
    crate::statuses::search::index(&txn, &s).await?;
    super::search::index(&txn, &e).await?;
    crate::statuses::federate::publish::status_created(&txn, config, &s).await?;
    // The neighbourhood announces public events, whoever organises them.
    if let Some(hood) =
        crate::actors::store::find_local(&txn, config, &config.instance.neighbourhood).await?
        && hood.id != organizer.id
    {
        let create =
            crate::statuses::federate::publish::create_activity_of(&txn, config, &s).await?;
        crate::statuses::federate::publish::redistribute(&txn, config, &hood, &s, &create).await?;
    }
    txn.commit().await?;
    state.federation.outbox_bell.notify_one();
    Ok(e)
}

/// Sends the event's `Update` to everyone who has it: the organiser's and
/// the neighbourhood's followers, and remote participants.
pub async fn changed(
    db: &impl crate::db::Db,
    config: &crate::config::Config,
    e: &event::Model,
) -> Result<(), AppError> {
    if !e.local {
        return Ok(());
    }
    let Some(s) = status::Entity::find_by_id(e.status_id).one(db).await? else {
        return Ok(());
    };
    let participants = sea_orm::sea_query::Query::select()
        .column(participant::Column::ActorId)
        .from(participant::Entity)
        .and_where(participant::Column::EventId.eq(e.id))
        .to_owned();
    let mut extra = crate::federation::fanout::Recipients::new().actors_in(participants);
    if let Some(hood) =
        crate::actors::store::find_local(db, config, &config.instance.neighbourhood).await?
    {
        extra = extra.followers_of(hood.id);
    }
    crate::statuses::federate::publish::status_updated_with(db, config, &s, extra).await
}

async fn save(state: &AppState, active: event::ActiveModel) -> Result<event::Model, AppError> {
    let config = state.config.as_ref();
    let txn = state.db.begin_write().await?;
    let e = active.update(&txn).await?;
    if let Some(s) = status::Entity::find_by_id(e.status_id).one(&txn).await? {
        let mut post: status::ActiveModel = s.into();
        post.content = Set(post_html(&e, &html_url(config, e.id)));
        post.edited_at = Set(Some(e.updated_at));
        let s = post.update(&txn).await?;
        crate::statuses::search::index(&txn, &s).await?;
    }
    super::search::index(&txn, &e).await?;
    changed(&txn, config, &e).await?;
    txn.commit().await?;
    state.federation.outbox_bell.notify_one();
    Ok(e)
}

/// Changes an event (its organiser only).
pub async fn update(
    state: &AppState,
    person: &Person,
    e: event::Model,
    f: Fields,
) -> Result<event::Model, AppError> {
    if !e.local || !organises(state, person, &e).await? {
        return Err(AppError::Forbidden(msg!("error-organiser-change-event")));
    }
    check(&f, Some(&e))?;
    if let Some(Some(c)) = f.capacity
        && u64::try_from(c).unwrap_or(0) < accepted_count(&state.db, e.id).await?
    {
        return Err(AppError::Conflict(msg!(
            "error-more-people-take-part-than-new"
        )));
    }
    let mut a: event::ActiveModel = e.into();
    if let Some(v) = f.name {
        a.name = Set(v.trim().to_string());
    }
    if let Some(v) = f.description {
        a.description = Set(sanitize_html(&v));
    }
    if let Some(v) = f.starts_at {
        a.starts_at = Set(v);
    }
    if let Some(v) = f.ends_at {
        a.ends_at = Set(v);
    }
    if let Some(v) = f.timezone {
        a.timezone = Set(v);
    }
    if let Some(v) = f.location_name {
        a.location_name = Set(v);
    }
    if let Some(v) = f.location_address {
        a.location_address = Set(v);
    }
    if let Some(v) = f.latitude {
        a.latitude = Set(v);
    }
    if let Some(v) = f.longitude {
        a.longitude = Set(v);
    }
    if let Some(v) = f.capacity {
        a.capacity = Set(v);
    }
    a.updated_at = Set(Utc::now());
    save(state, a).await
}

/// Cancels an event (its organiser only); it stays visible as cancelled.
pub async fn cancel(
    state: &AppState,
    person: &Person,
    e: event::Model,
) -> Result<event::Model, AppError> {
    if !e.local || !organises(state, person, &e).await? {
        return Err(AppError::Forbidden(msg!("error-organiser-cancel-event")));
    }
    let mut a: event::ActiveModel = e.into();
    a.cancelled = Set(true);
    a.updated_at = Set(Utc::now());
    save(state, a).await
}

fn join_activity(joiner: &Actor, e_ap_id: &str, id: &str) -> Result<serde_json::Value, AppError> {
    Ok(vocab::with_as_context(&vocab::Join::new(
        id,
        &joiner.ap_id,
        e_ap_id,
    ))?)
}

/// `person` takes part: at once here (capacity permitting), or by `Join`
/// to the event's home elsewhere (pending until it answers).
pub async fn join(
    state: &AppState,
    person: &Person,
    e: &event::Model,
) -> Result<participant::Model, AppError> {
    if e.cancelled {
        return Err(AppError::Conflict(msg!("error-event-cancelled")));
    }
    if let Some(p) = participant::Entity::find()
        .filter(participant::Column::EventId.eq(e.id))
        .filter(participant::Column::ActorId.eq(person.actor.id))
        .one(&state.db)
        .await?
        && p.state != "rejected"
    {
        return Ok(p);
    }
    let config = state.config.as_ref();
    let txn = state.db.begin_write().await?;
    participant::Entity::delete_many()
        .filter(participant::Column::EventId.eq(e.id))
        .filter(participant::Column::ActorId.eq(person.actor.id))
        .exec(&txn)
        .await?;
    let row = if e.local {
        // Places are counted with the event locked: two joins at once cannot
        // both take the last one.
        crate::db::locked(event::Entity::find_by_id(e.id), &txn)
            .one(&txn)
            .await?;
        if let Some(cap) = e.capacity
            && accepted_count(&txn, e.id).await? >= u64::try_from(cap).unwrap_or(0)
        {
            return Err(AppError::Conflict(msg!("error-event-full")));
        }
        let row = insert_participant(&txn, e.id, person.actor.id, "accepted", None).await?;
        changed(&txn, config, e).await?;
        row
    } else {
        let s = status::Entity::find_by_id(e.status_id)
            .one(&txn)
            .await?
            .ok_or_else(|| AppError::NotFound(msg!("error-no-such-event")))?;
        let organizer = actor::Entity::find_by_id(e.organizer_id)
            .one(&txn)
            .await?
            .ok_or_else(|| AppError::NotFound(msg!("error-no-such-organiser")))?;
        let join_id = format!(
            "{}#joins/{}",
            person.actor.ap_id,
            crate::secrets::random_token()?
        );
        let row = insert_participant(
            &txn,
            e.id,
            person.actor.id,
            "pending",
            Some(join_id.clone()),
        )
        .await?;
        enqueue(
            &txn,
            config,
            &person.actor,
            &join_activity(&person.actor, &s.ap_id, &join_id)?,
            false,
            [crate::federation::fanout::inbox_of(&organizer)],
        )
        .await?;
        row
    };
    txn.commit().await?;
    state.federation.outbox_bell.notify_one();
    Ok(row)
}

async fn insert_participant(
    db: &impl ConnectionTrait,
    event_id: i64,
    actor_id: i64,
    state: &str,
    ap_id: Option<String>,
) -> Result<participant::Model, AppError> {
    participant::ActiveModel {
        event_id: Set(event_id),
        actor_id: Set(actor_id),
        state: Set(state.into()),
        ap_id: Set(ap_id),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| AppError::from_db_conflict(e, msg!("error-already-taking-part")))
}

/// `person` no longer takes part; the home elsewhere gets a `Leave`.
pub async fn leave(state: &AppState, person: &Person, e: &event::Model) -> Result<(), AppError> {
    let Some(p) = participant::Entity::find()
        .filter(participant::Column::EventId.eq(e.id))
        .filter(participant::Column::ActorId.eq(person.actor.id))
        .one(&state.db)
        .await?
    else {
        return Ok(());
    };
    let config = state.config.as_ref();
    let txn = state.db.begin_write().await?;
    participant::Entity::delete_by_id(p.id).exec(&txn).await?;
    if e.local {
        changed(&txn, config, e).await?;
    } else if p.state != "rejected" {
        let s = status::Entity::find_by_id(e.status_id).one(&txn).await?;
        let organizer = actor::Entity::find_by_id(e.organizer_id).one(&txn).await?;
        if let (Some(s), Some(organizer)) = (s, organizer) {
            let id = format!(
                "{}#leaves/{}",
                person.actor.ap_id,
                crate::secrets::random_token()?
            );
            let leave = vocab::Leave::new(&id, &person.actor.ap_id, &s.ap_id);
            let leave = vocab::with_as_context(&leave)?;
            enqueue(
                &txn,
                config,
                &person.actor,
                &leave,
                false,
                [crate::federation::fanout::inbox_of(&organizer)],
            )
            .await?;
        }
    }
    txn.commit().await?;
    state.federation.outbox_bell.notify_one();
    Ok(())
}
