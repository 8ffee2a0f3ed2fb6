//! Why a document could not be read as the vocabulary type it claims to be.

/// A parse failure: the field (as a path, `object.attributedTo`) and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VocabError {
    #[error("not a JSON object")]
    NotAnObject,
    #[error("no `type`")]
    MissingType,
    #[error("malformed {kind}: `{field}`: {reason}")]
    Malformed {
        /// The ActivityStreams type that was expected (`Follow`, `Note`, ...).
        kind: String,
        /// Where in the document, dotted; `.` for the document itself.
        field: String,
        reason: String,
    },
    #[error("nested more than {0} levels deep")]
    TooDeep(usize),
    #[error("cannot serialise: {0}")]
    Serialize(String),
}

impl VocabError {
    /// The offending field, when there is one.
    pub fn field(&self) -> Option<&str> {
        match self {
            VocabError::Malformed { field, .. } => Some(field),
            _ => None,
        }
    }
}

/// Deepest nesting we read. Real activities nest a handful of levels (an
/// Announce of a Create of a Note with tags); reading recurses, so a deeper
/// document is refused before it is read.
pub const MAX_DEPTH: usize = 32;

/// Refuses what is not an object or nests too deeply.
pub(crate) fn check_shape(value: &serde_json::Value) -> Result<(), VocabError> {
    if !value.is_object() {
        return Err(VocabError::NotAnObject);
    }
    if super::json::depth(value) > MAX_DEPTH {
        return Err(VocabError::TooDeep(MAX_DEPTH));
    }
    Ok(())
}

/// Parses `value` as `T`, naming the failing field in the error.
pub(crate) fn parse<'de, T: serde::Deserialize<'de>>(
    kind: &str,
    value: &'de serde_json::Value,
) -> Result<T, VocabError> {
    if !value.is_object() {
        return Err(VocabError::NotAnObject);
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        VocabError::Malformed {
            kind: kind.to_string(),
            field: path,
            reason: e.into_inner().to_string(),
        }
    })
}
