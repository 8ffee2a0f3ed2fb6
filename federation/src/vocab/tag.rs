//! Entries of a post's `tag` list: `Mention`, `Hashtag` and Mastodon's
//! custom `Emoji`. Other kinds of tag are left out when read.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::document::Attachment;
use super::lenient;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Tag {
    Mention(Mention),
    Hashtag(Hashtag),
    Emoji(Emoji),
}

/// A mentioned actor: `href` its id (GoToSocial allows its profile URL),
/// `name` its `@user@host`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Mention {
    #[serde(
        default,
        deserialize_with = "lenient::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub href: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub name: Option<String>,
}

/// A hashtag: `name` with its `#`, `href` a page about it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Hashtag {
    #[serde(
        default,
        deserialize_with = "lenient::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub href: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub name: Option<String>,
}

/// A custom emoji: `:name:` and its image.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Emoji {
    #[serde(
        default,
        deserialize_with = "lenient::opt_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub name: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient::skip_error",
        skip_serializing_if = "Option::is_none"
    )]
    pub icon: Option<Attachment>,
    #[serde(
        default,
        deserialize_with = "lenient::time",
        serialize_with = "lenient::ser_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub updated: Option<DateTime<Utc>>,
}

impl Tag {
    pub fn mention(href: &str, name: &str) -> Tag {
        Tag::Mention(Mention {
            href: Some(href.to_string()),
            name: Some(name.to_string()),
        })
    }

    /// A hashtag named `#{name}`; `href` may be left out (a co-owner's edit).
    pub fn hashtag(name: &str, href: Option<&str>) -> Tag {
        Tag::Hashtag(Hashtag {
            href: href.map(str::to_string),
            name: Some(format!("#{}", name.trim_start_matches('#'))),
        })
    }
}

impl Hashtag {
    /// The tag's name without `#`, lower case, if it is a usable tag name.
    pub fn normalized(&self) -> Option<String> {
        let name = self.name.as_deref()?.trim_start_matches('#').to_lowercase();
        (!name.is_empty()
            && name.len() <= 100
            && name.chars().all(|c| c.is_alphanumeric() || c == '_'))
        .then_some(name)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn tags_as_gotosocial_documents_them() {
        // docs/federation/posts.md in GoToSocial: an emoji and a hashtag.
        let tags: Vec<Tag> = lenient::items(json!([
            {"icon": {"mediaType": "image/png", "type": "Image", "url": "https://example.org/emoji/r.png"},
             "id": "https://example.org/emoji/01F8", "name": ":rainbow:", "type": "Emoji", "updated": "2021-09-20T10:40:37Z"},
            {"href": "https://example.org/tags/welcome", "name": "#welcome", "type": "Hashtag"},
            {"type": "PropertyValue", "name": "x"}
        ]))
        .unwrap();
        assert_eq!(tags.len(), 2);
        let Tag::Emoji(e) = &tags[0] else {
            panic!("not an emoji")
        };
        assert_eq!(
            e.icon.as_ref().unwrap().href(),
            Some("https://example.org/emoji/r.png")
        );
        let Tag::Hashtag(h) = &tags[1] else {
            panic!("not a hashtag")
        };
        assert_eq!(h.normalized().as_deref(), Some("welcome"));
        assert_eq!(
            Hashtag {
                name: Some("#a b".into()),
                href: None
            }
            .normalized(),
            None
        );
    }

    #[test]
    fn tags_serialize_as_sent_today() {
        assert_eq!(
            serde_json::to_value(Tag::mention("https://b.example/u/x", "@x@b.example")).unwrap(),
            json!({"type": "Mention", "href": "https://b.example/u/x", "name": "@x@b.example"})
        );
        assert_eq!(
            serde_json::to_value(Tag::hashtag("fiets", None)).unwrap(),
            json!({"type": "Hashtag", "name": "#fiets"})
        );
    }
}
