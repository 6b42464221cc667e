"""The running order in calendars: each slot an event of the programme's feed (with SEQUENCE
rising when a slot moves), a cluster's feed with its own slot only, the running order as a
file; and two officers saving at once on PostgreSQL."""

# ruff: noqa: F811 (the fixture `jury`, imported from tests.jury_helpers, is the tests' argument)

import datetime
import threading

import icalendar
import pytest
import vobject
from django.core import mail
from django.db import connection, transaction

from milestones import ical
from milestones.feeds.tokens import issue_feed_token
from milestones.jury import layout, services
from milestones.models import FeedScope, JurySchedule, Milestone
from tests.jury_helpers import (
    JULY_2,
    TITLE,
    before_the_meeting,  # noqa: F401 (a fixture)
    jury,  # noqa: F401 (a fixture)
    jury_url,
    preview_and_save,
    reminder_round,
    sent_to,
)

UTC = datetime.UTC


def events(body):
    """(summary, start, end, sequence) of every event, read by icalendar; vobject's strict
    parse must agree on the starts."""
    calendar = icalendar.Calendar.from_ical(body)
    found = [
        (
            str(event["SUMMARY"]),
            event.decoded("DTSTART"),
            event.decoded("DTEND"),
            int(event["SEQUENCE"]),
        )
        for event in calendar.walk("VEVENT")
    ]
    strict = vobject.readOne(body.decode(), validate=True)
    assert [e.dtstart.value for e in strict.vevent_list] == [row[1] for row in found]
    return found


def jury_events(body):
    return [row for row in events(body) if TITLE in row[0]]


@pytest.fixture
def laid_out(client, officer, jury):
    client.force_login(officer)
    preview_and_save(client, jury)
    return jury


def at(hour, minute):
    return datetime.datetime(2024, 7, 2, hour, minute, tzinfo=UTC)


def test_programme_feed_has_one_event_per_slot_in_utc(client, laid_out, officer):
    _token, raw = issue_feed_token(
        person=officer, scope=FeedScope.PROGRAMME, programme=laid_out.programme
    )

    body = client.get(f"/feeds/{raw}.ics").content

    # 10:30 in Berlin in July is 08:30 UTC (summer time).
    assert jury_events(body) == [
        (f"Other Cluster: {TITLE}", at(8, 30), at(9, 0), 1),
        (f"SaxoCell: {TITLE}", at(9, 0), at(9, 30), 1),
    ]


def test_programme_feed_after_a_swap_has_new_times_and_a_higher_sequence(client, laid_out, officer):
    _token, raw = issue_feed_token(
        person=officer, scope=FeedScope.PROGRAMME, programme=laid_out.programme
    )
    client.get(f"/feeds/{raw}.ics")
    saxocell = Milestone.objects.get(plan_item=laid_out, cluster__slug="saxocell")
    client.post(
        jury_url(laid_out, "move/"), {"milestone": saxocell.pk, "to_number": 1, "version": 1}
    )

    body = client.get(f"/feeds/{raw}.ics").content

    assert jury_events(body) == [
        (f"SaxoCell: {TITLE}", at(8, 30), at(9, 0), 2),
        (f"Other Cluster: {TITLE}", at(9, 0), at(9, 30), 2),
    ]


def test_cluster_feed_has_its_own_slot_only(client, laid_out, coordinator, cluster):
    _token, raw = issue_feed_token(person=coordinator, scope=FeedScope.CLUSTER, cluster=cluster)

    body = client.get(f"/feeds/{raw}.ics").content

    assert jury_events(body) == [(TITLE, at(9, 0), at(9, 30), 1)]


def test_running_order_file_has_the_slots_in_order_with_the_feeds_uids(client, laid_out):
    response = client.get(jury_url(laid_out, "running-order.ics"))

    calendar = icalendar.Calendar.from_ical(response.content)
    pks = list(
        Milestone.objects.filter(plan_item=laid_out)
        .order_by("starts_at")
        .values_list("pk", flat=True)
    )
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert str(calendar["X-WR-CALNAME"]) == f"{TITLE}: running order"
    assert [str(e["UID"]) for e in calendar.walk("VEVENT")] == [
        f"milestone-{pk}@{ical.site_host()}" for pk in pks
    ]
    assert jury_events(response.content) == [
        (f"Other Cluster: {TITLE}", at(8, 30), at(9, 0), 1),
        (f"SaxoCell: {TITLE}", at(9, 0), at(9, 30), 1),
    ]


@pytest.mark.postgres_only
@pytest.mark.usefixtures("before_the_meeting")
def test_two_officers_saving_at_once_one_wins_the_other_is_told(transactional_db, jury, officer):
    saved = list(
        Milestone.objects.filter(plan_item=jury)
        .order_by("cluster__name")
        .values_list("pk", flat=True)
    )
    holding, release = threading.Event(), threading.Event()
    outcome = {}

    def save(name, hold, starts_at):
        plan = layout.Layout(day=JULY_2, starts_at=starts_at, slot_minutes=30)
        try:
            with transaction.atomic():
                if hold:
                    # The first takes the plan item's row and keeps it while the second asks.
                    services._lock(jury, 0)
                    holding.set()
                    release.wait(10)
                services.save_running_order(
                    plan_item=jury,
                    layout=plan,
                    order="name",
                    seed=None,
                    milestone_pks=saved,
                    expected_version=0,
                    by=officer,
                )
            outcome[name] = "saved"
        except services.Stale as stale:
            outcome[name] = f"told: version {stale.schedule.version} by {stale.schedule.changed_by}"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=("first", True, datetime.time(10, 0))),
        threading.Thread(target=save, args=("second", False, datetime.time(14, 0))),
    ]
    threads[0].start()
    holding.wait(10)
    threads[1].start()
    threads[1].join(0.5)
    second_waited = threads[1].is_alive()
    release.set()
    for thread in threads:
        thread.join(10)

    assert second_waited
    assert outcome == {"first": "saved", "second": "told: version 1 by Otto Officer"}
    assert JurySchedule.objects.get().starts_at == datetime.time(10, 0)
    # The winner's slots, each person told once by the next reminder round.
    right_away = list(mail.outbox)
    emails = reminder_round()
    assert right_away == []
    assert [
        (to, [line for line in message.body.splitlines() if line.startswith("Date: ")])
        for (to, _subject), message in zip(sent_to(emails), emails, strict=True)
    ] == [
        (
            "Carla Coordinator <coordinator@saxocell.test>",
            ["Date: 2 July 2024, 10:30–11:00 (Europe/Berlin)"],
        ),
        ("Max Member <member@saxocell.test>", ["Date: 2 July 2024, 10:30–11:00 (Europe/Berlin)"]),
        ("Olga Other <coordinator@other.test>", ["Date: 2 July 2024, 10:00–10:30 (Europe/Berlin)"]),
    ]
