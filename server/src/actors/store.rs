//! Queries on actors.

use chrono::Utc;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
};

use super::ActorKind;
use super::entity::{self, ActiveModel, Column, Entity};
use crate::config::Config;
use crate::error::AppError;

/// Finds a local actor of any kind by name (case-insensitively).
pub async fn find_local(
    db: &impl ConnectionTrait,
    config: &Config,
    name: &str,
) -> Result<Option<entity::Model>, AppError> {
    Ok(Entity::find()
        .filter(Column::UsernameKey.eq(name.to_lowercase()))
        .filter(Column::Host.eq(config.instance.domain.as_str()))
        .filter(Column::Local.eq(true))
        .one(db)
        .await?)
}

/// Actors by id, for lists: one statement per [`crate::db::IN_GROUP`].
pub async fn by_ids(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> Result<std::collections::HashMap<i64, entity::Model>, AppError> {
    let mut found = std::collections::HashMap::new();
    for group in crate::db::id_groups(ids) {
        let actors = Entity::find()
            .filter(Column::Id.is_in(group))
            .all(db)
            .await?;
        found.extend(actors.into_iter().map(|a| (a.id, a)));
    }
    Ok(found)
}

/// Counts local actors of one kind.
pub async fn count_local(db: &impl ConnectionTrait, kind: ActorKind) -> Result<u64, AppError> {
    Ok(Entity::find()
        .filter(Column::Local.eq(true))
        .filter(Column::Kind.eq(kind.as_str()))
        .count(db)
        .await?)
}

/// What a new local actor needs beyond its name and kind.
pub struct NewLocalActor<'a> {
    pub kind: ActorKind,
    /// A validated [`Username`], or a system name for the instance actor.
    pub username: &'a str,
    pub display_name: String,
    pub role: Option<String>,
    pub keys: knooppunt_federation::keys::ActorKeys,
}

/// The id path of a local actor: persons under /users, groups under /groups.
pub fn local_ap_id(config: &Config, kind: ActorKind, name: &str) -> String {
    let base = config.base_url();
    match kind {
        ActorKind::Person => format!("{base}/users/{name}"),
        ActorKind::Group => format!("{base}/groups/{name}"),
        ActorKind::Application => format!("{base}/actor"),
    }
}

/// Inserts a local actor. The name must be free (callers check first for a
/// clear message; the unique index catches races and maps to a conflict).
pub async fn insert_local(
    db: &impl ConnectionTrait,
    config: &Config,
    new: NewLocalActor<'_>,
) -> Result<entity::Model, AppError> {
    let now = Utc::now();
    let ap_id = local_ap_id(config, new.kind, new.username);
    let ap_id_for_followers = ap_id.clone();
    let model = ActiveModel {
        kind: Set(new.kind.as_str().to_string()),
        inbox_url: Set(format!("{ap_id}/inbox")),
        shared_inbox_url: Set(Some(format!("{}/inbox", config.base_url()))),
        ap_id: Set(ap_id),
        username: Set(new.username.to_string()),
        username_key: Set(new.username.to_lowercase()),
        host: Set(config.instance.domain.clone()),
        local: Set(true),
        display_name: Set(new.display_name),
        summary: Set(String::new()),
        role: Set(new.role),
        public_key_pem: Set(new.keys.public_key_pem),
        private_key_pem: Set(Some(new.keys.private_key_pem)),
        created_at: Set(now),
        updated_at: Set(now),
        locked: Set(false),
        followers_url: Set(Some(format!("{ap_id_for_followers}/followers"))),
        following_url: Set(Some(format!("{ap_id_for_followers}/following"))),
        outbox_url: Set(Some(format!("{ap_id_for_followers}/outbox"))),
        ..Default::default()
    };
    let actor = Entity::insert(model)
        .exec_with_returning(db)
        .await
        .map_err(|e| {
            AppError::from_db_conflict(e, msg!("error-name-taken", username = new.username))
        })?;
    super::search::index(db, &actor).await?;
    Ok(actor)
}
