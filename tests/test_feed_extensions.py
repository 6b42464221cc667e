"""An extension in the calendar: the event of an extended milestone moves, says it was extended,
from when and why, in every feed of the cluster's people and officers, and in no other."""

import datetime

import icalendar
import pytest
import time_machine
import vobject
from django.urls import reverse

from milestones.feeds.tokens import issue_feed_token
from milestones.models.feeds import FeedScope
from milestones.submissions.reviews import grant_extension
from tests.test_feeds import feed_path

UTC = datetime.UTC
CREATED = datetime.datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
GRANTED = datetime.datetime(2024, 3, 20, 10, 0, tzinfo=UTC)
REASON = "Lab flooded; the data is being recovered, see the letter of 18 March"


@pytest.fixture
def strategy(make_milestone, member):
    with time_machine.travel(CREATED, tick=False):
        return make_milestone(starts_at=datetime.time(12), lead=member)


def extend(milestone, *, to, at=datetime.time(12), by, reason=REASON, moment=GRANTED):
    with time_machine.travel(moment, tick=False):
        return grant_extension(milestone=milestone, due_on=to, due_at=at, reason=reason, by=by)


def fetch(client, raw_token, moment=GRANTED):
    with time_machine.travel(moment, tick=False):
        response = client.get(feed_path(raw_token))
    assert response.status_code == 200
    return response.content


def read_event(body):
    """What two calendar clients read of the feed's one event: icalendar's and a strict
    vobject's DESCRIPTION, DTSTART, SEQUENCE and LAST-MODIFIED, which must agree."""
    by_icalendar = icalendar.Calendar.from_ical(body).walk("VEVENT")
    by_vobject = vobject.readOne(body.decode(), validate=True).vevent_list
    assert (len(by_icalendar), len(by_vobject)) == (1, 1)
    first, second = by_icalendar[0], by_vobject[0]
    read = (
        str(first["DESCRIPTION"]).split("\n"),
        first.decoded("DTSTART"),
        int(first["SEQUENCE"]),
        first.decoded("LAST-MODIFIED"),
    )
    assert read == (
        second.description.value.split("\n"),
        second.dtstart.value,
        int(second.sequence.value),
        second.last_modified.value,
    )
    return read


def test_extended_event_moves_and_says_from_when_and_why(client, strategy, member, officer):
    _token, raw_token = issue_feed_token(person=member, scope=FeedScope.MINE)
    before = read_event(fetch(client, raw_token, moment=CREATED))

    extend(strategy, to=datetime.date(2024, 4, 16), by=officer)
    after = read_event(fetch(client, raw_token))

    link = f"http://127.0.0.1:8000/milestones/{strategy.pk}/"
    assert before == (
        ["When: 2 April 2024, due 12:00", "Status: Planned", "Lead: Max Member", link],
        datetime.datetime(2024, 4, 2, 10, 0, tzinfo=UTC),
        0,
        CREATED,
    )
    assert after == (
        [
            "When: 16 April 2024, due 12:00",
            f"Extended to 16 April 2024, 12:00 (was 2 April, 12:00): {REASON}",
            "Status: Planned",
            "Lead: Max Member",
            link,
        ],
        datetime.datetime(2024, 4, 16, 10, 0, tzinfo=UTC),
        1,
        GRANTED,
    )


def test_extended_event_reads_in_the_feeds_language(client, strategy, member, officer):
    member.language = "de"
    member.save(update_fields=["language"])
    _token, raw_token = issue_feed_token(person=member, scope=FeedScope.MINE)

    extend(strategy, to=datetime.date(2024, 5, 14), at=None, by=officer)
    description, *_rest = read_event(fetch(client, raw_token))

    assert description[:3] == [
        "Wann: 14. Mai 2024",
        f"Verlängert bis 14. Mai 2024 (vorher 2. April, 12:00): {REASON}",
        "Status: Geplant",
    ]


def test_each_extension_is_told_oldest_first_with_the_year_where_it_changes(
    client, make_milestone, member, officer
):
    with time_machine.travel(CREATED, tick=False):
        milestone = make_milestone(starts_on=datetime.date(2024, 12, 20), lead=member)
    _token, raw_token = issue_feed_token(person=member, scope=FeedScope.MINE)

    extend(milestone, to=datetime.date(2025, 1, 10), at=None, by=officer, reason="Holidays")
    extend(
        milestone,
        to=datetime.date(2025, 1, 24),
        at=datetime.time(12),
        by=officer,
        reason="Partner's signature missing",
        moment=GRANTED + datetime.timedelta(days=1),
    )
    description, _starts, sequence, modified = read_event(
        fetch(client, raw_token, moment=GRANTED + datetime.timedelta(days=1))
    )

    assert description[:3] == [
        "When: 24 January 2025, due 12:00",
        "Extended to 10 January 2025 (was 20 December 2024): Holidays",
        "Extended to 24 January 2025, 12:00 (was 10 January): Partner's signature missing",
    ]
    assert (sequence, modified) == (2, GRANTED + datetime.timedelta(days=1))


@pytest.mark.parametrize("scope", [FeedScope.CLUSTER, FeedScope.PROGRAMME])
def test_the_clusters_and_the_programmes_feed_tell_the_reason_too(
    client, strategy, coordinator, officer, programme, cluster, scope
):
    person, target = (
        (coordinator, {"cluster": cluster})
        if scope == FeedScope.CLUSTER
        else (officer, {"programme": programme})
    )
    _token, raw_token = issue_feed_token(person=person, scope=scope, **target)

    extend(strategy, to=datetime.date(2024, 4, 16), by=officer)
    description, *_rest = read_event(fetch(client, raw_token))

    assert description[1] == f"Extended to 16 April 2024, 12:00 (was 2 April, 12:00): {REASON}"


def test_the_milestones_calendar_file_tells_the_extension(client, strategy, member, officer):
    extend(strategy, to=datetime.date(2024, 4, 16), by=officer)
    client.force_login(member)

    response = client.get(reverse("milestones:milestone_event", args=[strategy.pk]))

    description, _starts, sequence, _modified = read_event(response.content)
    assert (description[1], sequence) == (
        f"Extended to 16 April 2024, 12:00 (was 2 April, 12:00): {REASON}",
        1,
    )


def test_another_clusters_people_never_read_the_reason(
    client, strategy, officer, other_coordinator, other_cluster, make_milestone
):
    make_milestone(cluster=other_cluster, title="Their strategy", lead=other_coordinator)
    scopes = [{"scope": FeedScope.MINE}, {"scope": FeedScope.CLUSTER, "cluster": other_cluster}]
    feeds = [issue_feed_token(person=other_coordinator, **scope)[1] for scope in scopes]

    extend(strategy, to=datetime.date(2024, 4, 16), by=officer)
    read = [read_event(fetch(client, raw_token)) for raw_token in feeds]

    assert [description[:2] for description, *_rest in read] == [
        ["When: 2 April 2024", "Status: Planned"],
        ["When: 2 April 2024", "Status: Planned"],
    ]
