//! Signing in, attacked: open redirects after sign-in, password guessing
//! from one address, locking someone else out, flooding the password
//! hasher, unsafe OAuth redirect URIs, and app registration floods.

use std::net::{IpAddr, Ipv4Addr};

use knooppunt::config::Config;
use knooppunt_tests::TestInstance;
use knooppunt_tests::browser::{Agent, App, Reply, api, browser, browser_from, param};
use serde_json::json;

const PW: &str = "lange wandeling 42";
const OOB: &str = "urn:ietf:wg:oauth:2.0:oob";

async fn start_with(adjust: impl Fn(&mut Config)) -> TestInstance {
    TestInstance::start_many_with(1, adjust)
        .await
        .pop()
        .unwrap()
}

fn from(n: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(127, 0, 3, n))
}

/// The password grant for `app`, sent by `agent` (from its address).
async fn password(agent: &Agent<'_>, app: &App<'_>, name: &str, password: &str) -> Reply {
    let fields = [
        ("client_id", app.id.as_str()),
        ("client_secret", app.secret.as_str()),
        ("grant_type", "password"),
        ("username", name),
        ("password", password),
        ("scope", "read"),
    ];
    agent.form("/oauth/token", &fields).await
}

#[tokio::test]
async fn the_return_path_after_sign_in_stays_on_this_site() {
    let i = TestInstance::start().await;
    i.create_person("alice", PW).await;
    for (raw, want) in [
        ("/plans/3?tab=advies", "/plans/3?tab=advies"),
        (
            "/oauth/authorize?redirect_uri=https%3A%2F%2Fapp.example%2Fcb",
            "/oauth/authorize?redirect_uri=https%3A%2F%2Fapp.example%2Fcb",
        ),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example/", "/"),
        ("/\t/evil.example/", "/"),
        ("/\n/evil.example/", "/"),
        ("\t//evil.example/", "/"),
        ("/%2F%2Fevil.example/", "/"),
        ("/%5Cevil.example/", "/"),
        ("/%2fevil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("http://127.0.0.2@evil.example/", "/"),
        ("/..//evil.example", "/"),
        ("/./\\evil.example", "/"),
        ("/a/../../\t/evil.example", "/"),
    ] {
        let b = browser(&i);
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("return_to", raw)
            .finish();
        let page = b.get(&format!("/auth/sign_in?{query}")).await;
        page.answers(200, None);
        assert_eq!(page.input("return_to"), want, "the page keeps {raw:?} as");
        let reply = b
            .submit(
                "/auth/sign_in",
                &[("return_to", raw), ("username", "alice"), ("password", PW)],
            )
            .await;
        reply.answers(303, Some(want));
    }
    i.stop().await;
}

/// A stranger guessing alice's password holds her account back only
/// briefly: she gets in after the short delay, not after 15 minutes. The
/// stranger's address, meanwhile, runs out of attempts on every account.
#[tokio::test]
async fn a_stranger_cannot_lock_an_account_and_one_address_cannot_guess_on() {
    let i = start_with(|c| {
        c.api.max_failed_logins = 3;
        c.api.max_failed_logins_per_address = 6;
    })
    .await;
    for name in ["alice", "bob", "carol"] {
        i.create_person(name, PW).await;
    }
    let app = App::register(&i, "read", OOB).await;
    let stranger = browser_from(&i, from(1));
    let alice = browser_from(&i, from(2));
    for _ in 0..3 {
        password(&stranger, &app, "alice", "raden maar")
            .await
            .oauth_error(400, "invalid_grant");
    }
    // The account now waits a moment between attempts, for everyone.
    let held = password(&stranger, &app, "alice", "nog eens raden").await;
    let wait: u64 = held.header("retry-after").unwrap().parse().unwrap();
    held.refused(429);
    assert!((1..=2).contains(&wait), "a short delay: {wait} s");
    password(&alice, &app, "alice", PW).await.refused(429);
    tokio::time::sleep(std::time::Duration::from_secs(wait)).await;
    let token = password(&alice, &app, "alice", PW).await.expect(200);
    assert!(token["access_token"].is_string());

    // The stranger's own address runs out: after six failures it is refused
    // whatever account it tries, while others sign in as usual.
    for name in ["bob", "bob", "bob"] {
        password(&stranger, &app, name, "raden maar")
            .await
            .oauth_error(400, "invalid_grant");
    }
    let refused = password(&stranger, &app, "carol", PW).await;
    assert!(refused.header("retry-after").is_some());
    assert!(
        refused.refused(429)["error"]
            .as_str()
            .unwrap()
            .contains("this address")
    );
    password(&alice, &app, "carol", PW).await.expect(200);
    i.stop().await;
}

/// Many sign-ins at once: beyond the bound on password hashing they are
/// told to come back (503 with Retry-After), and none fails otherwise.
#[tokio::test]
async fn password_checks_beyond_the_bound_are_told_to_come_back() {
    let i = start_with(|c| c.api.max_password_checks = 1).await;
    let app = App::register(&i, "read", OOB).await;
    let mut attempts = Vec::new();
    for n in 1..=60u8 {
        let http = reqwest::Client::builder()
            .no_proxy()
            .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 4, n)))
            .build()
            .unwrap();
        let form = [
            ("client_id", app.id.clone()),
            ("client_secret", app.secret.clone()),
            ("grant_type", "password".to_string()),
            ("username", format!("niemand{n}")),
            ("password", "wie weet het".to_string()),
        ];
        let url = i.url("/oauth/token");
        attempts.push(tokio::spawn(async move {
            let r = http.post(url).form(&form).send().await.unwrap();
            let retry = r.headers().get("retry-after").is_some();
            (r.status().as_u16(), retry)
        }));
    }
    let mut busy = 0;
    for attempt in attempts {
        match attempt.await.unwrap() {
            (503, true) => busy += 1,
            (400, _) => {}
            other => panic!("unexpected answer {other:?}"),
        }
    }
    assert!(busy > 0, "some of 60 simultaneous checks were told to wait");
    i.stop().await;
}

/// Signs `name` in with a browser and approves `app` at `/oauth/authorize`
/// with `redirect_uri` (none: left out); returns the code.
async fn authorize_code(i: &TestInstance, app: &App<'_>, redirect_uri: Option<&str>) -> String {
    let b = browser(i);
    b.get("/auth/sign_in").await.answers(200, None);
    b.submit(
        "/auth/sign_in",
        &[("return_to", "/"), ("username", "bob"), ("password", PW)],
    )
    .await
    .answers(303, Some("/"));
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query.extend_pairs([("response_type", "code"), ("client_id", app.id.as_str())]);
    if let Some(uri) = redirect_uri {
        query.append_pair("redirect_uri", uri);
    }
    let consent = b.get(&format!("/oauth/authorize?{}", query.finish())).await;
    consent.answers(200, None);
    let names = ["client_id", "redirect_uri", "scope", "state"];
    let mut fields: Vec<(&str, String)> = names.iter().map(|n| (*n, consent.input(n))).collect();
    fields.push(("decision", "approve".into()));
    let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let reply = b.submit("/oauth/authorize", &form).await;
    let location = reply.header("location").unwrap_or_default();
    if location.is_empty() {
        // The out-of-band page shows the code.
        let html = reply.html().to_string();
        let start = html.find("<code>").unwrap() + "<code>".len();
        return html[start..].split('<').next().unwrap().to_string();
    }
    param(&location, "code").unwrap()
}

#[tokio::test]
async fn redirect_uris_must_be_safe_and_repeated_at_the_token_exchange() {
    let i = TestInstance::start().await;
    i.create_person("bob", PW).await;
    let anyone = api(&i, "");
    for bad in [
        "http://evil.example/cb",
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "https://app.example/cb#fragment",
        "file:///etc/passwd",
        "https://",
        "geen uri",
    ] {
        let form = json!({ "client_name": "Kwaad", "redirect_uris": bad, "scopes": "read" });
        let body = anyone.post("/api/v1/apps", form).await.refused(422);
        assert!(
            body["error"].as_str().unwrap().contains("redirect_uris"),
            "{bad}: {body}"
        );
    }
    let good = "https://app.example/cb\nhttp://127.0.0.1:9/cb\nhttp://localhost/cb\ncom.example.app:/oauth\ntusky://oauth\nurn:ietf:wg:oauth:2.0:oob";
    let app = App::register(&i, "read", good).await;

    let exchange = async |code: &str, uri: Option<&str>| {
        let mut fields = vec![("grant_type", "authorization_code"), ("code", code)];
        if let Some(uri) = uri {
            fields.push(("redirect_uri", uri));
        }
        app.token(&fields).await
    };
    // Given at authorisation: required at the exchange, and the same.
    let code = authorize_code(&i, &app, Some("https://app.example/cb")).await;
    exchange(&code, None)
        .await
        .oauth_error(400, "invalid_grant");
    let code = authorize_code(&i, &app, Some("https://app.example/cb")).await;
    exchange(&code, Some("http://127.0.0.1:9/cb"))
        .await
        .oauth_error(400, "invalid_grant");
    let code = authorize_code(&i, &app, Some("https://app.example/cb")).await;
    exchange(&code, Some("https://app.example/cb"))
        .await
        .expect(200);
    // Left out at authorisation: not needed, but if given, one registered.
    let code = authorize_code(&i, &app, None).await;
    exchange(&code, Some("https://evil.example/cb"))
        .await
        .oauth_error(400, "invalid_grant");
    let code = authorize_code(&i, &app, None).await;
    exchange(&code, None).await.expect(200);
    i.stop().await;
}

#[tokio::test]
async fn registering_apps_is_limited_per_address() {
    let i = start_with(|c| c.api.apps_per_hour = 3).await;
    let form = json!({ "client_name": "Vloed", "redirect_uris": OOB, "scopes": "read" });
    let flood = browser_from(&i, from(7));
    for _ in 0..3 {
        flood.post("/api/v1/apps", form.clone()).await.expect(200);
    }
    let refused = flood.post("/api/v1/apps", form.clone()).await;
    assert!(refused.header("retry-after").is_some());
    refused.refused(429);
    browser_from(&i, from(8))
        .post("/api/v1/apps", form)
        .await
        .expect(200);
    i.stop().await;
}

/// What expires is deleted by the server's housekeeping: failed logins past
/// their window, sessions, unused authorisation codes, old revoked tokens.
#[tokio::test]
async fn expired_records_are_pruned_and_live_ones_kept() {
    use knooppunt::auth::entity::{login_attempt, session};
    use knooppunt::auth::oauth::entity::{code, token};
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, PaginatorTrait};
    let i = TestInstance::start().await;
    let bob = i.create_person("bob", PW).await;
    let bob_id: i64 = bob.id;
    let app = App::register(&i, "read", OOB).await;
    let app_row = knooppunt::auth::oauth::service::find_app(&i.state.db, &app.id)
        .await
        .unwrap()
        .unwrap();
    let db = &i.state.db;
    let now = chrono::Utc::now();
    let ago = |minutes: i64| now - chrono::Duration::minutes(minutes);
    for (key, at) in [("addr:127.0.0.1", ago(20)), ("account:1", ago(1))] {
        login_attempt::ActiveModel {
            key: Set(key.into()),
            created_at: Set(at),
            ..Default::default()
        }
        .insert(db)
        .await
        .unwrap();
    }
    for (id, expires) in [("old", ago(1)), ("live", ago(-60))] {
        session::ActiveModel {
            id_hash: Set(id.into()),
            actor_id: Set(bob_id),
            created_at: Set(ago(120)),
            expires_at: Set(expires),
        }
        .insert(db)
        .await
        .unwrap();
        code::ActiveModel {
            code_hash: Set(id.into()),
            app_id: Set(app_row.id),
            actor_id: Set(bob_id),
            redirect_uri: Set(String::new()),
            scopes: Set("read".into()),
            code_challenge: Set(None),
            expires_at: Set(expires),
        }
        .insert(db)
        .await
        .unwrap();
    }
    for (hash, revoked) in [
        ("revoked-long-ago", Some(ago(60 * 24 * 8))),
        ("revoked-now", Some(now)),
        ("in-use", None),
    ] {
        token::ActiveModel {
            app_id: Set(app_row.id),
            actor_id: Set(Some(bob_id)),
            token_hash: Set(hash.into()),
            refresh_hash: Set(None),
            scopes: Set("read".into()),
            created_at: Set(ago(60 * 24 * 9)),
            revoked_at: Set(revoked),
            ..Default::default()
        }
        .insert(db)
        .await
        .unwrap();
    }
    let pruned = knooppunt::auth::service::prune_expired(db).await.unwrap();
    assert_eq!(pruned, 4);
    assert_eq!(login_attempt::Entity::find().count(db).await.unwrap(), 1);
    assert_eq!(session::Entity::find().count(db).await.unwrap(), 1);
    assert_eq!(code::Entity::find().count(db).await.unwrap(), 1);
    assert_eq!(token::Entity::find().count(db).await.unwrap(), 2);
    i.stop().await;
}

/// Sign-ups from one address are limited: each hashes a password and makes
/// a key pair. Another address signs up as usual.
#[tokio::test]
async fn sign_ups_are_limited_per_address() {
    let i = start_with(|c| c.api.sign_ups_per_hour = 2).await;
    let sign_up = async |b: &Agent<'_>, name: &str| {
        b.get("/auth/sign_up").await.answers(200, None);
        let email = format!("{name}@wijk.example");
        b.submit(
            "/auth/sign_up",
            &[("name", name), ("email", &email), ("password", PW)],
        )
        .await
    };
    for name in ["een", "twee"] {
        sign_up(&browser_from(&i, from(9)), name)
            .await
            .answers(303, Some("/home"));
    }
    let refused = sign_up(&browser_from(&i, from(9)), "drie").await;
    refused.answers(429, None).shows("too many sign-ups");
    assert_eq!(refused.input("name"), "drie", "the form is kept");
    sign_up(&browser_from(&i, from(10)), "vier")
        .await
        .answers(303, Some("/home"));
    i.stop().await;
}
