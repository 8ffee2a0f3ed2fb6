//! The client API as a real app drives it: Mastodon.py 2.x, unmodified,
//! running `tests/python/mastodon_flow.py` against a fresh instance.

use std::path::PathBuf;
use std::process::Command;

use knooppunt_tests::TestInstance;

/// The Python with Mastodon.py installed: `TEST_PYTHON` (set by scripts/test) or `.venv`.
fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("TEST_PYTHON") {
        return PathBuf::from(p);
    }
    let venv = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.venv/bin/python"));
    assert!(
        venv.is_file(),
        "Mastodon.py is not installed: run scripts/test (it creates .venv) or set TEST_PYTHON"
    );
    venv
}

#[tokio::test]
async fn mastodon_py_drives_the_whole_client_flow() {
    let instance = TestInstance::start().await;
    let alice = instance.create_person("alice", "lange wandeling 42").await;
    let bob = instance.create_person("bob", "fietsen in de regen 7").await;
    let dir = tempfile::tempdir().unwrap();
    let image = dir.path().join("plaatje.png");
    std::fs::write(&image, knooppunt_tests::fixtures::png(8, 8)).unwrap();

    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/python/mastodon_flow.py");
    let python = python();
    let base = instance.base_url.clone();
    let (alice_email, bob_email) = (alice.email.clone(), bob.email.clone());
    let image_path = image.display().to_string();
    let output = tokio::task::spawn_blocking(move || {
        Command::new(python)
            .arg(script)
            .env("KP_BASE_URL", &base)
            .env("KP_ALICE_NAME", "alice")
            .env("KP_ALICE_EMAIL", &alice_email)
            .env("KP_ALICE_PASSWORD", "lange wandeling 42")
            .env("KP_BOB_NAME", "bob")
            .env("KP_BOB_EMAIL", &bob_email)
            .env("KP_BOB_PASSWORD", "fietsen in de regen 7")
            .env("KP_IMAGE_PATH", &image_path)
            .output()
            .expect("run python")
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "Mastodon.py flow failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    println!("{stdout}");
    assert!(stdout.contains("all 20 steps passed"), "{stdout}");
    instance.stop().await;
}
