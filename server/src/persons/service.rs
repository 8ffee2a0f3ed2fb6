//! What can be done to local persons: create, list, disable. Each change is
//! one transaction.

use crate::db::BeginWrite;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder,
};

use super::Role;
use crate::actors::store::{self as actor_store, NewLocalActor};
use crate::actors::{self, ActorKind, Username};
use crate::audit::Moderator;
use crate::auth::account;
use crate::auth::credentials::{Email, Password};
pub use crate::auth::service::named_person as find_person;
use crate::config::Config;
use crate::error::AppError;

/// Input for a new local person, as typed by an operator or a sign-up form.
pub struct NewPerson<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub password: &'a str,
    pub role: Role,
    pub admin: bool,
    /// False when registrations need an administrator's approval.
    pub approved: bool,
}

/// A local person as listed for operators.
#[derive(Debug, Clone)]
pub struct PersonListing {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: String,
    pub admin: bool,
    pub approved: bool,
    pub disabled_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// Validates, then creates the actor (with a fresh key pair) and its account.
pub async fn create(
    db: &DatabaseConnection,
    config: &Config,
    new: NewPerson<'_>,
) -> Result<PersonListing, AppError> {
    let username = Username::parse(new.name).map_err(|e| AppError::invalid("name", e.msg()))?;
    let email = Email::parse(new.email)?;
    let password = Password::parse(new.password, username.as_str())?;

    if actor_store::find_local(db, config, username.as_str())
        .await?
        .is_some()
    {
        return Err(AppError::Conflict(msg!(
            "error-name-taken",
            username = username.as_str()
        )));
    }
    if find_account_by_email(db, &email).await?.is_some() {
        return Err(AppError::Conflict(msg!(
            "error-email-in-use",
            email = email.as_str()
        )));
    }

    // Hashing and key generation are CPU work: off the async threads, outside the transaction.
    let (password_hash, keys) = tokio::task::spawn_blocking(move || {
        Ok::<_, AppError>((
            password.hash()?,
            knooppunt_federation::keys::generate_actor_keys()?,
        ))
    })
    .await
    .map_err(|e| AppError::Internal(format!("key generation task failed: {e}")))??;

    let txn = db.begin_write().await?;
    let actor = actor_store::insert_local(
        &txn,
        config,
        NewLocalActor {
            kind: ActorKind::Person,
            username: username.as_str(),
            display_name: username.to_string(),
            role: Some(new.role.as_str().to_string()),
            keys,
        },
    )
    .await?;
    let account = account::ActiveModel {
        actor_id: Set(actor.id),
        email: Set(email.as_str().to_string()),
        email_key: Set(email.key()),
        password_hash: Set(password_hash),
        admin: Set(new.admin),
        approved: Set(new.approved),
        disabled_at: Set(None),
        created_at: Set(actor.created_at),
        language: Set(None),
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        AppError::from_db_conflict(e, msg!("error-email-in-use", email = email.as_str()))
    })?;
    txn.commit().await?;
    Ok(listing(actor, account))
}

/// All local persons with an account, oldest first.
pub async fn list(db: &DatabaseConnection) -> Result<Vec<PersonListing>, AppError> {
    let rows = account::Entity::find()
        .find_also_related(actors::entity::Entity)
        .order_by_asc(account::Column::CreatedAt)
        .order_by_asc(account::Column::ActorId)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(account, actor)| actor.map(|actor| listing(actor, account)))
        .collect())
}

/// How many accounts wait for an administrator's approval.
pub async fn count_waiting(db: &DatabaseConnection) -> Result<u64, AppError> {
    use sea_orm::PaginatorTrait;
    Ok(account::Entity::find()
        .filter(account::Column::Approved.eq(false))
        .filter(account::Column::DisabledAt.is_null())
        .count(db)
        .await?)
}

/// Where a page of [`list_page`] goes on: after the account `after`, among
/// those waiting for approval (`waiting`) or among the others.
#[derive(Debug, Clone, Copy)]
pub struct ListFrom {
    pub waiting: bool,
    pub after: i64,
}

/// A page of at most `limit` local persons with an account: those waiting
/// for approval first, then the others, each part by id (keyset, so a
/// large instance's later pages cost what the first does). At most two
/// statements.
pub async fn list_page(
    db: &DatabaseConnection,
    from: Option<ListFrom>,
    limit: u64,
) -> Result<Vec<PersonListing>, AppError> {
    use sea_orm::{Condition, QuerySelect};
    let waiting = Condition::all()
        .add(account::Column::Approved.eq(false))
        .add(account::Column::DisabledAt.is_null());
    let part = |waiting: Condition, after: Option<i64>, limit: u64| {
        let mut query = account::Entity::find()
            .find_also_related(actors::entity::Entity)
            .filter(waiting);
        if let Some(after) = after {
            query = query.filter(account::Column::ActorId.gt(after));
        }
        query
            .order_by_asc(account::Column::ActorId)
            .limit(limit)
            .all(db)
    };
    let mut rows = Vec::new();
    if from.is_none_or(|f| f.waiting) {
        rows = part(waiting.clone(), from.map(|f| f.after), limit).await?;
    }
    let left = limit.saturating_sub(rows.len() as u64);
    if left > 0 {
        let after = from.filter(|f| !f.waiting).map(|f| f.after);
        rows.extend(part(waiting.not(), after, left).await?);
    }
    Ok(rows
        .into_iter()
        .filter_map(|(account, actor)| actor.map(|actor| listing(actor, account)))
        .collect())
}

/// Disables a person's account: they can no longer log in. Returns false if it
/// already was disabled.
pub async fn disable(
    db: &DatabaseConnection,
    config: &Config,
    name: &str,
    by: &Moderator<'_>,
) -> Result<bool, AppError> {
    let (_, account) = find_person(db, config, name).await?;
    if account.disabled_at.is_some() {
        return Ok(false);
    }
    let mut active: account::ActiveModel = account.into();
    active.disabled_at = Set(Some(Utc::now()));
    audited(db, active, by, "account.disable", name).await?;
    Ok(true)
}

/// Approves an account that signed up while registrations needed approval.
/// Returns false if it already was approved.
pub async fn approve(
    db: &DatabaseConnection,
    config: &Config,
    name: &str,
    by: &Moderator<'_>,
) -> Result<bool, AppError> {
    let (_, account) = find_person(db, config, name).await?;
    if account.approved {
        return Ok(false);
    }
    let mut active: account::ActiveModel = account.into();
    active.approved = Set(true);
    audited(db, active, by, "account.approve", name).await?;
    Ok(true)
}

/// Saves an administrator's change to an account with its audit entry, in
/// one transaction: whoever calls (the admin pages, the command line), the
/// log cannot miss it.
async fn audited(
    db: &DatabaseConnection,
    change: account::ActiveModel,
    by: &Moderator<'_>,
    action: &str,
    name: &str,
) -> Result<(), AppError> {
    let txn = db.begin_write().await?;
    change.update(&txn).await?;
    crate::audit::record(&txn, by, action, name, "").await?;
    txn.commit().await?;
    Ok(())
}

async fn find_account_by_email(
    db: &DatabaseConnection,
    email: &Email,
) -> Result<Option<account::Model>, AppError> {
    Ok(account::Entity::find()
        .filter(account::Column::EmailKey.eq(email.key()))
        .one(db)
        .await?)
}

fn listing(actor: actors::entity::Model, account: account::Model) -> PersonListing {
    PersonListing {
        id: actor.id,
        name: actor.username,
        email: account.email,
        role: actor.role.unwrap_or_default(),
        admin: account.admin,
        approved: account.approved,
        disabled_at: account.disabled_at,
        created_at: account.created_at,
    }
}

/// Deletes a person's account: their statuses, follows and memberships go,
/// other servers get a Delete of the actor, and the name stays taken. The
/// actor row remains as a tombstone whose key signs that Delete.
pub async fn delete(state: &crate::state::AppState, name: &str) -> Result<(), AppError> {
    let (actor, _) = find_person(&state.db, &state.config, name).await?;
    if actor.deleted_at.is_some() {
        return Err(AppError::Conflict(msg!(
            "error-was-already-deleted",
            name = name
        )));
    }
    delete_actor(state, &actor).await
}

/// Deletes a local person (see [`delete`]); also a moderator's final
/// suspension.
pub async fn delete_actor(
    state: &crate::state::AppState,
    actor: &actors::entity::Model,
) -> Result<(), AppError> {
    use crate::db::BeginWrite;
    let txn = state.db.begin_write().await?;
    delete_actor_in(&txn, &state.config, actor).await?;
    txn.commit().await?;
    state.federation.outbox_bell.notify_one();
    Ok(())
}

/// [`delete_actor`] within the caller's transaction (a moderator's final
/// suspension commits it with its audit entry).
pub async fn delete_actor_in(
    txn: &impl sea_orm::ConnectionTrait,
    config: &Config,
    actor: &actors::entity::Model,
) -> Result<(), AppError> {
    use crate::actors::graph::follow;
    let actor = actor.clone();
    // Everyone who may hold a copy: followers, and those the person follows.
    let followed = sea_orm::sea_query::Query::select()
        .column(follow::Column::TargetId)
        .from(follow::Entity)
        .and_where(follow::Column::FollowerId.eq(actor.id))
        .to_owned();
    let to = crate::federation::fanout::Recipients::new()
        .followers_of(actor.id)
        .actors_in(followed);
    use knooppunt_federation::vocab;
    let delete = vocab::Delete {
        to: vec![vocab::PUBLIC.to_string()],
        ..vocab::Delete::account(&format!("{}#delete", actor.ap_id), &actor.ap_id)
    };
    let activity = vocab::with_as_context(&delete)?;
    crate::federation::outbox::enqueue_to(txn, config, &actor, &activity, false, to).await?;
    crate::statuses::entity::status::Entity::delete_many()
        .filter(crate::statuses::entity::status::Column::ActorId.eq(actor.id))
        .exec(txn)
        .await?;
    crate::actors::graph::follow::Entity::delete_many()
        .filter(
            sea_orm::Condition::any()
                .add(crate::actors::graph::follow::Column::FollowerId.eq(actor.id))
                .add(crate::actors::graph::follow::Column::TargetId.eq(actor.id)),
        )
        .exec(txn)
        .await?;
    crate::groups::entity::membership::Entity::delete_many()
        .filter(crate::groups::entity::membership::Column::MemberId.eq(actor.id))
        .exec(txn)
        .await?;
    let now = Utc::now();
    account::Entity::update_many()
        .col_expr(
            account::Column::DisabledAt,
            sea_orm::sea_query::Expr::value(Some(now)),
        )
        .filter(account::Column::ActorId.eq(actor.id))
        .exec(txn)
        .await?;
    let mut tombstone: actors::entity::ActiveModel = actor.into();
    tombstone.deleted_at = Set(Some(now));
    tombstone.display_name = Set(String::new());
    tombstone.summary = Set(String::new());
    tombstone.avatar_media_id = Set(None);
    tombstone.header_media_id = Set(None);
    tombstone.updated_at = Set(now);
    let tombstone = tombstone.update(txn).await?;
    crate::actors::search::index(txn, &tombstone).await?;
    Ok(())
}

/// A change of one's own profile, as `update_credentials` and the settings
/// page send it: only the fields given change.
#[derive(Default)]
pub struct ProfileChange<'a> {
    pub display_name: Option<String>,
    pub note: Option<String>,
    pub locked: Option<bool>,
    /// The role label (`resident`, `entrepreneur`, …).
    pub role: Option<String>,
    pub files: &'a [crate::http::extract::Upload],
}

/// Changes a person's profile, indexes it for search and tells their
/// followers' servers (an `Update` of the actor). The one rule for the
/// client API and the settings page.
pub async fn update_profile(
    state: &crate::state::AppState,
    person: &crate::auth::service::Person,
    change: ProfileChange<'_>,
) -> Result<actors::entity::Model, AppError> {
    use crate::db::BeginWrite;
    let mut active: actors::entity::ActiveModel = person.actor.clone().into();
    if let Some(name) = change.display_name {
        if name.chars().count() > 100 {
            return Err(AppError::invalid(
                "display_name",
                msg!("error-at-most-characters", max = 100),
            ));
        }
        active.display_name = Set(name.trim().to_string());
    }
    if let Some(note) = change.note {
        if note.chars().count() > 1000 {
            return Err(AppError::invalid(
                "note",
                msg!("error-at-most-characters", max = 1000),
            ));
        }
        active.summary = Set(crate::text::to_html(
            &note,
            &Default::default(),
            &state.config.base_url(),
        ));
    }
    if let Some(locked) = change.locked {
        active.locked = Set(locked);
    }
    if let Some(role) = change.role.filter(|r| !r.is_empty()) {
        let role = <Role as clap::ValueEnum>::from_str(&role, false)
            .map_err(|_| AppError::invalid("role", msg!("error-not-role", role = role)))?;
        active.role = Set(Some(role.as_str().to_string()));
    }
    for file in change.files {
        let media =
            crate::media::service::store(&state.db, &state.config, person, &file.bytes, None)
                .await?;
        match file.field.as_str() {
            "avatar" => active.avatar_media_id = Set(Some(media.id)),
            "header" => active.header_media_id = Set(Some(media.id)),
            other => return Err(AppError::invalid(other, msg!("error-unexpected-file"))),
        }
    }
    active.updated_at = Set(Utc::now());
    let txn = state.db.begin_write().await?;
    let updated = active.update(&txn).await?;
    crate::actors::search::index(&txn, &updated).await?;
    let document = super::federate::actor_document(state, &updated).await?;
    super::federate::profile_updated(&txn, &state.config, &updated, document).await?;
    txn.commit().await?;
    state.federation.outbox_bell.notify_one();
    Ok(updated)
}
