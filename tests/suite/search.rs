//! Full-text search through the database engine, over HTTP: Dutch and
//! English stems, statuses, accounts, groups, plans and events, here and
//! from another instance; what must not be found (deleted, edited away,
//! private, suspended); hostile queries; and filling the index of a
//! database that predates it.

use std::time::Duration;

use knooppunt_tests::api::urlencode;
use knooppunt_tests::wait::wait_until;
use knooppunt_tests::{ApiClient, TestInstance};
use serde_json::{Value, json};

const PW: &str = "lange wandeling 42";
const ADMIN_SCOPES: &str = "read write follow admin:read admin:write";

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("a list: {list}"))
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect()
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

/// Ids of the statuses `/api/v2/search` finds for `q`.
async fn statuses(client: &ApiClient, q: &str) -> Vec<String> {
    let found = client
        .ok(&format!("/api/v2/search?type=statuses&q={}", urlencode(q)))
        .await;
    ids(&found["statuses"])
}

/// `acct`s of the accounts `/api/v1/accounts/search` finds for `q`.
async fn accounts(client: &ApiClient, q: &str) -> Vec<String> {
    let found = client
        .ok(&format!("/api/v1/accounts/search?q={}", urlencode(q)))
        .await;
    found
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["acct"].as_str().unwrap().to_string())
        .collect()
}

async fn plans(client: &ApiClient, query: &str) -> Vec<String> {
    ids(&client
        .ok(&format!("/api/knooppunt/v1/plans/search?{query}"))
        .await)
}

async fn events(client: &ApiClient, query: &str) -> Vec<String> {
    ids(&client
        .ok(&format!("/api/knooppunt/v1/events/search?{query}"))
        .await)
}

async fn suspend(i: &TestInstance, admin: &ApiClient, who: &ApiClient, name: &str) {
    let account = who.resolve(&format!("@{name}")).await;
    let done = admin
        .ok_post(
            &format!("/api/knooppunt/v1/admin/accounts/{account}/action"),
            json!({ "type": "suspend", "reason": "spam" }),
        )
        .await;
    assert_eq!(done["suspended"], true, "{name} on {}: {done}", i.domain);
}

/// A post is found by another form of its words, in Dutch and in English;
/// an edit replaces its words, a deletion removes it; followers-only and
/// direct posts are not found by a stranger, nor is anything without an
/// account.
#[tokio::test]
async fn statuses_are_found_by_their_stems_and_follow_edits_and_deletions() {
    let i = TestInstance::start().await;
    for name in ["alice", "bob", "carol"] {
        i.create_person(name, PW).await;
    }
    let alice = ApiClient::login(&i, "alice", PW).await;
    let carol = ApiClient::login(&i, "carol", PW).await;
    let post = |text: &str, visibility: &str| json!({ "status": text, "visibility": visibility });
    let zebra = id(&alice
        .ok_post(
            "/api/v1/statuses",
            post("Een nieuw zebrapad bij de school", "public"),
        )
        .await);
    let walk = id(&alice
        .ok_post(
            "/api/v1/statuses",
            post("We walked to the old market", "public"),
        )
        .await);
    alice
        .ok_post(
            "/api/v1/statuses",
            post("Geheime verjaardag voor Daan", "private"),
        )
        .await;
    alice
        .ok_post(
            "/api/v1/statuses",
            post("@bob Geheime verjaardag, zeg niets", "direct"),
        )
        .await;

    assert_eq!(statuses(&carol, "zebrapaden").await, vec![zebra.clone()]);
    assert_eq!(
        statuses(&carol, "Zebrapad SCHOOL").await,
        vec![zebra.clone()]
    );
    assert_eq!(statuses(&carol, "walking").await, vec![walk.clone()]);
    assert_eq!(
        statuses(&carol, "zebrapad market").await,
        Vec::<String>::new(),
        "every word must match"
    );
    assert!(
        statuses(&carol, "verjaardag").await.is_empty(),
        "followers-only and direct posts are not found"
    );
    let anonymous = i
        .get("/api/v2/search?type=statuses&q=zebrapaden")
        .await
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(anonymous["statuses"], json!([]), "statuses need an account");

    let (code, edited) = alice
        .put(
            &format!("/api/v1/statuses/{zebra}"),
            json!({ "status": "Een nieuwe fietsenstalling bij het station" }),
        )
        .await;
    assert_eq!(code, 200, "{edited}");
    assert!(
        statuses(&carol, "zebrapaden").await.is_empty(),
        "old words are gone"
    );
    assert_eq!(statuses(&carol, "stations").await, vec![zebra.clone()]);

    let (code, _) = alice.delete(&format!("/api/v1/statuses/{walk}")).await;
    assert_eq!(code, 200);
    assert!(
        statuses(&carol, "walking").await.is_empty(),
        "a deleted post is gone"
    );
    i.stop().await;
}

/// Plans by their summary, text and theme (with the list's filters) and
/// by their new words after an edit; events by their place.
#[tokio::test]
async fn plans_and_events_are_found_by_their_words() {
    let i = TestInstance::start().await;
    i.create_person("alice", PW).await;
    let alice = ApiClient::login(&i, "alice", PW).await;

    let (code, plan) = alice
        .post(
            "/api/knooppunt/v1/plans",
            json!({
                "title": "Groener schoolplein",
                "summary": "Meer bomen en een moestuin voor de kinderen",
                "content": "<p>De <b>tegels</b> gaan eruit.</p>",
                "themes": ["natuur"],
            }),
        )
        .await;
    assert_eq!(code, 201, "{plan}");
    let plan = id(&plan);
    for query in [
        "q=moestuinen",
        "q=tegels",
        "q=natuur",
        "q=moestuinen&state=idea",
        "q=moestuinen&theme=%23natuur",
    ] {
        assert_eq!(plans(&alice, query).await, vec![plan.clone()], "{query}");
    }
    for query in [
        "q=speeltuinen",
        "q=moestuinen&state=adopted",
        "q=moestuinen&theme=verkeer",
    ] {
        assert!(plans(&alice, query).await.is_empty(), "{query}");
    }
    let (code, body) = alice
        .get("/api/knooppunt/v1/plans/search?q=moestuin&state=bogus")
        .await;
    assert_eq!(code, 422, "{body}");
    let (code, body) = alice
        .patch(
            &format!("/api/knooppunt/v1/plans/{plan}"),
            json!({ "summary": "Een speeltuin met klimrek" }),
        )
        .await;
    assert_eq!(code, 200, "{body}");
    assert_eq!(plans(&alice, "q=speeltuinen").await, vec![plan.clone()]);
    assert!(
        plans(&alice, "q=moestuinen").await.is_empty(),
        "the old summary is gone"
    );

    let event = |name: &str, starts_at: &str| {
        json!({
            "name": name,
            "starts_at": starts_at,
            "location": { "name": "Buurthuis De Kameel", "address": "Kleiweg 12, Rotterdam" },
        })
    };
    let (code, coming) = alice
        .post(
            "/api/knooppunt/v1/events",
            event("Snoeimiddag", "2030-03-14T14:00:00Z"),
        )
        .await;
    assert_eq!(code, 201, "{coming}");
    let (code, past) = alice
        .post(
            "/api/knooppunt/v1/events",
            event("Oude snoeimiddag", "2021-03-14T14:00:00Z"),
        )
        .await;
    assert_eq!(code, 201, "{past}");
    assert_eq!(events(&alice, "q=kleiweg").await, [id(&coming)]);
    assert_eq!(events(&alice, "q=Kameel%20Rotterdam").await, [id(&coming)]);
    let mut all = events(&alice, "q=kleiweg&past=true").await;
    all.sort();
    let mut both = vec![id(&coming), id(&past)];
    both.sort();
    assert_eq!(all, both, "past events on request");
    i.stop().await;
}

/// Accounts and groups by name (also as one types it) and by their
/// profile; a suspended account and all it wrote are found no more.
#[tokio::test]
async fn accounts_and_groups_are_found_until_suspended() {
    let i = TestInstance::start().await;
    for name in ["alice", "sam"] {
        i.create_person(name, PW).await;
    }
    let alice = ApiClient::login(&i, "alice", PW).await;
    let sam = ApiClient::login(&i, "sam", PW).await;
    i.create_admin("ada", PW).await;
    let admin = ApiClient::login_with(&i, "ada", PW, ADMIN_SCOPES).await;
    let (code, me) = alice
        .send_form_patch(
            "/api/v1/accounts/update_credentials",
            &[
                ("display_name", "Alice van Dijk"),
                ("note", "Ik hou van tuinieren en koken"),
            ],
        )
        .await;
    assert_eq!(code, 200, "{me}");
    for q in ["tuinieren", "ali", "van dijk", "@alice"] {
        assert_eq!(accounts(&sam, q).await, ["alice"], "{q}");
    }
    let found = sam.ok("/api/v2/search?type=accounts&q=dijk").await;
    assert_eq!(found["accounts"][0]["acct"], "alice", "{found}");
    let groups = sam.ok("/api/v1/accounts/search?q=wijk").await;
    assert_eq!(groups[0]["acct"], "wijk", "{groups}");
    assert_eq!(groups[0]["group"], true, "the neighbourhood is a group");

    // sam writes; found; suspended: nothing of sam is found any more.
    let status = id(&sam
        .ok_post(
            "/api/v1/statuses",
            json!({ "status": "Herrie bij de buurtbarbecue" }),
        )
        .await);
    let (_, sams_plan) = sam
        .post(
            "/api/knooppunt/v1/plans",
            json!({ "title": "Barbecue", "summary": "Elke avond een buurtbarbecue" }),
        )
        .await;
    let (_, sams_event) = sam
        .post(
            "/api/knooppunt/v1/events",
            json!({ "name": "Buurtbarbecue", "starts_at": "2030-06-01T18:00:00Z" }),
        )
        .await;
    assert!(statuses(&alice, "buurtbarbecue").await.contains(&status));
    assert_eq!(plans(&alice, "q=buurtbarbecue").await, [id(&sams_plan)]);
    assert_eq!(events(&alice, "q=buurtbarbecue").await, [id(&sams_event)]);
    assert_eq!(accounts(&alice, "sam").await, ["sam"]);
    suspend(&i, &admin, &alice, "sam").await;
    assert!(statuses(&alice, "buurtbarbecue").await.is_empty());
    assert!(plans(&alice, "q=buurtbarbecue").await.is_empty());
    assert!(events(&alice, "q=buurtbarbecue").await.is_empty());
    assert!(accounts(&alice, "sam").await.is_empty());
    i.stop().await;
}

/// bob on B and his posts are found on A once they arrived there; his
/// edits, profile changes and deletions follow.
#[tokio::test]
async fn remote_accounts_and_statuses_are_found_after_federation() {
    let instances = TestInstance::start_many(2).await;
    let (a, b) = (&instances[0], &instances[1]);
    a.create_person("alice", PW).await;
    b.create_person("bob", PW).await;
    let alice = ApiClient::login(a, "alice", PW).await;
    let bob = ApiClient::login(b, "bob", PW).await;
    let (code, me) = bob
        .send_form_patch(
            "/api/v1/accounts/update_credentials",
            &[("display_name", "Bob Bakker"), ("note", "Brood en banket")],
        )
        .await;
    assert_eq!(code, 200, "{me}");
    let bob_acct = format!("bob@{}", b.domain);
    assert!(
        accounts(&alice, "bakker").await.is_empty(),
        "not known on A yet"
    );
    let bob_on_a = alice.resolve(&format!("@{bob_acct}")).await;
    alice
        .ok_post(&format!("/api/v1/accounts/{bob_on_a}/follow"), json!({}))
        .await;
    TestInstance::drain_all(&instances).await;
    assert_eq!(accounts(&alice, "bakker").await, vec![bob_acct.clone()]);
    assert_eq!(accounts(&alice, "banket").await, vec![bob_acct.clone()]);

    let post = bob
        .ok_post(
            "/api/v1/statuses",
            json!({ "status": "De bakkerij op de hoek heeft weer zuurdesem" }),
        )
        .await;
    TestInstance::drain_all(&instances).await;
    let found = alice.ok("/api/v2/search?type=statuses&q=bakkerijen").await;
    assert_eq!(found["statuses"].as_array().unwrap().len(), 1, "{found}");
    assert_eq!(found["statuses"][0]["uri"], post["uri"]);
    assert_eq!(found["statuses"][0]["account"]["acct"], bob_acct);

    bob.put(
        &format!("/api/v1/statuses/{}", id(&post)),
        json!({ "status": "Vandaag geen brood: de oven is stuk" }),
    )
    .await;
    let (code, me) = bob
        .send_form_patch(
            "/api/v1/accounts/update_credentials",
            &[("display_name", "Bob de Ovenbouwer")],
        )
        .await;
    assert_eq!(code, 200, "{me}");
    TestInstance::drain_all(&instances).await;
    assert!(
        statuses(&alice, "bakkerijen").await.is_empty(),
        "edited away on A too"
    );
    assert_eq!(statuses(&alice, "ovens").await.len(), 1);
    assert_eq!(accounts(&alice, "ovenbouwer").await, vec![bob_acct.clone()]);
    assert!(
        accounts(&alice, "bakker").await.is_empty(),
        "the old name is gone"
    );

    bob.delete(&format!("/api/v1/statuses/{}", id(&post))).await;
    TestInstance::drain_all(&instances).await;
    assert!(
        statuses(&alice, "ovens").await.is_empty(),
        "deleted on A too"
    );
    for i in instances {
        i.stop().await;
    }
}

/// Syntax of FTS5 and of PostgreSQL's tsquery, and bytes no text has.
const HOSTILE: &[&str] = &[
    "\"",
    "*",
    "NEAR(",
    "NEAR(a b, 2)",
    "-",
    ":",
    "((",
    ")",
    "a\" OR \"b",
    "title:x",
    "^zebra",
    "'",
    "\\",
    "%",
    "_",
    "NOT",
    "AND OR",
    "&&",
    "!",
    "|",
    "<->",
    "a:*",
    "'a':* & b",
    "\u{0}",
    "\u{7f}\u{1b}[0m",
    "😀",
    "{}",
    "[]",
    "zebrapad\" OR \"x",
];

/// Search syntax of either engine, control characters and very long
/// queries are plain input: an answer (200), or 400 saying why; never an
/// error of the server. Words inside such syntax are still found.
#[tokio::test]
async fn hostile_queries_are_answered_not_failed() {
    let i = TestInstance::start().await;
    i.create_person("alice", PW).await;
    let alice = ApiClient::login(&i, "alice", PW).await;
    let zebra = id(&alice
        .ok_post(
            "/api/v1/statuses",
            json!({ "status": "Een nieuw zebrapad" }),
        )
        .await);
    let long = "zebrapad ".repeat(1200);
    let many: String = (0..40).map(|n| format!("woord{n} ")).collect();
    let mut hostile: Vec<String> = HOSTILE.iter().map(|q| q.to_string()).collect();
    hostile.extend([long.clone(), many]);
    let paths = [
        "/api/v2/search?q=",
        "/api/v2/search?resolve=true&q=",
        "/api/v1/accounts/search?q=",
        "/api/knooppunt/v1/plans/search?q=",
        "/api/knooppunt/v1/events/search?q=",
    ];
    for q in &hostile {
        for path in paths {
            let (code, body) = alice.get(&format!("{path}{}", urlencode(q))).await;
            let shown: String = q.chars().take(40).collect();
            match code {
                200 => {}
                400 => assert!(
                    body["error"]
                        .as_str()
                        .is_some_and(|e| e.starts_with("q: at most")),
                    "{path}{shown:?}: {body}"
                ),
                _ => panic!("{path}{shown:?}: {code} {body}"),
            }
        }
    }
    let (code, body) = alice
        .get(&format!("/api/v2/search?q={}", urlencode(&long)))
        .await;
    assert_eq!(code, 400, "{body}");
    assert_eq!(body["error"], "q: at most 1000 characters");
    for q in [
        "\"zebrapaden\"",
        "zebrapaden*",
        "-zebrapaden",
        "zebrapaden:",
        "(zebrapaden",
    ] {
        assert_eq!(statuses(&alice, q).await, vec![zebra.clone()], "{q}");
    }
    i.stop().await;
}

/// A database written before the index existed: once started, the server
/// indexes what is there while it serves (here: the migration undone and
/// done again).
#[tokio::test]
async fn what_predates_the_index_is_indexed_at_start() {
    use knooppunt_migrations::{Migrator, MigratorTrait};
    let i = TestInstance::start().await;
    i.create_person("alice", PW).await;
    let alice = ApiClient::login(&i, "alice", PW).await;
    let zebra = id(&alice
        .ok_post(
            "/api/v1/statuses",
            json!({ "status": "Een nieuw zebrapad" }),
        )
        .await);
    let (_, plan) = alice
        .post(
            "/api/knooppunt/v1/plans",
            json!({ "title": "Schoolplein", "summary": "Een moestuin" }),
        )
        .await;
    let (_, event) = alice
        .post(
            "/api/knooppunt/v1/events",
            json!({ "name": "Snoeimiddag", "starts_at": "2030-03-14T14:00:00Z", "location": { "address": "Kleiweg 12" } }),
        )
        .await;
    let down = i.go_down().await;
    {
        let db = sea_orm::Database::connect(&down.db.url).await.unwrap();
        let names: Vec<String> = Migrator::migrations()
            .iter()
            .map(|m| m.name().to_string())
            .collect();
        let from = names
            .iter()
            .position(|n| n.ends_with("_search"))
            .expect("the search migration");
        Migrator::down(&db, Some(u32::try_from(names.len() - from).unwrap()))
            .await
            .unwrap();
        db.close().await.unwrap();
    }
    let i = down.come_back().await;
    let alice = ApiClient::login(&i, "alice", PW).await;
    // It serves at once; the index fills in the background.
    let want = (
        vec![zebra],
        vec![id(&plan)],
        vec![id(&event)],
        vec!["alice".to_string()],
    );
    wait_until(Duration::from_secs(30), "the index is filled", async || {
        let found = (
            statuses(&alice, "zebrapaden").await,
            plans(&alice, "q=moestuinen").await,
            events(&alice, "q=kleiweg").await,
            accounts(&alice, "ali").await,
        );
        if found == want {
            Ok(())
        } else {
            Err(format!("found {found:?}"))
        }
    })
    .await;
    i.stop().await;
}
