//! Client API handlers for accounts: one's own profile, lookup, statuses, search.

use axum::Json;
use axum::extract::{OriginalUri, Path, State};
use axum::response::Response;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::actors::entity as actor;
use crate::auth::extract::{Auth, MaybeAuth};
use crate::error::AppError;
use crate::follows::service::find_actor;
use crate::http::extract::{ApiQuery, WithUploads, flexible_bool, flexible_u64};
use crate::http::pagination::Page;
use crate::state::AppState;
use crate::statuses::views;

/// Accounts: the signed-in person's own, and looking others up.
/// `upload_limit` bounds a request's avatar and header images together.
pub fn routes(upload_limit: usize) -> axum::Router<AppState> {
    use axum::extract::DefaultBodyLimit;
    use axum::routing::{get, patch};
    axum::Router::new()
        .route(
            "/api/v1/accounts/verify_credentials",
            get(verify_credentials),
        )
        .route(
            "/api/v1/accounts/update_credentials",
            patch(update_credentials).layer(DefaultBodyLimit::max(upload_limit * 2)),
        )
        .route("/api/v1/accounts/lookup", get(lookup))
        .route("/api/v1/accounts/search", get(search))
        .route("/api/v1/accounts/{id}", get(show))
        .route("/api/v1/accounts/{id}/statuses", get(statuses))
}

async fn own_account(state: &AppState, a: &actor::Model) -> Result<Value, AppError> {
    let mut value = views::account(&state.db, &state.config, a).await?;
    value["source"] = json!({
        "privacy": "public",
        "sensitive": false,
        "language": Value::Null,
        "note": a.summary_source(),
        "fields": [],
        "follow_requests_count": 0,
    });
    Ok(value)
}

impl actor::Model {
    /// The profile text as typed, recovered from its HTML rendering.
    pub fn summary_source(&self) -> String {
        let stripped = self
            .summary
            .replace("<br>", "\n")
            .replace("</p><p>", "\n\n");
        ammonia::Builder::empty()
            .clean(&stripped)
            .to_string()
            .replace("&amp;", "&")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
    }
}

/// `GET /api/v1/accounts/verify_credentials`
pub async fn verify_credentials(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Value>, AppError> {
    let person = if auth.0.scopes.contains("profile") {
        auth.person("profile")?
    } else {
        auth.person("read:accounts")?
    };
    Ok(Json(own_account(&state, &person.actor).await?))
}

#[derive(Deserialize, Default)]
pub struct CredentialsForm {
    display_name: Option<String>,
    note: Option<String>,
    #[serde(default, deserialize_with = "flexible_bool")]
    locked: Option<bool>,
    /// Knooppunt's role label (`resident`, `entrepreneur`, …).
    role: Option<String>,
}

/// `PATCH /api/v1/accounts/update_credentials`: name, note, lock, avatar and header.
pub async fn update_credentials(
    State(state): State<AppState>,
    auth: Auth,
    upload: WithUploads<CredentialsForm>,
) -> Result<Json<Value>, AppError> {
    let person = auth.person("write:accounts")?;
    let form = upload.form;
    let change = super::service::ProfileChange {
        display_name: form.display_name,
        note: form.note,
        locked: form.locked,
        role: form.role,
        files: &upload.files,
    };
    let updated = super::service::update_profile(&state, person, change).await?;
    Ok(Json(own_account(&state, &updated).await?))
}

/// `GET /api/v1/accounts/:id`
pub async fn show(
    State(state): State<AppState>,
    _auth: MaybeAuth,
    Path(id): Path<String>,
) -> Result<Json<Value>, AppError> {
    let a = find_actor(&state.db, &id).await?;
    Ok(Json(views::account(&state.db, &state.config, &a).await?))
}

#[derive(Deserialize, Default)]
pub struct LookupQuery {
    acct: Option<String>,
}

/// `GET /api/v1/accounts/lookup?acct=NAME[@DOMAIN]`
pub async fn lookup(
    State(state): State<AppState>,
    _auth: MaybeAuth,
    ApiQuery(q): ApiQuery<LookupQuery>,
) -> Result<Json<Value>, AppError> {
    let not_found = || AppError::NotFound(msg!("error-record-not-found"));
    let acct = q
        .acct
        .ok_or_else(|| AppError::invalid("acct", msg!("error-required")))?;
    let acct = acct.trim_start_matches('@');
    let (name, host) = match acct.split_once('@') {
        Some((n, h)) => (n, h.to_lowercase()),
        None => (acct, state.config.instance.domain.clone()),
    };
    let known = actor::Entity::find()
        .filter(actor::Column::UsernameKey.eq(name.to_lowercase()))
        .filter(actor::Column::Host.eq(host.as_str()))
        .one(&state.db)
        .await?;
    let a = match known {
        Some(a) => a,
        None if host != state.config.instance.domain => {
            crate::federation::remote::resolve_acct(&state, name, &host)
                .await
                .map_err(|_| not_found())?
        }
        None => return Err(not_found()),
    };
    Ok(Json(views::account(&state.db, &state.config, &a).await?))
}

#[derive(Deserialize, Default)]
pub struct StatusesQuery {
    #[serde(flatten)]
    page: Page,
    #[serde(default, deserialize_with = "flexible_bool")]
    exclude_replies: Option<bool>,
    #[serde(default, deserialize_with = "flexible_bool")]
    exclude_reblogs: Option<bool>,
    #[serde(default, deserialize_with = "flexible_bool")]
    only_media: Option<bool>,
    #[serde(default, deserialize_with = "flexible_bool")]
    pinned: Option<bool>,
}

/// `GET /api/v1/accounts/:id/statuses`
pub async fn statuses(
    State(state): State<AppState>,
    auth: MaybeAuth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<StatusesQuery>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, AppError> {
    let viewer = auth.person("read:statuses").map(|p| p.actor.id);
    let a = find_actor(&state.db, &id).await?;
    if q.pinned.unwrap_or(false) {
        // Nothing is pinned yet: an honest empty page.
        return crate::statuses::api::status_page(&state, &uri, vec![], viewer).await;
    }
    let list = crate::statuses::store::by_account(
        &state.db,
        viewer,
        a.id,
        &q.page,
        q.exclude_replies.unwrap_or(false),
        q.exclude_reblogs.unwrap_or(false),
        q.only_media.unwrap_or(false),
    )
    .await?;
    crate::statuses::api::status_page(&state, &uri, list, viewer).await
}

#[derive(Deserialize, Default)]
pub struct SearchQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default, deserialize_with = "flexible_u64")]
    pub limit: Option<u64>,
    #[serde(default, deserialize_with = "flexible_u64")]
    pub offset: Option<u64>,
}

/// Accounts and groups, here and elsewhere, whose names or profile hold
/// every word of `q` (the last one also as the start of a word, as one
/// types a name), best first; for `name@domain` the name. Suspended
/// accounts are not found.
pub async fn search_actors(
    state: &AppState,
    q: &str,
    limit: u64,
    offset: u64,
) -> Result<Vec<actor::Model>, AppError> {
    let q = q.trim().trim_start_matches('@');
    let name = q.split('@').next().unwrap_or_default();
    let hits = crate::search::service::find(
        &state.db,
        crate::search::service::Search {
            q: name,
            kinds: &[crate::search::Kind::Account, crate::search::Kind::Group],
            prefix: true,
            within: None,
            exclude_owners: vec![crate::actors::hidden::hidden_actors()],
            max_id: None,
            min_id: None,
            limit,
            offset,
            newest_first: false,
        },
    )
    .await?;
    let found = actor::Entity::find()
        .filter(actor::Column::Id.is_in(hits.iter().map(|h| h.id)))
        .all(&state.db)
        .await?;
    Ok(crate::search::in_order(&hits, found, |a| a.id))
}

/// [`search_actors`], rendered as the client API's accounts.
pub async fn search_accounts(
    state: &AppState,
    q: &str,
    limit: u64,
    offset: u64,
) -> Result<Vec<Value>, AppError> {
    let found = search_actors(state, q, limit, offset).await?;
    views::accounts(&state.db, &state.config, &found).await
}

/// `GET /api/v1/accounts/search?q=`
pub async fn search(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> Result<Json<Vec<Value>>, AppError> {
    auth.require("read:accounts")?;
    let limit = q.limit.unwrap_or(40).clamp(1, 80);
    let offset = q.offset.unwrap_or(0);
    Ok(Json(search_accounts(&state, &q.q, limit, offset).await?))
}
