//! Expert advice on a plan: its owners ask any actor (say, the
//! municipality's traffic department on its own instance) and the answer,
//! positive, with conditions or negative, with reasons, is attached to the
//! plan and travels with it.
//!
//! Federation: the request is a `Note` addressed to the advisor only, in
//! reply to the plan, with `adviceRequest` (the plan's id) and
//! `adviceQuestion`; the answer is a `Note` in reply to the request with
//! `advice` (the verdict) and `adviceReasons`. Software without our terms
//! shows the request as a direct message. The home then sends the plan's
//! `Update`, whose `advice` list carries requests and answers everywhere.
//!
//! Trust: a request is taken only from an owner of the plan, for a plan
//! whose home is the sender's instance or this one. An answer counts only
//! when signed by the advisor who was asked. On a copy, a verdict the home
//! lists is shown as given only once it is verified: received signed by the
//! advisor, or fetched from the advisor's own server (answers are served at
//! `/advice/:id` there). A verdict of an advisor here is never taken from
//! another instance.
//!
//! - `service.rs`: asking and answering here.
//! - `federate.rs`: the `Note`s of requests and answers, sent and received.
//! - `copies.rs`: the advice of a copy, checked and brought in line with its home.
//! - `store.rs`: queries and writes of advice rows.

mod copies;
mod federate;
mod service;
mod store;

pub use copies::{Resolved, mirror, resolve};
pub use federate::{answer_note, page_entries, receive};
pub use service::{answer, pending_for, request};
pub use store::of_plan;

use crate::error::AppError;

pub const VERDICTS: [&str; 3] = ["positive", "conditions", "negative"];
const MAX_TEXT: usize = 5_000;

/// `text` without markup, at most `max` characters.
fn plain(text: &str, max: usize) -> String {
    crate::text::plain(text, max)
}

fn check_text(field: &str, text: &str) -> Result<(), AppError> {
    if text.trim().is_empty() {
        return Err(AppError::invalid(field, msg!("error-cant-blank")));
    }
    if text.chars().count() > MAX_TEXT {
        return Err(AppError::invalid(
            field,
            msg!("error-at-most-characters", max = MAX_TEXT),
        ));
    }
    Ok(())
}

fn answer_url(config: &crate::config::Config, advice_id: i64) -> String {
    format!("{}/advice/{advice_id}", config.base_url())
}
