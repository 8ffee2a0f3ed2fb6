//! The one HTTP client for talking to other servers: refuses private and
//! loopback addresses (unless allowed) and blocked domains, follows
//! redirects only after checking them again, limits size and time, signs
//! every request, remembers hosts that did not answer, and for fetched
//! objects checks that the `id` is the URL it came from.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use aws_lc_rs::rsa::KeyPair;
use futures_util::StreamExt;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderValue, LOCATION, USER_AGENT};
use reqwest::{Client, Method, StatusCode};
use url::{Host, Url};

use crate::signatures;

/// The ActivityPub media types we ask for and accept.
pub const ACCEPT_ACTIVITY: &str = "application/activity+json, application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"";

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("{0} is not an http(s) URL")]
    Scheme(String),
    #[error("plain http is not allowed: {0}")]
    PlainHttp(String),
    #[error("{0} points to a private or local address")]
    PrivateAddress(String),
    #[error("request to {url} failed: {reason}")]
    Transport { url: String, reason: String },
    #[error("{url} answered {status}")]
    Status { url: String, status: u16 },
    #[error("{0} answered with a body over the size limit")]
    TooLarge(String),
    #[error("{url} answered {content_type}, not ActivityPub JSON")]
    ContentType { url: String, content_type: String },
    #[error("{0} is not valid JSON")]
    Json(String),
    #[error("the object's id {id} is not the URL it was fetched from ({url})")]
    IdMismatch { id: String, url: String },
    #[error("too many redirects from {0}")]
    Redirects(String),
    #[error("cannot sign the request: {0}")]
    Sign(String),
    #[error("{0} is blocked on this instance")]
    Blocked(String),
    #[error("{0} did not answer recently; not tried again yet")]
    HostFailing(String),
}

/// What a GET expects back: ActivityPub or other JSON (with the `Accept` to
/// send), or a media file of at most `max_bytes`.
#[derive(Clone, Copy)]
enum Expect<'a> {
    Json(&'a str),
    Media { max_bytes: usize },
}

/// JSON must be said to be JSON; media are judged by their bytes, by the caller.
fn check_content_type(
    response: &reqwest::Response,
    expect: Expect<'_>,
    url: &Url,
) -> Result<(), FetchError> {
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if matches!(expect, Expect::Json(_)) && !content_type.contains("json") {
        return Err(FetchError::ContentType {
            url: url.to_string(),
            content_type,
        });
    }
    Ok(())
}

/// Limits and permissions of outgoing requests.
#[derive(Debug, Clone)]
pub struct FetchPolicy {
    pub allow_http: bool,
    pub allow_private_addresses: bool,
    /// Longest a delivery (POST) may take.
    pub timeout: Duration,
    /// Longest a fetch (GET) may take.
    pub fetch_timeout: Duration,
    /// A host whose fetch could not connect or timed out is not fetched
    /// again for this long: a server that does not answer costs one
    /// timeout, not one per activity that names it.
    pub failing_host_memory: Duration,
    pub max_body_bytes: usize,
    pub user_agent: String,
}

/// Who signs outgoing requests: a key id (`ACTOR#main-key`) and its private
/// key. Shared, so a signature can be made on another thread.
#[derive(Clone)]
pub struct Signer {
    pub key_id: Arc<str>,
    pub key: Arc<KeyPair>,
}

/// A client that enforces a [`FetchPolicy`].
#[derive(Clone)]
pub struct SafeClient {
    client: Client,
    policy: FetchPolicy,
    /// Signatures are made on their own threads, see [`SigningPool`].
    signing: SigningPool,
    hosts: Arc<Hosts>,
}

/// What the client knows of other hosts: those it must not talk to, and
/// those that did not answer lately.
#[derive(Default)]
struct Hosts {
    /// Blocked domains; each covers its subdomains.
    blocked: RwLock<Vec<String>>,
    /// Hosts (`name[:port]`) whose fetch failed, until when they are skipped.
    failing: Mutex<HashMap<String, Instant>>,
}

/// A host without its port (`[::1]:80` → `::1`, `a.example:8080` → `a.example`).
pub fn host_name(host: &str) -> String {
    let host = host.trim().to_ascii_lowercase();
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split(']').next().unwrap_or_default().to_string();
    }
    if host.matches(':').count() > 1 {
        return host;
    }
    host.split(':').next().unwrap_or_default().to_string()
}

/// `name[:port]` of a URL, as ActivityPub compares hosts.
fn authority(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host,
    }
}

/// Most hosts remembered as failing; older entries are dropped beyond it.
const MAX_FAILING_HOSTS: usize = 10_000;

/// Whether a domain block of `domain` covers `host` (`name[:port]`): the
/// domain and its subdomains, on any port unless the block names one. The
/// one rule for blocks, wherever they are applied.
pub fn block_covers(domain: &str, host: &str) -> bool {
    host_within(host, domain) || (!domain.contains(':') && host_within(&host_name(host), domain))
}

/// Whether `host` (a name or address, without port) is `domain` or below it.
pub fn host_within(host: &str, domain: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let domain = domain.trim_end_matches('.').to_ascii_lowercase();
    !domain.is_empty()
        && (host == domain
            || host
                .strip_suffix(domain.as_str())
                .is_some_and(|rest| rest.ends_with('.')))
}

/// A job for the signing threads: it sends its result back itself.
type SignJob = Box<dyn FnOnce() + Send>;

/// RSA signing (0.2–1 ms each) on threads of its own, one per core, taking
/// jobs from one queue. On the async threads a fan-out's signatures would
/// keep every other task (database answers, the delivery worker, incoming
/// requests) waiting behind them; with a hop to the blocking pool per
/// signature, a signing thread would wait for an async thread to hand it
/// the next one. The threads end when the last client clone is dropped.
#[derive(Clone)]
struct SigningPool {
    jobs: crossbeam_channel::Sender<SignJob>,
}

impl SigningPool {
    fn start() -> Result<SigningPool, FetchError> {
        let (jobs, queue) = crossbeam_channel::unbounded::<SignJob>();
        let threads = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
        for n in 0..threads {
            let queue = queue.clone();
            std::thread::Builder::new()
                .name(format!("kp-sign-{n}"))
                .spawn(move || {
                    for job in queue {
                        // A job that panicked dropped its answer (the caller
                        // sees an error); the thread goes on with the next.
                        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                    }
                })
                .map_err(|e| FetchError::Sign(format!("starting a signing thread: {e}")))?;
        }
        Ok(SigningPool { jobs })
    }

    async fn sign(
        &self,
        method: &'static str,
        url: &Url,
        body: Option<bytes::Bytes>,
        signer: &Signer,
    ) -> Result<Vec<(&'static str, String)>, FetchError> {
        let (answer, answered) = tokio::sync::oneshot::channel();
        let (url, signer) = (url.clone(), signer.clone());
        let job: SignJob = Box::new(move || {
            let _ = answer.send(signatures::sign(
                method,
                &url,
                body.as_deref(),
                &signer.key_id,
                &signer.key,
            ));
        });
        self.jobs
            .send(job)
            .map_err(|_| FetchError::Sign("the signing threads have stopped".into()))?;
        answered
            .await
            .map_err(|_| FetchError::Sign("signing failed".into()))?
            .map_err(|e| FetchError::Sign(e.to_string()))
    }
}

/// An answer to a POST: the status, and `Retry-After` in seconds if given.
#[derive(Debug, Clone)]
pub struct PostOutcome {
    pub status: StatusCode,
    pub retry_after: Option<u64>,
}

/// Loopback, private, link-local, multicast, unspecified, CGNAT, documentation
/// and the IPv6 equivalents: never reachable from the public internet. IPv6
/// addresses that carry an IPv4 address (mapped, compatible, NAT64, 6to4,
/// Teredo) are refused outright: what they reach depends on the network.
pub fn is_forbidden_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_multicast()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || o[0] == 0
                || (o[0] == 100 && (64..128).contains(&o[1]))
                || (o[0] == 192 && o[1] == 0 && o[2] == 0)
                || o[0] >= 240
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            matches!(
                s,
                // ::ffff:0:0/96 (mapped) and ::/96 (compatible, with :: and ::1)
                [0, 0, 0, 0, 0, 0xffff, ..]
                    | [0, 0, 0, 0, 0, 0, ..]
                    // 64:ff9b::/96 and 64:ff9b:1::/48 (NAT64)
                    | [0x64, 0xff9b, 0, 0, 0, 0, ..]
                    | [0x64, 0xff9b, 1, ..]
                    // 2002::/16 (6to4) and 2001::/32 (Teredo)
                    | [0x2002, ..]
                    | [0x2001, 0, ..]
            ) || v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                || (s[0] == 0x2001 && s[1] == 0x0db8)
        }
    }
}

/// Resolves names and refuses those that lead to an address
/// [`is_forbidden_ip`] refuses, at the moment of connecting (so a DNS answer
/// that changes between a check and the connection cannot slip through).
struct GuardedResolver {
    validate: bool,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().trim_end_matches('.').to_owned();
        let validate = self.validate;
        Box::pin(async move {
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if validate
                && let Some(ip) = addrs
                    .iter()
                    .map(|a| a.ip().to_canonical())
                    .find(|ip| is_forbidden_ip(*ip))
            {
                return Err(Box::new(std::io::Error::new(
                    std::io::ErrorKind::PermissionDenied,
                    format!("{host} resolves to a private address ({ip})"),
                ))
                    as Box<dyn std::error::Error + Send + Sync>);
            }
            let addrs: reqwest::dns::Addrs = Box::new(addrs.into_iter());
            Ok(addrs)
        })
    }
}

impl SafeClient {
    pub fn new(policy: FetchPolicy) -> Result<SafeClient, FetchError> {
        let client = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(policy.timeout)
            .connect_timeout(policy.timeout)
            .no_proxy()
            // Names are resolved and checked here, so a DNS answer cannot smuggle in a private address.
            .dns_resolver(Arc::new(GuardedResolver {
                validate: !policy.allow_private_addresses,
            }))
            .build()
            .map_err(|e| FetchError::Transport {
                url: String::new(),
                reason: e.to_string(),
            })?;
        Ok(SafeClient {
            client,
            policy,
            signing: SigningPool::start()?,
            hosts: Arc::new(Hosts::default()),
        })
    }

    /// Replaces the blocked domains (each covers its subdomains): nothing
    /// is fetched from or delivered to them.
    pub fn set_blocked(&self, domains: Vec<String>) {
        if let Ok(mut blocked) = self.hosts.blocked.write() {
            *blocked = domains;
        }
    }

    /// Whether `host` (a name or address, with or without port) is blocked:
    /// a block without a port covers the host on any port.
    pub fn is_blocked(&self, host: &str) -> bool {
        self.hosts
            .blocked
            .read()
            .map(|b| b.iter().any(|d| block_covers(d, host)))
            .unwrap_or(false)
    }

    /// Whether fetches from `host` are skipped because it did not answer lately.
    fn failing_until(&self, host: &str) -> Option<Instant> {
        let mut failing = self.hosts.failing.lock().ok()?;
        match failing.get(host) {
            Some(until) if *until > Instant::now() => Some(*until),
            Some(_) => {
                failing.remove(host);
                None
            }
            None => None,
        }
    }

    fn remember_failing(&self, host: &str) {
        if self.policy.failing_host_memory.is_zero() {
            return;
        }
        let Ok(mut failing) = self.hosts.failing.lock() else {
            return;
        };
        let now = Instant::now();
        if failing.len() >= MAX_FAILING_HOSTS {
            failing.retain(|_, until| *until > now);
            if failing.len() >= MAX_FAILING_HOSTS {
                failing.clear();
            }
        }
        tracing::info!(host, "a host did not answer a fetch; skipped for a while");
        failing.insert(host.to_string(), now + self.policy.failing_host_memory);
    }

    pub fn policy(&self) -> &FetchPolicy {
        &self.policy
    }

    /// Checks a URL before any request: scheme, and IP literals (names are checked by the resolver).
    pub fn check_url(&self, url: &Url) -> Result<(), FetchError> {
        match url.scheme() {
            "https" => {}
            "http" if self.policy.allow_http => {}
            "http" => return Err(FetchError::PlainHttp(url.to_string())),
            _ => return Err(FetchError::Scheme(url.to_string())),
        }
        let host = authority(url);
        if self.is_blocked(&host) {
            return Err(FetchError::Blocked(host));
        }
        if self.policy.allow_private_addresses {
            return Ok(());
        }
        let forbidden = match url.host() {
            Some(Host::Ipv4(ip)) => is_forbidden_ip(IpAddr::V4(ip)),
            Some(Host::Ipv6(ip)) => is_forbidden_ip(IpAddr::V6(ip)),
            Some(Host::Domain(d)) => {
                d.eq_ignore_ascii_case("localhost") || d.ends_with(".localhost")
            }
            None => true,
        };
        if forbidden {
            return Err(FetchError::PrivateAddress(url.to_string()));
        }
        Ok(())
    }

    /// GETs an ActivityPub object (signed, following up to 3 checked redirects),
    /// and checks that its `id` is the final URL.
    pub async fn get_object(
        &self,
        url: &Url,
        signer: Option<&Signer>,
    ) -> Result<serde_json::Value, FetchError> {
        let (final_url, body) = self.get(url, ACCEPT_ACTIVITY, signer).await?;
        let value: serde_json::Value =
            serde_json::from_slice(&body).map_err(|_| FetchError::Json(final_url.to_string()))?;
        let id = value.get("id").and_then(|v| v.as_str()).unwrap_or_default();
        if id != final_url.as_str() {
            return Err(FetchError::IdMismatch {
                id: id.to_string(),
                url: final_url.to_string(),
            });
        }
        Ok(value)
    }

    /// GETs any JSON document (WebFinger, NodeInfo), with the same checks but no id check.
    pub async fn get_json(&self, url: &Url, accept: &str) -> Result<serde_json::Value, FetchError> {
        let (final_url, body) = self.get(url, accept, None).await?;
        serde_json::from_slice(&body).map_err(|_| FetchError::Json(final_url.to_string()))
    }

    /// GETs a media file (unsigned) of at most `max_bytes`, with the same
    /// address and redirect checks. Its `Content-Type` is not looked at: the
    /// caller judges the bytes themselves.
    pub async fn get_media(&self, url: &Url, max_bytes: usize) -> Result<Vec<u8>, FetchError> {
        let (_, body) = self
            .get_with(url, Expect::Media { max_bytes }, None)
            .await?;
        Ok(body)
    }

    async fn get(
        &self,
        url: &Url,
        accept: &str,
        signer: Option<&Signer>,
    ) -> Result<(Url, Vec<u8>), FetchError> {
        self.get_with(url, Expect::Json(accept), signer).await
    }

    async fn get_with(
        &self,
        url: &Url,
        expect: Expect<'_>,
        signer: Option<&Signer>,
    ) -> Result<(Url, Vec<u8>), FetchError> {
        let (accept, limit) = match expect {
            Expect::Json(accept) => (accept, self.policy.max_body_bytes),
            Expect::Media { max_bytes } => ("image/*", max_bytes),
        };
        let mut current = url.clone();
        for _ in 0..=3 {
            self.check_url(&current)?;
            let host = authority(&current);
            if self.failing_until(&host).is_some() {
                return Err(FetchError::HostFailing(host));
            }
            let mut request = self
                .client
                .request(Method::GET, current.clone())
                .timeout(self.policy.fetch_timeout)
                .header(ACCEPT, accept)
                .header(USER_AGENT, &self.policy.user_agent);
            if let Some(s) = signer {
                for (name, value) in self.signing.sign("GET", &current, None, s).await? {
                    request = request.header(name, value);
                }
            }
            let response = match request.send().await {
                Ok(r) => r,
                Err(e) => {
                    if e.is_connect() || e.is_timeout() {
                        self.remember_failing(&host);
                    }
                    return Err(FetchError::Transport {
                        url: current.to_string(),
                        reason: e.to_string(),
                    });
                }
            };
            let status = response.status();
            if status.is_redirection() {
                let next = response
                    .headers()
                    .get(LOCATION)
                    .and_then(|l| l.to_str().ok())
                    .and_then(|l| current.join(l).ok())
                    .ok_or_else(|| FetchError::Status {
                        url: current.to_string(),
                        status: status.as_u16(),
                    })?;
                current = next;
                continue;
            }
            if !status.is_success() {
                return Err(FetchError::Status {
                    url: current.to_string(),
                    status: status.as_u16(),
                });
            }
            check_content_type(&response, expect, &current)?;
            let body = match self.read_limited(response, &current, limit).await {
                Err(e @ FetchError::Transport { .. }) => {
                    self.remember_failing(&host);
                    return Err(e);
                }
                other => other?,
            };
            return Ok((current, body));
        }
        Err(FetchError::Redirects(url.to_string()))
    }

    async fn read_limited(
        &self,
        response: reqwest::Response,
        url: &Url,
        limit: usize,
    ) -> Result<Vec<u8>, FetchError> {
        if response.content_length().is_some_and(|l| l > limit as u64) {
            return Err(FetchError::TooLarge(url.to_string()));
        }
        let mut body = Vec::new();
        let mut stream = response.bytes_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| FetchError::Transport {
                url: url.to_string(),
                reason: e.to_string(),
            })?;
            if body.len() + chunk.len() > limit {
                return Err(FetchError::TooLarge(url.to_string()));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    /// POSTs a signed activity to an inbox. Redirects are not followed.
    pub async fn post_activity(
        &self,
        inbox: &Url,
        body: bytes::Bytes,
        signer: &Signer,
    ) -> Result<PostOutcome, FetchError> {
        self.check_url(inbox)?;
        let mut request = self
            .client
            .post(inbox.clone())
            .header(
                CONTENT_TYPE,
                HeaderValue::from_static("application/activity+json"),
            )
            .header(ACCEPT, ACCEPT_ACTIVITY)
            .header(USER_AGENT, &self.policy.user_agent);
        for (name, value) in self
            .signing
            .sign("POST", inbox, Some(body.clone()), signer)
            .await?
        {
            request = request.header(name, value);
        }
        let response = request
            .body(body)
            .send()
            .await
            .map_err(|e| FetchError::Transport {
                url: inbox.to_string(),
                reason: e.to_string(),
            })?;
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        Ok(PostOutcome {
            status: response.status(),
            retry_after,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn forbidden_addresses() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "224.0.0.1",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            // IPv6 carrying IPv4, whatever the IPv4 address is.
            "::ffff:8.8.8.8",
            "::7f00:1",
            "::808:808",
            "64:ff9b::7f00:1",
            "64:ff9b::808:808",
            "64:ff9b:1::a00:1",
            "2002:7f00:1::1",
            "2002:808:808::1",
            "2001:0:4136:e378:8000:63bf:3fff:fdd2",
        ] {
            assert!(is_forbidden_ip(ip.parse::<IpAddr>().unwrap()), "{ip}");
        }
        for ip in [
            "93.184.216.34",
            "2606:4700::1111",
            "8.8.8.8",
            "2a00:1450::1",
        ] {
            assert!(!is_forbidden_ip(ip.parse::<IpAddr>().unwrap()), "{ip}");
        }
    }

    #[test]
    fn domains_cover_their_subdomains_only() {
        assert!(host_within("bad.example", "bad.example"));
        assert!(host_within("a.b.bad.example", "bad.example"));
        assert!(host_within("BAD.example.", "bad.example"));
        assert!(!host_within("notbad.example", "bad.example"));
        assert!(!host_within("bad.example.org", "bad.example"));
        assert_eq!(host_name("[::1]:80"), "::1");
        assert_eq!(host_name("a.example:8080"), "a.example");
        assert_eq!(host_name("127.0.0.3:1234"), "127.0.0.3");
        assert!(block_covers("bad.example", "a.bad.example:8443"));
        assert!(block_covers("127.0.0.3:80", "127.0.0.3:80"));
        assert!(!block_covers("127.0.0.3:80", "127.0.0.3:81"));
    }
}
