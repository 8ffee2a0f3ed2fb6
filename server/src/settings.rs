//! `/settings` for the signed-in person: their profile (as the client API's
//! `update_credentials`), the language of the pages, the password, and the
//! apps they let act for them, each with a Revoke button. Every form calls
//! the service the API calls; a refused one shows the page again with the
//! error next to its field and the input kept.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::auth::oauth::service::{AuthorisedApp, authorised_apps, revoke_app};
use crate::auth::service::{self, Person};
use crate::auth::web::{CsrfForm, NoFields, Visit};
use crate::error::AppError;
use crate::http::extract::{ApiQuery, WithUploads};
use crate::i18n::{Lang, Tr};
use crate::persons::service::{ProfileChange, update_profile};
use crate::state::AppState;
use crate::web::{Chrome, Field};

/// The settings forms; the profile's may bring two images, as large as
/// the API's `update_credentials` allows.
pub fn routes(upload_limit: usize) -> axum::Router<AppState> {
    use axum::extract::DefaultBodyLimit;
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/settings", get(page))
        .route(
            "/settings/profile",
            post(profile).layer(DefaultBodyLimit::max(upload_limit * 2)),
        )
        .route("/settings/language", post(language))
        .route("/settings/password", post(password))
        .route("/settings/apps/{id}/revoke", post(revoke))
}

/// A choice of a select.
struct Choice {
    value: &'static str,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    c: Chrome,
    t: Tr,
    /// Which form was just saved.
    saved: Option<String>,
    profile: Vec<Field>,
    roles: Vec<Choice>,
    role_error: Option<String>,
    locked: bool,
    langs: Vec<Choice>,
    lang_error: Option<String>,
    password: Vec<Field>,
    apps: Vec<AuthorisedApp>,
    /// The current avatar and header images, as the API gives them.
    avatar: String,
    header: String,
    avatar_error: Option<String>,
    header_error: Option<String>,
}

/// The profile form, with the API's field names (its `avatar` and
/// `header` images come as files beside it).
#[derive(Deserialize, Default)]
pub struct ProfileForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    role: String,
    /// A checkbox: present when ticked.
    locked: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct LanguageForm {
    #[serde(default)]
    lang: String,
}

#[derive(Deserialize, Default)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    password: String,
}

#[derive(Deserialize)]
pub struct Saved {
    saved: Option<String>,
}

/// What a refused form brings back to the page: its input and its error.
#[derive(Default)]
struct Refused {
    profile: Option<ProfileForm>,
    lang: Option<String>,
    error: Option<AppError>,
}

/// The options of a select: `values`, labelled by `PREFIX-value`.
fn choices(
    values: impl Iterator<Item = &'static str>,
    prefix: &str,
    selected: &str,
    t: Tr,
) -> Vec<Choice> {
    values
        .map(|value| Choice {
            value,
            label: t.get(&format!("{prefix}-{value}")),
            selected: value == selected,
        })
        .collect()
}

async fn render(
    state: &AppState,
    visit: &Visit,
    person: &Person,
    saved: Option<String>,
    refused: Refused,
) -> Result<Response, AppError> {
    let t = visit.t();
    let error_of = |name: &str| match &refused.error {
        Some(AppError::Invalid { field, message }) if field == name => Some(t.msg(message)),
        _ => None,
    };
    let a = &person.actor;
    let (display_name, note, role, locked) = match &refused.profile {
        Some(f) => (
            f.display_name.clone(),
            f.note.clone(),
            f.role.clone(),
            f.locked.is_some(),
        ),
        None => (
            a.display_name.clone(),
            a.summary_source(),
            a.role.clone().unwrap_or_default(),
            a.locked,
        ),
    };
    let field = |name: &'static str, value: String, kind: &'static str| Field {
        name,
        id: name,
        label: t.get(&format!("settings-{}", name.replace('_', "-"))),
        hint: None,
        value,
        error: error_of(name),
        kind,
    };
    let account = crate::statuses::views::account(&state.db, &state.config, a).await?;
    let image = |k: &str| account[k].as_str().unwrap_or_default().to_string();
    let current_lang = refused
        .lang
        .clone()
        .or_else(|| person.account.language.clone())
        .unwrap_or_else(|| visit.lang.code().to_string());
    let page = SettingsPage {
        c: visit.chrome().at("settings"),
        t,
        saved: saved.map(|which| t.get(&format!("settings-saved-{which}"))),
        profile: vec![
            field("display_name", display_name, "text"),
            field("note", note, "textarea"),
        ],
        roles: choices(
            crate::persons::web::ROLES.iter().map(|r| r.as_str()),
            "role",
            &role,
            t,
        ),
        role_error: error_of("role"),
        locked,
        langs: choices(Lang::ALL.iter().map(|l| l.code()), "lang", &current_lang, t),
        lang_error: error_of("lang"),
        password: vec![
            field("current_password", String::new(), "password"),
            field("password", String::new(), "password"),
        ],
        apps: authorised_apps(&state.db, a.id).await?,
        avatar: image("avatar"),
        header: image("header"),
        avatar_error: error_of("avatar"),
        header_error: error_of("header"),
    };
    let status = refused
        .error
        .as_ref()
        .map_or(StatusCode::OK, AppError::status);
    visit.render(status, &page)
}

/// `GET /settings`
pub async fn page(
    State(state): State<AppState>,
    visit: Visit,
    ApiQuery(query): ApiQuery<Saved>,
) -> Response {
    let person = match visit.person() {
        Ok(person) => person,
        Err(redirect) => return redirect.into_response(),
    };
    let saved = query
        .saved
        .filter(|s| ["profile", "language", "password", "apps"].contains(&s.as_str()));
    let result = render(&state, &visit, person, saved, Refused::default()).await;
    visit.respond(result)
}

/// Back to the page saying what was saved, or the page again with the
/// error of `refused`, when it is one a person can correct.
async fn after(
    state: &AppState,
    visit: &Visit,
    person: &Person,
    which: &str,
    result: Result<(), AppError>,
    refused: impl FnOnce(AppError) -> Refused,
) -> Result<Response, AppError> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/settings?saved={which}")).into_response()),
        Err(e @ AppError::Invalid { .. }) => render(state, visit, person, None, refused(e)).await,
        Err(e) => Err(e),
    }
}

/// `POST /settings/profile`: multipart when it brings an `avatar` or a
/// `header` image (checked as the API's uploads are, each refusal next to
/// its field), form-encoded otherwise.
pub async fn profile(
    State(state): State<AppState>,
    headers: HeaderMap,
    visit: Visit,
    upload: WithUploads<ProfileForm>,
) -> Response {
    let WithUploads { form, mut files } = upload;
    if crate::auth::csrf::verify(&headers, &form.csrf_token).is_err() {
        return visit.error(&AppError::Forbidden(msg!("error-csrf")));
    }
    let person = match visit.person() {
        Ok(person) => person,
        Err(redirect) => return redirect.into_response(),
    };
    // A file field left empty still comes, without a name or bytes.
    files.retain(|f| {
        ["avatar", "header"].contains(&f.field.as_str())
            && (!f.bytes.is_empty() || f.file_name.as_deref().is_some_and(|n| !n.is_empty()))
    });
    let checked = files.iter().try_for_each(|f| {
        crate::media::service::check_image(&state.config, &f.bytes)
            .map(|_| ())
            .map_err(|e| match e.message() {
                Some(m) => AppError::invalid(&f.field, m.clone()),
                None => e,
            })
    });
    let result = match checked {
        Ok(()) => {
            let change = ProfileChange {
                display_name: Some(form.display_name.clone()),
                note: Some(form.note.clone()),
                locked: Some(form.locked.is_some()),
                role: Some(form.role.clone()),
                files: &files,
            };
            update_profile(&state, person, change).await.map(|_| ())
        }
        Err(e) => Err(e),
    };
    let refused = |error| Refused {
        profile: Some(form),
        error: Some(error),
        ..Refused::default()
    };
    let response = after(&state, &visit, person, "profile", result, refused).await;
    visit.respond(response)
}

/// `POST /settings/language`: the account's language, which pages use
/// wherever this person signs in.
pub async fn language(
    State(state): State<AppState>,
    visit: Visit,
    CsrfForm(form): CsrfForm<LanguageForm>,
) -> Response {
    let person = match visit.person() {
        Ok(person) => person,
        Err(redirect) => return redirect.into_response(),
    };
    let result = match Lang::from_code(&form.lang) {
        Some(lang) => service::set_language(&state.db, person.actor.id, lang.code()).await,
        None => Err(AppError::invalid("lang", msg!("error-choose-nl-en"))),
    };
    let response = match result {
        // The switch's cookie would otherwise win over the account.
        Ok(()) => Ok(with_lang_cookie(
            &state,
            Redirect::to("/settings?saved=language").into_response(),
            &form.lang,
        )),
        Err(e) => {
            let refused = |error| Refused {
                lang: Some(form.lang.clone()),
                error: Some(error),
                ..Refused::default()
            };
            after(&state, &visit, person, "language", Err(e), refused).await
        }
    };
    visit.respond(response)
}

fn with_lang_cookie(state: &AppState, mut response: Response, code: &str) -> Response {
    let secure = crate::auth::web::secure_cookies(state);
    if let Some(cookie) =
        crate::auth::csrf::set_cookie(crate::i18n::LANG_COOKIE, code, secure, Some(365))
    {
        response
            .headers_mut()
            .append(axum::http::header::SET_COOKIE, cookie);
    }
    response
}

/// `POST /settings/password`: the current password is required.
pub async fn password(
    State(state): State<AppState>,
    crate::guard::ClientIp(client): crate::guard::ClientIp,
    headers: HeaderMap,
    visit: Visit,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> Response {
    let person = match visit.person() {
        Ok(person) => person,
        Err(redirect) => return redirect.into_response(),
    };
    let session = crate::auth::csrf::read_cookie(&headers, crate::auth::SESSION_COOKIE);
    let result = service::change_password(
        &state,
        person,
        &form.current_password,
        &form.password,
        client,
        session.as_deref(),
    )
    .await;
    let refused = |error| Refused {
        error: Some(error),
        ..Refused::default()
    };
    let response = after(&state, &visit, person, "password", result, refused).await;
    visit.respond(response)
}

/// `POST /settings/apps/{id}/revoke`: ends an app's access; 404 for an app
/// this person did not let in.
pub async fn revoke(
    State(state): State<AppState>,
    visit: Visit,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Response {
    let person = match visit.person() {
        Ok(person) => person,
        Err(redirect) => return redirect.into_response(),
    };
    let result = async {
        let id: i64 = id
            .parse()
            .map_err(|_| AppError::NotFound(msg!("error-record-not-found")))?;
        revoke_app(&state.db, person.actor.id, id).await?;
        Ok(Redirect::to("/settings?saved=apps").into_response())
    };
    visit.respond(result.await)
}
