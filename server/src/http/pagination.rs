//! Keyset pagination as Mastodon clients expect: `max_id`, `since_id`,
//! `min_id`, `limit`, and `Link` headers pointing to the next and previous pages.

use axum::http::{HeaderValue, Uri};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select};
use serde::Deserialize;

use crate::http::extract::flexible_u64;

/// A page's cursors: item ids, as the `Link` header gives them.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Page {
    /// Items just below this one in the list's order of keys: the `next`
    /// page of a list that runs newest first, the `prev` page of one that
    /// runs oldest or soonest first.
    pub max_id: Option<String>,
    /// The first items above this one (a newest-first list's newest).
    pub since_id: Option<String>,
    /// Items just above this one: the `prev` page of a newest-first list,
    /// the `next` page of an oldest- or soonest-first one.
    pub min_id: Option<String>,
    /// Items per page.
    #[serde(default, deserialize_with = "flexible_u64")]
    #[param(value_type = Option<u64>)]
    pub limit: Option<u64>,
}

impl Page {
    pub const DEFAULT_LIMIT: u64 = 20;
    pub const MAX_LIMIT: u64 = 40;

    pub fn limit(&self) -> u64 {
        self.limit_within(Self::DEFAULT_LIMIT, Self::MAX_LIMIT)
    }

    /// The page size for a list with its own default and maximum.
    pub fn limit_within(&self, default: u64, max: u64) -> u64 {
        self.limit.unwrap_or(default).clamp(1, max)
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
    links(base_url, uri, ("max_id", last?), ("min_id", first?))
}

/// A `Link` header with a `next` and a `prev` link: the request's own URL
/// with its cursor parameters replaced by `(name, id)`.
fn links(base_url: &str, uri: &Uri, next: (&str, i64), prev: (&str, i64)) -> Option<HeaderValue> {
    let kept: Vec<(String, String)> =
        url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
            .filter(|(k, _)| !matches!(k.as_ref(), "max_id" | "min_id" | "since_id"))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
    let build = |(key, id): (&str, i64)| {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in &kept {
            query.append_pair(k, v);
        }
        query.append_pair(key, &id.to_string());
        format!("{base_url}{}?{}", uri.path(), query.finish())
    };
    let value = format!(
        "<{}>; rel=\"next\", <{}>; rel=\"prev\"",
        build(next),
        build(prev)
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

/// Keyset pagination of a list in a fixed order: by id, or by a key (a
/// time, say) and then id, so that rows with equal keys keep their place.
/// Cursors are item ids, with Mastodon's meaning: `max_id` takes the rows
/// just below the cursor's place in the order of keys, `min_id` the rows
/// just above it, `since_id` the top rows above it. Whichever way the list
/// runs, a page comes back in the list's order, and its `Link` header names
/// the next and previous pages.
pub struct Keyset<E: EntityTrait> {
    key: Option<E::Column>,
    id: E::Column,
    ascending: bool,
}

impl<E: EntityTrait> Keyset<E> {
    /// A list ordered by id; `ascending` for oldest first.
    pub fn by_id(id: E::Column, ascending: bool) -> Self {
        Self {
            key: None,
            id,
            ascending,
        }
    }

    /// A list ordered by `key`, then by id.
    pub fn by_key(key: E::Column, id: E::Column, ascending: bool) -> Self {
        Self {
            key: Some(key),
            id,
            ascending,
        }
    }

    /// Rows above (or below) the cursor in the order of keys. The cursor's
    /// key is read by a subquery: a cursor that names no row matches nothing.
    fn beyond(&self, cursor: i64, above: bool) -> Condition {
        use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
        let cmp = |left: Expr, right: Expr| {
            if above {
                left.gt(right)
            } else {
                left.lt(right)
            }
        };
        let id = Expr::col(self.id.as_column_ref());
        let Some(key) = self.key else {
            return Condition::all().add(cmp(id, Expr::val(cursor)));
        };
        let at = Alias::new("cursor_row");
        let key_of_cursor = Query::select()
            .expr(Expr::col((at.clone(), key)))
            .from_as(E::default(), at.clone())
            .and_where(Expr::col((at, self.id)).eq(cursor))
            .to_owned();
        let key = Expr::col(key.as_column_ref());
        Condition::any()
            .add(cmp(key.clone(), Expr::from(key_of_cursor.clone())))
            .add(
                Condition::all()
                    .add(key.eq(Expr::from(key_of_cursor)))
                    .add(cmp(id, Expr::val(cursor))),
            )
    }

    /// Applies the page's cursors, order and `limit`. Returns whether the
    /// rows come back in reverse and must be turned (see [`in_list_order`]).
    pub fn apply(&self, query: Select<E>, page: &Page, limit: u64) -> (Select<E>, bool) {
        let mut query = query;
        if let Some(max) = Page::id(&page.max_id) {
            query = query.filter(self.beyond(max, false));
        }
        for since in [Page::id(&page.since_id), Page::id(&page.min_id)]
            .into_iter()
            .flatten()
        {
            query = query.filter(self.beyond(since, true));
        }
        // Toward the cursor: the rows nearest to it, then turned.
        let fetch_ascending = if page.min_id.is_some() {
            true
        } else if page.max_id.is_some() {
            false
        } else {
            self.ascending
        };
        let order = if fetch_ascending {
            sea_orm::Order::Asc
        } else {
            sea_orm::Order::Desc
        };
        if let Some(key) = self.key {
            query = query.order_by(key, order.clone());
        }
        let query = query.order_by(self.id, order).limit(limit);
        (query, fetch_ascending != self.ascending)
    }

    /// The `Link` header of a page whose ids, in list order, run from
    /// `first` to `last`.
    pub fn link(
        &self,
        base_url: &str,
        uri: &Uri,
        first: Option<i64>,
        last: Option<i64>,
    ) -> Option<HeaderValue> {
        let (first, last) = (first?, last?);
        if self.ascending {
            links(base_url, uri, ("min_id", last), ("max_id", first))
        } else {
            links(base_url, uri, ("max_id", last), ("min_id", first))
        }
    }
}

/// Rows as fetched by a [`Keyset`] query, in the list's order.
pub fn in_list_order<T>(mut rows: Vec<T>, reversed: bool) -> Vec<T> {
    if reversed {
        rows.reverse();
    }
    rows
}

/// Any response with a `Link` header, when there is one.
pub fn with_link(
    response: impl axum::response::IntoResponse,
    link: Option<HeaderValue>,
) -> axum::response::Response {
    let mut response = response.into_response();
    if let Some(link) = link {
        response
            .headers_mut()
            .insert(axum::http::header::LINK, link);
    }
    response
}
