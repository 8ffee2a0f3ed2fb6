//! The web interface in a real browser with JavaScript off: signing up
//! lands signed in, posting from the compose form, a refused form keeping
//! its input, a cross-site form refused, signing out; and axe-core on every
//! page type, signed in and out, in both languages.

use fantoccini::key::Key;
use knooppunt_tests::browser::browser;
use knooppunt_tests::webdriver::{Browser, describe};
use knooppunt_tests::{ApiClient, TestInstance};
use serde_json::json;

const PASSWORD: &str = "een lange zin als wachtwoord";

/// Signs up `name` through the form; the browser lands on /home signed in.
async fn sign_up(b: &Browser, i: &TestInstance, name: &str) {
    b.goto(&i.url("/auth/sign_up")).await;
    b.fill("#name", name).await;
    b.fill("#email", &format!("{name}@wijk.example")).await;
    b.fill("#password", PASSWORD).await;
    b.click("form.stack button[type=submit]").await;
    assert_eq!(b.path().await, "/home", "{}", b.source().await);
    let header = b.text("header.site").await;
    assert!(header.contains(&format!("@{name}")), "{header}");
}

#[tokio::test]
async fn web_flows_with_javascript_off() {
    let Some(b) = Browser::start(false).await else {
        return;
    };
    assert!(!b.runs_page_scripts().await, "page scripts must be off");
    let i = TestInstance::start().await;
    sign_up(&b, &i, "anouk").await;

    // Posting from the compose form: on /home and on /local.
    b.fill("#status", "Wie helpt zaterdag met de geveltuinen?")
        .await;
    b.click("form.compose button[type=submit]").await;
    assert_eq!(b.path().await, "/home");
    assert!(
        b.main_text()
            .await
            .contains("Wie helpt zaterdag met de geveltuinen?")
    );
    b.goto(&i.url("/local")).await;
    assert!(
        b.main_text()
            .await
            .contains("Wie helpt zaterdag met de geveltuinen?")
    );

    // A neighbour favourites it through the API: a notification on the page.
    i.create_person("bram", PASSWORD).await;
    let bram = ApiClient::login(&i, "bram", PASSWORD).await;
    let local = bram.ok("/api/v1/timelines/public?local=true").await;
    let id = local[0]["id"].as_str().unwrap().to_string();
    bram.ok_post(&format!("/api/v1/statuses/{id}/favourite"), json!({}))
        .await;
    b.click("nav a[href='/notifications']").await;
    let notifications = b.main_text().await;
    assert!(
        notifications.contains("favourited your post"),
        "{notifications}"
    );
    assert!(notifications.contains("Wie helpt zaterdag met de geveltuinen?"));

    // A refused form keeps its input and says what is wrong, next to the field.
    b.goto(&i.url("/local")).await;
    b.fill("#spoiler_text", "Over de geveltuinen").await;
    b.click("form.compose button[type=submit]").await;
    assert_eq!(b.text("#status-error").await, "can't be blank");
    assert_eq!(b.value("#spoiler_text").await, "Over de geveltuinen");
    let invalid = b
        .client
        .find(fantoccini::Locator::Css("#status"))
        .await
        .unwrap();
    assert_eq!(
        invalid.attr("aria-invalid").await.unwrap().as_deref(),
        Some("true")
    );

    // Favourite, reply and delete, each a form.
    b.goto(&i.url("/home")).await;
    b.click("article.post form[action*='/favourite'] button")
        .await;
    assert!(b.main_text().await.contains("Remove favourite"));
    b.click("article.post a.button").await;
    assert!(b.path().await.starts_with("/compose?in_reply_to_id="));
    b.fill("#status", "Ik help mee!").await;
    b.click("form.compose button[type=submit]").await;
    assert_eq!(b.path().await, "/home");
    let home = b.main_text().await;
    assert!(
        home.contains("Ik help mee!") && home.contains("1 reply"),
        "{home}"
    );
    // Deleting asks first (no script, no dialog): a page, then its form.
    b.click("article.post a.delete").await;
    b.click("form.confirm-delete button[type=submit]").await;
    assert_eq!(b.path().await, "/home");
    assert!(!b.main_text().await.contains("Ik help mee!"));

    // By keyboard alone: the first Tab reaches the skip link, which leads
    // to the content; from there Tab reaches the form, typing writes, and
    // Enter on the button posts.
    b.goto(&i.url("/home")).await;
    b.press(Key::Tab).await;
    assert!(
        b.focused().await.contains("class=\"skip\""),
        "{}",
        b.focused().await
    );
    // Shown when focused, with a visible outline.
    let skip = b.client.active_element().await.unwrap();
    let (_, y, _, height) = skip.rectangle().await.unwrap();
    assert!(y >= 0.0 && height > 0.0, "the skip link is on screen: {y}");
    assert_eq!(skip.css_value("outline-style").await.unwrap(), "solid");
    let old = b
        .client
        .find(fantoccini::Locator::Css("html"))
        .await
        .unwrap();
    b.press(Key::Enter).await;
    assert_eq!(
        b.client.current_url().await.unwrap().fragment(),
        Some("main")
    );
    assert!(old.tag_name().await.is_ok(), "the same page");
    b.tab_to("id=\"spoiler_text\"", 5).await;
    b.tab_to("id=\"status\"", 3).await;
    let field = b.client.active_element().await.unwrap();
    field
        .send_keys("Met het toetsenbord geschreven.")
        .await
        .unwrap();
    b.tab_to("type=\"submit\"", 3).await;
    b.press(Key::Enter).await;
    for _ in 0..100 {
        if b.main_text()
            .await
            .contains("Met het toetsenbord geschreven.")
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(
        b.main_text()
            .await
            .contains("Met het toetsenbord geschreven.")
    );

    // The language switch on every page.
    b.click("form.lang button[value=nl]").await;
    assert_eq!(b.path().await, "/home");
    assert!(b.text("header.site").await.contains("Uitloggen"));
    b.click("form.lang button[value=en]").await;

    // A form from another site: no token (and no cookies, SameSite=Lax): refused.
    let attack = format!(
        "data:text/html,<form method=post action='{}'><input name=status value=aanval><button>go</button></form>",
        i.url("/compose")
    );
    b.goto(&attack).await;
    b.click("button").await;
    let refused = b.source().await;
    assert!(refused.contains("came from another site"), "{refused}");
    b.goto(&i.url("/local")).await;
    assert!(!b.main_text().await.contains("aanval"));

    b.goto(&i.url("/home")).await;
    b.screenshot("home", 390, 844).await;
    b.screenshot("home", 1280, 800).await;

    // Signing out: back on the front page, signed out; /home asks to sign in.
    b.goto(&i.url("/home")).await;
    b.click("header.site .account button").await;
    assert_eq!(b.path().await, "/");
    assert!(b.text("header.site").await.contains("Sign in"));
    b.goto(&i.url("/home")).await;
    assert!(b.path().await.starts_with("/auth/sign_in?return_to="));
    b.goto(&i.url("/local")).await;
    b.screenshot("local-signed-out", 390, 844).await;
    b.quit().await;
    i.stop().await;
}

#[tokio::test]
async fn web_forms_refuse_posts_without_the_token() {
    let i = TestInstance::start().await;
    i.create_person("bram", PASSWORD).await;
    let b = browser(&i);
    b.sign_in("bram", PASSWORD).await;
    let page = b.get("/home").await;
    page.answers(200, None).shows("Signed in as");
    // The session cookie alone is not enough: every action needs the form's token.
    for path in [
        "/compose",
        "/statuses/1/favourite",
        "/auth/sign_out",
        "/language",
    ] {
        let reply = b
            .form(path, &[("status", "zonder token"), ("lang", "nl")])
            .await;
        reply.answers(403, None).shows("came from another site");
        let forged = [("csrf_token", "x".repeat(43)), ("status", "vals".into())];
        let forged: Vec<(&str, &str)> = forged.iter().map(|(k, v)| (*k, v.as_str())).collect();
        b.form(path, &forged).await.answers(403, None);
    }
    let local = b.get("/local").await;
    assert!(!local.html().contains("zonder token") && !local.html().contains("vals"));
    // Still signed in: the refused sign-out did nothing.
    b.get("/home").await.answers(200, None);
    i.stop().await;
}

/// The budget: a page and its style sheet in 60 KB, measured on a
/// full timeline (20 posts with their buttons) as a signed-in person sees it.
#[tokio::test]
async fn a_full_timeline_weighs_less_than_60_kb_with_its_style_sheet() {
    let i = TestInstance::start().await;
    i.create_person("femke", PASSWORD).await;
    let api = ApiClient::login(&i, "femke", PASSWORD).await;
    for n in 0..25 {
        let text =
            format!("Bericht {n} over de straat, de tuinen en het buurthuis aan de Kleiweg.");
        api.ok_post(
            "/api/v1/statuses",
            json!({ "status": text, "spoiler_text": "Buurt" }),
        )
        .await;
    }
    let b = browser(&i);
    b.sign_in("femke", PASSWORD).await;
    let page = b.get("/local").await;
    page.answers(200, None);
    assert_eq!(page.html().matches("<article class=\"post\"").count(), 20);
    assert!(
        page.html().contains("/local?max_id="),
        "a link to older posts"
    );
    let css = page.html().split("href=\"/static/site.").nth(1).unwrap();
    let css = format!("/static/site.{}", css.split('"').next().unwrap());
    let sheet = b.get(&css).await;
    let weight = page.html().len() + sheet.html().len();
    assert!(weight <= 60 * 1024, "{weight} bytes");
    i.stop().await;
}

#[tokio::test]
async fn the_language_switch_is_remembered_in_the_account() {
    let i = TestInstance::start().await;
    i.create_person("dirk", PASSWORD).await;
    let login = [("username", "dirk"), ("password", PASSWORD)];
    let sign_in = async || {
        let b = browser(&i);
        b.get("/auth/sign_in").await.expect(200);
        b.submit("/auth/sign_in", &login)
            .await
            .answers(303, Some("/"));
        b
    };
    // This browser asks for English; the switch says Dutch.
    let first = sign_in().await;
    first.get("/home").await.shows("Sign out");
    let switch = [("lang", "nl"), ("back", "/home")];
    first
        .submit("/language", &switch)
        .await
        .answers(303, Some("/home"));
    first.get("/home").await.shows("Uitloggen");
    // Another browser, also asking for English: the account's choice wins.
    let second = sign_in().await;
    second
        .get("/home")
        .await
        .shows("Uitloggen")
        .shows("lang=\"nl\"");
    // A choice in a browser stays that browser's, whatever the account says.
    let switch = [("lang", "en"), ("back", "/local")];
    second
        .submit("/language", &switch)
        .await
        .answers(303, Some("/local"));
    second.get("/home").await.shows("Sign out");
    first.get("/home").await.shows("Uitloggen");
    // Signed out, the switch changes no account; a bad choice is refused.
    let visitor = browser(&i);
    visitor.get("/local").await.expect(200);
    let bad = [("lang", "fr"), ("back", "/local")];
    visitor.submit("/language", &bad).await.answers(422, None);
    let switch = [("lang", "nl"), ("back", "https://elders.example/")];
    visitor
        .submit("/language", &switch)
        .await
        .answers(303, Some("/"));
    sign_in().await.get("/home").await.shows("Sign out");
    i.stop().await;
}

#[tokio::test]
async fn web_pages_carry_security_headers_and_a_hashed_style_sheet() {
    let i = TestInstance::start().await;
    let b = browser(&i);
    let page = b.get("/local").await;
    page.answers(200, None);
    let csp = page.header("content-security-policy").unwrap();
    assert!(
        csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert!(page.header("referrer-policy").is_some());
    assert!(!page.html().contains("<style") && !page.html().contains("<script"));
    let css = page.html().split("href=\"/static/site.").nth(1).unwrap();
    let css = format!("/static/site.{}", css.split('"').next().unwrap());
    let sheet = b.get(&css).await;
    sheet.answers(200, None);
    assert!(sheet.header("cache-control").unwrap().contains("immutable"));
    b.get("/static/site.0000000000000000.css")
        .await
        .answers(404, None);
    // Signed out, /home and /notifications ask to sign in first.
    for path in ["/home", "/notifications", "/compose"] {
        let reply = b.get(path).await;
        assert_eq!(reply.status, 303, "{path}");
        assert!(
            reply
                .header("location")
                .unwrap()
                .starts_with("/auth/sign_in?return_to=")
        );
    }
    i.stop().await;
}

/// A plan and an event by `name`, made through the API: their pages' paths.
async fn plan_and_event(i: &TestInstance, name: &str) -> (String, String) {
    let api = ApiClient::login(i, name, PASSWORD).await;
    let (code, plan) = api
        .post(
            "/api/knooppunt/v1/plans",
            json!({
                "title": "Groene speelplek Vlaggemanstraat",
                "summary": "Van parkeerplaats naar speelplek met bomen.",
                "content": "<p>Een speelplek <b>met</b> de buurt.</p>",
                "themes": ["groen"],
                "area": { "address": "Vlaggemanstraat, Rotterdam" },
                "cost_estimate": { "amount_cents": 4_500_000, "currency": "EUR" },
            }),
        )
        .await;
    assert_eq!(code, 201, "{plan}");
    // Arguments for and against, side by side on its page.
    let arguments = format!(
        "/api/knooppunt/v1/plans/{}/arguments",
        plan["id"].as_str().unwrap()
    );
    for (stance, text) in [
        ("pro", "Meer groen, minder hitte."),
        ("contra", "Minder parkeerplek."),
    ] {
        let (code, body) = api
            .post(&arguments, json!({ "text": text, "stance": stance }))
            .await;
        assert_eq!(code, 201, "{body}");
    }
    let (code, event) = api
        .post(
            "/api/knooppunt/v1/events",
            json!({
                "name": "Snoeimiddag in de buurttuin",
                "description": "<p>Neem handschoenen mee.</p>",
                "starts_at": "2027-03-14T14:00:00+01:00",
                "timezone": "Europe/Amsterdam",
                "location": { "name": "Buurttuin", "address": "Kleiweg 12, Rotterdam" },
                "capacity": 12,
            }),
        )
        .await;
    assert_eq!(code, 201, "{event}");
    let id = |v: &serde_json::Value| v["id"].as_str().unwrap().to_string();
    (
        format!("/plans/{}", id(&plan)),
        format!("/events/{}", id(&event)),
    )
}

/// Runs axe on the page at `path` and collects what it finds.
async fn check(b: &Browser, i: &TestInstance, path: &str, found: &mut Vec<String>) {
    b.goto(&i.url(path)).await;
    assert_eq!(b.path().await, path, "{path} is shown, not a redirect");
    let violations = b.axe().await;
    if !violations.is_empty() {
        found.push(format!("{path}:\n{}", describe(&violations)));
    }
}

/// axe-core needs page scripts to finish its run (timers and promises do
/// not run with scripts off), so these browsers have them on; the pages
/// have no script of their own (`web_pages_carry_security_headers…`), so
/// they are the pages people without JavaScript get.
#[tokio::test]
async fn web_pages_have_no_wcag_violations_in_either_language() {
    let Some(b) = Browser::start(true).await else {
        return;
    };
    // The check itself finds what it should: an image without a text.
    b.goto("data:text/html,<html lang=en><title>t</title><main><img src=x.png></main></html>")
        .await;
    let bad = b.axe().await;
    assert!(
        bad.iter().any(|v| v["id"] == "image-alt"),
        "{}",
        describe(&bad)
    );
    let i = TestInstance::start().await;
    let checked = axe_everywhere(&b, &i, &["nl", "en"], true).await;
    assert_eq!(checked, 52);
    b.quit().await;
    i.stop().await;
}

/// The dark scheme has colours of its own: their contrast is checked too.
#[tokio::test]
async fn web_pages_in_the_dark_scheme_have_no_wcag_violations() {
    let Some(b) = Browser::start_with(true, true).await else {
        return;
    };
    let dark = b
        .client
        .execute(
            "return matchMedia('(prefers-color-scheme: dark)').matches",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        dark,
        serde_json::Value::Bool(true),
        "the browser prefers dark"
    );
    let i = TestInstance::start().await;
    let checked = axe_everywhere(&b, &i, &["en"], false).await;
    assert_eq!(checked, 26);
    b.quit().await;
    i.stop().await;
}

/// Signs up, posts, makes a plan and an event, and runs axe on every page
/// type in each of `langs`, signed in and then signed out; also on a
/// refused compose form and a refused cross-site form. Fails on any
/// violation; returns how many pages it checked.
async fn axe_everywhere(b: &Browser, i: &TestInstance, langs: &[&str], shots: bool) -> usize {
    let mut found = Vec::new();
    let mut checked = 0;
    sign_up(b, i, "chaimae").await;
    b.fill("#spoiler_text", "Over het buurtfeest").await;
    b.fill("#status", "Het buurtfeest is op 14 juni.").await;
    b.click("form.compose button[type=submit]").await;
    let link = |css: &'static str| async move {
        let element = b.client.find(fantoccini::Locator::Css(css)).await.unwrap();
        element.attr("href").await.unwrap().unwrap()
    };
    let post_url = link("article.post .meta a").await;
    let post_path = url::Url::parse(&post_url).unwrap().path().to_string();
    let reply_path = link("article.post a.button").await;
    let (plan_path, event_path) = plan_and_event(i, "chaimae").await;
    let own = [&reply_path, &post_path, &plan_path, &event_path].map(|p| p.as_str());
    for lang in langs {
        b.goto(&i.url("/local")).await;
        b.click(&format!("form.lang button[value={lang}]")).await;
        let pages = [
            "/",
            "/home",
            "/local",
            "/federated",
            "/notifications",
            "/plans",
            "/plans/new",
            "/events",
            "/events/new",
        ];
        for path in [&pages[..], &own].concat() {
            check(b, i, path, &mut found).await;
            checked += 1;
        }
        // A refused form: errors next to their fields.
        b.goto(&i.url("/home")).await;
        b.click("form.compose button[type=submit]").await;
        record(b, "compose error", &mut found).await;
        b.goto(&i.url("/plans/new")).await;
        b.click("form.plan-form button[type=submit]").await;
        record(b, "plan form error", &mut found).await;
        checked += 2;
    }
    if shots {
        b.goto(&i.url(&plan_path)).await;
        b.screenshot_full("plan", 390, 844).await;
        b.screenshot_full("plan", 1280, 800).await;
    }
    b.click("header.site .account button").await;
    for lang in langs {
        b.click(&format!("form.lang button[value={lang}]")).await;
        let pages = [
            "/",
            "/local",
            "/federated",
            "/auth/sign_in",
            "/auth/sign_up",
            "/plans",
            "/events",
        ];
        for path in [&pages[..], &own[1..]].concat() {
            check(b, i, path, &mut found).await;
            checked += 1;
        }
        // The page of a refused (cross-site) form.
        let attack = format!(
            "data:text/html,<form method=post action='{}'><button>go</button></form>",
            i.url("/compose")
        );
        b.goto(&attack).await;
        b.click("button").await;
        record(b, "refused form", &mut found).await;
        checked += 1;
        b.goto(&i.url("/")).await;
    }
    assert!(
        found.is_empty(),
        "axe found violations:\n{}",
        found.join("\n\n")
    );
    checked
}

/// Runs axe on the page shown and keeps what it finds under `what`.
async fn record(b: &Browser, what: &str, found: &mut Vec<String>) {
    let violations = b.axe().await;
    if !violations.is_empty() {
        found.push(format!("{what}:\n{}", describe(&violations)));
    }
}
