//! Domain blocks as the engine applies them to actors it stores: the
//! strongest block covering a host. Moderation writes the blocks.

use sea_orm::{ConnectionTrait, EntityTrait};

use super::entity::domain_block;
use crate::error::AppError;
use knooppunt_federation::fetch::block_covers;

/// The limit a newly seen remote actor on `host` gets.
pub async fn limit_for_host(
    db: &impl ConnectionTrait,
    host: &str,
) -> Result<Option<String>, AppError> {
    let blocks = domain_block::Entity::find().all(db).await?;
    let mut limit = None;
    for b in blocks {
        match (block_covers(&b.domain, host), b.severity.as_str()) {
            (true, "suspend") => return Ok(Some("suspend".into())),
            (true, "silence") => limit = Some("silence".to_string()),
            _ => {}
        }
    }
    Ok(limit)
}

/// Whether a block covering `host` says its media are not shown here
/// (`reject_media`, or a suspension): our copies are neither made nor served.
pub async fn rejects_media(db: &impl ConnectionTrait, host: &str) -> Result<bool, AppError> {
    let blocks = domain_block::Entity::find().all(db).await?;
    Ok(blocks
        .iter()
        .any(|b| block_covers(&b.domain, host) && (b.reject_media || b.severity == "suspend")))
}
