"""The API's lists for synchronisation: filters, cursor pages, updated_since, ETag and 304,
throttling per token, and a number of queries that does not grow with the page."""

import datetime

import pytest
import time_machine

from milestones import services
from milestones.models import Kind, Membership, Milestone, PlanItem, Role, Status
from tests.api_helpers import get, token_of
from tests.conftest import make_person
from tests.submission_rows import add_submission

NOW = datetime.datetime(2024, 3, 1, 9, 0, tzinfo=datetime.UTC)
MILESTONES = "/api/v1/milestones/"


def titles(response):
    assert response.status_code == 200, response.content
    return [milestone["title"] for milestone in response.json()["results"]]


@pytest.fixture
def three(make_milestone, other_cluster):
    with time_machine.travel(NOW - datetime.timedelta(days=30), tick=False):
        return made(make_milestone, other_cluster)


def made(make_milestone, other_cluster):
    return [
        make_milestone(
            title="Report", kind=Kind.PROGRESS_REPORT, starts_on=datetime.date(2024, 3, 1)
        ),
        make_milestone(
            title="Visit",
            kind=Kind.ON_SITE_VISIT,
            starts_on=datetime.date(2024, 5, 1),
            ends_on=datetime.date(2024, 6, 30),
            is_tentative=True,
        ),
        make_milestone(title="Jury", kind=Kind.JURY_MEETING, starts_on=datetime.date(2024, 7, 2)),
        make_milestone(title="Theirs", cluster=other_cluster),
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Report", "Visit", "Jury", "Theirs"]),
        ("?cluster=saxocell", ["Report", "Visit", "Jury"]),
        ("?cluster=nobody", []),
        ("?kind=jury-meeting", ["Jury"]),
        ("?status=done", ["Report"]),
        ("?on_or_after=2024-06-30", ["Visit", "Jury"]),
        ("?on_or_before=2024-05-01", ["Report", "Visit", "Theirs"]),
        ("?on_or_after=2024-06-01&on_or_before=2024-06-30", ["Visit"]),
    ],
)
def test_api_milestones_filtered(client, officer, three, query, expected):
    services.set_status(milestone=three[0], status=Status.DONE, by=None)

    assert titles(get(client, MILESTONES + query, token_of(officer))) == expected


def test_api_milestones_bad_filter_is_400(client, officer):
    response = get(client, MILESTONES + "?kind=party&on_or_after=2024-02-31", token_of(officer))

    assert response.status_code == 400
    assert response.json() == {
        "kind": ["Select a valid choice. party is not one of the available choices."],
        "on_or_after": ["Enter a valid date."],
    }


def test_api_milestones_updated_since(client, officer, three):
    with time_machine.travel(NOW, tick=False):
        services.set_status(milestone=three[2], status=Status.IN_PROGRESS, by=None)
    raw_token = token_of(officer)

    since = get(client, MILESTONES + "?updated_since=2024-03-01T09:00:00Z", raw_token)
    after = get(client, MILESTONES + "?updated_since=2024-03-01T10:00:01%2B01:00", raw_token)

    assert titles(since) == ["Jury"]
    assert titles(after) == []


def test_api_milestones_cursor_pages(client, officer, three):
    raw_token = token_of(officer)

    first = get(client, MILESTONES + "?page_size=3", raw_token)
    second = get(client, first.json()["next"], raw_token)

    assert titles(first) == ["Report", "Visit", "Jury"]
    assert titles(second) == ["Theirs"]
    assert second.json()["next"] is None
    assert titles(get(client, second.json()["previous"], raw_token)) == ["Report", "Visit", "Jury"]


def test_api_get_has_etag_and_answers_304(client, officer, three):
    raw_token = token_of(officer)
    first = get(client, MILESTONES, raw_token)

    unchanged = get(client, MILESTONES, raw_token, HTTP_IF_NONE_MATCH=first["ETag"])
    services.set_status(milestone=three[1], status=Status.IN_PROGRESS, by=None)
    changed = get(client, MILESTONES, raw_token, HTTP_IF_NONE_MATCH=first["ETag"])

    assert first["Cache-Control"] == "private"
    assert (unchanged.status_code, unchanged.content, unchanged["ETag"]) == (
        304,
        b"",
        first["ETag"],
    )
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]


@pytest.mark.parametrize(
    "path", ["/api/v1/programmes/c4f/", "/api/v1/clusters/", "/api/v1/clusters/saxocell/people/"]
)
def test_api_every_get_answers_304(client, officer, cluster, path):
    raw_token = token_of(officer)
    first = get(client, path, raw_token)

    assert get(client, path, raw_token, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_api_throttled_per_token_with_retry_after(client, settings, member, coordinator):
    settings.API_THROTTLE_RATE = "2/min"
    raw_token = token_of(member)
    other_token = token_of(coordinator)

    with time_machine.travel(NOW, tick=False):
        statuses = [get(client, "/api/v1/clusters/", raw_token).status_code for _ in range(3)]
        refused = get(client, "/api/v1/clusters/", raw_token)
        other = get(client, "/api/v1/clusters/", other_token)
    with time_machine.travel(NOW + datetime.timedelta(seconds=60), tick=False):
        later = get(client, "/api/v1/clusters/", raw_token)

    assert statuses == [200, 200, 429]
    assert refused["Retry-After"] == "60"
    assert refused.json() == {"detail": "Request was throttled. Expected available in 60 seconds."}
    assert other.status_code == 200
    assert later.status_code == 200


# A fixed number of queries per page, whatever its length: the token (its scope checked in the
# same query) and its last use, then the page and what it prefetches.


def add_milestones(cluster, person, count):
    milestones = Milestone.objects.bulk_create(
        Milestone(
            cluster=cluster, kind=Kind.OTHER, title=f"M{n}", starts_on=datetime.date(2024, 5, 1)
        )
        for n in range(count)
    )
    for milestone in milestones:
        services.set_responsibilities(milestone=milestone, lead=person, contributors=[])
    return milestones


@pytest.mark.parametrize("count", [1, 25])
def test_api_milestones_list_query_count(
    client, django_assert_num_queries, officer, member, cluster, count
):
    add_milestones(cluster, member, count)
    raw_token = token_of(officer)

    # token, its last use, the page, its people responsible
    with django_assert_num_queries(4):
        response = get(client, MILESTONES, raw_token)

    assert len(response.json()["results"]) == count


@pytest.mark.parametrize("count", [1, 25])
def test_api_other_lists_query_count(
    client, django_assert_num_queries, officer, member, cluster, programme, count
):
    milestones = add_milestones(cluster, member, count)
    for milestone in milestones:
        add_submission(milestone, by=member)
    for n in range(count):
        PlanItem.objects.create(
            programme=programme, title=f"P{n}", starts_on=datetime.date(2024, 5, 1)
        )
        services.add_membership(
            membership=Membership(
                person=make_person(f"p{n}@saxocell.test", f"P{n}"),
                cluster=cluster,
                role=Role.MEMBER,
            )
        )
    raw_token = token_of(officer)
    get(client, "/api/v1/clusters/", raw_token)

    # After the token's first use: the token, then the page (and its files, for submissions).
    with django_assert_num_queries(2):
        assert get(client, "/api/v1/clusters/", raw_token).status_code == 200
    with django_assert_num_queries(2):
        assert get(client, "/api/v1/programmes/", raw_token).status_code == 200
    with django_assert_num_queries(2):
        assert len(get(client, "/api/v1/plan-items/", raw_token).json()["results"]) == count
    with django_assert_num_queries(3):
        assert (
            len(get(client, "/api/v1/clusters/saxocell/people/", raw_token).json()["results"])
            == count + 1
        )
    with django_assert_num_queries(3):
        assert len(get(client, "/api/v1/submissions/", raw_token).json()["results"]) == count
