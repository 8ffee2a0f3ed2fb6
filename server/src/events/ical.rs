//! Events as iCalendar (RFC 5545): one file per event, and calendar feeds
//! of the neighbourhood and of each group. Times are written in UTC, which
//! RFC 5545 allows everywhere and no calendar misreads.

use icalendar::{Calendar, Component, Event as IcsEvent, EventLike, EventStatus};

use super::entity::event;
use crate::config::Config;

/// A TEXT value safe to write: line breaks as LF only (the writer escapes
/// LF as `\n`; a CR would pass through raw and end the line for some
/// parsers), other control characters dropped.
pub fn text(value: &str) -> String {
    value
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect()
}

fn plain(html: &str) -> String {
    text(&ammonia::Builder::empty().clean(html).to_string())
}

pub fn component(config: &Config, e: &event::Model, uid: &str) -> IcsEvent {
    let mut ics = IcsEvent::new();
    ics.uid(&text(uid))
        .summary(&text(&e.name))
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
        ics.location(&text(&place));
    }
    if let (Some(lat), Some(lon)) = (e.latitude, e.longitude) {
        ics.add_property("GEO", format!("{lat};{lon}"));
    }
    ics.done()
}

/// A calendar of `(event, uid)` pairs.
pub fn calendar(config: &Config, name: &str, events: &[(event::Model, String)]) -> String {
    let mut cal = Calendar::new();
    // The crate writes NAME raw (it does not know its type): say it is TEXT
    // so that it is escaped like every other text value.
    let name = text(name);
    cal.append_property(
        icalendar::Property::new("NAME", &name)
            .add_parameter("VALUE", "TEXT")
            .done(),
    );
    cal.append_property(icalendar::Property::new("X-WR-CALNAME", &name));
    for (e, uid) in events {
        cal.push(component(config, e, uid));
    }
    cal.done().to_string()
}
