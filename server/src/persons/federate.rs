//! Local actors as ActivityPub documents: people, groups and the instance
//! actor, with their keys, endpoints and images.

use sea_orm::EntityTrait;
use serde_json::{Value, json};

use crate::actors::entity::Model as Actor;
use crate::error::AppError;
use crate::federation::context_url;
use crate::media::views::media_url;
use crate::state::AppState;
use knooppunt_federation::vocab;

/// The ActivityPub document of a local actor.
pub async fn document(state: &AppState, a: &Actor) -> Result<Value, AppError> {
    let config = &state.config;
    let kind = match a.kind.as_str() {
        "group" => "Group",
        "application" => "Application",
        _ => "Person",
    };
    let mut doc = json!({
        "@context": vocab::context(&context_url(config)),
        "id": a.ap_id,
        "type": kind,
        "preferredUsername": a.username,
        "name": a.display_name,
        "summary": a.summary,
        "url": a.url.clone().unwrap_or_else(|| a.ap_id.clone()),
        "inbox": a.inbox_url,
        "outbox": format!("{}/outbox", a.ap_id),
        "followers": format!("{}/followers", a.ap_id),
        "following": format!("{}/following", a.ap_id),
        "featured": format!("{}/featured", a.ap_id),
        "endpoints": { "sharedInbox": format!("{}/inbox", config.base_url()) },
        "manuallyApprovesFollowers": a.locked,
        "discoverable": true,
        "indexable": true,
        "published": crate::http::time(&a.created_at),
        "publicKey": {
            "id": format!("{}#main-key", a.ap_id),
            "owner": a.ap_id,
            "publicKeyPem": a.public_key_pem,
        },
    });
    if let Some(role) = &a.role {
        doc["knooppunt:role"] = json!(role);
    }
    for (field, id) in [("icon", a.avatar_media_id), ("image", a.header_media_id)] {
        if let Some(id) = id
            && let Some(m) = crate::media::entity::Entity::find_by_id(id)
                .one(&state.db)
                .await?
        {
            doc[field] = json!({ "type": "Image", "mediaType": m.content_type, "url": media_url(config, &m) });
        }
    }
    Ok(doc)
}

/// A changed profile: Update of the actor to its followers.
pub async fn profile_updated(
    db: &impl sea_orm::ConnectionTrait,
    config: &crate::config::Config,
    a: &Actor,
    document: Value,
) -> Result<(), AppError> {
    use crate::federation::fanout::Recipients;
    let activity = json!({
        "@context": vocab::AS_CONTEXT,
        "id": format!("{}#updates/{}", a.ap_id, a.updated_at.timestamp_millis()),
        "type": "Update",
        "actor": a.ap_id,
        "to": [vocab::PUBLIC],
        "object": document,
    });
    let followers = Recipients::new().followers_of(a.id);
    crate::federation::outbox::enqueue_to(db, config, a, &activity, false, followers).await
}
