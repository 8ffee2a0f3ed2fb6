//! `knooppunt serve`: restart persistence, health, and start-up failures.

use std::net::SocketAddr;

use knooppunt_tests::binary::free_port;
use knooppunt_tests::database::Engine;
use knooppunt_tests::instance::{bind_loopback_set, test_config};
use knooppunt_tests::{ChaosProxy, Knooppunt, TestDb, TestInstance};

/// The number in the home page's "people" row.
fn people_on_page(html: &str) -> u32 {
    let after = html
        .split("<dt>Mensen</dt><dd>")
        .nth(1)
        .expect("people row");
    after.split('<').next().unwrap().parse().unwrap()
}

#[tokio::test]
async fn data_survives_a_restart_and_sigterm_stops_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::create().await;
    let addr: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let cmd = |args: &[&str]| {
        Knooppunt::new(dir.path(), args)
            .env("KNOOPPUNT_DATABASE__URL", &db.url)
            .env("KNOOPPUNT_HTTP__LISTEN", &addr.to_string())
            .env("KNOOPPUNT_INSTANCE__DOMAIN", &addr.to_string())
    };
    let client = reqwest::Client::builder().no_proxy().build().unwrap();

    let server = cmd(&["serve"]).serve(addr).await;
    let page = client
        .get(server.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(people_on_page(&page), 0);
    let out = cmd(&["user", "create", "alice", "--email", "alice@wijk.example"])
        .stdin("lange wandeling 42\n")
        .run();
    assert!(out.success(), "{out:?}");
    let page = client
        .get(server.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        people_on_page(&page),
        1,
        "the running server sees the new person"
    );
    if let Some(file) = db.sqlite_file() {
        // One process serves a SQLite file: a second would share its outbox.
        let second = format!("127.0.0.1:{}", free_port());
        let out = cmd(&["serve"]).env("KNOOPPUNT_HTTP__LISTEN", &second).run();
        assert_eq!(out.code, Some(1), "{out:?}");
        assert!(
            out.stderr.contains(&format!(
                "another `knooppunt serve` is using {}",
                file.display()
            )),
            "{}",
            out.stderr
        );
    }
    let stopped = server.terminate();
    assert_eq!(stopped.code, Some(0), "{stopped:?}");
    assert!(stopped.stderr.contains("stopped"), "{}", stopped.stderr);

    let server = cmd(&["serve"]).serve(addr).await;
    let page = client
        .get(server.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        people_on_page(&page),
        1,
        "the person is still there after a restart"
    );
    let list = cmd(&["user", "list"]).run();
    assert!(
        list.stdout.lines().any(|l| l.starts_with("alice ")),
        "{}",
        list.stdout
    );
    assert_eq!(server.terminate().code, Some(0));
    db.drop_now().await;
}

#[tokio::test]
async fn healthz_reports_the_database_going_away() {
    match Engine::current() {
        Engine::Sqlite => {
            let instance = TestInstance::start().await;
            assert_eq!(instance.get("/healthz").await.status(), 200);
            let file = instance.db.sqlite_file().unwrap();
            std::fs::remove_file(&file).unwrap();
            let response = instance.get("/healthz").await;
            assert_eq!(response.status(), 503);
            assert!(response.text().await.unwrap().contains("missing"));
            instance.stop().await;
        }
        Engine::Postgres => {
            // The instance reaches PostgreSQL through a proxy we can cut.
            let db = TestDb::create().await;
            let mut url = url::Url::parse(&db.url).unwrap();
            let proxy = ChaosProxy::start(
                format!("{}:{}", url.host_str().unwrap(), url.port().unwrap_or(5432))
                    .parse()
                    .unwrap(),
            )
            .await;
            url.set_port(Some(proxy.addr.port())).unwrap();
            let listener = bind_loopback_set(1).await.pop().unwrap();
            let mut config = test_config(listener.local_addr().unwrap(), url.as_str());
            config.database.connect_timeout_secs = 1;
            let instance = TestInstance::serve(listener, config, db).await;
            assert_eq!(instance.get("/healthz").await.status(), 200);
            proxy.cut();
            assert_eq!(instance.get("/healthz").await.status(), 503);
            proxy.restore();
            assert_eq!(
                instance.get("/healthz").await.status(),
                200,
                "recovers when the database is back"
            );
            instance.stop().await;
        }
    }
}

#[tokio::test]
async fn a_taken_port_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = Knooppunt::new(dir.path(), &["serve"])
        .env("KNOOPPUNT_HTTP__LISTEN", &addr)
        .run();
    assert_eq!(out.code, Some(1), "{out:?}");
    assert!(
        out.stderr.contains(&format!(
            "knooppunt: cannot listen on {addr}: Address already in use"
        )),
        "{}",
        out.stderr
    );
    assert!(
        !dir.path().join("knooppunt.db").exists(),
        "nothing touched before the port check"
    );
}

#[test]
fn an_unreachable_database_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    for (url, shown) in [
        (
            "postgres://kp:geheim@127.0.0.1:1/kp",
            "postgres://kp:***@127.0.0.1:1/kp",
        ),
        (
            "sqlite:///nonexistent-dir/sub/kp.db?mode=rwc",
            "sqlite:///nonexistent-dir/sub/kp.db",
        ),
    ] {
        for command in ["serve", "migrate"] {
            let out = Knooppunt::new(dir.path(), &[command])
                .env("KNOOPPUNT_DATABASE__URL", url)
                .env("KNOOPPUNT_DATABASE__CONNECT_TIMEOUT_SECS", "2")
                .env(
                    "KNOOPPUNT_HTTP__LISTEN",
                    &format!("127.0.0.1:{}", free_port()),
                )
                .run();
            assert_eq!(out.code, Some(1), "{url}: {out:?}");
            assert!(
                out.stderr
                    .contains(&format!("cannot connect to the database at {shown}")),
                "{url}: {}",
                out.stderr
            );
            assert!(!out.stderr.contains("geheim"), "password never printed");
            assert!(!out.stderr.contains("panicked"));
        }
    }
}

#[tokio::test]
async fn refuses_a_database_made_for_another_domain() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::create().await;
    let run = |domain: &str| {
        Knooppunt::new(dir.path(), &["migrate"])
            .env("KNOOPPUNT_DATABASE__URL", &db.url)
            .env("KNOOPPUNT_INSTANCE__DOMAIN", domain)
            .run()
    };
    assert!(run("noord.example").success());
    let out = run("zuid.example");
    assert_eq!(out.code, Some(1), "{out:?}");
    assert!(
        out.stderr
            .contains("belongs to instance.domain \"noord.example\""),
        "{}",
        out.stderr
    );
    db.drop_now().await;
}

#[tokio::test]
async fn unknown_paths_get_a_json_404() {
    let instance = TestInstance::start().await;
    let response = instance.get("/no/such/page").await;
    assert_eq!(response.status(), 404);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"], "not found");
    instance.stop().await;
}
