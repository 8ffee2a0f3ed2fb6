//! Refusals speak the reader's language: a page says them in the page's
//! language next to their field; the API in the language the client asks
//! for (`Accept-Language`), English otherwise.

use knooppunt_tests::browser::browser;
use knooppunt_tests::{ApiClient, TestInstance};
use serde_json::json;

const PASSWORD: &str = "een lange zin als wachtwoord";

/// The API's message for `body` posted to `path` by `token`, asking for `lang`.
async fn refusal(i: &TestInstance, token: &str, path: &str, lang: Option<&str>) -> (u16, String) {
    let mut request = i
        .client
        .post(i.url(path))
        .bearer_auth(token)
        .json(&json!({ "title": "" }));
    if let Some(lang) = lang {
        request = request.header("Accept-Language", lang);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let length = response.headers().get("content-length").cloned();
    let body: serde_json::Value = response.json().await.unwrap();
    if let Some(length) = length {
        let said = body.to_string().len();
        assert_eq!(
            length.to_str().unwrap(),
            said.to_string(),
            "length of {body}"
        );
    }
    (
        status,
        body["error"].as_str().unwrap_or_default().to_string(),
    )
}

#[tokio::test]
async fn the_api_refuses_in_the_language_the_client_asks_for() {
    let i = TestInstance::start().await;
    i.create_person("anouk", PASSWORD).await;
    i.create_person("bram", PASSWORD).await;
    let anouk = ApiClient::login(&i, "anouk", PASSWORD).await;
    let bram = ApiClient::login(&i, "bram", PASSWORD).await;
    let path = "/api/knooppunt/v1/plans";
    assert_eq!(
        refusal(&i, &anouk.token, path, Some("nl-NL,nl;q=0.9,en;q=0.5")).await,
        (422, "title: mag niet leeg zijn".to_string())
    );
    for lang in [None, Some("en-GB"), Some("de")] {
        assert_eq!(
            refusal(&i, &anouk.token, path, lang).await,
            (422, "title: can't be blank".to_string()),
            "{lang:?}"
        );
    }
    // A refusal with arguments, and one of the plan's rules (its states in words).
    let (code, plan) = anouk
        .post(path, json!({ "title": "Bankjes bij de vijver" }))
        .await;
    assert_eq!(code, 201, "{plan}");
    let id = plan["id"].as_str().unwrap();
    let step = format!("{path}/{id}/transition");
    let ask = |lang: &'static str| {
        i.client
            .post(i.url(&step))
            .bearer_auth(&bram.token)
            .header("Accept-Language", lang)
            .json(&json!({ "to": "proposal" }))
            .send()
    };
    let nl: serde_json::Value = ask("nl").await.unwrap().json().await.unwrap();
    assert_eq!(
        nl["error"],
        "alleen de eigenaren van het plan mogen een plan van idee naar voorstel brengen"
    );
    let en = ask("en").await.unwrap();
    assert_eq!(en.status(), 403);
    let en: serde_json::Value = en.json().await.unwrap();
    assert_eq!(
        en["error"],
        "only the plan's owners may move a plan from idea to proposal"
    );
    // Not a person's refusal (a malformed body): as it was, whatever the language.
    let broken = i
        .client
        .post(i.url(path))
        .bearer_auth(&anouk.token)
        .header("Accept-Language", "nl")
        .header("Content-Type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(broken.status(), 400);
    let broken: serde_json::Value = broken.json().await.unwrap();
    assert!(
        broken["error"]
            .as_str()
            .unwrap()
            .starts_with("invalid JSON"),
        "{broken}"
    );
    i.stop().await;
}

#[tokio::test]
async fn a_page_says_a_refusal_next_to_its_field_in_the_page_language() {
    let i = TestInstance::start().await;
    i.create_person("anouk", PASSWORD).await;
    let b = browser(&i);
    b.sign_in("anouk", PASSWORD).await;
    let empty = [("title", ""), ("summary", "Voor de straat")];
    // The test browser reads English.
    b.get("/plans/new").await.expect(200);
    b.submit("/plans/new", &empty)
        .await
        .answers(422, None)
        .shows("can&#39;t be blank")
        .shows("Voor de straat");
    // The switch makes every page Dutch, refusals too.
    b.submit("/language", &[("lang", "nl"), ("back", "/plans/new")])
        .await
        .answers(303, Some("/plans/new"));
    b.get("/plans/new").await.expect(200);
    let page = b.submit("/plans/new", &empty).await;
    page.answers(422, None).shows("mag niet leeg zijn");
    assert!(!page.html().contains("can&#39;t be blank"));
    // The field names its error for screen readers.
    assert!(
        page.html().contains("aria-invalid=\"true\""),
        "{}",
        page.html()
    );
    i.stop().await;
}

/// A vote refused in one of a plan's polls is said in that poll, not in
/// another one.
#[tokio::test]
async fn a_refused_vote_is_said_in_its_own_poll() {
    let i = TestInstance::start().await;
    i.create_person("anouk", PASSWORD).await;
    i.create_person("bram", PASSWORD).await;
    let anouk = ApiClient::login(&i, "anouk", PASSWORD).await;
    let (code, plan) = anouk
        .post("/api/knooppunt/v1/plans", json!({ "title": "Bankjes" }))
        .await;
    assert_eq!(code, 201, "{plan}");
    let id = plan["id"].as_str().unwrap();
    let mut polls = Vec::new();
    for question in ["Welke kleur?", "Hoeveel bankjes?"] {
        let (code, poll) = anouk
            .post(
                &format!("/api/knooppunt/v1/plans/{id}/polls"),
                json!({ "question": question, "options": ["Een", "Twee"] }),
            )
            .await;
        assert_eq!(code, 201, "{poll}");
        polls.push(poll["poll"]["id"].as_str().unwrap().to_string());
    }
    let b = browser(&i);
    b.sign_in("bram", PASSWORD).await;
    b.get(&format!("/plans/{id}")).await.expect(200);
    let page = b
        .submit(&format!("/plans/{id}/polls/{}/votes", polls[1]), &[])
        .await;
    page.answers(422, None);
    let html = page.html();
    let at = |text: &str| html.find(text).unwrap_or_else(|| panic!("{text}: {html}"));
    let first = at(&format!("/polls/{}/votes", polls[0]));
    let second = at(&format!("/polls/{}/votes", polls[1]));
    let said = at("choose an option");
    assert!(first < said && said < second, "{first} {said} {second}");
    assert_eq!(html.matches("choose an option").count(), 1);
    i.stop().await;
}
