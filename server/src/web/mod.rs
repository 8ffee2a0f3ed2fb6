//! What every page shares: the frame around it (`Chrome`: who is signed in,
//! the sign-out form, the language switch, the navigation), rendering a
//! template into a response, the one style sheet, and the headers every
//! HTML response carries. Domains render their pages in their own `web.rs`
//! with templates that extend `templates/base.html`.
//!
//! This module knows nothing of sessions: `auth::web::Visit` reads who is
//! asking and builds the `Chrome`.

pub mod assets;

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use crate::error::AppError;
use crate::http::pagination::Page;
use crate::i18n::{Lang, Tr};

/// The signed-in person as the frame shows them.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub username: String,
    pub display_name: String,
    /// Administrators see a link to `/admin`.
    pub admin: bool,
}

/// A choice of the language switch.
#[derive(Debug, Clone)]
pub struct LangChoice {
    pub code: &'static str,
    /// The Fluent key of the language's own name.
    pub label: &'static str,
    pub current: bool,
}

/// The frame of every page: `templates/base.html` reads it as `c`.
#[derive(Debug, Clone)]
pub struct Chrome {
    pub lang: &'static str,
    pub langs: Vec<LangChoice>,
    pub instance_name: String,
    pub css: &'static str,
    pub user: Option<Viewer>,
    pub csrf_token: String,
    /// This page's path and query: where a form on it returns to.
    pub here: String,
    /// `here`, encoded for a query string (`?return_to=…`).
    pub back: String,
    /// Which entry of the navigation is this page (`home`, `local`, …).
    pub nav: &'static str,
}

impl Chrome {
    pub fn new(
        lang: Lang,
        instance_name: &str,
        user: Option<Viewer>,
        csrf_token: String,
        here: String,
    ) -> Chrome {
        Chrome {
            lang: lang.code(),
            langs: Lang::ALL
                .iter()
                .map(|l| LangChoice {
                    code: l.code(),
                    label: match l {
                        Lang::Nl => "lang-nl",
                        Lang::En => "lang-en",
                    },
                    current: *l == lang,
                })
                .collect(),
            instance_name: instance_name.to_string(),
            css: assets::css_path(),
            user,
            csrf_token,
            back: encode(&here),
            here,
            nav: "",
        }
    }

    /// The same frame, with `nav` marked as the current page.
    pub fn at(mut self, nav: &'static str) -> Chrome {
        self.nav = nav;
        self
    }

    pub fn signed_in(&self) -> bool {
        self.user.is_some()
    }
}

/// `value` encoded for a query string.
pub fn encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// One field of a form (`templates/_fields.html`): its name (the API's),
/// label, hint, value and error, and its kind (`text`, `textarea`,
/// `datetime-local`, `number`).
pub struct Field {
    pub name: &'static str,
    pub id: &'static str,
    pub label: String,
    pub hint: Option<String>,
    pub value: String,
    pub error: Option<String>,
    pub kind: &'static str,
}

/// Renders a page: its status, language and any cookies to set.
pub fn render(
    status: StatusCode,
    lang: Lang,
    page: &impl Template,
    cookies: &[HeaderValue],
) -> Result<Response, AppError> {
    let body = page
        .render()
        .map_err(|e| AppError::Internal(format!("template: {e}")))?;
    let mut response = (status, Html(body)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(lang.code()),
    );
    // Pages carry a form token and who is signed in: no shared caches.
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    for cookie in cookies {
        headers.append(header::SET_COOKIE, cookie.clone());
    }
    Ok(response)
}

/// A page that says what went wrong.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub c: Chrome,
    pub t: Tr,
    pub title: String,
    pub message: String,
}

impl ErrorPage {
    /// The page for `error`: a title in the page's language, and the
    /// error's own message (the one the API gives).
    pub fn of(c: Chrome, t: Tr, error: &AppError) -> ErrorPage {
        let key = match error.status() {
            StatusCode::NOT_FOUND => "error-not-found",
            StatusCode::FORBIDDEN => "error-forbidden",
            StatusCode::UNAUTHORIZED => "error-unauthorized",
            StatusCode::TOO_MANY_REQUESTS => "error-too-many",
            s if s.is_server_error() => "error-server",
            _ => "error-request",
        };
        let message = if error.status().is_server_error() {
            t.get("error-server-detail")
        } else {
            error.text(t)
        };
        ErrorPage {
            title: t.get(key),
            c,
            t,
            message,
        }
    }
}

/// The security headers of every HTML response: no script or style from
/// anywhere but here (and none inline), no framing, no referrer to others.
pub async fn security_headers(mut response: Response) -> Response {
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html {
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'self'; base-uri 'self'; frame-ancestors 'none'"),
        );
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        );
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
    }
    response
}

/// Items on one page of a web list.
pub const PER_PAGE: u64 = 20;

/// The page as asked, at most one web page long.
pub fn paged(mut page: Page) -> Page {
    page.limit = Some(page.limit_within(PER_PAGE, PER_PAGE));
    page
}

/// The link to the next page of a list: only when this page came back full,
/// made by `link` from its last item's id.
pub fn next_page(
    shown: usize,
    last: Option<i64>,
    link: impl FnOnce(i64) -> String,
) -> Option<String> {
    last.filter(|_| shown as u64 >= PER_PAGE).map(link)
}

/// `YYYY-MM-DD HH:MM` of an RFC 3339 time in the time zone `zone` (an event's own).
pub fn local_label(at: &str, zone: &str) -> String {
    let parsed = chrono::DateTime::parse_from_rfc3339(at).ok();
    match (parsed, zone.parse::<chrono_tz::Tz>()) {
        (Some(at), Ok(tz)) => at.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string(),
        _ => at.get(..16).unwrap_or_default().replace('T', " "),
    }
}
