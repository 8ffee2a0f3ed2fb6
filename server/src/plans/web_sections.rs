//! The working sections of a plan's page, read through the same services
//! and views as the API: comments, polls, expert advice, owners and their
//! invitations, related events, and progress and results.

use serde_json::Value;

use super::coowners;
use super::entity::{history, plan};
use crate::auth::web::Visit;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::state::AppState;

/// A comment: a reply to the plan's post without a stance.
pub struct CommentLine {
    pub id: String,
    pub who: String,
    pub who_url: String,
    pub at: String,
    pub at_label: String,
    pub content: String,
}

/// A poll the owners put to the neighbourhood, with its results.
pub struct PollLine {
    pub id: String,
    /// The question, as sanitised HTML.
    pub question: String,
    pub options: Vec<PollOption>,
    pub votes: u64,
    pub multiple: bool,
    pub expired: bool,
    pub voted: bool,
}

pub struct PollOption {
    pub index: usize,
    pub title: String,
    pub votes: u64,
    /// Whole percent of all votes.
    pub percent: u64,
    pub mine: bool,
}

/// Advice asked of someone: pending, or answered with a verdict.
pub struct AdviceLine {
    pub id: String,
    pub advisor: String,
    pub advisor_url: String,
    pub question: String,
    /// The verdict's label once verified.
    pub verdict: Option<String>,
    pub reasons: String,
    /// The viewer may answer it (as the advisor, or for its group).
    pub mine: bool,
}

/// An invitation to co-own the plan, as its owners see it.
pub struct InvitationLine {
    pub id: String,
    pub invitee: String,
    pub state: String,
}

/// An event that belongs to the plan.
pub struct EventLine {
    pub id: i64,
    pub name: String,
    pub at: String,
    pub at_label: String,
    pub cancelled: bool,
}

/// A progress report or the results a plan was finished with.
pub struct ProgressLine {
    pub at: String,
    pub at_label: String,
    pub who: String,
    pub who_url: String,
    pub results: bool,
    pub note: String,
}

/// Everything the working sections show.
#[derive(Default)]
pub struct Sections {
    pub comments: Vec<CommentLine>,
    pub polls: Vec<PollLine>,
    pub advice: Vec<AdviceLine>,
    /// The plan's invitations, for its owners.
    pub invitations: Vec<InvitationLine>,
    /// Invitations the viewer may answer on this plan.
    pub invited: Vec<InvitationLine>,
    pub events: Vec<EventLine>,
    pub progress: Vec<ProgressLine>,
    /// An owner may report progress now (the plan is adopted or running).
    pub may_report: bool,
}

fn time_label(at: &str) -> String {
    at.get(..16).unwrap_or_default().replace('T', " ")
}

fn acct(v: &Value) -> (String, String) {
    (
        format!("@{}", v["acct"].as_str().unwrap_or_default()),
        v["url"].as_str().unwrap_or_default().to_string(),
    )
}

pub fn comments(list: Vec<super::views::ArgumentView>) -> Vec<CommentLine> {
    list.into_iter()
        .map(|c| {
            let (who, who_url) = acct(&c.account);
            CommentLine {
                id: c.id,
                who,
                who_url,
                at_label: time_label(&c.created_at),
                at: c.created_at,
                content: c.content,
            }
        })
        .collect()
}

/// Polls as the API renders them (Mastodon statuses with a `poll`).
pub fn polls(list: &[Value]) -> Vec<PollLine> {
    list.iter()
        .filter_map(|s| {
            let poll = s.get("poll").filter(|p| p.is_object())?;
            let votes = poll["votes_count"].as_u64().unwrap_or(0);
            let own: Vec<u64> = poll["own_votes"]
                .as_array()
                .map(|v| v.iter().filter_map(Value::as_u64).collect())
                .unwrap_or_default();
            let options = poll["options"]
                .as_array()
                .map(|o| {
                    o.iter()
                        .enumerate()
                        .map(|(index, o)| {
                            let n = o["votes_count"].as_u64().unwrap_or(0);
                            PollOption {
                                index,
                                title: o["title"].as_str().unwrap_or_default().to_string(),
                                votes: n,
                                percent: (n * 100).checked_div(votes).unwrap_or(0),
                                mine: own.contains(&(index as u64)),
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            Some(PollLine {
                id: poll["id"].as_str().unwrap_or_default().to_string(),
                question: s["content"].as_str().unwrap_or_default().to_string(),
                options,
                votes,
                multiple: poll["multiple"].as_bool().unwrap_or(false),
                expired: poll["expired"].as_bool().unwrap_or(false),
                voted: poll["voted"].as_bool().unwrap_or(false),
            })
        })
        .collect()
}

fn verdict_label(v: &str, t: Tr) -> String {
    match v {
        "positive" | "conditions" | "negative" => t.get(&format!("plan-advice-verdict-{v}")),
        other => other.to_string(),
    }
}

/// Progress reports, and the results a plan was finished with.
fn progress(history: &[history::Model]) -> Vec<ProgressLine> {
    history
        .iter()
        .filter(|h| {
            h.action == "progress" || (h.action == "state" && h.to_state.as_deref() == Some("done"))
        })
        .map(|h| {
            let at = crate::http::time(&h.at);
            ProgressLine {
                at_label: time_label(&at),
                at,
                who: super::web::handle(&h.actor_ap_id),
                who_url: h.actor_ap_id.clone(),
                results: h.action == "state",
                note: h.note.clone(),
            }
        })
        .collect()
}

/// The sections of plan `p` (whose post is `plan_ap_id`) for `visit`.
#[allow(clippy::too_many_arguments)]
pub async fn load(
    state: &AppState,
    visit: &Visit,
    p: &plan::Model,
    plan_ap_id: &str,
    view: &Value,
    comment_list: Vec<super::views::ArgumentView>,
    history: &[history::Model],
    owner: bool,
) -> Result<Sections, AppError> {
    let t = visit.t();
    let person = visit.person.as_ref();
    let advice = advice_lines(state, person, p, view, t).await?;
    let (invitations, invited) = invitation_lines(state, person, p, owner, t).await?;
    let events = super::store::related_events(&state.db, plan_ap_id)
        .await?
        .into_iter()
        .map(|e| {
            let at = crate::http::time(&e.starts_at);
            EventLine {
                id: e.id,
                name: e.name,
                at_label: crate::web::local_label(&at, &e.timezone),
                at,
                cancelled: e.cancelled,
            }
        })
        .collect();
    let running = matches!(p.state.as_str(), "adopted" | "in_progress");
    Ok(Sections {
        comments: comments(comment_list),
        polls: polls(view["polls"].as_array().map(Vec::as_slice).unwrap_or(&[])),
        advice,
        invitations,
        invited,
        events,
        progress: progress(history),
        may_report: owner && running && p.local,
    })
}

/// The plan's advice requests, marked where `person` is the one asked.
async fn advice_lines(
    state: &AppState,
    person: Option<&crate::auth::service::Person>,
    p: &plan::Model,
    view: &Value,
    t: Tr,
) -> Result<Vec<AdviceLine>, AppError> {
    let answerable: Vec<String> = match person {
        Some(person) => super::advice::pending_for(state, person)
            .await?
            .into_iter()
            .filter(|r| r.plan_id == p.id)
            .map(|r| r.id.to_string())
            .collect(),
        None => vec![],
    };
    Ok(view["advice"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|a| {
                    let (advisor, advisor_url) = acct(&a["advisor"]);
                    let id = a["id"].as_str().unwrap_or_default().to_string();
                    AdviceLine {
                        mine: answerable.contains(&id),
                        id,
                        advisor,
                        advisor_url,
                        question: a["question"].as_str().unwrap_or_default().to_string(),
                        verdict: a["verdict"].as_str().map(|v| verdict_label(v, t)),
                        reasons: a["reasons"].as_str().unwrap_or_default().to_string(),
                    }
                })
                .collect()
        })
        .unwrap_or_default())
}

/// Invitations to own the plan: those its owners sent (for an owner) and
/// those waiting for `person`.
async fn invitation_lines(
    state: &AppState,
    person: Option<&crate::auth::service::Person>,
    p: &plan::Model,
    owner: bool,
    t: Tr,
) -> Result<(Vec<InvitationLine>, Vec<InvitationLine>), AppError> {
    let invitation_lines = |invs: Vec<super::entity::invitation::Model>| async move {
        let invitees =
            crate::actors::store::by_ids(&state.db, invs.iter().map(|i| i.actor_id)).await?;
        Ok::<_, AppError>(
            invs.into_iter()
                .map(|i| InvitationLine {
                    id: i.id.to_string(),
                    invitee: invitees
                        .get(&i.actor_id)
                        .map(|a| format!("@{}", crate::statuses::views::acct(a)))
                        .unwrap_or_default(),
                    state: t.get(&format!("plan-invitation-{}", i.state)),
                })
                .collect::<Vec<_>>(),
        )
    };
    Ok(match person {
        Some(person) => {
            let sent = if owner {
                coowners::sent(state, person, p).await?
            } else {
                vec![]
            };
            let mine: Vec<_> = coowners::pending_for(state, person)
                .await?
                .into_iter()
                .filter(|i| i.plan_id == p.id)
                .collect();
            (invitation_lines(sent).await?, invitation_lines(mine).await?)
        }
        None => (vec![], vec![]),
    })
}
