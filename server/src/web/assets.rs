//! The one style sheet, built into the binary and served at a path that
//! carries a hash of its content: browsers keep it for a year, and a new
//! release has a new path.

use std::sync::LazyLock;

use axum::http::header;
use axum::response::{IntoResponse, Response};

const CSS: &str = include_str!("../../static/site.css");

static CSS_PATH: LazyLock<String> = LazyLock::new(|| {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, CSS.as_bytes());
    let hex: String = digest.as_ref()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("/static/site.{hex}.css")
});

/// `/static/site.HASH.css`
pub fn css_path() -> &'static str {
    CSS_PATH.as_str()
}

/// The style sheet, if `file` names its current version.
pub fn css(file: &str) -> Option<Response> {
    if format!("/static/{file}") != css_path() {
        return None;
    }
    Some(
        (
            [
                (header::CONTENT_TYPE, "text/css; charset=utf-8"),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            CSS,
        )
            .into_response(),
    )
}
