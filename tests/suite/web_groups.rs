//! Groups and the administrators' pages in a real browser with JavaScript
//! off: joining and leaving a group from its page, a request to join that a
//! moderator answers, the group URL that serves servers and people, an
//! administrator approving and disabling people, blocking domains,
//! resolving reports and reading the state of federation; and everyone
//! who may not do these things, refused.

use knooppunt::groups::JoinPolicy;
use knooppunt_tests::browser::browser;
use knooppunt_tests::webdriver::{Browser, describe};
use knooppunt_tests::{ApiClient, TestInstance};
use serde_json::json;

const PASSWORD: &str = "een lange zin als wachtwoord";

/// Tries to sign `name` in and expects a refusal.
async fn sign_in_refused(b: &Browser, i: &TestInstance, name: &str) -> String {
    b.goto(&i.url("/auth/sign_in")).await;
    b.fill("#username", name).await;
    b.fill("#password", PASSWORD).await;
    b.click("main form button[type=submit]").await;
    let header = b.text("header.site").await;
    assert!(!header.contains(&format!("@{name}")), "{header}");
    b.main_text().await
}

async fn group(i: &TestInstance, name: &str, owner: &str, policy: JoinPolicy) {
    knooppunt::groups::service::create(&i.state.db, &i.state.config, name, owner, policy)
        .await
        .unwrap();
}

async fn actor_id(i: &TestInstance, name: &str) -> i64 {
    knooppunt::actors::store::find_local(&i.state.db, &i.state.config, name)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// "tuin" (open) and "kring" (approval), both olga's; tuin has a post, a
/// plan and an event of its own.
async fn gardens(i: &TestInstance) {
    for name in ["olga", "piet", "nina"] {
        i.create_person(name, PASSWORD).await;
    }
    group(i, "tuin", "olga", JoinPolicy::Open).await;
    group(i, "kring", "olga", JoinPolicy::Approval).await;
    let olga = ApiClient::login(i, "olga", PASSWORD).await;
    olga.ok_post(
        "/api/v1/statuses",
        json!({ "status": "@tuin Zaaidag zaterdag in de moestuin", "visibility": "public" }),
    )
    .await;
    let (code, plan) = olga
        .post(
            "/api/knooppunt/v1/plans",
            json!({ "title": "Kas voor de moestuin", "summary": "Een kas.", "group": "tuin" }),
        )
        .await;
    assert_eq!(code, 201, "{plan}");
    let (code, event) = olga
        .post(
            "/api/knooppunt/v1/events",
            json!({
                "name": "Oogstfeest in de tuin",
                "starts_at": "2099-09-14T14:00:00+02:00",
                "timezone": "Europe/Amsterdam",
                "group": "tuin",
            }),
        )
        .await;
    assert_eq!(code, 201, "{event}");
}

#[tokio::test]
async fn a_person_joins_and_leaves_groups_from_their_pages() {
    let Some(b) = Browser::start(false).await else {
        return;
    };
    let i = TestInstance::start().await;
    gardens(&i).await;

    // The directory lists both groups with their members; a visitor may read it.
    b.goto(&i.url("/groups")).await;
    let list = b.main_text().await;
    assert!(list.contains("tuin") && list.contains("kring"), "{list}");
    assert!(list.contains("1 member"), "{list}");
    assert!(
        b.main_text().await.contains("tuin"),
        "signed out, the page is there"
    );

    b.sign_in(&i, "piet", PASSWORD).await;
    b.goto(&i.url("/groups")).await;
    b.click("ul.groups a[href='/groups/tuin']").await;
    assert_eq!(b.path().await, "/groups/tuin");
    let page = b.main_text().await;
    for text in [
        "Zaaidag zaterdag in de moestuin",
        "Kas voor de moestuin",
        "Oogstfeest in de tuin",
        "Anyone can join",
    ] {
        assert!(page.contains(text), "{text}: {page}");
    }
    assert!(b.text("#members").await.contains("olga"));
    assert!(!b.text("#members").await.contains("piet"));

    // Joining an open group: at once.
    b.click("#membership button").await;
    assert_eq!(b.path().await, "/groups/tuin");
    assert!(b.text("#membership").await.contains("You are a member"));
    assert!(b.text("#members .members").await.contains("piet"));
    assert!(b.text("#members h2").await.contains("2 members"));
    // Leaving.
    b.click("#membership button").await;
    assert!(b.text("#membership button").await.contains("Join"));
    assert!(!b.text("#members").await.contains("piet"));

    // An approval group: a request, pending until a moderator answers.
    b.goto(&i.url("/groups/kring")).await;
    assert!(b.main_text().await.contains("A moderator approves"));
    b.click("#membership button").await;
    assert!(b.text("#membership").await.contains("pending"));
    assert!(!b.text("#members").await.contains("piet"));
    assert!(
        !b.source().await.contains("id=\"requests\""),
        "no requests for piet"
    );
    b.sign_out().await;

    // nina, no moderator, sees no requests either.
    b.sign_in(&i, "nina", PASSWORD).await;
    b.goto(&i.url("/groups/kring")).await;
    assert!(!b.source().await.contains("id=\"requests\""));
    b.sign_out().await;

    // olga approves on the group's page.
    b.sign_in(&i, "olga", PASSWORD).await;
    b.goto(&i.url("/groups/kring")).await;
    assert!(b.text("#requests").await.contains("piet"));
    b.click("#requests form[action$='/approve'] button").await;
    assert_eq!(b.path().await, "/groups/kring");
    assert!(b.text("#requests").await.contains("No one is waiting"));
    assert!(b.text("#members .members").await.contains("piet"));
    b.sign_out().await;

    b.sign_in(&i, "piet", PASSWORD).await;
    b.goto(&i.url("/groups/kring")).await;
    assert!(b.text("#membership").await.contains("You are a member"));
    b.quit().await;
    i.stop().await;
}

#[tokio::test]
async fn a_moderator_rejects_a_request_and_strangers_cannot_answer() {
    let i = TestInstance::start().await;
    gardens(&i).await;
    let piet_id = actor_id(&i, "piet").await;
    let sign_in = |who: &'static str| {
        let agent = browser(&i);
        async move {
            agent.sign_in(who, PASSWORD).await;
            agent
        }
    };
    let piet = sign_in("piet").await;
    piet.get("/groups/kring").await.expect(200);
    piet.submit("/groups/kring/join", &[])
        .await
        .answers(303, Some("/groups/kring#membership"));
    piet.get("/groups/kring").await.shows("pending");

    let approve = format!("/groups/kring/requests/{piet_id}/approve");
    // A stranger, and piet himself, may not answer.
    let nina = sign_in("nina").await;
    nina.get("/groups/kring").await.expect(200);
    nina.submit(&approve, &[]).await.answers(403, None);
    piet.get("/groups/kring").await;
    piet.submit(&approve, &[]).await.answers(403, None);
    // Signed out: sent to sign in.
    let visitor = browser(&i);
    visitor.get("/groups/kring").await.expect(200);
    let reply = visitor.submit(&approve, &[]).await;
    assert_eq!(reply.status, 303);
    assert!(
        reply
            .header("location")
            .unwrap()
            .starts_with("/auth/sign_in")
    );
    // Without the form's token: refused, even for the owner.
    let olga = sign_in("olga").await;
    olga.form(&approve, &[]).await.answers(403, None);
    piet.form("/groups/tuin/join", &[]).await.answers(403, None);
    piet.get("/groups/kring").await.shows("pending");
    piet.get("/groups/tuin").await.shows("Join the group");

    // The owner rejects: piet may ask again.
    olga.get("/groups/kring").await.shows("piet");
    olga.submit(&format!("/groups/kring/requests/{piet_id}/reject"), &[])
        .await
        .answers(303, Some("/groups/kring#requests"));
    piet.get("/groups/kring").await.shows("Ask to join");
    i.stop().await;
}

#[tokio::test]
async fn the_group_url_serves_activitypub_to_servers_and_a_page_to_browsers() {
    let i = TestInstance::start().await;
    gardens(&i).await;
    let ap_id = i.url("/groups/tuin");
    for accept in [
        "application/activity+json",
        "application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"",
    ] {
        let reply = i
            .client
            .get(&ap_id)
            .header("accept", accept)
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), 200);
        let doc: serde_json::Value = reply.json().await.unwrap();
        assert_eq!(doc["type"], "Group", "{doc}");
        assert_eq!(doc["id"], ap_id);
        assert_eq!(doc["preferredUsername"], "tuin");
    }
    let html = i
        .client
        .get(&ap_id)
        .header("accept", "text/html,application/xhtml+xml")
        .send()
        .await
        .unwrap();
    assert_eq!(html.status(), 200);
    assert!(
        html.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let body = html.text().await.unwrap();
    assert!(body.contains("Kas voor de moestuin"), "{body}");
    // An unknown group: 404 to both.
    let missing = i.get_ap(&i.url("/groups/nergens")).await;
    assert_eq!(missing.status(), 404);
    assert_eq!(i.get("/groups/nergens").await.status(), 404);

    if let Some(b) = Browser::start(false).await {
        b.goto(&ap_id).await;
        assert_eq!(b.text("h1").await, "tuin");
        assert!(b.main_text().await.contains("Oogstfeest in de tuin"));
        b.quit().await;
    }
    i.stop().await;
}

#[tokio::test]
async fn an_administrator_runs_the_instance_from_admin() {
    let Some(b) = Browser::start(false).await else {
        return;
    };
    let mut instances = TestInstance::start_many_with(2, |c| {
        c.instance.registrations = knooppunt::config::Registrations::Approval;
    })
    .await;
    let far = instances.pop().unwrap();
    let i = instances.pop().unwrap();
    i.create_admin("ada", PASSWORD).await;
    i.create_person("alice", PASSWORD).await;
    far.create_person("bob", PASSWORD).await;

    // sam signs up and waits; sam cannot sign in yet.
    b.goto(&i.url("/auth/sign_up")).await;
    b.fill("#name", "sam").await;
    b.fill("#email", "sam@wijk.example").await;
    b.fill("#password", PASSWORD).await;
    b.click("form.stack button[type=submit]").await;
    assert!(b.main_text().await.contains("waiting for approval"));
    sign_in_refused(&b, &i, "sam").await;

    // ada approves sam.
    // An administrator reaches /admin from the header of every page.
    b.sign_in(&i, "ada", PASSWORD).await;
    b.click("header.site a[href='/admin']").await;
    assert_eq!(b.path().await, "/admin");
    assert!(b.main_text().await.contains("Sign-ups to approve: 1"));
    b.click("main nav a[href='/admin/users']").await;
    assert!(b.text("#user-sam .user-state").await.contains("waiting"));
    b.click("#user-sam form[action$='/approve'] button").await;
    assert_eq!(b.path().await, "/admin/users");
    assert_eq!(b.text("#user-sam .user-state").await, "active");
    b.sign_out().await;
    b.sign_in(&i, "sam", PASSWORD).await;
    assert!(
        !b.source().await.contains("href=\"/admin\""),
        "no administration link for others"
    );
    b.sign_out().await;

    // ada disables sam: no more signing in.
    b.sign_in(&i, "ada", PASSWORD).await;
    b.goto(&i.url("/admin/users")).await;
    b.click("#user-sam form[action$='/disable'] button").await;
    assert_eq!(b.text("#user-sam .user-state").await, "disabled");
    assert!(
        !b.source().await.contains("/admin/users/ada/disable"),
        "ada cannot disable herself here"
    );
    // Both actions are in the audit log, by ada, once each.
    let log = knooppunt::moderation::service::audit_log(&i.state.db, None, 50)
        .await
        .unwrap();
    let actions: Vec<(&str, &str, &str)> = log
        .iter()
        .filter(|e| e.action.starts_with("account."))
        .map(|e| (e.action.as_str(), e.actor_label.as_str(), e.target.as_str()))
        .collect();
    assert_eq!(
        actions,
        [
            ("account.disable", "ada", "sam"),
            ("account.approve", "ada", "sam")
        ]
    );

    // Domain blocks: a refused form keeps its input; then added and removed.
    b.goto(&i.url("/admin/domain_blocks")).await;
    b.fill("#domain", "geen domein!").await;
    b.fill("#public_comment", "Spam").await;
    b.click("form.block-form button[type=submit]").await;
    assert!(b.text("#domain-error").await.contains("is not a domain"));
    assert_eq!(b.value("#public_comment").await, "Spam");
    b.fill("#domain", "spam.example").await;
    let silence = fantoccini::Locator::Css("#severity option[value=silence]");
    b.client.find(silence).await.unwrap().click().await.unwrap();
    b.click("form.block-form button[type=submit]").await;
    assert_eq!(b.path().await, "/admin/domain_blocks");
    let blocks = b.text("ul.blocks").await;
    assert!(
        blocks.contains("spam.example") && blocks.contains("Silence") && blocks.contains("Spam"),
        "{blocks}"
    );
    let stored = knooppunt::moderation::blocks::domain_blocks(&i.state.db)
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].severity, "silence");
    b.click("ul.blocks form button").await;
    assert!(b.main_text().await.contains("No domains are blocked"));
    assert!(
        knooppunt::moderation::blocks::domain_blocks(&i.state.db)
            .await
            .unwrap()
            .is_empty()
    );

    // A report, resolved with a note.
    let alice = ApiClient::login(&i, "alice", PASSWORD).await;
    let sam_id = actor_id(&i, "sam").await;
    alice
        .ok_post(
            "/api/v1/reports",
            json!({ "account_id": sam_id.to_string(), "comment": "Reclame in elk bericht" }),
        )
        .await;
    b.goto(&i.url("/admin/reports")).await;
    assert!(b.main_text().await.contains("Reclame in elk bericht"));
    let note = "textarea[name=note]";
    b.fill(note, "Account uitgeschakeld").await;
    b.click(".report form button").await;
    assert!(b.main_text().await.contains("There are no open reports"));
    let resolved = knooppunt::moderation::service::reports(&i.state.db, Some("resolved"), 10)
        .await
        .unwrap();
    assert_eq!(resolved.len(), 1);
    assert_eq!(
        resolved[0].action_taken.as_deref(),
        Some("Account uitgeschakeld")
    );

    // Federation: a delivery to an instance that is down fails and waits.
    let bob = ApiClient::login(&far, "bob", PASSWORD).await;
    let alice_there = bob.resolve(&format!("@alice@{}", i.domain)).await;
    bob.ok_post(&format!("/api/v1/accounts/{alice_there}/follow"), json!({}))
        .await;
    far.drain().await;
    i.drain().await;
    let far_domain = far.domain.clone();
    let _down = far.go_down().await;
    alice
        .ok_post(
            "/api/v1/statuses",
            json!({ "status": "Terwijl de ander plat ligt" }),
        )
        .await;
    i.drain().await;
    b.goto(&i.url("/admin")).await;
    assert_eq!(b.text("#fed-failing").await, "1");
    assert!(b.text(".hosts.failing").await.contains(&far_domain));
    b.sign_out().await;
    b.quit().await;
    sign_in_check_disabled(&i).await;
    i.stop().await;
}

/// After the browser flow: the disabled account is refused by the form.
async fn sign_in_check_disabled(i: &TestInstance) {
    let sam = browser(i);
    sam.get("/auth/sign_in").await.expect(200);
    let reply = sam
        .submit(
            "/auth/sign_in",
            &[("username", "sam"), ("password", PASSWORD)],
        )
        .await;
    assert_ne!(reply.status, 303, "a disabled account signs in");
}

#[tokio::test]
async fn admin_pages_and_forms_refuse_everyone_but_administrators() {
    let i = TestInstance::start().await;
    i.create_admin("ada", PASSWORD).await;
    i.create_person("nina", PASSWORD).await;
    i.create_person("piet", PASSWORD).await;
    let pages = [
        "/admin",
        "/admin/users",
        "/admin/reports",
        "/admin/domain_blocks",
    ];
    let posts: [(&str, &[(&str, &str)]); 5] = [
        ("/admin/users/piet/disable", &[]),
        ("/admin/users/piet/approve", &[]),
        ("/admin/reports/1/resolve", &[("note", "gedaan")]),
        ("/admin/domain_blocks", &[("domain", "spam.example")]),
        ("/admin/domain_blocks/spam.example/remove", &[]),
    ];
    // Signed out: sent to sign in, and back.
    let visitor = browser(&i);
    for page in pages {
        let reply = visitor.get(page).await;
        let back = knooppunt::web::encode(page);
        reply.answers(303, Some(&format!("/auth/sign_in?return_to={back}")));
    }
    visitor.get("/auth/sign_in").await.expect(200);
    for (path, fields) in posts {
        let reply = visitor.submit(path, fields).await;
        assert_eq!(reply.status, 303, "{path}");
    }
    // Signed in, not an administrator: 403 everywhere.
    let nina = browser(&i);
    nina.sign_in("nina", PASSWORD).await;
    for page in pages {
        nina.get(page)
            .await
            .answers(403, None)
            .shows("administrators only");
    }
    nina.get("/local").await.expect(200);
    for (path, fields) in posts {
        nina.submit(path, fields).await.answers(403, None);
    }
    // An administrator without the form's token: refused too.
    let ada = browser(&i);
    ada.sign_in("ada", PASSWORD).await;
    ada.get("/admin").await.expect(200);
    for (path, fields) in posts {
        ada.form(path, fields).await.answers(403, None);
    }
    // Nothing changed.
    let people = knooppunt::persons::service::list(&i.state.db)
        .await
        .unwrap();
    assert!(people.iter().all(|p| p.disabled_at.is_none()));
    let log = knooppunt::moderation::service::audit_log(&i.state.db, None, 50)
        .await
        .unwrap();
    assert!(log.is_empty(), "refused actions are not logged: {log:?}");
    assert!(
        knooppunt::moderation::blocks::domain_blocks(&i.state.db)
            .await
            .unwrap()
            .is_empty()
    );
    // The administrator's own form works.
    ada.get("/admin/domain_blocks").await.expect(200);
    ada.submit("/admin/domain_blocks", &[("domain", "spam.example")])
        .await
        .answers(303, Some("/admin/domain_blocks"));
    assert_eq!(
        knooppunt::moderation::blocks::domain_blocks(&i.state.db)
            .await
            .unwrap()
            .len(),
        1
    );
    i.stop().await;
}

/// axe-core on the group and admin pages, signed in and out, in Dutch and
/// English (page scripts on, as in `web.rs`: axe needs them; the pages
/// have none of their own).
#[tokio::test]
async fn group_and_admin_pages_have_no_wcag_violations() {
    let Some(b) = Browser::start(true).await else {
        return;
    };
    let i = TestInstance::start().await;
    gardens(&i).await;
    i.create_admin("ada", PASSWORD).await;
    // Something on every admin page: a pending request, a report, a block.
    let piet = ApiClient::login(&i, "piet", PASSWORD).await;
    let kring = actor_id(&i, "kring").await;
    piet.ok_post(&format!("/api/v1/accounts/{kring}/follow"), json!({}))
        .await;
    piet.ok_post(
        "/api/v1/reports",
        json!({ "account_id": actor_id(&i, "nina").await.to_string(), "comment": "Spam" }),
    )
    .await;
    let mut found = Vec::new();
    let mut checked = 0;
    for lang in ["nl", "en"] {
        b.goto(&i.url("/groups")).await;
        b.click(&format!("form.lang button[value={lang}]")).await;
        for path in ["/groups", "/groups/tuin", "/groups/kring"] {
            checked += check(&b, &i, path, &mut found).await;
        }
    }
    b.sign_in(&i, "olga", PASSWORD).await;
    for lang in ["nl", "en"] {
        b.click(&format!("form.lang button[value={lang}]")).await;
        for path in ["/groups", "/groups/tuin", "/groups/kring"] {
            checked += check(&b, &i, path, &mut found).await;
        }
    }
    b.goto(&i.url("/groups/tuin")).await;
    b.screenshot("group", 390, 844).await;
    b.screenshot("group", 1280, 800).await;
    b.sign_out().await;
    b.sign_in(&i, "ada", PASSWORD).await;
    b.goto(&i.url("/admin/users")).await;
    b.screenshot("admin-users", 390, 844).await;
    for lang in ["nl", "en"] {
        b.click(&format!("form.lang button[value={lang}]")).await;
        for path in [
            "/admin",
            "/admin/users",
            "/admin/reports",
            "/admin/domain_blocks",
        ] {
            checked += check(&b, &i, path, &mut found).await;
        }
        // A refused block form, its error by the field.
        b.fill("#domain", "geen domein!").await;
        b.click("form.block-form button[type=submit]").await;
        let violations = b.axe().await;
        if !violations.is_empty() {
            found.push(format!("block form error:\n{}", describe(&violations)));
        }
        b.fill("#domain", "spam.example").await;
        b.click("form.block-form button[type=submit]").await;
        checked += check(&b, &i, "/admin/domain_blocks", &mut found).await;
    }
    assert!(
        found.is_empty(),
        "axe found violations:\n{}",
        found.join("\n\n")
    );
    assert_eq!(checked, 22);
    b.quit().await;
    i.stop().await;
}

/// Runs axe on the page at `path`, keeping what it finds; counts 1.
async fn check(b: &Browser, i: &TestInstance, path: &str, found: &mut Vec<String>) -> usize {
    b.goto(&i.url(path)).await;
    assert_eq!(b.path().await, path, "{path} is shown, not a redirect");
    let violations = b.axe().await;
    if !violations.is_empty() {
        found.push(format!("{path}:\n{}", describe(&violations)));
    }
    1
}

#[tokio::test]
async fn the_directory_lists_groups_elsewhere_that_people_here_follow_and_pages() {
    let instances = TestInstance::start_many(2).await;
    let (i, far) = (&instances[0], &instances[1]);
    i.create_person("olga", PASSWORD).await;
    far.create_person("bob", PASSWORD).await;
    group(far, "verweg", "bob", JoinPolicy::Open).await;
    group(far, "nietgevolgd", "bob", JoinPolicy::Open).await;
    for n in 0..20 {
        group(i, &format!("groep{n}"), "olga", JoinPolicy::Open).await;
    }
    let visitor = browser(i);
    let before = visitor.get("/groups").await;
    assert!(!before.html().contains("verweg"));

    // olga joins a group on the other instance: it is listed here now.
    let olga = ApiClient::login(i, "olga", PASSWORD).await;
    let there = olga.resolve(&format!("@verweg@{}", far.domain)).await;
    olga.ok_post(&format!("/api/v1/accounts/{there}/follow"), json!({}))
        .await;
    TestInstance::drain_all(&instances).await;
    let first = visitor.get("/groups").await;
    first
        .answers(200, None)
        .shows("verweg")
        .shows("on another instance");
    assert!(
        !first.html().contains("nietgevolgd"),
        "only groups followed here"
    );
    let href = format!("href=\"{}\"", far.url("/groups/verweg"));
    assert!(first.html().contains(&href), "links to its home");
    // A full page links to the next; the oldest group is there.
    assert!(!first.html().contains("href=\"/groups/wijk\""));
    let html = first.html();
    let at = html.find("/groups?max_id=").expect("a link to more groups");
    let end = at + html[at..].find('"').unwrap();
    let second = visitor.get(&html[at..end]).await;
    second.answers(200, None).shows("href=\"/groups/wijk\"");
    assert!(!second.html().contains("verweg"));
    for i in instances {
        i.stop().await;
    }
}
