//! Discovery and content negotiation as other servers and browsers use them.

use knooppunt_tests::{ApiClient, TestInstance};
use serde_json::{Value, json};

async fn get(instance: &TestInstance, path: &str, accept: &str) -> (u16, String, String) {
    let r = instance
        .client
        .get(instance.url(path))
        .header("accept", accept)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let ct = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, ct, r.text().await.unwrap())
}

const AP: &str = "application/activity+json";
const LD: &str = "application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"";

#[tokio::test]
async fn webfinger_actors_and_content_negotiation() {
    let instance = TestInstance::start().await;
    instance.create_person("alice", "lange wandeling 42").await;
    knooppunt::groups::service::create(
        &instance.state.db,
        &instance.state.config,
        "groen",
        "alice",
        knooppunt::groups::JoinPolicy::Open,
    )
    .await
    .unwrap();
    let d = &instance.domain;

    // WebFinger for a person, a group and the neighbourhood; by acct: and by URL.
    for (name, path) in [
        ("alice", "/users/alice"),
        ("groen", "/groups/groen"),
        ("wijk", "/groups/wijk"),
    ] {
        for resource in [
            format!("acct:{name}@{d}"),
            format!("{}{path}", instance.base_url),
        ] {
            let (status, ct, body) = get(
                &instance,
                &format!(
                    "/.well-known/webfinger?resource={}",
                    knooppunt_tests::api::urlencode(&resource)
                ),
                "*/*",
            )
            .await;
            assert_eq!(status, 200, "{resource}: {body}");
            assert!(ct.starts_with("application/jrd+json"), "{ct}");
            let jrd: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(jrd["subject"], format!("acct:{name}@{d}"));
            let selfs: Vec<&Value> = jrd["links"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|l| l["rel"] == "self")
                .collect();
            assert_eq!(selfs.len(), 1);
            assert_eq!(selfs[0]["type"], AP);
            assert_eq!(selfs[0]["href"], format!("{}{path}", instance.base_url));
            assert!(
                jrd["links"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|l| l["rel"] == "http://webfinger.net/rel/profile-page")
            );
        }
    }
    let (status, _, _) = get(
        &instance,
        &format!("/.well-known/webfinger?resource=acct:nobody@{d}"),
        "*/*",
    )
    .await;
    assert_eq!(status, 404);
    let (status, _, _) = get(
        &instance,
        "/.well-known/webfinger?resource=acct:alice@elders.example",
        "*/*",
    )
    .await;
    assert_eq!(status, 404);
    let (status, _, body) = get(&instance, "/.well-known/host-meta", "*/*").await;
    assert_eq!(status, 200);
    assert!(
        body.contains("/.well-known/webfinger?resource={uri}"),
        "{body}"
    );

    // Actors: JSON for servers (both media types), HTML for browsers.
    for (path, kind) in [
        ("/users/alice", "Person"),
        ("/groups/groen", "Group"),
        ("/groups/wijk", "Group"),
    ] {
        for accept in [AP, LD] {
            let (status, ct, body) = get(&instance, path, accept).await;
            assert_eq!(status, 200);
            assert!(ct.starts_with(AP), "{ct}");
            let doc: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(doc["type"], kind);
            assert_eq!(doc["id"], format!("{}{path}", instance.base_url));
            assert_eq!(
                doc["publicKey"]["id"],
                format!("{}{path}#main-key", instance.base_url)
            );
            assert_eq!(doc["publicKey"]["owner"], doc["id"]);
            assert!(
                doc["publicKey"]["publicKeyPem"]
                    .as_str()
                    .unwrap()
                    .starts_with("-----BEGIN PUBLIC KEY-----")
            );
            assert_eq!(
                doc["endpoints"]["sharedInbox"],
                format!("{}/inbox", instance.base_url)
            );
            for field in [
                "inbox",
                "outbox",
                "followers",
                "following",
                "featured",
                "preferredUsername",
                "published",
            ] {
                assert!(doc[field].is_string(), "{field} in {doc}");
            }
            assert!(
                doc["@context"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|c| c == "https://w3id.org/security/v1")
            );
        }
        let (status, ct, body) = get(&instance, path, "text/html,application/xhtml+xml").await;
        assert_eq!(status, 200);
        assert!(ct.starts_with("text/html"), "{ct}");
        assert!(body.contains("<h1>"));
    }
    let (status, ct, body) = get(&instance, "/actor", AP).await;
    assert_eq!((status, ct.starts_with(AP)), (200, true));
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["type"],
        "Application"
    );
    let (_, _, body) = get(&instance, "/ns/knooppunt", "*/*").await;
    assert!(serde_json::from_str::<Value>(&body).unwrap()["@context"]["stance"].is_string());

    // Collections and a status: JSON for servers, a page for browsers.
    let alice = ApiClient::login(&instance, "alice", "lange wandeling 42").await;
    let post = alice
        .ok_post(
            "/api/v1/statuses",
            json!({ "status": "Hallo <buren> #wijk" }),
        )
        .await;
    let uri = post["uri"].as_str().unwrap();
    let path = uri.trim_start_matches(&instance.base_url);
    let (status, ct, body) = get(&instance, path, AP).await;
    assert_eq!((status, ct.starts_with(AP)), (200, true), "{body}");
    let note: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(note["type"], "Note");
    assert_eq!(
        note["attributedTo"],
        format!("{}/users/alice", instance.base_url)
    );
    assert_eq!(
        note["to"],
        json!(["https://www.w3.org/ns/activitystreams#Public"])
    );
    assert!(
        note["tag"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["type"] == "Hashtag" && t["name"] == "#wijk")
    );
    let (status, ct, body) = get(&instance, path, "text/html").await;
    assert_eq!((status, ct.starts_with("text/html")), (200, true));
    assert!(body.contains("Hallo &lt;buren&gt;"), "{body}");
    let (_, _, body) = get(&instance, "/users/alice/outbox", AP).await;
    let outbox: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        (outbox["type"].clone(), outbox["totalItems"].clone()),
        (json!("OrderedCollection"), json!(1))
    );
    let (_, _, body) = get(&instance, "/users/alice/outbox?page=true", AP).await;
    let page: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(page["orderedItems"][0]["object"]["id"], uri);
    let (_, _, body) = get(&instance, "/groups/wijk/outbox?page=true", AP).await;
    let page: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        page["orderedItems"][0]["type"], "Announce",
        "the neighbourhood announces public posts: {page}"
    );
    assert_eq!(page["orderedItems"][0]["object"], uri);
    let (_, _, body) = get(&instance, "/users/alice/followers", AP).await;
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["totalItems"],
        0
    );

    // NodeInfo with real counts.
    let (_, _, body) = get(&instance, "/.well-known/nodeinfo", "*/*").await;
    let links: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(links["links"].as_array().unwrap().len(), 2);
    let (_, ct, body) = get(&instance, "/nodeinfo/2.1", "*/*").await;
    assert!(
        ct.contains("nodeinfo.diaspora.software/ns/schema/2.1"),
        "{ct}"
    );
    let info: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(info["software"]["name"], "knooppunt");
    assert_eq!(info["protocols"], json!(["activitypub"]));
    assert_eq!(info["usage"]["users"]["total"], 1);
    assert_eq!(info["usage"]["localPosts"], 1);
    assert_eq!(info["openRegistrations"], true);
    instance.stop().await;
}
