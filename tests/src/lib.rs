//! The test harness: real instances on their own loopback addresses with their
//! own databases, the real binary as a child process, and a cuttable TCP proxy.
//! The engine comes from `TEST_DATABASE` (`sqlite`, the default, or `postgres`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod api;
pub mod bench;
pub mod binary;
pub mod browser;
pub mod chaos;
pub mod database;
pub mod fixtures;
pub mod instance;
pub mod peer;
pub mod python;
pub mod seed;
pub mod sink;
pub mod wait;
pub mod webdriver;

pub use api::ApiClient;
pub use binary::{Knooppunt, ServeProcess};
pub use chaos::ChaosProxy;
pub use database::{Engine, TestDb};
pub use instance::TestInstance;
pub use peer::FakePeer;
pub use sink::{Behaviour, Sink};

/// Installs a log subscriber when `TEST_LOG` is set; tests are silent otherwise.
pub fn init_logging() {
    use std::sync::Once;
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        if std::env::var_os("TEST_LOG").is_some() {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(
                    tracing_subscriber::EnvFilter::try_from_default_env()
                        .unwrap_or_else(|_| "info".into()),
                )
                .with_test_writer()
                .try_init();
        }
    });
}
