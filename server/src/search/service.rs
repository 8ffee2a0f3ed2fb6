//! Search rules: text becomes lowercase words (letters and digits; all else
//! separates), a word matches by its Dutch or its English stem, names and
//! titles weigh more than body text, and the last word of a name search
//! also matches as a prefix. The domains call [`index`] in the transaction
//! of the change and [`find`] to read; [`backfill`] runs once at start.

use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};
use sea_orm::sea_query::SelectStatement;
use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr};

use super::store::{self, Entry, Term};
use super::{Hit, Kind, SearchError};
use crate::db::BeginWrite;

/// Longest query read; longer ones are refused with a clear message.
pub const MAX_QUERY_CHARS: usize = 1_000;
/// Most words in a query (each is one more term in the index lookup).
pub const MAX_QUERY_WORDS: usize = 32;
/// How much of a text is indexed: far more than any post, and well within
/// PostgreSQL's 1 MB `tsvector`.
const MAX_INDEXED_CHARS: usize = 100_000;
/// A word in a name or title counts this many times one in a body.
const TITLE_WEIGHT: f64 = 10.0;
/// Rows indexed per transaction when filling the index at start.
const BACKFILL_BATCH: u64 = 500;

static DUTCH: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::Dutch));
static ENGLISH: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));

/// What a domain hands over: plain text, no HTML (see [`plain_text`]).
pub struct Document<'a> {
    pub kind: Kind,
    pub id: i64,
    /// The actor whose content this is: hidden with it, deleted with it.
    pub owner_id: i64,
    /// The status it lives in, if any: deleted with it.
    pub post_id: Option<i64>,
    /// Names and titles.
    pub title: &'a str,
    pub body: &'a str,
}

/// Writes a document into the index, replacing what it held for it.
pub async fn index(db: &impl ConnectionTrait, doc: Document<'_>) -> Result<(), DbErr> {
    let title = words(doc.title, MAX_INDEXED_CHARS);
    let body = words(doc.body, MAX_INDEXED_CHARS);
    let (title, body) = if db.get_database_backend() == DbBackend::Postgres {
        (title.join(" "), body.join(" "))
    } else {
        (sqlite_tokens(&title, true), sqlite_tokens(&body, false))
    };
    store::upsert(
        db,
        &Entry {
            kind: doc.kind,
            ref_id: doc.id,
            owner_id: doc.owner_id,
            post_id: doc.post_id,
            title: &title,
            body: &body,
        },
    )
    .await
}

/// Takes a row out of the index (it became private, or a tombstone).
pub async fn remove(db: &impl ConnectionTrait, kind: Kind, id: i64) -> Result<(), DbErr> {
    store::remove(db, kind, id).await
}

/// A search as a domain asks it.
pub struct Search<'a> {
    pub q: &'a str,
    pub kinds: &'a [Kind],
    /// Match the last word as the start of a word too (names as one types).
    pub prefix: bool,
    /// Only these ids of the kinds searched.
    pub within: Option<SelectStatement>,
    /// Leave out what these actors own (hidden, blocked).
    pub exclude_owners: Vec<SelectStatement>,
    pub max_id: Option<i64>,
    pub min_id: Option<i64>,
    pub limit: u64,
    pub offset: u64,
    /// Newest first rather than best first (for paging by `max_id`).
    pub newest_first: bool,
}

/// The rows matching every word of `q`, best first. A query without words
/// finds nothing; one too long is refused.
pub async fn find(db: &impl ConnectionTrait, s: Search<'_>) -> Result<Vec<Hit>, SearchError> {
    let terms = terms(s.q, s.prefix)?;
    let query = store::Query {
        kinds: s.kinds,
        terms: &terms,
        within: s.within,
        exclude_owners: s.exclude_owners,
        max_id: s.max_id,
        min_id: s.min_id,
        limit: s.limit,
        offset: s.offset,
        title_weight: TITLE_WEIGHT,
        newest_first: s.newest_first,
    };
    Ok(store::find(db, &query).await?)
}

/// A query's words with their stems, checked for size.
fn terms(q: &str, prefix: bool) -> Result<Vec<Term>, SearchError> {
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(SearchError::TooLong {
            max: MAX_QUERY_CHARS,
        });
    }
    let mut words = words(q, MAX_QUERY_CHARS);
    words.dedup();
    if words.len() > MAX_QUERY_WORDS {
        return Err(SearchError::TooManyWords {
            max: MAX_QUERY_WORDS,
        });
    }
    let last = words.len().saturating_sub(1);
    Ok(words
        .into_iter()
        .enumerate()
        .map(|(i, word)| Term {
            stems: stems(&word),
            prefix: prefix && i == last,
            word,
        })
        .collect())
}

/// Lowercase words of letters and digits, from at most `max` characters,
/// with the accents of Dutch and other Latin letters folded ("één" is
/// "een", "café" "cafe"), the same on both engines.
pub fn words(text: &str, max: usize) -> Vec<String> {
    text.chars()
        .take(max)
        .collect::<String>()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase().chars().map(fold).collect())
        .collect()
}

/// A lowercase Latin letter without its accent.
fn fold(c: char) -> char {
    match c {
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
        'ú' | 'ù' | 'û' | 'ü' => 'u',
        'ý' | 'ÿ' => 'y',
        'ç' => 'c',
        'ñ' => 'n',
        c => c,
    }
}

/// A word's Dutch and English stems, without repeats.
fn stems(word: &str) -> Vec<String> {
    let dutch = DUTCH.stem(word).into_owned();
    let english = ENGLISH.stem(word).into_owned();
    if dutch == english {
        vec![dutch]
    } else {
        vec![dutch, english]
    }
}

/// FTS5 column text: each word's stems, and for names the word itself too
/// (so that the start of a name finds it).
fn sqlite_tokens(words: &[String], with_word: bool) -> String {
    let mut out = String::new();
    for w in words {
        let mut forms = stems(w);
        if with_word && !forms.contains(w) {
            forms.push(w.clone());
        }
        for f in forms {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&f);
        }
    }
    out
}

/// The text of sanitised HTML: tags become spaces, entities characters.
pub fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut chars = html.chars();
    while let Some(c) = chars.next() {
        match c {
            '<' => {
                out.push(' ');
                for c in chars.by_ref() {
                    if c == '>' {
                        break;
                    }
                }
            }
            '&' => {
                let rest = chars.as_str();
                match rest.find(';').filter(|end| *end <= 10) {
                    Some(end) => {
                        out.push(entity(&rest[..end]).unwrap_or(' '));
                        chars = rest[end + 1..].chars();
                    }
                    None => out.push('&'),
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// The character of an HTML entity's name (`amp`, `#39`, `#x27`).
fn entity(name: &str) -> Option<char> {
    let code = match name {
        "amp" => return Some('&'),
        "lt" => return Some('<'),
        "gt" => return Some('>'),
        "quot" => return Some('"'),
        "apos" => return Some('\''),
        "nbsp" => return Some(' '),
        n => match n.strip_prefix("#x").or_else(|| n.strip_prefix("#X")) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => n.strip_prefix('#')?.parse().ok()?,
        },
    };
    char::from_u32(code)
}

/// A table whose existing rows the index must hold: each domain indexes its
/// own rows, in id order, a batch at a time.
#[async_trait::async_trait]
pub trait Source: Send + Sync {
    /// Its name in `search_backfill`.
    fn name(&self) -> &'static str;
    /// Indexes up to `limit` rows with ids above `after`; returns the last
    /// id indexed, or `None` when there are none left.
    async fn index_after(
        &self,
        txn: &DatabaseTransaction,
        after: i64,
        limit: u64,
    ) -> Result<Option<i64>, DbErr>;
}

/// Fills the index with the rows that existed before it did. The
/// migration lists the sources; each batch commits with its progress, so
/// an interrupted fill goes on where it stopped. Runs before the server
/// takes requests; rows written meanwhile are indexed as they are written.
/// Not in the migration itself: SQLite needs the stems computed here, and
/// both engines then hold words normalised the same way.
pub async fn backfill(db: &DatabaseConnection, sources: &[&dyn Source]) -> Result<(), DbErr> {
    for (name, mut after) in store::backfill_positions(db).await? {
        let Some(source) = sources.iter().find(|s| s.name() == name) else {
            continue;
        };
        loop {
            // Through the write gate: requests write in between batches.
            let txn = db.begin_write().await?;
            let last = source.index_after(&txn, after, BACKFILL_BATCH).await?;
            store::set_backfill_position(&txn, &name, last).await?;
            txn.commit().await?;
            match last {
                Some(id) => after = id,
                None => break,
            }
        }
        tracing::info!(source = %name, "search index filled");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn dutch_and_english_stems_meet() {
        assert!(stems("zebrapaden").contains(&"zebrapad".to_string()));
        assert!(stems("zebrapad").contains(&"zebrapad".to_string()));
        assert_eq!(stems("moestuinen")[0], stems("moestuin")[0]);
        assert_eq!(stems("bakkerijen")[0], stems("bakkerij")[0]);
        let walking = stems("walking");
        assert!(stems("walked").iter().any(|s| walking.contains(s)));
    }

    #[test]
    fn words_ignore_syntax() {
        assert_eq!(
            words("\"NEAR(a* -b:c) OR 'd'", 100),
            ["near", "a", "b", "c", "or", "d"]
        );
        assert_eq!(words("Café_Één ideeën", 100), ["cafe", "een", "ideeen"]);
    }

    #[test]
    fn html_becomes_text() {
        assert_eq!(
            plain_text("<p>Een <b>zebra</b>pad&amp;school&#39;s &#x41; &bogus; &</p>"),
            " Een  zebra pad&school's A   & "
        );
    }

    #[test]
    fn queries_are_bounded() {
        assert!(terms(&"a".repeat(MAX_QUERY_CHARS + 1), false).is_err());
        assert!(terms(&"a ".repeat(MAX_QUERY_WORDS + 1), false).is_ok());
        let many: String = (0..=MAX_QUERY_WORDS).map(|i| format!("w{i} ")).collect();
        assert!(terms(&many, false).is_err());
        let t = terms("ali bo", true).unwrap();
        assert!(!t[0].prefix && t[1].prefix);
    }
}
