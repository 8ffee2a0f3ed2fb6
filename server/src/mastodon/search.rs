//! `GET /api/v2/search`: accounts and groups, hashtags, and for signed-in
//! people public statuses, through the search index; with `resolve`, an
//! `@name@domain` or a URL looked up elsewhere.

use axum::Json;
use axum::extract::State;
use sea_orm::sea_query::SelectStatement;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::actors::graph;
use crate::auth::extract::MaybeAuth;
use crate::error::AppError;
use crate::http::extract::{ApiQuery, flexible_bool, flexible_u64};
use crate::search::service::{self as search, Search};
use crate::search::{Kind, in_order};
use crate::state::AppState;
use crate::statuses::entity::{status, tag};
use crate::statuses::views;

/// `/api/v2/search`.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/api/v2/search", axum::routing::get(search))
}

#[derive(Deserialize, Default)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(default, deserialize_with = "flexible_bool")]
    resolve: Option<bool>,
    #[serde(default, deserialize_with = "flexible_u64")]
    limit: Option<u64>,
    #[serde(default, deserialize_with = "flexible_u64")]
    offset: Option<u64>,
    max_id: Option<String>,
    min_id: Option<String>,
}

/// `GET /api/v2/search`
pub async fn search(
    State(state): State<AppState>,
    auth: MaybeAuth,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> Result<Json<Value>, AppError> {
    let viewer = auth.person("read:search").map(|p| p.actor.id);
    let limit = q.limit.unwrap_or(20).clamp(1, 40);
    let offset = q.offset.unwrap_or(0);
    let wants = |k: &str| q.kind.as_deref().is_none_or(|t| t.is_empty() || t == k);
    let text = q.q.trim();
    let is_url = text.starts_with("https://") || text.starts_with("http://");
    // With resolve (and a signed-in person, as on Mastodon): look up `@name@domain` and URLs elsewhere.
    let (resolved_accounts, resolved_statuses) = match viewer {
        Some(me) if q.resolve.unwrap_or(false) => resolve(&state, text, me).await?,
        _ => (vec![], vec![]),
    };
    let mut accounts = if wants("accounts") {
        views::accounts(&state.db, &state.config, &resolved_accounts).await?
    } else {
        vec![]
    };
    if wants("accounts") && !is_url && !text.starts_with('#') && resolved_accounts.is_empty() {
        accounts.extend(crate::persons::api::search_accounts(&state, text, limit, offset).await?);
    }
    let hashtags = if wants("hashtags") && !is_url {
        hashtags(&state, text, limit, offset).await?
    } else {
        vec![]
    };
    // Full-text search of statuses needs an account, as on Mastodon.
    let statuses = if !resolved_statuses.is_empty() {
        views::statuses(&state.db, &state.config, &resolved_statuses, viewer).await?
    } else {
        match viewer {
            Some(me) if wants("statuses") && !is_url && !text.starts_with('#') => {
                let page = Window {
                    limit,
                    offset,
                    max_id: q.max_id.as_deref().and_then(|id| id.parse().ok()),
                    min_id: q.min_id.as_deref().and_then(|id| id.parse().ok()),
                    newest_first: false,
                };
                let found = public_statuses(&state, text, me, page).await?;
                views::statuses(&state.db, &state.config, &found, Some(me)).await?
            }
            _ => vec![],
        }
    };
    Ok(Json(
        json!({ "accounts": accounts, "statuses": statuses, "hashtags": hashtags }),
    ))
}

/// Which page of results.
pub struct Window {
    pub limit: u64,
    pub offset: u64,
    pub max_id: Option<i64>,
    pub min_id: Option<i64>,
    /// Newest first rather than best first (a page of one kind).
    pub newest_first: bool,
}

/// Public statuses matching every word, best first; never those of hidden
/// accounts, of accounts that block the viewer, or that the viewer blocks
/// or mutes.
pub async fn public_statuses(
    state: &AppState,
    text: &str,
    me: i64,
    page: Window,
) -> Result<Vec<status::Model>, AppError> {
    let hits = search::find(
        &state.db,
        Search {
            q: text,
            kinds: &[Kind::Status],
            prefix: false,
            within: None,
            exclude_owners: unwanted_authors(me),
            max_id: page.max_id,
            min_id: page.min_id,
            limit: page.limit,
            offset: page.offset,
            newest_first: page.newest_first,
        },
    )
    .await?;
    let rows = status::Entity::find()
        .filter(status::Column::Id.is_in(hits.iter().map(|h| h.id)))
        .all(&state.db)
        .await?;
    Ok(in_order(&hits, rows, |s| s.id))
}

/// Actors whose statuses `me` is not shown in search.
fn unwanted_authors(me: i64) -> Vec<SelectStatement> {
    vec![
        crate::actors::hidden::hidden_actors(),
        graph::blocking(me),
        graph::blocked_by(me),
        graph::muted_by(me),
    ]
}

/// Hashtags starting with the text (a prefix search that uses the index).
async fn hashtags(
    state: &AppState,
    text: &str,
    limit: u64,
    offset: u64,
) -> Result<Vec<Value>, AppError> {
    let name = text.trim_start_matches('#').to_lowercase();
    // Tag names are letters, digits and `_`; `_` is a LIKE wildcard, so
    // the prefix ends before one.
    let prefix: String = name.chars().take_while(|c| c.is_alphanumeric()).collect();
    if prefix.is_empty() || prefix.chars().count() > 100 {
        return Ok(vec![]);
    }
    let pattern = format!("{prefix}%");
    Ok(tag::Entity::find()
        .filter(tag::Column::Name.like(pattern.as_str()))
        .order_by_asc(tag::Column::Name)
        .limit(limit)
        .offset(offset)
        .all(&state.db)
        .await?
        .into_iter()
        .map(|t| json!({ "name": t.name, "url": format!("{}/tags/{}", state.config.base_url(), t.name), "history": [], "following": false }))
        .collect())
}

/// `@name@domain` or a URL, looked up here or fetched: accounts and the
/// statuses `me` may see. The search page resolves through it too.
pub async fn resolve(
    state: &AppState,
    text: &str,
    me: i64,
) -> Result<(Vec<crate::actors::entity::Model>, Vec<status::Model>), AppError> {
    let mut accounts = Vec::new();
    let mut statuses = Vec::new();
    if text.starts_with("https://") || text.starts_with("http://") {
        match resolve_url(state, text).await {
            Ok(Resolved::Actor(a)) => accounts.push(*a),
            Ok(Resolved::Status(s)) => {
                if crate::statuses::store::can_see(&state.db, Some(me), &s).await? {
                    statuses.push(*s);
                }
            }
            Err(e) => tracing::debug!(url = %text, error = %e, "search did not resolve"),
        }
    } else if let Some((name, domain)) = knooppunt_federation::webfinger::parse_acct(text) {
        match crate::federation::remote::resolve_acct(state, &name, &domain).await {
            Ok(a) => accounts.push(a),
            Err(e) => tracing::debug!(acct = %text, error = %e, "search did not resolve"),
        }
    }
    Ok((accounts, statuses))
}

enum Resolved {
    Actor(Box<crate::actors::entity::Model>),
    Status(Box<status::Model>),
}

/// A URL pasted into search: an actor or a status, ours or fetched.
async fn resolve_url(state: &AppState, url: &str) -> Result<Resolved, AppError> {
    if let Some(a) = crate::federation::remote::find_by_ap_id(state, url).await? {
        return Ok(Resolved::Actor(Box::new(a)));
    }
    if let Some(s) = status::Entity::find()
        .filter(status::Column::ApId.eq(url))
        .one(&state.db)
        .await?
    {
        return Ok(Resolved::Status(Box::new(s)));
    }
    let object = crate::federation::remote::fetch_object(state, url).await?;
    match knooppunt_federation::vocab::type_of(&object) {
        Some("Person" | "Group" | "Application" | "Service" | "Organization") => {
            Ok(Resolved::Actor(Box::new(
                crate::federation::remote::upsert_actor(state, &object).await?,
            )))
        }
        _ => Ok(Resolved::Status(Box::new(
            crate::statuses::federate::store_fetched(state, url, &object, 3).await?,
        ))),
    }
}
