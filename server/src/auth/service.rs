//! Checking passwords (rate limited) and keeping web sessions.

use std::net::IpAddr;

use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder,
};

use super::entity::{login_attempt, session};
use crate::actors::entity::Model as Actor;
use crate::auth::account::{self, Model as Account};
use crate::auth::credentials::verify_password;
use crate::config::Config;
use crate::error::AppError;
use crate::secrets::{hash_token, random_token};
use crate::state::AppState;

/// A local person who may act: their actor and account.
#[derive(Debug, Clone)]
pub struct Person {
    pub actor: Actor,
    pub account: Account,
}

const ATTEMPT_WINDOW_MINUTES: i64 = 15;
const SESSION_DAYS: i64 = 30;
/// Longest an account's attempts are held back after many failures.
const MAX_ACCOUNT_DELAY_SECS: i64 = 300;

/// Checks a name-or-email and password from `client`.
///
/// Failures count per client address first: past
/// `api.max_failed_logins_per_address` in 15 minutes that address is
/// refused (429) without any check, so one stranger cannot try many
/// passwords or wear an account down. Failures also count per account
/// (whichever of its name or email was typed): past
/// `api.max_failed_logins`, each further attempt must wait a delay that
/// doubles, from 1 s up to 5 minutes. An attempt held back this way is not
/// counted, so the account is never locked for long, whoever tries.
pub async fn check_login(
    state: &AppState,
    identifier: &str,
    password: &str,
    client: IpAddr,
) -> Result<Person, AppError> {
    let (db, config) = (&state.db, state.config.as_ref());
    let typed = identifier.trim().to_lowercase();
    let found = find_person(db, config, &typed).await?;
    // Failures count per account, whether its name or its email was typed;
    // names that match nobody are counted as typed.
    let key = match &found {
        Some(p) => format!("account:{}", p.actor.id),
        None => typed.clone(),
    };
    // The attempt is written down first, as a failure until the password
    // matches: attempts at the same moment see each other, so a burst of
    // them gets no more tries than one after another would.
    let now = Utc::now();
    let mut mine = Vec::with_capacity(2);
    let address = crate::guard::address_key(client);
    for k in [address.clone(), key.clone()] {
        let row = login_attempt::ActiveModel {
            key: Set(k),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        mine.push(row);
    }
    if let Some(refusal) = held_back(db, config, &mine, &address, &key, now).await? {
        forget(db, &mine).await?;
        return Err(refusal);
    }

    let hash = found
        .as_ref()
        .map(|p| p.account.password_hash.clone())
        // Verify against a dummy hash when nobody matches, so timing does not reveal who exists.
        .unwrap_or_else(|| DUMMY_HASH.to_string());
    let password = password.to_string();
    let slot = match state.guards.password_slot().await {
        Ok(slot) => slot,
        Err(busy) => {
            forget(db, &mine).await?;
            return Err(busy);
        }
    };
    let matches = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(|e| AppError::Internal(format!("password check task failed: {e}")))?;
    drop(slot);

    match found {
        Some(person) if matches => {
            // Not a failure after all: this attempt and the account's
            // earlier failures are forgotten.
            forget(db, &mine).await?;
            login_attempt::Entity::delete_many()
                .filter(login_attempt::Column::Key.eq(key.as_str()))
                .exec(db)
                .await?;
            check_may_sign_in(&person)?;
            Ok(person)
        }
        _ => Err(AppError::Unauthorized(msg!("error-wrong-name-password"))),
    }
}

/// Why this attempt (its records `mine`) is refused before any check, if
/// it is: too many failures from its `address`, or from the account `key`
/// too recently.
async fn held_back(
    db: &DatabaseConnection,
    config: &Config,
    mine: &[login_attempt::Model],
    address: &str,
    key: &str,
    now: chrono::DateTime<Utc>,
) -> Result<Option<AppError>, AppError> {
    let since = now - Duration::minutes(ATTEMPT_WINDOW_MINUTES);
    let mine_ids: Vec<i64> = mine.iter().map(|m| m.id).collect();
    let earlier = |key: &str| {
        login_attempt::Entity::find()
            .filter(login_attempt::Column::Key.eq(key.to_string()))
            .filter(login_attempt::Column::CreatedAt.gt(since))
            .filter(login_attempt::Column::Id.is_not_in(mine_ids.clone()))
            .order_by_desc(login_attempt::Column::CreatedAt)
    };
    let from_address = earlier(address).count(db).await?;
    if from_address >= u64::from(config.api.max_failed_logins_per_address) {
        return Ok(Some(AppError::RateLimited {
            message: msg!("error-logins-from-address"),
            retry_after: u64::try_from(ATTEMPT_WINDOW_MINUTES * 60).unwrap_or(900),
        }));
    }
    let failures = earlier(key).all(db).await?;
    let over = u32::try_from(failures.len())
        .unwrap_or(u32::MAX)
        .saturating_sub(config.api.max_failed_logins);
    if failures.len() >= config.api.max_failed_logins as usize
        && let Some(last) = failures.first()
    {
        // 1 s, doubling, at most five minutes (2^9 s is past it).
        let delay = (1i64 << over.min(9)).min(MAX_ACCOUNT_DELAY_SECS);
        let ready = last.created_at + Duration::seconds(delay);
        if now < ready {
            let wait = (((ready - now).num_milliseconds() + 999) / 1000).max(1);
            return Ok(Some(AppError::RateLimited {
                message: msg!("error-logins-for-account", wait = wait),
                retry_after: u64::try_from(wait).unwrap_or(1),
            }));
        }
    }
    Ok(None)
}

/// Deletes this attempt's records: it was not a failure, or not tried.
async fn forget(db: &DatabaseConnection, mine: &[login_attempt::Model]) -> Result<(), AppError> {
    login_attempt::Entity::delete_many()
        .filter(login_attempt::Column::Id.is_in(mine.iter().map(|m| m.id).collect::<Vec<_>>()))
        .exec(db)
        .await?;
    Ok(())
}

/// A person with the right password may still not sign in.
fn check_may_sign_in(person: &Person) -> Result<(), AppError> {
    if person.account.disabled_at.is_some() {
        return Err(AppError::Forbidden(msg!("error-account-disabled")));
    }
    if person.actor.suspended_at.is_some() {
        return Err(AppError::Forbidden(msg!("error-account-suspended")));
    }
    if !person.account.approved {
        return Err(AppError::Forbidden(msg!("error-account-waiting-approval")));
    }
    Ok(())
}

/// Deletes what has expired: failed-login records past their window, web
/// sessions, unused authorisation codes, and tokens revoked a week ago.
pub async fn prune_expired(db: &DatabaseConnection) -> Result<u64, AppError> {
    use crate::auth::oauth::entity::{code, token};
    let now = Utc::now();
    let mut pruned = login_attempt::Entity::delete_many()
        .filter(
            login_attempt::Column::CreatedAt.lt(now - Duration::minutes(ATTEMPT_WINDOW_MINUTES)),
        )
        .exec(db)
        .await?
        .rows_affected;
    pruned += session::Entity::delete_many()
        .filter(session::Column::ExpiresAt.lt(now))
        .exec(db)
        .await?
        .rows_affected;
    pruned += code::Entity::delete_many()
        .filter(code::Column::ExpiresAt.lt(now))
        .exec(db)
        .await?
        .rows_affected;
    pruned += token::Entity::delete_many()
        .filter(token::Column::RevokedAt.lt(now - Duration::days(7)))
        .exec(db)
        .await?
        .rows_affected;
    Ok(pruned)
}

/// A local person and their account, by name.
pub async fn named_person(
    db: &DatabaseConnection,
    config: &Config,
    name: &str,
) -> Result<(crate::actors::entity::Model, account::Model), AppError> {
    let not_found = || AppError::NotFound(msg!("error-there-no-local-person-named", name = name));
    let actor = crate::actors::store::find_local(db, config, name)
        .await?
        .filter(|a| a.kind == crate::actors::ActorKind::Person.as_str())
        .ok_or_else(not_found)?;
    let account = account::Entity::find_by_id(actor.id)
        .one(db)
        .await?
        .ok_or_else(not_found)?;
    Ok((actor, account))
}

/// argon2id hash of a random string nobody knows.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Nn8Up7n8VAnxeUO+ptDzjHB0t/gE2GZzZGahEMnq1Lg";

/// A local person by email or name.
async fn find_person(
    db: &DatabaseConnection,
    config: &Config,
    key: &str,
) -> Result<Option<Person>, AppError> {
    let account = if key.contains('@') {
        account::Entity::find()
            .filter(account::Column::EmailKey.eq(key))
            .one(db)
            .await?
    } else {
        match crate::actors::store::find_local(db, config, key).await? {
            Some(actor) => account::Entity::find_by_id(actor.id).one(db).await?,
            None => None,
        }
    };
    let Some(account) = account else {
        return Ok(None);
    };
    let actor = crate::actors::entity::Entity::find_by_id(account.actor_id)
        .one(db)
        .await?;
    Ok(actor.map(|actor| Person { actor, account }))
}

/// Loads an active local person by actor id.
pub async fn load_person(
    db: &DatabaseConnection,
    actor_id: i64,
) -> Result<Option<Person>, AppError> {
    // One statement: every signed-in request asks this first.
    let found = account::Entity::find_by_id(actor_id)
        .find_also_related(crate::actors::entity::Entity)
        .one(db)
        .await?;
    let Some((account, Some(actor))) = found else {
        return Ok(None);
    };
    if account.disabled_at.is_some() || !account.approved || actor.suspended_at.is_some() {
        return Ok(None);
    }
    Ok(Some(Person { actor, account }))
}

/// Remembers the interface language `code` (`nl`, `en`) for a person.
pub async fn set_language(
    db: &DatabaseConnection,
    actor_id: i64,
    code: &str,
) -> Result<(), AppError> {
    account::Entity::update_many()
        .col_expr(
            account::Column::Language,
            sea_orm::sea_query::Expr::value(code.to_string()),
        )
        .filter(account::Column::ActorId.eq(actor_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Starts a session; returns the cookie value.
pub async fn start_session(db: &DatabaseConnection, actor_id: i64) -> Result<String, AppError> {
    let token = random_token()?;
    let now = Utc::now();
    session::ActiveModel {
        id_hash: Set(hash_token(&token)),
        actor_id: Set(actor_id),
        created_at: Set(now),
        expires_at: Set(now + Duration::days(SESSION_DAYS)),
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// The person behind a session cookie, if it is valid and they may still act.
pub async fn session_person(
    db: &DatabaseConnection,
    cookie: &str,
) -> Result<Option<Person>, AppError> {
    let Some(session) = session::Entity::find_by_id(hash_token(cookie))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if session.expires_at < Utc::now() {
        session::Entity::delete_by_id(session.id_hash)
            .exec(db)
            .await?;
        return Ok(None);
    }
    load_person(db, session.actor_id).await
}

pub async fn end_session(db: &DatabaseConnection, cookie: &str) -> Result<(), AppError> {
    session::Entity::delete_by_id(hash_token(cookie))
        .exec(db)
        .await?;
    Ok(())
}

/// Changes a person's password. The current one must be given and is
/// checked as a sign-in is (rate limited per address and account); a wrong
/// one is an error on `current_password`. Other sessions end.
pub async fn change_password(
    state: &AppState,
    person: &Person,
    current: &str,
    new: &str,
    client: IpAddr,
    keep_session: Option<&str>,
) -> Result<(), AppError> {
    match check_login(state, &person.actor.username, current, client).await {
        Ok(p) if p.actor.id == person.actor.id => {}
        Ok(_) | Err(AppError::Unauthorized(_)) => {
            return Err(AppError::invalid(
                "current_password",
                msg!("error-not-your-password"),
            ));
        }
        Err(e) => return Err(e),
    }
    let password = crate::auth::credentials::Password::parse(new, &person.actor.username)?;
    let _slot = state.guards.password_slot().await?;
    let hash = tokio::task::spawn_blocking(move || password.hash())
        .await
        .map_err(|e| AppError::Internal(format!("password hashing task failed: {e}")))??;
    account::Entity::update_many()
        .col_expr(
            account::Column::PasswordHash,
            sea_orm::sea_query::Expr::value(hash),
        )
        .filter(account::Column::ActorId.eq(person.actor.id))
        .exec(&state.db)
        .await?;
    let kept = keep_session.map(hash_token).unwrap_or_default();
    session::Entity::delete_many()
        .filter(session::Column::ActorId.eq(person.actor.id))
        .filter(session::Column::IdHash.ne(kept))
        .exec(&state.db)
        .await?;
    Ok(())
}
