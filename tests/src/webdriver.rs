//! A real browser for the web tests: Debian's `chromium` driven through
//! `chromedriver` (WebDriver) with `fantoccini`, headless, JavaScript off in
//! pages unless asked for. `scripts/test` installs both packages and sets
//! `TEST_BROWSER=required`; without it a missing browser skips the test
//! with a line saying so.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

/// A browser session and the chromedriver process behind it.
pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

fn program(var: &str, default: &str) -> PathBuf {
    std::env::var_os(var).map_or_else(|| PathBuf::from(default), PathBuf::from)
}

/// The rules axe-core checks: WCAG 2.0 and 2.1, levels A and AA.
pub const WCAG_TAGS: [&str; 4] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

impl Browser {
    /// Signs `name` in through the form, in a browser signed out, and checks
    /// that the header then names them.
    pub async fn sign_in(&self, i: &crate::TestInstance, name: &str, password: &str) {
        self.goto(&i.url("/auth/sign_in")).await;
        self.fill("#username", name).await;
        self.fill("#password", password).await;
        self.click("main form button[type=submit]").await;
        let header = self.text("header.site").await;
        assert!(header.contains(&format!("@{name}")), "{header}");
    }

    /// Signs out with the header's button.
    pub async fn sign_out(&self) {
        self.click("header.site .account button").await;
    }

    /// A headless Chromium with page JavaScript `javascript` (on or off);
    /// `None`, after saying so, when no browser is installed and the run
    /// does not require one.
    pub async fn start(javascript: bool) -> Option<Browser> {
        Self::start_with(javascript, false).await
    }

    /// Like [`Browser::start`]; `dark`: pages see `prefers-color-scheme: dark`.
    pub async fn start_with(javascript: bool, dark: bool) -> Option<Browser> {
        let chromium = program("TEST_CHROMIUM", "/usr/bin/chromium");
        let chromedriver = program("TEST_CHROMEDRIVER", "/usr/bin/chromedriver");
        if !chromium.exists() || !chromedriver.exists() {
            let message = format!(
                "no browser: {} or {} is missing (scripts/test installs Debian's chromium and chromium-driver)",
                chromium.display(),
                chromedriver.display()
            );
            if std::env::var("TEST_BROWSER").as_deref() == Ok("required") {
                panic!("{message}");
            }
            // Straight to stderr, past the test harness's capture, so the
            // skip shows in a normal run.
            use std::io::Write;
            let _ = writeln!(std::io::stderr(), "SKIPPED browser test: {message}");
            return None;
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let profile = tempfile::tempdir().expect("profile dir");
        let mut options = json!({
            "binary": chromium,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--no-default-browser-check", "--window-size=1280,800",
                "--lang=en-GB", format!("--user-data-dir={}", profile.path().display()),
            ],
        });
        if dark {
            // Blink's PreferredColorScheme: 0 is dark.
            let args = options["args"].as_array_mut().expect("args");
            args.push(json!("--blink-settings=preferredColorScheme=0"));
            args.push(json!("--force-dark-mode"));
        }
        if !javascript {
            options["prefs"] = json!({ "profile.managed_default_content_settings.javascript": 2 });
        }
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("chrome"));
        caps.insert("goog:chromeOptions".into(), options);
        let url = format!("http://127.0.0.1:{port}");
        let mut last_error = String::new();
        for _ in 0..100 {
            let mut builder =
                ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
            match builder.capabilities(caps.clone()).connect(&url).await {
                Ok(client) => {
                    return Some(Browser {
                        client,
                        driver,
                        _profile: profile,
                    });
                }
                Err(e) => last_error = e.to_string(),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "no WebDriver session from {}: {last_error}",
            chromedriver.display()
        );
    }

    pub async fn goto(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("{url}: {e}"));
    }

    pub async fn source(&self) -> String {
        self.client.source().await.expect("page source")
    }

    /// The path (and query) of the page shown.
    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("current url");
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        }
    }

    /// The visible text of the page's `main`.
    pub async fn main_text(&self) -> String {
        self.text("main").await
    }

    pub async fn text(&self, css: &str) -> String {
        let element = self.client.find(Locator::Css(css)).await;
        element
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .text()
            .await
            .expect("text")
    }

    /// Types `text` into the field `css`.
    pub async fn fill(&self, css: &str, text: &str) {
        let field = self.client.find(Locator::Css(css)).await;
        let field = field.unwrap_or_else(|e| panic!("{css}: {e}"));
        field.clear().await.expect("clear");
        field.send_keys(text).await.expect("type");
    }

    /// Clicks the element `css`, a link or a form's button, and waits
    /// until the next page has replaced this one (a redirect after a POST
    /// may land after the click returns).
    pub async fn click(&self, css: &str) {
        let old = self
            .client
            .find(Locator::Css("html"))
            .await
            .expect("a page");
        let element = self.client.find(Locator::Css(css)).await;
        element
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .click()
            .await
            .expect("click");
        for _ in 0..200 {
            if old.tag_name().await.is_err() {
                // The old page is gone; wait for the new one to be complete.
                for _ in 0..200 {
                    let state = self
                        .client
                        .execute("return document.readyState", vec![])
                        .await;
                    if state.is_ok_and(|s| s == "complete") {
                        return;
                    }
                    tokio::time::sleep(Duration::from_millis(25)).await;
                }
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("clicking {css} loaded no new page");
    }

    /// The current value of the form field `css`.
    pub async fn value(&self, css: &str) -> String {
        let field = self.client.find(Locator::Css(css)).await;
        let field = field.unwrap_or_else(|e| panic!("{css}: {e}"));
        field
            .prop("value")
            .await
            .expect("value")
            .unwrap_or_default()
    }

    /// Presses and releases `key` on the keyboard, wherever the focus is.
    pub async fn press(&self, key: fantoccini::key::Key) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let value = char::from(key);
        let keys = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value })
            .then(KeyAction::Up { value });
        self.client
            .perform_actions(keys)
            .await
            .expect("key pressed");
    }

    /// The focused element's outer HTML.
    pub async fn focused(&self) -> String {
        let element = self.client.active_element().await.expect("focus");
        element.html(false).await.expect("html")
    }

    /// Presses Tab until the focus is on an element whose HTML contains
    /// `marker`; how many presses it took. Panics after `most`.
    pub async fn tab_to(&self, marker: &str, most: usize) -> usize {
        for n in 1..=most {
            self.press(fantoccini::key::Key::Tab).await;
            if self.focused().await.contains(marker) {
                return n;
            }
        }
        panic!("{marker} not reached with {most} presses of Tab");
    }

    /// Whether page scripts run: a page that sets its title from a script.
    pub async fn runs_page_scripts(&self) -> bool {
        self.goto("data:text/html,<title>off</title><script>document.title='on'</script>")
            .await;
        self.client.title().await.expect("title") == "on"
    }

    /// axe-core's violations of `WCAG_TAGS` on the page shown, injected
    /// through WebDriver. Its run is asynchronous: it finishes only in a
    /// browser with page scripts on (`start(true)`).
    pub async fn axe(&self) -> Vec<Value> {
        let source = std::fs::read_to_string(axe_path()).unwrap_or_else(|e| {
            panic!(
                "axe-core is not installed at {}: run scripts/test (npm ci in tests/node) or set TEST_AXE: {e}",
                axe_path().display()
            )
        });
        self.client
            .execute(&format!("{source}\nreturn typeof axe;"), vec![])
            .await
            .expect("axe injected");
        let run = "const done = arguments[arguments.length - 1];\
            axe.run(document, { runOnly: { type: 'tag', values: arguments[0] } })\
            .then(r => done(r.violations), e => done([{ id: 'axe-error', description: String(e) }]));";
        let result = self.client.execute_async(run, vec![json!(WCAG_TAGS)]).await;
        let violations = result.expect("axe ran");
        match violations.as_array() {
            Some(list) => list.clone(),
            None => panic!("axe gave no list of violations: {violations}"),
        }
    }

    /// Saves the page shown, at a window of `width`×`height`, as
    /// `NAME-WIDTHxHEIGHT.png` in [`screenshot_dir`], says where, and puts
    /// the window back to 1280×800.
    pub async fn screenshot(&self, name: &str, width: u32, height: u32) -> PathBuf {
        self.client
            .set_window_size(width, height)
            .await
            .expect("window size");
        // The page lays itself out again at the new width.
        self.client.refresh().await.expect("reload");
        let png = self.client.screenshot().await.expect("screenshot");
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).expect("screenshot dir");
        let path = dir.join(format!("{name}-{width}x{height}.png"));
        std::fs::write(&path, png).expect("screenshot written");
        eprintln!("screenshot: {}", path.display());
        self.client
            .set_window_size(1280, 800)
            .await
            .expect("window size");
        path
    }

    /// Like [`Browser::screenshot`], but the whole page: the window is
    /// `width` wide and as tall as the page laid out at that width (the
    /// file still says `WIDTHxHEIGHT`, the screen it was laid out for).
    pub async fn screenshot_full(&self, name: &str, width: u32, height: u32) -> PathBuf {
        self.client
            .set_window_size(width, height)
            .await
            .expect("window size");
        self.client.refresh().await.expect("reload");
        // WebDriver's own scripts run with page scripts off too.
        let tall = self
            .client
            .execute("return document.documentElement.scrollHeight", vec![])
            .await
            .expect("page height")
            .as_u64()
            .unwrap_or(u64::from(height));
        let tall = u32::try_from(tall).unwrap_or(height).clamp(height, 12_000);
        self.client
            .set_window_size(width, tall)
            .await
            .expect("window size");
        let png = self.client.screenshot().await.expect("screenshot");
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).expect("screenshot dir");
        let path = dir.join(format!("{name}-{width}x{height}.png"));
        std::fs::write(&path, png).expect("screenshot written");
        eprintln!("screenshot: {}", path.display());
        self.client
            .set_window_size(1280, 800)
            .await
            .expect("window size");
        path
    }

    /// Ends the session and chromedriver.
    pub async fn quit(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // A failed test still stops its chromedriver (and with it the browser).
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Where screenshots go: `TEST_SCREENSHOTS`, or `target/web-screenshots`
/// in the workspace.
pub fn screenshot_dir() -> PathBuf {
    std::env::var_os("TEST_SCREENSHOTS").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/web-screenshots"),
        PathBuf::from,
    )
}

/// `TEST_AXE`, or axe-core in tests/node.
pub fn axe_path() -> PathBuf {
    std::env::var_os("TEST_AXE").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("node/node_modules/axe-core/axe.min.js"),
        PathBuf::from,
    )
}

/// Violations as readable lines: rule, impact, help and the first nodes.
pub fn describe(violations: &[Value]) -> String {
    violations
        .iter()
        .map(|v| {
            let nodes: Vec<String> = v["nodes"]
                .as_array()
                .map(|n| {
                    n.iter()
                        .take(3)
                        .map(|n| n["html"].as_str().unwrap_or_default().to_string())
                        .collect()
                })
                .unwrap_or_default();
            format!("{} ({}): {} {:?}", v["id"], v["impact"], v["help"], nodes)
        })
        .collect::<Vec<_>>()
        .join("\n")
}
