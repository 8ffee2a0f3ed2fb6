//! Changing one's own post in the browser: the edit form (the API's
//! `PUT /api/v1/statuses/:id` fields, read by the same `StatusForm`), the
//! question before deleting (without JavaScript there is no dialog), and
//! voting in a poll. Who may do what is `service::own_status`'s rule, the
//! one the API follows.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::compose::ReturnTo;
use super::post::PostView;
use crate::auth::web::{CsrfForm, Visit, safe_return_to};
use crate::error::AppError;
use crate::http::extract::{ApiQuery, flexible_ids};
use crate::i18n::Tr;
use crate::media::entity as media;
use crate::state::AppState;
use crate::statuses::form::StatusForm;
use crate::statuses::{service, views};
use crate::web::{Chrome, encode};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

/// The edit form's fields and the errors next to them.
pub struct EditView {
    pub action: String,
    pub cancel: String,
    pub status: String,
    pub spoiler_text: String,
    /// The attachments it keeps (the edit replaces the list).
    pub media_ids: Vec<String>,
    pub status_error: Option<String>,
    pub spoiler_error: Option<String>,
    pub error: Option<String>,
}

impl EditView {
    fn with_error(mut self, t: Tr, error: &AppError) -> EditView {
        match error {
            AppError::Invalid { field, message } if field == "status" => {
                self.status_error = Some(t.msg(message));
            }
            AppError::Invalid { field, message } if field == "spoiler_text" => {
                self.spoiler_error = Some(t.msg(message));
            }
            _ => self.error = Some(error.text(t)),
        }
        self
    }
}

#[derive(Template)]
#[template(path = "status_edit.html")]
struct EditPage {
    c: Chrome,
    t: Tr,
    title: String,
    f: EditView,
}

/// `GET /statuses/:id/edit`: one's own post's text in the form.
pub async fn edit_page(
    State(state): State<AppState>,
    visit: Visit,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<ReturnTo>,
) -> Response {
    let person = match visit.person() {
        Ok(person) => person,
        Err(redirect) => return redirect.into_response(),
    };
    let result = async {
        let s = service::own_status(&state.db, person, &id).await?;
        if s.reblog_of_id.is_some() {
            return Err(AppError::NotFound(msg!("error-missing")));
        }
        let media_ids = media::Entity::find()
            .filter(media::Column::StatusId.eq(s.id))
            .order_by_asc(media::Column::Id)
            .all(&state.db)
            .await?
            .iter()
            .map(|m| m.id.to_string())
            .collect();
        let back = safe_return_to(&state.config, q.return_to.as_deref());
        let f = EditView {
            action: format!("/statuses/{}/edit?return_to={}", s.id, encode(&back)),
            cancel: back,
            status: s.source.clone().unwrap_or_default(),
            spoiler_text: s.spoiler_text.clone(),
            media_ids,
            status_error: None,
            spoiler_error: None,
            error: None,
        };
        render_edit(&visit, f, StatusCode::OK)
    };
    visit.respond(result.await)
}

fn render_edit(visit: &Visit, f: EditView, status: StatusCode) -> Result<Response, AppError> {
    let t = visit.t();
    let page = EditPage {
        c: visit.chrome(),
        t,
        title: t.get("edit-title"),
        f,
    };
    visit.render(status, &page)
}

/// `POST /statuses/:id/edit`: `service::edit`, then back; a refusal shows
/// the form again with the input kept.
pub async fn edit(
    State(state): State<AppState>,
    visit: Visit,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<ReturnTo>,
    CsrfForm(form): CsrfForm<StatusForm>,
) -> Response {
    let person = match visit.person() {
        Ok(person) => person,
        Err(redirect) => return redirect.into_response(),
    };
    let back = safe_return_to(&state.config, q.return_to.as_deref());
    let kept = EditView {
        action: format!("/statuses/{}/edit?return_to={}", encode(&id), encode(&back)),
        cancel: back.clone(),
        status: form.status.clone().unwrap_or_default(),
        spoiler_text: form.spoiler_text.clone().unwrap_or_default(),
        media_ids: form.media_ids.clone(),
        status_error: None,
        spoiler_error: None,
        error: None,
    };
    let done = match form.into_draft() {
        Ok(draft) => service::edit(&state, person, &id, draft).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(_) => Redirect::to(&back).into_response(),
        Err(e @ AppError::Invalid { .. }) => {
            let status = e.status();
            visit.respond(render_edit(&visit, kept.with_error(visit.t(), &e), status))
        }
        Err(e) => visit.error(&e),
    }
}

#[derive(Template)]
#[template(path = "status_delete.html")]
struct DeletePage {
    c: Chrome,
    t: Tr,
    title: String,
    post: PostView,
    action: String,
    cancel: String,
}

/// `GET /statuses/:id/delete`: asks first; the form posts to
/// `POST /statuses/:id/delete`.
pub async fn delete_page(
    State(state): State<AppState>,
    visit: Visit,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<ReturnTo>,
) -> Response {
    let person = match visit.person() {
        Ok(person) => person,
        Err(redirect) => return redirect.into_response(),
    };
    let result = async {
        let s = service::own_status(&state.db, person, &id).await?;
        let me = Some(person.actor.id);
        let rendered = views::status(&state.db, &state.config, &s, me).await?;
        let t = visit.t();
        let back = safe_return_to(&state.config, q.return_to.as_deref());
        let page = DeletePage {
            c: visit.chrome(),
            t,
            title: t.get("delete-title"),
            post: PostView::of(&rendered, me, t),
            action: format!("/statuses/{}/delete?return_to={}", s.id, encode(&back)),
            cancel: back,
        };
        visit.render(StatusCode::OK, &page)
    };
    visit.respond(result.await)
}

#[derive(Deserialize)]
pub struct VoteForm {
    #[serde(default, deserialize_with = "flexible_ids")]
    choices: Vec<String>,
}

/// `POST /polls/:id/votes`: the API's `choices[]`, through `service::vote`.
pub async fn vote(
    State(state): State<AppState>,
    visit: Visit,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<ReturnTo>,
    CsrfForm(form): CsrfForm<VoteForm>,
) -> Response {
    let person = match visit.person() {
        Ok(person) => person,
        Err(redirect) => return redirect.into_response(),
    };
    let choices: Result<Vec<u64>, AppError> = form
        .choices
        .iter()
        .map(|c| {
            c.parse::<u64>()
                .map_err(|_| AppError::invalid("choices", msg!("error-not-option-number", c = c)))
        })
        .collect();
    let done = match choices {
        Ok(choices) => service::vote(&state, person, &id, &choices).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(_) => {
            let back = safe_return_to(&state.config, q.return_to.as_deref());
            Redirect::to(&back).into_response()
        }
        Err(e) => visit.error(&e),
    }
}
