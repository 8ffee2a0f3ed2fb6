//! A like or boost from elsewhere that is taken back goes through the same
//! rule as one taken back here: the count drops and the notification goes.
//! Only the one who made it may take it back.

use knooppunt_tests::api::signed_post;
use knooppunt_tests::{ApiClient, TestInstance};
use serde_json::{Value, json};

const PW: &str = "lange wandeling 42";
const AS: &str = "https://www.w3.org/ns/activitystreams";

async fn notified(alice: &ApiClient) -> Vec<String> {
    let all = alice.ok("/api/v1/notifications").await;
    all.as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(|n| n["type"].as_str().map(str::to_string))
        .collect()
}

fn undo(of: &Value) -> Value {
    json!({
        "@context": AS,
        "id": format!("{}/undo", of["id"].as_str().unwrap_or_default()),
        "type": "Undo",
        "actor": of["actor"],
        "object": of,
    })
}

#[tokio::test]
async fn a_like_and_a_boost_taken_back_from_elsewhere_leave_no_trace_and_only_their_author_may() {
    let mut list = TestInstance::start_many(2).await;
    let b = list.pop().unwrap();
    let a = list.pop().unwrap();
    a.create_person("alice", PW).await;
    b.create_person("bob", PW).await;
    b.create_person("carol", PW).await;
    let alice = ApiClient::login(&a, "alice", PW).await;
    let post = alice
        .ok_post(
            "/api/v1/statuses",
            json!({ "status": "Wie helpt zaterdag?" }),
        )
        .await;
    let (uri, id) = (
        post["uri"].clone(),
        post["id"].as_str().unwrap_or_default().to_string(),
    );
    let bob = format!("{}/users/bob", b.base_url);
    let carol = format!("{}/users/carol", b.base_url);
    let inbox = a.url("/inbox");
    let like = json!({ "@context": AS, "id": format!("{bob}#likes/1"), "type": "Like", "actor": bob, "object": uri });
    let boost = json!({
        "@context": AS, "id": format!("{bob}/statuses/9/activity"), "type": "Announce",
        "actor": bob, "object": uri, "to": [format!("{AS}#Public")],
    });
    for activity in [&like, &boost] {
        let r = signed_post(&b, "bob", &inbox, activity).await;
        assert!(r.status().is_success(), "{}", r.status());
    }
    a.drain().await;
    let seen = alice.ok(&format!("/api/v1/statuses/{id}")).await;
    assert_eq!(
        (
            seen["favourites_count"].as_i64(),
            seen["reblogs_count"].as_i64()
        ),
        (Some(1), Some(1))
    );
    let kinds = notified(&alice).await;
    assert!(
        kinds.contains(&"favourite".into()) && kinds.contains(&"reblog".into()),
        "{kinds:?}"
    );

    // Carol cannot take back what bob did.
    for activity in [&like, &boost] {
        let mut forged = undo(activity);
        forged["actor"] = json!(carol);
        forged["id"] = json!(format!(
            "{carol}#undo/{}",
            activity["type"].as_str().unwrap_or_default()
        ));
        let r = signed_post(&b, "carol", &inbox, &forged).await;
        assert!(
            r.status().is_client_error(),
            "carol's Undo refused: {}",
            r.status()
        );
    }
    a.drain().await;
    let seen = alice.ok(&format!("/api/v1/statuses/{id}")).await;
    assert_eq!(
        (
            seen["favourites_count"].as_i64(),
            seen["reblogs_count"].as_i64()
        ),
        (Some(1), Some(1))
    );

    // Bob takes both back: counts and notifications are gone.
    for activity in [&like, &boost] {
        let r = signed_post(&b, "bob", &inbox, &undo(activity)).await;
        assert!(r.status().is_success(), "{}", r.status());
    }
    a.drain().await;
    let seen = alice.ok(&format!("/api/v1/statuses/{id}")).await;
    assert_eq!(
        (
            seen["favourites_count"].as_i64(),
            seen["reblogs_count"].as_i64()
        ),
        (Some(0), Some(0))
    );
    let kinds = notified(&alice).await;
    assert!(
        !kinds.contains(&"favourite".into()) && !kinds.contains(&"reblog".into()),
        "{kinds:?}"
    );
    a.stop().await;
    b.stop().await;
}
