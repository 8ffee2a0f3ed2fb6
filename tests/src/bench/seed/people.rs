//! Accounts: local people (a fifth; they can sign in), the rest remote people
//! on fifty other instances; and who follows whom.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, Value};

use super::Template;
use crate::bench::rng::Rng;
use crate::bench::sql::{insert_rows, next_id};

/// Instances the remote people live on.
const REMOTE_HOSTS: usize = 50;

/// The people inserted: index `i` has id `first_id + i`; indexes below
/// `locals` are local people named `p{i}`, the others remote `r{i}`.
pub struct People {
    pub first_id: i64,
    pub count: usize,
    pub locals: usize,
}

impl People {
    pub fn id(&self, i: usize) -> i64 {
        self.first_id + i as i64
    }

    pub fn is_local(&self, i: usize) -> bool {
        i < self.locals
    }

    pub fn name(&self, i: usize) -> String {
        if self.is_local(i) {
            format!("p{i}")
        } else {
            format!("r{i}")
        }
    }

    pub fn host(&self, t: &Template, i: usize) -> String {
        if self.is_local(i) {
            t.host.clone()
        } else {
            format!("buur{}.example", i % REMOTE_HOSTS)
        }
    }

    pub fn ap_id(&self, t: &Template, i: usize) -> String {
        if self.is_local(i) {
            format!("{}/users/{}", t.base_url, self.name(i))
        } else {
            format!("https://{}/users/{}", self.host(t, i), self.name(i))
        }
    }
}

const ACTOR_COLUMNS: [&str; 21] = [
    "id",
    "kind",
    "ap_id",
    "username",
    "username_key",
    "host",
    "local",
    "display_name",
    "summary",
    "role",
    "inbox_url",
    "shared_inbox_url",
    "public_key_pem",
    "private_key_pem",
    "created_at",
    "updated_at",
    "locked",
    "followers_url",
    "following_url",
    "outbox_url",
    "fetched_at",
];

/// Person `i` in [`ACTOR_COLUMNS`]' order.
fn actor_row(people: &People, t: &Template, i: usize, at: DateTime<Utc>) -> Vec<Value> {
    let (local, ap_id, name) = (people.is_local(i), people.ap_id(t, i), people.name(i));
    let shared = if local {
        format!("{}/inbox", t.base_url)
    } else {
        format!("https://{}/inbox", people.host(t, i))
    };
    // Local people have the template's keys and role; remote ones were fetched.
    let (role, private_key, fetched) = match local {
        true => (Some(t.role.clone()), Some(t.private_key_pem.clone()), None),
        false => (None, None, Some(at)),
    };
    vec![
        people.id(i).into(),
        "person".into(),
        ap_id.clone().into(),
        name.clone().into(),
        name.to_lowercase().into(),
        people.host(t, i).into(),
        local.into(),
        format!("Buur {name}").into(),
        String::new().into(),
        role.into(),
        format!("{ap_id}/inbox").into(),
        Some(shared).into(),
        t.public_key_pem.clone().into(),
        private_key.into(),
        at.into(),
        at.into(),
        false.into(),
        Some(format!("{ap_id}/followers")).into(),
        Some(format!("{ap_id}/following")).into(),
        Some(format!("{ap_id}/outbox")).into(),
        fetched.into(),
    ]
}

/// Inserts `count` people, the first `locals` of them local, with
/// accounts that sign in with the template's password.
pub async fn insert(
    db: &impl ConnectionTrait,
    t: &Template,
    count: usize,
    locals: usize,
    at: DateTime<Utc>,
) -> People {
    let people = People {
        first_id: next_id(db, "actors").await,
        count,
        locals,
    };
    let actors = (0..count).map(|i| actor_row(&people, t, i, at)).collect();
    insert_rows(db, "actors", &ACTOR_COLUMNS, actors).await;
    let accounts = (0..people.locals)
        .map(|i| {
            let email = format!("{}@bench.example", people.name(i));
            vec![
                people.id(i).into(),
                email.clone().into(),
                email.into(),
                t.password_hash.clone().into(),
                false.into(),
                at.into(),
                true.into(),
            ]
        })
        .collect();
    let columns = [
        "actor_id",
        "email",
        "email_key",
        "password_hash",
        "admin",
        "created_at",
        "approved",
    ];
    insert_rows(db, "accounts", &columns, accounts).await;
    people
}

/// Local people follow 50 to 200 accounts each, popular ones more often;
/// remote people follow two local ones. Returns how many follows.
pub async fn follow(
    db: &impl ConnectionTrait,
    people: &People,
    rng: &mut Rng,
    at: DateTime<Utc>,
) -> usize {
    let mut rows = Vec::new();
    let push = |rows: &mut Vec<Vec<Value>>, follower: usize, target: usize| {
        rows.push(vec![
            people.id(follower).into(),
            people.id(target).into(),
            true.into(),
            at.into(),
        ]);
    };
    for follower in 0..people.locals {
        let wanted = (50 + rng.below(151)).min(people.count - 1);
        let mut targets = HashSet::new();
        while targets.len() < wanted {
            let target = rng.skewed(people.count);
            if target != follower {
                targets.insert(target);
            }
        }
        let mut targets: Vec<usize> = targets.into_iter().collect();
        targets.sort_unstable();
        for target in targets {
            push(&mut rows, follower, target);
        }
    }
    for follower in people.locals..people.count {
        let first = rng.below(people.locals);
        let second = (first + 1 + rng.below(people.locals - 1)) % people.locals;
        push(&mut rows, follower, first);
        push(&mut rows, follower, second);
    }
    let total = rows.len();
    let columns = ["follower_id", "target_id", "accepted", "created_at"];
    insert_rows(db, "follows", &columns, rows).await;
    total
}
