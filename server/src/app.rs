//! The running instance: shared state, the router with its layers, and serving
//! with graceful shutdown. Several instances can run in one process (tests).

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::StatusCode;
use axum::routing::{get, post};
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;
use tower_http::cors::{Any, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::config::Config;
use crate::db::{self, DbError};
use crate::error::AppError;
use crate::instance::service::{BootstrapError, bootstrap};
use crate::instance::web;
pub use crate::state::AppState;

/// Why an instance could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Database(#[from] DbError),
    #[error(transparent)]
    Bootstrap(#[from] BootstrapError),
    #[error("cannot set up federation: {0}")]
    Federation(String),
    #[error("cannot listen on {addr}: {error}")]
    Bind {
        addr: SocketAddr,
        error: std::io::Error,
    },
}

/// Indexes for search what was written before the index existed (once,
/// after the migration that created it; nothing to do afterwards). It runs
/// while the server serves: on a big instance it takes minutes, and until
/// it ends search finds only part of the older rows. Progress is kept per
/// batch, so a restart goes on where it stopped.
async fn fill_search_index(db: DatabaseConnection) {
    let sources: [&dyn crate::search::service::Source; 4] = [
        &crate::actors::search::Backfill,
        &crate::statuses::search::Backfill,
        &crate::plans::search::Backfill,
        &crate::events::search::Backfill,
    ];
    if let Err(e) = crate::search::service::backfill(&db, &sources).await {
        tracing::error!(error = %e, "filling the search index; it goes on at the next start");
    }
}

/// An instance ready to serve: connected, migrated, bootstrapped.
pub struct Instance {
    state: AppState,
    /// On SQLite, the lock that makes this the one process serving the file.
    sqlite_owner: Option<std::fs::File>,
}

/// How long a stopping server waits for its deliveries in progress: they
/// end within the send timeout.
const WORKER_STOP: Duration = Duration::from_secs(crate::federation::SEND_TIMEOUT_SECS + 5);

/// Connects the domains' hooks: who hears of whose changes. Called before
/// anything is served; registering twice keeps one of each.
pub fn wire() {
    use crate::statuses::changes::HOOKS as STATUS_HOOKS;
    STATUS_HOOKS.register("notifications", crate::notifications::on_status_change);
    STATUS_HOOKS.register("plans", crate::plans::federate::on_status_change);
    use crate::statuses::federate::{inbound::STORED, note::RENDER};
    RENDER.register("plans", crate::plans::federate::render_hook);
    RENDER.register("events", crate::events::federate::render_hook);
    STORED.register("Page", crate::plans::federate::stored_hook);
    STORED.register("Event", crate::events::federate::stored_hook);
}

impl Instance {
    /// Connects to the database, applies pending migrations and creates the
    /// instance's own actors on first start.
    pub async fn open(config: Config) -> Result<Self, StartError> {
        let db = db::connect(&config).await?;
        let owner = db::sqlite_file(&config)
            .map(|path| db::own_sqlite_file(&path))
            .transpose()?;
        db::migrate(&db).await?;
        bootstrap(&db, &config).await?;
        let mut instance = Self::with_db(db, config).await?;
        instance.sqlite_owner = owner;
        crate::moderation::blocks::load_blocks(&instance.state)
            .await
            .map_err(|e| StartError::Federation(format!("domain blocks: {e}")))?;
        instance
            .release_crashed_claims()
            .await
            .map_err(|e| StartError::Federation(format!("outbox: {e}")))?;
        Ok(instance)
    }

    /// Deliveries a crashed process had claimed are due again at once: on
    /// SQLite all of them (this is the one process serving the file), on
    /// PostgreSQL those of processes whose connection is gone.
    async fn release_crashed_claims(&self) -> Result<(), sea_orm::DbErr> {
        use crate::federation::outbox;
        let db = &self.state.db;
        if self.sqlite_owner.is_some() {
            let released = outbox::release_leases(db, None).await?;
            if released > 0 {
                tracing::info!(deliveries = released, "claimed before a crash; due again");
            }
        }
        self.state.federation.claimant.ensure(db).await?;
        outbox::release_orphaned(db).await?;
        Ok(())
    }

    /// An instance on a connected, migrated and bootstrapped database (also
    /// used by operator commands that act like the server).
    pub async fn with_db(db: DatabaseConnection, config: Config) -> Result<Self, StartError> {
        wire();
        let sqlite_file = db::sqlite_file(&config);
        let instance_actor = crate::actors::store::find_local(
            &db,
            &config,
            crate::instance::service::INSTANCE_ACTOR_NAME,
        )
        .await
        .map_err(|e| StartError::Federation(e.to_string()))?
        .ok_or_else(|| StartError::Federation("the instance actor is missing".into()))?;
        let federation = crate::federation::start(
            db.clone(),
            &config,
            &instance_actor.ap_id,
            instance_actor
                .private_key_pem
                .as_deref()
                .unwrap_or_default(),
        )
        .map_err(|e| StartError::Federation(e.to_string()))?;
        Ok(Self {
            state: AppState {
                guards: crate::guard::Guards::new(&config),
                config: Arc::new(config),
                db,
                sqlite_file,
                federation,
            },
            sqlite_owner: None,
        })
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// All routes with tracing, body-size and time limits.
    pub fn router(&self) -> Router {
        let config = &self.state.config;
        // Uploads may be larger than other bodies; the outer cap allows the larger of both.
        let upload_limit = config.media.max_image_bytes + 64 * 1024;
        let hard_cap = config.http.max_body_bytes.max(upload_limit);
        let mut routes = Router::new()
            .merge(web_routes())
            .merge(crate::statuses::web::routes(upload_limit))
            .merge(crate::settings::routes(upload_limit))
            .merge(api_routes(upload_limit).layer(cors()))
            .fallback(not_found);
        if config.debug.count_statements {
            routes = routes.layer(axum::middleware::from_fn(crate::statements::count));
        }
        routes
            .layer(DefaultBodyLimit::max(config.http.max_body_bytes))
            .layer(RequestBodyLimitLayer::new(hard_cap))
            .layer(TimeoutLayer::with_status_code(
                StatusCode::REQUEST_TIMEOUT,
                Duration::from_secs(config.http.request_timeout_secs),
            ))
            .layer(axum::middleware::map_response(crate::web::security_headers))
            .layer(axum::middleware::from_fn(
                crate::error::in_the_clients_language,
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
        let (stop_worker, stop) = tokio::sync::watch::channel(false);
        let mut worker = tokio::spawn(crate::federation::outbox::run_worker(
            self.state.clone(),
            stop,
        ));
        let backlog = tokio::spawn(knooppunt_federation::engine::backlog::run(
            self.state.clone(),
        ));
        let mut plan_updates = tokio::spawn(crate::plans::updates::run(
            self.state.clone(),
            stop_worker.subscribe(),
        ));
        let housekeeping = tokio::spawn(keep_tidy(self.state.clone()));
        let search_backfill = tokio::spawn(fill_search_index(self.state.db.clone()));
        // Peer addresses reach the handlers: limits per client address.
        let result = axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await;
        housekeeping.abort();
        search_backfill.abort();
        // The worker hands back what it has not sent and finishes its sends;
        // one that does not in time leaves them to their leases. Activities
        // not yet processed stay so in the journal.
        let _ = stop_worker.send(true);
        if tokio::time::timeout(WORKER_STOP, &mut worker)
            .await
            .is_err()
        {
            worker.abort();
        }
        backlog.abort();
        // A round in progress finishes its transaction; what it did not get
        // to stays due in the database.
        if tokio::time::timeout(WORKER_STOP, &mut plan_updates)
            .await
            .is_err()
        {
            plan_updates.abort();
        }
        // Closing waits for every pooled connection to come back; one held
        // by a stuck task must not keep the process from ending.
        if tokio::time::timeout(WORKER_STOP, self.state.db.close_by_ref())
            .await
            .is_err()
        {
            tracing::error!("the database pool did not close in time; stopping anyway");
        }
        result
    }
}

/// How old an unnamed copy of a remote image must be before it is removed.
const SWEEP_GRACE: std::time::Duration = std::time::Duration::from_secs(3600);

/// While the server runs: tells of ended polls and folds account counts
/// every five seconds, reads the domain blocks again every 30 s (another
/// process sharing the database may have changed them), and prunes expired
/// records and unused copies of remote images every five minutes.
async fn keep_tidy(state: AppState) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(5));
    let mut ticks: u64 = 0;
    loop {
        every.tick().await;
        ticks += 1;
        if let Err(e) = crate::statuses::service::notify_ended_polls(&state).await {
            tracing::error!(error = %e, "announcing ended polls");
        }
        fold_actor_stats(&state).await;
        if ticks % 6 == 1
            && let Err(e) = crate::moderation::blocks::load_blocks(&state).await
        {
            tracing::warn!(error = %e, "reading the domain blocks");
        }
        if ticks % 60 != 1 {
            continue;
        }
        match crate::auth::service::prune_expired(&state.db).await {
            Ok(0) => {}
            Ok(n) => tracing::debug!(records = n, "expired records pruned"),
            Err(e) => tracing::warn!(error = %e, "pruning expired records"),
        }
        match crate::media::cache::sweep(&state, SWEEP_GRACE).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(files = n, "copies of remote images no longer used removed"),
            Err(e) => tracing::warn!(error = %e, "sweeping copies of remote images"),
        }
    }
}

/// Folds the counters' deltas, a few batches a tick (a big backlog after an
/// upgrade or an import is folded over the following ticks).
async fn fold_actor_stats(state: &AppState) {
    for _ in 0..10 {
        match crate::actors::stats::fold(&state.db).await {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                tracing::warn!(error = %e, "folding account counts");
                break;
            }
        }
    }
}

/// Pages for people in a browser.
fn web_routes() -> Router<AppState> {
    use crate::auth::web as auth;
    Router::new()
        .route("/", get(web::home))
        .route("/healthz", get(web::healthz))
        .route("/static/{file}", get(web::static_file))
        .route("/media/{file}", get(crate::media::api::file))
        .route(
            "/media/cache/{kind}/{id}",
            get(crate::statuses::cached_media::serve),
        )
        .route("/auth/sign_in", get(auth::sign_in_page).post(auth::sign_in))
        .route(
            "/auth/sign_up",
            get(crate::persons::web::sign_up_page).post(crate::persons::web::sign_up),
        )
        .route("/auth/sign_out", post(auth::sign_out))
        .route("/language", post(auth::set_language))
        .merge(page_routes())
        .route(
            "/oauth/authorize",
            get(crate::auth::oauth::web::authorize_page).post(crate::auth::oauth::web::authorize),
        )
        .merge(federation_routes())
}

/// The pages of signed-in people: timelines, writing, notifications.
fn page_routes() -> Router<AppState> {
    use crate::statuses::web as statuses;
    Router::new()
        .route("/home", get(statuses::home))
        .route("/local", get(statuses::local))
        .route("/federated", get(statuses::federated))
        .route("/notifications", get(crate::notifications::web::page))
        .route("/plans", get(crate::plans::web_list::page))
        .route(
            "/plans/new",
            get(crate::plans::web_new::page).post(crate::plans::web_new::create),
        )
        .route(
            "/plans/{id}/edit",
            get(crate::plans::web_new::edit_page).post(crate::plans::web_new::edit),
        )
        .route(
            "/plans/{id}/arguments",
            get(crate::plans::web::side_page).post(crate::plans::web_forms::argue),
        )
        .route(
            "/plans/{id}/transition",
            post(crate::plans::web_forms::transition),
        )
        .route(
            "/plans/{id}/{action}",
            post(crate::plans::web_forms::support),
        )
        .route("/events", get(crate::events::web_list::page))
        .route(
            "/events/new",
            get(crate::events::web_new::page).post(crate::events::web_new::create),
        )
        .route("/events/{id}/{action}", post(crate::events::web::take_part))
        .merge(plan_work_routes())
        .merge(people_routes())
        .merge(group_and_admin_routes())
}

/// People: profiles (`/@name`, `/@name@domain`), following and search
/// (one's settings are `settings::routes`).
fn people_routes() -> Router<AppState> {
    Router::new()
        .route("/search", get(crate::search_page::page))
        .route("/accounts/{id}/{action}", post(crate::follows::web::act))
        // Only `/@…` is a profile; anything else is not found.
        .route("/{handle}", get(crate::persons::web_profile::page))
}

/// The group directory and group forms (the group's page is with the
/// actor, in `federation_routes`), and the administrators' pages.
fn group_and_admin_routes() -> Router<AppState> {
    use crate::admin;
    use crate::group_pages as groups;
    Router::new()
        .route("/groups", get(groups::directory))
        .route("/groups/{name}/join", post(groups::take_part_join))
        .route("/groups/{name}/leave", post(groups::take_part_leave))
        .route(
            "/groups/{name}/requests/{account_id}/{answer}",
            post(groups::answer),
        )
        .route("/admin", get(admin::overview))
        .route("/admin/users", get(admin::users))
        .route("/admin/users/{name}/{action}", post(admin::user_action))
        .route("/admin/reports", get(admin::reports))
        .route("/admin/reports/{id}/resolve", post(admin::resolve))
        .route(
            "/admin/domain_blocks",
            get(admin::domain_blocks).post(admin::block),
        )
        .route("/admin/domain_blocks/{domain}/remove", post(admin::unblock))
}

/// The forms of a plan page's working sections (comments, polls, advice,
/// owners, progress).
fn plan_work_routes() -> Router<AppState> {
    use crate::plans::web_work as work;
    Router::new()
        .route("/plans/{id}/comments", post(work::comment))
        .route("/plans/{id}/polls", post(work::poll))
        .route("/plans/{id}/polls/{poll}/votes", post(work::vote))
        .route("/plans/{id}/advice", post(work::ask_advice))
        .route(
            "/plans/{id}/advice/{advice}/answer",
            post(work::answer_advice),
        )
        .route("/plans/{id}/owners", post(work::invite))
        .route(
            "/plans/{id}/invitations/{invitation}/{action}",
            post(work::answer_invitation),
        )
        .route("/plans/{id}/progress", post(work::progress))
}

/// ActivityPub: actors, collections, notes, inboxes, and discovery.
fn federation_routes() -> Router<AppState> {
    use crate::apub::{actors, inbox, webfinger};
    let collections = || get(actors::follow_collection);
    Router::new()
        .route("/.well-known/webfinger", get(webfinger::webfinger))
        .route("/.well-known/host-meta", get(webfinger::host_meta))
        .route("/ns/knooppunt", get(actors::context_document))
        .route("/plans/{id}", get(crate::plans::web::page))
        .route("/advice/{id}", get(crate::plans::web::advice_answer))
        .route("/events/{id}", get(crate::events::web::page))
        .route("/actor", get(actors::instance_actor))
        .route("/inbox", post(inbox::shared))
        .route("/users/{name}", get(actors::person))
        .route("/groups/{name}", get(crate::group_pages::page))
        .route("/users/{name}/inbox", post(inbox::personal))
        .route("/groups/{name}/inbox", post(inbox::personal))
        .route("/users/{name}/followers", collections())
        .route("/users/{name}/following", collections())
        .route("/groups/{name}/followers", collections())
        .route("/groups/{name}/following", collections())
        .route("/users/{name}/outbox", get(actors::outbox))
        .route("/groups/{name}/outbox", get(actors::outbox))
        .route("/users/{name}/featured", get(actors::featured))
        .route("/groups/{name}/featured", get(actors::featured))
        .route(
            "/users/{name}/statuses/{id}",
            get(crate::statuses::web::show),
        )
}

/// The Mastodon client API, OAuth endpoints for apps, and discovery
/// documents: each domain's routes, from its `api.rs`.
fn api_routes(upload_limit: usize) -> Router<AppState> {
    Router::new()
        .merge(crate::auth::oauth::api::routes())
        .merge(crate::mastodon::instance::routes())
        .merge(crate::mastodon::search::routes())
        .merge(crate::persons::api::routes(upload_limit))
        .merge(crate::follows::api::routes())
        .merge(crate::statuses::api::routes())
        .merge(crate::notifications::api::routes())
        .merge(crate::media::api::routes(upload_limit))
        .merge(crate::moderation::api::routes())
        .merge(crate::groups::api::routes())
        .merge(crate::events::api::routes())
        .merge(crate::plans::api::routes())
        .route(
            "/api/knooppunt/v1/openapi.json",
            get(crate::openapi::document),
        )
}

/// Browser apps (Elk, Phanpy) call the API from other origins with bearer tokens.
fn cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(Any)
        .allow_methods(Any)
        .allow_headers(Any)
        .expose_headers([axum::http::header::LINK])
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
    AppError::NotFound(msg!("error-missing"))
}
