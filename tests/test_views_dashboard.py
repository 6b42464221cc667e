"""The dashboard ("What is due"): groups by urgency, each counted, filters, query counts."""

import datetime

import pytest
import time_machine

from milestones.models import Cluster, Kind, Language, Membership, Programme, Status
from tests.helpers import MARCH_21, add_clusters, texts

D = datetime.date
# session, person, programmes, clusters, the groups' counts, each of the four groups' rows
DASHBOARD_QUERIES = 9


@pytest.fixture
def frozen():
    with time_machine.travel(MARCH_21, tick=False):
        yield


def groups(response):
    """Each group's heading and the titles it lists."""
    return {
        heading: texts(response, f"#{key} ~ .due-list .due-title")
        for key, heading in zip(
            ["group-overdue", "group-week", "group-month", "group-later"],
            texts(response, ".due-group h2"),
            strict=True,
        )
    }


def test_dashboard_groups_by_urgency_with_counts_countdown_and_lead(
    client, frozen, coordinator, member, make_milestone
):
    make_milestone(title="Strategy", starts_on=D(2024, 4, 2), lead=member)
    make_milestone(
        title="Visit",
        kind=Kind.ON_SITE_VISIT,
        starts_on=D(2024, 5, 1),
        ends_on=D(2024, 6, 30),
        is_tentative=True,
        lead=coordinator,
    )
    make_milestone(title="Report", kind=Kind.PROGRESS_REPORT, starts_on=D(2024, 3, 18))
    make_milestone(title="Older report", kind=Kind.PROGRESS_REPORT, starts_on=D(2024, 2, 1))
    make_milestone(title="Today", kind=Kind.OTHER, starts_on=D(2024, 3, 21))
    make_milestone(title="In a week", kind=Kind.OTHER, starts_on=D(2024, 3, 28))
    make_milestone(title="Done", starts_on=D(2024, 3, 25), status=Status.DONE)
    client.force_login(coordinator)

    response = client.get("/")

    assert (
        texts(response, "title"),
        texts(response, "h1"),
        groups(response),
        texts(response, ".dashboard-summary"),
    ) == (
        ["What is due · C4F Tracker"],
        ["What is due"],
        {
            "Overdue (2)": ["Report", "Older report"],
            "Due this week (2)": ["Today", "In a week"],
            "Due in the next 30 days (1)": ["Strategy"],
            "Later (1)": ["Visit"],
        },
        ["6 open milestones"],
    )
    assert texts(response, ".due") == [
        "⚠ 3 days overdue Report 18 March 2024 SaxoCell · Progress report · Planned",
        "⚠ 49 days overdue Older report 1 February 2024 SaxoCell · Progress report · Planned",
        "today Today 21 March 2024 SaxoCell · Other · Planned",
        "in 7 days In a week 28 March 2024 SaxoCell · Other · Planned",
        "in 12 days Strategy 2 April 2024 SaxoCell · Strategy submission · Planned "
        "· Lead: Max Member",
        "window opens in 41 days You lead Visit May–June 2024 (day not fixed) "
        "SaxoCell · On-site visit · Planned · Lead: Carla Coordinator",
    ]


def test_dashboard_window_under_way_is_due_this_week_and_empty_group_says_so(
    client, frozen, coordinator, make_milestone
):
    make_milestone(
        title="Visit",
        kind=Kind.ON_SITE_VISIT,
        starts_on=D(2024, 3, 1),
        ends_on=D(2024, 4, 30),
        is_tentative=True,
    )
    client.force_login(coordinator)

    response = client.get("/")

    assert (groups(response), texts(response, "#group-overdue ~ p.muted")) == (
        {
            "Overdue (0)": [],
            "Due this week (1)": ["Visit"],
            "Due in the next 30 days (0)": [],
            "Later (0)": [],
        },
        ["Nothing here."],
    )


def test_dashboard_deadline_of_today_moves_to_overdue_once_its_cut_off_has_passed(
    client, coordinator, make_milestone
):
    with time_machine.travel(MARCH_21, tick=False):
        make_milestone(title="Early", starts_on=MARCH_21.date(), starts_at=datetime.time(8, 0))
        make_milestone(title="Late", starts_on=MARCH_21.date(), starts_at=datetime.time(17, 0))
        make_milestone(
            title="Jury",
            kind=Kind.JURY_MEETING,
            starts_on=MARCH_21.date(),
            starts_at=datetime.time(8, 30),
            ends_at=datetime.time(10, 0),
        )
    client.force_login(coordinator)

    def at(hour, minute=0):
        with time_machine.travel(MARCH_21.replace(hour=hour, minute=minute), tick=False):
            response = client.get("/")
        return (
            texts(response, "#group-overdue ~ .due-list .countdown"),
            texts(response, "#group-week ~ .due-list .due-title"),
        )

    # A meeting that has begun is under way, not overdue: only deadlines have a cut-off.
    assert at(7, 59) == ([], ["Early", "Jury", "Late"])
    assert at(9) == (["⚠ overdue since 08:00"], ["Jury", "Late"])
    assert at(17) == (["⚠ overdue since 17:00", "⚠ overdue since 08:00"], ["Jury"])


def test_dashboard_group_cut_at_fifty_says_how_many_it_shows(
    client, frozen, coordinator, make_milestone
):
    for number in range(53):
        make_milestone(title=f"M{number:03d}", starts_on=D(2024, 5, 1) + datetime.timedelta(number))
    client.force_login(coordinator)

    response = client.get("/")

    titles = texts(response, "#group-later ~ .due-list .due-title")
    assert (len(titles), titles[0], titles[-1], texts(response, ".group-cut")) == (
        50,
        "M000",
        "M049",
        ["Showing 50 of 53; the cluster pages list all of them."],
    )
    assert texts(response, "#group-later .group-count") == ["(53)"]


def test_dashboard_of_an_officer_and_member_counts_both_and_nothing_else(
    client, frozen, officer, make_milestone
):
    elsewhere = Programme.objects.create(name="Elsewhere", slug="elsewhere")
    joined = Cluster.objects.create(programme=elsewhere, name="Joined", slug="joined")
    foreign = Cluster.objects.create(programme=elsewhere, name="Foreign", slug="foreign")
    Membership.objects.create(person=officer, cluster=joined)
    make_milestone(title="Ours", starts_on=D(2024, 4, 10))
    make_milestone(title="Done", starts_on=D(2024, 4, 3), status=Status.DONE)
    make_milestone(title="Cancelled", starts_on=D(2024, 4, 3), status=Status.CANCELLED)
    make_milestone(title="Joined's report", cluster=joined, starts_on=D(2024, 4, 5))
    make_milestone(title="Foreign report", cluster=foreign, starts_on=D(2024, 4, 1))
    client.force_login(officer)

    response = client.get("/")

    assert groups(response)["Due in the next 30 days (2)"] == ["Joined's report", "Ours"]


def test_dashboard_filters_by_cluster_kind_status_and_only_mine(
    client, frozen, officer, other_cluster, coordinator, make_milestone
):
    Membership.objects.create(person=officer, cluster=other_cluster)
    make_milestone(title="Strategy", starts_on=D(2024, 4, 2), lead=coordinator)
    make_milestone(title="Report", kind=Kind.PROGRESS_REPORT, starts_on=D(2024, 4, 3))
    make_milestone(title="Other's", cluster=other_cluster, starts_on=D(2024, 4, 4), lead=officer)
    make_milestone(title="Begun", starts_on=D(2024, 4, 5), status=Status.IN_PROGRESS)
    client.force_login(officer)

    def titles(query):
        return texts(client.get("/" + query), ".due-title")

    assert (
        titles(""),
        titles("?cluster=saxocell"),
        titles("?kind=progress-report"),
        titles("?status=in-progress"),
        titles("?mine=on"),
        titles("?cluster=other&kind=progress-report"),
        titles("?kind=no-such-kind"),
    ) == (
        ["Strategy", "Report", "Other's", "Begun"],
        ["Strategy", "Report", "Begun"],
        ["Report"],
        ["Begun"],
        ["Other's"],
        [],
        ["Strategy", "Report", "Other's", "Begun"],
    )
    response = client.get("/?cluster=saxocell&mine=on")
    assert (texts(response, ".dashboard-summary"), texts(response, "#group-month")) == (
        ["0 open milestones (filtered)"],
        ["Due in the next 30 days (0)"],
    )


def test_dashboard_only_mine_counts_contributions_too(
    client, frozen, coordinator, member, make_milestone
):
    make_milestone(title="Led", starts_on=D(2024, 4, 2), lead=member)
    make_milestone(title="Helped", starts_on=D(2024, 4, 3), lead=coordinator, contributors=[member])
    make_milestone(title="Not mine", starts_on=D(2024, 4, 4))
    client.force_login(member)

    response = client.get("/?mine=on")

    assert texts(response, ".due-title") == ["Led", "Helped"]


def test_dashboard_in_german_for_german_account(client, frozen, member, make_milestone):
    make_milestone(title="Strategie", starts_on=D(2024, 4, 2), lead=member)
    make_milestone(title="Bericht", starts_on=D(2024, 3, 20))
    member.language = Language.GERMAN
    member.save()
    client.force_login(member)

    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")

    assert (texts(response, "h1"), texts(response, ".due-group h2"), texts(response, ".due")) == (
        ["Was ansteht"],
        [
            "Überfällig (1)",
            "Fällig diese Woche (0)",
            "Fällig in den nächsten 30 Tagen (1)",
            "Später (0)",
        ],
        [
            "⚠ seit 1 Tag überfällig Bericht 20. März 2024 SaxoCell · Strategieeinreichung · Geplant",
            "in 12 Tagen Sie leiten Strategie 2. April 2024 SaxoCell · Strategieeinreichung "
            "· Geplant · Federführung: Max Member",
        ],
    )


def test_dashboard_deadline_of_today_past_its_cut_off_asks_no_more_queries(
    client, coordinator, make_milestone, django_assert_num_queries
):
    # The programme's time zone comes with the milestone's cluster, not in a query of its own.
    make_milestone(title="Early", starts_on=MARCH_21.date(), starts_at=datetime.time(8, 0))
    client.force_login(coordinator)

    with (
        time_machine.travel(MARCH_21, tick=False),
        django_assert_num_queries(DASHBOARD_QUERIES),
    ):
        response = client.get("/")

    assert texts(response, ".due .countdown") == ["⚠ overdue since 08:00"]


def test_dashboard_cut_off_is_in_the_time_zone_of_the_milestones_programme(
    client, programme, coordinator, make_milestone
):
    programme.time_zone = "America/New_York"
    programme.save()
    with time_machine.travel(MARCH_21, tick=False):
        make_milestone(title="Report", starts_on=MARCH_21.date(), starts_at=datetime.time(8, 0))
    client.force_login(coordinator)

    def countdown_at(hour):
        with time_machine.travel(MARCH_21.replace(hour=hour), tick=False):
            return texts(client.get("/"), ".due .countdown")

    # 08:00 in New York is 13:00 in Berlin.
    assert (countdown_at(12), countdown_at(13)) == (["today"], ["⚠ overdue since 08:00"])


def test_dashboard_same_queries_for_one_milestone_and_many(
    client, coordinator, member, officer, other_cluster, make_milestone, django_assert_num_queries
):
    make_milestone(lead=member)
    client.force_login(coordinator)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        client.get("/")

    for day in range(1, 8):
        make_milestone(
            title=f"M{day}",
            starts_on=datetime.date(2030, 5, day),
            lead=coordinator,
            contributors=[member],
        )

    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get("/")
    assert len(texts(response, ".due")) == 8


def test_dashboard_of_an_officer_same_queries_for_few_clusters_and_many(
    client, officer, programme, django_assert_num_queries
):
    Membership.objects.create(person=officer, cluster=add_clusters(programme, 2)[0])
    client.force_login(officer)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        few = client.get("/")
    for cluster in add_clusters(programme, 60, first=3)[:5]:
        Membership.objects.create(person=officer, cluster=cluster)

    with django_assert_num_queries(DASHBOARD_QUERIES):
        many = client.get("/")

    assert (
        len(texts(few, "#clusters-heading + ul li")),
        texts(few, "#programmes-heading ~ ul li"),
        len(texts(many, "#clusters-heading + ul li")),
        texts(many, "#programmes-heading ~ ul li"),
    ) == (
        1,
        ["Clusters4Future: who has submitted what (2 clusters)"],
        6,
        ["Clusters4Future: who has submitted what (62 clusters)"],
    )
