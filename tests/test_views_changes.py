"""A change to anything a page shows shows at the next request: dashboard, timeline, matrix."""

import datetime
import zoneinfo

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.utils import translation

from milestones.models import Kind, Language, Milestone, PlanItem, Status
from milestones.plan import save_plan_item

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
MARCH_21 = datetime.datetime(2024, 3, 21, 9, 0, tzinfo=BERLIN)


@pytest.fixture(autouse=True)
def english_after():
    yield
    # A German account's request leaves German active in this thread for the tests after.
    translation.deactivate()


@pytest.fixture
def traveller():
    with time_machine.travel(MARCH_21, tick=False) as traveller:
        yield traveller


def texts(response, selector):
    soup = BeautifulSoup(response.content, "html.parser")
    return [" ".join(element.get_text(" ").split()) for element in soup.select(selector)]


def due_rows(client):
    return texts(client.get("/"), ".due")


@pytest.fixture
def strategy(make_milestone, member):
    return make_milestone(title="Strategy", starts_on=datetime.date(2024, 4, 2), lead=member)


STRATEGY_ROW = (
    "in 12 days Strategy 2 April 2024 SaxoCell · Strategy submission · Planned · Lead: Max Member"
)


def test_dashboard_row_shows_changed_title(client, traveller, coordinator, strategy):
    client.force_login(coordinator)
    before = due_rows(client)
    strategy.title = "Cluster strategy 2025"
    strategy.save()

    after = due_rows(client)

    assert (before, after) == (
        [STRATEGY_ROW],
        [
            "in 12 days Cluster strategy 2025 2 April 2024 SaxoCell · Strategy submission "
            "· Planned · Lead: Max Member"
        ],
    )


def test_dashboard_row_shows_changed_status(client, traveller, coordinator, strategy):
    client.force_login(coordinator)
    before = due_rows(client)
    strategy.status = Status.IN_PROGRESS
    strategy.save()

    after = due_rows(client)

    assert (before, after) == (
        [STRATEGY_ROW],
        [
            "in 12 days Strategy 2 April 2024 SaxoCell · Strategy submission · In progress "
            "· Lead: Max Member"
        ],
    )


def test_dashboard_row_shows_changed_date(client, traveller, coordinator, strategy):
    client.force_login(coordinator)
    before = due_rows(client)
    strategy.starts_on = datetime.date(2024, 4, 3)
    strategy.starts_at = datetime.time(12, 0)
    strategy.save()

    after = due_rows(client)

    assert (before, after) == (
        [STRATEGY_ROW],
        [
            "in 13 days Strategy 3 April 2024, due 12:00 SaxoCell · Strategy submission "
            "· Planned · Lead: Max Member"
        ],
    )


def test_dashboard_row_shows_renamed_cluster(client, traveller, coordinator, cluster, strategy):
    client.force_login(coordinator)
    before = due_rows(client)
    cluster.name = "SaxoCell Leipzig"
    cluster.save()

    after = due_rows(client)

    assert (before, after) == (
        [STRATEGY_ROW],
        [
            "in 12 days Strategy 2 April 2024 SaxoCell Leipzig · Strategy submission "
            "· Planned · Lead: Max Member"
        ],
    )


def test_dashboard_row_shows_renamed_lead(client, traveller, coordinator, member, strategy):
    client.force_login(coordinator)
    before = due_rows(client)
    member.name = "Maxi Member"
    member.save()

    after = due_rows(client)

    assert (before, after) == (
        [STRATEGY_ROW],
        [
            "in 12 days Strategy 2 April 2024 SaxoCell · Strategy submission · Planned "
            "· Lead: Maxi Member"
        ],
    )


def test_dashboard_row_follows_the_persons_language(client, traveller, coordinator, strategy):
    client.force_login(coordinator)
    before = due_rows(client)
    coordinator.language = Language.GERMAN
    coordinator.save()

    after = due_rows(client)

    assert (before, after) == (
        [STRATEGY_ROW],
        [
            "in 12 Tagen Strategy 2. April 2024 SaxoCell · Strategieeinreichung · Geplant "
            "· Federführung: Max Member"
        ],
    )


def test_dashboard_row_counts_down_from_today(client, traveller, coordinator, strategy):
    client.force_login(coordinator)
    before = due_rows(client)
    # The next morning.
    traveller.move_to(datetime.datetime(2024, 3, 22, 8, 0, tzinfo=BERLIN))
    client.force_login(coordinator)  # the session has expired by then

    after = due_rows(client)

    assert (before, after) == (
        [STRATEGY_ROW],
        [
            "in 11 days Strategy 2 April 2024 SaxoCell · Strategy submission · Planned "
            "· Lead: Max Member"
        ],
    )


def test_dashboard_row_you_lead_only_for_the_lead(client, traveller, coordinator, member, strategy):
    client.force_login(member)
    as_lead = due_rows(client)
    client.force_login(coordinator)

    as_coordinator = due_rows(client)

    assert (as_lead, as_coordinator) == (
        [
            "in 12 days You lead Strategy 2 April 2024 SaxoCell · Strategy submission · Planned "
            "· Lead: Max Member"
        ],
        [STRATEGY_ROW],
    )


def test_dashboard_row_shows_new_lead(client, traveller, coordinator, member, strategy):
    client.force_login(coordinator)
    before = due_rows(client)
    strategy.responsibilities.update(person=coordinator)

    after = due_rows(client)

    assert (before, after) == (
        [STRATEGY_ROW],
        [
            "in 12 days You lead Strategy 2 April 2024 SaxoCell · Strategy submission · Planned "
            "· Lead: Carla Coordinator"
        ],
    )


def test_dashboard_rows_of_another_cluster_stay_there(
    client, traveller, officer, coordinator, other_coordinator, other_cluster, make_milestone
):
    make_milestone(title="Strategy")
    make_milestone(title="Other strategy", cluster=other_cluster)
    client.force_login(officer)
    as_officer = texts(client.get("/"), ".due-title")
    client.force_login(other_coordinator)

    as_other_coordinator = texts(client.get("/"), ".due-title")

    assert (as_officer, as_other_coordinator) == (
        ["Strategy", "Other strategy"],
        ["Other strategy"],
    )


def test_dashboard_follows_memberships_and_officer_roles_at_the_next_request(
    client, traveller, programme, coordinator, other_cluster, make_milestone
):
    # The dashboard's queries are compiled once per person; what they find is decided anew.
    make_milestone(title="Strategy")
    make_milestone(title="Other strategy", cluster=other_cluster)
    client.force_login(coordinator)
    alone = texts(client.get("/"), ".due-title")
    joined = other_cluster.memberships.create(person=coordinator)
    both = texts(client.get("/"), ".due-title")
    joined.delete()
    coordinator.memberships.all().delete()
    none = texts(client.get("/"), ".due-title")
    programme.officers.create(person=coordinator)

    as_officer = texts(client.get("/"), ".due-title")

    assert (alone, both, none, as_officer) == (
        ["Strategy"],
        ["Strategy", "Other strategy"],
        [],
        ["Strategy", "Other strategy"],
    )


def test_dashboard_cluster_list_shows_renamed_cluster_and_new_membership(
    client, traveller, coordinator, cluster, other_cluster
):
    client.force_login(coordinator)
    before = texts(client.get("/"), "#clusters-heading + ul li")
    cluster.name = "SaxoCell Leipzig"
    cluster.save()
    other_cluster.memberships.create(person=coordinator)

    after = texts(client.get("/"), "#clusters-heading + ul li")

    assert (before, after) == (
        ["SaxoCell (Clusters4Future)"],
        ["Other Cluster (Clusters4Future)", "SaxoCell Leipzig (Clusters4Future)"],
    )


def test_dashboard_programme_list_shows_new_cluster_count_and_renamed_programme(
    client, traveller, officer, programme, cluster
):
    client.force_login(officer)
    before = texts(client.get("/"), "#programmes-heading ~ ul li")
    programme.clusters.create(name="Other Cluster", slug="other")
    programme.name = "Clusters4Future II"
    programme.save()

    after = texts(client.get("/"), "#programmes-heading ~ ul li")

    assert (before, after) == (
        ["Clusters4Future: who has submitted what (1 cluster)"],
        ["Clusters4Future II: who has submitted what (2 clusters)"],
    )


def timeline(response):
    """Each timeline item's classes and label, and the page's style rules of the bars."""
    soup = BeautifulSoup(response.content, "html.parser")
    items = [
        (item["class"], " ".join(item.get_text(" ").split()))
        for item in soup.select(".timeline-item")
    ]
    rules = [line.strip() for line in soup.select_one("style").get_text().splitlines()]
    return items, [rule for rule in rules if "timeline-bar" in rule or "today" in rule]


def test_cluster_timeline_shows_changed_title_status_and_date(
    client, traveller, coordinator, strategy
):
    client.force_login(coordinator)
    before = timeline(client.get("/clusters/saxocell/"))
    strategy.title = "Cluster strategy 2025"
    strategy.status = Status.IN_PROGRESS
    strategy.starts_on = datetime.date(2024, 7, 1)
    strategy.save()

    after = timeline(client.get("/clusters/saxocell/"))

    assert (before, after) == (
        (
            [
                (
                    ["timeline-item", "is-day", "status-planned"],
                    "Strategy 2 April 2024 · Planned",
                )
            ],
            [
                "#tl-2024-today { left: 21.86% }",
                f"#tl-2024-{strategy.pk} .timeline-bar {{ left: 25.14%; width: 0.27% }}",
            ],
        ),
        (
            [
                (
                    ["timeline-item", "is-day", "status-in-progress"],
                    "Cluster strategy 2025 1 July 2024 · In progress",
                )
            ],
            [
                "#tl-2024-today { left: 21.86% }",
                f"#tl-2024-{strategy.pk} .timeline-bar {{ left: 49.73%; width: 0.27% }}",
            ],
        ),
    )


def test_cluster_timeline_moves_with_today(client, traveller, coordinator, make_milestone):
    report = make_milestone(title="Report", starts_on=datetime.date(2024, 3, 21))
    client.force_login(coordinator)
    before = timeline(client.get("/clusters/saxocell/"))
    # The next morning.
    traveller.move_to(datetime.datetime(2024, 3, 22, 8, 0, tzinfo=BERLIN))
    client.force_login(coordinator)  # the session has expired by then

    after = timeline(client.get("/clusters/saxocell/"))

    assert (before, after) == (
        (
            [(["timeline-item", "is-day", "status-planned"], "Report 21 March 2024 · Planned")],
            [
                "#tl-2024-today { left: 21.86% }",
                f"#tl-2024-{report.pk} .timeline-bar {{ left: 21.86%; width: 0.27% }}",
            ],
        ),
        (
            [
                (
                    ["timeline-item", "is-past", "is-day", "status-planned"],
                    "Report 21 March 2024 · Planned",
                )
            ],
            [
                "#tl-2024-today { left: 22.13% }",
                f"#tl-2024-{report.pk} .timeline-bar {{ left: 21.86%; width: 0.27% }}",
            ],
        ),
    )


@pytest.fixture
def visit(programme, cluster, other_cluster, officer):
    """A plan item: an on-site visit in May or June, one milestone for it in each cluster."""
    return save_plan_item(
        plan_item=PlanItem(
            programme=programme,
            kind=Kind.ON_SITE_VISIT,
            title="Visit",
            starts_on=datetime.date(2024, 5, 1),
            ends_on=datetime.date(2024, 6, 30),
            is_tentative=True,
        ),
        by=officer,
    )


def matrix(client):
    return texts(client.get("/programmes/c4f/"), ".matrix tbody tr")


MATRIX = [
    "Other Cluster Planned May–June 2024 (day not fixed)",
    "SaxoCell Planned May–June 2024 (day not fixed)",
]


def test_matrix_shows_status_changed_without_save(client, traveller, officer, cluster, visit):
    client.force_login(officer)
    before = matrix(client)
    # An UPDATE leaves updated_at alone.
    Milestone.objects.filter(cluster=cluster).update(status=Status.DONE)

    after = matrix(client)

    assert (before, after) == (
        MATRIX,
        [
            "Other Cluster Planned May–June 2024 (day not fixed)",
            "SaxoCell Done May–June 2024 (day not fixed)",
        ],
    )


def test_matrix_shows_confirmed_day_and_renamed_cluster(client, traveller, officer, cluster, visit):
    client.force_login(officer)
    before = matrix(client)
    milestone = Milestone.objects.get(cluster=cluster)
    milestone.starts_on = datetime.date(2024, 5, 14)
    milestone.ends_on = None
    milestone.is_tentative = False
    milestone.save()
    cluster.name = "SaxoCell Leipzig"
    cluster.save()

    after = matrix(client)

    assert (before, after) == (
        MATRIX,
        [
            "Other Cluster Planned May–June 2024 (day not fixed)",
            "SaxoCell Leipzig Planned 14 May 2024",
        ],
    )


def test_matrix_shows_new_plan_item(client, traveller, officer, programme, visit):
    client.force_login(officer)
    before = matrix(client)
    save_plan_item(
        plan_item=PlanItem(
            programme=programme,
            kind=Kind.STRATEGY_SUBMISSION,
            title="Strategy",
            starts_on=datetime.date(2024, 4, 2),
            round=2,
        ),
        by=officer,
    )

    after = matrix(client)

    assert (before, after) == (
        MATRIX,
        [
            "Other Cluster not in scope Planned May–June 2024 (day not fixed)",
            "SaxoCell not in scope Planned May–June 2024 (day not fixed)",
        ],
    )


def test_matrix_follows_the_persons_language(client, traveller, officer, visit):
    client.force_login(officer)
    before = matrix(client)
    officer.language = Language.GERMAN
    officer.save()

    after = matrix(client)

    assert (before, after) == (
        MATRIX,
        [
            "Other Cluster Geplant Mai–Juni 2024 (Tag noch offen)",
            "SaxoCell Geplant Mai–Juni 2024 (Tag noch offen)",
        ],
    )
