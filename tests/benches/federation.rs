//! Federation benchmark: prints figures, asserts nothing.
//!
//!   cargo build --release -p knooppunt
//!   cargo bench -p knooppunt-tests --bench federation [-- fan-out | inbox]
//!
//! The server is the real release binary (built by the first command), on a
//! database of its own (`TEST_DATABASE`: sqlite, the default, or postgres).
//! Baselines measured in the same run on this machine: single-core RSA-2048
//! signing and verifying with aws-lc-rs, and verifying with the `rsa` crate.
//! Then, three rounds each:
//! - fan-out: one post to 1,000 followers on 200 instances (one local
//!   process listening on 200 loopback addresses), with and without 10 % of
//!   the instances hanging, from the post's commit until every delivery was
//!   accepted; against the all-cores signing bound, 1,000 / (cores × the
//!   one-core sign rate);
//! - inbox: 2,000 signed Creates (public notes) and 2,000 signed Follows from
//!   a peer instance, until their effects are in the database (statuses
//!   stored, follows recorded), against the `rsa` crate's verify rate.
//!
//! For each start of the server: the time from exec to its first 200 of
//! `/healthz` (on a database that exists already), its RSS idle after start
//! and after the run.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::post;
use knooppunt_tests::TestInstance;
use knooppunt_tests::bench::federation::{
    PASSWORD, ServerFigures, Subject, effects, followed_people, insert_followers, senders, start,
};
use knooppunt_tests::bench::proc::{cpu_by_thread, cpu_of_processes, cpu_used_since, load_average};
use knooppunt_tests::bench::server::{describe_binary, sign_in};
use knooppunt_tests::bench::stats::{median, met, ms};
use serde_json::json;

const FOLLOWERS: usize = 1000;
const HOSTS: usize = 200;
/// Actors of the peer instance sending in the inbox benchmark.
const SENDERS: usize = 16;
/// Local people the senders follow: each (sender, person) pair once.
const FOLLOWED: usize = 125;
/// Signed activities posted to the inbox per round.
const ACTIVITIES: usize = 2000;
/// Goals of issue 15.
const GOAL_FAN_OUT: f64 = 1.25;
const GOAL_IDLE_MB: f64 = 25.0;
const GOAL_FIRST_200: Duration = Duration::from_millis(100);

const MESSAGE: &[u8] = b"(request-target): post /inbox\nhost: b.example\ndate: Mon, 23 Nov 2026 20:00:00 GMT\ndigest: SHA-256=abc";

/// A fresh actor key and its signature of `MESSAGE`.
fn signing_key() -> (aws_lc_rs::rsa::KeyPair, Vec<u8>) {
    use aws_lc_rs::signature;
    let keys = knooppunt_federation::keys::generate_actor_keys().unwrap();
    let pair = knooppunt_federation::keys::private_key_from_pem(&keys.private_key_pem).unwrap();
    let mut sig = vec![0u8; pair.public_modulus_len()];
    pair.sign(
        &signature::RSA_PKCS1_SHA256,
        &aws_lc_rs::rand::SystemRandom::new(),
        MESSAGE,
        &mut sig,
    )
    .unwrap();
    (pair, sig)
}

/// aws-lc-rs RSA-2048 signatures per second on one core.
fn sign_rate(pair: &aws_lc_rs::rsa::KeyPair) -> f64 {
    let rng = aws_lc_rs::rand::SystemRandom::new();
    let mut sig = vec![0u8; pair.public_modulus_len()];
    let n = 2000;
    let start = Instant::now();
    for _ in 0..n {
        pair.sign(
            &aws_lc_rs::signature::RSA_PKCS1_SHA256,
            &rng,
            MESSAGE,
            &mut sig,
        )
        .unwrap();
    }
    f64::from(n) / start.elapsed().as_secs_f64()
}

/// aws-lc-rs RSA-2048 verifications per second on one core.
fn verify_rate(pair: &aws_lc_rs::rsa::KeyPair, sig: &[u8]) -> f64 {
    use aws_lc_rs::signature::{self, KeyPair as _, UnparsedPublicKey};
    let public = pair.public_key().as_ref().to_vec();
    let key = UnparsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, &public);
    let n = 20_000;
    let start = Instant::now();
    for _ in 0..n {
        key.verify(MESSAGE, sig).unwrap();
    }
    f64::from(n) / start.elapsed().as_secs_f64()
}

fn rsa_crate_verify_rate() -> f64 {
    use rsa::pkcs1v15::{Signature, VerifyingKey};
    use rsa::pkcs8::DecodePrivateKey;
    use rsa::signature::{Keypair, SignatureEncoding, Signer, Verifier};
    let keys = knooppunt_federation::keys::generate_actor_keys().unwrap();
    let private = rsa::RsaPrivateKey::from_pkcs8_pem(&keys.private_key_pem).unwrap();
    let signing = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(private);
    let message =
        b"(request-target): post /inbox\nhost: b.example\ndate: Mon, 23 Nov 2026 20:00:00 GMT";
    let sig: Signature = signing.sign(message);
    let verifying: VerifyingKey<sha2::Sha256> = signing.verifying_key();
    let sig = Signature::try_from(sig.to_bytes().as_ref()).unwrap();
    let n = 5000;
    let start = Instant::now();
    for _ in 0..n {
        verifying.verify(message, &sig).unwrap();
    }
    f64::from(n) / start.elapsed().as_secs_f64()
}

/// One process answering for many instances: 202 at once, or never for hanging ones.
async fn start_sink(hanging_every: Option<usize>) -> (u16, Arc<AtomicUsize>) {
    let accepted = Arc::new(AtomicUsize::new(0));
    let first = tokio::net::TcpListener::bind((Ipv4Addr::new(127, 0, 2, 1), 0))
        .await
        .unwrap();
    let port = first.local_addr().unwrap().port();
    let mut listeners = vec![first];
    for h in 1..HOSTS {
        let ip = Ipv4Addr::new(
            127,
            0,
            2 + u8::try_from(h / 250).unwrap(),
            u8::try_from(h % 250 + 1).unwrap(),
        );
        listeners.push(
            tokio::net::TcpListener::bind(SocketAddr::new(IpAddr::V4(ip), port))
                .await
                .unwrap(),
        );
    }
    for (h, listener) in listeners.into_iter().enumerate() {
        let hang = hanging_every.is_some_and(|every| h.is_multiple_of(every));
        let counter = accepted.clone();
        let app = Router::new().route(
            "/users/{name}/inbox",
            post(move || {
                let counter = counter.clone();
                async move {
                    if hang {
                        std::future::pending::<()>().await;
                    }
                    counter.fetch_add(1, Ordering::Relaxed);
                    axum::http::StatusCode::ACCEPTED
                }
            }),
        );
        tokio::spawn(async move { axum::serve(listener, app).await.ok() });
    }
    (port, accepted)
}

fn host_of(h: usize, port: u16) -> String {
    format!("127.0.{}.{}:{port}", 2 + h / 250, h % 250 + 1)
}

struct FanOut {
    elapsed: Duration,
    got: usize,
    commit: Duration,
    cpu: String,
    server: ServerFigures,
}

/// Time from the post's commit (the API's answer) until the expected
/// number of deliveries were accepted.
async fn fan_out(hanging_every: Option<usize>) -> FanOut {
    let (port, accepted) = start_sink(hanging_every).await;
    let subject = Subject::new(
        Ipv4Addr::LOCALHOST,
        &[
            ("KNOOPPUNT_FEDERATION__DELIVERY_CONCURRENCY", "64"),
            ("KNOOPPUNT_DATABASE__MAX_CONNECTIONS", "16"),
        ],
    )
    .await;
    let alice: i64 = subject.alice().await[0].parse().unwrap();
    insert_followers(&subject.conn, alice, FOLLOWERS, |f| {
        host_of(f % HOSTS, port)
    })
    .await;
    let expected = match hanging_every {
        Some(every) => (0..FOLLOWERS)
            .filter(|f| !(f % HOSTS).is_multiple_of(every))
            .count(),
        None => FOLLOWERS,
    };
    let (server, first_200, idle) = start(&subject).await;
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let token = sign_in(&client, &server.url(""), &["alice".into()], PASSWORD).await;
    let (server_cpu, own_cpu) = (
        cpu_by_thread(server.pid()),
        cpu_by_thread(std::process::id()),
    );
    let db_before = cpu_of_processes("postgres");
    let committing = Instant::now();
    let response = client
        .post(server.url("/api/v1/statuses"))
        .bearer_auth(&token[0])
        .json(&json!({ "status": "Buurtfeest zaterdag!", "visibility": "public" }))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "the post was refused");
    let commit = committing.elapsed();
    let start = Instant::now();
    let deadline = start + Duration::from_secs(120);
    while accepted.load(Ordering::Relaxed) < expected && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let elapsed = start.elapsed();
    // PostgreSQL's share (all its processes: others' work counts too).
    let database = match subject.db.engine {
        knooppunt_tests::Engine::Postgres => format!(
            "; postgres {} ms",
            cpu_of_processes("postgres")
                .saturating_sub(db_before)
                .as_millis()
        ),
        knooppunt_tests::Engine::Sqlite => String::new(),
    };
    let cpu = format!(
        "server: {}{database}; benchmark (the sink): {}",
        cpu_used_since(server.pid(), &server_cpu),
        cpu_used_since(std::process::id(), &own_cpu),
    );
    let after = server.memory();
    server.stop();
    subject.finish().await;
    FanOut {
        elapsed,
        got: accepted.load(Ordering::Relaxed),
        commit,
        cpu,
        server: ServerFigures {
            first_200,
            idle,
            after,
        },
    }
}

/// Signature headers and body of one request, signed ahead of time.
type SignedRequest = (Vec<(&'static str, String)>, Vec<u8>);

/// Activity `i`: a Follow of one of `followed` (each sender follows each
/// person once), or a Create of a public Note.
fn activity(kind: &str, i: usize, sender: &str, followed: &[String]) -> serde_json::Value {
    match kind {
        "Follow" => json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{sender}#follows/bench-{i}"),
            "type": "Follow",
            "actor": sender,
            "object": followed[(i / SENDERS) % followed.len()],
        }),
        _ => json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{sender}/statuses/bench-{i}/activity"),
            "type": "Create",
            "actor": sender,
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "cc": [format!("{sender}/followers")],
            "object": {
                "id": format!("{sender}/statuses/bench-{i}"),
                "type": "Note",
                "attributedTo": sender,
                "to": ["https://www.w3.org/ns/activitystreams#Public"],
                "cc": [format!("{sender}/followers")],
                "published": "2026-11-23T20:00:00Z",
                "content": format!("<p>Bericht {i} over de <b>buurtmoestuin</b></p>"),
            },
        }),
    }
}

/// Posts every request over 32 concurrent connections; returns how many
/// were answered 2xx.
async fn post_all(
    client: &reqwest::Client,
    inbox: &url::Url,
    requests: Vec<SignedRequest>,
) -> usize {
    let ok = Arc::new(AtomicUsize::new(0));
    let mut chunks: Vec<Vec<_>> = (0..32).map(|_| Vec::new()).collect();
    for (i, r) in requests.into_iter().enumerate() {
        chunks[i % 32].push(r);
    }
    let mut tasks = tokio::task::JoinSet::new();
    for chunk in chunks {
        let (client, inbox, ok) = (client.clone(), inbox.clone(), ok.clone());
        tasks.spawn(async move {
            for (headers, body) in chunk {
                let mut request = client
                    .post(inbox.clone())
                    .header("content-type", "application/activity+json");
                for (name, value) in headers {
                    request = request.header(name, value);
                }
                if request
                    .body(body)
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .is_success()
                {
                    ok.fetch_add(1, Ordering::Relaxed);
                }
            }
        });
    }
    while tasks.join_next().await.is_some() {}
    ok.load(Ordering::Relaxed)
}

struct InboxFigures {
    /// Answered 2xx.
    accepted: usize,
    /// Answered, per second.
    acknowledged: f64,
    /// Until every answered one had its effect in the database, per second
    /// (None if some never did within 300 s).
    processed: Option<f64>,
    /// How many had their effect.
    done: i64,
    server: ServerFigures,
}

/// Signed activities from 16 people of a peer instance, posted to the
/// server's inbox by 32 concurrent connections, timed until their effects
/// are in the database. Requests are signed before the clock starts: a real
/// peer signs on its own machine, and here the peer shares our cores.
/// `kind` is "Create" (a public Note, the common case) or "Follow" (which
/// also enqueues an Accept).
async fn inbox_rate(kind: &str) -> InboxFigures {
    let peer = TestInstance::start_many_with(1, |c| {
        c.federation.inbox_per_minute = 1_000_000;
        c.federation.key_fetches_per_minute = 1_000_000;
    })
    .await
    .pop()
    .unwrap();
    let subject = Subject::new(
        Ipv4Addr::new(127, 0, 0, 3),
        &[
            ("KNOOPPUNT_FEDERATION__INBOX_PER_MINUTE", "1000000"),
            ("KNOOPPUNT_DATABASE__MAX_CONNECTIONS", "16"),
        ],
    )
    .await;
    let senders: Vec<_> = senders(&peer, &subject.conn, SENDERS)
        .await
        .into_iter()
        .map(|(id, pem)| {
            (
                id,
                knooppunt_federation::keys::private_key_from_pem(&pem).unwrap(),
            )
        })
        .collect();
    let followed = match kind {
        "Follow" => followed_people(&subject, FOLLOWED).await,
        _ => vec![],
    };
    let (server, first_200, idle) = start(&subject).await;
    let inbox = url::Url::parse(&server.url("/inbox")).unwrap();
    let requests: Vec<SignedRequest> = (0..ACTIVITIES)
        .map(|i| {
            let (sender, key) = &senders[i % SENDERS];
            let body = serde_json::to_vec(&activity(kind, i, sender, &followed)).unwrap();
            let key_id = format!("{sender}#main-key");
            let headers =
                knooppunt_federation::signatures::sign("POST", &inbox, Some(&body), &key_id, key)
                    .unwrap();
            (headers, body)
        })
        .collect();
    let start = Instant::now();
    let accepted = post_all(&peer.client, &inbox, requests).await;
    let acknowledged = start.elapsed();
    let deadline = start + Duration::from_secs(300);
    let mut done = effects(&subject.conn, kind, &peer).await;
    while done < accepted as i64 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
        done = effects(&subject.conn, kind, &peer).await;
    }
    let processed = start.elapsed();
    let after = server.memory();
    server.stop();
    subject.finish().await;
    peer.stop().await;
    InboxFigures {
        accepted,
        acknowledged: accepted as f64 / acknowledged.as_secs_f64(),
        processed: (done >= accepted as i64).then(|| accepted as f64 / processed.as_secs_f64()),
        done,
        server: ServerFigures {
            first_200,
            idle,
            after,
        },
    }
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let engine = knooppunt_tests::Engine::current();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "Knooppunt federation benchmark ({engine:?}, {cores} cores, load {})",
        load_average()
    );
    describe_binary();
    let (pair, sig) = signing_key();
    let (sign, verify) = (sign_rate(&pair), verify_rate(&pair, &sig));
    let rsa_verify = rsa_crate_verify_rate();
    println!("baseline: aws-lc-rs RSA-2048 sign   {sign:>9.0} /s (one core)");
    println!("baseline: aws-lc-rs RSA-2048 verify {verify:>9.0} /s (one core)");
    println!("baseline: rsa crate RSA-2048 verify {rsa_verify:>9.0} /s (one core)");

    // `cargo bench --bench federation -- inbox` runs only the parts named.
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let wanted = |part: &str| only.is_empty() || only.iter().any(|o| part.contains(o.as_str()));

    let mut servers = Vec::new();
    if wanted("fan-out") {
        servers.extend(fan_out_figures(&pair, cores).await);
    }
    for (kind, goal) in [("Create", 1.0), ("Follow", 0.6)] {
        if wanted(&format!("inbox-{kind}")) {
            servers.extend(inbox_figures(kind, goal).await);
        }
    }
    print_servers(&servers);
}

/// Three rounds, each against the `rsa` crate's verify rate measured just
/// before it; the median ratio is the figure.
async fn inbox_figures(kind: &str, goal: f64) -> Vec<ServerFigures> {
    let (mut answered, mut processed, mut servers) = (Vec::new(), Vec::new(), Vec::new());
    for round in 1..=3 {
        let rsa_verify = rsa_crate_verify_rate();
        let f = inbox_rate(kind).await;
        let effect = if kind == "Follow" {
            "follows recorded"
        } else {
            "statuses stored"
        };
        let all = match f.processed {
            Some(rate) => format!("all processed ({effect}) at {rate:.0} /s"),
            None => format!("only {} processed ({effect}) after 300 s", f.done),
        };
        println!(
            "inbox ({kind}), round {round}: {} of {ACTIVITIES} signed activities answered at {:.0} /s, {all}; rsa crate verify {rsa_verify:.0} /s",
            f.accepted, f.acknowledged
        );
        f.server.print();
        answered.push(f.acknowledged / rsa_verify);
        processed.push(f.processed.unwrap_or(0.0) / rsa_verify);
        servers.push(f.server);
    }
    let ratio = median(&processed);
    println!(
        "inbox ({kind}): median ratio to the rsa crate's verify rate {ratio:.2} processed (goal >= {goal}: {}), {:.2} answered",
        met(ratio >= goal),
        median(&answered)
    );
    servers
}

/// Fan-out rounds against the all-cores signing bound: 1,000 signatures
/// shared by every core, 1,000 / (cores × the one-core sign rate).
async fn fan_out_figures(pair: &aws_lc_rs::rsa::KeyPair, cores: usize) -> Vec<ServerFigures> {
    let mut servers = Vec::new();
    for (label, hanging_every) in [("", None), (" with 10% of instances hanging", Some(10))] {
        let mut ratios = Vec::new();
        for round in 1..=3 {
            let sign = sign_rate(pair);
            let bound = FOLLOWERS as f64 / (cores as f64 * sign);
            let f = fan_out(hanging_every).await;
            let ratio = f.elapsed.as_secs_f64() / bound;
            ratios.push(ratio);
            println!(
                "fan-out{label}, round {round}: {} accepted in {:.3} s after the post's commit ({} ms); bound {FOLLOWERS} / ({cores} cores x {sign:.0} signatures/s) = {bound:.3} s; ratio {ratio:.2}",
                f.got,
                f.elapsed.as_secs_f64(),
                f.commit.as_millis()
            );
            println!("  CPU meanwhile: {}", f.cpu);
            f.server.print();
            servers.push(f.server);
        }
        let ratio = median(&ratios);
        println!(
            "fan-out {FOLLOWERS} followers / {HOSTS} instances{label}: median ratio to the all-cores signing bound {ratio:.2} (goal <= {GOAL_FAN_OUT}: {})",
            met(ratio <= GOAL_FAN_OUT)
        );
    }
    servers
}

/// The server's figures over every start (each on an existing database).
fn print_servers(servers: &[ServerFigures]) {
    if servers.is_empty() {
        return;
    }
    let first = median(
        &servers
            .iter()
            .map(|s| s.first_200.as_secs_f64())
            .collect::<Vec<_>>(),
    );
    let idle = median(&servers.iter().map(|s| s.idle.rss_mb()).collect::<Vec<_>>());
    let after = servers.iter().map(|s| s.after.rss_mb()).fold(0.0, f64::max);
    println!(
        "server over {} starts on existing databases: exec to first 200 median {} (goal <= 100 ms: {}); RSS idle after start median {idle:.1} MB (goal <= 25 MB: {}); after the runs up to {after:.1} MB",
        servers.len(),
        ms(Duration::from_secs_f64(first)),
        met(Duration::from_secs_f64(first) <= GOAL_FIRST_200),
        met(idle <= GOAL_IDLE_MB)
    );
    println!("load average now: {}", load_average());
}
