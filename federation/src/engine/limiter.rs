//! A per-instance rate limit for the inbox and for signing-key fetches.

use std::time::Duration;

/// Per-instance inbox rate limit: a fixed one-minute window per remote host.
/// Kept in memory (a cache: a restart only forgets the counts).
pub struct InboxLimiter {
    per_minute: u32,
    windows: std::sync::Mutex<std::collections::HashMap<String, (std::time::Instant, u32)>>,
}

const WINDOW: Duration = Duration::from_secs(60);

impl InboxLimiter {
    pub fn new(per_minute: u32) -> InboxLimiter {
        InboxLimiter {
            per_minute,
            windows: std::sync::Mutex::new(std::collections::HashMap::new()),
        }
    }

    /// Whether `host` has used up its share this minute: `Err(seconds)` to
    /// wait. Counts nothing; see [`InboxLimiter::count`].
    pub fn check(&self, host: &str) -> Result<(), u64> {
        let now = std::time::Instant::now();
        let Ok(windows) = self.windows.lock() else {
            return Ok(());
        };
        match windows.get(host) {
            Some((start, n)) if *n >= self.per_minute && now.duration_since(*start) < WINDOW => {
                Err(WINDOW
                    .as_secs()
                    .saturating_sub(now.duration_since(*start).as_secs())
                    .max(1))
            }
            _ => Ok(()),
        }
    }

    /// Counts one activity from `host`. Only activities whose signature
    /// verified are counted, so forged requests naming a server cannot use
    /// up its share.
    pub fn count(&self, host: &str) {
        let now = std::time::Instant::now();
        let Ok(mut windows) = self.windows.lock() else {
            return;
        };
        if windows.len() > 10_000 {
            windows.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
        }
        let entry = windows.entry(host.to_string()).or_insert((now, 0));
        if now.duration_since(entry.0) >= WINDOW {
            *entry = (now, 0);
        }
        entry.1 = entry.1.saturating_add(1);
    }
}
