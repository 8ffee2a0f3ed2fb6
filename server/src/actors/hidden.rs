//! What moderation hides: the actors whose content nobody sees (suspended,
//! by a moderator or with their domain), and those kept out of public
//! timelines as well (silenced). Timelines and single statuses ask here.

use sea_orm::sea_query::{Query, SelectStatement};
use sea_orm::{ColumnTrait, Condition};

use super::entity::{self as actor, Model as Actor};

/// Ids of actors whose content is hidden from everyone.
pub fn hidden_actors() -> SelectStatement {
    Query::select()
        .column(actor::Column::Id)
        .from(actor::Entity)
        .cond_where(moderated())
        .cond_where(hidden())
        .to_owned()
}

/// Ids of actors kept out of public timelines: hidden and silenced ones.
pub fn quiet_actors() -> SelectStatement {
    Query::select()
        .column(actor::Column::Id)
        .from(actor::Entity)
        .cond_where(moderated())
        .cond_where(
            hidden()
                .add(actor::Column::SilencedAt.is_not_null())
                .add(actor::Column::DomainLimit.eq("silence")),
        )
        .to_owned()
}

/// Any moderation at all: the condition of the partial index
/// `actors_moderated` (see its migration), repeated in the queries above so
/// that the database reads that small index instead of every actor.
fn moderated() -> Condition {
    Condition::any()
        .add(actor::Column::SuspendedAt.is_not_null())
        .add(actor::Column::SilencedAt.is_not_null())
        .add(actor::Column::DomainLimit.is_not_null())
}

fn hidden() -> Condition {
    Condition::any()
        .add(actor::Column::SuspendedAt.is_not_null())
        .add(actor::Column::DomainLimit.eq("suspend"))
}

/// Whether an actor's content is hidden from everyone.
pub fn is_hidden(a: &Actor) -> bool {
    a.suspended_at.is_some() || a.domain_limit.as_deref() == Some("suspend")
}

/// Whether an actor is kept out of public timelines.
pub fn is_quiet(a: &Actor) -> bool {
    is_hidden(a) || a.silenced_at.is_some() || a.domain_limit.as_deref() == Some("silence")
}
