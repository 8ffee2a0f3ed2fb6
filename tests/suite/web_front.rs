//! The front page (`/`) in a real browser: the neighbourhood's newest plans
//! by state, its coming events, its active groups and how to follow it,
//! for a visitor who is not signed in; axe in both languages; screenshots.

use knooppunt_tests::webdriver::{Browser, describe};
use knooppunt_tests::{ApiClient, TestInstance};
use serde_json::json;

const PASSWORD: &str = "een lange zin als wachtwoord";

#[tokio::test]
async fn the_front_page_shows_plans_by_state_events_and_active_groups() {
    let Some(b) = Browser::start(false).await else {
        return;
    };
    let i = TestInstance::start().await;
    // Empty: each section says so instead of disappearing.
    b.goto(&i.url("/")).await;
    let empty = b.main_text().await;
    assert!(empty.contains("No groups yet"), "{empty}");
    assert!(empty.contains(&format!("@wijk@{}", i.domain)), "{empty}");

    i.create_person("alice", PASSWORD).await;
    let alice = ApiClient::login(&i, "alice", PASSWORD).await;
    for (name, policy) in [
        ("leesclub", knooppunt::groups::JoinPolicy::Open),
        ("tuinclub", knooppunt::groups::JoinPolicy::Open),
    ] {
        knooppunt::groups::service::create(&i.state.db, &i.state.config, name, "alice", policy)
            .await
            .unwrap();
    }
    let plan = |title: &str| json!({ "title": title, "summary": "Voor de hele straat." });
    let (code, idea) = alice
        .post("/api/knooppunt/v1/plans", plan("Bankjes bij de vijver"))
        .await;
    assert_eq!(code, 201, "{idea}");
    let (code, proposal) = alice
        .post("/api/knooppunt/v1/plans", plan("Speeltuin opknappen"))
        .await;
    assert_eq!(code, 201, "{proposal}");
    let path = format!(
        "/api/knooppunt/v1/plans/{}",
        proposal["id"].as_str().unwrap()
    );
    let (code, moved) = alice
        .post(&format!("{path}/transition"), json!({ "to": "proposal" }))
        .await;
    assert!(code < 300, "{moved}");
    // The garden club organises something: it is the active one.
    let (code, event) = alice
        .post(
            "/api/knooppunt/v1/events",
            json!({ "name": "Zaadjesruil", "starts_at": "2027-03-20T10:00:00Z", "timezone": "Europe/Amsterdam", "group": "tuinclub" }),
        )
        .await;
    assert_eq!(code, 201, "{event}");

    b.goto(&i.url("/")).await;
    let main = b.main_text().await;
    // Proposals come first, then ideas, each under its state.
    let (at_proposal, at_idea) = (
        main.find("Speeltuin opknappen")
            .expect("the proposal is listed"),
        main.find("Bankjes bij de vijver")
            .expect("the idea is listed"),
    );
    assert!(at_proposal < at_idea, "{main}");
    assert!(
        b.text("#home-state-proposal + ul")
            .await
            .contains("Speeltuin"),
        "under Proposal"
    );
    assert!(b.text("#home-state-idea + ul").await.contains("Bankjes"));
    assert!(b.text(".home-events").await.contains("Zaadjesruil"));
    assert!(
        b.text(".home-events").await.contains("2027-03-20 11:00"),
        "in the event's own time zone"
    );
    let groups = b.text(".home-groups").await;
    let (tuin, lees) = (
        groups.find("tuinclub").unwrap(),
        groups.find("leesclub").unwrap(),
    );
    assert!(
        tuin < lees,
        "the group that organised something first: {groups}"
    );
    // Each line leads to its page.
    b.click(".home-plans a[href^='/plans/']").await;
    assert!(b.path().await.starts_with("/plans/"));
    b.goto(&i.url("/")).await;
    b.click(".home-events a[href^='/events/']").await;
    assert_eq!(
        b.path().await,
        format!("/events/{}", event["id"].as_str().unwrap())
    );
    b.goto(&i.url("/")).await;
    b.click(".home-plans a[href='/plans?state=idea']").await;
    assert!(b.main_text().await.contains("Bankjes bij de vijver"));
    assert!(!b.main_text().await.contains("Speeltuin opknappen"));
    let _ = idea;

    b.goto(&i.url("/")).await;
    b.screenshot("front", 390, 844).await;
    b.screenshot("front", 1280, 800).await;
    b.quit().await;

    // axe needs page scripts; the page has none of its own.
    let Some(b) = Browser::start(true).await else {
        return;
    };
    let mut found = Vec::new();
    for lang in ["nl", "en"] {
        b.goto(&i.url("/")).await;
        b.click(&format!("form.lang button[value={lang}]")).await;
        assert_eq!(b.path().await, "/");
        let violations = b.axe().await;
        if !violations.is_empty() {
            found.push(format!("/ ({lang}):\n{}", describe(&violations)));
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n\n"));
    b.quit().await;
    i.stop().await;
}
