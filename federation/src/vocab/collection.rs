//! Collections: an actor's followers and outbox, a page of them, and the
//! counters (`likes`, `replies`) that are collections with only a total.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::lenient;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CollectionKind {
    Collection,
    OrderedCollection,
    CollectionPage,
    OrderedCollectionPage,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Collection {
    #[serde(
        default,
        deserialize_with = "lenient::opt_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<String>,
    #[serde(rename = "type", deserialize_with = "lenient::kind")]
    pub kind: CollectionKind,
    #[serde(
        default,
        deserialize_with = "lenient::int",
        skip_serializing_if = "Option::is_none"
    )]
    pub total_items: Option<i64>,
    #[serde(
        default,
        deserialize_with = "lenient::opt_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub part_of: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient::opt_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub first: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient::opt_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub next: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient::opt_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub prev: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient::opt_items",
        skip_serializing_if = "Option::is_none"
    )]
    pub items: Option<Vec<Value>>,
    #[serde(
        default,
        deserialize_with = "lenient::opt_items",
        skip_serializing_if = "Option::is_none"
    )]
    pub ordered_items: Option<Vec<Value>>,
}

impl Collection {
    fn empty(kind: CollectionKind) -> Self {
        Collection {
            id: None,
            kind,
            total_items: None,
            part_of: None,
            first: None,
            next: None,
            prev: None,
            items: None,
            ordered_items: None,
        }
    }

    /// `{"type": "Collection", "totalItems": n}`: a count without items.
    pub fn counter(total: u64) -> Self {
        Collection {
            total_items: i64::try_from(total).ok(),
            ..Collection::empty(CollectionKind::Collection)
        }
    }

    /// An ordered collection whose items are on pages, from `first` on.
    pub fn ordered(id: &str, total: u64, first: Option<&str>) -> Self {
        Collection {
            id: Some(id.to_string()),
            total_items: i64::try_from(total).ok(),
            first: first.map(str::to_string),
            ..Collection::empty(CollectionKind::OrderedCollection)
        }
    }

    /// An ordered collection with all its items inline.
    pub fn ordered_inline(id: &str, items: Vec<Value>) -> Self {
        Collection {
            id: Some(id.to_string()),
            total_items: i64::try_from(items.len()).ok(),
            ordered_items: Some(items),
            ..Collection::empty(CollectionKind::OrderedCollection)
        }
    }

    /// One page of an ordered collection.
    pub fn page(
        id: &str,
        part_of: &str,
        total: u64,
        items: Vec<Value>,
        next: Option<String>,
    ) -> Self {
        Collection {
            id: Some(id.to_string()),
            total_items: i64::try_from(total).ok(),
            part_of: Some(part_of.to_string()),
            next,
            ordered_items: Some(items),
            ..Collection::empty(CollectionKind::OrderedCollectionPage)
        }
    }

    /// The items, ordered or not.
    pub fn all_items(&self) -> &[Value] {
        self.ordered_items
            .as_deref()
            .or(self.items.as_deref())
            .unwrap_or_default()
    }

    /// The total, if it is a count (not negative).
    pub fn total(&self) -> Option<u64> {
        self.total_items.and_then(|n| u64::try_from(n).ok())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn collections_in_and_out() {
        assert_eq!(
            serde_json::to_value(Collection::ordered(
                "https://k.example/users/a/followers",
                3,
                Some("https://k.example/users/a/followers?page=true")
            ))
            .unwrap(),
            json!({"id": "https://k.example/users/a/followers", "type": "OrderedCollection", "totalItems": 3,
                   "first": "https://k.example/users/a/followers?page=true"})
        );
        assert_eq!(
            serde_json::to_value(Collection::counter(2)).unwrap(),
            json!({"type": "Collection", "totalItems": 2})
        );
        // Mastodon's replies: the first page embedded, without an id.
        let replies: Collection = serde_json::from_value(json!({
            "id": "https://m.example/s/1/replies", "type": "Collection",
            "first": {"type": "CollectionPage", "next": "https://m.example/s/1/replies?page=true", "items": []}
        }))
        .unwrap();
        assert_eq!((replies.first.as_deref(), replies.total()), (None, None));
        let odd: Collection = serde_json::from_value(
            json!({"type": ["OrderedCollection"], "totalItems": "-4", "orderedItems": "x"}),
        )
        .unwrap();
        assert_eq!((odd.total(), odd.all_items().len()), (None, 1));
    }
}
