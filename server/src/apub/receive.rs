//! The effect of each inbound activity type, once the inbox has verified and
//! journalled it. Unsupported types are accepted (202) and ignored.

use crate::db::BeginWrite;

use axum::http::StatusCode;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;

use crate::actors::entity::{self as actor, Model as Actor};
use crate::actors::graph::{block, follow};
use crate::error::AppError;
use crate::federation::remote;
use crate::groups::entity::membership;
use crate::state::AppState;
use crate::statuses::entity::{favourite, status};
use crate::statuses::federate as notes;
use knooppunt_federation::vocab;

/// Reads an activity into the typed vocabulary, runs the checks every server
/// makes (signer, hosts, authorship), then this type's verify and receive.
pub async fn dispatch(
    state: &AppState,
    sender: &Actor,
    activity: &Value,
) -> Result<StatusCode, AppError> {
    vocab::dispatch(&Receiving { state }, sender, activity).await
}

/// One activity being received: the application state its handlers need.
struct Receiving<'a> {
    state: &'a AppState,
}

impl Receiving<'_> {
    /// An Accept or Reject: of a co-ownership invitation, of a request to
    /// join an event, or of a follow.
    async fn answer(
        &self,
        sender: &Actor,
        answered: &vocab::Answered,
        accepted: bool,
    ) -> Result<StatusCode, AppError> {
        let state = self.state;
        if let Some(status) =
            crate::plans::coowners::receive_answer(state, sender, answered, accepted).await?
        {
            return Ok(status);
        }
        if let Some(status) =
            crate::events::federate::receive_join_answer(state, sender, answered, accepted).await?
        {
            return Ok(status);
        }
        receive_answer(state, sender, answered, accepted).await
    }
}

impl vocab::Inbox for Receiving<'_> {
    type Actor = Actor;
    type Outcome = StatusCode;
    type Error = AppError;

    fn actor_id(actor: &Actor) -> &str {
        &actor.ap_id
    }

    async fn receive_follow(
        &self,
        sender: &Actor,
        follow: vocab::Follow,
    ) -> Result<StatusCode, AppError> {
        receive_follow(self.state, sender, &follow).await
    }

    async fn receive_accept(
        &self,
        sender: &Actor,
        accept: vocab::Accept,
    ) -> Result<StatusCode, AppError> {
        self.answer(sender, &accept.object, true).await
    }

    async fn receive_reject(
        &self,
        sender: &Actor,
        reject: vocab::Reject,
    ) -> Result<StatusCode, AppError> {
        self.answer(sender, &reject.object, false).await
    }

    async fn receive_undo(
        &self,
        sender: &Actor,
        undo: vocab::Undo,
    ) -> Result<StatusCode, AppError> {
        receive_undo(self.state, sender, &undo.object).await
    }

    async fn receive_create(
        &self,
        sender: &Actor,
        create: vocab::Create,
        raw: &Value,
    ) -> Result<StatusCode, AppError> {
        receive_object(self.state, sender, create.object, Some(raw)).await
    }

    async fn receive_update(
        &self,
        sender: &Actor,
        update: vocab::Update,
    ) -> Result<StatusCode, AppError> {
        receive_object(self.state, sender, update.object, None).await
    }

    async fn receive_delete(
        &self,
        sender: &Actor,
        delete: vocab::Delete,
    ) -> Result<StatusCode, AppError> {
        receive_delete(self.state, sender, delete.object_id()).await
    }

    async fn receive_like(
        &self,
        sender: &Actor,
        like: vocab::Like,
    ) -> Result<StatusCode, AppError> {
        receive_like(self.state, sender, &like).await
    }

    async fn receive_announce(
        &self,
        sender: &Actor,
        announce: vocab::Announce,
    ) -> Result<StatusCode, AppError> {
        receive_announce(self.state, sender, &announce).await
    }

    async fn receive_block(
        &self,
        sender: &Actor,
        block: vocab::Block,
    ) -> Result<StatusCode, AppError> {
        receive_block(self.state, sender, &block).await
    }

    async fn receive_flag(
        &self,
        sender: &Actor,
        flag: vocab::Flag,
    ) -> Result<StatusCode, AppError> {
        crate::moderation::federate::receive_flag(self.state, sender, &flag).await
    }

    async fn receive_invite(
        &self,
        sender: &Actor,
        invite: vocab::Invite,
    ) -> Result<StatusCode, AppError> {
        crate::plans::coowners::receive_invite(self.state, sender, &invite).await
    }

    async fn receive_join(
        &self,
        sender: &Actor,
        join: vocab::Join,
    ) -> Result<StatusCode, AppError> {
        crate::events::federate::receive_join(self.state, sender, &join).await
    }

    async fn receive_leave(
        &self,
        sender: &Actor,
        leave: vocab::Leave,
    ) -> Result<StatusCode, AppError> {
        crate::events::federate::receive_leave(self.state, sender, &leave).await
    }

    /// Types we do not handle are accepted and ignored.
    async fn receive_other(&self, _: &Actor, _: &str) -> Result<StatusCode, AppError> {
        Ok(StatusCode::ACCEPTED)
    }
}

async fn local_by_ap_id(state: &AppState, ap_id: &str) -> Result<Option<Actor>, AppError> {
    // Addressees are mostly collections and actors elsewhere: no query for those.
    if vocab::host_of(ap_id).as_deref() != Some(state.config.instance.domain.as_str()) {
        return Ok(None);
    }
    Ok(actor::Entity::find()
        .filter(actor::Column::ApId.eq(ap_id))
        .filter(actor::Column::Local.eq(true))
        .one(&state.db)
        .await?)
}

/// Follow of a local person or group: accepted at once, or left pending for
/// locked accounts and approval groups (the same rule as a follow from
/// here); invite-only groups and blockers refuse.
async fn receive_follow(
    state: &AppState,
    sender: &Actor,
    activity: &vocab::Follow,
) -> Result<StatusCode, AppError> {
    use crate::follows::federate::answered_follow;
    let follow_id = activity.id.as_str();
    let target = local_by_ap_id(state, &activity.object)
        .await?
        .ok_or_else(|| AppError::NotFound(msg!("error-no-such-local-actor")))?;
    if target.kind == "application" {
        return Err(AppError::BadRequest(
            "the instance actor cannot be followed".into(),
        ));
    }
    let blocked = block::Entity::find()
        .filter(block::Column::ActorId.eq(target.id))
        .filter(block::Column::TargetId.eq(sender.id))
        .one(&state.db)
        .await?
        .is_some();
    let policy = crate::follows::service::join_policy(&state.db, &target).await?;
    let txn = state.db.begin_write().await?;
    let config = &state.config;
    let accept = if blocked || policy.as_deref() == Some("invite") {
        Some(false)
    } else {
        let existing = follow::Entity::find()
            .filter(follow::Column::FollowerId.eq(sender.id))
            .filter(follow::Column::TargetId.eq(target.id))
            .one(&txn)
            .await?;
        match existing {
            // A repeated Follow (e.g. after an unseen Accept): answer again with the new id.
            Some(f) => {
                let already = f.accepted;
                let mut active: follow::ActiveModel = f.into();
                active.ap_id = Set(Some(follow_id.to_string()));
                active.update(&txn).await?;
                already.then_some(true)
            }
            None => {
                let added = crate::follows::service::add_follow(
                    &txn,
                    sender,
                    &target,
                    follow_id,
                    policy.as_deref(),
                )
                .await?;
                added.filter(|accepted| *accepted)
            }
        }
    };
    if let Some(accept) = accept {
        answered_follow(&txn, config, &target, sender, follow_id, accept).await?;
    }
    txn.commit().await?;
    state.federation.outbox_bell.notify_one();
    Ok(StatusCode::ACCEPTED)
}

/// Accept or Reject of one of our follows.
async fn receive_answer(
    state: &AppState,
    sender: &Actor,
    answered: &vocab::Answered,
    accepted: bool,
) -> Result<StatusCode, AppError> {
    let mut query = follow::Entity::find().filter(follow::Column::TargetId.eq(sender.id));
    query = match (answered.id(), answered.actor()) {
        (Some(fid), _) if local_follow_id(state, fid) => query.filter(follow::Column::ApId.eq(fid)),
        (_, Some(follower)) => match local_by_ap_id(state, follower).await? {
            Some(a) => query.filter(follow::Column::FollowerId.eq(a.id)),
            None => return Ok(StatusCode::ACCEPTED),
        },
        _ => {
            return Err(AppError::BadRequest(
                "cannot tell which follow is answered".into(),
            ));
        }
    };
    let Some(f) = query.one(&state.db).await? else {
        return Ok(StatusCode::ACCEPTED);
    };
    if accepted {
        let mut active: follow::ActiveModel = f.into();
        active.accepted = Set(true);
        active.update(&state.db).await?;
    } else {
        follow::Entity::delete_by_id(f.id).exec(&state.db).await?;
    }
    Ok(StatusCode::ACCEPTED)
}

fn local_follow_id(state: &AppState, id: &str) -> bool {
    vocab::host_of(id).as_deref() == Some(state.config.instance.domain.as_str())
}

/// Undo of a follow, like or boost; the dispatcher has checked that the
/// undone activity is the sender's own.
async fn receive_undo(
    state: &AppState,
    sender: &Actor,
    undone: &vocab::Undone,
) -> Result<StatusCode, AppError> {
    // The undone activity may be given by id only: then we match by what we stored.
    let inner_id = undone.id().unwrap_or_default();
    match undone {
        vocab::Undone::Follow(f) => {
            let target = local_by_ap_id(state, &f.object).await?;
            undo_follow(state, sender, target.as_ref(), inner_id).await?;
        }
        vocab::Undone::Id(_) => {
            if !undo_follow(state, sender, None, inner_id).await? {
                undo_like_or_announce(state, sender, inner_id).await?;
            }
        }
        vocab::Undone::Like(_) | vocab::Undone::Announce(_) => {
            undo_like_or_announce(state, sender, inner_id).await?
        }
        vocab::Undone::Other(r) if r.kind.is_none() => {
            if !undo_follow(state, sender, None, inner_id).await? {
                undo_like_or_announce(state, sender, inner_id).await?;
            }
        }
        vocab::Undone::Other(r) if matches!(r.kind.as_deref(), Some("Like" | "Announce")) => {
            undo_like_or_announce(state, sender, inner_id).await?
        }
        vocab::Undone::Other(r) if r.kind.as_deref() == Some("Follow") => {
            let target = match &r.object {
                Some(object) => local_by_ap_id(state, object).await?,
                None => None,
            };
            undo_follow(state, sender, target.as_ref(), inner_id).await?;
        }
        vocab::Undone::Block(_) | vocab::Undone::Other(_) => {}
    }
    Ok(StatusCode::ACCEPTED)
}

/// Ends the sender's follow of `target` (or the follow with id `follow_id`),
/// and with it a membership. Returns whether there was one.
async fn undo_follow(
    state: &AppState,
    sender: &Actor,
    target: Option<&Actor>,
    follow_id: &str,
) -> Result<bool, AppError> {
    let query = follow::Entity::find().filter(follow::Column::FollowerId.eq(sender.id));
    let query = match target {
        Some(t) => query.filter(follow::Column::TargetId.eq(t.id)),
        None => query.filter(follow::Column::ApId.eq(follow_id)),
    };
    let Some(f) = query.one(&state.db).await? else {
        return Ok(false);
    };
    let txn = state.db.begin_write().await?;
    follow::Entity::delete_by_id(f.id).exec(&txn).await?;
    membership::Entity::delete_many()
        .filter(membership::Column::GroupId.eq(f.target_id))
        .filter(membership::Column::MemberId.eq(sender.id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(true)
}

/// Takes back the sender's like or boost with id `inner_id`, through the
/// same rules as the client API.
async fn undo_like_or_announce(
    state: &AppState,
    sender: &Actor,
    inner_id: &str,
) -> Result<(), AppError> {
    use crate::statuses::service::{remove_boost, remove_favourite};
    let liked = favourite::Entity::find()
        .filter(favourite::Column::ActorId.eq(sender.id))
        .filter(favourite::Column::ApId.eq(inner_id))
        .all(&state.db)
        .await?;
    let boosts = status::Entity::find()
        .filter(status::Column::ActorId.eq(sender.id))
        .filter(status::Column::ApId.eq(inner_id))
        .filter(status::Column::ReblogOfId.is_not_null())
        .all(&state.db)
        .await?;
    if liked.is_empty() && boosts.is_empty() {
        return Ok(());
    }
    let txn = state.db.begin_write().await?;
    for f in &liked {
        if let Some(target) = status::Entity::find_by_id(f.status_id).one(&txn).await? {
            remove_favourite(&txn, &state.config, f, &target).await?;
        }
    }
    for boost in &boosts {
        let original = boost.reblog_of_id.unwrap_or_default();
        if let Some(original) = status::Entity::find_by_id(original).one(&txn).await? {
            remove_boost(&txn, &state.config, boost, &original).await?;
        }
    }
    txn.commit().await?;
    state.federation.outbox_bell.notify_one();
    Ok(())
}

/// Create and Update of notes, and Update of the sender's own actor.
/// `create` is the `Create` as sent (`None` for an `Update`).
async fn receive_object(
    state: &AppState,
    sender: &Actor,
    object: vocab::IdOrObject<vocab::Object>,
    create: Option<&Value>,
) -> Result<StatusCode, AppError> {
    let object = match object {
        vocab::IdOrObject::Object(inline) => inline,
        vocab::IdOrObject::Id(id) => {
            // Only an id: fetch it, and the fetched object's id must be that URL.
            if vocab::host_of(&id) != Some(sender.host.clone()) {
                return Err(AppError::BadRequest(
                    "the object is not on the actor's host".into(),
                ));
            }
            vocab::Object::parse(&remote::fetch_object(state, &id).await?)?
        }
    };
    let object_id = object.id().unwrap_or_default();
    // A co-owner elsewhere changes one of our plans.
    if create.is_none()
        && let vocab::Object::Page(page) = &object
        && page.kind == vocab::PageKind::Page
        && vocab::host_of(object_id).as_deref() == Some(state.config.instance.domain.as_str())
        && let Some(status) = crate::plans::coowners::receive_edit(state, sender, page).await?
    {
        return Ok(status);
    }
    if vocab::host_of(object_id) != Some(sender.host.clone()) {
        return Err(AppError::BadRequest(
            "the object is not on the actor's host".into(),
        ));
    }
    if create.is_some()
        && let vocab::Object::Note(note) = &object
    {
        if let Some(status) = crate::plans::advice::receive(state, sender, note).await? {
            return Ok(status);
        }
        if receive_vote(state, sender, note).await? {
            return Ok(StatusCode::ACCEPTED);
        }
    }
    match &object {
        vocab::Object::Actor(a) if create.is_none() => {
            if a.id != sender.ap_id {
                return Err(AppError::Forbidden(msg!("error-actor-update-itself")));
            }
            a.check().map_err(AppError::BadRequest)?;
            remote::store_actor(state, a).await?;
            Ok(StatusCode::ACCEPTED)
        }
        post => {
            // Only post-like objects become statuses; others are ignored.
            if let Some(fields) = post.fields() {
                let s = notes::store_remote(state, post, sender, 3).await?;
                if let Some(create) = create {
                    redistribute_to_groups(state, sender, create, fields, &s).await?;
                }
            }
            Ok(StatusCode::ACCEPTED)
        }
    }
}

/// A remote vote in one of our polls: a Note with a `name` (the option) in
/// reply to the Question. Returns false when the note is not a vote.
async fn receive_vote(
    state: &AppState,
    sender: &Actor,
    note: &vocab::Note,
) -> Result<bool, AppError> {
    use crate::statuses::entity::{poll, poll_vote};
    let (Some(name), Some(parent)) = (note.vote_choice(), note.post.in_reply_to.as_deref()) else {
        return Ok(false);
    };
    let Some(question) = status::Entity::find()
        .filter(status::Column::ApId.eq(parent))
        .filter(status::Column::Local.eq(true))
        .one(&state.db)
        .await?
    else {
        return Ok(false);
    };
    let Some(p) = poll::Entity::find()
        .filter(poll::Column::StatusId.eq(question.id))
        .one(&state.db)
        .await?
    else {
        return Ok(false);
    };
    if !crate::statuses::store::can_see(&state.db, Some(sender.id), &question).await? {
        return Err(AppError::Forbidden(msg!("error-poll-not-visible-sender")));
    }
    if p.expires_at.is_some_and(|e| e <= Utc::now()) {
        return Err(AppError::invalid("poll", msg!("error-poll-has-ended")));
    }
    let options: Vec<String> = serde_json::from_str(&p.options).unwrap_or_default();
    let choice = options
        .iter()
        .position(|o| o == name)
        .ok_or_else(|| AppError::invalid("name", msg!("error-not-option-poll")))?;
    let already: Vec<poll_vote::Model> = poll_vote::Entity::find()
        .filter(poll_vote::Column::PollId.eq(p.id))
        .filter(poll_vote::Column::ActorId.eq(sender.id))
        .all(&state.db)
        .await?;
    if already
        .iter()
        .any(|v| usize::try_from(v.choice).ok() == Some(choice))
        || (!p.multiple && !already.is_empty())
    {
        return Ok(true);
    }
    poll_vote::ActiveModel {
        poll_id: Set(p.id),
        actor_id: Set(sender.id),
        choice: Set(i32::try_from(choice).unwrap_or(0)),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&state.db)
    .await?;
    Ok(true)
}

/// A remote member's post addressed to a local group is passed on by the group.
async fn redistribute_to_groups(
    state: &AppState,
    sender: &Actor,
    create: &Value,
    object: &vocab::PostFields,
    s: &status::Model,
) -> Result<(), AppError> {
    if !matches!(s.visibility.as_str(), "public" | "unlisted") {
        return Ok(());
    }
    let addressed = object
        .to
        .iter()
        .chain(&object.cc)
        .chain(&object.audience)
        .map(String::as_str)
        .chain(object.mentions());
    for ap_id in addressed {
        let Some(g) = local_by_ap_id(state, ap_id)
            .await?
            .filter(|a| a.kind == "group")
        else {
            continue;
        };
        let txn = state.db.begin_write().await?;
        if crate::actors::graph::is_member(&txn, g.id, sender.id).await? {
            // FEP-1b12: the group announces the Create exactly as the member sent it.
            crate::statuses::federate::publish::redistribute(&txn, &state.config, &g, s, create)
                .await?;
        }
        txn.commit().await?;
        state.federation.outbox_bell.notify_one();
    }
    Ok(())
}

/// Delete of a note (by its author) or of the sender itself.
async fn receive_delete(
    state: &AppState,
    sender: &Actor,
    target: &str,
) -> Result<StatusCode, AppError> {
    if target.is_empty() {
        return Err(AppError::BadRequest("Delete without object".into()));
    }
    if target == sender.ap_id {
        // The account is gone: its statuses, follows and likes go with it.
        state.federation.signers.invalidate(&sender.ap_id).await;
        actor::Entity::delete_by_id(sender.id)
            .exec(&state.db)
            .await?;
        return Ok(StatusCode::ACCEPTED);
    }
    if let Some(s) = status::Entity::find()
        .filter(status::Column::ApId.eq(target))
        .one(&state.db)
        .await?
    {
        if s.actor_id != sender.id {
            return Err(AppError::Forbidden(msg!("error-author-delete-status")));
        }
        let txn = state.db.begin_write().await?;
        crate::statuses::service::remove_status(&txn, &state.config, &s).await?;
        txn.commit().await?;
        state.federation.outbox_bell.notify_one();
    }
    Ok(StatusCode::ACCEPTED)
}

async fn receive_like(
    state: &AppState,
    sender: &Actor,
    activity: &vocab::Like,
) -> Result<StatusCode, AppError> {
    let like_id = activity.id.as_str();
    let target = &activity.object;
    let Some(s) = status::Entity::find()
        .filter(status::Column::ApId.eq(target.as_str()))
        .one(&state.db)
        .await?
    else {
        return Ok(StatusCode::ACCEPTED);
    };
    if !crate::statuses::store::can_see(&state.db, Some(sender.id), &s).await? {
        return Err(AppError::Forbidden(msg!("error-status-not-visible-sender")));
    }
    let txn = state.db.begin_write().await?;
    if crate::statuses::service::add_favourite(&txn, &state.config, sender.id, &s, like_id).await? {
        txn.commit().await?;
        state.federation.outbox_bell.notify_one();
    }
    Ok(StatusCode::ACCEPTED)
}

/// Announce of a status (ours or fetched): stored as the sender's boost. An
/// Announce wrapping a Create (FEP-1b12 groups) names the inner note; an
/// embedded copy is never trusted: the note is fetched from its own server.
async fn receive_announce(
    state: &AppState,
    sender: &Actor,
    announce: &vocab::Announce,
) -> Result<StatusCode, AppError> {
    let note_id = announce
        .object
        .object_id()
        .ok_or_else(|| AppError::BadRequest("Announce without object".into()))?;
    let original = notes::fetch_note(state, note_id, 3).await?;
    // Only public posts are boosted: a followers-only or direct one would
    // reach people its author did not address.
    if !matches!(original.visibility.as_str(), "public" | "unlisted")
        || !crate::statuses::store::can_see(&state.db, Some(sender.id), &original).await?
    {
        return Err(AppError::Forbidden(msg!(
            "error-public-statuses-sender-see-announced"
        )));
    }
    let txn = state.db.begin_write().await?;
    let visibility = crate::statuses::Visibility::Public;
    let added = crate::statuses::service::add_boost(
        &txn,
        &state.config,
        sender,
        &original,
        &announce.id,
        visibility,
    )
    .await?;
    if added.is_some() {
        txn.commit().await?;
    }
    Ok(StatusCode::ACCEPTED)
}

/// A remote actor blocks one of ours: follows between them end.
async fn receive_block(
    state: &AppState,
    sender: &Actor,
    activity: &vocab::Block,
) -> Result<StatusCode, AppError> {
    let Some(t) = local_by_ap_id(state, &activity.object).await? else {
        return Ok(StatusCode::ACCEPTED);
    };
    follow::Entity::delete_many()
        .filter(
            sea_orm::Condition::any()
                .add(
                    sea_orm::Condition::all()
                        .add(follow::Column::FollowerId.eq(sender.id))
                        .add(follow::Column::TargetId.eq(t.id)),
                )
                .add(
                    sea_orm::Condition::all()
                        .add(follow::Column::FollowerId.eq(t.id))
                        .add(follow::Column::TargetId.eq(sender.id)),
                ),
        )
        .exec(&state.db)
        .await?;
    Ok(StatusCode::ACCEPTED)
}
