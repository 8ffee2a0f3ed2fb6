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
    let env = vec![
        ("KP_BASE_URL".to_string(), instance.base_url.clone()),
        ("KP_OWNER_TOKEN".to_string(), alice.token.clone()),
        ("KP_OTHER_NAME".to_string(), "bram".to_string()),
        ("KP_OTHER_TOKEN".to_string(), bram.token.clone()),
    ];
    let python::Outcome {
        code,
        stdout,
        stderr,
    } = python::run("openapi_flow.py", env, Duration::from_secs(120)).await;
    instance.stop().await;
    assert_eq!(code, Some(0), "openapi_flow.py failed:\n{stdout}\n{stderr}");
    println!("{stdout}");
}
