//! Our copies of remote images. Pages may only load images from our own
//! origin (`Content-Security-Policy: default-src 'self'`), so a remote
//! post's attachment or a remote person's avatar is fetched once, on its
//! first view, through the federation client (private addresses and
//! blocked domains refused, redirects checked, a byte limit), judged by its
//! bytes alone, and kept under `media.directory` with a `media_cache` row.
//! A failed fetch is remembered for [`FAILURE_MINUTES`], so a broken link
//! does not reach the other server again on every page view.
//!
//! Which record a visitor may ask for is checked by the caller (see
//! `statuses::cached_media`): this module only knows `media` rows.

use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};

use super::cache_entity::{self as cached, Model as Cached};
use super::entity::Model as Media;
use crate::error::AppError;
use crate::state::AppState;

/// How long a failed fetch answers without asking the other server again.
pub const FAILURE_MINUTES: i64 = 30;

/// A cached image: its bytes and the type found in them.
pub struct Image {
    pub bytes: Vec<u8>,
    pub content_type: String,
}

/// The answer while a fetch failed: 502, naming the reason in general terms.
fn refused(reason: &str) -> AppError {
    AppError::BadGateway(format!(
        "the image on the other server cannot be shown: {reason}"
    ))
}

/// Our copy of remote media `m`, fetched now when there is none yet.
pub async fn copy_of(state: &AppState, m: &Media) -> Result<Image, AppError> {
    let known = cached::Entity::find_by_id(m.id).one(&state.db).await?;
    if let Some(row) = &known {
        match (&row.file_name, &row.content_type) {
            (Some(file), Some(content_type)) => {
                match tokio::fs::read(state.config.media.directory.join(file)).await {
                    Ok(bytes) => {
                        let content_type = content_type.clone();
                        return Ok(Image {
                            bytes,
                            content_type,
                        });
                    }
                    Err(e) => {
                        tracing::warn!(media = m.id, error = %e, "cached image is gone; fetching it again");
                    }
                }
            }
            _ if row.fetched_at > Utc::now() - Duration::minutes(FAILURE_MINUTES) => {
                return Err(refused(
                    row.error.as_deref().unwrap_or("it could not be fetched"),
                ));
            }
            _ => {}
        }
    }
    match fetch(state, m).await {
        Ok(image) => {
            keep(state, m.id, known, &image).await?;
            Ok(image)
        }
        Err(reason) => {
            let url = m.remote_url.as_deref().unwrap_or_default();
            tracing::info!(media = m.id, url, reason, "remote image refused");
            let failed = cached::ActiveModel {
                media_id: Set(m.id),
                file_name: Set(None),
                content_type: Set(None),
                size: Set(None),
                error: Set(Some(reason.clone())),
                fetched_at: Set(Utc::now()),
            };
            record(state, known, failed).await?;
            Err(refused(&reason))
        }
    }
}

/// Fetches and judges the file; the error is a reason fit for anyone to read
/// (the detail goes to the log).
async fn fetch(state: &AppState, m: &Media) -> Result<Image, String> {
    use knooppunt_federation::fetch::FetchError as F;
    let remote = m.remote_url.as_deref().unwrap_or_default();
    let url = url::Url::parse(remote).map_err(|_| "its address is not a URL".to_string())?;
    let limit = state.config.media.max_image_bytes;
    let bytes = state
        .federation
        .client
        .get_media(&url, limit)
        .await
        .map_err(|e| {
            tracing::info!(media = m.id, error = %e, "fetching a remote image failed");
            match e {
                F::TooLarge(_) => format!("it is larger than {limit} bytes"),
                F::Blocked(_) => "that server is blocked on this instance".into(),
                F::Scheme(_) | F::PlainHttp(_) | F::PrivateAddress(_) => {
                    "its address is not allowed".into()
                }
                F::Status { status, .. } => format!("that server answered {status}"),
                _ => "that server could not be reached".into(),
            }
        })?;
    let (content_type, _) = super::service::image_type(&bytes)
        .ok_or_else(|| "it is not a PNG, JPEG, GIF or WebP image".to_string())?;
    imagesize::blob_size(&bytes).map_err(|_| "the image is damaged or incomplete".to_string())?;
    Ok(Image {
        bytes,
        content_type: content_type.to_string(),
    })
}

/// Writes the file and its row.
async fn keep(
    state: &AppState,
    media_id: i64,
    known: Option<Cached>,
    image: &Image,
) -> Result<(), AppError> {
    let ext = image.content_type.rsplit('/').next().unwrap_or("img");
    let file_name = format!("cache-{}.{ext}", crate::secrets::random_token()?);
    let dir = &state.config.media.directory;
    tokio::fs::create_dir_all(dir)
        .await
        .map_err(|e| AppError::Internal(format!("cannot create {}: {e}", dir.display())))?;
    let path = dir.join(&file_name);
    tokio::fs::write(&path, &image.bytes)
        .await
        .map_err(|e| AppError::Internal(format!("cannot write {}: {e}", path.display())))?;
    let row = cached::ActiveModel {
        media_id: Set(media_id),
        file_name: Set(Some(file_name)),
        content_type: Set(Some(image.content_type.clone())),
        size: Set(Some(i64::try_from(image.bytes.len()).unwrap_or(i64::MAX))),
        error: Set(None),
        fetched_at: Set(Utc::now()),
    };
    let stale = known.as_ref().and_then(|k| k.file_name.clone());
    match record(state, known, row).await {
        Ok(true) => {
            // A copy whose file had gone is replaced; its name is free.
            if let Some(old) = stale {
                let _ = tokio::fs::remove_file(dir.join(old)).await;
            }
            Ok(())
        }
        // Another request kept its copy first (or the write failed): ours goes.
        other => {
            let _ = tokio::fs::remove_file(&path).await;
            other.map(|_| ())
        }
    }
}

/// Stores `row`, over `known` when there was one; false when a concurrent
/// request stored its row first.
async fn record(
    state: &AppState,
    known: Option<Cached>,
    row: cached::ActiveModel,
) -> Result<bool, AppError> {
    if known.is_some() {
        let mut row = row;
        row.media_id = sea_orm::ActiveValue::Unchanged(row.media_id.take().unwrap_or_default());
        row.update(&state.db).await?;
        return Ok(true);
    }
    let inserted = cached::Entity::insert(row)
        .on_conflict_do_nothing_on([cached::Column::MediaId])
        .exec_without_returning(&state.db)
        .await?;
    Ok(matches!(inserted, sea_orm::TryInsertResult::Inserted(n) if n > 0))
}

/// Remote media nothing uses any more: an attachment whose post was
/// deleted (the post's link is set to null), not an account's avatar or
/// header. Their rows go, and their copies' rows with them.
async fn forget_unused_remote(state: &AppState) -> Result<u64, AppError> {
    use super::entity as media;
    use crate::db::BeginWrite;
    use sea_orm::sea_query::{Expr, ExprTrait, Query};
    use sea_orm::{ColumnTrait, QueryFilter};
    // Read by name: media stays below the actors module.
    let used_as = |column: &str| {
        Query::select()
            .column(sea_orm::sea_query::Alias::new(column))
            .from(sea_orm::sea_query::Alias::new("actors"))
            .and_where(Expr::col(sea_orm::sea_query::Alias::new(column)).is_not_null())
            .to_owned()
    };
    let txn = state.db.begin_write().await?;
    let gone = media::Entity::delete_many()
        .filter(media::Column::RemoteUrl.is_not_null())
        .filter(media::Column::FileName.is_null())
        .filter(media::Column::StatusId.is_null())
        .filter(media::Column::Id.not_in_subquery(used_as("avatar_media_id")))
        .filter(media::Column::Id.not_in_subquery(used_as("header_media_id")))
        .exec(&*txn)
        .await?
        .rows_affected;
    txn.commit().await?;
    Ok(gone)
}

/// Removes our copies that nothing uses any more (see
/// [`forget_unused_remote`]) or no row names; returns how many files went.
/// Files younger than `grace` stay: a fetch writes its file before its row.
pub async fn sweep(state: &AppState, grace: std::time::Duration) -> Result<usize, AppError> {
    use sea_orm::{ColumnTrait, QueryFilter, QuerySelect};
    forget_unused_remote(state).await?;
    let dir = &state.config.media.directory;
    let unreadable =
        |e: std::io::Error| AppError::Internal(format!("cannot list {}: {e}", dir.display()));
    let mut entries = match tokio::fs::read_dir(dir).await {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(unreadable(e)),
    };
    let mut old = Vec::new();
    while let Some(entry) = entries.next_entry().await.map_err(unreadable)? {
        let name = entry.file_name().to_string_lossy().into_owned();
        // Uploads are not ours to sweep: no need to look at their age.
        if !name.starts_with("cache-") {
            continue;
        }
        let age = entry.metadata().await.ok().and_then(|m| m.modified().ok());
        if age
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age >= grace)
        {
            old.push(name);
        }
    }
    let mut removed = 0;
    for names in old.chunks(500) {
        let named: std::collections::HashSet<String> = cached::Entity::find()
            .select_only()
            .column(cached::Column::FileName)
            .filter(cached::Column::FileName.is_in(names.iter().cloned()))
            .into_tuple::<Option<String>>()
            .all(&state.db)
            .await?
            .into_iter()
            .flatten()
            .collect();
        for name in names.iter().filter(|n| !named.contains(*n)) {
            if tokio::fs::remove_file(dir.join(name)).await.is_ok() {
                removed += 1;
            }
        }
    }
    Ok(removed)
}
