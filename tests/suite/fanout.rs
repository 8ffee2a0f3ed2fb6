//! Fan-out at size: a post to 70,000 remote followers is written as one
//! delivery row per distinct inbox, within every engine's limit on bound
//! values; and a burst of supports on a plan reaches other instances as a
//! handful of coalesced Updates, even across a restart.

use std::time::{Duration, Instant};

use knooppunt::plans::entity::update_due;
use knooppunt_federation::engine::entity::{activity, delivery, instance};
use knooppunt_tests::seed::{self, RemoteActors};
use knooppunt_tests::{ApiClient, TestInstance};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter,
};
use serde_json::{Value, json};

const PW: &str = "lange wandeling 42";

/// Followers on one host with their own inboxes: one delivery each.
const FOLLOWERS: usize = 70_000;

/// Marks `hosts` dead, so the worker leaves their deliveries alone: nothing
/// listens there, and the test is about the rows, not the sending.
async fn dead(db: &DatabaseConnection, hosts: &[&str]) {
    for host in hosts {
        instance::ActiveModel {
            host: Set(host.to_string()),
            failing_since: Set(Some(chrono::Utc::now())),
            last_success_at: Set(None),
            dead: Set(true),
        }
        .insert(db)
        .await
        .unwrap();
    }
}

/// The deliveries of the Create of the status with AP id `uri`.
async fn deliveries_of_create(db: &DatabaseConnection, uri: &str) -> Vec<(String, String)> {
    use sea_orm::QuerySelect;
    let create = Query::select()
        .column(activity::Column::Id)
        .from(activity::Entity)
        .and_where(activity::Column::Kind.eq("Create"))
        .and_where(activity::Column::ObjectApId.eq(uri))
        .to_owned();
    delivery::Entity::find()
        .select_only()
        .column(delivery::Column::InboxUrl)
        .column(delivery::Column::Host)
        .filter(delivery::Column::ActivityId.in_subquery(create))
        .into_tuple()
        .all(db)
        .await
        .unwrap()
}

/// Where the seeded followers live; all marked dead.
const HOSTS: [&str; 7] = [
    "127.0.0.9:1",
    "127.0.0.10:1",
    "127.0.0.11:1",
    "127.0.0.12:1",
    "127.0.0.13:1",
    "127.0.0.14:1",
    "127.0.0.15:1",
];

/// Remote actors as `spec` says, following `target` (accepted or pending).
async fn followers(
    a: &TestInstance,
    target: i64,
    spec: RemoteActors<'_>,
    accepted: bool,
) -> Vec<i64> {
    let ids = seed::remote_actors(&a.state.db, &spec).await;
    seed::follows(&a.state.db, &ids, target, accepted).await;
    ids
}

/// Remote actors named `name` on `host` with inboxes of their own.
fn on(host: &'static str, name: &'static str, count: usize) -> RemoteActors<'static> {
    RemoteActors {
        host,
        name,
        range: 0..count,
        inbox: None,
        shared_inbox: None,
    }
}

/// Followers of `target` in every shape a fan-out meets; returns the ids
/// of the many with inboxes of their own.
async fn seed_followers(a: &TestInstance, target: i64, local_follower: i64) -> Vec<i64> {
    dead(&a.state.db, &HOSTS).await;
    let many = followers(a, target, on(HOSTS[0], "u", FOLLOWERS), true).await;
    // A few thousand behind one shared inbox on their own host: one delivery.
    let shared = RemoteActors {
        shared_inbox: Some("http://127.0.0.10:1/inbox"),
        ..on(HOSTS[1], "s", 3_000)
    };
    followers(a, target, shared, true).await;
    // A shared inbox on another host (stored before that was refused) is
    // not used: their own inboxes are.
    let foreign = RemoteActors {
        shared_inbox: Some("http://127.0.0.12:1/inbox"),
        ..on(HOSTS[2], "f", 5)
    };
    followers(a, target, foreign, true).await;
    // A shared inbox written in upper case is still on their host: one
    // delivery, worked out outside SQL.
    let upper = RemoteActors {
        shared_inbox: Some("HTTP://127.0.0.13:1/inbox"),
        ..on(HOSTS[4], "c", 3)
    };
    followers(a, target, upper, true).await;
    // Inboxes on our own domain are never delivered to.
    let ours = format!("{}/users/bob/inbox", a.base_url);
    let on_our_domain = |_: usize| ours.clone();
    let odd = RemoteActors {
        inbox: Some(&on_our_domain),
        ..on(HOSTS[5], "o", 2)
    };
    followers(a, target, odd, true).await;
    // Follows not accepted, and a local follower: no delivery.
    followers(a, target, on(HOSTS[6], "p", 10), false).await;
    seed::follows(&a.state.db, &[local_follower], target, true).await;
    many
}

/// The deliveries of one post to the seeded followers: one per inbox.
fn check_deliveries(a: &TestInstance, rows: &[(String, String)]) {
    let count = |host: &str| rows.iter().filter(|(_, h)| h == host).count();
    assert_eq!(rows.len(), FOLLOWERS + 1 + 5 + 1, "every delivery row");
    assert_eq!(count(HOSTS[0]), FOLLOWERS, "one delivery per own inbox");
    assert_eq!(count(HOSTS[1]), 1, "one delivery to the shared inbox");
    assert_eq!(
        count(HOSTS[2]),
        5,
        "own inboxes, not the foreign shared one"
    );
    assert_eq!(count(HOSTS[3]), 0, "nothing to the foreign shared inbox");
    assert_eq!(count(HOSTS[4]), 1, "the upper-case shared inbox, once");
    assert!(rows.contains(&("HTTP://127.0.0.13:1/inbox".into(), HOSTS[4].into())));
    assert_eq!(count(HOSTS[6]), 0, "no delivery for a pending follow");
    assert!(
        rows.iter()
            .all(|(inbox, host)| host != &a.domain && !inbox.starts_with(&a.base_url)),
        "never to ourselves"
    );
    let distinct: std::collections::HashSet<&String> = rows.iter().map(|(i, _)| i).collect();
    assert_eq!(distinct.len(), rows.len(), "one delivery per inbox");
}

#[tokio::test]
async fn a_post_to_seventy_thousand_followers_writes_one_delivery_per_inbox() {
    let a = TestInstance::start().await;
    let db = &a.state.db;
    let alice = a.create_person("alice", PW).await;
    let bob = a.create_person("bob", PW).await;
    let seeded = Instant::now();
    let many = seed_followers(&a, alice.id, bob.id).await;
    eprintln!("seeded in {:?}", seeded.elapsed());

    let client = ApiClient::login(&a, "alice", PW).await;
    let posted = Instant::now();
    let (code, status) = client
        .post(
            "/api/v1/statuses",
            json!({ "status": "Iedereen welkom op het plein.", "visibility": "public" }),
        )
        .await;
    eprintln!("posted to {FOLLOWERS} followers in {:?}", posted.elapsed());
    assert_eq!(code, 200, "{status}");
    check_deliveries(
        &a,
        &deliveries_of_create(db, status["uri"].as_str().unwrap()).await,
    );

    // A reply to one of the followers: its author is a follower too, so
    // its inbox still gets one delivery.
    let parent = knooppunt::statuses::entity::status::ActiveModel {
        ap_id: Set("http://127.0.0.9:1/users/u0/statuses/1".into()),
        actor_id: Set(many[0]),
        content: Set("<p>Wie helpt mee?</p>".into()),
        spoiler_text: Set(String::new()),
        sensitive: Set(false),
        visibility: Set("public".into()),
        local: Set(false),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    let (code, reply) = client
        .post(
            "/api/v1/statuses",
            json!({ "status": "Ik!", "in_reply_to_id": parent.id.to_string() }),
        )
        .await;
    assert_eq!(code, 200, "{reply}");
    check_deliveries(
        &a,
        &deliveries_of_create(db, reply["uri"].as_str().unwrap()).await,
    );
    a.stop().await;
}

/// Update deliveries to `host` of the plan whose post has AP id `uri`.
async fn updates_to(db: &DatabaseConnection, uri: &str, host: &str) -> u64 {
    let updates = Query::select()
        .column(activity::Column::Id)
        .from(activity::Entity)
        .and_where(activity::Column::Kind.eq("Update"))
        .and_where(activity::Column::ObjectApId.eq(uri))
        .to_owned();
    delivery::Entity::find()
        .filter(delivery::Column::ActivityId.in_subquery(updates))
        .filter(delivery::Column::Host.eq(host))
        .count(db)
        .await
        .unwrap()
}

/// Waits until `bob` sees `supports` on the copy at `copy_path`.
async fn wait_for_supports(bob: &ApiClient, copy_path: &str, supports: u64, within: Duration) {
    let deadline = Instant::now() + within;
    loop {
        let copy = bob.ok(copy_path).await;
        if copy["supports_count"] == supports {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the copy shows {} supports, not {supports}: {copy}",
            copy["supports_count"]
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Two instances, a plan on A whose neighbourhood B's bob follows; A
/// coalesces count Updates over `interval` seconds. Returns the plan's
/// path on A, its AP id, and its copy's path on B.
async fn plan_followed_elsewhere(interval: u64) -> (Vec<TestInstance>, String, String, String) {
    let instances = TestInstance::start_many_with(2, |c| {
        c.federation.plan_update_interval_secs = interval;
    })
    .await;
    let (a, b) = (&instances[0], &instances[1]);
    a.create_person("alice", PW).await;
    b.create_person("bob", PW).await;
    let alice = ApiClient::login(a, "alice", PW).await;
    let bob = ApiClient::login(b, "bob", PW).await;
    let hood = bob.resolve(&format!("@wijk@{}", a.domain)).await;
    bob.ok_post(&format!("/api/v1/accounts/{hood}/follow"), json!({}))
        .await;
    TestInstance::drain_all(&instances).await;
    let (code, plan) = alice
        .post(
            "/api/knooppunt/v1/plans",
            json!({ "title": "Bankjes op het plein", "summary": "Om even te zitten." }),
        )
        .await;
    assert_eq!(code, 201, "{plan}");
    TestInstance::drain_all(&instances).await;
    let uri = plan["uri"].as_str().unwrap().to_string();
    let copy = bob.plan_by_uri(&uri).await;
    let path = format!("/api/knooppunt/v1/plans/{}", plan["id"].as_str().unwrap());
    let copy_path = format!("/api/knooppunt/v1/plans/{}", copy["id"].as_str().unwrap());
    (instances, path, uri, copy_path)
}

/// Supports given at once, each through the API with its own token.
async fn support_all(a: &TestInstance, tokens: &[String], path: &str) {
    use futures_util::StreamExt;
    let support = format!("{path}/support");
    let answers: Vec<(u16, Value)> = futures_util::stream::iter(tokens)
        .map(|t| {
            let support = support.clone();
            async move { ApiClient::with_token(a, t).post(&support, json!({})).await }
        })
        .buffer_unordered(8)
        .collect()
        .await;
    for (code, body) in answers {
        assert_eq!(code, 200, "{body}");
    }
}

/// Supports in the burst: the 1,000.
const BURST: usize = 1_000;

#[tokio::test]
async fn a_burst_of_supports_reaches_a_follower_as_a_handful_of_updates() {
    // Long against one support, short against the whole burst.
    let interval = 5;
    let (instances, path, uri, copy_path) = plan_followed_elsewhere(interval).await;
    let (a, b) = (&instances[0], &instances[1]);
    let tokens = seed::local_people(a, "fan", BURST).await;
    let bob = ApiClient::login(b, "bob", PW).await;
    let before = updates_to(&a.state.db, &uri, &b.domain).await;

    let burst = Instant::now();
    support_all(a, &tokens, &path).await;
    let took = burst.elapsed();
    eprintln!("{BURST} supports in {took:?}");
    let alice = ApiClient::login(a, "alice", PW).await;
    assert_eq!(alice.ok(&path).await["supports_count"], BURST as u64);
    wait_for_supports(&bob, &copy_path, BURST as u64, Duration::from_secs(60)).await;

    // At most one Update per interval while the burst lasted, and the last:
    // a handful (about 5 when the burst takes 20 s), not one per support.
    let sent = updates_to(&a.state.db, &uri, &b.domain).await - before;
    let bound = took.as_secs() / interval + 2;
    eprintln!("{sent} Update deliveries to B for {BURST} supports (at most {bound})");
    assert!(sent >= 1, "the counts were sent");
    assert!(
        sent <= bound,
        "{sent} Updates for {BURST} supports in {took:?}"
    );
    let still_due = update_due::Entity::find().count(&a.state.db).await.unwrap();
    assert_eq!(still_due, 0, "nothing left to send");
    for i in instances {
        i.stop().await;
    }
}

#[tokio::test]
async fn a_due_update_survives_a_restart() {
    let (mut instances, path, uri, copy_path) = plan_followed_elsewhere(4).await;
    let b = instances.pop().unwrap();
    let a = instances.pop().unwrap();
    let tokens = seed::local_people(&a, "fan", 1).await;
    let bob = ApiClient::login(&b, "bob", PW).await;
    let before = updates_to(&a.state.db, &uri, &b.domain).await;
    support_all(&a, &tokens, &path).await;
    let down = a.go_down().await;

    // Down before the Update was due: it waits in the database, unsent.
    let db = sea_orm::Database::connect(&down.db.url).await.unwrap();
    assert_eq!(update_due::Entity::find().count(&db).await.unwrap(), 1);
    assert_eq!(updates_to(&db, &uri, &b.domain).await, before);
    db.close().await.unwrap();

    let a = down.come_back().await;
    wait_for_supports(&bob, &copy_path, 1, Duration::from_secs(30)).await;
    assert_eq!(updates_to(&a.state.db, &uri, &b.domain).await, before + 1);
    a.stop().await;
    b.stop().await;
}

#[tokio::test]
async fn an_owners_edit_goes_at_once_and_carries_the_counts() {
    // Longer than the test: counts arrive only with the edit's Update.
    let (instances, path, uri, copy_path) = plan_followed_elsewhere(3_600).await;
    let (a, b) = (&instances[0], &instances[1]);
    let tokens = seed::local_people(a, "fan", 3).await;
    let before = updates_to(&a.state.db, &uri, &b.domain).await;
    support_all(a, &tokens, &path).await;
    TestInstance::drain_all(&instances).await;
    assert_eq!(updates_to(&a.state.db, &uri, &b.domain).await, before);
    assert_eq!(
        update_due::Entity::find().count(&a.state.db).await.unwrap(),
        1
    );
    let bob = ApiClient::login(b, "bob", PW).await;
    assert_eq!(bob.ok(&copy_path).await["supports_count"], 0);

    let alice = ApiClient::login(a, "alice", PW).await;
    let (code, body) = alice
        .patch(&path, json!({ "title": "Bankjes en een boom" }))
        .await;
    assert_eq!(code, 200, "{body}");
    assert_eq!(
        update_due::Entity::find().count(&a.state.db).await.unwrap(),
        0
    );
    TestInstance::drain_all(&instances).await;
    assert_eq!(updates_to(&a.state.db, &uri, &b.domain).await, before + 1);
    let copy = bob.ok(&copy_path).await;
    assert_eq!(copy["title"], "Bankjes en een boom", "{copy}");
    assert_eq!(copy["supports_count"], 3, "{copy}");
    for i in instances {
        i.stop().await;
    }
}
