//! Keyboard only, with JavaScript off in the pages: on every main page type
//! the first Tab reaches the skip link and following it puts the focus on
//! the content; pressing Tab from the top reaches every visible control
//! (links, buttons, fields, summaries), each with a visible focus ring.
//! WebDriver's own scripts still run, to read what has the focus.

use fantoccini::key::Key;
use knooppunt::groups::JoinPolicy;
use knooppunt_tests::webdriver::Browser;
use knooppunt_tests::{ApiClient, TestInstance};
use serde_json::{Value, json};

const PASSWORD: &str = "een lange zin als wachtwoord";

/// Marks every control on the page with `data-kb` and lists the shown
/// ones: `[id, radio group or "", html]`. A radio group is one stop of Tab
/// (arrows move inside it), so reaching one of its radios reaches the group.
const CONTROLS: &str = "
const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary';
const out = [];
document.querySelectorAll(sel).forEach((el, i) => {
  el.setAttribute('data-kb', String(i));
  // What a closed <details> holds beyond its summary is not shown.
  const closed = el.closest('details:not([open])');
  const folded = closed && !closed.querySelector(':scope > summary')?.contains(el);
  const shown = !folded && !el.disabled
    && el.checkVisibility({ visibilityProperty: true, contentVisibilityAuto: true });
  if (shown) {
    const group = el.type === 'radio'
      ? (el.form ? el.form.getAttribute('action') : '') + '|' + el.name : '';
    out.push([String(i), group, el.outerHTML.slice(0, 160)]);
  }
});
return out;";

/// The focused element: `[data-kb, tag, outline style, outline width,
/// box shadow, html, "shown" when it is on screen and larger than a dot]`.
const FOCUSED: &str = "
const el = document.activeElement;
const s = getComputedStyle(el);
const r = el.getBoundingClientRect();
const shown = r.width > 1 && r.height > 1 && r.bottom > 0 && r.right > 0
  && r.top < innerHeight && r.left < innerWidth
  && el.checkVisibility({ visibilityProperty: true, opacityProperty: true });
return [el.getAttribute('data-kb') || '', el.tagName, s.outlineStyle, s.outlineWidth,
  s.boxShadow, el.outerHTML.slice(0, 160), shown ? 'shown' : ''];";

async fn run(b: &Browser, script: &str) -> Value {
    b.client.execute(script, vec![]).await.expect("script")
}

/// `POST path` with `body`, which creates something.
async fn created(api: &ApiClient, path: &str, body: Value) -> Value {
    let (code, answer) = api.post(path, body).await;
    assert_eq!(code, 201, "{path}: {answer}");
    answer
}

fn text(v: &Value, i: usize) -> String {
    v[i].as_str().unwrap_or_default().to_string()
}

/// A plan with arguments, an event, a group, and posts with a content
/// warning and a poll, all ada's; a notification for her. The plan's and
/// the event's paths.
async fn neighbourhood(i: &TestInstance) -> (String, String) {
    i.create_admin("ada", PASSWORD).await;
    i.create_person("bram", PASSWORD).await;
    knooppunt::groups::service::create(
        &i.state.db,
        &i.state.config,
        "tuin",
        "ada",
        JoinPolicy::Open,
    )
    .await
    .unwrap();
    let ada = ApiClient::login(i, "ada", PASSWORD).await;
    let plan = created(
        &ada,
        "/api/knooppunt/v1/plans",
        json!({
            "title": "Bankjes in de buurttuin",
            "summary": "Drie bankjes onder de linde.",
            "content": "<p>Om te zitten.</p>",
        }),
    )
    .await;
    let plan_id = plan["id"].as_str().unwrap().to_string();
    for (stance, text) in [("pro", "Fijn om te zitten."), ("contra", "Kost geld.")] {
        created(
            &ada,
            &format!("/api/knooppunt/v1/plans/{plan_id}/arguments"),
            json!({ "text": text, "stance": stance }),
        )
        .await;
    }
    let event = created(
        &ada,
        "/api/knooppunt/v1/events",
        json!({
            "name": "Snoeimiddag in de buurttuin",
            "starts_at": "2027-03-14T14:00:00+01:00",
            "timezone": "Europe/Amsterdam",
            "capacity": 12,
        }),
    )
    .await;
    ada.ok_post(
        "/api/v1/statuses",
        json!({ "status": "Over de buurttuin", "spoiler_text": "Tuin" }),
    )
    .await;
    let poll = ada
        .ok_post(
            "/api/v1/statuses",
            json!({ "status": "Welke dag voor de buurttuin?",
                    "poll": { "options": ["zaterdag", "zondag"], "expires_in": 86400 } }),
        )
        .await;
    let bram = ApiClient::login(i, "bram", PASSWORD).await;
    bram.ok_post(
        &format!(
            "/api/v1/statuses/{}/favourite",
            poll["id"].as_str().unwrap()
        ),
        json!({}),
    )
    .await;
    (
        format!("/plans/{plan_id}"),
        format!("/events/{}", event["id"].as_str().unwrap()),
    )
}

/// The first Tab reaches the skip link, with a visible focus, and Enter on
/// it puts the focus on `main`; the next Tab stays inside `main`.
async fn skip_link(b: &Browser, path: &str, problems: &mut Vec<String>) {
    b.press(Key::Tab).await;
    let first = run(b, FOCUSED).await;
    if !text(&first, 5).contains("class=\"skip\"") {
        problems.push(format!("{path}: the first Tab reaches {}", text(&first, 5)));
        return;
    }
    b.press(Key::Enter).await;
    let on_main = run(b, "return document.activeElement.id").await;
    if on_main != "main" {
        problems.push(format!(
            "{path}: the skip link leaves the focus on {on_main}"
        ));
    }
    b.press(Key::Tab).await;
    let inside = "return document.getElementById('main').contains(document.activeElement)";
    if run(b, inside).await != Value::Bool(true) {
        let next = run(b, FOCUSED).await;
        problems.push(format!(
            "{path}: Tab after the skip link goes to {}",
            text(&next, 5)
        ));
    }
}

/// Presses Tab from the top of the page at `url` until the focus comes round to the
/// skip link again; every visible control must have been reached, each
/// with an outline or a shadow while focused. Returns how many stops.
async fn tab_through(b: &Browser, url: &str, path: &str, problems: &mut Vec<String>) -> usize {
    b.goto(url).await;
    skip_link(b, path, problems).await;
    b.goto(url).await;
    let controls = run(b, CONTROLS).await;
    let controls = controls.as_array().unwrap().clone();
    let skip = text(&controls[0], 0);
    let mut reached = std::collections::HashSet::new();
    let mut stops = 0;
    for _ in 0..controls.len() * 2 + 10 {
        b.press(Key::Tab).await;
        let f = run(b, FOCUSED).await;
        let (id, tag) = (text(&f, 0), text(&f, 1));
        if tag == "BODY" {
            continue;
        }
        if id == skip && stops > 0 {
            break;
        }
        stops += 1;
        let ring = text(&f, 2) != "none" && text(&f, 3) != "0px";
        if !ring && text(&f, 4) == "none" {
            problems.push(format!("{path}: no visible focus on {}", text(&f, 5)));
        }
        if text(&f, 6) != "shown" {
            problems.push(format!(
                "{path}: the focus is on something not shown: {}",
                text(&f, 5)
            ));
        }
        reached.insert(id);
    }
    let groups: std::collections::HashSet<String> = controls
        .iter()
        .filter(|c| !text(c, 1).is_empty() && reached.contains(&text(c, 0)))
        .map(|c| text(c, 1))
        .collect();
    for c in &controls {
        let radio_reached = !text(c, 1).is_empty() && groups.contains(&text(c, 1));
        if !reached.contains(&text(c, 0)) && !radio_reached {
            problems.push(format!("{path}: Tab never reaches {}", text(c, 2)));
        }
    }
    stops
}

#[tokio::test]
async fn every_page_type_works_by_keyboard_alone() {
    let Some(b) = Browser::start(false).await else {
        return;
    };
    assert!(!b.runs_page_scripts().await, "page scripts must be off");
    // The check finds what it should: a button without a focus ring, a
    // link that Tab skips, and one that takes the focus off screen.
    let bad = "data:text/html,<a class=skip href=%23main>skip</a><main id=main tabindex=-1>\
        <button style='outline:none'>go</button><a href=%23x tabindex=-1>x</a>\
        <a href=%23y style='position:absolute;left:-9999px'>y</a></main>";
    let mut found = Vec::new();
    tab_through(&b, bad, "bad", &mut found).await;
    let found = found.join("\n");
    assert!(
        found.contains("bad: no visible focus on <button"),
        "{found}"
    );
    assert!(
        found.contains("bad: Tab never reaches <a href=\"#x\""),
        "{found}"
    );
    assert!(
        found.contains("bad: the focus is on something not shown: <a href=\"#y\""),
        "{found}"
    );
    let i = TestInstance::start().await;
    let (plan, event) = neighbourhood(&i).await;
    b.goto(&i.url("/auth/sign_in")).await;
    b.fill("#username", "ada").await;
    b.fill("#password", PASSWORD).await;
    b.click("main form button[type=submit]").await;
    assert!(b.text("header.site").await.contains("@ada"));
    let mut problems = Vec::new();
    let pages = [
        "/",
        "/home",
        &plan,
        "/plans/new",
        &event,
        "/groups/tuin",
        "/@ada",
        "/settings",
        "/admin",
        "/search?q=buurttuin",
        "/notifications",
    ];
    let mut stops = Vec::new();
    for path in pages {
        b.goto(&i.url(path)).await;
        assert_eq!(b.path().await, path, "{path} is shown, not a redirect");
        stops.push(tab_through(&b, &i.url(path), path, &mut problems).await);
    }
    assert!(
        problems.is_empty(),
        "keyboard problems:\n{}",
        problems.join("\n")
    );
    // Each page has its header's controls and more.
    assert!(stops.iter().all(|&n| n > 15), "{stops:?}");
    b.quit().await;
    i.stop().await;
}
