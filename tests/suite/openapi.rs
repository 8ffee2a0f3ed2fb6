//! The OpenAPI document of `/api/knooppunt/v1`: valid OpenAPI 3.1, and every
//! documented route answers with a documented status and a body that
//! matches its schema (checked by `tests/python/openapi_flow.py` with the
//! openapi-spec-validator and openapi-schema-validator packages).

use std::time::Duration;

use knooppunt_tests::{ApiClient, TestInstance, python};

const PW: &str = "lange wandeling 42";

#[tokio::test]
async fn the_openapi_document_validates_and_every_route_answers_as_documented() {
    let instance = TestInstance::start().await;
    instance.create_person("alice", PW).await;
    instance.create_person("bram", PW).await;
    let alice = ApiClient::login(&instance, "alice", PW).await;
    let bram = ApiClient::login(&instance, "bram", PW).await;
    instance.create_admin("ada", PW).await;
    let ada =
        ApiClient::login_with(&instance, "ada", PW, "read write admin:read admin:write").await;
    let env = vec![
        ("KP_BASE_URL".to_string(), instance.base_url.clone()),
        ("KP_OWNER_TOKEN".to_string(), alice.token.clone()),
        ("KP_OWNER_NAME".to_string(), "alice".to_string()),
        ("KP_ADMIN_TOKEN".to_string(), ada.token.clone()),
        ("KP_OTHER_NAME".to_string(), "bram".to_string()),
        ("KP_OTHER_TOKEN".to_string(), bram.token.clone()),
    ];
    let python::Outcome {
        code,
        stdout,
        stderr,
    } = python::run("openapi_flow.py", env, Duration::from_secs(120)).await;
    let document = instance
        .get("/api/knooppunt/v1/openapi.json")
        .await
        .text()
        .await
        .unwrap();
    instance.stop().await;
    assert_eq!(code, Some(0), "openapi_flow.py failed:\n{stdout}\n{stderr}");
    println!("{stdout}");

    // Spectral's OpenAPI rules catch what the schema validator lets pass,
    // such as a parameter "in: path" that the path does not contain.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("openapi.json");
    std::fs::write(&file, document).unwrap();
    let node = concat!(env!("CARGO_MANIFEST_DIR"), "/node");
    let spectral = std::env::var("TEST_SPECTRAL")
        .unwrap_or_else(|_| format!("{node}/node_modules/.bin/spectral"));
    assert!(
        std::path::Path::new(&spectral).is_file(),
        "Spectral is not installed: run scripts/test (it runs npm ci in tests/node) or set TEST_SPECTRAL"
    );
    let out = std::process::Command::new(&spectral)
        .args(["lint", "--fail-severity", "error", "--ruleset"])
        .arg(format!("{node}/.spectral.yaml"))
        .arg(&file)
        .output()
        .expect("run spectral");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "Spectral found errors in the OpenAPI document:\n{report}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A query string that cannot be read is answered with the API's error
/// shape, `{"error": …}`, never a framework's plain text.
#[tokio::test]
async fn rejected_query_strings_get_the_json_error_shape() {
    let instance = TestInstance::start().await;
    for path in [
        "/api/knooppunt/v1/plans?limit=veel",
        "/api/knooppunt/v1/events?past=misschien",
        "/.well-known/webfinger?resource[x]=1",
        "/users/wijk/outbox?page=een",
        "/auth/sign_in?return_to[a]=b",
        "/oauth/authorize?client_id[a]=b",
        "/api/knooppunt/v1/admin/audit_log?max_id=oud",
    ] {
        let r = instance.get(path).await;
        let status = r.status().as_u16();
        let kind = r
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        let body: serde_json::Value = r.json().await.unwrap_or_default();
        assert!(
            (400..500).contains(&status)
                && kind.starts_with("application/json")
                && body["error"].is_string(),
            "{path}: {status} {kind} {body}"
        );
    }
    instance.stop().await;
}
