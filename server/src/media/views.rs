//! How stored media look on the wire: their public URL and their Mastodon
//! attachment JSON.

use serde_json::{Value, json};

use super::entity::Model as Media;
use crate::config::Config;

/// Public URL of a stored file.
pub fn media_url(config: &Config, m: &Media) -> String {
    match (&m.file_name, &m.remote_url) {
        (Some(file), _) => format!("{}/media/{file}", config.base_url()),
        (None, Some(remote)) => remote.clone(),
        (None, None) => String::new(),
    }
}

/// Where pages load remote media from: our copy (see [`super::cache`]),
/// keyed by our record, so the image comes from our own origin.
pub fn cache_path(kind: &str, id: i64) -> String {
    format!("/media/cache/{kind}/{id}")
}

/// An actor's avatar or header (`kind`) as served by us: our own file, or
/// our copy of a remote one.
pub fn profile_image_url(config: &Config, actor_id: i64, kind: &str, m: &Media) -> String {
    match (&m.file_name, &m.remote_url) {
        (None, Some(_)) => format!("{}{}", config.base_url(), cache_path(kind, actor_id)),
        _ => media_url(config, m),
    }
}

/// Mastodon's attachment type for a media type.
fn kind_of(content_type: &str) -> &'static str {
    match content_type.split('/').next().unwrap_or_default() {
        _ if content_type.starts_with("image/gif") => "gifv",
        "image" => "image",
        "video" => "video",
        "audio" => "audio",
        _ => "unknown",
    }
}

pub fn media_json(config: &Config, m: &Media) -> Value {
    let url = media_url(config, m);
    let meta = match (m.width, m.height) {
        (Some(w), Some(h)) if h > 0 => {
            let size = json!({
                "width": w, "height": h, "size": format!("{w}x{h}"),
                "aspect": f64::from(w) / f64::from(h),
            });
            json!({ "original": size, "small": size })
        }
        _ => json!({}),
    };
    json!({
        "id": m.id.to_string(),
        "type": kind_of(&m.content_type),
        "url": url,
        "preview_url": url,
        "remote_url": m.remote_url,
        "preview_remote_url": Value::Null,
        "text_url": Value::Null,
        "meta": meta,
        "description": if m.description.is_empty() { Value::Null } else { json!(m.description) },
        "blurhash": Value::Null,
    })
}
