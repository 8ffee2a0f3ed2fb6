//! Real-world and hostile payloads at the inbox (issue 6).
//!
//! `tests/python/corpus_flow.py` sends every example of the PyPI package
//! `fediverse-pasture-inputs` (0.3.0), built into a Create the way the
//! fediverse pasture builds it, plus hand-made hostile payloads, each validly
//! signed by the independent peer of `tests/python/peer.py`: every answer
//! must be a 2xx or a 4xx, never a 5xx, a hang or a dropped connection, and
//! what is stored must be free of script. The package is read from the
//! installed copy; it is installed with `--no-deps`, because its dependency
//! `fediverse-pasture` pins `cryptography<46` (through bovine), which cannot
//! live next to the suite's `cryptography`.
//!
//! The private-address guard of the federation client is tested directly:
//! the test instance allows private addresses (its peers are on loopback).

use std::io::ErrorKind;
use std::net::TcpListener;
use std::time::{Duration, Instant};

use knooppunt_federation::fetch::{FetchError, FetchPolicy, SafeClient};
use knooppunt_tests::{TestInstance, python};

const PW: &str = "lange wandeling 42";
/// The corpus takes well under a minute; this only stops a hung run.
const LIMIT: Duration = Duration::from_secs(600);

#[tokio::test]
async fn every_pasture_payload_and_hostile_input_is_handled_or_refused_never_a_server_error() {
    let instance = TestInstance::start().await;
    // The recipient of every payload (the pasture's target): addressing it
    // exercises the mention and notification paths.
    instance.create_person("alice", PW).await;

    let peer = format!("127.0.0.10:{}", python::free_port([127, 0, 0, 10].into()));
    let env = vec![
        ("KP_BASE_URL".to_string(), instance.base_url.clone()),
        ("KP_PERSON_NAME".to_string(), "alice".to_string()),
        ("KP_PEER_ADDR".to_string(), peer),
    ];
    let python::Outcome {
        code,
        stdout,
        stderr,
    } = python::run("corpus_flow.py", env, LIMIT).await;
    // Stop first, so a failure below does not leave a PostgreSQL test database behind.
    instance.stop().await;
    assert!(
        code.is_some(),
        "corpus_flow.py did not finish within {LIMIT:?}:\n{stdout}\n{stderr}"
    );
    assert_eq!(
        code,
        Some(0),
        "the corpus run found problems:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.lines().any(|l| l == "all expectations held"),
        "{stdout}"
    );
    println!("{stdout}");
}

/// Listeners on a loopback port that must never see a connection.
struct Witness {
    port: u16,
    listeners: Vec<(String, TcpListener)>,
}

impl Witness {
    fn new() -> Witness {
        let v4 = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = v4.local_addr().expect("addr").port();
        let mut listeners = vec![("127.0.0.1".to_string(), v4)];
        // IPv6 loopback may be missing in a container; the guard is still checked without it.
        if let Ok(v6) = TcpListener::bind(("::1", port)) {
            listeners.push(("[::1]".to_string(), v6));
        }
        for (_, l) in &listeners {
            l.set_nonblocking(true).expect("nonblocking");
        }
        Witness { port, listeners }
    }

    /// Addresses that were connected to since the last call.
    fn connections(&self) -> Vec<String> {
        let mut seen = Vec::new();
        for (name, l) in &self.listeners {
            loop {
                match l.accept() {
                    Ok((_, from)) => seen.push(format!("{name} (from {from})")),
                    Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                    Err(e) => panic!("accept on {name}: {e}"),
                }
            }
        }
        seen
    }
}

#[tokio::test]
async fn the_private_address_guard_refuses_before_connecting() {
    // A long timeout: an attempted connection to a black hole would show in the time taken.
    let client = SafeClient::new(FetchPolicy {
        allow_http: true,
        allow_private_addresses: false,
        timeout: Duration::from_secs(20),
        fetch_timeout: Duration::from_secs(20),
        failing_host_memory: Duration::from_secs(60),
        max_body_bytes: 1024 * 1024,
        user_agent: "knooppunt-tests".into(),
    })
    .expect("client");
    let witness = Witness::new();
    let port = witness.port;

    // Refused by the URL check itself, with FetchError::PrivateAddress.
    let literal = [
        format!("http://127.0.0.1:{port}/x"),
        "http://169.254.169.254/latest/meta-data".to_string(),
        format!("http://localhost:{port}/"),
        format!("http://[::1]:{port}/"),
        "http://10.0.0.1/".to_string(),
        format!("https://127.0.0.1:{port}/x"),
        format!("http://127.1:{port}/"),
        format!("http://2130706433:{port}/"),
        format!("http://0x7f000001:{port}/"),
        format!("http://[::ffff:127.0.0.1]:{port}/"),
        // IPv6 that carries an IPv4 address: NAT64, 6to4, IPv4-compatible,
        // IPv4-mapped (another spelling), local NAT64 and Teredo.
        format!("http://[64:ff9b::7f00:1]:{port}/"),
        format!("http://[2002:7f00:1::1]:{port}/"),
        format!("http://[::127.0.0.1]:{port}/"),
        format!("http://[::ffff:7f00:1]:{port}/"),
        format!("http://[64:ff9b:1::7f00:1]:{port}/"),
        format!("http://[2001:0:4136:e378:8000:63bf:80ff:fffe]:{port}/"),
        format!("http://sub.localhost:{port}/"),
        "http://192.168.1.1/".to_string(),
        "http://172.16.0.1/".to_string(),
        "http://100.64.0.1/".to_string(),
        "http://0.0.0.0/".to_string(),
        "http://[fd00::1]/".to_string(),
        "http://[fe80::1]/".to_string(),
    ];
    let mut failures = Vec::new();
    for raw in &literal {
        let url = url::Url::parse(raw).expect("url");
        let started = Instant::now();
        let result = client.get_object(&url, None).await;
        let took = started.elapsed();
        if !matches!(result, Err(FetchError::PrivateAddress(_))) {
            failures.push(format!(
                "GET {raw}: expected PrivateAddress, got {result:?}"
            ));
        }
        if took >= Duration::from_millis(500) {
            failures.push(format!(
                "GET {raw}: took {took:?}, a connection was attempted"
            ));
        }
        let seen = witness.connections();
        if !seen.is_empty() {
            failures.push(format!("GET {raw}: connected to {seen:?}"));
        }
    }

    // A name that is not spelled `localhost` but resolves to loopback (the
    // trailing dot): the URL check lets it through and the validating resolver
    // must refuse it. Any error will do, as long as nothing is connected to.
    for raw in [format!("http://localhost.:{port}/")] {
        let url = url::Url::parse(&raw).expect("url");
        let started = Instant::now();
        let result = client.get_object(&url, None).await;
        let took = started.elapsed();
        if result.is_ok() {
            failures.push(format!("GET {raw}: fetched {result:?}"));
        }
        if took >= Duration::from_secs(2) {
            failures.push(format!("GET {raw}: took {took:?}"));
        }
        let seen = witness.connections();
        if !seen.is_empty() {
            failures.push(format!("GET {raw}: connected to {seen:?} ({result:?})"));
        }
    }

    // Deliveries are checked the same way.
    let keys = knooppunt_federation::keys::generate_actor_keys().expect("keys");
    let key = knooppunt_federation::keys::private_key_from_pem(&keys.private_key_pem).expect("key");
    let signer = knooppunt_federation::fetch::Signer {
        key_id: "https://example.org/actor#main-key".into(),
        key: std::sync::Arc::new(key),
    };
    for raw in [
        format!("http://127.0.0.1:{port}/inbox"),
        "http://169.254.169.254/inbox".to_string(),
    ] {
        let url = url::Url::parse(&raw).expect("url");
        let started = Instant::now();
        let result = client
            .post_activity(&url, bytes::Bytes::from_static(b"{}"), &signer)
            .await;
        if !matches!(result, Err(FetchError::PrivateAddress(_))) {
            failures.push(format!(
                "POST {raw}: expected PrivateAddress, got {result:?}"
            ));
        }
        if started.elapsed() >= Duration::from_millis(500) {
            failures.push(format!("POST {raw}: took {:?}", started.elapsed()));
        }
        let seen = witness.connections();
        if !seen.is_empty() {
            failures.push(format!("POST {raw}: connected to {seen:?}"));
        }
    }

    // Control: with the guard off the same client reaches the witness, so
    // "no connection" above means refused, not unobservable.
    let open = SafeClient::new(FetchPolicy {
        allow_private_addresses: true,
        ..client.policy().clone()
    })
    .expect("client");
    let control = url::Url::parse(&format!("http://127.0.0.1:{port}/x")).expect("url");
    let probe = tokio::spawn(async move {
        let _ = tokio::time::timeout(Duration::from_secs(2), open.get_object(&control, None)).await;
    });
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut reached = Vec::new();
    while reached.is_empty() && Instant::now() < deadline {
        reached = witness.connections();
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    probe.abort();
    assert!(
        !reached.is_empty(),
        "control: without the guard the client did not reach the witness listener"
    );

    assert!(
        failures.is_empty(),
        "the private-address guard let something through:\n{}",
        failures.join("\n")
    );
}
