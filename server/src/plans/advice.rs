//! Expert advice on a plan: its owners ask any actor (say, the
//! municipality's traffic department on its own instance) and the answer,
//! positive, with conditions or negative, with reasons, is attached to the
//! plan and travels with it.
//!
//! Federation: the request is a `Note` addressed to the advisor only, in
//! reply to the plan, with `adviceRequest` (the plan's id) and
//! `adviceQuestion`; the answer is a `Note` in reply to the request with
//! `advice` (the verdict) and `adviceReasons`. Software without our terms
//! shows the request as a direct message. The home then sends the plan's
//! `Update`, whose `advice` list carries requests and answers everywhere.
//!
//! Trust: a request is taken only from an owner of the plan, for a plan
//! whose home is the sender's instance or this one. An answer counts only
//! when signed by the advisor who was asked. On a copy, a verdict the home
//! lists is shown as given only once it is verified: received signed by the
//! advisor, or fetched from the advisor's own server (answers are served at
//! `/advice/:id` there). A verdict of an advisor here is never taken from
//! another instance.

use axum::http::StatusCode;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde_json::{Value, json};

use super::entity::{advice, plan};
use super::service;
use crate::actors::entity::{self as actor, Model as Actor};
use crate::auth::service::Person;
use crate::db::BeginWrite;
use crate::error::AppError;
use crate::federation::outbox::enqueue;
use crate::http::time;
use crate::state::AppState;
use crate::statuses::entity::status;
use crate::text::escape;
use knooppunt_federation::vocab;

pub const VERDICTS: [&str; 3] = ["positive", "conditions", "negative"];
const MAX_TEXT: usize = 5_000;

fn plain(text: &str, max: usize) -> String {
    ammonia::Builder::empty()
        .clean(text)
        .to_string()
        .chars()
        .take(max)
        .collect()
}

fn check_text(field: &str, text: &str) -> Result<(), AppError> {
    if text.trim().is_empty() {
        return Err(AppError::invalid(field, "can't be blank"));
    }
    if text.chars().count() > MAX_TEXT {
        return Err(AppError::invalid(
            field,
            format!("at most {MAX_TEXT} characters"),
        ));
    }
    Ok(())
}

async fn post_of(db: &impl ConnectionTrait, p: &plan::Model) -> Result<status::Model, AppError> {
    status::Entity::find_by_id(p.status_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::Internal("a plan without its post".into()))
}

/// The advice of a plan, oldest first, with its advisors.
pub async fn of_plan(
    db: &impl ConnectionTrait,
    plan_id: i64,
) -> Result<Vec<(advice::Model, Actor)>, AppError> {
    super::store::advice_of(db, &[plan_id], None).await
}

/// The `advice` list of a plan's `Page`: verdicts only once verified.
pub async fn page_entries(db: &impl ConnectionTrait, plan_id: i64) -> Result<Vec<Value>, AppError> {
    Ok(of_plan(db, plan_id)
        .await?
        .iter()
        .map(|(r, a)| {
            let given = r.verified && r.verdict.is_some();
            json!({
                "id": r.request_ap_id,
                "type": "Advice",
                "advisor": a.ap_id,
                "requester": r.requester_ap_id,
                "question": r.question,
                "advice": if given { r.verdict.clone() } else { None },
                "adviceReasons": if given { r.reasons.as_str() } else { "" },
                "answer": if given { r.answer_ap_id.clone() } else { None },
                "published": time(&r.created_at),
                "answered": if given { r.answered_at.as_ref().map(time) } else { None },
            })
        })
        .collect())
}

/// The advisor's answer as a `Note`, served by the advisor's own instance
/// so that any instance can check a verdict a plan's home reports.
pub async fn answer_note(state: &AppState, id: &str) -> Result<Value, AppError> {
    let not_found = || AppError::NotFound("no such advice".into());
    let id: i64 = id.parse().map_err(|_| not_found())?;
    let r = advice::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or_else(not_found)?;
    let advisor = actor::Entity::find_by_id(r.advisor_id)
        .one(&state.db)
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
    let p = plan::Entity::find_by_id(r.plan_id)
        .one(&state.db)
        .await?
        .ok_or_else(not_found)?;
    let post = post_of(&state.db, &p).await?;
    Ok(answer_object(
        &advisor,
        &r,
        &post.ap_id,
        verdict,
        answer_id,
        at,
    ))
}

fn answer_url(config: &crate::config::Config, advice_id: i64) -> String {
    format!("{}/advice/{advice_id}", config.base_url())
}

/// The answer as a `Note`; `context` names the plan, so that the answer
/// cannot be listed under another plan's advice.
fn answer_object(
    advisor: &Actor,
    r: &advice::Model,
    plan_uri: &str,
    verdict: &str,
    answer_id: &str,
    at: &chrono::DateTime<Utc>,
) -> Value {
    let label = match verdict {
        "positive" => "positief / positive",
        "conditions" => "onder voorwaarden / with conditions",
        _ => "negatief / negative",
    };
    json!({
        "@context": vocab::AS_CONTEXT,
        "id": answer_id,
        "type": "Note",
        "attributedTo": advisor.ap_id,
        "inReplyTo": r.request_ap_id,
        "context": plan_uri,
        "published": time(at),
        "content": format!("<p>Advies {}: {}</p>", label, escape(&r.reasons)),
        "advice": verdict,
        "adviceReasons": r.reasons,
    })
}

/// An owner asks `advisor` for advice on a plan here.
pub async fn request(
    state: &AppState,
    person: &Person,
    p: plan::Model,
    advisor: &Actor,
    question: &str,
) -> Result<advice::Model, AppError> {
    if !p.local {
        return Err(AppError::Forbidden(
            "this plan lives on another instance: ask from there".into(),
        ));
    }
    if !service::standing(state, person, &p).await?.owner {
        return Err(AppError::Forbidden(
            "only the plan's owners may ask for advice".into(),
        ));
    }
    check_text("question", question)?;
    let config = state.config.as_ref();
    let post = post_of(&state.db, &p).await?;
    let request_id = format!("{}#advice/{}", post.ap_id, crate::secrets::random_token()?);
    let txn = state.db.begin_write().await?;
    // The plan's row first: the insert's foreign key takes a share lock on
    // it that `counts_changed` then upgrades, and two requests at once
    // would deadlock on PostgreSQL.
    crate::db::locked(plan::Entity::find_by_id(p.id), &txn)
        .one(&txn)
        .await?;
    let row = advice::ActiveModel {
        plan_id: Set(p.id),
        advisor_id: Set(advisor.id),
        requester_ap_id: Set(person.actor.ap_id.clone()),
        question: Set(question.trim().to_string()),
        request_ap_id: Set(request_id.clone()),
        verdict: Set(None),
        reasons: Set(String::new()),
        created_at: Set(Utc::now()),
        verified: Set(false),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    if !advisor.local {
        let mention = format!("@{}@{}", advisor.username, advisor.host);
        let note = json!({
            "id": request_id,
            "type": "Note",
            "attributedTo": person.actor.ap_id,
            "to": [advisor.ap_id],
            "cc": [],
            "inReplyTo": post.ap_id,
            "published": time(&row.created_at),
            "content": format!(
                "<p><span class=\"h-card\"><a href=\"{}\" class=\"u-url mention\">{}</a></span> Advies gevraagd over / advice asked on <a href=\"{}\">{}</a>: {}</p>",
                escape(&advisor.ap_id),
                escape(&mention),
                escape(post.url.as_deref().unwrap_or(&post.ap_id)),
                escape(&p.title),
                escape(question.trim())
            ),
            "tag": [{ "type": "Mention", "href": advisor.ap_id, "name": mention }],
            "adviceRequest": post.ap_id,
            "adviceQuestion": question.trim(),
        });
        let create = json!({
            "@context": vocab::AS_CONTEXT,
            "id": format!("{request_id}/activity"),
            "type": "Create",
            "actor": person.actor.ap_id,
            "to": [advisor.ap_id],
            "object": note,
        });
        enqueue(
            &txn,
            config,
            &person.actor,
            &create,
            false,
            [advisor.inbox_url.clone()],
        )
        .await?;
    }
    super::updates::changed_now(&txn, config, p.status_id).await?;
    txn.commit().await?;
    state.federation.outbox_bell.notify_one();
    Ok(row)
}

/// Requests `person` may answer: to them, or to groups they moderate.
pub async fn pending_for(
    state: &AppState,
    person: &Person,
) -> Result<Vec<advice::Model>, AppError> {
    let mine = crate::groups::service::spoken_for_in(advice::Column::AdvisorId, person.actor.id);
    Ok(advice::Entity::find()
        .filter(advice::Column::Verdict.is_null())
        .filter(mine)
        .order_by_asc(advice::Column::Id)
        .all(&state.db)
        .await?)
}

async fn may_answer(
    state: &AppState,
    person: &Person,
    r: &advice::Model,
) -> Result<bool, AppError> {
    crate::groups::service::speaks_for(&state.db, person.actor.id, r.advisor_id).await
}

/// The advisor answers; the answer goes to the plan's home.
pub async fn answer(
    state: &AppState,
    person: &Person,
    id: &str,
    verdict: &str,
    reasons: &str,
) -> Result<advice::Model, AppError> {
    let not_found = || AppError::NotFound("no such advice request".into());
    let id: i64 = id.parse().map_err(|_| not_found())?;
    let r = advice::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or_else(not_found)?;
    if !may_answer(state, person, &r).await? {
        return Err(not_found());
    }
    if !VERDICTS.contains(&verdict) {
        return Err(AppError::invalid(
            "verdict",
            "must be positive, conditions or negative",
        ));
    }
    check_text("reasons", reasons)?;
    if r.verdict.is_some() {
        return Err(AppError::Conflict("this advice was already given".into()));
    }
    let config = state.config.as_ref();
    let advisor = actor::Entity::find_by_id(r.advisor_id)
        .one(&state.db)
        .await?
        .ok_or_else(not_found)?;
    let p = plan::Entity::find_by_id(r.plan_id)
        .one(&state.db)
        .await?
        .ok_or_else(not_found)?;
    // Fetched before the transaction: no network wait while holding the writer.
    let requester = if p.local {
        None
    } else {
        Some(crate::federation::remote::actor(state, &r.requester_ap_id).await?)
    };
    let answer_id = answer_url(config, r.id);
    let now = Utc::now();
    let txn = state.db.begin_write().await?;
    let mut active: advice::ActiveModel = r.clone().into();
    active.verdict = Set(Some(verdict.to_string()));
    active.reasons = Set(reasons.trim().to_string());
    active.answer_ap_id = Set(Some(answer_id.clone()));
    active.answered_at = Set(Some(now));
    active.verified = Set(true);
    let saved = active.update(&txn).await?;
    if let Some(requester) = requester {
        let post = post_of(&state.db, &p).await?;
        let mut note = answer_object(&advisor, &saved, &post.ap_id, verdict, &answer_id, &now);
        note["to"] = json!([requester.ap_id]);
        note["cc"] = json!([]);
        if let Some(o) = note.as_object_mut() {
            o.remove("@context");
        }
        let create = json!({
            "@context": vocab::AS_CONTEXT,
            "id": format!("{answer_id}/activity"),
            "type": "Create",
            "actor": advisor.ap_id,
            "to": [requester.ap_id],
            "object": note,
        });
        enqueue(
            &txn,
            config,
            &advisor,
            &create,
            false,
            [crate::federation::fanout::inbox_of(&requester)],
        )
        .await?;
    } else {
        super::updates::changed_now(&txn, config, p.status_id).await?;
    }
    txn.commit().await?;
    state.federation.outbox_bell.notify_one();
    Ok(saved)
}

/// A `Note` that is an advice request for someone here, or an answer to one
/// of our requests. `None` when it is neither (an ordinary note).
pub async fn receive(
    state: &AppState,
    sender: &Actor,
    note: &Value,
) -> Result<Option<StatusCode>, AppError> {
    if let Some(plan_id) = note.get("adviceRequest").and_then(Value::as_str) {
        return receive_request(state, sender, note, plan_id)
            .await
            .map(Some);
    }
    if let Some(verdict) = note.get("advice").and_then(Value::as_str) {
        return receive_answer(state, sender, note, verdict).await;
    }
    Ok(None)
}

async fn receive_request(
    state: &AppState,
    sender: &Actor,
    note: &Value,
    plan_id: &str,
) -> Result<StatusCode, AppError> {
    let request_id = note
        .get("id")
        .and_then(Value::as_str)
        .ok_or_else(|| AppError::BadRequest("advice request without id".into()))?;
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
        return Err(AppError::Forbidden(
            "advice is asked on a plan of the asker's own instance".into(),
        ));
    }
    let mut advisor = None;
    for id in vocab::ids(note.get("to")).into_iter().take(20) {
        if let Some(a) = actor::Entity::find()
            .filter(actor::Column::ApId.eq(id.as_str()))
            .filter(actor::Column::Local.eq(true))
            .one(&state.db)
            .await?
        {
            advisor = Some(a);
            break;
        }
    }
    let advisor = advisor
        .ok_or_else(|| AppError::NotFound("the advice is not asked of anyone here".into()))?;
    let post = crate::statuses::federate::fetch_note(state, plan_id, 0).await?;
    let p = plan::Entity::find()
        .filter(plan::Column::StatusId.eq(post.id))
        .one(&state.db)
        .await?
        .ok_or_else(|| AppError::BadRequest("advice can only be asked on a plan".into()))?;
    if !service::owners(&state.db, p.id)
        .await?
        .iter()
        .any(|o| o.id == sender.id)
    {
        return Err(AppError::Forbidden(
            "only the plan's owners may ask for advice on it".into(),
        ));
    }
    let question = note
        .get("adviceQuestion")
        .and_then(Value::as_str)
        .map(|q| plain(q, MAX_TEXT))
        .unwrap_or_else(|| {
            plain(
                note.get("content")
                    .and_then(Value::as_str)
                    .unwrap_or_default(),
                MAX_TEXT,
            )
        });
    let inserted = advice::ActiveModel {
        plan_id: Set(p.id),
        advisor_id: Set(advisor.id),
        requester_ap_id: Set(sender.ap_id.clone()),
        question: Set(question),
        request_ap_id: Set(request_id.to_string()),
        verdict: Set(None),
        reasons: Set(String::new()),
        created_at: Set(Utc::now()),
        verified: Set(false),
        ..Default::default()
    }
    .insert(&state.db)
    .await;
    // A repeated request is acknowledged like the first.
    crate::db::already_there(inserted)?;
    Ok(StatusCode::ACCEPTED)
}

async fn receive_answer(
    state: &AppState,
    sender: &Actor,
    note: &Value,
    verdict: &str,
) -> Result<Option<StatusCode>, AppError> {
    let Some(request_id) = vocab::id_of(note.get("inReplyTo")) else {
        return Ok(None);
    };
    let Some(r) = advice::Entity::find()
        .filter(advice::Column::RequestApId.eq(request_id.as_str()))
        .one(&state.db)
        .await?
    else {
        return Ok(None);
    };
    // Signed by the advisor who was asked, and written by it.
    if r.advisor_id != sender.id
        || vocab::id_of(note.get("attributedTo")).is_some_and(|a| a != sender.ap_id)
    {
        return Err(AppError::Forbidden(
            "only the advisor asked can answer".into(),
        ));
    }
    if !VERDICTS.contains(&verdict) {
        return Err(AppError::BadRequest(format!(
            "{verdict:?} is not an advice (positive, conditions, negative)"
        )));
    }
    let Some(p) = plan::Entity::find_by_id(r.plan_id).one(&state.db).await? else {
        return Ok(Some(StatusCode::ACCEPTED));
    };
    let reasons = note
        .get("adviceReasons")
        .and_then(Value::as_str)
        .map(|t| plain(t, MAX_TEXT))
        .unwrap_or_default();
    let txn = state.db.begin_write().await?;
    let mut active: advice::ActiveModel = r.into();
    active.verdict = Set(Some(verdict.to_string()));
    active.reasons = Set(reasons);
    active.answer_ap_id = Set(note.get("id").and_then(Value::as_str).map(str::to_string));
    active.answered_at = Set(Some(Utc::now()));
    active.verified = Set(true);
    active.update(&txn).await?;
    super::updates::changed_now(&txn, &state.config, p.status_id).await?;
    txn.commit().await?;
    state.federation.outbox_bell.notify_one();
    Ok(Some(StatusCode::ACCEPTED))
}

/// One entry of a copy's `advice` list, with what could be checked of it.
pub struct Resolved {
    entry: Value,
    advisor: Actor,
    /// The verdict and reasons as fetched from the advisor's own server.
    fetched: Option<(String, String)>,
}

/// Advisors named by a `Page`'s `advice` list, known or fetched now (before
/// any transaction: fetching is slow), and the verdicts the home claims,
/// checked at the advisor's server unless already verified here.
/// Unreachable ones are left out until the next `Update`.
pub async fn resolve(
    state: &AppState,
    plan_uri: &str,
    p: Option<&plan::Model>,
    entries: &[Value],
) -> Vec<Resolved> {
    use futures_util::StreamExt;
    let entries: Vec<&Value> = entries.iter().take(100).collect();
    let ids: Vec<String> = entries
        .iter()
        .filter_map(|e| e.get("advisor").and_then(Value::as_str).map(str::to_string))
        .collect();
    let advisors = crate::federation::remote::actors_named(state, &ids, 100).await;
    let known: Vec<advice::Model> = match p {
        Some(p) => advice::Entity::find()
            .filter(advice::Column::PlanId.eq(p.id))
            .all(&state.db)
            .await
            .unwrap_or_else(|e| {
                // Then every claimed verdict is checked again: slower, not wrong.
                tracing::warn!(plan_id = p.id, error = %e, "reading a copy's advice");
                vec![]
            }),
        None => vec![],
    };
    let mut out: Vec<Resolved> = Vec::new();
    let mut to_check: Vec<(usize, String)> = Vec::new();
    for e in entries {
        let Some(advisor) = e
            .get("advisor")
            .and_then(Value::as_str)
            .and_then(|id| advisors.get(id))
        else {
            continue;
        };
        let verdict = e.get("advice").and_then(Value::as_str);
        let answer = e.get("answer").and_then(Value::as_str);
        let request = e.get("id").and_then(Value::as_str).unwrap_or_default();
        let already = known.iter().any(|k| {
            k.request_ap_id == request
                && k.advisor_id == advisor.id
                && k.verified
                && k.verdict.as_deref() == verdict
        });
        if let (Some(_), Some(answer), false, false) = (verdict, answer, already, advisor.local)
            && vocab::host_of(answer).as_deref() == Some(advisor.host.as_str())
        {
            to_check.push((out.len(), answer.to_string()));
        }
        out.push(Resolved {
            entry: e.clone(),
            advisor: advisor.clone(),
            fetched: None,
        });
    }
    to_check.truncate(crate::federation::remote::FETCH_CAP);
    let checked: Vec<(usize, Option<(String, String)>)> = futures_util::stream::iter(to_check)
        .map(|(i, answer)| {
            let advisor = out[i].advisor.ap_id.clone();
            let request = out[i]
                .entry
                .get("id")
                .and_then(Value::as_str)
                .map(str::to_string);
            async move {
                let fetched = match crate::federation::remote::fetch_object(state, &answer).await {
                    Ok(note) => verified_answer(&note, &advisor, plan_uri, request.as_deref()),
                    Err(e) => {
                        tracing::debug!(answer = %answer, error = %e, "advice answer not fetched");
                        None
                    }
                };
                (i, fetched)
            }
        })
        .buffer_unordered(crate::federation::remote::FETCH_PARALLEL)
        .collect()
        .await;
    for (i, fetched) in checked {
        out[i].fetched = fetched;
    }
    out
}

/// The verdict and reasons of an answer fetched from the advisor's server,
/// if it is the advisor's answer to that request.
fn verified_answer(
    note: &Value,
    advisor: &str,
    plan_uri: &str,
    request: Option<&str>,
) -> Option<(String, String)> {
    // From the advisor's own server: a redirect may have led elsewhere.
    let from_origin = note
        .get("id")
        .and_then(Value::as_str)
        .and_then(vocab::host_of)
        .is_some_and(|h| Some(h) == vocab::host_of(advisor));
    if !from_origin {
        return None;
    }
    let by_advisor = vocab::id_of(note.get("attributedTo")).as_deref() == Some(advisor);
    let on_plan = vocab::id_of(note.get("context")).as_deref() == Some(plan_uri);
    let to_request = on_plan && vocab::id_of(note.get("inReplyTo")).as_deref() == request;
    let verdict = note
        .get("advice")
        .and_then(Value::as_str)
        .filter(|v| VERDICTS.contains(v))?;
    (by_advisor && to_request && request.is_some()).then(|| {
        (
            verdict.to_string(),
            plain(
                note.get("adviceReasons")
                    .and_then(Value::as_str)
                    .unwrap_or_default(),
                MAX_TEXT,
            ),
        )
    })
}

/// Brings a copy's advice in line with the `advice` list of its home's
/// `Page`. The home's word is taken for what was asked; a verdict only when
/// verified (see the module). Advice asked of an actor here keeps what that
/// actor answered here, whatever the home says.
pub async fn mirror(
    db: &impl ConnectionTrait,
    plan_id: i64,
    entries: &[Resolved],
    local_domain: &str,
) -> Result<(), AppError> {
    let existing = advice::Entity::find()
        .filter(advice::Column::PlanId.eq(plan_id))
        .all(db)
        .await?;
    let listed: Vec<&str> = entries
        .iter()
        .filter_map(|r| r.entry.get("id").and_then(Value::as_str))
        .collect();
    // Ids that another plan's advice holds here are not taken over.
    let elsewhere: Vec<String> = advice::Entity::find()
        .filter(advice::Column::RequestApId.is_in(listed.clone()))
        .filter(advice::Column::PlanId.ne(plan_id))
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.request_ap_id)
        .collect();
    for old in &existing {
        if listed.contains(&old.request_ap_id.as_str()) {
            continue;
        }
        // What an advisor here answered stays, whatever the home lists.
        let answered_here = old.verified
            && old.verdict.is_some()
            && actor::Entity::find_by_id(old.advisor_id)
                .one(db)
                .await?
                .is_some_and(|a| a.local);
        if !answered_here {
            advice::Entity::delete_by_id(old.id).exec(db).await?;
        }
    }
    for r in entries {
        let e = &r.entry;
        let Some(id) = e.get("id").and_then(Value::as_str) else {
            continue;
        };
        let id: String = id.chars().take(2048).collect();
        if elsewhere.contains(&id) {
            tracing::info!(plan_id, request = %id, "an advice request id of another plan; left out");
            continue;
        }
        let claimed = e
            .get("advice")
            .and_then(Value::as_str)
            .filter(|v| VERDICTS.contains(v))
            .map(str::to_string);
        let claimed_reasons = plain(
            e.get("adviceReasons")
                .and_then(Value::as_str)
                .unwrap_or_default(),
            MAX_TEXT,
        );
        // The row of this request only while it is asked of the same advisor:
        // a verdict never moves to someone else.
        let previous = existing
            .iter()
            .find(|o| o.request_ap_id == id && o.advisor_id == r.advisor.id);
        if let Some(other) = existing
            .iter()
            .find(|o| o.request_ap_id == id && o.advisor_id != r.advisor.id)
        {
            advice::Entity::delete_by_id(other.id).exec(db).await?;
        }
        // Advice asked of an actor here exists only as the request it received.
        if r.advisor.local && previous.is_none() {
            continue;
        }
        // (verdict, reasons, verified)
        let (verdict, reasons, verified) = if r.advisor.local {
            match previous {
                Some(o) => (o.verdict.clone(), o.reasons.clone(), o.verified),
                None => (None, String::new(), false),
            }
        } else if let Some((v, why)) = &r.fetched {
            (Some(v.clone()), why.clone(), true)
        } else if let Some(o) = previous.filter(|o| o.verified && o.verdict == claimed) {
            (o.verdict.clone(), o.reasons.clone(), true)
        } else {
            (claimed, claimed_reasons, false)
        };
        // A local actor named as having asked is believed only if it did so here.
        let requester: String = plain(
            e.get("requester")
                .and_then(Value::as_str)
                .unwrap_or_default(),
            2048,
        );
        let requester = if vocab::host_of(&requester).as_deref() == Some(local_domain) {
            previous
                .map(|o| o.requester_ap_id.clone())
                .unwrap_or_default()
        } else {
            requester
        };
        let answer_ap_id = e
            .get("answer")
            .and_then(Value::as_str)
            .map(|a| a.chars().take(2048).collect::<String>());
        let mut active: advice::ActiveModel = match previous {
            Some(o) => o.clone().into(),
            None => advice::ActiveModel {
                plan_id: Set(plan_id),
                request_ap_id: Set(id.clone()),
                created_at: Set(Utc::now()),
                ..Default::default()
            },
        };
        active.advisor_id = Set(r.advisor.id);
        active.requester_ap_id = Set(requester);
        active.question = Set(plain(
            e.get("question")
                .and_then(Value::as_str)
                .unwrap_or_default(),
            MAX_TEXT,
        ));
        if !(r.advisor.local && previous.is_some()) {
            active.answered_at = Set(verdict.as_ref().map(|_| Utc::now()));
            active.answer_ap_id = Set(answer_ap_id.filter(|_| verdict.is_some()));
        }
        active.verdict = Set(verdict);
        active.reasons = Set(reasons);
        active.verified = Set(verified);
        active.save(db).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::verified_answer;
    use serde_json::json;

    #[test]
    fn an_answer_counts_only_from_its_advisor_on_its_plan() {
        let advisor = "https://gemeente.example/users/verkeer";
        let plan = "https://wijk.example/users/alice/statuses/1";
        let request = "https://wijk.example/users/alice/statuses/1#advice/x";
        let note = json!({
            "id": "https://gemeente.example/advice/7", "type": "Note",
            "attributedTo": advisor, "context": plan, "inReplyTo": request,
            "advice": "positive", "adviceReasons": "Goed",
        });
        assert_eq!(
            verified_answer(&note, advisor, plan, Some(request)),
            Some(("positive".into(), "Goed".into()))
        );
        // Served from another host (a redirect), on another plan, to
        // another request, by someone else, or not a verdict: not counted.
        let mut moved = note.clone();
        moved["id"] = json!("https://kwaad.example/advice/7");
        assert_eq!(verified_answer(&moved, advisor, plan, Some(request)), None);
        let other_plan = "https://wijk.example/users/alice/statuses/2";
        assert_eq!(
            verified_answer(&note, advisor, other_plan, Some(request)),
            None
        );
        assert_eq!(
            verified_answer(&note, advisor, plan, Some("https://wijk.example/x#y")),
            None
        );
        assert_eq!(
            verified_answer(
                &note,
                "https://gemeente.example/users/ander",
                plan,
                Some(request)
            ),
            None
        );
        let mut odd = note.clone();
        odd["advice"] = json!("misschien");
        assert_eq!(verified_answer(&odd, advisor, plan, Some(request)), None);
    }
}
