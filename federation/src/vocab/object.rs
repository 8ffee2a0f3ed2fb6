//! Any object an activity carries, read by its `type`: a post-like object,
//! an actor, a tombstone, or one we do not read.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::actor::Actor;
use super::error::{VocabError, check_shape, parse};
use super::event::Event;
use super::json::type_of;
use super::media::Media;
use super::note::Note;
use super::page::{Page, PageKind};
use super::post::{Post, PostFields};
use super::question::Question;
use super::tombstone::Tombstone;
use super::values::{HasId, ObjectRef};

// Read once per activity and moved little: boxing would only add pointers.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Object {
    Note(Note),
    Question(Question),
    /// `Page` or `Article`.
    Page(Page),
    Event(Event),
    /// `Image`, `Audio` or `Video`.
    Media(Media),
    Actor(Box<Actor>),
    Tombstone(Tombstone),
    /// A type we do not read (`ChatMessage`, `Offer`, ...): only its id and type.
    Other(ObjectRef),
}

impl Object {
    /// Reads `value` by its `type`. A known type that is malformed is an
    /// error; an unknown one is [`Object::Other`].
    pub fn parse(value: &Value) -> Result<Object, VocabError> {
        check_shape(value)?;
        let kind = type_of(value).ok_or(VocabError::MissingType)?;
        // Read before the flattened fields, whose errors lose their name.
        if !matches!(value.get("id"), Some(Value::String(_)) | None) {
            return Err(VocabError::Malformed {
                kind: kind.to_string(),
                field: "id".into(),
                reason: "expected a string".into(),
            });
        }
        Ok(match kind {
            "Note" => Object::Note(parse(kind, value)?),
            "Question" => Object::Question(parse(kind, value)?),
            "Page" | "Article" => Object::Page(parse(kind, value)?),
            "Event" => Object::Event(parse(kind, value)?),
            "Image" | "Audio" | "Video" => Object::Media(parse(kind, value)?),
            "Person" | "Group" | "Application" | "Service" | "Organization" => {
                Object::Actor(Box::new(parse(kind, value)?))
            }
            "Tombstone" => Object::Tombstone(parse(kind, value)?),
            _ => Object::Other(ObjectRef::of(value)),
        })
    }

    /// The object's id (`None` only for an unknown type sent without one).
    pub fn id(&self) -> Option<&str> {
        match self {
            Object::Other(r) => r.id.as_deref(),
            Object::Actor(a) => Some(&a.id),
            Object::Tombstone(t) => Some(&t.id),
            other => other.fields().map(|f| f.id.as_str()),
        }
    }

    /// The type as sent: `Page` or `Article`, `Image` or `Video`, ...
    pub fn kind(&self) -> &str {
        match self {
            Object::Note(_) => "Note",
            Object::Question(_) => "Question",
            Object::Page(p) => match p.kind {
                PageKind::Page => "Page",
                PageKind::Article => "Article",
            },
            Object::Event(_) => "Event",
            Object::Media(m) => m.kind.as_str(),
            Object::Actor(a) => a.kind.as_str(),
            Object::Tombstone(_) => "Tombstone",
            Object::Other(r) => r.kind.as_deref().unwrap_or_default(),
        }
    }

    /// The fields of a post-like object.
    pub fn fields(&self) -> Option<&PostFields> {
        match self {
            Object::Note(n) => Some(&n.post),
            Object::Question(q) => Some(&q.post),
            Object::Page(p) => Some(&p.post),
            Object::Event(e) => Some(&e.post),
            Object::Media(m) => Some(&m.post),
            Object::Actor(_) | Object::Tombstone(_) | Object::Other(_) => None,
        }
    }

    /// A post-like object as a status.
    pub fn as_post(&self) -> Option<Post> {
        match self {
            Object::Note(n) => Some(n.as_post()),
            Object::Question(q) => Some(q.as_post()),
            Object::Page(p) => Some(p.as_post()),
            Object::Event(e) => Some(e.as_post()),
            Object::Media(m) => Some(m.into_post()),
            Object::Actor(_) | Object::Tombstone(_) | Object::Other(_) => None,
        }
    }
}

impl HasId for Object {
    fn id(&self) -> &str {
        Object::id(self).unwrap_or_default()
    }
}

impl<'de> Deserialize<'de> for Object {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        Object::parse(&value).map_err(serde::de::Error::custom)
    }
}

impl From<Note> for Object {
    fn from(n: Note) -> Self {
        Object::Note(n)
    }
}

impl From<Question> for Object {
    fn from(q: Question) -> Self {
        Object::Question(q)
    }
}

impl From<Page> for Object {
    fn from(p: Page) -> Self {
        Object::Page(p)
    }
}

impl From<Event> for Object {
    fn from(e: Event) -> Self {
        Object::Event(e)
    }
}

impl From<Actor> for Object {
    fn from(a: Actor) -> Self {
        Object::Actor(Box::new(a))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn the_kind_is_the_type_as_sent() {
        let kind = |v: Value| Object::parse(&v).unwrap().kind().to_string();
        let id = "https://a.example/o/1";
        assert_eq!(kind(json!({"id": id, "type": "Article"})), "Article");
        assert_eq!(kind(json!({"id": id, "type": "Page"})), "Page");
        assert_eq!(kind(json!({"id": id, "type": "Video"})), "Video");
        assert_eq!(kind(json!({"id": id, "type": ["Event", "x"]})), "Event");
        assert_eq!(
            kind(json!({"id": id, "type": "ChatMessage"})),
            "ChatMessage"
        );
    }
}
