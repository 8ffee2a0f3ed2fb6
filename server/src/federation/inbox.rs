//! The inbox endpoints' way into the engine, whose checks, journal and
//! backlog are in `knooppunt_federation::engine::inbox`; what each activity
//! does is `apub::receive`.

use axum::http::{HeaderMap, Method, StatusCode, Uri};

use crate::error::AppError;
use crate::state::AppState;

pub use knooppunt_federation::engine::inbox::resume_unprocessed;

/// Checks, journals and processes (or defers) one delivery to an inbox from
/// the client at `client`.
pub async fn receive(
    state: &AppState,
    client: std::net::IpAddr,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<StatusCode, AppError> {
    let client = crate::guard::address_key(client);
    knooppunt_federation::engine::inbox::receive(state, &client, method, uri, headers, body).await
}
