//! Full-text search through the database engine: FTS5 on SQLite, `tsvector`
//! with a GIN index on PostgreSQL, in Dutch and English with stemming.
//!
//! - `service.rs`: normalising and stemming text, ranking, the one API the
//!   domains call (index, remove, find) and the backfill at start.
//! - `store.rs`: the index tables and their queries, per engine.
//!
//! Arrows point in: domains (statuses, actors, plans, events) hand over
//! plain text and ids, in the transaction of the change that causes it, and
//! read back ids in rank order to load their own views. Nothing here names a
//! domain. Deletions need no call: entries follow their owner and their
//! status by foreign key.

pub mod service;
pub mod store;

use sea_orm::DbErr;

use crate::error::AppError;

/// What an entry is; `kind` and `ref_id` together name the indexed row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Status,
    Account,
    Group,
    Plan,
    Event,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Status => "status",
            Kind::Account => "account",
            Kind::Group => "group",
            Kind::Plan => "plan",
            Kind::Event => "event",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        [
            Kind::Status,
            Kind::Account,
            Kind::Group,
            Kind::Plan,
            Kind::Event,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// One result: which row, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub kind: Kind,
    pub id: i64,
}

/// Rows loaded for some hits, put in the hits' order.
pub fn in_order<T>(hits: &[Hit], mut rows: Vec<T>, id: impl Fn(&T) -> i64) -> Vec<T> {
    rows.sort_by_key(|r| hits.iter().position(|h| h.id == id(r)));
    rows
}

/// Why a search could not run.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("q: at most {max} characters")]
    TooLong { max: usize },
    #[error("q: at most {max} words")]
    TooManyWords { max: usize },
    #[error(transparent)]
    Database(#[from] DbErr),
}

impl From<SearchError> for AppError {
    fn from(e: SearchError) -> Self {
        match e {
            SearchError::Database(e) => AppError::Database(e),
            other => AppError::BadRequest(other.to_string()),
        }
    }
}
