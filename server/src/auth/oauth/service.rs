//! OAuth rules: registering apps, issuing and exchanging codes, the grants,
//! revocation, and resolving a bearer token to who is acting with which scopes.

use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
};

use super::OOB;
use super::entity::{app, code, token};
use super::scopes::Scopes;
use crate::auth::service::{Person, check_login, load_person};
use crate::error::AppError;
use crate::i18n::Msg;
use crate::secrets::{hash_token, pkce_s256_matches, random_token};

/// A registered app with its secret, shown once.
pub struct RegisteredApp {
    pub app: app::Model,
    pub client_secret: String,
}

/// Registers a client app (`POST /api/v1/apps`).
pub async fn register_app(
    db: &DatabaseConnection,
    name: &str,
    redirect_uris: &str,
    scopes: &str,
    website: Option<&str>,
) -> Result<RegisteredApp, AppError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(AppError::invalid(
            "client_name",
            msg!("error-must-1-200-characters"),
        ));
    }
    let uris: Vec<&str> = redirect_uris
        .split(['\n', ' '])
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .collect();
    if uris.is_empty() {
        return Err(AppError::invalid(
            "redirect_uris",
            msg!("error-at-least-one-redirect-uri-required"),
        ));
    }
    for uri in &uris {
        check_redirect_uri(uri)?;
    }
    let scopes = Scopes::parse(scopes)
        .map_err(|s| AppError::invalid("scopes", msg!("error-unknown-scope", s = s)))?;
    let client_id = random_token()?;
    let client_secret = random_token()?;
    let app = app::ActiveModel {
        client_id: Set(client_id),
        client_secret_hash: Set(hash_token(&client_secret)),
        name: Set(name.to_string()),
        redirect_uris: Set(uris.join("\n")),
        scopes: Set(scopes.to_string()),
        website: Set(website.filter(|w| !w.is_empty()).map(str::to_string)),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(RegisteredApp { app, client_secret })
}

/// Schemes that run code or read local files in a browser or app: never a
/// place to send an authorisation code.
const DANGEROUS_SCHEMES: [&str; 14] = [
    "javascript",
    "data",
    "file",
    "vbscript",
    "blob",
    "about",
    "filesystem",
    "view-source",
    // Not apps: they would hand the code to a mail, phone or chat program.
    "mailto",
    "tel",
    "sms",
    "news",
    "ftp",
    "intent",
];

/// A redirect URI an app may register (RFC 8252): `https`, `http` on a
/// loopback address only, a private-use scheme of a native app
/// (`com.example.app:/cb`, `tusky://oauth`), or the out-of-band URN. Never a
/// fragment.
pub fn check_redirect_uri(uri: &str) -> Result<(), AppError> {
    if uri == OOB {
        return Ok(());
    }
    let bad = |key: &'static str| AppError::invalid("redirect_uris", Msg::new(key).arg("uri", uri));
    let url = url::Url::parse(uri).map_err(|_| bad("error-redirect-not-uri"))?;
    if url.fragment().is_some() {
        return Err(bad("error-redirect-fragment"));
    }
    match url.scheme() {
        "https" if url.host().is_some() => Ok(()),
        "http" => match url.host() {
            Some(url::Host::Ipv4(ip)) if ip.is_loopback() => Ok(()),
            Some(url::Host::Ipv6(ip)) if ip.is_loopback() => Ok(()),
            Some(url::Host::Domain(d)) if d.eq_ignore_ascii_case("localhost") => Ok(()),
            _ => Err(bad("error-redirect-http")),
        },
        "https" => Err(bad("error-redirect-no-host")),
        scheme if DANGEROUS_SCHEMES.contains(&scheme) || scheme.starts_with("ws") => {
            Err(bad("error-redirect-scheme"))
        }
        // A private-use scheme of a native app.
        _ => Ok(()),
    }
}

pub async fn find_app(
    db: &DatabaseConnection,
    client_id: &str,
) -> Result<Option<app::Model>, AppError> {
    Ok(app::Entity::find()
        .filter(app::Column::ClientId.eq(client_id))
        .one(db)
        .await?)
}

/// The app named by `client_id` if the secret matches.
pub async fn authenticate_client(
    db: &DatabaseConnection,
    client_id: &str,
    client_secret: &str,
) -> Result<app::Model, AppError> {
    let invalid = || AppError::oauth("invalid_client", "unknown client or wrong client secret");
    let app = find_app(db, client_id).await?.ok_or_else(invalid)?;
    if !crate::secrets::constant_time_eq(
        hash_token(client_secret).as_bytes(),
        app.client_secret_hash.as_bytes(),
    ) {
        return Err(invalid());
    }
    Ok(app)
}

pub fn redirect_uri_allowed(app: &app::Model, uri: &str) -> bool {
    app.redirect_uris.lines().any(|u| u == uri)
}

/// Requested scopes, defaulting to the app's, and never beyond them.
pub fn requested_scopes(app: &app::Model, requested: Option<&str>) -> Result<Scopes, AppError> {
    let granted = Scopes::parse(&app.scopes)
        .map_err(|_| AppError::Internal("stored scopes are invalid".into()))?;
    let Some(raw) = requested.filter(|s| !s.trim().is_empty()) else {
        return Ok(granted);
    };
    let scopes = Scopes::parse(raw)
        .map_err(|s| AppError::oauth("invalid_scope", format!("unknown scope {s:?}")))?;
    if !scopes.within(&granted) {
        return Err(AppError::oauth(
            "invalid_scope",
            "the requested scopes exceed those the app registered",
        ));
    }
    Ok(scopes)
}

/// Issues a single-use code for an approved authorisation (valid 10 minutes).
pub async fn issue_code(
    db: &DatabaseConnection,
    app: &app::Model,
    actor_id: i64,
    redirect_uri: &str,
    scopes: &Scopes,
    code_challenge: Option<String>,
) -> Result<String, AppError> {
    let raw = random_token()?;
    code::ActiveModel {
        code_hash: Set(hash_token(&raw)),
        app_id: Set(app.id),
        actor_id: Set(actor_id),
        redirect_uri: Set(redirect_uri.to_string()),
        scopes: Set(scopes.to_string()),
        code_challenge: Set(code_challenge),
        expires_at: Set(Utc::now() + Duration::minutes(10)),
    }
    .insert(db)
    .await?;
    Ok(raw)
}

/// An issued token pair, as the token endpoint reports it.
pub struct IssuedToken {
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub scopes: Scopes,
    pub created_at: i64,
}

async fn issue_token(
    db: &DatabaseConnection,
    app: &app::Model,
    actor_id: Option<i64>,
    scopes: Scopes,
) -> Result<IssuedToken, AppError> {
    let access = random_token()?;
    // App-only tokens cannot be refreshed; they are simply requested again.
    let refresh = match actor_id {
        Some(_) => Some(random_token()?),
        None => None,
    };
    let now = Utc::now();
    token::ActiveModel {
        app_id: Set(app.id),
        actor_id: Set(actor_id),
        token_hash: Set(hash_token(&access)),
        refresh_hash: Set(refresh.as_deref().map(hash_token)),
        scopes: Set(scopes.to_string()),
        created_at: Set(now),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(IssuedToken {
        access_token: access,
        refresh_token: refresh,
        scopes,
        created_at: now.timestamp(),
    })
}

/// `grant_type=authorization_code`: single use, same redirect URI, PKCE when a challenge was given.
pub async fn exchange_code(
    db: &DatabaseConnection,
    app: &app::Model,
    raw_code: &str,
    redirect_uri: Option<&str>,
    code_verifier: Option<&str>,
) -> Result<IssuedToken, AppError> {
    let invalid = |why: &str| AppError::oauth("invalid_grant", why.to_string());
    let stored = code::Entity::find_by_id(hash_token(raw_code))
        .one(db)
        .await?
        .ok_or_else(|| invalid("unknown or already used code"))?;
    // Another client can neither use nor burn someone else's code.
    if stored.app_id != app.id {
        return Err(invalid("the code was issued to another client"));
    }
    // Single use: gone whatever happens next.
    code::Entity::delete_by_id(stored.code_hash.clone())
        .exec(db)
        .await?;
    if stored.expires_at < Utc::now() {
        return Err(invalid("the code has expired"));
    }
    // RFC 6749 4.1.3: given at authorisation, it must be given again, the same.
    match redirect_uri.filter(|u| !u.is_empty()) {
        Some(uri) if !stored.redirect_uri.is_empty() && uri != stored.redirect_uri => {
            return Err(invalid(
                "redirect_uri does not match the authorisation request",
            ));
        }
        Some(uri) if stored.redirect_uri.is_empty() && !redirect_uri_allowed(app, uri) => {
            return Err(invalid("redirect_uri is not registered for this app"));
        }
        None if !stored.redirect_uri.is_empty() => {
            return Err(invalid(
                "redirect_uri is required: the authorisation request gave one",
            ));
        }
        _ => {}
    }
    if let Some(challenge) = &stored.code_challenge {
        match code_verifier {
            Some(verifier) if pkce_s256_matches(verifier, challenge) => {}
            _ => return Err(invalid("code_verifier does not match the code challenge")),
        }
    }
    if load_person(db, stored.actor_id).await?.is_none() {
        return Err(invalid("the account can no longer sign in"));
    }
    let scopes = Scopes::parse(&stored.scopes)
        .map_err(|_| AppError::Internal("stored scopes are invalid".into()))?;
    issue_token(db, app, Some(stored.actor_id), scopes).await
}

/// `grant_type=password` (scripts): name or email plus password, from `client`.
pub async fn password_grant(
    state: &crate::state::AppState,
    app: &app::Model,
    username: &str,
    password: &str,
    scope: Option<&str>,
    client: std::net::IpAddr,
) -> Result<IssuedToken, AppError> {
    let db = &state.db;
    if !state.config.api.password_grant {
        return Err(AppError::oauth(
            "unsupported_grant_type",
            "the password grant is disabled on this instance",
        ));
    }
    let scopes = requested_scopes(app, scope)?;
    let person = match check_login(state, username, password, client).await {
        Ok(person) => person,
        Err(e @ (AppError::Unauthorized(_) | AppError::Forbidden(_))) => {
            return Err(AppError::oauth("invalid_grant", e.to_string()));
        }
        Err(e) => return Err(e),
    };
    issue_token(db, app, Some(person.actor.id), scopes).await
}

/// `grant_type=client_credentials`: a token that acts for the app only.
pub async fn client_credentials(
    db: &DatabaseConnection,
    app: &app::Model,
    scope: Option<&str>,
) -> Result<IssuedToken, AppError> {
    let scopes = requested_scopes(app, scope)?;
    issue_token(db, app, None, scopes).await
}

/// `grant_type=refresh_token`: replaces the old pair.
pub async fn refresh(
    db: &DatabaseConnection,
    app: &app::Model,
    refresh_token: &str,
    scope: Option<&str>,
) -> Result<IssuedToken, AppError> {
    let invalid = || AppError::oauth("invalid_grant", "unknown or revoked refresh token");
    let old = token::Entity::find()
        .filter(token::Column::RefreshHash.eq(hash_token(refresh_token)))
        .one(db)
        .await?
        .ok_or_else(invalid)?;
    if old.app_id != app.id || old.revoked_at.is_some() {
        return Err(invalid());
    }
    let old_scopes = Scopes::parse(&old.scopes)
        .map_err(|_| AppError::Internal("stored scopes are invalid".into()))?;
    let scopes = match scope.filter(|s| !s.trim().is_empty()) {
        Some(raw) => {
            let s = Scopes::parse(raw)
                .map_err(|s| AppError::oauth("invalid_scope", format!("unknown scope {s:?}")))?;
            if !s.within(&old_scopes) {
                return Err(AppError::oauth(
                    "invalid_scope",
                    "a refresh cannot widen the scopes",
                ));
            }
            s
        }
        None => old_scopes,
    };
    let actor_id = old.actor_id;
    revoke_model(db, old).await?;
    if let Some(id) = actor_id
        && load_person(db, id).await?.is_none()
    {
        return Err(invalid());
    }
    issue_token(db, app, actor_id, scopes).await
}

async fn revoke_model(db: &DatabaseConnection, model: token::Model) -> Result<(), AppError> {
    let mut active: token::ActiveModel = model.into();
    active.revoked_at = Set(Some(Utc::now()));
    active.update(db).await?;
    Ok(())
}

/// `POST /oauth/revoke`: revokes an access or refresh token of this app. Unknown
/// tokens are not an error (RFC 7009).
pub async fn revoke(db: &DatabaseConnection, app: &app::Model, raw: &str) -> Result<(), AppError> {
    let hash = hash_token(raw);
    let found = token::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(token::Column::TokenHash.eq(hash.as_str()))
                .add(token::Column::RefreshHash.eq(hash.as_str())),
        )
        .one(db)
        .await?;
    if let Some(model) = found
        && model.app_id == app.id
        && model.revoked_at.is_none()
    {
        revoke_model(db, model).await?;
    }
    Ok(())
}

/// Who a bearer token acts for: a person (user tokens) or just the app.
#[derive(Debug, Clone)]
pub struct Grant {
    pub token_id: i64,
    pub app_id: i64,
    pub scopes: Scopes,
    pub person: Option<Person>,
}

/// Resolves a bearer token; `None` when unknown, revoked, or its person can no longer act.
pub async fn authenticate_bearer(
    db: &DatabaseConnection,
    raw: &str,
) -> Result<Option<Grant>, AppError> {
    let Some(model) = token::Entity::find()
        .filter(token::Column::TokenHash.eq(hash_token(raw)))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if model.revoked_at.is_some() {
        return Ok(None);
    }
    let person = match model.actor_id {
        Some(id) => match load_person(db, id).await? {
            Some(p) => Some(p),
            None => return Ok(None),
        },
        None => None,
    };
    let scopes = Scopes::parse(&model.scopes)
        .map_err(|_| AppError::Internal("stored scopes are invalid".into()))?;
    Ok(Some(Grant {
        token_id: model.id,
        app_id: model.app_id,
        scopes,
        person,
    }))
}

/// An app a person let act for them, with the scopes of its live tokens.
pub struct AuthorisedApp {
    pub app_id: i64,
    pub name: String,
    pub website: Option<String>,
    pub scopes: String,
    pub granted_at: chrono::DateTime<Utc>,
}

/// The apps holding live tokens of `actor_id`, most recent grant first.
pub async fn authorised_apps(
    db: &DatabaseConnection,
    actor_id: i64,
) -> Result<Vec<AuthorisedApp>, AppError> {
    use sea_orm::QueryOrder;
    let tokens = token::Entity::find()
        .filter(token::Column::ActorId.eq(actor_id))
        .filter(token::Column::RevokedAt.is_null())
        .order_by_desc(token::Column::Id)
        .all(db)
        .await?;
    let mut app_ids: Vec<i64> = tokens.iter().map(|t| t.app_id).collect();
    app_ids.sort_unstable();
    app_ids.dedup();
    let apps = app::Entity::find()
        .filter(app::Column::Id.is_in(app_ids))
        .all(db)
        .await?;
    let mut out: Vec<AuthorisedApp> = Vec::new();
    for t in tokens {
        if out.iter().any(|a| a.app_id == t.app_id) {
            continue;
        }
        if let Some(a) = apps.iter().find(|a| a.id == t.app_id) {
            out.push(AuthorisedApp {
                app_id: a.id,
                name: a.name.clone(),
                website: a.website.clone(),
                scopes: t.scopes.clone(),
                granted_at: t.created_at,
            });
        }
    }
    Ok(out)
}

/// Revokes every live token `actor_id` gave the app `app_id`, and its
/// unused codes. 404 when that person gave the app none: nobody learns of
/// another's grants.
pub async fn revoke_app(
    db: &DatabaseConnection,
    actor_id: i64,
    app_id: i64,
) -> Result<(), AppError> {
    let revoked = token::Entity::update_many()
        .col_expr(
            token::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(Some(Utc::now())),
        )
        .filter(token::Column::ActorId.eq(actor_id))
        .filter(token::Column::AppId.eq(app_id))
        .filter(token::Column::RevokedAt.is_null())
        .exec(db)
        .await?
        .rows_affected;
    code::Entity::delete_many()
        .filter(code::Column::ActorId.eq(actor_id))
        .filter(code::Column::AppId.eq(app_id))
        .exec(db)
        .await?;
    if revoked == 0 {
        return Err(AppError::NotFound(msg!("error-record-not-found")));
    }
    Ok(())
}
