//! People in a real browser with JavaScript off: finding a person on
//! another instance through /search, their profile, following them; one's
//! settings (profile, language, password, authorised apps); what a visitor
//! or another person may not do there; and axe-core on these pages.

use fantoccini::Locator;
use knooppunt_tests::browser::browser;
use knooppunt_tests::webdriver::{Browser, describe};
use knooppunt_tests::{ApiClient, TestInstance};
use serde_json::json;

const PASSWORD: &str = "een lange zin als wachtwoord";

/// Signs `name` in through the form, in a browser signed out.
async fn sign_in(b: &Browser, i: &TestInstance, name: &str, password: &str) {
    b.goto(&i.url("/auth/sign_in")).await;
    b.fill("#username", name).await;
    b.fill("#password", password).await;
    b.click("main form button[type=submit]").await;
}

async fn signed_in_as(b: &Browser, name: &str) -> bool {
    b.text("header.site .account")
        .await
        .contains(&format!("@{name}"))
}

async fn sign_out(b: &Browser) {
    b.click("header.site .account button").await;
}

/// Chooses `value` in the select `css`.
async fn choose(b: &Browser, css: &str, value: &str) {
    let select = b.client.find(Locator::Css(css)).await.unwrap();
    select.select_by_value(value).await.unwrap();
}

/// The accounts following `api`'s person, as the client API lists them.
async fn followers(api: &ApiClient) -> Vec<String> {
    let me = api.ok("/api/v1/accounts/verify_credentials").await;
    let list = api
        .ok(&format!(
            "/api/v1/accounts/{}/followers",
            me["id"].as_str().unwrap()
        ))
        .await;
    list.as_array()
        .unwrap()
        .iter()
        .map(|a| a["acct"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_person_follows_someone_on_another_instance_from_search() {
    let Some(b) = Browser::start(false).await else {
        return;
    };
    let both = TestInstance::start_many(2).await;
    let (a, other) = (&both[0], &both[1]);
    a.create_person("anna", PASSWORD).await;
    other.create_person("bob", PASSWORD).await;
    let bob = ApiClient::login(other, "bob", PASSWORD).await;
    let (code, body) = bob
        .patch(
            "/api/v1/accounts/update_credentials",
            json!({ "display_name": "Bob Bakker" }),
        )
        .await;
    assert_eq!(code, 200, "{body}");

    sign_in(&b, a, "anna", PASSWORD).await;
    assert!(signed_in_as(&b, "anna").await);
    // The search box of the site's header.
    let handle = format!("@bob@{}", other.domain);
    b.fill("#site-search-q", &handle).await;
    b.click(".site-search button").await;
    assert!(b.path().await.starts_with("/search?q="));
    let people = b.text(".results.people").await;
    assert!(people.contains("Bob Bakker"), "{people}");
    b.click(".results.people a").await;
    assert_eq!(b.path().await, format!("/{handle}"));
    assert_eq!(b.text("main h1").await, "Bob Bakker");
    // The actor's `url` is its page on its own server.
    let original = format!("href=\"{}\"", other.url("/@bob"));
    assert!(b.source().await.contains(&original), "{original}");
    assert_eq!(b.text("form.follow button").await, "Follow");
    b.click("form.follow button").await;
    // Back on the profile; the other server has not answered yet.
    assert_eq!(b.path().await, format!("/{handle}"));
    assert!(b.text("form.follow").await.contains("waits for approval"));

    TestInstance::drain_all(&both).await;
    assert_eq!(followers(&bob).await, vec![format!("anna@{}", a.domain)]);
    b.goto(&a.url(&format!("/{handle}"))).await;
    assert_eq!(b.text("form.follow button").await, "Unfollow");

    // And back.
    b.click("form.follow button").await;
    assert_eq!(b.text("form.follow button").await, "Follow");
    TestInstance::drain_all(&both).await;
    assert!(followers(&bob).await.is_empty());

    // A local profile at /@name; the actor URL sends people there.
    b.goto(&other.url("/users/bob")).await;
    assert_eq!(b.path().await, "/@bob");
    assert_eq!(b.text("main h1").await, "Bob Bakker");
    b.quit().await;
    for i in both {
        i.stop().await;
    }
}

#[tokio::test]
async fn settings_change_the_profile_language_password_and_apps() {
    let Some(b) = Browser::start(false).await else {
        return;
    };
    let i = TestInstance::start().await;
    i.create_person("carla", PASSWORD).await;
    let app = ApiClient::login(&i, "carla", PASSWORD).await;
    sign_in(&b, &i, "carla", PASSWORD).await;
    b.click("header.site a[href='/settings']").await;
    assert_eq!(b.path().await, "/settings");

    // Profile: a refused form keeps its input and says why next to the field.
    let long = "x".repeat(101);
    b.fill("#display_name", &long).await;
    b.fill("#note", "Ik woon aan de Kleiweg.").await;
    b.click("form.settings-profile button[type=submit]").await;
    assert_eq!(
        b.text("#display_name-error").await,
        "at most 100 characters"
    );
    assert_eq!(b.value("#note").await, "Ik woon aan de Kleiweg.");
    b.fill("#display_name", "Carla de Vries").await;
    choose(&b, "#role", "entrepreneur").await;
    b.click("form.settings-profile button[type=submit]").await;
    assert_eq!(b.text("main .notice").await, "Your profile is saved.");
    assert!(b.text("header.site").await.contains("Carla de Vries"));
    assert_eq!(b.value("#role").await, "entrepreneur");
    b.goto(&i.url("/@carla")).await;
    let profile = b.main_text().await;
    for text in ["Carla de Vries", "entrepreneur", "Ik woon aan de Kleiweg."] {
        assert!(profile.contains(text), "{text}: {profile}");
    }
    // The client API sees the same profile.
    let me = app.ok("/api/v1/accounts/verify_credentials").await;
    assert_eq!(me["display_name"], "Carla de Vries");
    assert_eq!(me["locked"], false);

    // Approving followers herself: a neighbour's follow waits for her.
    b.goto(&i.url("/settings")).await;
    let locked = b.client.find(Locator::Css("#locked")).await.unwrap();
    locked.click().await.unwrap();
    b.click("form.settings-profile button[type=submit]").await;
    assert_eq!(b.text("main .notice").await, "Your profile is saved.");
    i.create_person("henk", PASSWORD).await;
    let henk = browser(&i);
    henk.sign_in("henk", PASSWORD).await;
    let page = henk.get("/@carla").await;
    page.answers(200, None).shows("approves followers");
    let carla_id = me["id"].as_str().unwrap();
    henk.submit(&format!("/accounts/{carla_id}/follow"), &[])
        .await
        .answers(303, Some("/@carla"));
    henk.get("/@carla")
        .await
        .shows("Your request to follow waits for approval.")
        .shows("Withdraw the request");

    // Language: the account's, so the pages turn Dutch.
    b.goto(&i.url("/settings")).await;
    choose(&b, "#settings-lang", "nl").await;
    b.click("form.settings-language button[type=submit]").await;
    assert_eq!(b.text("main .notice").await, "Je taal is bewaard.");
    assert_eq!(b.text("main h1").await, "Instellingen");
    choose(&b, "#settings-lang", "en").await;
    b.click("form.settings-language button[type=submit]").await;
    assert_eq!(b.text("main h1").await, "Settings");

    // Password: the current one is required.
    let new = "een nieuwe zin om mee in te loggen";
    b.fill("#current_password", "niet mijn wachtwoord").await;
    b.fill("#password", new).await;
    b.click("form.settings-password button[type=submit]").await;
    assert_eq!(
        b.text("#current_password-error").await,
        "is not your password"
    );
    b.fill("#current_password", PASSWORD).await;
    b.fill("#password", "kort").await;
    b.click("form.settings-password button[type=submit]").await;
    assert!(b.text("#password-error").await.contains("too short"));
    b.fill("#current_password", PASSWORD).await;
    b.fill("#password", new).await;
    b.click("form.settings-password button[type=submit]").await;
    assert_eq!(b.text("main .notice").await, "Your password is changed.");
    sign_out(&b).await;
    sign_in(&b, &i, "carla", PASSWORD).await;
    assert!(!signed_in_as(&b, "carla").await, "the old password is gone");
    sign_in(&b, &i, "carla", new).await;
    assert!(signed_in_as(&b, "carla").await);

    // Authorised apps: revoking one ends its token.
    b.goto(&i.url("/settings")).await;
    assert!(b.text(".apps").await.contains("tests"));
    b.click(".apps button").await;
    assert_eq!(
        b.text("main .notice").await,
        "The app no longer has access."
    );
    assert!(b.text("main").await.contains("No app can act for you."));
    let (code, _) = app.get("/api/v1/accounts/verify_credentials").await;
    assert_eq!(code, 401);
    b.quit().await;
    i.stop().await;
}

#[tokio::test]
async fn visitors_and_other_people_cannot_act_for_someone() {
    let i = TestInstance::start().await;
    i.create_person("dora", PASSWORD).await;
    i.create_person("eve", PASSWORD).await;
    let dora_app = ApiClient::login(&i, "dora", PASSWORD).await;
    let dora_id = dora_app.ok("/api/v1/accounts/verify_credentials").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let follow = format!("/accounts/{dora_id}/follow");

    // Signed out: settings send to sign in; following does nothing.
    let visitor = browser(&i);
    visitor
        .get("/settings")
        .await
        .answers(303, Some("/auth/sign_in?return_to=%2Fsettings"));
    visitor.get("/@dora").await.expect(200);
    let back = format!("/auth/sign_in?return_to=%2Faccounts%2F{dora_id}%2Ffollow");
    visitor.submit(&follow, &[]).await.answers(303, Some(&back));
    for (path, fields) in [
        ("/settings/profile", &[("display_name", "Gekaapt")][..]),
        (
            "/settings/password",
            &[("password", "een ander wachtwoord")][..],
        ),
        ("/settings/apps/1/revoke", &[][..]),
    ] {
        let reply = visitor.submit(path, fields).await;
        assert_eq!(reply.status, 303, "{path}");
    }
    assert!(followers(&dora_app).await.is_empty());

    // Signed in, but without the form's token: refused.
    let eve = browser(&i);
    eve.sign_in("eve", PASSWORD).await;
    for path in [
        follow.as_str(),
        "/settings/profile",
        "/settings/language",
        "/settings/password",
        "/settings/apps/1/revoke",
    ] {
        eve.form(path, &[("display_name", "Gekaapt"), ("lang", "nl")])
            .await
            .answers(403, None)
            .shows("came from another site");
    }
    assert!(followers(&dora_app).await.is_empty());

    // Dora's grant is hers: eve revoking it finds nothing.
    let dora = browser(&i);
    dora.sign_in("dora", PASSWORD).await;
    let page = dora.get("/settings").await;
    let html = page.html().to_string();
    let start = html.find("/settings/apps/").expect("a revoke form");
    let end = start + html[start..].find("/revoke").unwrap() + "/revoke".len();
    let revoke = &html[start..end];
    eve.get("/settings").await.expect(200);
    eve.submit(revoke, &[]).await.answers(404, None);
    eve.submit("/settings/apps/nothing/revoke", &[])
        .await
        .answers(404, None);
    let (code, _) = dora_app.get("/api/v1/accounts/verify_credentials").await;
    assert_eq!(code, 200, "dora's app still works");
    // Dora herself can.
    dora.submit(revoke, &[])
        .await
        .answers(303, Some("/settings?saved=apps"));
    let (code, _) = dora_app.get("/api/v1/accounts/verify_credentials").await;
    assert_eq!(code, 401);

    // Eve's profile form changes eve, never dora.
    eve.submit("/settings/profile", &[("display_name", "Eva")])
        .await
        .answers(303, Some("/settings?saved=profile"));
    let dora_now = ApiClient::login(&i, "dora", PASSWORD).await;
    let me = dora_now.ok("/api/v1/accounts/verify_credentials").await;
    assert_eq!(me["display_name"], "dora");
    i.stop().await;
}

/// axe-core needs page scripts to run (see web.rs); the pages have none.
#[tokio::test]
async fn people_pages_have_no_wcag_violations() {
    let Some(b) = Browser::start(true).await else {
        return;
    };
    let i = TestInstance::start().await;
    i.create_person("femke", PASSWORD).await;
    i.create_person("gijs", PASSWORD).await;
    let gijs = ApiClient::login(&i, "gijs", PASSWORD).await;
    gijs.ok_post(
        "/api/v1/statuses",
        json!({ "status": "Wie helpt zaterdag met de buurttuin?" }),
    )
    .await;
    let (code, plan) = gijs
        .post(
            "/api/knooppunt/v1/plans",
            json!({
                "title": "Bankjes in de buurttuin",
                "summary": "Drie bankjes onder de linde.",
                "content": "<p>Om te zitten.</p>",
            }),
        )
        .await;
    assert_eq!(code, 201, "{plan}");

    // A profile pages through the person's posts, older ones by a link.
    for n in 1..=20 {
        gijs.ok_post(
            "/api/v1/statuses",
            json!({ "status": format!("Bericht {n}") }),
        )
        .await;
    }
    b.goto(&i.url("/@gijs")).await;
    assert_eq!(b.text("main article.post .content").await, "Bericht 20");
    assert!(!b.main_text().await.contains("Wie helpt zaterdag"));
    b.click("main a[href^='/@gijs?max_id=']").await;
    assert!(b.main_text().await.contains("Wie helpt zaterdag"));

    let mut found = Vec::new();
    let mut checked = 0;
    sign_in(&b, &i, "femke", PASSWORD).await;
    for lang in ["nl", "en"] {
        b.click(&format!("form.lang button[value={lang}]")).await;
        for path in [
            "/@femke",
            "/@gijs",
            "/search",
            "/search?q=buurttuin",
            "/settings",
        ] {
            record(&b, &i, path, &mut found).await;
            checked += 1;
        }
        // Search finds the person, the plan and the post.
        b.goto(&i.url("/search?q=buurttuin")).await;
        assert!(
            b.text(".results.plans")
                .await
                .contains("Bankjes in de buurttuin")
        );
        assert!(
            b.text(".results.posts")
                .await
                .contains("Wie helpt zaterdag")
        );
        // A refused settings form.
        b.goto(&i.url("/settings")).await;
        b.fill("#current_password", "fout fout fout").await;
        b.click("form.settings-password button[type=submit]").await;
        assert!(b.source().await.contains("current_password-error"));
        check(&b, "settings error", &mut found).await;
        checked += 1;
    }
    sign_out(&b).await;
    for lang in ["nl", "en"] {
        b.click(&format!("form.lang button[value={lang}]")).await;
        for path in ["/@gijs", "/search", "/search?q=gijs"] {
            record(&b, &i, path, &mut found).await;
            checked += 1;
        }
    }
    assert_eq!(checked, 18);
    assert!(
        found.is_empty(),
        "axe found violations:\n{}",
        found.join("\n\n")
    );
    b.quit().await;
    i.stop().await;
}

/// Runs axe on the page at `path` and keeps what it finds.
async fn record(b: &Browser, i: &TestInstance, path: &str, found: &mut Vec<String>) {
    b.goto(&i.url(path)).await;
    check(b, path, found).await;
}

async fn check(b: &Browser, what: &str, found: &mut Vec<String>) {
    let violations = b.axe().await;
    if !violations.is_empty() {
        found.push(format!("{what}:\n{}", describe(&violations)));
    }
}
