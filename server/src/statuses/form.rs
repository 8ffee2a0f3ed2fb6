//! The fields of a status as the client API and the web's compose form
//! send them (the same names), read into a `Draft` by one function: both
//! get the same checks and the same messages.

use serde::Deserialize;

use super::Visibility;
use super::service::{Draft, NewPoll};
use crate::error::AppError;
use crate::http::extract::{flexible_bool, flexible_id, flexible_ids, flexible_u64};

#[derive(Deserialize, Default)]
pub struct PollForm {
    #[serde(default)]
    options: Vec<String>,
    #[serde(default, deserialize_with = "flexible_u64")]
    expires_in: Option<u64>,
    #[serde(default, deserialize_with = "flexible_bool")]
    multiple: Option<bool>,
}

#[derive(Deserialize, Default)]
pub struct StatusForm {
    pub status: Option<String>,
    #[serde(default, deserialize_with = "flexible_ids")]
    pub media_ids: Vec<String>,
    #[serde(default, deserialize_with = "flexible_id")]
    pub in_reply_to_id: Option<String>,
    #[serde(default, deserialize_with = "flexible_bool")]
    pub sensitive: Option<bool>,
    pub spoiler_text: Option<String>,
    pub visibility: Option<String>,
    pub language: Option<String>,
    pub poll: Option<PollForm>,
    pub scheduled_at: Option<String>,
}

pub fn visibility(raw: Option<&str>) -> Result<Visibility, AppError> {
    match raw.unwrap_or("") {
        "" | "public" => Ok(Visibility::Public),
        "unlisted" => Ok(Visibility::Unlisted),
        "private" => Ok(Visibility::Private),
        "direct" => Ok(Visibility::Direct),
        other => Err(AppError::invalid(
            "visibility",
            msg!("error-not-visibility", other = other),
        )),
    }
}

impl StatusForm {
    pub fn into_draft(self) -> Result<Draft, AppError> {
        if self.scheduled_at.as_deref().is_some_and(|s| !s.is_empty()) {
            return Err(AppError::invalid(
                "scheduled_at",
                msg!("error-scheduled-statuses-are-not-supported"),
            ));
        }
        let poll = match self.poll {
            Some(p) if !p.options.is_empty() => Some(NewPoll {
                options: p.options,
                expires_in: i64::try_from(p.expires_in.unwrap_or(86_400)).unwrap_or(i64::MAX),
                multiple: p.multiple.unwrap_or(false),
            }),
            _ => None,
        };
        Ok(Draft {
            text: self.status.unwrap_or_default(),
            spoiler_text: self.spoiler_text.unwrap_or_default(),
            sensitive: self.sensitive.unwrap_or(false),
            visibility: visibility(self.visibility.as_deref())?,
            language: self.language.filter(|l| !l.is_empty()),
            in_reply_to_id: self.in_reply_to_id,
            media_ids: self.media_ids,
            poll,
            stance: None,
        })
    }
}
