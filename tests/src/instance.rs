//! In-process instances: the real router on a real socket, each on its own
//! loopback address, because ActivityPub compares hosts without ports.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use knooppunt::app::{AppState, Instance};
use knooppunt::config::Config;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::database::TestDb;

/// A running instance and everything needed to talk to it and stop it.
pub struct TestInstance {
    pub addr: SocketAddr,
    /// `127.0.0.N:PORT`, used in every id.
    pub domain: String,
    /// `http://127.0.0.N:PORT`.
    pub base_url: String,
    pub state: AppState,
    pub client: reqwest::Client,
    pub db: TestDb,
    /// Uploaded media of this instance.
    pub media_dir: tempfile::TempDir,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

/// The configuration tests use: ids over http, loopback peers allowed.
pub fn test_config(addr: SocketAddr, database_url: &str) -> Config {
    let mut config = Config::default();
    config.instance.domain = addr.to_string();
    config.instance.name = format!("Test {}", addr.ip());
    config.instance.neighbourhood = "wijk".into();
    config.http.listen = addr;
    config.database.url = database_url.to_string();
    config.federation.allow_http = true;
    config.federation.allow_private_addresses = true;
    // Counts reach other instances with each change, as tests expect right
    // after a drain; tests of the coalescing set an interval themselves.
    config.federation.plan_update_interval_secs = 0;
    config.validate().expect("test config is valid");
    config
}

/// Binds 127.0.0.2, 127.0.0.3, … (one per instance) on one shared port.
pub async fn bind_loopback_set(count: usize) -> Vec<TcpListener> {
    'attempt: for _ in 0..50 {
        let first = TcpListener::bind((Ipv4Addr::new(127, 0, 0, 2), 0))
            .await
            .expect("bind 127.0.0.2");
        let port = first.local_addr().expect("local addr").port();
        let mut listeners = vec![first];
        for n in 1..count {
            let ip = Ipv4Addr::new(127, 0, 0, 2 + u8::try_from(n).expect("few instances"));
            match TcpListener::bind(SocketAddr::new(IpAddr::V4(ip), port)).await {
                Ok(l) => listeners.push(l),
                // Another test holds this port on that address: pick a new port.
                Err(_) => continue 'attempt,
            }
        }
        return listeners;
    }
    panic!("could not find a port free on {count} loopback addresses");
}

impl TestInstance {
    /// One instance on 127.0.0.2.
    pub async fn start() -> TestInstance {
        Self::start_many(1).await.pop().expect("one instance")
    }

    /// `count` instances on 127.0.0.2, 127.0.0.3, … sharing one port, each with its own database.
    pub async fn start_many(count: usize) -> Vec<TestInstance> {
        Self::start_many_with(count, |_| {}).await
    }

    /// Like [`Self::start_many`], with a chance to adjust each configuration.
    pub async fn start_many_with(count: usize, adjust: impl Fn(&mut Config)) -> Vec<TestInstance> {
        crate::init_logging();
        let listeners = bind_loopback_set(count).await;
        let mut instances = Vec::with_capacity(count);
        for listener in listeners {
            let db = TestDb::create().await;
            let mut config = test_config(listener.local_addr().expect("addr"), &db.url);
            adjust(&mut config);
            instances.push(Self::serve(listener, config, db).await);
        }
        instances
    }

    /// Serves `config` on `listener` with the given database.
    pub async fn serve(listener: TcpListener, mut config: Config, db: TestDb) -> TestInstance {
        let addr = listener.local_addr().expect("addr");
        let media_dir = tempfile::tempdir().expect("media dir");
        config.media.directory = media_dir.path().to_path_buf();
        let domain = config.instance.domain.clone();
        let instance = Instance::open(config).await.expect("instance starts");
        let state = instance.state().clone();
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(instance.serve(listener, async {
            let _ = rx.await;
        }));
        TestInstance {
            addr,
            base_url: format!("http://{domain}"),
            domain,
            state,
            client: reqwest::Client::builder()
                .no_proxy()
                .build()
                .expect("http client"),
            db,
            media_dir,
            shutdown: Some(tx),
            task: Some(task),
        }
    }

    /// Creates a local person directly through the service (as `user create` does).
    pub async fn create_person(
        &self,
        name: &str,
        password: &str,
    ) -> knooppunt::persons::service::PersonListing {
        self.create_account(name, password, false).await
    }

    /// Creates a local administrator (as `user create --admin` does).
    pub async fn create_admin(
        &self,
        name: &str,
        password: &str,
    ) -> knooppunt::persons::service::PersonListing {
        self.create_account(name, password, true).await
    }

    async fn create_account(
        &self,
        name: &str,
        password: &str,
        admin: bool,
    ) -> knooppunt::persons::service::PersonListing {
        let email = format!("{name}@{}", self.addr.ip());
        knooppunt::persons::service::create(
            &self.state.db,
            &self.state.config,
            knooppunt::persons::service::NewPerson {
                name,
                email: &email,
                password,
                role: knooppunt::persons::Role::Resident,
                admin,
                approved: true,
            },
        )
        .await
        .expect("person created")
    }

    /// Stops serving but keeps the database, as an instance that goes down.
    pub async fn go_down(mut self) -> DownInstance {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.await
                .expect("server task")
                .expect("server stopped cleanly");
        }
        DownInstance {
            addr: self.addr,
            config: (*self.state.config).clone(),
            db: self.db,
            media_dir: self.media_dir,
        }
    }

    /// Sends every due delivery of this instance's outbox now.
    pub async fn drain(&self) {
        knooppunt::federation::outbox::drain(&self.state)
            .await
            .expect("outbox drains");
    }

    /// Deliveries that failed and wait for a retry: logged (so a flaky run
    /// says why) and made due again, as `federation retry` would. Returns
    /// how many there were.
    pub async fn retry_failed(&self) -> usize {
        use knooppunt_federation::engine::entity::delivery;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
        let failed = delivery::Entity::find()
            .filter(delivery::Column::State.eq("pending"))
            .filter(delivery::Column::Attempts.gt(0))
            .all(&self.state.db)
            .await
            .expect("deliveries");
        for d in &failed {
            eprintln!(
                "{}: delivery {} to {} failed {} time(s): {:?}; retrying",
                self.domain, d.id, d.inbox_url, d.attempts, d.last_error
            );
        }
        if !failed.is_empty() {
            delivery::Entity::update_many()
                .col_expr(
                    delivery::Column::NextAttemptAt,
                    Expr::value(chrono::Utc::now()),
                )
                .filter(delivery::Column::State.eq("pending"))
                .exec(&self.state.db)
                .await
                .expect("retry");
        }
        failed.len()
    }

    /// Delivers everything between `instances` (back and forth). A delivery
    /// that failed on a loaded machine is logged and retried, as the worker
    /// would do later.
    pub async fn drain_all(instances: &[TestInstance]) {
        for round in 0..3 {
            for _ in 0..2 {
                for i in instances {
                    i.drain().await;
                }
            }
            let mut failed = 0;
            for i in instances {
                failed += i.retry_failed().await;
            }
            if failed == 0 || round == 2 {
                return;
            }
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }

    /// GETs `url` as another server would: asking for ActivityPub JSON.
    pub async fn get_ap(&self, url: &str) -> reqwest::Response {
        self.client
            .get(url)
            .header("accept", "application/activity+json")
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {url}: {e}"))
    }

    /// Stops serving (in-flight requests finish) and removes the database.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.await
                .expect("server task")
                .expect("server stopped cleanly");
        }
        self.db.drop_now().await;
    }
}

/// An instance that is down: its address, configuration and database are kept.
pub struct DownInstance {
    pub addr: SocketAddr,
    pub config: Config,
    pub db: TestDb,
    pub media_dir: tempfile::TempDir,
}

impl DownInstance {
    /// Starts it again on the same address with the same database.
    pub async fn come_back(self) -> TestInstance {
        let listener = TcpListener::bind(self.addr)
            .await
            .expect("rebind the same address");
        let mut instance = TestInstance::serve(listener, self.config, self.db).await;
        instance.media_dir = self.media_dir;
        instance
    }
}
