//! The inbox under pressure: per-instance rate limits and activities that were
//! received but not processed before a crash.

use knooppunt_tests::api::{
    public_activity, public_note, public_note_create, signed_post, signed_post_as,
};
use knooppunt_tests::{ApiClient, TestInstance};
use serde_json::{Value, json};

const PW: &str = "lange wandeling 42";

/// Two instances: alice on A, logged in, and bob on B.
async fn alice_and_bob() -> (TestInstance, TestInstance, ApiClient) {
    let mut list = TestInstance::start_many(2).await;
    let b = list.pop().unwrap();
    let a = list.pop().unwrap();
    a.create_person("alice", PW).await;
    b.create_person("bob", PW).await;
    let alice = ApiClient::login(&a, "alice", PW).await;
    (a, b, alice)
}

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
    let (a, b, alice) = alice_and_bob().await;
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
        use knooppunt_federation::engine::entity::received;
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

/// Many deliveries at once: each is answered as soon as it is journalled,
/// what the inbox could not process at once is processed after, in arrival
/// order, and a refusal in the burst changes nothing.
#[tokio::test]
async fn a_burst_is_answered_at_once_and_processed_after_in_order() {
    let (a, b, alice) = alice_and_bob().await;
    let hers = alice
        .ok_post("/api/v1/statuses", json!({ "status": "Van alice" }))
        .await;
    let bob_id = format!("{}/users/bob", b.base_url);
    let note = |n: &str, text: &str| public_note(&bob_id, &format!("burst-{n}"), text);
    let activity =
        |kind: &str, id: String, object: Value| public_activity(kind, &id, &bob_id, object);
    let inbox = a.url("/inbox");
    let burst = (0..36).map(|n| {
        let create = activity(
            "Create",
            format!("{bob_id}/statuses/burst-{n}/activity"),
            note(&n.to_string(), &format!("Bericht {n}")),
        );
        let (b, inbox) = (&b, &inbox);
        async move {
            signed_post(b, "bob", inbox, &create)
                .await
                .status()
                .as_u16()
        }
    });
    // Meanwhile a note and its correction, one after the other: the
    // correction must not overtake its note.
    let chain = async {
        let create = activity(
            "Create",
            format!("{bob_id}/statuses/burst-x/activity"),
            note("x", "Eerste versie"),
        );
        let update = activity(
            "Update",
            format!("{bob_id}/statuses/burst-x#updates/1"),
            note("x", "Verbeterde versie"),
        );
        let first = signed_post(&b, "bob", &inbox, &create).await.status();
        let second = signed_post(&b, "bob", &inbox, &update).await.status();
        vec![first.as_u16(), second.as_u16()]
    };
    // And an edit of alice's post by bob, which is refused.
    let mut forged = note("forged", "Overgenomen");
    forged["id"] = hers["uri"].clone();
    let forged = activity(
        "Update",
        format!("{bob_id}/statuses/forged#updates/1"),
        forged,
    );
    let (codes, chain, forged) = tokio::join!(
        futures_util::future::join_all(burst),
        chain,
        signed_post(&b, "bob", &inbox, &forged)
    );
    assert!(codes.iter().all(|c| *c == 202), "{codes:?}");
    assert_eq!(chain, vec![202, 202]);
    let forged = forged.status().as_u16();
    assert!(
        [202, 400, 403].contains(&forged),
        "refused at once or later: {forged}"
    );
    assert!(
        a.state.federation.backlog.deferred_total() > 0,
        "the burst was larger than the inbox processes at once"
    );

    a.drain().await;
    let bob_on_a = alice.resolve(&format!("@bob@{}", b.domain)).await;
    let statuses = alice
        .ok(&format!("/api/v1/accounts/{bob_on_a}/statuses?limit=40"))
        .await;
    let texts: Vec<&str> = statuses
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["content"].as_str())
        .collect();
    assert_eq!(texts.len(), 37, "{texts:?}");
    for n in 0..36 {
        assert!(
            texts.contains(&format!("<p>Bericht {n}</p>").as_str()),
            "{n}: {texts:?}"
        );
    }
    assert!(
        texts.contains(&"<p>Verbeterde versie</p>"),
        "the correction came after its note: {texts:?}"
    );
    let mine = alice
        .ok(&format!(
            "/api/v1/statuses/{}",
            hers["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(mine["content"], "<p>Van alice</p>", "{mine}");
    let status = knooppunt::federation::outbox::status(&a.state.db)
        .await
        .unwrap();
    assert_eq!(status.unprocessed_received, 0, "{status:?}");
    a.stop().await;
    b.stop().await;
}

/// A peer rotates its actor's key and announces it with an `Update`: the next
/// activity, signed with the new key, is accepted from what the Update stored,
/// even while the peer still serves its old key (a cache, a replica). So the
/// signer remembered from earlier requests must be forgotten on Update.
#[tokio::test]
async fn a_key_announced_in_an_update_replaces_the_remembered_signer() {
    let (a, b, alice) = alice_and_bob().await;
    let bob_id = format!("{}/users/bob", b.base_url);
    let inbox = a.url("/inbox");
    let create = |n: u32| public_note_create(&bob_id, &format!("key-{n}"), &format!("Sleutel {n}"));
    // Two activities with the old key: the first fetches bob, the second is
    // verified from what is remembered.
    for n in 0..2 {
        let r = signed_post(&b, "bob", &inbox, &create(n)).await;
        assert_eq!(r.status().as_u16(), 202);
    }
    a.drain().await;

    // Bob's new key, announced in an Update signed with the old one.
    let new_keys = knooppunt_federation::keys::generate_actor_keys().unwrap();
    let mut doc: Value = b.get_ap(&bob_id).await.json().await.unwrap();
    doc["publicKey"]["publicKeyPem"] = json!(new_keys.public_key_pem);
    doc["name"] = json!("Bob met nieuwe sleutel");
    let update = public_activity("Update", &format!("{bob_id}#updates/key"), &bob_id, doc);
    let r = signed_post(&b, "bob", &inbox, &update).await;
    assert_eq!(r.status().as_u16(), 202);
    a.drain().await;

    // B signs with the new key from now on but still serves the old one, so
    // a refetch by A would not help.
    let bob = knooppunt::actors::store::find_local(&b.state.db, &b.state.config, "bob")
        .await
        .unwrap()
        .unwrap();
    let mut rotated: knooppunt::actors::entity::ActiveModel = bob.into();
    rotated.private_key_pem = sea_orm::ActiveValue::Set(Some(new_keys.private_key_pem));
    sea_orm::ActiveModelTrait::update(rotated, &b.state.db)
        .await
        .unwrap();
    let r = signed_post(&b, "bob", &inbox, &create(2)).await;
    assert_eq!(
        r.status().as_u16(),
        202,
        "signed with the announced key: {}",
        r.text().await.unwrap_or_default()
    );
    a.drain().await;

    let bob_on_a = alice.resolve(&format!("@bob@{}", b.domain)).await;
    let account = alice.ok(&format!("/api/v1/accounts/{bob_on_a}")).await;
    assert_eq!(
        account["display_name"], "Bob met nieuwe sleutel",
        "{account}"
    );
    let statuses = alice
        .ok(&format!("/api/v1/accounts/{bob_on_a}/statuses?limit=10"))
        .await;
    let texts: Vec<&str> = statuses
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["content"].as_str())
        .collect();
    assert!(texts.contains(&"<p>Sleutel 2</p>"), "{texts:?}");
    a.stop().await;
    b.stop().await;
}

/// Forged requests naming a server neither use up that server's share of
/// the inbox nor make us fetch its actor again on every request: only
/// activities whose signature verifies are counted, and a key is fetched
/// again after a failed signature at most once a minute.
#[tokio::test]
async fn forged_requests_do_not_use_up_a_servers_share_or_make_us_fetch_it_again_and_again() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    let mut listeners = knooppunt_tests::instance::bind_loopback_set(2).await;
    let peer_listener = listeners.pop().unwrap();
    let listener = listeners.pop().unwrap();
    let db = knooppunt_tests::database::TestDb::create().await;
    let mut config =
        knooppunt_tests::instance::test_config(listener.local_addr().unwrap(), &db.url);
    config.federation.inbox_per_minute = 3;
    let a = TestInstance::serve(listener, config, db).await;
    a.create_person("alice", PW).await;
    let peer = format!("http://{}", peer_listener.local_addr().unwrap());
    let mallory_id = format!("{peer}/users/mallory");
    let key_id = format!("{mallory_id}#main-key");

    // The peer serves mallory with her real key and counts the fetches.
    let real = knooppunt_federation::keys::generate_actor_keys().unwrap();
    let fetches = Arc::new(AtomicUsize::new(0));
    let doc = json!({
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
        "id": mallory_id,
        "type": "Person",
        "preferredUsername": "mallory",
        "inbox": format!("{mallory_id}/inbox"),
        "publicKey": { "id": key_id, "owner": mallory_id, "publicKeyPem": real.public_key_pem },
    });
    let counter = fetches.clone();
    let app = axum::Router::new().route(
        "/users/mallory",
        axum::routing::get(move || {
            let (doc, counter) = (doc.clone(), counter.clone());
            async move {
                counter.fetch_add(1, Ordering::SeqCst);
                (
                    [("content-type", "application/activity+json")],
                    doc.to_string(),
                )
            }
        }),
    );
    tokio::spawn(async move { axum::serve(peer_listener, app).await.ok() });

    let inbox = a.url("/inbox");
    let alice_id = format!("{}/users/alice", a.base_url);
    let post = |pem: String, n: u32| {
        let follow = json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{mallory_id}#follows/{n}"),
            "type": "Follow",
            "actor": mallory_id,
            "object": alice_id,
        });
        let (client, key_id, inbox) = (&a.client, &key_id, &inbox);
        async move {
            signed_post_as(client, key_id, &pem, inbox, &follow)
                .await
                .status()
                .as_u16()
        }
    };

    // Five forgeries: signed with a key that is not mallory's.
    let forger = knooppunt_federation::keys::generate_actor_keys().unwrap();
    let mut forged = Vec::new();
    for n in 0..5 {
        forged.push(post(forger.private_key_pem.clone(), n).await);
    }
    assert_eq!(forged, vec![401; 5]);
    assert_eq!(
        fetches.load(Ordering::SeqCst),
        2,
        "fetched once to learn the key and once more after it failed, not per forgery"
    );

    // Mallory herself still has her whole share.
    let mut real_statuses = Vec::new();
    for n in 10..14 {
        real_statuses.push(post(real.private_key_pem.clone(), n).await);
    }
    assert_eq!(real_statuses, vec![202, 202, 202, 429]);
    a.stop().await;
}

/// Under a burst from many actors of one server, the backlog is processed
/// in lanes side by side; each actor's activities stay in the order they
/// arrived, so every note ends with its last correction.
#[tokio::test]
async fn a_burst_from_many_actors_keeps_each_actors_order() {
    let (a, b, alice) = alice_and_bob().await;
    let actors: Vec<String> = (0..6).map(|n| format!("buur{n}")).collect();
    for name in &actors {
        b.create_person(name, PW).await;
    }
    let inbox = a.url("/inbox");
    // Per actor, one after the other: the note and two corrections.
    let chains = actors.iter().map(|name| {
        let (b, inbox) = (&b, &inbox);
        let id = format!("{}/users/{name}", b.base_url);
        async move {
            let mut codes = Vec::new();
            for (n, text) in ["Versie 1", "Versie 2", "Versie 3"].iter().enumerate() {
                let (kind, activity_id) = if n == 0 {
                    ("Create", format!("{id}/statuses/lane/activity"))
                } else {
                    ("Update", format!("{id}/statuses/lane#updates/{n}"))
                };
                let note = public_note(&id, "lane", text);
                let activity = public_activity(kind, &activity_id, &id, note);
                codes.push(
                    signed_post(b, name, inbox, &activity)
                        .await
                        .status()
                        .as_u16(),
                );
            }
            codes
        }
    });
    // Meanwhile more notes from each, so that the inbox defers.
    let filler = (0..30).map(|n| {
        let (b, inbox) = (&b, &inbox);
        let name = &actors[n % actors.len()];
        let id = format!("{}/users/{name}", b.base_url);
        async move {
            let create = public_note_create(&id, &format!("fill-{n}"), &format!("Extra {n}"));
            signed_post(b, name, inbox, &create).await.status().as_u16()
        }
    });
    let (chains, filler) = tokio::join!(
        futures_util::future::join_all(chains),
        futures_util::future::join_all(filler)
    );
    assert!(chains.iter().flatten().all(|c| *c == 202), "{chains:?}");
    assert!(filler.iter().all(|c| *c == 202), "{filler:?}");
    assert!(a.state.federation.backlog.deferred_total() > 0);

    a.drain().await;
    for name in &actors {
        let account = alice.resolve(&format!("@{name}@{}", b.domain)).await;
        let statuses = alice
            .ok(&format!("/api/v1/accounts/{account}/statuses?limit=40"))
            .await;
        let texts: Vec<&str> = statuses
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|s| s["content"].as_str())
            .collect();
        assert_eq!(texts.len(), 6, "{name}: {texts:?}");
        assert!(
            texts.contains(&"<p>Versie 3</p>"),
            "{name}: the last correction came last: {texts:?}"
        );
    }
    a.stop().await;
    b.stop().await;
}
