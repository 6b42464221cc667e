"""What a demo user sees of day-finding and the jury's slots after `load_demo` (as `make run`
loads it): the visit's day-finding open with some answers, and the jury's running order laid
out, relative to the day the demo is loaded.

The demo is loaded on Saturday, 5 December 2026: the visit's window is 26 December 2026 to
30 January 2027, its panel's days every fifth working day from 28 December, the answers due on
19 December; the jury meets on 27 February 2027.
"""

import io

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core.management import call_command

from milestones import demo
from milestones.models import DayFinding, Kind, Milestone, Person, PlanItem
from tests.helpers import texts
from tests.jury_helpers import running_order
from tests.test_load_demo import DECEMBER_5

OFFICER = "officer@c4f.example"
COORDINATOR = "coordinator@saxocell.example"
MEMBER = "member@saxocell.example"
RIVAL = "coordinator@othercluster.example"

PANEL_DAYS = [
    "28 December 2026",
    "5 January 2027",
    "12 January 2027",
    "19 January 2027",
    "26 January 2027",
]
ANSWER_TITLE = "Answer the day-finding: On-site visit of the 2nd round (1 day)"


@pytest.fixture
def as_user(client, db):
    """A client logged in as the demo's log-in of that email, today being 5 December 2026."""
    with time_machine.travel(DECEMBER_5, tick=False):
        call_command("load_demo", stdout=io.StringIO())

        def log_in(email):
            client.force_login(Person.objects.get(email=email))
            return client

        yield log_in


def officer_path(title, tail):
    plan_item = PlanItem.objects.get(title=title)
    return f"/programmes/clusters4future/plan/{plan_item.pk}/{tail}"


def answers_path(slug):
    day_finding = DayFinding.objects.get(plan_item__title=demo.VISIT)
    return f"/clusters/{slug}/day-finding/{day_finding.pk}/"


def checked(response):
    """Each panel day's answer and note as the answer form shows them."""
    soup = BeautifulSoup(response.content, "html.parser")
    return [
        (
            fieldset.legend.get_text(),
            [radio["value"] for radio in fieldset.select("input[type=radio][checked]")],
            fieldset.select_one("input[name^=note_]").get("value", ""),
        )
        for fieldset in soup.select("fieldset.dayfinding-day")
    ]


def due_this_month(response):
    """The dashboard's milestones due in the next 30 days (not this week): title and date."""
    soup = BeautifulSoup(response.content, "html.parser")
    return [
        (
            " ".join(card.select_one(".due-title").get_text().split()),
            " ".join(card.select_one(".due-when").get_text().split()),
        )
        for card in soup.select("section.due-group-month li.due")
    ]


def test_demo_coordinator_who_has_not_answered_sees_the_answer_due_and_the_days(as_user):
    client = as_user(COORDINATOR)

    dashboard = client.get("/")
    cluster = client.get("/clusters/saxocell/")
    answers = client.get(answers_path("saxocell"))

    assert due_this_month(dashboard) == [
        (ANSWER_TITLE, "19 December 2026"),
        (demo.VISIT, "26 December 2026 – 30 January 2027 (day not fixed)"),
    ]
    assert texts(cluster, "p.dayfinding-link a") == [
        "Days for the visit: On-site visit of the 2nd round (1 day)"
    ]
    assert texts(answers, "p.dayfinding-due") == [
        "Please answer for each of the panel's days by 19 December 2026; you can change your "
        "answers until then."
    ]
    assert checked(answers) == [(day, [], "") for day in PANEL_DAYS]


def test_demo_coordinator_who_has_answered_sees_their_answers_to_change(as_user):
    client = as_user(RIVAL)

    answers = client.get(answers_path("nordlicht"))

    assert texts(answers, "p.dayfinding-answered") == [
        "Answered by Otto Other, 5 December 2026, 10:00."
    ]
    assert checked(answers) == [
        ("28 December 2026", ["can"], ""),
        ("5 January 2027", ["cannot"], "Our board meets that day."),
        ("12 January 2027", ["if-need-be"], "Our director is travelling; her deputy would host."),
        ("19 January 2027", ["can"], ""),
        ("26 January 2027", ["cannot"], ""),
    ]


def test_demo_officer_sees_the_answers_and_a_proposal(as_user):
    client = as_user(OFFICER)

    overview = client.get(officer_path(demo.VISIT, "day-finding/"))
    proposal = client.get(officer_path(demo.VISIT, "day-finding/proposal/"))

    soup = BeautifulSoup(proposal.content, "html.parser")
    proposed = [
        (row.label.get_text(), row.select_one("option[selected]").get_text())
        for row in soup.select("table.dayfinding-proposal tbody tr")
    ]
    assert texts(overview, "table.dayfinding-answers tbody tr") == [
        "Elbtal Bio (fictional demo cluster) Can host Can host Cannot Cannot Only if need be",
        "Hanse Photonics (fictional demo cluster) Cannot Only if need be The clean room is "
        "serviced that week; the offices are open. Cannot Cannot Cannot",
        "Nordlicht (fictional demo cluster) Can host Cannot Our board meets that day. Only if "
        "need be Our director is travelling; her deputy would host. Can host Cannot",
        "SaxoCell no answer no answer no answer no answer no answer",
    ]
    assert texts(proposal, "div.dayfinding-left li") == ["SaxoCell: no answer"]
    # Every cluster that answered has a day, one of them a day it hosts only if need be.
    assert proposed == [
        ("Elbtal Bio (fictional demo cluster)", "28 December 2026"),
        ("Hanse Photonics (fictional demo cluster)", "5 January 2027"),
        ("Nordlicht (fictional demo cluster)", "19 January 2027"),
        ("SaxoCell", "No day"),
    ]


def test_demo_officer_sees_the_jury_running_order(as_user):
    client = as_user(OFFICER)

    page = client.get(officer_path(demo.JURY, "jury/"))

    assert texts(page, "p.running-order-how") == [
        "Drawn at random · seed 2407 · saved by Olivia Officer, 5 December 2026, 10:00"
    ]
    assert running_order(page) == [
        ("1", "10:00–10:30", "Alpenquant (fictional demo cluster)"),
        ("2", "10:30–11:00", "Rheinwerk (fictional demo cluster)"),
        ("3", "11:00–11:30", "Elbtal Bio (fictional demo cluster)"),
        ("", "Break, 15 minutes"),
        ("4", "11:45–12:15", "Hanse Photonics (fictional demo cluster)"),
        ("5", "12:15–12:45", "SaxoCell"),
        ("6", "12:45–13:15", "Nordlicht (fictional demo cluster)"),
    ]


def test_demo_coordinator_sees_their_own_slot_only(as_user):
    client = as_user(COORDINATOR)
    milestone = Milestone.objects.get(
        cluster__slug="saxocell", kind=Kind.JURY_MEETING, plan_item__title=demo.JURY
    )

    page = client.get(f"/milestones/{milestone.pk}/")
    running = client.get(officer_path(demo.JURY, "jury/"))

    assert (texts(page, ".milestone-when strong"), running.status_code) == (
        ["27 February 2027, 12:15–12:45"],
        404,
    )
