"""The programme matrix (milestones/matrix.py): each cell's state in words, the columns'
figures, sorting by a column's state, the filter by state, pages and their queries."""

import datetime

import pytest
import time_machine
from bs4 import BeautifulSoup

from milestones import timeline
from milestones.matrix import CellState, programme_moment, with_state
from milestones.models import (
    Decision,
    Kind,
    Milestone,
    PlanItem,
    Review,
    Status,
    Submission,
)
from milestones.plan import save_plan_item, sync_cluster_plan
from tests.helpers import BERLIN, cluster_names, links, texts
from tests.helpers import add_clusters as add_bare_clusters

# Thursday 28 March 2024, 10:00 in Berlin: the report is due on Tuesday 2 April, 12:00.
NOW = datetime.datetime(2024, 3, 28, 10, 0, tzinfo=BERLIN)

# session, person, programme, plan items, the number of clusters, a page of them, their
# milestones, the figures of each column: whatever the number of clusters, sort or filter.
MATRIX_QUERIES = 8


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def add_clusters(programme, count, *, first=1):
    """Clusters "Cluster 001", ... each with its milestones of the plan so far."""
    clusters = add_bare_clusters(programme, count, first=first)
    for cluster in clusters:
        sync_cluster_plan(cluster=cluster)
    return clusters


def add_plan_item(programme, officer, **fields):
    return save_plan_item(plan_item=PlanItem(programme=programme, **fields), by=officer)


@pytest.fixture
def report(programme, officer):
    return add_plan_item(
        programme,
        officer,
        kind=Kind.PROGRESS_REPORT,
        title="Report",
        starts_on=datetime.date(2024, 4, 2),
        starts_at=datetime.time(12, 0),
        asks_submission=True,
    )


def set_cell(cluster, item, *, submission=None, decision=None, **fields):
    """The cluster's milestone of ``item`` changed to ``fields``, with a submission (late or
    not: ``submission``) and its review."""
    milestone = Milestone.objects.get(cluster=cluster, plan_item=item)
    Milestone.objects.filter(pk=milestone.pk).update(**fields)
    if submission is not None:
        made = Submission.objects.create(
            milestone=milestone, number=1, submitted_by_name="Carla", is_late=submission
        )
        if decision is not None:
            Review.objects.create(submission=made, decision=decision, reviewed_by_name="Otto")
    return milestone


MAY_10 = datetime.date(2024, 5, 10)

# Cluster 001 to 009, each in one state of its report.
CELLS = [
    ({"starts_on": MAY_10, "starts_at": None}, "Planned"),
    ({"starts_on": MAY_10, "starts_at": None, "status": Status.IN_PROGRESS}, "In progress"),
    ({}, "Due soon"),
    ({"starts_on": datetime.date(2024, 3, 1)}, "Overdue"),
    ({"status": Status.SUBMITTED, "submission": False}, "Submitted"),
    ({"status": Status.SUBMITTED, "submission": True}, "Submitted late"),
    ({"status": Status.DONE, "submission": False, "decision": Decision.ACCEPTED}, "Accepted"),
    ({"status": Status.DONE}, "Done"),
    ({"status": Status.CANCELLED, "starts_on": datetime.date(2024, 3, 1)}, "Cancelled"),
]


@pytest.fixture
def states(programme, report):
    clusters = add_clusters(programme, len(CELLS))
    for cluster, (fields, _state) in zip(clusters, CELLS, strict=True):
        set_cell(cluster, report, **fields)
    return clusters


def cells(response):
    return texts(response, ".matrix tbody td")


def test_matrix_cell_says_its_state_in_words_and_its_date(client, officer, states):
    client.force_login(officer)

    response = client.get("/programmes/c4f/")

    assert cells(response) == [
        "Planned 10 May 2024",
        "In progress 10 May 2024",
        "Due soon 2 April 2024, due 12:00",
        "Overdue 1 March 2024, due 12:00",
        "Submitted 2 April 2024, due 12:00",
        "Submitted late 2 April 2024, due 12:00",
        "Accepted 2 April 2024, due 12:00",
        "Done 2 April 2024, due 12:00",
        "Cancelled 1 March 2024, due 12:00",
    ]


def test_matrix_cell_colour_class_follows_its_state(client, officer, states):
    client.force_login(officer)

    response = client.get("/programmes/c4f/")

    soup = BeautifulSoup(response.content, "html.parser")
    assert [a["class"] for a in soup.select(".matrix .cell-state")] == [
        ["cell-state", f"state-{state}"]
        for state in [
            "planned",
            "in-progress",
            "due-soon",
            "overdue",
            "submitted",
            "late",
            "accepted",
            "done",
            "cancelled",
        ]
    ]


@pytest.mark.parametrize(
    ("cut_off", "state"), [(datetime.time(9, 59), "Overdue"), (datetime.time(10, 1), "Due soon")]
)
def test_matrix_deadline_of_today_is_overdue_once_its_cut_off_passed(
    client, officer, cluster, report, cut_off, state
):
    set_cell(cluster, report, starts_on=NOW.date(), starts_at=cut_off)
    client.force_login(officer)

    response = client.get("/programmes/c4f/")

    assert texts(response, ".matrix tbody .cell-state") == [state]


def test_matrix_state_agrees_with_the_milestone_pages_overdue(cluster, report, states):
    milestones = with_state(Milestone.objects.all(), moment=programme_moment(cluster.programme))

    assert {m.title + str(m.cluster_id): m.state == CellState.OVERDUE for m in milestones} == {
        m.title + str(m.cluster_id): timeline.is_overdue(
            m, today=NOW.date(), passed=m.starts_on == NOW.date()
        )
        for m in milestones
    }


def test_matrix_flags_a_day_confirmed_outside_the_plans_window(
    client, officer, programme, cluster, other_cluster
):
    visit = add_plan_item(
        programme,
        officer,
        kind=Kind.ON_SITE_VISIT,
        title="Visit",
        starts_on=datetime.date(2024, 5, 1),
        ends_on=datetime.date(2024, 6, 30),
        is_tentative=True,
    )
    set_cell(cluster, visit, starts_on=datetime.date(2024, 7, 10), ends_on=None, is_tentative=False)
    client.force_login(officer)

    response = client.get("/programmes/c4f/")

    assert cells(response) == [
        "Planned May–June 2024 (day not fixed)",
        "Planned 10 July 2024 outside the plan's window",
    ]


def test_matrix_counts_each_column_over_every_cluster(client, officer, programme, states):
    add_plan_item(programme, officer, kind=Kind.JURY_MEETING, title="Jury", starts_on=MAY_10)
    client.force_login(officer)

    response = client.get("/programmes/c4f/?q=Cluster+001")

    assert texts(response, ".column-counts") == ["4 of 9 submitted · 1 overdue", "0 of 9 done"]


def sorted_clusters(client, query):
    response = client.get(f"/programmes/c4f/?{query}")
    soup = BeautifulSoup(response.content, "html.parser")
    return (
        texts(response, ".matrix tbody td .cell-state"),
        [th.get("aria-sort") for th in soup.select(".matrix thead th")],
    )


def test_matrix_sorted_by_a_columns_state_puts_the_most_urgent_first(
    client, officer, report, states
):
    client.force_login(officer)

    ascending = sorted_clusters(client, f"sort=item-{report.pk}")
    descending = sorted_clusters(client, f"sort=-item-{report.pk}")

    order = [
        "Overdue",
        "Due soon",
        "Submitted late",
        "In progress",
        "Planned",
        "Submitted",
        "Accepted",
        "Done",
        "Cancelled",
    ]
    assert ascending == (order, [None, "ascending"])
    assert descending == (order[::-1], [None, "descending"])


def test_matrix_header_links_sort_and_turn_the_order_round(client, officer, report, states):
    client.force_login(officer)

    by_name = client.get("/programmes/c4f/?q=Cluster")
    by_state = client.get(f"/programmes/c4f/?q=Cluster&sort=item-{report.pk}&page=1")

    # The report asks for a submission: its column links to the clusters' submissions too.
    edit = f"/programmes/c4f/plan/{report.pk}/edit/"
    submissions = f"/programmes/c4f/plan/{report.pk}/submissions/"
    assert links(by_name, ".matrix thead") == [
        "/programmes/c4f/?q=Cluster&sort=-cluster",
        f"/programmes/c4f/?q=Cluster&sort=item-{report.pk}",
        submissions,
        edit,
    ]
    assert links(by_state, ".matrix thead") == [
        "/programmes/c4f/?q=Cluster",
        f"/programmes/c4f/?q=Cluster&sort=-item-{report.pk}",
        submissions,
        edit,
    ]


def test_matrix_sorted_by_cluster_name_backwards(client, officer, states):
    client.force_login(officer)

    response = client.get("/programmes/c4f/?sort=-cluster")

    soup = BeautifulSoup(response.content, "html.parser")
    assert (texts(response, ".matrix tbody th"), soup.select_one(".matrix th")["aria-sort"]) == (
        cluster_names(1, 9)[::-1],
        "descending",
    )


@pytest.mark.parametrize("sort", ["item-999", "state", "-item-x", ""])
def test_matrix_sort_not_on_offer_is_by_name(client, officer, states, sort):
    client.force_login(officer)

    response = client.get("/programmes/c4f/", {"sort": sort})

    assert (response.status_code, texts(response, ".matrix tbody th")) == (
        200,
        cluster_names(1, 9),
    )


def test_matrix_filter_by_state_in_any_column_or_one(client, officer, programme, report, states):
    jury = add_plan_item(programme, officer, kind=Kind.JURY_MEETING, title="Jury", starts_on=MAY_10)
    set_cell(states[0], jury, status=Status.DONE)
    client.force_login(officer)

    done_anywhere = client.get("/programmes/c4f/?state=done")
    done_in_report = client.get(f"/programmes/c4f/?state=done&item={report.pk}")

    assert (texts(done_anywhere, ".matrix tbody th"), texts(done_anywhere, ".filter-result")) == (
        ["Cluster 001", "Cluster 008"],
        ["2 clusters match. Show all clusters"],
    )
    assert texts(done_in_report, ".matrix tbody th") == ["Cluster 008"]


def test_matrix_filter_value_not_on_offer_is_ignored(client, officer, states):
    client.force_login(officer)

    response = client.get("/programmes/c4f/?state=lost&item=x&q=Cluster+00")

    assert (texts(response, ".matrix tbody th"), texts(response, ".filter-result")) == (
        cluster_names(1, 9),
        ["9 clusters match “Cluster 00”. Show all clusters"],
    )


def test_matrix_pages_of_a_sorted_and_filtered_matrix(client, officer, programme, report):
    clusters = add_clusters(programme, 120)
    for cluster in clusters[::2]:
        set_cell(cluster, report, starts_on=datetime.date(2024, 3, 1))
    client.force_login(officer)

    response = client.get(f"/programmes/c4f/?state=overdue&sort=-item-{report.pk}&page=2")

    assert (
        texts(response, ".matrix tbody th")[:2],
        len(texts(response, ".matrix tbody tr")),
        texts(response, "nav.pages"),
        links(response, "nav.pages"),
    ) == (
        ["Cluster 101", "Cluster 103"],
        10,
        ["← Previous page Page 2 of 2"],
        [f"/programmes/c4f/?state=overdue&sort=-item-{report.pk}"],
    )


def test_matrix_same_queries_for_three_clusters_and_many_sorted_and_filtered(
    client, officer, programme, report, django_assert_num_queries
):
    add_clusters(programme, 3)
    client.force_login(officer)
    with django_assert_num_queries(MATRIX_QUERIES):
        few = client.get("/programmes/c4f/")
    clusters = add_clusters(programme, 200, first=4)
    add_plan_item(programme, officer, kind=Kind.JURY_MEETING, title="Jury", starts_on=MAY_10)
    for cluster in clusters[::3]:
        set_cell(cluster, report, status=Status.SUBMITTED, submission=True)
    query = f"/programmes/c4f/?state=late&item={report.pk}&sort=-item-{report.pk}&page=2"

    with django_assert_num_queries(MATRIX_QUERIES):
        many = client.get(query)

    assert (len(texts(few, ".matrix tbody tr")), len(texts(many, ".matrix tbody tr"))) == (3, 17)
