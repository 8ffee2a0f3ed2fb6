//! Statuses in the browser: the timelines (`/home`, `/local`,
//! `/federated`), a local status at its ActivityPub id (the object for
//! servers, a page for people), and writing (`compose`).

pub mod compose;
pub mod edit;
pub mod post;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use sea_orm::EntityTrait;

use self::compose::ComposeView;
use self::post::PostView;
use crate::actors::entity as actor;
use crate::auth::web::Visit;
use crate::error::AppError;
use crate::federation::{ap_json, context_url, wants_activity_json};
use crate::http::extract::ApiQuery;
use crate::http::pagination::Page;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::statuses::entity::status;
use crate::statuses::{store, views};
use crate::web::{Chrome, next_page, paged};
use knooppunt_federation::vocab;

#[derive(Template)]
#[template(path = "timeline.html")]
struct TimelinePage {
    c: Chrome,
    t: Tr,
    title: String,
    intro: String,
    compose: Option<ComposeView>,
    posts: Vec<PostView>,
    /// The next page of older posts, if this one was full.
    older: Option<String>,
}

/// Renders `list` as the timeline `which` (`home`, `local`, `federated`).
async fn timeline(
    state: &AppState,
    visit: &Visit,
    which: &'static str,
    list: Vec<status::Model>,
) -> Result<Response, AppError> {
    let t = visit.t();
    let me = visit.person.as_ref().map(|p| p.actor.id);
    let rendered = views::statuses(&state.db, &state.config, &list, me).await?;
    let older = next_page(list.len(), list.last().map(|s| s.id), |id| {
        format!("/{which}?max_id={id}")
    });
    let page = TimelinePage {
        c: visit.chrome().at(which),
        t,
        title: t.get(&format!("timeline-{which}")),
        intro: t.get(&format!("timeline-{which}-intro")),
        compose: me.map(|_| ComposeView::new(t, &visit.here)),
        posts: rendered.iter().map(|r| PostView::of(r, me, t)).collect(),
        older,
    };
    visit.render(StatusCode::OK, &page)
}

/// `GET /home`: the posts of the people one follows, and one's own.
pub async fn home(
    State(state): State<AppState>,
    visit: Visit,
    ApiQuery(page): ApiQuery<Page>,
) -> Response {
    let me = match visit.person() {
        Ok(person) => person.actor.id,
        Err(redirect) => return redirect.into_response(),
    };
    let result = async {
        let list = store::home(&state.db, me, &paged(page)).await?;
        timeline(&state, &visit, "home", list).await
    };
    visit.respond(result.await)
}

/// `GET /local`: public posts of this instance.
pub async fn local(
    State(state): State<AppState>,
    visit: Visit,
    ApiQuery(page): ApiQuery<Page>,
) -> Response {
    public(state, visit, page, true).await
}

/// `GET /federated`: public posts of this instance and those it knows.
pub async fn federated(
    State(state): State<AppState>,
    visit: Visit,
    ApiQuery(page): ApiQuery<Page>,
) -> Response {
    public(state, visit, page, false).await
}

async fn public(state: AppState, visit: Visit, page: Page, local: bool) -> Response {
    let me = visit.person.as_ref().map(|p| p.actor.id);
    let result = async {
        let list = store::public(&state.db, me, local, &paged(page)).await?;
        let which = if local { "local" } else { "federated" };
        timeline(&state, &visit, which, list).await
    };
    visit.respond(result.await)
}

#[derive(Template)]
#[template(path = "status.html")]
struct StatusPage {
    c: Chrome,
    t: Tr,
    title: String,
    post: PostView,
    /// For a signed-in visitor: the form to answer, its author mentioned.
    reply: Option<ComposeView>,
}

/// `GET /users/:name/statuses/:id`: the Note for servers, a page for browsers.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    visit: Visit,
    Path((name, id)): Path<(String, String)>,
) -> Response {
    let for_people = !wants_activity_json(&headers);
    let result = show_status(&state, &visit, for_people, &name, &id).await;
    visit.answer(for_people, result)
}

async fn show_status(
    state: &AppState,
    visit: &Visit,
    for_people: bool,
    name: &str,
    id: &str,
) -> Result<Response, AppError> {
    let not_found = || AppError::NotFound(msg!("error-missing"));
    let id: i64 = id.parse().map_err(|_| not_found())?;
    let s = status::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or_else(not_found)?;
    let author = actor::Entity::find_by_id(s.actor_id)
        .one(&state.db)
        .await?
        .ok_or_else(not_found)?;
    // Only public and unlisted statuses can be fetched without a signature.
    if !author.local
        || author.username != name
        || s.reblog_of_id.is_some()
        || !matches!(s.visibility.as_str(), "public" | "unlisted")
        || crate::actors::hidden::is_hidden(&author)
    {
        return Err(not_found());
    }
    if for_people {
        let me = visit.person.as_ref().map(|p| p.actor.id);
        let rendered = views::status(&state.db, &state.config, &s, me).await?;
        let t = visit.t();
        let post = PostView::of(&rendered, me, t);
        let reply = me.map(|_| {
            let mut f = ComposeView::new(t, &visit.here);
            f.in_reply_to_id = Some(post.id.clone());
            if !post.mine {
                f.status = format!("@{} ", post.author_acct);
            }
            f
        });
        let page = StatusPage {
            c: visit.chrome(),
            t,
            title: post.author_name.clone(),
            post,
            reply,
        };
        return visit.render(StatusCode::OK, &page);
    }
    let mut object = super::federate::note(&state.db, &state.config, &s).await?;
    object["@context"] = vocab::context(&context_url(&state.config));
    Ok(ap_json(object))
}

/// Writing and acting on posts; `upload_limit` bounds the compose form,
/// which may carry an image.
pub fn routes(upload_limit: usize) -> axum::Router<AppState> {
    use axum::extract::DefaultBodyLimit;
    use axum::routing::{get, post};
    axum::Router::new()
        .route(
            "/compose",
            get(compose::page)
                .post(compose::publish)
                .layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route("/statuses/{id}/edit", get(edit::edit_page).post(edit::edit))
        .route(
            "/statuses/{id}/delete",
            get(edit::delete_page).post(compose::act_delete),
        )
        .route("/statuses/{id}/{action}", post(compose::act))
        .route("/polls/{id}/votes", post(edit::vote))
}
