//! Top-level `Image`, `Audio` and `Video` objects (Pixelfed, PeerTube,
//! Funkwhale). Mastodon turns them into statuses; so do we, with their
//! files as attachments.

use serde::{Deserialize, Serialize};

use super::document::{Attachment, MediaFile, is_http};
use super::lenient;
use super::post::{Post, PostFields, PostKind};
use super::values::{HasId, Link};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MediaKind {
    Image,
    Audio,
    Video,
}

impl MediaKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MediaKind::Image => "Image",
            MediaKind::Audio => "Audio",
            MediaKind::Video => "Video",
        }
    }

    fn prefix(self) -> &'static str {
        match self {
            MediaKind::Image => "image/",
            MediaKind::Audio => "audio/",
            MediaKind::Video => "video/",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Media {
    #[serde(rename = "type", deserialize_with = "lenient::kind")]
    pub kind: MediaKind,
    #[serde(flatten)]
    pub post: PostFields,
    /// Thumbnails (PeerTube sends several sizes).
    #[serde(
        default,
        deserialize_with = "lenient::items",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub icon: Vec<Attachment>,
    /// ISO 8601 duration (`PT1145S`).
    #[serde(
        default,
        deserialize_with = "lenient::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub duration: Option<String>,
}

/// The tallest video we take from a list of renditions; bigger ones cost
/// viewers bandwidth for little gain.
const MAX_VIDEO_HEIGHT: i64 = 1080;

impl Media {
    /// This object as a status: its `attachment`s, or when it has none, the
    /// file its own `url` points at (the best rendition of a video).
    pub fn into_post(&self) -> Post {
        let kind = match self.kind {
            MediaKind::Image => PostKind::Image,
            MediaKind::Audio => PostKind::Audio,
            MediaKind::Video => PostKind::Video,
        };
        let mut files: Vec<MediaFile> = self
            .post
            .attachment
            .iter()
            .filter_map(|a| a.file())
            .collect();
        if files.is_empty() {
            files.extend(self.own_file());
        }
        Post::build(kind, &self.post, files)
    }

    /// The file of the object itself: a plain `url` with the object's
    /// `mediaType`, or the best `Link` of the right kind.
    fn own_file(&self) -> Option<MediaFile> {
        let description = self.post.title().map(str::to_string);
        let links = self.post.url.media();
        let of_kind: Vec<&Link> = links
            .into_iter()
            .filter(|l| {
                l.media_type
                    .as_deref()
                    .is_some_and(|m| m.starts_with(self.kind.prefix()))
            })
            .filter(|l| is_http(&l.href))
            .collect();
        // The tallest rendition within bounds; the first of equals.
        let best = of_kind
            .iter()
            .enumerate()
            .filter(|(_, l)| l.height.is_none_or(|h| h <= MAX_VIDEO_HEIGHT))
            .max_by_key(|(i, l)| (l.height.unwrap_or(0), std::cmp::Reverse(*i)))
            .map(|(_, l)| l)
            .or_else(|| of_kind.first())
            .copied();
        if let Some(l) = best {
            return Some(MediaFile {
                url: l.href.clone(),
                media_type: l.media_type.clone(),
                description,
                width: l.width.filter(|w| *w > 0),
                height: l.height.filter(|h| *h > 0),
                blurhash: None,
            });
        }
        // `{"type": "Image", "url": "https://…/a.jpg", "mediaType": "image/jpeg"}`
        // Without a media type, a lone URL may as well be a web page.
        let media_type = self
            .post
            .media_type
            .clone()
            .filter(|m| m.starts_with(self.kind.prefix()))?;
        let url = self
            .post
            .url
            .0
            .iter()
            .find(|l| l.media_type.is_none() && is_http(&l.href))?;
        Some(MediaFile {
            url: url.href.clone(),
            media_type: Some(media_type),
            description,
            width: url.width.filter(|w| *w > 0),
            height: url.height.filter(|h| *h > 0),
            blurhash: None,
        })
    }
}

impl HasId for Media {
    fn id(&self) -> &str {
        &self.post.id
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    fn media(v: serde_json::Value) -> Media {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn the_objects_own_file() {
        let base = json!({"id": "https://p.example/i/1", "type": "Image", "attributedTo": "https://p.example/u/x", "name": "Polder"});
        let mut plain = base.clone();
        plain["url"] = json!("https://p.example/i/1.jpg");
        plain["mediaType"] = json!("image/jpeg");
        let post = media(plain.clone()).into_post();
        assert_eq!(post.attachments[0].url, "https://p.example/i/1.jpg");
        assert_eq!(post.attachments[0].description.as_deref(), Some("Polder"));
        plain["mediaType"] = json!("text/html");
        assert!(
            media(plain).into_post().attachments.is_empty(),
            "a web page is no image"
        );
        let mut tall = base.clone();
        tall["type"] = json!("Video");
        tall["url"] = json!([{"type": "Link", "mediaType": "video/mp4", "href": "https://p.example/4k.mp4", "height": 2160},
                             {"type": "Link", "mediaType": "video/mp4", "href": "https://p.example/8k.mp4", "height": 4320}]);
        assert_eq!(
            media(tall).into_post().attachments[0].url,
            "https://p.example/4k.mp4",
            "all too tall: the first"
        );
        let mut attached = base;
        attached["attachment"] = json!([{"type": "Document", "mediaType": "image/png", "url": "https://p.example/a.png"}]);
        attached["url"] =
            json!([{"type": "Link", "mediaType": "image/jpeg", "href": "https://p.example/b.jpg"}]);
        assert_eq!(
            media(attached).into_post().attachments[0].url,
            "https://p.example/a.png",
            "attachments first"
        );
    }
}
