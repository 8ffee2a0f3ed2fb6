//! What protects sign-in and app registration from being hammered: the
//! client's address (through trusted proxies only), a bound on password
//! hashing running at once, and a rate limit on registering apps.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use tokio::sync::{Semaphore, SemaphorePermit};

use crate::config::Config;
use crate::error::AppError;

/// The address a request came from. Behind a reverse proxy listed in
/// `http.trusted_proxies`, the last address its `X-Forwarded-For` names that
/// is not itself a trusted proxy; otherwise the connection's peer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

/// The client of a request from `peer` carrying `forwarded_for`.
pub fn client_ip(peer: IpAddr, forwarded_for: Option<&str>, trusted: &[IpAddr]) -> IpAddr {
    let peer = peer.to_canonical();
    if !trusted.contains(&peer) {
        return peer;
    }
    // Proxies append: the right-most address not a proxy of ours is the
    // client; anything left of it may have been sent by the client itself.
    forwarded_for
        .unwrap_or_default()
        .rsplit(',')
        .filter_map(|a| a.trim().parse::<IpAddr>().ok())
        .map(|a| a.to_canonical())
        .find(|a| !trusted.contains(a))
        .unwrap_or(peer)
}

/// The key limits per client address count under: the address itself, or
/// for IPv6 its /64 (one subscriber's network, which holds more addresses
/// than anyone could use up).
pub fn address_key(ip: IpAddr) -> String {
    match ip.to_canonical() {
        IpAddr::V4(v4) => format!("addr:{v4}"),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("addr:{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
}

/// Shared limits of one instance.
pub struct Guards {
    /// Password hashes being checked at once.
    passwords: Semaphore,
    /// Most checks that may wait for one of those slots.
    password_queue: Semaphore,
    /// App registrations per client address (IPv6: per /64).
    apps: DefaultKeyedRateLimiter<String>,
    /// Sign-ups per client address (IPv6: per /64).
    sign_ups: DefaultKeyedRateLimiter<String>,
}

impl Guards {
    pub fn new(config: &Config) -> Arc<Guards> {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
        let checks = match config.api.max_password_checks {
            0 => (2 * cores).max(4),
            n => n,
        };
        let per_hour =
            |n: u32| Quota::per_hour(NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN));
        Arc::new(Guards {
            passwords: Semaphore::new(checks),
            password_queue: Semaphore::new(checks * 4),
            apps: RateLimiter::hashmap(per_hour(config.api.apps_per_hour)),
            sign_ups: RateLimiter::hashmap(per_hour(config.api.sign_ups_per_hour)),
        })
    }

    /// A slot to check a password in: waits while a few others wait too;
    /// beyond that the server is busy (503 with Retry-After) rather than
    /// letting password hashing eat every core.
    pub async fn password_slot(&self) -> Result<SemaphorePermit<'_>, AppError> {
        let busy = || AppError::Unavailable {
            message: msg!("error-sign-ins-busy"),
            retry_after: 2,
        };
        let _waiting = self.password_queue.try_acquire().map_err(|_| busy())?;
        self.passwords.acquire().await.map_err(|_| busy())
    }

    /// Counts an app registration from `client`; 429 beyond its share.
    pub fn register_app(&self, client: IpAddr) -> Result<(), AppError> {
        count(&self.apps, client, msg!("error-apps-rate-limited"))
    }

    /// Counts a sign-up from `client`; 429 beyond its share. A sign-up
    /// hashes a password and makes a key pair: both cost real work.
    pub fn sign_up(&self, client: IpAddr) -> Result<(), AppError> {
        count(&self.sign_ups, client, msg!("error-sign-ups-rate-limited"))
    }
}

fn count(
    limiter: &DefaultKeyedRateLimiter<String>,
    client: IpAddr,
    message: crate::i18n::Msg,
) -> Result<(), AppError> {
    if limiter.len() > 10_000 {
        limiter.retain_recent();
    }
    limiter
        .check_key(&address_key(client))
        .map_err(|not_until| {
            let wait = not_until.wait_time_from(governor::clock::Clock::now(
                &governor::clock::DefaultClock::default(),
            ));
            AppError::RateLimited {
                message,
                retry_after: wait.as_secs().max(1),
            }
        })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn only_trusted_proxies_may_name_the_client() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let proxy = [ip("10.0.0.1")];
        // Without a trusted proxy the header is ignored.
        assert_eq!(
            client_ip(ip("203.0.113.9"), Some("1.2.3.4"), &[]),
            ip("203.0.113.9")
        );
        // Through the proxy: the right-most address that is not the proxy.
        assert_eq!(
            client_ip(ip("10.0.0.1"), Some("6.6.6.6, 198.51.100.7"), &proxy),
            ip("198.51.100.7")
        );
        assert_eq!(
            client_ip(ip("10.0.0.1"), Some("198.51.100.7, 10.0.0.1"), &proxy),
            ip("198.51.100.7")
        );
        assert_eq!(client_ip(ip("10.0.0.1"), None, &proxy), ip("10.0.0.1"));
        assert_eq!(
            client_ip(ip("::ffff:203.0.113.9"), None, &[]),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn an_ipv6_network_counts_as_one_address() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert_eq!(
            address_key(ip("2001:db8:1:2:aaaa::1")),
            address_key(ip("2001:db8:1:2:bbbb::2"))
        );
        assert_ne!(
            address_key(ip("2001:db8:1:2::1")),
            address_key(ip("2001:db8:1:3::1"))
        );
        assert_eq!(address_key(ip("::ffff:10.0.0.1")), "addr:10.0.0.1");
    }
}
