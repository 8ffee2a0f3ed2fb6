//! Plans as ActivityPub `Page`s: the fields our plan adds to its post, and a
//! remote plan mirrored from the `Page` its home instance sends. Extension
//! terms (`state`, `costEstimate`, `requestedBudget`, `history`, `stance`)
//! are described in docs/federation.md and at `/ns/knooppunt`.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter,
};
use serde_json::{Value, json};

use super::entity::{history, invitation, owner, plan};
use super::service::{self, Source, check_geometry};
use super::state::State;
use crate::actors::entity::Model as Actor;
use crate::config::Config;
use crate::db::BeginWrite;
use crate::error::AppError;
use crate::http::time;
use crate::state::AppState;
use crate::statuses::entity::{favourite, status};
use crate::text::sanitize_html;

fn money(cents: Option<i64>, currency: &str) -> Value {
    match cents {
        Some(c) => json!({ "type": "MonetaryAmount", "amount": c, "currency": currency }),
        None => Value::Null,
    }
}

/// Turns the post of a plan into its `Page`; leaves other posts alone.
pub async fn extend_page(
    db: &impl ConnectionTrait,
    config: &Config,
    s: &status::Model,
    object: &mut Value,
) -> Result<(), AppError> {
    let Some(p) = plan::Entity::find()
        .filter(plan::Column::StatusId.eq(s.id))
        .one(db)
        .await?
    else {
        return Ok(());
    };
    let owners = service::owners(db, p.id).await?;
    let mut attributed: Vec<String> = owners.iter().map(|o| o.ap_id.clone()).collect();
    if attributed.is_empty() {
        attributed.push(
            object["attributedTo"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
        );
    }
    let history = service::history_of(db, p.id).await?;
    let supports = favourite::Entity::find()
        .filter(favourite::Column::StatusId.eq(s.id))
        .count(db)
        .await?;
    object["type"] = json!("Page");
    object["name"] = json!(p.title);
    object["summary"] = json!(p.summary);
    object["content"] = json!(p.content);
    object["url"] = json!(service::html_url(config, p.id));
    object["attributedTo"] = json!(attributed);
    object["updated"] = json!(time(&p.updated_at));
    if p.area_address.is_some() || p.area_geometry.is_some() {
        let geometry: Option<Value> = p
            .area_geometry
            .as_deref()
            .and_then(|g| serde_json::from_str(g).ok());
        let mut place =
            json!({ "type": "Place", "name": p.area_address, "address": p.area_address });
        if let Some(g) = &geometry {
            if g["type"] == "Point" {
                place["longitude"] = g["coordinates"][0].clone();
                place["latitude"] = g["coordinates"][1].clone();
            }
            place["geometry"] = g.clone();
        }
        object["location"] = place;
    }
    object["state"] = json!(p.state);
    object["costEstimate"] = money(p.cost_estimate_cents, &p.currency);
    object["requestedBudget"] = money(p.requested_budget_cents, &p.currency);
    object["likes"] = json!({ "type": "Collection", "totalItems": supports });
    let (pro, contra, comments) = argument_counts(db, s.id).await?;
    object["argumentsCount"] = json!({ "pro": pro, "contra": contra, "comments": comments });
    object["advice"] = json!(super::advice::page_entries(db, p.id).await?);
    object["history"] = json!(
        history
            .iter()
            .map(|h| json!({
                "type": "PlanChange",
                "actor": h.actor_ap_id,
                "action": h.action,
                "fromState": h.from_state,
                "toState": h.to_state,
                "note": h.note,
                "fields": serde_json::from_str::<Value>(&h.fields).unwrap_or(json!([])),
                "published": time(&h.at),
            }))
            .collect::<Vec<_>>()
    );
    Ok(())
}

fn parse_time(v: Option<&Value>) -> Option<DateTime<Utc>> {
    v.and_then(Value::as_str)
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc))
}

fn text(object: &Value, key: &str, max: usize) -> String {
    let raw = object.get(key).and_then(Value::as_str).unwrap_or_default();
    ammonia::Builder::empty()
        .clean(raw)
        .to_string()
        .chars()
        .take(max)
        .collect()
}

fn cents(v: Option<&Value>) -> Option<i64> {
    v.and_then(|m| m.get("amount"))
        .and_then(Value::as_i64)
        .filter(|c| *c >= 0)
}

/// Mirrors a remote plan from its `Page` (sent by the author, already stored
/// as post `s`). A Page without a known `state` is a plain article, not a plan.
pub async fn mirror(state: &AppState, object: &Value, s: &status::Model) -> Result<(), AppError> {
    let Some(plan_state) = object
        .get("state")
        .and_then(Value::as_str)
        .and_then(State::parse)
    else {
        return Ok(());
    };
    if s.local {
        return Ok(());
    }
    let geometry = object
        .get("location")
        .and_then(|l| l.get("geometry"))
        .filter(|g| check_geometry(g).is_ok())
        .map(Value::to_string);
    let address = object
        .get("location")
        .and_then(|l| l.get("address").or_else(|| l.get("name")))
        .and_then(Value::as_str)
        .map(|a| {
            ammonia::Builder::empty()
                .clean(a)
                .to_string()
                .chars()
                .take(500)
                .collect()
        });
    let currency = object
        .get("requestedBudget")
        .or_else(|| object.get("costEstimate"))
        .and_then(|m| m.get("currency"))
        .and_then(Value::as_str)
        .filter(|c| c.len() == 3 && c.chars().all(|ch| ch.is_ascii_uppercase()))
        .unwrap_or("EUR")
        .to_string();
    // Owners we know or can fetch, side by side and capped; one that cannot
    // be fetched now is left out until the next Update.
    let owner_ids: Vec<String> = knooppunt_federation::vocab::ids(object.get("attributedTo"))
        .into_iter()
        .take(50)
        .collect();
    let named = crate::federation::remote::actors_named(state, &owner_ids, 50).await;
    let owners: Vec<Actor> = owner_ids
        .iter()
        .filter_map(|id| named.get(id).cloned())
        .collect();
    let updated = parse_time(object.get("updated")).unwrap_or_else(Utc::now);
    let created = parse_time(object.get("published")).unwrap_or(updated);
    let known = plan::Entity::find()
        .filter(plan::Column::StatusId.eq(s.id))
        .one(&state.db)
        .await?;
    let advice = super::advice::resolve(
        state,
        &s.ap_id,
        known.as_ref(),
        object
            .get("advice")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default(),
    )
    .await;

    let txn = state.db.begin_write().await?;
    let existing = plan::Entity::find()
        .filter(plan::Column::StatusId.eq(s.id))
        .one(&txn)
        .await?;
    let mut active = match existing {
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
            supports_count: Set(0),
            pro_count: Set(0),
            contra_count: Set(0),
            comments_count: Set(0),
            ..Default::default()
        },
    };
    active.title = Set(text(object, "name", 200));
    active.summary = Set(text(object, "summary", 1_000));
    active.content = Set(sanitize_html(
        object
            .get("content")
            .and_then(Value::as_str)
            .unwrap_or_default(),
    ));
    active.source = Set(None);
    active.area_address = Set(address);
    active.area_geometry = Set(geometry);
    active.cost_estimate_cents = Set(cents(object.get("costEstimate")));
    active.requested_budget_cents = Set(cents(object.get("requestedBudget")));
    active.currency = Set(currency);
    active.state = Set(plan_state.as_str().into());
    active.updated_at = Set(updated);
    let count = |v: Option<&Value>| v.and_then(Value::as_i64).filter(|n| *n >= 0).unwrap_or(0);
    active.supports_count = Set(count(object.get("likes").and_then(|l| l.get("totalItems"))));
    let args = object.get("argumentsCount");
    active.pro_count = Set(count(args.and_then(|a| a.get("pro"))));
    active.contra_count = Set(count(args.and_then(|a| a.get("contra"))));
    active.comments_count = Set(count(args.and_then(|a| a.get("comments"))));
    let p = sea_orm::TryIntoModel::try_into_model(active.save(&txn).await?)?;
    let plan_id = p.id;
    super::search::index(&txn, &p, s.actor_id).await?;
    owner::Entity::delete_many()
        .filter(owner::Column::PlanId.eq(plan_id))
        .exec(&txn)
        .await?;
    // The home's word for its owners; an actor here is an owner only if it
    // accepted an invitation here.
    let consented: Vec<i64> = invitation::Entity::find()
        .filter(invitation::Column::PlanId.eq(plan_id))
        .filter(invitation::Column::State.eq("accepted"))
        .all(&txn)
        .await?
        .into_iter()
        .map(|i| i.actor_id)
        .collect();
    for o in owners
        .iter()
        .filter(|o| !o.local || consented.contains(&o.id))
    {
        owner::ActiveModel {
            plan_id: Set(plan_id),
            actor_id: Set(o.id),
            added_at: Set(updated),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    super::advice::mirror(&txn, plan_id, &advice, &state.config.instance.domain).await?;
    let consented_ids: Vec<String> = owners
        .iter()
        .filter(|o| o.local && consented.contains(&o.id))
        .map(|o| o.ap_id.clone())
        .collect();
    mirror_history(
        &txn,
        plan_id,
        object,
        updated,
        &state.config.instance.domain,
        &consented_ids,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Replaces a copy's history with what its home states. An entry naming an
/// actor here is kept only as often as that actor sent such a change from
/// here (the `sent` evidence): a home cannot make our people appear to
/// have acted.
async fn mirror_history(
    txn: &impl ConnectionTrait,
    plan_id: i64,
    object: &Value,
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
    let entries = object
        .get("history")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    for h in entries.iter().take(1_000) {
        let Some(actor) = h
            .get("actor")
            .and_then(Value::as_str)
            .filter(|a| a.len() <= 2048)
        else {
            continue;
        };
        let action = h.get("action").and_then(Value::as_str).unwrap_or_default();
        if !matches!(
            action,
            "created" | "edited" | "state" | "progress" | "owner_added"
        ) {
            continue;
        }
        let state_of = |k: &str| {
            h.get(k)
                .and_then(Value::as_str)
                .and_then(State::parse)
                .map(|s| s.as_str().to_string())
        };
        let to_state = state_of("toState");
        let note = text(h, "note", 10_000);
        // A new owner named in the note who is one of ours must have
        // accepted here, whoever the home says added it.
        if action == "owner_added"
            && knooppunt_federation::vocab::host_of(&note).as_deref() == Some(local_domain)
            && !consented.contains(&note)
        {
            tracing::info!(plan_id, owner = %note, "a copy's home names a local owner that did not accept here; entry left out");
            continue;
        }
        if knooppunt_federation::vocab::host_of(actor).as_deref() == Some(local_domain) {
            let evidence = unmatched.iter().position(|(a, act, to)| {
                a == actor && act == action && (action != "state" || *to == to_state)
            });
            match evidence {
                Some(i) => {
                    unmatched.remove(i);
                }
                None => {
                    tracing::info!(plan_id, actor = %actor, action, "a copy's home names a local actor that did not act here; entry left out");
                    continue;
                }
            }
        }
        let fields: Vec<String> = h
            .get("fields")
            .and_then(Value::as_array)
            .map(|f| {
                f.iter()
                    .filter_map(Value::as_str)
                    .take(20)
                    .map(|s| s.chars().take(40).collect())
                    .collect()
            })
            .unwrap_or_default();
        history::ActiveModel {
            plan_id: Set(plan_id),
            actor_ap_id: Set(actor.to_string()),
            action: Set(action.to_string()),
            from_state: Set(state_of("fromState")),
            to_state: Set(to_state),
            note: Set(note),
            fields: Set(json!(fields).to_string()),
            at: Set(parse_time(h.get("published")).unwrap_or(updated)),
            source: Set(Source::Home.as_str().to_string()),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    Ok(())
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
    object: &'a mut Value,
) -> crate::hooks::HookFuture<'a> {
    Box::pin(extend_page(db, config, s, object))
}

/// [`mirror`] as a hook on every stored remote post; only a `Page` concerns us.
pub fn stored_hook<'a>(
    state: &'a AppState,
    object: &'a Value,
    s: &'a status::Model,
) -> crate::hooks::HookFuture<'a> {
    Box::pin(async move {
        if knooppunt_federation::vocab::type_of(object) != Some("Page") {
            return Ok(());
        }
        mirror(state, object, s).await
    })
}
