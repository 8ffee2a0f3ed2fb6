//! `/.well-known/webfinger` and `/.well-known/host-meta` for our actors.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::actors::entity::Model as Actor;
use crate::actors::store as actor_store;
use crate::error::AppError;
use crate::http::extract::ApiQuery;
use crate::state::AppState;
use knooppunt_federation::webfinger::{jrd, parse_acct};

#[derive(Deserialize)]
pub struct WebfingerQuery {
    resource: Option<String>,
}

/// The local actor a resource names: `acct:NAME@DOMAIN` or the actor's id URL.
async fn find(state: &AppState, resource: &str) -> Result<Option<Actor>, AppError> {
    let config = &state.config;
    if resource.starts_with("http://") || resource.starts_with("https://") {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        return Ok(crate::actors::entity::Entity::find()
            .filter(crate::actors::entity::Column::ApId.eq(resource))
            .filter(crate::actors::entity::Column::Local.eq(true))
            .one(&state.db)
            .await?);
    }
    let Some((name, domain)) = parse_acct(resource) else {
        return Err(AppError::BadRequest(
            "resource must be acct:NAME@DOMAIN or an actor URL".into(),
        ));
    };
    if domain != config.instance.domain {
        return Ok(None);
    }
    actor_store::find_local(&state.db, config, &name).await
}

/// `GET /.well-known/webfinger?resource=…`
pub async fn webfinger(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<WebfingerQuery>,
) -> Result<Response, AppError> {
    let resource = q
        .resource
        .ok_or_else(|| AppError::BadRequest("resource is required".into()))?;
    let actor = find(&state, &resource)
        .await?
        .filter(|a| a.deleted_at.is_none())
        .ok_or_else(|| AppError::NotFound(msg!("error-no-such-account-here")))?;
    let subject = format!("acct:{}@{}", actor.username, state.config.instance.domain);
    let profile = crate::actors::page_url(&state.config, &actor);
    let body = serde_json::to_vec(&jrd(subject, &actor.ap_id, &profile))
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/jrd+json; charset=utf-8"),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        ],
        body,
    )
        .into_response())
}

/// `GET /.well-known/host-meta`: the WebFinger template, for older clients.
pub async fn host_meta(State(state): State<AppState>) -> Response {
    let base = state.config.base_url();
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<XRD xmlns=\"http://docs.oasis-open.org/ns/xri/xrd-1.0\">\n  <Link rel=\"lrdd\" template=\"{base}/.well-known/webfinger?resource={{uri}}\"/>\n</XRD>\n"
    );
    (
        [
            (header::CONTENT_TYPE, "application/xrd+xml; charset=utf-8"),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        ],
        xml,
    )
        .into_response()
}
