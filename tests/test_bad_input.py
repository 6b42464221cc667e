"""Arbitrary input to every form, the feeds and the emails: never a 500, a broken .ics or a
broken email header; a refused input always says why.

Text is drawn with control characters, CR/LF, right-to-left marks, emoji and very long runs;
dates at the limits (year 1 and 9999, 29 February, impossible days). The test client raises
any exception a view lets through, so a 500 fails the test with its traceback.
"""

import datetime
import email
import email.policy
import re

import icalendar
import pytest
import vobject
from bs4 import BeautifulSoup
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import event, given
from hypothesis import strategies as st

from milestones import ical
from milestones.feeds.tokens import issue_feed_token
from milestones.models import (
    FeedScope,
    Kind,
    Milestone,
    Person,
    PlanItem,
    Reminder,
    ReminderKind,
    Responsibility,
    ResponsibilityRole,
)
from milestones.people import invite_person
from milestones.reminders.messages import build_message

PIECES = [
    "\r\n",
    "\n",
    "\r",
    "\x00",
    "\x07",
    "\x1b[31m",
    "\t",
    "\x7f",
    "\x85",  # next line (C1)
    "\x9b",
    "\u200f",  # right-to-left mark
    "\u202e",  # right-to-left override
    "\u2066",
    "\u2028",  # line separator
    "\ufeff",
    "😀",
    "👩‍🔬",
    "ß",
    ";",
    ",",
    ":",
    "\\",
    "\\n",
    "<b>",
    "&amp;",
    "'",
    '"',
    "%(x)s",
    "{{ x }}",
    "=?utf-8?q?x?=",
    " ",
]
nasty_text = st.lists(st.one_of(st.text(max_size=8), st.sampled_from(PIECES)), max_size=10).map(
    "".join
)
long_text = st.builds(
    lambda piece, times: piece * times,
    st.sampled_from(["x", "😀", "\r\n", "\u202e", "a,b;"]),
    st.integers(min_value=250, max_value=5_000),
)
any_text = st.one_of(nasty_text, nasty_text, long_text)
# Mostly days a programme could have, so that many examples get saved and go on to the feeds.
likely_day = st.dates(datetime.date(2000, 1, 1), datetime.date(2099, 12, 31))
day_text = st.one_of(
    likely_day.map(datetime.date.isoformat),
    likely_day.map(datetime.date.isoformat),
    st.dates().map(datetime.date.isoformat),
    st.sampled_from(
        ["0001-01-01", "9999-12-31", "2024-02-29", "2023-02-29", "10000-01-01", "2024-13-01", ""]
    ),
    nasty_text,
)
time_text = st.one_of(
    st.times().map(lambda moment: moment.strftime("%H:%M")),
    st.sampled_from(["00:00", "23:59", "24:00", "12:60", ""]),
    nasty_text,
)
month_text = st.one_of(
    likely_day.map(lambda day: day.strftime("%Y-%m")),
    st.sampled_from(["0001-01", "9999-12", "2024-02", "2024-13", "2024-00", ""]),
    nasty_text,
)
arbitrary_date_fields = st.fixed_dictionaries(
    {
        "date_form": st.sampled_from(["day", "day-with-time", "span", "window", "month", "x"]),
        "starts_on": day_text,
        "ends_on": day_text,
        "starts_at": time_text,
        "ends_at": time_text,
        "month": month_text,
    }
)
# Sound dates of every form, so that many examples are saved and reach the feeds and emails.
sound_date_fields = st.one_of(
    st.builds(lambda day: {"date_form": "day", "starts_on": day.isoformat()}, likely_day),
    st.builds(
        lambda day, moment: {
            "date_form": "day-with-time",
            "starts_on": day.isoformat(),
            "starts_at": moment.strftime("%H:%M"),
        },
        likely_day,
        st.times(),
    ),
    st.builds(
        lambda day, days: {
            "date_form": "window",
            "starts_on": day.isoformat(),
            "ends_on": (day + datetime.timedelta(days=days)).isoformat(),
        },
        st.dates(datetime.date(2000, 1, 1), datetime.date(2099, 11, 30)),
        st.integers(1, 30),
    ),
    st.builds(lambda day: {"date_form": "month", "month": day.strftime("%Y-%m")}, likely_day),
)
date_fields = st.one_of(sound_date_fields, arbitrary_date_fields)
# Text a form takes (no NUL, not blank, at most 300 characters) but that is still hostile.
storable_text = nasty_text.map(lambda text: text.replace("\x00", "")[:300]).filter(
    lambda text: text.strip()
)
title_text = st.one_of(storable_text, storable_text, any_text)
free_text = st.one_of(st.just(""), storable_text, any_text)
# What the database can hold at all: PostgreSQL refuses NUL in text, and every form refuses it.
stored_text = any_text.map(lambda text: text.replace("\x00", ""))
kind = st.one_of(st.sampled_from(Kind.values), st.sampled_from(Kind.values), nasty_text)


def errors_shown(response):
    """What the page says is wrong: the form's messages, field by field and overall."""
    soup = BeautifulSoup(response.content, "html.parser")
    return [
        element.get_text(" ", strip=True)
        for element in soup.select(".field-error, .form-errors p, .errorlist li")
    ]


def assert_refused_or_saved(response, *, saved_status=302):
    # --hypothesis-show-statistics tells how many examples got through.
    event(f"status {response.status_code}")
    assert response.status_code in (200, saved_status), response.status_code
    if response.status_code == 200:
        assert errors_shown(response) != []


def assert_calendar_sound(body):
    """Parses back with icalendar and vobject, and every content line stays one line."""
    if isinstance(body, str):
        body = body.encode()
    calendar = icalendar.Calendar.from_ical(body)
    assert calendar.name == "VCALENDAR"
    parsed = vobject.readOne(body.decode())
    parsed.validate()
    for line in body.split(b"\r\n"):
        assert b"\r" not in line and b"\n" not in line
        assert len(line) <= 75
        # No control characters but tab (C0, DEL and C1, such as U+0085 "next line").
        assert not re.search("[\x00-\x08\x0a-\x1f\x7f-\x9f]", line.decode())


def assert_email_sound(message):
    """Builds, and every header parses back as the single line it was meant to be."""
    raw = message.message().as_bytes()
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    for name in ("Subject", "To", "From"):
        value = str(parsed[name])
        assert "\r" not in value and "\n" not in value, (name, value)
    return parsed


@pytest.fixture
def logged_in(client, coordinator):
    client.force_login(coordinator)
    return client


# --- Milestones ---------------------------------------------------------------------------


@given(
    fields=st.fixed_dictionaries(
        {"kind": kind, "title": title_text, "description": free_text, "location": title_text}
    ),
    dates=date_fields,
)
def test_milestone_new_with_arbitrary_input_is_saved_or_refused(
    logged_in, coordinator, member, fields, dates
):
    response = logged_in.post(
        reverse("milestones:milestone_new", kwargs={"slug": "saxocell"}),
        {**fields, **dates, "lead": member.pk},
    )

    assert_refused_or_saved(response)
    if response.status_code == 302:
        milestone = Milestone.objects.latest("pk")
        assert logged_in.get(response["Location"]).status_code == 200
        assert logged_in.get("/clusters/saxocell/").status_code == 200
        event = logged_in.get(reverse("milestones:milestone_event", args=[milestone.pk]))
        assert_calendar_sound(event.content)
        token, raw_token = issue_feed_token(person=member, scope=FeedScope.MINE)
        assert_calendar_sound(Client().get(reverse("milestones:feed", args=[raw_token])).content)
        token.delete()
        due = Reminder.objects.create(
            milestone=milestone,
            person=member,
            kind=ReminderKind.BEFORE,
            lead_days=7,
            date_version=milestone.date_version,
            due_at=timezone.now(),
            next_attempt_at=timezone.now(),
        )
        message = build_message(person=member, reminders=[due], now=timezone.now())
        parsed = assert_email_sound(message)
        assert [part.get_filename() for part in parsed.iter_attachments()] == [
            f"milestone-{milestone.pk}.ics"
        ]
        # The attachment as built: the email's parser turns its CRLFs into plain newlines.
        assert_calendar_sound(message.attachments[0][1])
        due.delete()


@given(dates=date_fields, reason=free_text)
def test_milestone_edit_with_arbitrary_dates_is_saved_or_refused(
    logged_in, make_milestone, member, dates, reason
):
    milestone = make_milestone(lead=member)

    response = logged_in.post(
        reverse("milestones:milestone_edit", args=[milestone.pk]),
        {"kind": Kind.OTHER, "title": "Board", "lead": member.pk, "reason": reason, **dates},
    )

    assert_refused_or_saved(response)
    assert logged_in.get(reverse("milestones:milestone", args=[milestone.pk])).status_code == 200
    assert_calendar_sound(
        logged_in.get(reverse("milestones:milestone_event", args=[milestone.pk])).content
    )


@given(
    status=st.one_of(st.sampled_from(["planned", "done", "cancelled"]), nasty_text), note=any_text
)
def test_status_with_arbitrary_input_is_saved_or_refused(
    logged_in, make_milestone, member, status, note
):
    milestone = make_milestone(lead=member)

    response = logged_in.post(
        reverse("milestones:status", args=[milestone.pk]), {"status": status, "note": note}
    )

    assert_refused_or_saved(response)


# --- People ---------------------------------------------------------------------------------


@given(
    address=st.one_of(st.emails(), st.emails(), nasty_text),
    name=title_text,
    role=st.one_of(st.sampled_from(["member", "coordinator"]), nasty_text),
)
def test_invitation_with_arbitrary_input_is_sent_or_refused(logged_in, address, name, role):
    mail.outbox.clear()

    response = logged_in.post(
        reverse("milestones:invitation_new", kwargs={"slug": "saxocell"}),
        {"email": address, "name": name, "role": role},
    )

    assert_refused_or_saved(response)
    if response.status_code == 302:
        assert [len(mail.outbox)] == [1]
        assert_email_sound(mail.outbox[0])


@given(name=title_text, organisation=title_text, language=st.one_of(st.just("de"), nasty_text))
def test_account_with_arbitrary_input_is_saved_or_refused(
    logged_in, coordinator, name, organisation, language
):
    response = logged_in.post(
        reverse("milestones:account"),
        {"name": name, "organisation": organisation, "language": language},
    )

    assert_refused_or_saved(response)
    coordinator.refresh_from_db()
    Person.objects.filter(pk=coordinator.pk).update(language="en")


@given(mode=st.one_of(st.sampled_from(["individual", "digest", "off"]), nasty_text))
def test_reminder_preferences_with_arbitrary_input_are_saved_or_refused(logged_in, mode):
    response = logged_in.post(reverse("milestones:reminder_preferences"), {"reminder_mode": mode})

    assert_refused_or_saved(response)


@given(
    feed=st.one_of(st.sampled_from(["mine", "cluster:saxocell", "cluster:other"]), nasty_text),
    name=any_text,
)
def test_feed_token_with_arbitrary_input_is_issued_or_refused(
    logged_in, other_cluster, make_milestone, coordinator, feed, name
):
    make_milestone(lead=coordinator, title=name.replace("\x00", "")[:300] or "x")

    response = logged_in.post(reverse("milestones:subscriptions"), {"feed": feed, "name": name})

    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    new_url = soup.select_one("#new-feed-url")
    if new_url is None:
        assert errors_shown(response) != []
    else:
        path = new_url["value"].split("://", 1)[1].split("/", 1)[1]
        assert_calendar_sound(Client().get("/" + path).content)


@given(username=any_text, password=any_text)
def test_login_with_arbitrary_input_is_refused_with_a_message(client, member, username, password):
    response = client.post(reverse("login"), {"username": username, "password": password})

    # 429: the same (odd) name failed five times from this address.
    assert response.status_code in (200, 429)
    if response.status_code == 200:
        assert errors_shown(response) != []


# --- The programme's plan -------------------------------------------------------------------


@given(
    fields=st.fixed_dictionaries(
        {
            "kind": kind,
            "title": title_text,
            "description": free_text,
            "location": title_text,
            "round": st.one_of(st.sampled_from(["", "1"]), st.integers().map(str), nasty_text),
            "reason": free_text,
        }
    ),
    dates=date_fields,
)
def test_plan_item_with_arbitrary_input_is_saved_or_refused(
    client, officer, cluster, fields, dates
):
    client.force_login(officer)

    response = client.post(
        reverse("milestones:plan_item_new", kwargs={"slug": "c4f"}), {**fields, **dates}
    )

    assert_refused_or_saved(response)
    if response.status_code == 302:
        assert client.get("/programmes/c4f/").status_code == 200
        assert client.get("/programmes/c4f/matrix.csv").status_code == 200
        plan_item = PlanItem.objects.latest("pk")
        milestone = Milestone.objects.filter(plan_item=plan_item, cluster=cluster).first()
        assert (milestone is not None) == plan_item.applies_to(cluster)
        if milestone is not None:
            assert_calendar_sound(
                client.get(reverse("milestones:milestone_event", args=[milestone.pk])).content
            )


@given(
    name=any_text,
    page=st.one_of(st.integers().map(str), st.sampled_from(["", "last", "2.5", "1e3"]), nasty_text),
)
def test_programme_page_with_arbitrary_filter_and_page_shows_a_page(
    client, officer, cluster, other_cluster, name, page
):
    client.force_login(officer)

    response = client.get(
        reverse("milestones:programme", kwargs={"slug": "c4f"}), {"q": name, "page": page}
    )

    # A filter that cannot be used lists every cluster; a page that cannot be had, the nearest.
    rows = BeautifulSoup(response.content, "html.parser").select(".matrix tbody tr")
    assert response.status_code == 200
    assert len(rows) <= 2


@given(
    lead_days=st.fixed_dictionaries(
        {
            kind_value: st.one_of(
                st.lists(st.integers(-5, 400).map(str), max_size=6).map(", ".join), any_text
            )
            for kind_value in Kind.values
        }
    )
)
def test_reminder_schedule_with_arbitrary_input_is_saved_or_refused(client, officer, lead_days):
    client.force_login(officer)

    response = client.post(
        reverse("milestones:reminder_schedule", kwargs={"slug": "c4f"}), lead_days
    )

    assert_refused_or_saved(response)


# --- Feeds and emails built from arbitrary stored text (as the admin could store it) ------


@given(
    title=stored_text,
    description=stored_text,
    location=stored_text,
    cluster_name=stored_text,
    person_name=stored_text,
    day=st.sampled_from(
        [
            datetime.date(2024, 2, 29),
            datetime.date(2000, 1, 1),
            datetime.date(2099, 12, 31),
        ]
    ),
)
def test_feed_and_reminder_email_of_arbitrary_text_stay_sound(
    cluster, member, title, description, location, cluster_name, person_name, day
):
    # Cut to the columns' lengths, as the admin's forms would.
    title, location, cluster_name, person_name = (
        title[:300],
        location[:300],
        cluster_name[:200],
        person_name[:200],
    )
    cluster.name = cluster_name
    cluster.save()
    Person.objects.filter(pk=member.pk).update(name=person_name)
    member.refresh_from_db()
    milestone = Milestone.objects.create(
        cluster=cluster,
        kind=Kind.STRATEGY_SUBMISSION,
        title=title,
        description=description,
        location=location,
        starts_on=day,
    )
    Responsibility.objects.create(milestone=milestone, person=member, role=ResponsibilityRole.LEAD)
    _token, raw_token = issue_feed_token(person=member, scope=FeedScope.CLUSTER, cluster=cluster)
    due = Reminder.objects.create(
        milestone=milestone,
        person=member,
        kind=ReminderKind.BEFORE,
        lead_days=7,
        date_version=milestone.date_version,
        due_at=timezone.now(),
        next_attempt_at=timezone.now(),
    )

    mail.outbox.clear()
    Person.objects.filter(email="new@saxocell.test").delete()

    feed = Client().get(reverse("milestones:feed", args=[raw_token]))
    message = build_message(person=member, reminders=[due], now=timezone.now())
    invite_person(
        cluster=cluster,
        email="new@saxocell.test",
        name=person_name[:200],
        role="member",
        by=member,
    )

    assert_calendar_sound(feed.content)
    assert_calendar_sound(ical.build_event_file(milestone=milestone, language="de"))
    assert_email_sound(message)
    assert_email_sound(mail.outbox[0])
