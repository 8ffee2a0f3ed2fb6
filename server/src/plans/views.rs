//! What the plan API shows: its JSON shapes, and their assembly from the
//! read models in `store.rs`, one batch of statements for a whole list.

use std::collections::HashMap;

use sea_orm::ConnectionTrait;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::entity::{advice, history, invitation, plan};
use super::store::{self, PlanRow};
use crate::actors::entity::Model as Actor;
use crate::config::Config;
use crate::error::AppError;
use crate::http::time;
use crate::statuses::entity::status;
use crate::statuses::views;

/// Money as the API writes it: whole cents and a currency (ISO 4217).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MoneyView {
    pub amount_cents: i64,
    pub currency: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AreaView {
    pub address: Option<String>,
    /// A GeoJSON Point or Polygon.
    #[schema(value_type = Option<Object>)]
    pub geometry: Option<Value>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ArgumentCounts {
    pub pro: u64,
    pub contra: u64,
    pub comments: u64,
}

/// A plan. `owners` are Mastodon API accounts; `polls` Mastodon API statuses.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlanView {
    pub id: String,
    /// The plan's ActivityPub id.
    pub uri: String,
    /// The plan's web page (at its home instance).
    pub url: String,
    /// The plan's post in the Mastodon client API.
    pub status_id: String,
    /// False for a copy of a plan from another instance.
    pub local: bool,
    /// For a copy: the host of the plan's home, whose claims its owners,
    /// history and unverified advice are.
    pub home: Option<String>,
    pub title: String,
    pub summary: String,
    /// Sanitised HTML.
    pub content: String,
    pub themes: Vec<String>,
    pub area: Option<AreaView>,
    pub cost_estimate: Option<MoneyView>,
    pub requested_budget: Option<MoneyView>,
    /// idea, proposal, adopted, rejected, in_progress, done or withdrawn.
    pub state: String,
    #[schema(value_type = Vec<Object>)]
    pub owners: Vec<Value>,
    pub supports_count: u64,
    /// Whether the caller supports it.
    pub supported: bool,
    pub arguments_count: ArgumentCounts,
    pub advice: Vec<AdviceView>,
    #[schema(value_type = Vec<Object>)]
    pub polls: Vec<Value>,
    pub created_at: String,
    pub updated_at: String,
}

/// An argument (with a stance) or a comment on a plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArgumentView {
    pub id: String,
    pub uri: String,
    #[schema(value_type = Object)]
    pub account: Value,
    pub content: String,
    /// pro, contra, or null for a comment.
    pub stance: Option<String>,
    pub supports_count: u64,
    pub created_at: String,
}

/// Arguments side by side, and comments.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArgumentsView {
    pub pro: Vec<ArgumentView>,
    pub contra: Vec<ArgumentView>,
    pub comments: Vec<ArgumentView>,
}

/// One entry of a plan's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryView {
    /// Who: an actor's ActivityPub id.
    pub actor: String,
    /// created, edited, state, progress or owner_added.
    pub action: String,
    pub from_state: Option<String>,
    pub to_state: Option<String>,
    /// A decision's reason, a progress report, results, or the new owner.
    pub note: String,
    /// The fields an edit changed.
    pub fields: Vec<String>,
    pub at: String,
    /// On a copy: what the plan's home states, not seen here. Entries that
    /// name actors of this instance are kept only when they acted here.
    pub claimed: bool,
}

/// Advice asked of someone, and their answer once given.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AdviceView {
    pub id: String,
    #[schema(value_type = Object)]
    pub advisor: Value,
    pub requester: String,
    pub question: String,
    /// positive, conditions, negative, or null while not given. Shown only
    /// when verified: given here, received signed by the advisor, or
    /// fetched from the advisor's own server.
    pub verdict: Option<String>,
    pub reasons: String,
    /// On a copy: the verdict the plan's home reports but that could not be
    /// verified yet.
    pub claimed_verdict: Option<String>,
    pub created_at: String,
    pub answered_at: Option<String>,
}

/// Advice asked of the caller, with the plan it is about.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdviceRequestView {
    #[serde(flatten)]
    pub advice: AdviceView,
    pub plan: PlanView,
}

/// An invitation to co-own a plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationView {
    pub id: String,
    /// pending, accepted or rejected.
    pub state: String,
    pub inviter: String,
    #[schema(value_type = Object)]
    pub invitee: Value,
    pub plan: PlanView,
    pub created_at: String,
}

/// The answer to adding an owner: the plan, and the invitation if one was sent.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnerAdded {
    pub plan: PlanView,
    pub invitation: Option<InvitationState>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationState {
    pub id: String,
    pub state: String,
}

/// A member named by a group's moderator to edit a plan for the group.
#[derive(Debug, Serialize, ToSchema)]
pub struct EditorView {
    /// The owning group the editor acts for.
    #[schema(value_type = Object)]
    pub group: Value,
    #[schema(value_type = Object)]
    pub account: Value,
    pub created_at: String,
}

fn money(cents: Option<i64>, currency: &str) -> Option<MoneyView> {
    cents.map(|c| MoneyView {
        amount_cents: c,
        currency: currency.to_string(),
    })
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// What a list of plans shows besides the plans' own rows, loaded for the
/// whole list at once.
struct Related {
    owners: HashMap<i64, Vec<Actor>>,
    themes: HashMap<i64, Vec<String>>,
    advice: HashMap<i64, Vec<AdviceView>>,
    polls: HashMap<i64, Vec<Value>>,
    accounts: HashMap<i64, Value>,
}

impl Related {
    async fn load(
        db: &impl ConnectionTrait,
        config: &Config,
        rows: &[PlanRow],
        viewer: Option<i64>,
    ) -> Result<Self, AppError> {
        let plan_ids: Vec<i64> = rows.iter().map(|r| r.plan.id).collect();
        let status_ids: Vec<i64> = rows.iter().map(|r| r.plan.status_id).collect();
        let owners = store::owners_of(db, &plan_ids).await?;
        let themes = store::themes_of(db, &status_ids).await?;
        let advice_rows = store::advice_of(db, &plan_ids, None).await?;
        let accounts = views::accounts_by_id(
            db,
            config,
            owners
                .values()
                .flatten()
                .chain(advice_rows.iter().map(|(_, a)| a)),
        )
        .await?;
        let mut advice: HashMap<i64, Vec<AdviceView>> = HashMap::new();
        for (r, _) in &advice_rows {
            let view = advice_view(r, accounts.get(&r.advisor_id).cloned());
            advice.entry(r.plan_id).or_default().push(view);
        }
        let polls = polls_by_plan(db, config, rows, &owners, viewer).await?;
        Ok(Self {
            owners,
            themes,
            advice,
            polls,
            accounts,
        })
    }
}

/// The polls on each plan: replies to its post that carry a poll, by its owners.
async fn polls_by_plan(
    db: &impl ConnectionTrait,
    config: &Config,
    rows: &[PlanRow],
    owners: &HashMap<i64, Vec<Actor>>,
    viewer: Option<i64>,
) -> Result<HashMap<i64, Vec<Value>>, AppError> {
    let status_ids: Vec<i64> = rows.iter().map(|r| r.plan.status_id).collect();
    let plan_of_status: HashMap<i64, i64> =
        rows.iter().map(|r| (r.plan.status_id, r.plan.id)).collect();
    let by_owner = |s: &status::Model| {
        s.in_reply_to_id
            .and_then(|parent| plan_of_status.get(&parent))
            .and_then(|plan_id| owners.get(plan_id))
            .is_some_and(|o| o.iter().any(|a| a.id == s.actor_id))
    };
    let polls: Vec<status::Model> = store::polls_under(db, &status_ids)
        .await?
        .into_iter()
        .filter(by_owner)
        .collect();
    let rendered = views::statuses(db, config, &polls, viewer).await?;
    let mut out: HashMap<i64, Vec<Value>> = HashMap::new();
    for (s, json) in polls.iter().zip(rendered) {
        if let Some(plan_id) = s.in_reply_to_id.and_then(|p| plan_of_status.get(&p)) {
            out.entry(*plan_id).or_default().push(json);
        }
    }
    Ok(out)
}

fn assemble(row: PlanRow, related: &mut Related) -> PlanView {
    let p = row.plan;
    let (supports_count, arguments_count) = if p.local {
        let (pro, contra) = (count(row.live_pro), count(row.live_contra));
        let comments = count(row.live_replies).saturating_sub(pro + contra);
        (
            count(row.live_supports),
            ArgumentCounts {
                pro,
                contra,
                comments,
            },
        )
    } else {
        (
            count(p.supports_count),
            ArgumentCounts {
                pro: count(p.pro_count),
                contra: count(p.contra_count),
                comments: count(p.comments_count),
            },
        )
    };
    let geometry: Option<Value> = p
        .area_geometry
        .as_deref()
        .and_then(|g| serde_json::from_str(g).ok());
    let owners = related.owners.remove(&p.id).unwrap_or_default();
    PlanView {
        id: p.id.to_string(),
        url: row.status_url.unwrap_or_else(|| row.status_ap_id.clone()),
        home: if p.local {
            None
        } else {
            knooppunt_federation::vocab::host_of(&row.status_ap_id)
        },
        uri: row.status_ap_id,
        status_id: p.status_id.to_string(),
        local: p.local,
        themes: related.themes.remove(&p.status_id).unwrap_or_default(),
        area: if p.area_address.is_none() && geometry.is_none() {
            None
        } else {
            Some(AreaView {
                address: p.area_address.clone(),
                geometry,
            })
        },
        cost_estimate: money(p.cost_estimate_cents, &p.currency),
        requested_budget: money(p.requested_budget_cents, &p.currency),
        owners: owners
            .iter()
            .filter_map(|a| related.accounts.get(&a.id).cloned())
            .collect(),
        supports_count,
        supported: row.viewer_supports > 0,
        arguments_count,
        advice: related.advice.remove(&p.id).unwrap_or_default(),
        polls: related.polls.remove(&p.id).unwrap_or_default(),
        created_at: time(&p.created_at),
        updated_at: time(&p.updated_at),
        title: p.title,
        summary: p.summary,
        content: p.content,
        state: p.state,
    }
}

/// Plans as the API shows them, in the order of `rows`.
pub async fn plans(
    db: &impl ConnectionTrait,
    config: &Config,
    rows: Vec<PlanRow>,
    viewer: Option<i64>,
) -> Result<Vec<PlanView>, AppError> {
    let mut related = Related::load(db, config, &rows, viewer).await?;
    Ok(rows
        .into_iter()
        .map(|row| assemble(row, &mut related))
        .collect())
}

/// The plans with these ids as the API shows them, by id.
pub async fn plans_by_id(
    db: &impl ConnectionTrait,
    config: &Config,
    ids: &[i64],
    viewer: Option<i64>,
) -> Result<HashMap<i64, PlanView>, AppError> {
    let rows = store::by_ids(db, ids, viewer).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.plan.id).collect();
    Ok(ids
        .into_iter()
        .zip(plans(db, config, rows, viewer).await?)
        .collect())
}

/// A plan as the API shows it.
pub async fn view(
    db: &impl ConnectionTrait,
    config: &Config,
    p: &plan::Model,
    viewer: Option<i64>,
) -> Result<PlanView, AppError> {
    plans_by_id(db, config, &[p.id], viewer)
        .await?
        .remove(&p.id)
        .ok_or_else(|| AppError::Internal("a plan without its post".into()))
}

/// Arguments and comments (in the order given) by stance, each with its
/// author and support count.
pub async fn arguments(
    db: &impl ConnectionTrait,
    config: &Config,
    replies: Vec<status::Model>,
) -> Result<ArgumentsView, AppError> {
    let ids: Vec<i64> = replies.iter().map(|r| r.id).collect();
    let supports = store::supports_of(db, &ids).await?;
    let authors = crate::actors::store::by_ids(db, replies.iter().map(|r| r.actor_id)).await?;
    let accounts = views::accounts_by_id(db, config, authors.values()).await?;
    let (mut pro, mut contra, mut comments) = (vec![], vec![], vec![]);
    for r in replies {
        let item = ArgumentView {
            id: r.id.to_string(),
            account: accounts.get(&r.actor_id).cloned().unwrap_or(Value::Null),
            supports_count: supports.get(&r.id).copied().unwrap_or(0),
            created_at: time(&r.created_at),
            uri: r.ap_id,
            content: r.content,
            stance: r.stance.clone(),
        };
        match r.stance.as_deref() {
            Some("pro") => pro.push(item),
            Some("contra") => contra.push(item),
            _ => comments.push(item),
        }
    }
    Ok(ArgumentsView {
        pro,
        contra,
        comments,
    })
}

/// Advice as the API shows it: verdicts only once verified.
pub fn advice_view(r: &advice::Model, advisor: Option<Value>) -> AdviceView {
    AdviceView {
        id: r.id.to_string(),
        advisor: advisor.unwrap_or(Value::Null),
        requester: r.requester_ap_id.clone(),
        question: r.question.clone(),
        verdict: r.verdict.clone().filter(|_| r.verified),
        reasons: if r.verified {
            r.reasons.clone()
        } else {
            String::new()
        },
        claimed_verdict: r.verdict.clone().filter(|_| !r.verified),
        created_at: time(&r.created_at),
        answered_at: r.answered_at.as_ref().map(time).filter(|_| r.verified),
    }
}

/// Advice with its advisors, in the order given.
pub async fn advice_list(
    db: &impl ConnectionTrait,
    config: &Config,
    rows: &[(advice::Model, Actor)],
) -> Result<Vec<AdviceView>, AppError> {
    let accounts = views::accounts_by_id(db, config, rows.iter().map(|(_, a)| a)).await?;
    Ok(rows
        .iter()
        .map(|(r, a)| advice_view(r, accounts.get(&a.id).cloned()))
        .collect())
}

/// Advice asked of the caller, each with its plan.
pub async fn advice_requests(
    db: &impl ConnectionTrait,
    config: &Config,
    rows: Vec<advice::Model>,
    viewer: i64,
) -> Result<Vec<AdviceRequestView>, AppError> {
    let plan_ids: Vec<i64> = rows.iter().map(|r| r.plan_id).collect();
    let plans = plans_by_id(db, config, &plan_ids, Some(viewer)).await?;
    let advisors = crate::actors::store::by_ids(db, rows.iter().map(|r| r.advisor_id)).await?;
    let accounts = views::accounts_by_id(db, config, advisors.values()).await?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            // A plan asked about twice is shown twice.
            let plan = plans.get(&r.plan_id)?.clone();
            Some(AdviceRequestView {
                advice: advice_view(r, accounts.get(&r.advisor_id).cloned()),
                plan,
            })
        })
        .collect())
}

/// A plan's history as the API shows it, oldest first.
pub fn history(entries: &[history::Model]) -> Vec<HistoryView> {
    entries
        .iter()
        .map(|h| HistoryView {
            actor: h.actor_ap_id.clone(),
            action: h.action.clone(),
            from_state: h.from_state.clone(),
            to_state: h.to_state.clone(),
            note: h.note.clone(),
            fields: serde_json::from_str(&h.fields).unwrap_or_default(),
            at: time(&h.at),
            claimed: h.source == super::service::Source::Home.as_str(),
        })
        .collect()
}

/// Invitations as the API shows them; each plan is read and rendered once,
/// however many of its invitations are listed.
pub async fn invitations(
    db: &impl ConnectionTrait,
    config: &Config,
    invs: Vec<invitation::Model>,
    viewer: i64,
) -> Result<Vec<InvitationView>, AppError> {
    let plan_ids: Vec<i64> = invs.iter().map(|i| i.plan_id).collect();
    let plans = plans_by_id(db, config, &plan_ids, Some(viewer)).await?;
    let invitees = crate::actors::store::by_ids(db, invs.iter().map(|i| i.actor_id)).await?;
    let accounts = views::accounts_by_id(db, config, invitees.values()).await?;
    invs.into_iter()
        .map(|inv| {
            let plan = plans
                .get(&inv.plan_id)
                .cloned()
                .ok_or_else(|| AppError::NotFound(msg!("error-plan-gone")))?;
            let invitee = accounts
                .get(&inv.actor_id)
                .cloned()
                .ok_or_else(|| AppError::NotFound(msg!("error-record-not-found")))?;
            Ok(InvitationView {
                id: inv.id.to_string(),
                invitee,
                created_at: time(&inv.created_at),
                state: inv.state,
                inviter: inv.inviter_ap_id,
                plan,
            })
        })
        .collect()
}

/// The members who edit a plan for its owning groups here.
pub async fn editors(
    db: &impl ConnectionTrait,
    config: &Config,
    plan_id: i64,
) -> Result<Vec<EditorView>, AppError> {
    let rows = super::editors::of_plan(db, plan_id).await?;
    let accounts =
        views::accounts_by_id(db, config, rows.iter().flat_map(|(_, g, p)| [g, p])).await?;
    let account = |a: &Actor| accounts.get(&a.id).cloned().unwrap_or(Value::Null);
    Ok(rows
        .iter()
        .map(|(e, group, person)| EditorView {
            group: account(group),
            account: account(person),
            created_at: time(&e.created_at),
        })
        .collect())
}
