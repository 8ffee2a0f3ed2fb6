//! OAuth scopes as Mastodon defines them: `read`, `write`, `follow`, `push`,
//! `profile` and their `read:…`/`write:…` sub-scopes.

use std::collections::BTreeSet;
use std::fmt;

/// Every scope a client may ask for.
pub const SUPPORTED: &[&str] = &[
    "read",
    "read:accounts",
    "read:blocks",
    "read:bookmarks",
    "read:favourites",
    "read:filters",
    "read:follows",
    "read:lists",
    "read:mutes",
    "read:notifications",
    "read:search",
    "read:statuses",
    "write",
    "write:accounts",
    "write:blocks",
    "write:bookmarks",
    "write:conversations",
    "write:favourites",
    "write:filters",
    "write:follows",
    "write:lists",
    "write:media",
    "write:mutes",
    "write:notifications",
    "write:reports",
    "write:statuses",
    "follow",
    "push",
    "profile",
    // Administrators' tokens for the admin API (Mastodon's names).
    "admin:read",
    "admin:write",
];

/// A validated set of scopes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Scopes(BTreeSet<String>);

impl Scopes {
    /// Parses a space- (or `+`/comma-) separated list; empty means `read`, as on Mastodon.
    pub fn parse(raw: &str) -> Result<Scopes, String> {
        let mut set = BTreeSet::new();
        for scope in raw.split([' ', '+', ',']).filter(|s| !s.is_empty()) {
            if !SUPPORTED.contains(&scope) {
                return Err(scope.to_string());
            }
            set.insert(scope.to_string());
        }
        if set.is_empty() {
            set.insert("read".to_string());
        }
        Ok(Scopes(set))
    }

    /// Whether these scopes grant `required` (e.g. `write:statuses`): the exact
    /// scope, its parent (`write`), or for follow-related ones the legacy `follow`.
    pub fn allows(&self, required: &str) -> bool {
        if self.0.contains(required) {
            return true;
        }
        if let Some((parent, _)) = required.split_once(':')
            && self.0.contains(parent)
        {
            return true;
        }
        const FOLLOW: &[&str] = &[
            "read:follows",
            "write:follows",
            "read:blocks",
            "write:blocks",
            "read:mutes",
            "write:mutes",
        ];
        self.0.contains("follow") && FOLLOW.contains(&required)
    }

    /// Whether every scope in `self` is covered by `granted`.
    pub fn within(&self, granted: &Scopes) -> bool {
        self.0.iter().all(|s| granted.allows(s))
    }

    pub fn contains(&self, scope: &str) -> bool {
        self.0.contains(scope)
    }
}

impl fmt::Display for Scopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let joined: Vec<&str> = self.0.iter().map(String::as_str).collect();
        f.write_str(&joined.join(" "))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn parsing_and_checks() {
        let s = Scopes::parse("read write:statuses follow").unwrap();
        assert!(s.allows("read:notifications"));
        assert!(s.allows("write:statuses"));
        assert!(!s.allows("write:favourites"));
        assert!(s.allows("write:follows"));
        assert!(!s.allows("push"));
        assert_eq!(Scopes::parse("").unwrap().to_string(), "read");
        assert_eq!(
            Scopes::parse("read admin:nothing"),
            Err("admin:nothing".into())
        );
        // Reading and writing are not administering.
        let s = Scopes::parse("read write").unwrap();
        assert!(!s.allows("admin:read") && !s.allows("admin:write"));
        assert!(Scopes::parse("admin:read").unwrap().allows("admin:read"));
        assert!(
            Scopes::parse("read:statuses")
                .unwrap()
                .within(&Scopes::parse("read write").unwrap())
        );
        assert!(
            !Scopes::parse("push")
                .unwrap()
                .within(&Scopes::parse("read write").unwrap())
        );
    }
}
