//! Running the suite's Python scripts (Mastodon.py, the independent peer, the
//! payload corpus) with the interpreter that has their requirements. A script
//! that serves (the peer) is given an address only and binds port 0 itself:
//! a port picked here and bound there could be taken in between.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The Python with the test requirements: `TEST_PYTHON` (set by scripts/test) or `.venv`.
pub fn interpreter() -> PathBuf {
    if let Some(p) = std::env::var_os("TEST_PYTHON") {
        return PathBuf::from(p);
    }
    let venv = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.venv/bin/python"));
    assert!(
        venv.is_file(),
        "the Python test requirements are not installed: run scripts/test (it creates .venv) or set TEST_PYTHON"
    );
    venv
}

/// A script under `tests/python/`.
pub fn script(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/python")).join(name)
}

/// How a script ended: its exit code (None if it ran past the limit and was killed) and output.
#[derive(Debug)]
pub struct Outcome {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `tests/python/NAME` with `env` to the end (or `limit`), reading both
/// pipes while waiting so a chatty script cannot block on a full pipe.
pub async fn run(name: &str, env: Vec<(String, String)>, limit: Duration) -> Outcome {
    let mut command = Command::new(interpreter());
    command
        .arg(script(name))
        .env("PYTHONUNBUFFERED", "1")
        .envs(env);
    tokio::task::spawn_blocking(move || {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run python");
        let mut out = child.stdout.take().expect("stdout");
        let mut err = child.stderr.take().expect("stderr");
        let out = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = std::io::Read::read_to_string(&mut out, &mut text);
            text
        });
        let err = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = std::io::Read::read_to_string(&mut err, &mut text);
            text
        });
        let deadline = Instant::now() + limit;
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait") {
                break Some(status);
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        Outcome {
            code: status.and_then(|s| s.code()),
            stdout: out.join().unwrap_or_default(),
            stderr: err.join().unwrap_or_default(),
        }
    })
    .await
    .expect("python runner")
}
