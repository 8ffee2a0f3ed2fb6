//! Profiles, blocks and mutes through the client API.

use knooppunt_tests::fixtures::png;
use knooppunt_tests::{ApiClient, TestInstance};
use serde_json::json;

const PW: &str = "lange wandeling 42";

#[tokio::test]
async fn profile_pictures_blocks_and_mutes() {
    let instance = TestInstance::start().await;
    instance.create_person("alice", PW).await;
    instance.create_person("bob", PW).await;
    let alice = ApiClient::login(&instance, "alice", PW).await;
    let bob = ApiClient::login(&instance, "bob", PW).await;

    // Avatar and header upload as apps send them: multipart with files.
    let form = reqwest::multipart::Form::new()
        .text("display_name", "Alice van de Kade")
        .text("note", "Buurtmoeder & tuinier")
        .part(
            "avatar",
            reqwest::multipart::Part::bytes(png(16, 16))
                .file_name("a.png")
                .mime_str("image/png")
                .unwrap(),
        )
        .part(
            "header",
            reqwest::multipart::Part::bytes(png(30, 10))
                .file_name("h.png")
                .mime_str("image/png")
                .unwrap(),
        );
    let response = instance
        .client
        .patch(instance.url("/api/v1/accounts/update_credentials"))
        .bearer_auth(&alice.token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let me: serde_json::Value = response.json().await.unwrap();
    assert_eq!(me["display_name"], "Alice van de Kade");
    assert_eq!(me["source"]["note"], "Buurtmoeder & tuinier");
    assert!(
        me["note"]
            .as_str()
            .unwrap()
            .contains("Buurtmoeder &amp; tuinier")
    );
    for (field, size) in [("avatar", (16, 16)), ("header", (30, 10))] {
        let url = me[field].as_str().unwrap();
        assert!(url.contains("/media/"), "{field}: {url}");
        let img = instance.client.get(url).send().await.unwrap();
        assert_eq!(img.headers()["content-type"], "image/png");
        assert_eq!(img.bytes().await.unwrap().to_vec(), png(size.0, size.1));
    }
    // A file that is not an image is refused.
    let form = reqwest::multipart::Form::new().part(
        "avatar",
        reqwest::multipart::Part::bytes(b"<svg/>".to_vec()).file_name("a.png"),
    );
    let response = instance
        .client
        .patch(instance.url("/api/v1/accounts/update_credentials"))
        .bearer_auth(&alice.token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 415);

    // Blocks end follows and hide statuses; mutes hide them too.
    let alice_id = me["id"].as_str().unwrap().to_string();
    let bob_id = bob.ok("/api/v1/accounts/verify_credentials").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    bob.ok_post(&format!("/api/v1/accounts/{alice_id}/follow"), json!({}))
        .await;
    let post = alice
        .ok_post("/api/v1/statuses", json!({ "status": "Voor iedereen" }))
        .await;
    assert_eq!(bob.ok("/api/v1/timelines/home").await[0]["id"], post["id"]);
    let rel = alice
        .ok_post(&format!("/api/v1/accounts/{bob_id}/block"), json!({}))
        .await;
    assert_eq!(rel["blocking"], true);
    let rel = bob
        .ok(&format!("/api/v1/accounts/relationships?id[]={alice_id}"))
        .await;
    assert_eq!(
        (rel[0]["following"].clone(), rel[0]["blocked_by"].clone()),
        (json!(false), json!(true)),
        "{rel}"
    );
    let (status, _) = bob
        .get(&format!(
            "/api/v1/statuses/{}",
            post["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(
        status, 404,
        "a blocked person cannot see the blocker's statuses"
    );
    let (status, _) = bob
        .post(&format!("/api/v1/accounts/{alice_id}/follow"), json!({}))
        .await;
    assert_eq!(status, 403);
    assert_eq!(alice.ok("/api/v1/blocks").await[0]["id"], bob_id.as_str());
    alice
        .ok_post(&format!("/api/v1/accounts/{bob_id}/unblock"), json!({}))
        .await;
    assert_eq!(alice.ok("/api/v1/blocks").await, json!([]));

    let rel = bob
        .ok_post(&format!("/api/v1/accounts/{alice_id}/mute"), json!({}))
        .await;
    assert_eq!(rel["muting"], true);
    let public = bob.ok("/api/v1/timelines/public").await;
    assert!(
        public
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["account"]["id"] != alice_id.as_str()),
        "muted: {public}"
    );
    assert_eq!(bob.ok("/api/v1/mutes").await[0]["id"], alice_id.as_str());
    bob.ok_post(&format!("/api/v1/accounts/{alice_id}/unmute"), json!({}))
        .await;
    let public = bob.ok("/api/v1/timelines/public").await;
    assert!(
        public
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["account"]["id"] == alice_id.as_str())
    );
    instance.stop().await;
}
