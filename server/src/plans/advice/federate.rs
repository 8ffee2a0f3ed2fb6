//! Advice as ActivityPub: the `Note`s of requests and answers, the `advice`
//! list of a plan's `Page`, and requests and answers received.

use axum::http::StatusCode;
use chrono::Utc;
use sea_orm::ConnectionTrait;
use serde_json::Value;

use super::{MAX_TEXT, VERDICTS, answer_url, plain, store};
use crate::actors::entity::Model as Actor;
use crate::db::BeginWrite;
use crate::error::AppError;
use crate::plans::entity::{advice, plan};
use crate::plans::service::owners;
use crate::plans::updates;
use crate::state::AppState;
use crate::statuses::entity::status;
use crate::text::escape;
use knooppunt_federation::vocab;

/// The `advice` list of a plan's `Page`: verdicts only once verified.
pub async fn page_entries(
    db: &impl ConnectionTrait,
    plan_id: i64,
) -> Result<Vec<vocab::AdviceEntry>, AppError> {
    Ok(store::of_plan(db, plan_id)
        .await?
        .iter()
        .map(|(r, a)| {
            let given = r.verified && r.verdict.is_some();
            vocab::AdviceEntry {
                id: Some(r.request_ap_id.clone()),
                kind: "Advice".into(),
                advisor: Some(a.ap_id.clone()),
                requester: Some(r.requester_ap_id.clone()),
                question: Some(r.question.clone()),
                advice: r.verdict.clone().filter(|_| given),
                advice_reasons: Some(if given {
                    r.reasons.clone()
                } else {
                    String::new()
                }),
                answer: r.answer_ap_id.clone().filter(|_| given),
                published: Some(r.created_at),
                answered: r.answered_at.filter(|_| given),
            }
        })
        .collect())
}

/// The advisor's answer as a `Note`, served by the advisor's own instance
/// so that any instance can check a verdict a plan's home reports.
pub async fn answer_note(state: &AppState, id: &str) -> Result<Value, AppError> {
    let not_found = || AppError::NotFound(msg!("error-no-such-advice"));
    let id: i64 = id.parse().map_err(|_| not_found())?;
    let r = store::by_id(&state.db, id).await?.ok_or_else(not_found)?;
    let advisor = store::advisor_of(&state.db, &r)
        .await?
        .filter(|a| a.local)
        .ok_or_else(not_found)?;
    let (Some(verdict), Some(answer_id), Some(at)) = (&r.verdict, &r.answer_ap_id, &r.answered_at)
    else {
        return Err(not_found());
    };
    if *answer_id != answer_url(&state.config, r.id) {
        return Err(not_found());
    }
    let p = store::plan_of(&state.db, &r).await?.ok_or_else(not_found)?;
    let post = store::post_of(&state.db, &p).await?;
    let note = answer_object(&advisor, &r, &post.ap_id, verdict, answer_id, at);
    Ok(vocab::with_as_context(&note)?)
}

/// The answer as a `Note`; `context` names the plan, so that the answer
/// cannot be listed under another plan's advice.
pub(super) fn answer_object(
    advisor: &Actor,
    r: &advice::Model,
    plan_uri: &str,
    verdict: &str,
    answer_id: &str,
    at: &chrono::DateTime<Utc>,
) -> vocab::Note {
    let label = match verdict {
        "positive" => "positief / positive",
        "conditions" => "onder voorwaarden / with conditions",
        _ => "negatief / negative",
    };
    let post = vocab::PostFields {
        in_reply_to: Some(r.request_ap_id.clone()),
        context: Some(plan_uri.to_string()),
        published: Some(*at),
        content: Some(format!("<p>Advies {}: {}</p>", label, escape(&r.reasons))),
        ..vocab::PostFields::new(answer_id, &advisor.ap_id)
    };
    vocab::Note {
        advice: Some(verdict.to_string()),
        advice_reasons: Some(r.reasons.clone()),
        ..vocab::Note::new(post)
    }
}

/// The `Create` that sends the answer `note` to the one who asked.
pub(super) fn answer_create(
    mut note: vocab::Note,
    advisor: &Actor,
    requester: &Actor,
    answer_id: &str,
) -> Result<Value, AppError> {
    note.post.to = vec![requester.ap_id.clone()];
    note.post.cc = vec![];
    let id = format!("{answer_id}/activity");
    Ok(vocab::with_as_context(&vocab::Create::new(
        &id,
        &advisor.ap_id,
        note,
    ))?)
}

/// The `Create` of the request `row` on plan `p`, a direct message to the
/// advisor for software without our terms.
pub(super) fn request_create(
    requester: &Actor,
    advisor: &Actor,
    p: &plan::Model,
    post: &status::Model,
    row: &advice::Model,
) -> Result<Value, AppError> {
    let request_id = &row.request_ap_id;
    let mention = format!("@{}@{}", advisor.username, advisor.host);
    let fields = vocab::PostFields {
        to: vec![advisor.ap_id.clone()],
        in_reply_to: Some(post.ap_id.clone()),
        published: Some(row.created_at),
        content: Some(format!(
            "<p><span class=\"h-card\"><a href=\"{}\" class=\"u-url mention\">{}</a></span> Advies gevraagd over / advice asked on <a href=\"{}\">{}</a>: {}</p>",
            escape(&advisor.ap_id),
            escape(&mention),
            escape(post.url.as_deref().unwrap_or(&post.ap_id)),
            escape(&p.title),
            escape(&row.question)
        )),
        tag: Some(vec![vocab::Tag::mention(&advisor.ap_id, &mention)]),
        ..vocab::PostFields::new(request_id, &requester.ap_id)
    };
    let note = vocab::Note {
        advice_request: Some(post.ap_id.clone()),
        advice_question: Some(row.question.clone()),
        ..vocab::Note::new(fields)
    };
    let id = format!("{request_id}/activity");
    Ok(vocab::with_as_context(&vocab::Create::new(
        &id,
        &requester.ap_id,
        note,
    ))?)
}

/// A `Note` that is an advice request for someone here, or an answer to one
/// of our requests. `None` when it is neither (an ordinary note).
pub async fn receive(
    state: &AppState,
    sender: &Actor,
    note: &vocab::Note,
) -> Result<Option<StatusCode>, AppError> {
    if let Some(plan_id) = note.advice_request.as_deref() {
        return receive_request(state, sender, note, plan_id)
            .await
            .map(Some);
    }
    if let Some(verdict) = note.advice.as_deref() {
        return receive_answer(state, sender, note, verdict).await;
    }
    Ok(None)
}

async fn receive_request(
    state: &AppState,
    sender: &Actor,
    note: &vocab::Note,
    plan_id: &str,
) -> Result<StatusCode, AppError> {
    let request_id = request_id_of(state, sender, note, plan_id)?;
    let advisor = store::first_local(&state.db, &note.post.to)
        .await?
        .ok_or_else(|| AppError::NotFound(msg!("error-advice-not-asked-anyone-here")))?;
    let p = plan_asked_on(state, sender, plan_id).await?;
    let inserted = store::insert_request(
        &state.db,
        p.id,
        advisor.id,
        &sender.ap_id,
        request_id,
        question_of(note),
    )
    .await;
    // A repeated request is acknowledged like the first.
    crate::db::already_there(inserted)?;
    Ok(StatusCode::ACCEPTED)
}

/// The request's id, once it and the plan it is asked on are where a
/// request from `sender` may name them.
fn request_id_of<'a>(
    state: &AppState,
    sender: &Actor,
    note: &'a vocab::Note,
    plan_id: &str,
) -> Result<&'a str, AppError> {
    let request_id = note.post.id.as_str();
    // Ids are the sender's to mint: another server's ids cannot be claimed.
    if vocab::host_of(request_id).as_deref() != Some(sender.host.as_str()) {
        return Err(AppError::BadRequest(
            "the advice request's id is not on the sender's host".into(),
        ));
    }
    // Asked only on a plan of the sender's own instance or of this one.
    let plan_host = vocab::host_of(plan_id)
        .ok_or_else(|| AppError::BadRequest("the plan is not a URL".into()))?;
    if plan_host != sender.host && plan_host != state.config.instance.domain {
        return Err(AppError::Forbidden(msg!(
            "error-advice-asked-plan-askers-own-instance"
        )));
    }
    Ok(request_id)
}

/// The plan `plan_id` names, fetched if need be, if `sender` owns it.
async fn plan_asked_on(
    state: &AppState,
    sender: &Actor,
    plan_id: &str,
) -> Result<plan::Model, AppError> {
    let post = crate::statuses::federate::fetch_note(state, plan_id, 0).await?;
    let p = store::plan_of_post(&state.db, post.id)
        .await?
        .ok_or_else(|| AppError::BadRequest("advice can only be asked on a plan".into()))?;
    if !owners(&state.db, p.id)
        .await?
        .iter()
        .any(|o| o.id == sender.id)
    {
        return Err(AppError::Forbidden(msg!("error-plans-owners-ask-advice")));
    }
    Ok(p)
}

/// `adviceQuestion`, or else the note's text.
fn question_of(note: &vocab::Note) -> String {
    let question = note.advice_question.as_deref();
    plain(
        question
            .or(note.post.content.as_deref())
            .unwrap_or_default(),
        MAX_TEXT,
    )
}

async fn receive_answer(
    state: &AppState,
    sender: &Actor,
    note: &vocab::Note,
    verdict: &str,
) -> Result<Option<StatusCode>, AppError> {
    let Some(request_id) = note.post.in_reply_to.as_deref() else {
        return Ok(None);
    };
    let Some(r) = store::by_request(&state.db, request_id).await? else {
        return Ok(None);
    };
    // Signed by the advisor who was asked, and written by it.
    let authors = &note.post.attributed_to;
    if r.advisor_id != sender.id || (!authors.is_empty() && !note.post.is_by(&sender.ap_id)) {
        return Err(AppError::Forbidden(msg!("error-advisor-asked-answer")));
    }
    if !VERDICTS.contains(&verdict) {
        return Err(AppError::BadRequest(format!(
            "{verdict:?} is not an advice (positive, conditions, negative)"
        )));
    }
    let Some(p) = store::plan_of(&state.db, &r).await? else {
        return Ok(Some(StatusCode::ACCEPTED));
    };
    let reasons = note
        .advice_reasons
        .as_deref()
        .map(|t| plain(t, MAX_TEXT))
        .unwrap_or_default();
    let answer_id = Some(note.post.id.clone());
    let txn = state.db.begin_write().await?;
    store::record_answer(&txn, r, verdict, reasons, answer_id, Utc::now()).await?;
    updates::changed_now(&txn, &state.config, p.status_id).await?;
    txn.commit().await?;
    state.federation.outbox_bell.notify_one();
    Ok(Some(StatusCode::ACCEPTED))
}
