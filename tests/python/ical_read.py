#!/usr/bin/env python3
"""Parses iCalendar (RFC 5545) documents with the `icalendar` package and
prints what a calendar app would read from them, as JSON.

Environment: KP_ICS_URLS, URLs separated by spaces. Prints one JSON object:
{url: [{"uid", "summary", "start", "end", "location", "status", "geo"}, ...]}.
Exits 1 when a document cannot be fetched or parsed.
"""

import json
import os
import sys
import urllib.request

import icalendar

out = {}
for url in os.environ.get("KP_ICS_URLS", "").split():
    with urllib.request.urlopen(url, timeout=10) as response:
        if not response.headers.get("Content-Type", "").startswith("text/calendar"):
            print(f"{url}: not text/calendar", file=sys.stderr)
            sys.exit(1)
        calendar = icalendar.Calendar.from_ical(response.read())
    events = []
    for component in calendar.walk("VEVENT"):
        start = component.decoded("DTSTART")
        end = component.get("DTEND")
        geo = component.get("GEO")
        events.append({
            "uid": str(component.get("UID")),
            "summary": str(component.get("SUMMARY")),
            "start": start.isoformat(),
            "start_utc_offset": start.utcoffset().total_seconds() if start.tzinfo else None,
            "end": component.decoded("DTEND").isoformat() if end else None,
            "location": str(component.get("LOCATION")) if component.get("LOCATION") else None,
            "status": str(component.get("STATUS")) if component.get("STATUS") else None,
            "geo": [geo.latitude, geo.longitude] if geo else None,
        })
    out[url] = events
print(json.dumps(out))
