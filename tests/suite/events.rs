//! Events on real instances (127.0.0.2-3): organised over the API, seen on
//! another instance through the neighbourhood, joined from there with
//! `Join`/`Accept`, refused with `Reject` when full, cancelled everywhere,
//! and read back from iCalendar files by a real iCalendar parser.

use std::time::Duration;

use knooppunt_tests::{ApiClient, TestInstance, python};
use serde_json::{Value, json};

const PW: &str = "lange wandeling 42";

async fn event_by_uri(client: &ApiClient, uri: &str) -> Value {
    let list = client.ok("/api/knooppunt/v1/events?past=true").await;
    list.as_array()
        .unwrap()
        .iter()
        .find(|e| e["uri"] == uri)
        .cloned()
        .unwrap_or_else(|| panic!("event {uri} not here: {list}"))
}

#[tokio::test]
async fn an_event_fills_up_across_instances_and_is_cancelled_everywhere() {
    let instances = TestInstance::start_many(2).await;
    let (a, b) = (&instances[0], &instances[1]);
    for name in ["alice", "erik", "frank"] {
        a.create_person(name, PW).await;
    }
    for name in ["bob", "dave"] {
        b.create_person(name, PW).await;
    }
    let alice = ApiClient::login(a, "alice", PW).await;
    let erik = ApiClient::login(a, "erik", PW).await;
    let frank = ApiClient::login(a, "frank", PW).await;
    let bob = ApiClient::login(b, "bob", PW).await;
    let dave = ApiClient::login(b, "dave", PW).await;
    for who in [&bob, &dave] {
        let hood = who.resolve(&format!("@wijk@{}", a.domain)).await;
        who.ok_post(&format!("/api/v1/accounts/{hood}/follow"), json!({}))
            .await;
    }
    TestInstance::drain_all(&instances).await;

    let body = json!({
        "name": "Snoeimiddag in de buurttuin",
        "description": "<p>Neem <b>handschoenen</b> mee.<script>x()</script></p>",
        "starts_at": "2027-03-14T14:00:00+01:00",
        "ends_at": "2027-03-14T17:00:00+01:00",
        "timezone": "Europe/Amsterdam",
        "location": { "name": "Buurttuin", "address": "Kleiweg 12, Rotterdam", "latitude": 51.95, "longitude": 4.46 },
        "capacity": 2,
    });
    let (code, bad) = alice
        .post(
            "/api/knooppunt/v1/events",
            json!({ "name": "x", "starts_at": "2027-03-14T14:00:00Z", "timezone": "Mars/Olympus" }),
        )
        .await;
    assert_eq!(code, 422, "{bad}");
    let (code, bad) = alice
        .post("/api/knooppunt/v1/events", json!({ "name": "x", "starts_at": "2027-03-14T14:00:00Z", "ends_at": "2027-03-14T13:00:00Z" }))
        .await;
    assert_eq!(code, 422, "{bad}");
    let (code, event) = alice.post("/api/knooppunt/v1/events", body).await;
    assert_eq!(code, 201, "{event}");
    assert_eq!(event["starts_at"], "2027-03-14T13:00:00.000Z");
    assert!(!event["description"].as_str().unwrap().contains("script"));
    let path = format!("/api/knooppunt/v1/events/{}", event["id"].as_str().unwrap());
    let uri = event["uri"].as_str().unwrap().to_string();
    TestInstance::drain_all(&instances).await;

    // B has the event through the neighbourhood; bob joins from there.
    let copy = event_by_uri(&bob, &uri).await;
    assert_eq!(copy["local"], false);
    assert_eq!(copy["capacity"], 2);
    assert_eq!(copy["location"]["address"], "Kleiweg 12, Rotterdam");
    let copy_path = format!("/api/knooppunt/v1/events/{}", copy["id"].as_str().unwrap());
    let joined = bob.ok_post(&format!("{copy_path}/join"), json!({})).await;
    assert_eq!(joined["participation"], "pending");
    TestInstance::drain_all(&instances).await;
    assert_eq!(bob.ok(&copy_path).await["participation"], "accepted");
    let joined = erik.ok_post(&format!("{path}/join"), json!({})).await;
    assert_eq!(joined["participation"], "accepted");
    assert_eq!(joined["participants_count"], 2);
    // Full: a local join is refused with 409, a remote one with Reject.
    let (code, body) = frank.post(&format!("{path}/join"), json!({})).await;
    assert_eq!(code, 409, "{body}");
    dave.ok_post(&format!("{copy_path}/join"), json!({})).await;
    TestInstance::drain_all(&instances).await;
    assert_eq!(dave.ok(&copy_path).await["participation"], "rejected");
    let people = alice.ok(&format!("{path}/participants")).await;
    let mut accts: Vec<&str> = people
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["acct"].as_str().unwrap())
        .collect();
    accts.sort_unstable();
    assert_eq!(accts, vec![format!("bob@{}", b.domain).as_str(), "erik"]);
    assert_eq!(
        bob.ok(&copy_path).await["participants_count"],
        2,
        "B copies A's count"
    );

    // Leaving frees a place.
    bob.ok_post(&format!("{copy_path}/leave"), json!({})).await;
    TestInstance::drain_all(&instances).await;
    assert_eq!(alice.ok(&path).await["participants_count"], 1);
    let joined = frank.ok_post(&format!("{path}/join"), json!({})).await;
    assert_eq!(joined["participation"], "accepted");

    // Only the organiser changes or cancels; cancelling reaches B.
    let (code, body) = erik.patch(&path, json!({ "name": "Van mij" })).await;
    assert_eq!(code, 403, "{body}");
    let (code, body) = alice.patch(&path, json!({ "capacity": 1 })).await;
    assert_eq!(code, 409, "two take part already: {body}");
    let cancelled = alice.ok_post(&format!("{path}/cancel"), json!({})).await;
    assert_eq!(cancelled["cancelled"], true);
    TestInstance::drain_all(&instances).await;
    assert_eq!(event_by_uri(&bob, &uri).await["cancelled"], true);

    // A group organises an event too; it is in the group's feed.
    knooppunt::groups::service::create(
        &a.state.db,
        &a.state.config,
        "tuinclub",
        "alice",
        knooppunt::groups::JoinPolicy::Open,
    )
    .await
    .unwrap();
    let (code, by_group) = alice
        .post(
            "/api/knooppunt/v1/events",
            json!({ "name": "Zaadjesruil", "starts_at": "2027-03-20T10:00:00Z", "group": "tuinclub" }),
        )
        .await;
    assert_eq!(code, 201, "{by_group}");
    assert_eq!(by_group["organizer"]["username"], "tuinclub");
    let (code, body) = erik
        .post(
            "/api/knooppunt/v1/events",
            json!({ "name": "x", "starts_at": "2027-03-20T10:00:00Z", "group": "tuinclub" }),
        )
        .await;
    assert_eq!(
        code, 403,
        "only its moderators organise for a group: {body}"
    );

    // The iCalendar file and the feeds, read by a parser.
    let event_ics = a.url(&format!("{path}/event.ics"));
    let feed = a.url("/api/knooppunt/v1/calendars/neighbourhood.ics");
    let group_feed = a.url("/api/knooppunt/v1/calendars/groups/tuinclub/calendar.ics");
    let python::Outcome {
        code,
        stdout,
        stderr,
    } = python::run(
        "ical_read.py",
        vec![(
            "KP_ICS_URLS".to_string(),
            format!("{event_ics} {feed} {group_feed}"),
        )],
        Duration::from_secs(60),
    )
    .await;
    assert_eq!(code, Some(0), "ical_read.py failed:\n{stdout}\n{stderr}");
    let parsed: Value = serde_json::from_str(stdout.trim()).unwrap();
    let group_events = parsed[group_feed.as_str()].as_array().unwrap();
    assert_eq!(group_events.len(), 1, "{parsed}");
    assert_eq!(group_events[0]["summary"], "Zaadjesruil");
    assert_eq!(group_events[0]["uid"], by_group["uri"]);
    assert_eq!(parsed[feed.as_str()].as_array().unwrap().len(), 2);
    for url in [&event_ics, &feed] {
        let e = &parsed[url.as_str()][0];
        assert_eq!(e["uid"], uri);
        assert_eq!(e["summary"], "Snoeimiddag in de buurttuin");
        assert_eq!(e["start"], "2027-03-14T13:00:00+00:00");
        assert_eq!(e["end"], "2027-03-14T16:00:00+00:00");
        assert_eq!(e["location"], "Buurttuin, Kleiweg 12, Rotterdam");
        assert_eq!(e["status"], "CANCELLED");
        assert_eq!(e["geo"], json!([51.95, 4.46]));
    }
}

/// What another server may send about events, plans, invitations and advice
/// that must be refused: each gets a clear 4xx and changes nothing.
#[tokio::test]
async fn hostile_or_wrong_activities_about_plans_and_events_are_refused() {
    let instances = TestInstance::start_many(2).await;
    let (a, b) = (&instances[0], &instances[1]);
    a.create_person("alice", PW).await;
    b.create_person("mallory", PW).await;
    let alice = ApiClient::login(a, "alice", PW).await;
    let mallory = ApiClient::login(b, "mallory", PW).await;
    let hood = mallory.resolve(&format!("@wijk@{}", a.domain)).await;
    mallory
        .ok_post(&format!("/api/v1/accounts/{hood}/follow"), json!({}))
        .await;
    TestInstance::drain_all(&instances).await;
    let (_, plan) = alice
        .post("/api/knooppunt/v1/plans", json!({ "title": "Bankjes" }))
        .await;
    let (_, event) = alice
        .post(
            "/api/knooppunt/v1/events",
            json!({ "name": "Borrel", "starts_at": "2027-05-01T18:00:00Z", "capacity": 1 }),
        )
        .await;
    TestInstance::drain_all(&instances).await;
    let me = format!("{}/users/mallory", b.base_url);
    let inbox = a.url("/inbox");
    let plan_uri = plan["uri"].as_str().unwrap();
    let cases = [
        (
            "Join of an event that is not here",
            json!({ "id": format!("{me}#j1"), "type": "Join", "actor": me, "object": format!("{}/events/999", a.base_url) }),
            404,
        ),
        (
            "Invite for someone who is not here",
            json!({ "id": format!("{me}#i1"), "type": "Invite", "actor": me, "object": plan_uri, "target": format!("{}/users/nobody", a.base_url) }),
            404,
        ),
        (
            "Invite to a plan by someone who does not own it",
            json!({ "id": format!("{me}#i2"), "type": "Invite", "actor": me, "object": plan_uri, "target": format!("{}/users/alice", a.base_url) }),
            403,
        ),
        (
            "a step of a plan by someone who does not own it",
            json!({ "id": format!("{me}#u1"), "type": "Update", "actor": me, "object": { "id": plan_uri, "type": "Page", "state": "withdrawn" } }),
            403,
        ),
        (
            "an advice answer to a request that was never made, on our plan",
            json!({ "id": format!("{me}#c1"), "type": "Create", "actor": me, "object": {
                "id": format!("{me}/notes/1"), "type": "Note", "attributedTo": me,
                "inReplyTo": format!("{plan_uri}#advice/forged"), "advice": "positive",
                "content": "ja", "to": [format!("{}/users/alice", a.base_url)] } }),
            202,
        ),
        (
            "an Event without startTime",
            json!({ "id": format!("{me}#c2"), "type": "Create", "actor": me, "object": {
                "id": format!("{me}/events/1"), "type": "Event", "attributedTo": me, "name": "x",
                "to": ["https://www.w3.org/ns/activitystreams#Public"] } }),
            400,
        ),
        (
            "an Accept of a Join nobody sent",
            json!({ "id": format!("{me}#a1"), "type": "Accept", "actor": me, "object": { "id": format!("{}/users/alice#joins/x", a.base_url), "type": "Join" } }),
            202,
        ),
    ];
    for (what, activity, want) in cases {
        let r = knooppunt_tests::api::signed_post(b, "mallory", &inbox, &activity).await;
        let status = r.status().as_u16();
        let body = r.text().await.unwrap_or_default();
        assert_eq!(status, want, "{what}: {body}");
        if status >= 400 {
            assert!(body.contains("error"), "{what}: a JSON error: {body}");
        }
    }
    // Nothing changed: the plan is still an idea with one owner and no advice.
    let p = alice
        .ok(&format!(
            "/api/knooppunt/v1/plans/{}",
            plan["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(p["state"], "idea");
    assert_eq!(p["owners"].as_array().unwrap().len(), 1);
    assert_eq!(p["advice"], json!([]));
    // A Join beyond capacity is answered with Reject, never an error.
    let event_uri = event["uri"].as_str().unwrap();
    for n in 0..2 {
        let join = json!({ "id": format!("{me}#join-{n}"), "type": "Join", "actor": me, "object": event_uri });
        let r = knooppunt_tests::api::signed_post(b, "mallory", &inbox, &join).await;
        assert_eq!(r.status().as_u16(), 202);
    }
    let e = alice
        .ok(&format!(
            "/api/knooppunt/v1/events/{}",
            event["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(
        e["participants_count"], 1,
        "the same actor joining twice counts once"
    );
}

/// Many people take the last places at once: the capacity holds.
#[tokio::test]
async fn concurrent_joins_never_exceed_the_capacity() {
    let a = TestInstance::start().await;
    a.create_person("alice", PW).await;
    let alice = ApiClient::login(&a, "alice", PW).await;
    let (code, event) = alice
        .post(
            "/api/knooppunt/v1/events",
            json!({ "name": "Rondleiding", "starts_at": "2027-06-01T10:00:00Z", "capacity": 2 }),
        )
        .await;
    assert_eq!(code, 201, "{event}");
    let join = format!(
        "/api/knooppunt/v1/events/{}/join",
        event["id"].as_str().unwrap()
    );
    let mut people = Vec::new();
    for n in 0..8 {
        let name = format!("buur{n}");
        a.create_person(&name, PW).await;
        people.push(ApiClient::login(&a, &name, PW).await);
    }
    let mut tasks = tokio::task::JoinSet::new();
    for p in people {
        let join = join.clone();
        tasks.spawn(async move { p.post(&join, json!({})).await.0 });
    }
    let mut codes = Vec::new();
    while let Some(code) = tasks.join_next().await {
        codes.push(code.unwrap());
    }
    codes.sort_unstable();
    assert_eq!(codes, vec![200, 200, 409, 409, 409, 409, 409, 409]);
    let e = alice
        .ok(&format!(
            "/api/knooppunt/v1/events/{}",
            event["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(e["participants_count"], 2);
    a.stop().await;
}

/// Event texts that try to end the event and start another in the
/// calendar: a real parser finds exactly the one event, with the text as
/// written (line breaks as line breaks), in the file and in the feed, also
/// when the calendar's own name tries the same.
#[tokio::test]
async fn calendar_text_cannot_start_events_of_its_own() {
    let a = TestInstance::start_many_with(1, |c| {
        c.instance.name = "Wijk\r\nBEGIN:VEVENT\r\nSUMMARY:Nep uit de naam\r\nEND:VEVENT".into();
    })
    .await
    .pop()
    .unwrap();
    a.create_person("alice", PW).await;
    let alice = ApiClient::login(&a, "alice", PW).await;
    let name = "Borrel\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:nep\r\nSUMMARY:Nep\r\nDTSTART:20270101T000000Z";
    let (code, event) = alice
        .post(
            "/api/knooppunt/v1/events",
            json!({
                "name": name,
                "description": "<p>Tekst\r\n BEGIN:VEVENT\r\nSUMMARY:ook nep</p>",
                "starts_at": "2027-04-01T18:00:00Z",
                "location": { "name": "Zaal\rBEGIN:VEVENT", "address": "Straat 1;\\n, X" },
            }),
        )
        .await;
    assert_eq!(code, 201, "{event}");
    let path = format!("/api/knooppunt/v1/events/{}", event["id"].as_str().unwrap());
    let event_ics = a.url(&format!("{path}/event.ics"));
    let feed = a.url("/api/knooppunt/v1/calendars/neighbourhood.ics");
    let raw = a
        .get(&format!("{path}/event.ics"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !raw.replace("\r\n", "\n").contains('\r'),
        "no CR outside line ends: {raw:?}"
    );
    let python::Outcome {
        code,
        stdout,
        stderr,
    } = python::run(
        "ical_read.py",
        vec![("KP_ICS_URLS".to_string(), format!("{event_ics} {feed}"))],
        Duration::from_secs(60),
    )
    .await;
    assert_eq!(code, Some(0), "ical_read.py failed:\n{stdout}\n{stderr}");
    let parsed: Value = serde_json::from_str(stdout.trim()).unwrap();
    for url in [&event_ics, &feed] {
        let events = parsed[url.as_str()].as_array().unwrap();
        assert_eq!(events.len(), 1, "exactly one event in {url}: {parsed}");
        assert_eq!(events[0]["summary"], name.replace("\r\n", "\n"));
        assert_eq!(events[0]["uid"], event["uri"]);
    }
    a.stop().await;
}
