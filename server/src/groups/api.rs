//! Knooppunt's own API for groups: join requests of groups with the approval policy.

use axum::Json;
use axum::extract::{Path, State};
use serde_json::{Value, json};

use super::service;
use crate::auth::extract::Auth;
use crate::error::AppError;
use crate::state::AppState;
use crate::statuses::views;

/// A group's moderators and its membership requests.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing::{delete, get, post};
    axum::Router::new()
        .route(
            "/api/knooppunt/v1/groups/{name}/moderators",
            post(add_moderator),
        )
        .route(
            "/api/knooppunt/v1/groups/{name}/moderators/{account_id}",
            delete(remove_moderator),
        )
        .route("/api/knooppunt/v1/groups/{name}/requests", get(requests))
        .route(
            "/api/knooppunt/v1/groups/{name}/requests/{account_id}/approve",
            post(approve),
        )
        .route(
            "/api/knooppunt/v1/groups/{name}/requests/{account_id}/reject",
            post(reject),
        )
}

/// `GET /api/knooppunt/v1/groups/:name/requests`: accounts waiting to join.
pub async fn requests(
    State(state): State<AppState>,
    auth: Auth,
    Path(name): Path<String>,
) -> Result<Json<Vec<Value>>, AppError> {
    let person = auth.person("read:follows")?;
    let group = service::moderated(&state, person, &name).await?;
    let pending = service::pending_members(&state.db, group.id).await?;
    Ok(Json(
        views::accounts(&state.db, &state.config, &pending).await?,
    ))
}

async fn answer(
    state: AppState,
    auth: Auth,
    name: String,
    account_id: String,
    accept: bool,
) -> Result<Json<Value>, AppError> {
    let person = auth.person("write:follows")?;
    let group = service::moderated(&state, person, &name).await?;
    let id: i64 = account_id
        .parse()
        .map_err(|_| AppError::NotFound(msg!("error-no-such-request-join")))?;
    let member = service::answer_join(&state, &group, id, accept).await?;
    Ok(Json(
        json!({ "account": views::account(&state.db, &state.config, &member).await?, "accepted": accept }),
    ))
}

/// `POST /api/knooppunt/v1/groups/:name/requests/:account_id/approve`
pub async fn approve(
    State(state): State<AppState>,
    auth: Auth,
    Path((name, account_id)): Path<(String, String)>,
) -> Result<Json<Value>, AppError> {
    answer(state, auth, name, account_id, true).await
}

/// `POST /api/knooppunt/v1/groups/:name/requests/:account_id/reject`
pub async fn reject(
    State(state): State<AppState>,
    auth: Auth,
    Path((name, account_id)): Path<(String, String)>,
) -> Result<Json<Value>, AppError> {
    answer(state, auth, name, account_id, false).await
}

#[derive(serde::Deserialize)]
pub struct ModeratorBody {
    account_id: String,
}

async fn appoint(
    state: &AppState,
    auth: &Auth,
    name: &str,
    account_id: &str,
    moderator: bool,
) -> Result<Json<Value>, AppError> {
    let person = auth.person("write:follows")?;
    let group = crate::actors::store::find_local(&state.db, &state.config, name)
        .await?
        .filter(|a| a.kind == "group")
        .ok_or_else(|| AppError::NotFound(msg!("error-there-no-group-named-here", name = name)))?;
    if !service::may_appoint(&state.db, person, group.id).await? {
        return Err(AppError::Forbidden(msg!(
            "error-groups-owner-administrator-appoints-moderators"
        )));
    }
    let id: i64 = account_id
        .parse()
        .map_err(|_| AppError::NotFound(msg!("error-no-such-account")))?;
    service::set_moderator(&state.db, group.id, id, moderator, false).await?;
    let member = crate::statuses::service::actor_of(&state.db, id).await?;
    // Administrators appointing (the neighbourhood's deciders) is moderation.
    if person.account.admin {
        let action = if moderator {
            "group.moderator.add"
        } else {
            "group.moderator.remove"
        };
        crate::audit::record(
            &state.db,
            &crate::audit::Moderator::Admin(person),
            action,
            &format!("{} in {}", member.username, group.username),
            "",
        )
        .await?;
    }
    Ok(Json(
        json!({ "account": views::account(&state.db, &state.config, &member).await?, "moderator": moderator }),
    ))
}

/// `POST /api/knooppunt/v1/groups/:name/moderators`: the group's owner (or
/// an administrator, for the neighbourhood) makes a member a moderator.
pub async fn add_moderator(
    State(state): State<AppState>,
    auth: Auth,
    Path(name): Path<String>,
    crate::http::extract::ApiForm(body): crate::http::extract::ApiForm<ModeratorBody>,
) -> Result<Json<Value>, AppError> {
    appoint(&state, &auth, &name, &body.account_id, true).await
}

/// `DELETE /api/knooppunt/v1/groups/:name/moderators/:account_id`
pub async fn remove_moderator(
    State(state): State<AppState>,
    auth: Auth,
    Path((name, account_id)): Path<(String, String)>,
) -> Result<Json<Value>, AppError> {
    appoint(&state, &auth, &name, &account_id, false).await
}
