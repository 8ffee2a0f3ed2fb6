//! The activities a status change sends: each function builds the activity,
//! works out the inboxes, and puts both in the outbox inside the caller's
//! transaction.

use sea_orm::sea_query::Query;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;

use crate::actors::entity::{self as actor, Model as Actor};
use crate::actors::graph::is_member;
use crate::config::Config;
use crate::db::Db;
use crate::error::AppError;
use crate::federation::fanout::Recipients;
use crate::federation::outbox::{enqueue, enqueue_to};
use crate::statuses::entity::{mention, status};
use knooppunt_federation::vocab::{
    self, Announce, Create, Delete, Like, Note, PUBLIC, Undo, Update,
};

async fn load_actor(db: &impl Db, id: i64) -> Result<Actor, AppError> {
    actor::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::Internal(format!("actor {id} vanished")))
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

fn followers_of(a: &Actor) -> String {
    a.followers_url
        .clone()
        .unwrap_or_else(|| format!("{}/followers", a.ap_id))
}

/// The Create of `note`, addressed as the note is.
fn create_activity(
    note: vocab::Object,
    author: &Actor,
    s: &status::Model,
) -> Result<Value, AppError> {
    let create = Create {
        published: Some(s.created_at),
        ..Create::new(&format!("{}/activity", s.ap_id), &author.ap_id, note)
    };
    Ok(vocab::with_as_context(&create)?)
}

/// A new local status: Create to its recipients, then redistribution by the
/// local groups it addresses and by the neighbourhood.
pub async fn status_created(
    db: &impl Db,
    config: &Config,
    s: &status::Model,
) -> Result<(), AppError> {
    let author = load_actor(db, s.actor_id).await?;
    let note = super::note::object(db, config, s).await?;
    let create = create_activity(note, &author, s)?;
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

/// A local group (or the neighbourhood) passes a post on to its followers: a
/// boost here, and to remote followers both `Announce{Create}` (Lemmy and
/// FEP-1b12) and `Announce{note id}` (Mastodon, which shows it as a boost).
pub async fn redistribute(
    db: &impl Db,
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
    let now = chrono::Utc::now();
    status::ActiveModel {
        ap_id: Set(boost_id.clone()),
        actor_id: Set(group.id),
        reblog_of_id: Set(Some(s.id)),
        content: Set(String::new()),
        spoiler_text: Set(String::new()),
        sensitive: Set(false),
        visibility: Set("public".into()),
        local: Set(true),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let (to, cc) = (vec![PUBLIC.to_string()], vec![followers_of(group)]);
    let wrapped = Announce::passing_on(
        &format!("{boost_id}/create"),
        &group.ap_id,
        create.clone(),
        to.clone(),
        cc.clone(),
    );
    let followers_of_group = || Recipients::new().followers_of(group.id);
    let wrapped = vocab::with_as_context(&wrapped)?;
    enqueue_to(db, config, group, &wrapped, false, followers_of_group()).await?;
    let plain = Announce {
        published: Some(now),
        ..Announce::new(&boost_id, &group.ap_id, &s.ap_id, to, cc)
    };
    let plain = vocab::with_as_context(&plain)?;
    enqueue_to(db, config, group, &plain, true, followers_of_group()).await
}

/// An edited local status: Update with the new note.
pub async fn status_updated(
    db: &impl Db,
    config: &Config,
    s: &status::Model,
) -> Result<(), AppError> {
    status_updated_with(db, config, s, Recipients::new()).await
}

/// The Create of a local status, as its recipients get it.
pub async fn create_activity_of(
    db: &impl Db,
    config: &Config,
    s: &status::Model,
) -> Result<Value, AppError> {
    let author = load_actor(db, s.actor_id).await?;
    let note = super::note::object(db, config, s).await?;
    create_activity(note, &author, s)
}

/// An Update of a local status, also to `extra` (the followers of the
/// neighbourhood that announced it).
pub async fn status_updated_with(
    db: &impl Db,
    config: &Config,
    s: &status::Model,
    extra: Recipients,
) -> Result<(), AppError> {
    let author = load_actor(db, s.actor_id).await?;
    let note = super::note::object(db, config, s).await?;
    let edited = s
        .edited_at
        .map(|t| t.timestamp_millis())
        .unwrap_or_default();
    let id = format!(
        "{}#updates/{edited}-{}",
        s.ap_id,
        crate::secrets::random_token()?
    );
    let update = vocab::with_as_context(&Update::new(&id, &author.ap_id, note))?;
    let public = matches!(s.visibility.as_str(), "public" | "unlisted");
    let to = status_recipients(s).and(extra);
    enqueue_to(db, config, &author, &update, public, to).await
}

/// A local status about to be deleted: Delete with a Tombstone. Call before the
/// row goes, while mentions still tell who received it.
pub async fn status_deleted(
    db: &impl Db,
    config: &Config,
    s: &status::Model,
) -> Result<(), AppError> {
    let author = load_actor(db, s.actor_id).await?;
    let delete = Delete {
        to: vec![PUBLIC.to_string()],
        ..Delete::tombstone(&format!("{}#delete", s.ap_id), &author.ap_id, &s.ap_id)
    };
    let delete = vocab::with_as_context(&delete)?;
    enqueue_to(db, config, &author, &delete, false, status_recipients(s)).await
}

/// A like of a remote status, sent to its author.
pub async fn liked(
    db: &impl Db,
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
    let like = Like::new(like_id, &liker.ap_id, &s.ap_id);
    let activity = if undo {
        vocab::with_as_context(&Undo::of(like))?
    } else {
        vocab::with_as_context(&like)?
    };
    let inboxes = [author.inbox_url.clone()];
    enqueue(db, config, liker, &activity, false, inboxes).await
}

/// A boost of a status (ours or remote): Announce to our followers and the author.
pub async fn announced(
    db: &impl Db,
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
    let announce = Announce {
        published: Some(boost.created_at),
        ..Announce::new(
            &boost.ap_id,
            &booster.ap_id,
            &original.ap_id,
            vec![PUBLIC.to_string()],
            vec![author.ap_id.clone(), followers_of(booster)],
        )
    };
    // The boost shows in the outbox; its undoing does not.
    let activity = if undo {
        vocab::with_as_context(&Undo::of(announce))?
    } else {
        vocab::with_as_context(&announce)?
    };
    enqueue_to(db, config, booster, &activity, !undo, to).await
}

/// A vote in a remote poll: a Note named after the option, in reply to the
/// Question, sent to its author (as Mastodon votes).
pub async fn voted(
    db: &impl Db,
    config: &Config,
    voter: &Actor,
    author: &Actor,
    question: &status::Model,
    option: &str,
) -> Result<(), AppError> {
    let token = crate::secrets::random_token()?;
    let id = format!("{}#votes/{token}", voter.ap_id);
    let note = Note::vote(&id, &voter.ap_id, &question.ap_id, option, &author.ap_id);
    let create = Create::new(&format!("{id}/activity"), &voter.ap_id, note);
    let activity = vocab::with_as_context(&create)?;
    let inboxes = [author.inbox_url.clone()];
    enqueue(db, config, voter, &activity, false, inboxes).await
}
