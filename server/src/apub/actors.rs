//! Our actors as ActivityPub documents, their collections, and the Knooppunt
//! JSON-LD term map. Browsers asking for the same URLs get HTML.

use axum::extract::{OriginalUri, Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;
use serde_json::Value;

use crate::actors::entity::{self as actor, Model as Actor};
use crate::actors::graph::follow;
use crate::actors::{ActorKind, store as actor_store};
use crate::error::AppError;
use crate::federation::{ap_json, wants_activity_json};
use crate::http::extract::ApiQuery;
use crate::state::AppState;
use knooppunt_federation::engine::outbox;
use knooppunt_federation::vocab;

/// The URL of our JSON-LD term map.
pub use crate::federation::context_url;

pub use crate::persons::federate::{actor_document, document};

async fn local(state: &AppState, kind: ActorKind, name: &str) -> Result<Actor, AppError> {
    actor_store::find_local(&state.db, &state.config, name)
        .await?
        .filter(|a| a.kind == kind.as_str())
        .ok_or_else(|| AppError::NotFound(msg!("error-no-such-actor")))
}

/// Where a browser that opens an actor URL sees the actor: a person's
/// profile or a group's page.
fn page_of(a: &Actor) -> Response {
    let path = if a.kind == ActorKind::Group.as_str() {
        format!("/groups/{}", a.username)
    } else {
        format!("/@{}", a.username)
    };
    axum::response::Redirect::to(&path).into_response()
}

async fn actor_response(
    state: &AppState,
    headers: &HeaderMap,
    a: &Actor,
) -> Result<Response, AppError> {
    if a.deleted_at.is_some() {
        let tombstone = vocab::with_as_context(&vocab::Tombstone::new(&a.ap_id))?;
        return Ok((axum::http::StatusCode::GONE, ap_json(tombstone)).into_response());
    }
    if wants_activity_json(headers) {
        let mut doc = actor_document(state, a).await?;
        // Its key still verifies what it sent; its profile is not shown.
        if a.suspended_at.is_some() {
            doc.suspended = Some(true);
            doc.name = Some(String::new());
            doc.summary = Some(String::new());
        }
        let context = vocab::context(&context_url(&state.config));
        Ok(ap_json(vocab::with_context(&doc, context)?))
    } else if a.suspended_at.is_some() {
        Err(AppError::NotFound(msg!("error-account-suspended")))
    } else {
        Ok(page_of(a))
    }
}

/// `GET /users/:name`
pub async fn person(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Result<Response, AppError> {
    let a = local(&state, ActorKind::Person, &name).await?;
    // People get the profile page.
    if !wants_activity_json(&headers) && a.deleted_at.is_none() {
        return Ok(page_of(&a));
    }
    actor_response(&state, &headers, &a).await
}

/// `GET /groups/:name` (also the neighbourhood)
pub async fn group(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Result<Response, AppError> {
    let a = local(&state, ActorKind::Group, &name).await?;
    actor_response(&state, &headers, &a).await
}

/// `GET /actor`: the instance actor.
pub async fn instance_actor(State(state): State<AppState>) -> Result<Response, AppError> {
    let a = local(
        &state,
        ActorKind::Application,
        crate::instance::service::INSTANCE_ACTOR_NAME,
    )
    .await?;
    Ok(ap_json(document(&state, &a).await?))
}

#[derive(Deserialize, Default)]
pub struct PageQuery {
    page: Option<String>,
    max_id: Option<i64>,
}

const PAGE_SIZE: u64 = 40;

/// The local actor a collection URL belongs to (`/users/NAME/…` or
/// `/groups/NAME/…`) and the collection's name.
async fn owner(state: &AppState, path: &str) -> Result<(Actor, String), AppError> {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    let [kind, name, which] = parts[..] else {
        return Err(AppError::NotFound(msg!("error-missing")));
    };
    let kind = if kind == "groups" {
        ActorKind::Group
    } else {
        ActorKind::Person
    };
    Ok((local(state, kind, name).await?, which.to_string()))
}

/// An OrderedCollection, or one page of it (`?page=true&max_id=…`).
fn collection(
    id: &str,
    total: u64,
    page: Option<(Vec<Value>, Option<i64>)>,
    max_id: Option<i64>,
) -> Result<Value, AppError> {
    let collection = match page {
        None => vocab::Collection::ordered(id, total, Some(&format!("{id}?page=true"))),
        Some((items, next)) => {
            let page_id = match max_id {
                Some(m) => format!("{id}?page=true&max_id={m}"),
                None => format!("{id}?page=true"),
            };
            let next = next.map(|n| format!("{id}?page=true&max_id={n}"));
            vocab::Collection::page(&page_id, id, total, items, next)
        }
    };
    Ok(vocab::with_as_context(&collection)?)
}

/// `GET /{users|groups}/:name/followers` and `/following`: counts and members, newest first.
pub async fn follow_collection(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<PageQuery>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, AppError> {
    let (a, which) = owner(&state, uri.path()).await?;
    let mine = match which.as_str() {
        "followers" => follow::Column::TargetId,
        "following" => follow::Column::FollowerId,
        _ => return Err(AppError::NotFound(msg!("error-missing"))),
    };
    let base = follow::Entity::find()
        .filter(mine.eq(a.id))
        .filter(follow::Column::Accepted.eq(true));
    let total = base.clone().count(&state.db).await?;
    let id = format!("{}{}", state.config.base_url(), uri.path());
    if q.page.is_none() {
        return Ok(ap_json(collection(&id, total, None, None)?));
    }
    let mut query = base.order_by_desc(follow::Column::Id).limit(PAGE_SIZE);
    if let Some(max) = q.max_id {
        query = query.filter(follow::Column::Id.lt(max));
    }
    let rows = query.all(&state.db).await?;
    let ids: Vec<i64> = rows
        .iter()
        .map(|f| {
            if which == "followers" {
                f.follower_id
            } else {
                f.target_id
            }
        })
        .collect();
    let actors = actor::Entity::find()
        .filter(actor::Column::Id.is_in(ids.clone()))
        .all(&state.db)
        .await?;
    let items: Vec<Value> = ids
        .iter()
        .filter_map(|i| {
            actors
                .iter()
                .find(|a| a.id == *i)
                .map(|a| Value::String(a.ap_id.clone()))
        })
        .collect();
    let next = (rows.len() as u64 == PAGE_SIZE)
        .then(|| rows.last().map(|r| r.id))
        .flatten();
    Ok(ap_json(collection(
        &id,
        total,
        Some((items, next)),
        q.max_id,
    )?))
}

/// `GET /{users|groups}/:name/outbox`: the actor's public activities.
pub async fn outbox(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<PageQuery>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, AppError> {
    let (a, _) = owner(&state, uri.path()).await?;
    let total = outbox::public_count(&state.db, a.id).await?;
    let id = format!("{}{}", state.config.base_url(), uri.path());
    if q.page.is_none() {
        return Ok(ap_json(collection(&id, total, None, None)?));
    }
    let rows = outbox::public_page(&state.db, a.id, q.max_id, PAGE_SIZE).await?;
    let items: Vec<Value> = rows
        .iter()
        .filter_map(|r| serde_json::from_str(&r.body).ok())
        .collect();
    let next = (rows.len() as u64 == PAGE_SIZE)
        .then(|| rows.last().map(|r| r.id))
        .flatten();
    Ok(ap_json(collection(
        &id,
        total,
        Some((items, next)),
        q.max_id,
    )?))
}

/// `GET /{users|groups}/:name/featured`: nothing is pinned yet.
pub async fn featured(
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, AppError> {
    owner(&state, uri.path()).await?;
    let id = format!("{}{}", state.config.base_url(), uri.path());
    let empty = vocab::Collection::ordered_inline(&id, vec![]);
    Ok(ap_json(vocab::with_as_context(&empty)?))
}

/// `GET /ns/knooppunt`: the JSON-LD term map of our extension vocabulary.
pub async fn context_document(State(state): State<AppState>) -> Response {
    let body = vocab::extension_context(&context_url(&state.config));
    (
        [
            (axum::http::header::CONTENT_TYPE, "application/ld+json"),
            (axum::http::header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        ],
        axum::Json(body),
    )
        .into_response()
}
