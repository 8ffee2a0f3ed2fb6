//! Local actor names, checked where configuration and sign-up meet them
//! (below every domain, so the configuration can check its own).

use std::fmt;

/// A local actor name: lowercase letters, digits and underscores, 1–30 long.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Username(String);

/// Why a name was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsernameError {
    #[error("must not be empty")]
    Empty,
    #[error("too long ({0} characters, at most 30)")]
    TooLong(usize),
    #[error("{0:?} may only contain lowercase letters a-z, digits and underscores")]
    InvalidCharacters(String),
}

impl UsernameError {
    /// The refusal for a person, in their language when shown.
    pub fn msg(&self) -> crate::i18n::Msg {
        match self {
            UsernameError::Empty => msg!("error-username-empty"),
            UsernameError::TooLong(len) => {
                msg!(
                    "error-username-too-long",
                    len = *len,
                    max = Username::MAX_LEN
                )
            }
            UsernameError::InvalidCharacters(name) => {
                msg!("error-username-characters", name = name)
            }
        }
    }
}

impl Username {
    pub const MAX_LEN: usize = 30;

    pub fn parse(raw: &str) -> Result<Self, UsernameError> {
        if raw.is_empty() {
            return Err(UsernameError::Empty);
        }
        let len = raw.chars().count();
        if len > Self::MAX_LEN {
            return Err(UsernameError::TooLong(len));
        }
        if !raw
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            return Err(UsernameError::InvalidCharacters(raw.to_string()));
        }
        Ok(Self(raw.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The case-insensitive key names are unique by.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert!(Username::parse("alice_2").is_ok());
        assert_eq!(Username::parse(""), Err(UsernameError::Empty));
        assert!(matches!(
            Username::parse("Alice"),
            Err(UsernameError::InvalidCharacters(_))
        ));
        assert!(matches!(
            Username::parse("al ice"),
            Err(UsernameError::InvalidCharacters(_))
        ));
        assert!(matches!(
            Username::parse("ålice"),
            Err(UsernameError::InvalidCharacters(_))
        ));
        assert!(matches!(
            Username::parse(&"a".repeat(31)),
            Err(UsernameError::TooLong(31))
        ));
    }
}
