//! What every post-like object shares (`Note`, `Question`, `Article`,
//! `Page`, `Event`, `Image`, `Audio`, `Video`), and [`Post`]: one such
//! object as a status, the way Mastodon turns them into statuses.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::document::{Attachment, MediaFile};
use super::json::is_public;
use super::lenient;
use super::tag::Tag;
use super::values::{LanguageMap, Links};

/// The fields of a post-like object; each type flattens them in. Only `id`
/// is required: a partial `Update` or a vote sends little else.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PostFields {
    pub id: String,
    #[serde(
        default,
        deserialize_with = "lenient::ids",
        serialize_with = "lenient::ser_one_or_many",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub attributed_to: Vec<String>,
    #[serde(
        default,
        deserialize_with = "lenient::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "LanguageMap::is_empty")]
    pub name_map: LanguageMap,
    #[serde(
        default,
        deserialize_with = "lenient::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub summary: Option<String>,
    #[serde(default, skip_serializing_if = "LanguageMap::is_empty")]
    pub summary_map: LanguageMap,
    #[serde(
        default,
        deserialize_with = "lenient::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub content: Option<String>,
    #[serde(default, skip_serializing_if = "LanguageMap::is_empty")]
    pub content_map: LanguageMap,
    /// Of `content` for text objects (`text/markdown` from PeerTube); of the
    /// file itself for a top-level `Image`, `Audio` or `Video`.
    #[serde(
        default,
        deserialize_with = "lenient::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub media_type: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient::boolean",
        skip_serializing_if = "Option::is_none"
    )]
    pub sensitive: Option<bool>,
    #[serde(
        default,
        deserialize_with = "lenient::opt_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub in_reply_to: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient::ids",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub to: Vec<String>,
    #[serde(
        default,
        deserialize_with = "lenient::ids",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub cc: Vec<String>,
    /// FEP-1b12: the group a post is in.
    #[serde(
        default,
        deserialize_with = "lenient::ids",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub audience: Vec<String>,
    /// `None` when absent: a partial update that leaves tags alone.
    #[serde(
        default,
        deserialize_with = "lenient::opt_items",
        skip_serializing_if = "Option::is_none"
    )]
    pub tag: Option<Vec<Tag>>,
    #[serde(
        default,
        deserialize_with = "lenient::items",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub attachment: Vec<Attachment>,
    #[serde(default, skip_serializing_if = "Links::is_empty")]
    pub url: Links,
    #[serde(
        default,
        deserialize_with = "lenient::time",
        serialize_with = "lenient::ser_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub published: Option<DateTime<Utc>>,
    #[serde(
        default,
        deserialize_with = "lenient::time",
        serialize_with = "lenient::ser_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub updated: Option<DateTime<Utc>>,
    /// The thread or the thing discussed (an advice answer names its plan).
    #[serde(
        default,
        deserialize_with = "lenient::opt_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub context: Option<String>,
}

impl PostFields {
    /// A post by `author` with the given id; fill in the rest.
    pub fn new(id: &str, author: &str) -> Self {
        PostFields {
            id: id.to_string(),
            attributed_to: vec![author.to_string()],
            ..PostFields::default()
        }
    }

    /// `content`, else the first entry of `contentMap` (as Mastodon).
    pub fn text(&self) -> Option<&str> {
        present(&self.content).or_else(|| self.content_map.first().map(|(_, t)| t))
    }

    pub fn title(&self) -> Option<&str> {
        present(&self.name).or_else(|| self.name_map.first().map(|(_, t)| t))
    }

    pub fn summary_text(&self) -> Option<&str> {
        present(&self.summary).or_else(|| self.summary_map.first().map(|(_, t)| t))
    }

    /// The language of the first language map sent.
    pub fn language(&self) -> Option<&str> {
        [&self.content_map, &self.name_map, &self.summary_map]
            .into_iter()
            .find_map(|m| m.first().map(|(l, _)| l))
    }

    pub fn tags(&self) -> &[Tag] {
        self.tag.as_deref().unwrap_or_default()
    }

    /// Ids of the mentioned actors.
    pub fn mentions(&self) -> Vec<&str> {
        self.tags()
            .iter()
            .filter_map(|t| match t {
                Tag::Mention(m) => m.href.as_deref(),
                _ => None,
            })
            .collect()
    }

    /// Usable hashtag names, without `#`, lower case, once each.
    pub fn hashtags(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for t in self.tags() {
            if let Tag::Hashtag(h) = t
                && let Some(n) = h.normalized()
                && !names.contains(&n)
            {
                names.push(n);
            }
        }
        names
    }

    /// Whether `actor` is among the authors.
    pub fn is_by(&self, actor: &str) -> bool {
        self.attributed_to.iter().any(|a| a == actor)
    }

    /// Who it is addressed to, as Mastodon reads visibility.
    pub fn visibility(&self, followers: Option<&str>) -> Visibility {
        let has = |list: &[String], f: &dyn Fn(&str) -> bool| list.iter().any(|a| f(a));
        if has(&self.to, &is_public) {
            Visibility::Public
        } else if has(&self.cc, &is_public) {
            Visibility::Unlisted
        } else if followers
            .is_some_and(|f| has(&self.to, &|a| a == f) || has(&self.cc, &|a| a == f))
        {
            Visibility::Private
        } else {
            Visibility::Direct
        }
    }
}

fn present(text: &Option<String>) -> Option<&str> {
    text.as_deref().filter(|t| !t.trim().is_empty())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    Public,
    Unlisted,
    Private,
    Direct,
}

impl Visibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Unlisted => "unlisted",
            Visibility::Private => "private",
            Visibility::Direct => "direct",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostKind {
    Note,
    Question,
    Article,
    Page,
    Event,
    Image,
    Audio,
    Video,
}

impl PostKind {
    /// Shown by title, summary and link rather than by content, as Mastodon
    /// converts them.
    pub fn converted(self) -> bool {
        !matches!(self, PostKind::Note | PostKind::Question)
    }
}

/// A poll, from a `Question`.
#[derive(Debug, Clone, PartialEq)]
pub struct Poll {
    pub options: Vec<String>,
    /// Votes per option, as the sender counts them.
    pub votes: Vec<Option<i64>>,
    pub multiple: bool,
    pub end_time: Option<DateTime<Utc>>,
    pub voters_count: Option<i64>,
}

/// A post-like object as a status. `text` is HTML as sent: sanitise it.
#[derive(Debug, Clone, PartialEq)]
pub struct Post {
    pub kind: PostKind,
    pub text: String,
    /// A content warning: the `summary` of a `Note` or `Question`.
    pub spoiler_text: Option<String>,
    /// Marked sensitive, or behind a content warning.
    pub sensitive: bool,
    pub attachments: Vec<MediaFile>,
    /// The page for people, if it is a web link.
    pub url: Option<String>,
    pub poll: Option<Poll>,
}

/// Most attachments a status keeps, as Mastodon.
pub const MAX_ATTACHMENTS: usize = 8;

impl Post {
    /// A status from a post's fields; `files` are the attachments it has.
    pub(crate) fn build(kind: PostKind, fields: &PostFields, files: Vec<MediaFile>) -> Post {
        let url = fields
            .url
            .html()
            .filter(|u| super::document::is_http(u))
            .map(str::to_string);
        let (text, spoiler_text) = if kind.converted() {
            (converted_text(kind, fields, url.as_deref()), None)
        } else {
            (
                fields.text().unwrap_or_default().to_string(),
                fields.summary_text().map(str::to_string),
            )
        };
        Post {
            kind,
            sensitive: fields.sensitive.unwrap_or(false) || spoiler_text.is_some(),
            text,
            spoiler_text,
            attachments: files.into_iter().take(MAX_ATTACHMENTS).collect(),
            url,
            poll: None,
        }
    }
}

/// Title, summary and link, as the server has shown converted types. A
/// `Image`, `Audio` or `Video` with no summary shows its HTML content.
fn converted_text(kind: PostKind, f: &PostFields, url: Option<&str>) -> String {
    let link = url.unwrap_or(&f.id);
    let title = f.title().unwrap_or_default();
    let middle = match f.summary_text() {
        Some(s) => format!("<p>{}</p>", escape(s)),
        None if matches!(kind, PostKind::Image | PostKind::Audio | PostKind::Video)
            && matches!(f.media_type.as_deref(), None | Some("text/html")) =>
        {
            f.text().unwrap_or_default().to_string()
        }
        None => String::new(),
    };
    format!(
        "<p><strong>{}</strong></p>{middle}<p><a href=\"{}\">{}</a></p>",
        escape(title),
        escape(link),
        escape(link)
    )
}

/// Text for HTML: `& < > " '` escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::vocab::PUBLIC;

    fn fields(to: &[&str], cc: &[&str]) -> PostFields {
        PostFields {
            to: to.iter().map(|s| s.to_string()).collect(),
            cc: cc.iter().map(|s| s.to_string()).collect(),
            ..PostFields::new("https://a.example/n/1", "https://a.example/u/x")
        }
    }

    #[test]
    fn visibility_as_mastodon_reads_it() {
        let f = "https://a.example/u/x/followers";
        assert_eq!(
            fields(&[PUBLIC], &[f]).visibility(Some(f)),
            Visibility::Public
        );
        assert_eq!(
            fields(&[f], &["as:Public"]).visibility(Some(f)),
            Visibility::Unlisted
        );
        assert_eq!(fields(&[f], &[]).visibility(Some(f)), Visibility::Private);
        assert_eq!(
            fields(&["https://b.example/u/y"], &[]).visibility(Some(f)),
            Visibility::Direct
        );
        assert_eq!(fields(&[f], &[]).visibility(None), Visibility::Direct);
    }

    #[test]
    fn converted_posts_show_title_summary_and_link() {
        let mut f = fields(&[PUBLIC], &[]);
        f.name = Some("Bankje <hier>".into());
        f.summary = Some("Kort".into());
        f.url = Links::one("https://a.example/plans/1");
        let p = Post::build(PostKind::Page, &f, vec![]);
        assert_eq!(
            p.text,
            "<p><strong>Bankje &lt;hier&gt;</strong></p><p>Kort</p><p><a href=\"https://a.example/plans/1\">https://a.example/plans/1</a></p>"
        );
        assert_eq!((p.spoiler_text, p.sensitive), (None, false));
        f.content = Some("<p>body</p>".into());
        let note = Post::build(PostKind::Note, &f, vec![]);
        assert_eq!(
            (
                note.text.as_str(),
                note.spoiler_text.as_deref(),
                note.sensitive
            ),
            ("<p>body</p>", Some("Kort"), true)
        );
    }
}
