//! The real `knooppunt` binary as a child process: operator commands and `serve`.

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Path of the built binary: `KNOOPPUNT_BIN`, or `target/<profile>/knooppunt`
/// beside this test executable (built by `scripts/test` before the suite).
pub fn binary_path() -> PathBuf {
    if let Some(path) = std::env::var_os("KNOOPPUNT_BIN") {
        return PathBuf::from(path);
    }
    let exe = std::env::current_exe().expect("test executable path");
    // target/debug/deps/suite-HASH -> target/debug/knooppunt
    let path = exe
        .parent()
        .and_then(Path::parent)
        .map(|dir| dir.join("knooppunt"))
        .expect("target dir");
    assert!(
        path.is_file(),
        "{} is missing: build it first with `cargo build -p knooppunt` (scripts/test does)",
        path.display()
    );
    path
}

/// A `knooppunt` invocation with its own working directory and environment.
pub struct Knooppunt {
    command: Command,
    stdin: Option<String>,
}

/// What a finished command printed and returned.
#[derive(Debug)]
pub struct Finished {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Finished {
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }
}

impl From<Output> for Finished {
    fn from(o: Output) -> Self {
        Finished {
            code: o.status.code(),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Knooppunt {
    /// `knooppunt ARGS…` run in `dir`, with no inherited KNOOPPUNT_* variables.
    pub fn new(dir: &Path, args: &[&str]) -> Knooppunt {
        let mut command = Command::new(binary_path());
        command.current_dir(dir).args(args).env_remove("RUST_LOG");
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("KNOOPPUNT_") {
                command.env_remove(key);
            }
        }
        Knooppunt {
            command,
            stdin: None,
        }
    }

    pub fn env(mut self, key: &str, value: &str) -> Knooppunt {
        self.command.env(key, value);
        self
    }

    /// Text written to standard input (then closed).
    pub fn stdin(mut self, text: &str) -> Knooppunt {
        self.stdin = Some(text.to_string());
        self
    }

    /// Runs to completion (at most 60 s).
    pub fn run(mut self) -> Finished {
        self.command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = self.command.spawn().expect("spawn knooppunt");
        // Dropping the pipe closes standard input; a refused command may not read it at all.
        if let (Some(mut pipe), Some(text)) = (child.stdin.take(), &self.stdin) {
            let _ = pipe.write_all(text.as_bytes());
        }
        let pid = child.id().to_string();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(child.wait_with_output());
        });
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(output) => output.expect("output").into(),
            Err(_) => {
                let _ = Command::new("kill").args(["-KILL", &pid]).status();
                panic!("knooppunt did not finish within 60 s");
            }
        }
    }

    /// Starts `serve` and waits until `/healthz` answers 200.
    pub async fn serve(mut self, addr: SocketAddr) -> ServeProcess {
        self.command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = self.command.spawn().expect("spawn knooppunt serve");
        // Drain stderr continuously: a full pipe would block the server's logging.
        let mut pipe = child.stderr.take().expect("stderr pipe");
        let stderr = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = std::io::Read::read_to_string(&mut pipe, &mut text);
            text
        });
        let mut process = ServeProcess {
            child: Some(child),
            stderr: Some(stderr),
            addr,
        };
        process.wait_healthy().await;
        process
    }
}

/// A running `knooppunt serve` child; killed on drop if still running.
pub struct ServeProcess {
    child: Option<Child>,
    stderr: Option<std::thread::JoinHandle<String>>,
    pub addr: SocketAddr,
}

impl ServeProcess {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn collect_stderr(&mut self) -> String {
        self.stderr
            .take()
            .map(|t| t.join().unwrap_or_default())
            .unwrap_or_default()
    }

    fn child(&mut self) -> &mut Child {
        self.child.as_mut().expect("serve process still owned")
    }

    async fn wait_healthy(&mut self) {
        let client = reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("client");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child().try_wait().expect("wait") {
                let stderr = self.collect_stderr();
                panic!("knooppunt serve exited with {status} before it was healthy:\n{stderr}");
            }
            if let Ok(r) = client.get(self.url("/healthz")).send().await
                && r.status() == 200
            {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "knooppunt serve not healthy after 30 s"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("serve process still owned").id()
    }

    /// Sends SIGKILL (a crash: no clean-up at all) and waits for the exit;
    /// returns what the process printed on standard error until then.
    pub fn kill(mut self) -> Finished {
        let mut child = self.child.take().expect("serve process still owned");
        let pid = child.id().to_string();
        let status = Command::new("kill")
            .args(["-KILL", &pid])
            .status()
            .expect("kill");
        assert!(status.success(), "kill -KILL failed");
        let status = child.wait().expect("wait");
        Finished {
            code: status.code(),
            stdout: String::new(),
            stderr: self.collect_stderr(),
        }
    }

    /// Sends SIGTERM and waits for the exit; returns the exit code and stderr.
    pub fn terminate(mut self) -> Finished {
        let mut child = self.child.take().expect("serve process still owned");
        let pid = child.id().to_string();
        let status = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill");
        assert!(status.success(), "kill -TERM failed");
        let deadline = Instant::now() + Duration::from_secs(30);
        while child.try_wait().expect("wait").is_none() {
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("knooppunt serve ignored SIGTERM for 30 s");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let status = child.wait().expect("wait");
        Finished {
            code: status.code(),
            stdout: String::new(),
            stderr: self.collect_stderr(),
        }
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A port that is free on 127.0.0.1 right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}
