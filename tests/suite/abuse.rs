//! Federation abuse, performed for real: a server that never answers, forged
//! key ids that would turn the inbox into a reflector, actors that point our
//! deliveries elsewhere, interactions with posts the sender may not see, and
//! pages that would redirect wherever a remote server says.

use std::net::Ipv4Addr;
use std::time::Duration;

use knooppunt_tests::api::signed_post;
use knooppunt_tests::{ApiClient, FakePeer, TestInstance};
use serde_json::{Value, json};

const PW: &str = "lange wandeling 42";
const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

/// Polls `check` every 50 ms until it holds or `limit` passes.
async fn eventually(limit: Duration, mut check: impl AsyncFnMut() -> bool) -> bool {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        if check().await {
            return true;
        }
        if tokio::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn announce(actor: &str, n: usize, object: &str) -> Value {
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{actor}#announce-{n}"),
        "type": "Announce",
        "actor": actor,
        "to": [PUBLIC],
        "object": object,
    })
}

/// mallory's server names objects that never arrive (a tarpit). Its
/// activities wait; carol's, from an honest instance, are processed at
/// once meanwhile. Once the tarpit has timed out, it is not fetched from
/// again for a while.
#[tokio::test]
async fn a_server_that_never_answers_delays_only_its_own_activities() {
    let instances = TestInstance::start_many_with(2, |c| {
        c.federation.fetch_timeout_secs = 4;
    })
    .await;
    let (a, c) = (&instances[0], &instances[1]);
    a.create_person("alice", PW).await;
    c.create_person("carol", PW).await;
    let alice = ApiClient::login(a, "alice", PW).await;
    let carol = ApiClient::login(c, "carol", PW).await;
    let carol_on_a = alice.resolve(&format!("@carol@{}", c.domain)).await;
    alice
        .ok_post(&format!("/api/v1/accounts/{carol_on_a}/follow"), json!({}))
        .await;
    TestInstance::drain_all(&instances).await;

    // The hostile server floods from many actors, so that its activities
    // would occupy every lane that actors of all servers share.
    let tarpit = FakePeer::start(Ipv4Addr::new(127, 0, 2, 1)).await;
    tarpit.hang("/notes/");
    let inbox = a.url("/inbox");
    let mut flood = Vec::new();
    for n in 0..24 {
        let name = format!("m{n}");
        let actor = tarpit.actor(&name);
        let activity = announce(&actor, n, &format!("{}/notes/{n}", tarpit.base_url));
        let (inbox, sender) = (inbox.clone(), signer_of(&tarpit, &name));
        flood.push(tokio::spawn(
            async move { sender.post(&inbox, &activity).await },
        ));
    }
    assert!(
        eventually(Duration::from_secs(10), async || tarpit.hanging() > 0).await,
        "the tarpit is being fetched from"
    );

    // carol posts meanwhile; her instance delivers to A.
    let post = carol
        .ok_post(
            "/api/v1/statuses",
            json!({ "status": "Wie helpt zaterdag met de buurtschoonmaak?" }),
        )
        .await;
    c.drain().await;
    let uri = post["uri"].as_str().unwrap().to_string();
    let mut seen_while_stuck = None;
    let processed = eventually(Duration::from_secs(30), async || {
        let home = alice.ok("/api/v1/timelines/home").await;
        let there = home
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["uri"] == uri.as_str());
        if there {
            seen_while_stuck = Some(tarpit.hanging());
        }
        there
    })
    .await;
    assert!(processed, "carol's post reached alice");
    assert!(
        seen_while_stuck.unwrap() > 0,
        "carol's post was processed while A still waited on the tarpit, not after"
    );

    // Every one of mallory's requests is answered; none took the server down.
    for request in flood {
        let status = request.await.unwrap();
        assert!(
            [202, 400, 503].contains(&status),
            "mallory's announce answered {status}"
        );
    }
    assert!(
        eventually(Duration::from_secs(30), async || tarpit.hanging() == 0).await,
        "A gave up on the tarpit"
    );
    assert!(
        a.state
            .federation
            .backlog
            .settled(Duration::from_secs(30))
            .await
    );
    // The tarpit is remembered: more of the same cost no new fetch.
    let fetched = tarpit.gets().len();
    for n in 100..105 {
        let activity = announce(
            &tarpit.actor("m0"),
            n,
            &format!("{}/notes/{n}", tarpit.base_url),
        );
        let r = tarpit.post_as(&a.client, "m0", &inbox, &activity).await;
        let status = r.status().as_u16();
        let body = r.text().await.unwrap();
        assert!(status == 400 || status == 202, "{status} {body}");
        assert!(
            !body.contains("127.0.2.1"),
            "no internal detail in the answer: {body}"
        );
    }
    assert!(
        a.state
            .federation
            .backlog
            .settled(Duration::from_secs(10))
            .await
    );
    assert_eq!(
        tarpit.gets().len(),
        fetched,
        "a host that did not answer is not fetched from again right away"
    );
    for i in instances {
        i.stop().await;
    }
}

/// An actor of a peer that signs from spawned tasks.
struct Sender {
    key_id: String,
    private: String,
    client: reqwest::Client,
}

impl Sender {
    async fn post(&self, inbox: &str, activity: &Value) -> u16 {
        knooppunt_tests::api::signed_post_as(
            &self.client,
            &self.key_id,
            &self.private,
            inbox,
            activity,
        )
        .await
        .status()
        .as_u16()
    }
}

fn signer_of(peer: &FakePeer, name: &str) -> Sender {
    let (key_id, private) = peer.key_of(name);
    Sender {
        key_id,
        private,
        client: reqwest::Client::builder().no_proxy().build().unwrap(),
    }
}

/// A plan naming sixty owners on a server that never answers: a handful of
/// fetches run side by side, at most the cap, and the activity is
/// processed within about one fetch timeout, not sixty.
#[tokio::test]
async fn an_activity_naming_many_unreachable_actors_is_fetched_within_a_cap() {
    let a = TestInstance::start_many_with(1, |c| c.federation.fetch_timeout_secs = 3)
        .await
        .pop()
        .unwrap();
    a.create_person("alice", PW).await;
    let peer = FakePeer::start(Ipv4Addr::new(127, 0, 2, 2)).await;
    let tarpit = FakePeer::start(Ipv4Addr::new(127, 0, 2, 3)).await;
    tarpit.hang("/");
    let mallory = peer.actor("mallory");
    let owners: Vec<String> = std::iter::once(mallory.clone())
        .chain((0..60).map(|n| format!("{}/users/ghost{n}", tarpit.base_url)))
        .collect();
    let plan_uri = format!("{mallory}/statuses/1");
    let create = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{plan_uri}/activity"),
        "type": "Create",
        "actor": mallory,
        "to": [PUBLIC],
        "object": {
            "id": plan_uri, "type": "Page", "attributedTo": owners, "to": [PUBLIC],
            "name": "Zestig eigenaren", "summary": "", "content": "<p>x</p>",
            "state": "idea", "published": "2026-12-01T10:00:00Z",
        },
    });
    let r = peer
        .post_as(&a.client, "mallory", &a.url("/inbox"), &create)
        .await;
    assert_eq!(r.status(), 202, "{}", r.text().await.unwrap());
    assert!(
        a.state
            .federation
            .backlog
            .settled(Duration::from_secs(60))
            .await
    );
    let asked = tarpit.gets().len();
    assert!(
        (1..=knooppunt::federation::remote::FETCH_CAP).contains(&asked),
        "{asked} fetches from the tarpit"
    );
    let alice = ApiClient::login(&a, "alice", PW).await;
    let plans = alice.ok("/api/knooppunt/v1/plans").await;
    let stored = plans
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["uri"] == plan_uri.as_str())
        .unwrap_or_else(|| panic!("the plan is stored: {plans}"));
    assert_eq!(stored["owners"].as_array().unwrap().len(), 1, "{stored}");
    a.stop().await;
}

/// Requests naming keys on a victim's server, each unknown: the inbox
/// fetches a bounded number per minute, and a key that failed once is not
/// fetched again.
#[tokio::test]
async fn forged_key_ids_do_not_turn_the_inbox_into_a_reflector() {
    let a = TestInstance::start().await;
    a.create_person("alice", PW).await;
    let victim = FakePeer::start(Ipv4Addr::new(127, 0, 2, 4)).await;
    let forger = knooppunt_federation::keys::generate_actor_keys().unwrap();
    let inbox = a.url("/inbox");
    let send = async |name: &str, n: usize| {
        let actor = format!("{}/users/{name}", victim.base_url);
        let follow = json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{actor}#follow-{n}"),
            "type": "Follow",
            "actor": actor,
            "object": format!("{}/users/alice", a.base_url),
        });
        let r = knooppunt_tests::api::signed_post_as(
            &a.client,
            &format!("{actor}#main-key"),
            &forger.private_key_pem,
            &inbox,
            &follow,
        )
        .await;
        let status = r.status().as_u16();
        let body = r.text().await.unwrap();
        assert!(matches!(status, 401 | 429 | 503), "{status}: {body}");
        assert!(body.contains("\"error\""), "a JSON error: {body}");
    };
    for n in 0..10 {
        send("ghost", n).await;
    }
    assert_eq!(
        victim.gets().len(),
        1,
        "a key that could not be fetched is not fetched again"
    );
    for n in 0..100 {
        send(&format!("u{n}"), n).await;
    }
    let fetched = victim.gets().len();
    let bound = a.state.config.federation.key_fetches_per_minute as usize;
    assert!(
        fetched <= bound,
        "{fetched} fetches from the victim for 110 forged requests (bound {bound})"
    );
    a.stop().await;
}

/// An actor whose document points deliveries to another server's inbox is
/// refused: we never deliver there.
#[tokio::test]
async fn an_actor_cannot_send_our_deliveries_to_another_server() {
    let a = TestInstance::start().await;
    a.create_person("alice", PW).await;
    let peer = FakePeer::start(Ipv4Addr::new(127, 0, 2, 5)).await;
    let victim = FakePeer::start(Ipv4Addr::new(127, 0, 2, 6)).await;
    peer.set_shared_inbox(&format!("{}/inbox", victim.base_url));
    let mallory = peer.actor("mallory");
    let follow = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{mallory}#follow-1"),
        "type": "Follow",
        "actor": mallory,
        "object": format!("{}/users/alice", a.base_url),
    });
    let r = peer
        .post_as(&a.client, "mallory", &a.url("/inbox"), &follow)
        .await;
    assert_eq!(r.status(), 401, "{}", r.text().await.unwrap());
    a.drain().await;
    assert!(victim.posts().is_empty(), "nothing went to the victim");
    a.stop().await;
}

/// Favourites, boosts and votes need a post the sender may see.
#[tokio::test]
async fn interactions_with_posts_the_sender_may_not_see_are_refused() {
    let instances = TestInstance::start_many(2).await;
    let (a, b) = (&instances[0], &instances[1]);
    a.create_person("alice", PW).await;
    a.create_person("dirk", PW).await;
    b.create_person("bob", PW).await;
    b.create_person("fiona", PW).await;
    let alice = ApiClient::login(a, "alice", PW).await;
    let fiona = ApiClient::login(b, "fiona", PW).await;
    // fiona follows alice; bob does not.
    let alice_on_b = fiona.resolve(&format!("@alice@{}", a.domain)).await;
    fiona
        .ok_post(&format!("/api/v1/accounts/{alice_on_b}/follow"), json!({}))
        .await;
    TestInstance::drain_all(&instances).await;
    let followers_only = alice
        .ok_post(
            "/api/v1/statuses",
            json!({ "status": "Alleen voor volgers", "visibility": "private" }),
        )
        .await;
    let direct = alice
        .ok_post(
            "/api/v1/statuses",
            json!({ "status": "@dirk alleen voor jou", "visibility": "direct" }),
        )
        .await;
    let poll = alice
        .ok_post(
            "/api/v1/statuses",
            json!({ "status": "Welke dag?", "visibility": "private",
                    "poll": { "options": ["zaterdag", "zondag"], "expires_in": 3600 } }),
        )
        .await;
    let bob = format!("{}/users/bob", b.base_url);
    let fiona_uri = format!("{}/users/fiona", b.base_url);
    let inbox = a.url("/inbox");
    let like = |who: &str, n: &str, object: &Value| {
        json!({ "@context": "https://www.w3.org/ns/activitystreams", "id": format!("{who}#like-{n}"),
                "type": "Like", "actor": who, "object": object["uri"] })
    };
    let vote = |who: &str, n: &str| {
        json!({ "@context": "https://www.w3.org/ns/activitystreams", "id": format!("{who}#vote-{n}/activity"),
                "type": "Create", "actor": who, "to": [poll["account"]["uri"]],
                "object": { "id": format!("{who}#vote-{n}"), "type": "Note", "attributedTo": who,
                            "name": "zaterdag", "inReplyTo": poll["uri"], "to": [poll["account"]["uri"]] } })
    };
    for (what, activity) in [
        (
            "a Like of a followers-only post",
            like(&bob, "1", &followers_only),
        ),
        (
            "a Like of a direct post to someone else",
            like(&bob, "2", &direct),
        ),
        (
            "an Announce of a followers-only post",
            announce(&bob, 1, followers_only["uri"].as_str().unwrap()),
        ),
        ("a vote in a followers-only poll", vote(&bob, "1")),
    ] {
        let r = signed_post(b, "bob", &inbox, &activity).await;
        let status = r.status().as_u16();
        assert_eq!(status, 403, "{what}: {}", r.text().await.unwrap());
    }
    // A follower may; nobody may boost a followers-only post, not even a follower.
    let r = signed_post(b, "fiona", &inbox, &like(&fiona_uri, "1", &followers_only)).await;
    assert_eq!(r.status(), 202);
    let r = signed_post(b, "fiona", &inbox, &vote(&fiona_uri, "1")).await;
    assert_eq!(r.status(), 202);
    let r = signed_post(
        b,
        "fiona",
        &inbox,
        &announce(&fiona_uri, 1, followers_only["uri"].as_str().unwrap()),
    )
    .await;
    assert_eq!(r.status(), 403);
    let id = followers_only["id"].as_str().unwrap();
    let seen = alice.ok(&format!("/api/v1/statuses/{id}")).await;
    assert_eq!(seen["favourites_count"], 1, "{seen}");
    assert_eq!(seen["reblogs_count"], 0);
    let poll_id = poll["poll"]["id"].as_str().unwrap();
    let tally = alice.ok(&format!("/api/v1/polls/{poll_id}")).await;
    assert_eq!(tally["votes_count"], 1, "{tally}");
    for i in instances {
        i.stop().await;
    }
}

/// The pages of a plan or event from elsewhere send people to its home,
/// never to a URL its server names on another host.
#[tokio::test]
async fn pages_of_copies_never_redirect_off_their_own_host() {
    let a = TestInstance::start().await;
    let peer = FakePeer::start(Ipv4Addr::new(127, 0, 2, 7)).await;
    let mallory = peer.actor("mallory");
    let plan_uri = format!("{mallory}/statuses/plan");
    let event_uri = format!("{mallory}/events/1");
    for object in [
        json!({ "id": plan_uri, "type": "Page", "attributedTo": mallory, "to": [PUBLIC],
                "name": "Plan", "summary": "", "content": "<p>x</p>", "state": "idea",
                "url": "https://phishing.example/login", "published": "2026-12-01T10:00:00Z" }),
        json!({ "id": event_uri, "type": "Event", "attributedTo": mallory, "to": [PUBLIC],
                "name": "Feest", "content": "<p>x</p>", "startTime": "2027-06-01T18:00:00Z",
                "url": "https://phishing.example/event", "published": "2026-12-01T10:00:00Z" }),
    ] {
        let id = object["id"].as_str().unwrap().to_string();
        let create = json!({ "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{id}/activity"), "type": "Create", "actor": mallory, "to": [PUBLIC],
            "object": object });
        let r = peer
            .post_as(&a.client, "mallory", &a.url("/inbox"), &create)
            .await;
        assert_eq!(r.status(), 202, "{}", r.text().await.unwrap());
    }
    let no_redirects = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let plan = knooppunt::plans::entity::plan::Entity::find()
        .one(&a.state.db)
        .await
        .unwrap()
        .expect("the plan is stored");
    let event = knooppunt::events::entity::event::Entity::find()
        .one(&a.state.db)
        .await
        .unwrap()
        .expect("the event is stored");
    for (path, home) in [
        (format!("/plans/{}", plan.id), &plan_uri),
        (format!("/events/{}", event.id), &event_uri),
    ] {
        let r = no_redirects
            .get(a.url(&path))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        assert!(r.status().is_redirection(), "{path}: {}", r.status());
        let location = r.headers()["location"].to_str().unwrap();
        assert_eq!(location, home, "{path} redirects to the object's own host");
    }
    a.stop().await;
}

use sea_orm::EntityTrait;
