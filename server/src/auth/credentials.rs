//! Email addresses and passwords: validation at the edge, argon2id hashing.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use crate::error::AppError;

/// A syntactically plausible email address; real proof needs a confirmation mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, AppError> {
        let raw = raw.trim();
        let invalid = || AppError::invalid("email", msg!("error-not-email-address", raw = raw));
        if raw.len() > 254 || raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid());
        }
        let (local, domain) = raw.split_once('@').ok_or_else(invalid)?;
        if local.is_empty()
            || domain.is_empty()
            || domain.contains('@')
            || domain.starts_with('.')
            || domain.ends_with('.')
        {
            return Err(invalid());
        }
        Ok(Self(raw.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Emails are unique case-insensitively.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }
}

/// A password that passed the strength rules; only ever hashed, never stored.
pub struct Password(String);

impl Password {
    pub const MIN_LEN: usize = 10;
    pub const MAX_LEN: usize = 256;

    /// Length is what makes a password strong (NIST SP 800-63B); we also refuse
    /// trivially guessable ones: few distinct characters or containing the name.
    pub fn parse(raw: &str, username: &str) -> Result<Self, AppError> {
        let len = raw.chars().count();
        if len < Self::MIN_LEN {
            return Err(AppError::invalid(
                "password",
                msg!("error-too-short", len = len, min = Self::MIN_LEN),
            ));
        }
        if len > Self::MAX_LEN {
            return Err(AppError::invalid(
                "password",
                msg!("error-too-long", max = Self::MAX_LEN),
            ));
        }
        let mut distinct: Vec<char> = raw.chars().collect();
        distinct.sort_unstable();
        distinct.dedup();
        if distinct.len() < 5 {
            return Err(AppError::invalid(
                "password",
                msg!("error-too-easy-guess-use-at-least"),
            ));
        }
        if !username.is_empty() && raw.to_lowercase().contains(&username.to_lowercase()) {
            return Err(AppError::invalid(
                "password",
                msg!("error-must-not-contain-name"),
            ));
        }
        Ok(Self(raw.to_string()))
    }

    /// argon2id with the crate's defaults (OWASP's recommended parameters).
    pub fn hash(&self) -> Result<String, AppError> {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(self.0.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AppError::Internal(format!("password hashing failed: {e}")))
    }
}

/// Checks a password against a stored argon2 hash; a malformed hash never matches.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(
            Email::parse(" Alice@Wijk.example ").unwrap().key(),
            "alice@wijk.example"
        );
        for bad in ["", "alice", "@wijk", "alice@", "a b@c", "a@b@c", "a@.b"] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn password_rules_and_hashing() {
        assert!(Password::parse("short", "alice").is_err());
        assert!(Password::parse("aaaaaaaaaaaa", "alice").is_err());
        assert!(Password::parse("xxALICE-2024yy", "alice").is_err());
        let p = Password::parse("correct horse battery", "alice").unwrap();
        let hash = p.hash().unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("wrong horse battery", &hash));
        assert!(!verify_password("x", "not a hash"));
    }
}
