//! Raw SQL for benchmarks: one statement text for both engines, and bulk
//! multi-row inserts.

use sea_orm::{ConnectionTrait, DbBackend, Statement, Value};

/// Most bound values in one statement: under SQLite's 32,766 (PostgreSQL
/// allows 65,535).
const MAX_VALUES: usize = 30_000;

/// `sql` written with `?` placeholders, numbered `$1, $2, …` for PostgreSQL.
pub fn statement(backend: DbBackend, sql: &str, values: Vec<Value>) -> Statement {
    let sql = match backend {
        DbBackend::Postgres => {
            let mut out = String::with_capacity(sql.len() + 16);
            let mut n = 0;
            for c in sql.chars() {
                if c == '?' {
                    n += 1;
                    out.push_str(&format!("${n}"));
                } else {
                    out.push(c);
                }
            }
            out
        }
        _ => sql.to_string(),
    };
    Statement::from_sql_and_values(backend, sql, values)
}

/// Inserts `rows` (each one value per column) in as few statements as the
/// engines allow.
pub async fn insert_rows(
    db: &impl ConnectionTrait,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Value>>,
) {
    let per_statement = (MAX_VALUES / columns.len()).max(1);
    let head = format!(
        "INSERT INTO \"{table}\" ({}) VALUES ",
        columns
            .iter()
            .map(|c| format!("\"{c}\""))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let one = format!("({})", vec!["?"; columns.len()].join(", "));
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Vec<Value>> = rows.by_ref().take(per_statement).collect();
        let sql = format!("{head}{}", vec![one.as_str(); chunk.len()].join(", "));
        let values: Vec<Value> = chunk.into_iter().flatten().collect();
        db.execute_raw(statement(db.get_database_backend(), &sql, values))
            .await
            .unwrap_or_else(|e| panic!("insert into {table}: {e}"));
    }
}

/// The first free id of `table` (ids are given explicitly in bulk inserts,
/// so that rows can refer to each other without reading ids back).
pub async fn next_id(db: &impl ConnectionTrait, table: &str) -> i64 {
    let sql = format!("SELECT COALESCE(MAX(id), 0) + 1 AS next FROM \"{table}\"");
    let row = db
        .query_one_raw(statement(db.get_database_backend(), &sql, vec![]))
        .await
        .unwrap_or_else(|e| panic!("next id of {table}: {e}"))
        .expect("one row");
    row.try_get::<i64>("", "next").expect("next id")
}

/// After explicit ids, PostgreSQL's sequences must move past them (SQLite's
/// AUTOINCREMENT follows the largest id by itself).
pub async fn reset_sequences(db: &impl ConnectionTrait, tables: &[&str]) {
    if db.get_database_backend() != DbBackend::Postgres {
        return;
    }
    for table in tables {
        let sql = format!(
            "SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT MAX(id) FROM \"{table}\"))"
        );
        db.execute_unprepared(&sql)
            .await
            .unwrap_or_else(|e| panic!("sequence of {table}: {e}"));
    }
}

/// Ids a one-column query returns, in its order.
pub async fn ids(db: &impl ConnectionTrait, stmt: Statement) -> Vec<i64> {
    db.query_all_raw(stmt)
        .await
        .unwrap_or_else(|e| panic!("query: {e}"))
        .into_iter()
        .map(|row| row.try_get_by_index::<i64>(0).expect("an id"))
        .collect()
}

/// One count.
pub async fn count(db: &impl ConnectionTrait, sql: &str, values: Vec<Value>) -> i64 {
    let stmt = statement(db.get_database_backend(), sql, values);
    let row = db
        .query_one_raw(stmt)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .expect("one row");
    row.try_get_by_index::<i64>(0).expect("a count")
}
