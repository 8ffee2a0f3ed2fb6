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
//! The private-address guard of the federation client is tested directly
//! (the test instance allows private addresses: its peers are on loopback),
//! with a listener wherever a refused request would lead on this machine.

use std::io::ErrorKind;
use std::net::TcpListener;
use std::time::Duration;

use knooppunt_federation::fetch::{FetchError, FetchPolicy, SafeClient, Signer};
use knooppunt_tests::wait::wait_until;
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

    let env = vec![
        ("KP_BASE_URL".to_string(), instance.base_url.clone()),
        ("KP_PERSON_NAME".to_string(), "alice".to_string()),
        ("KP_PEER_HOST".to_string(), "127.0.0.10".to_string()),
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

/// Listeners on one loopback port (127.0.0.1 and, when there is IPv6
/// loopback, ::1) that record every connection made to them.
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

    fn has_v6(&self) -> bool {
        self.listeners.len() > 1
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

/// URLs that lead to this machine (PORT: a witness's port). The guard must
/// refuse each with `PrivateAddress`, and its witness must see nothing.
const LOOPBACK: [&str; 9] = [
    "http://127.0.0.1:PORT/x",
    "http://localhost:PORT/",
    "https://127.0.0.1:PORT/x",
    "http://127.1:PORT/",
    "http://2130706433:PORT/",
    "http://0x7f000001:PORT/",
    "http://[::ffff:127.0.0.1]:PORT/",
    "http://[::ffff:7f00:1]:PORT/",
    // The unspecified address connects to loopback.
    "http://0.0.0.0:PORT/",
];
/// The same over IPv6 loopback, when there is one.
const LOOPBACK_V6: [&str; 2] = ["http://[::1]:PORT/", "http://[::]:PORT/"];
/// Addresses no listener here can stand for (private networks, link-local,
/// IPv6 that carries an IPv4 address, a name that may not resolve): nothing
/// could witness a connection, so `PrivateAddress`, which only the check
/// made before any request gives, is the proof.
const ELSEWHERE: [&str; 14] = [
    "http://169.254.169.254/latest/meta-data",
    "http://10.0.0.1/",
    "http://192.168.1.1/",
    "http://172.16.0.1/",
    "http://100.64.0.1/",
    "http://[fd00::1]/",
    "http://[fe80::1]/",
    // NAT64, 6to4, IPv4-compatible, local NAT64 and Teredo.
    "http://[64:ff9b::7f00:1]:PORT/",
    "http://[2002:7f00:1::1]:PORT/",
    "http://[::127.0.0.1]:PORT/",
    "http://[64:ff9b:1::7f00:1]:PORT/",
    "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]:PORT/",
    "http://sub.localhost:PORT/",
    "http://169.254.169.254/inbox",
];

/// One request of the guard test: its URL (a POST when it ends in
/// `/inbox`), and the witness on the address it leads to, if one can be.
struct Case {
    url: String,
    /// Only a name's resolver can refuse it, with an error of its own.
    any_error: bool,
    witness: Option<Witness>,
}

impl Case {
    fn witnessed(template: &str, any_error: bool) -> Case {
        let witness = Witness::new();
        Case {
            url: template.replace("PORT", &witness.port.to_string()),
            any_error,
            witness: Some(witness),
        }
    }

    fn cases() -> Vec<Case> {
        let mut cases: Vec<Case> = LOOPBACK.iter().map(|t| Case::witnessed(t, false)).collect();
        // Not spelled `localhost`, so the URL check lets it through: the
        // validating resolver must refuse it (any error will do).
        cases.push(Case::witnessed("http://localhost.:PORT/", true));
        cases.push(Case::witnessed("http://127.0.0.1:PORT/inbox", false));
        let probe = Witness::new();
        for template in LOOPBACK_V6 {
            if probe.has_v6() {
                cases.push(Case::witnessed(template, false));
            } else {
                cases.push(Case::elsewhere(template, probe.port));
            }
        }
        cases.extend(ELSEWHERE.iter().map(|t| Case::elsewhere(t, probe.port)));
        cases
    }

    fn elsewhere(template: &str, port: u16) -> Case {
        Case {
            url: template.replace("PORT", &port.to_string()),
            any_error: false,
            witness: None,
        }
    }
}

/// A GET of `raw`, or a signed POST of `{}` when it is an inbox.
async fn send(client: &SafeClient, signer: &Signer, raw: &str) -> Result<String, FetchError> {
    let url = url::Url::parse(raw).expect("url");
    if raw.ends_with("/inbox") {
        let body = bytes::Bytes::from_static(b"{}");
        let outcome = client.post_activity(&url, body, signer).await?;
        Ok(format!("{outcome:?}"))
    } else {
        Ok(client.get_object(&url, None).await?.to_string())
    }
}

fn signer() -> Signer {
    let keys = knooppunt_federation::keys::generate_actor_keys().expect("keys");
    let key = knooppunt_federation::keys::private_key_from_pem(&keys.private_key_pem).expect("key");
    Signer {
        key_id: "https://example.org/actor#main-key".into(),
        key: std::sync::Arc::new(key),
    }
}

#[tokio::test]
async fn the_private_address_guard_refuses_before_connecting() {
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
    let signer = signer();
    let cases = Case::cases();
    let mut failures = Vec::new();
    for case in &cases {
        let result = send(&client, &signer, &case.url).await;
        let refused = if case.any_error {
            result.is_err()
        } else {
            matches!(result, Err(FetchError::PrivateAddress(_)))
        };
        if !refused {
            failures.push(format!(
                "{}: expected PrivateAddress, got {result:?}",
                case.url
            ));
        }
        // A connection to loopback is accepted by the kernel before connect()
        // returns, so one attempted during the request is queued by now.
        let seen = case
            .witness
            .as_ref()
            .map(Witness::connections)
            .unwrap_or_default();
        if !seen.is_empty() {
            failures.push(format!("{}: connected to {seen:?} ({result:?})", case.url));
        }
    }
    let witnessed = cases.iter().filter(|c| c.witness.is_some()).count();
    println!(
        "  {} URLs refused; {witnessed} of them with a witness where they lead",
        cases.len()
    );
    assert!(
        failures.is_empty(),
        "the private-address guard let something through:\n{}",
        failures.join("\n")
    );
    each_witness_sees_the_unguarded_client(&client, &signer, &cases).await;
}

/// Control: without the guard the same requests reach their witnesses, so
/// "no connection" above means refused, not unobservable.
async fn each_witness_sees_the_unguarded_client(
    client: &SafeClient,
    signer: &Signer,
    cases: &[Case],
) {
    let open = SafeClient::new(FetchPolicy {
        allow_private_addresses: true,
        ..client.policy().clone()
    })
    .expect("client");
    for case in cases {
        let Some(witness) = &case.witness else {
            continue;
        };
        let (open, signer, url) = (open.clone(), signer.clone(), case.url.clone());
        let probe = tokio::spawn(async move {
            let _ = tokio::time::timeout(Duration::from_secs(5), send(&open, &signer, &url)).await;
        });
        let what = format!(
            "control: without the guard, a request to {} reaches its witness",
            case.url
        );
        wait_until(Duration::from_secs(5), &what, async || {
            let seen = witness.connections();
            if seen.is_empty() {
                Err("no connection yet".to_string())
            } else {
                Ok(())
            }
        })
        .await;
        probe.abort();
    }
}
