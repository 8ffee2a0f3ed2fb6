//! The one typed configuration: built-in defaults, then the TOML file, then
//! `KNOOPPUNT_<SECTION>__<KEY>` environment variables. Validated once at start.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

use crate::names::Username;

/// The file used when `--config` is not given and it exists.
pub const DEFAULT_CONFIG_PATH: &str = "config/knooppunt.toml";
/// Environment variables with this prefix override config keys.
pub const ENV_PREFIX: &str = "KNOOPPUNT_";

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[derive(Default)]
pub struct Config {
    pub instance: InstanceConfig,
    pub http: HttpConfig,
    pub database: DatabaseConfig,
    pub federation: FederationConfig,
    pub api: ApiConfig,
    pub media: MediaConfig,
    pub debug: DebugConfig,
}

/// Aids for tests and profiling; all off in production.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DebugConfig {
    /// Count the SQL statements each request runs and return the count in
    /// an `X-Statements` response header.
    pub count_statements: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct InstanceConfig {
    /// Public authority in every ActivityPub id: `host[:port]`.
    pub domain: String,
    /// Human name of the instance, shown on pages and in NodeInfo.
    pub name: String,
    /// Username of the neighbourhood actor (a group).
    pub neighbourhood: String,
    /// Who may sign up on the web: `open`, `approval` (an admin approves) or `closed`.
    pub registrations: Registrations,
}

/// Sign-up policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Registrations {
    #[default]
    Open,
    Approval,
    Closed,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ApiConfig {
    /// Allow the OAuth `password` grant (for scripts). Mastodon 4.4 removed it.
    pub password_grant: bool,
    /// Failed logins of one account within 15 minutes before each further
    /// attempt must wait: 1 s, then twice as long each time, at most 5 minutes.
    pub max_failed_logins: u32,
    /// Failed logins from one client address within 15 minutes before its
    /// attempts are refused (429) until the window passes.
    pub max_failed_logins_per_address: u32,
    /// Apps registered per hour from one client address.
    pub apps_per_hour: u32,
    /// Sign-ups on the web per hour from one client address.
    pub sign_ups_per_hour: u32,
    /// Password checks (argon2) running at once; 0: twice the cores, at
    /// least 4. Beyond them and a short queue, sign-ins get 503.
    pub max_password_checks: usize,
}

impl Default for ApiConfig {
    fn default() -> Self {
        Self {
            password_grant: true,
            max_failed_logins: 5,
            max_failed_logins_per_address: 20,
            apps_per_hour: 60,
            sign_ups_per_hour: 10,
            max_password_checks: 0,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MediaConfig {
    /// Where uploaded files are stored (relative to the working directory).
    pub directory: PathBuf,
    /// Largest image upload, in bytes.
    pub max_image_bytes: usize,
}

impl Default for MediaConfig {
    fn default() -> Self {
        Self {
            directory: PathBuf::from("media"),
            max_image_bytes: 10 * 1024 * 1024,
        }
    }
}

impl Default for InstanceConfig {
    fn default() -> Self {
        Self {
            domain: "localhost:8080".into(),
            name: "Knooppunt".into(),
            neighbourhood: "wijk".into(),
            registrations: Registrations::Open,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HttpConfig {
    pub listen: SocketAddr,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// A request that takes longer is answered 408 and dropped.
    pub request_timeout_secs: u64,
    /// Reverse proxies whose `X-Forwarded-For` names the client (for the
    /// limits per address); empty: the connection's peer is the client.
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            max_body_bytes: 2 * 1024 * 1024,
            request_timeout_secs: 30,
            trusted_proxies: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseConfig {
    /// `sqlite://FILE?mode=rwc` (embedded) or `postgres://USER[:PASSWORD]@HOST[:PORT]/DB`.
    pub url: String,
    pub max_connections: u32,
    /// How long to wait for a connection before reporting the database unavailable.
    pub connect_timeout_secs: u64,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            url: "sqlite://knooppunt.db?mode=rwc".into(),
            max_connections: 10,
            connect_timeout_secs: 5,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FederationConfig {
    /// Ids use `http://` and plain-http peers are accepted. Local testing only.
    pub allow_http: bool,
    /// Fetching from and delivering to loopback/private addresses. Local testing only.
    pub allow_private_addresses: bool,
    /// Deliveries sent at once by one process.
    pub delivery_concurrency: usize,
    /// First retry delay in seconds; it doubles per attempt, up to six hours.
    pub retry_base_secs: u64,
    /// A delivery that still fails this long after it was queued is given up.
    pub give_up_after_hours: u64,
    /// An instance failing this long is marked dead and skipped until it is heard from.
    pub dead_after_hours: u64,
    /// How long a worker holds a delivery it is sending; after a crash the
    /// delivery is sent again once the hold runs out. At least the send
    /// timeout (10 s) plus 5 s is used, whatever is configured.
    pub delivery_lease_secs: u64,
    /// Activities accepted per minute from one remote instance; more get 429.
    pub inbox_per_minute: u32,
    /// Delivered and given-up deliveries (for `federation status`) and the
    /// record of processed received activities (for senders' retries) are
    /// kept this many days, then deleted; 0 keeps them.
    pub keep_finished_days: u64,
    /// Longest one fetch of a remote actor or object may take.
    pub fetch_timeout_secs: u64,
    /// A host that did not answer a fetch is not fetched from again for
    /// this long; 0 never skips.
    pub failing_host_secs: u64,
    /// Longest the processing of one received activity may take, fetches
    /// included; beyond it the activity is dropped (the sender may retry).
    pub activity_budget_secs: u64,
    /// Signing keys fetched per minute for requests that name one remote
    /// instance, before any is verified: a forged keyId cannot make us
    /// fetch from a server on and on.
    pub key_fetches_per_minute: u32,
    /// A local plan's changed counts (supports, arguments) are sent as at
    /// most one Update per plan per this many seconds; 0 sends one with
    /// every change.
    pub plan_update_interval_secs: u64,
}

impl FederationConfig {
    /// What the protocol engine is told of it (all but the plans' setting).
    pub fn engine(
        &self,
        domain: String,
        user_agent: String,
    ) -> knooppunt_federation::engine::EngineConfig {
        knooppunt_federation::engine::EngineConfig {
            domain,
            user_agent,
            allow_http: self.allow_http,
            allow_private_addresses: self.allow_private_addresses,
            delivery_concurrency: self.delivery_concurrency,
            retry_base_secs: self.retry_base_secs,
            give_up_after_hours: self.give_up_after_hours,
            dead_after_hours: self.dead_after_hours,
            delivery_lease_secs: self.delivery_lease_secs,
            inbox_per_minute: self.inbox_per_minute,
            keep_finished_days: self.keep_finished_days,
            fetch_timeout_secs: self.fetch_timeout_secs,
            failing_host_secs: self.failing_host_secs,
            activity_budget_secs: self.activity_budget_secs,
            key_fetches_per_minute: self.key_fetches_per_minute,
        }
    }
}

impl Default for FederationConfig {
    fn default() -> Self {
        Self {
            allow_http: false,
            allow_private_addresses: false,
            delivery_concurrency: 16,
            retry_base_secs: 60,
            give_up_after_hours: 96,
            dead_after_hours: 72,
            delivery_lease_secs: 120,
            inbox_per_minute: 600,
            keep_finished_days: 14,
            fetch_timeout_secs: 10,
            failing_host_secs: 120,
            activity_budget_secs: 30,
            key_fetches_per_minute: 30,
            plan_update_interval_secs: 30,
        }
    }
}

/// The database engines we support, chosen by the URL's scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// A configuration problem, always naming the key it is about.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: {key}: {message}")]
pub struct ConfigError {
    pub key: String,
    pub message: String,
}

impl ConfigError {
    fn new(key: &str, message: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            message: message.into(),
        }
    }
}

impl Config {
    /// Loads defaults, then the file (the given one, or the default path if it
    /// exists), then the environment; then validates.
    pub fn load(path: Option<&Path>) -> Result<Self, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        match path {
            Some(path) => {
                if !path.is_file() {
                    return Err(ConfigError::new(
                        "--config",
                        format!("file {} does not exist", path.display()),
                    ));
                }
                figment = figment.merge(Toml::file_exact(path));
            }
            None => {
                let default = PathBuf::from(DEFAULT_CONFIG_PATH);
                if default.is_file() {
                    figment = figment.merge(Toml::file_exact(default));
                }
            }
        }
        figment = figment.merge(Env::prefixed(ENV_PREFIX).split("__"));
        let config: Config = figment.extract().map_err(from_figment)?;
        config.validate()?;
        Ok(config)
    }

    /// Checks what serde cannot: shapes of domains, names and URLs.
    pub fn validate(&self) -> Result<(), ConfigError> {
        validate_domain(&self.instance.domain)?;
        if self.instance.name.trim().is_empty() {
            return Err(ConfigError::new("instance.name", "must not be empty"));
        }
        Username::parse(&self.instance.neighbourhood)
            .map_err(|e| ConfigError::new("instance.neighbourhood", e.to_string()))?;
        self.engine()?;
        if self.database.max_connections == 0 {
            return Err(ConfigError::new(
                "database.max_connections",
                "must be at least 1",
            ));
        }
        if self.http.max_body_bytes < 1024 {
            return Err(ConfigError::new(
                "http.max_body_bytes",
                "must be at least 1024",
            ));
        }
        if self.media.max_image_bytes == 0 {
            return Err(ConfigError::new(
                "media.max_image_bytes",
                "must be at least 1",
            ));
        }
        if self.http.request_timeout_secs == 0 {
            return Err(ConfigError::new(
                "http.request_timeout_secs",
                "must be at least 1",
            ));
        }
        for (key, value) in [
            (
                "federation.fetch_timeout_secs",
                self.federation.fetch_timeout_secs,
            ),
            (
                "federation.activity_budget_secs",
                self.federation.activity_budget_secs,
            ),
        ] {
            if value == 0 {
                return Err(ConfigError::new(key, "must be at least 1"));
            }
        }
        // Beyond these, date arithmetic on them would overflow.
        let f = &self.federation;
        for (key, value, max) in [
            (
                "federation.give_up_after_hours",
                f.give_up_after_hours,
                8_760,
            ),
            ("federation.dead_after_hours", f.dead_after_hours, 8_760),
            (
                "federation.delivery_lease_secs",
                f.delivery_lease_secs,
                86_400,
            ),
            ("federation.keep_finished_days", f.keep_finished_days, 3_650),
            ("federation.fetch_timeout_secs", f.fetch_timeout_secs, 300),
            ("federation.failing_host_secs", f.failing_host_secs, 86_400),
            (
                "federation.activity_budget_secs",
                f.activity_budget_secs,
                3_600,
            ),
            (
                "federation.plan_update_interval_secs",
                f.plan_update_interval_secs,
                86_400,
            ),
        ] {
            if value > max {
                return Err(ConfigError::new(key, format!("must be at most {max}")));
            }
        }
        Ok(())
    }

    /// The database engine the URL selects.
    pub fn engine(&self) -> Result<Engine, ConfigError> {
        let url = self.database.url.as_str();
        if url.starts_with("sqlite:") {
            Ok(Engine::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Engine::Postgres)
        } else {
            Err(ConfigError::new(
                "database.url",
                format!(
                    "unsupported database {:?}: use sqlite://FILE?mode=rwc or postgres://USER@HOST/DB",
                    redact_url(url)
                ),
            ))
        }
    }

    /// `https://DOMAIN`, or `http://DOMAIN` when `federation.allow_http` is set.
    pub fn base_url(&self) -> String {
        let scheme = if self.federation.allow_http {
            "http"
        } else {
            "https"
        };
        format!("{scheme}://{}", self.instance.domain)
    }

    /// The effective configuration as TOML with secrets masked, for `config check`.
    pub fn to_redacted_toml(&self) -> Result<String, toml::ser::Error> {
        let mut shown = self.clone();
        shown.database.url = redact_url(&shown.database.url);
        toml::to_string_pretty(&shown)
    }
}

fn validate_domain(domain: &str) -> Result<(), ConfigError> {
    let bad = |why: &str| {
        ConfigError::new(
            "instance.domain",
            format!(
                "{why}; expected host[:port] such as wijk.example or 127.0.0.2:8080, got {domain:?}"
            ),
        )
    };
    if domain.is_empty() {
        return Err(bad("must not be empty"));
    }
    if domain.contains("://") {
        return Err(bad("must not contain a scheme"));
    }
    if domain.contains(['/', '?', '#', '@', ' ']) {
        return Err(bad("must not contain a path, query, user or spaces"));
    }
    if domain != domain.to_ascii_lowercase() {
        return Err(bad("must be lowercase"));
    }
    let parsed = url::Url::parse(&format!("http://{domain}/")).map_err(|e| bad(&e.to_string()))?;
    if parsed.host_str().is_none() || parsed.path() != "/" {
        return Err(bad("is not a valid host"));
    }
    // `url` drops a default port (":80"); compare against what we would put in ids.
    let authority = match parsed.port() {
        Some(port) => format!("{}:{port}", parsed.host_str().unwrap_or_default()),
        None => parsed.host_str().unwrap_or_default().to_string(),
    };
    if authority != domain && format!("{authority}:80") != domain {
        return Err(bad("is not in canonical form"));
    }
    Ok(())
}

/// Masks the secrets of a URL: the password in its userinfo
/// (`postgres://user:secret@host` → `postgres://user:***@host`) and query
/// parameters that carry one (`?password=…`, `sslpassword`, `token`, …).
pub fn redact_url(raw: &str) -> String {
    let Ok(mut url) = url::Url::parse(raw) else {
        return redact_unparsed(raw);
    };
    let mut changed = false;
    if url.password().is_some() {
        // set_password only fails for URLs that cannot have one, which we just ruled out.
        let _ = url.set_password(Some("***"));
        changed = true;
    }
    let secret = |name: &str| {
        let name = name.to_ascii_lowercase();
        ["pass", "pwd", "secret", "token", "key"]
            .iter()
            .any(|s| name.contains(s))
    };
    if url.query_pairs().any(|(k, _)| secret(&k)) {
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(k, v)| {
                let v = if secret(&k) {
                    "***".into()
                } else {
                    v.into_owned()
                };
                (k.into_owned(), v)
            })
            .collect();
        url.query_pairs_mut().clear().extend_pairs(pairs);
        changed = true;
    }
    if changed {
        url.to_string()
    } else {
        raw.to_string()
    }
}

/// Masks what looks like a secret in text that is not a URL (a mistyped
/// one, or libpq's `key=value` form): the userinfo password, and the value
/// of any `password`, `pass`, `pwd`, `secret`, `token` or `key` parameter.
fn redact_unparsed(raw: &str) -> String {
    let mut out = raw.to_string();
    // `scheme://user:secret@host`
    if let Some(start) = out.find("://") {
        let rest = &out[start + 3..];
        if let Some(at) = rest.find('@')
            && let Some(colon) = rest[..at].find(':')
        {
            let from = start + 3 + colon + 1;
            out.replace_range(from..start + 3 + at, "***");
        }
    }
    let secret = |name: &str| {
        let name = name.to_ascii_lowercase();
        ["pass", "pwd", "secret", "token", "key"]
            .iter()
            .any(|s| name.contains(s))
    };
    let mut masked = String::with_capacity(out.len());
    let mut rest = out.as_str();
    while let Some(eq) = rest.find('=') {
        let (before, after) = rest.split_at(eq);
        let name = before
            .rsplit(|c: char| c == '?' || c == '&' || c.is_whitespace())
            .next()
            .unwrap_or_default();
        masked.push_str(before);
        masked.push('=');
        let value_end = after[1..]
            .find(|c: char| c == '&' || c.is_whitespace())
            .map_or(after.len(), |i| i + 1);
        if secret(name) {
            masked.push_str("***");
        } else {
            masked.push_str(&after[1..value_end]);
        }
        rest = &after[value_end..];
    }
    masked.push_str(rest);
    masked
}

/// Turns figment's error into one line that names the key.
fn from_figment(error: figment::Error) -> ConfigError {
    // For unknown fields figment's path already ends with the field's name.
    let key = error.path.join(".");
    let source = error
        .metadata
        .as_ref()
        .map(|m| match &m.source {
            Some(source) => format!(" (from {} {source})", m.name),
            None => format!(" (from {})", m.name),
        })
        .unwrap_or_default();
    let message = match &error.kind {
        figment::error::Kind::UnknownField(field, _) => format!("unknown key `{field}`"),
        kind => kind.to_string(),
    };
    ConfigError {
        key: if key.is_empty() { "(file)".into() } else { key },
        message: format!("{message}{source}"),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn domains() {
        for ok in ["wijk.example", "127.0.0.2:8080", "localhost:8080", "a.b.c"] {
            assert!(validate_domain(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "https://wijk.example",
            "wijk.example/x",
            "Wijk.example",
            "a b",
            "u@h",
            "h:99999",
        ] {
            assert!(validate_domain(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn redacts_passwords_only() {
        assert_eq!(
            redact_url("postgres://kp:geheim@db:5432/kp"),
            "postgres://kp:***@db:5432/kp"
        );
        assert_eq!(
            redact_url("sqlite://kp.db?mode=rwc"),
            "sqlite://kp.db?mode=rwc"
        );
        assert_eq!(
            redact_url("postgres://kp@db/kp?password=geheim&sslmode=require&sslpassword=x"),
            "postgres://kp@db/kp?password=***&sslmode=require&sslpassword=***"
        );
        assert_eq!(
            redact_url("postgres://kp:a@db/kp?PassWord=b"),
            "postgres://kp:***@db/kp?PassWord=***"
        );
        // Not parsable as a URL (a bad port), and libpq's key=value form.
        assert_eq!(
            redact_url("postgres://kp:geheim@db:99999/kp?password=x&sslmode=require"),
            "postgres://kp:***@db:99999/kp?password=***&sslmode=require"
        );
        assert_eq!(
            redact_url("host=db user=kp password=geheim dbname=kp"),
            "host=db user=kp password=*** dbname=kp"
        );
    }

    #[test]
    fn engines() {
        let mut c = Config::default();
        assert_eq!(c.engine().unwrap(), Engine::Sqlite);
        c.database.url = "postgresql://x@y/z".into();
        assert_eq!(c.engine().unwrap(), Engine::Postgres);
        c.database.url = "mysql://x@y/z".into();
        assert_eq!(c.engine().unwrap_err().key, "database.url");
    }
}
