//! Serde helpers for what real servers vary: a single value or a list, an
//! object or its id, numbers as strings, `null` for "absent". Optional
//! fields never fail a document: what cannot be read is left out.

use chrono::{DateTime, SecondsFormat, Utc};
use std::fmt;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{DeserializeOwned, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serializer};
use serde_json::Value;

use super::json;

/// Most items we read from one list (`tag`, `attachment`, poll options...):
/// a post names a handful; thousands only cost memory and time.
pub const MAX_ITEMS: usize = 1_000;

/// A required id: a string, or an object with a string `id`.
pub fn id<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let value = Value::deserialize(d)?;
    json::id_of(Some(&value))
        .ok_or_else(|| D::Error::custom("expected an id or an object with an id"))
}

/// An optional id; anything else is absent.
pub fn opt_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let value = Value::deserialize(d)?;
    Ok(json::id_of(Some(&value)))
}

/// Ids from a string, an object, or a list of those (`to`, `cc`, `attributedTo`).
pub fn ids<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let value = Value::deserialize(d)?;
    let mut out = json::ids(Some(&value));
    out.dedup();
    Ok(out)
}

/// A `type` that is the expected kind, or a list that includes it (as
/// Mastodon's `equals_or_includes?`).
pub fn kind<'de, D: Deserializer<'de>, K: DeserializeOwned>(d: D) -> Result<K, D::Error> {
    let value = Value::deserialize(d)?;
    let found = match &value {
        Value::Array(items) => items.iter().find_map(|v| K::deserialize(v).ok()),
        v => K::deserialize(v).ok(),
    };
    found.ok_or_else(|| {
        let shown: String = value.to_string().chars().take(80).collect();
        D::Error::custom(format!("unexpected type {shown}"))
    })
}

/// Items of a list, or a single item; items that cannot be read are left
/// out, and at most [`MAX_ITEMS`] are kept (the rest are skipped unread).
pub fn items<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Vec<T>, D::Error> {
    d.deserialize_any(Items(PhantomData))
}

/// As [`items`], but an absent field stays `None` (a partial `Update` that
/// leaves tags alone differs from one that clears them).
pub fn opt_items<'de, D: Deserializer<'de>, T: DeserializeOwned>(
    d: D,
) -> Result<Option<Vec<T>>, D::Error> {
    d.deserialize_any(OptItems(PhantomData))
}

struct Items<T>(PhantomData<T>);

struct OptItems<T>(PhantomData<T>);

impl<'de, T: DeserializeOwned> Visitor<'de> for Items<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list or a single item")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let mut out = Vec::new();
        while out.len() < MAX_ITEMS {
            match seq.next_element::<Value>()? {
                Some(v) => out.extend(T::deserialize(&v).ok()),
                None => return Ok(out),
            }
        }
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(out)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Vec<T>, A::Error> {
        let v = Value::deserialize(MapAccessDeserializer::new(map))?;
        Ok(T::deserialize(&v).ok().into_iter().collect())
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Vec<T>, E> {
        Ok(T::deserialize(&Value::String(s.to_string()))
            .ok()
            .into_iter()
            .collect())
    }

    fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Vec<T>, E> {
        Ok(T::deserialize(&Value::from(n)).ok().into_iter().collect())
    }

    fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Vec<T>, E> {
        Ok(T::deserialize(&Value::from(n)).ok().into_iter().collect())
    }

    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Vec<T>, E> {
        Ok(vec![])
    }

    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Vec<T>, E> {
        Ok(vec![])
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Vec<T>, E> {
        Ok(vec![])
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Vec<T>, E> {
        Ok(vec![])
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for OptItems<T> {
    type Value = Option<Vec<T>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list, a single item or null")
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        Items(PhantomData).visit_seq(seq).map(Some)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        Items(PhantomData).visit_map(map).map(Some)
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Self::Value, E> {
        Items(PhantomData).visit_str(s).map(Some)
    }

    fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Self::Value, E> {
        Items(PhantomData).visit_i64(n).map(Some)
    }

    fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Self::Value, E> {
        Items(PhantomData).visit_u64(n).map(Some)
    }

    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Some(vec![]))
    }

    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Some(vec![]))
    }
}

/// A string; anything else is absent.
pub fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match Value::deserialize(d)? {
        Value::String(s) => Ok(Some(s)),
        _ => Ok(None),
    }
}

/// An integer, also when sent as a string or as a float with no fraction.
pub fn int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(int_of(&Value::deserialize(d)?))
}

pub(crate) fn int_of(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                .map(|f| f as i64)
        }),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A finite number, also when sent as a string.
pub fn float<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    let n = match Value::deserialize(d)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    };
    Ok(n.filter(|f: &f64| f.is_finite()))
}

/// A boolean, also `"true"`/`"false"`.
pub fn boolean<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Bool(b) => Some(b),
        Value::String(s) if s == "true" => Some(true),
        Value::String(s) if s == "false" => Some(false),
        _ => None,
    })
}

/// An RFC 3339 time; anything else is absent.
pub fn time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => DateTime::parse_from_rfc3339(s.trim())
            .ok()
            .map(|t| t.with_timezone(&Utc)),
        _ => None,
    })
}

/// `T`, or absent when it cannot be read.
pub fn skip_error<'de, D: Deserializer<'de>, T: DeserializeOwned>(
    d: D,
) -> Result<Option<T>, D::Error> {
    let value = Value::deserialize(d)?;
    Ok(T::deserialize(&value).ok())
}

/// Tells "absent" (`None`, with `#[serde(default)]`) from "present but null
/// or unreadable" (`Some(None)`): a partial update clears the second.
pub fn present<'de, D: Deserializer<'de>, T: DeserializeOwned>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    let value = Value::deserialize(d)?;
    Ok(Some(T::deserialize(&value).ok()))
}

/// Times as the server has always written them: milliseconds, `Z`.
pub fn ser_time<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_str(&t.to_rfc3339_opts(SecondsFormat::Millis, true)),
        None => s.serialize_none(),
    }
}

/// One id as a string, several as a list (`attributedTo`).
pub fn ser_one_or_many<S: Serializer>(ids: &[String], s: S) -> Result<S::Ok, S::Error> {
    match ids {
        [one] => s.serialize_str(one),
        many => s.collect_seq(many),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    #[derive(Deserialize, Debug)]
    struct Sample {
        #[serde(default, deserialize_with = "int")]
        n: Option<i64>,
        #[serde(default, deserialize_with = "float")]
        f: Option<f64>,
        #[serde(default, deserialize_with = "boolean")]
        b: Option<bool>,
        #[serde(default, deserialize_with = "time")]
        t: Option<DateTime<Utc>>,
        #[serde(default, deserialize_with = "ids")]
        to: Vec<String>,
        #[serde(default, deserialize_with = "items")]
        list: Vec<u8>,
        #[serde(default, deserialize_with = "present")]
        p: Option<Option<u8>>,
    }

    #[test]
    fn servers_vary_and_we_read_them_all() {
        let s: Sample = serde_json::from_value(json!({
            "n": "42", "f": "1.5", "b": "true", "t": "2024-03-06T07:23:56.123+01:00",
            "to": "https://a.example/u/x", "list": [1, "x", 300, 2], "p": null,
        }))
        .unwrap();
        assert_eq!(s.n, Some(42));
        assert_eq!(s.f, Some(1.5));
        assert_eq!(s.b, Some(true));
        assert_eq!(s.t.unwrap().to_rfc3339(), "2024-03-06T06:23:56.123+00:00");
        assert_eq!(s.to, ["https://a.example/u/x"]);
        assert_eq!(s.list, [1, 2]);
        assert_eq!(s.p, Some(None));
        let absent: Sample = serde_json::from_value(json!({"n": 1.0, "f": "NaN", "t": 5})).unwrap();
        assert_eq!(absent.n, Some(1));
        assert_eq!((absent.f, absent.t, absent.p), (None, None, None));
    }

    #[test]
    fn lists_are_capped() {
        let many: Vec<u8> = vec![1; MAX_ITEMS * 3];
        let s: Sample = serde_json::from_value(json!({ "list": many })).unwrap();
        assert_eq!(s.list.len(), MAX_ITEMS);
    }
}
