//! Outgoing activities for what happens here: each function builds the
//! activity, works out the inboxes, and puts both in the outbox inside the
//! caller's transaction.

use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};
use serde_json::{Value, json};

use super::fanout::Recipients;
use super::notes;
use super::outbox::{enqueue, enqueue_to};
use crate::actors::entity::{self as actor, Model as Actor};
use crate::actors::graph::follow;
use crate::config::Config;
use crate::error::AppError;
use crate::groups::entity::membership;
use crate::http::time;
use crate::statuses::entity::{mention, status};
use knooppunt_federation::vocab::{self, PUBLIC};

/// Where to deliver to an actor: its shared inbox when it has one.
pub fn inbox_of(a: &Actor) -> String {
    // A shared inbox elsewhere than the actor's own host is never used
    // (actors stored before that was refused at fetch may still name one).
    a.shared_inbox_url
        .clone()
        .filter(|s| {
            knooppunt_federation::vocab::host_of(s)
                == knooppunt_federation::vocab::host_of(&a.ap_id)
        })
        .unwrap_or_else(|| a.inbox_url.clone())
}

async fn load_actor(db: &impl ConnectionTrait, id: i64) -> Result<Actor, AppError> {
    actor::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::Internal(format!("actor {id} vanished")))
}

/// The activity itself, or its Undo (id `ACTIVITY/undo`, same actor).
fn undoable(activity: Value, undo: bool) -> Value {
    if !undo {
        return activity;
    }
    json!({
        "id": format!("{}/undo", activity["id"].as_str().unwrap_or_default()),
        "type": "Undo",
        "actor": activity["actor"],
        "object": activity,
    })
}

fn with_context(mut activity: Value) -> Value {
    activity["@context"] = json!(vocab::AS_CONTEXT);
    activity
}

/// The ids of the actors a status mentions.
fn mentioned_in(status_id: i64) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(mention::Column::ActorId)
        .from(mention::Entity)
        .and_where(mention::Column::StatusId.eq(status_id))
        .to_owned()
}

/// Who receives a status: followers (unless direct), mentioned actors, and the
/// author of the status it replies to (those two at their own inboxes).
fn status_recipients(s: &status::Model) -> Recipients {
    let mut to = Recipients::new().personal_in(mentioned_in(s.id));
    if s.visibility != "direct" {
        to = to.followers_of(s.actor_id);
    }
    if let Some(parent_author) = s.in_reply_to_actor_id {
        to = to.personal(parent_author);
    }
    to
}

fn create_activity(note: &Value, author: &Actor, s: &status::Model) -> Value {
    with_context(json!({
        "id": format!("{}/activity", s.ap_id),
        "type": "Create",
        "actor": author.ap_id,
        "published": time(&s.created_at),
        "to": note["to"],
        "cc": note["cc"],
        "object": note,
    }))
}

/// A new local status: Create to its recipients, then redistribution by the
/// local groups it addresses and by the neighbourhood.
pub async fn status_created(
    db: &impl ConnectionTrait,
    config: &Config,
    s: &status::Model,
) -> Result<(), AppError> {
    let author = load_actor(db, s.actor_id).await?;
    let note = notes::note(db, config, s).await?;
    let create = create_activity(&note, &author, s);
    let public = matches!(s.visibility.as_str(), "public" | "unlisted");
    enqueue_to(db, config, &author, &create, public, status_recipients(s)).await?;

    if !public {
        return Ok(());
    }
    // Groups addressed by mention redistribute a member's post (FEP-1b12).
    let groups = actor::Entity::find()
        .filter(actor::Column::Id.in_subquery(mentioned_in(s.id)))
        .filter(actor::Column::Kind.eq("group"))
        .filter(actor::Column::Local.eq(true))
        .all(db)
        .await?;
    for group in groups {
        if is_member(db, group.id, author.id).await? {
            redistribute(db, config, &group, s, &create).await?;
        }
    }
    // The neighbourhood announces public top-level posts of its people.
    if s.visibility == "public"
        && s.in_reply_to_id.is_none()
        && author.kind == "person"
        && let Some(hood) =
            crate::actors::store::find_local(db, config, &config.instance.neighbourhood).await?
    {
        redistribute(db, config, &hood, s, &create).await?;
    }
    Ok(())
}

/// Whether `member` may post to `group`: an active membership or an accepted follow.
pub async fn is_member(
    db: &impl ConnectionTrait,
    group: i64,
    member: i64,
) -> Result<bool, AppError> {
    let joined = membership::Entity::find()
        .filter(membership::Column::GroupId.eq(group))
        .filter(membership::Column::MemberId.eq(member))
        .filter(membership::Column::State.eq("active"))
        .one(db)
        .await?
        .is_some();
    if joined {
        return Ok(true);
    }
    Ok(follow::Entity::find()
        .filter(follow::Column::FollowerId.eq(member))
        .filter(follow::Column::TargetId.eq(group))
        .filter(follow::Column::Accepted.eq(true))
        .one(db)
        .await?
        .is_some())
}

/// A local group (or the neighbourhood) passes a post on to its followers: a
/// boost here, and to remote followers both `Announce{Create}` (Lemmy and
/// FEP-1b12) and `Announce{note id}` (Mastodon, which shows it as a boost).
pub async fn redistribute(
    db: &impl ConnectionTrait,
    config: &Config,
    group: &Actor,
    s: &status::Model,
    create: &Value,
) -> Result<(), AppError> {
    let boost_id = format!("{}/announces/{}", group.ap_id, s.id);
    let exists = status::Entity::find()
        .filter(status::Column::ApId.eq(boost_id.as_str()))
        .one(db)
        .await?
        .is_some();
    if exists {
        return Ok(());
    }
    status::ActiveModel {
        ap_id: Set(boost_id.clone()),
        actor_id: Set(group.id),
        reblog_of_id: Set(Some(s.id)),
        content: Set(String::new()),
        spoiler_text: Set(String::new()),
        sensitive: Set(false),
        visibility: Set("public".into()),
        local: Set(true),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let followers = group
        .followers_url
        .clone()
        .unwrap_or_else(|| format!("{}/followers", group.ap_id));
    let wrapped = with_context(json!({
        "id": format!("{boost_id}/create"),
        "type": "Announce",
        "actor": group.ap_id,
        "to": [PUBLIC],
        "cc": [followers],
        "object": create,
    }));
    let followers_of_group = || Recipients::new().followers_of(group.id);
    enqueue_to(db, config, group, &wrapped, false, followers_of_group()).await?;
    let plain = with_context(json!({
        "id": boost_id,
        "type": "Announce",
        "actor": group.ap_id,
        "published": time(&chrono::Utc::now()),
        "to": [PUBLIC],
        "cc": [followers],
        "object": s.ap_id,
    }));
    enqueue_to(db, config, group, &plain, true, followers_of_group()).await
}

/// An edited local status: Update with the new note.
pub async fn status_updated(
    db: &impl ConnectionTrait,
    config: &Config,
    s: &status::Model,
) -> Result<(), AppError> {
    status_updated_with(db, config, s, Recipients::new()).await
}

/// The Create of a local status, as its recipients get it.
pub async fn create_activity_of(
    db: &impl ConnectionTrait,
    config: &Config,
    s: &status::Model,
) -> Result<Value, AppError> {
    let author = load_actor(db, s.actor_id).await?;
    let note = notes::note(db, config, s).await?;
    Ok(create_activity(&note, &author, s))
}

/// An Update of a local status, also to `extra` (the followers of the
/// neighbourhood that announced it).
pub async fn status_updated_with(
    db: &impl ConnectionTrait,
    config: &Config,
    s: &status::Model,
    extra: Recipients,
) -> Result<(), AppError> {
    let author = load_actor(db, s.actor_id).await?;
    let note = notes::note(db, config, s).await?;
    let update = with_context(json!({
        "id": format!("{}#updates/{}-{}", s.ap_id, s.edited_at.map(|t| t.timestamp_millis()).unwrap_or_default(), crate::secrets::random_token()?),
        "type": "Update",
        "actor": author.ap_id,
        "to": note["to"],
        "cc": note["cc"],
        "object": note,
    }));
    let public = matches!(s.visibility.as_str(), "public" | "unlisted");
    let to = status_recipients(s).and(extra);
    enqueue_to(db, config, &author, &update, public, to).await
}

/// A local status about to be deleted: Delete with a Tombstone. Call before the
/// row goes, while mentions still tell who received it.
pub async fn status_deleted(
    db: &impl ConnectionTrait,
    config: &Config,
    s: &status::Model,
) -> Result<(), AppError> {
    let author = load_actor(db, s.actor_id).await?;
    let delete = with_context(json!({
        "id": format!("{}#delete", s.ap_id),
        "type": "Delete",
        "actor": author.ap_id,
        "to": [PUBLIC],
        "object": { "id": s.ap_id, "type": "Tombstone" },
    }));
    enqueue_to(db, config, &author, &delete, false, status_recipients(s)).await
}

/// A like of a remote status, sent to its author.
pub async fn liked(
    db: &impl ConnectionTrait,
    config: &Config,
    liker: &Actor,
    s: &status::Model,
    like_id: &str,
    undo: bool,
) -> Result<(), AppError> {
    let author = load_actor(db, s.actor_id).await?;
    if author.local {
        return Ok(());
    }
    let like = json!({ "id": like_id, "type": "Like", "actor": liker.ap_id, "object": s.ap_id });
    let activity = undoable(like, undo);
    enqueue(
        db,
        config,
        liker,
        &with_context(activity),
        false,
        [author.inbox_url.clone()],
    )
    .await
}

/// A boost of a status (ours or remote): Announce to our followers and the author.
pub async fn announced(
    db: &impl ConnectionTrait,
    config: &Config,
    booster: &Actor,
    boost: &status::Model,
    original: &status::Model,
    undo: bool,
) -> Result<(), AppError> {
    let author = load_actor(db, original.actor_id).await?;
    let to = Recipients::new()
        .followers_of(booster.id)
        .personal(author.id);
    let followers = booster
        .followers_url
        .clone()
        .unwrap_or_else(|| format!("{}/followers", booster.ap_id));
    let announce = json!({
        "id": boost.ap_id,
        "type": "Announce",
        "actor": booster.ap_id,
        "published": time(&boost.created_at),
        "to": [PUBLIC],
        "cc": [author.ap_id, followers],
        "object": original.ap_id,
    });
    // The boost shows in the outbox; its undoing does not.
    let (activity, public) = (undoable(announce, undo), !undo);
    enqueue_to(db, config, booster, &with_context(activity), public, to).await
}

/// A follow of a remote actor (or its undoing).
pub async fn followed(
    db: &impl ConnectionTrait,
    config: &Config,
    follower: &Actor,
    target: &Actor,
    follow_id: &str,
    undo: bool,
) -> Result<(), AppError> {
    if target.local {
        return Ok(());
    }
    let follow = json!({ "id": follow_id, "type": "Follow", "actor": follower.ap_id, "object": target.ap_id });
    let activity = undoable(follow, undo);
    enqueue(
        db,
        config,
        follower,
        &with_context(activity),
        false,
        [target.inbox_url.clone()],
    )
    .await
}

/// Our answer to a remote follow: Accept or Reject, quoting the Follow.
pub async fn answered_follow(
    db: &impl ConnectionTrait,
    config: &Config,
    target: &Actor,
    follower: &Actor,
    follow_id: &str,
    accept: bool,
) -> Result<(), AppError> {
    let kind = if accept { "Accept" } else { "Reject" };
    let activity = with_context(json!({
        "id": format!("{}#{}/{}", target.ap_id, kind.to_lowercase(), crate::secrets::random_token()?),
        "type": kind,
        "actor": target.ap_id,
        "object": { "id": follow_id, "type": "Follow", "actor": follower.ap_id, "object": target.ap_id },
    }));
    enqueue(
        db,
        config,
        target,
        &activity,
        false,
        [follower.inbox_url.clone()],
    )
    .await
}

/// A block of a remote actor, so its server stops showing them our content.
pub async fn blocked(
    db: &impl ConnectionTrait,
    config: &Config,
    blocker: &Actor,
    target: &Actor,
) -> Result<(), AppError> {
    if target.local {
        return Ok(());
    }
    let activity = with_context(json!({
        "id": format!("{}#blocks/{}", blocker.ap_id, crate::secrets::random_token()?),
        "type": "Block",
        "actor": blocker.ap_id,
        "object": target.ap_id,
    }));
    enqueue(
        db,
        config,
        blocker,
        &activity,
        false,
        [target.inbox_url.clone()],
    )
    .await
}

/// A changed profile: Update of the actor to its followers.
pub async fn profile_updated(
    db: &impl ConnectionTrait,
    config: &Config,
    a: &Actor,
    document: Value,
) -> Result<(), AppError> {
    let activity = with_context(json!({
        "id": format!("{}#updates/{}", a.ap_id, a.updated_at.timestamp_millis()),
        "type": "Update",
        "actor": a.ap_id,
        "to": [PUBLIC],
        "object": document,
    }));
    enqueue_to(
        db,
        config,
        a,
        &activity,
        false,
        Recipients::new().followers_of(a.id),
    )
    .await
}

/// A vote in a remote poll: a Note named after the option, in reply to the
/// Question, sent to its author (as Mastodon votes).
pub async fn voted(
    db: &impl ConnectionTrait,
    config: &Config,
    voter: &Actor,
    author: &Actor,
    question: &status::Model,
    option: &str,
) -> Result<(), AppError> {
    let token = crate::secrets::random_token()?;
    let note = json!({
        "id": format!("{}#votes/{token}", voter.ap_id),
        "type": "Note",
        "name": option,
        "attributedTo": voter.ap_id,
        "inReplyTo": question.ap_id,
        "to": [author.ap_id],
    });
    let activity = with_context(json!({
        "id": format!("{}#votes/{token}/activity", voter.ap_id),
        "type": "Create",
        "actor": voter.ap_id,
        "to": [author.ap_id],
        "object": note,
    }));
    enqueue(
        db,
        config,
        voter,
        &activity,
        false,
        [author.inbox_url.clone()],
    )
    .await
}
