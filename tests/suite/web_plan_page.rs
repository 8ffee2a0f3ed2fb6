//! The working sections of a plan's page in a real browser with JavaScript
//! off: comments, polls and votes, expert advice asked and answered, a
//! co-owner invited who accepts, an event linked to the plan, progress, and
//! cost and budget; each used by the right person, and refused to the wrong
//! one. Then axe on the page with every section filled, and screenshots of
//! the whole page.

use knooppunt_tests::browser::{Agent, browser};
use knooppunt_tests::webdriver::{Browser, describe};
use knooppunt_tests::{ApiClient, TestInstance};
use serde_json::{Value, json};

const PASSWORD: &str = "een lange zin als wachtwoord";

async fn choose(b: &Browser, css: &str) {
    let found = b.client.find(fantoccini::Locator::Css(css)).await;
    found.unwrap().click().await.unwrap();
}

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

/// The owner makes plan `id` a proposal and the moderator `nina` adopts it.
async fn adopt(i: &TestInstance, owner: &str, id: &str) {
    let path = format!("/api/knooppunt/v1/plans/{id}/transition");
    let owner = ApiClient::login(i, owner, PASSWORD).await;
    let (code, body) = owner.post(&path, json!({ "to": "proposal" })).await;
    assert_eq!(code, 200, "{body}");
    let nina = ApiClient::login(i, "nina", PASSWORD).await;
    let adopted = json!({ "to": "adopted", "note": "Past in het wijkbudget." });
    let (code, body) = nina.post(&path, adopted).await;
    assert_eq!(code, 200, "{body}");
}

/// The plan `id` as the API shows it.
async fn plan(api: &ApiClient, id: &str) -> Value {
    api.ok(&format!("/api/knooppunt/v1/plans/{id}")).await
}

fn owner_accts(plan: &Value) -> Vec<String> {
    plan["owners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["acct"].as_str().unwrap().to_string())
        .collect()
}

/// Every section used in the browser by the person it is for; leaves the
/// plan with every section filled, for the screenshots.
#[tokio::test]
async fn every_section_of_a_plan_page_is_used_in_the_browser() {
    let Some(b) = Browser::start(false).await else {
        return;
    };
    let i = TestInstance::start().await;
    for name in ["anouk", "bram", "eva", "nina"] {
        i.create_person(name, PASSWORD).await;
    }
    appoint_moderator(&i, "nina").await;

    // anouk writes it with a cost and a budget; a wrong amount is refused
    // next to its field, the input kept.
    b.sign_in(&i, "anouk", PASSWORD).await;
    b.goto(&i.url("/plans/new")).await;
    b.fill("#title", "Speelplek Vlaggemanstraat").await;
    b.fill("#summary", "Van parkeerplaats naar speelplek.")
        .await;
    b.fill("#area", "Vlaggemanstraat").await;
    b.fill("#cost_estimate", "twaalf euro").await;
    b.fill("#requested_budget", "1.000").await;
    b.click("form.plan-form button[type=submit]").await;
    assert!(
        b.text("#cost_estimate-error").await.contains("euros"),
        "{}",
        b.main_text().await
    );
    assert_eq!(b.value("#requested_budget").await, "1.000");
    b.fill("#cost_estimate", "1.250,50").await;
    b.click("form.plan-form button[type=submit]").await;
    let path = b.path().await;
    assert!(
        path.starts_with("/plans/") && path != "/plans/new",
        "{path}: {}",
        b.main_text().await
    );
    let id = path.trim_start_matches("/plans/").to_string();
    let facts = b.text(".facts").await;
    assert!(
        facts.contains("€1,250.50") && facts.contains("€1,000.00"),
        "{facts}"
    );
    let anouk = ApiClient::login(&i, "anouk", PASSWORD).await;
    let p = plan(&anouk, &id).await;
    assert_eq!(p["cost_estimate"]["amount_cents"], 125_050);
    assert_eq!(p["requested_budget"]["amount_cents"], 100_000);
    // Edited: the budget emptied is cleared.
    b.click("main a[href$='/edit']").await;
    assert_eq!(b.value("#cost_estimate").await, "1250.50");
    b.fill("#requested_budget", "").await;
    b.click("form.plan-form button[type=submit]").await;
    assert!(plan(&anouk, &id).await["requested_budget"].is_null());

    // anouk asks the neighbourhood a question, asks eva for advice, and
    // invites bram to co-own the plan.
    b.goto(&i.url(&path)).await;
    choose(&b, "#polls details summary").await;
    b.fill("#poll-question", "Welke kleur krijgt de bank?")
        .await;
    b.fill("#poll-option-0", "Groen").await;
    b.fill("#poll-option-1", "Blauw").await;
    b.click("#polls details button[type=submit]").await;
    assert!(
        b.text("#polls .poll").await.contains("Welke kleur"),
        "{}",
        b.main_text().await
    );
    choose(&b, "#advice details summary").await;
    b.fill("#advice-account", "@niemand").await;
    b.fill("#advice-question", "Is de grond schoon genoeg?")
        .await;
    b.click("#advice details button[type=submit]").await;
    assert!(b.text("#advice-account-error").await.contains("handle"));
    assert_eq!(
        b.value("#advice-question").await,
        "Is de grond schoon genoeg?"
    );
    b.fill("#advice-account", "@eva").await;
    b.click("#advice details button[type=submit]").await;
    let advice = b.text("#advice .advice").await;
    assert!(
        advice.contains("@eva") && advice.contains("waiting for an answer"),
        "{advice}"
    );
    b.fill("#invite-account", "@bram").await;
    b.click("#owners form.stack button[type=submit]").await;
    let invitations = b.text("#owners .invitations").await;
    assert!(
        invitations.contains("@bram: waiting for an answer"),
        "{invitations}"
    );
    b.sign_out().await;

    // bram comments, votes, and accepts the invitation.
    b.sign_in(&i, "bram", PASSWORD).await;
    b.goto(&i.url(&path)).await;
    b.fill("#comment-text", "Mooi, en wie ruimt de blaadjes?")
        .await;
    b.click("#comments button[type=submit]").await;
    assert!(
        b.text("#comments .comments")
            .await
            .contains("Mooi, en wie ruimt de blaadjes?")
    );
    choose(&b, "#polls .poll input[value='0']").await;
    b.click("#polls .poll button[type=submit]").await;
    let poll = b.text("#polls .poll").await;
    assert!(
        poll.contains("Groen (your vote)") && poll.contains("100% · 1 vote"),
        "{poll}"
    );
    assert!(b.text("#owners .invited").await.contains("invited"));
    b.click("#owners .invited form[action$='/accept'] button")
        .await;
    assert!(b.text("#owners .owners").await.contains("@bram"));
    assert!(!b.source().await.contains("class=\"invited\""));
    let history = b.text("ol.history").await;
    assert!(
        history.contains(&format!("@bram@{}", i.domain)) && !history.contains("/users/bram"),
        "the new owner by handle: {history}"
    );
    b.sign_out().await;

    // eva answers the advice she was asked for.
    b.sign_in(&i, "eva", PASSWORD).await;
    b.goto(&i.url(&path)).await;
    choose(&b, "#advice input[value=conditions]").await;
    b.click("#advice form button[type=submit]").await;
    assert!(
        b.source().await.contains("aria-invalid=\"true\""),
        "reasons are needed"
    );
    b.fill("#advice textarea", "Eerst de bodem laten onderzoeken.")
        .await;
    b.click("#advice form button[type=submit]").await;
    let advice = b.text("#advice .advice").await;
    assert!(
        advice.contains("answered: In favour, with conditions")
            && advice.contains("Eerst de bodem laten onderzoeken."),
        "{advice}"
    );
    b.sign_out().await;

    // Adopted, anouk links an event to the plan and reports progress.
    adopt(&i, "anouk", &id).await;
    b.sign_in(&i, "anouk", PASSWORD).await;
    b.goto(&i.url(&path)).await;
    b.click("#events a.button").await;
    assert!(b.main_text().await.contains("Speelplek Vlaggemanstraat"));
    b.fill("#name", "Klusdag speelplek").await;
    let tab = char::from(fantoccini::key::Key::Tab);
    b.fill("#starts_at", &format!("03142027{tab}1000A")).await;
    b.click("form.event-form button[type=submit]").await;
    assert!(b.path().await.starts_with("/events/"));
    b.goto(&i.url(&path)).await;
    assert!(
        b.text("#events .plan-events")
            .await
            .contains("Klusdag speelplek 2027-03-14 10:00")
    );
    b.fill("#progress-note", "De tegels zijn eruit.").await;
    b.click("#progress form button[type=submit]").await;
    let progress = b.text("#progress .progress").await;
    assert!(
        progress.contains("De tegels zijn eruit.") && progress.contains("@anouk@"),
        "{progress}"
    );
    // What the API shows is what the forms did.
    let p = plan(&anouk, &id).await;
    assert_eq!(p["arguments_count"]["comments"], 1);
    assert_eq!(p["polls"][0]["poll"]["votes_count"], 1);
    assert_eq!(p["advice"][0]["verdict"], "conditions");
    assert!(owner_accts(&p).contains(&"bram".to_string()), "{p}");

    // The whole page, on a phone and on a wide screen.
    b.goto(&i.url(&path)).await;
    b.screenshot_full("plan-full", 390, 844).await;
    b.screenshot_full("plan-full", 1280, 800).await;
    b.quit().await;
    i.stop().await;
}

/// Signs `name` in through the form, in an HTTP browser.
async fn agent_for<'a>(i: &'a TestInstance, name: &str) -> Agent<'a> {
    let b = browser(i);
    b.sign_in(name, PASSWORD).await;
    b
}

/// The attacker's side of every form: a stranger cannot invite, report
/// progress, start a poll or ask advice; someone not asked cannot answer;
/// an owner cannot accept an invitation for the invitee; signed out nobody
/// posts; a form without its CSRF token is refused; and an event is linked
/// to a plan only by its owners, in the API too.
#[tokio::test]
async fn the_wrong_person_is_refused_every_form() {
    let i = TestInstance::start().await;
    for name in ["anouk", "bram", "cor", "eva", "nina"] {
        i.create_person(name, PASSWORD).await;
    }
    appoint_moderator(&i, "nina").await;
    let anouk = ApiClient::login(&i, "anouk", PASSWORD).await;
    let (code, p) = anouk
        .post(
            "/api/knooppunt/v1/plans",
            json!({ "title": "Bankjes", "summary": "Twee bankjes." }),
        )
        .await;
    assert_eq!(code, 201, "{p}");
    let id = p["id"].as_str().unwrap().to_string();
    adopt(&i, "anouk", &id).await;
    let path = format!("/plans/{id}");
    let eva = anouk.resolve(&format!("@eva@{}", i.domain)).await;
    let bram_id = anouk.resolve(&format!("@bram@{}", i.domain)).await;
    let (code, asked) = anouk
        .post(
            &format!("/api/knooppunt/v1/plans/{id}/advice"),
            json!({ "account_id": eva, "question": "Waar komen ze?" }),
        )
        .await;
    assert_eq!(code, 201, "{asked}");
    let advice_id = asked["id"].as_str().unwrap().to_string();
    let (code, invited) = anouk
        .post(
            &format!("/api/knooppunt/v1/plans/{id}/owners"),
            json!({ "account_id": bram_id }),
        )
        .await;
    assert_eq!(code, 202, "{invited}");
    let invitation = invited["invitation"]["id"].as_str().unwrap().to_string();

    // cor is nobody to this plan.
    let cor = agent_for(&i, "cor").await;
    let page = cor.get(&path).await;
    page.answers(200, None);
    for form in [
        "/owners\"",
        "/progress\"",
        "/polls\"",
        "/advice\"",
        "/answer\"",
    ] {
        assert!(!page.html().contains(form), "cor sees no {form} form");
    }
    assert!(!page.html().contains("class=\"invited\""));
    cor.submit(&format!("{path}/owners"), &[("account_id", "@cor")])
        .await
        .answers(403, None);
    cor.submit(&format!("{path}/progress"), &[("note", "Klaar!")])
        .await
        .answers(403, None);
    let poll = [
        ("question", "Gekaapt?"),
        ("options[0]", "Ja"),
        ("options[1]", "Nee"),
    ];
    cor.submit(&format!("{path}/polls"), &poll)
        .await
        .answers(403, None);
    let ask = [("account_id", "@cor"), ("question", "Mag ik?")];
    cor.submit(&format!("{path}/advice"), &ask)
        .await
        .answers(403, None);
    let answer = [("verdict", "negative"), ("reasons", "Niet doen.")];
    cor.submit(&format!("{path}/advice/{advice_id}/answer"), &answer)
        .await
        .answers(404, None);
    cor.submit(&format!("{path}/invitations/{invitation}/accept"), &[])
        .await
        .answers(404, None);
    // A vote through this plan's page counts only in this plan's polls.
    let (code, other) = anouk
        .post("/api/knooppunt/v1/plans", json!({ "title": "Fietsenrek" }))
        .await;
    assert_eq!(code, 201, "{other}");
    let other_id = other["id"].as_str().unwrap();
    let (code, question) = anouk
        .post(
            &format!("/api/knooppunt/v1/plans/{other_id}/polls"),
            json!({ "question": "Hoeveel plekken?", "options": ["10", "20"] }),
        )
        .await;
    assert_eq!(code, 201, "{question}");
    let poll_id = question["poll"]["id"].as_str().unwrap();
    cor.submit(
        &format!("{path}/polls/{poll_id}/votes"),
        &[("choices[0]", "0")],
    )
    .await
    .answers(404, None);
    let other = plan(&anouk, other_id).await;
    assert_eq!(other["polls"][0]["poll"]["votes_count"], 0, "{other}");
    // The owner cannot accept bram's invitation for him.
    let owner = agent_for(&i, "anouk").await;
    owner.get(&path).await.answers(200, None);
    owner
        .submit(&format!("{path}/invitations/{invitation}/accept"), &[])
        .await
        .answers(404, None);
    // Nor does a CSRF-less form of bram's own do anything.
    let bram = agent_for(&i, "bram").await;
    bram.get(&path).await.answers(200, None);
    let forged = bram
        .form(&format!("{path}/invitations/{invitation}/accept"), &[])
        .await;
    assert_eq!(forged.status.as_u16(), 403, "{}", forged.body);
    let forged = bram
        .form(&format!("{path}/comments"), &[("text", "Vals")])
        .await;
    assert_eq!(forged.status.as_u16(), 403, "{}", forged.body);
    // Signed out, a comment leads to signing in and is not posted.
    let visitor = browser(&i);
    let page = visitor.get(&path).await;
    assert!(!page.html().contains("id=\"comment-text\""));
    let sent = visitor
        .submit(&format!("{path}/comments"), &[("text", "Anoniem")])
        .await;
    assert_eq!(sent.status.as_u16(), 303, "{}", sent.body);
    assert!(
        sent.header("location")
            .is_some_and(|l| l.starts_with("/auth/sign_in")),
        "{:?}",
        sent.header("location")
    );
    // An event is linked to the plan only by its owners.
    let cor_api = ApiClient::login(&i, "cor", PASSWORD).await;
    let event = json!({
        "name": "Nepborrel",
        "starts_at": "2027-01-15T19:00:00+01:00",
        "plan_id": id,
    });
    let (code, body) = cor_api.post("/api/knooppunt/v1/events", event).await;
    assert_eq!(code, 403, "{body}");
    cor.get(&format!("/events/new?plan_id={id}")).await;
    let linked = [
        ("name", "Nepborrel"),
        ("starts_at", "2027-01-15T19:00"),
        ("plan_id", id.as_str()),
    ];
    cor.submit("/events/new", &linked).await.answers(403, None);

    // Nothing of it happened.
    let p = plan(&anouk, &id).await;
    assert_eq!(owner_accts(&p), vec!["anouk".to_string()]);
    assert_eq!(p["arguments_count"]["comments"], 0);
    assert_eq!(p["polls"].as_array().unwrap().len(), 0);
    assert_eq!(p["advice"].as_array().unwrap().len(), 1);
    assert!(p["advice"][0]["verdict"].is_null());
    let history = anouk
        .ok(&format!("/api/knooppunt/v1/plans/{id}/history"))
        .await;
    assert!(!history.to_string().contains("\"progress\""), "{history}");
    let (code, events) = anouk.get("/api/knooppunt/v1/events").await;
    assert_eq!(code, 200);
    assert_eq!(events.as_array().unwrap().len(), 0, "{events}");
    // bram answers for himself: declined, he is no owner.
    bram.get(&path).await.answers(200, None);
    bram.submit(&format!("{path}/invitations/{invitation}/reject"), &[])
        .await
        .answers(303, Some(&format!("{path}#owners")));
    assert_eq!(
        owner_accts(&plan(&anouk, &id).await),
        vec!["anouk".to_string()]
    );
    i.stop().await;
}

/// Runs axe on the plan page at `path` in `lang`, its folded forms open.
async fn axe_at(
    b: &Browser,
    i: &TestInstance,
    path: &str,
    who: &str,
    lang: &str,
    found: &mut Vec<String>,
) {
    b.goto(&i.url(path)).await;
    b.click(&format!("form.lang button[value={lang}]")).await;
    b.goto(&i.url(path)).await;
    b.client
        .execute(
            "document.querySelectorAll('details').forEach(d => d.open = true)",
            vec![],
        )
        .await
        .unwrap();
    let violations = b.axe().await;
    if !violations.is_empty() {
        found.push(format!("{who}:\n{}", describe(&violations)));
    }
}

/// axe on the page with every section filled, as its owner, as a neighbour
/// with an invitation, a poll and advice to answer, and signed out, in
/// Dutch and English, and in the dark scheme. axe needs page scripts on; the page has none.
#[tokio::test]
async fn a_full_plan_page_has_no_wcag_violations() {
    let Some(b) = Browser::start(true).await else {
        return;
    };
    let i = TestInstance::start().await;
    for name in ["anouk", "bram", "nina"] {
        i.create_person(name, PASSWORD).await;
    }
    appoint_moderator(&i, "nina").await;
    let anouk = ApiClient::login(&i, "anouk", PASSWORD).await;
    let body = json!({
        "title": "Speelplek Vlaggemanstraat",
        "summary": "Van parkeerplaats naar speelplek.",
        "content": "<p>Bomen, een bank en een zandbak.</p>",
        "themes": ["groen"],
        "area": { "address": "Vlaggemanstraat" },
        "cost_estimate": { "amount_cents": 125_050, "currency": "EUR" },
        "requested_budget": { "amount_cents": 100_000 },
    });
    let (code, p) = anouk.post("/api/knooppunt/v1/plans", body).await;
    assert_eq!(code, 201, "{p}");
    let id = p["id"].as_str().unwrap().to_string();
    let api = |rest: &str| format!("/api/knooppunt/v1/plans/{id}{rest}");
    let bram = anouk.resolve(&format!("@bram@{}", i.domain)).await;
    let nina = anouk.resolve(&format!("@nina@{}", i.domain)).await;
    for (rest, body) in [
        (
            "/arguments",
            json!({ "text": "Eindelijk groen.", "stance": "pro" }),
        ),
        (
            "/arguments",
            json!({ "text": "Waar parkeren we?", "stance": "contra" }),
        ),
        ("/arguments", json!({ "text": "Wie ruimt de blaadjes?" })),
        (
            "/polls",
            json!({ "question": "Welke kleur?", "options": ["Groen", "Blauw"] }),
        ),
        (
            "/advice",
            json!({ "account_id": bram, "question": "Is de grond schoon?" }),
        ),
        (
            "/advice",
            json!({ "account_id": nina, "question": "Past het in het budget?" }),
        ),
    ] {
        let (code, answer) = anouk.post(&api(rest), body).await;
        assert_eq!(code, 201, "{rest}: {answer}");
    }
    let (code, answer) = anouk
        .post(&api("/owners"), json!({ "account_id": bram }))
        .await;
    assert_eq!(code, 202, "{answer}");
    adopt(&i, "anouk", &id).await;
    let (code, answer) = anouk
        .post(
            &api("/progress"),
            json!({ "note": "De tegels zijn eruit." }),
        )
        .await;
    assert_eq!(code, 200, "{answer}");
    let (code, answer) = anouk
        .post(
            "/api/knooppunt/v1/events",
            json!({ "name": "Klusdag", "starts_at": "2027-03-14T10:00:00+01:00", "plan_id": id }),
        )
        .await;
    assert_eq!(code, 201, "{answer}");
    let path = format!("/plans/{id}");
    let mut found = Vec::new();
    for who in ["anouk", "bram"] {
        b.sign_in(&i, who, PASSWORD).await;
        for lang in ["nl", "en"] {
            axe_at(&b, &i, &path, &format!("{who} {lang}"), lang, &mut found).await;
        }
        b.sign_out().await;
    }
    for lang in ["nl", "en"] {
        axe_at(
            &b,
            &i,
            &path,
            &format!("signed out {lang}"),
            lang,
            &mut found,
        )
        .await;
        // One side's own page (the plan page shows the first of each side).
        for side in ["pro", "comments"] {
            let side_path = format!("{path}/arguments?side={side}");
            axe_at(
                &b,
                &i,
                &side_path,
                &format!("{side} {lang}"),
                lang,
                &mut found,
            )
            .await;
        }
    }
    // The dark scheme's colours, on the same full page.
    if let Some(dark) = Browser::start_with(true, true).await {
        dark.sign_in(&i, "anouk", PASSWORD).await;
        axe_at(&dark, &i, &path, "dark anouk en", "en", &mut found).await;
        dark.sign_out().await;
        axe_at(&dark, &i, &path, "dark signed out nl", "nl", &mut found).await;
        dark.quit().await;
    }
    assert!(found.is_empty(), "{}", found.join("\n\n"));
    // The page shows each section filled (a check that the check saw them).
    b.sign_in(&i, "bram", PASSWORD).await;
    b.goto(&i.url(&path)).await;
    let page = b.main_text().await;
    for text in [
        "Wie ruimt de blaadjes?",
        "Welke kleur?",
        "Is de grond schoon?",
        "Klusdag",
        "De tegels zijn eruit.",
        "€1,250.50",
    ] {
        assert!(page.contains(text), "{text}: {page}");
    }
    assert!(b.source().await.contains("class=\"invited\""));
    b.quit().await;
    i.stop().await;
}
