//! Counting the SQL statements run while serving one request, for tests and
//! profiling (`debug.count_statements`): the count goes out in the
//! `X-Statements` response header. Off by default, and then nothing is
//! hooked into the connection at all.
//!
//! The count lives in a task-local set around the handler, so statements run
//! by tasks the request spawns (deliveries, backfills) are not counted, and
//! neither are `BEGIN`/`COMMIT` or unprepared SQL, which sea-orm does not report.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

/// The response header that carries the count.
pub const HEADER: &str = "x-statements";

tokio::task_local! {
    static COUNTER: Arc<AtomicU64>;
}

/// Called by sea-orm after each statement on a counting connection; outside
/// a counted request (workers, start-up) it counts nothing.
pub fn record(_info: &sea_orm::metric::Info<'_>) {
    let _ = COUNTER.try_with(|c| c.fetch_add(1, Ordering::Relaxed));
}

/// Middleware: runs the request with a fresh count and reports it.
pub async fn count(request: Request, next: Next) -> Response {
    let counter = Arc::new(AtomicU64::new(0));
    let mut response = COUNTER.scope(counter.clone(), next.run(request)).await;
    let n = counter.load(Ordering::Relaxed);
    response.headers_mut().insert(HEADER, HeaderValue::from(n));
    response
}
