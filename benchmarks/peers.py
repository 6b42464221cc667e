"""What our feed is compared with: two floors and a peer package, for the same events.

- the icalendar floor: the events' plain Python values serialised by the icalendar package;
- the string floor: the same lines produced by plain string formatting;
- django-ical: the same feed as a django-ical ICalFeed view (served at /bench/django-ical/).

And what reminder emails are compared with: a bare smtplib loop that sends the same messages,
built beforehand, over one connection to the same sink.
"""

import datetime
import smtplib

from django.db.models import Prefetch
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django_ical.views import ICalFeed
from icalendar import Calendar, Event

from milestones import dates, ical
from milestones.feeds.render import build_feed
from milestones.feeds.revalidation import feed_milestones, feed_name
from milestones.feeds.tokens import find_feed_token
from milestones.models.milestone import Responsibility, Status

EVENT_PROPERTIES = (
    "uid",
    "dtstamp",
    "last-modified",
    "created",
    "sequence",
    "summary",
    "dtstart",
    "dtend",
    "status",
    "transp",
    "description",
    "location",
    "categories",
    "url",
)


def plain_events(*, token):
    """Each event of the token's feed as plain Python values (str, int, date, datetime)."""
    body, _fingerprint, _rendered = build_feed(token=token, now=datetime.datetime.now(datetime.UTC))
    events = []
    for component in Calendar.from_ical(body).walk("VEVENT"):
        values = {}
        for name in EVENT_PROPERTIES:
            if name not in component:
                continue
            value = component[name]
            if name == "categories":
                values[name] = [str(category) for category in value.cats]
            elif hasattr(value, "dt"):
                values[name] = value.dt
            elif name == "sequence":
                values[name] = int(value)
            else:
                values[name] = str(value)
        events.append(values)
    return events


def icalendar_floor(events):
    calendar = Calendar()
    calendar.add("prodid", ical.PRODUCT_ID)
    calendar.add("version", "2.0")
    for values in events:
        event = Event()
        for name, value in values.items():
            event.add(name, value)
        calendar.add_component(event)
    return calendar.to_ical()


def _text(value):
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _value(value):
    if isinstance(value, datetime.datetime):
        return ":" + value.strftime("%Y%m%dT%H%M%SZ")
    if isinstance(value, datetime.date):
        return ";VALUE=DATE:" + value.strftime("%Y%m%d")
    if isinstance(value, list):
        return ":" + ",".join(_text(item) for item in value)
    if isinstance(value, int):
        return f":{value}"
    return ":" + _text(value)


def _fold(line):
    # Good enough for a floor: these lines are ASCII or nearly so; 75 octets per line.
    if len(line) <= 75:
        return line
    parts = [line[:75]]
    line = line[75:]
    while line:
        parts.append(" " + line[:74])
        line = line[74:]
    return "\r\n".join(parts)


def string_floor(events):
    lines = ["BEGIN:VCALENDAR", f"PRODID:{ical.PRODUCT_ID}", "VERSION:2.0"]
    for values in events:
        lines.append("BEGIN:VEVENT")
        for name, value in values.items():
            lines.append(_fold(name.upper() + _value(value)))
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


class MilestoneICalFeed(ICalFeed):
    """The programme feed as a django-ical feed: the same milestones, the same texts."""

    product_id = ical.PRODUCT_ID
    timezone = "UTC"

    def get_object(self, request, token):
        found = find_feed_token(token)
        if found is None:
            raise Http404
        return found

    def title(self, token):
        return feed_name(token)

    def items(self, token):
        return (
            feed_milestones(token=token, now=datetime.datetime.now(datetime.UTC))
            .select_related("cluster__programme")
            .prefetch_related(
                Prefetch(
                    "responsibilities", queryset=Responsibility.objects.select_related("person")
                )
            )
            .order_by("starts_on", "starts_at", "pk")
        )

    def item_guid(self, milestone):
        return ical.event_uid(milestone)

    def item_title(self, milestone):
        return ical.event_summary(milestone, milestone.when, with_cluster=True)

    def item_description(self, milestone):
        lead = milestone.lead
        return ical.event_description(milestone, milestone.when, lead.name if lead else None)

    def item_link(self, milestone):
        return ical.milestone_url(milestone)

    def item_location(self, milestone):
        return milestone.location or None

    def item_timestamp(self, milestone):
        return milestone.updated_at

    def item_updateddate(self, milestone):
        return milestone.updated_at

    def item_created(self, milestone):
        return milestone.created_at

    def item_start_datetime(self, milestone):
        starts = milestone.when.starts(dates.zone(milestone.cluster.programme.time_zone))
        return starts or milestone.starts_on

    def item_end_datetime(self, milestone):
        when = milestone.when
        ends = when.ends(dates.zone(milestone.cluster.programme.time_zone))
        if ends is not None:
            return ends
        if when.starts_at is None:
            return when.last_day + datetime.timedelta(days=1)
        return None

    def item_status(self, milestone):
        if milestone.status == Status.CANCELLED:
            return "CANCELLED"
        return "TENTATIVE" if milestone.when.form == dates.Form.WINDOW else "CONFIRMED"

    def item_transparency(self, milestone):
        if milestone.when.form == dates.Form.WINDOW or milestone.is_deadline:
            return "TRANSPARENT"
        return "OPAQUE"

    def item_categories(self, milestone):
        return [milestone.get_kind_display()]


def django_ical_view(*, token, raw_token):
    """A callable that fetches the peer's feed through the same client and middleware."""
    client = Client()
    path = reverse("bench_django_ical", kwargs={"token": raw_token})

    def fetch():
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"django-ical: {response.status_code}")
        return response.content

    return fetch


def bare_smtplib(envelopes, *, port):
    """The emails' floor: each (sender, recipients, bytes) sent by smtplib over one connection."""
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for sender, recipients, message in envelopes:
            smtp.sendmail(sender, recipients, message)
