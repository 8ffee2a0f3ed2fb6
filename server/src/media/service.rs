//! Storing uploads: type from the file's bytes (never the client's word),
//! size limits, a random file name.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
};

use super::entity::{self, Model as Media};
use crate::auth::service::Person;
use crate::config::Config;
use crate::error::AppError;

/// Image types we accept, detected from the bytes.
pub fn image_type(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    match imagesize::image_type(bytes).ok()? {
        imagesize::ImageType::Png => Some(("image/png", "png")),
        imagesize::ImageType::Jpeg => Some(("image/jpeg", "jpg")),
        imagesize::ImageType::Gif => Some(("image/gif", "gif")),
        imagesize::ImageType::Webp => Some(("image/webp", "webp")),
        _ => None,
    }
}

/// What an accepted image is: its type, file extension and size.
pub struct Checked {
    pub content_type: &'static str,
    pub ext: &'static str,
    pub size: imagesize::ImageSize,
}

/// The checks an upload passes before it is stored: within the size
/// limit, an image of a type we accept, and readable. The settings page
/// runs them per field to say which file is refused.
pub fn check_image(config: &Config, bytes: &[u8]) -> Result<Checked, AppError> {
    if bytes.len() > config.media.max_image_bytes {
        return Err(AppError::PayloadTooLarge(msg!(
            "error-file-too-large",
            size = bytes.len(),
            max = config.media.max_image_bytes
        )));
    }
    let (content_type, ext) = image_type(bytes).ok_or_else(|| {
        AppError::UnsupportedMediaType(msg!("error-unsupported-file-type-upload-png-jpeg"))
    })?;
    let size = imagesize::blob_size(bytes)
        .map_err(|_| AppError::invalid("file", msg!("error-image-damaged-incomplete")))?;
    Ok(Checked {
        content_type,
        ext,
        size,
    })
}

/// Stores an image upload for `person`.
pub async fn store(
    db: &DatabaseConnection,
    config: &Config,
    person: &Person,
    bytes: &[u8],
    description: Option<&str>,
) -> Result<Media, AppError> {
    let Checked {
        content_type,
        ext,
        size,
    } = check_image(config, bytes)?;
    let description = description.unwrap_or_default();
    if description.chars().count() > 1500 {
        return Err(AppError::invalid(
            "description",
            msg!("error-at-most-characters", max = 1500),
        ));
    }
    let file_name = format!("{}.{ext}", crate::secrets::random_token()?);
    let dir = &config.media.directory;
    tokio::fs::create_dir_all(dir)
        .await
        .map_err(|e| AppError::Internal(format!("cannot create {}: {e}", dir.display())))?;
    let path = dir.join(&file_name);
    tokio::fs::write(&path, bytes)
        .await
        .map_err(|e| AppError::Internal(format!("cannot write {}: {e}", path.display())))?;
    let row = entity::ActiveModel {
        actor_id: Set(person.actor.id),
        status_id: Set(None),
        file_name: Set(Some(file_name)),
        content_type: Set(content_type.to_string()),
        size: Set(i64::try_from(bytes.len()).unwrap_or(i64::MAX)),
        width: Set(i32::try_from(size.width).ok()),
        height: Set(i32::try_from(size.height).ok()),
        description: Set(description.to_string()),
        remote_url: Set(None),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await;
    match row {
        Ok(row) => Ok(row),
        Err(e) => {
            // Do not leave an orphan file behind.
            let _ = tokio::fs::remove_file(&path).await;
            Err(e.into())
        }
    }
}

/// One's own upload by id.
pub async fn find_own(
    db: &DatabaseConnection,
    person: &Person,
    id: &str,
) -> Result<Media, AppError> {
    let not_found = || AppError::NotFound(msg!("error-record-not-found"));
    let id: i64 = id.parse().map_err(|_| not_found())?;
    entity::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|m| m.actor_id == person.actor.id)
        .ok_or_else(not_found)
}

pub async fn describe(
    db: &DatabaseConnection,
    media: Media,
    description: &str,
) -> Result<Media, AppError> {
    if description.chars().count() > 1500 {
        return Err(AppError::invalid(
            "description",
            msg!("error-at-most-characters", max = 1500),
        ));
    }
    let mut active: entity::ActiveModel = media.into();
    active.description = Set(description.to_string());
    Ok(active.update(db).await?)
}

/// A stored file by name: its bytes and content type.
pub async fn read_file(
    db: &DatabaseConnection,
    config: &Config,
    name: &str,
) -> Result<(Vec<u8>, String), AppError> {
    let not_found = || AppError::NotFound(msg!("error-missing"));
    // Names are ours: base64url plus an extension; anything else is not a file of ours.
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        || name.starts_with('.')
    {
        return Err(not_found());
    }
    let row = entity::Entity::find()
        .filter(entity::Column::FileName.eq(name))
        .one(db)
        .await?
        .ok_or_else(not_found)?;
    let bytes = tokio::fs::read(config.media.directory.join(name))
        .await
        .map_err(|_| not_found())?;
    Ok((bytes, row.content_type))
}
