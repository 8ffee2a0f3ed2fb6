//! A person's page: `/@name` for people here, `/@name@domain` for people
//! elsewhere (looked up as the client API's `accounts/lookup` does). Their
//! profile, counts, public posts and, for someone signed in, a Follow or
//! Unfollow button (`follows::web`).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::actors::entity::{self as actor, Model as Actor};
use crate::auth::web::Visit;
use crate::error::AppError;
use crate::http::extract::ApiQuery;
use crate::http::pagination::Page;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::statuses::web::post::PostView;
use crate::statuses::{store, views};
use crate::web::{Chrome, encode, next_page, paged};

/// What the Follow button of a profile says and does.
pub struct FollowButton {
    /// `follow` or `unfollow`: the form's action.
    pub action: &'static str,
    /// A request waits for a locked account's approval.
    pub pending: bool,
}

#[derive(Template)]
#[template(path = "profile.html")]
struct ProfilePage {
    c: Chrome,
    t: Tr,
    id: i64,
    display_name: String,
    handle: String,
    avatar: String,
    /// The header image, when the person chose one.
    header: Option<String>,
    /// Our own sanitised HTML.
    note: String,
    role: Option<String>,
    locked: bool,
    remote_url: Option<String>,
    followers: u64,
    following: u64,
    statuses: u64,
    follow: Option<FollowButton>,
    /// Whether the viewer follows (or asked to follow) this person.
    me: bool,
    posts: Vec<PostView>,
    older: Option<String>,
}

/// `GET /{handle}`: a profile when the path is `/@name[@domain]`.
pub async fn page(
    State(state): State<AppState>,
    visit: Visit,
    Path(handle): Path<String>,
    ApiQuery(page): ApiQuery<Page>,
) -> Response {
    let result = show(&state, &visit, &handle, page).await;
    visit.respond(result)
}

/// The actor a `@name[@domain]` names: here, known, or looked up.
async fn find(state: &AppState, handle: &str) -> Result<Actor, AppError> {
    let not_found = || AppError::NotFound(msg!("error-record-not-found"));
    let acct = handle.strip_prefix('@').ok_or_else(not_found)?;
    let (name, host) = match acct.split_once('@') {
        Some((n, h)) => (n, h.to_lowercase()),
        None => (acct, state.config.instance.domain.clone()),
    };
    if name.is_empty() || host.is_empty() {
        return Err(not_found());
    }
    let known = actor::Entity::find()
        .filter(actor::Column::UsernameKey.eq(name.to_lowercase()))
        .filter(actor::Column::Host.eq(host.as_str()))
        .one(&state.db)
        .await?;
    let found = match known {
        Some(a) => a,
        None if host != state.config.instance.domain => {
            crate::federation::remote::resolve_acct(state, name, &host)
                .await
                .map_err(|_| not_found())?
        }
        None => return Err(not_found()),
    };
    if found.kind == "application"
        || found.deleted_at.is_some()
        || crate::actors::hidden::is_hidden(&found)
    {
        return Err(not_found());
    }
    Ok(found)
}

async fn show(
    state: &AppState,
    visit: &Visit,
    handle: &str,
    page: Page,
) -> Result<Response, AppError> {
    let a = find(state, handle).await?;
    let path = crate::actors::profile_path(&a);
    if path.starts_with("/groups/") {
        return Ok(Redirect::to(&path).into_response());
    }
    let t = visit.t();
    let me = visit.person.as_ref().map(|p| p.actor.id);
    let account = views::account(&state.db, &state.config, &a).await?;
    let list = store::by_account(&state.db, me, a.id, &paged(page), false, false, false).await?;
    let rendered = views::statuses(&state.db, &state.config, &list, me).await?;
    let older = next_page(list.len(), list.last().map(|s| s.id), |id| {
        format!("{}?max_id={id}", encode_path(&path))
    });
    let follow = match me {
        Some(me) if me != a.id => {
            let rel = crate::follows::service::relationships(&state.db, me, &[a.id]).await?;
            let rel = rel.first();
            let flag = |k: &str| rel.and_then(|r| r[k].as_bool()).unwrap_or(false);
            let (following, requested) = (flag("following"), flag("requested"));
            Some(FollowButton {
                action: if following || requested {
                    "unfollow"
                } else {
                    "follow"
                },
                pending: requested,
            })
        }
        _ => None,
    };
    let count = |k: &str| account[k].as_u64().unwrap_or(0);
    let known_role = |r: &str| super::web::ROLES.iter().any(|x| x.as_str() == r);
    let page = ProfilePage {
        c: visit.chrome(),
        t,
        id: a.id,
        display_name: if a.display_name.trim().is_empty() {
            a.username.clone()
        } else {
            a.display_name.clone()
        },
        handle: format!("@{}@{}", a.username, a.host),
        avatar: account["avatar"].as_str().unwrap_or_default().to_string(),
        header: a
            .header_media_id
            .and(account["header"].as_str())
            .map(str::to_string),
        note: a.summary.clone(),
        role: a.role.as_deref().map(|r| {
            if known_role(r) {
                t.get(&format!("role-{r}"))
            } else {
                r.to_string()
            }
        }),
        locked: a.locked,
        remote_url: (!a.local).then(|| a.url.clone().unwrap_or_else(|| a.ap_id.clone())),
        followers: count("followers_count"),
        following: count("following_count"),
        statuses: count("statuses_count"),
        me: me == Some(a.id),
        follow,
        posts: rendered.iter().map(|r| PostView::of(r, me, t)).collect(),
        older,
    };
    visit.render(StatusCode::OK, &page)
}

/// A profile path as it goes into a link (`@` stays as it is).
fn encode_path(path: &str) -> String {
    encode(path).replace("%2F", "/").replace("%40", "@")
}
