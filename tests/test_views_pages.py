"""The pages people read: the dashboard, a cluster's timeline, a milestone."""

import datetime
import re

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.urls import reverse

from milestones.models import (
    Cluster,
    Kind,
    Language,
    Membership,
    Person,
    Programme,
    Status,
)
from milestones.plan import change_milestone_date
from tests.conftest import PASSWORD
from tests.helpers import MARCH_21, add_clusters, links, texts

# Queries per page, the same for one milestone and for many.
# session, person, milestones with their clusters and leads, clusters, programmes
DASHBOARD_QUERIES = 5
# session, person, cluster, milestones, memberships, the history of the members, the
# reader's roles
CLUSTER_QUERIES = 7
# session, person, milestone, its people, its history, the changes of its people, the
# reader's roles, and for the cluster's coordinators its reminder ledger
MILESTONE_QUERIES = 8


@pytest.fixture
def frozen():
    with time_machine.travel(MARCH_21, tick=False):
        yield


def test_officer_sees_every_cluster_of_programme(client, officer, cluster, other_cluster):
    client.force_login(officer)

    statuses = [
        client.get("/clusters/saxocell/").status_code,
        client.get("/clusters/other/").status_code,
    ]

    assert statuses == [200, 200]


def test_dashboard_soonest_first_with_countdown_overdue_and_lead(
    client, frozen, coordinator, member, make_milestone
):
    make_milestone(title="Strategy", starts_on=datetime.date(2024, 4, 2), lead=member)
    make_milestone(
        title="Visit",
        kind=Kind.ON_SITE_VISIT,
        starts_on=datetime.date(2024, 5, 1),
        ends_on=datetime.date(2024, 6, 30),
        is_tentative=True,
        lead=coordinator,
    )
    make_milestone(title="Report", kind=Kind.PROGRESS_REPORT, starts_on=datetime.date(2024, 3, 18))
    make_milestone(title="Today", kind=Kind.OTHER, starts_on=datetime.date(2024, 3, 21))
    make_milestone(title="Done", starts_on=datetime.date(2024, 3, 25), status=Status.DONE)
    client.force_login(coordinator)

    response = client.get("/")

    assert texts(response, ".due") == [
        "⚠ 3 days overdue Report 18 March 2024 SaxoCell · Progress report · Planned",
        "today Today 21 March 2024 SaxoCell · Other · Planned",
        "in 12 days Strategy 2 April 2024 SaxoCell · Strategy submission · Planned "
        "· Lead: Max Member",
        "window opens in 41 days You lead Visit May–June 2024 (day not fixed) "
        "SaxoCell · On-site visit · Planned · Lead: Carla Coordinator",
    ]


def test_dashboard_deadline_of_today_is_overdue_once_its_cut_off_time_has_passed(
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

    def rows_at(hour, minute=0):
        with time_machine.travel(MARCH_21.replace(hour=hour, minute=minute), tick=False):
            return texts(client.get("/"), ".due .countdown")

    # A meeting that has begun is under way, not overdue: only deadlines have a cut-off.
    assert rows_at(7, 59) == ["today", "today", "today"]
    assert rows_at(9) == ["⚠ overdue since 08:00", "today", "today"]
    assert rows_at(17) == ["⚠ overdue since 08:00", "today", "⚠ overdue since 17:00"]


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


def test_milestone_page_deadline_of_today_is_overdue_once_its_cut_off_time_has_passed(
    client, member, make_milestone
):
    with time_machine.travel(MARCH_21, tick=False):
        strategy = make_milestone(starts_on=MARCH_21.date(), starts_at=datetime.time(12, 0))
    client.force_login(member)

    def countdown_at(hour):
        with time_machine.travel(MARCH_21.replace(hour=hour), tick=False):
            return texts(client.get(f"/milestones/{strategy.pk}/"), ".milestone-when .countdown")

    member.language = Language.GERMAN
    member.save()
    assert (countdown_at(11), countdown_at(12)) == (["heute"], ["⚠ überfällig seit 12:00"])


def test_dashboard_many_open_milestones_shows_the_soonest_hundred(
    client, frozen, coordinator, make_milestone
):
    for number in range(101):
        make_milestone(
            title=f"M{number:03d}", starts_on=datetime.date(2024, 4, 1) + datetime.timedelta(number)
        )
    client.force_login(coordinator)

    response = client.get("/")

    titles = texts(response, ".due-title")
    assert (len(titles), titles[0], titles[-1]) == (100, "M000", "M099")
    assert texts(response, ".due-list + p.muted") == [
        "Only the soonest 100 milestones are shown here; the cluster pages list all of them."
    ]


def test_dashboard_of_an_officer_and_member_lists_the_soonest_of_both_and_nothing_else(
    client, frozen, officer, make_milestone
):
    elsewhere = Programme.objects.create(name="Elsewhere", slug="elsewhere")
    joined = Cluster.objects.create(programme=elsewhere, name="Joined", slug="joined")
    foreign = Cluster.objects.create(programme=elsewhere, name="Foreign", slug="foreign")
    Membership.objects.create(person=officer, cluster=joined)
    for number in range(100):
        make_milestone(
            title=f"M{number:03d}",
            starts_on=datetime.date(2024, 4, 10) + datetime.timedelta(number),
        )
    make_milestone(title="Done", starts_on=datetime.date(2024, 4, 3), status=Status.DONE)
    make_milestone(title="Cancelled", starts_on=datetime.date(2024, 4, 3), status=Status.CANCELLED)
    make_milestone(title="Joined's report", cluster=joined, starts_on=datetime.date(2024, 4, 5))
    # Sooner than all of them, in a cluster of another programme the officer is not in.
    make_milestone(title="Foreign report", cluster=foreign, starts_on=datetime.date(2024, 4, 1))
    client.force_login(officer)

    response = client.get("/")

    titles = texts(response, ".due-title")
    assert (len(titles), titles[:2], titles[-1]) == (100, ["Joined's report", "M000"], "M098")
    assert "Foreign report" not in response.content.decode()
    assert texts(response, ".due-list + p.muted") == [
        "Only the soonest 100 milestones are shown here; the cluster pages list all of them."
    ]


def test_dashboard_in_german_for_german_account(client, frozen, member, make_milestone):
    make_milestone(title="Strategie", starts_on=datetime.date(2024, 4, 2), lead=member)
    make_milestone(title="Bericht", starts_on=datetime.date(2024, 3, 20))
    member.language = Language.GERMAN
    member.save()
    client.force_login(member)

    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")

    assert texts(response, ".due") == [
        "⚠ seit 1 Tag überfällig Bericht 20. März 2024 SaxoCell · Strategieeinreichung · Geplant",
        "in 12 Tagen Sie leiten Strategie 2. April 2024 SaxoCell · Strategieeinreichung "
        "· Geplant · Federführung: Max Member",
    ]


def test_dashboard_of_an_officer_lists_programmes_with_cluster_counts_not_their_clusters(
    client, officer, programme, cluster, other_cluster
):
    add_clusters(programme, 3)
    alpha = Programme.objects.create(name="Alpha", slug="alpha")
    alpha.officers.create(person=officer)
    Cluster.objects.create(programme=alpha, name="Alpha One", slug="alpha-one")
    # A programme whose clusters are not chosen yet.
    Programme.objects.create(name="Zeta", slug="zeta").officers.create(person=officer)
    client.force_login(officer)

    response = client.get("/")

    assert (
        texts(response, "section h2"),
        texts(response, "#programmes-heading ~ *"),
        links(response, "section"),
    ) == (
        ["Programmes you oversee"],
        [
            "Each programme's page lists all of its clusters.",
            "Alpha: who has submitted what (1 cluster) "
            "Clusters4Future: who has submitted what (5 clusters) "
            "Zeta: who has submitted what (0 clusters)",
        ],
        ["/programmes/alpha/", "/programmes/c4f/", "/programmes/zeta/"],
    )


def test_dashboard_of_an_officer_in_a_cluster_lists_that_cluster_and_the_programme(
    client, officer, programme, cluster, other_cluster
):
    Membership.objects.create(person=officer, cluster=cluster)
    client.force_login(officer)

    response = client.get("/")

    assert (
        texts(response, "section h2"),
        texts(response, "#clusters-heading + ul li"),
        texts(response, "#programmes-heading ~ ul li"),
        links(response, "section"),
    ) == (
        ["Your clusters", "Programmes you oversee"],
        ["SaxoCell (Clusters4Future)"],
        ["Clusters4Future: who has submitted what (2 clusters)"],
        ["/clusters/saxocell/", "/programmes/c4f/"],
    )


def test_dashboard_of_a_member_lists_their_clusters_and_no_programme(client, member, other_cluster):
    other = Cluster.objects.create(
        programme=Programme.objects.create(name="Elsewhere", slug="elsewhere"),
        name="Elsewhere Cluster",
        slug="elsewhere-cluster",
    )
    Membership.objects.create(person=member, cluster=other)
    client.force_login(member)

    response = client.get("/")

    assert (
        texts(response, "section h2"),
        texts(response, "#clusters-heading + ul li"),
        links(response, "section"),
    ) == (
        ["Your clusters"],
        ["Elsewhere Cluster (Elsewhere)", "SaxoCell (Clusters4Future)"],
        ["/clusters/elsewhere-cluster/", "/clusters/saxocell/"],
    )


def test_dashboard_of_someone_in_no_cluster_and_no_programme_says_so(client, cluster):
    person = Person.objects.create_user("new@c4f.test", PASSWORD, name="New Person")
    client.force_login(person)

    response = client.get("/")

    assert (texts(response, "section h2"), texts(response, "#clusters-heading + ul li")) == (
        ["Your clusters"],
        ["You are not in any cluster yet."],
    )


def test_dashboard_clusters_and_programmes_in_german(client, officer, cluster, other_cluster):
    Membership.objects.create(person=officer, cluster=cluster)
    officer.language = Language.GERMAN
    officer.save()
    client.force_login(officer)

    response = client.get("/")

    assert (
        texts(response, "section h2"),
        texts(response, "#clusters-heading + ul li"),
        texts(response, "#programmes-heading ~ *"),
    ) == (
        ["Ihre Cluster", "Programme, die Sie betreuen"],
        ["SaxoCell (Clusters4Future)"],
        [
            "Die Seite eines Programms listet alle seine Cluster auf.",
            "Clusters4Future: wer was eingereicht hat (2 Cluster)",
        ],
    )


def timeline_positions(soup):
    """The timeline's CSS rules (selector -> declarations), from the page's nonce'd <style>."""
    style = soup.select_one("head style")
    return {
        selector.strip(): declarations.strip()
        for selector, declarations in re.findall(r"([^{}]+)\{([^}]*)\}", style.get_text())
    }


def test_cluster_page_draws_timeline_by_year_with_today(
    client, frozen, coordinator, member, make_milestone
):
    make_milestone(title="Strategy", starts_on=datetime.date(2024, 4, 2))
    make_milestone(
        title="Phase 2",
        kind=Kind.IMPLEMENTATION_PHASE,
        starts_on=datetime.date(2024, 10, 1),
        ends_on=datetime.date(2025, 1, 31),
        is_tentative=True,
    )
    make_milestone(title="Old report", starts_on=datetime.date(2023, 9, 29))
    client.force_login(member)

    response = client.get("/clusters/saxocell/")

    soup = BeautifulSoup(response.content, "html.parser")
    positions = timeline_positions(soup)
    years = [
        (
            timeline.h3.get_text(),
            [
                (
                    item.select_one(".timeline-label a").get_text(),
                    item["class"],
                    positions[f"#{item['id']} .timeline-bar"],
                )
                for item in timeline.select(".timeline-item")
            ],
            [positions[f"#{today['id']}"] for today in timeline.select(".timeline-today")],
        )
        for timeline in soup.select(".timeline")
    ]
    assert years == [
        (
            "2023",
            [
                (
                    "Old report",
                    ["timeline-item", "is-past", "is-day", "status-planned"],
                    "left: 74.25%; width: 0.27%",
                )
            ],
            [],
        ),
        (
            "2024",
            [
                (
                    "Strategy",
                    ["timeline-item", "is-day", "status-planned"],
                    "left: 25.14%; width: 0.27%",
                ),
                (
                    "Phase 2",
                    ["timeline-item", "is-window", "status-planned"],
                    "left: 74.86%; width: 25.14%",
                ),
            ],
            ["left: 21.86%"],
        ),
        (
            "2025",
            [
                (
                    "Phase 2",
                    ["timeline-item", "is-window", "status-planned"],
                    "left: 0.00%; width: 8.49%",
                )
            ],
            [],
        ),
    ]


def test_cluster_page_lists_people_and_roles(client, coordinator, member):
    client.force_login(member)

    response = client.get("/clusters/saxocell/")

    assert texts(response, "section[aria-labelledby=people-heading] tbody tr") == [
        "Carla Coordinator Coordinator",
        "Max Member Member",
    ]


def test_cluster_page_uses_the_same_queries_for_one_milestone_and_many(
    client, coordinator, member, make_milestone, django_assert_num_queries
):
    make_milestone(lead=member)
    client.force_login(coordinator)
    with django_assert_num_queries(CLUSTER_QUERIES):
        client.get("/clusters/saxocell/")

    for day in range(1, 8):
        make_milestone(
            title=f"M{day}",
            starts_on=datetime.date(2024, 5, day),
            lead=member,
            contributors=[coordinator],
        )

    with django_assert_num_queries(CLUSTER_QUERIES):
        client.get("/clusters/saxocell/")


def test_milestone_page_shows_date_cut_off_people_and_history(
    client, coordinator, member, make_milestone
):
    milestone = make_milestone(
        lead=member,
        contributors=[coordinator],
        starts_at=datetime.time(12, 0),
        location="Leipzig",
        description="Strategy and documents.",
    )
    change_milestone_date(
        milestone=milestone,
        by=coordinator,
        reason="the jury asked for more time",
        starts_on=datetime.date(2024, 4, 5),
    )
    client.force_login(member)

    response = client.get(f"/milestones/{milestone.pk}/")

    assert texts(response, ".milestone-when strong") == ["5 April 2024, due 12:00"]
    assert texts(response, ".facts dd") == [
        "Planned",
        "Strategy submission",
        "12:00 local time (Europe/Berlin)",
        "Max Member (Lead) , Carla Coordinator (Contributor)",
        "Leipzig",
    ]
    history = texts(response, ".history li")
    assert [entry.split(" · ", 1)[1] for entry in history] == [
        "date set: 2 April 2024, due 12:00",
        "lead: nobody → Max Member",
        "contributors added: Carla Coordinator",
        "date: 2 April 2024, due 12:00 → 5 April 2024, due 12:00 · by Carla Coordinator · "
        "“the jury asked for more time”",
    ]
    assert texts(response, "a[download]") == ["Download .ics"]
    assert BeautifulSoup(response.content, "html.parser").select_one("a[download]")["href"] == (
        f"/milestones/{milestone.pk}/event.ics"
    )


def test_milestone_page_same_queries_for_few_and_many_people(
    client, coordinator, member, make_milestone, django_assert_num_queries
):
    one = make_milestone(lead=member)
    many = make_milestone(title="Many", lead=member, contributors=[coordinator])
    change_milestone_date(
        milestone=many, by=coordinator, reason="x", starts_on=datetime.date(2024, 4, 3)
    )
    change_milestone_date(
        milestone=many, by=member, reason="y", starts_on=datetime.date(2024, 4, 4)
    )
    client.force_login(coordinator)

    with django_assert_num_queries(MILESTONE_QUERIES):
        client.get(f"/milestones/{one.pk}/")
    with django_assert_num_queries(MILESTONE_QUERIES):
        client.get(f"/milestones/{many.pk}/")


def test_milestone_page_shows_who_changed_the_status_when_and_their_note(
    client, frozen, coordinator, member, make_milestone
):
    milestone = make_milestone(lead=member)
    client.force_login(coordinator)
    client.post(f"/milestones/{milestone.pk}/status/", {"status": Status.IN_PROGRESS})
    client.force_login(member)
    client.post(
        f"/milestones/{milestone.pk}/status/", {"status": Status.DONE, "note": "sent by mail"}
    )

    response = client.get(f"/milestones/{milestone.pk}/")

    assert texts(response, ".history li.history-status") == [
        "21 March 2024, 09:00 · status: Planned → In progress · by Carla Coordinator",
        "21 March 2024, 09:00 · status: In progress → Done · by Max Member · “sent by mail”",
    ]


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


def test_dashboard_url_is_root():
    assert reverse("milestones:dashboard") == "/"
