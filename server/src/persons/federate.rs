//! Local actors as ActivityPub documents: people, groups and the instance
//! actor, with their keys, endpoints and images.

use sea_orm::EntityTrait;
use serde_json::Value;

use crate::actors::entity::Model as Actor;
use crate::error::AppError;
use crate::federation::context_url;
use crate::media::views::media_url;
use crate::state::AppState;
use knooppunt_federation::vocab;

/// The ActivityPub document of a local actor, with its `@context`.
pub async fn document(state: &AppState, a: &Actor) -> Result<Value, AppError> {
    let doc = actor_document(state, a).await?;
    Ok(vocab::with_context(
        &doc,
        vocab::context(&context_url(&state.config)),
    )?)
}

/// A local actor as the vocabulary's [`vocab::Actor`].
pub async fn actor_document(state: &AppState, a: &Actor) -> Result<vocab::Actor, AppError> {
    let config = &state.config;
    let kind = match a.kind.as_str() {
        "group" => vocab::ActorKind::Group,
        "application" => vocab::ActorKind::Application,
        _ => vocab::ActorKind::Person,
    };
    let mut doc = vocab::Actor {
        preferred_username: Some(a.username.clone()),
        name: Some(a.display_name.clone()),
        summary: Some(a.summary.clone()),
        url: vocab::Links::one(&crate::actors::page_url(config, a)),
        outbox: Some(format!("{}/outbox", a.ap_id)),
        followers: Some(format!("{}/followers", a.ap_id)),
        following: Some(format!("{}/following", a.ap_id)),
        featured: Some(format!("{}/featured", a.ap_id)),
        endpoints: Some(vocab::Endpoints {
            shared_inbox: Some(format!("{}/inbox", config.base_url())),
        }),
        manually_approves_followers: Some(a.locked),
        discoverable: Some(true),
        indexable: Some(true),
        published: Some(a.created_at),
        role: a.role.clone(),
        ..vocab::Actor::new(kind, &a.ap_id, &a.inbox_url, &a.public_key_pem)
    };
    for (image, id) in [
        (&mut doc.icon, a.avatar_media_id),
        (&mut doc.image, a.header_media_id),
    ] {
        if let Some(id) = id
            && let Some(m) = crate::media::entity::Entity::find_by_id(id)
                .one(&state.db)
                .await?
        {
            *image = Some(vocab::Attachment::image(
                &media_url(config, &m),
                &m.content_type,
            ));
        }
    }
    Ok(doc)
}

/// A changed profile: Update of the actor to its followers. The activity
/// carries the actor document's `@context`, which names the terms it uses.
pub async fn profile_updated(
    db: &impl sea_orm::ConnectionTrait,
    config: &crate::config::Config,
    a: &Actor,
    document: vocab::Actor,
) -> Result<(), AppError> {
    use crate::federation::fanout::Recipients;
    let id = format!("{}#updates/{}", a.ap_id, a.updated_at.timestamp_millis());
    let update = vocab::Update {
        to: vec![vocab::PUBLIC.to_string()],
        ..vocab::Update::new(&id, &a.ap_id, document)
    };
    let activity = vocab::with_context(&update, vocab::context(&context_url(config)))?;
    let followers = Recipients::new().followers_of(a.id);
    crate::federation::outbox::enqueue_to(db, config, a, &activity, false, followers).await
}
