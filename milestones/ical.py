"""Milestones as iCalendar (RFC 5545): subscription feeds and single-event files.

Every rule in shared/ical.md is applied here: stable UIDs, SEQUENCE from the milestone,
DTSTAMP and LAST-MODIFIED from its last change (so the same data gives the same bytes and
ETags stay stable), all-day events with an exclusive DTEND, timed events written in UTC
(no VTIMEZONE for Outlook to get wrong), windows as tentative and transparent, no METHOD,
no VALARM, no e-mail addresses. The icalendar package writes every line.
"""

import datetime
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vDuration, vText
from icalendar.parser import Contentlines

from milestones import dates
from milestones.models.milestone import Kind, Status

PRODUCT_ID = "-//C4F Tracker//Milestones//EN"
REFRESH_INTERVAL = datetime.timedelta(hours=1)
# A cancelled milestone stays this long, so subscribed calendars learn it was cancelled.
CANCELLED_KEPT_FOR = datetime.timedelta(days=30)

# Control characters (C0, DEL and C1) have no place in a calendar text; tab and line break
# are kept.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# build_event's lead_name when the caller leaves it to the prefetched people responsible.
UNKNOWN = object()


def clean_text(text):
    """Text without control characters; every line break written as a plain newline."""
    text = str(text).replace("\r\n", "\n").replace("\r", "\n")
    return CONTROL_CHARACTERS.sub("", text)


def site_host():
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def event_uid(milestone):
    # Stable forever: a changed UID makes calendars show the event twice.
    return f"milestone-{milestone.pk}@{site_host()}"


def milestone_url(milestone):
    return f"{settings.SITE_URL}/milestones/{milestone.pk}/"


def _label(choices, value):
    """The label of a kind or status in the active language (the value when it has none)."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _utc(moment):
    return moment.astimezone(datetime.UTC)


def event_summary(milestone, when, *, with_cluster):
    """The event's title: the milestone's, with what a calendar would not show otherwise."""
    notes = []
    if when.form == dates.Form.WINDOW:
        notes.append(_("day not fixed"))
    elif when.is_deadline and when.starts_at is not None:
        # The cut-off in the programme's local time, as the programme announced it.
        notes.append(_("due %(time)s") % {"time": dates.format_time(when.starts_at)})
    if milestone.status == Status.SUBMITTED:
        notes.append(_("submitted"))
    elif milestone.status == Status.DONE:
        notes.append(_("done"))
    elif milestone.status == Status.CANCELLED:
        notes.append(_("cancelled"))
    summary = milestone.title
    if notes:
        summary = f"{summary} ({', '.join(notes)})"
    if with_cluster:
        summary = f"{milestone.cluster.name}: {summary}"
    return clean_text(summary)


def extension_line(extension):
    """An extension as the event says it: "Extended to 14 May 2024 (was 2 April): reason"."""
    return _("Extended to %(when)s (was %(before)s): %(reason)s") % {
        "when": dates.format_day_and_time(extension.due_on, extension.due_at),
        "before": dates.format_earlier_day_and_time(
            extension.previous_due_on, extension.previous_due_at, later=extension.due_on
        ),
        "reason": extension.reason,
    }


def event_description(milestone, when, lead_name, extensions=()):
    """The event's text: its date in words, each extension granted with its reason (every
    calendar of a milestone is its cluster's people's or its officers'), status, lead, link."""
    lines = [
        _("When: %(when)s") % {"when": dates.describe(when)},
        *(extension_line(extension) for extension in extensions),
        _("Status: %(status)s") % {"status": _label(Status, milestone.status)},
        _("Lead: %(name)s") % {"name": lead_name if lead_name is not None else _("nobody yet")},
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


def _status(milestone, when):
    if milestone.status == Status.CANCELLED:
        return "CANCELLED"
    return "TENTATIVE" if when.form == dates.Form.WINDOW else "CONFIRMED"


def build_event(milestone, *, with_cluster, lead_name=UNKNOWN, extensions=UNKNOWN):
    """One milestone as an icalendar VEVENT, in the active language.

    Expects ``cluster__programme`` selected, ``responsibilities__person`` prefetched unless
    the lead's name (None: no lead) is given, and ``extensions`` prefetched unless given
    (oldest first).
    """
    if lead_name is UNKNOWN:
        lead = milestone.lead
        lead_name = lead.name if lead else None
    if extensions is UNKNOWN:
        extensions = milestone.extensions.all()
    when = milestone.when
    starts, ends = _dates(milestone, when)
    # The last change, not "now": the same data must give the same bytes (ETag). Event(),
    # not Event.new(), which would add a random UID and a DTSTAMP of now.
    last_change = _utc(milestone.updated_at)
    event = Event()
    event.add("uid", event_uid(milestone))
    event.add("dtstamp", last_change)
    event.add("last-modified", last_change)
    event.add("created", _utc(milestone.created_at))
    event.add("sequence", milestone.sequence)
    event.add("summary", event_summary(milestone, when, with_cluster=with_cluster))
    event.add("dtstart", starts)
    if ends is not None:
        event.add("dtend", ends)
    event.add("status", _status(milestone, when))
    # Windows and deadlines do not block anyone's time.
    is_free = when.form == dates.Form.WINDOW or when.is_deadline
    event.add("transp", "TRANSPARENT" if is_free else "OPAQUE")
    event.add("description", event_description(milestone, when, lead_name, extensions))
    if milestone.location:
        event.add("location", clean_text(milestone.location))
    event.add("categories", [clean_text(_label(Kind, milestone.kind))])
    event.add("url", milestone_url(milestone))
    return event


def new_calendar(name=None):
    """A calendar without events; a subscription feed has a name and a refresh interval."""
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
        calendar = new_calendar(name)
        for milestone in milestones:
            calendar.add_component(build_event(milestone, with_cluster=spans_clusters))
        return calendar.to_ical()


def join_calendar(calendar, event_texts):
    """The calendar's bytes around VEVENT texts that ``Event.to_ical()`` wrote earlier.

    A component is written as its BEGIN line, its properties, its components and its END
    line (RFC 5545 3.4), so the events go before the calendar's END line. icalendar writes
    every line; feeds keep each event's text and render only the events that changed.
    """
    *head, end, _nothing = calendar.content_lines()
    return b"".join((Contentlines(head).to_ical(), *event_texts, Contentlines([end]).to_ical()))


def build_event_file(*, milestone, language, lead_name=UNKNOWN, extensions=UNKNOWN):
    """A single milestone as an .ics file to import (page download, e-mail attachment)."""
    with translation.override(language):
        calendar = new_calendar()
        # The file stands alone in someone's calendar, so it names its cluster.
        event = build_event(
            milestone, with_cluster=True, lead_name=lead_name, extensions=extensions
        )
        calendar.add_component(event)
        return calendar.to_ical()
