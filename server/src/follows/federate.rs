//! Follows and blocks over ActivityPub: what we send when a local actor
//! follows, answers a follow or blocks.

use crate::actors::entity::Model as Actor;
use crate::config::Config;
use crate::error::AppError;
use crate::federation::outbox::enqueue;
use knooppunt_federation::vocab::{self, Accept, Block, Follow, Reject, Undo};
use sea_orm::ConnectionTrait;

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
    let follow = Follow::new(follow_id, &follower.ap_id, &target.ap_id);
    let activity = if undo {
        vocab::with_as_context(&Undo::of(follow))?
    } else {
        vocab::with_as_context(&follow)?
    };
    let inboxes = [target.inbox_url.clone()];
    enqueue(db, config, follower, &activity, false, inboxes).await
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
    let token = crate::secrets::random_token()?;
    let follow = Follow::new(follow_id, &follower.ap_id, &target.ap_id);
    let activity = if accept {
        let id = format!("{}#accept/{token}", target.ap_id);
        vocab::with_as_context(&Accept::new(&id, &target.ap_id, follow))?
    } else {
        let id = format!("{}#reject/{token}", target.ap_id);
        vocab::with_as_context(&Reject::new(&id, &target.ap_id, follow))?
    };
    let inboxes = [follower.inbox_url.clone()];
    enqueue(db, config, target, &activity, false, inboxes).await
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
    let id = format!(
        "{}#blocks/{}",
        blocker.ap_id,
        crate::secrets::random_token()?
    );
    let activity = vocab::with_as_context(&Block::new(&id, &blocker.ap_id, &target.ap_id))?;
    let inboxes = [target.inbox_url.clone()];
    enqueue(db, config, blocker, &activity, false, inboxes).await
}
