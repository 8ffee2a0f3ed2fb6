//! Plan governance from the attacker's side: who may NOT become an owner,
//! ask for advice, answer it, or be named by another instance as having
//! acted. Each attack goes through the real interface: the client API, or
//! a signed activity from another instance.

use knooppunt_tests::api::signed_post;
use knooppunt_tests::{ApiClient, TestInstance};
use serde_json::{Value, json};

const PW: &str = "lange wandeling 42";

/// Nobody is named an owner without consenting, local people included; and
/// only members may propose a plan to a group.
#[tokio::test]
async fn owners_are_only_those_who_accepted() {
    let a = TestInstance::start().await;
    for name in ["alice", "bob", "erik"] {
        a.create_person(name, PW).await;
    }
    knooppunt::groups::service::create(
        &a.state.db,
        &a.state.config,
        "groen",
        "bob",
        knooppunt::groups::JoinPolicy::Open,
    )
    .await
    .unwrap();
    let alice = ApiClient::login(&a, "alice", PW).await;
    let bob = ApiClient::login(&a, "bob", PW).await;
    let erik = ApiClient::login(&a, "erik", PW).await;

    // A stranger to the group cannot make it own a plan.
    let (code, body) = alice
        .post(
            "/api/knooppunt/v1/plans",
            json!({ "title": "Plan voor groen", "group": "groen" }),
        )
        .await;
    assert_eq!(code, 403, "{body}");

    let (code, plan) = alice
        .post(
            "/api/knooppunt/v1/plans",
            json!({ "title": "Buurtmoestuin" }),
        )
        .await;
    assert_eq!(code, 201, "{plan}");
    let path = format!("/api/knooppunt/v1/plans/{}", plan["id"].as_str().unwrap());
    let bob_id = alice.resolve(&format!("@bob@{}", a.domain)).await;
    // Inviting a local person is an invitation too, not a naming.
    let (code, invited) = alice
        .post(&format!("{path}/owners"), json!({ "account_id": bob_id }))
        .await;
    assert_eq!(code, 202, "{invited}");
    assert_eq!(invited["invitation"]["state"], "pending");
    assert_eq!(invited["plan"]["owners"].as_array().unwrap().len(), 1);
    // Someone else cannot answer bob's invitation, nor can a non-owner invite.
    let inv = invited["invitation"]["id"].as_str().unwrap();
    let (code, body) = erik
        .post(
            &format!("/api/knooppunt/v1/plan_invitations/{inv}/accept"),
            json!({}),
        )
        .await;
    assert_eq!(code, 404, "{body}");
    let erik_id = alice.resolve(&format!("@erik@{}", a.domain)).await;
    let (code, body) = bob
        .post(&format!("{path}/owners"), json!({ "account_id": erik_id }))
        .await;
    assert_eq!(code, 403, "{body}");
    let (code, body) = bob.patch(&path, json!({ "title": "Van bob" })).await;
    assert_eq!(code, 403, "not an owner before accepting: {body}");
    bob.ok_post(
        &format!("/api/knooppunt/v1/plan_invitations/{inv}/accept"),
        json!({}),
    )
    .await;
    let owners: Vec<String> = alice.ok(&path).await["owners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["acct"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(owners, ["alice", "bob"]);
    let (code, body) = bob.patch(&path, json!({ "title": "Samen" })).await;
    assert_eq!(code, 200, "{body}");

    // An editor edits for the group; it adds no owners, not even itself.
    let (code, group_plan) = bob
        .post(
            "/api/knooppunt/v1/plans",
            json!({ "title": "Plan van groen", "group": "groen" }),
        )
        .await;
    assert_eq!(code, 201, "{group_plan}");
    assert_eq!(
        group_plan["owners"].as_array().unwrap().len(),
        2,
        "bob and groen"
    );
    let group_path = format!(
        "/api/knooppunt/v1/plans/{}",
        group_plan["id"].as_str().unwrap()
    );
    let groen = erik.resolve(&format!("@groen@{}", a.domain)).await;
    erik.ok_post(&format!("/api/v1/accounts/{groen}/follow"), json!({}))
        .await;
    let erik_id = bob.resolve(&format!("@erik@{}", a.domain)).await;
    let (code, body) = bob
        .post(
            &format!("{group_path}/editors"),
            json!({ "group": "groen", "account_id": erik_id }),
        )
        .await;
    assert_eq!(code, 201, "{body}");
    let (code, body) = erik
        .patch(&group_path, json!({ "summary": "Door de redacteur" }))
        .await;
    assert_eq!(code, 200, "an editor edits: {body}");
    let alice_id = alice.resolve(&format!("@alice@{}", a.domain)).await;
    for target in [&erik_id, &alice_id] {
        let (code, body) = erik
            .post(
                &format!("{group_path}/owners"),
                json!({ "account_id": target }),
            )
            .await;
        assert_eq!(code, 403, "an editor invites nobody: {body}");
    }
    // Named no longer, erik edits no longer.
    let remove = format!("{group_path}/editors/groen/{erik_id}");
    let (code, body) = erik.delete(&remove).await;
    assert_eq!(code, 403, "only a moderator takes it away: {body}");
    let (code, editors) = bob.delete(&remove).await;
    assert_eq!((code, editors), (200, json!([])));
    let (code, _) = erik
        .patch(&group_path, json!({ "summary": "Nog eens" }))
        .await;
    assert_eq!(code, 403);
    // As a moderator of groen he acts for it, and invites for it; once
    // taken back, not.
    let moderators = "/api/knooppunt/v1/groups/groen/moderators";
    let (code, _) = erik
        .post(moderators, json!({ "account_id": erik_id }))
        .await;
    assert_eq!(code, 403, "a member does not make itself a moderator");
    let (code, body) = bob.post(moderators, json!({ "account_id": erik_id })).await;
    assert_eq!(code, 200, "{body}");
    let (code, body) = erik
        .post(
            &format!("{group_path}/owners"),
            json!({ "account_id": alice_id }),
        )
        .await;
    assert_eq!(code, 202, "a moderator invites for the group: {body}");
    let (code, body) = bob.delete(&format!("{moderators}/{erik_id}")).await;
    assert_eq!(code, 200, "{body}");
    let (code, _) = erik.patch(&group_path, json!({ "summary": "Weer" })).await;
    assert_eq!(code, 403, "a plain member again");
    a.stop().await;
}

/// Advice is asked only by a plan's owners, on a plan of their own
/// instance or of the advisor's; an answer counts only from the advisor.
#[tokio::test]
async fn advice_is_asked_by_owners_and_answered_by_the_advisor_only() {
    let instances = TestInstance::start_many(2).await;
    let (a, b) = (&instances[0], &instances[1]);
    a.create_person("verkeer", PW).await;
    a.create_person("alice", PW).await;
    b.create_person("bob", PW).await;
    b.create_person("mallory", PW).await;
    let alice = ApiClient::login(a, "alice", PW).await;
    let bob = ApiClient::login(b, "bob", PW).await;
    let verkeer = ApiClient::login(a, "verkeer", PW).await;
    let (_, bobs_plan) = bob
        .post("/api/knooppunt/v1/plans", json!({ "title": "Drempel" }))
        .await;
    let (_, alices_plan) = alice
        .post("/api/knooppunt/v1/plans", json!({ "title": "Speeltuin" }))
        .await;
    let verkeer_uri = format!("{}/users/verkeer", a.base_url);
    let mallory_uri = format!("{}/users/mallory", b.base_url);
    let request = |n: u32, plan: &Value| {
        json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{mallory_uri}#advice-{n}/activity"),
            "type": "Create",
            "actor": mallory_uri,
            "to": [verkeer_uri],
            "object": {
                "id": format!("{mallory_uri}#advice-{n}"),
                "type": "Note",
                "attributedTo": mallory_uri,
                "to": [verkeer_uri],
                "inReplyTo": plan["uri"],
                "content": "advies?",
                "adviceRequest": plan["uri"],
                "adviceQuestion": "Mag dit?",
            },
        })
    };
    let inbox = a.url("/inbox");
    let r = signed_post(b, "mallory", &inbox, &request(1, &bobs_plan)).await;
    assert_eq!(r.status(), 403, "not an owner of bob's plan");
    let r = signed_post(b, "mallory", &inbox, &request(2, &alices_plan)).await;
    assert_eq!(r.status(), 403, "a plan of neither instance's sender");
    assert_eq!(
        verkeer.ok("/api/knooppunt/v1/advice_requests").await,
        json!([])
    );

    // The owner asks; the request arrives.
    let advisor = bob.resolve(&format!("@verkeer@{}", a.domain)).await;
    let bob_path = format!(
        "/api/knooppunt/v1/plans/{}",
        bobs_plan["id"].as_str().unwrap()
    );
    let (code, body) = bob
        .post(
            &format!("{bob_path}/advice"),
            json!({ "account_id": advisor, "question": "Kan hier een drempel?" }),
        )
        .await;
    assert_eq!(code, 201, "{body}");
    TestInstance::drain_all(&instances).await;
    let pending = verkeer.ok("/api/knooppunt/v1/advice_requests").await;
    assert_eq!(pending.as_array().unwrap().len(), 1, "{pending}");
    let request_uri = bob.ok(&bob_path).await["advice"][0]["id"].clone();
    let stored = knooppunt::plans::entity::advice::Entity::find()
        .all(&b.state.db)
        .await
        .unwrap();
    let request_ap_id = stored[0].request_ap_id.clone();
    assert!(request_uri.is_string());

    // mallory answers in the advisor's place: refused at the plan's home.
    let forged = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{mallory_uri}#answer/activity"),
        "type": "Create",
        "actor": mallory_uri,
        "to": [format!("{}/users/bob", b.base_url)],
        "object": {
            "id": format!("{mallory_uri}#answer"),
            "type": "Note",
            "attributedTo": mallory_uri,
            "inReplyTo": request_ap_id,
            "advice": "positive",
            "adviceReasons": "Prima",
            "content": "ja",
        },
    });
    // Signed by a real actor of another instance (A's alice) for realism of hosts.
    let r = signed_post(a, "alice", &b.url("/inbox"), &{
        let mut f = forged.clone();
        let alice_uri = format!("{}/users/alice", a.base_url);
        f["id"] = json!(format!("{alice_uri}#answer/activity"));
        f["actor"] = json!(alice_uri);
        f["object"]["id"] = json!(format!("{alice_uri}#answer"));
        f["object"]["attributedTo"] = json!(alice_uri);
        f
    })
    .await;
    assert_eq!(r.status(), 403, "only the advisor asked answers");
    assert_eq!(bob.ok(&bob_path).await["advice"][0]["verdict"], Value::Null);

    // The advisor answers; the home shows it as given.
    let req = pending[0]["id"].as_str().unwrap();
    verkeer
        .ok_post(
            &format!("/api/knooppunt/v1/advice_requests/{req}/answer"),
            json!({ "verdict": "negative", "reasons": "Busroute." }),
        )
        .await;
    TestInstance::drain_all(&instances).await;
    let given = &bob.ok(&bob_path).await["advice"][0];
    assert_eq!(given["verdict"], "negative", "{given}");
    assert_eq!(given["claimed_verdict"], Value::Null);
    for i in instances {
        i.stop().await;
    }
}

use sea_orm::EntityTrait;

/// A plan's home states owners, advice and history; on a copy they are its
/// claims. It cannot name people here as owners, as advisors who answered,
/// or as having acted; and a verdict it reports about someone elsewhere is
/// shown as given only once fetched from the advisor's own server.
#[tokio::test]
async fn a_plans_home_cannot_put_words_in_the_mouths_of_others() {
    let instances = TestInstance::start_many(3).await;
    let (a, b, c) = (&instances[0], &instances[1], &instances[2]);
    for name in ["alice", "verkeer"] {
        a.create_person(name, PW).await;
    }
    b.create_person("mallory", PW).await;
    c.create_person("carol", PW).await;
    let alice = ApiClient::login(a, "alice", PW).await;
    let mallory_on_a = alice.resolve(&format!("@mallory@{}", b.domain)).await;
    alice
        .ok_post(
            &format!("/api/v1/accounts/{mallory_on_a}/follow"),
            json!({}),
        )
        .await;
    TestInstance::drain_all(&instances).await;

    let me = format!("{}/users/mallory", b.base_url);
    let alice_uri = format!("{}/users/alice", a.base_url);
    let verkeer_uri = format!("{}/users/verkeer", a.base_url);
    let carol_uri = format!("{}/users/carol", c.base_url);
    let plan_uri = format!("{me}/statuses/plan-1");
    let page = json!({
        "id": plan_uri,
        "type": "Page",
        "attributedTo": [me, alice_uri],
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "name": "Parkeergarage in het park",
        "summary": "Alice en verkeer zijn voor.",
        "content": "<p>Een garage.</p>",
        "published": "2026-12-01T10:00:00Z",
        "updated": "2026-12-01T10:00:00Z",
        "state": "proposal",
        "advice": [
            { "id": format!("{plan_uri}#advice/1"), "type": "Advice", "advisor": verkeer_uri,
              "requester": alice_uri, "question": "Goed idee?", "advice": "positive",
              "adviceReasons": "Heel goed", "answer": format!("{}/advice/1", a.base_url) },
            { "id": format!("{plan_uri}#advice/2"), "type": "Advice", "advisor": carol_uri,
              "requester": me, "question": "En jij?", "advice": "positive",
              "adviceReasons": "Ook goed", "answer": format!("{}/advice/4242", c.base_url) },
        ],
        "history": [
            { "type": "PlanChange", "actor": me, "action": "created", "published": "2026-12-01T10:00:00Z" },
            { "type": "PlanChange", "actor": alice_uri, "action": "state", "fromState": "idea",
              "toState": "proposal", "published": "2026-12-01T10:01:00Z" },
            { "type": "PlanChange", "actor": verkeer_uri, "action": "edited", "published": "2026-12-01T10:02:00Z" },
        ],
    });
    let create = json!({
        "@context": ["https://www.w3.org/ns/activitystreams", format!("{}/ns/knooppunt", b.base_url)],
        "id": format!("{plan_uri}/activity"),
        "type": "Create",
        "actor": me,
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "object": page,
    });
    let r = signed_post(b, "mallory", &a.url("/inbox"), &create).await;
    assert_eq!(r.status(), 202, "{}", r.text().await.unwrap_or_default());

    let copy = alice.plan_by_uri(&plan_uri).await;
    assert_eq!(copy["home"], json!(b.domain), "{copy}");
    let owners: Vec<&str> = copy["owners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["acct"].as_str().unwrap())
        .collect();
    assert_eq!(
        owners,
        [format!("mallory@{}", b.domain)],
        "alice never accepted"
    );
    // Advice asked of verkeer, here, exists only as a request verkeer got.
    let advice = copy["advice"].as_array().unwrap();
    assert_eq!(advice.len(), 1, "{copy}");
    assert!(
        !advice.iter().any(|x| x["advisor"]["acct"] == "verkeer"),
        "verkeer was never asked here: {copy}"
    );
    let remote = advice
        .iter()
        .find(|x| x["advisor"]["acct"] == format!("carol@{}", c.domain))
        .unwrap();
    assert_eq!(
        remote["verdict"],
        Value::Null,
        "not served by carol's server"
    );
    assert_eq!(remote["claimed_verdict"], "positive", "{remote}");
    let id = copy["id"].as_str().unwrap();
    let history = alice
        .ok(&format!("/api/knooppunt/v1/plans/{id}/history"))
        .await;
    let entries: Vec<(&str, &str, bool)> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["actor"].as_str().unwrap(),
                h["action"].as_str().unwrap(),
                h["claimed"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        entries,
        [(me.as_str(), "created", true)],
        "local people named by the home did not act here"
    );
    for i in instances {
        i.stop().await;
    }
}
