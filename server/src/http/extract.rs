//! Extractors for the client API. Bodies come as JSON or form-encoded (with
//! `key[]` arrays and nested `poll[options][]`), as Mastodon accepts; bad input
//! gets the API's `{"error": …}` shape.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};

use crate::error::AppError;

pub fn qs() -> serde_qs::Config {
    serde_qs::Config::new().max_depth(5).use_form_encoding(true)
}

/// A request body as JSON (by content type) or as form fields.
pub struct ApiForm<T>(pub T);

impl<S, T> FromRequest<S> for ApiForm<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("application/json") || ct.contains("+json"));
        let query = req.uri().query().unwrap_or_default().to_string();
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| match e.status() {
                axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                    AppError::PayloadTooLarge(msg!("error-request-body-too-large"))
                }
                _ => AppError::BadRequest(format!("cannot read the request body: {e}")),
            })?;
        if is_json && !bytes.is_empty() {
            return serde_json::from_slice(&bytes)
                .map(ApiForm)
                .map_err(|e| AppError::BadRequest(format!("invalid JSON: {e}")));
        }
        // Some clients put parameters of a POST in the query string: accept both.
        let body = std::str::from_utf8(&bytes)
            .map_err(|_| AppError::BadRequest("body is not UTF-8".into()))?;
        let combined = match (query.is_empty(), body.is_empty()) {
            (true, _) => body.to_string(),
            (false, true) => query,
            (false, false) => format!("{query}&{body}"),
        };
        qs().deserialize_str(&combined)
            .map(ApiForm)
            .map_err(|e| AppError::BadRequest(format!("invalid parameters: {e}")))
    }
}

/// Query parameters, with `key[]` arrays.
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, AppError> {
        let query = parts.uri.query().unwrap_or_default();
        qs().deserialize_str(query)
            .map(ApiQuery)
            .map_err(|e| AppError::BadRequest(format!("invalid query: {e}")))
    }
}

/// Accepts booleans as JSON booleans or as `true`/`false`/`1`/`0`/`on`/`off` strings.
pub fn flexible_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Bool(bool),
        Int(i64),
        Text(String),
    }
    Ok(match Option::<Raw>::deserialize(d)? {
        None => None,
        Some(Raw::Bool(b)) => Some(b),
        Some(Raw::Int(i)) => Some(i != 0),
        Some(Raw::Text(s)) => match s.to_ascii_lowercase().as_str() {
            "true" | "1" | "on" | "yes" => Some(true),
            "false" | "0" | "off" | "no" | "" => Some(false),
            other => {
                return Err(serde::de::Error::custom(format!(
                    "{other:?} is not a boolean"
                )));
            }
        },
    })
}

/// Accepts numbers as JSON numbers or strings (forms carry only strings).
pub fn flexible_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Int(u64),
        Text(String),
    }
    Ok(match Option::<Raw>::deserialize(d)? {
        None => None,
        Some(Raw::Int(i)) => Some(i),
        Some(Raw::Text(s)) if s.is_empty() => None,
        Some(Raw::Text(s)) => Some(
            s.parse()
                .map_err(|_| serde::de::Error::custom(format!("{s:?} is not a number")))?,
        ),
    })
}

/// Accepts an id as a JSON string or number.
pub fn flexible_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Int(i64),
        Text(String),
    }
    Ok(match Option::<Raw>::deserialize(d)? {
        None => None,
        Some(Raw::Int(i)) => Some(i.to_string()),
        Some(Raw::Text(s)) if s.is_empty() => None,
        Some(Raw::Text(s)) => Some(s),
    })
}

/// Accepts a list of ids as strings or numbers (or a single one).
pub fn flexible_ids<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum One {
        Int(i64),
        Text(String),
    }
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Many(Vec<One>),
        One(One),
    }
    let one = |o: One| match o {
        One::Int(i) => i.to_string(),
        One::Text(s) => s,
    };
    Ok(match Option::<Raw>::deserialize(d)? {
        None => vec![],
        Some(Raw::Many(v)) => v.into_iter().map(one).filter(|s| !s.is_empty()).collect(),
        Some(Raw::One(o)) => vec![one(o)].into_iter().filter(|s| !s.is_empty()).collect(),
    })
}

/// An uploaded file from a multipart body.
pub struct Upload {
    pub field: String,
    pub file_name: Option<String>,
    pub bytes: axum::body::Bytes,
}

/// Form fields (multipart, form-encoded or JSON) plus any uploaded files.
pub struct WithUploads<T> {
    pub form: T,
    pub files: Vec<Upload>,
}

impl<S, T> FromRequest<S> for WithUploads<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let is_multipart = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("multipart/form-data"));
        if !is_multipart {
            let ApiForm(form) = ApiForm::<T>::from_request(req, state).await?;
            return Ok(WithUploads {
                form,
                files: vec![],
            });
        }
        let mut multipart = axum::extract::Multipart::from_request(req, state)
            .await
            .map_err(|e| AppError::BadRequest(format!("invalid multipart body: {e}")))?;
        let mut fields: Vec<(String, String)> = Vec::new();
        let mut files = Vec::new();
        while let Some(field) = multipart.next_field().await.map_err(|e| match e.status() {
            axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                AppError::PayloadTooLarge(msg!("error-upload-too-large"))
            }
            _ => AppError::BadRequest(format!("invalid multipart body: {e}")),
        })? {
            let name = field.name().unwrap_or_default().to_string();
            let file_name = field.file_name().map(str::to_string);
            let bytes = field.bytes().await.map_err(|e| match e.status() {
                axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                    AppError::PayloadTooLarge(msg!("error-upload-too-large"))
                }
                _ => AppError::BadRequest(format!("invalid multipart body: {e}")),
            })?;
            if file_name.is_some() {
                files.push(Upload {
                    field: name,
                    file_name,
                    bytes,
                });
            } else {
                let text = String::from_utf8(bytes.to_vec())
                    .map_err(|_| AppError::BadRequest(format!("field {name} is not UTF-8")))?;
                fields.push((name, text));
            }
        }
        let encoded = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let form = qs()
            .deserialize_str(&encoded)
            .map_err(|e| AppError::BadRequest(format!("invalid parameters: {e}")))?;
        Ok(WithUploads { form, files })
    }
}
