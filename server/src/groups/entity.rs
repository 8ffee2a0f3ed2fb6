//! The `groups` and `memberships` tables live with the graph between actors
//! ([`crate::actors::graph`]): following a group is joining it, so the
//! follow rules read them below this domain.

pub use crate::actors::graph::{group, membership};
