//! The Follow and Unfollow buttons of a profile page: forms that call the
//! same `service::follow` and `service::unfollow` as the client API.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::service;
use crate::auth::web::{CsrfForm, NoFields, Visit, safe_return_to};
use crate::error::AppError;
use crate::http::extract::ApiQuery;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct ReturnTo {
    return_to: Option<String>,
}

/// `POST /accounts/{id}/{follow|unfollow}?return_to=`: back to the page the
/// button was on.
pub async fn act(
    State(state): State<AppState>,
    visit: Visit,
    Path((id, action)): Path<(String, String)>,
    ApiQuery(query): ApiQuery<ReturnTo>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Response {
    let person = match visit.person() {
        Ok(person) => person,
        Err(redirect) => return redirect.into_response(),
    };
    let result = async {
        let target = match action.as_str() {
            "follow" => service::follow(&state, person, &id).await?,
            "unfollow" => service::unfollow(&state, person, &id).await?,
            _ => return Err(AppError::NotFound(msg!("error-missing"))),
        };
        let fallback = crate::actors::profile_path(&target);
        let back = match query.return_to.as_deref() {
            Some(to) => safe_return_to(&state.config, Some(to)),
            None => fallback,
        };
        Ok(Redirect::to(&back).into_response())
    };
    visit.respond(result.await)
}
