//! HTTP signatures (draft-cavage) as Mastodon makes and checks them: signed
//! headers `(request-target) host date [digest]`, RSA-SHA256 via aws-lc-rs.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::KeyPair;
use aws_lc_rs::signature::{self, UnparsedPublicKey};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use http_signature_normalization::Config;

/// Why a request's signature was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SignatureError {
    #[error("the request is not signed")]
    Missing,
    #[error("the signature header cannot be read: {0}")]
    Malformed(String),
    #[error("the Digest header does not match the body")]
    DigestMismatch,
    #[error("a signed POST needs a SHA-256 Digest header")]
    DigestMissing,
    #[error("the Date header is missing or unreadable")]
    BadDate,
    #[error("the Date header is too old (more than 12 hours)")]
    Expired,
    #[error("the Date header is in the future (more than 1 hour)")]
    Future,
    #[error("the signature does not verify with the actor's key")]
    Invalid,
    #[error(
        "the signature must cover the {0} header; sign (request-target) host date and, with a body, digest"
    )]
    NotCovered(&'static str),
    #[error("the public key cannot be read")]
    BadKey,
    #[error("signing failed")]
    Sign,
}

/// Mastodon accepts signatures up to 12 hours old and up to 1 hour ahead.
pub const MAX_AGE: Duration = Duration::from_secs(12 * 3600);
pub const MAX_SKEW_AHEAD: Duration = Duration::from_secs(3600);

/// `SHA-256=<base64>` of a body.
pub fn digest(body: &[u8]) -> String {
    let d = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, body);
    format!("SHA-256={}", STANDARD.encode(d.as_ref()))
}

/// Headers to add to an outgoing request: `Date`, `Digest` (with a body) and `Signature`.
pub fn sign(
    method: &str,
    url: &url::Url,
    body: Option<&[u8]>,
    key_id: &str,
    key: &KeyPair,
) -> Result<Vec<(&'static str, String)>, SignatureError> {
    let host = match url.port() {
        Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
        None => url.host_str().unwrap_or_default().to_string(),
    };
    let date = httpdate::fmt_http_date(SystemTime::now());
    let mut headers = BTreeMap::new();
    headers.insert("host".to_string(), host);
    headers.insert("date".to_string(), date.clone());
    let digest_value = body.map(digest);
    if let Some(d) = &digest_value {
        headers.insert("digest".to_string(), d.clone());
    }
    let path_and_query = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    };
    let unsigned = Config::new()
        .mastodon_compat()
        .begin_sign(&method.to_lowercase(), &path_and_query, headers)
        .map_err(|e| SignatureError::Malformed(e.to_string()))?;
    let rng = SystemRandom::new();
    let signed = unsigned.sign(key_id.to_string(), |signing_string| {
        let mut sig = vec![0u8; key.public_modulus_len()];
        key.sign(
            &signature::RSA_PKCS1_SHA256,
            &rng,
            signing_string.as_bytes(),
            &mut sig,
        )
        .map_err(|_| SignatureError::Sign)?;
        Ok::<_, SignatureError>(STANDARD.encode(sig))
    })?;
    let mut out = vec![("date", date), ("signature", signed.signature_header())];
    if let Some(d) = digest_value {
        out.push(("digest", d));
    }
    Ok(out)
}

/// An incoming request whose signature has been parsed and whose digest and
/// date have been checked; it still needs the key of `key_id`.
#[derive(Debug)]
pub struct PendingVerification {
    pub key_id: String,
    /// Signing strings to try: with the query string, then without (peers differ).
    candidates: Vec<(String, String)>,
}

/// Reads and pre-checks the signature of a request: `method` lowercase or not,
/// `path` without query, `headers` with lowercase names.
pub fn prepare(
    method: &str,
    path: &str,
    query: Option<&str>,
    headers: &BTreeMap<String, String>,
    body: Option<&[u8]>,
) -> Result<PendingVerification, SignatureError> {
    if !headers.contains_key("signature") && !headers.contains_key("authorization") {
        return Err(SignatureError::Missing);
    }
    if let Some(body) = body {
        let Some(given) = headers.get("digest") else {
            return Err(SignatureError::DigestMissing);
        };
        check_digest(given, body)?;
    }
    let date = headers
        .get("date")
        .and_then(|d| httpdate::parse_http_date(d).ok())
        .ok_or(SignatureError::BadDate)?;
    let now = SystemTime::now();
    if date + MAX_AGE < now {
        return Err(SignatureError::Expired);
    }
    if date > now + MAX_SKEW_AHEAD {
        return Err(SignatureError::Future);
    }
    // One signature only: the library reads `Authorization` before
    // `Signature`; two would let what is checked differ from what is read.
    if headers.contains_key("signature") && headers.contains_key("authorization") {
        return Err(SignatureError::Malformed(
            "both a Signature and an Authorization header".into(),
        ));
    }
    // What the signature covers: without the request target it could be
    // replayed to another path, without the host to another server. Named
    // here for a clear answer; the library enforces it on what it parses.
    let covered = signed_headers(headers);
    for required in ["(request-target)", "host"] {
        if !covered.iter().any(|h| h.eq_ignore_ascii_case(required)) {
            return Err(SignatureError::NotCovered(required));
        }
    }
    let mut config = Config::new()
        .mastodon_compat()
        .require_header("(request-target)")
        .set_expiration(MAX_AGE);
    if body.is_some() {
        // Unless the Digest is signed, the body is not: refuse, as Mastodon does.
        config = config.require_digest();
    }
    let method = method.to_lowercase();
    let mut targets = vec![];
    if let Some(q) = query.filter(|q| !q.is_empty()) {
        targets.push(format!("{path}?{q}"));
    }
    targets.push(path.to_string());
    let mut candidates = Vec::new();
    let mut key_id = None;
    let mut last_error = None;
    for target in targets {
        match config.begin_verify(&method, &target, headers.clone()) {
            Ok(unverified) => {
                key_id = Some(unverified.key_id().to_string());
                candidates.push((
                    unverified.signing_string().to_string(),
                    unverified.signature().to_string(),
                ));
            }
            Err(e) => last_error = Some(e.to_string()),
        }
    }
    match key_id {
        Some(key_id) => Ok(PendingVerification { key_id, candidates }),
        None => Err(SignatureError::Malformed(last_error.unwrap_or_default())),
    }
}

/// The header names a request's signature covers (its `headers` parameter;
/// `date` alone when absent, as draft-cavage says).
fn signed_headers(headers: &BTreeMap<String, String>) -> Vec<String> {
    let value = headers
        .get("signature")
        .map(String::as_str)
        .or_else(|| {
            headers
                .get("authorization")
                .and_then(|a| a.strip_prefix("Signature "))
        })
        .unwrap_or_default();
    // Every `headers` parameter must name the required ones (the library
    // keeps the last; a forger may repeat it), so all of them are read.
    let lists: Vec<Vec<String>> = value
        .split(',')
        .filter_map(|part| part.trim().split_once('='))
        .filter(|(name, _)| name.trim().eq_ignore_ascii_case("headers"))
        .map(|(_, v)| {
            v.trim()
                .trim_matches('"')
                .split_whitespace()
                .map(str::to_string)
                .collect()
        })
        .collect();
    match lists.as_slice() {
        [] => vec!["date".to_string()],
        [one] => one.clone(),
        // Repeated: only what every list names counts as covered.
        [first, rest @ ..] => first
            .iter()
            .filter(|h| rest.iter().all(|l| l.contains(h)))
            .cloned()
            .collect(),
    }
}

/// Both `SHA-256=` and `sha-256=` are seen in the wild; other algorithms are ignored.
fn check_digest(given: &str, body: &[u8]) -> Result<(), SignatureError> {
    let expected = digest(body);
    let expected_value = &expected["SHA-256=".len()..];
    let mut saw_sha256 = false;
    for part in given.split(',') {
        let Some((alg, value)) = part.trim().split_once('=') else {
            continue;
        };
        if alg.eq_ignore_ascii_case("sha-256") {
            saw_sha256 = true;
            if value.trim() == expected_value {
                return Ok(());
            }
        }
    }
    if saw_sha256 {
        Err(SignatureError::DigestMismatch)
    } else {
        Err(SignatureError::DigestMissing)
    }
}

impl PendingVerification {
    /// Checks the signature with a PEM (SPKI or PKCS#1) RSA public key.
    pub fn verify(&self, public_key_pem: &str) -> Result<(), SignatureError> {
        let der = public_key_der(public_key_pem)?;
        for (signing_string, sig) in &self.candidates {
            let Ok(sig) = STANDARD.decode(sig.trim()) else {
                continue;
            };
            let key = UnparsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, &der);
            if key.verify(signing_string.as_bytes(), &sig).is_ok() {
                return Ok(());
            }
        }
        Err(SignatureError::Invalid)
    }
}

/// The PKCS#1 RSAPublicKey DER inside a PEM public key, as aws-lc-rs verifies with.
fn public_key_der(pem: &str) -> Result<Vec<u8>, SignatureError> {
    let (label, der) =
        pem_rfc7468::decode_vec(pem.trim().as_bytes()).map_err(|_| SignatureError::BadKey)?;
    match label {
        "RSA PUBLIC KEY" => Ok(der),
        "PUBLIC KEY" => spki_to_pkcs1(&der).ok_or(SignatureError::BadKey),
        _ => Err(SignatureError::BadKey),
    }
}

/// Extracts the subjectPublicKey BIT STRING from an SPKI structure (RSA only).
fn spki_to_pkcs1(der: &[u8]) -> Option<Vec<u8>> {
    // SEQUENCE { SEQUENCE { OID rsaEncryption, NULL }, BIT STRING { 0x00, RSAPublicKey } }
    let (outer, _) = read_tlv(der, 0x30)?;
    let (alg, rest) = read_tlv(outer, 0x30)?;
    const RSA_OID: &[u8] = &[
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01,
    ];
    if !alg.starts_with(RSA_OID) {
        return None;
    }
    let (bits, _) = read_tlv(rest, 0x03)?;
    let (&unused, key) = bits.split_first()?;
    (unused == 0).then(|| key.to_vec())
}

/// One DER TLV with the expected tag: (contents, rest).
fn read_tlv(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (&t, rest) = input.split_first()?;
    if t != tag {
        return None;
    }
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (len, &rest[n..])
    };
    (rest.len() >= len).then(|| (&rest[..len], &rest[len..]))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::keys::{generate_actor_keys, private_key_from_pem};

    fn headers_of(signed: &[(&str, String)], host: &str) -> BTreeMap<String, String> {
        let mut h: BTreeMap<String, String> = signed
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        h.insert("host".into(), host.into());
        h
    }

    #[test]
    fn signs_and_verifies_a_post() {
        let keys = generate_actor_keys().unwrap();
        let pair = private_key_from_pem(&keys.private_key_pem).unwrap();
        let url = url::Url::parse("https://b.example/users/bob/inbox?x=1").unwrap();
        let body = br#"{"type":"Follow"}"#;
        let signed = sign(
            "POST",
            &url,
            Some(body),
            "https://a.example/users/alice#main-key",
            &pair,
        )
        .unwrap();
        let headers = headers_of(&signed, "b.example");
        let pending = prepare(
            "POST",
            "/users/bob/inbox",
            Some("x=1"),
            &headers,
            Some(body),
        )
        .unwrap();
        assert_eq!(pending.key_id, "https://a.example/users/alice#main-key");
        pending.verify(&keys.public_key_pem).unwrap();
        // A different key fails.
        let other = generate_actor_keys().unwrap();
        assert_eq!(
            pending.verify(&other.public_key_pem),
            Err(SignatureError::Invalid)
        );
        // A changed body fails the digest.
        assert_eq!(
            prepare(
                "POST",
                "/users/bob/inbox",
                Some("x=1"),
                &headers,
                Some(b"{}")
            )
            .unwrap_err(),
            SignatureError::DigestMismatch
        );
    }

    #[test]
    fn a_post_must_sign_its_digest() {
        let keys = generate_actor_keys().unwrap();
        let pair = private_key_from_pem(&keys.private_key_pem).unwrap();
        let url = url::Url::parse("https://b.example/inbox").unwrap();
        // Signed as a GET (no digest), then sent with a body.
        let signed = sign("GET", &url, None, "k", &pair).unwrap();
        let mut headers = headers_of(&signed, "b.example");
        headers.insert("digest".into(), digest(b"{}"));
        assert!(matches!(
            prepare("GET", "/inbox", None, &headers, Some(b"{}")),
            Err(SignatureError::Malformed(_))
        ));
    }

    #[test]
    fn tolerates_signatures_without_the_query() {
        let keys = generate_actor_keys().unwrap();
        let pair = private_key_from_pem(&keys.private_key_pem).unwrap();
        let url = url::Url::parse("https://b.example/users/bob").unwrap();
        let signed = sign("GET", &url, None, "k", &pair).unwrap();
        let headers = headers_of(&signed, "b.example");
        prepare("GET", "/users/bob", Some("page=1"), &headers, None)
            .unwrap()
            .verify(&keys.public_key_pem)
            .unwrap();
    }

    #[test]
    fn refuses_missing_old_and_future_dates() {
        let mut h = BTreeMap::new();
        assert_eq!(
            prepare("GET", "/", None, &h, None).unwrap_err(),
            SignatureError::Missing
        );
        h.insert(
            "signature".into(),
            "keyId=\"k\",headers=\"(request-target) host date\",signature=\"AA==\"".into(),
        );
        h.insert("host".into(), "b.example".into());
        assert_eq!(
            prepare("GET", "/", None, &h, None).unwrap_err(),
            SignatureError::BadDate
        );
        h.insert(
            "date".into(),
            httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(13 * 3600)),
        );
        assert_eq!(
            prepare("GET", "/", None, &h, None).unwrap_err(),
            SignatureError::Expired
        );
        h.insert(
            "date".into(),
            httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2 * 3600)),
        );
        assert_eq!(
            prepare("GET", "/", None, &h, None).unwrap_err(),
            SignatureError::Future
        );
        h.insert(
            "date".into(),
            httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(11 * 3600)),
        );
        assert!(
            prepare("GET", "/", None, &h, None).is_ok(),
            "11 hours old is accepted"
        );
    }

    #[test]
    fn the_target_and_host_must_be_signed() {
        let mut h = BTreeMap::new();
        h.insert("host".into(), "b.example".into());
        h.insert("date".into(), httpdate::fmt_http_date(SystemTime::now()));
        for (list, missing) in [
            ("host date", "(request-target)"),
            ("(request-target) date", "host"),
            ("", "(request-target)"),
        ] {
            let header = if list.is_empty() {
                "keyId=\"k\",signature=\"AA==\"".to_string()
            } else {
                format!("keyId=\"k\",headers=\"{list}\",signature=\"AA==\"")
            };
            h.insert("signature".into(), header);
            assert_eq!(
                prepare("GET", "/", None, &h, None).unwrap_err(),
                SignatureError::NotCovered(missing),
                "{list:?}"
            );
        }
    }

    #[test]
    fn a_repeated_or_second_signature_cannot_hide_what_is_signed() {
        let keys = generate_actor_keys().unwrap();
        let pair = private_key_from_pem(&keys.private_key_pem).unwrap();
        let url = url::Url::parse("https://b.example/inbox").unwrap();
        let signed = sign("POST", &url, Some(b"{}"), "k", &pair).unwrap();
        let mut headers = headers_of(&signed, "b.example");
        // A second headers= parameter listing less.
        let original = headers["signature"].clone();
        headers.insert(
            "signature".into(),
            format!("{original},headers=\"date digest\""),
        );
        assert!(prepare("POST", "/inbox", None, &headers, Some(b"{}")).is_err());
        // An Authorization header beside the Signature header.
        headers.insert("signature".into(), original.clone());
        headers.insert("authorization".into(), format!("Signature {original}"));
        assert!(matches!(
            prepare("POST", "/inbox", None, &headers, Some(b"{}")),
            Err(SignatureError::Malformed(_))
        ));
    }

    #[test]
    fn digests_in_either_case() {
        let body = b"hello";
        let d = digest(body);
        assert!(check_digest(&d, body).is_ok());
        assert!(check_digest(&d.replace("SHA-256", "sha-256"), body).is_ok());
        assert_eq!(
            check_digest("SHA-256=AAAA", body),
            Err(SignatureError::DigestMismatch)
        );
        assert_eq!(
            check_digest("MD5=AAAA", body),
            Err(SignatureError::DigestMissing)
        );
    }
}
