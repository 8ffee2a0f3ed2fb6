//! Interface language: Dutch or English. The text itself lives in Fluent
//! files, one per language (`locales/nl/main.ftl`, `locales/en/main.ftl`),
//! built into the binary; templates ask for it by key through [`Tr`].
//!
//! Which language a page speaks: the switch on every page (a cookie) if the
//! person used it, then the account's setting, then `Accept-Language`, then
//! Dutch.

use std::borrow::Cow;
use std::collections::HashMap;

use axum::http::{HeaderMap, header};
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "nl",
        // No Unicode isolation marks around arguments: they would end up in
        // attributes and in text that tests and screen readers compare.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// Name of the cookie the language switch sets.
pub const LANG_COOKIE: &str = "kp_lang";

static NL: LanguageIdentifier = langid!("nl");
static EN: LanguageIdentifier = langid!("en");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Nl,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Nl, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::En => "en",
        }
    }

    /// `nl` or `en` (any region); nothing else.
    pub fn from_code(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().split('-').next() {
            Some("nl") => Some(Lang::Nl),
            Some("en") => Some(Lang::En),
            _ => None,
        }
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Lang::Nl => &NL,
            Lang::En => &EN,
        }
    }

    /// The text of this language.
    pub fn tr(self) -> Tr {
        Tr(self)
    }

    /// The first of nl/en in the client's preference order (by q-value);
    /// Dutch when the client names neither.
    pub fn negotiate(headers: &HeaderMap) -> Lang {
        Self::accepted(headers).unwrap_or(Lang::Nl)
    }

    /// The page's language: the switch's cookie, the account's setting,
    /// `Accept-Language`, Dutch.
    pub fn choose(headers: &HeaderMap, account: Option<Lang>) -> Lang {
        crate::http::cookie(headers, LANG_COOKIE)
            .and_then(|c| Lang::from_code(&c))
            .or(account)
            .or_else(|| Self::accepted(headers))
            .unwrap_or(Lang::Nl)
    }

    fn accepted(headers: &HeaderMap) -> Option<Lang> {
        let value = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())?;
        let mut best: Option<(f32, Lang)> = None;
        for part in value.split(',') {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next().unwrap_or_default();
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            let Some(lang) = Lang::from_code(tag) else {
                continue;
            };
            if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, lang));
            }
        }
        best.map(|(_, lang)| lang)
    }
}

/// The interface text of one language, looked up by Fluent key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tr(pub Lang);

impl Tr {
    pub fn lang(&self) -> Lang {
        self.0
    }

    /// The message `key`; a missing key shows as itself (a unit test keeps
    /// both files complete).
    pub fn get(&self, key: &str) -> String {
        LOCALES
            .try_lookup(self.0.id(), key)
            .unwrap_or_else(|| key.to_string())
    }

    /// The message `key` with one number argument `count` (plurals); by
    /// reference, as templates pass fields.
    pub fn count(&self, key: &str, count: &u64) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue> =
            HashMap::from([(Cow::Borrowed("count"), FluentValue::from(*count))]);
        LOCALES
            .try_lookup_with_args(self.0.id(), key, &args)
            .unwrap_or_else(|| key.to_string())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::collections::BTreeSet;

    fn pick(v: &str) -> Lang {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_LANGUAGE, v.parse().unwrap());
        Lang::negotiate(&h)
    }

    #[test]
    fn negotiation() {
        assert_eq!(pick("en-GB,en;q=0.9"), Lang::En);
        assert_eq!(pick("de, en;q=0.5, nl;q=0.8"), Lang::Nl);
        assert_eq!(pick("fr"), Lang::Nl);
        assert_eq!(pick("nl;q=0, en;q=0.1"), Lang::En);
        assert_eq!(Lang::negotiate(&HeaderMap::new()), Lang::Nl);
    }

    #[test]
    fn the_switch_wins_then_the_account_then_the_browser() {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_LANGUAGE, "en".parse().unwrap());
        assert_eq!(Lang::choose(&h, None), Lang::En);
        assert_eq!(Lang::choose(&h, Some(Lang::Nl)), Lang::Nl);
        h.insert(header::COOKIE, "a=b; kp_lang=en".parse().unwrap());
        assert_eq!(Lang::choose(&h, Some(Lang::Nl)), Lang::En);
    }

    fn keys(file: &str) -> BTreeSet<String> {
        file.lines()
            .filter(|l| !l.starts_with([' ', '#', '\t']) && l.contains(" ="))
            .filter_map(|l| l.split(" =").next().map(str::to_string))
            .collect()
    }

    #[test]
    fn both_languages_have_every_message() {
        let nl = keys(include_str!("../locales/nl/main.ftl"));
        let en = keys(include_str!("../locales/en/main.ftl"));
        assert!(nl.len() > 20);
        assert_eq!(
            nl.symmetric_difference(&en).collect::<Vec<_>>(),
            Vec::<&String>::new()
        );
        for key in &nl {
            for lang in Lang::ALL {
                // With an argument: plurals need theirs, others ignore it.
                assert_ne!(lang.tr().count(key, &2), *key, "{key} in {}", lang.code());
            }
        }
    }

    #[test]
    fn plurals_are_filled_in_without_marks() {
        assert_eq!(Lang::En.tr().count("post-replies", &1), "1 reply");
        assert_eq!(Lang::En.tr().count("post-replies", &3), "3 replies");
        assert_eq!(Lang::Nl.tr().count("post-favourites", &0), "0 favorieten");
    }
}
