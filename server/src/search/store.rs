//! The search index's tables and queries (see the search migration). Both
//! engines share `search_entries`; the words live in `search_fts` (FTS5) on
//! SQLite and in `search_entries.document` (`tsvector`) on PostgreSQL.

use sea_orm::sea_query::{Expr, ExprTrait, JoinType, Order, Query as Select, SelectStatement};
use sea_orm::{Condition, ConnectionTrait, DbBackend, DbErr, Statement, Value};

use super::{Hit, Kind};

const ENTRIES: &str = "search_entries";

/// An entry to write. On SQLite `title` and `body` are stems, ready for
/// FTS5; on PostgreSQL normalised words, which it stems itself.
pub struct Entry<'a> {
    pub kind: Kind,
    pub ref_id: i64,
    pub owner_id: i64,
    pub post_id: Option<i64>,
    pub title: &'a str,
    pub body: &'a str,
}

/// One word of a query and the forms it may match.
pub struct Term {
    /// Lowercase, letters and digits only.
    pub word: String,
    /// Its Dutch and English stems (used on SQLite).
    pub stems: Vec<String>,
    /// Also words starting with `word` (as one types a name).
    pub prefix: bool,
}

/// A query: every term must match.
pub struct Query<'a> {
    pub kinds: &'a [Kind],
    pub terms: &'a [Term],
    /// Only these ids (a subquery of the domain's own filters).
    pub within: Option<SelectStatement>,
    /// Leave out entries of these actors (subqueries of actor ids).
    pub exclude_owners: Vec<SelectStatement>,
    pub max_id: Option<i64>,
    pub min_id: Option<i64>,
    pub limit: u64,
    pub offset: u64,
    /// How much more a word in the title counts than one in the body.
    pub title_weight: f64,
    /// Newest (highest id) first instead of best first: pages by
    /// `max_id` then follow on without a row twice or missing.
    pub newest_first: bool,
}

/// Writes (or rewrites) an entry.
pub async fn upsert(db: &impl ConnectionTrait, e: &Entry<'_>) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    let key: [Value; 4] = [
        e.kind.as_str().into(),
        e.ref_id.into(),
        e.owner_id.into(),
        e.post_id.into(),
    ];
    if backend == DbBackend::Postgres {
        // Names and titles weigh most (A) and keep their plain words for
        // prefix matches; body text counts as D.
        let sql = "INSERT INTO search_entries (kind, ref_id, owner_id, post_id, document) \
             VALUES ($1, $2, $3, $4, \
               setweight(to_tsvector('simple'::regconfig, $5) \
                 || to_tsvector('dutch'::regconfig, $5) \
                 || to_tsvector('english'::regconfig, $5), 'A') \
               || setweight(to_tsvector('dutch'::regconfig, $6) \
                 || to_tsvector('english'::regconfig, $6), 'D')) \
             ON CONFLICT (kind, ref_id) DO UPDATE SET owner_id = excluded.owner_id, \
               post_id = excluded.post_id, document = excluded.document";
        let mut values = key.to_vec();
        values.extend([e.title.into(), e.body.into()]);
        db.execute_raw(Statement::from_sql_and_values(backend, sql, values))
            .await?;
        return Ok(());
    }
    // One round trip to the database for the three statements (SQLite runs
    // them in order, binding the values in turn): under load every write
    // waits for the one before it, and each trip costs a thread hop.
    let sql = "INSERT INTO search_entries (kind, ref_id, owner_id, post_id) VALUES (?, ?, ?, ?) \
           ON CONFLICT (kind, ref_id) DO UPDATE SET owner_id = excluded.owner_id, \
             post_id = excluded.post_id; \
         DELETE FROM search_fts WHERE rowid = \
           (SELECT id FROM search_entries WHERE kind = ? AND ref_id = ?); \
         INSERT INTO search_fts (rowid, title, body) \
           SELECT id, ?, ? FROM search_entries WHERE kind = ? AND ref_id = ?";
    let mut values = key.to_vec();
    values.extend([
        e.kind.as_str().into(),
        e.ref_id.into(),
        e.title.into(),
        e.body.into(),
        e.kind.as_str().into(),
        e.ref_id.into(),
    ]);
    db.execute_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    Ok(())
}

/// Removes an entry if there is one (on SQLite a trigger drops its words).
pub async fn remove(db: &impl ConnectionTrait, kind: Kind, ref_id: i64) -> Result<(), DbErr> {
    let delete = Select::delete()
        .from_table(ENTRIES)
        .and_where(Expr::col("kind").eq(kind.as_str()))
        .and_where(Expr::col("ref_id").eq(ref_id))
        .to_owned();
    db.execute(&delete).await?;
    Ok(())
}

/// The entries matching a query, best first (newest first among equals).
pub async fn find(db: &impl ConnectionTrait, q: &Query<'_>) -> Result<Vec<Hit>, DbErr> {
    if q.terms.is_empty() || q.kinds.is_empty() {
        return Ok(vec![]);
    }
    let select = statement(db.get_database_backend(), q);
    let rows = db.query_all(&select).await?;
    let mut hits = Vec::with_capacity(rows.len());
    for row in rows {
        let kind: String = row.try_get("", "kind")?;
        if let Some(kind) = Kind::parse(&kind) {
            hits.push(Hit {
                kind,
                id: row.try_get("", "ref_id")?,
            });
        }
    }
    Ok(hits)
}

/// The statement [`find`] runs.
fn statement(backend: DbBackend, q: &Query<'_>) -> SelectStatement {
    let col = |c: &'static str| Expr::col((ENTRIES, c));
    let mut select = Select::select();
    select.column((ENTRIES, "kind")).column((ENTRIES, "ref_id"));
    match backend {
        DbBackend::Postgres => {
            let (sql, values) = ts_query(q.terms);
            // Weights of D, C, B, A: the body is D, titles are A.
            let rank = format!(
                "ts_rank('{{{}, 0.2, 0.4, 1.0}}'::float4[], search_entries.document, {sql})",
                1.0 / q.title_weight.max(1.0)
            );
            select.from(ENTRIES).and_where(Expr::cust_with_values(
                format!("search_entries.document @@ {sql}"),
                values.clone(),
            ));
            if !q.newest_first {
                select.order_by_expr(Expr::cust_with_values(rank, values), Order::Desc);
            }
        }
        _ => {
            // CROSS JOIN fixes the order in SQLite: the full-text match
            // first, then its entries. Left to itself, the bundled SQLite
            // may scan the entries and run the match once per entry
            // (seconds at a million posts).
            select
                .from("search_fts")
                .join(JoinType::CrossJoin, ENTRIES, Condition::all())
                .and_where(col("id").equals(("search_fts", "rowid")))
                .and_where(Expr::cust_with_values(
                    "search_fts MATCH ?",
                    [fts_match(q.terms)],
                ));
            if !q.newest_first {
                select.order_by_expr(
                    Expr::cust(format!("bm25(search_fts, {}, 1.0)", q.title_weight)),
                    Order::Asc,
                );
            }
        }
    }
    select
        .and_where(col("kind").is_in(q.kinds.iter().map(|k| k.as_str())))
        .order_by((ENTRIES, "ref_id"), Order::Desc)
        .limit(q.limit)
        .offset(q.offset);
    if let Some(within) = &q.within {
        select.and_where(col("ref_id").in_subquery(within.clone()));
    }
    for owners in &q.exclude_owners {
        select.and_where(col("owner_id").not_in_subquery(owners.clone()));
    }
    if let Some(max) = q.max_id {
        select.and_where(col("ref_id").lt(max));
    }
    if let Some(min) = q.min_id {
        select.and_where(col("ref_id").gt(min));
    }
    select
}

/// FTS5 query text: each term's stems (and prefix) as quoted strings, so
/// nothing a person types is read as FTS5 syntax.
fn fts_match(terms: &[Term]) -> String {
    let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    terms
        .iter()
        .map(|t| {
            let mut forms: Vec<String> = t.stems.iter().map(|s| quote(s)).collect();
            if t.prefix {
                forms.push(format!("{}*", quote(&t.word)));
            }
            format!("({})", forms.join(" OR "))
        })
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// A `tsquery` expression with `$n` placeholders: each word in Dutch or in
/// English (plainto_tsquery reads no syntax), all words required.
fn ts_query(terms: &[Term]) -> (String, Vec<Value>) {
    let mut values: Vec<Value> = Vec::new();
    let mut parts = Vec::with_capacity(terms.len());
    for t in terms {
        values.push(t.word.clone().into());
        let n = values.len();
        let mut part = format!(
            "plainto_tsquery('dutch'::regconfig, ${n}) || plainto_tsquery('english'::regconfig, ${n})"
        );
        if t.prefix {
            values.push(format!("'{}':*", t.word.replace('\'', "''").replace('\\', "")).into());
            part.push_str(&format!(
                " || to_tsquery('simple'::regconfig, ${})",
                values.len()
            ));
        }
        parts.push(format!("({part})"));
    }
    (format!("({})", parts.join(" && ")), values)
}

/// Where the backfill of each source stands: the last id indexed.
pub async fn backfill_positions(db: &impl ConnectionTrait) -> Result<Vec<(String, i64)>, DbErr> {
    let select = Select::select()
        .columns(["source", "after_id"])
        .from("search_backfill")
        .to_owned();
    let mut out = Vec::new();
    for row in db.query_all(&select).await? {
        out.push((row.try_get("", "source")?, row.try_get("", "after_id")?));
    }
    Ok(out)
}

/// Records progress, or with `None` that a source is done.
pub async fn set_backfill_position(
    db: &impl ConnectionTrait,
    source: &str,
    after_id: Option<i64>,
) -> Result<(), DbErr> {
    match after_id {
        Some(id) => {
            let update = Select::update()
                .table("search_backfill")
                .value("after_id", id)
                .and_where(Expr::col("source").eq(source))
                .to_owned();
            db.execute(&update).await?;
        }
        None => {
            let delete = Select::delete()
                .from_table("search_backfill")
                .and_where(Expr::col("source").eq(source))
                .to_owned();
            db.execute(&delete).await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The join order SQLite is held to: the full-text match drives.
    #[test]
    fn sqlite_matches_first_then_reads_entries_by_rowid() {
        let terms = [Term {
            word: "zebrapad".into(),
            stems: vec!["zebrapad".into()],
            prefix: false,
        }];
        let q = Query {
            kinds: &[Kind::Status],
            terms: &terms,
            within: None,
            exclude_owners: vec![],
            max_id: None,
            min_id: None,
            limit: 20,
            offset: 0,
            title_weight: 10.0,
            newest_first: false,
        };
        let sql =
            statement(DbBackend::Sqlite, &q).to_string(sea_orm::sea_query::SqliteQueryBuilder);
        assert!(
            sql.contains(
                r#"FROM "search_fts" CROSS JOIN "search_entries" WHERE "search_entries"."id" = "search_fts"."rowid""#
            ),
            "{sql}"
        );
    }
}
