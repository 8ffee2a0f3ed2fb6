//! Federation with an independent ActivityPub server: `tests/python/peer.py`,
//! written in Python from the specifications (standard library plus
//! `cryptography`), driven by `tests/python/peer_flow.py` against a fresh
//! instance. It verifies every signature the instance sends, and checks that
//! the instance refuses what it must refuse.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use knooppunt_tests::{ApiClient, TestInstance};

const PW: &str = "lange wandeling 42";
/// The whole flow takes a few seconds; this only stops a hung run.
const LIMIT: Duration = Duration::from_secs(240);

/// The Python with the test requirements: `TEST_PYTHON` (set by scripts/test) or `.venv`.
fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("TEST_PYTHON") {
        return PathBuf::from(p);
    }
    let venv = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.venv/bin/python"));
    assert!(
        venv.is_file(),
        "the Python test requirements are not installed: run scripts/test (it creates .venv) or set TEST_PYTHON"
    );
    venv
}

/// A port free on 127.0.0.5 right now, for the peer to listen on.
fn free_peer_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.5:0")
        .expect("bind 127.0.0.5")
        .local_addr()
        .expect("addr")
        .port()
}

#[tokio::test]
async fn an_independent_python_peer_federates_and_is_refused_what_it_must_be() {
    let instance = TestInstance::start().await;
    instance.create_person("alice", PW).await;
    knooppunt::groups::service::create(
        &instance.state.db,
        &instance.state.config,
        "groen",
        "alice",
        knooppunt::groups::JoinPolicy::Open,
    )
    .await
    .expect("group created");
    let alice = ApiClient::login(&instance, "alice", PW).await;

    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/python/peer_flow.py");
    let python = python();
    let base = instance.base_url.clone();
    let token = alice.token.clone();
    let peer_addr = format!("127.0.0.5:{}", free_peer_port());
    let (code, stdout, stderr) = tokio::task::spawn_blocking(move || {
        let mut child = Command::new(python)
            .arg(script)
            .env("KP_BASE_URL", &base)
            .env("KP_PERSON_NAME", "alice")
            .env("KP_PERSON_TOKEN", &token)
            .env("KP_GROUP_NAME", "groen")
            .env("KP_PEER_ADDR", &peer_addr)
            .env("PYTHONUNBUFFERED", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run python");
        // Read both pipes while waiting, so a chatty script cannot block on a full pipe.
        let mut out = child.stdout.take().expect("stdout");
        let mut err = child.stderr.take().expect("stderr");
        let out = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = std::io::Read::read_to_string(&mut out, &mut text);
            text
        });
        let err = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = std::io::Read::read_to_string(&mut err, &mut text);
            text
        });
        let deadline = Instant::now() + LIMIT;
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait") {
                break Some(status);
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        (
            status.and_then(|s| s.code()),
            out.join().unwrap_or_default(),
            err.join().unwrap_or_default(),
        )
    })
    .await
    .unwrap();
    // Stop first, so a failure below does not leave a PostgreSQL test database behind.
    instance.stop().await;
    assert!(
        code.is_some(),
        "peer_flow.py did not finish within {LIMIT:?}:\n{stdout}\n{stderr}"
    );
    assert_eq!(
        code,
        Some(0),
        "the Python peer's flow failed:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("all ") && l.ends_with(" steps passed")),
        "{stdout}"
    );
    println!("{stdout}");
}
