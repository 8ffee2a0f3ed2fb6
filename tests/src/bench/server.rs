//! The real `knooppunt` binary for benchmarks: operator commands, and
//! `serve` timed from exec to its first 200 on `/healthz`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::proc::Memory;
use crate::binary::{Finished, Knooppunt, binary_path};

/// How a benchmark runs the binary: working directory and environment.
#[derive(Clone)]
pub struct Setup {
    pub dir: PathBuf,
    pub addr: SocketAddr,
    env: Vec<(String, String)>,
}

impl Setup {
    /// An instance named `domain`, listening on `addr`, ids over http and
    /// loopback peers allowed (as in the tests); media under `dir`.
    pub fn new(dir: &Path, addr: SocketAddr, database_url: &str, domain: &str) -> Setup {
        let media = dir.join("media");
        std::fs::create_dir_all(&media).expect("media dir");
        Setup {
            dir: dir.to_path_buf(),
            addr,
            env: vec![],
        }
        .env("KNOOPPUNT_DATABASE__URL", database_url)
        .env("KNOOPPUNT_HTTP__LISTEN", &addr.to_string())
        .env("KNOOPPUNT_INSTANCE__DOMAIN", domain)
        .env("KNOOPPUNT_FEDERATION__ALLOW_HTTP", "true")
        .env("KNOOPPUNT_FEDERATION__ALLOW_PRIVATE_ADDRESSES", "true")
        .env("KNOOPPUNT_MEDIA__DIRECTORY", &media.display().to_string())
    }

    /// One more `KNOOPPUNT_*` setting (or any variable).
    pub fn env(mut self, key: &str, value: &str) -> Setup {
        self.env.push((key.to_string(), value.to_string()));
        self
    }

    /// Runs an operator command to completion; panics if it fails.
    pub fn cli(&self, args: &[&str], stdin: Option<&str>) -> Finished {
        let mut cmd = Knooppunt::new(&self.dir, args);
        for (k, v) in &self.env {
            cmd = cmd.env(k, v);
        }
        if let Some(text) = stdin {
            cmd = cmd.stdin(text);
        }
        let out = cmd.run();
        assert!(out.success(), "knooppunt {args:?} failed: {out:?}");
        out
    }

    /// Starts `knooppunt serve` and waits (at most `patience`) for the first
    /// 200 of `/healthz`, asked every millisecond.
    pub async fn start(&self, patience: Duration) -> BenchServer {
        static STARTS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = STARTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let log = self.dir.join(format!("serve-{n}.log"));
        let mut command = Command::new(binary_path());
        command
            .current_dir(&self.dir)
            .arg("serve")
            .env_remove("RUST_LOG");
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("KNOOPPUNT_") {
                command.env_remove(key);
            }
        }
        command
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("log file"));
        let client = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(5))
            .build()
            .expect("client");
        let url = format!("http://{}/healthz", self.addr);
        let exec = Instant::now();
        let mut child = command.spawn().expect("spawn knooppunt serve");
        loop {
            if let Ok(r) = client.get(&url).send().await
                && r.status() == 200
            {
                break;
            }
            if let Some(status) = child.try_wait().expect("wait") {
                panic!("knooppunt serve exited with {status}:\n{}", tail(&log));
            }
            if exec.elapsed() > patience {
                let _ = child.kill();
                panic!(
                    "knooppunt serve not healthy after {patience:?}:\n{}",
                    tail(&log)
                );
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        BenchServer {
            to_first_200: exec.elapsed(),
            child: Some(child),
            addr: self.addr,
            log,
        }
    }
}

/// The last lines a server wrote on standard error.
fn tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

/// A running `knooppunt serve`; killed on drop if not stopped.
pub struct BenchServer {
    child: Option<Child>,
    pub addr: SocketAddr,
    /// From exec to the first 200 of `/healthz`.
    pub to_first_200: Duration,
    log: PathBuf,
}

impl BenchServer {
    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("running").id()
    }

    pub fn memory(&self) -> Memory {
        Memory::of(self.pid())
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// SIGTERM, then waits for the exit (SIGKILL after 60 s).
    pub fn stop(mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(60);
        while child.try_wait().ok().flatten().is_none() {
            if Instant::now() > deadline {
                eprintln!("knooppunt serve ignored SIGTERM:\n{}", tail(&self.log));
                let _ = child.kill();
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = child.wait();
    }
}

impl Drop for BenchServer {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Registers one app and signs each of `names` in with the password grant:
/// their access tokens, in order.
pub async fn sign_in(
    client: &reqwest::Client,
    base_url: &str,
    names: &[String],
    password: &str,
) -> Vec<String> {
    let scopes = "read write follow";
    let app: Value = client
        .post(format!("{base_url}/api/v1/apps"))
        .json(&json!({ "client_name": "bench", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": scopes }))
        .send()
        .await
        .expect("register app")
        .json()
        .await
        .expect("app json");
    let mut tokens = Vec::new();
    for name in names {
        let token: Value = client
            .post(format!("{base_url}/oauth/token"))
            .form(&[
                ("grant_type", "password"),
                ("client_id", app["client_id"].as_str().expect("client_id")),
                (
                    "client_secret",
                    app["client_secret"].as_str().expect("secret"),
                ),
                ("username", name.as_str()),
                ("password", password),
                ("scope", scopes),
            ])
            .send()
            .await
            .expect("token")
            .json()
            .await
            .expect("token json");
        let token = token["access_token"]
            .as_str()
            .unwrap_or_else(|| panic!("sign-in of {name} failed: {token}"));
        tokens.push(token.to_string());
    }
    tokens
}

/// A socket address on loopback `ip` whose port is free right now.
pub fn free_addr(ip: std::net::Ipv4Addr) -> SocketAddr {
    std::net::TcpListener::bind((ip, 0))
        .and_then(|l| l.local_addr())
        .expect("a free port")
}

/// `target/` of this build (benchmarks run from target/release/deps).
pub fn target_dir() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.parent()?.to_path_buf()))
        .expect("target dir")
}

/// Prints which server binary is measured, and how old it is: `cargo bench`
/// does not build it.
pub fn describe_binary() {
    let path = binary_path();
    let age = std::fs::metadata(&path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .map_or(0, |d| d.as_secs() / 60);
    println!("server: {} (built {age} min ago)", path.display());
}
