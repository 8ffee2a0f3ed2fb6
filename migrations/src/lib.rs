//! Knooppunt's schema as sea-orm-migration steps. The same steps run on SQLite
//! and PostgreSQL; entities in `server` follow what is written here.

pub use sea_orm_migration::prelude::*;

mod m20261123_000001_foundation;
mod m20261123_000002_client_api;
mod m20261123_000003_federation;
mod m20261123_000004_poll_endings;
mod m20261123_000005_inbound_journal;
mod m20261123_000006_delivery_order;
mod m20261123_000007_actor_deletion;
mod m20261124_000008_plans;
mod m20261124_000009_events;
mod m20261130_000010_pending_order;
mod m20261130_000011_delivery_claimant;
mod m20261207_000012_plan_governance;
mod m20261207_000013_moderation;
mod m20261214_000014_search;
mod m20261214_000015_plan_updates_due;
mod m20261221_000016_actor_stats;
mod m20261221_000017_read_indexes;
mod m20261228_000018_account_language;
mod m20261228_000019_media_cache;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_foundation::Migration),
            Box::new(m20261123_000002_client_api::Migration),
            Box::new(m20261123_000003_federation::Migration),
            Box::new(m20261123_000004_poll_endings::Migration),
            Box::new(m20261123_000005_inbound_journal::Migration),
            Box::new(m20261123_000006_delivery_order::Migration),
            Box::new(m20261123_000007_actor_deletion::Migration),
            Box::new(m20261124_000008_plans::Migration),
            Box::new(m20261124_000009_events::Migration),
            Box::new(m20261130_000010_pending_order::Migration),
            Box::new(m20261130_000011_delivery_claimant::Migration),
            Box::new(m20261207_000012_plan_governance::Migration),
            Box::new(m20261207_000013_moderation::Migration),
            Box::new(m20261214_000014_search::Migration),
            Box::new(m20261214_000015_plan_updates_due::Migration),
            Box::new(m20261221_000016_actor_stats::Migration),
            Box::new(m20261221_000017_read_indexes::Migration),
            Box::new(m20261228_000018_account_language::Migration),
            Box::new(m20261228_000019_media_cache::Migration),
        ]
    }
}
