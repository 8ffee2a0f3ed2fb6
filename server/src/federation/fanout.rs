//! Who receives an outgoing activity, as a query the engine turns into
//! delivery rows (`knooppunt_federation::engine::fanout`).
//!
//! Recipients are sets of actors (an actor's followers, an event's
//! participants, the people a post mentions), never lists of ids or inboxes
//! read into memory first: a fan-out to 70,000 followers is one
//! `INSERT … SELECT` inside the caller's transaction, within every engine's
//! limit on bound values. Duplicates fall on the `(activity_id, inbox_url)`
//! unique index.

use sea_orm::sea_query::{Expr, Query, SelectStatement};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::actors::entity::{self as actor, Model as Actor};
use crate::actors::graph::follow;
use crate::config::Config;
use crate::error::AppError;
use knooppunt_federation::engine::fanout::{Fanout, PAGE};
use knooppunt_federation::vocab;

/// The receivers of one activity.
#[derive(Default)]
pub struct Recipients {
    /// Actors reached at their shared inbox when it is on their own host.
    shared: Vec<Condition>,
    /// Actors reached at their own inbox (people mentioned or replied to).
    personal: Vec<Condition>,
    /// Inboxes named by URL.
    inboxes: Vec<String>,
}

impl Recipients {
    pub fn new() -> Self {
        Self::default()
    }

    /// The accepted remote followers of `actor_id`.
    pub fn followers_of(mut self, actor_id: i64) -> Self {
        self.shared
            .push(Condition::all().add(actor::Column::Id.in_subquery(followers(actor_id))));
        self
    }

    /// The actors whose ids `ids` selects, each at [`inbox_of`].
    pub fn actors_in(mut self, ids: SelectStatement) -> Self {
        self.shared
            .push(Condition::all().add(actor::Column::Id.in_subquery(ids)));
        self
    }

    /// The actors whose ids `ids` selects, each at its own inbox.
    pub fn personal_in(mut self, ids: SelectStatement) -> Self {
        self.personal
            .push(Condition::all().add(actor::Column::Id.in_subquery(ids)));
        self
    }

    /// One actor at its own inbox.
    pub fn personal(mut self, actor_id: i64) -> Self {
        self.personal
            .push(Condition::all().add(actor::Column::Id.eq(actor_id)));
        self
    }

    /// Inboxes by URL.
    pub fn inboxes(mut self, urls: impl IntoIterator<Item = String>) -> Self {
        self.inboxes.extend(urls);
        self
    }

    /// Both sets of receivers.
    pub fn and(mut self, other: Recipients) -> Self {
        self.shared.extend(other.shared);
        self.personal.extend(other.personal);
        self.inboxes.extend(other.inboxes);
        self
    }
}

/// The ids of the actors whose follow of `target` was accepted.
pub fn followers(target: i64) -> SelectStatement {
    Query::select()
        .column(follow::Column::FollowerId)
        .from(follow::Entity)
        .and_where(follow::Column::TargetId.eq(target))
        .and_where(follow::Column::Accepted.eq(true))
        .to_owned()
}

/// Where in the actors table an actor is reached.
#[derive(Clone, Copy)]
enum Reach {
    /// [`inbox_of`]: the shared inbox when it is on the actor's own host.
    Shared,
    /// The actor's own inbox.
    Personal,
}

/// SQL: the URL in `column` starts with `http(s)://HOST/`, HOST being the
/// actor's own (`actors.host`, as `vocab::host_of` gave it). A URL written
/// otherwise (upper case, a default port) fails this test and is left to
/// [`insert_paged`], which applies `host_of` itself.
fn on_own_host(column: &str) -> String {
    let c = format!(r#""actors"."{column}""#);
    let prefix = |scheme: &str| format!(r#"'{scheme}://' || "actors"."host" || '/'"#);
    let (https, http) = (prefix("https"), prefix("http"));
    format!(
        "({c} IS NOT NULL AND (substr({c}, 1, length({https})) = {https} \
         OR substr({c}, 1, length({http})) = {http}))"
    )
}

impl Reach {
    /// SQL: the inbox chosen for the actor.
    fn inbox_sql(self) -> String {
        match self {
            Reach::Shared => format!(
                r#"CASE WHEN {} THEN "actors"."shared_inbox_url" ELSE "actors"."inbox_url" END"#,
                on_own_host("shared_inbox_url")
            ),
            Reach::Personal => r#""actors"."inbox_url""#.into(),
        }
    }

    /// SQL: the chosen inbox is known to be on the actor's host, so SQL
    /// alone can write the delivery; true or false, never NULL.
    fn exact_sql(self) -> String {
        match self {
            Reach::Shared => format!(
                r#"({} OR ("actors"."shared_inbox_url" IS NULL AND {}))"#,
                on_own_host("shared_inbox_url"),
                on_own_host("inbox_url")
            ),
            Reach::Personal => on_own_host("inbox_url"),
        }
    }

    /// The inbox chosen for `a`, in Rust.
    fn inbox_of(self, a: &Actor) -> String {
        match self {
            Reach::Shared => inbox_of(a),
            Reach::Personal => a.inbox_url.clone(),
        }
    }
}

/// Has the engine write a pending delivery of `activity_id` to every
/// receiver in `recipients` that is not on our domain, one per distinct inbox.
pub async fn write_deliveries(
    db: &impl ConnectionTrait,
    config: &Config,
    activity_id: i64,
    recipients: Recipients,
) -> Result<(), AppError> {
    let domain = config.instance.domain.as_str();
    let fanout = Fanout::new(activity_id, domain);
    for (sets, reach) in [
        (recipients.shared, Reach::Shared),
        (recipients.personal, Reach::Personal),
    ] {
        if sets.is_empty() {
            continue;
        }
        let who = sets
            .into_iter()
            .fold(Condition::any(), |any, set| any.add(set));
        let remote = Condition::all()
            .add(who)
            .add(actor::Column::Local.eq(false));
        fanout
            .insert_selected(db, selected(domain, remote.clone(), reach))
            .await?;
        insert_paged(db, &fanout, remote, reach).await?;
    }
    fanout.insert_inboxes(db, recipients.inboxes).await?;
    Ok(())
}

/// The inboxes SQL can work out alone, with their hosts: the receivers'
/// part the engine writes in one statement.
fn selected(domain: &str, remote: Condition, reach: Reach) -> SelectStatement {
    Query::select()
        .expr(Expr::cust(reach.inbox_sql()))
        .column((actor::Entity, actor::Column::Host))
        .from(actor::Entity)
        .cond_where(remote)
        .and_where(actor::Column::Host.ne(domain))
        .and_where(Expr::cust(reach.exact_sql()))
        .to_owned()
}

/// The deliveries SQL cannot work out alone (an inbox URL written in an
/// unusual form, or stored before inboxes had to be on the actor's host):
/// read in pages of [`PAGE`] actors and chosen by [`inbox_of`]. Usually none.
async fn insert_paged(
    db: &impl ConnectionTrait,
    fanout: &Fanout<'_>,
    remote: Condition,
    reach: Reach,
) -> Result<(), AppError> {
    let mut after = 0;
    loop {
        let page = actor::Entity::find()
            .filter(remote.clone())
            .filter(Expr::cust(format!("NOT {}", reach.exact_sql())))
            .filter(actor::Column::Id.gt(after))
            .order_by_asc(actor::Column::Id)
            .limit(PAGE)
            .all(db)
            .await?;
        let Some(last) = page.last() else {
            return Ok(());
        };
        after = last.id;
        let full = page.len() as u64 == PAGE;
        let inboxes: Vec<String> = page.iter().map(|a| reach.inbox_of(a)).collect();
        fanout.insert_inboxes(db, inboxes).await?;
        if !full {
            return Ok(());
        }
    }
}

/// Where to deliver to an actor: its shared inbox when it has one.
pub fn inbox_of(a: &Actor) -> String {
    // A shared inbox elsewhere than the actor's own host is never used
    // (actors stored before that was refused at fetch may still name one).
    a.shared_inbox_url
        .clone()
        .filter(|s| vocab::host_of(s) == vocab::host_of(&a.ap_id))
        .unwrap_or_else(|| a.inbox_url.clone())
}
