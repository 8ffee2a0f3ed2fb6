//! Federation benchmark: prints figures, asserts nothing.
//!
//!   cargo bench -p knooppunt-tests --bench federation
//!
//! Baselines measured in the same run on this machine: single-core RSA-2048
//! signing and verifying with aws-lc-rs, and verifying with the `rsa` crate.
//! Then: a fan-out of one post to 1 000 followers on 200 instances (one local
//! process listening on 200 loopback addresses), with and without 10 % of the
//! instances hanging; and signed inbox deliveries verified and stored per second.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::post;
use chrono::Utc;
use knooppunt::actors::entity as actor;
use knooppunt::actors::graph::follow;
use knooppunt_tests::TestInstance;
use sea_orm::{ActiveModelTrait, ActiveValue::Set};

const FOLLOWERS: usize = 1000;
const HOSTS: usize = 200;
/// Actors of the peer instance sending in the inbox benchmark.
const SENDERS: usize = 16;

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

/// CPU time used so far by this process's threads, by thread name (Linux
/// schedstat, nanoseconds): shows where a part's time goes.
fn cpu_by_thread() -> std::collections::BTreeMap<String, Duration> {
    let mut out = std::collections::BTreeMap::new();
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return out;
    };
    for task in tasks.flatten() {
        let path = task.path();
        let name = std::fs::read_to_string(path.join("comm")).unwrap_or_default();
        let ns: u64 = std::fs::read_to_string(path.join("schedstat"))
            .ok()
            .and_then(|s| s.split_whitespace().next().and_then(|n| n.parse().ok()))
            .unwrap_or(0);
        *out.entry(name.trim().to_string()).or_insert(Duration::ZERO) += Duration::from_nanos(ns);
    }
    out
}

/// CPU time used so far by other processes named `name` (the PostgreSQL
/// server's backends), from /proc: the database's share of a run.
fn cpu_of_processes(name: &str) -> Duration {
    let tick = 100; // USER_HZ on Linux
    let mut total = 0u64;
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return Duration::ZERO;
    };
    for p in procs.flatten() {
        let Ok(stat) = std::fs::read_to_string(p.path().join("stat")) else {
            continue;
        };
        // pid (comm) state ... utime stime: fields 14 and 15, counted after the ')'.
        let Some((head, rest)) = stat.rsplit_once(") ") else {
            continue;
        };
        if !head.ends_with(&format!("({name}")) {
            continue;
        }
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let ticks: u64 = [11, 12]
            .iter()
            .filter_map(|i| fields.get(*i).and_then(|f| f.parse::<u64>().ok()))
            .sum();
        total += ticks;
    }
    Duration::from_millis(total * 1000 / tick)
}

fn cpu_used_since(before: &std::collections::BTreeMap<String, Duration>) -> String {
    cpu_by_thread()
        .into_iter()
        .map(|(name, t)| {
            (
                name.clone(),
                t.saturating_sub(before.get(&name).copied().unwrap_or_default()),
            )
        })
        .filter(|(_, t)| t.as_millis() > 0)
        .map(|(name, t)| format!("{name} {} ms", t.as_millis()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn host_of(h: usize, port: u16) -> String {
    format!("127.0.{}.{}:{port}", 2 + h / 250, h % 250 + 1)
}

/// Time from the post's commit until the expected number of deliveries were accepted.
async fn fan_out(hanging_every: Option<usize>) -> (Duration, usize, String) {
    let (port, accepted) = start_sink(hanging_every).await;
    let instance = TestInstance::start_many_with(1, |c| {
        c.federation.delivery_concurrency = 64;
        c.database.max_connections = 16;
    })
    .await
    .pop()
    .unwrap();
    let alice = instance.create_person("alice", "lange wandeling 42").await;
    let now = Utc::now();
    let keys = knooppunt_federation::keys::generate_actor_keys().unwrap();
    for f in 0..FOLLOWERS {
        let h = f % HOSTS;
        let host = host_of(h, port);
        let ap_id = format!("http://{host}/users/f{f}");
        let follower = actor::ActiveModel {
            kind: Set("person".into()),
            ap_id: Set(ap_id.clone()),
            username: Set(format!("f{f}")),
            username_key: Set(format!("f{f}")),
            host: Set(host),
            local: Set(false),
            display_name: Set(String::new()),
            summary: Set(String::new()),
            inbox_url: Set(format!("{ap_id}/inbox")),
            public_key_pem: Set(keys.public_key_pem.clone()),
            created_at: Set(now),
            updated_at: Set(now),
            locked: Set(false),
            fetched_at: Set(Some(now)),
            ..Default::default()
        }
        .insert(&instance.state.db)
        .await
        .unwrap();
        follow::ActiveModel {
            follower_id: Set(follower.id),
            target_id: Set(alice.id),
            accepted: Set(true),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&instance.state.db)
        .await
        .unwrap();
    }
    let expected = match hanging_every {
        Some(every) => {
            FOLLOWERS
                - (0..FOLLOWERS)
                    .filter(|f| (f % HOSTS).is_multiple_of(every))
                    .count()
        }
        None => FOLLOWERS,
    };
    let person = knooppunt::auth::service::load_person(&instance.state.db, alice.id)
        .await
        .unwrap()
        .unwrap();
    let draft = knooppunt::statuses::service::Draft {
        text: "Buurtfeest zaterdag!".into(),
        spoiler_text: String::new(),
        sensitive: false,
        visibility: knooppunt::statuses::Visibility::Public,
        language: None,
        in_reply_to_id: None,
        media_ids: vec![],
        poll: None,
        stance: None,
    };
    // create() returns after the commit; the background worker delivers.
    let committing = Instant::now();
    knooppunt::statuses::service::create(&instance.state, &person, draft, None)
        .await
        .unwrap();
    let commit = committing.elapsed();
    let cpu_before = cpu_by_thread();
    let db_before = cpu_of_processes("postgres");
    let start = Instant::now();
    let deadline = start + Duration::from_secs(120);
    while accepted.load(Ordering::Relaxed) < expected && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let elapsed = start.elapsed();
    let db_cpu = cpu_of_processes("postgres").saturating_sub(db_before);
    let cpu = format!(
        "{}, postgres {} ms; the post and its {FOLLOWERS} deliveries committed in {} ms before",
        cpu_used_since(&cpu_before),
        db_cpu.as_millis(),
        commit.as_millis()
    );
    let got = accepted.load(Ordering::Relaxed);
    instance.stop().await;
    (elapsed, got, cpu)
}

/// Signature headers and body of one request, signed ahead of time.
type SignedRequest = (Vec<(&'static str, String)>, Vec<u8>);

/// Signed activities from 16 actors of a peer instance, posted to the inbox
/// by 32 concurrent connections. Requests are signed before the clock starts: a real
/// peer signs on its own machine, and here the peer shares our two cores.
/// `kind` is "Create" (a public Note, the common case) or "Follow" (which also
/// enqueues an Accept).
async fn inbox_rate(kind: &str) -> InboxFigures {
    let mut pair = TestInstance::start_many_with(2, |c| {
        c.federation.inbox_per_minute = 1_000_000;
        c.database.max_connections = 16;
    })
    .await;
    let b = pair.pop().unwrap();
    let a = pair.pop().unwrap();
    a.create_person("alice", "lange wandeling 42").await;
    let alice_id = format!("{}/users/alice", a.base_url);
    let inbox = url::Url::parse(&a.url("/inbox")).unwrap();
    // Senders on the peer, known here already (as after earlier contact).
    let mut senders = Vec::new();
    for s in 0..SENDERS {
        let name = format!("bob{s}");
        b.create_person(&name, "lange wandeling 42").await;
        let id = format!("{}/users/{name}", b.base_url);
        knooppunt::federation::remote::actor(&a.state, &id)
            .await
            .unwrap();
        let local = knooppunt::actors::store::find_local(&b.state.db, &b.state.config, &name)
            .await
            .unwrap()
            .unwrap();
        let key = knooppunt_federation::keys::private_key_from_pem(
            local.private_key_pem.as_deref().unwrap(),
        )
        .unwrap();
        senders.push((id, key));
    }
    let n = 2000;
    let requests: Vec<SignedRequest> = (0..n)
        .map(|i| {
            let (bob_id, key) = &senders[i % SENDERS];
            let activity = match kind {
                "Follow" => serde_json::json!({
                    "@context": "https://www.w3.org/ns/activitystreams",
                    "id": format!("{bob_id}#follows/bench-{i}"),
                    "type": "Follow",
                    "actor": bob_id,
                    "object": alice_id,
                }),
                _ => serde_json::json!({
                    "@context": "https://www.w3.org/ns/activitystreams",
                    "id": format!("{bob_id}/statuses/bench-{i}/activity"),
                    "type": "Create",
                    "actor": bob_id,
                    "to": ["https://www.w3.org/ns/activitystreams#Public"],
                    "cc": [format!("{bob_id}/followers")],
                    "object": {
                        "id": format!("{bob_id}/statuses/bench-{i}"),
                        "type": "Note",
                        "attributedTo": bob_id,
                        "to": ["https://www.w3.org/ns/activitystreams#Public"],
                        "cc": [format!("{bob_id}/followers")],
                        "published": "2026-11-23T20:00:00Z",
                        "content": format!("<p>Bericht {i} over de <b>buurtmoestuin</b></p>"),
                    },
                }),
            };
            let body = serde_json::to_vec(&activity).unwrap();
            let headers = knooppunt_federation::signatures::sign(
                "POST",
                &inbox,
                Some(&body),
                &format!("{bob_id}#main-key"),
                key,
            )
            .unwrap();
            (headers, body)
        })
        .collect();
    let client = b.client.clone();
    let ok = Arc::new(AtomicUsize::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    let mut chunks: Vec<Vec<_>> = (0..32).map(|_| Vec::new()).collect();
    for (i, r) in requests.into_iter().enumerate() {
        chunks[i % 32].push(r);
    }
    let start = Instant::now();
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
                let r = request.body(body).send().await.unwrap();
                if r.status().is_success() {
                    ok.fetch_add(1, Ordering::Relaxed);
                }
            }
        });
    }
    while tasks.join_next().await.is_some() {}
    let acknowledged = start.elapsed();
    let got = ok.load(Ordering::Relaxed);
    // What a burst left in the backlog is processed after the answers: the
    // second figure is until the last one is processed and marked so.
    assert!(
        a.state
            .federation
            .backlog
            .settled(Duration::from_secs(300))
            .await
    );
    a.state.federation.journal.flush().await;
    let processed = start.elapsed();
    let left = knooppunt::federation::outbox::status(&a.state.db)
        .await
        .unwrap()
        .unprocessed_received;
    assert_eq!(left, 0, "the journal still holds unprocessed activities");
    a.stop().await;
    b.stop().await;
    InboxFigures {
        accepted: got,
        acknowledged: got as f64 / acknowledged.as_secs_f64(),
        processed: got as f64 / processed.as_secs_f64(),
    }
}

struct InboxFigures {
    accepted: usize,
    /// Verified and journalled, answered: per second.
    acknowledged: f64,
    /// Until every one was processed: per second.
    processed: f64,
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let engine = knooppunt_tests::Engine::current();
    println!(
        "Knooppunt federation benchmark ({engine:?}, {} cores)",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
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

    if wanted("fan-out") {
        fan_out_figures(&pair).await;
    }
    for kind in ["Create", "Follow"] {
        if wanted(&format!("inbox-{kind}")) {
            inbox_figures(kind).await;
        }
    }
}

/// Three rounds, each against the `rsa` crate's verify rate measured just
/// before it; the median ratio is the figure.
async fn inbox_figures(kind: &str) {
    let mut acknowledged = Vec::new();
    let mut processed = Vec::new();
    for round in 1..=3 {
        let rsa_verify = rsa_crate_verify_rate();
        let f = inbox_rate(kind).await;
        println!(
            "inbox ({kind}), round {round}: {} signed activities verified, journalled and answered at {:.0} /s, all processed at {:.0} /s; rsa crate verify {rsa_verify:.0} /s",
            f.accepted, f.acknowledged, f.processed
        );
        acknowledged.push(f.acknowledged / rsa_verify);
        processed.push(f.processed / rsa_verify);
    }
    acknowledged.sort_by(f64::total_cmp);
    processed.sort_by(f64::total_cmp);
    println!(
        "inbox ({kind}): median ratio to the rsa crate's verify rate {:.2} answered (goal >= 0.6), {:.2} processed",
        acknowledged[1], processed[1]
    );
}

async fn fan_out_figures(pair: &aws_lc_rs::rsa::KeyPair) {
    for (label, hanging_every) in [("", None), (" with 10% of instances hanging", Some(10))] {
        let mut ratios = Vec::new();
        for round in 1..=3 {
            let sign = sign_rate(pair);
            let ideal = FOLLOWERS as f64 / sign;
            let (t, got, cpu) = fan_out(hanging_every).await;
            let ratio = t.as_secs_f64() / ideal;
            ratios.push(ratio);
            println!(
                "fan-out{label}, round {round}: {got} accepted in {:.3} s; ideal {FOLLOWERS}/sign-rate ({sign:.0}/s) = {ideal:.3} s; ratio {ratio:.2}",
                t.as_secs_f64(),
            );
            println!("  CPU meanwhile: {cpu}");
        }
        ratios.sort_by(f64::total_cmp);
        println!(
            "fan-out {FOLLOWERS} followers / {HOSTS} instances{label}: median ratio {:.2} (goal <= 1.25)",
            ratios[1]
        );
    }
}
