//! The running instance: shared state, the router with its layers, and serving
//! with graceful shutdown. Several instances can run in one process (tests).

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::StatusCode;
use axum::routing::get;
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::config::Config;
use crate::db::{self, DbError};
use crate::error::AppError;
use crate::instance::service::{BootstrapError, bootstrap};
use crate::instance::web;

/// What every handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub db: DatabaseConnection,
    /// The SQLite file, watched by the health check.
    pub sqlite_file: Option<PathBuf>,
}

/// Why an instance could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Database(#[from] DbError),
    #[error(transparent)]
    Bootstrap(#[from] BootstrapError),
    #[error("cannot listen on {addr}: {error}")]
    Bind {
        addr: SocketAddr,
        error: std::io::Error,
    },
}

/// An instance ready to serve: connected, migrated, bootstrapped.
pub struct Instance {
    state: AppState,
}

impl Instance {
    /// Connects to the database, applies pending migrations and creates the
    /// instance's own actors on first start.
    pub async fn open(config: Config) -> Result<Self, StartError> {
        let db = db::connect(&config).await?;
        db::migrate(&db).await?;
        bootstrap(&db, &config).await?;
        let sqlite_file = db::sqlite_file(&config);
        Ok(Self {
            state: AppState {
                config: Arc::new(config),
                db,
                sqlite_file,
            },
        })
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// All routes with tracing, body-size and time limits.
    pub fn router(&self) -> Router {
        let config = &self.state.config;
        Router::new()
            .route("/", get(web::home))
            .route("/healthz", get(web::healthz))
            .fallback(not_found)
            .layer(DefaultBodyLimit::max(config.http.max_body_bytes))
            .layer(RequestBodyLimitLayer::new(config.http.max_body_bytes))
            .layer(TimeoutLayer::with_status_code(
                StatusCode::REQUEST_TIMEOUT,
                Duration::from_secs(config.http.request_timeout_secs),
            ))
            .layer(TraceLayer::new_for_http().make_span_with(request_span))
            .with_state(self.state.clone())
    }

    /// Serves until `shutdown` completes, then finishes in-flight requests.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let router = self.router();
        let result = axum::serve(listener, router)
            .with_graceful_shutdown(shutdown)
            .await;
        self.state.db.close_by_ref().await.ok();
        result
    }
}

/// Binds the listening socket, with an error that names the address.
pub async fn bind(addr: SocketAddr) -> Result<TcpListener, StartError> {
    TcpListener::bind(addr)
        .await
        .map_err(|error| StartError::Bind { addr, error })
}

/// Request spans carry the method and the matched route, never raw ids.
fn request_span(request: &Request) -> tracing::Span {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("(unmatched)", MatchedPath::as_str);
    tracing::info_span!("request", method = %request.method(), route)
}

async fn not_found() -> AppError {
    AppError::NotFound("not found".into())
}
