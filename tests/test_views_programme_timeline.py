"""The programme's timeline: clusters by months, the plan's windows, each cluster's own days."""

import datetime
import re

import pytest
import time_machine
from bs4 import BeautifulSoup

from milestones.models import Kind, Language, Milestone, PlanItem, Status
from milestones.plan import save_plan_item, sync_cluster_plan
from tests.helpers import BERLIN, add_clusters, links, texts

NOW = datetime.datetime(2024, 3, 28, 10, 0, tzinfo=BERLIN)

# session, person, programme, plan items, the number of clusters, a page of them, their
# milestones
TIMELINE_QUERIES = 7


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def plan(programme, cluster, other_cluster, officer):
    """The strategy on 2 April (SaxoCell's done), the visit in May–June (SaxoCell's day
    confirmed on 12 June)."""
    items = [
        PlanItem(
            kind=Kind.STRATEGY_SUBMISSION,
            title="Strategy",
            starts_on=datetime.date(2024, 4, 2),
            starts_at=datetime.time(12, 0),
        ),
        PlanItem(
            kind=Kind.ON_SITE_VISIT,
            title="Visit",
            starts_on=datetime.date(2024, 5, 1),
            ends_on=datetime.date(2024, 6, 30),
            is_tentative=True,
        ),
    ]
    for item in items:
        item.programme = programme
        save_plan_item(plan_item=item, by=officer)
    Milestone.objects.filter(cluster=cluster, plan_item=items[0]).update(status=Status.DONE)
    Milestone.objects.filter(cluster=cluster, plan_item=items[1]).update(
        starts_on=datetime.date(2024, 6, 12), ends_on=None, is_tentative=False
    )
    return items


def style_of(response):
    return BeautifulSoup(response.content, "html.parser").select_one("head style").get_text()


def position(style, selector):
    found = re.search(re.escape(selector) + r" \{ ([^}]*) \}", style)
    return found[1] if found else None


def test_timeline_lists_the_plan_and_a_row_per_cluster_with_its_own_days(client, officer, plan):
    client.force_login(officer)

    response = client.get("/programmes/c4f/timeline/")

    assert (
        texts(response, "h1"),
        texts(response, ".ptl-month"),
        texts(response, ".ptl-plan .ptl-label"),
        texts(response, ".ptl-clusters .ptl-row"),
        links(response, ".ptl-clusters .ptl-row")[:3],
    ) == (
        ["Clusters4Future: timeline"],
        ["Mar 2024", "Apr", "May", "Jun"],
        ["1 Strategy 2 April 2024, due 12:00", "2 Visit May–June 2024 (day not fixed)"],
        [
            "Other Cluster 1 Strategy: 2 April 2024, due 12:00, Due soon"
            " 2 Visit: May–June 2024 (day not fixed), Planned",
            "SaxoCell 1 Strategy: 2 April 2024, due 12:00, Done 2 Visit: 12 June 2024, Planned",
        ],
        [
            "/clusters/other/",
            f"/milestones/{plan[0].milestones.get(cluster__slug='other').pk}/",
            f"/milestones/{plan[1].milestones.get(cluster__slug='other').pk}/",
        ],
    )


def test_timeline_places_months_windows_days_and_today_in_percent(client, officer, plan):
    saxocell_visit = plan[1].milestones.get(cluster__slug="saxocell")
    client.force_login(officer)

    response = client.get("/programmes/c4f/timeline/")

    # March to June 2024: 122 days from 1 March; today is 28 March.
    style = style_of(response)
    assert (
        position(style, "#ptl-m2"),
        position(style, "#ptl-today"),
        position(style, f"#ptl-p{plan[1].pk}, #ptl-b{plan[1].pk}"),
        position(style, f"#ptl-{saxocell_visit.pk}"),
    ) == (
        "left: 25.41%",
        "left: 22.13%",
        "left: 50.00%; width: 50.00%",
        "left: 84.43%; width: 0.82%",
    )


def test_timeline_marks_each_cell_by_its_state_and_form(client, officer, plan):
    client.force_login(officer)

    response = client.get("/programmes/c4f/timeline/?q=Saxo")

    soup = BeautifulSoup(response.content, "html.parser")
    assert [mark["class"] for mark in soup.select(".ptl-mark")] == [
        ["ptl-mark", "state-done", "is-day"],
        ["ptl-mark", "state-planned", "is-day"],
    ]


def test_timeline_reaches_today_after_the_plan(client, officer, plan):
    with time_machine.travel(datetime.datetime(2024, 9, 15, 9, 0, tzinfo=BERLIN), tick=False):
        client.force_login(officer)

        response = client.get("/programmes/c4f/timeline/")

    # April to September 2024: 183 days from 1 April; today 167 days after it.
    assert (texts(response, ".ptl-month"), position(style_of(response), "#ptl-today")) == (
        ["Apr 2024", "May", "Jun", "Jul", "Aug", "Sep"],
        "left: 91.26%",
    )


def test_timeline_is_linked_from_the_matrix_and_links_back(client, officer, plan):
    client.force_login(officer)

    matrix = client.get("/programmes/c4f/")
    timeline = client.get("/programmes/c4f/timeline/")

    assert "/programmes/c4f/timeline/" in links(matrix, ".actions")
    assert links(timeline, "nav[aria-label=breadcrumb]") == ["/programmes/c4f/"]


def test_timeline_only_for_the_programmes_officers(client, coordinator, plan):
    client.force_login(coordinator)

    assert client.get("/programmes/c4f/timeline/").status_code == 404


def test_timeline_pages_of_fifty_clusters_with_the_same_queries(
    client, officer, programme, plan, django_assert_num_queries
):
    client.force_login(officer)
    with django_assert_num_queries(TIMELINE_QUERIES):
        few = client.get("/programmes/c4f/timeline/")
    for cluster in add_clusters(programme, 120):
        sync_cluster_plan(cluster=cluster)

    with django_assert_num_queries(TIMELINE_QUERIES):
        many = client.get("/programmes/c4f/timeline/?page=3")

    assert (len(texts(few, ".ptl-clusters > li")), len(texts(many, ".ptl-clusters > li"))) == (
        2,
        22,
    )
    assert texts(many, "nav.pages") == ["← Previous page Page 3 of 3"]


def test_timeline_without_a_plan_says_so(client, officer, cluster):
    client.force_login(officer)

    response = client.get("/programmes/c4f/timeline/")

    assert (texts(response, ".ptl-plan li"), texts(response, ".ptl-clusters .ptl-label")) == (
        ["The plan has no items yet."],
        ["SaxoCell"],
    )


def test_timeline_in_german(client, officer, plan):
    officer.language = Language.GERMAN
    officer.save()
    client.force_login(officer)

    response = client.get("/programmes/c4f/timeline/")

    assert (
        texts(response, "h1"),
        texts(response, ".ptl-section"),
        texts(response, ".ptl-month"),
    ) == (
        ["Clusters4Future: Zeitleiste"],
        ["Der Plan", "Die eigenen Termine jedes Clusters"],
        ["Mär 2024", "Apr", "Mai", "Jun"],
    )
