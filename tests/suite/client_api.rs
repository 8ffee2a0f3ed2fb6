//! Edge cases of the Mastodon client API and OAuth 2: scopes, bad and revoked
//! tokens, the grants, the authorization-code flow as a browser drives it,
//! CSRF on the web forms, registrations, status input, media, CORS, pagination.

use knooppunt::config::{Config, Registrations};
use knooppunt_tests::TestInstance;
use knooppunt_tests::browser::{Agent, App, Reply, api, browser, ids, param};
use knooppunt_tests::fixtures::png;
use reqwest::{Method, RequestBuilder};
use serde_json::{Value, json};

const OOB: &str = "urn:ietf:wg:oauth:2.0:oob";
const CALLBACK: &str = "http://127.0.0.9/callback";
const PASSWORD: &str = "lange wandeling 42";
const ME: &str = "/api/v1/accounts/verify_credentials";
const PUBLIC: &str = "/api/v1/timelines/public";
const FORGED: &str = "vervalst-token-van-een-andere-site-0123456789";
// RFC 7636 appendix B: a code verifier and its S256 challenge.
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

async fn start_with(adjust: impl Fn(&mut Config)) -> TestInstance {
    let mut instances = TestInstance::start_many_with(1, adjust).await;
    instances.pop().unwrap()
}

#[tokio::test]
async fn scopes_limit_what_a_token_may_do() {
    let i = TestInstance::start().await;
    i.create_person("alice", PASSWORD).await;
    let bob = i.create_person("bob", PASSWORD).await;
    let app = App::register(&i, "read write follow", OOB).await;
    let bob_status = app
        .login("bob", PASSWORD, "read write")
        .await
        .say("Van bob")
        .await;
    let favourite = format!("/api/v1/statuses/{bob_status}/favourite");
    let follow = format!("/api/v1/accounts/{}/follow", bob.id);
    let unfollow = format!("/api/v1/accounts/{}/unfollow", bob.id);

    let read = app.login("alice", PASSWORD, "read").await;
    read.get(ME).await.expect(200);
    let clear = "/api/v1/notifications/clear";
    for path in ["/api/v1/statuses", &favourite, &follow, clear] {
        let reply = read.post(path, json!({"status": "Mag niet"})).await;
        assert_eq!(reply.status, 403, "POST {path}: {}", reply.body);
        reply.refused(403);
    }
    read.upload("plaatje.png", &png(8, 8)).await.refused(403);

    let writer = app.login("alice", PASSWORD, "write:statuses").await;
    writer.say("Mag wel").await;
    writer.post(&favourite, json!({})).await.refused(403);
    writer.post(&follow, json!({})).await.refused(403);

    let reader = app.login("alice", PASSWORD, "read:statuses").await;
    reader.get("/api/v1/timelines/home").await.expect(200);
    reader.get("/api/v1/notifications").await.refused(403);

    let follower = app.login("alice", PASSWORD, "follow").await;
    let body = follower.post(&follow, json!({})).await.expect(200);
    assert_eq!(body["following"], true, "{body}");
    let body = follower.post(&unfollow, json!({})).await.expect(200);
    assert_eq!(body["following"], false, "{body}");

    // Beyond what the app registered, or not a scope at all.
    for scope in ["push", "read admin:write"] {
        let reply = app.password("alice", PASSWORD, scope).await;
        reply.oauth_error(400, "invalid_scope");
    }
    let form = json!({"client_name": "Fout", "redirect_uris": OOB, "scopes": "read bogus"});
    api(&i, "").post("/api/v1/apps", form).await.refused(422);
    i.stop().await;
}

#[tokio::test]
async fn missing_invalid_revoked_and_app_only_tokens() {
    let i = TestInstance::start().await;
    i.create_person("alice", PASSWORD).await;
    let app = App::register(&i, "read write", OOB).await;
    api(&i, "geen-echt-token").get(ME).await.refused(401);

    let alice = app.login("alice", PASSWORD, "read").await;
    alice.get(ME).await.expect(200);
    let reply = app.call("/oauth/revoke", &[("token", &alice.token)]).await;
    assert_eq!(reply.expect(200), json!({}));
    alice.get(ME).await.refused(401);
    let unknown = [("token", "nooit-uitgegeven")];
    let reply = app.call("/oauth/revoke", &unknown).await;
    assert_eq!(reply.expect(200), json!({}), "revoking an unknown token");

    let grant = [("grant_type", "client_credentials"), ("scope", "read")];
    let body = app.token(&grant).await.expect(200);
    let app_only = api(&i, body["access_token"].as_str().unwrap());
    let body = app_only.get("/api/v1/apps/verify_credentials").await;
    assert_eq!(body.expect(200)["name"], "Randgevallen");
    app_only.get(ME).await.refused(422);

    // Last, so that the checks above still run: RFC 6750 section 3 wants a challenge.
    let reply = api(&i, "").get(ME).await;
    let challenge = reply.header("www-authenticate").unwrap_or_default();
    reply.refused(401);
    assert!(
        challenge.starts_with("Bearer"),
        "WWW-Authenticate: {challenge:?}"
    );
    i.stop().await;
}

#[tokio::test]
async fn grants_refuse_bad_credentials_and_rotate_refresh_tokens() {
    let i = TestInstance::start().await;
    let alice = i.create_person("alice", PASSWORD).await;
    i.create_person("bob", PASSWORD).await;
    let app = App::register(&i, "read write", OOB).await;

    for _ in 0..5 {
        let reply = app.password(&alice.email, "verkeerd!", "read").await;
        reply.oauth_error(400, "invalid_grant");
    }
    let reply = app.password(&alice.email, PASSWORD, "read").await;
    reply.refused(429);
    app.login("bob", PASSWORD, "read")
        .await
        .get(ME)
        .await
        .expect(200);

    let (id, secret) = (app.id.clone(), "geheim".to_string());
    let wrong = App { i: &i, id, secret };
    let reply = wrong.password("bob", PASSWORD, "read").await;
    reply.oauth_error(401, "invalid_client");
    let reply = app.token(&[("grant_type", "magic")]).await;
    reply.oauth_error(400, "unsupported_grant_type");

    let first = app.password("bob", PASSWORD, "read write").await;
    let first = first.expect(200);
    let check_shape = |body: &Value| {
        assert_eq!(body["token_type"], "Bearer", "{body}");
        assert_eq!(body["scope"], "read write", "{body}");
        let created = body["created_at"].as_i64();
        assert!(created.is_some_and(|t| t > 1_600_000_000), "{body}");
        let tokens = body["access_token"].is_string() && body["refresh_token"].is_string();
        assert!(tokens, "{body}");
    };
    check_shape(&first);
    let old_refresh = first["refresh_token"].as_str().unwrap();
    let refresh = [
        ("grant_type", "refresh_token"),
        ("refresh_token", old_refresh),
    ];
    let second = app.token(&refresh).await.expect(200);
    check_shape(&second);
    assert_ne!(second["access_token"], first["access_token"]);
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    let as_bob = |token: &Value| api(&i, token.as_str().unwrap());
    as_bob(&first["access_token"]).get(ME).await.refused(401);
    let me = as_bob(&second["access_token"]).get(ME).await.expect(200);
    assert_eq!(me["username"], "bob");
    let reply = app.token(&refresh).await;
    reply.oauth_error(400, "invalid_grant");
    i.stop().await;
}

#[tokio::test]
async fn failed_logins_are_counted_per_account_whichever_identifier_is_typed() {
    let i = TestInstance::start().await;
    let alice = i.create_person("alice", PASSWORD).await;
    let app = App::register(&i, "read", OOB).await;
    let email = alice.email.as_str();
    for who in ["alice", "alice", "alice", email, "ALICE"] {
        let reply = app.password(who, "verkeerd!", "read").await;
        assert_eq!(reply.status, 400, "{}", reply.body);
    }
    // Five failures against one account, typed as name or email: the account is locked.
    for who in ["alice", email] {
        let reply = app.password(who, PASSWORD, "read").await;
        assert_eq!(reply.status, 429, "right password as {who}: {}", reply.body);
    }
    i.stop().await;
}

/// Decides on the consent page with its hidden `fields`.
async fn decide(browser: &Agent<'_>, fields: &[(&str, String)], decision: &str) -> Reply {
    let form = fields.iter().map(|(k, v)| (*k, v.as_str()));
    let form: Vec<(&str, &str)> = form.chain([("decision", decision)]).collect();
    browser.form("/oauth/authorize", &form).await
}

/// Approves and returns the code from the redirect to the callback.
async fn approve(browser: &Agent<'_>, fields: &[(&str, String)]) -> String {
    let reply = decide(browser, fields, "approve").await;
    let location = reply.header("location").unwrap_or_default();
    assert!(
        location.starts_with(&format!("{CALLBACK}?code=")),
        "{location}"
    );
    assert_eq!(reply.status, 303);
    assert_eq!(param(&location, "state").as_deref(), Some("xyz"));
    param(&location, "code").unwrap()
}

#[tokio::test]
async fn authorization_code_flow_with_pkce_as_a_browser_drives_it() {
    let i = TestInstance::start().await;
    i.create_person("bob", PASSWORD).await;
    let app = App::register(&i, "read write", CALLBACK).await;
    let b = browser(&i);
    let authorize = |redirect_uri: &str| {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs([("response_type", "code"), ("client_id", &app.id)])
            .extend_pairs([("redirect_uri", redirect_uri), ("scope", "read write")])
            .extend_pairs([("state", "xyz"), ("code_challenge", CHALLENGE)])
            .extend_pairs([("code_challenge_method", "S256")])
            .finish();
        format!("/oauth/authorize?{query}")
    };

    // Not signed in: to the sign-in page, coming back afterwards.
    let reply = b.get(&authorize(CALLBACK)).await;
    let sign_in = reply.header("location").unwrap_or_default();
    assert!(sign_in.starts_with("/auth/sign_in?return_to="), "{sign_in}");
    reply.answers(303, Some(&sign_in));
    let return_to = param(&i.url(&sign_in), "return_to").unwrap();
    let resumes = return_to.starts_with("/oauth/authorize?") && return_to.contains(CHALLENGE);
    assert!(resumes, "{return_to}");

    let page = b.get(&sign_in).await;
    assert!(page.answers(200, None).sets_cookie("kp_csrf"));
    let csrf = page.input("csrf_token");
    assert_eq!(Some(csrf), b.cookie("kp_csrf"));
    assert_eq!(page.input("return_to"), return_to);
    let form = [("return_to", return_to.as_str()), ("username", "bob")];
    let form = [&form[..], &[("password", PASSWORD)]].concat();
    let reply = b.submit("/auth/sign_in", &form).await;
    assert!(
        reply
            .answers(303, Some(&return_to))
            .sets_cookie("kp_session")
    );

    let consent = b.get(&return_to).await;
    consent
        .answers(200, None)
        .shows("Randgevallen")
        .shows("bob");
    let names = ["csrf_token", "client_id", "redirect_uri", "scope", "state"];
    let names = names
        .into_iter()
        .chain(["code_challenge", "code_challenge_method"]);
    let fields: Vec<(&str, String)> = names.map(|n| (n, consent.input(n))).collect();
    assert_eq!(fields[3].1, "read write");
    let exchange = async |code: &str, verifier: &str| {
        let grant = [("grant_type", "authorization_code"), ("code", code)];
        let pkce = [("redirect_uri", CALLBACK), ("code_verifier", verifier)];
        app.token(&[grant, pkce].concat()).await
    };

    let code = approve(&b, &fields).await;
    let body = exchange(&code, VERIFIER).await.expect(200);
    assert_eq!(body["scope"], "read write");
    let bob = api(&i, body["access_token"].as_str().unwrap());
    assert_eq!(bob.get(ME).await.expect(200)["username"], "bob");
    let reply = exchange(&code, VERIFIER).await;
    reply.oauth_error(400, "invalid_grant");

    let code = approve(&b, &fields).await;
    let reply = exchange(&code, "een-verkeerde-verifier-van-voldoende-lengte-12345").await;
    reply.oauth_error(400, "invalid_grant");
    let reply = exchange(&code, VERIFIER).await;
    reply.oauth_error(400, "invalid_grant");

    let denied = format!("{CALLBACK}?error=access_denied&state=xyz");
    let reply = decide(&b, &fields, "deny").await;
    reply.answers(303, Some(&denied));
    let mut forged = fields.clone();
    forged[0].1 = FORGED.into();
    decide(&b, &forged, "approve").await.answers(403, None);

    // A redirect URI the app did not register is never redirected to, signed in or not.
    let elsewhere = "http://127.0.0.9/elders";
    b.get(&authorize(elsewhere)).await.answers(400, None);
    let stranger = browser(&i);
    let reply = stranger.get(&authorize("https://aanvaller.example/")).await;
    reply.answers(400, None);
    let mut changed = fields.clone();
    changed[2].1 = elsewhere.into();
    decide(&b, &changed, "approve").await.answers(400, None);
    i.stop().await;
}

#[tokio::test]
async fn web_forms_need_csrf_and_sign_up_creates_a_usable_account() {
    let i = TestInstance::start().await;
    let app = App::register(&i, "read", OOB).await;
    let b = browser(&i);
    let credentials = [("username", "carol"), ("password", PASSWORD)];
    let reply = b.form("/auth/sign_in", &credentials).await;
    reply.answers(403, None);
    b.get("/auth/sign_up").await.answers(200, None);
    let form = [&[("csrf_token", FORGED)][..], &credentials].concat();
    b.form("/auth/sign_in", &form).await.answers(403, None);

    let sign_up = async |b: &Agent<'_>, name: &str, password: &str| {
        let email = format!("{}@wijk.example", name.replace(' ', "."));
        let form = [("name", name), ("email", &email), ("password", password)];
        let form = [&form[..], &[("role", "entrepreneur")]].concat();
        b.submit("/auth/sign_up", &form).await
    };
    let reply = sign_up(&b, "carol", PASSWORD).await;
    assert!(reply.answers(303, Some("/home")).sets_cookie("kp_session"));
    app.login("carol", PASSWORD, "read")
        .await
        .get(ME)
        .await
        .expect(200);

    let fresh = browser(&i);
    fresh.get("/auth/sign_up").await.answers(200, None);
    for (name, password, status, error) in [
        ("Bad Name", PASSWORD, 422, "may only contain lowercase"),
        ("dave", "kort", 422, "too short"),
        ("carol", PASSWORD, 409, "the name carol is taken"),
    ] {
        let page = sign_up(&fresh, name, password).await;
        page.answers(status, None).shows(error);
        assert_eq!(page.input("name"), name, "the entered name is kept");
        assert!(!page.sets_cookie("kp_session"));
    }

    let wrong = [("username", "carol"), ("password", "verkeerd!")];
    let page = fresh.submit("/auth/sign_in", &wrong).await;
    page.answers(401, None).shows("wrong name or password");
    assert_eq!(page.input("username"), "carol");
    assert!(!page.sets_cookie("kp_session") && fresh.cookie("kp_session").is_none());
    // After signing in, only paths on this site: never to another host.
    for elsewhere in ["//aanvaller.example/", "https://aanvaller.example/"] {
        let other = browser(&i);
        other.get("/auth/sign_in").await.answers(200, None);
        let form = [("return_to", elsewhere), ("username", "carol")];
        let form = [&form[..], &[("password", PASSWORD)]].concat();
        other
            .submit("/auth/sign_in", &form)
            .await
            .answers(303, Some("/"));
    }
    i.stop().await;
}

#[tokio::test]
async fn approval_and_closed_registrations() {
    let i = start_with(|c| c.instance.registrations = Registrations::Approval).await;
    let app = App::register(&i, "read", OOB).await;
    let b = browser(&i);
    b.get("/auth/sign_up").await.shows("approves new accounts");
    let erik = [("name", "erik"), ("email", "erik@wijk.example")];
    let erik = [&erik[..], &[("password", PASSWORD)]].concat();
    let page = b.submit("/auth/sign_up", &erik).await;
    page.answers(201, None).shows("waiting for approval");
    assert!(!page.sets_cookie("kp_session"));
    let reply = app.password("erik", PASSWORD, "read").await;
    reply.oauth_error(400, "invalid_grant");
    let login = [("username", "erik"), ("password", PASSWORD)];
    let page = b.submit("/auth/sign_in", &login).await;
    page.answers(403, None).shows("waiting for approval");
    assert!(!page.sets_cookie("kp_session"));
    let (db, config) = (&i.state.db, &i.state.config);
    let approved = knooppunt::persons::service::approve(
        db,
        config,
        "erik",
        &knooppunt::audit::Moderator::Operator,
    )
    .await;
    assert!(approved.unwrap());
    app.login("erik", PASSWORD, "read")
        .await
        .get(ME)
        .await
        .expect(200);
    i.stop().await;

    let i = start_with(|c| c.instance.registrations = Registrations::Closed).await;
    let app = App::register(&i, "read", OOB).await;
    let b = browser(&i);
    let page = b.get("/auth/sign_up").await;
    page.answers(200, None).shows("Sign-up is closed");
    assert!(
        !page.html().contains("action=\"/auth/sign_up\""),
        "{}",
        page.body
    );
    b.get("/auth/sign_in").await.answers(200, None);
    let fien = [("name", "fien"), ("email", "fien@wijk.example")];
    let fien = [&fien[..], &[("password", PASSWORD)]].concat();
    let page = b.submit("/auth/sign_up", &fien).await;
    page.answers(403, None).shows("Sign-up is closed");
    assert!(!page.sets_cookie("kp_session"));
    let reply = app.password("fien", PASSWORD, "read").await;
    reply.oauth_error(400, "invalid_grant");
    i.stop().await;
}

#[tokio::test]
async fn bad_status_input_is_refused() {
    let i = TestInstance::start().await;
    let alice = i.create_person("alice", PASSWORD).await;
    let app = App::register(&i, "read write", OOB).await;
    let a = app.login("alice", PASSWORD, "read write").await;

    let long = "x".repeat(5001);
    let blank = json!({"status": "  ", "media_ids": []});
    for body in [json!({}), blank, json!({ "status": long })] {
        a.toot(body).await.refused(422);
    }
    a.say(&long[..5000]).await;
    for options in [json!(["alleen"]), json!(["a", "b", "c", "d", "e"])] {
        let poll = json!({"options": options, "expires_in": 3600});
        let reply = a.toot(json!({"status": "Kies", "poll": poll})).await;
        assert_eq!(reply.status, 422, "poll with {options}: {}", reply.body);
    }
    let as_json = |r: RequestBuilder| r.header("Content-Type", "application/json");
    let malformed = |r: RequestBuilder| as_json(r).body("{\"st");
    let reply = a.send(Method::POST, "/api/v1/statuses", malformed).await;
    reply.refused(400);

    let not_found = json!({"error": "Record not found"});
    for id in ["999999", "abc"] {
        let show = format!("/api/v1/statuses/{id}");
        assert_eq!(a.get(&show).await.expect(404), not_found, "GET {id}");
        let context = a.get(&format!("{show}/context")).await;
        assert_eq!(context.expect(404), not_found, "context {id}");
        for action in ["favourite", "reblog"] {
            let reply = a.post(&format!("{show}/{action}"), json!({})).await;
            assert_eq!(reply.expect(404), not_found, "{action} {id}");
        }
    }

    let mut seen = vec![];
    for _ in 0..2 {
        let keyed = |r: RequestBuilder| {
            let r = r.header("Idempotency-Key", "sleutel-1");
            r.json(&json!({"status": "Maar een keer"}))
        };
        let reply = a.send(Method::POST, "/api/v1/statuses", keyed).await;
        seen.push(reply.expect(200)["id"].clone());
    }
    assert_eq!(
        seen[0], seen[1],
        "a repeated Idempotency-Key: the same status"
    );
    let mine = format!("/api/v1/accounts/{}/statuses?limit=40", alice.id);
    let list = a.get(&mine).await.expect(200);
    let once = list.as_array().unwrap().iter();
    let once = once.filter(|s| s["content"].as_str().unwrap().contains("Maar een keer"));
    assert_eq!(once.count(), 1, "{list}");
    i.stop().await;
}

#[tokio::test]
async fn direct_and_private_statuses_reach_only_their_audience() {
    let i = TestInstance::start().await;
    let alice = i.create_person("alice", PASSWORD).await;
    for name in ["bob", "carol"] {
        i.create_person(name, PASSWORD).await;
    }
    let app = App::register(&i, "read write follow", OOB).await;
    let a = app.login("alice", PASSWORD, "read write").await;
    let bob = app.login("bob", PASSWORD, "read write follow").await;
    let carol = app.login("carol", PASSWORD, "read write follow").await;
    let nobody = api(&i, "");

    let direct = json!({"status": "@bob alleen voor jou", "visibility": "direct"});
    let body = a.toot(direct).await.expect(200);
    assert_eq!(body["visibility"], "direct");
    let path = format!("/api/v1/statuses/{}", body["id"].as_str().unwrap());
    bob.get(&path).await.expect(200);
    carol.get(&path).await.refused(404);
    nobody.get(&path).await.refused(404);
    let favourite = format!("{path}/favourite");
    carol.post(&favourite, json!({})).await.refused(404);
    assert_eq!(nobody.get(PUBLIC).await.expect(200), json!([]));
    assert_eq!(carol.get(PUBLIC).await.expect(200), json!([]));

    let private = json!({"status": "Voor wie mij volgt", "visibility": "private"});
    let body = a.toot(private).await.expect(200);
    assert_eq!(body["visibility"], "private");
    let path = format!("/api/v1/statuses/{}", body["id"].as_str().unwrap());
    carol.get(&path).await.refused(404);
    let follow = format!("/api/v1/accounts/{}/follow", alice.id);
    let relationship = carol.post(&follow, json!({})).await.expect(200);
    assert_eq!(relationship["following"], true);
    let body = carol.get(&path).await.expect(200);
    let content = body["content"].as_str().unwrap();
    assert!(content.contains("Voor wie mij volgt"), "{body}");
    let reblog = format!("{path}/reblog");
    carol.post(&reblog, json!({})).await.refused(403);
    bob.get(&path).await.refused(404);
    nobody.get(&path).await.refused(404);
    i.stop().await;
}

#[tokio::test]
async fn media_uploads_are_checked_by_content_and_size() {
    let i = start_with(|c| c.media.max_image_bytes = 1024).await;
    i.create_person("alice", PASSWORD).await;
    let app = App::register(&i, "read write", OOB).await;
    let a = app.login("alice", PASSWORD, "write:media").await;

    let text = b"dit is gewoon tekst, geen plaatje\n";
    a.upload("plaatje.png", text).await.refused(415);
    let big = png(24, 28);
    assert!(big.len() > 2048 && big.len() < 4096, "{}", big.len());
    a.upload("groot.png", &big).await.refused(413);

    let small = png(8, 8);
    let body = a.upload("plaatje.png", &small).await.expect(200);
    assert_eq!(body["type"], "image", "{body}");
    assert_eq!(body["description"], "Een plaatje", "{body}");
    let url = body["url"].as_str().unwrap();
    assert!(url.starts_with(&i.url("/media/")), "{url}");
    let response = i.client.get(url).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "image/png");
    assert_eq!(response.bytes().await.unwrap().as_ref(), small.as_slice());

    // reqwest normalises `..` away; the encoded form reaches the handler as it is.
    let escape = "/media/..%2F..%2Fetc%2Fpasswd";
    for path in ["/media/../etc/passwd", escape, "/media/unknown.png"] {
        assert_eq!(i.get(path).await.status(), 404, "{path}");
    }
    i.stop().await;
}

/// The `rel="next"` and `rel="prev"` targets of a `Link` header.
fn links(reply: &Reply) -> (String, String) {
    let link = reply.header("link").expect("a Link header");
    let find = |rel: &str| {
        let rel = format!("; rel=\"{rel}\"");
        let part = link.split(", ").find(|p| p.ends_with(&rel));
        let part = part.unwrap_or_else(|| panic!("no {rel} in {link}"));
        part.trim_end_matches(&rel)
            .trim_matches(['<', '>'])
            .to_string()
    };
    (find("next"), find("prev"))
}

#[tokio::test]
async fn public_timeline_paginates_with_link_headers_and_allows_cors() {
    let i = TestInstance::start().await;
    i.create_person("alice", PASSWORD).await;
    let app = App::register(&i, "read write", OOB).await;
    let a = app.login("alice", PASSWORD, "write").await;
    let mut s = vec![];
    for n in 1..=5 {
        s.push(a.say(&format!("Bericht {n}")).await);
    }
    let nobody = api(&i, "");
    let page = async |query: String| nobody.get(&format!("{PUBLIC}?{query}")).await;

    let first = page("limit=2".into()).await;
    let (next, prev) = links(&first);
    assert_eq!(ids(&first.expect(200)), [&s[4], &s[3]]);
    assert_eq!(next, i.url(&format!("{PUBLIC}?limit=2&max_id={}", s[3])));
    assert_eq!(prev, i.url(&format!("{PUBLIC}?limit=2&min_id={}", s[4])));
    assert_eq!(ids(&nobody.get(&next).await.expect(200)), [&s[2], &s[1]]);
    let above = page(format!("limit=2&min_id={}", s[1])).await.expect(200);
    assert_eq!(
        ids(&above),
        [&s[3], &s[2]],
        "just above min_id, newest first"
    );
    let since = page(format!("since_id={}", s[2])).await.expect(200);
    assert_eq!(ids(&since), [&s[4], &s[3]]);
    let since = page(format!("limit=1&since_id={}", s[0])).await.expect(200);
    assert_eq!(ids(&since), [&s[4]], "since_id keeps the newest");
    assert_eq!(nobody.get(&prev).await.expect(200), json!([]));

    let origin = |r: RequestBuilder| r.header("Origin", "https://elk.example");
    let preflight = |r: RequestBuilder| {
        let r = origin(r).header("Access-Control-Request-Method", "GET");
        r.header("Access-Control-Request-Headers", "authorization")
    };
    let reply = nobody.send(Method::OPTIONS, PUBLIC, preflight).await;
    assert!(reply.status.is_success(), "preflight: {}", reply.status);
    assert_eq!(reply.header("access-control-allow-origin").unwrap(), "*");
    let methods = reply.header("access-control-allow-methods").unwrap();
    assert!(methods == "*" || methods.contains("GET"), "{methods}");
    let reply = nobody.send(Method::GET, PUBLIC, origin).await;
    assert_eq!(reply.header("access-control-allow-origin").unwrap(), "*");
    let exposed = reply.header("access-control-expose-headers").unwrap();
    assert!(exposed.to_lowercase().contains("link"), "{exposed}");
    reply.expect(200);
    i.stop().await;
}
