//! Who is asking, for pages: the `Visit` (the signed-in person, the page's
//! language, the form token), forms checked against the token
//! (`CsrfForm`), and the sign-in, sign-out and language pages. They work
//! without JavaScript.

use askama::Template;
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::{SESSION_COOKIE, csrf, service};
use crate::config::Registrations;
use crate::error::AppError;
use crate::http::extract::ApiQuery;
use crate::i18n::{LANG_COOKIE, Lang, Tr};
use crate::state::AppState;
use crate::web::{Chrome, ErrorPage, Viewer, render};

mod redirect;
pub use redirect::safe_return_to;

/// A browser's request as pages see it.
pub struct Visit {
    pub person: Option<service::Person>,
    pub lang: Lang,
    pub csrf_token: String,
    /// The form token's cookie, when this request had none yet.
    cookies: Vec<HeaderValue>,
    /// The request's path and query.
    pub here: String,
    instance_name: String,
}

impl FromRequestParts<AppState> for Visit {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        Visit::of(state, &parts.headers, &parts.uri).await
    }
}

impl Visit {
    pub async fn of(
        state: &AppState,
        headers: &HeaderMap,
        uri: &axum::http::Uri,
    ) -> Result<Visit, AppError> {
        let person = current_person(state, headers).await?;
        let secure = secure_cookies(state);
        let (csrf_token, cookie) = csrf::token_for_form(headers, secure)?;
        let chosen = person
            .as_ref()
            .and_then(|p| p.account.language.as_deref())
            .and_then(Lang::from_code);
        Ok(Visit {
            person,
            lang: Lang::choose(
                headers,
                crate::http::cookie(headers, crate::i18n::LANG_COOKIE).as_deref(),
                chosen,
            ),
            csrf_token,
            cookies: cookie.into_iter().collect(),
            here: uri
                .path_and_query()
                .map_or_else(|| "/".to_string(), |p| p.as_str().to_string()),
            instance_name: state.config.instance.name.clone(),
        })
    }

    pub fn t(&self) -> Tr {
        self.lang.tr()
    }

    /// The frame of a page for this visit.
    pub fn chrome(&self) -> Chrome {
        let user = self.person.as_ref().map(|p| Viewer {
            username: p.actor.username.clone(),
            display_name: p.actor.display_name.clone(),
            admin: p.account.admin,
        });
        Chrome::new(
            self.lang,
            &self.instance_name,
            user,
            self.csrf_token.clone(),
            self.here.clone(),
        )
    }

    /// The page as a response, with the form token's cookie if it is new.
    pub fn render(&self, status: StatusCode, page: &impl Template) -> Result<Response, AppError> {
        render(status, self.lang, page, &self.cookies)
    }

    /// The response of a page handler: its page, or a page about its error.
    pub fn respond(&self, result: Result<Response, AppError>) -> Response {
        match result {
            Ok(response) => response,
            Err(error) => self.error(&error),
        }
    }

    /// For a URL that serves both servers and people: an error as a page
    /// for people, as the API's JSON for servers.
    pub fn answer(&self, for_people: bool, result: Result<Response, AppError>) -> Response {
        match result {
            Ok(response) => response,
            Err(error) if for_people => self.error(&error),
            Err(error) => error.into_response(),
        }
    }

    /// A page about `error`, with the error's status.
    pub fn error(&self, error: &AppError) -> Response {
        if error.status().is_server_error() {
            tracing::error!(%error, "page failed");
        }
        let page = ErrorPage::of(self.chrome(), self.t(), error);
        render(error.status(), self.lang, &page, &self.cookies)
            .unwrap_or_else(|e| e.into_response())
    }

    /// The signed-in person, or a redirect to sign in and come back here.
    pub fn person(&self) -> Result<&service::Person, Redirect> {
        self.person.as_ref().ok_or_else(|| {
            let back = crate::web::encode(&self.here);
            Redirect::to(&format!("/auth/sign_in?return_to={back}"))
        })
    }
}

/// Cookies are `Secure` unless the instance allows plain http.
pub fn secure_cookies(state: &AppState) -> bool {
    !state.config.federation.allow_http
}

/// A form whose CSRF token matches the browser's cookie. Anything else is
/// refused with 403 and a page that says why, before the form is read.
pub struct CsrfForm<T>(pub T);

#[derive(Deserialize)]
struct TokenField {
    #[serde(default)]
    csrf_token: String,
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let (parts, body) = req.into_parts();
        // The body limit layers bound the size already.
        let bytes = match axum::body::to_bytes(body, usize::MAX).await {
            Ok(bytes) => bytes,
            Err(_) => {
                let error = AppError::PayloadTooLarge(msg!("error-form-too-large"));
                return Err(refuse(state, &parts, error).await);
            }
        };
        let text = String::from_utf8_lossy(&bytes);
        let qs = crate::http::extract::qs();
        let token = qs
            .deserialize_str::<TokenField>(&text)
            .map(|f| f.csrf_token)
            .unwrap_or_default();
        if csrf::verify(&parts.headers, &token).is_err() {
            let error = AppError::Forbidden(msg!("error-csrf"));
            return Err(refuse(state, &parts, error).await);
        }
        let parsed = qs
            .deserialize_str::<T>(&text)
            .map_err(|e| AppError::BadRequest(format!("invalid form: {e}")));
        match parsed {
            Ok(form) => Ok(CsrfForm(form)),
            Err(error) => Err(refuse(state, &parts, error).await),
        }
    }
}

/// The page of a refused form.
async fn refuse(state: &AppState, parts: &Parts, error: AppError) -> Response {
    match Visit::of(state, &parts.headers, &parts.uri).await {
        Ok(visit) => visit.error(&error),
        Err(e) => e.into_response(),
    }
}

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    c: Chrome,
    t: Tr,
    return_to: String,
    username: String,
    error: Option<String>,
    sign_up_open: bool,
}

#[derive(Deserialize)]
pub struct ReturnTo {
    return_to: Option<String>,
}

/// `GET /auth/sign_in`
pub async fn sign_in_page(
    State(state): State<AppState>,
    visit: Visit,
    ApiQuery(query): ApiQuery<ReturnTo>,
) -> Result<Response, AppError> {
    let return_to = safe_return_to(&state.config, query.return_to.as_deref());
    if visit.person.is_some() {
        return Ok(Redirect::to(&return_to).into_response());
    }
    render_sign_in(
        &state,
        &visit,
        return_to,
        String::new(),
        None,
        StatusCode::OK,
    )
}

fn render_sign_in(
    state: &AppState,
    visit: &Visit,
    return_to: String,
    username: String,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let page = SignInPage {
        c: visit.chrome().at("sign-in"),
        t: visit.t(),
        return_to,
        username,
        error,
        sign_up_open: state.config.instance.registrations != Registrations::Closed,
    };
    visit.render(status, &page)
}

#[derive(Deserialize)]
pub struct SignInForm {
    return_to: Option<String>,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

/// `POST /auth/sign_in`
pub async fn sign_in(
    State(state): State<AppState>,
    crate::guard::ClientIp(client): crate::guard::ClientIp,
    visit: Visit,
    CsrfForm(form): CsrfForm<SignInForm>,
) -> Result<Response, AppError> {
    let return_to = safe_return_to(&state.config, form.return_to.as_deref());
    match service::check_login(&state, &form.username, &form.password, client).await {
        Ok(person) => {
            tracing::info!(actor = person.actor.id, "signed in");
            signed_in_redirect(&state, person.actor.id, &return_to).await
        }
        Err(
            e @ (AppError::Unauthorized(_)
            | AppError::TooManyRequests(_)
            | AppError::RateLimited { .. }
            | AppError::Forbidden(_)),
        ) => render_sign_in(
            &state,
            &visit,
            return_to,
            form.username,
            Some(e.text(visit.t())),
            e.status(),
        ),
        Err(e) => Err(e),
    }
}

/// A new session for `actor_id` and a redirect to `to` (303: the next
/// request is a GET).
pub async fn signed_in_redirect(
    state: &AppState,
    actor_id: i64,
    to: &str,
) -> Result<Response, AppError> {
    let token = service::start_session(&state.db, actor_id).await?;
    let mut response = Redirect::to(to).into_response();
    if let Some(cookie) = csrf::set_cookie(SESSION_COOKIE, &token, secure_cookies(state), Some(30))
    {
        response
            .headers_mut()
            .append(axum::http::header::SET_COOKIE, cookie);
    }
    Ok(response)
}

/// `POST /auth/sign_out`
pub async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    if let Some(cookie) = csrf::read_cookie(&headers, SESSION_COOKIE) {
        service::end_session(&state.db, &cookie).await?;
    }
    let mut response = Redirect::to("/").into_response();
    if let Some(cookie) = csrf::set_cookie(SESSION_COOKIE, "", secure_cookies(&state), Some(0)) {
        response
            .headers_mut()
            .append(axum::http::header::SET_COOKIE, cookie);
    }
    Ok(response)
}

#[derive(Deserialize)]
pub struct LanguageForm {
    #[serde(default)]
    lang: String,
    /// The page the switch was on (not `return_to`: a page's own
    /// `return_to` field stays the only one of that name).
    back: Option<String>,
}

/// `POST /language`: the language switch of every page; remembered in
/// this browser for a year, and in the account of whoever is signed in.
pub async fn set_language(
    State(state): State<AppState>,
    visit: Visit,
    CsrfForm(form): CsrfForm<LanguageForm>,
) -> Response {
    let result = switch_language(&state, &visit, form).await;
    visit.respond(result)
}

async fn switch_language(
    state: &AppState,
    visit: &Visit,
    form: LanguageForm,
) -> Result<Response, AppError> {
    let lang = Lang::from_code(&form.lang)
        .ok_or_else(|| AppError::invalid("lang", msg!("error-choose-nl-en")))?;
    if let Some(person) = &visit.person {
        service::set_language(&state.db, person.actor.id, lang.code()).await?;
    }
    let back = safe_return_to(&state.config, form.back.as_deref());
    let mut response = Redirect::to(&back).into_response();
    if let Some(cookie) =
        csrf::set_cookie(LANG_COOKIE, lang.code(), secure_cookies(state), Some(365))
    {
        response
            .headers_mut()
            .append(axum::http::header::SET_COOKIE, cookie);
    }
    Ok(response)
}

/// The signed-in person of a browser request, if any.
pub async fn current_person(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<service::Person>, AppError> {
    match csrf::read_cookie(headers, SESSION_COOKIE) {
        Some(cookie) => service::session_person(&state.db, &cookie).await,
        None => Ok(None),
    }
}

/// A page with a title, a message and optionally an authorisation code.
#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage {
    pub c: Chrome,
    pub t: Tr,
    pub title: String,
    pub message: String,
    pub code: Option<String>,
}

/// A form with nothing but its token.
#[derive(Deserialize)]
pub struct NoFields {}
