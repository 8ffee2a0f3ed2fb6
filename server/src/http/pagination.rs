//! Keyset pagination as Mastodon clients expect: `max_id`, `since_id`,
//! `min_id`, `limit`, and `Link` headers pointing to the next and previous pages.

use axum::http::{HeaderValue, Uri};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select};
use serde::Deserialize;

use crate::http::extract::flexible_u64;

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Page {
    pub max_id: Option<String>,
    pub since_id: Option<String>,
    pub min_id: Option<String>,
    #[serde(default, deserialize_with = "flexible_u64")]
    pub limit: Option<u64>,
}

impl Page {
    pub const DEFAULT_LIMIT: u64 = 20;
    pub const MAX_LIMIT: u64 = 40;

    pub fn limit(&self) -> u64 {
        self.limit
            .unwrap_or(Self::DEFAULT_LIMIT)
            .clamp(1, Self::MAX_LIMIT)
    }

    fn id(raw: &Option<String>) -> Option<i64> {
        raw.as_deref().and_then(|s| s.parse().ok())
    }

    /// Applies the page to a query keyed by `column` (newest first). With
    /// `min_id` the rows just above it are taken and returned newest first.
    pub fn apply<E: EntityTrait, C: ColumnTrait>(
        &self,
        query: Select<E>,
        column: C,
    ) -> (Select<E>, bool) {
        let mut query = query;
        if let Some(max) = Self::id(&self.max_id) {
            query = query.filter(column.lt(max));
        }
        if let Some(since) = Self::id(&self.since_id) {
            query = query.filter(column.gt(since));
        }
        let ascending = if let Some(min) = Self::id(&self.min_id) {
            query = query.filter(column.gt(min));
            true
        } else {
            false
        };
        let query = if ascending {
            query.order_by_asc(column)
        } else {
            query.order_by_desc(column)
        };
        (query.limit(self.limit()), ascending)
    }
}

/// Runs a paged query and returns rows newest first.
pub async fn fetch<E, C>(
    db: &impl sea_orm::ConnectionTrait,
    page: &Page,
    query: Select<E>,
    column: C,
) -> Result<Vec<E::Model>, sea_orm::DbErr>
where
    E: EntityTrait,
    C: ColumnTrait,
{
    let (query, ascending) = page.apply(query, column);
    let mut rows = query.all(db).await?;
    if ascending {
        rows.reverse();
    }
    Ok(rows)
}

/// `Link: <…max_id=OLDEST>; rel="next", <…min_id=NEWEST>; rel="prev"` for a page
/// whose ids (newest first) are `first` … `last`.
pub fn link_header(
    base_url: &str,
    uri: &Uri,
    first: Option<i64>,
    last: Option<i64>,
) -> Option<HeaderValue> {
    let (first, last) = (first?, last?);
    let kept: Vec<(String, String)> =
        url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
            .filter(|(k, _)| !matches!(k.as_ref(), "max_id" | "min_id" | "since_id"))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
    let build = |key: &str, id: i64| {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in &kept {
            query.append_pair(k, v);
        }
        query.append_pair(key, &id.to_string());
        format!("{base_url}{}?{}", uri.path(), query.finish())
    };
    let value = format!(
        "<{}>; rel=\"next\", <{}>; rel=\"prev\"",
        build("max_id", last),
        build("min_id", first)
    );
    HeaderValue::from_str(&value).ok()
}

/// A JSON list response with its `Link` header.
pub fn paged_json(
    base_url: &str,
    uri: &Uri,
    ids: (Option<i64>, Option<i64>),
    body: Vec<serde_json::Value>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let mut response = axum::Json(body).into_response();
    if let Some(link) = link_header(base_url, uri, ids.0, ids.1) {
        response
            .headers_mut()
            .insert(axum::http::header::LINK, link);
    }
    response
}
