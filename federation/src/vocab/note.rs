//! `Note`: a status. Knooppunt adds an argument's `stance` and the fields of
//! an advice request or answer; a poll vote is a `Note` with only a `name`.

use activitypub_federation::kinds::object::NoteType;
use serde::{Deserialize, Serialize};

use super::lenient;
use super::post::{Post, PostFields, PostKind};
use super::values::HasId;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Note {
    #[serde(rename = "type", deserialize_with = "lenient::kind")]
    pub kind: NoteType,
    #[serde(flatten)]
    pub post: PostFields,
    /// Knooppunt: `pro` or `contra` on a plan; a plain reply has none.
    #[serde(
        default,
        deserialize_with = "lenient::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub stance: Option<String>,
    /// Knooppunt: the plan an advice request is about.
    #[serde(
        default,
        deserialize_with = "lenient::opt_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub advice_request: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub advice_question: Option<String>,
    /// Knooppunt: an advice answer's verdict and reasons.
    #[serde(
        default,
        deserialize_with = "lenient::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub advice: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub advice_reasons: Option<String>,
}

impl Note {
    pub fn new(post: PostFields) -> Self {
        Note {
            kind: NoteType::Note,
            post,
            stance: None,
            advice_request: None,
            advice_question: None,
            advice: None,
            advice_reasons: None,
        }
    }

    /// A vote in a poll, as Mastodon sends one: `name` is the option.
    pub fn vote(id: &str, voter: &str, question: &str, option: &str, poll_author: &str) -> Self {
        let mut post = PostFields::new(id, voter);
        post.name = Some(option.to_string());
        post.in_reply_to = Some(question.to_string());
        post.to = vec![poll_author.to_string()];
        Note::new(post)
    }

    /// The option voted for, if this note is a vote: a `name`, a reply, and
    /// no content.
    pub fn vote_choice(&self) -> Option<&str> {
        let empty = self.post.text().is_none_or(|c| c.trim().is_empty());
        (empty && self.post.in_reply_to.is_some())
            .then_some(self.post.name.as_deref())
            .flatten()
    }

    /// The stance, if it is one we know.
    pub fn argument_stance(&self) -> Option<&str> {
        self.stance
            .as_deref()
            .filter(|s| matches!(*s, "pro" | "contra"))
    }

    pub fn as_post(&self) -> Post {
        let files = self
            .post
            .attachment
            .iter()
            .filter_map(|a| a.file())
            .collect();
        Post::build(PostKind::Note, &self.post, files)
    }
}

impl HasId for Note {
    fn id(&self) -> &str {
        &self.post.id
    }
}
