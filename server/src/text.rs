//! Status text to HTML: paragraphs, links, mentions and hashtags; and an
//! allow-list sanitiser for HTML that arrives from elsewhere.

use std::collections::{BTreeSet, HashMap};
use std::sync::LazyLock;

use regex::Regex;

/// A mention as written: `@name` or `@name@domain`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MentionRef {
    pub username: String,
    pub domain: Option<String>,
}

/// Where a resolved mention links to, and how it is shown.
#[derive(Debug, Clone)]
pub struct MentionTarget {
    pub url: String,
}

#[allow(clippy::expect_used)]
static TOKENS: LazyLock<Regex> = LazyLock::new(|| {
    // Literal pattern, checked by the unit tests: cannot fail at run time.
    Regex::new(r"https?://[^\s<>]+|@[A-Za-z0-9_]+(?:@[A-Za-z0-9][A-Za-z0-9.\-]*(?::[0-9]+)?)?|#[\p{L}\p{N}_]+")
        .expect("token pattern")
});

enum Token<'a> {
    Text(&'a str),
    Url(&'a str),
    Mention(MentionRef, &'a str),
    Tag(String, &'a str),
}

/// Splits text into plain runs and links, mentions and tags. A mention or tag
/// counts only at a word start (so `mail@example.org` and `a#b` stay text).
fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut last = 0;
    for m in TOKENS.find_iter(text) {
        let (start, mut end) = (m.start(), m.end());
        let prev = text[..start].chars().next_back();
        let at_word_start =
            prev.is_none_or(|c| !(c.is_alphanumeric() || matches!(c, '_' | '/' | '@' | '#' | '&')));
        let s = &text[start..end];
        let token = if s.starts_with("http") {
            // Trailing punctuation belongs to the sentence, not the link.
            let trimmed = s.trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '\'', '"']);
            end = start + trimmed.len();
            Some(Token::Url(&text[start..end]))
        } else if !at_word_start {
            None
        } else if let Some(rest) = s.strip_prefix('@') {
            let rest = rest.trim_end_matches(['.', '-']);
            end = start + 1 + rest.len();
            let (user, domain) = match rest.split_once('@') {
                Some((u, d)) => (u, Some(d.to_ascii_lowercase())),
                None => (rest, None),
            };
            Some(Token::Mention(
                MentionRef {
                    username: user.to_string(),
                    domain,
                },
                &text[start..end],
            ))
        } else {
            let name = &s[1..];
            // A hashtag needs a letter or underscore: "#1" is a number.
            name.chars()
                .any(|c| !c.is_numeric())
                .then(|| Token::Tag(name.to_lowercase(), s))
        };
        if let Some(token) = token {
            if start > last {
                out.push(Token::Text(&text[last..start]));
            }
            out.push(token);
            last = end;
        }
    }
    if last < text.len() {
        out.push(Token::Text(&text[last..]));
    }
    out
}

/// The mentions and (lowercase) hashtags in a text.
pub fn extract(text: &str) -> (Vec<MentionRef>, Vec<String>) {
    let mut mentions = BTreeSet::new();
    let mut tags = BTreeSet::new();
    for token in tokenize(text) {
        match token {
            Token::Mention(m, _) => {
                mentions.insert(m);
            }
            Token::Tag(t, _) => {
                tags.insert(t);
            }
            _ => {}
        }
    }
    (mentions.into_iter().collect(), tags.into_iter().collect())
}

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Renders plain text as HTML. Mentions found in `resolved` become links;
/// unknown ones stay text. Hashtags link to `{base_url}/tags/NAME`.
pub fn to_html(
    text: &str,
    resolved: &HashMap<MentionRef, MentionTarget>,
    base_url: &str,
) -> String {
    let text = text.replace("\r\n", "\n");
    let mut html = String::new();
    for paragraph in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        html.push_str("<p>");
        for token in tokenize(paragraph) {
            match token {
                Token::Text(t) => html.push_str(&escape(t).replace('\n', "<br>")),
                Token::Url(u) => {
                    let e = escape(u);
                    html.push_str(&format!(
                        "<a href=\"{e}\" rel=\"nofollow noopener noreferrer\" target=\"_blank\">{e}</a>"
                    ));
                }
                Token::Mention(m, raw) => match resolved.get(&m) {
                    Some(target) => html.push_str(&format!(
                        "<span class=\"h-card\"><a href=\"{}\" class=\"u-url mention\">@<span>{}</span></a></span>",
                        escape(&target.url),
                        escape(&m.username)
                    )),
                    None => html.push_str(&escape(raw)),
                },
                Token::Tag(name, raw) => html.push_str(&format!(
                    "<a href=\"{}/tags/{}\" class=\"mention hashtag\" rel=\"tag\">#<span>{}</span></a>",
                    escape(base_url),
                    escape(&name),
                    escape(&raw[1..])
                )),
            }
        }
        html.push_str("</p>");
    }
    html
}

/// Allow-list sanitising for HTML from other servers or other clients:
/// formatting, links (http/https only) and the microformat classes Mastodon uses.
/// Text from markup sent by others (names, summaries, report comments):
/// every tag removed, at most `max_chars` characters.
pub fn plain(html: &str, max_chars: usize) -> String {
    ammonia::Builder::empty()
        .clean(html)
        .to_string()
        .chars()
        .take(max_chars)
        .collect()
}

pub fn sanitize_html(html: &str) -> String {
    ammonia::Builder::default()
        .tags(
            [
                "p",
                "br",
                "a",
                "span",
                "strong",
                "em",
                "b",
                "i",
                "u",
                "del",
                "code",
                "pre",
                "blockquote",
                "ul",
                "ol",
                "li",
            ]
            .into(),
        )
        .url_schemes(["http", "https"].into())
        .link_rel(Some("nofollow noopener noreferrer"))
        .allowed_classes(
            [
                ("a", ["mention", "hashtag", "u-url", "status-link"].into()),
                ("span", ["h-card", "invisible", "ellipsis"].into()),
            ]
            .into(),
        )
        .clean(html)
        .to_string()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn extracts_mentions_and_tags_at_word_starts() {
        let (mentions, tags) = extract(
            "Hoi @alice en @bob@noord.example! #Buurtfeest #2024 mail@x.org a#b #groen_dak",
        );
        assert_eq!(
            mentions,
            vec![
                MentionRef {
                    username: "alice".into(),
                    domain: None
                },
                MentionRef {
                    username: "bob".into(),
                    domain: Some("noord.example".into())
                },
            ]
        );
        assert_eq!(
            tags,
            vec!["buurtfeest".to_string(), "groen_dak".to_string()]
        );
    }

    #[test]
    fn renders_escaped_html_with_links() {
        let mut resolved = HashMap::new();
        resolved.insert(
            MentionRef {
                username: "alice".into(),
                domain: None,
            },
            MentionTarget {
                url: "https://w.example/users/alice".into(),
            },
        );
        let html = to_html(
            "<b>Hoi</b> @alice, zie https://w.example/plan?a=1&b=2.\n#Feest\n\nTweede @nobody",
            &resolved,
            "https://w.example",
        );
        assert!(html.starts_with("<p>&lt;b&gt;Hoi&lt;/b&gt; <span class=\"h-card\"><a href=\"https://w.example/users/alice\""));
        assert!(html.contains("<a href=\"https://w.example/plan?a=1&amp;b=2\" rel=\"nofollow noopener noreferrer\" target=\"_blank\">"));
        assert!(html.contains("</a>.<br><a href=\"https://w.example/tags/feest\" class=\"mention hashtag\" rel=\"tag\">#<span>Feest</span></a></p>"));
        assert!(html.ends_with("<p>Tweede @nobody</p>"));
    }

    #[test]
    fn sanitizer_removes_scripts_and_javascript_urls() {
        let dirty = "<p onclick=\"x()\">Hi<script>alert(1)</script><a href=\"javascript:alert(1)\">x</a><a href=\"https://ok.example\" class=\"mention evil\">ok</a><img src=x onerror=y></p>";
        let clean = sanitize_html(dirty);
        assert!(
            !clean.contains("script")
                && !clean.contains("javascript")
                && !clean.contains("onclick")
                && !clean.contains("img")
        );
        assert!(clean.contains("href=\"https://ok.example\""));
        assert!(clean.contains("class=\"mention\""));
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        /// Whatever people type becomes HTML without markup of their own.
        #[test]
        fn typed_text_never_injects_markup(text in "(.|<script>|<a href=\"javascript:x\">|@[a-z]{1,5}|#[a-z]{1,5}|https?://[a-z.]{1,10}/?|\n){0,30}") {
            let html = to_html(&text, &HashMap::new(), "https://w.example");
            prop_assert!(!html.contains("<script"));
            prop_assert!(!html.contains("javascript:x\""));
            let _ = extract(&text);
        }

        /// Sanitised HTML keeps no script, event handler or non-http link.
        #[test]
        fn sanitised_html_is_safe(html in "(<[a-z]{1,6}( on[a-z]{1,5}=\"x\"| href=\"(javascript|data|https):x\")?>|</[a-z]{1,6}>|[a-z ]{0,5}){0,20}") {
            let clean = sanitize_html(&html);
            prop_assert!(!clean.contains("<script"));
            let handler = Regex::new(r"<[^>]*\son[a-z]+=").unwrap_or_else(|_| unreachable!());
            prop_assert!(!handler.is_match(&clean));
            prop_assert!(!clean.contains("javascript:"));
            prop_assert!(!clean.contains("data:"));
        }
    }
}
