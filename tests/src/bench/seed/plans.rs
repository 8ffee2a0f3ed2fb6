//! Plans: each a public post with one to three themes, an owner, a line of
//! history, supports, and up to ten arguments; one plan has 200.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, Value};

use super::people::People;
use super::posts::{THEMES, Tags};
use super::rows::{STATUS_COLUMNS, StatusRow};
use super::{BIG_PLAN_ARGUMENTS, BIG_PLAN_TITLE, SEARCH_WORD, Template, text};
use crate::bench::rng::Rng;
use crate::bench::sql::{insert_rows, next_id};

/// Plans generated and inserted at a time.
const CHUNK: usize = 500;

const STATES: [(&str, usize); 7] = [
    ("idea", 40),
    ("proposal", 25),
    ("adopted", 10),
    ("rejected", 5),
    ("in_progress", 10),
    ("done", 5),
    ("withdrawn", 5),
];

const PLAN_COLUMNS: [&str; 18] = [
    "id",
    "status_id",
    "title",
    "summary",
    "content",
    "source",
    "area_address",
    "cost_estimate_cents",
    "requested_budget_cents",
    "currency",
    "state",
    "local",
    "supports_count",
    "pro_count",
    "contra_count",
    "comments_count",
    "created_at",
    "updated_at",
];

#[derive(Default)]
struct Chunk {
    statuses: Vec<Vec<Value>>,
    plans: Vec<Vec<Value>>,
    owners: Vec<Vec<Value>>,
    history: Vec<Vec<Value>>,
    themes: Vec<Vec<Value>>,
    favourites: Vec<Vec<Value>>,
}

/// Ids handed out as plans are generated.
struct Next {
    plan: i64,
    status: i64,
}

/// Inserts `count` plans after everything else; returns how many arguments.
pub async fn insert(
    db: &impl ConnectionTrait,
    t: &Template,
    people: &People,
    tags: &Tags,
    count: usize,
    rng: &mut Rng,
    start: DateTime<Utc>,
) -> usize {
    let mut next = Next {
        plan: next_id(db, "plans").await,
        status: next_id(db, "statuses").await,
    };
    let mut arguments = 0;
    let mut k = 0;
    while k < count {
        let mut chunk = Chunk::default();
        for _ in 0..CHUNK.min(count - k) {
            let at = start + Duration::minutes(k as i64);
            arguments += one_plan(
                t,
                people,
                tags,
                k == count / 2,
                at,
                rng,
                &mut next,
                &mut chunk,
            );
            k += 1;
        }
        insert_rows(db, "statuses", &STATUS_COLUMNS, chunk.statuses).await;
        insert_rows(db, "plans", &PLAN_COLUMNS, chunk.plans).await;
        insert_rows(
            db,
            "plan_owners",
            &["plan_id", "actor_id", "added_at"],
            chunk.owners,
        )
        .await;
        let columns = [
            "plan_id",
            "actor_ap_id",
            "action",
            "note",
            "fields",
            "at",
            "source",
        ];
        insert_rows(db, "plan_history", &columns, chunk.history).await;
        insert_rows(db, "status_tags", &["status_id", "tag_id"], chunk.themes).await;
        let columns = ["actor_id", "status_id", "created_at"];
        insert_rows(db, "favourites", &columns, chunk.favourites).await;
    }
    arguments
}

fn state(rng: &mut Rng) -> &'static str {
    let mut roll = rng.below(100);
    for (name, share) in STATES {
        if roll < share {
            return name;
        }
        roll -= share;
    }
    "idea"
}

/// Supports of a status by `n` different people.
fn supports(
    people: &People,
    status: i64,
    n: usize,
    rng: &mut Rng,
    at: DateTime<Utc>,
    out: &mut Chunk,
) {
    let first = rng.below(people.count);
    for s in 0..n.min(people.count) {
        let who = people.id((first + s) % people.count);
        out.favourites
            .push(vec![who.into(), status.into(), at.into()]);
    }
}

/// One plan, its post, themes, owner, history, supports and arguments.
#[allow(clippy::too_many_arguments)]
fn one_plan(
    t: &Template,
    people: &People,
    tags: &Tags,
    big: bool,
    at: DateTime<Utc>,
    rng: &mut Rng,
    next: &mut Next,
    out: &mut Chunk,
) -> usize {
    let (plan_id, status_id) = (next.plan, next.status);
    next.plan += 1;
    next.status += 1;
    let author = rng.skewed(people.locals);
    let author_ap_id = people.ap_id(t, author);
    let title = if big {
        BIG_PLAN_TITLE.to_string()
    } else if rng.below(100) == 0 {
        format!("Veilig {SEARCH_WORD} bij de {}", text::words(rng, 1, false))
    } else {
        format!("Plan voor {}", text::words(rng, 3, false))
    };
    let summary = text::words(rng, 15, false);
    let url = format!("{}/plans/{plan_id}", t.base_url);
    let html = format!(
        "<p><strong>{title}</strong></p><p>{summary}</p><p><a href=\"{url}\">{url}</a></p>"
    );
    let ap_id = format!("{author_ap_id}/statuses/{status_id}");
    let mut post = StatusRow::public(status_id, ap_id, people.id(author), html, true, at);
    post.url = Some(url);
    out.statuses.push(post.values());
    for theme in themes(rng) {
        out.themes
            .push(vec![status_id.into(), tags.id(theme).into()]);
    }
    let backing = rng.below(31);
    supports(people, status_id, backing, rng, at, out);
    let plan = (status_id, people.id(author));
    let (pro, contra, comments) = arguments(t, people, plan, big, at, rng, next, out);
    let body = format!("<p>{}</p>", text::words(rng, 60, false));
    let counts = [backing, pro, contra, comments].map(|n| Value::from(n as i64));
    let mut row: Vec<Value> = vec![
        plan_id.into(),
        status_id.into(),
        title.into(),
        summary.into(),
        body.clone().into(),
        Some(body).into(),
        Some(format!("Dorpsstraat {}", 1 + rng.below(200))).into(),
        Some(rng.below(5_000_000) as i64).into(),
        None::<i64>.into(),
        "EUR".into(),
        state(rng).into(),
        true.into(),
    ];
    row.extend(counts);
    row.extend([at.into(), at.into()]);
    out.plans.push(row);
    out.owners
        .push(vec![plan_id.into(), people.id(author).into(), at.into()]);
    out.history.push(vec![
        plan_id.into(),
        author_ap_id.into(),
        "created".into(),
        String::new().into(),
        "[]".into(),
        at.into(),
        "local".into(),
    ]);
    pro + contra + comments
}

/// One to three different themes.
fn themes(rng: &mut Rng) -> Vec<usize> {
    let mut themes = Vec::new();
    for _ in 0..1 + rng.below(3) {
        let theme = rng.below(THEMES.len());
        if !themes.contains(&theme) {
            themes.push(theme);
        }
    }
    themes
}

/// Arguments on a plan's post `(status, author)`: pro, contra and comments.
#[allow(clippy::too_many_arguments)]
fn arguments(
    t: &Template,
    people: &People,
    plan: (i64, i64),
    big: bool,
    at: DateTime<Utc>,
    rng: &mut Rng,
    next: &mut Next,
    out: &mut Chunk,
) -> (usize, usize, usize) {
    let count = if big {
        BIG_PLAN_ARGUMENTS
    } else {
        rng.below(11)
    };
    let (mut pro, mut contra, mut comments) = (0, 0, 0);
    for a in 0..count {
        let id = next.status;
        next.status += 1;
        let who = rng.below(people.count);
        let stance = match (big, rng.below(10)) {
            (true, _) if a % 9 < 5 => Some("pro"),
            (true, _) => Some("contra"),
            (false, 0..4) => Some("pro"),
            (false, 4..7) => Some("contra"),
            _ => None,
        };
        match stance {
            Some("pro") => pro += 1,
            Some("contra") => contra += 1,
            _ => comments += 1,
        }
        let length = 12 + rng.below(30);
        let html = format!("<p>{}</p>", text::words(rng, length, false));
        let at = at + Duration::seconds(a as i64 + 1);
        let ap_id = format!("{}/statuses/{id}", people.ap_id(t, who));
        let mut row = StatusRow::public(id, ap_id, people.id(who), html, people.is_local(who), at);
        (row.reply_to, row.stance) = (Some(plan), stance);
        out.statuses.push(row.values());
        let backing = rng.below(3);
        supports(people, id, backing, rng, at, out);
    }
    (pro, contra, comments)
}
