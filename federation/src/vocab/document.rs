//! Attachments (`Document`, `Image`, `Audio`, `Video`, `Link`) and icons,
//! and the plain media file a post's attachment amounts to.

use serde::{Deserialize, Serialize};

use super::lenient;
use super::values::Links;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AttachmentKind {
    Document,
    Image,
    Audio,
    Video,
    Link,
}

/// One entry of `attachment` (or an `icon`). Mastodon reads the alt text
/// from `summary` or `name`; the file from `url` (a string or a `Link`);
/// some servers send `href` instead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attachment {
    #[serde(rename = "type", deserialize_with = "lenient::kind")]
    pub kind: AttachmentKind,
    #[serde(
        default,
        alias = "mimeType",
        deserialize_with = "lenient::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub media_type: Option<String>,
    #[serde(default, skip_serializing_if = "Links::is_empty")]
    pub url: Links,
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
    #[serde(
        default,
        deserialize_with = "lenient::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub summary: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient::int",
        skip_serializing_if = "Option::is_none"
    )]
    pub width: Option<i64>,
    #[serde(
        default,
        deserialize_with = "lenient::int",
        skip_serializing_if = "Option::is_none"
    )]
    pub height: Option<i64>,
    #[serde(
        default,
        deserialize_with = "lenient::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub blurhash: Option<String>,
    /// Misskey marks single files sensitive.
    #[serde(
        default,
        deserialize_with = "lenient::boolean",
        skip_serializing_if = "Option::is_none"
    )]
    pub sensitive: Option<bool>,
}

/// A remote media file, as a post's attachment amounts to: an http(s) URL,
/// its media type, alt text and size as the sender states them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaFile {
    pub url: String,
    pub media_type: Option<String>,
    pub description: Option<String>,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub blurhash: Option<String>,
}

impl Attachment {
    /// A `Document`, as we attach uploaded media to our notes.
    pub fn document(url: &str, media_type: &str) -> Self {
        Attachment {
            kind: AttachmentKind::Document,
            media_type: Some(media_type.to_string()),
            url: Links::one(url),
            href: None,
            name: None,
            summary: None,
            width: None,
            height: None,
            blurhash: None,
            sensitive: None,
        }
    }

    /// An `Image` (an actor's icon or header).
    pub fn image(url: &str, media_type: &str) -> Self {
        Attachment {
            kind: AttachmentKind::Image,
            ..Attachment::document(url, media_type)
        }
    }

    pub fn with_description(mut self, text: &str) -> Self {
        self.name = (!text.is_empty()).then(|| text.to_string());
        self
    }

    pub fn with_size(mut self, width: Option<i64>, height: Option<i64>) -> Self {
        (self.width, self.height) = (width, height);
        self
    }

    /// The file's URL: `url` (first link) or `href`.
    pub fn href(&self) -> Option<&str> {
        self.url.first().or(self.href.as_deref())
    }

    /// Alt text: `summary`, else `name` (as Mastodon reads it).
    pub fn description(&self) -> Option<&str> {
        self.summary
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .or(self.name.as_deref())
            .filter(|s| !s.trim().is_empty())
    }

    /// The media file, if this attachment has an http(s) URL.
    pub fn file(&self) -> Option<MediaFile> {
        let url = self.href().filter(|u| is_http(u))?;
        let link_type = self.url.0.first().and_then(|l| l.media_type.clone());
        Some(MediaFile {
            url: url.to_string(),
            media_type: self.media_type.clone().or(link_type),
            description: self.description().map(str::to_string),
            width: self.width.filter(|w| *w > 0),
            height: self.height.filter(|h| *h > 0),
            blurhash: self.blurhash.clone(),
        })
    }
}

pub(crate) fn is_http(url: &str) -> bool {
    url.starts_with("https://") || url.starts_with("http://")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn attachments_as_the_fediverse_sends_them() {
        // fediverse-pasture-inputs "attachments": Document, Image, Audio,
        // a Link, a Document with `href`, and things that are no attachment.
        let list: Vec<Attachment> = lenient::items(json!([
            {"type": "Image", "url": "http://pasture-one-actor/assets/cow.jpg", "mediaType": "image/jpeg", "name": "a cow"},
            {"type": "Document", "url": "http://pasture-one-actor/assets/cow_moo.mp3", "mediaType": "audio/mpeg"},
            {"href": "https://funfedi.dev", "type": "Link"},
            {"type": "Document", "name": "text document", "href": "http://pasture-one-actor/assets/sample.txt"},
            {"type": "Note", "content": "attached note"},
            {"@type": "Recipe", "name": "PB&J"},
            {"type": "Document", "url": "data:image/png;base64,AAAA"}
        ]))
        .unwrap();
        assert_eq!(list.len(), 5);
        let files: Vec<MediaFile> = list.iter().filter_map(Attachment::file).collect();
        assert_eq!(files.len(), 4, "the data: URL is no remote file");
        assert_eq!(files[0].description.as_deref(), Some("a cow"));
        assert_eq!(files[1].media_type.as_deref(), Some("audio/mpeg"));
        assert_eq!(files[3].url, "http://pasture-one-actor/assets/sample.txt");
    }

    #[test]
    fn pixelfed_and_mastodon_media() {
        // Mastodon: alt text in `name`, size and blurhash; a string width.
        let a: Attachment = serde_json::from_value(json!({
            "type": "Document", "mediaType": "image/jpeg", "url": "https://m.example/a.jpg",
            "name": "A cat", "blurhash": "UBL_:rOpGG-oBUNG,qRj2so|=eE1w^n4S5NH", "width": "1200", "height": 900,
            "focalPoint": [0.0, 0.0]
        }))
        .unwrap();
        let f = a.file().unwrap();
        assert_eq!((f.width, f.height), (Some(1200), Some(900)));
        assert_eq!(
            serde_json::to_value(
                Attachment::document("https://k.example/m/1.png", "image/png")
                    .with_description("alt")
                    .with_size(Some(2), Some(3))
            )
            .unwrap(),
            json!({"type": "Document", "mediaType": "image/png", "url": "https://k.example/m/1.png", "name": "alt", "width": 2, "height": 3})
        );
    }
}
