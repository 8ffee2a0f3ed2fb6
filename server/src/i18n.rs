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
        Self::asked(headers).unwrap_or(Lang::Nl)
    }

    /// The page's language: the switch (its cookie's value), the account's
    /// setting, `Accept-Language`, Dutch.
    pub fn choose(headers: &HeaderMap, switch: Option<&str>, account: Option<Lang>) -> Lang {
        switch
            .and_then(Lang::from_code)
            .or(account)
            .or_else(|| Self::asked(headers))
            .unwrap_or(Lang::Nl)
    }

    /// The language `Accept-Language` asks for, if it names nl or en.
    pub fn asked(headers: &HeaderMap) -> Option<Lang> {
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

    /// The language's group and decimal marks.
    fn number_marks(&self) -> (char, char) {
        match self.0 {
            Lang::Nl => ('.', ','),
            Lang::En => (',', '.'),
        }
    }

    /// An amount as a form field shows it for editing: the language's
    /// decimal mark and no grouping (`1250,50`, `1250.50`).
    pub fn amount_input(&self, cents: i64) -> String {
        let sign = if cents < 0 { "-" } else { "" };
        let (whole, rest) = (cents.unsigned_abs() / 100, cents.unsigned_abs() % 100);
        format!("{sign}{whole}{}{rest:02}", self.number_marks().1)
    }

    /// An amount as this language writes it: `€ 1.250,50`, `€1,250.50`;
    /// another currency by its code (`USD 12.00`).
    pub fn money(&self, cents: i64, currency: &str) -> String {
        let (group, decimal) = self.number_marks();
        let whole = (cents.unsigned_abs() / 100).to_string();
        let mut grouped = String::new();
        for (i, digit) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i).is_multiple_of(3) {
                grouped.push(group);
            }
            grouped.push(digit);
        }
        let sign = if cents < 0 { "-" } else { "" };
        let number = format!("{sign}{grouped}{decimal}{:02}", cents.unsigned_abs() % 100);
        match (currency, self.0) {
            ("EUR", Lang::Nl) => format!("€ {number}"),
            ("EUR", Lang::En) => format!("€{number}"),
            (code, _) => format!("{code} {number}"),
        }
    }

    /// A [`Msg`] in this language.
    pub fn msg(&self, m: &Msg) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue> = m
            .args
            .iter()
            .map(|(name, value)| {
                let value = match value {
                    Arg::Text(t) => FluentValue::from(t.clone()),
                    Arg::Number(n) => FluentValue::from(*n),
                    Arg::Key(key) => FluentValue::from(self.get(key)),
                };
                (Cow::Borrowed(*name), value)
            })
            .collect();
        LOCALES
            .try_lookup_with_args(self.0.id(), m.key, &args)
            .unwrap_or_else(|| m.key.to_string())
    }
}

/// A message for a person: a Fluent key and its arguments, put into words
/// only when shown, in the reader's language. Errors carry these instead of
/// English text; `Display` gives the English, for logs and the API.
#[derive(Debug, Clone, PartialEq)]
pub struct Msg {
    key: &'static str,
    args: Vec<(&'static str, Arg)>,
}

/// One argument of a [`Msg`]: numbers stay numbers, so plurals can pick.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Text(String),
    Number(i64),
    /// Another message, said in the same language (a plan state's word).
    Key(String),
}

impl From<String> for Arg {
    fn from(v: String) -> Arg {
        Arg::Text(v)
    }
}

impl From<&str> for Arg {
    fn from(v: &str) -> Arg {
        Arg::Text(v.to_string())
    }
}

impl From<&String> for Arg {
    fn from(v: &String) -> Arg {
        Arg::Text(v.clone())
    }
}

macro_rules! number_arg {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(v: $t) -> Arg {
                // Fluent keeps numbers as f64: ids beyond 2^53 stay text.
                match i64::try_from(v) {
                    Ok(n) if n.unsigned_abs() < 1 << 53 => Arg::Number(n),
                    _ => Arg::Text(v.to_string()),
                }
            }
        }
    )*};
}
number_arg!(i32, i64, u16, u32, u64, usize);

impl Msg {
    pub fn new(key: &'static str) -> Msg {
        Msg {
            key,
            args: Vec::new(),
        }
    }

    pub fn arg(mut self, name: &'static str, value: impl Into<Arg>) -> Msg {
        self.args.push((name, value.into()));
        self
    }

    /// A plan state (`in_progress`) as its word in the reader's language.
    pub fn state(self, name: &'static str, state: &str) -> Msg {
        self.arg(name, Arg::Key(format!("plan-state-word-{state}")))
    }

    pub fn key(&self) -> &'static str {
        self.key
    }
}

impl std::fmt::Display for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&Lang::En.tr().msg(self))
    }
}

/// `msg!("error-no-such-plan")`, `msg!("error-too-long", max = 500)`: a
/// [`Msg`]; a unit test checks that both message files have every key.
#[macro_export]
macro_rules! msg {
    ($key:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::i18n::Msg::new($key)$(.arg(stringify!($name), $value))*
    };
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
        assert_eq!(Lang::choose(&h, None, None), Lang::En);
        assert_eq!(Lang::choose(&h, None, Some(Lang::Nl)), Lang::Nl);
        assert_eq!(Lang::choose(&h, Some("en"), Some(Lang::Nl)), Lang::En);
    }

    fn keys(file: &str) -> BTreeSet<String> {
        file.lines()
            .filter(|l| !l.starts_with([' ', '#', '\t', '-']) && l.contains(" ="))
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
        // Messages with arguments other than a count are said through
        // `msg!` (tested below); here each must at least be present.
        let with_args: BTreeSet<&str> = include_str!("../locales/en/main.ftl")
            .lines()
            .filter(|l| l.matches("{ $").count() > l.matches("{ $count").count())
            .filter_map(|l| l.split(" =").next())
            .collect();
        for key in nl.iter().filter(|k| !with_args.contains(k.as_str())) {
            for lang in Lang::ALL {
                // With an argument: plurals need theirs, others ignore it.
                assert_ne!(lang.tr().count(key, &2), *key, "{key} in {}", lang.code());
            }
        }
    }

    /// Every `"error-…"` key the code names (in `msg!`, `Msg::new` or a
    /// table of keys) is in the message files: a missing one would show as
    /// its key.
    #[test]
    fn every_message_the_code_names_exists() {
        let en = keys(include_str!("../locales/en/main.ftl"));
        let mut missing = Vec::new();
        let mut dirs = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src"
        ))];
        let mut named = 0;
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for piece in text.split(concat!('"', "error-")).skip(1) {
                    let key: String = piece
                        .chars()
                        .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')
                        .collect();
                    if !key.is_empty() && piece[key.len()..].starts_with('"') {
                        named += 1;
                        if !en.contains(&format!("error-{key}")) {
                            missing.push(format!("error-{key} in {}", path.display()));
                        }
                    }
                }
            }
        }
        assert!(named > 200, "{named}");
        assert_eq!(missing, Vec::<String>::new());
    }

    #[test]
    fn messages_are_said_in_each_language() {
        let m = msg!("error-too-long-count", count = 501, max = 500);
        assert_eq!(m.to_string(), "is too long (501 characters, at most 500)");
        assert_eq!(
            Lang::Nl.tr().msg(&m),
            "is te lang (501 tekens, hoogstens 500)"
        );
        let step = msg!("error-plan-step-not-yours", who = "owners")
            .state("from", "idea")
            .state("to", "in_progress");
        assert_eq!(
            step.to_string(),
            "only the plan's owners may move a plan from idea to in progress"
        );
        assert_eq!(
            Lang::Nl.tr().msg(&step),
            "alleen de eigenaren van het plan mogen een plan van idee naar in uitvoering brengen"
        );
        // Ids beyond f64's integers stay exact.
        let big = msg!(
            "error-status-not-by-reported-account",
            id = 113_001_234_567_890_123_i64
        );
        assert_eq!(
            big.to_string(),
            "status 113001234567890123 is not by the reported account"
        );
    }

    #[test]
    fn money_is_written_as_each_language_writes_it() {
        assert_eq!(Lang::Nl.tr().money(125_050, "EUR"), "€ 1.250,50");
        assert_eq!(Lang::En.tr().money(125_050, "EUR"), "€1,250.50");
        assert_eq!(Lang::Nl.tr().money(100_000_000, "EUR"), "€ 1.000.000,00");
        assert_eq!(Lang::En.tr().money(5, "USD"), "USD 0.05");
        assert_eq!(Lang::Nl.tr().money(-99_900, "EUR"), "€ -999,00");
        assert_eq!(Lang::Nl.tr().amount_input(125_050), "1250,50");
        assert_eq!(Lang::En.tr().amount_input(125_050), "1250.50");
        assert_eq!(Lang::En.tr().amount_input(-150), "-1.50");
    }

    #[test]
    fn plurals_are_filled_in_without_marks() {
        assert_eq!(Lang::En.tr().count("post-replies", &1), "1 reply");
        assert_eq!(Lang::En.tr().count("post-replies", &3), "3 replies");
        assert_eq!(Lang::Nl.tr().count("post-favourites", &0), "0 favorieten");
    }
}
