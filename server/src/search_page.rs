//! `/search?q=`: people, groups, plans, events and posts, as the client
//! API's `/api/v2/search` finds them (the same service calls), each linking
//! to its page. For someone signed in an `@name@domain` or a URL is looked
//! up elsewhere, as `resolve=true` does. Unlike the index, this page names
//! the domains whose results it gathers.
//!
//! The first page shows the best of each kind; a kind with more behind it
//! links to `/search?q=…&type=KIND`, that kind alone, newest first, a page
//! at a time by `max_id` (keyset: later pages cost what the first does).

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Deserialize;

use crate::actors::entity::Model as Actor;
use crate::actors::profile_path;
use crate::auth::web::Visit;
use crate::error::AppError;
use crate::http::extract::ApiQuery;
use crate::i18n::Tr;
use crate::mastodon::search::{self as api, Window};
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
    /// One kind only (`people`, `groups`, `plans`, `events`, `posts`).
    #[serde(rename = "type")]
    kind: Option<String>,
    /// The next page of one kind: ids below this one.
    max_id: Option<i64>,
}

/// The kinds a search page lists, as `type=` names them.
const KINDS: [&str; 5] = ["people", "groups", "plans", "events", "posts"];

/// One kind, a page at a time.
#[derive(Clone, Copy)]
struct OneKind {
    kind: &'static str,
    max_id: Option<i64>,
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
    /// The kinds with more results than this page shows (first page).
    full: Vec<&'static str>,
    /// The next page of the one kind shown.
    later: Option<String>,
}

impl SearchPage {
    /// The link to all results of `kind`, when there are more.
    fn more(&self, kind: &str) -> Option<String> {
        self.full
            .contains(&kind)
            .then(|| format!("/search?q={}&type={kind}", crate::web::encode(&self.q)))
    }
}

/// What a search found.
#[derive(Default)]
struct Found {
    actors: Vec<Actor>,
    plans: Vec<ItemHit>,
    events: Vec<ItemHit>,
    posts: Vec<PostView>,
    /// Kinds whose page came back full, with the last id of each.
    full: Vec<(&'static str, i64)>,
}

/// `GET /search?q=`
pub async fn page(
    State(state): State<AppState>,
    visit: Visit,
    ApiQuery(query): ApiQuery<SearchQuery>,
) -> Response {
    let one = query
        .kind
        .as_deref()
        .and_then(|k| KINDS.into_iter().find(|x| *x == k))
        .map(|kind| OneKind {
            kind,
            max_id: query.max_id,
        });
    let result = render(&state, &visit, query.q, one).await;
    visit.respond(result)
}

async fn render(
    state: &AppState,
    visit: &Visit,
    q: String,
    one: Option<OneKind>,
) -> Result<Response, AppError> {
    let t = visit.t();
    let text = q.trim();
    let (found, error, status) = if text.is_empty() {
        (Found::default(), None, StatusCode::OK)
    } else {
        match find(state, visit, text, t, one).await {
            Ok(found) => (found, None, StatusCode::OK),
            // A query too long: said next to the field, which keeps it.
            // (The API's 400 for it is in English: not a person's message.)
            Err(e @ AppError::BadRequest(_)) => {
                let limits = msg!(
                    "error-search-limits",
                    chars = crate::search::service::MAX_QUERY_CHARS,
                    words = crate::search::service::MAX_QUERY_WORDS
                );
                (Found::default(), Some(t.msg(&limits)), e.status())
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
    let later = one.and_then(|one| {
        let last = found.full.iter().find(|(k, _)| *k == one.kind)?.1;
        Some(format!(
            "/search?q={}&type={}&max_id={last}",
            crate::web::encode(text),
            one.kind
        ))
    });
    let full = match one {
        Some(_) => vec![],
        None => found.full.iter().map(|(k, _)| *k).collect(),
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
        full,
        later,
        q,
    };
    visit.render(status, &page)
}

async fn find(
    state: &AppState,
    visit: &Visit,
    text: &str,
    t: Tr,
    one: Option<OneKind>,
) -> Result<Found, AppError> {
    let me = visit.person.as_ref().map(|p| p.actor.id);
    let is_url = text.starts_with("https://") || text.starts_with("http://");
    let wants = |kind: &str| one.is_none_or(|o| o.kind == kind);
    let page = Window {
        limit: PER_PAGE,
        offset: 0,
        max_id: one.and_then(|o| o.max_id),
        min_id: None,
        newest_first: one.is_some(),
    };
    // As `/api/v2/search?resolve=true`: only for someone signed in.
    let (mut actors, resolved_statuses) = match me {
        Some(me) if one.is_none() => api::resolve(state, text, me).await?,
        _ => (vec![], vec![]),
    };
    let mut found = Found::default();
    if is_url {
        actors.retain(|a| a.kind != "application");
        found.actors = actors;
        found.posts = posts(state, &resolved_statuses, me, t).await?;
        return Ok(found);
    }
    if actors.is_empty() {
        for (kind, of) in [("people", Kind::Account), ("groups", Kind::Group)] {
            if wants(kind) {
                actors.extend(people(state, text, of, &page, &mut found).await?);
            }
        }
    }
    actors.retain(|a| a.kind != "application");
    found.actors = actors;
    if wants("plans") {
        found.plans = plans(state, text, me, &page, &mut found.full).await?;
    }
    if wants("events") {
        found.events = events(state, text, me, &page, &mut found.full).await?;
    }
    // Posts need an account, as on Mastodon.
    if let Some(me) = me.filter(|_| wants("posts")) {
        let list = api::public_statuses(state, text, me, page).await?;
        if let (true, Some(last)) = (list.len() as u64 >= PER_PAGE, list.last()) {
            found.full.push(("posts", last.id));
        }
        found.posts = posts(state, &list, Some(me), t).await?;
    }
    Ok(found)
}

/// People or groups (`of`) by name, as the API's account search finds them.
async fn people(
    state: &AppState,
    text: &str,
    of: Kind,
    page: &Window,
    found: &mut Found,
) -> Result<Vec<Actor>, AppError> {
    let name = text
        .trim_start_matches('@')
        .split('@')
        .next()
        .unwrap_or_default();
    let hits = hits(state, name, of, true, page).await?;
    note_full(&mut found.full, of, &hits);
    let ids: Vec<i64> = hits.iter().map(|h| h.id).collect();
    let rows = crate::actors::entity::Entity::find()
        .filter(crate::actors::entity::Column::Id.is_in(ids))
        .all(&state.db)
        .await?;
    Ok(in_order(&hits, rows, |a| a.id))
}

/// Notes a kind whose page of hits came back full, with its last id.
fn note_full(full: &mut Vec<(&'static str, i64)>, of: Kind, hits: &[crate::search::Hit]) {
    let name = match of {
        Kind::Account => "people",
        Kind::Group => "groups",
        Kind::Plan => "plans",
        Kind::Event => "events",
        Kind::Status => "posts",
    };
    if let (true, Some(last)) = (hits.len() as u64 >= PER_PAGE, hits.last()) {
        full.push((name, last.id));
    }
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

/// Hits of one kind, best first (or newest first, for a page of one
/// kind), leaving out what hidden accounts own.
async fn hits(
    state: &AppState,
    text: &str,
    kind: Kind,
    prefix: bool,
    page: &Window,
) -> Result<Vec<crate::search::Hit>, AppError> {
    Ok(search::find(
        &state.db,
        Search {
            q: text,
            kinds: &[kind],
            prefix,
            within: None,
            exclude_owners: vec![crate::actors::hidden::hidden_actors()],
            max_id: page.max_id,
            min_id: None,
            limit: page.limit,
            offset: 0,
            newest_first: page.newest_first,
        },
    )
    .await?)
}

async fn plans(
    state: &AppState,
    text: &str,
    me: Option<i64>,
    page: &Window,
    full: &mut Vec<(&'static str, i64)>,
) -> Result<Vec<ItemHit>, AppError> {
    let hits = hits(state, text, Kind::Plan, false, page).await?;
    note_full(full, Kind::Plan, &hits);
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

async fn events(
    state: &AppState,
    text: &str,
    me: Option<i64>,
    page: &Window,
    full: &mut Vec<(&'static str, i64)>,
) -> Result<Vec<ItemHit>, AppError> {
    let hits = hits(state, text, Kind::Event, false, page).await?;
    note_full(full, Kind::Event, &hits);
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
