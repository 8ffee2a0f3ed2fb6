//! Waiting for a condition rather than for a fixed time: a sleep either
//! wastes time or, on a slow machine, reads the state too early.

use std::time::{Duration, Instant};

/// Polls `check` every 20 ms until it gives `Ok`, and returns that value.
/// While the condition does not hold, `check` says why in its `Err`; the
/// last reason is in the panic when `limit` has passed.
pub async fn wait_until<T>(
    limit: Duration,
    what: &str,
    mut check: impl AsyncFnMut() -> Result<T, String>,
) -> T {
    let deadline = Instant::now() + limit;
    loop {
        match check().await {
            Ok(value) => return value,
            Err(why) => assert!(
                Instant::now() < deadline,
                "{what}: still not so after {limit:?}: {why}"
            ),
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
