//! Writing in the browser: the compose form (a new post or a reply) and the
//! buttons on each post (favourite, boost, delete). The form posts the
//! client API's field names and is read by the same `StatusForm`, so both
//! get the same checks and messages; every change goes through the same
//! service functions as the API.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::post::PostView;
use crate::auth::web::{CsrfForm, NoFields, Visit, safe_return_to};
use crate::error::AppError;
use crate::http::extract::ApiQuery;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::statuses::form::StatusForm;
use crate::statuses::{Visibility, service, store, views};
use crate::web::{Chrome, encode};

const VISIBILITIES: [&str; 4] = ["public", "unlisted", "private", "direct"];

/// The compose form's fields, errors next to them, and where it posts.
pub struct ComposeView {
    pub action: String,
    pub status: String,
    pub spoiler_text: String,
    pub visibility: String,
    pub in_reply_to_id: Option<String>,
    pub visibilities: Vec<(&'static str, String)>,
    pub status_error: Option<String>,
    pub spoiler_error: Option<String>,
    pub visibility_error: Option<String>,
    /// An error that belongs to no one field.
    pub error: Option<String>,
}

impl ComposeView {
    /// An empty form that returns to `back` (a path on this site).
    pub fn new(t: Tr, back: &str) -> ComposeView {
        ComposeView {
            action: format!("/compose?return_to={}", encode(back)),
            status: String::new(),
            spoiler_text: String::new(),
            visibility: "public".into(),
            in_reply_to_id: None,
            visibilities: VISIBILITIES
                .iter()
                .map(|v| (*v, t.get(&format!("visibility-{v}"))))
                .collect(),
            status_error: None,
            spoiler_error: None,
            visibility_error: None,
            error: None,
        }
    }

    /// Whether `value` is the chosen visibility.
    pub fn selected(&self, value: &str) -> bool {
        self.visibility == value
    }

    /// Shows `error` next to its field.
    fn with_error(mut self, error: &AppError) -> ComposeView {
        let message = Some(error.to_string());
        match error {
            AppError::Invalid { field, message } => match field.as_str() {
                "status" => self.status_error = Some(message.clone()),
                "spoiler_text" => self.spoiler_error = Some(message.clone()),
                "visibility" => self.visibility_error = Some(message.clone()),
                _ => self.error = Some(error.to_string()),
            },
            _ => self.error = message,
        }
        self
    }
}

#[derive(Template)]
#[template(path = "compose.html")]
struct ComposePage {
    c: Chrome,
    t: Tr,
    title: String,
    parent: Option<PostView>,
    f: ComposeView,
}

#[derive(Deserialize)]
pub struct ComposeQuery {
    in_reply_to_id: Option<String>,
    return_to: Option<String>,
}

/// `GET /compose?in_reply_to_id=ID`: the form on its own page; with a
/// post to answer, that post above it and its author mentioned.
pub async fn page(
    State(state): State<AppState>,
    visit: Visit,
    ApiQuery(q): ApiQuery<ComposeQuery>,
) -> Response {
    let back = safe_return_to(&state.config, q.return_to.as_deref());
    let mut f = ComposeView::new(visit.t(), &back);
    f.in_reply_to_id = q.in_reply_to_id.filter(|id| !id.is_empty());
    let result = render(&state, &visit, f, StatusCode::OK, true).await;
    visit.respond(result)
}

/// The compose page; `prefill` mentions the author of the post answered.
async fn render(
    state: &AppState,
    visit: &Visit,
    mut f: ComposeView,
    status: StatusCode,
    prefill: bool,
) -> Result<Response, AppError> {
    let person = match visit.person() {
        Ok(person) => person,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let me = person.actor.id;
    let t = visit.t();
    let parent = match f.in_reply_to_id.as_deref() {
        Some(id) => {
            let s = store::find_visible(&state.db, Some(me), id).await?;
            let rendered = views::status(&state.db, &state.config, &s, Some(me)).await?;
            let post = PostView::of(&rendered, Some(me), t);
            if prefill && !post.mine {
                f.status = format!("@{} ", post.author_acct);
            }
            Some(post)
        }
        None => None,
    };
    let page = ComposePage {
        c: visit.chrome().at("compose"),
        t,
        title: t.get(if parent.is_some() {
            "compose-reply-title"
        } else {
            "compose-title"
        }),
        parent,
        f,
    };
    visit.render(status, &page)
}

#[derive(Deserialize)]
pub struct ReturnTo {
    return_to: Option<String>,
}

/// `POST /compose`: publishes, then back to the page the form was on; a
/// refusal shows the form again with the error next to its field and the
/// input kept.
pub async fn publish(
    State(state): State<AppState>,
    visit: Visit,
    ApiQuery(q): ApiQuery<ReturnTo>,
    CsrfForm(form): CsrfForm<StatusForm>,
) -> Response {
    let person = match visit.person() {
        Ok(person) => person,
        Err(redirect) => return redirect.into_response(),
    };
    let back = safe_return_to(&state.config, q.return_to.as_deref());
    let mut kept = ComposeView::new(visit.t(), &back);
    kept.status = form.status.clone().unwrap_or_default();
    kept.spoiler_text = form.spoiler_text.clone().unwrap_or_default();
    kept.visibility = form.visibility.clone().unwrap_or_else(|| "public".into());
    kept.in_reply_to_id = form.in_reply_to_id.clone().filter(|id| !id.is_empty());
    let published = match form.into_draft() {
        Ok(draft) => service::create(&state, person, draft, None).await,
        Err(e) => Err(e),
    };
    match published {
        Ok(_) => Redirect::to(&back).into_response(),
        Err(e) if e.status().is_client_error() => {
            let status = e.status();
            let f = kept.with_error(&e);
            // The post answered may itself be what is wrong: then no parent.
            let f = if matches!(e, AppError::NotFound(_)) {
                ComposeView {
                    in_reply_to_id: None,
                    ..f
                }
            } else {
                f
            };
            let page = render(&state, &visit, f, status, false).await;
            visit.respond(page)
        }
        Err(e) => visit.error(&e),
    }
}

/// `POST /statuses/:id/:action` for `favourite`, `unfavourite`, `reblog`,
/// `unreblog` and `delete`; then back to the page.
pub async fn act(
    State(state): State<AppState>,
    visit: Visit,
    Path((id, action)): Path<(String, String)>,
    ApiQuery(q): ApiQuery<ReturnTo>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Response {
    let person = match visit.person() {
        Ok(person) => person,
        Err(redirect) => return redirect.into_response(),
    };
    let done = match action.as_str() {
        "favourite" => service::favourite(&state, person, &id).await,
        "unfavourite" => service::unfavourite(&state, person, &id).await,
        "reblog" => service::reblog(&state, person, &id, Visibility::Public).await,
        "unreblog" => service::unreblog(&state, person, &id).await,
        "delete" => service::delete(&state, person, &id).await,
        _ => Err(AppError::NotFound("not found".into())),
    };
    match done {
        Ok(_) => {
            let back = safe_return_to(&state.config, q.return_to.as_deref());
            Redirect::to(&back).into_response()
        }
        Err(e) => visit.error(&e),
    }
}
