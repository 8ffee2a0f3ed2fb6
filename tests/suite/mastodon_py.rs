//! The client API as a real app drives it: Mastodon.py 2.x, unmodified,
//! running `tests/python/mastodon_flow.py` against a fresh instance.

use std::time::Duration;

use knooppunt_tests::{TestInstance, python};

#[tokio::test]
async fn mastodon_py_drives_the_whole_client_flow() {
    let instance = TestInstance::start().await;
    let alice = instance.create_person("alice", "lange wandeling 42").await;
    let bob = instance.create_person("bob", "fietsen in de regen 7").await;
    instance.create_admin("ada", "beheer van de wijk 12").await;
    let dir = tempfile::tempdir().unwrap();
    let image = dir.path().join("plaatje.png");
    std::fs::write(&image, knooppunt_tests::fixtures::png(8, 8)).unwrap();

    let env: Vec<(String, String)> = [
        ("KP_BASE_URL", instance.base_url.as_str()),
        ("KP_ALICE_NAME", "alice"),
        ("KP_ALICE_EMAIL", alice.email.as_str()),
        ("KP_ALICE_PASSWORD", "lange wandeling 42"),
        ("KP_BOB_NAME", "bob"),
        ("KP_BOB_EMAIL", bob.email.as_str()),
        ("KP_BOB_PASSWORD", "fietsen in de regen 7"),
        ("KP_ADMIN_NAME", "ada"),
        ("KP_ADMIN_PASSWORD", "beheer van de wijk 12"),
        ("KP_IMAGE_PATH", &image.display().to_string()),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let python::Outcome {
        code,
        stdout,
        stderr,
    } = python::run("mastodon_flow.py", env, Duration::from_secs(300)).await;
    assert_eq!(
        code,
        Some(0),
        "Mastodon.py flow failed:\n{stdout}\n{stderr}"
    );
    println!("{stdout}");
    assert!(stdout.contains("all 21 steps passed"), "{stdout}");
    instance.stop().await;
}
