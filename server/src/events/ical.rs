//! Events as iCalendar (RFC 5545): one file per event, and calendar feeds
//! of the neighbourhood and of each group. Times are written in UTC, which
//! RFC 5545 allows everywhere and no calendar misreads.

use icalendar::{Calendar, Component, Event as IcsEvent, EventLike, EventStatus};

use super::entity::event;
use crate::config::Config;

fn plain(html: &str) -> String {
    ammonia::Builder::empty().clean(html).to_string()
}

pub fn component(config: &Config, e: &event::Model, uid: &str) -> IcsEvent {
    let mut ics = IcsEvent::new();
    ics.uid(uid)
        .summary(&e.name)
        .description(&plain(&e.description))
        .starts(e.starts_at)
        .timestamp(e.updated_at)
        .url(&super::service::html_url(config, e.id))
        .status(if e.cancelled {
            EventStatus::Cancelled
        } else {
            EventStatus::Confirmed
        });
    if let Some(end) = e.ends_at {
        ics.ends(end);
    }
    let place = [e.location_name.as_deref(), e.location_address.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
    if !place.is_empty() {
        ics.location(&place);
    }
    if let (Some(lat), Some(lon)) = (e.latitude, e.longitude) {
        ics.add_property("GEO", format!("{lat};{lon}"));
    }
    ics.done()
}

/// A calendar of `(event, uid)` pairs.
pub fn calendar(config: &Config, name: &str, events: &[(event::Model, String)]) -> String {
    let mut cal = Calendar::new();
    cal.name(name);
    for (e, uid) in events {
        cal.push(component(config, e, uid));
    }
    cal.done().to_string()
}
