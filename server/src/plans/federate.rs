//! Plans as ActivityPub `Page`s: the fields our plan adds to its post, and a
//! remote plan mirrored from the `Page` its home instance sends. Extension
//! terms (`state`, `costEstimate`, `requestedBudget`, `history`, `stance`)
//! are described in docs/federation.md and at `/ns/knooppunt`.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter,
};
use serde_json::Value;

use super::entity::{history, invitation, owner, plan};
use super::service::{self, Source, check_geometry};
use super::state::State;
use crate::actors::entity::Model as Actor;
use crate::config::Config;
use crate::db::BeginWrite;
use crate::error::AppError;
use crate::state::AppState;
use crate::statuses::entity::{favourite, status};
use crate::text::sanitize_html;
use knooppunt_federation::vocab;

fn money(cents: Option<i64>, currency: &str) -> Option<Option<vocab::MonetaryAmount>> {
    // Sent as `null` when there is none: a copy then clears its own.
    Some(cents.map(|c| vocab::MonetaryAmount::new(c, currency)))
}

/// Turns the post of a plan into its `Page`; leaves other posts alone.
pub async fn extend_page(
    db: &impl ConnectionTrait,
    config: &Config,
    s: &status::Model,
    object: &mut vocab::Object,
) -> Result<(), AppError> {
    let Some(p) = plan::Entity::find()
        .filter(plan::Column::StatusId.eq(s.id))
        .one(db)
        .await?
    else {
        return Ok(());
    };
    let Some(fields) = object.fields() else {
        return Ok(());
    };
    let mut post = fields.clone();
    let owners = service::owners(db, p.id).await?;
    if !owners.is_empty() {
        post.attributed_to = owners.iter().map(|o| o.ap_id.clone()).collect();
    }
    post.name = Some(p.title.clone());
    post.summary = Some(p.summary.clone());
    post.content = Some(p.content.clone());
    post.url = vocab::Links::one(&service::html_url(config, p.id));
    post.updated = Some(p.updated_at);
    let supports = favourite::Entity::find()
        .filter(favourite::Column::StatusId.eq(s.id))
        .count(db)
        .await?;
    let (pro, contra, comments) = argument_counts(db, s.id).await?;
    let count = |n: u64| Some(i64::try_from(n).unwrap_or(i64::MAX));
    *object = vocab::Object::Page(vocab::Page {
        location: area(&p).map(Some),
        state: Some(p.state.clone()),
        cost_estimate: money(p.cost_estimate_cents, &p.currency),
        requested_budget: money(p.requested_budget_cents, &p.currency),
        likes: Some(vocab::Collection::counter(supports)),
        arguments_count: Some(vocab::ArgumentsCount {
            pro: count(pro),
            contra: count(contra),
            comments: count(comments),
        }),
        advice: Some(super::advice::page_entries(db, p.id).await?),
        history: Some(history_of(db, p.id).await?),
        ..vocab::Page::new(vocab::PageKind::Page, post)
    });
    Ok(())
}

/// The plan's area as a `Place`: its address, and its GeoJSON (a point
/// also as latitude and longitude).
fn area(p: &plan::Model) -> Option<vocab::Place> {
    if p.area_address.is_none() && p.area_geometry.is_none() {
        return None;
    }
    let geometry: Option<Value> = p
        .area_geometry
        .as_deref()
        .and_then(|g| serde_json::from_str(g).ok());
    let point = geometry
        .as_ref()
        .filter(|g| g["type"] == "Point")
        .map(|g| (g["coordinates"][1].as_f64(), g["coordinates"][0].as_f64()));
    let (latitude, longitude) = point.unwrap_or_default();
    Some(vocab::Place {
        name: p.area_address.clone(),
        address: p.area_address.clone().map(vocab::Address::Text),
        latitude,
        longitude,
        geometry,
        ..vocab::Place::default()
    })
}

/// The plan's history as its `PlanChange`s.
async fn history_of(
    db: &impl ConnectionTrait,
    plan_id: i64,
) -> Result<Vec<vocab::PlanChange>, AppError> {
    Ok(service::history_of(db, plan_id)
        .await?
        .into_iter()
        .map(|h| vocab::PlanChange {
            kind: "PlanChange".into(),
            actor: Some(h.actor_ap_id),
            action: Some(h.action),
            from_state: h.from_state,
            to_state: h.to_state,
            note: Some(h.note),
            fields: serde_json::from_str(&h.fields).unwrap_or_default(),
            published: Some(h.at),
        })
        .collect())
}

fn text(raw: Option<&str>, max: usize) -> String {
    crate::text::plain(raw.unwrap_or_default(), max)
}

/// What a remote plan's `Page` says, checked and cleaned.
struct PlanCopy {
    state: State,
    title: String,
    summary: String,
    content: String,
    address: Option<String>,
    geometry: Option<String>,
    cost_estimate: Option<i64>,
    requested_budget: Option<i64>,
    currency: String,
    supports: i64,
    pro: i64,
    contra: i64,
    comments: i64,
    created: DateTime<Utc>,
    updated: DateTime<Utc>,
}

impl PlanCopy {
    /// `None` for a Page without a known `state`: a plain article, not a plan.
    fn read(page: &vocab::Page) -> Option<PlanCopy> {
        let state = page.state.as_deref().and_then(State::parse)?;
        let location = page.place();
        let geometry = location
            .and_then(|l| l.geometry.as_ref())
            .filter(|g| check_geometry(g).is_ok())
            .map(Value::to_string);
        let address = location
            .and_then(|l| match &l.address {
                Some(vocab::Address::Text(a)) => Some(a.as_str()),
                Some(vocab::Address::Postal(_)) => None,
                None => l.name.as_deref(),
            })
            .map(|a| crate::text::plain(a, 500));
        let cents = |m: &Option<Option<vocab::MonetaryAmount>>| {
            m.as_ref().and_then(Option::as_ref).and_then(|m| m.cents())
        };
        // The currency of the budget if there is one, else of the estimate
        // (a budget sent as `null` is cleared, not a currency).
        let amount = |m: &Option<Option<vocab::MonetaryAmount>>| m.clone().flatten();
        let currency = amount(&page.requested_budget)
            .or_else(|| amount(&page.cost_estimate))
            .as_ref()
            .and_then(vocab::MonetaryAmount::currency_code)
            .map(str::to_string)
            .unwrap_or_else(|| "EUR".to_string());
        let count = |n: Option<i64>| n.filter(|n| *n >= 0).unwrap_or(0);
        let args = page.arguments_count.clone().unwrap_or_default();
        let post = &page.post;
        let updated = post.updated.unwrap_or_else(Utc::now);
        Some(PlanCopy {
            state,
            title: text(post.name.as_deref(), 200),
            summary: text(post.summary.as_deref(), 1_000),
            content: sanitize_html(post.content.as_deref().unwrap_or_default()),
            address,
            geometry,
            cost_estimate: cents(&page.cost_estimate),
            requested_budget: cents(&page.requested_budget),
            currency,
            supports: count(page.likes.as_ref().and_then(|l| l.total_items)),
            pro: count(args.pro),
            contra: count(args.contra),
            comments: count(args.comments),
            created: post.published.unwrap_or(updated),
            updated,
        })
    }

    /// The copy's row, new or over the one we had.
    fn onto(self, row: plan::ActiveModel) -> plan::ActiveModel {
        let mut active = row;
        active.title = Set(self.title);
        active.summary = Set(self.summary);
        active.content = Set(self.content);
        active.source = Set(None);
        active.area_address = Set(self.address);
        active.area_geometry = Set(self.geometry);
        active.cost_estimate_cents = Set(self.cost_estimate);
        active.requested_budget_cents = Set(self.requested_budget);
        active.currency = Set(self.currency);
        active.state = Set(self.state.as_str().into());
        active.updated_at = Set(self.updated);
        active.supports_count = Set(self.supports);
        active.pro_count = Set(self.pro);
        active.contra_count = Set(self.contra);
        active.comments_count = Set(self.comments);
        active
    }
}

/// Mirrors a remote plan from its `Page` (sent by the author, already stored
/// as post `s`). A Page without a known `state` is a plain article, not a plan.
pub async fn mirror(
    state: &AppState,
    object: &vocab::Page,
    s: &status::Model,
) -> Result<(), AppError> {
    let Some(copy) = PlanCopy::read(object).filter(|_| !s.local) else {
        return Ok(());
    };
    let (created, updated) = (copy.created, copy.updated);
    let owners = owners_named(state, &object.post.attributed_to).await;
    let known = plan::Entity::find()
        .filter(plan::Column::StatusId.eq(s.id))
        .one(&state.db)
        .await?;
    let advice_sent = object.advice.as_deref().unwrap_or_default();
    let advice = super::advice::resolve(state, &s.ap_id, known.as_ref(), advice_sent).await;

    let txn = state.db.begin_write().await?;
    let existing = plan::Entity::find()
        .filter(plan::Column::StatusId.eq(s.id))
        .one(&txn)
        .await?;
    let row = match existing {
        // An older Update arriving late does not undo a newer one.
        Some(p) if p.updated_at > updated => {
            txn.commit().await?;
            return Ok(());
        }
        Some(p) => p.into(),
        None => plan::ActiveModel {
            status_id: Set(s.id),
            local: Set(false),
            created_at: Set(created),
            ..Default::default()
        },
    };
    let p = sea_orm::TryIntoModel::try_into_model(copy.onto(row).save(&txn).await?)?;
    super::search::index(&txn, &p, s.actor_id).await?;
    let domain = &state.config.instance.domain;
    let consented = replace_owners(&txn, p.id, &owners, updated).await?;
    super::advice::mirror(&txn, p.id, &advice, domain).await?;
    let stated = object.history.as_deref().unwrap_or_default();
    mirror_history(&txn, p.id, stated, updated, domain, &consented).await?;
    txn.commit().await?;
    Ok(())
}

/// The owners a Page names that we know or can fetch, side by side and
/// capped; one that cannot be fetched now is left out until the next Update.
async fn owners_named(state: &AppState, attributed_to: &[String]) -> Vec<Actor> {
    let owner_ids: Vec<String> = attributed_to.iter().take(50).cloned().collect();
    let named = crate::federation::remote::actors_named(state, &owner_ids, 50).await;
    owner_ids
        .iter()
        .filter_map(|id| named.get(id).cloned())
        .collect()
}

/// Replaces a copy's owners with those its home names. An actor here is an
/// owner only if it accepted an invitation here. Returns the ids of the
/// local owners who did.
async fn replace_owners(
    txn: &impl ConnectionTrait,
    plan_id: i64,
    owners: &[Actor],
    updated: DateTime<Utc>,
) -> Result<Vec<String>, AppError> {
    owner::Entity::delete_many()
        .filter(owner::Column::PlanId.eq(plan_id))
        .exec(txn)
        .await?;
    let consented: Vec<i64> = invitation::Entity::find()
        .filter(invitation::Column::PlanId.eq(plan_id))
        .filter(invitation::Column::State.eq("accepted"))
        .all(txn)
        .await?
        .into_iter()
        .map(|i| i.actor_id)
        .collect();
    let owning = owners
        .iter()
        .filter(|o| !o.local || consented.contains(&o.id));
    for o in owning {
        owner::ActiveModel {
            plan_id: Set(plan_id),
            actor_id: Set(o.id),
            added_at: Set(updated),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    Ok(owners
        .iter()
        .filter(|o| o.local && consented.contains(&o.id))
        .map(|o| o.ap_id.clone())
        .collect())
}

/// Replaces a copy's history with what its home states. An entry naming an
/// actor here is kept only as often as that actor sent such a change from
/// here (the `sent` evidence): a home cannot make our people appear to
/// have acted.
async fn mirror_history(
    txn: &impl ConnectionTrait,
    plan_id: i64,
    entries: &[vocab::PlanChange],
    updated: DateTime<Utc>,
    local_domain: &str,
    consented: &[String],
) -> Result<(), AppError> {
    history::Entity::delete_many()
        .filter(history::Column::PlanId.eq(plan_id))
        .filter(history::Column::Source.eq(Source::Home.as_str()))
        .exec(txn)
        .await?;
    let sent = history::Entity::find()
        .filter(history::Column::PlanId.eq(plan_id))
        .filter(history::Column::Source.eq(Source::Sent.as_str()))
        .all(txn)
        .await?;
    let mut unmatched: Vec<(String, String, Option<String>)> = sent
        .into_iter()
        .map(|h| (h.actor_ap_id, h.action, h.to_state))
        .collect();
    for h in entries.iter().take(1_000) {
        let Some(entry) = HistoryEntry::read(h, updated) else {
            continue;
        };
        if !entry.stands(plan_id, local_domain, consented, &mut unmatched) {
            continue;
        }
        history::ActiveModel {
            plan_id: Set(plan_id),
            actor_ap_id: Set(entry.actor),
            action: Set(entry.action),
            from_state: Set(entry.from_state),
            to_state: Set(entry.to_state),
            note: Set(entry.note),
            fields: Set(serde_json::to_string(&entry.fields)
                .map_err(|e| AppError::Internal(e.to_string()))?),
            at: Set(entry.at),
            source: Set(Source::Home.as_str().to_string()),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

/// One entry of a copy's history, as its home states it.
struct HistoryEntry {
    actor: String,
    action: String,
    from_state: Option<String>,
    to_state: Option<String>,
    note: String,
    fields: Vec<String>,
    at: DateTime<Utc>,
}

impl HistoryEntry {
    fn read(h: &vocab::PlanChange, updated: DateTime<Utc>) -> Option<HistoryEntry> {
        let actor = h.actor.as_deref().filter(|a| a.len() <= 2048)?;
        let action = h.action.as_deref().unwrap_or_default();
        if !matches!(
            action,
            "created" | "edited" | "state" | "progress" | "owner_added"
        ) {
            return None;
        }
        let state_of = |s: &Option<String>| {
            s.as_deref()
                .and_then(State::parse)
                .map(|s| s.as_str().to_string())
        };
        let fields = h
            .fields
            .iter()
            .take(20)
            .map(|s| s.chars().take(40).collect())
            .collect();
        Some(HistoryEntry {
            actor: actor.to_string(),
            action: action.to_string(),
            from_state: state_of(&h.from_state),
            to_state: state_of(&h.to_state),
            note: text(h.note.as_deref(), 10_000),
            fields,
            at: h.published.unwrap_or(updated),
        })
    }

    /// Whether the entry may stand: a new owner of ours named in the note
    /// must have accepted here, and an actor of ours must have sent such a
    /// change from here (each piece of evidence is used once).
    fn stands(
        &self,
        plan_id: i64,
        local_domain: &str,
        consented: &[String],
        unmatched: &mut Vec<(String, String, Option<String>)>,
    ) -> bool {
        let ours = |id: &str| vocab::host_of(id).as_deref() == Some(local_domain);
        if self.action == "owner_added" && ours(&self.note) && !consented.contains(&self.note) {
            tracing::info!(plan_id, owner = %self.note, "a copy's home names a local owner that did not accept here; entry left out");
            return false;
        }
        if !ours(&self.actor) {
            return true;
        }
        let evidence = unmatched.iter().position(|(a, act, to)| {
            *a == self.actor
                && *act == self.action
                && (self.action != "state" || *to == self.to_state)
        });
        match evidence {
            Some(i) => {
                unmatched.remove(i);
                true
            }
            None => {
                tracing::info!(plan_id, actor = %self.actor, action = %self.action, "a copy's home names a local actor that did not act here; entry left out");
                false
            }
        }
    }
}

/// Public replies to a plan's post: arguments pro, contra, and comments,
/// counted by the database.
pub async fn argument_counts(
    db: &impl ConnectionTrait,
    status_id: i64,
) -> Result<(u64, u64, u64), AppError> {
    super::store::argument_counts(db, status_id).await
}

/// Registered for status changes: a support or a reply on one of our plans
/// changes its counts.
pub fn on_status_change<'a>(
    txn: &'a sea_orm::DatabaseTransaction,
    config: &'a Config,
    change: &'a crate::statuses::changes::StatusChange,
) -> crate::hooks::HookFuture<'a> {
    Box::pin(async move {
        match change.counts_of() {
            Some(status_id) => super::updates::counts_changed(txn, config, status_id).await,
            None => Ok(()),
        }
    })
}

/// [`extend_page`] as a hook on every status's object.
pub fn render_hook<'a>(
    db: &'a sea_orm::DatabaseExecutor<'a>,
    config: &'a Config,
    s: &'a status::Model,
    object: &'a mut vocab::Object,
) -> crate::hooks::HookFuture<'a> {
    Box::pin(extend_page(db, config, s, object))
}

/// [`mirror`] as the keeper of stored remote `Page`s.
pub fn stored_hook<'a>(
    state: &'a AppState,
    object: &'a vocab::Object,
    s: &'a status::Model,
) -> crate::hooks::HookFuture<'a> {
    Box::pin(async move {
        match object {
            vocab::Object::Page(page) => mirror(state, page, s).await,
            _ => Ok(()),
        }
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    fn page(v: Value) -> vocab::Page {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn a_copy_reads_the_page_its_home_sends() {
        let sent = json!({
            "id": "https://a.example/users/x/statuses/1", "type": "Page", "state": "proposal",
            "name": "Bankje", "summary": "Kort", "content": "<p>Hier</p>",
            "published": "2026-11-01T10:00:00.000Z", "updated": "2026-11-02T10:00:00.000Z",
            "location": {"type": "Place", "name": "Bergweg 1", "address": "Bergweg 1",
                "geometry": {"type": "Point", "coordinates": [4.5, 51.9]}},
            "costEstimate": {"type": "MonetaryAmount", "amount": 1250, "currency": "EUR"},
            "requestedBudget": null,
            "likes": {"type": "Collection", "totalItems": 3},
            "argumentsCount": {"pro": 2, "contra": "1", "comments": -4},
        });
        let copy = PlanCopy::read(&page(sent.clone())).unwrap();
        assert_eq!(copy.state, State::Proposal);
        assert_eq!(
            (copy.title.as_str(), copy.summary.as_str()),
            ("Bankje", "Kort")
        );
        assert_eq!(copy.address.as_deref(), Some("Bergweg 1"));
        assert!(copy.geometry.unwrap().contains("Point"));
        assert_eq!(
            (copy.cost_estimate, copy.requested_budget),
            (Some(1250), None)
        );
        assert_eq!(
            (copy.supports, copy.pro, copy.contra, copy.comments),
            (3, 2, 1, 0)
        );
        assert!(copy.created < copy.updated);
        // The currency is the budget's, or with the budget cleared the estimate's.
        let mut dollars = sent.clone();
        dollars["costEstimate"]["currency"] = json!("USD");
        assert_eq!(
            PlanCopy::read(&page(dollars.clone())).unwrap().currency,
            "USD"
        );
        dollars["requestedBudget"] =
            json!({"type": "MonetaryAmount", "amount": 5, "currency": "GBP"});
        assert_eq!(PlanCopy::read(&page(dollars)).unwrap().currency, "GBP");
        // A place without an address is read by its name; an article is no plan.
        let mut named = sent.clone();
        named["location"] = json!({"type": "Place", "name": "Plein"});
        assert_eq!(
            PlanCopy::read(&page(named)).unwrap().address.as_deref(),
            Some("Plein")
        );
        let mut article = sent;
        article["state"] = json!("bedacht");
        assert!(PlanCopy::read(&page(article)).is_none());
    }

    #[test]
    fn history_entries_of_unknown_actions_are_left_out() {
        let at = Utc::now();
        let change = |action: &str| -> vocab::PlanChange {
            serde_json::from_value(
                json!({"type": "PlanChange", "actor": "https://a.example/users/x",
                "action": action, "toState": "proposal", "fromState": "nonsense",
                "fields": ["title", 5], "note": "<b>ok</b>"}),
            )
            .unwrap()
        };
        let entry = HistoryEntry::read(&change("state"), at).unwrap();
        assert_eq!(entry.to_state.as_deref(), Some("proposal"));
        assert_eq!(entry.from_state, None);
        assert_eq!(entry.fields, ["title"]);
        assert_eq!((entry.note.as_str(), entry.at), ("ok", at));
        assert!(HistoryEntry::read(&change("hacked"), at).is_none());
    }
}
