//! `Page` and `Article`: long posts, shown elsewhere by title, summary and
//! link. A Knooppunt plan is a `Page` with the extension fields below (the
//! terms of `context::extension_context`); a `Page` without `state` is an
//! ordinary article. In a co-owner's partial `Update`, an absent field is
//! left alone and a `null` one cleared: hence `Option<Option<_>>`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::collection::Collection;
use super::lenient;
use super::place::Place;
use super::post::{Post, PostFields, PostKind};
use super::values::HasId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PageKind {
    Page,
    Article,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Page {
    #[serde(rename = "type", deserialize_with = "lenient::kind")]
    pub kind: PageKind,
    #[serde(flatten)]
    pub post: PostFields,
    #[serde(
        default,
        deserialize_with = "lenient::present",
        skip_serializing_if = "Option::is_none"
    )]
    pub location: Option<Option<Place>>,
    /// A plan's state (`idea`, ...); the application knows which exist.
    #[serde(
        default,
        deserialize_with = "lenient::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub state: Option<String>,
    /// Why a co-owner moves the plan to `state`.
    #[serde(
        default,
        deserialize_with = "lenient::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub state_note: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient::present",
        skip_serializing_if = "Option::is_none"
    )]
    pub cost_estimate: Option<Option<MonetaryAmount>>,
    #[serde(
        default,
        deserialize_with = "lenient::present",
        skip_serializing_if = "Option::is_none"
    )]
    pub requested_budget: Option<Option<MonetaryAmount>>,
    /// Supports: a collection with only a total.
    #[serde(
        default,
        deserialize_with = "lenient::skip_error",
        skip_serializing_if = "Option::is_none"
    )]
    pub likes: Option<Collection>,
    #[serde(
        default,
        deserialize_with = "lenient::skip_error",
        skip_serializing_if = "Option::is_none"
    )]
    pub arguments_count: Option<ArgumentsCount>,
    #[serde(
        default,
        deserialize_with = "lenient::opt_items",
        skip_serializing_if = "Option::is_none"
    )]
    pub advice: Option<Vec<AdviceEntry>>,
    #[serde(
        default,
        deserialize_with = "lenient::opt_items",
        skip_serializing_if = "Option::is_none"
    )]
    pub history: Option<Vec<PlanChange>>,
}

/// schema.org `MonetaryAmount`: `amount` in cents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonetaryAmount {
    #[serde(rename = "type", default = "monetary_amount")]
    pub kind: String,
    #[serde(default, deserialize_with = "lenient::int")]
    pub amount: Option<i64>,
    #[serde(default, deserialize_with = "lenient::text")]
    pub currency: Option<String>,
}

fn monetary_amount() -> String {
    "MonetaryAmount".into()
}

impl MonetaryAmount {
    pub fn new(cents: i64, currency: &str) -> Self {
        MonetaryAmount {
            kind: monetary_amount(),
            amount: Some(cents),
            currency: Some(currency.to_string()),
        }
    }

    /// The amount, if it is one (not negative).
    pub fn cents(&self) -> Option<i64> {
        self.amount.filter(|c| *c >= 0)
    }

    /// The currency, if it is an ISO 4217 code.
    pub fn currency_code(&self) -> Option<&str> {
        self.currency
            .as_deref()
            .filter(|c| c.len() == 3 && c.chars().all(|ch| ch.is_ascii_uppercase()))
    }
}

/// Replies to a plan: arguments pro and contra, and other comments.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArgumentsCount {
    #[serde(default, deserialize_with = "lenient::int")]
    pub pro: Option<i64>,
    #[serde(default, deserialize_with = "lenient::int")]
    pub contra: Option<i64>,
    #[serde(default, deserialize_with = "lenient::int")]
    pub comments: Option<i64>,
}

/// One advice asked on a plan, with the verdict once it was given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdviceEntry {
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub id: Option<String>,
    #[serde(rename = "type", default = "advice")]
    pub kind: String,
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub advisor: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub requester: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    pub question: Option<String>,
    /// The verdict, when given and verified.
    #[serde(default, deserialize_with = "lenient::text")]
    pub advice: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    pub advice_reasons: Option<String>,
    /// The advisor's answer, a `Note` on the advisor's own instance.
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub answer: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient::time",
        serialize_with = "lenient::ser_time"
    )]
    pub published: Option<DateTime<Utc>>,
    #[serde(
        default,
        deserialize_with = "lenient::time",
        serialize_with = "lenient::ser_time"
    )]
    pub answered: Option<DateTime<Utc>>,
}

fn advice() -> String {
    "Advice".into()
}

/// One entry of a plan's history, as its home states it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanChange {
    #[serde(rename = "type", default = "plan_change")]
    pub kind: String,
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub actor: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    pub action: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    pub from_state: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    pub to_state: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    pub note: Option<String>,
    /// Names of the fields an edit changed.
    #[serde(default, deserialize_with = "lenient::items")]
    pub fields: Vec<String>,
    #[serde(
        default,
        deserialize_with = "lenient::time",
        serialize_with = "lenient::ser_time"
    )]
    pub published: Option<DateTime<Utc>>,
}

fn plan_change() -> String {
    "PlanChange".into()
}

impl Page {
    /// A `Page` with only the post's fields; add the plan's as needed.
    pub fn new(kind: PageKind, post: PostFields) -> Self {
        Page {
            kind,
            post,
            location: None,
            state: None,
            state_note: None,
            cost_estimate: None,
            requested_budget: None,
            likes: None,
            arguments_count: None,
            advice: None,
            history: None,
        }
    }

    /// Whether this `Page` is a Knooppunt plan (it has a state).
    pub fn is_plan(&self) -> bool {
        self.state.is_some()
    }

    /// The place, if one was sent (and not cleared).
    pub fn place(&self) -> Option<&Place> {
        self.location.as_ref().and_then(Option::as_ref)
    }

    pub fn as_post(&self) -> Post {
        let kind = match self.kind {
            PageKind::Page => PostKind::Page,
            PageKind::Article => PostKind::Article,
        };
        let files = self
            .post
            .attachment
            .iter()
            .filter_map(|a| a.file())
            .collect();
        Post::build(kind, &self.post, files)
    }
}

impl HasId for Page {
    fn id(&self) -> &str {
        &self.post.id
    }
}
