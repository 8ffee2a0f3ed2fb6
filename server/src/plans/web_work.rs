//! The forms of a plan's working sections: comments, polls and votes,
//! asking and answering advice, inviting co-owners and answering an
//! invitation, and progress reports. Each posts the API's field names to the
//! service the API calls, so who may do what is decided once; a refusal
//! shows the plan's page again with the error next to its field.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use sea_orm::EntityTrait;
use serde::Deserialize;

use super::api::{AdviceAnswerBody, AdviceRequestBody, NoteBody, OwnerBody};
use super::service;
use super::web_forms::{Kept, after};
use crate::auth::service::Person;
use crate::auth::web::{CsrfForm, NoFields, Visit};
use crate::error::AppError;
use crate::state::AppState;

/// Runs one form of the plan's page for its signed-in person and answers
/// with the page: back at `anchor`, or again with what `keep` keeps.
async fn run<F, Fut>(
    state: AppState,
    headers: HeaderMap,
    mut visit: Visit,
    id: String,
    anchor: &str,
    keep: impl FnOnce(&AppError) -> Kept,
    act: F,
) -> Response
where
    F: FnOnce(AppState, Person, super::entity::plan::Model) -> Fut,
    Fut: Future<Output = Result<(), AppError>>,
{
    visit.here = format!("/plans/{id}");
    let person = match visit.person() {
        Ok(person) => person.clone(),
        Err(redirect) => return redirect.into_response(),
    };
    let result = async {
        let p = service::find(&state.db, &id).await?;
        act(state.clone(), person, p).await
    }
    .await
    .map_err(|e| {
        let kept = keep(&e);
        (e, kept)
    });
    after(&state, &headers, &visit, &id, result, anchor).await
}

#[derive(Debug, Default, Deserialize)]
pub struct CommentForm {
    #[serde(default)]
    text: String,
}

/// `POST /plans/:id/comments`: `text`, a reply to the plan's post without a
/// stance, as `POST /api/knooppunt/v1/plans/:id/arguments` without one.
pub async fn comment(
    State(state): State<AppState>,
    headers: HeaderMap,
    visit: Visit,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<CommentForm>,
) -> Response {
    let text = form.text.clone();
    let t = visit.t();
    let keep = |e: &AppError| Kept::refused(t, "comment", vec![("text", text)], &["text"], e);
    run(
        state,
        headers,
        visit,
        id,
        "comments",
        keep,
        |state, person, p| async move {
            service::argue(&state, &person, &p, form.text, None).await?;
            Ok(())
        },
    )
    .await
}

/// The poll form: `question`, `options[0]`…, `expires_in` (seconds),
/// `multiple`, as `POST /api/knooppunt/v1/plans/:id/polls`.
#[derive(Debug, Default, Deserialize)]
pub struct PollForm {
    #[serde(default)]
    question: String,
    #[serde(default)]
    options: Vec<String>,
    #[serde(default)]
    expires_in: Option<String>,
    #[serde(default)]
    multiple: Option<String>,
}

/// `POST /plans/:id/polls`: an owner asks the neighbourhood.
pub async fn poll(
    State(state): State<AppState>,
    headers: HeaderMap,
    visit: Visit,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<PollForm>,
) -> Response {
    let mut values = vec![("question", form.question.clone())];
    let names = ["options[0]", "options[1]", "options[2]", "options[3]"];
    for (name, option) in names.iter().zip(&form.options) {
        values.push((name, option.clone()));
    }
    let t = visit.t();
    let keep = |e: &AppError| Kept::refused(t, "poll", values, &["question", "options"], e);
    run(
        state,
        headers,
        visit,
        id,
        "polls",
        keep,
        |state, person, p| async move {
            let expires_in = match form.expires_in.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(s) => Some(s.parse::<i64>().map_err(|_| {
                    AppError::invalid("expires_in", msg!("error-must-number-seconds"))
                })?),
            };
            let multiple = form.multiple.is_some_and(|m| m == "true" || m == "on");
            service::start_poll(
                &state,
                &person,
                &p,
                form.question,
                form.options,
                expires_in,
                multiple,
            )
            .await?;
            Ok(())
        },
    )
    .await
}

/// The vote form: `choices[N]`, option numbers as `POST /api/v1/polls/:id/votes`.
#[derive(Debug, Default, Deserialize)]
pub struct VoteForm {
    #[serde(default)]
    choices: Vec<String>,
}

/// `POST /plans/:id/polls/:poll_id/votes`: a vote in one of the plan's polls.
pub async fn vote(
    State(state): State<AppState>,
    headers: HeaderMap,
    visit: Visit,
    Path((id, poll_id)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<VoteForm>,
) -> Response {
    // A refused vote is shown in its poll.
    let t = visit.t();
    let keep = |e: &AppError| Kept::refused(t, "vote", vec![("poll", poll_id.clone())], &[], e);
    let poll = poll_id.clone();
    run(
        state,
        headers,
        visit,
        id,
        "polls",
        keep,
        |state, person, p| async move {
            // The plan's page votes only in the plan's own polls.
            let not_found = || AppError::NotFound(msg!("error-no-such-poll"));
            let poll_id = poll.parse::<i64>().map_err(|_| not_found())?;
            let asked = crate::statuses::entity::poll::Entity::find_by_id(poll_id)
                .one(&state.db)
                .await?
                .ok_or_else(not_found)?;
            let question = crate::statuses::entity::status::Entity::find_by_id(asked.status_id)
                .one(&state.db)
                .await?;
            if question.and_then(|q| q.in_reply_to_id) != Some(p.status_id) {
                return Err(not_found());
            }
            let choices = form
                .choices
                .iter()
                .map(|c| {
                    c.parse::<u64>()
                        .map_err(|_| AppError::invalid("choices", msg!("error-choose-option")))
                })
                .collect::<Result<Vec<_>, _>>()?;
            if choices.is_empty() {
                return Err(AppError::invalid("choices", msg!("error-choose-option")));
            }
            crate::statuses::service::vote(&state, &person, &poll, &choices).await?;
            Ok(())
        },
    )
    .await
}

/// `POST /plans/:id/advice`: `account_id` (an id or a handle) and
/// `question`, as `POST /api/knooppunt/v1/plans/:id/advice`.
pub async fn ask_advice(
    State(state): State<AppState>,
    headers: HeaderMap,
    visit: Visit,
    Path(id): Path<String>,
    CsrfForm(body): CsrfForm<AdviceRequestBody>,
) -> Response {
    let values = vec![
        ("account_id", body.account_id.clone()),
        ("question", body.question.clone()),
    ];
    let t = visit.t();
    let keep = |e: &AppError| Kept::refused(t, "advice", values, &["account_id", "question"], e);
    run(
        state,
        headers,
        visit,
        id,
        "advice",
        keep,
        |state, person, p| async move {
            let advisor = super::api::account(&state, &body.account_id).await?;
            super::advice::request(&state, &person, p, &advisor, &body.question).await?;
            Ok(())
        },
    )
    .await
}

/// `POST /plans/:id/advice/:advice_id/answer`: `verdict` and `reasons`, as
/// `POST /api/knooppunt/v1/advice_requests/:id/answer`.
pub async fn answer_advice(
    State(state): State<AppState>,
    headers: HeaderMap,
    visit: Visit,
    Path((id, advice_id)): Path<(String, String)>,
    CsrfForm(body): CsrfForm<AdviceAnswerBody>,
) -> Response {
    let values = vec![
        ("advice", advice_id.clone()),
        ("verdict", body.verdict.clone()),
        ("reasons", body.reasons.clone()),
    ];
    let t = visit.t();
    let keep = |e: &AppError| Kept::refused(t, "answer", values, &["verdict", "reasons"], e);
    run(
        state,
        headers,
        visit,
        id,
        "advice",
        keep,
        |state, person, p| async move {
            let r =
                super::entity::advice::Entity::find_by_id(advice_id.parse::<i64>().unwrap_or(-1))
                    .one(&state.db)
                    .await?;
            // The request must be about this plan: its page answers only its own.
            if r.is_none_or(|r| r.plan_id != p.id) {
                return Err(AppError::NotFound(msg!("error-no-such-advice-request")));
            }
            super::advice::answer(&state, &person, &advice_id, &body.verdict, &body.reasons)
                .await?;
            Ok(())
        },
    )
    .await
}

/// `POST /plans/:id/owners`: `account_id` (an id or a handle), as
/// `POST /api/knooppunt/v1/plans/:id/owners`: an invitation to co-own it.
pub async fn invite(
    State(state): State<AppState>,
    headers: HeaderMap,
    visit: Visit,
    Path(id): Path<String>,
    CsrfForm(body): CsrfForm<OwnerBody>,
) -> Response {
    let values = vec![("account_id", body.account_id.clone())];
    let t = visit.t();
    let keep = |e: &AppError| Kept::refused(t, "invite", values, &["account_id"], e);
    run(
        state,
        headers,
        visit,
        id,
        "owners",
        keep,
        |state, person, p| async move {
            let target = super::api::account(&state, &body.account_id).await?;
            super::coowners::invite(&state, &person, p, &target).await?;
            Ok(())
        },
    )
    .await
}

/// `POST /plans/:id/invitations/:invitation/accept` and `…/reject`, as
/// `POST /api/knooppunt/v1/plan_invitations/:id/accept` (and `reject`).
pub async fn answer_invitation(
    State(state): State<AppState>,
    headers: HeaderMap,
    visit: Visit,
    Path((id, invitation, action)): Path<(String, String, String)>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Response {
    let t = visit.t();
    let keep = |e: &AppError| Kept::refused(t, "invitation", vec![], &[], e);
    run(
        state,
        headers,
        visit,
        id,
        "owners",
        keep,
        |state, person, p| async move {
            let accept = match action.as_str() {
                "accept" => true,
                "reject" => false,
                _ => return Err(AppError::NotFound(msg!("error-no-such-action"))),
            };
            let inv = invitation.parse::<i64>().unwrap_or(-1);
            let on_this_plan = super::entity::invitation::Entity::find_by_id(inv)
                .one(&state.db)
                .await?
                .is_some_and(|i| i.plan_id == p.id);
            if !on_this_plan {
                return Err(AppError::NotFound(msg!("error-no-such-invitation")));
            }
            super::coowners::answer(&state, &person, &invitation, accept).await?;
            Ok(())
        },
    )
    .await
}

/// `POST /plans/:id/progress`: `note`, as `POST /api/knooppunt/v1/plans/:id/progress`.
pub async fn progress(
    State(state): State<AppState>,
    headers: HeaderMap,
    visit: Visit,
    Path(id): Path<String>,
    CsrfForm(body): CsrfForm<NoteBody>,
) -> Response {
    let values = vec![("note", body.note.clone())];
    let t = visit.t();
    let keep = |e: &AppError| Kept::refused(t, "progress", values, &["note"], e);
    run(
        state,
        headers,
        visit,
        id,
        "progress",
        keep,
        |state, person, p| async move {
            service::report_progress(&state, &person, p, &body.note).await?;
            Ok(())
        },
    )
    .await
}
