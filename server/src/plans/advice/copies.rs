//! The advice of a copy of a plan from elsewhere: the home's `advice` list,
//! its claimed verdicts checked at the advisors' own servers, mirrored here.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait};

use super::{MAX_TEXT, VERDICTS, plain, store};
use crate::actors::entity::Model as Actor;
use crate::error::AppError;
use crate::federation::remote;
use crate::plans::entity::{advice, plan};
use crate::state::AppState;
use knooppunt_federation::vocab;

/// One entry of a copy's `advice` list, with what could be checked of it.
pub struct Resolved {
    entry: vocab::AdviceEntry,
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
    entries: &[vocab::AdviceEntry],
) -> Vec<Resolved> {
    let entries: Vec<&vocab::AdviceEntry> = entries.iter().take(100).collect();
    let ids: Vec<String> = entries.iter().filter_map(|e| e.advisor.clone()).collect();
    let advisors = remote::actors_named(state, &ids, 100).await;
    let known = known_advice(state, p).await;
    let mut out: Vec<Resolved> = Vec::new();
    let mut to_check: Vec<(usize, String)> = Vec::new();
    for e in entries {
        let Some(advisor) = e.advisor.as_deref().and_then(|id| advisors.get(id)) else {
            continue;
        };
        if let Some(answer) = answer_to_check(e, advisor, &known) {
            to_check.push((out.len(), answer));
        }
        out.push(Resolved {
            entry: (*e).clone(),
            advisor: advisor.clone(),
            fetched: None,
        });
    }
    to_check.truncate(remote::FETCH_CAP);
    fetch_answers(state, plan_uri, &mut out, to_check).await;
    out
}

/// The advice this copy holds already, if it is one.
async fn known_advice(state: &AppState, p: Option<&plan::Model>) -> Vec<advice::Model> {
    let Some(p) = p else {
        return vec![];
    };
    store::rows_of(&state.db, p.id).await.unwrap_or_else(|e| {
        // Then every claimed verdict is checked again: slower, not wrong.
        tracing::warn!(plan_id = p.id, error = %e, "reading a copy's advice");
        vec![]
    })
}

/// The answer to fetch for entry `e`: one that claims a verdict not yet
/// verified here, of a remote advisor, on the advisor's own host.
fn answer_to_check(
    e: &vocab::AdviceEntry,
    advisor: &Actor,
    known: &[advice::Model],
) -> Option<String> {
    let verdict = e.advice.as_deref();
    let answer = e.answer.as_deref();
    let request = e.id.as_deref().unwrap_or_default();
    let already = known.iter().any(|k| {
        k.request_ap_id == request
            && k.advisor_id == advisor.id
            && k.verified
            && k.verdict.as_deref() == verdict
    });
    if let (Some(_), Some(answer), false, false) = (verdict, answer, already, advisor.local)
        && vocab::host_of(answer).as_deref() == Some(advisor.host.as_str())
    {
        return Some(answer.to_string());
    }
    None
}

/// Fetches the answers `to_check` names (entry index, answer id), a few at
/// a time, and keeps what each verifies in its entry of `out`.
async fn fetch_answers(
    state: &AppState,
    plan_uri: &str,
    out: &mut [Resolved],
    to_check: Vec<(usize, String)>,
) {
    use futures_util::StreamExt;
    let checked: Vec<(usize, Option<(String, String)>)> = futures_util::stream::iter(to_check)
        .map(|(i, answer)| {
            let advisor = out[i].advisor.ap_id.clone();
            let request = out[i].entry.id.clone();
            async move {
                let fetched = match remote::fetch_object(state, &answer).await {
                    Ok(value) => match vocab::Object::parse(&value) {
                        Ok(vocab::Object::Note(note)) => {
                            verified_answer(&note, &advisor, plan_uri, request.as_deref())
                        }
                        _ => None,
                    },
                    Err(e) => {
                        tracing::debug!(answer = %answer, error = %e, "advice answer not fetched");
                        None
                    }
                };
                (i, fetched)
            }
        })
        .buffer_unordered(remote::FETCH_PARALLEL)
        .collect()
        .await;
    for (i, fetched) in checked {
        out[i].fetched = fetched;
    }
}

/// The verdict and reasons of an answer fetched from the advisor's server,
/// if it is the advisor's answer to that request.
fn verified_answer(
    note: &vocab::Note,
    advisor: &str,
    plan_uri: &str,
    request: Option<&str>,
) -> Option<(String, String)> {
    let post = &note.post;
    // From the advisor's own server: a redirect may have led elsewhere.
    let from_origin = vocab::host_of(&post.id).is_some_and(|h| Some(h) == vocab::host_of(advisor));
    if !from_origin {
        return None;
    }
    let by_advisor = matches!(post.attributed_to.as_slice(), [one] if one == advisor);
    let on_plan = post.context.as_deref() == Some(plan_uri);
    let to_request = on_plan && post.in_reply_to.as_deref() == request;
    let verdict = note.advice.as_deref().filter(|v| VERDICTS.contains(v))?;
    (by_advisor && to_request && request.is_some()).then(|| {
        (
            verdict.to_string(),
            plain(note.advice_reasons.as_deref().unwrap_or_default(), MAX_TEXT),
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
    let existing = store::rows_of(db, plan_id).await?;
    let listed: Vec<&str> = entries
        .iter()
        .filter_map(|r| r.entry.id.as_deref())
        .collect();
    // Ids that another plan's advice holds here are not taken over.
    let elsewhere = store::held_elsewhere(db, plan_id, &listed).await?;
    drop_unlisted(db, &existing, &listed).await?;
    for r in entries {
        let Some(id) = r.entry.id.as_deref() else {
            continue;
        };
        let id: String = id.chars().take(2048).collect();
        if elsewhere.contains(&id) {
            tracing::info!(plan_id, request = %id, "an advice request id of another plan; left out");
            continue;
        }
        mirror_entry(db, plan_id, r, id, &existing, local_domain).await?;
    }
    Ok(())
}

/// Deletes advice the home no longer lists, but for what an advisor here
/// answered.
async fn drop_unlisted(
    db: &impl ConnectionTrait,
    existing: &[advice::Model],
    listed: &[&str],
) -> Result<(), AppError> {
    for old in existing {
        if listed.contains(&old.request_ap_id.as_str()) {
            continue;
        }
        // What an advisor here answered stays, whatever the home lists.
        let answered_here = old.verified
            && old.verdict.is_some()
            && store::advisor_of(db, old).await?.is_some_and(|a| a.local);
        if !answered_here {
            store::delete(db, old.id).await?;
        }
    }
    Ok(())
}

/// Saves one listed request `id` of the copy.
async fn mirror_entry(
    db: &impl ConnectionTrait,
    plan_id: i64,
    r: &Resolved,
    id: String,
    existing: &[advice::Model],
    local_domain: &str,
) -> Result<(), AppError> {
    let e = &r.entry;
    // The row of this request only while it is asked of the same advisor:
    // a verdict never moves to someone else.
    let previous = existing
        .iter()
        .find(|o| o.request_ap_id == id && o.advisor_id == r.advisor.id);
    if let Some(other) = existing
        .iter()
        .find(|o| o.request_ap_id == id && o.advisor_id != r.advisor.id)
    {
        store::delete(db, other.id).await?;
    }
    // Advice asked of an actor here exists only as the request it received.
    if r.advisor.local && previous.is_none() {
        return Ok(());
    }
    let (verdict, reasons, verified) = verdict_to_keep(r, previous);
    let answer_ap_id = e
        .answer
        .as_deref()
        .map(|a| a.chars().take(2048).collect::<String>());
    let mut active: advice::ActiveModel = match previous {
        Some(o) => o.clone().into(),
        None => advice::ActiveModel {
            plan_id: Set(plan_id),
            request_ap_id: Set(id),
            created_at: Set(Utc::now()),
            ..Default::default()
        },
    };
    active.advisor_id = Set(r.advisor.id);
    active.requester_ap_id = Set(requester_of(e, previous, local_domain));
    active.question = Set(plain(e.question.as_deref().unwrap_or_default(), MAX_TEXT));
    if !(r.advisor.local && previous.is_some()) {
        active.answered_at = Set(verdict.as_ref().map(|_| Utc::now()));
        active.answer_ap_id = Set(answer_ap_id.filter(|_| verdict.is_some()));
    }
    active.verdict = Set(verdict);
    active.reasons = Set(reasons);
    active.verified = Set(verified);
    active.save(db).await?;
    Ok(())
}

/// (verdict, reasons, verified) of an entry: an advisor here keeps its own
/// answer; otherwise a fetched answer, a verified one still claimed, or the
/// home's claim, unverified.
fn verdict_to_keep(
    r: &Resolved,
    previous: Option<&advice::Model>,
) -> (Option<String>, String, bool) {
    let e = &r.entry;
    let claimed = e
        .advice
        .as_deref()
        .filter(|v| VERDICTS.contains(v))
        .map(str::to_string);
    let claimed_reasons = plain(e.advice_reasons.as_deref().unwrap_or_default(), MAX_TEXT);
    if r.advisor.local {
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
    }
}

/// Who the entry says asked. A local actor named as having asked is
/// believed only if it did so here.
fn requester_of(
    e: &vocab::AdviceEntry,
    previous: Option<&advice::Model>,
    local_domain: &str,
) -> String {
    let requester: String = plain(e.requester.as_deref().unwrap_or_default(), 2048);
    if vocab::host_of(&requester).as_deref() == Some(local_domain) {
        previous
            .map(|o| o.requester_ap_id.clone())
            .unwrap_or_default()
    } else {
        requester
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::verified_answer;
    use knooppunt_federation::vocab::Note;
    use serde_json::{Value, json};

    fn read(v: &Value) -> Note {
        serde_json::from_value(v.clone()).unwrap()
    }

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
            verified_answer(&read(&note), advisor, plan, Some(request)),
            Some(("positive".into(), "Goed".into()))
        );
        // Served from another host (a redirect), on another plan, to
        // another request, by someone else, or not a verdict: not counted.
        let mut moved = note.clone();
        moved["id"] = json!("https://kwaad.example/advice/7");
        assert_eq!(
            verified_answer(&read(&moved), advisor, plan, Some(request)),
            None
        );
        let other_plan = "https://wijk.example/users/alice/statuses/2";
        assert_eq!(
            verified_answer(&read(&note), advisor, other_plan, Some(request)),
            None
        );
        assert_eq!(
            verified_answer(
                &read(&note),
                advisor,
                plan,
                Some("https://wijk.example/x#y")
            ),
            None
        );
        assert_eq!(
            verified_answer(
                &read(&note),
                "https://gemeente.example/users/ander",
                plan,
                Some(request)
            ),
            None
        );
        let mut odd = note.clone();
        odd["advice"] = json!("misschien");
        assert_eq!(
            verified_answer(&read(&odd), advisor, plan, Some(request)),
            None
        );
    }
}
