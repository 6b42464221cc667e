"""The web UI: who sees what, what the pages say, and what the forms change."""

import datetime
import re
import zoneinfo

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core import mail
from django.urls import reverse

from milestones.models import (
    Cluster,
    Kind,
    Language,
    Membership,
    Milestone,
    Person,
    PlanItem,
    Programme,
    Responsibility,
    ResponsibilityRole,
    Role,
    Status,
)
from milestones.plan import change_milestone_date, save_plan_item
from tests.conftest import PASSWORD

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
# A morning in March 2024, twelve days before the strategy is due on 2 April.
MARCH_21 = datetime.datetime(2024, 3, 21, 9, 0, tzinfo=BERLIN)

# Queries per page, the same for one milestone and for many.
# session, person, milestones with their leads, clusters, programmes
DASHBOARD_QUERIES = 5
# session, person, cluster, milestones, memberships, the reader's roles
CLUSTER_QUERIES = 6
# session, person, milestone, its people, its history, the reader's roles, and for the
# cluster's coordinators its reminder ledger
MILESTONE_QUERIES = 7
# session, person, programme, plan items, the number of clusters, a page of them, their
# milestones
PROGRAMME_QUERIES = 7


@pytest.fixture
def frozen():
    with time_machine.travel(MARCH_21, tick=False):
        yield


def texts(response, selector):
    """The whitespace-normalised text of every element the CSS selector finds."""
    soup = BeautifulSoup(response.content, "html.parser")
    return [" ".join(element.get_text(" ").split()) for element in soup.select(selector)]


def field_errors(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return {
        element["id"].removeprefix("id_").removesuffix("_error"): element.get_text()
        for element in soup.select("small.field-error")
    }


def add_clusters(programme, count, *, first=1):
    """Clusters "Cluster 001", "Cluster 002", ... of the programme, ``count`` of them."""
    return Cluster.objects.bulk_create(
        Cluster(programme=programme, name=f"Cluster {number:03d}", slug=f"cluster-{number:03d}")
        for number in range(first, first + count)
    )


def cluster_names(first, last):
    return [f"Cluster {number:03d}" for number in range(first, last + 1)]


def links(response, selector):
    """Where the links of the elements the CSS selector finds lead."""
    soup = BeautifulSoup(response.content, "html.parser")
    return [link["href"] for element in soup.select(selector) for link in element.select("a")]


# --- Log-in and who may see what ------------------------------------------------------------

LOGGED_IN_PAGES = [
    "/",
    "/clusters/saxocell/",
    "/clusters/saxocell/milestones/new/",
    "/clusters/saxocell/people/new/",
    "/milestones/1/",
    "/milestones/1/edit/",
    "/milestones/1/status/",
    "/programmes/c4f/",
    "/programmes/c4f/matrix.csv",
    "/programmes/c4f/plan/new/",
    "/programmes/c4f/plan/1/edit/",
    "/account/",
    "/accounts/password_change/",
]


@pytest.mark.parametrize("path", LOGGED_IN_PAGES)
def test_page_anonymous_is_sent_to_log_in(client, cluster, path):
    response = client.get(path)

    assert (response.status_code, response["Location"]) == (
        302,
        f"/accounts/login/?next={path}",
    )


@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/accounts/password_reset/", "/accounts/password_reset/done/"]
)
def test_page_anonymous_without_log_in(client, db, path):
    response = client.get(path)

    assert response.status_code == 200


def test_log_in_by_email_lands_on_dashboard(client, coordinator):
    response = client.post(
        "/accounts/login/", {"username": "COORDINATOR@saxocell.test", "password": PASSWORD}
    )

    assert (response.status_code, response["Location"]) == (302, "/")


def test_log_out_by_post_ends_session(client, coordinator):
    client.force_login(coordinator)

    client.post("/accounts/logout/")

    assert client.get("/")["Location"] == "/accounts/login/?next=/"


@pytest.mark.parametrize(
    "name", ["cluster_page", "milestone", "milestone_edit", "status", "new", "invite"]
)
def test_other_cluster_pages_are_not_found(
    client, other_coordinator, coordinator, make_milestone, name
):
    milestone = make_milestone(lead=coordinator)
    client.force_login(other_coordinator)
    path = {
        "cluster_page": "/clusters/saxocell/",
        "milestone": f"/milestones/{milestone.pk}/",
        "milestone_edit": f"/milestones/{milestone.pk}/edit/",
        "status": f"/milestones/{milestone.pk}/status/",
        "new": "/clusters/saxocell/milestones/new/",
        "invite": "/clusters/saxocell/people/new/",
    }[name]

    assert client.get(path).status_code == 404
    if name not in ("cluster_page", "milestone"):
        assert client.post(path, {"status": Status.DONE}).status_code == 404
    assert Milestone.objects.get().status == Status.PLANNED


def test_member_cannot_edit_milestone(client, member, coordinator, make_milestone):
    milestone = make_milestone(lead=coordinator)
    client.force_login(member)

    statuses = [
        client.get(f"/milestones/{milestone.pk}/edit/").status_code,
        client.get(f"/milestones/{milestone.pk}/status/").status_code,
        client.get("/clusters/saxocell/milestones/new/").status_code,
        client.get(f"/milestones/{milestone.pk}/").status_code,
    ]

    assert statuses == [404, 404, 404, 200]


def test_programme_page_only_for_its_officers(client, officer, coordinator, programme):
    client.force_login(coordinator)

    assert client.get("/programmes/c4f/").status_code == 404
    client.force_login(officer)
    assert client.get("/programmes/c4f/").status_code == 200


def test_officer_sees_every_cluster_of_programme(client, officer, cluster, other_cluster):
    client.force_login(officer)

    statuses = [
        client.get("/clusters/saxocell/").status_code,
        client.get("/clusters/other/").status_code,
    ]

    assert statuses == [200, 200]


# --- Dashboard ------------------------------------------------------------------------------


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


def test_log_in_page_follows_browser_language(client, db):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="de")

    assert texts(response, "h1") == ["Anmelden"]


# --- Cluster page ---------------------------------------------------------------------------


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


# --- Milestone page -------------------------------------------------------------------------


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
    assert [entry.split(": ", 1)[1] for entry in history] == [
        "set to 2 April 2024, due 12:00",
        "moved from 2 April 2024, due 12:00 to 5 April 2024, due 12:00 by Carla Coordinator: "
        "the jury asked for more time",
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


# --- Editing --------------------------------------------------------------------------------


def milestone_post(**changes):
    data = {
        "kind": Kind.STRATEGY_SUBMISSION,
        "title": "Cluster strategy",
        "date_form": "day",
        "starts_on": "2024-04-02",
        "ends_on": "",
        "starts_at": "",
        "ends_at": "",
        "month": "",
        "reason": "",
        "location": "",
        "description": "",
        "lead": "",
    }
    data.update(changes)
    return data


def test_edit_moves_date_with_reason_into_history(client, coordinator, member, make_milestone):
    milestone = make_milestone(lead=member)
    client.force_login(coordinator)

    response = client.post(
        f"/milestones/{milestone.pk}/edit/",
        milestone_post(
            date_form="day-with-time",
            starts_on="2024-04-05",
            starts_at="12:00",
            reason="jury's request",
            lead=member.pk,
        ),
    )

    milestone.refresh_from_db()
    assert response["Location"] == f"/milestones/{milestone.pk}/"
    assert (milestone.starts_on, milestone.starts_at, milestone.date_version) == (
        datetime.date(2024, 4, 5),
        datetime.time(12, 0),
        1,
    )
    assert milestone.history.first().history_change_reason == "jury's request"
    assert milestone.history.first().history_user == coordinator


def test_edit_errors_next_to_fields_and_nothing_lost(client, coordinator, make_milestone):
    milestone = make_milestone()
    client.force_login(coordinator)

    response = client.post(
        f"/milestones/{milestone.pk}/edit/",
        milestone_post(
            date_form="window",
            starts_on="2024-06-30",
            ends_on="2024-05-01",
            title="Strategy, revised",
            location="Dresden",
            reason="plan changed",
        ),
    )

    soup = BeautifulSoup(response.content, "html.parser")
    assert response.status_code == 200
    assert field_errors(response) == {"ends_on": "The last day cannot be before the first day."}
    assert [
        soup.select_one(f"#id_{name}")["value"]
        for name in ("starts_on", "ends_on", "title", "location", "reason")
    ] == ["2024-06-30", "2024-05-01", "Strategy, revised", "Dresden", "plan changed"]
    assert soup.select_one("#id_ends_on")["aria-invalid"] == "true"
    milestone.refresh_from_db()
    assert milestone.title == "Cluster strategy"


def post_meeting_time(client, milestone, starts_on, starts_at, ends_at, **changes):
    """The milestone edited into a jury meeting on that day, at those times."""
    return client.post(
        f"/milestones/{milestone.pk}/edit/",
        milestone_post(
            kind=Kind.JURY_MEETING,
            date_form="day-with-time",
            starts_on=starts_on,
            starts_at=starts_at,
            ends_at=ends_at,
            **changes,
        ),
    )


@pytest.mark.parametrize(
    ("starts_on", "starts_at", "ends_at", "field", "time"),
    [
        # Summer time starts: the clocks in Berlin go from 02:00 to 03:00.
        ("2024-03-31", "02:30", "03:15", "starts_at", "02:30"),
        ("2025-03-30", "01:00", "02:00", "ends_at", "02:00"),
    ],
)
def test_edit_refuses_a_time_the_clocks_skip_and_loses_nothing(
    client, coordinator, make_milestone, starts_on, starts_at, ends_at, field, time
):
    milestone = make_milestone(kind=Kind.JURY_MEETING)
    client.force_login(coordinator)

    response = post_meeting_time(
        client, milestone, starts_on, starts_at, ends_at, title="Jury rehearsal"
    )

    assert response.status_code == 200
    assert field_errors(response) == {
        field: f"The clocks in Europe/Berlin skip {time} on "
        f"{datetime.date.fromisoformat(starts_on).day} March {starts_on[:4]}, when summer time "
        "starts. Give a time before or after the hour they skip."
    }
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one("#id_title")["value"] == "Jury rehearsal"
    milestone.refresh_from_db()
    assert (milestone.title, milestone.starts_at) == ("Cluster strategy", None)


def test_edit_takes_a_time_of_the_night_summer_time_ends(client, coordinator, make_milestone):
    # 02:30 comes twice that night; the first, in summer time, is meant.
    milestone = make_milestone(kind=Kind.JURY_MEETING)
    client.force_login(coordinator)

    response = post_meeting_time(client, milestone, "2024-10-27", "02:30", "03:15")

    assert response.status_code == 302
    milestone.refresh_from_db()
    assert (milestone.starts_at, milestone.ends_at) == (datetime.time(2, 30), datetime.time(3, 15))


def test_edit_offers_only_the_clusters_members(
    client, coordinator, member, other_coordinator, make_milestone
):
    milestone = make_milestone()
    client.force_login(coordinator)

    page = client.get(f"/milestones/{milestone.pk}/edit/")
    response = client.post(
        f"/milestones/{milestone.pk}/edit/",
        milestone_post(lead=other_coordinator.pk, contributors=[other_coordinator.pk]),
    )

    assert texts(page, "#id_lead option") == ["Nobody yet", "Carla Coordinator", "Max Member"]
    assert set(field_errors(response)) == {"lead", "contributors"}
    assert Responsibility.objects.count() == 0


def test_edit_sets_lead_and_contributors(client, coordinator, member, make_milestone):
    milestone = make_milestone(lead=coordinator)
    client.force_login(coordinator)

    client.post(
        f"/milestones/{milestone.pk}/edit/",
        milestone_post(lead=member.pk, contributors=[coordinator.pk]),
    )

    assert sorted(
        (r.person.name, r.role) for r in Responsibility.objects.filter(milestone=milestone)
    ) == [
        ("Carla Coordinator", ResponsibilityRole.CONTRIBUTOR),
        ("Max Member", ResponsibilityRole.LEAD),
    ]


def test_edit_hands_the_lead_to_a_contributor_who_stays_ticked(
    client, coordinator, member, make_milestone
):
    milestone = make_milestone(lead=coordinator, contributors=[member])
    client.force_login(coordinator)

    response = client.post(
        f"/milestones/{milestone.pk}/edit/",
        milestone_post(lead=member.pk, contributors=[member.pk]),
    )

    assert response.status_code == 302
    assert [
        (r.person.name, r.role) for r in Responsibility.objects.filter(milestone=milestone)
    ] == [("Max Member", ResponsibilityRole.LEAD)]


def test_new_milestone_as_month_window(client, coordinator, cluster):
    client.force_login(coordinator)

    response = client.post(
        "/clusters/saxocell/milestones/new/",
        milestone_post(
            kind=Kind.PROGRESS_REPORT, title="3rd report", date_form="month", month="2024-09"
        ),
    )

    milestone = Milestone.objects.get()
    assert response["Location"] == f"/milestones/{milestone.pk}/"
    assert (milestone.cluster, milestone.when_text) == (cluster, "September 2024 (day not fixed)")


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"date_form": "day", "starts_on": "2024-02-31"}, "starts_on", "Enter a valid date."),
        (
            {"date_form": "day-with-time", "starts_on": "2024-04-02", "starts_at": "25:99"},
            "starts_at",
            "Enter a valid time.",
        ),
        ({"date_form": "month", "month": "2024-13"}, "month", "Enter a valid date."),
    ],
)
def test_new_milestone_with_an_impossible_date_says_so_once(
    client, coordinator, fields, field, message
):
    client.force_login(coordinator)

    response = client.post("/clusters/saxocell/milestones/new/", milestone_post(**fields))

    soup = BeautifulSoup(response.content, "html.parser")
    assert [e.get_text() for e in soup.select(f"#id_{field}_error")] == [message]
    assert Milestone.objects.count() == 0


def test_edit_form_shows_month_window_as_month(client, coordinator, make_milestone):
    milestone = make_milestone(
        kind=Kind.PROGRESS_REPORT,
        starts_on=datetime.date(2023, 9, 1),
        ends_on=datetime.date(2023, 9, 30),
        is_tentative=True,
    )
    client.force_login(coordinator)

    response = client.get(f"/milestones/{milestone.pk}/edit/")

    soup = BeautifulSoup(response.content, "html.parser")
    assert (
        soup.select_one("input[name=date_form][checked]")["value"],
        soup.select_one("#id_month")["value"],
    ) == ("month", "2023-09")


def test_edit_confirms_day_inside_plan_window(client, coordinator, officer, programme, cluster):
    plan_item = save_plan_item(
        plan_item=PlanItem(
            programme=programme,
            kind=Kind.ON_SITE_VISIT,
            title="On-site visit",
            starts_on=datetime.date(2024, 5, 1),
            ends_on=datetime.date(2024, 6, 30),
            is_tentative=True,
        ),
        by=officer,
    )
    milestone = plan_item.milestones.get(cluster=cluster)
    client.force_login(coordinator)

    outside = client.post(
        f"/milestones/{milestone.pk}/edit/",
        milestone_post(kind=Kind.ON_SITE_VISIT, title="x", starts_on="2024-07-10"),
    )
    inside = client.post(
        f"/milestones/{milestone.pk}/edit/",
        milestone_post(kind=Kind.ON_SITE_VISIT, title="x", starts_on="2024-05-14"),
    )

    milestone.refresh_from_db()
    assert field_errors(outside) == {
        "starts_on": "The programme's plan puts this milestone in May–June 2024 (day not fixed); "
        "choose a day inside it."
    }
    assert inside.status_code == 302
    assert (milestone.when_text, milestone.title) == ("14 May 2024", "On-site visit")
    assert milestone.history.first().history_change_reason == "Day confirmed."


# --- Status ---------------------------------------------------------------------------------


def test_status_update_by_person_responsible(client, coordinator, member, make_milestone):
    milestone = make_milestone(lead=member)
    client.force_login(member)

    response = client.post(
        f"/milestones/{milestone.pk}/status/", {"status": Status.DONE, "note": "sent by mail"}
    )

    milestone.refresh_from_db()
    assert response["Location"] == f"/milestones/{milestone.pk}/"
    assert (milestone.status, milestone.sequence) == (Status.DONE, 1)
    assert milestone.history.first().history_change_reason == "sent by mail"


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

    assert texts(response, ".status-history li") == [
        "21 March 2024, 09:00 : Planned → In progress, set by Carla Coordinator",
        "21 March 2024, 09:00 : In progress → Submitted / done, set by Max Member: sent by mail",
    ]


def test_status_update_rejects_unknown_status(client, member, make_milestone):
    milestone = make_milestone(lead=member)
    client.force_login(member)

    response = client.post(f"/milestones/{milestone.pk}/status/", {"status": "lost"})

    assert field_errors(response) == {
        "status": "Select a valid choice. lost is not one of the available choices."
    }


# --- Programme ------------------------------------------------------------------------------


@pytest.fixture
def plan(programme, cluster, other_cluster, officer):
    items = [
        save_plan_item(
            plan_item=PlanItem(
                programme=programme,
                kind=Kind.STRATEGY_SUBMISSION,
                title="Strategy",
                starts_on=datetime.date(2024, 4, 2),
            ),
            by=officer,
        ),
        save_plan_item(
            plan_item=PlanItem(
                programme=programme,
                kind=Kind.ON_SITE_VISIT,
                title="Visit",
                starts_on=datetime.date(2024, 5, 1),
                ends_on=datetime.date(2024, 6, 30),
                is_tentative=True,
            ),
            by=officer,
        ),
    ]
    Milestone.objects.filter(cluster=cluster, plan_item=items[0]).update(status=Status.DONE)
    return items


def test_programme_matrix_cells_are_status_and_date(client, officer, plan):
    client.force_login(officer)

    response = client.get("/programmes/c4f/")

    assert texts(response, ".matrix tbody tr") == [
        "Other Cluster Planned 2 April 2024 Planned May–June 2024 (day not fixed)",
        "SaxoCell Submitted / done 2 April 2024 Planned May–June 2024 (day not fixed)",
    ]


def test_programme_matrix_csv(client, officer, plan):
    client.force_login(officer)

    response = client.get("/programmes/c4f/matrix.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.decode().splitlines() == [
        "Cluster,Strategy: status,Strategy: date,Visit: status,Visit: date",
        "Other Cluster,Planned,2 April 2024,Planned,May–June 2024 (day not fixed)",
        "SaxoCell,Submitted / done,2 April 2024,Planned,May–June 2024 (day not fixed)",
    ]


def test_programme_page_same_queries_for_one_cluster_and_many(
    client, officer, programme, cluster, django_assert_num_queries
):
    save_plan_item(
        plan_item=PlanItem(
            programme=programme, kind=Kind.OTHER, title="A", starts_on=datetime.date(2024, 1, 1)
        ),
        by=officer,
    )
    client.force_login(officer)
    with django_assert_num_queries(PROGRAMME_QUERIES):
        client.get("/programmes/c4f/")

    from milestones.models import Cluster

    for number in range(5):
        Cluster.objects.create(programme=programme, name=f"C{number}", slug=f"c{number}")
    save_plan_item(
        plan_item=PlanItem(
            programme=programme, kind=Kind.OTHER, title="B", starts_on=datetime.date(2024, 2, 1)
        ),
        by=officer,
    )

    with django_assert_num_queries(PROGRAMME_QUERIES):
        client.get("/programmes/c4f/")


def test_officer_adds_plan_item_for_every_cluster(client, officer, cluster, other_cluster):
    client.force_login(officer)

    response = client.post(
        "/programmes/c4f/plan/new/",
        {
            "kind": Kind.JURY_MEETING,
            "title": "Jury meeting",
            "date_form": "day",
            "starts_on": "2024-07-02",
            "round": "",
            "reason": "kick-off slides",
        },
    )

    assert response["Location"] == "/programmes/c4f/"
    assert sorted((m.cluster.slug, m.title, m.when_text) for m in Milestone.objects.all()) == [
        ("other", "Jury meeting", "2 July 2024"),
        ("saxocell", "Jury meeting", "2 July 2024"),
    ]


def test_officer_moves_plan_item_and_clusters_follow(client, officer, plan, cluster):
    client.force_login(officer)

    client.post(
        f"/programmes/c4f/plan/{plan[0].pk}/edit/",
        {
            "kind": Kind.STRATEGY_SUBMISSION,
            "title": "Strategy",
            "date_form": "day-with-time",
            "starts_on": "2024-04-02",
            "starts_at": "12:00",
            "round": "",
            "reason": "cut-off added",
        },
    )

    assert [m.when_text for m in plan[0].milestones.order_by("cluster__name")] == [
        "2 April 2024, due 12:00",
        "2 April 2024, due 12:00",
    ]


def test_programme_page_lists_clusters_while_the_plan_is_empty(
    client, officer, cluster, other_cluster
):
    client.force_login(officer)

    response = client.get("/programmes/c4f/")

    assert (
        texts(response, ".actions a"),
        texts(response, ".actions + p"),
        texts(response, ".matrix thead th"),
        texts(response, ".matrix tbody th"),
        links(response, ".matrix tbody"),
        texts(response, "nav.pages"),
    ) == (
        ["New plan item", "Download as CSV", "Reminder lead times"],
        ["The plan has no items yet."],
        ["Cluster"],
        ["Other Cluster", "SaxoCell"],
        ["/clusters/other/", "/clusters/saxocell/"],
        [],
    )


def test_programme_page_without_clusters_says_so(client, officer, programme):
    client.force_login(officer)

    response = client.get("/programmes/c4f/")

    assert (texts(response, "main > p:not(.actions)"), texts(response, ".matrix")) == (
        ["The plan has no items yet.", "The programme has no clusters yet."],
        [],
    )


def test_programme_page_shows_fifty_clusters_by_name_and_the_next_ones_on_page_two(
    client, officer, programme
):
    add_clusters(programme, 120)
    client.force_login(officer)

    first = client.get("/programmes/c4f/")
    second = client.get("/programmes/c4f/?page=2")

    assert (texts(first, ".matrix tbody th"), texts(first, "nav.pages")) == (
        cluster_names(1, 50),
        ["Page 1 of 3 Next page →"],
    )
    assert (
        texts(second, ".matrix tbody th"),
        texts(second, "nav.pages"),
        links(second, "nav.pages"),
    ) == (
        cluster_names(51, 100),
        ["← Previous page Page 2 of 3 Next page →"],
        ["/programmes/c4f/", "/programmes/c4f/?page=3"],
    )


LAST_PAGE = ("Page 3 of 3", "Cluster 101")
FIRST_PAGE = ("Page 1 of 3", "Cluster 001")


@pytest.mark.parametrize(
    ("page", "shown"),
    [
        ("3", LAST_PAGE),
        ("4", LAST_PAGE),
        ("99999999999999999999", LAST_PAGE),
        ("0", FIRST_PAGE),
        ("-2", FIRST_PAGE),
        ("two", FIRST_PAGE),
        ("", FIRST_PAGE),
    ],
)
def test_programme_page_number_out_of_range_or_not_a_number_shows_the_nearest_page(
    client, officer, programme, page, shown
):
    add_clusters(programme, 120)
    client.force_login(officer)

    response = client.get("/programmes/c4f/", {"page": page})

    page_of, first_cluster = shown
    assert (
        response.status_code,
        texts(response, "nav.pages li")[1],
        texts(response, ".matrix tbody th")[0],
    ) == (200, page_of, first_cluster)


def test_programme_page_links_keep_the_filter_and_other_parameters(client, officer, programme):
    add_clusters(programme, 120)
    client.force_login(officer)

    first = client.get("/programmes/c4f/?q=cluster+0&view=all")
    second = client.get("/programmes/c4f/?q=cluster+0&view=all&page=2")

    # "cluster 0" is in the names of Cluster 001 to Cluster 099.
    assert (texts(first, ".filter-result"), links(first, "nav.pages")) == (
        ["99 clusters match “cluster 0”. Show all clusters"],
        ["/programmes/c4f/?q=cluster+0&view=all&page=2"],
    )
    assert (
        texts(second, ".matrix tbody th"),
        texts(second, "nav.pages"),
        links(second, "nav.pages"),
    ) == (
        cluster_names(51, 99),
        ["← Previous page Page 2 of 2"],
        ["/programmes/c4f/?q=cluster+0&view=all"],
    )


def test_programme_page_finds_clusters_by_part_of_their_name_ignoring_case(
    client, officer, programme, cluster, other_cluster
):
    Cluster.objects.create(programme=programme, name="Saxony Hub", slug="saxony")
    client.force_login(officer)

    response = client.get("/programmes/c4f/?q=SAXO")

    soup = BeautifulSoup(response.content, "html.parser")
    assert (
        soup.select_one("input[name=q]")["value"],
        texts(response, ".filter-result"),
        links(response, ".filter-result"),
        texts(response, ".matrix tbody th"),
        texts(response, "nav.pages"),
    ) == (
        "SAXO",
        ["2 clusters match “SAXO”. Show all clusters"],
        ["/programmes/c4f/"],
        ["SaxoCell", "Saxony Hub"],
        [],
    )


def test_programme_page_filter_matching_no_cluster_says_so(client, officer, cluster, plan):
    client.force_login(officer)

    response = client.get("/programmes/c4f/?q=Nowhere")

    assert (texts(response, ".filter-result"), texts(response, ".matrix")) == (
        ["No cluster matches “Nowhere”. Show all clusters"],
        [],
    )


def test_programme_page_filter_longer_than_any_name_is_refused_with_the_reason(
    client, officer, cluster, other_cluster
):
    client.force_login(officer)

    response = client.get("/programmes/c4f/", {"q": "x" * 201})

    assert (field_errors(response), texts(response, ".matrix tbody th")) == (
        {"q": "Ensure this value has at most 200 characters (it has 201)."},
        ["Other Cluster", "SaxoCell"],
    )


def test_programme_page_filtered_and_paged_still_only_for_its_officers(
    client, officer, coordinator, programme
):
    elsewhere = Programme.objects.create(name="Elsewhere", slug="elsewhere")
    stranger = Person.objects.create_user("officer@elsewhere.test", PASSWORD, name="Else")
    elsewhere.officers.create(person=stranger)
    add_clusters(programme, 60)
    statuses = []

    for person in [coordinator, stranger, officer]:
        client.force_login(person)
        statuses.append(client.get("/programmes/c4f/?q=Cluster&page=2").status_code)

    assert statuses == [404, 404, 200]


def test_programme_page_in_german(client, officer, programme):
    add_clusters(programme, 60)
    officer.language = Language.GERMAN
    officer.save()
    client.force_login(officer)

    found = client.get("/programmes/c4f/?q=cluster")
    none = client.get("/programmes/c4f/?q=nichts")

    assert (
        texts(found, ".actions + p"),
        texts(found, ".cluster-filter label, .cluster-filter button"),
        texts(found, ".filter-result"),
        texts(found, ".matrix thead th"),
        texts(found, "nav.pages"),
        texts(none, ".filter-result"),
    ) == (
        ["Der Plan hat noch keine Einträge."],
        ["Name des Clusters", "Suchen"],
        ["60 Cluster passen zu „cluster“. Alle Cluster zeigen"],
        ["Cluster"],
        ["Seite 1 von 2 Nächste Seite →"],
        ["Kein Cluster passt zu „nichts“. Alle Cluster zeigen"],
    )


def test_programme_matrix_csv_lists_every_cluster_not_a_page(client, officer, programme):
    add_clusters(programme, 60)
    client.force_login(officer)

    response = client.get("/programmes/c4f/matrix.csv?page=2&q=Cluster+06")

    assert response.content.decode().splitlines() == ["Cluster", *cluster_names(1, 60)]


def test_programme_page_reads_only_the_milestones_of_the_clusters_shown(
    client, officer, programme, django_assert_num_queries
):
    save_plan_item(
        plan_item=PlanItem(
            programme=programme, kind=Kind.OTHER, title="A", starts_on=datetime.date(2024, 1, 1)
        ),
        by=officer,
    )
    add_clusters(programme, 3)
    client.force_login(officer)
    with django_assert_num_queries(PROGRAMME_QUERIES):
        few = client.get("/programmes/c4f/")
    add_clusters(programme, 117, first=4)
    save_plan_item(
        plan_item=PlanItem(
            programme=programme, kind=Kind.OTHER, title="B", starts_on=datetime.date(2024, 2, 1)
        ),
        by=officer,
    )

    with django_assert_num_queries(PROGRAMME_QUERIES) as queries:
        many = client.get("/programmes/c4f/?page=2")

    (cells_query,) = [
        query["sql"] for query in queries.captured_queries if "milestones_milestone" in query["sql"]
    ]
    read = re.search(r'"cluster_id" IN \(([^)]*)\)', cells_query).group(1)
    shown = Cluster.objects.filter(name__in=cluster_names(51, 100)).values_list("pk", flat=True)
    assert (len(texts(few, ".matrix tbody tr")), len(texts(many, ".matrix tbody tr"))) == (3, 50)
    assert {int(pk) for pk in read.split(",")} == set(shown)


def test_coordinator_cannot_edit_plan(client, coordinator, plan):
    client.force_login(coordinator)

    assert client.get(f"/programmes/c4f/plan/{plan[0].pk}/edit/").status_code == 404


# --- Account and invitations ----------------------------------------------------------------


def test_account_language_wins_over_browser(client, member):
    client.force_login(member)

    client.post("/account/", {"name": "Max Member", "organisation": "", "language": "de"})
    response = client.get("/account/", HTTP_ACCEPT_LANGUAGE="en")

    member.refresh_from_db()
    assert member.language == Language.GERMAN
    assert texts(response, "h1") == ["Ihr Konto"]


def test_account_links_to_the_reminder_preferences(client, member):
    client.force_login(member)

    response = client.get("/account/")

    assert texts(response, ".account-links a") == [
        "Reminder emails and calendar feeds",
        "Change your password",
    ]


def test_invitation_creates_person_without_password_and_emails_link(client, coordinator, cluster):
    client.force_login(coordinator)

    response = client.post(
        "/clusters/saxocell/people/new/",
        {"email": "New.Person@SaxoCell.test", "name": "Nina New", "role": Role.MEMBER},
    )

    person = Person.objects.get(email="new.person@saxocell.test")
    assert response["Location"] == "/clusters/saxocell/"
    assert person.has_usable_password() is False
    assert Membership.objects.get(person=person).cluster == cluster
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["new.person@saxocell.test"], "You have been added to SaxoCell in the C4F Tracker")
    ]
    link = next(line for line in mail.outbox[0].body.splitlines() if "/invitations/" in line)
    assert link.startswith("http://testserver/invitations/")


def invitation_path(client, coordinator):
    """The coordinator invites Nina New; the path of the link in her email, logged out."""
    client.force_login(coordinator)
    client.post(
        "/clusters/saxocell/people/new/",
        {"email": "nina@saxocell.test", "name": "Nina New", "role": Role.MEMBER},
    )
    link = next(line for line in mail.outbox[0].body.splitlines() if "/invitations/" in line)
    client.logout()
    return link.removeprefix("http://testserver")


def test_invitation_link_sets_password_and_logs_in(client, coordinator, cluster):
    form_page = client.get(invitation_path(client, coordinator), follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-long-new-pass-42", "new_password2": "a-long-new-pass-42"},
    )

    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert Person.objects.get(email="nina@saxocell.test").check_password("a-long-new-pass-42")


def test_invitation_accepted_in_a_german_browser_makes_a_german_account(
    client, coordinator, cluster
):
    form_page = client.get(
        invitation_path(client, coordinator), follow=True, HTTP_ACCEPT_LANGUAGE="de"
    )
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-long-new-pass-42", "new_password2": "a-long-new-pass-42"},
        HTTP_ACCEPT_LANGUAGE="de",
        follow=True,
    )

    assert Person.objects.get(email="nina@saxocell.test").language == Language.GERMAN
    assert texts(response, ".message") == ["Willkommen! Ihr Passwort ist gesetzt."]
    assert texts(response, "main h1") == ["Was ansteht"]


def test_invitation_accepted_by_a_browser_that_names_no_language_keeps_the_inviters(
    client, coordinator, cluster
):
    coordinator.language = Language.GERMAN
    coordinator.save()
    form_page = client.get(invitation_path(client, coordinator), follow=True)

    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-long-new-pass-42", "new_password2": "a-long-new-pass-42"},
    )

    assert Person.objects.get(email="nina@saxocell.test").language == Language.GERMAN


def test_invitation_rejects_existing_member(client, coordinator, member):
    client.force_login(coordinator)

    response = client.post(
        "/clusters/saxocell/people/new/",
        {"email": "member@saxocell.test", "name": "Max", "role": Role.MEMBER},
    )

    assert field_errors(response) == {"email": "This person is already in the cluster."}


def test_password_reset_reaches_invited_person_without_password(client, db):
    Person.objects.create_user("invited@saxocell.test", None, name="Ina Invited")

    client.post("/accounts/password_reset/", {"email": "invited@saxocell.test"})

    assert [m.to for m in mail.outbox] == [["invited@saxocell.test"]]


# --- Query counts ---------------------------------------------------------------------------


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


def test_invitation_link_that_is_wrong_says_so(client, db):
    response = client.get("/invitations/MQ/wrong-token/")

    assert texts(response, "h1") == ["This invitation link no longer works"]


def test_password_reset_email_carries_the_link(client, coordinator):
    client.post("/accounts/password_reset/", {"email": "coordinator@saxocell.test"})

    links = [line for line in mail.outbox[0].body.splitlines() if "://" in line]
    assert (mail.outbox[0].subject, len(links)) == ("Set a new password for the C4F Tracker", 1)
    assert links[0].startswith("http://testserver/accounts/reset/")


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("coordinator", "/clusters/saxocell/milestones/new/"),
        ("coordinator", "/milestones/{pk}/edit/"),
        ("coordinator", "/milestones/{pk}/"),
        ("coordinator", "/clusters/saxocell/"),
        ("coordinator", "/clusters/saxocell/people/new/"),
        ("coordinator", "/milestones/{pk}/status/"),
        ("coordinator", "/account/"),
        ("coordinator", "/accounts/password_change/"),
        ("officer", "/programmes/c4f/plan/new/"),
        ("officer", "/programmes/c4f/"),
        (None, "/accounts/login/"),
        (None, "/accounts/password_reset/"),
    ],
)
def test_form_every_input_has_a_label(client, coordinator, officer, make_milestone, who, path):
    milestone = make_milestone(lead=coordinator)
    if who is not None:
        client.force_login({"coordinator": coordinator, "officer": officer}[who])

    response = client.get(path.format(pk=milestone.pk))

    soup = BeautifulSoup(response.content, "html.parser")
    labelled = {label.get("for") for label in soup.select("label[for]")}
    inputs = [
        element
        for element in soup.select("input, select, textarea")
        if element.get("type") not in ("hidden", "submit")
    ]
    unlabelled = [
        element.get("name")
        for element in inputs
        if element.get("id") not in labelled and element.find_parent("label") is None
    ]
    assert (response.status_code, unlabelled, len(inputs) > 0) == (200, [], True)
