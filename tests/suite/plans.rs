//! Plans through Knooppunt's own API, on three real instances (127.0.0.2-4):
//! every state with the people allowed to take each step, refusals for the
//! others, and the plan and its history seen alike on every instance.

use knooppunt_tests::{ApiClient, TestInstance};
use serde_json::{Value, json};

const PW: &str = "lange wandeling 42";

/// The mirrored copy of a plan on another instance, found by its AP id.
/// History as (actor, action, from, to, note), comparable between instances.
async fn history(client: &ApiClient, plan_id: &str) -> Vec<(String, String, Value, Value, String)> {
    let h = client
        .ok(&format!("/api/knooppunt/v1/plans/{plan_id}/history"))
        .await;
    h.as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["actor"].as_str().unwrap().to_string(),
                e["action"].as_str().unwrap().to_string(),
                e["from_state"].clone(),
                e["to_state"].clone(),
                e["note"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_plan_goes_through_every_state_and_reads_the_same_on_three_instances() {
    let instances = TestInstance::start_many(3).await;
    let (a, b, c) = (&instances[0], &instances[1], &instances[2]);
    for name in ["alice", "wim", "erik", "nina"] {
        a.create_person(name, PW).await;
    }
    a.create_admin("ada", PW).await;
    b.create_person("bob", PW).await;
    c.create_person("carol", PW).await;
    // wim moderates the working group "groen"; alice and erik are members.
    knooppunt::groups::service::create(
        &a.state.db,
        &a.state.config,
        "groen",
        "wim",
        knooppunt::groups::JoinPolicy::Open,
    )
    .await
    .unwrap();
    let alice = ApiClient::login(a, "alice", PW).await;
    let wim = ApiClient::login(a, "wim", PW).await;
    let erik = ApiClient::login(a, "erik", PW).await;
    let nina = ApiClient::login(a, "nina", PW).await;
    let ada = ApiClient::login(a, "ada", PW).await;
    let bob = ApiClient::login(b, "bob", PW).await;
    let carol = ApiClient::login(c, "carol", PW).await;
    let groen = alice.resolve(&format!("@groen@{}", a.domain)).await;
    for member in [&alice, &erik] {
        member
            .ok_post(&format!("/api/v1/accounts/{groen}/follow"), json!({}))
            .await;
    }
    // nina joins the neighbourhood, and the administrator makes her one of
    // its moderators: she decides on proposals. Nobody else may appoint her.
    let hood_here = nina.resolve(&format!("@wijk@{}", a.domain)).await;
    nina.ok_post(&format!("/api/v1/accounts/{hood_here}/follow"), json!({}))
        .await;
    let nina_id = ada.resolve(&format!("@nina@{}", a.domain)).await;
    let appoint = json!({ "account_id": nina_id });
    let (code, body) = wim
        .post("/api/knooppunt/v1/groups/wijk/moderators", appoint.clone())
        .await;
    assert_eq!(code, 403, "only the administrator appoints: {body}");
    let (code, body) = ada
        .post("/api/knooppunt/v1/groups/wijk/moderators", appoint)
        .await;
    assert_eq!(code, 200, "{body}");
    // bob subscribes to A's neighbourhood; carol follows alice.
    let hood = bob.resolve(&format!("@wijk@{}", a.domain)).await;
    bob.ok_post(&format!("/api/v1/accounts/{hood}/follow"), json!({}))
        .await;
    let alice_on_c = carol.resolve(&format!("@alice@{}", a.domain)).await;
    carol
        .ok_post(&format!("/api/v1/accounts/{alice_on_c}/follow"), json!({}))
        .await;
    TestInstance::drain_all(&instances).await;

    // Bad input is refused with the field named.
    let (code, body) = alice
        .post("/api/knooppunt/v1/plans", json!({ "title": "  " }))
        .await;
    assert_eq!(code, 422, "{body}");
    let (code, body) = alice
        .post(
            "/api/knooppunt/v1/plans",
            json!({ "title": "x", "area": { "geometry": { "type": "Point", "coordinates": [500, 1] } } }),
        )
        .await;
    assert_eq!(code, 422, "{body}");

    let (code, plan) = alice
        .post(
            "/api/knooppunt/v1/plans",
            json!({
                "title": "Groene speelplek Vlaggemanstraat",
                "summary": "Van parkeerplaats naar speelplek met bomen.",
                "content": "<p>Plan <script>alert(1)</script><b>met</b> buurt.</p>",
                "themes": ["Groen", "#spelen"],
                "area": { "address": "Vlaggemanstraat, Rotterdam", "geometry": { "type": "Point", "coordinates": [4.4777, 51.9441] } },
                "cost_estimate": { "amount_cents": 4_500_000, "currency": "EUR" },
                "requested_budget": { "amount_cents": 3_000_000 },
                "group": "groen",
            }),
        )
        .await;
    assert_eq!(code, 201, "{plan}");
    assert_eq!(plan["state"], "idea");
    assert!(!plan["content"].as_str().unwrap().contains("script"));
    assert_eq!(plan["themes"], json!(["groen", "spelen"]));
    // A member proposes the plan to the group; the group owns it only once
    // its moderator accepts.
    assert_eq!(plan["owners"].as_array().unwrap().len(), 1, "alice only");
    let id = plan["id"].as_str().unwrap().to_string();
    let uri = plan["uri"].as_str().unwrap().to_string();
    let path = format!("/api/knooppunt/v1/plans/{id}");
    assert_eq!(
        erik.ok("/api/knooppunt/v1/plan_invitations").await,
        json!([]),
        "a member does not answer for the group"
    );
    let for_groen = wim.ok("/api/knooppunt/v1/plan_invitations").await;
    assert_eq!(for_groen.as_array().unwrap().len(), 1, "{for_groen}");
    let inv = for_groen[0]["id"].as_str().unwrap();
    let (code, body) = erik
        .post(
            &format!("/api/knooppunt/v1/plan_invitations/{inv}/accept"),
            json!({}),
        )
        .await;
    assert_eq!(code, 404, "{body}");
    wim.ok_post(
        &format!("/api/knooppunt/v1/plan_invitations/{inv}/accept"),
        json!({}),
    )
    .await;
    assert_eq!(
        alice.ok(&path).await["owners"].as_array().unwrap().len(),
        2,
        "alice and groen"
    );
    let step = |to: &str, note: &str| json!({ "to": to, "note": note });

    // Who may do what. erik is a member of the owning group: that makes
    // him no owner, neither here nor through the group.
    let (code, body) = erik.patch(&path, json!({ "title": "Mijn plan nu" })).await;
    assert_eq!(code, 403, "not an owner: {body}");
    let (code, body) = erik
        .post(&format!("{path}/transition"), step("withdrawn", ""))
        .await;
    assert_eq!(code, 403, "{body}");
    let (code, body) = erik
        .post(&format!("{path}/transition"), step("proposal", ""))
        .await;
    assert_eq!(code, 403, "{body}");
    let (code, body) = alice
        .post(&format!("{path}/transition"), step("done", ""))
        .await;
    assert_eq!(code, 409, "idea cannot jump to done: {body}");
    let (code, body) = alice
        .post(&format!("{path}/transition"), step("besloten", ""))
        .await;
    assert_eq!(code, 422, "{body}");

    let edited = alice
        .patch(&path, json!({ "summary": "Van parkeerplaats naar speelplek met zes bomen.", "requested_budget": { "amount_cents": 3_500_000 } }))
        .await;
    assert_eq!(edited.0, 200, "{}", edited.1);
    let moved = alice
        .ok_post(&format!("{path}/transition"), step("proposal", ""))
        .await;
    assert_eq!(moved["state"], "proposal");
    let (code, body) = alice
        .post(
            &format!("{path}/transition"),
            step("adopted", "ik vind het goed"),
        )
        .await;
    assert_eq!(code, 403, "owners do not decide on their own plan: {body}");
    let (code, body) = wim
        .post(&format!("{path}/transition"), step("adopted", "goed"))
        .await;
    assert_eq!(
        code, 403,
        "the owning group's moderator is an owner, no decider: {body}"
    );
    let (code, body) = erik
        .post(&format!("{path}/transition"), step("adopted", "goed"))
        .await;
    assert_eq!(code, 403, "{body}");
    let (code, body) = nina
        .post(&format!("{path}/transition"), step("adopted", " "))
        .await;
    assert_eq!(code, 422, "a decision needs its reason: {body}");
    let adopted = nina
        .ok_post(
            &format!("{path}/transition"),
            step(
                "adopted",
                "Past in de wijkvisie: meer groen, veilig spelen.",
            ),
        )
        .await;
    assert_eq!(adopted["state"], "adopted");
    alice
        .ok_post(&format!("{path}/transition"), step("in_progress", ""))
        .await;
    alice
        .ok_post(
            &format!("{path}/progress"),
            json!({ "note": "Tegels eruit, grond besteld." }),
        )
        .await;
    let (code, body) = alice
        .post(&format!("{path}/transition"), step("done", ""))
        .await;
    assert_eq!(code, 422, "results are needed: {body}");
    let done = alice
        .ok_post(
            &format!("{path}/transition"),
            step("done", "Zes bomen geplant, speeltoestel staat."),
        )
        .await;
    assert_eq!(done["state"], "done");
    let (code, body) = alice
        .post(&format!("{path}/transition"), step("withdrawn", ""))
        .await;
    assert_eq!(code, 409, "a finished plan cannot be withdrawn: {body}");
    let (code, body) = alice.patch(&path, json!({ "title": "Anders" })).await;
    assert_eq!(code, 409, "a finished plan is not edited: {body}");

    // A second plan, by the administrator: she does not decide on it.
    let (code, other) = ada
        .post(
            "/api/knooppunt/v1/plans",
            json!({ "title": "Bankje bij de bushalte" }),
        )
        .await;
    assert_eq!(code, 201, "{other}");
    let other_path = format!("/api/knooppunt/v1/plans/{}", other["id"].as_str().unwrap());
    ada.ok_post(&format!("{other_path}/transition"), step("proposal", ""))
        .await;
    let (code, body) = ada
        .post(
            &format!("{other_path}/transition"),
            step("adopted", "mijn eigen plan"),
        )
        .await;
    assert_eq!(
        code, 403,
        "an administrator owning it does not decide: {body}"
    );
    let withdrawn = ada
        .ok_post(
            &format!("{other_path}/transition"),
            step("withdrawn", "dubbel"),
        )
        .await;
    assert_eq!(withdrawn["state"], "withdrawn");
    let (code, _) = ada
        .post(&format!("{other_path}/transition"), step("proposal", ""))
        .await;
    assert_eq!(code, 409);

    TestInstance::drain_all(&instances).await;
    let here = history(&alice, &id).await;
    let actions: Vec<(&str, &str)> = here
        .iter()
        .map(|(actor, action, ..)| (actor.rsplit('/').next().unwrap(), action.as_str()))
        .collect();
    assert_eq!(
        actions,
        vec![
            ("alice", "created"),
            ("groen", "owner_added"),
            ("alice", "edited"),
            ("alice", "state"),
            ("nina", "state"),
            ("alice", "state"),
            ("alice", "progress"),
            ("alice", "state"),
        ]
    );
    // B (through the neighbourhood) and C (through alice) hold the same plan.
    let on_a = alice.ok(&path).await;
    for (who, name) in [(&bob, "B"), (&carol, "C")] {
        let copy = who.plan_by_uri(&uri).await;
        for field in [
            "title",
            "summary",
            "state",
            "themes",
            "area",
            "cost_estimate",
            "requested_budget",
        ] {
            assert_eq!(copy[field], on_a[field], "{field} on {name}: {copy}");
        }
        assert_eq!(copy["local"], false);
        assert_eq!(
            copy["owners"].as_array().unwrap().len(),
            2,
            "owners on {name}"
        );
        let copy_id = copy["id"].as_str().unwrap();
        assert_eq!(history(who, copy_id).await, here, "history on {name}");
        // Someone who does not own it cannot change it here either.
        let (code, body) = who
            .patch(
                &format!("/api/knooppunt/v1/plans/{copy_id}"),
                json!({ "title": "Van mij" }),
            )
            .await;
        assert_eq!(code, 403, "{body}");
    }
    // The withdrawn plan reached B through the neighbourhood too.
    let gone = bob.plan_by_uri(other["uri"].as_str().unwrap()).await;
    assert_eq!(gone["state"], "withdrawn");
    let filtered = bob.ok("/api/knooppunt/v1/plans?state=done").await;
    assert_eq!(filtered.as_array().unwrap().len(), 1, "{filtered}");
    let themed = alice.ok("/api/knooppunt/v1/plans?theme=spelen").await;
    assert_eq!(themed.as_array().unwrap().len(), 1, "{themed}");
}

#[tokio::test]
async fn supports_and_arguments_are_counted_once_from_here_and_elsewhere() {
    let instances = TestInstance::start_many(2).await;
    let (a, b) = (&instances[0], &instances[1]);
    a.create_person("alice", PW).await;
    a.create_person("erik", PW).await;
    b.create_person("bob", PW).await;
    let alice = ApiClient::login(a, "alice", PW).await;
    let erik = ApiClient::login(a, "erik", PW).await;
    let bob = ApiClient::login(b, "bob", PW).await;
    let hood = bob.resolve(&format!("@wijk@{}", a.domain)).await;
    bob.ok_post(&format!("/api/v1/accounts/{hood}/follow"), json!({}))
        .await;
    TestInstance::drain_all(&instances).await;
    let (code, plan) = alice
        .post(
            "/api/knooppunt/v1/plans",
            json!({ "title": "Zebrapad bij school", "summary": "Veilig oversteken." }),
        )
        .await;
    assert_eq!(code, 201, "{plan}");
    let path = format!("/api/knooppunt/v1/plans/{}", plan["id"].as_str().unwrap());
    TestInstance::drain_all(&instances).await;
    let copy = bob.plan_by_uri(plan["uri"].as_str().unwrap()).await;
    let copy_path = format!("/api/knooppunt/v1/plans/{}", copy["id"].as_str().unwrap());

    // Support twice counts once; from here and from B.
    erik.ok_post(&format!("{path}/support"), json!({})).await;
    let again = erik.ok_post(&format!("{path}/support"), json!({})).await;
    assert_eq!(again["supports_count"], 1);
    assert_eq!(again["supported"], true);
    bob.ok_post(&format!("{copy_path}/support"), json!({}))
        .await;
    // Arguments side by side, and a plain comment.
    let (code, body) = erik
        .post(
            &format!("{path}/arguments"),
            json!({ "text": "x", "stance": "neutraal" }),
        )
        .await;
    assert_eq!(code, 422, "{body}");
    let (code, body) = erik
        .post(
            &format!("{path}/arguments"),
            json!({ "text": "Kinderen steken hier dagelijks over.", "stance": "pro" }),
        )
        .await;
    assert_eq!(code, 201, "{body}");
    let (code, body) = bob
        .post(
            &format!("{copy_path}/arguments"),
            json!({ "text": "Verkeerskundig past een drempel beter.", "stance": "contra" }),
        )
        .await;
    assert_eq!(code, 201, "{body}");
    let (code, body) = bob
        .post(
            &format!("{copy_path}/arguments"),
            json!({ "text": "Wie betaalt het onderhoud?" }),
        )
        .await;
    assert_eq!(code, 201, "{body}");
    TestInstance::drain_all(&instances).await;

    let on_a = alice.ok(&path).await;
    assert_eq!(on_a["supports_count"], 2, "erik and bob: {on_a}");
    assert_eq!(
        on_a["arguments_count"],
        json!({ "pro": 1, "contra": 1, "comments": 1 })
    );
    // The copy on B shows the home's counts, not only what B saw itself.
    let copy = bob.ok(&copy_path).await;
    assert_eq!(copy["supports_count"], 2, "{copy}");
    assert_eq!(copy["arguments_count"], on_a["arguments_count"]);
    assert_eq!(copy["supported"], true);
    let args = alice.ok(&format!("{path}/arguments")).await;
    assert_eq!(
        args["contra"][0]["account"]["acct"],
        format!("bob@{}", b.domain)
    );
    assert_eq!(args["pro"][0]["account"]["username"], "erik");
    // Undo support.
    let undone = erik.delete(&format!("{path}/support")).await;
    assert_eq!(undone.0, 200, "{}", undone.1);
    TestInstance::drain_all(&instances).await;
    let on_a = alice.ok(&path).await;
    assert_eq!(on_a["supports_count"], 1, "{on_a}");
    let copy = bob.ok(&copy_path).await;
    assert_eq!(copy["supports_count"], 1, "{copy}");

    // The plan's page: HTML for people (Dutch by default), the Page for servers.
    let page_url = on_a["url"].as_str().unwrap();
    let html = a.client.get(page_url).send().await.unwrap();
    assert_eq!(html.status(), 200);
    let html = html.text().await.unwrap();
    assert!(
        html.contains("Zebrapad bij school") && html.contains("Idee"),
        "{html}"
    );
    assert!(html.contains("Verkeerskundig past een drempel beter."));
    let page: Value = a.get_ap(page_url).await.json().await.unwrap();
    assert_eq!(page["type"], "Page");
    assert_eq!(page["state"], "idea");
    assert_eq!(page["id"], on_a["uri"]);
    assert_eq!(page["argumentsCount"]["contra"], 1);
    // B sends people and servers to the plan's home.
    let there = b
        .client
        .get(copy["url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(
        there.url().as_str(),
        page_url,
        "a copy's url is the home page"
    );
}

#[tokio::test]
async fn a_group_elsewhere_co_owns_a_plan_and_its_edit_shows_in_the_history_everywhere() {
    let instances = TestInstance::start_many(3).await;
    let (a, b, c) = (&instances[0], &instances[1], &instances[2]);
    a.create_person("alice", PW).await;
    for name in ["bob", "dave", "erin"] {
        b.create_person(name, PW).await;
    }
    c.create_person("carol", PW).await;
    knooppunt::groups::service::create(
        &b.state.db,
        &b.state.config,
        "buurtgroen",
        "bob",
        knooppunt::groups::JoinPolicy::Open,
    )
    .await
    .unwrap();
    let alice = ApiClient::login(a, "alice", PW).await;
    let bob = ApiClient::login(b, "bob", PW).await;
    let dave = ApiClient::login(b, "dave", PW).await;
    let erin = ApiClient::login(b, "erin", PW).await;
    let carol = ApiClient::login(c, "carol", PW).await;
    // dave and erin are members of buurtgroen; carol follows alice.
    let group_on_b = dave.resolve(&format!("@buurtgroen@{}", b.domain)).await;
    for member in [&dave, &erin] {
        member
            .ok_post(&format!("/api/v1/accounts/{group_on_b}/follow"), json!({}))
            .await;
    }
    let alice_on_c = carol.resolve(&format!("@alice@{}", a.domain)).await;
    carol
        .ok_post(&format!("/api/v1/accounts/{alice_on_c}/follow"), json!({}))
        .await;
    TestInstance::drain_all(&instances).await;

    let (code, plan) = alice
        .post(
            "/api/knooppunt/v1/plans",
            json!({ "title": "Samen tuinieren", "summary": "Een buurttuin over twee wijken." }),
        )
        .await;
    assert_eq!(code, 201, "{plan}");
    let path = format!("/api/knooppunt/v1/plans/{}", plan["id"].as_str().unwrap());
    let uri = plan["uri"].as_str().unwrap().to_string();
    // alice invites the group on B.
    let group_on_a = alice.resolve(&format!("@buurtgroen@{}", b.domain)).await;
    let (code, invited) = alice
        .post(
            &format!("{path}/owners"),
            json!({ "account_id": group_on_a }),
        )
        .await;
    assert_eq!(code, 202, "{invited}");
    assert_eq!(invited["invitation"]["state"], "pending");
    TestInstance::drain_all(&instances).await;
    // Only the group's moderator sees the invitation on B; dave does not.
    assert_eq!(
        dave.ok("/api/knooppunt/v1/plan_invitations").await,
        json!([])
    );
    let pending = bob.ok("/api/knooppunt/v1/plan_invitations").await;
    assert_eq!(pending.as_array().unwrap().len(), 1, "{pending}");
    assert_eq!(pending[0]["plan"]["title"], "Samen tuinieren");
    let inv_id = pending[0]["id"].as_str().unwrap();
    let accepted = bob
        .ok_post(
            &format!("/api/knooppunt/v1/plan_invitations/{inv_id}/accept"),
            json!({}),
        )
        .await;
    assert_eq!(accepted["state"], "accepted");
    let (code, _) = bob
        .post(
            &format!("/api/knooppunt/v1/plan_invitations/{inv_id}/accept"),
            json!({}),
        )
        .await;
    assert_eq!(code, 409, "answered once");
    TestInstance::drain_all(&instances).await;
    let on_a = alice.ok(&path).await;
    let owner_accts: Vec<&str> = on_a["owners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["acct"].as_str().unwrap())
        .collect();
    assert_eq!(
        owner_accts,
        vec!["alice".to_string(), format!("buurtgroen@{}", b.domain)]
    );

    // alice also invites carol on C, once; carol declines.
    let carol_on_a = alice.resolve(&format!("@carol@{}", c.domain)).await;
    let invite_carol = json!({ "account_id": carol_on_a });
    let (code, body) = alice
        .post(&format!("{path}/owners"), invite_carol.clone())
        .await;
    assert_eq!(code, 202, "{body}");
    let (code, body) = alice.post(&format!("{path}/owners"), invite_carol).await;
    assert_eq!(code, 409, "invited once: {body}");
    TestInstance::drain_all(&instances).await;
    let for_carol = carol.ok("/api/knooppunt/v1/plan_invitations").await;
    assert_eq!(for_carol.as_array().unwrap().len(), 1, "{for_carol}");
    let carol_inv = for_carol[0]["id"].as_str().unwrap();
    let rejected = carol
        .ok_post(
            &format!("/api/knooppunt/v1/plan_invitations/{carol_inv}/reject"),
            json!({}),
        )
        .await;
    assert_eq!(rejected["state"], "rejected");
    let (code, _) = carol
        .post(
            &format!("/api/knooppunt/v1/plan_invitations/{carol_inv}/accept"),
            json!({}),
        )
        .await;
    assert_eq!(code, 409, "answered once");
    TestInstance::drain_all(&instances).await;
    // At home, alice sees both answers, and carol is no owner.
    let sent = alice.ok(&format!("{path}/invitations")).await;
    let answers: Vec<(String, String)> = sent
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["invitee"]["acct"].as_str().unwrap().to_string(),
                i["state"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        answers,
        vec![
            (format!("buurtgroen@{}", b.domain), "accepted".to_string()),
            (format!("carol@{}", c.domain), "rejected".to_string()),
        ]
    );
    assert_eq!(alice.ok(&path).await["owners"].as_array().unwrap().len(), 2);

    // Members of the co-owning group have no say over its plans: neither
    // dave nor erin may edit the copy on B until a moderator names them.
    let copy = dave.plan_by_uri(&uri).await;
    let copy_path = format!("/api/knooppunt/v1/plans/{}", copy["id"].as_str().unwrap());
    for member in [&dave, &erin] {
        let (code, body) = member
            .patch(&copy_path, json!({ "title": "Van mij" }))
            .await;
        assert_eq!(code, 403, "a member is no editor: {body}");
    }
    let dave_id = bob.resolve(&format!("@dave@{}", b.domain)).await;
    let name_dave = json!({ "group": "buurtgroen", "account_id": dave_id });
    let (code, body) = erin
        .post(&format!("{copy_path}/editors"), name_dave.clone())
        .await;
    assert_eq!(code, 403, "only a moderator names editors: {body}");
    let carol_on_b = bob.resolve(&format!("@carol@{}", c.domain)).await;
    let (code, body) = bob
        .post(
            &format!("{copy_path}/editors"),
            json!({ "group": "buurtgroen", "account_id": carol_on_b }),
        )
        .await;
    assert_eq!(code, 422, "only members here edit for the group: {body}");
    let (code, editors) = bob.post(&format!("{copy_path}/editors"), name_dave).await;
    assert_eq!(code, 201, "{editors}");
    assert_eq!(editors[0]["account"]["acct"], "dave");
    let (code, body) = erin.patch(&copy_path, json!({ "title": "Van mij" })).await;
    assert_eq!(code, 403, "{body}");
    let (code, body) = dave
        .patch(
            &copy_path,
            json!({ "title": "Samen tuinieren in twee wijken", "themes": ["groen"] }),
        )
        .await;
    assert_eq!(code, 202, "{body}");
    TestInstance::drain_all(&instances).await;
    let on_a = alice.ok(&path).await;
    assert_eq!(on_a["title"], "Samen tuinieren in twee wijken");
    assert_eq!(on_a["themes"], json!(["groen"]));
    let group_uri = format!("{}/groups/buurtgroen", b.base_url);
    let here = history(&alice, on_a["id"].as_str().unwrap()).await;
    let last = here.last().unwrap();
    assert_eq!(
        (last.0.as_str(), last.1.as_str()),
        (group_uri.as_str(), "edited")
    );
    assert!(
        here.iter()
            .any(|h| h.0 == group_uri && h.1 == "owner_added"),
        "{here:?}"
    );
    // C, which only follows alice, shows the same history: who did what.
    for (who, name) in [(&carol, "C"), (&dave, "B")] {
        let copy = who.plan_by_uri(&uri).await;
        assert_eq!(copy["title"], "Samen tuinieren in twee wijken", "on {name}");
        assert_eq!(
            history(who, copy["id"].as_str().unwrap()).await,
            here,
            "history on {name}"
        );
    }
    // dave takes an owners' step on the copy; the home applies it, by the group.
    let step = |to: &str, note: &str| json!({ "to": to, "note": note });
    let (code, body) = dave
        .post(&format!("{copy_path}/transition"), step("proposal", ""))
        .await;
    assert_eq!(code, 202, "{body}");
    TestInstance::drain_all(&instances).await;
    assert_eq!(alice.ok(&path).await["state"], "proposal");
    let (code, body) = dave
        .post(
            &format!("{copy_path}/transition"),
            step("adopted", "wij willen het"),
        )
        .await;
    assert_eq!(code, 403, "deciders are people of the plan's home: {body}");
    let here = history(&alice, on_a["id"].as_str().unwrap()).await;
    let last = here.last().unwrap();
    assert_eq!(
        (last.0.as_str(), last.1.as_str()),
        (group_uri.as_str(), "state")
    );
    assert_eq!(carol.plan_by_uri(&uri).await["state"], "proposal");
    // An Update of the plan from someone who is not an owner is refused at home.
    let forged = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/users/erin#plan-edits/1", b.base_url),
        "type": "Update",
        "actor": format!("{}/users/erin", b.base_url),
        "object": { "id": uri, "type": "Page", "name": "Gekaapt" },
    });
    let refused = knooppunt_tests::api::signed_post(b, "erin", &a.url("/inbox"), &forged).await;
    assert_eq!(refused.status(), 403);
    assert_eq!(
        alice.ok(&path).await["title"],
        "Samen tuinieren in twee wijken"
    );
}

#[tokio::test]
async fn advice_asked_of_an_actor_elsewhere_arrives_and_its_answer_shows_everywhere() {
    let instances = TestInstance::start_many(3).await;
    let (a, b, c) = (&instances[0], &instances[1], &instances[2]);
    a.create_person("alice", PW).await;
    b.create_person("bob", PW).await;
    c.create_person("verkeer", PW).await;
    c.create_person("carol", PW).await;
    let alice = ApiClient::login(a, "alice", PW).await;
    let bob = ApiClient::login(b, "bob", PW).await;
    let verkeer = ApiClient::login(c, "verkeer", PW).await;
    let carol = ApiClient::login(c, "carol", PW).await;
    let hood = bob.resolve(&format!("@wijk@{}", a.domain)).await;
    bob.ok_post(&format!("/api/v1/accounts/{hood}/follow"), json!({}))
        .await;
    TestInstance::drain_all(&instances).await;
    let (code, plan) = alice
        .post(
            "/api/knooppunt/v1/plans",
            json!({ "title": "Zebrapad Kleiweg", "summary": "Bij de basisschool." }),
        )
        .await;
    assert_eq!(code, 201, "{plan}");
    let path = format!("/api/knooppunt/v1/plans/{}", plan["id"].as_str().unwrap());
    let uri = plan["uri"].as_str().unwrap().to_string();
    let advisor = alice.resolve(&format!("@verkeer@{}", c.domain)).await;
    let (code, body) = alice
        .post(
            &format!("{path}/advice"),
            json!({ "account_id": advisor, "question": "  " }),
        )
        .await;
    assert_eq!(code, 422, "{body}");
    let (code, asked) = alice
        .post(
            &format!("{path}/advice"),
            json!({ "account_id": advisor, "question": "Kan hier een zebrapad komen?" }),
        )
        .await;
    assert_eq!(code, 201, "{asked}");
    assert_eq!(asked["verdict"], Value::Null);
    TestInstance::drain_all(&instances).await;

    // The advisor on C sees the request; carol (not asked) does not.
    assert_eq!(
        carol.ok("/api/knooppunt/v1/advice_requests").await,
        json!([])
    );
    let pending = verkeer.ok("/api/knooppunt/v1/advice_requests").await;
    assert_eq!(pending.as_array().unwrap().len(), 1, "{pending}");
    assert_eq!(pending[0]["question"], "Kan hier een zebrapad komen?");
    assert_eq!(pending[0]["plan"]["uri"], uri);
    let req = pending[0]["id"].as_str().unwrap();
    let (code, body) = verkeer
        .post(
            &format!("/api/knooppunt/v1/advice_requests/{req}/answer"),
            json!({ "verdict": "misschien", "reasons": "x" }),
        )
        .await;
    assert_eq!(code, 422, "{body}");
    let (code, body) = carol
        .post(
            &format!("/api/knooppunt/v1/advice_requests/{req}/answer"),
            json!({ "verdict": "positive", "reasons": "ja" }),
        )
        .await;
    assert_eq!(code, 404, "only the advisor answers: {body}");
    let answered = verkeer
        .ok_post(
            &format!("/api/knooppunt/v1/advice_requests/{req}/answer"),
            json!({ "verdict": "conditions", "reasons": "Alleen met een drempel en verlichting." }),
        )
        .await;
    assert_eq!(answered["verdict"], "conditions");
    TestInstance::drain_all(&instances).await;

    // The answer is on the plan at A, and on B's copy through the neighbourhood.
    let on_a = alice.ok(&path).await;
    let advice = &on_a["advice"][0];
    assert_eq!(advice["verdict"], "conditions", "{on_a}");
    assert_eq!(advice["reasons"], "Alleen met een drempel en verlichting.");
    assert_eq!(advice["advisor"]["acct"], format!("verkeer@{}", c.domain));
    let copy = bob.plan_by_uri(&uri).await;
    assert_eq!(copy["advice"][0]["verdict"], "conditions", "{copy}");
    assert_eq!(
        copy["advice"][0]["question"],
        "Kan hier een zebrapad komen?"
    );
    assert_eq!(
        verkeer.ok("/api/knooppunt/v1/advice_requests").await,
        json!([])
    );
}

#[tokio::test]
async fn owners_ask_a_poll_on_a_plan_and_votes_from_elsewhere_count() {
    let instances = TestInstance::start_many(2).await;
    let (a, c) = (&instances[0], &instances[1]);
    a.create_person("alice", PW).await;
    a.create_person("erik", PW).await;
    c.create_person("carol", PW).await;
    let alice = ApiClient::login(a, "alice", PW).await;
    let erik = ApiClient::login(a, "erik", PW).await;
    let carol = ApiClient::login(c, "carol", PW).await;
    let alice_on_c = carol.resolve(&format!("@alice@{}", a.domain)).await;
    carol
        .ok_post(&format!("/api/v1/accounts/{alice_on_c}/follow"), json!({}))
        .await;
    TestInstance::drain_all(&instances).await;
    let (_, plan) = alice
        .post(
            "/api/knooppunt/v1/plans",
            json!({ "title": "Buurtfeest 2027" }),
        )
        .await;
    let path = format!("/api/knooppunt/v1/plans/{}", plan["id"].as_str().unwrap());
    let poll_body =
        json!({ "question": "Welke datum?", "options": ["mei", "juni"], "expires_in": 3600 });
    let (code, body) = erik.post(&format!("{path}/polls"), poll_body.clone()).await;
    assert_eq!(code, 403, "{body}");
    let (code, body) = alice
        .post(
            &format!("{path}/polls"),
            json!({ "question": "?", "options": ["ja"] }),
        )
        .await;
    assert_eq!(code, 422, "{body}");
    let (code, question) = alice.post(&format!("{path}/polls"), poll_body).await;
    assert_eq!(code, 201, "{question}");
    TestInstance::drain_all(&instances).await;
    // carol finds the poll on her copy of the plan and votes from C.
    let copy = carol.plan_by_uri(plan["uri"].as_str().unwrap()).await;
    let poll = &copy["polls"][0]["poll"];
    assert_eq!(poll["options"][1]["title"], "juni", "{copy}");
    assert_eq!(
        copy["arguments_count"]["comments"], 0,
        "a poll is no comment"
    );
    let voted = carol
        .ok_post(
            &format!("/api/v1/polls/{}/votes", poll["id"].as_str().unwrap()),
            json!({ "choices": [1] }),
        )
        .await;
    assert_eq!(voted["voted"], true, "{voted}");
    TestInstance::drain_all(&instances).await;
    let on_a = alice.ok(&path).await;
    let poll = &on_a["polls"][0]["poll"];
    assert_eq!(poll["votes_count"], 1, "{on_a}");
    assert_eq!(poll["options"][1]["votes_count"], 1);
    assert_eq!(on_a["arguments_count"]["comments"], 0);
}

/// A PATCH of a plan's area changes the parts it names: a new point keeps
/// the address, and `address: null` clears the address only.
#[tokio::test]
async fn a_plan_area_edit_changes_only_the_parts_it_names() {
    let i = TestInstance::start().await;
    i.create_person("alice", PW).await;
    let alice = ApiClient::login(&i, "alice", PW).await;
    let (code, plan) = alice
        .post(
            "/api/knooppunt/v1/plans",
            json!({ "title": "Bankjes", "area": { "address": "Bergweg 1, Rotterdam", "geometry": { "type": "Point", "coordinates": [4.4777, 51.9441] } } }),
        )
        .await;
    assert_eq!(code, 201, "{plan}");
    let path = format!("/api/knooppunt/v1/plans/{}", plan["id"].as_str().unwrap());
    let point = json!({ "type": "Point", "coordinates": [4.478, 51.945] });
    let (code, moved_point) = alice
        .patch(&path, json!({ "area": { "geometry": point } }))
        .await;
    assert_eq!(code, 200, "{moved_point}");
    assert_eq!(moved_point["area"]["address"], "Bergweg 1, Rotterdam");
    assert_eq!(moved_point["area"]["geometry"]["coordinates"][1], 51.945);
    let (code, no_address) = alice
        .patch(&path, json!({ "area": { "address": null } }))
        .await;
    assert_eq!(code, 200, "{no_address}");
    assert!(no_address["area"]["address"].is_null(), "{no_address}");
    assert_eq!(no_address["area"]["geometry"]["coordinates"][1], 51.945);
    let (code, restored) = alice
        .patch(
            &path,
            json!({ "area": { "address": "Bergweg 1, Rotterdam" } }),
        )
        .await;
    assert_eq!(code, 200, "{restored}");
    assert_eq!(restored["area"]["geometry"]["coordinates"][1], 51.945);
    let (code, cleared) = alice.patch(&path, json!({ "area": null })).await;
    assert_eq!(code, 200, "{cleared}");
    assert!(cleared["area"].is_null(), "{cleared}");
    i.stop().await;
}
