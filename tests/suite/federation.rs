//! Federation between real instances on 127.0.0.2, .3 and .4 over real HTTP,
//! driven through the Mastodon client API as people would.

use knooppunt_tests::{ApiClient, TestInstance};
use serde_json::json;

const PW: &str = "lange wandeling 42";

fn status_ids(list: &serde_json::Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect()
}

/// The status with `uri` in a list (itself or as the boosted original).
fn find_by_uri<'a>(list: &'a serde_json::Value, uri: &str) -> Option<&'a serde_json::Value> {
    list.as_array().unwrap().iter().find_map(|s| {
        if s["uri"] == uri {
            Some(s)
        } else if s["reblog"]["uri"] == uri {
            Some(&s["reblog"])
        } else {
            None
        }
    })
}

#[tokio::test]
async fn alice_follows_bob_across_instances_and_everything_flows_both_ways() {
    let instances = TestInstance::start_many(2).await;
    let (a, b) = (&instances[0], &instances[1]);
    a.create_person("alice", PW).await;
    b.create_person("bob", PW).await;
    let alice = ApiClient::login(a, "alice", PW).await;
    let bob = ApiClient::login(b, "bob", PW).await;

    // alice finds bob through WebFinger and follows him; B accepts.
    let bob_on_a = alice.resolve(&format!("@bob@{}", b.domain)).await;
    let rel = alice
        .ok_post(&format!("/api/v1/accounts/{bob_on_a}/follow"), json!({}))
        .await;
    assert_eq!(rel["requested"], true, "pending until B accepts: {rel}");
    a.drain().await;
    b.drain().await;
    let rels = alice
        .ok(&format!("/api/v1/accounts/relationships?id[]={bob_on_a}"))
        .await;
    assert_eq!(rels[0]["following"], true, "{rels}");
    let bob_self = bob.ok("/api/v1/accounts/verify_credentials").await;
    assert_eq!(bob_self["followers_count"], 1, "B counts alice as follower");
    let notes = bob.ok("/api/v1/notifications").await;
    assert_eq!(notes[0]["type"], "follow");
    assert_eq!(notes[0]["account"]["acct"], format!("alice@{}", a.domain));

    // bob posts; it reaches alice's home timeline.
    let post = bob
        .ok_post(
            "/api/v1/statuses",
            json!({ "status": "Wie helpt zaterdag met de moestuin? #moestuin" }),
        )
        .await;
    let uri = post["uri"].as_str().unwrap().to_string();
    b.drain().await;
    let home = alice.ok("/api/v1/timelines/home").await;
    let seen = find_by_uri(&home, &uri)
        .unwrap_or_else(|| panic!("bob's post not in alice's home: {home}"));
    assert!(seen["content"].as_str().unwrap().contains("moestuin"));
    assert_eq!(seen["account"]["acct"], format!("bob@{}", b.domain));
    let on_a = seen["id"].as_str().unwrap().to_string();

    // alice replies, favourites and boosts; bob sees all three.
    let reply = alice
        .ok_post(
            "/api/v1/statuses",
            json!({ "status": format!("@bob@{} Ik help mee!", b.domain), "in_reply_to_id": on_a }),
        )
        .await;
    alice
        .ok_post(&format!("/api/v1/statuses/{on_a}/favourite"), json!({}))
        .await;
    alice
        .ok_post(&format!("/api/v1/statuses/{on_a}/reblog"), json!({}))
        .await;
    a.drain().await;
    let kinds: Vec<String> = bob
        .ok("/api/v1/notifications")
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["type"].as_str().unwrap().to_string())
        .collect();
    for kind in ["mention", "favourite", "reblog", "follow"] {
        assert!(
            kinds.contains(&kind.to_string()),
            "bob has a {kind} notification: {kinds:?}"
        );
    }
    let on_b = bob
        .ok(&format!(
            "/api/v1/statuses/{}",
            post["id"].as_str().unwrap()
        ))
        .await;
    let on_a_view = alice.ok(&format!("/api/v1/statuses/{on_a}")).await;
    for field in ["replies_count", "favourites_count", "reblogs_count"] {
        assert_eq!(on_b[field], 1, "{field} on B: {on_b}");
        assert_eq!(on_a_view[field], on_b[field], "{field} agrees on A and B");
    }
    let context = bob
        .ok(&format!(
            "/api/v1/statuses/{}/context",
            post["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(
        context["descendants"][0]["uri"], reply["uri"],
        "the reply is in bob's thread: {context}"
    );

    // bob edits; alice sees the new text.
    bob.put(
        &format!("/api/v1/statuses/{}", post["id"].as_str().unwrap()),
        json!({ "status": "Wie helpt zaterdag om 10 uur? #moestuin" }),
    )
    .await;
    b.drain().await;
    let edited = alice.ok(&format!("/api/v1/statuses/{on_a}")).await;
    assert!(
        edited["content"].as_str().unwrap().contains("10 uur"),
        "{edited}"
    );
    assert!(edited["edited_at"].is_string());

    // alice undoes her favourite; B's count follows.
    alice
        .ok_post(&format!("/api/v1/statuses/{on_a}/unfavourite"), json!({}))
        .await;
    a.drain().await;
    let on_b = bob
        .ok(&format!(
            "/api/v1/statuses/{}",
            post["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(on_b["favourites_count"], 0);

    // bob deletes; it is gone on A too.
    let (status, _) = bob
        .delete(&format!(
            "/api/v1/statuses/{}",
            post["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(status, 200);
    b.drain().await;
    let (status, _) = alice.get(&format!("/api/v1/statuses/{on_a}")).await;
    assert_eq!(status, 404, "deleted on A after B's Delete");

    // alice unfollows; B forgets her as a follower.
    alice
        .ok_post(&format!("/api/v1/accounts/{bob_on_a}/unfollow"), json!({}))
        .await;
    a.drain().await;
    assert_eq!(
        bob.ok("/api/v1/accounts/verify_credentials").await["followers_count"],
        0
    );

    for i in instances {
        i.stop().await;
    }
}

#[tokio::test]
async fn a_group_passes_members_posts_on_to_other_instances() {
    let instances = TestInstance::start_many(3).await;
    let (a, b, c) = (&instances[0], &instances[1], &instances[2]);
    a.create_person("alice", PW).await;
    b.create_person("dave", PW).await;
    c.create_person("carol", PW).await;
    knooppunt::groups::service::create(
        &a.state.db,
        &a.state.config,
        "groen",
        "alice",
        knooppunt::groups::JoinPolicy::Open,
    )
    .await
    .unwrap();
    let alice = ApiClient::login(a, "alice", PW).await;
    let dave = ApiClient::login(b, "dave", PW).await;
    let carol = ApiClient::login(c, "carol", PW).await;

    // carol (C) and dave (B) join the group on A by following it.
    for (who, inst) in [(&carol, c), (&dave, b)] {
        let group = who.resolve(&format!("@groen@{}", a.domain)).await;
        who.ok_post(&format!("/api/v1/accounts/{group}/follow"), json!({}))
            .await;
        inst.drain().await;
    }
    a.drain().await;

    // alice posts to the group by mentioning it; the group passes it on.
    let post = alice
        .ok_post(
            "/api/v1/statuses",
            json!({ "status": format!("@groen@{} Geveltuinen vrijdag planten!", a.domain) }),
        )
        .await;
    let uri = post["uri"].as_str().unwrap().to_string();
    a.drain().await;
    let home = carol.ok("/api/v1/timelines/home").await;
    let seen =
        find_by_uri(&home, &uri).unwrap_or_else(|| panic!("group post not at carol: {home}"));
    let on_c = seen["id"].as_str().unwrap().to_string();
    // Both Announce forms went out: FEP-1b12 for Lemmy-like servers and the plain one for Mastodon.
    {
        use knooppunt_federation::engine::entity::activity;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let announces = activity::Entity::find()
            .filter(activity::Column::Kind.eq("Announce"))
            .all(&a.state.db)
            .await
            .unwrap();
        let bodies: Vec<serde_json::Value> = announces
            .iter()
            .map(|x| serde_json::from_str(&x.body).unwrap())
            .collect();
        assert!(
            bodies
                .iter()
                .any(|b| b["object"]["type"] == "Create" && b["object"]["object"]["id"] == uri),
            "Announce{{Create}}: {bodies:?}"
        );
        assert!(
            bodies.iter().any(|b| b["object"] == uri),
            "Announce{{id}}: {bodies:?}"
        );
    }

    // carol replies in the thread, addressing the group; it reaches dave on B through the group.
    let reply = carol
        .ok_post("/api/v1/statuses", json!({ "status": format!("@groen@{} Ik neem schepjes mee.", a.domain), "in_reply_to_id": on_c }))
        .await;
    c.drain().await;
    a.drain().await;
    let dave_home = dave.ok("/api/v1/timelines/home").await;
    assert!(
        find_by_uri(&dave_home, reply["uri"].as_str().unwrap()).is_some(),
        "carol's reply reached dave: {:?}",
        status_ids(&dave_home)
    );
    assert!(
        find_by_uri(&dave_home, &uri).is_some(),
        "alice's post reached dave"
    );
    let thread = alice
        .ok(&format!(
            "/api/v1/statuses/{}/context",
            post["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(
        thread["descendants"][0]["uri"], reply["uri"],
        "the reply is in the thread on A"
    );

    for i in instances {
        i.stop().await;
    }
}

#[tokio::test]
async fn locked_accounts_approve_remote_followers_and_polls_count_remote_votes() {
    let instances = TestInstance::start_many(2).await;
    let (a, b) = (&instances[0], &instances[1]);
    a.create_person("alice", PW).await;
    b.create_person("bob", PW).await;
    let alice = ApiClient::login(a, "alice", PW).await;
    let bob = ApiClient::login(b, "bob", PW).await;

    // alice locks her account; bob's follow waits for her approval.
    let (status, me) = alice
        .send_form_patch("/api/v1/accounts/update_credentials", &[("locked", "1")])
        .await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["locked"], true);
    let alice_on_b = bob.resolve(&format!("@alice@{}", a.domain)).await;
    bob.ok_post(&format!("/api/v1/accounts/{alice_on_b}/follow"), json!({}))
        .await;
    b.drain().await;
    let requests = alice.ok("/api/v1/follow_requests").await;
    assert_eq!(
        requests[0]["acct"],
        format!("bob@{}", b.domain),
        "{requests}"
    );
    a.drain().await;
    let rel = bob
        .ok(&format!("/api/v1/accounts/relationships?id[]={alice_on_b}"))
        .await;
    assert_eq!(
        (rel[0]["following"].clone(), rel[0]["requested"].clone()),
        (json!(false), json!(true)),
        "still pending: {rel}"
    );
    let requester = requests[0]["id"].as_str().unwrap();
    alice
        .ok_post(
            &format!("/api/v1/follow_requests/{requester}/authorize"),
            json!({}),
        )
        .await;
    a.drain().await;
    let rel = bob
        .ok(&format!("/api/v1/accounts/relationships?id[]={alice_on_b}"))
        .await;
    assert_eq!(
        rel[0]["following"], true,
        "accepted across instances: {rel}"
    );

    // alice asks; bob votes from B; the vote counts on A.
    let poll = alice
        .ok_post("/api/v1/statuses", json!({ "status": "Welke avond voor de wijkraad?", "poll": { "options": ["dinsdag", "donderdag"], "expires_in": 3600 } }))
        .await;
    a.drain().await;
    let home = bob.ok("/api/v1/timelines/home").await;
    let seen = find_by_uri(&home, poll["uri"].as_str().unwrap())
        .unwrap_or_else(|| panic!("poll not at bob: {home}"));
    assert_eq!(seen["poll"]["options"][1]["title"], "donderdag");
    let remote_poll = seen["poll"]["id"].as_str().unwrap();
    let voted = bob
        .ok_post(
            &format!("/api/v1/polls/{remote_poll}/votes"),
            json!({ "choices": ["1"] }),
        )
        .await;
    assert_eq!(voted["own_votes"], json!([1]));
    b.drain().await;
    let local_poll = poll["poll"]["id"].as_str().unwrap();
    let tally = alice.ok(&format!("/api/v1/polls/{local_poll}")).await;
    assert_eq!(tally["votes_count"], 1, "bob's vote arrived: {tally}");
    assert_eq!(tally["options"][1]["votes_count"], 1);

    // When the poll ends, alice hears of it.
    {
        use knooppunt::statuses::entity::poll;
        use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
        let id: i64 = local_poll.parse().unwrap();
        let row = poll::Entity::find_by_id(id)
            .one(&a.state.db)
            .await
            .unwrap()
            .unwrap();
        let mut active: poll::ActiveModel = row.into();
        active.expires_at = Set(Some(chrono::Utc::now() - chrono::Duration::seconds(1)));
        active.update(&a.state.db).await.unwrap();
    }
    // The background worker may get there first; either way it is announced once.
    knooppunt::statuses::service::notify_ended_polls(&a.state)
        .await
        .unwrap();
    let notes = alice.ok("/api/v1/notifications?types[]=poll").await;
    assert_eq!(notes.as_array().unwrap().len(), 1, "{notes}");
    assert_eq!(notes[0]["status"]["poll"]["expired"], true);
    assert_eq!(
        knooppunt::statuses::service::notify_ended_polls(&a.state)
            .await
            .unwrap(),
        0,
        "announced once"
    );

    for i in instances {
        i.stop().await;
    }
}

#[tokio::test]
async fn deliveries_wait_for_an_instance_that_is_down_and_arrive_when_it_is_back() {
    let (a, b, alice) = bob_follows_alice().await;

    // B goes down; alice posts twice; A tries, fails and backs off.
    let b_down = b.go_down().await;
    let first = alice
        .ok_post(
            "/api/v1/statuses",
            json!({ "status": "Eerste bericht terwijl B plat ligt" }),
        )
        .await;
    let second = alice
        .ok_post(
            "/api/v1/statuses",
            json!({ "status": "Tweede bericht terwijl B plat ligt" }),
        )
        .await;
    a.drain().await;
    let status = knooppunt::federation::outbox::status(&a.state.db)
        .await
        .unwrap();
    // The first Create to B failed and waits; the second waits behind it (order per inbox).
    assert_eq!(
        (status.pending, status.failing),
        (2, 1),
        "deliveries to B wait: {status:?}"
    );
    assert_eq!(
        status.failing_instances,
        vec![b_down.config.instance.domain.clone()]
    );
    assert_eq!(
        knooppunt::federation::outbox::deliver_due(&a.state)
            .await
            .unwrap(),
        0,
        "backed off: nothing to send now"
    );

    // B comes back with the same database; as soon as B talks to A, A resumes.
    let b = b_down.come_back().await;
    let bob = ApiClient::login(&b, "bob", PW).await;
    bob.ok_post(
        "/api/v1/statuses",
        json!({ "status": format!("@alice@{} Ik ben er weer", a.domain) }),
    )
    .await;
    b.drain().await;
    a.drain().await;
    let home = bob.ok("/api/v1/timelines/home").await;
    for post in [&first, &second] {
        assert!(
            find_by_uri(&home, post["uri"].as_str().unwrap()).is_some(),
            "{} arrived after the outage: {home}",
            post["uri"]
        );
    }
    let ids: Vec<String> = status_ids(&home);
    let pos = |uri: &serde_json::Value| {
        home.as_array()
            .unwrap()
            .iter()
            .position(|s| s["uri"] == *uri)
            .unwrap()
    };
    assert!(
        pos(&second["uri"]) < pos(&first["uri"]),
        "order kept (newest first): {ids:?}"
    );
    let status = knooppunt::federation::outbox::status(&a.state.db)
        .await
        .unwrap();
    assert_eq!((status.pending, status.failed), (0, 0), "{status:?}");
    assert!(status.failing_instances.is_empty());

    a.stop().await;
    b.stop().await;
}

#[tokio::test]
async fn a_group_that_approves_members_lets_them_in_across_instances() {
    let instances = TestInstance::start_many(2).await;
    let (a, b) = (&instances[0], &instances[1]);
    a.create_person("alice", PW).await;
    a.create_person("carol", PW).await;
    b.create_person("bob", PW).await;
    knooppunt::groups::service::create(
        &a.state.db,
        &a.state.config,
        "wijkraad",
        "alice",
        knooppunt::groups::JoinPolicy::Approval,
    )
    .await
    .unwrap();
    let alice = ApiClient::login(a, "alice", PW).await;
    let carol = ApiClient::login(a, "carol", PW).await;
    let bob = ApiClient::login(b, "bob", PW).await;

    let group_on_b = bob.resolve(&format!("@wijkraad@{}", a.domain)).await;
    let group_on_a = carol.resolve(&format!("@wijkraad@{}", a.domain)).await;
    let rel = bob
        .ok_post(&format!("/api/v1/accounts/{group_on_b}/follow"), json!({}))
        .await;
    assert_eq!(rel["requested"], true);
    let rel = carol
        .ok_post(&format!("/api/v1/accounts/{group_on_a}/follow"), json!({}))
        .await;
    assert_eq!(
        (rel["requested"].clone(), rel["following"].clone()),
        (json!(true), json!(false)),
        "{rel}"
    );
    b.drain().await;

    // Only owners and moderators see and answer the requests.
    let (status, body) = carol
        .get("/api/knooppunt/v1/groups/wijkraad/requests")
        .await;
    assert_eq!(status, 403, "{body}");
    let requests = alice.ok("/api/knooppunt/v1/groups/wijkraad/requests").await;
    let accts: Vec<&str> = requests
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["acct"].as_str().unwrap())
        .collect();
    // Both wait; which arrived first depends on when B's worker delivered.
    let bob_acct = format!("bob@{}", b.domain);
    let mut sorted = accts.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, vec![bob_acct.as_str(), "carol"], "{requests}");
    let id_of = |acct: &str| {
        requests
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["acct"] == acct)
            .and_then(|r| r["id"].as_str())
            .unwrap()
            .to_string()
    };
    let (carol_id, bob_id) = (id_of("carol"), id_of(&bob_acct));
    alice
        .ok_post(
            &format!("/api/knooppunt/v1/groups/wijkraad/requests/{bob_id}/approve"),
            json!({}),
        )
        .await;
    alice
        .ok_post(
            &format!("/api/knooppunt/v1/groups/wijkraad/requests/{carol_id}/reject"),
            json!({}),
        )
        .await;
    a.drain().await;

    let rel = bob
        .ok(&format!("/api/v1/accounts/relationships?id[]={group_on_b}"))
        .await;
    assert_eq!(
        rel[0]["following"], true,
        "bob was let in across instances: {rel}"
    );
    let rel = carol
        .ok(&format!("/api/v1/accounts/relationships?id[]={group_on_a}"))
        .await;
    assert_eq!(
        (rel[0]["following"].clone(), rel[0]["requested"].clone()),
        (json!(false), json!(false)),
        "{rel}"
    );
    assert_eq!(
        alice.ok("/api/knooppunt/v1/groups/wijkraad/requests").await,
        json!([])
    );
    let (status, _) = alice
        .post(
            "/api/knooppunt/v1/groups/wijkraad/requests/999/approve",
            json!({}),
        )
        .await;
    assert_eq!(status, 404);

    // A member's post to the group now reaches bob through the group.
    let post = alice
        .ok_post(
            "/api/v1/statuses",
            json!({ "status": format!("@wijkraad@{} Vergadering dinsdag", a.domain) }),
        )
        .await;
    a.drain().await;
    let home = bob.ok("/api/v1/timelines/home").await;
    assert!(
        find_by_uri(&home, post["uri"].as_str().unwrap()).is_some(),
        "{home}"
    );

    for i in instances {
        i.stop().await;
    }
}

#[tokio::test]
async fn a_deleted_account_disappears_from_other_instances() {
    let instances = TestInstance::start_many(2).await;
    let (a, b) = (&instances[0], &instances[1]);
    a.create_person("alice", PW).await;
    b.create_person("bob", PW).await;
    let alice = ApiClient::login(a, "alice", PW).await;
    let bob = ApiClient::login(b, "bob", PW).await;
    let alice_on_b = bob.resolve(&format!("@alice@{}", a.domain)).await;
    bob.ok_post(&format!("/api/v1/accounts/{alice_on_b}/follow"), json!({}))
        .await;
    b.drain().await;
    a.drain().await;
    let post = alice
        .ok_post(
            "/api/v1/statuses",
            json!({ "status": "Ik verhuis naar een andere wijk" }),
        )
        .await;
    a.drain().await;
    assert!(
        find_by_uri(
            &bob.ok("/api/v1/timelines/home").await,
            post["uri"].as_str().unwrap()
        )
        .is_some()
    );

    knooppunt::persons::service::delete(&a.state, "alice")
        .await
        .unwrap();
    a.drain().await;
    let home = bob.ok("/api/v1/timelines/home").await;
    assert!(
        find_by_uri(&home, post["uri"].as_str().unwrap()).is_none(),
        "alice's post is gone on B: {home}"
    );
    let (status, _) = bob.get(&format!("/api/v1/accounts/{alice_on_b}")).await;
    assert_eq!(status, 404, "alice's account is gone on B");
    assert_eq!(
        bob.ok("/api/v1/accounts/verify_credentials").await["following_count"],
        0
    );
    let gone = a.get_ap(&a.url("/users/alice")).await;
    assert_eq!(gone.status(), 410);
    let (status, _) = alice.get("/api/v1/accounts/verify_credentials").await;
    assert_eq!(status, 401, "the account cannot be used any more");
    assert!(
        knooppunt::persons::service::delete(&a.state, "alice")
            .await
            .is_err()
    );

    for i in instances {
        i.stop().await;
    }
}

#[tokio::test]
async fn an_operator_revives_an_instance_with_the_cli() {
    let (a, b, alice) = bob_follows_alice().await;

    let b_down = b.go_down().await;
    let b_domain = b_down.config.instance.domain.clone();
    let post = alice
        .ok_post(
            "/api/v1/statuses",
            json!({ "status": "Terwijl B plat ligt" }),
        )
        .await;
    a.drain().await;

    // The operator looks at the queue and, once B is back, retries it: the
    // same binary and commands as on a real server, on A's database.
    let dir = tempfile::tempdir().unwrap();
    let cli = |args: &[&str]| {
        knooppunt_tests::Knooppunt::new(dir.path(), args)
            .env("KNOOPPUNT_DATABASE__URL", &a.db.url)
            .env("KNOOPPUNT_INSTANCE__DOMAIN", &a.domain)
            .env("KNOOPPUNT_FEDERATION__ALLOW_HTTP", "true")
            .run()
    };
    let shown = cli(&["federation", "status"]);
    assert!(shown.success(), "{shown:?}");
    assert!(
        shown.stdout.contains("pending deliveries:   1"),
        "{}",
        shown.stdout
    );
    assert!(
        shown
            .stdout
            .contains(&format!("failing instances:    {b_domain}")),
        "{}",
        shown.stdout
    );
    let b = b_down.come_back().await;
    let retried = cli(&["federation", "retry", &b_domain]);
    assert!(retried.success(), "{retried:?}");
    assert!(
        retried
            .stdout
            .contains(&format!("revived {b_domain}: 1 deliveries due now")),
        "{}",
        retried.stdout
    );
    a.drain().await;
    let home = ApiClient::login(&b, "bob", PW)
        .await
        .ok("/api/v1/timelines/home")
        .await;
    assert!(
        find_by_uri(&home, post["uri"].as_str().unwrap()).is_some(),
        "delivered after the retry: {home}"
    );
    let shown = cli(&["federation", "status"]);
    assert!(
        shown.stdout.contains("pending deliveries:   0"),
        "{}",
        shown.stdout
    );
    assert!(
        shown.stdout.contains("failing instances:    -"),
        "{}",
        shown.stdout
    );

    a.stop().await;
    b.stop().await;
}

#[tokio::test]
async fn finished_deliveries_are_pruned_after_the_kept_days_and_waiting_ones_stay() {
    let (a, b, alice) = bob_follows_alice().await;
    let bob_id = format!("{}/users/bob", b.base_url);
    for text in ["Eerste", "Tweede"] {
        alice
            .ok_post("/api/v1/statuses", json!({ "status": text }))
            .await;
    }
    a.drain().await;
    let b_down = b.go_down().await;
    alice
        .ok_post(
            "/api/v1/statuses",
            json!({ "status": "Terwijl B plat ligt" }),
        )
        .await;
    a.drain().await;
    let before = knooppunt::federation::outbox::status(&a.state.db)
        .await
        .unwrap();
    // The Accept of bob's follow and two posts went out; one waits for B.
    assert_eq!((before.delivered, before.pending), (3, 1), "{before:?}");

    // Nothing is young enough to go yet.
    assert_eq!(
        knooppunt::federation::outbox::prune_finished(&a.state)
            .await
            .unwrap(),
        0
    );
    // Three weeks pass (the default keeps 14 days).
    use knooppunt_federation::engine::entity::{delivery, received};
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let weeks_ago = chrono::Utc::now() - chrono::Duration::days(21);
    delivery::Entity::update_many()
        .col_expr(
            delivery::Column::UpdatedAt,
            sea_orm::sea_query::Expr::value(weeks_ago),
        )
        .exec(&a.state.db)
        .await
        .unwrap();
    // A received bob's Follow and processed it; the journal keeps it as done.
    async fn received_from(a: &TestInstance, actor: &str) -> u64 {
        received::Entity::find()
            .filter(received::Column::ActorApId.eq(actor))
            .count(&a.state.db)
            .await
            .unwrap()
    }
    assert_eq!(received_from(&a, &bob_id).await, 1);
    received::Entity::update_many()
        .col_expr(
            received::Column::ProcessedAt,
            sea_orm::sea_query::Expr::value(Some(weeks_ago)),
        )
        .exec(&a.state.db)
        .await
        .unwrap();
    // The operator restarts A; its worker prunes at start (and hourly).
    let a = a.go_down().await.come_back().await;
    let mut after = knooppunt::federation::outbox::status(&a.state.db)
        .await
        .unwrap();
    // The worker prunes deliveries, then the journal: wait for both.
    for _ in 0..100 {
        if after.delivered == 0 && received_from(&a, &bob_id).await == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        after = knooppunt::federation::outbox::status(&a.state.db)
            .await
            .unwrap();
    }
    assert_eq!(before.delivered - after.delivered, 3, "{after:?}");
    assert_eq!((after.delivered, after.pending), (0, 1), "{after:?}");
    assert_eq!(
        received_from(&a, &bob_id).await,
        0,
        "the journal was pruned"
    );
    // The waiting delivery still arrives, and the outbox keeps every post.
    let b = b_down.come_back().await;
    knooppunt::federation::outbox::revive(&a.state.db, &b.domain)
        .await
        .unwrap();
    a.drain().await;
    let home = ApiClient::login(&b, "bob", PW)
        .await
        .ok("/api/v1/timelines/home")
        .await;
    assert_eq!(home.as_array().unwrap().len(), 3, "{home}");
    let outbox: serde_json::Value = a
        .get_ap(&a.url("/users/alice/outbox"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(outbox["totalItems"], 3, "{outbox}");
    a.stop().await;
    b.stop().await;
}

/// Two instances: alice on A, and bob on B who follows her (accepted).
async fn bob_follows_alice() -> (TestInstance, TestInstance, ApiClient) {
    let mut instances = TestInstance::start_many(2).await;
    let b = instances.pop().unwrap();
    let a = instances.pop().unwrap();
    a.create_person("alice", PW).await;
    b.create_person("bob", PW).await;
    let alice = ApiClient::login(&a, "alice", PW).await;
    let bob = ApiClient::login(&b, "bob", PW).await;
    let alice_on_b = bob.resolve(&format!("@alice@{}", a.domain)).await;
    bob.ok_post(&format!("/api/v1/accounts/{alice_on_b}/follow"), json!({}))
        .await;
    b.drain().await;
    a.drain().await;
    (a, b, alice)
}
