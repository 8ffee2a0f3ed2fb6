//! The inbox under pressure: per-instance rate limits and activities that were
//! received but not processed before a crash.

use knooppunt_tests::api::signed_post;
use knooppunt_tests::{ApiClient, TestInstance};
use serde_json::json;

const PW: &str = "lange wandeling 42";

#[tokio::test]
async fn one_instance_cannot_flood_the_inbox() {
    let mut a_list = TestInstance::start_many_with(2, |c| c.federation.inbox_per_minute = 3).await;
    let b = a_list.pop().unwrap();
    let a = a_list.pop().unwrap();
    a.create_person("alice", PW).await;
    b.create_person("bob", PW).await;
    let alice_id = format!("{}/users/alice", a.base_url);
    let bob_id = format!("{}/users/bob", b.base_url);
    let mut statuses = Vec::new();
    for n in 0..5 {
        let activity = json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{bob_id}#follows/{n}"),
            "type": "Follow",
            "actor": bob_id,
            "object": alice_id,
        });
        let response = signed_post(&b, "bob", &a.url("/inbox"), &activity).await;
        statuses.push((
            response.status().as_u16(),
            response.headers().get("retry-after").is_some(),
        ));
    }
    assert_eq!(
        &statuses[..3],
        &[(202, false), (202, false), (202, false)],
        "{statuses:?}"
    );
    assert_eq!(
        &statuses[3..],
        &[(429, true), (429, true)],
        "over the limit, with Retry-After: {statuses:?}"
    );
    a.stop().await;
    b.stop().await;
}

#[tokio::test]
async fn activities_received_before_a_crash_are_processed_at_the_next_start() {
    let mut list = TestInstance::start_many(2).await;
    let b = list.pop().unwrap();
    let a = list.pop().unwrap();
    a.create_person("alice", PW).await;
    b.create_person("bob", PW).await;
    let alice = ApiClient::login(&a, "alice", PW).await;
    let post = alice
        .ok_post(
            "/api/v1/statuses",
            json!({ "status": "Een bericht om te waarderen" }),
        )
        .await;

    // bob@B's Like was verified and written down on A, then A died before processing it.
    let bob_id = format!("{}/users/bob", b.base_url);
    knooppunt::federation::remote::actor(&a.state, &bob_id)
        .await
        .unwrap();
    let like = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{bob_id}#likes/1"),
        "type": "Like",
        "actor": bob_id,
        "object": post["uri"],
    });
    {
        use knooppunt::federation::entity::received;
        use sea_orm::{ActiveModelTrait, ActiveValue::Set};
        received::ActiveModel {
            ap_id: Set(like["id"].as_str().unwrap().to_string()),
            actor_ap_id: Set(bob_id.clone()),
            received_at: Set(chrono::Utc::now()),
            body: Set(Some(like.to_string())),
            processed_at: Set(None),
        }
        .insert(&a.state.db)
        .await
        .unwrap();
    }
    let a = a.go_down().await.come_back().await;
    // The worker of the restarted instance resumes the journal; do it explicitly too (idempotent).
    knooppunt::federation::inbox::resume_unprocessed(&a.state)
        .await
        .unwrap();
    let alice = ApiClient::login(&a, "alice", PW).await;
    let seen = alice
        .ok(&format!(
            "/api/v1/statuses/{}",
            post["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(
        seen["favourites_count"], 1,
        "the journalled Like took effect: {seen}"
    );

    // B delivering the same Like again (its retry) changes nothing.
    let again = signed_post(&b, "bob", &a.url("/inbox"), &like).await;
    assert_eq!(again.status(), 202);
    let seen = alice
        .ok(&format!(
            "/api/v1/statuses/{}",
            post["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(seen["favourites_count"], 1);
    a.stop().await;
    b.stop().await;
}
