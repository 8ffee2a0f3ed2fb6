//! Co-owning a plan, here and across instances. Nobody becomes an owner
//! without consenting: every co-owner, local ones included, is invited and
//! accepts.
//!
//! - An owner invites a person or group here: the invitation waits until
//!   the invitee (or a moderator of the invited group) answers.
//! - An owner invites a person or group elsewhere: `Invite{object: plan,
//!   target: invitee}` to the invitee. Its instance keeps the invitation
//!   until the invitee (or a moderator of the invited group) answers with
//!   `Accept` or `Reject`; on `Accept` the plan's home adds the owner. Only
//!   the plan's home invites.
//! - A co-owner's edit, made on its own instance's copy, goes to the plan's
//!   home as `Update{Page}` carrying the plan's id and only the changed
//!   fields, from the owning actor. The home checks the owner list, applies
//!   it with the co-owner in the history, and sends everyone the new plan.

use axum::http::StatusCode;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};

use super::entity::{invitation, plan};
use super::service::{self, Fields, check_fields, clean_themes};
use crate::actors::entity::{self as actor, Model as Actor};
use crate::auth::service::Person;
use crate::db::BeginWrite;
use crate::error::AppError;
use crate::federation::outbox::enqueue;
use crate::state::AppState;
use crate::statuses::entity::status;
use knooppunt_federation::vocab;

async fn plan_post(state: &AppState, p: &plan::Model) -> Result<status::Model, AppError> {
    status::Entity::find_by_id(p.status_id)
        .one(&state.db)
        .await?
        .ok_or_else(|| AppError::Internal("a plan without its post".into()))
}

/// An owner invites `target` to co-own a plan here; a target elsewhere gets
/// an `Invite`. Returns the pending invitation.
pub async fn invite(
    state: &AppState,
    person: &Person,
    p: plan::Model,
    target: &Actor,
) -> Result<invitation::Model, AppError> {
    let inviter = inviter(state, person, &p).await?;
    check_invitable(state, person, &p, target).await?;
    let s = plan_post(state, &p).await?;
    let txn = state.db.begin_write().await?;
    if target.local {
        let inv = invite_local(&txn, &s, p.id, &inviter, target).await?;
        txn.commit().await?;
        return Ok(inv);
    }
    let invite_id = format!("{}#invites/{}", s.ap_id, crate::secrets::random_token()?);
    let invite = vocab::Invite::new(&invite_id, &inviter.ap_id, &s.ap_id, &target.ap_id);
    let activity = vocab::with_as_context(&invite)?;
    let inv = invitation::ActiveModel {
        plan_id: Set(p.id),
        actor_id: Set(target.id),
        inviter_ap_id: Set(inviter.ap_id.clone()),
        ap_id: Set(invite_id),
        state: Set("pending".into()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    enqueue(
        &txn,
        &state.config,
        &inviter,
        &activity,
        false,
        [crate::federation::fanout::inbox_of(target)],
    )
    .await?;
    txn.commit().await?;
    state.federation.outbox_bell.notify_one();
    Ok(inv)
}

/// The owner in whose name `person` invites: the person, or an owning
/// group they moderate. Only the plan's home invites.
async fn inviter(state: &AppState, person: &Person, p: &plan::Model) -> Result<Actor, AppError> {
    if !p.local {
        return Err(AppError::Forbidden(msg!(
            "error-plan-lives-another-instance-invite-from"
        )));
    }
    // Adding owners is for the plan's own people and the moderators of its
    // groups: an editor edits for a group, and cannot make itself (or
    // anyone) an owner in its own right.
    let inviter = service::acting_owner(state, person, p)
        .await?
        .filter(|a| a.id == person.actor.id || a.kind == "group")
        .ok_or_else(|| AppError::Forbidden(msg!("error-plans-owners-invite-co-owners")))?;
    if inviter.kind == "group"
        && !crate::groups::service::may_moderate(&state.db, inviter.id, person.actor.id).await?
    {
        return Err(AppError::Forbidden(msg!(
            "error-moderators-owning-group-invite-co-owners"
        )));
    }
    Ok(inviter)
}

/// `target` may be invited: someone else, a person or group, not yet an
/// owner nor invited.
async fn check_invitable(
    state: &AppState,
    person: &Person,
    p: &plan::Model,
    target: &Actor,
) -> Result<(), AppError> {
    if target.id == person.actor.id {
        return Err(AppError::invalid(
            "account_id",
            msg!("error-you-cannot-invite-yourself"),
        ));
    }
    if !matches!(target.kind.as_str(), "person" | "group") {
        return Err(AppError::invalid(
            "account_id",
            msg!("error-people-groups-own-plan"),
        ));
    }
    if service::owners(&state.db, p.id)
        .await?
        .iter()
        .any(|o| o.id == target.id)
    {
        return Err(AppError::Conflict(msg!("error-already-owner-plan")));
    }
    let waiting = invitation::Entity::find()
        .filter(invitation::Column::PlanId.eq(p.id))
        .filter(invitation::Column::ActorId.eq(target.id))
        .filter(invitation::Column::State.eq("pending"))
        .count(&state.db)
        .await?;
    if waiting > 0 {
        return Err(AppError::Conflict(msg!(
            "error-already-invited-invitation-awaits-answer"
        )));
    }
    Ok(())
}

/// A pending invitation of `target`, here, to co-own the plan of post `post`.
pub async fn invite_local(
    txn: &impl sea_orm::ConnectionTrait,
    post: &status::Model,
    plan_id: i64,
    inviter: &Actor,
    target: &Actor,
) -> Result<invitation::Model, AppError> {
    Ok(invitation::ActiveModel {
        plan_id: Set(plan_id),
        actor_id: Set(target.id),
        inviter_ap_id: Set(inviter.ap_id.clone()),
        ap_id: Set(format!(
            "{}#invites/{}",
            post.ap_id,
            crate::secrets::random_token()?
        )),
        state: Set("pending".into()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(txn)
    .await?)
}

/// Every invitation of a plan, oldest first, with how it was answered: for
/// its owners only.
pub async fn sent(
    state: &AppState,
    person: &Person,
    p: &plan::Model,
) -> Result<Vec<invitation::Model>, AppError> {
    if !service::standing(state, person, p).await?.owner {
        return Err(AppError::Forbidden(msg!(
            "error-plans-owners-see-invitations"
        )));
    }
    Ok(invitation::Entity::find()
        .filter(invitation::Column::PlanId.eq(p.id))
        .order_by_asc(invitation::Column::Id)
        .all(&state.db)
        .await?)
}

/// An `Invite` to co-own a plan, for a person or group here.
pub async fn receive_invite(
    state: &AppState,
    sender: &Actor,
    invite: &vocab::Invite,
) -> Result<StatusCode, AppError> {
    let target = actor::Entity::find()
        .filter(actor::Column::ApId.eq(invite.target.as_str()))
        .filter(actor::Column::Local.eq(true))
        .one(&state.db)
        .await?
        .ok_or_else(|| AppError::NotFound(msg!("error-invited-actor-not-here")))?;
    // The plan as its home serves it (never an embedded copy).
    let post = crate::statuses::federate::fetch_note(state, &invite.object, 0).await?;
    let p = plan::Entity::find()
        .filter(plan::Column::StatusId.eq(post.id))
        .one(&state.db)
        .await?
        .ok_or_else(|| AppError::BadRequest("the invitation is not for a plan".into()))?;
    // Owners are recorded at the plan's home: only it can add one, so only
    // an owner on that instance invites.
    if p.local || vocab::host_of(&post.ap_id).as_deref() != Some(sender.host.as_str()) {
        return Err(AppError::Forbidden(msg!(
            "error-invitations-plan-come-from-plans-own"
        )));
    }
    if !service::owners(&state.db, p.id)
        .await?
        .iter()
        .any(|o| o.id == sender.id)
    {
        return Err(AppError::Forbidden(msg!(
            "error-plans-owners-invite-co-owners-2"
        )));
    }
    let inserted = invitation::ActiveModel {
        plan_id: Set(p.id),
        actor_id: Set(target.id),
        inviter_ap_id: Set(sender.ap_id.clone()),
        ap_id: Set(invite.id.clone()),
        state: Set("pending".into()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&state.db)
    .await;
    // A repeated request is acknowledged like the first.
    crate::db::already_there(inserted)?;
    Ok(StatusCode::ACCEPTED)
}

/// Invitations `person` may answer: to them, or to groups they moderate.
pub async fn pending_for(
    state: &AppState,
    person: &Person,
) -> Result<Vec<invitation::Model>, AppError> {
    let mine = crate::groups::service::spoken_for_in(invitation::Column::ActorId, person.actor.id);
    Ok(invitation::Entity::find()
        .filter(invitation::Column::State.eq("pending"))
        .filter(mine)
        .all(&state.db)
        .await?)
}

async fn may_answer(
    state: &AppState,
    person: &Person,
    inv: &invitation::Model,
) -> Result<bool, AppError> {
    crate::groups::service::speaks_for(&state.db, person.actor.id, inv.actor_id).await
}

/// The invitee answers. For a plan here an acceptance makes it an owner at
/// once; for a plan elsewhere the answer goes to the plan's home.
pub async fn answer(
    state: &AppState,
    person: &Person,
    id: &str,
    accept: bool,
) -> Result<invitation::Model, AppError> {
    let not_found = || AppError::NotFound(msg!("error-no-such-invitation"));
    let inv = answerable(state, person, id).await?;
    let invitee = actor::Entity::find_by_id(inv.actor_id)
        .one(&state.db)
        .await?
        .ok_or_else(not_found)?;
    let p = plan::Entity::find_by_id(inv.plan_id)
        .one(&state.db)
        .await?
        .ok_or_else(not_found)?;
    if p.local {
        let txn = state.db.begin_write().await?;
        let inv = mark(&txn, inv, accept).await?;
        if accept {
            service::add_owner_in(&txn, &state.config, &invitee.ap_id, p, &invitee).await?;
        }
        txn.commit().await?;
        state.federation.outbox_bell.notify_one();
        return Ok(inv);
    }
    answer_home(state, inv, &invitee, &p, accept).await
}

/// The pending invitation `id`, if `person` may answer it.
async fn answerable(
    state: &AppState,
    person: &Person,
    id: &str,
) -> Result<invitation::Model, AppError> {
    let not_found = || AppError::NotFound(msg!("error-no-such-invitation"));
    let id: i64 = id.parse().map_err(|_| not_found())?;
    let inv = invitation::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or_else(not_found)?;
    if !may_answer(state, person, &inv).await? {
        return Err(not_found());
    }
    if inv.state != "pending" {
        return Err(AppError::Conflict(msg!(
            "error-invitation-already",
            state = &inv.state
        )));
    }
    Ok(inv)
}

/// Answers an invitation to a plan elsewhere: `Accept` or `Reject` to the
/// inviter, whose home adds the owner.
async fn answer_home(
    state: &AppState,
    inv: invitation::Model,
    invitee: &Actor,
    p: &plan::Model,
    accept: bool,
) -> Result<invitation::Model, AppError> {
    let inviter = crate::federation::remote::actor(state, &inv.inviter_ap_id).await?;
    let post = plan_post(state, p).await?;
    let id = format!(
        "{}#answers/{}",
        invitee.ap_id,
        crate::secrets::random_token()?
    );
    let invite = vocab::Invite {
        to: vec![],
        ..vocab::Invite::new(&inv.ap_id, &inv.inviter_ap_id, &post.ap_id, &invitee.ap_id)
    };
    let to = vec![inviter.ap_id.clone()];
    let answer = if accept {
        let accept = vocab::Accept::new(&id, &invitee.ap_id, invite);
        vocab::with_as_context(&vocab::Accept { to, ..accept })?
    } else {
        let reject = vocab::Reject::new(&id, &invitee.ap_id, invite);
        vocab::with_as_context(&vocab::Reject { to, ..reject })?
    };
    let txn = state.db.begin_write().await?;
    let plan_id = p.id;
    let inv = mark(&txn, inv, accept).await?;
    if accept {
        // What the plan's home will state of our invitee is believed only
        // because it accepted here.
        service::append_history(
            &txn,
            plan_id,
            service::Entry {
                note: &invitee.ap_id,
                source: service::Source::Sent,
                ..service::Entry::local(&invitee.ap_id, "owner_added")
            },
        )
        .await?;
    }
    enqueue(
        &txn,
        &state.config,
        invitee,
        &answer,
        false,
        [crate::federation::fanout::inbox_of(&inviter)],
    )
    .await?;
    txn.commit().await?;
    state.federation.outbox_bell.notify_one();
    Ok(inv)
}

async fn mark(
    txn: &impl sea_orm::ConnectionTrait,
    inv: invitation::Model,
    accept: bool,
) -> Result<invitation::Model, AppError> {
    let mut active: invitation::ActiveModel = inv.into();
    active.state = Set(if accept { "accepted" } else { "rejected" }.into());
    Ok(active.update(txn).await?)
}

/// `Accept`/`Reject` of one of our invitations; `None` when the answered
/// object is not an invitation of ours (a Follow, say).
pub async fn receive_answer(
    state: &AppState,
    sender: &Actor,
    answered: &vocab::Answered,
    accepted: bool,
) -> Result<Option<StatusCode>, AppError> {
    let Some(invite_id) = answered.id() else {
        return Ok(None);
    };
    let Some(inv) = invitation::Entity::find()
        .filter(invitation::Column::ApId.eq(invite_id))
        .one(&state.db)
        .await?
    else {
        return Ok(None);
    };
    if inv.actor_id != sender.id {
        return Err(AppError::Forbidden(msg!(
            "error-invited-actor-answer-invitation"
        )));
    }
    if inv.state != "pending" {
        return Ok(Some(StatusCode::ACCEPTED));
    }
    let p = plan::Entity::find_by_id(inv.plan_id)
        .one(&state.db)
        .await?
        .ok_or_else(|| AppError::NotFound(msg!("error-plan-gone")))?;
    let txn = state.db.begin_write().await?;
    mark(&txn, inv, accepted).await?;
    if accepted && p.local {
        service::add_owner_in(&txn, &state.config, &sender.ap_id, p, sender).await?;
    }
    txn.commit().await?;
    state.federation.outbox_bell.notify_one();
    Ok(Some(StatusCode::ACCEPTED))
}

/// A co-owner here takes a step on a copy: it goes to the plan's home as an
/// `Update{Page}` carrying the new `state` and the step's `stateNote`.
pub async fn send_step_home(
    state: &AppState,
    acting: &Actor,
    p: &plan::Model,
    to: super::state::State,
    note: &str,
) -> Result<(), AppError> {
    let object = vocab::Page {
        state: Some(to.as_str().to_string()),
        state_note: Some(note.to_string()),
        ..partial_page()
    };
    let from = super::state::State::parse(&p.state);
    let evidence = service::Entry {
        from,
        to: Some(to),
        note,
        source: service::Source::Sent,
        ..service::Entry::local(&acting.ap_id, "state")
    };
    send_home(state, acting, p, object, evidence).await
}

/// A co-owner here edits a copy: the edit goes to the plan's home.
pub async fn send_edit_home(
    state: &AppState,
    acting: &Actor,
    p: &plan::Model,
    fields: &Fields,
    themes: Option<Vec<String>>,
) -> Result<(), AppError> {
    let currency = fields
        .currency
        .clone()
        .unwrap_or_else(|| p.currency.clone());
    let object = edit_page(fields, themes, &currency);
    let evidence = service::Entry {
        source: service::Source::Sent,
        ..service::Entry::local(&acting.ap_id, "edited")
    };
    send_home(state, acting, p, object, evidence).await
}

/// The partial `Page` of a co-owner's edit: only the fields it changes;
/// [`fields_of`] reads them back at the plan's home.
fn edit_page(fields: &Fields, themes: Option<Vec<String>>, currency: &str) -> vocab::Page {
    let mut object = partial_page();
    object.post.name = fields.title.as_ref().map(|t| t.trim().to_string());
    object.post.summary = fields.summary.as_ref().map(|s| s.trim().to_string());
    object.post.content = fields.content.clone();
    object.post.tag = themes.map(|themes| {
        themes
            .iter()
            .map(|t| vocab::Tag::hashtag(t, None))
            .collect()
    });
    if fields.area_address.is_some() || fields.area_geometry.is_some() {
        object.location = Some(Some(vocab::Place {
            address: fields
                .area_address
                .clone()
                .flatten()
                .map(vocab::Address::Text),
            geometry: fields.area_geometry.clone().flatten(),
            ..vocab::Place::default()
        }));
    }
    // Absent is left alone, `null` cleared.
    let money = |cents: Option<Option<i64>>| {
        cents.map(|c| c.map(|c| vocab::MonetaryAmount::new(c, currency)))
    };
    object.cost_estimate = money(fields.cost_estimate_cents);
    object.requested_budget = money(fields.requested_budget_cents);
    object
}

/// Sends a co-owner's change (the fields in `object`) to the plan's home,
/// and keeps `evidence` of it: the home's history will name `acting`, and
/// a local actor is shown as having acted only when it did so here.
async fn send_home(
    state: &AppState,
    acting: &Actor,
    p: &plan::Model,
    mut object: vocab::Page,
    evidence: service::Entry<'_>,
) -> Result<(), AppError> {
    let post = plan_post(state, p).await?;
    let author = actor::Entity::find_by_id(post.actor_id)
        .one(&state.db)
        .await?
        .ok_or_else(|| AppError::Internal("a plan without its author".into()))?;
    object.post.id = post.ap_id.clone();
    let id = format!(
        "{}#plan-edits/{}",
        acting.ap_id,
        crate::secrets::random_token()?
    );
    let update = vocab::Update {
        to: vec![author.ap_id.clone()],
        ..vocab::Update::new(&id, &acting.ap_id, object)
    };
    let update = vocab::with_as_context(&update)?;
    let txn = state.db.begin_write().await?;
    service::append_history(&txn, p.id, evidence).await?;
    enqueue(
        &txn,
        &state.config,
        acting,
        &update,
        false,
        [crate::federation::fanout::inbox_of(&author)],
    )
    .await?;
    txn.commit().await?;
    state.federation.outbox_bell.notify_one();
    Ok(())
}

/// A `Page` with only the fields a co-owner's change sets; `send_home`
/// gives it the plan's id.
fn partial_page() -> vocab::Page {
    vocab::Page::new(vocab::PageKind::Page, vocab::PostFields::default())
}

/// An `Update{Page}` of one of our plans from a co-owner elsewhere. Returns
/// `None` when the object is not a plan of ours.
pub async fn receive_edit(
    state: &AppState,
    sender: &Actor,
    page: &vocab::Page,
) -> Result<Option<StatusCode>, AppError> {
    let Some(post) = status::Entity::find()
        .filter(status::Column::ApId.eq(page.post.id.as_str()))
        .filter(status::Column::Local.eq(true))
        .one(&state.db)
        .await?
    else {
        return Ok(None);
    };
    let Some(p) = plan::Entity::find()
        .filter(plan::Column::StatusId.eq(post.id))
        .one(&state.db)
        .await?
    else {
        return Ok(None);
    };
    if !service::owners(&state.db, p.id)
        .await?
        .iter()
        .any(|o| o.id == sender.id)
    {
        return Err(AppError::Forbidden(msg!("error-plans-owners-change")));
    }
    // A step: checked with the standing of an owner elsewhere (deciders are
    // people of this instance).
    if let Some(to) = &page.state {
        let to = super::state::State::parse(to)
            .ok_or_else(|| AppError::BadRequest(format!("{to:?} is not a plan state")))?;
        let from = super::state::State::parse(&p.state).unwrap_or(super::state::State::Idea);
        let note: String = page
            .state_note
            .as_deref()
            .unwrap_or_default()
            .chars()
            .take(10_000)
            .collect();
        let standing = super::state::Standing {
            owner: true,
            decider: false,
        };
        super::state::check(from, to, standing, &note)?;
        service::apply_transition(state, &sender.ap_id, p, from, to, &note).await?;
        return Ok(Some(StatusCode::ACCEPTED));
    }
    let fields = fields_of(page)?;
    check_fields(&fields)?;
    service::apply_edit(state, &sender.ap_id, p, fields).await?;
    Ok(Some(StatusCode::ACCEPTED))
}

/// The fields present in a co-owner's partial `Page`: an absent field is
/// left alone, a `null` one cleared.
fn fields_of(page: &vocab::Page) -> Result<Fields, AppError> {
    let post = &page.post;
    let themes = match &post.tag {
        Some(tags) => Some(clean_themes(
            &tags
                .iter()
                .filter_map(|t| match t {
                    vocab::Tag::Hashtag(h) => h.name.clone(),
                    _ => None,
                })
                .collect::<Vec<_>>(),
        )?),
        None => None,
    };
    let location = page.location.as_ref().map(Option::as_ref);
    let money = |m: &Option<Option<vocab::MonetaryAmount>>| {
        m.as_ref().map(|m| m.as_ref().and_then(|m| m.amount))
    };
    Ok(Fields {
        title: post.name.clone(),
        summary: post.summary.clone(),
        content: post.content.clone(),
        themes,
        area_address: location.map(|l| {
            l.and_then(|l| match &l.address {
                Some(vocab::Address::Text(a)) => Some(a.clone()),
                _ => None,
            })
        }),
        area_geometry: location.map(|l| l.and_then(|l| l.geometry.clone())),
        cost_estimate_cents: money(&page.cost_estimate),
        requested_budget_cents: money(&page.requested_budget),
        currency: [&page.requested_budget, &page.cost_estimate]
            .into_iter()
            .find_map(|m| m.as_ref()?.as_ref()?.currency.clone()),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    /// What the home reads of an edit, after it went over the wire.
    fn sent_and_read(fields: &Fields, themes: Option<Vec<String>>) -> Fields {
        let mut page = edit_page(fields, themes, "EUR");
        page.post.id = "https://a.example/users/x/statuses/1".into();
        let update = vocab::Update::new(
            "https://b.example/users/y#e/1",
            "https://b.example/users/y",
            page,
        );
        let wire = vocab::with_as_context(&update).unwrap();
        let Ok(vocab::InboxActivity::Update(update)) = vocab::InboxActivity::parse(&wire) else {
            panic!("not an Update: {wire}");
        };
        let Some(vocab::Object::Page(page)) = update.embedded() else {
            panic!("not a Page: {wire}");
        };
        fields_of(page).unwrap()
    }

    #[test]
    fn an_edit_reads_back_as_sent_absent_left_alone_null_cleared() {
        let edit = Fields {
            title: Some("Bankje".into()),
            content: Some("<p>Hier</p>".into()),
            area_address: Some(Some("Bergweg 1".into())),
            area_geometry: Some(Some(json!({"type": "Point", "coordinates": [4.5, 51.9]}))),
            cost_estimate_cents: Some(Some(12_500)),
            requested_budget_cents: Some(None),
            ..Fields::default()
        };
        let read = sent_and_read(&edit, Some(vec!["groen".into()]));
        let expected = Fields {
            themes: Some(vec!["groen".into()]),
            currency: Some("EUR".into()),
            ..edit
        };
        assert_eq!(format!("{read:?}"), format!("{expected:?}"));
        let nothing = sent_and_read(&Fields::default(), None);
        assert_eq!(format!("{nothing:?}"), format!("{:?}", Fields::default()));
    }

    #[test]
    fn an_edit_with_nulls_as_older_instances_send_it() {
        let page: vocab::Page = serde_json::from_value(json!({
            "id": "https://a.example/users/x/statuses/1", "type": "Page",
            "summary": "Kort", "tag": [{"type": "Hashtag", "name": "#Groen"}],
            "location": {"type": "Place", "address": null, "geometry": null},
            "costEstimate": null,
            "requestedBudget": {"type": "MonetaryAmount", "amount": 300, "currency": "USD"},
        }))
        .unwrap();
        let read = fields_of(&page).unwrap();
        let expected = Fields {
            summary: Some("Kort".into()),
            themes: Some(vec!["groen".into()]),
            area_address: Some(None),
            area_geometry: Some(None),
            cost_estimate_cents: Some(None),
            requested_budget_cents: Some(Some(300)),
            currency: Some("USD".into()),
            ..Fields::default()
        };
        assert_eq!(format!("{read:?}"), format!("{expected:?}"));
    }
}
