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

/// A valid 8x8 PNG, made here so the test carries no binary fixture.
fn png() -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
        let start = out.len();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let crc = crc32(&out[start..]);
        out.extend_from_slice(&crc.to_be_bytes());
    }
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xffff_ffffu32;
        for b in bytes {
            crc ^= u32::from(*b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xedb8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    fn adler32(bytes: &[u8]) -> u32 {
        let (mut a, mut b) = (1u32, 0u32);
        for x in bytes {
            a = (a + u32::from(*x)) % 65521;
            b = (b + a) % 65521;
        }
        (b << 16) | a
    }
    let raw: Vec<u8> = (0..8)
        .flat_map(|_| std::iter::once(0u8).chain([200u8, 80, 40].repeat(8)))
        .collect();
    // zlib stream with one stored (uncompressed) block.
    let mut zlib = vec![0x78, 0x01, 0x01];
    let len = u16::try_from(raw.len()).unwrap();
    zlib.extend_from_slice(&len.to_le_bytes());
    zlib.extend_from_slice(&(!len).to_le_bytes());
    zlib.extend_from_slice(&raw);
    zlib.extend_from_slice(&adler32(&raw).to_be_bytes());
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&8u32.to_be_bytes());
    ihdr.extend_from_slice(&8u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &zlib);
    chunk(&mut out, b"IEND", &[]);
    out
}

#[tokio::test]
async fn mastodon_py_drives_the_whole_client_flow() {
    let instance = TestInstance::start().await;
    let alice = instance.create_person("alice", "lange wandeling 42").await;
    let bob = instance.create_person("bob", "fietsen in de regen 7").await;
    let dir = tempfile::tempdir().unwrap();
    let image = dir.path().join("plaatje.png");
    std::fs::write(&image, png()).unwrap();

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
