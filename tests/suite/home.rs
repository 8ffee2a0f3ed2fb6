//! The home timeline, paged the way apps page it: every status the viewer
//! may see comes exactly once, newest first, whatever mix of busy and quiet
//! accounts, muted ones and direct messages to others lies in between.

use knooppunt_tests::{ApiClient, TestInstance};
use serde_json::{Value, json};

const PW: &str = "lange wandeling 42";

/// Follows `Link: <…>; rel="next"` from the first page of `path` until a
/// page is empty; the ids in the order they came.
async fn walk(instance: &TestInstance, token: &str, path: &str) -> Vec<String> {
    let mut url = instance.url(path);
    let mut seen = Vec::new();
    loop {
        let response = instance
            .client
            .get(&url)
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let next = response
            .headers()
            .get("link")
            .and_then(|l| l.to_str().ok())
            .and_then(|l| {
                l.split(',')
                    .find(|part| part.contains("rel=\"next\""))
                    .and_then(|part| part.split(['<', '>']).nth(1))
                    .map(str::to_string)
            });
        let page: Value = response.json().await.unwrap();
        let ids: Vec<String> = page
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap().to_string())
            .collect();
        if ids.is_empty() {
            return seen;
        }
        seen.extend(ids);
        // Links name the public base URL; the test reaches the instance by address.
        let next = next.expect("a next link on a page with items");
        let query = next.split_once('?').map(|(_, q)| q).unwrap_or_default();
        url = instance.url(&format!("/api/v1/timelines/home?{query}"));
    }
}

async fn post(who: &ApiClient, text: &str, visibility: &str) -> String {
    let s = who
        .ok_post(
            "/api/v1/statuses",
            json!({ "status": text, "visibility": visibility }),
        )
        .await;
    s["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn home_pages_reach_every_visible_status_once_past_busy_muted_and_direct_ones() {
    let instance = TestInstance::start().await;
    for name in ["viewer", "busy", "quiet", "noisy", "other"] {
        instance.create_person(name, PW).await;
    }
    let login = async |name: &str| ApiClient::login(&instance, name, PW).await;
    let (viewer, busy, quiet, noisy) = (
        login("viewer").await,
        login("busy").await,
        login("quiet").await,
        login("noisy").await,
    );
    for name in ["busy", "quiet", "noisy"] {
        let id = viewer.resolve(&format!("@{name}")).await;
        viewer
            .ok_post(&format!("/api/v1/accounts/{id}/follow"), json!({}))
            .await;
    }
    let noisy_id = viewer.resolve("@noisy").await;
    viewer
        .ok_post(&format!("/api/v1/accounts/{noisy_id}/mute"), json!({}))
        .await;

    // Newest last in `expected`; reversed below.
    let mut expected = Vec::new();
    expected.push(post(&quiet, "een oud bericht", "public").await);
    for round in 0..12 {
        expected.push(post(&busy, &format!("nieuws {round}"), "public").await);
        // Direct messages to someone else, and a muted account's posts, lie
        // between them and must neither show nor cut a page short.
        post(&busy, &format!("@other alleen voor jou {round}"), "direct").await;
        post(&noisy, &format!("lawaai {round}"), "public").await;
        if round % 4 == 0 {
            post(&busy, &format!("@other nog een {round}"), "direct").await;
        }
        if round == 6 {
            expected.push(post(&busy, "@viewer voor jou", "direct").await);
            expected.push(post(&viewer, "mijn eigen bericht", "public").await);
        }
    }
    expected.push(post(&quiet, "nog een", "unlisted").await);
    expected.reverse();

    for limit in [1, 3, 4, 20, 40] {
        let seen = walk(
            &instance,
            &viewer.token,
            &format!("/api/v1/timelines/home?limit={limit}"),
        )
        .await;
        assert_eq!(seen, expected, "pages of {limit}");
    }
}
