//! Posts in a real browser with JavaScript off: replying to a post from
//! another instance, images with alt text, polls and voting, editing and
//! deleting (after a confirmation), favourites and boosts; who may not do
//! any of it; the events list in upcoming and past; and axe on the new
//! page types in both languages.

use fantoccini::Locator;
use knooppunt_tests::browser::browser;
use knooppunt_tests::fixtures::png;
use knooppunt_tests::webdriver::{Browser, describe};
use knooppunt_tests::{ApiClient, TestInstance};
use serde_json::json;

const PASSWORD: &str = "een lange zin als wachtwoord";

/// Chooses the file at `path` in the file field `css`.
async fn choose_file(b: &Browser, css: &str, path: &std::path::Path) {
    let field = b.client.find(Locator::Css(css)).await.unwrap();
    field.send_keys(&path.display().to_string()).await.unwrap();
}

/// A file with `bytes` in a directory of this test run.
fn file(name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("kp-web-posts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Whether an element matches `css` on the page shown.
async fn has(b: &Browser, css: &str) -> bool {
    b.client.find(Locator::Css(css)).await.is_ok()
}

#[tokio::test]
async fn a_reply_in_the_browser_reaches_the_post_on_another_instance() {
    let Some(br) = Browser::start(false).await else {
        return;
    };
    let instances = TestInstance::start_many(2).await;
    let (a, b) = (&instances[0], &instances[1]);
    a.create_person("anouk", PASSWORD).await;
    b.create_person("bob", PASSWORD).await;
    let anouk = ApiClient::login(a, "anouk", PASSWORD).await;
    let bob = ApiClient::login(b, "bob", PASSWORD).await;
    let bob_on_a = anouk.resolve(&format!("@bob@{}", b.domain)).await;
    anouk
        .ok_post(&format!("/api/v1/accounts/{bob_on_a}/follow"), json!({}))
        .await;
    TestInstance::drain_all(&instances).await;
    let post = bob
        .ok_post(
            "/api/v1/statuses",
            json!({ "status": "Wie heeft er een ladder te leen?" }),
        )
        .await;
    let bob_post = post["id"].as_str().unwrap().to_string();
    TestInstance::drain_all(&instances).await;

    // On A: bob's post is in anouk's home; Reply opens the compose page
    // with the post above the form and bob mentioned.
    br.sign_in(a, "anouk", PASSWORD).await;
    br.goto(&a.url("/home")).await;
    assert!(
        br.main_text()
            .await
            .contains("Wie heeft er een ladder te leen?")
    );
    br.click("article.post a.button").await;
    assert!(
        br.path().await.starts_with("/compose?in_reply_to_id="),
        "{}",
        br.path().await
    );
    let page = br.main_text().await;
    assert!(page.contains("Wie heeft er een ladder te leen?"), "{page}");
    let mention = format!("@bob@{} ", b.domain);
    assert_eq!(br.value("#status").await, mention);
    br.fill("#status", &format!("{mention}Ja, bij mij in de schuur."))
        .await;
    br.click("form.compose button[type=submit]").await;
    assert_eq!(br.path().await, "/home");
    assert!(br.main_text().await.contains("Ja, bij mij in de schuur."));

    // On B: the reply, in reply to bob's post.
    TestInstance::drain_all(&instances).await;
    let context = bob
        .ok(&format!("/api/v1/statuses/{bob_post}/context"))
        .await;
    let replies = context["descendants"].as_array().unwrap();
    assert_eq!(replies.len(), 1, "{context}");
    assert_eq!(replies[0]["in_reply_to_id"], bob_post.as_str());
    assert!(
        replies[0]["content"]
            .as_str()
            .unwrap()
            .contains("Ja, bij mij in de schuur."),
        "{context}"
    );
    assert_eq!(replies[0]["account"]["acct"], format!("anouk@{}", a.domain));
    br.quit().await;
    for i in instances {
        i.stop().await;
    }
}

/// Largest image of the instances in the upload tests.
const MAX_IMAGE: usize = 20_000;

#[tokio::test]
async fn compose_with_an_image_and_its_alt_text_and_a_poll_others_vote_in() {
    let Some(b) = Browser::start(false).await else {
        return;
    };
    let mut instances =
        TestInstance::start_many_with(1, |c| c.media.max_image_bytes = MAX_IMAGE).await;
    let i = instances.remove(0);
    i.create_person("anouk", PASSWORD).await;
    i.create_person("bram", PASSWORD).await;
    b.sign_in(&i, "anouk", PASSWORD).await;

    // From the timeline's short form to the full one, which returns there.
    // A file that is no image: the error next to the file field, the text kept.
    b.goto(&i.url("/home")).await;
    b.click("a.compose-more").await;
    assert_eq!(b.path().await, "/compose?return_to=%2Fhome");
    b.fill("#status", "Onze geveltuin bloeit.").await;
    b.fill("#description", "Stokrozen tegen een bakstenen gevel.")
        .await;
    choose_file(&b, "#file", &file("notities.txt", b"geen afbeelding")).await;
    b.click("form.compose button[type=submit]").await;
    assert!(
        b.text("#file-error")
            .await
            .contains("unsupported file type"),
        "{}",
        b.main_text().await
    );
    assert_eq!(b.value("#status").await, "Onze geveltuin bloeit.");
    assert_eq!(
        b.value("#description").await,
        "Stokrozen tegen een bakstenen gevel."
    );
    // Too large: the same.
    let mut large = png(4, 4);
    large.resize(MAX_IMAGE + 1_000, 0);
    choose_file(&b, "#file", &file("groot.png", &large)).await;
    b.click("form.compose button[type=submit]").await;
    assert!(
        b.text("#file-error").await.contains("too large"),
        "{}",
        b.main_text().await
    );
    assert_eq!(b.value("#status").await, "Onze geveltuin bloeit.");

    // A real image: the post shows it with its alt text.
    choose_file(&b, "#file", &file("tuin.png", &png(3, 2))).await;
    b.click("form.compose button[type=submit]").await;
    assert_eq!(b.path().await, "/home");
    let img = "article.post .post-media img[alt='Stokrozen tegen een bakstenen gevel.']";
    assert!(has(&b, img).await, "{}", b.source().await);
    let src = b
        .client
        .find(Locator::Css(img))
        .await
        .unwrap()
        .attr("src")
        .await
        .unwrap()
        .unwrap();
    assert!(src.contains("/media/"), "{src}");
    let media = url::Url::parse(&src).unwrap().path().to_string();
    assert_eq!(i.get(&media).await.status(), 200);
    // Editing its text keeps the image.
    b.click("article.post a.edit").await;
    b.fill("#status", "Onze geveltuin bloeit volop.").await;
    b.click("form.edit button[type=submit]").await;
    assert_eq!(b.path().await, "/home");
    assert!(b.main_text().await.contains("Onze geveltuin bloeit volop."));
    assert!(has(&b, img).await, "the image stays after an edit");

    // A poll needs two options: one is refused next to the poll's fields.
    b.goto(&i.url("/compose?return_to=/home")).await;
    b.fill("#status", "Welke dag snoeien we?").await;
    b.fill("#poll-option-1", "Zaterdag").await;
    b.click("form.compose button[type=submit]").await;
    assert!(
        b.text("#poll-error").await.contains("needs 2 to 4 options"),
        "{}",
        b.main_text().await
    );
    assert_eq!(b.value("#poll-option-1").await, "Zaterdag");
    b.fill("#poll-option-2", "Zondag").await;
    b.click("form.compose button[type=submit]").await;
    assert_eq!(b.path().await, "/home");
    assert!(has(&b, "form.poll").await, "anouk may vote too");
    b.sign_out().await;

    // bram votes for Sunday; the counts show.
    b.sign_in(&i, "bram", PASSWORD).await;
    b.goto(&i.url("/local")).await;
    let sunday = "form.poll input[value='1']";
    b.client
        .find(Locator::Css(sunday))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.click("form.poll button[type=submit]").await;
    assert_eq!(b.path().await, "/local");
    let results = b.text(".poll-results").await;
    let results = results.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        results.contains("Zaterdag 0 votes") && results.contains("Zondag 1 vote"),
        "{results}"
    );
    assert!(!has(&b, "form.poll").await, "one vote per person");
    b.quit().await;
    i.stop().await;
}

#[tokio::test]
async fn editing_deleting_favouriting_and_boosting_in_the_browser() {
    let Some(b) = Browser::start(false).await else {
        return;
    };
    let i = TestInstance::start().await;
    i.create_person("anouk", PASSWORD).await;
    i.create_person("bram", PASSWORD).await;
    let anouk = ApiClient::login(&i, "anouk", PASSWORD).await;
    let post = anouk
        .ok_post(
            "/api/v1/statuses",
            json!({ "status": "Snoeien om tien uur.", "spoiler_text": "Tuin" }),
        )
        .await;
    let id = post["id"].as_str().unwrap().to_string();

    // Edit: the form holds the text; a blank text is refused next to it.
    b.sign_in(&i, "anouk", PASSWORD).await;
    b.goto(&i.url("/home")).await;
    b.click("article.post a.edit").await;
    assert!(
        b.path().await.starts_with(&format!("/statuses/{id}/edit")),
        "{}",
        b.path().await
    );
    assert_eq!(b.value("#status").await, "Snoeien om tien uur.");
    assert_eq!(b.value("#spoiler_text").await, "Tuin");
    b.fill("#status", " ").await;
    b.click("form.edit button[type=submit]").await;
    assert_eq!(b.text("#status-error").await, "can't be blank");
    assert_eq!(b.value("#spoiler_text").await, "Tuin");
    b.fill("#status", "Snoeien om elf uur.").await;
    // Without its warning now: the text shows open.
    b.fill("#spoiler_text", "").await;
    b.click("form.edit button[type=submit]").await;
    assert_eq!(b.path().await, "/home");
    let home = b.main_text().await;
    assert!(
        home.contains("Snoeien om elf uur.")
            && !home.contains("tien uur")
            && !home.contains("Tuin"),
        "{home}"
    );
    let api = anouk.ok(&format!("/api/v1/statuses/{id}")).await;
    assert!(api["edited_at"].is_string(), "{api}");
    b.sign_out().await;

    // bram favourites and boosts it: the counts say so.
    b.sign_in(&i, "bram", PASSWORD).await;
    b.goto(&i.url("/local")).await;
    assert!(!has(&b, "article.post a.edit").await, "not bram's to edit");
    assert!(!has(&b, "article.post a.delete").await, "nor to delete");
    b.click("article.post form[action*='/favourite'] button")
        .await;
    b.click("article.post form[action*='/reblog'] button").await;
    let counts = b.text("article.post .counts").await;
    assert!(
        counts.contains("1 favourite") && counts.contains("1 boost"),
        "{counts}"
    );
    let api = anouk.ok(&format!("/api/v1/statuses/{id}")).await;
    assert_eq!(
        (
            api["favourites_count"].clone(),
            api["reblogs_count"].clone()
        ),
        (json!(1), json!(1))
    );
    b.click("article.post form[action*='/unfavourite'] button")
        .await;
    assert!(
        b.text("article.post .counts")
            .await
            .contains("0 favourites")
    );
    // bram answers on the post's own page: its reply form mentions anouk.
    let page = url::Url::parse(post["url"].as_str().unwrap()).unwrap();
    b.goto(&i.url(page.path())).await;
    assert_eq!(b.value("#status").await, "@anouk ");
    b.fill("#status", "@anouk Ik neem een snoeischaar mee.")
        .await;
    b.click("form.compose button[type=submit]").await;
    assert_eq!(b.path().await, page.path());
    assert!(b.text("article.post .counts").await.contains("1 reply"));
    let context = anouk.ok(&format!("/api/v1/statuses/{id}/context")).await;
    assert!(
        context["descendants"][0]["content"]
            .as_str()
            .unwrap()
            .contains("snoeischaar"),
        "{context}"
    );
    b.sign_out().await;

    // Delete asks first; cancelling keeps the post, confirming deletes it.
    b.sign_in(&i, "anouk", PASSWORD).await;
    b.goto(&i.url("/home")).await;
    b.click("article.post a.delete").await;
    assert!(
        b.path()
            .await
            .starts_with(&format!("/statuses/{id}/delete"))
    );
    let page = b.main_text().await;
    assert!(
        page.contains("Do you want to delete this post?") && page.contains("Snoeien om elf uur."),
        "{page}"
    );
    b.click("form.confirm-delete a").await;
    assert_eq!(b.path().await, "/home");
    anouk.ok(&format!("/api/v1/statuses/{id}")).await;
    b.click("article.post a.delete").await;
    b.click("form.confirm-delete button[type=submit]").await;
    assert_eq!(b.path().await, "/home");
    assert!(!b.main_text().await.contains("Snoeien om elf uur."));
    let (code, _) = anouk.get(&format!("/api/v1/statuses/{id}")).await;
    assert_eq!(code, 404);
    b.quit().await;
    i.stop().await;
}

/// Another person, a visitor and a forged form can neither edit nor
/// delete nor vote: the post stays as it was.
#[tokio::test]
async fn others_cannot_edit_or_delete_a_post_and_forms_need_their_token() {
    let i = TestInstance::start().await;
    i.create_person("anouk", PASSWORD).await;
    i.create_person("bram", PASSWORD).await;
    let anouk = ApiClient::login(&i, "anouk", PASSWORD).await;
    let post = anouk
        .ok_post("/api/v1/statuses", json!({ "status": "Van anouk." }))
        .await;
    let id = post["id"].as_str().unwrap().to_string();
    let hidden = anouk
        .ok_post(
            "/api/v1/statuses",
            json!({ "status": "Alleen voor volgers.", "visibility": "private" }),
        )
        .await;
    let hidden = hidden["id"].as_str().unwrap().to_string();
    let poll = anouk
        .ok_post(
            "/api/v1/statuses",
            json!({ "status": "Kiezen", "poll": { "options": ["ja", "nee"], "expires_in": 3600 } }),
        )
        .await;
    let poll_id = poll["poll"]["id"].as_str().unwrap().to_string();

    let bram = browser(&i);
    bram.sign_in("bram", PASSWORD).await;
    for (post, code) in [(&id, 403), (&hidden, 404)] {
        bram.get(&format!("/statuses/{post}/edit"))
            .await
            .answers(code, None);
        bram.get(&format!("/statuses/{post}/delete"))
            .await
            .answers(code, None);
        bram.submit(&format!("/statuses/{post}/edit"), &[("status", "Gekaapt")])
            .await
            .answers(code, None);
        bram.submit(&format!("/statuses/{post}/delete"), &[])
            .await
            .answers(code, None);
    }
    // Without the form token: refused, whoever asks.
    let forged = bram.form(&format!("/statuses/{id}/delete"), &[]).await;
    forged.answers(403, None);
    bram.form(&format!("/statuses/{id}/favourite"), &[])
        .await
        .answers(403, None);
    bram.form("/compose", &[("status", "Vervalst")])
        .await
        .answers(403, None);
    bram.form(&format!("/polls/{poll_id}/votes"), &[("choices[]", "0")])
        .await
        .answers(403, None);
    let anouk_web = browser(&i);
    anouk_web.sign_in("anouk", PASSWORD).await;
    anouk_web
        .form(&format!("/statuses/{id}/delete"), &[])
        .await
        .answers(403, None);
    anouk_web
        .form(&format!("/statuses/{id}/edit"), &[("status", "Vervalst")])
        .await
        .answers(403, None);

    // A visitor is sent to sign in, and nothing happens.
    let visitor = browser(&i);
    visitor.get("/local").await.expect(200);
    let to_sign_in = |r: &knooppunt_tests::browser::Reply| {
        assert_eq!(r.status, 303, "{}", r.body);
        let location = r.header("location").unwrap_or_default();
        assert!(location.starts_with("/auth/sign_in"), "{location}");
    };
    to_sign_in(&visitor.get(&format!("/statuses/{id}/edit")).await);
    to_sign_in(&visitor.get(&format!("/statuses/{id}/delete")).await);
    to_sign_in(
        &visitor
            .submit(&format!("/statuses/{id}/edit"), &[("status", "Gekaapt")])
            .await,
    );
    to_sign_in(&visitor.submit(&format!("/statuses/{id}/delete"), &[]).await);
    to_sign_in(
        &visitor
            .submit(&format!("/statuses/{id}/favourite"), &[])
            .await,
    );
    to_sign_in(&visitor.submit("/compose", &[("status", "Anoniem")]).await);
    to_sign_in(
        &visitor
            .submit(&format!("/polls/{poll_id}/votes"), &[("choices[]", "0")])
            .await,
    );

    let now = anouk.ok(&format!("/api/v1/statuses/{id}")).await;
    assert!(now["content"].as_str().unwrap().contains("Van anouk."));
    assert_eq!(now["favourites_count"], 0);
    anouk.ok(&format!("/api/v1/statuses/{hidden}")).await;
    let poll = anouk.ok(&format!("/api/v1/polls/{poll_id}")).await;
    assert_eq!(poll["votes_count"], 0, "{poll}");
    i.stop().await;
}

/// Makes an upcoming and a past event through the API; their names.
async fn two_events(i: &TestInstance, name: &str) -> (String, String) {
    let api = ApiClient::login(i, name, PASSWORD).await;
    let upcoming = (chrono::Utc::now() + chrono::Duration::days(30)).to_rfc3339();
    let past = (chrono::Utc::now() - chrono::Duration::days(30)).to_rfc3339();
    for (title, at) in [("Buurtborrel", &upcoming), ("Voorjaarsschoonmaak", &past)] {
        let (code, body) = api
            .post(
                "/api/knooppunt/v1/events",
                json!({ "name": title, "starts_at": at }),
            )
            .await;
        assert_eq!(code, 201, "{body}");
    }
    ("Buurtborrel".into(), "Voorjaarsschoonmaak".into())
}

#[tokio::test]
async fn the_events_list_shows_upcoming_and_past_events_apart() {
    let Some(b) = Browser::start(false).await else {
        return;
    };
    let i = TestInstance::start().await;
    i.create_person("olga", PASSWORD).await;
    let (upcoming, past) = two_events(&i, "olga").await;
    // Five more past events: the list shows the latest five past ones, the
    // earliest behind its own link.
    let api = ApiClient::login(&i, "olga", PASSWORD).await;
    for days in 1..=5 {
        let at = (chrono::Utc::now() - chrono::Duration::days(days)).to_rfc3339();
        let (code, body) = api
            .post(
                "/api/knooppunt/v1/events",
                json!({ "name": format!("Koffie {days}"), "starts_at": at }),
            )
            .await;
        assert_eq!(code, 201, "{body}");
    }
    b.goto(&i.url("/events")).await;
    let ended = b.text("section.events-past").await;
    assert!(
        ended.contains("Koffie 1") && ended.contains("Koffie 5") && !ended.contains(&past),
        "{ended}"
    );
    b.click("section.events-past a[href^='/events?before=']")
        .await;
    assert!(!has(&b, "section.events-upcoming").await);
    let earlier = b.text("section.events-past").await;
    assert!(
        earlier.contains(&past) && !earlier.contains("Koffie"),
        "{earlier}"
    );
    b.goto(&i.url("/events")).await;
    let soon = b.text("section.events-upcoming").await;
    let ended = b.text("section.events-past").await;
    assert!(soon.contains(&upcoming) && !soon.contains(&past), "{soon}");
    assert!(!ended.contains(&upcoming), "{ended}");
    // "Past events too" still lists both in one.
    b.click("main a[href='/events?past=true']").await;
    let all = b.main_text().await;
    assert!(all.contains(&upcoming) && all.contains(&past), "{all}");
    b.quit().await;
    i.stop().await;
}

/// The new page types, signed in in both languages (and the post with
/// its image, poll and reply form signed out): zero axe violations.
#[tokio::test]
async fn post_pages_have_no_wcag_violations_in_either_language() {
    let Some(b) = Browser::start(true).await else {
        return;
    };
    let i = TestInstance::start().await;
    i.create_person("chaimae", PASSWORD).await;
    i.create_person("bram", PASSWORD).await;
    let api = ApiClient::login(&i, "chaimae", PASSWORD).await;
    let post = api
        .ok_post(
            "/api/v1/statuses",
            json!({ "status": "Welke dag?", "poll": { "options": ["Zaterdag", "Zondag"], "expires_in": 3600 } }),
        )
        .await;
    let id = post["id"].as_str().unwrap().to_string();
    let post_path = url::Url::parse(post["url"].as_str().unwrap())
        .unwrap()
        .path()
        .to_string();
    two_events(&i, "chaimae").await;
    let mut found = Vec::new();
    b.sign_in(&i, "bram", PASSWORD).await;
    b.goto(&i.url("/local")).await;
    for lang in ["nl", "en"] {
        b.click(&format!("form.lang button[value={lang}]")).await;
        // Bram's view: the reply form on the post's page and the vote form.
        b.goto(&i.url(&post_path)).await;
        record(
            &b,
            &format!("{lang} post with reply and vote form"),
            &mut found,
        )
        .await;
    }
    b.sign_out().await;
    b.sign_in(&i, "chaimae", PASSWORD).await;
    // A post with an image, written on the compose page.
    b.goto(&i.url("/compose?return_to=/local")).await;
    b.fill("#status", "De geveltuin.").await;
    b.fill("#description", "Stokrozen tegen een gevel.").await;
    choose_file(&b, "#file", &file("axe.png", &png(3, 2))).await;
    b.click("form.compose button[type=submit]").await;
    assert!(has(&b, ".post-media img").await);
    for lang in ["nl", "en"] {
        b.goto(&i.url("/local")).await;
        b.click(&format!("form.lang button[value={lang}]")).await;
        for path in [
            "/local".to_string(),
            "/compose".to_string(),
            format!("/statuses/{id}/edit"),
            format!("/statuses/{id}/delete"),
            "/events".to_string(),
        ] {
            b.goto(&i.url(&path)).await;
            assert!(b.path().await.starts_with(&path), "{path}");
            record(&b, &format!("{lang} {path}"), &mut found).await;
        }
        // Refused: errors next to the file and poll fields.
        b.goto(&i.url("/compose")).await;
        b.fill("#status", "Met fouten").await;
        choose_file(&b, "#file", &file("fout.txt", b"geen afbeelding")).await;
        b.click("form.compose button[type=submit]").await;
        assert!(has(&b, "#file-error").await);
        record(&b, &format!("{lang} compose with a file error"), &mut found).await;
        b.goto(&i.url("/compose")).await;
        b.fill("#poll-option-1", "Alleen").await;
        b.click("form.compose button[type=submit]").await;
        assert!(has(&b, "#poll-error").await);
        record(&b, &format!("{lang} compose with a poll error"), &mut found).await;
        b.goto(&i.url(&format!("/statuses/{id}/edit"))).await;
        b.fill("#status", " ").await;
        b.click("form.edit button[type=submit]").await;
        assert!(has(&b, "#status-error").await);
        record(&b, &format!("{lang} edit with an error"), &mut found).await;
        // The poll's results (chaimae votes), with the image post.
        b.goto(&i.url(&post_path)).await;
        if has(&b, "form.poll").await {
            b.client
                .find(Locator::Css("form.poll input[value='0']"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            b.click("form.poll button[type=submit]").await;
        }
        assert!(has(&b, ".poll-results").await);
        record(&b, &format!("{lang} post with poll results"), &mut found).await;
    }
    // To look at: the compose form and a post with its poll, on a phone.
    b.goto(&i.url("/compose")).await;
    b.screenshot("compose", 390, 844).await;
    b.goto(&i.url(&post_path)).await;
    b.screenshot("post-with-poll", 390, 844).await;
    // Signed out: the post page and the events list.
    b.sign_out().await;
    for lang in ["nl", "en"] {
        b.click(&format!("form.lang button[value={lang}]")).await;
        for path in [post_path.as_str(), "/events"] {
            b.goto(&i.url(path)).await;
            record(&b, &format!("{lang} signed out {path}"), &mut found).await;
        }
    }
    assert!(
        found.is_empty(),
        "axe found violations:\n{}",
        found.join("\n\n")
    );
    b.quit().await;
    i.stop().await;
}

/// Runs axe on the page shown and keeps what it finds under `what`.
async fn record(b: &Browser, what: &str, found: &mut Vec<String>) {
    let violations = b.axe().await;
    if !violations.is_empty() {
        found.push(format!("{what}:\n{}", describe(&violations)));
    }
}
