//! Rows of `statuses`, as posts and plans write them.

use chrono::{DateTime, Utc};
use sea_orm::Value;

pub const STATUS_COLUMNS: [&str; 15] = [
    "id",
    "ap_id",
    "url",
    "actor_id",
    "in_reply_to_id",
    "in_reply_to_actor_id",
    "reblog_of_id",
    "content",
    "spoiler_text",
    "sensitive",
    "visibility",
    "language",
    "local",
    "created_at",
    "stance",
];

pub struct StatusRow {
    pub id: i64,
    pub ap_id: String,
    pub url: Option<String>,
    pub actor_id: i64,
    /// The status replied to, and its author.
    pub reply_to: Option<(i64, i64)>,
    pub reblog_of_id: Option<i64>,
    pub content: String,
    pub visibility: &'static str,
    pub language: Option<&'static str>,
    pub local: bool,
    pub created_at: DateTime<Utc>,
    pub stance: Option<&'static str>,
}

impl StatusRow {
    /// A public original post in Dutch, its id its URL.
    pub fn public(
        id: i64,
        ap_id: String,
        actor_id: i64,
        content: String,
        local: bool,
        at: DateTime<Utc>,
    ) -> StatusRow {
        StatusRow {
            id,
            url: Some(ap_id.clone()),
            ap_id,
            actor_id,
            reply_to: None,
            reblog_of_id: None,
            content,
            visibility: "public",
            language: Some("nl"),
            local,
            created_at: at,
            stance: None,
        }
    }

    /// The values in [`STATUS_COLUMNS`]' order.
    pub fn values(self) -> Vec<Value> {
        vec![
            self.id.into(),
            self.ap_id.into(),
            self.url.into(),
            self.actor_id.into(),
            self.reply_to.map(|r| r.0).into(),
            self.reply_to.map(|r| r.1).into(),
            self.reblog_of_id.into(),
            self.content.into(),
            String::new().into(),
            false.into(),
            self.visibility.into(),
            self.language.map(str::to_string).into(),
            self.local.into(),
            self.created_at.into(),
            self.stance.map(str::to_string).into(),
        ]
    }
}
