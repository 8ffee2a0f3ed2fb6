//! Full-text search through the database engine itself.
//!
//! - `search_entries`: one row per searchable thing (a status, an account, a
//!   group, a plan, an event) by `kind` and `ref_id`, with the actor whose
//!   content it is (`owner_id`) and the status it lives in (`post_id`).
//!   Both are foreign keys that cascade: when an actor or a status is
//!   deleted, by whatever path, its entries go with it.
//! - PostgreSQL: the entry's `document` is a `tsvector` (Dutch and English
//!   stems, plain words of names and titles) with a GIN index.
//! - SQLite: FTS5 has no Dutch stemmer, so the server stems in Rust and
//!   writes the stems into `search_fts`, a contentless FTS5 table whose
//!   rowid is the entry's id; a trigger drops its row with the entry.
//! - `search_backfill`: what existing rows still need indexing. Filling
//!   needs the server's text normalising (and on SQLite its stemming), so the
//!   server does it at start in batches, not this migration.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SearchEntries {
    Table,
    Id,
    Kind,
    RefId,
    OwnerId,
    PostId,
}

#[derive(DeriveIden)]
enum SearchBackfill {
    Table,
    Source,
    AfterId,
}

#[derive(DeriveIden)]
enum Actors {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Statuses {
    Table,
    Id,
}

/// What the server indexes at start, each from its first row.
const SOURCES: [&str; 4] = ["actors", "statuses", "plans", "events"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        create_entries(m).await?;
        let db = m.get_connection();
        match m.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => {
                db.execute_unprepared(
                    "ALTER TABLE search_entries ADD COLUMN document tsvector NOT NULL",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE INDEX search_entries_document ON search_entries USING GIN (document)",
                )
                .await?;
            }
            _ => {
                // Words arrive lowercased, folded and stemmed by the
                // server: the tokenizer only splits them, as on PostgreSQL.
                db.execute_unprepared(
                    "CREATE VIRTUAL TABLE search_fts USING fts5(title, body, content = '', \
                     contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 0')",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER search_entries_gone AFTER DELETE ON search_entries \
                     BEGIN DELETE FROM search_fts WHERE rowid = old.id; END",
                )
                .await?;
            }
        }
        create_backfill(m).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(SearchBackfill::Table).to_owned())
            .await?;
        if m.get_database_backend() == sea_orm::DatabaseBackend::Sqlite {
            m.get_connection()
                .execute_unprepared("DROP TABLE search_fts")
                .await?;
        }
        m.drop_table(Table::drop().table(SearchEntries::Table).to_owned())
            .await
    }
}

async fn create_entries(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    m.create_table(
        Table::create()
            .table(SearchEntries::Table)
            .col(big_pk_auto(SearchEntries::Id))
            .col(string(SearchEntries::Kind))
            .col(big_integer(SearchEntries::RefId))
            .col(big_integer(SearchEntries::OwnerId))
            .col(big_integer_null(SearchEntries::PostId))
            .foreign_key(
                ForeignKey::create()
                    .name("search_entries_owner")
                    .from(SearchEntries::Table, SearchEntries::OwnerId)
                    .to(Actors::Table, Actors::Id)
                    .on_delete(ForeignKeyAction::Cascade),
            )
            .foreign_key(
                ForeignKey::create()
                    .name("search_entries_post")
                    .from(SearchEntries::Table, SearchEntries::PostId)
                    .to(Statuses::Table, Statuses::Id)
                    .on_delete(ForeignKeyAction::Cascade),
            )
            .to_owned(),
    )
    .await?;
    // One entry per row; the foreign keys' cascades look entries up by
    // owner and by post.
    let indexes = [
        (
            "search_entries_ref",
            vec![SearchEntries::Kind, SearchEntries::RefId],
            true,
        ),
        ("search_entries_owner", vec![SearchEntries::OwnerId], false),
        ("search_entries_post", vec![SearchEntries::PostId], false),
    ];
    for (name, cols, unique) in indexes {
        let mut index = Index::create();
        index.name(name).table(SearchEntries::Table);
        for col in cols {
            index.col(col);
        }
        if unique {
            index.unique();
        }
        m.create_index(index.to_owned()).await?;
    }
    Ok(())
}

/// Every source starts from its first row.
async fn create_backfill(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    m.create_table(
        Table::create()
            .table(SearchBackfill::Table)
            .col(string(SearchBackfill::Source).primary_key())
            .col(big_integer(SearchBackfill::AfterId))
            .to_owned(),
    )
    .await?;
    let mut insert = Query::insert();
    insert
        .into_table(SearchBackfill::Table)
        .columns([SearchBackfill::Source, SearchBackfill::AfterId]);
    for source in SOURCES {
        insert
            .values([source.into(), 0i64.into()])
            .map_err(|e| DbErr::Custom(e.to_string()))?;
    }
    m.exec_stmt(insert.to_owned()).await
}
