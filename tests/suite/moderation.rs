//! Moderation end to end, and who may NOT moderate: reports made here and
//! forwarded as `Flag`s, suspended and silenced accounts, domain blocks that
//! stop traffic both ways, the audit log, and the operator's commands.

use knooppunt_tests::api::signed_post;
use knooppunt_tests::{ApiClient, Knooppunt, TestDb, TestInstance};
use serde_json::{Value, json};

const PW: &str = "lange wandeling 42";
const ADMIN_SCOPES: &str = "read write follow admin:read admin:write";

async fn admin_of(i: &TestInstance, name: &str) -> ApiClient {
    i.create_admin(name, PW).await;
    ApiClient::login_with(i, name, PW, ADMIN_SCOPES).await
}

/// alice on A reports mallory on B, forwarding it: B's administrator finds
/// a report from A (the reporter stays anonymous); A's administrator
/// resolves it, and the audit log says who did what.
#[tokio::test]
async fn a_report_is_made_forwarded_as_a_flag_and_resolved() {
    let instances = TestInstance::start_many(2).await;
    let (a, b) = (&instances[0], &instances[1]);
    a.create_person("alice", PW).await;
    a.create_person("erik", PW).await;
    b.create_person("mallory", PW).await;
    let alice = ApiClient::login(a, "alice", PW).await;
    let erik = ApiClient::login(a, "erik", PW).await;
    let mallory = ApiClient::login(b, "mallory", PW).await;
    let admin_a = admin_of(a, "ada").await;
    let admin_b = admin_of(b, "bea").await;
    let mallory_on_a = alice.resolve(&format!("@mallory@{}", b.domain)).await;
    alice
        .ok_post(
            &format!("/api/v1/accounts/{mallory_on_a}/follow"),
            json!({}),
        )
        .await;
    TestInstance::drain_all(&instances).await;
    let spam = mallory
        .ok_post(
            "/api/v1/statuses",
            json!({ "status": "Koop nu goedkope horloges!" }),
        )
        .await;
    TestInstance::drain_all(&instances).await;
    let home = alice.ok("/api/v1/timelines/home").await;
    let spam_on_a = home[0]["id"].as_str().unwrap().to_string();
    assert_eq!(home[0]["uri"], spam["uri"]);
    let erik_post = erik
        .ok_post(
            "/api/v1/statuses",
            json!({ "status": "Gewoon een bericht" }),
        )
        .await;

    // Refused: a status not by the reported account; oneself; no such account.
    let (code, body) = alice
        .post(
            "/api/v1/reports",
            json!({ "account_id": mallory_on_a, "status_ids": [erik_post["id"]], "comment": "x" }),
        )
        .await;
    assert_eq!(code, 422, "{body}");
    let alice_id = alice.ok("/api/v1/accounts/verify_credentials").await["id"].clone();
    let (code, _) = alice
        .post("/api/v1/reports", json!({ "account_id": alice_id }))
        .await;
    assert_eq!(code, 422);
    let (code, _) = alice
        .post("/api/v1/reports", json!({ "account_id": "999999" }))
        .await;
    assert_eq!(code, 404);

    let (code, report) = alice
        .post(
            "/api/v1/reports",
            json!({ "account_id": mallory_on_a, "status_ids": [spam_on_a],
                    "comment": "Reclame, steeds weer", "forward": true, "category": "spam" }),
        )
        .await;
    assert_eq!(code, 200, "{report}");
    assert_eq!(report["forwarded"], true);
    assert_eq!(report["status_ids"], json!([spam_on_a]));
    assert_eq!(report["target_account"]["id"], mallory_on_a.as_str());
    TestInstance::drain_all(&instances).await;

    // Not for anyone but administrators, with an administrator's token.
    let (code, _) = alice.get("/api/knooppunt/v1/admin/reports").await;
    assert_eq!(code, 403, "a person is no administrator");
    a.create_admin("adam", PW).await;
    let plain_token = ApiClient::login(a, "adam", PW).await;
    let (code, _) = plain_token.get("/api/knooppunt/v1/admin/reports").await;
    assert_eq!(code, 403, "an administrator's token without admin scopes");

    let on_a = admin_a
        .ok("/api/knooppunt/v1/admin/reports?state=open")
        .await;
    assert_eq!(on_a.as_array().unwrap().len(), 1, "{on_a}");
    assert_eq!(on_a[0]["reporter"]["acct"], "alice");
    assert_eq!(on_a[0]["statuses"][0]["uri"], spam["uri"]);
    // B got a Flag from A's own actor, naming mallory and the status.
    let on_b = admin_b.ok("/api/knooppunt/v1/admin/reports").await;
    assert_eq!(on_b.as_array().unwrap().len(), 1, "{on_b}");
    let flagged = &on_b[0];
    assert_eq!(flagged["origin"], json!(a.domain));
    assert_eq!(flagged["target_account"]["acct"], "mallory");
    assert_eq!(flagged["comment"], "Reclame, steeds weer");
    assert_ne!(
        flagged["reporter"]["acct"],
        json!(format!("alice@{}", a.domain))
    );
    assert_eq!(flagged["statuses"][0]["uri"], spam["uri"]);

    let id = on_a[0]["id"].as_str().unwrap();
    let resolved = admin_a
        .ok_post(
            &format!("/api/knooppunt/v1/admin/reports/{id}/resolve"),
            json!({ "note": "Gesproken met B; het account is gestopt" }),
        )
        .await;
    assert_eq!(resolved["state"], "resolved");
    assert_eq!(
        admin_a
            .ok("/api/knooppunt/v1/admin/reports?state=open")
            .await,
        json!([])
    );
    let log = admin_a.ok("/api/knooppunt/v1/admin/audit_log").await;
    assert_eq!(log[0]["actor"], "ada", "{log}");
    assert_eq!(log[0]["action"], "report.resolve");
    assert_eq!(log[0]["reason"], "Gesproken met B; het account is gestopt");

    // A report made without forwarding is forwarded by an administrator.
    let (code, second) = alice
        .post(
            "/api/v1/reports",
            json!({ "account_id": mallory_on_a, "comment": "Nog meer reclame" }),
        )
        .await;
    assert_eq!(
        (code, &second["forwarded"]),
        (200, &json!(false)),
        "{second}"
    );
    let forward = format!(
        "/api/knooppunt/v1/admin/reports/{}/forward",
        second["id"].as_str().unwrap()
    );
    let (code, _) = alice.post(&forward, json!({})).await;
    assert_eq!(code, 403);
    let forwarded = admin_a.ok_post(&forward, json!({})).await;
    assert_eq!(forwarded["forwarded"], true);
    let (code, _) = admin_a.post(&forward, json!({})).await;
    assert_eq!(code, 409, "forwarded once");
    TestInstance::drain_all(&instances).await;
    let on_b = admin_b.ok("/api/knooppunt/v1/admin/reports").await;
    assert_eq!(on_b[0]["comment"], "Nog meer reclame", "{on_b}");
    let log = admin_a.ok("/api/knooppunt/v1/admin/audit_log").await;
    assert_eq!(log[0]["action"], "report.forward", "{log}");
    let (code, _) = alice.get("/api/knooppunt/v1/admin/audit_log").await;
    assert_eq!(code, 403);
    for i in instances {
        i.stop().await;
    }
}

/// A suspended account cannot sign in or use its tokens, and its posts are
/// hidden; a silenced one stays out of public timelines. A final
/// suspension tells other servers (Delete of the actor). Nobody but an
/// administrator suspends, and administrators are not suspended.
#[tokio::test]
async fn suspended_and_silenced_accounts() {
    let instances = TestInstance::start_many(2).await;
    let (a, b) = (&instances[0], &instances[1]);
    for name in ["alice", "sam", "erik"] {
        a.create_person(name, PW).await;
    }
    b.create_person("bob", PW).await;
    let alice = ApiClient::login(a, "alice", PW).await;
    let sam = ApiClient::login(a, "sam", PW).await;
    let erik = ApiClient::login(a, "erik", PW).await;
    let bob = ApiClient::login(b, "bob", PW).await;
    let admin = admin_of(a, "ada").await;
    let sam_on_b = bob.resolve(&format!("@sam@{}", a.domain)).await;
    bob.ok_post(&format!("/api/v1/accounts/{sam_on_b}/follow"), json!({}))
        .await;
    let sam_here = erik.resolve("@sam").await;
    erik.ok_post(&format!("/api/v1/accounts/{sam_here}/follow"), json!({}))
        .await;
    TestInstance::drain_all(&instances).await;
    let post = sam
        .ok_post("/api/v1/statuses", json!({ "status": "Kwetsende praat" }))
        .await;
    let (_, sams_plan) = sam
        .post("/api/knooppunt/v1/plans", json!({ "title": "Sams plan" }))
        .await;
    let (_, sams_event) = sam
        .post(
            "/api/knooppunt/v1/events",
            json!({ "name": "Sams feest", "starts_at": "2027-06-01T18:00:00Z" }),
        )
        .await;
    let post_id = post["id"].as_str().unwrap();
    let (_, report) = alice
        .post(
            "/api/v1/reports",
            json!({ "account_id": sam_here, "status_ids": [post_id], "comment": "Kwetsend" }),
        )
        .await;
    let action = |kind: &str| json!({ "type": kind, "reason": "herhaald kwetsend" });
    let path = format!("/api/knooppunt/v1/admin/accounts/{sam_here}/action");

    // Who may not.
    let (code, _) = erik.post(&path, action("suspend")).await;
    assert_eq!(code, 403, "a person does not suspend");
    let ada_id = admin.ok("/api/v1/accounts/verify_credentials").await["id"].clone();
    let (code, _) = admin
        .post(
            &format!(
                "/api/knooppunt/v1/admin/accounts/{}/action",
                ada_id.as_str().unwrap()
            ),
            action("suspend"),
        )
        .await;
    assert_eq!(code, 403, "not oneself");
    a.create_admin("adam", PW).await;
    let adam = alice.resolve("@adam").await;
    let (code, _) = admin
        .post(
            &format!("/api/knooppunt/v1/admin/accounts/{adam}/action"),
            action("suspend"),
        )
        .await;
    assert_eq!(code, 403, "not another administrator");

    // Silenced: out of the public timeline, still in followers' home.
    admin.ok_post(&path, action("silence")).await;
    let public = alice.ok("/api/v1/timelines/public?local=true").await;
    assert!(
        !public
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["id"] == post_id)
    );
    let home = erik.ok("/api/v1/timelines/home").await;
    assert!(home.as_array().unwrap().iter().any(|s| s["id"] == post_id));
    admin.ok_post(&path, action("unsilence")).await;

    // Suspended, resolving the report: signed out, hidden.
    let mut suspend = action("suspend");
    suspend["report_id"] = report["id"].clone();
    let suspended = admin.ok_post(&path, suspend).await;
    assert_eq!(suspended["suspended"], true, "{suspended}");
    let (code, _) = sam.get("/api/v1/accounts/verify_credentials").await;
    assert_eq!(code, 401, "its token no longer works");
    let (code, _) = erik.get(&format!("/api/v1/statuses/{post_id}")).await;
    assert_eq!(code, 404, "its posts are hidden");
    let home = erik.ok("/api/v1/timelines/home").await;
    assert!(!home.as_array().unwrap().iter().any(|s| s["id"] == post_id));
    let fetched = a.get_ap(post["uri"].as_str().unwrap()).await;
    assert_eq!(fetched.status(), 404, "nor served to other servers");
    // Nor are its plans and events.
    for (path, list) in [
        (
            format!(
                "/api/knooppunt/v1/plans/{}",
                sams_plan["id"].as_str().unwrap()
            ),
            "/api/knooppunt/v1/plans",
        ),
        (
            format!(
                "/api/knooppunt/v1/events/{}",
                sams_event["id"].as_str().unwrap()
            ),
            "/api/knooppunt/v1/events",
        ),
    ] {
        let (code, _) = erik.get(&path).await;
        assert_eq!(code, 404, "{path}");
        assert_eq!(erik.ok(list).await, json!([]), "{list}");
    }
    let resolved = admin
        .ok(&format!(
            "/api/knooppunt/v1/admin/reports/{}",
            report["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(resolved["state"], "resolved");
    assert!(
        resolved["action_taken"]
            .as_str()
            .unwrap()
            .starts_with("suspend")
    );
    // Nor does signing in.
    let again = a
        .client
        .post(a.url("/api/v1/apps"))
        .json(&json!({ "client_name": "x", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": "read" }))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    let refused = a
        .client
        .post(a.url("/oauth/token"))
        .form(&[
            ("grant_type", "password"),
            ("client_id", again["client_id"].as_str().unwrap()),
            ("client_secret", again["client_secret"].as_str().unwrap()),
            ("username", "sam"),
            ("password", PW),
        ])
        .send()
        .await
        .unwrap();
    let status = refused.status().as_u16();
    let body = refused.text().await.unwrap();
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("suspended"), "{body}");

    // Final: the account goes, and B is told.
    let mut final_ = action("suspend");
    final_["final"] = json!(true);
    admin.ok_post(&path, final_).await;
    TestInstance::drain_all(&instances).await;
    let (code, _) = bob.get(&format!("/api/v1/accounts/{sam_on_b}")).await;
    assert_eq!(code, 404, "B removed sam after the Delete");
    let (code, _) = admin.post(&path, action("unsuspend")).await;
    assert_eq!(code, 409, "a final suspension is not undone");
    let log = admin.ok("/api/knooppunt/v1/admin/audit_log").await;
    let actions: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        &actions[..5],
        [
            "account.suspend_final",
            "report.resolve",
            "account.suspend",
            "account.unsilence",
            "account.silence"
        ]
    );
    for i in instances {
        i.stop().await;
    }
}

/// A suspended domain is cut off both ways: its activities get 403 before
/// any signature work, nothing is delivered to it or fetched from it, and
/// follows with it end. Lifting the block lets traffic through again.
/// Silencing keeps its posts out of public timelines only.
#[tokio::test]
async fn a_domain_block_stops_traffic_both_ways() {
    let instances = TestInstance::start_many(2).await;
    let (a, b) = (&instances[0], &instances[1]);
    a.create_person("alice", PW).await;
    b.create_person("bob", PW).await;
    let alice = ApiClient::login(a, "alice", PW).await;
    let bob = ApiClient::login(b, "bob", PW).await;
    let admin = admin_of(a, "ada").await;
    let bob_on_a = alice.resolve(&format!("@bob@{}", b.domain)).await;
    alice
        .ok_post(&format!("/api/v1/accounts/{bob_on_a}/follow"), json!({}))
        .await;
    let alice_on_b = bob.resolve(&format!("@alice@{}", a.domain)).await;
    bob.ok_post(&format!("/api/v1/accounts/{alice_on_b}/follow"), json!({}))
        .await;
    TestInstance::drain_all(&instances).await;
    let early = bob
        .ok_post(
            "/api/v1/statuses",
            json!({ "status": "Vroeg bericht van B" }),
        )
        .await;
    TestInstance::drain_all(&instances).await;

    // Silence: out of A's public timeline, still in alice's home.
    let host = b.domain.split(':').next().unwrap().to_string();
    let (code, body) = admin
        .post(
            "/api/knooppunt/v1/admin/domain_blocks",
            json!({ "domain": host, "severity": "silence", "public_comment": "veel reclame" }),
        )
        .await;
    assert_eq!(code, 200, "{body}");
    let public = alice.ok("/api/v1/timelines/public").await;
    assert!(
        !public
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["uri"] == early["uri"])
    );
    let home = alice.ok("/api/v1/timelines/home").await;
    assert!(
        home.as_array()
            .unwrap()
            .iter()
            .any(|s| s["uri"] == early["uri"])
    );

    // Suspend: every way is shut.
    let (code, _) = alice
        .post(
            "/api/knooppunt/v1/admin/domain_blocks",
            json!({ "domain": host }),
        )
        .await;
    assert_eq!(code, 403, "not for people");
    let (code, body) = admin
        .post(
            "/api/knooppunt/v1/admin/domain_blocks",
            json!({ "domain": host, "severity": "suspend", "private_comment": "bedreigingen" }),
        )
        .await;
    assert_eq!(code, 200, "{body}");
    let me = alice.ok("/api/v1/accounts/verify_credentials").await["id"].clone();
    let following = alice
        .ok(&format!(
            "/api/v1/accounts/{}/following",
            me.as_str().unwrap()
        ))
        .await;
    assert_eq!(following, json!([]), "follows with B ended");
    let followers = alice
        .ok(&format!(
            "/api/v1/accounts/{}/followers",
            me.as_str().unwrap()
        ))
        .await;
    assert_eq!(followers, json!([]));
    // Unsigned: refused before any signature work.
    let unsigned = a
        .client
        .post(a.url("/inbox"))
        .header("content-type", "application/activity+json")
        .body(
            json!({ "id": format!("{}/users/bob#x", b.base_url), "type": "Follow",
                    "actor": format!("{}/users/bob", b.base_url),
                    "object": format!("{}/users/alice", a.base_url) })
            .to_string(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), 403);
    let late = bob
        .ok_post(
            "/api/v1/statuses",
            json!({ "status": "Laat bericht van B" }),
        )
        .await;
    TestInstance::drain_all(&instances).await;
    let follow = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/users/bob#follow-again", b.base_url),
        "type": "Follow",
        "actor": format!("{}/users/bob", b.base_url),
        "object": format!("{}/users/alice", a.base_url),
    });
    let r = signed_post(b, "bob", &a.url("/inbox"), &follow).await;
    assert_eq!(r.status(), 403);
    let home = alice.ok("/api/v1/timelines/home").await;
    assert!(
        !home
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["uri"] == late["uri"] || s["uri"] == early["uri"]),
        "nothing of B is shown: {home}"
    );
    // Nothing goes to B, and nothing is fetched from it.
    let before = bob.ok("/api/v1/notifications").await;
    alice
        .ok_post(
            "/api/v1/statuses",
            json!({ "status": format!("@bob@{} hallo?", b.domain) }),
        )
        .await;
    TestInstance::drain_all(&instances).await;
    assert_eq!(bob.ok("/api/v1/notifications").await, before);
    for url in [
        late["uri"].as_str().unwrap(),
        early["uri"].as_str().unwrap(),
    ] {
        let found = alice
            .ok(&format!(
                "/api/v2/search?resolve=true&q={}",
                knooppunt_tests::api::urlencode(url)
            ))
            .await;
        assert_eq!(
            found["statuses"],
            json!([]),
            "{url} neither fetched nor shown"
        );
    }

    // Lifted: B's activities are taken again.
    let (code, _) = admin
        .delete(&format!("/api/knooppunt/v1/admin/domain_blocks/{host}"))
        .await;
    assert_eq!(code, 200);
    let r = signed_post(b, "bob", &a.url("/inbox"), &follow).await;
    assert_eq!(r.status(), 202);
    let log = admin.ok("/api/knooppunt/v1/admin/audit_log").await;
    let entries: Vec<(&str, &str, &str)> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap(),
                e["target"].as_str().unwrap(),
                e["actor"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        entries,
        [
            ("domain.unblock", host.as_str(), "ada"),
            ("domain.block.suspend", host.as_str(), "ada"),
            ("domain.block.silence", host.as_str(), "ada"),
        ]
    );
    for i in instances {
        i.stop().await;
    }
}

/// Mastodon's blocklist CSV goes in and comes out through the admin API.
#[tokio::test]
async fn blocklists_import_and_export_as_mastodon_writes_them() {
    let a = TestInstance::start().await;
    let admin = admin_of(&a, "ada").await;
    let list = "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n\
                spam.example,suspend,true,true,\"Spam, en veel\",false\n\
                luid.example,silence,false,false,,false\n";
    let (code, body) = admin
        .post_body(
            "/api/knooppunt/v1/admin/domain_blocks/import",
            "text/csv",
            list,
        )
        .await;
    assert_eq!(code, 200, "{body}");
    assert_eq!(body["imported"], 2);
    let (code, body) = admin
        .post_body(
            "/api/knooppunt/v1/admin/domain_blocks/import",
            "text/csv",
            "#domain,#severity\nok.example,suspend\nkapot.example,verbannen\n",
        )
        .await;
    assert_eq!(code, 422, "{body}");
    assert!(body["error"].as_str().unwrap().contains("line 3"), "{body}");
    let blocks = admin.ok("/api/knooppunt/v1/admin/domain_blocks").await;
    let domains: Vec<&str> = blocks
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["domain"].as_str().unwrap())
        .collect();
    assert_eq!(
        domains,
        ["luid.example", "spam.example"],
        "nothing of the bad file"
    );
    let csv = a
        .client
        .get(a.url("/api/knooppunt/v1/admin/domain_blocks/export"))
        .bearer_auth(&admin.token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        csv,
        "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n\
         luid.example,silence,false,false,,false\n\
         spam.example,suspend,true,true,\"Spam, en veel\",false\n"
    );
    a.stop().await;
}

/// The operator's commands: block, list, export, import, unblock; each in
/// the audit log as the command line.
#[tokio::test]
async fn the_operator_blocks_domains_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::create().await;
    let run = |args: &[&str]| {
        Knooppunt::new(dir.path(), args)
            .env("KNOOPPUNT_DATABASE__URL", &db.url)
            .env("KNOOPPUNT_INSTANCE__DOMAIN", "wijk.example")
            .run()
    };
    assert!(run(&["migrate"]).success());
    let out = run(&["domain", "block", "spam.example", "--reason", "spam"]);
    assert!(
        out.success() && out.stdout.contains("blocked spam.example (suspend)"),
        "{out:?}"
    );
    let out = run(&["domain", "block", "luid.example", "--severity", "silence"]);
    assert!(out.success(), "{out:?}");
    let out = run(&["domain", "block", "niet goed"]);
    assert_eq!(out.code, Some(1), "{out:?}");
    assert!(out.stderr.contains("is not a domain"), "{out:?}");
    let out = run(&["domain", "block", "wijk.example"]);
    assert_eq!(out.code, Some(1), "{out:?}");
    let out = run(&["domain", "list"]);
    assert!(
        out.stdout.contains("spam.example") && out.stdout.contains("silence"),
        "{out:?}"
    );
    let exported = run(&["domain", "export"]);
    assert!(
        exported.stdout.starts_with("#domain,#severity,"),
        "{exported:?}"
    );
    let file = dir.path().join("blocklist.csv");
    std::fs::write(&file, "#domain,#severity\nander.example,suspend\n").unwrap();
    let out = run(&["domain", "import", file.to_str().unwrap()]);
    assert!(
        out.success() && out.stdout.contains("imported 1"),
        "{out:?}"
    );
    let out = run(&["domain", "unblock", "spam.example", "--reason", "opgelost"]);
    assert!(out.success(), "{out:?}");
    let out = run(&["domain", "unblock", "spam.example"]);
    assert_eq!(out.code, Some(1), "{out:?}");
    let out = run(&["domain", "list"]);
    assert!(!out.stdout.contains("spam.example"), "{out:?}");
    let out = Knooppunt::new(
        dir.path(),
        &["user", "create", "sam", "--email", "sam@wijk.example"],
    )
    .env("KNOOPPUNT_DATABASE__URL", &db.url)
    .env("KNOOPPUNT_INSTANCE__DOMAIN", "wijk.example")
    .stdin("lange wandeling 42\n")
    .run();
    assert!(out.success(), "{out:?}");
    assert!(run(&["group", "moderator", "wijk", "sam"]).success());
    assert!(run(&["user", "disable", "sam"]).success());
    // The audit log has each, by the command line.
    let conn = sea_orm::Database::connect(&db.url).await.unwrap();
    let log = knooppunt::moderation::service::audit_log(&conn, None, 50)
        .await
        .unwrap();
    let actions: Vec<(String, String)> = log
        .iter()
        .map(|e| (e.action.clone(), e.actor_label.clone()))
        .collect();
    assert_eq!(
        actions,
        [
            ("account.disable", "command line"),
            ("group.moderator.add", "command line"),
            ("domain.unblock", "command line"),
            ("domain.block.suspend", "command line"),
            ("domain.block.silence", "command line"),
            ("domain.block.suspend", "command line"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    conn.close().await.unwrap();
    db.drop_now().await;
}
