//! Checks every server makes of an inbound activity, whatever the
//! application: the actor is the signer, ids live on the actor's host, an
//! author speaks for itself. [`activity`] runs those that always hold;
//! the others are here for the application to call where they apply.

use super::delete::Delete;
use super::inbox::InboxActivity;
use super::json::host_of;
use super::object::Object;
use super::post::PostFields;
use super::update::Update;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckError {
    #[error("the activity has no id or actor")]
    Incomplete,
    #[error("{what} {url} is not a URL with a host")]
    NotAUrl { what: &'static str, url: String },
    #[error("the activity's actor {actor} is not the signer {signer}")]
    NotTheSigner { actor: String, signer: String },
    #[error("{what} {url} is not on the actor's host {host}")]
    ForeignHost {
        what: &'static str,
        url: String,
        host: String,
    },
    #[error("the object is not attributed to the activity's actor")]
    NotTheAuthor,
    #[error("one can only undo one's own activities")]
    UndoOfOther,
    #[error("an actor can only update itself")]
    UpdateOfOther,
}

fn host(what: &'static str, url: &str) -> Result<String, CheckError> {
    host_of(url).ok_or_else(|| CheckError::NotAUrl {
        what,
        url: url.to_string(),
    })
}

/// `url` is on the same host (and port) as `actor`.
pub fn on_actor_host(what: &'static str, url: &str, actor: &str) -> Result<(), CheckError> {
    let expected = host("the actor", actor)?;
    if host(what, url)? != expected {
        return Err(CheckError::ForeignHost {
            what,
            url: url.to_string(),
            host: expected,
        });
    }
    Ok(())
}

/// The activity names its signer as actor.
pub fn signed_by_actor(actor: &str, signer: &str) -> Result<(), CheckError> {
    if actor != signer {
        return Err(CheckError::NotTheSigner {
            actor: actor.to_string(),
            signer: signer.to_string(),
        });
    }
    Ok(())
}

/// A post sent by `actor`: it lives on the actor's host and names the actor
/// among its authors.
pub fn authored_by(post: &PostFields, actor: &str) -> Result<(), CheckError> {
    on_actor_host("the object", &post.id, actor)?;
    if !post.is_by(actor) {
        return Err(CheckError::NotTheAuthor);
    }
    Ok(())
}

/// An `Update` changes the sender itself, or an object on the sender's
/// host. Not checked by [`activity`]: a Lemmy moderator updates its
/// community, a Knooppunt co-owner edits a plan that lives elsewhere.
pub fn update_object(update: &Update) -> Result<(), CheckError> {
    match update.object.object() {
        Some(Object::Actor(a)) if a.id != update.actor => Err(CheckError::UpdateOfOther),
        Some(Object::Actor(_)) => Ok(()),
        _ => on_actor_host("the object", update.object.id(), &update.actor),
    }
}

/// A `Delete` removes the sender itself or something on its host. Not
/// checked by [`activity`]: a Lemmy moderator deletes others' comments.
pub fn delete_object(delete: &Delete) -> Result<(), CheckError> {
    on_actor_host("the deleted object", delete.object_id(), &delete.actor)
}

/// What holds for every activity, whatever the application: the actor is
/// the signer, the id is on its host, a created object is the actor's own
/// and on its host, and one undoes only one's own activities.
pub fn activity(activity: &InboxActivity, signer: &str) -> Result<(), CheckError> {
    let (Some(id), Some(actor)) = activity.id_and_actor() else {
        return Err(CheckError::Incomplete);
    };
    signed_by_actor(actor, signer)?;
    on_actor_host("the activity id", id, actor)?;
    match activity {
        InboxActivity::Create(c) => {
            on_actor_host("the object", c.object.id(), actor)?;
            match c.embedded().and_then(Object::fields) {
                Some(post) => authored_by(post, actor),
                None => Ok(()),
            }
        }
        InboxActivity::Undo(u) => match u.object.actor() {
            Some(inner) if inner != actor => Err(CheckError::UndoOfOther),
            _ => Ok(()),
        },
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    fn update(object: serde_json::Value) -> Update {
        serde_json::from_value(json!({"id": "https://a.example/u/x#u/1", "type": "Update", "actor": "https://a.example/u/x", "object": object})).unwrap()
    }

    #[test]
    fn hosts_include_the_port() {
        // Test instances share 127.0.0.x with different ports; a port is another server.
        assert!(
            on_actor_host(
                "the object",
                "http://127.0.0.2:8080/n/1",
                "http://127.0.0.2:8080/u/x"
            )
            .is_ok()
        );
        assert!(
            on_actor_host(
                "the object",
                "http://127.0.0.2:8081/n/1",
                "http://127.0.0.2:8080/u/x"
            )
            .is_err()
        );
        assert!(
            on_actor_host(
                "the object",
                "https://A.example/n/1",
                "https://a.example/u/x"
            )
            .is_ok()
        );
        assert!(matches!(
            on_actor_host("the object", "not a url", "https://a.example/u/x"),
            Err(CheckError::NotAUrl { .. })
        ));
    }

    #[test]
    fn updates_of_others_and_objects_elsewhere() {
        let person = |id: &str| {
            json!({"id": id, "type": "Person", "inbox": format!("{id}/inbox"),
            "publicKey": {"id": format!("{id}#main-key"), "owner": id, "publicKeyPem": "k"}})
        };
        assert!(update_object(&update(person("https://a.example/u/x"))).is_ok());
        assert_eq!(
            update_object(&update(person("https://a.example/u/y"))),
            Err(CheckError::UpdateOfOther)
        );
        let note =
            |id: &str| json!({"id": id, "type": "Note", "attributedTo": "https://a.example/u/x"});
        assert!(update_object(&update(note("https://a.example/n/1"))).is_ok());
        assert!(matches!(
            update_object(&update(note("https://b.example/n/1"))),
            Err(CheckError::ForeignHost { .. })
        ));
        assert!(matches!(
            update_object(&update(json!("https://b.example/n/1"))),
            Err(CheckError::ForeignHost { .. })
        ));
    }

    #[test]
    fn deletions_elsewhere() {
        let delete = |object: &str| -> Delete {
            serde_json::from_value(json!({"id": "https://a.example/d/1", "type": "Delete", "actor": "https://a.example/u/x", "object": object})).unwrap()
        };
        assert!(delete_object(&delete("https://a.example/n/1")).is_ok());
        assert!(delete_object(&delete("https://a.example/u/x")).is_ok());
        assert!(delete_object(&delete("https://b.example/n/1")).is_err());
    }

    #[test]
    fn authors() {
        let mut post = PostFields::new("https://a.example/n/1", "https://a.example/u/x");
        assert!(authored_by(&post, "https://a.example/u/x").is_ok());
        assert_eq!(
            authored_by(&post, "https://a.example/u/y"),
            Err(CheckError::NotTheAuthor)
        );
        post.attributed_to.push("https://a.example/u/y".into());
        assert!(
            authored_by(&post, "https://a.example/u/y").is_ok(),
            "one of a plan's owners"
        );
        post.id = "https://b.example/n/1".into();
        assert!(matches!(
            authored_by(&post, "https://a.example/u/x"),
            Err(CheckError::ForeignHost { .. })
        ));
    }
}
