//! Remote images on our pages, which may load images from our own origin
//! only (`Content-Security-Policy: default-src 'self'`): a post's image and
//! a person's avatar from instance B load on A's pages from A's copy at
//! `/media/cache/…`, in a real browser; and what that copy refuses: ids
//! that do not exist, are ours, or name a post the visitor may not see;
//! files that are not images or are too large, fetched once and never served.

use knooppunt_tests::browser::{api, browser};
use knooppunt_tests::fixtures::png;
use knooppunt_tests::peer::FakePeer;
use knooppunt_tests::webdriver::Browser;
use knooppunt_tests::{ApiClient, TestInstance};
use serde_json::{Value, json};

const PW: &str = "foto's van de buurttuin";

/// Sets `token`'s avatar on `i` as apps do: a multipart `update_credentials`.
async fn set_avatar(i: &TestInstance, token: &str, image: Vec<u8>) {
    let part = reqwest::multipart::Part::bytes(image)
        .file_name("a.png")
        .mime_str("image/png")
        .unwrap();
    let form = reqwest::multipart::Form::new().part("avatar", part);
    let response = i
        .client
        .patch(i.url("/api/v1/accounts/update_credentials"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

/// The status with ActivityPub id `uri`, as `reader` finds it.
async fn status_of(reader: &ApiClient, uri: &str) -> Value {
    let query = knooppunt_tests::api::urlencode(uri);
    let path = format!("/api/v2/search?q={query}&type=statuses&resolve=true");
    let found = reader.ok(&path).await;
    assert_eq!(
        found["statuses"].as_array().map(Vec::len),
        Some(1),
        "{uri}: {found}"
    );
    found["statuses"][0].clone()
}

/// The page's images in `main`: their address and natural width (0 when
/// the browser could not load or decode it), once all have settled.
async fn images(b: &Browser) -> Vec<(String, u64)> {
    let script = "return Array.from(document.querySelectorAll('main img'))\
                  .map(i => [i.currentSrc || i.src, i.complete ? i.naturalWidth : -1]);";
    for _ in 0..50 {
        let found = b.client.execute(script, vec![]).await.expect("script runs");
        let list: Vec<(String, i64)> = serde_json::from_value(found).unwrap();
        if list.iter().all(|(_, w)| *w >= 0) {
            return list
                .into_iter()
                .map(|(src, w)| (src, u64::try_from(w).unwrap()))
                .collect();
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the page's images did not finish loading");
}

/// A GET of `path` on `i` as a visitor: status, content type, bytes.
async fn fetch(i: &TestInstance, path: &str) -> (u16, String, Vec<u8>) {
    let response = i.get(path).await;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let kind = headers
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, kind, response.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn a_remote_post_image_and_avatar_load_from_our_own_origin() {
    let Some(b) = Browser::start(false).await else {
        return;
    };
    let mut both = TestInstance::start_many(2).await;
    let other = both.pop().unwrap();
    let a = both.pop().unwrap();
    a.create_person("anna", PW).await;
    other.create_person("bob", PW).await;
    let bob = ApiClient::login(&other, "bob", PW).await;
    set_avatar(&other, &bob.token, png(24, 24)).await;
    let on_b = api(&other, &bob.token);
    let upload = on_b.upload("tuin.png", &png(40, 30)).await.expect(200);
    let posted = on_b
        .toot(json!({ "status": "De tuin bloeit", "media_ids": [upload["id"]] }))
        .await
        .expect(200);

    // A learns of the post (and of bob) through search.
    let anna = ApiClient::login(&a, "anna", PW).await;
    let status = status_of(&anna, posted["uri"].as_str().unwrap()).await;
    let attachment = &status["media_attachments"][0];
    // The client API keeps Mastodon's meaning: `remote_url` is the original;
    // the avatar of a remote account is our copy.
    assert_eq!(attachment["remote_url"], upload["url"], "{status}");
    let avatar = status["account"]["avatar"].as_str().unwrap();
    let account_id = status["account"]["id"].as_str().unwrap();
    assert_eq!(avatar, a.url(&format!("/media/cache/avatar/{account_id}")));

    // A visitor's browser, on A's profile page of bob, with his post.
    b.goto(&a.url(&format!("/@bob@{}", other.domain))).await;
    assert!(b.main_text().await.contains("De tuin bloeit"));
    let shown = images(&b).await;
    let attachment_src = a.url(&format!(
        "/media/cache/attachment/{}",
        attachment["id"].as_str().unwrap()
    ));
    assert!(shown.contains(&(avatar.to_string(), 24)), "{shown:?}");
    assert!(shown.contains(&(attachment_src.clone(), 40)), "{shown:?}");
    assert!(
        shown.iter().all(|(src, _)| src.starts_with(&a.base_url)),
        "{shown:?}"
    );

    // Served as an image that no browser sniffs into anything else, to keep.
    let response = a.client.get(&attachment_src).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "image/png");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    let cache = headers["cache-control"].to_str().unwrap();
    assert!(
        cache.contains("public") && cache.contains("max-age=31536000"),
        "{cache}"
    );
    assert_eq!(response.bytes().await.unwrap().to_vec(), png(40, 30));

    // Kept: with B gone, A still shows both.
    let profile = a.url(&format!("/@bob@{}", other.domain));
    other.stop().await;
    let (status, kind, bytes) = fetch(&a, &format!("/media/cache/avatar/{account_id}")).await;
    assert_eq!((status, kind.as_str()), (200, "image/png"));
    assert_eq!(bytes, png(24, 24));
    b.goto(&profile).await;
    let shown = images(&b).await;
    assert!(shown.iter().all(|(_, w)| *w > 0), "{shown:?}");
    b.quit().await;
    a.stop().await;
}

/// A browser session of `name` on `i`.
async fn signed_in<'a>(i: &'a TestInstance, name: &str) -> knooppunt_tests::browser::Agent<'a> {
    let visitor = browser(i);
    visitor.sign_in(name, PW).await;
    visitor
}

const SVG: &[u8] =
    b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(document.cookie)</script></svg>";
const HTML: &[u8] = b"<!doctype html><html><script>alert(document.cookie)</script></html>";

/// A public note of `actor` with the given files attached.
fn note_with(actor: &str, slug: &str, files: &[&str]) -> Value {
    let mut note = knooppunt_tests::api::public_note(actor, slug, "Kijk eens");
    note["attachment"] = files
        .iter()
        .map(|url| json!({ "type": "Document", "mediaType": "image/png", "url": url }))
        .collect();
    let id = format!("{actor}/statuses/{slug}/activity");
    knooppunt_tests::api::public_activity("Create", &id, actor, note)
}

#[tokio::test]
async fn the_image_cache_refuses_what_is_no_image_or_not_for_the_visitor() {
    // Images of at most 4 KiB here.
    let both = TestInstance::start_many_with(2, |c| c.media.max_image_bytes = 4096).await;
    let (a, other) = (&both[0], &both[1]);
    for name in ["anna", "carl"] {
        a.create_person(name, PW).await;
    }
    other.create_person("bob", PW).await;
    let anna = ApiClient::login(a, "anna", PW).await;

    // A peer whose "images" are a web page, an SVG with a script and a PNG
    // over the limit, and whose avatar is that SVG.
    let peer = FakePeer::start(std::net::Ipv4Addr::new(127, 0, 0, 4)).await;
    let mallory = peer.actor("mallory");
    let files = [
        peer.serve_file("/files/page.png", "text/html", HTML),
        peer.serve_file("/files/drawing.svg", "image/svg+xml", SVG),
        peer.serve_file("/files/big.png", "image/png", &png(60, 60)),
    ];
    peer.set_icon(&peer.serve_file("/files/icon.svg", "image/svg+xml", SVG));
    let create = note_with(
        &mallory,
        "1",
        &files.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    let sent = peer
        .post_as(&a.client, "mallory", &a.url("/inbox"), &create)
        .await;
    assert!(sent.status().is_success(), "{}", sent.status());
    a.drain().await;
    let status = status_of(&anna, &format!("{mallory}/statuses/1")).await;
    let ids: Vec<String> = status["media_attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 3, "{status}");
    let mallory_id = status["account"]["id"].as_str().unwrap().to_string();
    let mut paths: Vec<String> = ids
        .iter()
        .map(|id| format!("/media/cache/attachment/{id}"))
        .collect();
    paths.push(format!("/media/cache/avatar/{mallory_id}"));
    // Refused (502), never served; asked again, the peer is not.
    for _ in 0..2 {
        for path in &paths {
            let (code, kind, body) = fetch(a, path).await;
            assert_eq!(code, 502, "{path}");
            assert!(!kind.starts_with("image/"), "{path}: {kind}");
            let body = String::from_utf8_lossy(&body);
            assert!(!body.contains("<script"), "{path}: {body}");
        }
    }
    for file in [
        "/files/page.png",
        "/files/drawing.svg",
        "/files/big.png",
        "/files/icon.svg",
    ] {
        let asked = peer.gets().iter().filter(|p| *p == file).count();
        assert_eq!(asked, 1, "{file} fetched once: {:?}", peer.gets());
    }

    // A new avatar (an Update of the actor) replaces the refused one.
    peer.set_icon(&peer.serve_file("/files/icon.png", "image/png", &png(12, 12)));
    let doc: Value = a
        .client
        .get(&mallory)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let update =
        knooppunt_tests::api::public_activity("Update", &format!("{mallory}#u1"), &mallory, doc);
    let sent = peer
        .post_as(&a.client, "mallory", &a.url("/inbox"), &update)
        .await;
    assert!(sent.status().is_success(), "{}", sent.status());
    a.drain().await;
    let (code, _, body) = fetch(a, &format!("/media/cache/avatar/{mallory_id}")).await;
    assert_eq!((code, body), (200, png(12, 12)));

    // A real image of the peer is shown, until A rejects its media.
    let fine = peer.serve_file("/files/fine.png", "image/png", &png(10, 10));
    let create = note_with(&mallory, "2", &[fine.as_str()]);
    let sent = peer
        .post_as(&a.client, "mallory", &a.url("/inbox"), &create)
        .await;
    assert!(sent.status().is_success(), "{}", sent.status());
    a.drain().await;
    let status = status_of(&anna, &format!("{mallory}/statuses/2")).await;
    let fine_path = format!(
        "/media/cache/attachment/{}",
        status["media_attachments"][0]["id"].as_str().unwrap()
    );
    let (code, kind, body) = fetch(a, &fine_path).await;
    assert_eq!((code, kind.as_str(), body), (200, "image/png", png(10, 10)));

    // The post deleted, the sweep removes its copy; the avatar's stays.
    let copies = || {
        std::fs::read_dir(&a.state.config.media.directory)
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.starts_with("cache-"))
            .collect::<Vec<_>>()
    };
    assert_eq!(copies().len(), 2, "{:?}", copies());
    let grace = std::time::Duration::ZERO;
    assert_eq!(
        knooppunt::media::cache::sweep(&a.state, grace)
            .await
            .unwrap(),
        0
    );
    let delete = knooppunt_tests::api::public_activity(
        "Delete",
        &format!("{mallory}/deletes/2"),
        &mallory,
        json!(format!("{mallory}/statuses/2")),
    );
    let sent = peer
        .post_as(&a.client, "mallory", &a.url("/inbox"), &delete)
        .await;
    assert!(sent.status().is_success(), "{}", sent.status());
    a.drain().await;
    assert_eq!(fetch(a, &fine_path).await.0, 404, "the post is gone");
    assert_eq!(copies().len(), 2, "files stay until the sweep");
    assert_eq!(
        knooppunt::media::cache::sweep(&a.state, grace)
            .await
            .unwrap(),
        1
    );
    assert_eq!(copies().len(), 1);
    let (code, _, body) = fetch(a, &format!("/media/cache/avatar/{mallory_id}")).await;
    assert_eq!((code, body), (200, png(12, 12)));
    // A young file (a fetch writing it now) is left alone.
    let young = a.state.config.media.directory.join("cache-writing.png");
    std::fs::write(&young, png(2, 2)).unwrap();
    let hour = std::time::Duration::from_secs(3600);
    assert_eq!(
        knooppunt::media::cache::sweep(&a.state, hour)
            .await
            .unwrap(),
        0
    );
    assert!(young.exists());

    // A real image again, until A rejects the peer's media.
    let create = note_with(&mallory, "3", &[fine.as_str()]);
    let sent = peer
        .post_as(&a.client, "mallory", &a.url("/inbox"), &create)
        .await;
    assert!(sent.status().is_success(), "{}", sent.status());
    a.drain().await;
    let status = status_of(&anna, &format!("{mallory}/statuses/3")).await;
    let fine_path = format!(
        "/media/cache/attachment/{}",
        status["media_attachments"][0]["id"].as_str().unwrap()
    );
    assert_eq!(fetch(a, &fine_path).await.0, 200);
    a.create_admin("ada", PW).await;
    let ada = ApiClient::login_with(a, "ada", PW, "read write admin:read admin:write").await;
    let block = json!({ "domain": "127.0.0.4", "severity": "noop", "reject_media": true });
    ada.ok_post("/api/knooppunt/v1/admin/domain_blocks", block)
        .await;
    assert_eq!(
        fetch(a, &fine_path).await.0,
        403,
        "media of a rejected server"
    );

    // Ids that name nothing remote: unknown, malformed, ours, no header.
    let on_a = api(a, &anna.token);
    let upload = on_a.upload("eigen.png", &png(8, 8)).await.expect(200);
    on_a.toot(json!({ "status": "Eigen foto", "media_ids": [upload["id"]] }))
        .await
        .expect(200);
    set_avatar(a, &anna.token, png(8, 8)).await;
    let anna_id = anna.ok("/api/v1/accounts/verify_credentials").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    for path in [
        "/media/cache/attachment/999999".to_string(),
        "/media/cache/attachment/abc".to_string(),
        "/media/cache/file/1".to_string(),
        format!("/media/cache/attachment/{}", upload["id"].as_str().unwrap()),
        format!("/media/cache/avatar/{anna_id}"),
        format!("/media/cache/header/{mallory_id}"),
    ] {
        assert_eq!(fetch(a, &path).await.0, 404, "{path}");
    }

    // A followers-only post of bob on B: anna follows him, carl does not.
    let bob_on_a = anna.resolve(&format!("bob@{}", other.domain)).await;
    anna.ok_post(&format!("/api/v1/accounts/{bob_on_a}/follow"), json!({}))
        .await;
    TestInstance::drain_all(&both).await;
    let bob = ApiClient::login(other, "bob", PW).await;
    let on_b = api(other, &bob.token);
    let upload = on_b.upload("achter.png", &png(20, 20)).await.expect(200);
    let posted = on_b
        .toot(
            json!({ "status": "Alleen voor wie mij volgt", "visibility": "private",
                       "media_ids": [upload["id"]] }),
        )
        .await
        .expect(200);
    TestInstance::drain_all(&both).await;
    let status = status_of(&anna, posted["uri"].as_str().unwrap()).await;
    let path = format!(
        "/media/cache/attachment/{}",
        status["media_attachments"][0]["id"].as_str().unwrap()
    );
    assert_eq!(fetch(a, &path).await.0, 404, "a visitor");
    signed_in(a, "carl").await.get(&path).await.expect(404);
    let reply = signed_in(a, "anna").await.get(&path).await;
    assert_eq!(reply.status, 200);
    let cache = reply.header("cache-control").unwrap();
    assert!(cache.starts_with("private"), "{cache}");
    for i in both {
        i.stop().await;
    }
}
