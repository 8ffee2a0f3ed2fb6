//! Federation with an independent ActivityPub server: `tests/python/peer.py`,
//! written in Python from the specifications (standard library plus
//! `cryptography`), driven by `tests/python/peer_flow.py` against a fresh
//! instance. It verifies every signature the instance sends, and checks that
//! the instance refuses what it must refuse.

use std::time::Duration;

use knooppunt_tests::{ApiClient, TestInstance, python};

const PW: &str = "lange wandeling 42";
/// The whole flow takes a few seconds; this only stops a hung run.
const LIMIT: Duration = Duration::from_secs(240);

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
    instance.create_admin("ada", PW).await;
    let admin = ApiClient::login_with(&instance, "ada", PW, "read admin:read").await;

    let env = vec![
        ("KP_BASE_URL".to_string(), instance.base_url.clone()),
        ("KP_PERSON_NAME".to_string(), "alice".to_string()),
        ("KP_PERSON_TOKEN".to_string(), alice.token.clone()),
        ("KP_ADMIN_TOKEN".to_string(), admin.token.clone()),
        ("KP_GROUP_NAME".to_string(), "groen".to_string()),
        ("KP_PEER_HOST".to_string(), "127.0.0.5".to_string()),
    ];
    let python::Outcome {
        code,
        stdout,
        stderr,
    } = python::run("peer_flow.py", env, LIMIT).await;
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

/// A resident on a Mastodon-shaped server (the Python peer) who follows only
/// the neighbourhood receives every new plan and event, readable, and their
/// favourites, replies and Joins count (`tests/python/neighbourhood_flow.py`).
#[tokio::test]
async fn a_mastodon_shaped_resident_follows_the_neighbourhood_and_sees_every_plan_and_event() {
    let instance = TestInstance::start().await;
    instance.create_person("alice", PW).await;
    let alice = ApiClient::login(&instance, "alice", PW).await;
    let env = vec![
        ("KP_BASE_URL".to_string(), instance.base_url.clone()),
        ("KP_PERSON_NAME".to_string(), "alice".to_string()),
        ("KP_PERSON_TOKEN".to_string(), alice.token.clone()),
        (
            "KP_NEIGHBOURHOOD".to_string(),
            instance.state.config.instance.neighbourhood.clone(),
        ),
        ("KP_PEER_HOST".to_string(), "127.0.0.5".to_string()),
    ];
    let python::Outcome {
        code,
        stdout,
        stderr,
    } = python::run("neighbourhood_flow.py", env, LIMIT).await;
    instance.stop().await;
    assert_eq!(
        code,
        Some(0),
        "neighbourhood_flow.py failed:\n{stdout}\n{stderr}"
    );
    println!("{stdout}");
}
