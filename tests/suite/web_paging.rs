//! Long lists a page at a time: `/search?q=` shows the best of each kind
//! and links to one kind, newest first, with a `rel=next` link from page
//! to page; `/admin/users` shows those waiting for approval first, a page
//! at a time. Following the links gives every row once.

use std::collections::HashSet;

use knooppunt::persons::Role;
use knooppunt::persons::service::NewPerson;
use knooppunt_tests::browser::{Agent, browser, unescape};
use knooppunt_tests::webdriver::{Browser, describe};
use knooppunt_tests::{ApiClient, TestInstance};
use serde_json::json;

const PASSWORD: &str = "een lange zin als wachtwoord";

async fn sign_in<'a>(i: &'a TestInstance, name: &str) -> Agent<'a> {
    let b = browser(i);
    b.sign_in(name, PASSWORD).await;
    b
}

/// axe-core on each of `paths`, signed in as `name` in a browser with page
/// scripts on (axe needs them; the pages have none of their own).
async fn axe(i: &TestInstance, name: &str, paths: &[&str]) {
    let Some(b) = Browser::start(true).await else {
        return;
    };
    b.goto(&i.url("/auth/sign_in")).await;
    b.fill("#username", name).await;
    b.fill("#password", PASSWORD).await;
    b.click("main form button[type=submit]").await;
    let mut found = Vec::new();
    for path in paths {
        b.goto(&i.url(path)).await;
        let violations = b.axe().await;
        if !violations.is_empty() {
            found.push(format!("{path}:\n{}", describe(&violations)));
        }
    }
    assert!(
        found.is_empty(),
        "axe found violations:\n{}",
        found.join("\n\n")
    );
    b.quit().await;
}

/// The `href` of the link with `rel="next"`, if the page has one.
fn next_link(html: &str) -> Option<String> {
    let end = html.find("\" rel=\"next\"")?;
    let start = html[..end].rfind("href=\"")? + "href=\"".len();
    Some(unescape(&html[start..end]))
}

/// The `href` of the link whose text is `text`.
fn link_to(html: &str, text: &str) -> String {
    let end = html
        .find(&format!("\">{text}</a>"))
        .unwrap_or_else(|| panic!("no link {text:?} in {html}"));
    let start = html[..end].rfind("href=\"").unwrap() + "href=\"".len();
    unescape(&html[start..end])
}

/// The numbers after each `prefix` in `html`, in order.
fn ids_after(html: &str, prefix: &str) -> Vec<i64> {
    html.split(prefix)
        .skip(1)
        .filter_map(|rest| {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            let after = rest[digits.len()..].chars().next();
            (after == Some('"')).then(|| digits.parse().ok()).flatten()
        })
        .collect()
}

/// Follows `rel=next` from `first`, collecting `rows` of each page; fails
/// on a row seen twice. The pages seen and the rows.
async fn walk<T: Eq + std::hash::Hash + std::fmt::Debug>(
    b: &Agent<'_>,
    first: &str,
    rows: impl Fn(&str) -> Vec<T>,
) -> (usize, Vec<T>) {
    let (mut pages, mut all, mut seen) = (0, Vec::new(), HashSet::new());
    let mut at = Some(first.to_string());
    while let Some(path) = at {
        let page = b.get(&path).await;
        assert_eq!(page.status, 200, "{path}: {}", page.body);
        let found = rows(page.html());
        assert!(found.len() <= 20, "{path}: {} rows", found.len());
        for row in found {
            assert!(seen.insert(format!("{row:?}")), "{row:?} twice, on {path}");
            all.push(row);
        }
        pages += 1;
        assert!(pages < 20, "no end to the pages");
        at = next_link(page.html());
    }
    (pages, all)
}

#[tokio::test]
async fn search_results_page_by_kind_with_every_row_once() {
    let i = TestInstance::start().await;
    i.create_person("olga", PASSWORD).await;
    let olga = ApiClient::login(&i, "olga", PASSWORD).await;
    let mut plans = HashSet::new();
    let mut posts = HashSet::new();
    for n in 0..45 {
        let (code, plan) = olga
            .post(
                "/api/knooppunt/v1/plans",
                json!({ "title": format!("Bankje nummer {n}"), "summary": "Om op te zitten." }),
            )
            .await;
        assert_eq!(code, 201, "{plan}");
        plans.insert(plan["id"].as_str().unwrap().parse::<i64>().unwrap());
        let post = olga
            .ok_post(
                "/api/v1/statuses",
                json!({ "status": format!("Het bankje {n} is geverfd.") }),
            )
            .await;
        posts.insert(post["id"].as_str().unwrap().to_string());
    }
    let b = sign_in(&i, "olga").await;
    let first = b.get("/search?q=bankje").await;
    first.answers(200, None);
    // The best of each kind, and links to all of them.
    assert_eq!(ids_after(first.html(), "href=\"/plans/").len(), 20);
    assert!(next_link(first.html()).is_none());
    let all_plans = link_to(first.html(), "All plans found, newest first");
    assert_eq!(all_plans, "/search?q=bankje&type=plans");
    let (pages, found) = walk(&b, &all_plans, |html| ids_after(html, "href=\"/plans/")).await;
    assert_eq!(pages, 3);
    assert_eq!(found.iter().copied().collect::<HashSet<_>>(), plans);
    let mut newest_first = found.clone();
    newest_first.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(found, newest_first, "newest first");

    let first = b.get("/search?q=geverfd").await;
    let all_posts = link_to(first.html(), "All posts found, newest first");
    let (pages, found) = walk(&b, &all_posts, |html| {
        ids_after(html, "/statuses/")
            .into_iter()
            .map(|id| id.to_string())
            .collect::<Vec<_>>()
    })
    .await;
    assert_eq!(pages, 3);
    assert_eq!(found.into_iter().collect::<HashSet<_>>(), posts);

    // A page of one kind shows only that kind; nonsense kinds the first page.
    let plans_only = b.get("/search?q=bankje&type=plans").await;
    assert!(!plans_only.html().contains("results posts"));
    let any = b.get("/search?q=bankje&type=alles").await;
    any.answers(200, None)
        .shows("results posts")
        .shows("results plans");
    let pages = [
        "/search?q=bankje",
        &all_plans,
        "/search?q=bankje&type=plans&max_id=100000",
    ];
    axe(&i, "olga", &pages).await;
    i.stop().await;
}

#[tokio::test]
async fn admin_users_page_by_page_waiting_ones_first() {
    let i = TestInstance::start().await;
    i.create_admin("ada", PASSWORD).await;
    let mut waiting = HashSet::new();
    let mut everyone = HashSet::from(["ada".to_string()]);
    for n in 0..44 {
        let name = format!("buur{n:02}");
        // Every other one waits for approval: 22 waiting, 20 on the first page.
        let approved = n % 2 == 1;
        knooppunt::persons::service::create(
            &i.state.db,
            &i.state.config,
            NewPerson {
                name: &name,
                email: &format!("{name}@wijk.example"),
                password: PASSWORD,
                role: Role::Resident,
                admin: false,
                approved,
            },
        )
        .await
        .unwrap();
        if !approved {
            waiting.insert(name.clone());
        }
        everyone.insert(name);
    }
    let b = sign_in(&i, "ada").await;
    let rows = |html: &str| {
        html.split("<tr id=\"user-")
            .skip(1)
            .map(|rest| rest.split('"').next().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let first = b.get("/admin/users").await;
    assert!(rows(first.html()).iter().all(|n| waiting.contains(n)));
    let (pages, found) = walk(&b, "/admin/users", rows).await;
    assert_eq!(pages, 3);
    assert_eq!(found.len(), everyone.len());
    assert_eq!(found.iter().cloned().collect::<HashSet<_>>(), everyone);
    // Those waiting come first, all of them.
    let (first_ones, _) = found.split_at(waiting.len());
    assert!(first_ones.iter().all(|n| waiting.contains(n)), "{found:?}");
    // Not for anyone but administrators.
    i.create_person("piet", PASSWORD).await;
    let piet = sign_in(&i, "piet").await;
    piet.get("/admin/users?after=1").await.answers(403, None);
    let second = next_link(first.html()).unwrap();
    axe(&i, "ada", &["/admin/users", &second]).await;
    i.stop().await;
}
