//! Shapes that many types share: one value or many, an id or an embedded
//! object, language maps, links, and a bare reference to anything.

use serde::de::{DeserializeOwned, Error as _};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::json;
use super::lenient;

/// A field that may hold one value or a list of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany<T> {
    One(T),
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    pub fn into_vec(self) -> Vec<T> {
        match self {
            OneOrMany::One(t) => vec![t],
            OneOrMany::Many(v) => v,
        }
    }

    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        match self {
            OneOrMany::One(t) => std::slice::from_ref(t).iter(),
            OneOrMany::Many(v) => v.iter(),
        }
    }
}

impl<T> Default for OneOrMany<T> {
    fn default() -> Self {
        OneOrMany::Many(vec![])
    }
}

/// Anything with an ActivityPub id.
pub trait HasId {
    fn id(&self) -> &str;
}

/// A field that is either the id (URL) of an object or the object embedded.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum IdOrObject<T> {
    Id(String),
    Object(T),
}

impl<T: HasId> IdOrObject<T> {
    /// The id, whichever form was sent.
    pub fn id(&self) -> &str {
        match self {
            IdOrObject::Id(id) => id,
            IdOrObject::Object(o) => o.id(),
        }
    }
}

impl<T> IdOrObject<T> {
    /// The embedded object, if one was sent.
    pub fn object(&self) -> Option<&T> {
        match self {
            IdOrObject::Object(o) => Some(o),
            IdOrObject::Id(_) => None,
        }
    }
}

/// A string is an id; an object must read as `T` (a malformed embedded
/// object makes its activity malformed).
impl<'de, T: DeserializeOwned> Deserialize<'de> for IdOrObject<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Value::deserialize(d)? {
            Value::String(id) => Ok(IdOrObject::Id(id)),
            v @ Value::Object(_) => T::deserialize(&v)
                .map(IdOrObject::Object)
                .map_err(D::Error::custom),
            other => Err(D::Error::custom(format!(
                "expected an id or an object, found {}",
                kind_of(&other)
            ))),
        }
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// `contentMap`, `nameMap`, `summaryMap`: language tag to text, in the
/// order sent (Mastodon takes the first entry). Non-string values are left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LanguageMap(pub Vec<(String, String)>);

impl LanguageMap {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The first language and its text.
    pub fn first(&self) -> Option<(&str, &str)> {
        self.0.first().map(|(l, t)| (l.as_str(), t.as_str()))
    }

    /// A map with one entry.
    pub fn single(language: &str, text: &str) -> Self {
        LanguageMap(vec![(language.to_string(), text.to_string())])
    }
}

impl<'de> Deserialize<'de> for LanguageMap {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match Value::deserialize(d)? {
            Value::Object(map) => LanguageMap(
                map.into_iter()
                    .filter_map(|(k, v)| v.as_str().map(|t| (k, t.to_string())))
                    .take(lenient::MAX_ITEMS)
                    .collect(),
            ),
            _ => LanguageMap::default(),
        })
    }
}

impl Serialize for LanguageMap {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// One link of a `url` field: a plain URL, or a `Link` with a media type
/// (PeerTube lists its files as links, nested under a playlist's `tag`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Link {
    #[serde(
        rename = "type",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::text"
    )]
    pub kind: Option<String>,
    pub href: String,
    /// `mediaType`; Funkwhale and old PeerTube say `mimeType`.
    #[serde(
        default,
        alias = "mimeType",
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::text"
    )]
    pub media_type: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::text"
    )]
    pub name: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::int"
    )]
    pub width: Option<i64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::int"
    )]
    pub height: Option<i64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::int"
    )]
    pub size: Option<i64>,
    /// Links nested under this one (a PeerTube playlist's files).
    #[serde(default, skip_serializing, deserialize_with = "lenient::items")]
    pub tag: Vec<Link>,
}

impl Link {
    pub fn new(href: &str) -> Self {
        Link {
            href: href.to_string(),
            ..Link::default()
        }
    }

    fn is_plain(&self) -> bool {
        self.kind.is_none() && self.media_type.is_none() && self.name.is_none()
    }
}

/// A `url` field: a string, a `Link`, or a list of those. Items that are
/// not links are left out. A single plain URL is sent as a string.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Links(pub Vec<Link>);

impl Links {
    pub fn one(href: &str) -> Self {
        Links(vec![Link::new(href)])
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The first URL, of any kind.
    pub fn first(&self) -> Option<&str> {
        self.0.first().map(|l| l.href.as_str())
    }

    /// The page for people: the first `text/html` link, else the first link
    /// without a media type (as Mastodon's `url_to_href(url, 'text/html')`).
    pub fn html(&self) -> Option<&str> {
        self.0
            .iter()
            .find(|l| l.media_type.as_deref() == Some("text/html"))
            .or_else(|| self.0.iter().find(|l| l.media_type.is_none()))
            .map(|l| l.href.as_str())
    }

    /// Every link with a media type, nested ones included.
    pub fn media(&self) -> Vec<&Link> {
        self.0
            .iter()
            .flat_map(|l| std::iter::once(l).chain(l.tag.iter()))
            .filter(|l| l.media_type.is_some())
            .collect()
    }
}

impl<'de> Deserialize<'de> for Links {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        let one = |v: &Value| match v {
            Value::String(s) => Some(Link::new(s)),
            Value::Object(_) => Link::deserialize(v).ok(),
            _ => None,
        };
        Ok(Links(match &value {
            Value::Array(items) => items
                .iter()
                .filter_map(one)
                .take(lenient::MAX_ITEMS)
                .collect(),
            v => one(v).into_iter().collect(),
        }))
    }
}

impl Serialize for Links {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0.as_slice() {
            [one] if one.is_plain() => s.serialize_str(&one.href),
            [one] => one.serialize(s),
            many => s.collect_seq(many),
        }
    }
}

/// What little can be told of any object or activity: its id, type, actor
/// and object. Used where a type is not one we read, or an embedded
/// activity is too broken to read in full.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObjectRef {
    pub id: Option<String>,
    pub kind: Option<String>,
    pub actor: Option<String>,
    pub object: Option<String>,
}

impl ObjectRef {
    pub fn of(value: &Value) -> Self {
        ObjectRef {
            id: json::id_of(Some(value)),
            kind: json::type_of(value).map(str::to_string),
            actor: json::id_of(value.get("actor")),
            object: json::id_of(value.get("object")),
        }
    }
}

impl<'de> Deserialize<'de> for ObjectRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(ObjectRef::of(&Value::deserialize(d)?))
    }
}

impl HasId for ObjectRef {
    fn id(&self) -> &str {
        self.id.as_deref().unwrap_or_default()
    }
}

impl Serialize for ObjectRef {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        for (key, value) in [
            ("id", &self.id),
            ("type", &self.kind),
            ("actor", &self.actor),
            ("object", &self.object),
        ] {
            if let Some(v) = value {
                map.serialize_entry(key, v)?;
            }
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn links_in_every_shape() {
        let plain: Links = serde_json::from_value(json!("https://a.example/@x/1")).unwrap();
        assert_eq!(plain.html(), Some("https://a.example/@x/1"));
        assert_eq!(
            serde_json::to_value(&plain).unwrap(),
            json!("https://a.example/@x/1")
        );
        // PeerTube: a page link and a playlist whose files are nested links.
        let peertube: Links = serde_json::from_value(json!([
            {"type": "Link", "mediaType": "text/html", "href": "https://v.example/w/1"},
            {"type": "Link", "mediaType": "application/x-mpegURL", "href": "https://v.example/p.m3u8",
             "tag": [{"type": "Link", "mediaType": "video/mp4", "href": "https://v.example/720.mp4", "height": 720}]},
            42
        ]))
        .unwrap();
        assert_eq!(peertube.html(), Some("https://v.example/w/1"));
        let media: Vec<&str> = peertube.media().iter().map(|l| l.href.as_str()).collect();
        assert!(media.contains(&"https://v.example/720.mp4"));
        let funkwhale: Links = serde_json::from_value(
            json!([{"type": "Link", "mimeType": "audio/ogg", "href": "https://f.example/a.ogg"}]),
        )
        .unwrap();
        assert_eq!(funkwhale.0[0].media_type.as_deref(), Some("audio/ogg"));
        let nothing: Links = serde_json::from_value(json!({"no": "href"})).unwrap();
        assert!(nothing.is_empty());
    }

    #[test]
    fn language_maps_keep_their_order() {
        let map: LanguageMap =
            serde_json::from_value(json!({"nl": "hoi", "en": "hi", "x": 5})).unwrap();
        assert_eq!(map.first(), Some(("nl", "hoi")));
        assert_eq!(map.0.len(), 2);
        assert_eq!(
            serde_json::to_value(&map).unwrap(),
            json!({"nl": "hoi", "en": "hi"})
        );
    }

    #[test]
    fn id_or_object() {
        #[derive(Deserialize, Debug)]
        struct Thing {
            id: String,
        }
        impl HasId for Thing {
            fn id(&self) -> &str {
                &self.id
            }
        }
        let by_id: IdOrObject<Thing> =
            serde_json::from_value(json!("https://a.example/1")).unwrap();
        let inline: IdOrObject<Thing> =
            serde_json::from_value(json!({"id": "https://a.example/2"})).unwrap();
        assert_eq!(
            (by_id.id(), inline.id()),
            ("https://a.example/1", "https://a.example/2")
        );
        assert!(serde_json::from_value::<IdOrObject<Thing>>(json!({"no": "id"})).is_err());
        assert!(serde_json::from_value::<IdOrObject<Thing>>(json!(5)).is_err());
    }
}
