//! Remote `Image`, `Audio` and `Video` objects (Pixelfed, Funkwhale,
//! PeerTube) become statuses with their files as attachments, as Mastodon
//! shows them; one attributed to someone else (403), kept on another host
//! or malformed (400) is refused.

use knooppunt_tests::api::{public_activity, signed_post};
use knooppunt_tests::{ApiClient, TestInstance};
use serde_json::{Value, json};

const PW: &str = "lange wandeling 42";
const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

fn create(actor: &str, object: Value) -> Value {
    let id = format!("{}/activity", object["id"].as_str().unwrap_or_default());
    public_activity("Create", &id, actor, object)
}

/// A Pixelfed photo: the file as an attachment with its alt text.
fn photo(actor: &str) -> Value {
    json!({
        "id": format!("{actor}/p/1"),
        "type": "Image",
        "attributedTo": actor,
        "to": [PUBLIC],
        "name": "Het plein",
        "content": "<p>Zonnig op het plein</p>",
        "url": format!("{actor}/p/1/page"),
        "attachment": [{
            "type": "Image",
            "mediaType": "image/jpeg",
            "url": "https://media.peer.example/plein.jpg",
            "name": "Kinderen spelen op het plein",
            "width": 1200,
            "height": 800,
        }],
    })
}

/// A PeerTube video: no attachment, renditions as `Link`s in `url`.
fn video(actor: &str) -> Value {
    let link = |height: i64| {
        json!({
            "type": "Link",
            "mediaType": "video/mp4",
            "href": format!("https://media.peer.example/buurtfeest-{height}.mp4"),
            "height": height,
            "width": height * 16 / 9,
        })
    };
    json!({
        "id": format!("{actor}/videos/watch/7"),
        "type": "Video",
        "attributedTo": [actor],
        "to": [PUBLIC],
        "name": "Buurtfeest 2026",
        "content": "<p>De hele middag</p>",
        "url": [
            { "type": "Link", "mediaType": "text/html", "href": format!("{actor}/w/7") },
            link(720), link(1080), link(2160),
        ],
    })
}

/// A Funkwhale track.
fn track(actor: &str) -> Value {
    json!({
        "id": format!("{actor}/tracks/3"),
        "type": "Audio",
        "attributedTo": actor,
        "to": [PUBLIC],
        "name": "Wijkkoor: Lentelied",
        "url": [{ "type": "Link", "mediaType": "audio/mpeg", "href": "https://media.peer.example/lentelied.mp3" }],
    })
}

/// The status with ActivityPub id `uri`, as a person here finds it.
async fn status_of(reader: &ApiClient, uri: &str) -> Value {
    let query = knooppunt_tests::api::urlencode(uri);
    let found = reader
        .ok(&format!(
            "/api/v2/search?q={query}&type=statuses&resolve=true"
        ))
        .await;
    let statuses = found["statuses"].as_array().cloned().unwrap_or_default();
    assert_eq!(statuses.len(), 1, "one status for {uri}: {found}");
    statuses[0].clone()
}

/// Alice on A, and on B the people named, who send to A.
async fn alice_and(senders: &[&str]) -> (TestInstance, TestInstance, ApiClient) {
    let mut list = TestInstance::start_many(2).await;
    let b = list.pop().unwrap();
    let a = list.pop().unwrap();
    a.create_person("alice", PW).await;
    for name in senders {
        b.create_person(name, PW).await;
    }
    let alice = ApiClient::login(&a, "alice", PW).await;
    (a, b, alice)
}

#[tokio::test]
async fn images_audio_and_video_from_elsewhere_become_statuses_with_their_files() {
    let (a, b, alice) = alice_and(&["bob"]).await;
    let bob = format!("{}/users/bob", b.base_url);
    let inbox = a.url("/inbox");
    for object in [photo(&bob), video(&bob), track(&bob)] {
        let r = signed_post(&b, "bob", &inbox, &create(&bob, object)).await;
        assert!(r.status().is_success(), "accepted: {}", r.status());
    }
    a.drain().await;

    let photo = status_of(&alice, &format!("{bob}/p/1")).await;
    let media = &photo["media_attachments"][0];
    assert_eq!(media["type"], "image", "{photo}");
    assert_eq!(media["remote_url"], "https://media.peer.example/plein.jpg");
    assert_eq!(media["description"], "Kinderen spelen op het plein");
    assert_eq!(media["meta"]["original"]["width"], 1200);
    let text = photo["content"].as_str().unwrap_or_default();
    assert!(
        text.contains("Het plein") && text.contains("Zonnig"),
        "{text}"
    );

    let video = status_of(&alice, &format!("{bob}/videos/watch/7")).await;
    let files = video["media_attachments"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(files.len(), 1, "one rendition: {video}");
    assert_eq!(files[0]["type"], "video");
    assert_eq!(
        files[0]["remote_url"], "https://media.peer.example/buurtfeest-1080.mp4",
        "the tallest rendition up to 1080 lines"
    );
    assert_eq!(video["url"], format!("{bob}/w/7"), "the page for people");
    assert!(
        video["content"]
            .as_str()
            .unwrap_or_default()
            .contains("Buurtfeest 2026")
    );

    let track = status_of(&alice, &format!("{bob}/tracks/3")).await;
    assert_eq!(track["media_attachments"][0]["type"], "audio", "{track}");
    a.stop().await;
    b.stop().await;
}

#[tokio::test]
async fn a_media_object_of_someone_else_or_kept_elsewhere_is_refused() {
    let (a, b, alice) = alice_and(&["bob", "carol"]).await;
    let bob = format!("{}/users/bob", b.base_url);
    let carol = format!("{}/users/carol", b.base_url);
    let inbox = a.url("/inbox");

    // Bob sends a photo that says carol made it.
    let mut forged = photo(&bob);
    forged["attributedTo"] = json!(carol);
    let r = signed_post(&b, "bob", &inbox, &create(&bob, forged)).await;
    assert_eq!(r.status(), 403, "an object attributed to someone else");

    // Bob sends a photo whose id is on another server.
    let mut elsewhere = photo(&bob);
    elsewhere["id"] = json!("https://other.example/p/1");
    let r = signed_post(&b, "bob", &inbox, &create(&bob, elsewhere)).await;
    assert_eq!(r.status(), 400, "an object kept on another host");

    // A photo whose type is known but whose fields are malformed.
    let mut broken = photo(&bob);
    broken["id"] = json!(42);
    let activity = public_activity("Create", &format!("{bob}/p/2/activity"), &bob, broken);
    let r = signed_post(&b, "bob", &inbox, &activity).await;
    assert_eq!(r.status(), 400, "a malformed Image");

    a.drain().await;
    let public = alice.ok("/api/v1/timelines/public").await;
    assert_eq!(
        public.as_array().map(Vec::len),
        Some(0),
        "nothing stored: {public}"
    );
    a.stop().await;
    b.stop().await;
}
