//! The inbox endpoints: HTTP in, the engine's checks and journal, then the
//! activity's effect (`receive.rs`) inline or from the backlog.

use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::error::AppError;
use crate::federation::inbox::receive;
use crate::guard::ClientIp;
use crate::state::AppState;

/// `POST /inbox`
pub async fn shared(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    method: Method,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    respond(receive(&state, client, &method, &uri, &headers, &body).await)
}

/// `POST /users/:name/inbox` and `/groups/:name/inbox`
pub async fn personal(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    Path(name): Path<String>,
    method: Method,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match crate::actors::store::find_local(&state.db, &state.config, &name).await {
        Ok(Some(_)) => respond(receive(&state, client, &method, &uri, &headers, &body).await),
        Ok(None) => AppError::NotFound(msg!("error-no-such-actor")).into_response(),
        Err(e) => e.into_response(),
    }
}

fn respond(result: Result<StatusCode, AppError>) -> Response {
    match result {
        Ok(status) => status.into_response(),
        Err(e) => {
            tracing::info!(error = %e, status = e.status().as_u16(), "inbound activity refused");
            e.into_response()
        }
    }
}
