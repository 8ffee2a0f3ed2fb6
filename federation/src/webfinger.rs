//! WebFinger (RFC 7033) for `acct:NAME@DOMAIN`: answering and resolving.

use serde::{Deserialize, Serialize};

/// A JRD document.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Jrd {
    pub subject: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub links: Vec<JrdLink>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JrdLink {
    pub rel: String,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
}

/// The JRD for a local actor: a `self` link to its ActivityPub id and a profile page.
pub fn jrd(subject: String, actor_id: &str, profile_url: &str) -> Jrd {
    Jrd {
        subject,
        aliases: vec![actor_id.to_string()],
        links: vec![
            JrdLink {
                rel: "self".into(),
                kind: Some("application/activity+json".into()),
                href: Some(actor_id.to_string()),
                template: None,
            },
            JrdLink {
                rel: "http://webfinger.net/rel/profile-page".into(),
                kind: Some("text/html".into()),
                href: Some(profile_url.to_string()),
                template: None,
            },
        ],
    }
}

/// `NAME@DOMAIN` from `acct:NAME@DOMAIN`, `@NAME@DOMAIN` or `NAME@DOMAIN`.
pub fn parse_acct(resource: &str) -> Option<(String, String)> {
    let rest = resource
        .strip_prefix("acct:")
        .unwrap_or(resource)
        .trim_start_matches('@');
    let (name, domain) = rest.rsplit_once('@')?;
    if name.is_empty() || domain.is_empty() || name.contains('/') || domain.contains('/') {
        return None;
    }
    Some((name.to_string(), domain.to_ascii_lowercase()))
}

impl Jrd {
    /// The ActivityPub id among the links.
    pub fn actor_id(&self) -> Option<&str> {
        self.links
            .iter()
            .find(|l| {
                l.rel == "self"
                    && l.kind.as_deref().is_some_and(|k| {
                        k.starts_with("application/activity+json")
                            || k.starts_with("application/ld+json")
                    })
            })
            .and_then(|l| l.href.as_deref())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn accts() {
        assert_eq!(
            parse_acct("acct:alice@Wijk.example").unwrap(),
            ("alice".into(), "wijk.example".into())
        );
        assert_eq!(
            parse_acct("@bob@127.0.0.2:8080").unwrap(),
            ("bob".into(), "127.0.0.2:8080".into())
        );
        assert!(parse_acct("alice").is_none());
        assert!(parse_acct("acct:@x").is_none());
    }
}
