//! `/search?q=`: people, groups, plans, events and posts, as the client
//! API's `/api/v2/search` finds them (the same service calls), each linking
//! to its page. For someone signed in an `@name@domain` or a URL is looked
//! up elsewhere, as `resolve=true` does. Unlike the index, this page names
//! the domains whose results it gathers.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use crate::actors::entity::Model as Actor;
use crate::actors::profile_path;
use crate::auth::web::Visit;
use crate::error::AppError;
use crate::http::extract::ApiQuery;
use crate::i18n::Tr;
use crate::mastodon::search as api;
use crate::search::service::{self as search, Search};
use crate::search::{Kind, in_order};
use crate::state::AppState;
use crate::statuses::views;
use crate::statuses::web::post::PostView;
use crate::web::{Chrome, PER_PAGE};

#[derive(Deserialize, Default)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

/// A person or group found.
pub struct ActorHit {
    pub name: String,
    pub handle: String,
    pub link: String,
}

/// A plan or event found.
pub struct ItemHit {
    pub title: String,
    pub link: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    c: Chrome,
    t: Tr,
    q: String,
    error: Option<String>,
    searched: bool,
    people: Vec<ActorHit>,
    groups: Vec<ActorHit>,
    plans: Vec<ItemHit>,
    events: Vec<ItemHit>,
    posts: Vec<PostView>,
}

/// What a search found.
#[derive(Default)]
struct Found {
    actors: Vec<Actor>,
    plans: Vec<ItemHit>,
    events: Vec<ItemHit>,
    posts: Vec<PostView>,
}

/// `GET /search?q=`
pub async fn page(
    State(state): State<AppState>,
    visit: Visit,
    ApiQuery(query): ApiQuery<SearchQuery>,
) -> Response {
    let result = render(&state, &visit, query.q).await;
    visit.respond(result)
}

async fn render(state: &AppState, visit: &Visit, q: String) -> Result<Response, AppError> {
    let t = visit.t();
    let text = q.trim();
    let (found, error, status) = if text.is_empty() {
        (Found::default(), None, StatusCode::OK)
    } else {
        match find(state, visit, text, t).await {
            Ok(found) => (found, None, StatusCode::OK),
            // A query too long: said next to the field, which keeps it.
            Err(e @ AppError::BadRequest(_)) => {
                let status = e.status();
                (Found::default(), Some(e.to_string()), status)
            }
            Err(e) => return Err(e),
        }
    };
    let hit = |a: &Actor| ActorHit {
        name: if a.display_name.trim().is_empty() {
            a.username.clone()
        } else {
            a.display_name.clone()
        },
        handle: format!("@{}@{}", a.username, a.host),
        link: profile_path(a),
    };
    let page = SearchPage {
        c: visit.chrome().at("search"),
        t,
        searched: !text.is_empty() && error.is_none(),
        error,
        people: found
            .actors
            .iter()
            .filter(|a| a.kind != "group")
            .map(hit)
            .collect(),
        groups: found
            .actors
            .iter()
            .filter(|a| a.kind == "group")
            .map(hit)
            .collect(),
        plans: found.plans,
        events: found.events,
        posts: found.posts,
        q,
    };
    visit.render(status, &page)
}

async fn find(state: &AppState, visit: &Visit, text: &str, t: Tr) -> Result<Found, AppError> {
    let me = visit.person.as_ref().map(|p| p.actor.id);
    let is_url = text.starts_with("https://") || text.starts_with("http://");
    // As `/api/v2/search?resolve=true`: only for someone signed in.
    let (mut actors, resolved_statuses) = match me {
        Some(me) => api::resolve(state, text, me).await?,
        None => (vec![], vec![]),
    };
    if actors.is_empty() && !is_url {
        actors = crate::persons::api::search_actors(state, text, PER_PAGE, 0).await?;
    }
    actors.retain(|a| a.kind != "application");
    let mut found = Found {
        actors,
        ..Found::default()
    };
    if is_url {
        found.posts = posts(state, &resolved_statuses, me, t).await?;
        return Ok(found);
    }
    found.plans = plans(state, text, me).await?;
    found.events = events(state, text, me).await?;
    // Posts need an account, as on Mastodon.
    if let Some(me) = me {
        let window = api::Window {
            limit: PER_PAGE,
            offset: 0,
            max_id: None,
            min_id: None,
        };
        let list = api::public_statuses(state, text, me, window).await?;
        found.posts = posts(state, &list, Some(me), t).await?;
    }
    Ok(found)
}

async fn posts(
    state: &AppState,
    list: &[crate::statuses::entity::status::Model],
    me: Option<i64>,
    t: Tr,
) -> Result<Vec<PostView>, AppError> {
    let rendered = views::statuses(&state.db, &state.config, list, me).await?;
    Ok(rendered.iter().map(|r| PostView::of(r, me, t)).collect())
}

/// Hits of one kind, best first, leaving out what hidden accounts own.
async fn hits(
    state: &AppState,
    text: &str,
    kind: Kind,
) -> Result<Vec<crate::search::Hit>, AppError> {
    Ok(search::find(
        &state.db,
        Search {
            q: text,
            kinds: &[kind],
            prefix: false,
            within: None,
            exclude_owners: vec![crate::actors::hidden::hidden_actors()],
            max_id: None,
            min_id: None,
            limit: PER_PAGE,
            offset: 0,
        },
    )
    .await?)
}

async fn plans(state: &AppState, text: &str, me: Option<i64>) -> Result<Vec<ItemHit>, AppError> {
    let hits = hits(state, text, Kind::Plan).await?;
    let ids: Vec<i64> = hits.iter().map(|h| h.id).collect();
    let rows = crate::plans::store::by_ids(&state.db, &ids, me).await?;
    Ok(in_order(&hits, rows, |r| r.plan.id)
        .into_iter()
        .map(|r| ItemHit {
            link: format!("/plans/{}", r.plan.id),
            title: r.plan.title,
            detail: r.plan.summary,
        })
        .collect())
}

async fn events(state: &AppState, text: &str, me: Option<i64>) -> Result<Vec<ItemHit>, AppError> {
    let hits = hits(state, text, Kind::Event).await?;
    let ids: Vec<i64> = hits.iter().map(|h| h.id).collect();
    let rows = crate::events::store::by_ids(&state.db, &ids, me).await?;
    Ok(in_order(&hits, rows, |r| r.event.id)
        .into_iter()
        .map(|r| ItemHit {
            link: format!("/events/{}", r.event.id),
            title: r.event.name,
            detail: r.event.starts_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        })
        .collect())
}
