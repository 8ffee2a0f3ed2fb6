//! Plans and events in a real browser with JavaScript off: writing a plan,
//! supporting it, arguing pro and contra, the owner's and the decider's
//! steps with the history, what a neighbour may not do, and an event that
//! fills up.

use knooppunt_tests::browser::browser;
use knooppunt_tests::webdriver::Browser;
use knooppunt_tests::{ApiClient, TestInstance};
use serde_json::json;

const PASSWORD: &str = "een lange zin als wachtwoord";

/// Makes `name` a moderator of the neighbourhood, as its administrator does.
async fn appoint_moderator(i: &TestInstance, name: &str) {
    i.create_admin("ada", PASSWORD).await;
    let them = ApiClient::login(i, name, PASSWORD).await;
    let hood = them.resolve(&format!("@wijk@{}", i.domain)).await;
    them.ok_post(&format!("/api/v1/accounts/{hood}/follow"), json!({}))
        .await;
    let ada = ApiClient::login(i, "ada", PASSWORD).await;
    let id = ada.resolve(&format!("@{name}@{}", i.domain)).await;
    let (code, body) = ada
        .post(
            "/api/knooppunt/v1/groups/wijk/moderators",
            json!({ "account_id": id }),
        )
        .await;
    assert_eq!(code, 200, "{body}");
}

/// POSTs `body` through the API and expects 201.
async fn created(api: &ApiClient, path: &str, body: serde_json::Value) -> serde_json::Value {
    let (code, body) = api.post(path, body).await;
    assert_eq!(code, 201, "{body}");
    body
}

#[tokio::test]
async fn a_plan_goes_from_idea_to_adopted_in_the_browser() {
    let Some(b) = Browser::start(false).await else {
        return;
    };
    let i = TestInstance::start().await;
    for name in ["anouk", "bram", "cor", "nina"] {
        i.create_person(name, PASSWORD).await;
    }
    appoint_moderator(&i, "nina").await;

    // anouk writes the plan; a refused form keeps its input.
    b.sign_in(&i, "anouk", PASSWORD).await;
    b.goto(&i.url("/plans/new")).await;
    b.fill("#summary", "Van parkeerplaats naar speelplek.")
        .await;
    b.click("form.plan-form button[type=submit]").await;
    assert_eq!(b.text("#title-error").await, "can't be blank");
    assert_eq!(
        b.value("#summary").await,
        "Van parkeerplaats naar speelplek."
    );
    b.fill("#title", "Speelplek Vlaggemanstraat").await;
    b.fill("#content", "Bomen, een bank en een zandbak.").await;
    b.fill("#themes", "groen, spelen").await;
    b.fill("#area", "Vlaggemanstraat").await;
    b.click("form.plan-form button[type=submit]").await;
    let plan = b.path().await;
    assert!(plan.starts_with("/plans/"), "{plan}");
    let page = b.main_text().await;
    for text in [
        "Speelplek Vlaggemanstraat",
        "Idea",
        "#groen",
        "Vlaggemanstraat",
    ] {
        assert!(page.contains(text), "{text}: {page}");
    }
    b.sign_out().await;

    // bram supports it and argues pro; cor argues contra.
    b.sign_in(&i, "bram", PASSWORD).await;
    b.goto(&i.url(&plan)).await;
    assert!(
        !b.source().await.contains("steps-title"),
        "no steps for bram"
    );
    b.click("#support button").await;
    assert!(b.text("#support").await.contains("Withdraw your support"));
    b.fill("#text", "Eindelijk groen in de straat.").await;
    b.click("form.argue button[type=submit]").await;
    assert!(
        b.text(".args .pro")
            .await
            .contains("Eindelijk groen in de straat.")
    );
    b.sign_out().await;
    b.sign_in(&i, "cor", PASSWORD).await;
    b.goto(&i.url(&plan)).await;
    let contra = fantoccini::Locator::Css("form.argue input[value=contra]");
    b.client.find(contra).await.unwrap().click().await.unwrap();
    b.fill("#text", "Waar parkeren we dan?").await;
    b.click("form.argue button[type=submit]").await;
    assert!(
        b.text(".args .contra")
            .await
            .contains("Waar parkeren we dan?")
    );
    // Each argument has its own support.
    b.click(".args .pro form button").await;
    assert!(b.text(".args .pro").await.contains("1 supporter"));
    b.sign_out().await;

    // The owner makes it a proposal, and cannot decide on it herself.
    b.sign_in(&i, "anouk", PASSWORD).await;
    b.goto(&i.url(&plan)).await;
    let steps = b.text(".steps").await;
    assert!(!steps.contains("Adopted"), "{steps}");
    b.click("main a[href$='/edit']").await;
    b.fill("#title", "Speelplek en bomen Vlaggemanstraat").await;
    b.click("form.plan-form button[type=submit]").await;
    assert_eq!(b.path().await, plan);
    assert!(b.text("h1").await.contains("Speelplek en bomen"));
    b.click(".steps button[value=proposal]").await;
    assert!(b.text("#state").await.contains("Proposal"));
    assert!(!b.source().await.contains("value=\"adopted\""));
    b.sign_out().await;

    // The moderator adopts it: without a reason refused, the reason kept.
    b.sign_in(&i, "nina", PASSWORD).await;
    b.goto(&i.url(&plan)).await;
    b.click(".steps button[value=adopted]").await;
    assert!(b.text("#step-error").await.contains("reason"));
    b.fill("#note-adopted", "Past in het wijkbudget van 2027.")
        .await;
    b.click(".steps button[value=adopted]").await;
    assert!(b.text("#state").await.contains("Adopted"));
    let history = b.text(".history").await;
    for text in [
        "wrote the plan",
        "moved the plan to Proposal",
        "moved the plan to Adopted: Past in het wijkbudget van 2027.",
        "@nina@",
    ] {
        assert!(history.contains(text), "{text}: {history}");
    }
    // The list, filtered without script: adopted shows it, idea does not.
    b.goto(&i.url("/plans")).await;
    assert!(
        b.main_text()
            .await
            .contains("Speelplek en bomen Vlaggemanstraat")
    );
    b.goto(&i.url("/plans?state=idea&theme=&group=")).await;
    assert!(
        !b.main_text()
            .await
            .contains("Speelplek en bomen Vlaggemanstraat")
    );
    b.goto(&i.url("/plans?state=adopted&theme=groen&group="))
        .await;
    b.click(".plans a").await;
    assert_eq!(b.path().await, plan);
    b.goto(&i.url(&plan)).await;
    b.screenshot("plan-arguments", 1280, 800).await;
    b.screenshot("plan-arguments", 390, 844).await;
    b.quit().await;
    i.stop().await;
}

/// The attacker's side: a neighbour forging a step, and an owner deciding
/// on her own plan, are both refused by the service's rule.
#[tokio::test]
async fn a_neighbour_cannot_move_a_plan_and_an_owner_cannot_adopt_it() {
    let i = TestInstance::start().await;
    i.create_admin("olga", PASSWORD).await;
    i.create_person("bram", PASSWORD).await;
    let olga = ApiClient::login(&i, "olga", PASSWORD).await;
    let plan = created(
        &olga,
        "/api/knooppunt/v1/plans",
        json!({ "title": "Bankjes" }),
    )
    .await;
    let path = format!("/plans/{}", plan["id"].as_str().unwrap());
    let signed_in = |name: &'static str| {
        let i = &i;
        async move {
            let b = browser(i);
            b.sign_in(name, PASSWORD).await;
            b
        }
    };
    let bram = signed_in("bram").await;
    let page = bram.get(&path).await;
    page.answers(200, None);
    assert!(!page.html().contains("/transition"), "no step buttons");
    assert!(!page.html().contains("/edit\""), "no edit link");
    bram.get(&format!("{path}/edit")).await.answers(403, None);
    bram.submit(&format!("{path}/edit"), &[("title", "Gekaapt")])
        .await
        .answers(403, None);
    let forged = [("to", "proposal"), ("note", "")];
    bram.submit(&format!("{path}/transition"), &forged)
        .await
        .answers(403, None)
        .shows("may move a plan from idea to proposal");
    // olga owns it and is an administrator: she makes it a proposal, but
    // deciding on her own plan is refused.
    let olga_b = signed_in("olga").await;
    olga_b
        .submit(&format!("{path}/transition"), &forged)
        .await
        .answers(303, Some(&format!("{path}#state")));
    let page = olga_b.get(&path).await;
    assert!(!page.html().contains("value=\"adopted\""));
    let adopt = [("to", "adopted"), ("note", "Goed plan")];
    olga_b
        .submit(&format!("{path}/transition"), &adopt)
        .await
        .answers(403, None);
    let now = olga
        .ok(&format!(
            "/api/knooppunt/v1/plans/{}",
            plan["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(now["state"], "proposal");
    i.stop().await;
}

#[tokio::test]
async fn joining_a_full_event_says_so_in_both_languages() {
    let Some(b) = Browser::start(false).await else {
        return;
    };
    let i = TestInstance::start().await;
    for name in ["olga", "bram", "cor", "dirk"] {
        i.create_person(name, PASSWORD).await;
    }
    // olga organises it in the browser; a refused form keeps its input.
    b.sign_in(&i, "olga", PASSWORD).await;
    b.goto(&i.url("/events")).await;
    b.click("main a.button").await;
    assert_eq!(b.path().await, "/events/new");
    b.fill("#capacity", "2").await;
    b.fill("#place", "Buurttuin").await;
    b.click("form.event-form button[type=submit]").await;
    assert!(b.source().await.contains("aria-invalid=\"true\""));
    assert_eq!(b.value("#place").await, "Buurttuin");
    b.fill("#name", "Snoeimiddag").await;
    // Headless Chromium's date field: month, day, year; Tab; hours, minutes, AM/PM.
    let tab = char::from(fantoccini::key::Key::Tab);
    b.fill("#starts_at", &format!("03142027{tab}0200P")).await;
    b.click("form.event-form button[type=submit]").await;
    let path = b.path().await;
    assert!(
        path.starts_with("/events/"),
        "{path}: {}",
        b.main_text().await
    );
    let page = b.main_text().await;
    assert!(
        page.contains("2027-03-14 14:00 (Europe/Amsterdam)")
            && page.contains("Buurttuin")
            && page.contains("0 / 2"),
        "{page}"
    );
    b.sign_out().await;
    for name in ["bram", "cor"] {
        b.sign_in(&i, name, PASSWORD).await;
        b.goto(&i.url("/events")).await;
        b.click(".events a").await;
        assert_eq!(b.path().await, path);
        b.click("#take-part button").await;
        assert!(b.text("#take-part").await.contains("You take part."));
        b.sign_out().await;
    }
    b.sign_in(&i, "dirk", PASSWORD).await;
    b.goto(&i.url(&path)).await;
    assert!(b.main_text().await.contains("2 / 2"));
    b.click("#take-part button").await;
    assert_eq!(
        b.text("#refusal").await,
        "This event is full: there is no place left for you."
    );
    b.click("form.lang button[value=nl]").await;
    b.goto(&i.url(&path)).await;
    b.click("#take-part button").await;
    assert_eq!(
        b.text("#refusal").await,
        "Dit evenement is vol: er is geen plaats meer voor je."
    );
    b.click("form.lang button[value=en]").await;
    b.sign_out().await;
    // One leaves: the place is dirk's.
    b.sign_in(&i, "cor", PASSWORD).await;
    b.goto(&i.url(&path)).await;
    b.click("#take-part button").await;
    b.sign_out().await;
    b.sign_in(&i, "dirk", PASSWORD).await;
    b.goto(&i.url(&path)).await;
    b.click("#take-part button").await;
    assert!(b.text("#take-part").await.contains("You take part."));
    b.quit().await;
    i.stop().await;
}

/// A visitor reaches every plan in `/plans` by following its next-page link.
#[tokio::test]
async fn the_plan_list_pages_through_every_plan() {
    let i = TestInstance::start().await;
    i.create_person("anouk", PASSWORD).await;
    let anouk = ApiClient::login(&i, "anouk", PASSWORD).await;
    let total = 25;
    for n in 0..total {
        let title = format!("Plan {n:02} voor de buurt");
        let (code, plan) = anouk
            .post(
                "/api/knooppunt/v1/plans",
                json!({ "title": title, "summary": "Samen doen." }),
            )
            .await;
        assert_eq!(code, 201, "{plan}");
    }
    let (mut path, mut pages, mut seen) = (Some("/plans".to_string()), 0, Vec::new());
    while let Some(p) = path.take() {
        pages += 1;
        assert!(pages <= total, "the pages do not end: {p}");
        let response = i.get(&p).await;
        assert_eq!(response.status(), 200, "{p}");
        let html = response.text().await.unwrap();
        seen.extend((0..total).filter(|n| html.contains(&format!("Plan {n:02} voor de buurt"))));
        path = html
            .split("href=\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .find(|href| href.starts_with("/plans?") && href.contains("max_id="))
            .map(|href| href.replace("&#38;", "&").replace("&amp;", "&"));
    }
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen, (0..total).collect::<Vec<_>>(), "every plan, once");
    assert!(pages >= 2, "25 plans take more than one page");
    i.stop().await;
}
