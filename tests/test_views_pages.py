"""The pages people read: the dashboard, a cluster's timeline, a milestone."""

import datetime
import re

import pytest
import time_machine
from bs4 import BeautifulSoup

from milestones.models import (
    Kind,
    Language,
    Status,
)
from milestones.plan import change_milestone_date
from tests.helpers import MARCH_21, texts

# Queries per page, the same for one milestone and for many.
# session, person, cluster, milestones, memberships, the history of the members, the
# reader's roles, the open day-findings
CLUSTER_QUERIES = 8
# session, person, milestone, its people, its history, the changes of its people, the
# reader's roles (in the cluster and as an officer), its extensions, its reviews, and for the
# cluster's coordinators its reminder ledger
MILESTONE_QUERIES = 11


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
