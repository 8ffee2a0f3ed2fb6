//! `Place`: where an event happens or a plan applies. Mobilizon sends a
//! schema.org `PostalAddress` object, we send the address as text.

use activitypub_federation::kinds::object::PlaceType;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::lenient;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Place {
    #[serde(rename = "type", default)]
    pub kind: PlaceType,
    #[serde(
        default,
        deserialize_with = "lenient::opt_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    #[serde(
        default,
        deserialize_with = "lenient::float",
        skip_serializing_if = "Option::is_none"
    )]
    pub latitude: Option<f64>,
    #[serde(
        default,
        deserialize_with = "lenient::float",
        skip_serializing_if = "Option::is_none"
    )]
    pub longitude: Option<f64>,
    /// GeoJSON (Knooppunt): a plan's area; checked by the application.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geometry: Option<Value>,
}

/// An address: text, or a schema.org `PostalAddress`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Address {
    Text(String),
    Postal(PostalAddress),
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PostalAddress {
    #[serde(
        default,
        deserialize_with = "lenient::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub street_address: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub postal_code: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub address_locality: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub address_region: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub address_country: Option<String>,
}

impl<'de> Deserialize<'de> for Address {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match Value::deserialize(d)? {
            Value::String(s) => Address::Text(s),
            v @ Value::Object(_) => {
                Address::Postal(PostalAddress::deserialize(&v).unwrap_or_default())
            }
            _ => Address::Text(String::new()),
        })
    }
}

impl Address {
    /// The address on one line: "street, postcode locality, region, country".
    pub fn text(&self) -> String {
        match self {
            Address::Text(s) => s.clone(),
            Address::Postal(p) => {
                let town = [&p.postal_code, &p.address_locality]
                    .into_iter()
                    .flatten()
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .join(" ");
                [
                    p.street_address.clone(),
                    Some(town),
                    p.address_region.clone(),
                    p.address_country.clone(),
                ]
                .into_iter()
                .flatten()
                .filter(|s| !s.trim().is_empty())
                .collect::<Vec<_>>()
                .join(", ")
            }
        }
    }
}

impl Place {
    /// The address as text, if it says anything.
    pub fn address_text(&self) -> Option<String> {
        self.address
            .as_ref()
            .map(Address::text)
            .filter(|s| !s.trim().is_empty())
    }

    /// Latitude and longitude, when both are on the globe.
    pub fn coordinates(&self) -> Option<(f64, f64)> {
        let (lat, lon) = (self.latitude?, self.longitude?);
        ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)).then_some((lat, lon))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn mobilizon_and_knooppunt_places() {
        // Mobilizon (the event Lemmy keeps in crates/apub/apub/assets/mobilizon).
        let m: Place = serde_json::from_value(json!({
            "address": {"addressCountry": "United Kingdom", "addressLocality": "Teignbridge", "addressRegion": "England",
                        "postalCode": "EX6 7TW", "streetAddress": "Devon Expressway", "type": "PostalAddress"},
            "id": "https://rendezvous.nomagic.uk/address/e4c9", "latitude": 50.66881615,
            "longitude": -3.537739788359949, "name": "The Kenn Centre", "type": "Place"
        }))
        .unwrap();
        assert_eq!(
            m.address_text().unwrap(),
            "Devon Expressway, EX6 7TW Teignbridge, England, United Kingdom"
        );
        assert!(m.coordinates().is_some());
        let ours: Place = serde_json::from_value(json!({"type": "Place", "address": "Dorpsstraat 1", "latitude": "52.1", "longitude": 95})).unwrap();
        assert_eq!(ours.address_text().as_deref(), Some("Dorpsstraat 1"));
        assert_eq!(ours.coordinates(), Some((52.1, 95.0)));
        let off: Place =
            serde_json::from_value(json!({"latitude": 91, "longitude": 0, "address": 5})).unwrap();
        assert_eq!((off.coordinates(), off.address_text()), (None, None));
    }
}
