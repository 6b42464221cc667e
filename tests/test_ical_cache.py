"""Feeds reuse each event's rendered text: same bytes as rendering afresh, stale text never."""

import datetime

import pytest
import time_machine
import vobject
from django.db.models import Prefetch
from django.urls import reverse

from milestones import ical, services
from milestones.feeds import render
from milestones.feeds.revalidation import feed_milestones, feed_name
from milestones.feeds.tokens import find_feed_token, issue_feed_token
from milestones.models.feeds import FeedScope, FeedToken, RenderedEvent
from milestones.models.milestone import Kind, Milestone, Responsibility, Status

UTC = datetime.UTC
NOW = datetime.datetime(2024, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def events(frozen, make_milestone, member, coordinator, other_cluster, other_coordinator):
    """Five milestones of every date form over two clusters; member leads two of them."""
    return {
        "strategy": make_milestone(
            title="Strategy; with, commas",
            starts_at=datetime.time(12, 0),
            lead=member,
            location="Leipzig",
        ),
        "visit": make_milestone(
            kind=Kind.ON_SITE_VISIT,
            title="On-site visit " + "with a title long enough to be folded " * 3,
            starts_on=datetime.date(2024, 5, 1),
            ends_on=datetime.date(2024, 6, 30),
            is_tentative=True,
            lead=coordinator,
        ),
        "jury": make_milestone(
            kind=Kind.JURY_MEETING,
            title="Jury meeting",
            starts_on=datetime.date(2024, 7, 2),
            starts_at=datetime.time(10, 0),
            ends_at=datetime.time(11, 30),
            lead=member,
        ),
        "phase": make_milestone(
            kind=Kind.IMPLEMENTATION_PHASE,
            title="Ümsetzungsphase",
            starts_on=datetime.date(2024, 10, 1),
            ends_on=datetime.date(2025, 1, 31),
        ),
        "other": make_milestone(
            cluster=other_cluster, title="Other strategy", lead=other_coordinator
        ),
    }


@pytest.fixture
def programme_feed(officer, programme):
    return issue_feed_token(person=officer, scope=FeedScope.PROGRAMME, programme=programme)


def fetch(client, raw_token, **headers):
    return client.get(reverse("milestones:feed", kwargs={"token": raw_token}), headers=headers)


def uncached(raw_token):
    """The feed as build_calendar renders it from scratch, the way it was before the cache."""
    token = find_feed_token(raw_token)
    milestones = (
        feed_milestones(token=token, now=NOW)
        .select_related("cluster__programme")
        .prefetch_related(
            Prefetch("responsibilities", queryset=Responsibility.objects.select_related("person"))
        )
        .order_by("starts_on", "starts_at", "pk")
    )
    spans = len({milestone.cluster_id for milestone in milestones}) > 1
    return ical.build_calendar(
        milestones=milestones,
        name=feed_name(token),
        language=token.person.language,
        spans_clusters=spans if token.scope == FeedScope.MINE else token.scope == "programme",
    )


def versions(language="en", with_cluster=True):
    return dict(
        RenderedEvent.objects.filter(language=language, with_cluster=with_cluster).values_list(
            "milestone_id", "version"
        )
    )


def changed(before, after):
    return {pk for pk in after if before.get(pk) != after[pk]}


def test_feed_cold_and_warm_are_the_bytes_build_calendar_gives(client, events, programme_feed):
    _token, raw_token = programme_feed

    cold = fetch(client, raw_token).content
    warm = fetch(client, raw_token).content

    assert cold == uncached(raw_token)
    assert warm == cold
    assert len(versions()) == 5


def test_feed_from_cache_is_valid_folded_crlf(client, events, programme_feed):
    _token, raw_token = programme_feed
    fetch(client, raw_token)

    body = fetch(client, raw_token).content

    lines = body.split(b"\r\n")
    assert body.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in body.replace(b"\r\n", b"")
    assert max(len(line) for line in lines) <= 75
    calendar = vobject.readOne(body.decode(), validate=True)
    assert len(calendar.vevent_list) == 5


@pytest.mark.parametrize("scope", ["mine", "cluster"])
def test_feed_mine_and_cluster_are_the_bytes_build_calendar_gives(
    client, events, member, cluster, scope
):
    _token, raw_token = issue_feed_token(
        person=member, scope=scope, cluster=cluster if scope == "cluster" else None
    )
    fetch(client, raw_token)

    body = fetch(client, raw_token).content

    assert body == uncached(raw_token)


def test_feed_changed_milestone_renders_only_that_event(client, frozen, events, programme_feed):
    _token, raw_token = programme_feed
    fetch(client, raw_token)
    before = versions()
    frozen.shift(60)
    visit = events["visit"]
    visit.title = "On-site visit, shorter"
    visit.save()

    body = fetch(client, raw_token).content

    assert changed(before, versions()) == {visit.pk}
    assert body == uncached(raw_token)
    assert "On-site visit\\, shorter (day not fixed)" in body.decode()


def test_feed_renamed_cluster_renders_only_its_events(
    client, frozen, events, programme_feed, other_cluster
):
    _token, raw_token = programme_feed
    fetch(client, raw_token)
    before = versions()
    other_cluster.name = "Renamed Cluster"
    other_cluster.save()

    body = fetch(client, raw_token).content

    assert changed(before, versions()) == {events["other"].pk}
    assert body == uncached(raw_token)


def test_feed_renamed_lead_renders_only_their_events(
    client, frozen, events, programme_feed, member
):
    _token, raw_token = programme_feed
    fetch(client, raw_token)
    before = versions()
    member.name = "Maxine Member"
    member.save()

    body = fetch(client, raw_token).content

    assert changed(before, versions()) == {events["strategy"].pk, events["jury"].pk}
    assert body == uncached(raw_token)


def test_feed_new_lead_renders_only_that_event(client, frozen, events, programme_feed, coordinator):
    _token, raw_token = programme_feed
    fetch(client, raw_token)
    before = versions()
    Responsibility.objects.create(milestone=events["phase"], person=coordinator, role="lead")

    body = fetch(client, raw_token).content

    assert changed(before, versions()) == {events["phase"].pk}
    assert body == uncached(raw_token)


def test_feed_language_change_renders_the_other_language_and_keeps_the_first(
    client, events, programme_feed, officer
):
    _token, raw_token = programme_feed
    fetch(client, raw_token)
    english = versions("en")
    officer.language = "de"
    officer.save()

    body = fetch(client, raw_token).content

    assert versions("en") == english
    assert set(versions("de")) == set(english)
    assert body == uncached(raw_token)
    assert "fällig 12:00" in body.decode()


def test_feed_cached_text_of_another_version_is_never_served(client, events, programme_feed):
    _token, raw_token = programme_feed
    fetch(client, raw_token)
    RenderedEvent.objects.filter(milestone=events["jury"]).update(version="old", body="BROKEN")

    body = fetch(client, raw_token).content

    assert body == uncached(raw_token)
    assert RenderedEvent.objects.get(milestone=events["jury"], language="en").body != "BROKEN"


def test_feed_warm_query_count_is_three(client, events, programme_feed, django_assert_num_queries):
    _token, raw_token = programme_feed
    fetch(client, raw_token)

    # token with its access, milestones with their cached texts, recording the fetch
    with django_assert_num_queries(3):
        response = fetch(client, raw_token)

    assert response.status_code == 200


def test_feed_with_one_changed_milestone_is_six_queries(
    client, frozen, events, programme_feed, django_assert_num_queries
):
    _token, raw_token = programme_feed
    fetch(client, raw_token)
    before = versions()
    frozen.shift(60)
    events["jury"].location = "Berlin"
    events["jury"].save()

    # token with its access, milestones with their cached texts, the one milestone to
    # render, its extensions, storing its text, recording the fetch
    with django_assert_num_queries(6):
        response = fetch(client, raw_token)

    assert changed(before, versions()) == {events["jury"].pk}
    assert response.content == uncached(raw_token)


def test_build_feed_leaves_out_a_milestone_deleted_while_rendering(events, programme_feed):
    token, _raw_token = programme_feed
    rows = render._feed_rows(token=token, now=NOW, variants=[True])
    Milestone.objects.filter(pk=events["phase"].pk).delete()

    texts, fresh = render._event_texts(rows, language="en", with_cluster=True)

    assert [event.milestone_id for event in fresh] == [
        row["pk"] for row in rows if row["pk"] != events["phase"].pk
    ]
    assert [text.decode() for text in texts] == [event.body for event in fresh]


def test_feed_revalidation_unchanged_is_304_in_two_queries(
    client, events, programme_feed, django_assert_num_queries
):
    token, raw_token = programme_feed
    etag = fetch(client, raw_token)["ETag"]

    # token with its access, one UPDATE that compares the fingerprint and records the fetch
    with (
        time_machine.travel(NOW + datetime.timedelta(hours=2), tick=False),
        django_assert_num_queries(2),
    ):
        response = fetch(client, raw_token, if_none_match=etag)

    token.refresh_from_db()
    assert (response.status_code, response["ETag"], response.content) == (304, etag, b"")
    assert token.last_used_at == NOW + datetime.timedelta(hours=2)


@pytest.mark.parametrize(
    "change",
    [
        "milestone",
        "cluster name",
        "lead name",
        "new milestone",
        "cancelled",
        "revoked lead",
        "leads swapped",
    ],
)
def test_feed_revalidation_after_a_change_is_200_with_the_new_body(
    client, frozen, events, programme_feed, other_cluster, member, make_milestone, change
):
    _token, raw_token = programme_feed
    etag = fetch(client, raw_token)["ETag"]
    frozen.shift(60)
    make_change(change, events, other_cluster, member, make_milestone)

    response = fetch(client, raw_token, if_none_match=etag)

    assert response.status_code == 200
    assert response["ETag"] != etag
    assert response.content == uncached(raw_token)


def make_change(change, events, other_cluster, member, make_milestone):
    """One of the changes a feed must show (``events``: the fixture's milestones)."""
    if change == "milestone":
        services.change_milestone(milestone=events["jury"], changes={"location": "Berlin"}, by=None)
    elif change == "cluster name":
        services.change_cluster(cluster=other_cluster, changes={"name": "Other"})
    elif change == "lead name":
        services.change_person(person=member, changes={"name": "Maxine Member"})
    elif change == "new milestone":
        make_milestone(title="Added")
    elif change == "cancelled":
        services.set_status(milestone=events["phase"], status=Status.CANCELLED, by=None)
    elif change == "leads swapped":
        swap_leads(events["strategy"], events["visit"])
    else:
        lead = Responsibility.objects.filter(milestone=events["strategy"], role="lead")
        services.remove_responsibilities(responsibilities=lead)


def swap_leads(one, other):
    """The two milestones' leads swapped as the admin's page of people responsible does it:
    each row saved on its own, the milestones not."""
    first = Responsibility.objects.get(milestone=one, role="lead")
    second = Responsibility.objects.get(milestone=other, role="lead")
    first_person, second_person = first.person, second.person
    services.change_responsibility(responsibility=first, changes={"person": second_person})
    services.change_responsibility(responsibility=second, changes={"person": first_person})


def last_modified(body):
    calendar = vobject.readOne(body.decode(), validate=True)
    return {event.summary.value: event.last_modified.value for event in calendar.vevent_list}


@pytest.mark.parametrize(
    ("change", "moved"),
    [
        ("cluster name", {"Other: Other strategy"}),
        ("lead name", {"SaxoCell: Strategy; with, commas", "SaxoCell: Jury meeting"}),
        ("leads swapped", {"SaxoCell: Strategy; with, commas", "SaxoCell: On-site visit"}),
    ],
)
def test_feed_event_shown_with_a_new_name_has_a_new_last_change(
    client, frozen, events, programme_feed, other_cluster, member, make_milestone, change, moved
):
    # Calendar clients that go by LAST-MODIFIED (and DTSTAMP) would keep the old text.
    _token, raw_token = programme_feed
    before = last_modified(fetch(client, raw_token).content)
    frozen.shift(60)
    make_change(change, events, other_cluster, member, make_milestone)

    after = last_modified(fetch(client, raw_token).content)

    # ``moved``: how the titles of the events that changed begin (the cluster's name first).
    changed = NOW + datetime.timedelta(seconds=60)
    shown_anew = {summary for summary in after if summary.startswith(tuple(moved))}
    assert {summary for summary, moment in after.items() if moment == changed} == shown_anew
    assert len(shown_anew) == len(moved)
    assert sorted(before.values()) == [NOW] * 5


def test_feed_revalidation_after_cancelled_expiry_drops_the_event(
    client, frozen, events, programme_feed
):
    _token, raw_token = programme_feed
    events["phase"].status = Status.CANCELLED
    events["phase"].save()
    etag = fetch(client, raw_token)["ETag"]
    frozen.shift(datetime.timedelta(days=29))
    kept = fetch(client, raw_token, if_none_match=etag)
    frozen.shift(datetime.timedelta(days=2))

    response = fetch(client, raw_token, if_none_match=etag)

    # The same token's fingerprint query, asked at a later moment, drops it.
    assert (kept.status_code, response.status_code) == (304, 200)
    assert b"phase" not in response.content.lower()


def test_feed_milestone_deleted_removes_its_rendered_text(client, events, programme_feed):
    _token, raw_token = programme_feed
    fetch(client, raw_token)

    Milestone.objects.filter(pk=events["phase"].pk).delete()

    assert set(versions()) == {events[name].pk for name in ("strategy", "visit", "jury", "other")}
    assert FeedToken.objects.count() == 1
