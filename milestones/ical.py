"""Milestones as iCalendar (RFC 5545): subscription feeds and single-event files.

Every rule in shared/ical.md is applied here: stable UIDs, SEQUENCE from the milestone,
DTSTAMP and LAST-MODIFIED from its last change (so the same data gives the same bytes and
ETags stay stable), all-day events with an exclusive DTEND, timed events written in UTC
(no VTIMEZONE for Outlook to get wrong), windows as tentative and transparent, no METHOD,
no VALARM, no e-mail addresses.
"""

import datetime
import functools
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCategory, vDuration, vText

from milestones import dates
from milestones.models import Kind, Status

PRODUCT_ID = "-//C4F Tracker//Milestones//EN"
REFRESH_INTERVAL = datetime.timedelta(hours=1)
# A cancelled milestone stays this long, so subscribed calendars learn it was cancelled.
CANCELLED_KEPT_FOR = datetime.timedelta(days=30)

# Control characters (C0, DEL and C1) have no place in a calendar text; tab and line break
# are kept.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# build_event's lead_name when the caller leaves it to the prefetched people responsible.
UNKNOWN = object()


@functools.lru_cache(maxsize=16)
def _words(language):
    """The fixed words of an event in one language, translated once per process.

    A cold feed renders hundreds of events; looking each word up in the catalogue again
    for every one of them was a tenth of its time.
    """
    with translation.override(language):
        return {
            "not fixed": _("day not fixed"),
            "due": _("due %(time)s"),
            "done": _("done"),
            "cancelled": _("cancelled"),
            "when": _("When: %(when)s"),
            "status": _("Status: %(status)s"),
            "lead": _("Lead: %(name)s"),
            "nobody": _("nobody yet"),
            Status: {value: str(label) for value, label in Status.choices},
            Kind: {value: str(label) for value, label in Kind.choices},
        }


def words():
    return _words(translation.get_language())


def clean_text(text):
    """Text without control characters; every line break written as a plain newline."""
    text = str(text).replace("\r\n", "\n").replace("\r", "\n")
    return CONTROL_CHARACTERS.sub("", text)


def site_host():
    return _host(settings.SITE_URL)


@functools.lru_cache(maxsize=4)
def _host(url):
    return urlsplit(url).hostname or "localhost"


def event_uid(milestone):
    # Stable forever: a changed UID makes calendars show the event twice.
    return f"milestone-{milestone.pk}@{site_host()}"


def milestone_url(milestone):
    return f"{settings.SITE_URL}/milestones/{milestone.pk}/"


def _utc(moment):
    return moment.astimezone(datetime.UTC)


def _summary(milestone, when, *, with_cluster):
    notes = []
    said = words()
    if when.form == dates.Form.WINDOW:
        notes.append(said["not fixed"])
    elif when.is_deadline and when.starts_at is not None:
        # The cut-off in the programme's local time, as the programme announced it.
        notes.append(said["due"] % {"time": dates.format_time(when.starts_at)})
    if milestone.status == Status.DONE:
        notes.append(said["done"])
    elif milestone.status == Status.CANCELLED:
        notes.append(said["cancelled"])
    summary = milestone.title
    if notes:
        summary = f"{summary} ({', '.join(notes)})"
    if with_cluster:
        summary = f"{milestone.cluster.name}: {summary}"
    return clean_text(summary)


def _description(milestone, when, lead_name):
    said = words()
    lines = [
        said["when"] % {"when": dates.describe(when)},
        said["status"] % {"status": said[Status].get(milestone.status, milestone.status)},
        said["lead"] % {"name": lead_name if lead_name is not None else said["nobody"]},
        milestone_url(milestone),
    ]
    return clean_text("\n".join(lines))


def _dates(milestone, when):
    """DTSTART and DTEND: dates for an all-day event, UTC times for a timed one (DTEND None
    when the event is a moment)."""
    tz = dates.zone(milestone.cluster.programme.time_zone)
    starts = when.starts(tz)
    if starts is None:
        # DTEND is exclusive for all-day events, so the day after the last day.
        return when.starts_on, when.last_day + datetime.timedelta(days=1)
    ends = when.ends(tz)
    if ends is None and when.form == dates.Form.SPAN:
        # A span with only a start time runs to the end of its last day.
        ends = datetime.datetime.combine(
            when.last_day + datetime.timedelta(days=1), datetime.time(0), tzinfo=tz
        )
    # Without a known end (a cut-off, a meeting's start) no DTEND: the event is a moment,
    # and inventing an end would invent precision (RFC 5545 3.6.1).
    return _utc(starts), ends and _utc(ends)


def _properties(milestone, *, with_cluster, lead_name):
    """What the event of a milestone says, by property, as plain values (None: left out),
    in the order icalendar writes them: its canonical ones first, then by name.

    Expects ``cluster__programme`` selected, and ``responsibilities__person`` prefetched unless
    the lead's name (None: no lead) is given.
    """
    if lead_name is UNKNOWN:
        lead = milestone.lead
        lead_name = lead.name if lead else None
    # Worked out once: every part of the event reads it.
    when = milestone.when
    starts, ends = _dates(milestone, when)
    # The last change, not "now": the same data must give the same bytes (ETag).
    last_change = _utc(milestone.updated_at)
    if milestone.status == Status.CANCELLED:
        status = "CANCELLED"
    elif when.form == dates.Form.WINDOW:
        status = "TENTATIVE"
    else:
        status = "CONFIRMED"
    return {
        "SUMMARY": _summary(milestone, when, with_cluster=with_cluster),
        "DTSTART": starts,
        "DTEND": ends,
        "DTSTAMP": last_change,
        "UID": event_uid(milestone),
        "SEQUENCE": milestone.sequence,
        "CATEGORIES": [clean_text(words()[Kind].get(milestone.kind, milestone.kind))],
        "CREATED": _utc(milestone.created_at),
        "DESCRIPTION": _description(milestone, when, lead_name),
        "LAST-MODIFIED": last_change,
        "LOCATION": clean_text(milestone.location) if milestone.location else None,
        "STATUS": status,
        # Windows and deadlines do not block anyone's time.
        "TRANSP": "TRANSPARENT" if when.form == dates.Form.WINDOW or when.is_deadline else "OPAQUE",
        "URL": milestone_url(milestone),
    }


def build_event(milestone, *, with_cluster, lead_name=UNKNOWN):
    """One milestone as an icalendar VEVENT (``build_event_text`` writes its bytes)."""
    event = Event()
    for name, value in _properties(
        milestone, with_cluster=with_cluster, lead_name=lead_name
    ).items():
        if value is not None:
            event.add(name, value)
    return event


def _value(name, value):
    """A property's parameters and value, as icalendar writes them."""
    if name == "URL":
        return f":{value}"
    if isinstance(value, datetime.datetime):
        return (
            f":{value.year:04}{value.month:02}{value.day:02}"
            f"T{value.hour:02}{value.minute:02}{value.second:02}Z"
        )
    if isinstance(value, datetime.date):
        return f";VALUE=DATE:{value.year:04}{value.month:02}{value.day:02}"
    if isinstance(value, int):
        return f":{value}"
    if isinstance(value, list):
        return ":" + vCategory(value).to_ical().decode()
    return ":" + vText(value).to_ical().decode()


def build_event_text(milestone, *, with_cluster, lead_name=UNKNOWN):
    """One VEVENT as the exact bytes icalendar writes for ``build_event`` (folded, CRLF line
    ends), in the active language.

    icalendar makes an object of each value, each parameter and each content line, and folds
    character by character: two thirds of a cold feed's time, and of a reminder's .ics.
    Here each line is its value as icalendar's value types write it, folded by ``fold``;
    tests/test_ical.py checks both give the same bytes for any milestone.
    """
    properties = _properties(milestone, with_cluster=with_cluster, lead_name=lead_name)
    lines = [b"BEGIN:VEVENT"]
    for name, value in properties.items():
        if value is not None:
            lines.append(fold(name + _value(name, value)))
    lines.append(b"END:VEVENT\r\n")
    return b"\r\n".join(lines)


def _calendar(name=None):
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if name is not None:
        # A text like any other: a comma, semicolon or backslash in a cluster's name escaped.
        name = vText(clean_text(name).replace("\n", " "))
        calendar.add("name", name)
        calendar.add("x-wr-calname", name)
        # icalendar leaves out VALUE=DURATION, which RFC 7986 requires here.
        calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(REFRESH_INTERVAL))
    return calendar


def build_calendar(*, milestones, name, language, spans_clusters):
    """A subscription feed of the given milestones, in the given language, as bytes.

    ``spans_clusters``: the feed shows more than one cluster's milestones, so every
    title starts with its cluster.
    """
    with translation.override(language):
        calendar = _calendar(name)
        for milestone in milestones:
            calendar.add_component(build_event(milestone, with_cluster=spans_clusters))
        return calendar.to_ical()


# RFC 5545 3.1: content lines longer than 75 octets are folded.
FOLD_AT = 75
# A UTF-8 byte that continues a character: no line may be folded before it.
CONTINUATION = range(0x80, 0xC0)


def fold(line):
    """A content line folded as icalendar folds it, as bytes.

    Each piece is the most whole characters that fit in 74 octets, and a piece does not
    end in a backslash or caret (icalendar moves it to the next piece, so that no folding
    splits an escape). icalendar looks at one character at a time; this looks at the bytes.
    """
    encoded = line.encode()
    pieces = []
    start = 0
    while len(encoded) - start >= FOLD_AT:
        end = start + FOLD_AT - 1
        while encoded[end] in CONTINUATION:
            end -= 1
        if encoded[end - 1] in b"\\^" and end - 1 > start:
            end -= 1
        pieces.append(encoded[start:end])
        start = end
    pieces.append(encoded[start:])
    return b"\r\n ".join(pieces)


def join_calendar(*, name, language, events):
    """A feed from VEVENT texts rendered earlier: the same bytes build_calendar would give."""
    head, end = _calendar_frame(name, language)
    return b"".join((head, events, b"END:VCALENDAR", end))


@functools.lru_cache(maxsize=1024)
def _calendar_frame(name, language):
    """The calendar's text before and after its events (one per feed name and language)."""
    with translation.override(language):
        return tuple(_calendar(name).to_ical().rsplit(b"END:VCALENDAR", 1))


def build_event_file(*, milestone, language, lead_name=UNKNOWN):
    """A single milestone as an .ics file to import (page download, e-mail attachment).

    The bytes of a calendar with the one event, written as a feed writes its events (a
    reminder round writes thousands of these).
    """
    with translation.override(language):
        # The file stands alone in someone's calendar, so it names its cluster.
        event = build_event_text(milestone, with_cluster=True, lead_name=lead_name)
    return join_calendar(name=None, language=language, events=event)
