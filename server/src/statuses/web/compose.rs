//! Writing in the browser: the compose form (a new post or a reply) and the
//! buttons on each post (favourite, boost, delete). The form posts the
//! client API's field names and is read by the same `StatusForm`, so both
//! get the same checks and messages; every change goes through the same
//! service functions as the API.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::post::PostView;
use crate::auth::csrf;
use crate::auth::web::{CsrfForm, NoFields, Visit, safe_return_to};
use crate::error::AppError;
use crate::http::extract::{ApiQuery, qs};
use crate::i18n::Tr;
use crate::media::service as media_service;
use crate::state::AppState;
use crate::statuses::form::StatusForm;
use crate::statuses::{Visibility, service, store, views};
use crate::web::{Chrome, encode};

const VISIBILITIES: [&str; 4] = ["public", "unlisted", "private", "direct"];

/// How long a poll may run, as the compose form offers it (seconds).
const POLL_EXPIRIES: [(u64, &str); 4] = [
    (3_600, "poll-expires-hour"),
    (86_400, "poll-expires-day"),
    (259_200, "poll-expires-3days"),
    (604_800, "poll-expires-week"),
];

/// The compose form's fields, errors next to them, and where it posts.
pub struct ComposeView {
    pub action: String,
    /// With image and poll fields (the compose page); the timelines' form is
    /// the short one.
    pub full: bool,
    pub status: String,
    pub spoiler_text: String,
    pub visibility: String,
    pub in_reply_to_id: Option<String>,
    pub visibilities: Vec<(&'static str, String)>,
    /// The image's alt text.
    pub description: String,
    /// Uploads already stored when a later check refused the post.
    pub media_ids: Vec<String>,
    /// Always `MAX_POLL_OPTIONS` slots, empty ones included.
    pub poll_options: Vec<String>,
    pub poll_expires_in: u64,
    pub poll_multiple: bool,
    pub expiries: Vec<(u64, String)>,
    pub status_error: Option<String>,
    pub spoiler_error: Option<String>,
    pub visibility_error: Option<String>,
    pub file_error: Option<String>,
    pub description_error: Option<String>,
    pub poll_error: Option<String>,
    /// An error that belongs to no one field.
    pub error: Option<String>,
}

impl ComposeView {
    /// An empty form that returns to `back` (a path on this site).
    pub fn new(t: Tr, back: &str) -> ComposeView {
        ComposeView {
            action: format!("/compose?return_to={}", encode(back)),
            full: false,
            status: String::new(),
            spoiler_text: String::new(),
            visibility: "public".into(),
            in_reply_to_id: None,
            visibilities: VISIBILITIES
                .iter()
                .map(|v| (*v, t.get(&format!("visibility-{v}"))))
                .collect(),
            description: String::new(),
            media_ids: Vec::new(),
            poll_options: vec![String::new(); service::MAX_POLL_OPTIONS],
            poll_expires_in: 86_400,
            poll_multiple: false,
            expiries: POLL_EXPIRIES
                .iter()
                .map(|(secs, key)| (*secs, t.get(key)))
                .collect(),
            status_error: None,
            spoiler_error: None,
            visibility_error: None,
            file_error: None,
            description_error: None,
            poll_error: None,
            error: None,
        }
    }

    /// Whether `value` is the chosen visibility.
    pub fn selected(&self, value: &str) -> bool {
        self.visibility == value
    }

    /// The poll's option fields, numbered from 1.
    pub fn poll_slots(&self) -> Vec<(usize, &str)> {
        self.poll_options
            .iter()
            .enumerate()
            .map(|(i, o)| (i + 1, o.as_str()))
            .collect()
    }

    /// Shows `error` next to its field.
    fn with_error(mut self, t: Tr, error: &AppError) -> ComposeView {
        let said = Some(error.field_text(t));
        match error {
            AppError::Invalid { field, .. } => match field.as_str() {
                "status" => self.status_error = said,
                "spoiler_text" => self.spoiler_error = said,
                "visibility" => self.visibility_error = said,
                "file" | "media_ids" if self.full => self.file_error = said,
                "description" if self.full => self.description_error = said,
                "poll" if self.full => self.poll_error = said,
                _ => self.error = Some(error.text(t)),
            },
            // The upload's size and type.
            AppError::PayloadTooLarge(_) | AppError::UnsupportedMediaType(_) if self.full => {
                self.file_error = said;
            }
            _ => self.error = said,
        }
        self
    }
}

#[derive(Template)]
#[template(path = "compose.html")]
struct ComposePage {
    c: Chrome,
    t: Tr,
    title: String,
    parent: Option<PostView>,
    f: ComposeView,
}

#[derive(Deserialize)]
pub struct ComposeQuery {
    in_reply_to_id: Option<String>,
    return_to: Option<String>,
}

/// `GET /compose?in_reply_to_id=ID`: the form on its own page; with a
/// post to answer, that post above it and its author mentioned.
pub async fn page(
    State(state): State<AppState>,
    visit: Visit,
    ApiQuery(q): ApiQuery<ComposeQuery>,
) -> Response {
    let back = safe_return_to(&state.config, q.return_to.as_deref());
    let mut f = ComposeView::new(visit.t(), &back);
    f.full = true;
    f.in_reply_to_id = q.in_reply_to_id.filter(|id| !id.is_empty());
    let result = render(&state, &visit, f, StatusCode::OK, true).await;
    visit.respond(result)
}

/// The compose page; `prefill` mentions the author of the post answered.
async fn render(
    state: &AppState,
    visit: &Visit,
    mut f: ComposeView,
    status: StatusCode,
    prefill: bool,
) -> Result<Response, AppError> {
    let person = match visit.person() {
        Ok(person) => person,
        Err(redirect) => return Ok(redirect.into_response()),
    };
    let me = person.actor.id;
    let t = visit.t();
    let parent = match f.in_reply_to_id.as_deref() {
        Some(id) => {
            let s = store::find_visible(&state.db, Some(me), id).await?;
            let rendered = views::status(&state.db, &state.config, &s, Some(me)).await?;
            let post = PostView::of(&rendered, Some(me), t);
            if prefill && !post.mine {
                f.status = format!("@{} ", post.author_acct);
            }
            Some(post)
        }
        None => None,
    };
    let page = ComposePage {
        c: visit.chrome().at("compose"),
        t,
        title: t.get(if parent.is_some() {
            "compose-reply-title"
        } else {
            "compose-title"
        }),
        parent,
        f,
    };
    visit.render(status, &page)
}

#[derive(Deserialize)]
pub struct ReturnTo {
    pub return_to: Option<String>,
}

/// The compose form as sent: its fields as form text (whether it came
/// form-encoded or, with a file, as multipart) and the uploaded file.
pub struct ComposeBody {
    fields: Vec<(String, String)>,
    file: Option<Bytes>,
}

impl ComposeBody {
    /// The fields for `serde_qs`: blank poll options dropped, so an unused
    /// option field is no option and an unused poll no poll.
    fn encoded(&self) -> String {
        let kept = self
            .fields
            .iter()
            .filter(|(k, v)| k != "poll[options][]" || !v.trim().is_empty());
        url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(kept)
            .finish()
    }

    fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

impl FromRequest<AppState> for ComposeBody {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, AppError> {
        let multipart = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("multipart/form-data"));
        let too_large = || AppError::PayloadTooLarge(msg!("error-form-too-large"));
        if !multipart {
            let bytes = Bytes::from_request(req, state)
                .await
                .map_err(|_| too_large())?;
            let fields = url::form_urlencoded::parse(&bytes).into_owned().collect();
            return Ok(ComposeBody { fields, file: None });
        }
        let mut parts = Multipart::from_request(req, state)
            .await
            .map_err(|e| AppError::BadRequest(format!("invalid form: {e}")))?;
        let broken = |e: axum::extract::multipart::MultipartError| match e.status() {
            StatusCode::PAYLOAD_TOO_LARGE => too_large(),
            _ => AppError::BadRequest(format!("invalid form: {e}")),
        };
        let mut body = ComposeBody {
            fields: Vec::new(),
            file: None,
        };
        while let Some(part) = parts.next_field().await.map_err(broken)? {
            let name = part.name().unwrap_or_default().to_string();
            let is_file = part.file_name().is_some();
            let bytes = part.bytes().await.map_err(broken)?;
            if is_file {
                // A file field left empty still comes, without bytes.
                if name == "file" && !bytes.is_empty() {
                    body.file = Some(bytes);
                }
            } else {
                body.fields
                    .push((name, String::from_utf8_lossy(&bytes).into_owned()));
            }
        }
        Ok(body)
    }
}

/// `POST /compose`: publishes, then back to the page the form was on; a
/// refusal shows the form again with the error next to its field and the
/// input kept. An image is stored first, through the same
/// `media::service::store` as the API's upload (its limits, its messages),
/// then attached as the API's `media_ids` would.
pub async fn publish(
    State(state): State<AppState>,
    headers: HeaderMap,
    visit: Visit,
    ApiQuery(q): ApiQuery<ReturnTo>,
    body: ComposeBody,
) -> Response {
    if csrf::verify(&headers, body.field("csrf_token").unwrap_or_default()).is_err() {
        return visit.error(&AppError::Forbidden(msg!("error-csrf")));
    }
    let person = match visit.person() {
        Ok(person) => person,
        Err(redirect) => return redirect.into_response(),
    };
    let back = safe_return_to(&state.config, q.return_to.as_deref());
    let form: StatusForm = match qs().deserialize_str(&body.encoded()) {
        Ok(form) => form,
        Err(e) => return visit.error(&AppError::BadRequest(format!("invalid form: {e}"))),
    };
    let mut kept = ComposeView::new(visit.t(), &back);
    // Only the compose page's form has these fields.
    kept.full = body.field("poll[expires_in]").is_some();
    kept.status = form.status.clone().unwrap_or_default();
    kept.spoiler_text = form.spoiler_text.clone().unwrap_or_default();
    kept.visibility = form.visibility.clone().unwrap_or_else(|| "public".into());
    kept.in_reply_to_id = form.in_reply_to_id.clone().filter(|id| !id.is_empty());
    kept.description = body.field("description").unwrap_or_default().to_string();
    kept.media_ids = form.media_ids.clone();
    let options: Vec<&(String, String)> = body
        .fields
        .iter()
        .filter(|(k, _)| k == "poll[options][]")
        .collect();
    for (slot, (_, value)) in kept.poll_options.iter_mut().zip(options) {
        slot.clone_from(value);
    }
    kept.poll_expires_in = body
        .field("poll[expires_in]")
        .and_then(|v| v.parse().ok())
        .unwrap_or(86_400);
    kept.poll_multiple = body.field("poll[multiple]").is_some();
    let published = async {
        let mut draft = form.into_draft()?;
        if let Some(file) = &body.file {
            let description = kept.description.as_str();
            let media =
                media_service::store(&state.db, &state.config, person, file, Some(description))
                    .await?;
            kept.media_ids.push(media.id.to_string());
            draft.media_ids.push(media.id.to_string());
        }
        service::create(&state, person, draft, None).await
    };
    match published.await {
        Ok(_) => Redirect::to(&back).into_response(),
        Err(e) if e.status().is_client_error() => {
            let status = e.status();
            let f = kept.with_error(visit.t(), &e);
            // The post answered may itself be what is wrong: then no parent.
            let f = if matches!(e, AppError::NotFound(_)) {
                ComposeView {
                    in_reply_to_id: None,
                    ..f
                }
            } else {
                f
            };
            let page = render(&state, &visit, f, status, false).await;
            visit.respond(page)
        }
        Err(e) => visit.error(&e),
    }
}

/// `POST /statuses/:id/:action` for `favourite`, `unfavourite`, `reblog`,
/// `unreblog` and `delete`; then back to the page.
pub async fn act(
    State(state): State<AppState>,
    visit: Visit,
    Path((id, action)): Path<(String, String)>,
    ApiQuery(q): ApiQuery<ReturnTo>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Response {
    act_on(state, visit, id, action, q).await
}

/// `POST /statuses/:id/delete`, the delete page's form.
pub async fn act_delete(
    State(state): State<AppState>,
    visit: Visit,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<ReturnTo>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Response {
    act_on(state, visit, id, "delete".into(), q).await
}

async fn act_on(
    state: AppState,
    visit: Visit,
    id: String,
    action: String,
    q: ReturnTo,
) -> Response {
    let person = match visit.person() {
        Ok(person) => person,
        Err(redirect) => return redirect.into_response(),
    };
    let done = match action.as_str() {
        "favourite" => service::favourite(&state, person, &id).await,
        "unfavourite" => service::unfavourite(&state, person, &id).await,
        "reblog" => service::reblog(&state, person, &id, Visibility::Public).await,
        "unreblog" => service::unreblog(&state, person, &id).await,
        "delete" => service::delete(&state, person, &id).await,
        _ => Err(AppError::NotFound(msg!("error-missing"))),
    };
    match done {
        Ok(s) => {
            let mut back = safe_return_to(&state.config, q.return_to.as_deref());
            // The page of a deleted post is gone: home instead.
            let gone = format!("/statuses/{}", s.id);
            if action == "delete" && back.split('?').next().unwrap_or_default().ends_with(&gone) {
                back = "/home".into();
            }
            Redirect::to(&back).into_response()
        }
        Err(e) => visit.error(&e),
    }
}
