//! `Question`: a status with a poll, `oneOf` (one choice) or `anyOf`.

use activitypub_federation::kinds::activity::QuestionType;
use activitypub_federation::kinds::object::NoteType;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::collection::Collection;
use super::lenient;
use super::post::{Poll, Post, PostFields, PostKind};
use super::values::HasId;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Question {
    #[serde(rename = "type", deserialize_with = "lenient::kind")]
    pub kind: QuestionType,
    #[serde(flatten)]
    pub post: PostFields,
    #[serde(
        default,
        deserialize_with = "lenient::items",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub one_of: Vec<PollOption>,
    #[serde(
        default,
        deserialize_with = "lenient::items",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub any_of: Vec<PollOption>,
    #[serde(
        default,
        deserialize_with = "lenient::time",
        serialize_with = "lenient::ser_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub end_time: Option<DateTime<Utc>>,
    /// When the poll closed (Mastodon sends a time).
    #[serde(
        default,
        deserialize_with = "lenient::time",
        serialize_with = "lenient::ser_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub closed: Option<DateTime<Utc>>,
    #[serde(
        default,
        deserialize_with = "lenient::int",
        skip_serializing_if = "Option::is_none"
    )]
    pub voters_count: Option<i64>,
}

/// One option: a `Note` whose `name` is the choice and whose `replies`
/// counts its votes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PollOption {
    #[serde(rename = "type", default)]
    pub kind: NoteType,
    pub name: String,
    #[serde(
        default,
        deserialize_with = "lenient::skip_error",
        skip_serializing_if = "Option::is_none"
    )]
    pub replies: Option<Collection>,
}

impl PollOption {
    pub fn new(name: &str, votes: u64) -> Self {
        PollOption {
            kind: NoteType::Note,
            name: name.to_string(),
            replies: Some(Collection::counter(votes)),
        }
    }
}

impl Question {
    /// A poll on a post; `multiple` puts the options under `anyOf`.
    pub fn new(post: PostFields, options: Vec<PollOption>, multiple: bool) -> Self {
        let (one_of, any_of) = if multiple {
            (vec![], options)
        } else {
            (options, vec![])
        };
        Question {
            kind: QuestionType::Question,
            post,
            one_of,
            any_of,
            end_time: None,
            closed: None,
            voters_count: None,
        }
    }

    /// The poll: options from `oneOf`, else `anyOf` (then several may be chosen).
    pub fn poll(&self) -> Poll {
        let (options, multiple) = if self.one_of.is_empty() {
            (&self.any_of, true)
        } else {
            (&self.one_of, false)
        };
        Poll {
            options: options.iter().map(|o| o.name.clone()).collect(),
            votes: options
                .iter()
                .map(|o| o.replies.as_ref().and_then(|r| r.total_items))
                .collect(),
            multiple: multiple && !self.any_of.is_empty(),
            end_time: self.end_time.or(self.closed),
            voters_count: self.voters_count,
        }
    }

    pub fn as_post(&self) -> Post {
        let files = self
            .post
            .attachment
            .iter()
            .filter_map(|a| a.file())
            .collect();
        let mut post = Post::build(PostKind::Question, &self.post, files);
        post.poll = Some(self.poll()).filter(|p| !p.options.is_empty());
        post
    }
}

impl HasId for Question {
    fn id(&self) -> &str {
        &self.post.id
    }
}
