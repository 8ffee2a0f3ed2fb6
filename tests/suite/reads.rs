//! Reads cost a fixed number of SQL statements, whatever their length
//! (counted by the server itself with `debug.count_statements`), and the
//! plan, event, argument and advice lists page with `Link` headers that
//! reach every item once.

use chrono::{Duration, Utc};
use knooppunt_tests::{ApiClient, TestInstance};
use serde_json::{Value, json};

const PW: &str = "lange wandeling 42";

/// One instance that counts its statements, with alice and bob signed in.
async fn counting_instance() -> (TestInstance, ApiClient, ApiClient) {
    let a = TestInstance::start_many_with(1, |c| c.debug.count_statements = true)
        .await
        .pop()
        .unwrap();
    a.create_person("alice", PW).await;
    a.create_person("bob", PW).await;
    let alice = ApiClient::login(&a, "alice", PW).await;
    let bob = ApiClient::login(&a, "bob", PW).await;
    (a, alice, bob)
}

/// A GET's statement count, body and `Link` header.
struct Answer {
    statements: u64,
    body: Value,
    link: Option<String>,
}

/// GET as `who` (or anonymously); it must succeed and be counted.
async fn get(a: &TestInstance, who: Option<&ApiClient>, path_or_url: &str) -> Answer {
    let url = if path_or_url.starts_with("http") {
        path_or_url.to_string()
    } else {
        a.url(path_or_url)
    };
    let mut request = a.client.get(&url);
    if let Some(c) = who {
        request = request.bearer_auth(&c.token);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200, "GET {url}");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
    };
    let statements = header("x-statements")
        .unwrap_or_else(|| panic!("GET {url} is not counted"))
        .parse()
        .unwrap();
    let link = header("link");
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Answer {
        statements,
        body,
        link,
    }
}

/// The statements of the same read of `n_small` and of `n_large` items
/// (the paths differ in `limit` or in what they point at), which must be
/// equal: the cost does not grow with the length.
async fn same_cost(
    a: &TestInstance,
    who: Option<&ApiClient>,
    what: &str,
    small: (&str, usize),
    large: (&str, usize),
    items: impl Fn(&Value) -> usize,
) {
    let (s, l) = (get(a, who, small.0).await, get(a, who, large.0).await);
    assert_eq!(items(&s.body), small.1, "{what}, small: {}", s.body);
    assert_eq!(items(&l.body), large.1, "{what}, large: {}", l.body);
    eprintln!(
        "{what}: {} statements for {}, {} for {}",
        s.statements, small.1, l.statements, large.1
    );
    assert_eq!(
        s.statements, l.statements,
        "{what}: {} items took {} statements, {} took {}",
        small.1, s.statements, large.1, l.statements
    );
}

/// Runs `make(i)` for `0..n`, eight at a time; the results in order of `i`.
async fn concurrently<T, F: std::future::Future<Output = T>>(
    n: usize,
    make: impl FnMut(usize) -> F,
) -> Vec<T> {
    use futures_util::StreamExt;
    futures_util::stream::iter((0..n).map(make))
        .buffered(8)
        .collect()
        .await
}

fn len(v: &Value) -> usize {
    v.as_array().map_or(0, Vec::len)
}

fn arguments_len(v: &Value) -> usize {
    ["pro", "contra", "comments"]
        .iter()
        .map(|k| len(&v[k]))
        .sum()
}

async fn created(client: &ApiClient, path: &str, body: Value) -> Value {
    let (code, answer) = client.post(path, body).await;
    assert!(code == 200 || code == 201, "POST {path}: {code} {answer}");
    answer
}

async fn new_plan(alice: &ApiClient, title: &str) -> Value {
    created(
        alice,
        "/api/knooppunt/v1/plans",
        json!({ "title": title, "themes": ["groen", "verkeer"] }),
    )
    .await
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_list_of_100_plans_takes_at_most_10_statements() {
    let (a, alice, bob) = counting_instance().await;
    concurrently(100, |i| {
        let (alice, bob) = (&alice, &bob);
        async move {
            let plan = new_plan(alice, &format!("Plan {i}")).await;
            if i.is_multiple_of(10) {
                let path = format!("/api/knooppunt/v1/plans/{}", id(&plan));
                created(bob, &format!("{path}/support"), json!({})).await;
                let argument = json!({ "text": "Ja!", "stance": "pro" });
                created(bob, &format!("{path}/arguments"), argument).await;
            }
        }
    })
    .await;
    for who in [None, Some(&alice), Some(&bob)] {
        let answer = get(&a, who, "/api/knooppunt/v1/plans?limit=100").await;
        let list = answer.body.as_array().unwrap();
        assert_eq!(list.len(), 100);
        // The counts are there, read in the same statements.
        let supported: Vec<&Value> = list.iter().filter(|p| p["supports_count"] == 1).collect();
        assert_eq!(supported.len(), 10);
        assert!(supported.iter().all(|p| p["arguments_count"]["pro"] == 1));
        let n = answer.statements;
        eprintln!("100 plans: {n} statements");
        assert!(n <= 10, "100 plans took {n} statements");
    }
    a.stop().await;
}

/// A plan by alice with a poll, bob's support and argument, and advice
/// asked of bob.
async fn rich_plan(alice: &ApiClient, bob: &ApiClient, bob_id: &str, i: usize) -> String {
    let plan = id(&new_plan(alice, &format!("Plan {i}")).await);
    let path = format!("/api/knooppunt/v1/plans/{plan}");
    created(
        alice,
        &format!("{path}/polls"),
        json!({ "question": "Welke kleur?", "options": ["rood", "groen"] }),
    )
    .await;
    created(bob, &format!("{path}/support"), json!({})).await;
    created(
        bob,
        &format!("{path}/arguments"),
        json!({ "text": "Goed", "stance": "pro" }),
    )
    .await;
    created(
        alice,
        &format!("{path}/advice"),
        json!({ "account_id": bob_id, "question": "Kan dit?" }),
    )
    .await;
    plan
}

/// A plan and its web page cost the same with 5 or 50 of everything.
async fn plan_pages_cost_the_same(
    a: &TestInstance,
    who: Option<&ApiClient>,
    small: &str,
    large: &str,
) {
    let (s, l) = (get(a, who, small).await, get(a, who, large).await);
    assert_eq!(l.body["arguments_count"]["pro"], 17, "{}", l.body);
    assert_eq!(len(&l.body["advice"]), 50);
    assert_eq!(s.statements, l.statements, "a plan with 5 or 50 of each");
    let web = |p: &str| p.replace("/api/knooppunt/v1/plans/", "/plans/");
    let (s, l) = (
        get(a, who, &web(small)).await,
        get(a, who, &web(large)).await,
    );
    assert!(l.body.as_str().unwrap().contains("Argument 49"));
    assert_eq!(
        s.statements, l.statements,
        "a plan's page with 5 or 50 of each"
    );
}

/// A plan with `n` arguments and comments by bob, `n` pieces of advice
/// asked of him, and `n` edits in its history; returns its API path.
async fn plan_with(alice: &ApiClient, bob: &ApiClient, bob_id: &str, n: usize) -> String {
    let plan = id(&new_plan(alice, &format!("Plan met {n}")).await);
    let path = format!("/api/knooppunt/v1/plans/{plan}");
    concurrently(n, |i| {
        let path = &path;
        async move {
            let stance = ["pro", "contra", ""][i % 3];
            let argument = json!({ "text": format!("Argument {i}"), "stance": stance });
            created(bob, &format!("{path}/arguments"), argument).await;
            let question = json!({ "account_id": bob_id, "question": format!("Vraag {i}") });
            created(alice, &format!("{path}/advice"), question).await;
            let edit = json!({ "summary": format!("Versie {i}") });
            let (code, body) = alice.patch(path, edit).await;
            assert_eq!(code, 200, "{body}");
        }
    })
    .await;
    path
}

#[tokio::test]
async fn plans_arguments_and_advice_cost_the_same_for_5_and_50() {
    let (a, alice, bob) = counting_instance().await;
    let bob_id = alice.resolve(&format!("@bob@{}", a.domain)).await;
    // 45 plans, then the 5 newest with everything a plan shows: the short
    // list and the long one run the same kinds of queries.
    concurrently(45, |i| {
        let alice = &alice;
        async move { new_plan(alice, &format!("Plan {i}")).await }
    })
    .await;
    concurrently(5, |i| rich_plan(&alice, &bob, &bob_id, i)).await;
    for who in [None, Some(&bob)] {
        same_cost(
            &a,
            who,
            "plan list",
            ("/api/knooppunt/v1/plans?limit=5", 5),
            ("/api/knooppunt/v1/plans?limit=50", 50),
            len,
        )
        .await;
        same_cost(
            &a,
            who,
            "plan search",
            ("/api/knooppunt/v1/plans/search?q=plan&limit=5", 5),
            ("/api/knooppunt/v1/plans/search?q=plan&limit=40", 40),
            len,
        )
        .await;
    }
    // One plan with 5 of each, and one with 50.
    let small = plan_with(&alice, &bob, &bob_id, 5).await;
    let large = plan_with(&alice, &bob, &bob_id, 50).await;
    let (small, large) = (&small, &large);
    for who in [None, Some(&bob)] {
        for (what, tail, sizes, count) in [
            (
                "arguments",
                "/arguments?limit=200",
                (5, 50),
                arguments_len as fn(&Value) -> usize,
            ),
            ("advice", "/advice?limit=200", (5, 50), len),
            // Made, then edited 5 or 50 times.
            ("history", "/history", (6, 51), len),
        ] {
            same_cost(
                &a,
                who,
                what,
                (&format!("{small}{tail}"), sizes.0),
                (&format!("{large}{tail}"), sizes.1),
                count,
            )
            .await;
        }
        plan_pages_cost_the_same(&a, who, small, large).await;
    }
    // Arguments page too: 5 or 50 of one plan.
    same_cost(
        &a,
        Some(&bob),
        "arguments page",
        (&format!("{large}/arguments?limit=5"), 5),
        (&format!("{large}/arguments?limit=50"), 50),
        arguments_len,
    )
    .await;
    a.stop().await;
}

/// The URL of the `rel` link in a `Link` header.
fn link(header: &Option<String>, rel: &str) -> Option<String> {
    header.as_deref()?.split(", ").find_map(|part| {
        let (url, params) = part.split_once("; ")?;
        (params == format!("rel=\"{rel}\"")).then(|| {
            url.trim_start_matches('<')
                .trim_end_matches('>')
                .to_string()
        })
    })
}

/// Follows `rel` links from `start` until a page is empty: the ids of each
/// page, in the order pages come.
async fn walk(
    a: &TestInstance,
    start: &str,
    rel: &str,
    ids: impl Fn(&Value) -> Vec<String>,
) -> Vec<Vec<String>> {
    let mut pages = vec![];
    let mut next = Some(start.to_string());
    while let Some(url) = next {
        let answer = get(a, None, &url).await;
        let page = ids(&answer.body);
        if page.is_empty() {
            break;
        }
        pages.push(page);
        assert!(pages.len() < 100, "{rel} links go on and on");
        next = link(&answer.link, rel);
        assert!(next.is_some(), "a page without a {rel} link: {url}");
    }
    pages
}

/// Every item once, in order, forwards; and back from the last page with
/// the `prev` links, the same pages in reverse.
async fn pages_reach_everything(
    a: &TestInstance,
    first: &str,
    expected: &[String],
    ids: impl Fn(&Value) -> Vec<String> + Copy,
) {
    let pages = walk(a, first, "next", ids).await;
    let flat: Vec<String> = pages.concat();
    assert_eq!(flat, expected, "{first}: pages forwards");
    assert!(pages.len() > 2, "{first}: more than two pages");
    let last = get(a, None, first).await;
    let mut url = link(&last.link, "next").unwrap();
    // To the last page, then back.
    loop {
        let answer = get(a, None, &url).await;
        let next = link(&answer.link, "next").unwrap();
        if ids(&get(a, None, &next).await.body).is_empty() {
            break;
        }
        url = next;
    }
    let last_page = get(a, None, &url).await;
    let prev = link(&last_page.link, "prev").unwrap();
    let mut back = walk(a, &prev, "prev", ids).await;
    back.reverse();
    back.push(ids(&last_page.body));
    assert_eq!(back, pages, "{first}: pages backwards");
}

/// Ids sorted as numbers, newest (highest) first when `descending`.
fn by_number(ids: Vec<String>, descending: bool) -> Vec<String> {
    let mut numbers: Vec<i64> = ids.iter().map(|i| i.parse().unwrap()).collect();
    numbers.sort_unstable();
    if descending {
        numbers.reverse();
    }
    numbers.iter().map(i64::to_string).collect()
}

fn ids_of(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(id).collect()
}

fn argument_ids(v: &Value) -> Vec<String> {
    let mut all: Vec<i64> = ["pro", "contra", "comments"]
        .iter()
        .flat_map(|k| ids_of(&v[k]))
        .map(|i| i.parse().unwrap())
        .collect();
    all.sort_unstable();
    all.iter().map(i64::to_string).collect()
}

#[tokio::test]
async fn plan_event_argument_and_advice_lists_page_through_every_item() {
    let (a, alice, bob) = counting_instance().await;
    let bob_id = alice.resolve(&format!("@bob@{}", a.domain)).await;
    let plans = concurrently(23, |i| {
        let alice = &alice;
        async move { id(&new_plan(alice, &format!("Plan {i}")).await) }
    })
    .await;
    let plans = by_number(plans, true);
    pages_reach_everything(&a, "/api/knooppunt/v1/plans?limit=5", &plans, ids_of).await;
    pages_reach_everything(
        &a,
        "/api/knooppunt/v1/plans?limit=5&theme=groen",
        &plans,
        ids_of,
    )
    .await;
    // min_id: the items just above it, newest first, as on Mastodon.
    let answer = get(
        &a,
        None,
        &format!("/api/knooppunt/v1/plans?min_id={}&limit=3", plans[10]),
    )
    .await;
    assert_eq!(ids_of(&answer.body), plans[7..10].to_vec());

    let plan = format!("/api/knooppunt/v1/plans/{}", plans[0]);
    let made = concurrently(23, |i| {
        let (alice, bob, plan, bob_id) = (&alice, &bob, &plan, &bob_id);
        async move {
            let stance = ["pro", "contra", ""][i % 3];
            let argument = json!({ "text": format!("Argument {i}"), "stance": stance });
            let question = json!({ "account_id": bob_id, "question": format!("Vraag {i}") });
            (
                id(&created(bob, &format!("{plan}/arguments"), argument).await),
                id(&created(alice, &format!("{plan}/advice"), question).await),
            )
        }
    })
    .await;
    let (arguments, advice): (Vec<String>, Vec<String>) = made.into_iter().unzip();
    let (arguments, advice) = (by_number(arguments, false), by_number(advice, false));
    pages_reach_everything(
        &a,
        &format!("{plan}/arguments?limit=4"),
        &arguments,
        argument_ids,
    )
    .await;
    pages_reach_everything(&a, &format!("{plan}/advice?limit=4"), &advice, ids_of).await;

    // Events soonest first; five at each time, so pages split equal times.
    let base = Utc::now() + Duration::days(30);
    let mut events = concurrently(23, |i| {
        let alice = &alice;
        async move {
            let at = base + Duration::hours(i64::try_from(i * 7 % 5).unwrap());
            let event = json!({ "name": format!("Event {i}"), "starts_at": at.to_rfc3339() });
            let made = created(alice, "/api/knooppunt/v1/events", event).await;
            (
                at.timestamp(),
                made["id"].as_str().unwrap().parse::<i64>().unwrap(),
            )
        }
    })
    .await;
    events.sort_unstable();
    let expected: Vec<String> = events.iter().map(|(_, id)| id.to_string()).collect();
    pages_reach_everything(&a, "/api/knooppunt/v1/events?limit=4", &expected, ids_of).await;
    a.stop().await;
}

#[tokio::test]
async fn events_and_calendars_cost_the_same_for_5_and_50() {
    let (a, alice, bob) = counting_instance().await;
    let base = Utc::now() + Duration::days(10);
    let event = |i: usize| {
        let alice = &alice;
        let bob = &bob;
        async move {
            let at = base + Duration::hours(i64::try_from(i).unwrap());
            let made = created(alice, "/api/knooppunt/v1/events", json!({ "name": format!("Event {i}"), "starts_at": at.to_rfc3339(), "capacity": 10 })).await;
            created(
                bob,
                &format!("/api/knooppunt/v1/events/{}/join", id(&made)),
                json!({}),
            )
            .await;
        }
    };
    concurrently(5, event).await;
    let feed = "/api/knooppunt/v1/calendars/neighbourhood.ics";
    let small_feed = get(&a, None, feed).await;
    concurrently(45, |i| event(i + 5)).await;
    let large_feed = get(&a, None, feed).await;
    assert!(large_feed.body.as_str().unwrap().contains("Event 49"));
    assert_eq!(
        small_feed.statements, large_feed.statements,
        "a calendar of 5 or 50 events"
    );
    for who in [None, Some(&bob)] {
        same_cost(
            &a,
            who,
            "event list",
            ("/api/knooppunt/v1/events?limit=5", 5),
            ("/api/knooppunt/v1/events?limit=50", 50),
            len,
        )
        .await;
        same_cost(
            &a,
            who,
            "event search",
            ("/api/knooppunt/v1/events/search?q=event&limit=5", 5),
            ("/api/knooppunt/v1/events/search?q=event&limit=40", 40),
            len,
        )
        .await;
    }
    let list = get(&a, Some(&bob), "/api/knooppunt/v1/events?limit=50")
        .await
        .body;
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .all(|e| e["participation"] == "accepted" && e["participants_count"] == 1)
    );
    a.stop().await;
}

/// Posts `text` as a reply to `parent`; returns the new status's id.
async fn post(who: &ApiClient, text: &str, parent: Option<&str>, visibility: &str) -> String {
    id(&created(
        who,
        "/api/v1/statuses",
        json!({ "status": text, "in_reply_to_id": parent, "visibility": visibility }),
    )
    .await)
}

/// A status with `n` ancestors and `n` direct replies, by alice and bob in
/// turn, some unlisted and some for followers only.
async fn thread_of(alice: &ApiClient, bob: &ApiClient, n: usize) -> String {
    let who = |i: usize| if i.is_multiple_of(2) { alice } else { bob };
    let visibility = |i: usize| ["public", "private", "unlisted"][i % 3];
    let mut parent: Option<String> = None;
    for i in 0..n {
        parent = Some(
            post(
                who(i),
                &format!("Draad {i}"),
                parent.as_deref(),
                visibility(i),
            )
            .await,
        );
    }
    let middle = post(alice, "Midden", parent.as_deref(), "public").await;
    concurrently(n, |i| {
        let middle = &middle;
        async move {
            post(
                who(i),
                &format!("Antwoord {i}"),
                Some(middle),
                visibility(i),
            )
            .await
        }
    })
    .await;
    middle
}

#[tokio::test]
async fn thread_context_costs_the_same_for_5_and_40() {
    let (a, alice, bob) = counting_instance().await;
    // Each follows the other: followers-only posts are seen.
    for (me, other) in [(&alice, "bob"), (&bob, "alice")] {
        let them = me.resolve(&format!("@{other}@{}", a.domain)).await;
        me.ok_post(&format!("/api/v1/accounts/{them}/follow"), json!({}))
            .await;
    }
    // 40: how far up and down a thread is read.
    let (small, large) = (
        thread_of(&alice, &bob, 5).await,
        thread_of(&alice, &bob, 40).await,
    );
    let items = |v: &Value| len(&v["ancestors"]) + len(&v["descendants"]);
    for who in [None, Some(&alice)] {
        let (s, l) = if who.is_some() { (10, 80) } else { (6, 54) };
        same_cost(
            &a,
            who,
            "thread context",
            (&format!("/api/v1/statuses/{small}/context"), s),
            (&format!("/api/v1/statuses/{large}/context"), l),
            items,
        )
        .await;
    }
    a.stop().await;
}

/// bob follows alice; alice posts 50 times with a tag and a mention of bob,
/// and bob likes each; 50 people elsewhere follow alice. Returns alice's id.
async fn posts_likes_and_followers(a: &TestInstance, alice: &ApiClient, bob: &ApiClient) -> String {
    let alice_id = bob.resolve(&format!("@alice@{}", a.domain)).await;
    bob.ok_post(&format!("/api/v1/accounts/{alice_id}/follow"), json!({}))
        .await;
    // 50 posts by alice with a tag and a mention of bob; bob likes each.
    concurrently(50, |i| async move {
        let text = format!("Zebrapad {i} #oversteek @bob");
        let s = post(alice, &text, None, "public").await;
        created(bob, &format!("/api/v1/statuses/{s}/favourite"), json!({})).await;
    })
    .await;
    // 50 followers elsewhere, written straight to the database: making 50
    // people with keys through the API would take most of a minute.
    let sink = knooppunt_tests::Sink::start(1).await;
    let alice_row = knooppunt_tests::sink::local_person(&a.state.db, "alice").await;
    let followers =
        knooppunt_tests::sink::add_followers(&a.state.db, &sink, alice_row.id, 50).await;
    // Indexed for search, as the server does with the actors it stores.
    let ids = followers.iter().map(|f| f.actor_id);
    for actor in knooppunt::actors::store::by_ids(&a.state.db, ids)
        .await
        .unwrap()
        .values()
    {
        knooppunt::actors::search::index(&a.state.db, actor)
            .await
            .unwrap();
    }
    alice_id
}

#[tokio::test]
async fn timelines_notifications_followers_and_search_cost_the_same_for_5_and_40() {
    let (a, alice, bob) = counting_instance().await;
    let alice_id = posts_likes_and_followers(&a, &alice, &bob).await;
    let lists = [
        ("home", Some(&bob), "/api/v1/timelines/home?limit={n}"),
        ("public", None, "/api/v1/timelines/public?limit={n}"),
        ("public", Some(&bob), "/api/v1/timelines/public?limit={n}"),
        (
            "tag",
            Some(&bob),
            "/api/v1/timelines/tag/oversteek?limit={n}",
        ),
        (
            "account statuses",
            None,
            "/api/v1/accounts/{alice}/statuses?limit={n}",
        ),
        (
            "notifications",
            Some(&alice),
            "/api/v1/notifications?types[]=favourite&limit={n}",
        ),
        (
            "mentions",
            Some(&bob),
            "/api/v1/notifications?types[]=mention&limit={n}",
        ),
        (
            "followers",
            None,
            "/api/v1/accounts/{alice}/followers?limit={n}",
        ),
        (
            "search",
            Some(&bob),
            "/api/v2/search?q=zebrapad&type=statuses&limit={n}",
        ),
        (
            "account search",
            Some(&bob),
            "/api/v2/search?q=follower&type=accounts&limit={n}",
        ),
    ];
    for (what, who, path) in lists {
        let path = path.replace("{alice}", &alice_id);
        let items = |v: &Value| {
            if what.contains("search") {
                len(&v["statuses"]) + len(&v["accounts"])
            } else {
                len(v)
            }
        };
        same_cost(
            &a,
            who,
            what,
            (&path.replace("{n}", "5"), 5),
            (&path.replace("{n}", "40"), 40),
            items,
        )
        .await;
    }
    a.stop().await;
}

/// The moderation subqueries every timeline and search runs read the small
/// partial index of moderated actors, not every actor row: the database
/// must see that their condition implies the index's.
#[tokio::test]
async fn moderated_actor_lists_use_their_partial_index() {
    use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};
    let instance = TestInstance::start().await;
    // One connection for the setting and the plans.
    let db = instance.state.db.begin().await.unwrap();
    let backend = db.get_database_backend();
    if backend == DbBackend::Postgres {
        // Tiny test tables are read whole unless scans are ruled out.
        db.execute_unprepared("SET LOCAL enable_seqscan = off")
            .await
            .unwrap();
    }
    for list in [
        knooppunt::actors::hidden::hidden_actors(),
        knooppunt::actors::hidden::quiet_actors(),
    ] {
        let sql = match backend {
            DbBackend::Postgres => list.to_string(sea_orm::sea_query::PostgresQueryBuilder),
            _ => list.to_string(sea_orm::sea_query::SqliteQueryBuilder),
        };
        let explain = match backend {
            DbBackend::Postgres => format!("EXPLAIN {sql}"),
            _ => format!("EXPLAIN QUERY PLAN {sql}"),
        };
        let plan: Vec<String> = db
            .query_all_raw(Statement::from_string(backend, explain))
            .await
            .unwrap()
            .into_iter()
            .map(|row| match backend {
                DbBackend::Postgres => row.try_get_by_index::<String>(0).unwrap(),
                _ => row.try_get::<String>("", "detail").unwrap(),
            })
            .collect();
        assert!(
            plan.iter().any(|line| line.contains("actors_moderated")),
            "{sql}\n{plan:#?}"
        );
    }
}
