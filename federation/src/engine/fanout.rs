//! The delivery rows of one outgoing activity, written by SQL.
//!
//! The application knows who receives an activity (an actor's followers, an
//! event's participants, the people a post mentions) and hands those over as
//! a query over its own tables that selects their inboxes, never as lists read
//! into memory first: a fan-out to 70,000 followers is one `INSERT … SELECT`
//! inside the caller's transaction, within every engine's limit on bound
//! values. Duplicates fall on the `(activity_id, inbox_url)` unique index.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict, Query, SelectStatement};
use sea_orm::{ConnectionTrait, EntityTrait};

use super::EngineError;
use super::entity::delivery;
use crate::vocab;

/// Writes the pending deliveries of one activity (see
/// [`super::outbox::record_activity`]); all get the same timestamps.
pub struct Fanout<'a> {
    activity_id: i64,
    /// Our domain: never delivered to.
    domain: &'a str,
    now: DateTime<Utc>,
}

/// Rows per statement in [`Fanout::insert_inboxes`].
pub const PAGE: u64 = 500;

impl<'a> Fanout<'a> {
    pub fn new(activity_id: i64, domain: &'a str) -> Self {
        Fanout {
            activity_id,
            domain,
            now: Utc::now(),
        }
    }

    /// One delivery per distinct row of `inboxes`, in one statement.
    /// `inboxes` selects two columns, the inbox URL and its host (as
    /// `vocab::host_of` gives it), of receivers that are not on our domain;
    /// the caller's query guarantees both, as SQL cannot apply `host_of`.
    pub async fn insert_selected(
        &self,
        db: &impl ConnectionTrait,
        mut inboxes: SelectStatement,
    ) -> Result<(), EngineError> {
        use delivery::Column as D;
        let select = inboxes
            .distinct()
            .expr(Expr::val(self.activity_id))
            .expr(Expr::val("pending"))
            .expr(Expr::val(0))
            .expr(Expr::val(self.now))
            .expr(Expr::val(self.now))
            .expr(Expr::val(self.now))
            .to_owned();
        let insert = Query::insert()
            .into_table(delivery::Entity)
            .columns([
                D::InboxUrl,
                D::Host,
                D::ActivityId,
                D::State,
                D::Attempts,
                D::NextAttemptAt,
                D::CreatedAt,
                D::UpdatedAt,
            ])
            .select_from(select)
            .map_err(|e| EngineError::Internal(format!("fan-out statement: {e}")))?
            .on_conflict(
                OnConflict::columns([D::ActivityId, D::InboxUrl])
                    .do_nothing()
                    .to_owned(),
            )
            .to_owned();
        db.execute(&insert).await?;
        Ok(())
    }

    /// One delivery per inbox URL that is not ours, in groups of [`PAGE`],
    /// skipping inboxes the activity already has.
    pub async fn insert_inboxes(
        &self,
        db: &impl ConnectionTrait,
        inboxes: Vec<String>,
    ) -> Result<(), EngineError> {
        let mut rows = inboxes
            .into_iter()
            .filter_map(|inbox| self.row(inbox))
            .peekable();
        while rows.peek().is_some() {
            let chunk: Vec<_> = rows.by_ref().take(PAGE as usize).collect();
            delivery::Entity::insert_many(chunk)
                .on_conflict_do_nothing_on([
                    delivery::Column::ActivityId,
                    delivery::Column::InboxUrl,
                ])
                .exec_without_returning(db)
                .await?;
        }
        Ok(())
    }

    /// A pending delivery to `inbox`, unless it is ours or not a URL.
    fn row(&self, inbox: String) -> Option<delivery::ActiveModel> {
        use sea_orm::ActiveValue::Set;
        let host = vocab::host_of(&inbox).filter(|h| h != self.domain)?;
        Some(delivery::ActiveModel {
            activity_id: Set(self.activity_id),
            host: Set(host),
            inbox_url: Set(inbox),
            state: Set("pending".into()),
            attempts: Set(0),
            next_attempt_at: Set(self.now),
            locked_until: Set(None),
            last_error: Set(None),
            created_at: Set(self.now),
            updated_at: Set(self.now),
            ..Default::default()
        })
    }
}
