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
from icalendar import Calendar, Event, vDDDTypes, vDuration

from milestones import dates
from milestones.models import Kind, Status

PRODUCT_ID = "-//C4F Tracker//Milestones//EN"
REFRESH_INTERVAL = datetime.timedelta(hours=1)
# A cancelled milestone stays this long, so subscribed calendars learn it was cancelled.
CANCELLED_KEPT_FOR = datetime.timedelta(days=30)

# Control characters have no place in a calendar text; tab and line break are kept.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
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


def _add_dates(event, milestone, when):
    tz = dates.zone(milestone.cluster.programme.time_zone)
    starts = when.starts(tz)
    if starts is None:
        # DTEND is exclusive for all-day events, so the day after the last day.
        event.add("dtstart", when.starts_on)
        event.add("dtend", when.last_day + datetime.timedelta(days=1))
        return
    event.add("dtstart", _utc(starts))
    ends = when.ends(tz)
    if ends is None and when.form == dates.Form.SPAN:
        # A span with only a start time runs to the end of its last day.
        ends = datetime.datetime.combine(
            when.last_day + datetime.timedelta(days=1), datetime.time(0), tzinfo=tz
        )
    # Without a known end (a cut-off, a meeting's start) no DTEND: the event is a moment,
    # and inventing an end would invent precision (RFC 5545 3.6.1).
    if ends is not None:
        event.add("dtend", _utc(ends))


def build_event(milestone, *, with_cluster, lead_name=UNKNOWN):
    """One milestone as a VEVENT.

    Expects ``cluster__programme`` selected, and ``responsibilities__person`` prefetched unless
    the lead's name (None: no lead) is given.
    """
    if lead_name is UNKNOWN:
        lead = milestone.lead
        lead_name = lead.name if lead else None
    # Worked out once: every part of the event reads it.
    when = milestone.when
    event = Event()
    event.add("uid", event_uid(milestone))
    # The last change, not "now": the same data must give the same bytes (ETag).
    # (One value written twice, encoded once: half the time of adding a plain datetime.)
    last_change = vDDDTypes(_utc(milestone.updated_at))
    event.add("dtstamp", last_change)
    event.add("last-modified", last_change)
    event.add("created", vDDDTypes(_utc(milestone.created_at)))
    event.add("sequence", milestone.sequence)
    event.add("summary", _summary(milestone, when, with_cluster=with_cluster))
    _add_dates(event, milestone, when)
    if milestone.status == Status.CANCELLED:
        event.add("status", "CANCELLED")
    elif when.form == dates.Form.WINDOW:
        event.add("status", "TENTATIVE")
    else:
        event.add("status", "CONFIRMED")
    # Windows and deadlines do not block anyone's time.
    if when.form == dates.Form.WINDOW or when.is_deadline:
        event.add("transp", "TRANSPARENT")
    else:
        event.add("transp", "OPAQUE")
    event.add("description", _description(milestone, when, lead_name))
    if milestone.location:
        event.add("location", clean_text(milestone.location))
    event.add("categories", [clean_text(words()[Kind].get(milestone.kind, milestone.kind))])
    event.add("url", milestone_url(milestone))
    return event


def _calendar(name=None):
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if name is not None:
        name = clean_text(name).replace("\n", " ")
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


def component_text(component):
    """``component.to_ical()``: the same bytes, with icalendar folding only the long lines.

    icalendar folds each line character by character, even one that fits, which was a
    quarter of a cold feed's time; most of an event's lines fit in 75 octets and stay as
    they are.
    """
    lines = []
    for line in component.content_lines():
        if line:
            encoded = line.encode()
            lines.append(encoded if len(encoded) < FOLD_AT else line.to_ical())
    return b"\r\n".join(lines) + b"\r\n"


def build_event_text(milestone, *, with_cluster, lead_name):
    """One VEVENT as the exact text build_calendar writes for it (folded, CRLF line ends).

    In the active language: the caller chooses it once for all the events of a feed.
    """
    return component_text(build_event(milestone, with_cluster=with_cluster, lead_name=lead_name))


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
