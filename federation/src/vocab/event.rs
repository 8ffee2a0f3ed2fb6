//! `Event`, in the shape Mobilizon and Gancio use: times, a `Place`,
//! capacity and participants; people take part by `Join` and `Leave`.

use activitypub_federation::kinds::object::EventType;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::lenient;
use super::place::Place;
use super::post::{Post, PostFields, PostKind};
use super::values::HasId;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    #[serde(rename = "type", deserialize_with = "lenient::kind")]
    pub kind: EventType,
    #[serde(flatten)]
    pub post: PostFields,
    #[serde(
        default,
        deserialize_with = "lenient::time",
        serialize_with = "lenient::ser_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub start_time: Option<DateTime<Utc>>,
    #[serde(
        default,
        deserialize_with = "lenient::time",
        serialize_with = "lenient::ser_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub end_time: Option<DateTime<Utc>>,
    /// An IANA time zone name (Mobilizon); the application checks it.
    #[serde(
        default,
        deserialize_with = "lenient::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub timezone: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient::skip_error",
        skip_serializing_if = "Option::is_none"
    )]
    pub location: Option<Place>,
    /// Mobilizon sends 0 for "no limit".
    #[serde(
        default,
        deserialize_with = "lenient::int",
        skip_serializing_if = "Option::is_none"
    )]
    pub maximum_attendee_capacity: Option<i64>,
    #[serde(
        default,
        deserialize_with = "lenient::int",
        skip_serializing_if = "Option::is_none"
    )]
    pub remaining_attendee_capacity: Option<i64>,
    #[serde(
        default,
        deserialize_with = "lenient::int",
        skip_serializing_if = "Option::is_none"
    )]
    pub participant_count: Option<i64>,
    /// `free`, `restricted` or `invite` (Mobilizon).
    #[serde(
        default,
        deserialize_with = "lenient::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub join_mode: Option<String>,
    /// iCalendar status: `CONFIRMED`, `TENTATIVE` or `CANCELLED`.
    #[serde(
        rename = "ical:status",
        default,
        deserialize_with = "lenient::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub status: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient::boolean",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_online: Option<bool>,
    #[serde(
        default,
        deserialize_with = "lenient::boolean",
        skip_serializing_if = "Option::is_none"
    )]
    pub draft: Option<bool>,
    /// Knooppunt: the plan this event belongs to.
    #[serde(
        default,
        deserialize_with = "lenient::opt_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub plan: Option<String>,
}

impl Event {
    pub fn new(post: PostFields, start_time: DateTime<Utc>) -> Self {
        Event {
            kind: EventType::Event,
            post,
            start_time: Some(start_time),
            end_time: None,
            timezone: None,
            location: None,
            maximum_attendee_capacity: None,
            remaining_attendee_capacity: None,
            participant_count: None,
            join_mode: None,
            status: None,
            is_online: None,
            draft: None,
            plan: None,
        }
    }

    pub fn cancelled(&self) -> bool {
        self.status.as_deref() == Some("CANCELLED")
    }

    /// The capacity, if there is a limit.
    pub fn capacity(&self) -> Option<i64> {
        self.maximum_attendee_capacity.filter(|c| *c > 0)
    }

    /// The end, if it is not before the start.
    pub fn end(&self) -> Option<DateTime<Utc>> {
        self.end_time
            .filter(|e| self.start_time.is_none_or(|s| *e >= s))
    }

    pub fn as_post(&self) -> Post {
        let files = self
            .post
            .attachment
            .iter()
            .filter_map(|a| a.file())
            .collect();
        Post::build(PostKind::Event, &self.post, files)
    }
}

impl HasId for Event {
    fn id(&self) -> &str {
        &self.post.id
    }
}
