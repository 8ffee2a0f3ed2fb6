//! Account counts (followers, following, statuses) as the database keeps
//! them: exact right after each change, and the same once folded.

use knooppunt_tests::{ApiClient, TestInstance};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

const PW: &str = "lange wandeling 42";

/// followers, following, statuses of an account as the API shows it.
async fn counts(viewer: &ApiClient, id: &str) -> (i64, i64, i64) {
    let a = viewer.ok(&format!("/api/v1/accounts/{id}")).await;
    let n = |k: &str| a[k].as_i64().unwrap_or_else(|| panic!("{k} in {a}"));
    (
        n("followers_count"),
        n("following_count"),
        n("statuses_count"),
    )
}

async fn pending_deltas(instance: &TestInstance) -> i64 {
    let db = &instance.state.db;
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM actor_stat_deltas",
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get("", "n").unwrap()
}

#[tokio::test]
async fn counts_follow_posts_boosts_deletions_and_follow_approvals() {
    let instance = TestInstance::start().await;
    for name in ["alice", "bob", "carol"] {
        instance.create_person(name, PW).await;
    }
    let alice = ApiClient::login(&instance, "alice", PW).await;
    let bob = ApiClient::login(&instance, "bob", PW).await;
    let carol = ApiClient::login(&instance, "carol", PW).await;
    let id_of = |me: Value| me["id"].as_str().unwrap().to_string();
    let alice_id = id_of(alice.ok("/api/v1/accounts/verify_credentials").await);
    let bob_id = id_of(bob.ok("/api/v1/accounts/verify_credentials").await);
    let carol_id = id_of(carol.ok("/api/v1/accounts/verify_credentials").await);

    // Three posts, one deleted, one boost of bob's: two posts and a boost.
    let mut posted = Vec::new();
    for text in ["een", "twee", "drie"] {
        let s = alice
            .ok_post("/api/v1/statuses", json!({ "status": text }))
            .await;
        posted.push(s["id"].as_str().unwrap().to_string());
    }
    let (status, _) = alice
        .delete(&format!("/api/v1/statuses/{}", posted[0]))
        .await;
    assert_eq!(status, 200);
    let by_bob = bob
        .ok_post("/api/v1/statuses", json!({ "status": "van bob" }))
        .await;
    alice
        .ok_post(
            &format!("/api/v1/statuses/{}/reblog", by_bob["id"].as_str().unwrap()),
            json!({}),
        )
        .await;
    assert_eq!(counts(&bob, &alice_id).await, (0, 0, 3));

    // bob follows alice: counted on both sides.
    bob.ok_post(&format!("/api/v1/accounts/{alice_id}/follow"), json!({}))
        .await;
    assert_eq!(counts(&carol, &alice_id).await, (1, 0, 3));
    assert_eq!(counts(&carol, &bob_id).await, (0, 1, 1));

    // carol is locked: bob's request counts only once she approves it.
    let (status, _) = carol
        .send_form_patch("/api/v1/accounts/update_credentials", &[("locked", "1")])
        .await;
    assert_eq!(status, 200);
    bob.ok_post(&format!("/api/v1/accounts/{carol_id}/follow"), json!({}))
        .await;
    assert_eq!(counts(&alice, &carol_id).await, (0, 0, 0), "pending");
    assert_eq!(counts(&alice, &bob_id).await, (0, 1, 1), "pending");
    carol
        .ok_post(
            &format!("/api/v1/follow_requests/{bob_id}/authorize"),
            json!({}),
        )
        .await;
    assert_eq!(counts(&alice, &carol_id).await, (1, 0, 0), "approved");
    assert_eq!(counts(&alice, &bob_id).await, (0, 2, 1), "approved");

    // The counts in a status's account are the same.
    let timeline = bob.ok("/api/v1/timelines/home").await;
    let by_alice = timeline
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["account"]["id"] == alice_id.as_str())
        .unwrap_or_else(|| panic!("alice's post in bob's home: {timeline}"));
    assert_eq!(by_alice["account"]["statuses_count"], 3);
    assert_eq!(by_alice["account"]["followers_count"], 1);

    // Unfollowing takes it back.
    bob.ok_post(&format!("/api/v1/accounts/{carol_id}/unfollow"), json!({}))
        .await;
    assert_eq!(counts(&alice, &carol_id).await, (0, 0, 0), "unfollowed");
    assert_eq!(counts(&alice, &bob_id).await, (0, 1, 1), "unfollowed");

    // Folded into the totals, the counts stay what they were.
    assert!(pending_deltas(&instance).await > 0);
    while knooppunt::actors::stats::fold(&instance.state.db)
        .await
        .unwrap()
    {}
    assert_eq!(pending_deltas(&instance).await, 0);
    assert_eq!(counts(&carol, &alice_id).await, (1, 0, 3));
    assert_eq!(counts(&alice, &bob_id).await, (0, 1, 1));
    assert_eq!(counts(&alice, &carol_id).await, (0, 0, 0));

    // And they go on from there.
    let (status, _) = alice
        .delete(&format!("/api/v1/statuses/{}", posted[1]))
        .await;
    assert_eq!(status, 200);
    assert_eq!(counts(&carol, &alice_id).await, (1, 0, 2));
}
