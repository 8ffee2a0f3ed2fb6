//! A million posts: originals, replies and boosts; public, unlisted,
//! followers-only and direct; some with hashtags and mentions.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, Value};

use super::people::People;
use super::rows::{STATUS_COLUMNS, StatusRow};
use super::text;
use super::{SEARCH_WORD, Template};
use crate::bench::rng::Rng;
use crate::bench::sql::{insert_rows, next_id};

/// The first tags are the themes plans use; the rest are other hashtags.
pub const THEMES: [&str; 12] = [
    "verkeer",
    "groen",
    "spelen",
    "veiligheid",
    "wonen",
    "cultuur",
    "sport",
    "zorg",
    "onderwijs",
    "duurzaamheid",
    "moestuin",
    "buurtfeest",
];
/// Hashtags in all.
const TAGS: usize = 1_000;
/// Posts generated and inserted at a time.
const CHUNK: usize = 10_000;

pub struct Tags {
    pub first_id: i64,
    pub names: Vec<String>,
}

impl Tags {
    pub fn id(&self, i: usize) -> i64 {
        self.first_id + i as i64
    }
}

pub async fn insert_tags(db: &impl ConnectionTrait) -> Tags {
    let first_id = next_id(db, "tags").await;
    let names: Vec<String> = (0..TAGS)
        .map(|i| {
            THEMES
                .get(i)
                .map_or_else(|| format!("tag{i}"), |t| t.to_string())
        })
        .collect();
    let rows = names
        .iter()
        .enumerate()
        .map(|(i, n)| vec![(first_id + i as i64).into(), n.clone().into()])
        .collect();
    insert_rows(db, "tags", &["id", "name"], rows).await;
    Tags { first_id, names }
}

/// What was inserted, and what later rows need to know of it.
pub struct Posts {
    pub first_id: i64,
    pub count: usize,
}

/// Rows of one chunk, by table.
#[derive(Default)]
struct Chunk {
    statuses: Vec<Vec<Value>>,
    tags: Vec<Vec<Value>>,
    mentions: Vec<Vec<Value>>,
}

/// What generating a post needs to remember of earlier ones.
struct History {
    authors: Vec<u32>,
    boostable: Vec<bool>,
    boosts: HashSet<(u32, u32)>,
}

pub async fn insert(
    db: &impl ConnectionTrait,
    t: &Template,
    people: &People,
    tags: &Tags,
    count: usize,
    rng: &mut Rng,
    start: DateTime<Utc>,
) -> Posts {
    let posts = Posts {
        first_id: next_id(db, "statuses").await,
        count,
    };
    let mut history = History {
        authors: Vec::with_capacity(count),
        boostable: Vec::with_capacity(count),
        boosts: HashSet::new(),
    };
    let mut i = 0;
    while i < count {
        let mut chunk = Chunk::default();
        for _ in 0..CHUNK.min(count - i) {
            let at = start + Duration::seconds(i as i64 * 20);
            one_post(
                t,
                people,
                tags,
                &posts,
                &mut history,
                i,
                at,
                rng,
                &mut chunk,
            );
            i += 1;
        }
        insert_rows(db, "statuses", &STATUS_COLUMNS, chunk.statuses).await;
        insert_rows(db, "status_tags", &["status_id", "tag_id"], chunk.tags).await;
        insert_rows(db, "mentions", &["status_id", "actor_id"], chunk.mentions).await;
    }
    posts
}

/// Post `i` by `author`: a boost (5 %), a reply (20 %) or an original.
#[allow(clippy::too_many_arguments)]
fn one_post(
    t: &Template,
    people: &People,
    tags: &Tags,
    posts: &Posts,
    h: &mut History,
    i: usize,
    at: DateTime<Utc>,
    rng: &mut Rng,
    out: &mut Chunk,
) {
    let author = rng.skewed(people.count);
    let id = posts.first_id + i as i64;
    let mut row = StatusRow::public(
        id,
        format!("{}/statuses/{id}", people.ap_id(t, author)),
        people.id(author),
        String::new(),
        people.is_local(author),
        at,
    );
    let roll = rng.below(100);
    if roll < 5 && i > 0 {
        let j = i - 1 - rng.below(i.min(20_000));
        if h.boostable[j]
            && h.authors[j] as usize != author
            && h.boosts.insert((author as u32, j as u32))
        {
            row.ap_id = format!("{}/activity", row.ap_id);
            (row.url, row.language) = (None, None);
            row.reblog_of_id = Some(posts.first_id + j as i64);
            out.statuses.push(row.values());
            h.authors.push(author as u32);
            h.boostable.push(false);
            return;
        }
    }
    let parent = (roll < 25 && i > 0).then(|| i - 1 - rng.below(i.min(2_000)));
    let parent_author = parent.map(|j| h.authors[j] as usize);
    row.reply_to = parent
        .zip(parent_author)
        .map(|(j, p)| (posts.first_id + j as i64, people.id(p)));
    row.visibility = match rng.below(100) {
        0..60 => "public",
        60..83 => "unlisted",
        83..97 => "private",
        _ => "direct",
    };
    let mentioned = match (row.visibility, parent_author) {
        ("direct", _) => Some((author + 1 + rng.below(people.count - 1)) % people.count),
        (_, Some(p)) if p != author => Some(p),
        _ => None,
    };
    if let Some(m) = mentioned {
        out.mentions.push(vec![id.into(), people.id(m).into()]);
    }
    let chosen = hashtags(rng, tags.names.len());
    for n in &chosen {
        out.tags.push(vec![id.into(), tags.id(*n).into()]);
    }
    let names: Vec<&str> = chosen.iter().map(|n| tags.names[*n].as_str()).collect();
    let english = rng.chance(20);
    row.language = Some(if english { "en" } else { "nl" });
    row.content = text::post_html(&t.base_url, &words(rng, english), &names);
    h.authors.push(author as u32);
    h.boostable.push(row.visibility == "public");
    out.statuses.push(row.values());
}

/// A post's words; one in 500 names the word searched for.
fn words(rng: &mut Rng, english: bool) -> String {
    let length = 8 + rng.below(33);
    let mut words = text::words(rng, length, english);
    if rng.below(500) == 0 {
        // The plural too: a search with stemming finds both.
        words.push(' ');
        words.push_str(if rng.chance(50) {
            "zebrapaden"
        } else {
            SEARCH_WORD
        });
    }
    words
}

/// A quarter of posts have one or two hashtags, popular ones more often.
fn hashtags(rng: &mut Rng, count: usize) -> Vec<usize> {
    let mut chosen = Vec::new();
    if rng.chance(25) {
        for _ in 0..1 + rng.below(2) {
            let n = rng.skewed(count);
            if !chosen.contains(&n) {
                chosen.push(n);
            }
        }
    }
    chosen
}
