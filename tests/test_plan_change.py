"""Plan changes without surprises: the preview of a plan item whose dates move, keeping or
clearing the days outside the new window, the email (one, from the reminder ledger), and the
coordinator's edits after."""

import datetime

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core import mail
from django.utils import timezone

from milestones import services
from milestones.models import Cluster, Kind, Language, Membership, Milestone, PlanItem, Role, Status
from milestones.plan import confirm_day, preview_plan_change, save_plan_item
from milestones.reasons import reason_text
from milestones.reminders.sending import send_due_reminders
from tests.helpers import MARCH_21, field_errors, texts

D = datetime.date


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(MARCH_21, tick=False):
        yield


@pytest.fixture
def visit(programme, cluster, other_cluster, officer, coordinator, other_coordinator):
    """The on-site visit in May–June 2024: SaxoCell confirmed 12 June, Other Cluster 20 May,
    Third has not fixed its day. A reminder round has told the coordinators of the days."""
    Cluster.objects.create(programme=programme, name="Third", slug="third")
    plan_item = save_plan_item(
        plan_item=PlanItem(
            programme=programme,
            kind=Kind.ON_SITE_VISIT,
            title="Visit",
            starts_on=D(2024, 5, 1),
            ends_on=D(2024, 6, 30),
            is_tentative=True,
        ),
        by=officer,
    )
    for slug, day in (("saxocell", D(2024, 6, 12)), ("other", D(2024, 5, 20))):
        confirm_day(milestone=plan_item.milestones.get(cluster__slug=slug), day=day, by=None)
    reminder_round()
    mail.outbox.clear()
    return plan_item


def reminder_round():
    """One ``send_reminders`` round now; the emails it sent, by recipient."""
    already = len(mail.outbox)
    send_due_reminders(now=timezone.now())
    return sorted(mail.outbox[already:], key=lambda message: message.to)


def to_june_and_july(**more):
    return {
        "kind": Kind.ON_SITE_VISIT,
        "title": "Visit",
        "date_form": "window",
        "starts_on": "2024-06-01",
        "ends_on": "2024-07-31",
        "round": "",
        "reason": "the jury asked for later",
        **more,
    }


def preview(client, visit, **more):
    response = client.post(f"/programmes/c4f/plan/{visit.pk}/edit/", to_june_and_july(**more))
    return response, BeautifulSoup(response.content, "html.parser").select_one("[name=confirmed]")


def milestone_of(visit, slug):
    return Milestone.objects.get(plan_item=visit, cluster__slug=slug)


def test_preview_lists_clusters_that_move_and_days_outside_the_new_window(client, officer, visit):
    client.force_login(officer)

    response, confirmed = preview(client, visit)

    visit.refresh_from_db()
    assert (
        texts(response, "#preview-heading"),
        texts(response, ".preview-moving"),
        texts(response, ".preview-outside li"),
        confirmed["value"],
        visit.when_text,
    ) == (
        ["What this change does"],
        ["1 cluster has not fixed a day of its own and moves with the plan: Third"],
        ["Other Cluster: 20 May 2024, clear back to the window"],
        "2024-06-01|2024-07-31|None|None|True",
        "May–June 2024 (day not fixed)",
    )


def test_preview_against_the_proposed_dates_not_the_saved_ones(visit):
    visit.starts_on, visit.ends_on = D(2024, 7, 1), D(2024, 7, 31)

    result = preview_plan_change(plan_item=visit)

    assert (
        [m.cluster.name for m in result.moving],
        [m.cluster.name for m in result.outside],
    ) == (["Third"], ["Other Cluster", "SaxoCell"])


def test_keep_their_day_flags_it_outside_the_window(client, officer, coordinator, visit):
    client.force_login(officer)
    _, confirmed = preview(client, visit)

    response = client.post(
        f"/programmes/c4f/plan/{visit.pk}/edit/",
        to_june_and_july(confirmed=confirmed["value"]),
        follow=True,
    )

    other = milestone_of(visit, "other")
    assert (
        texts(response, "[role=status]"),
        other.when_text,
        milestone_of(visit, "third").when_text,
        milestone_of(visit, "saxocell").when_text,
        reminder_round(),
    ) == (
        ["The plan item is saved: moved for 1 cluster; 1 kept its day outside the window."],
        "20 May 2024",
        "June–July 2024 (day not fixed)",
        "12 June 2024",
        [],
    )
    assert texts(client.get(f"/milestones/{other.pk}/"), ".outside-window-note") == [
        "outside the plan's window The programme's plan puts it in June–July 2024 (day not "
        "fixed); this cluster keeps its own day."
    ]
    assert texts(client.get("/clusters/other/"), ".outside-window") == ["outside the plan's window"]


def test_dashboard_flags_a_day_outside_the_window(client, officer, visit):
    visit.starts_on, visit.ends_on = D(2024, 6, 1), D(2024, 7, 31)
    visit.save()
    client.force_login(officer)

    response = client.get("/")

    assert texts(response, ".due-when") == [
        "May–June 2024 (day not fixed)",
        "20 May 2024 outside the plan's window",
        "12 June 2024",
    ]


def test_clear_back_to_the_window_makes_it_tentative_and_emails_the_coordinators(
    client, officer, other_coordinator, visit
):
    other_coordinator.language = Language.GERMAN
    other_coordinator.save()
    Membership.objects.filter(person=other_coordinator).update(role=Role.COORDINATOR)
    other = milestone_of(visit, "other")
    client.force_login(officer)
    _, confirmed = preview(client, visit)

    response = client.post(
        f"/programmes/c4f/plan/{visit.pk}/edit/",
        to_june_and_july(confirmed=confirmed["value"], clear=[other.pk]),
        follow=True,
    )

    other.refresh_from_db()
    assert (
        texts(response, "[role=status]"),
        other.when_text,
        other.is_outside_plan_window,
        reason_text(other.history.first().history_change_reason),
    ) == (
        ["The plan item is saved: moved for 1 cluster; 1 cleared."],
        "June–July 2024 (day not fixed)",
        False,
        "The programme's plan moved to June–July 2024 (day not fixed): the day is fixed again.",
    )
    right_away = list(mail.outbox)
    emails = reminder_round()

    assert right_away == []
    assert [(m.to, m.subject) for m in emails] == [
        (
            ["Olga Other <coordinator@other.test>"],
            "[Other Cluster] Visit: Termin geändert, Zeitfenster öffnet in 72 Tagen",
        )
    ]
    # The reason is the history's, in the words the officer's page wrote it in.
    assert emails[0].body.splitlines()[:12] == [
        "Hallo Olga Other,",
        "",
        "Visit (Other Cluster): Termin geändert, Zeitfenster öffnet in 72 Tagen",
        "Der Termin dieses Meilensteins hat sich geändert. Erinnerungen zählen nun vom neuen "
        "Termin an.",
        "Termin geändert: 20. Mai 2024 → Juni–Juli 2024 (Tag noch offen)",
        "Geändert von: Otto Officer",
        # The reason in the coordinator's language, the window worded in German too.
        "Grund: Der Plan des Programms wurde auf Juni–Juli 2024 (Tag noch offen) verschoben: "
        "Der Tag wird erneut festgelegt.",
        "Datum: Juni–Juli 2024 (Tag noch offen)",
        "Der Tag steht noch nicht fest; Erinnerungen zählen vom ersten Tag des Zeitraums an.",
        "Status: Geplant",
        "Federführung: noch niemand",
        "Als Nächstes: Halten Sie das Zeitfenster frei; die Koordination bestätigt den Tag auf "
        "seiner Seite:",
    ]
    assert reminder_round() == []


def test_preview_again_when_the_dates_change_after_it(client, officer, visit):
    client.force_login(officer)
    _, confirmed = preview(client, visit)

    response, _ = preview(client, visit, ends_on="2024-08-31", confirmed=confirmed["value"])

    visit.refresh_from_db()
    assert (texts(response, "#preview-heading"), visit.ends_on) == (
        ["What this change does"],
        D(2024, 6, 30),
    )


def test_saving_without_a_move_of_dates_needs_no_preview(client, officer, visit):
    client.force_login(officer)
    data = to_june_and_july(starts_on="2024-05-01", ends_on="2024-06-30", title="Visit (1 day)")

    response = client.post(f"/programmes/c4f/plan/{visit.pk}/edit/", data, follow=True)

    assert texts(response, "[role=status]") == ["The plan item is saved for every cluster."]


def edit(day, **more):
    return {
        "date_form": "day",
        "starts_on": day,
        "ends_on": "",
        "starts_at": "",
        "ends_at": "",
        "month": "",
        "reason": "",
        "lead": "",
        **more,
    }


@pytest.fixture
def stranded(visit, other_coordinator):
    """Other Cluster's visit on 20 May, kept when the window moved to June–July."""
    visit.starts_on, visit.ends_on = D(2024, 6, 1), D(2024, 7, 31)
    visit.save()
    return milestone_of(visit, "other")


def test_coordinator_edits_people_status_and_text_of_a_day_outside_the_window(
    client, other_coordinator, stranded
):
    client.force_login(other_coordinator)

    edited = client.post(
        f"/milestones/{stranded.pk}/edit/",
        edit("2024-05-20", lead=other_coordinator.pk, description="Lab tour first"),
    )
    status = client.post(f"/milestones/{stranded.pk}/status/", {"status": Status.IN_PROGRESS})

    stranded.refresh_from_db()
    assert (
        edited.status_code,
        status.status_code,
        stranded.lead,
        stranded.status,
        stranded.when_text,
    ) == (302, 302, other_coordinator, Status.IN_PROGRESS, "20 May 2024")


def test_coordinator_cannot_move_a_day_outside_the_window_to_another_day_outside_it(
    client, other_coordinator, stranded
):
    client.force_login(other_coordinator)

    refused = client.post(f"/milestones/{stranded.pk}/edit/", edit("2024-05-21"))
    moved_in = client.post(f"/milestones/{stranded.pk}/edit/", edit("2024-06-18"))

    stranded.refresh_from_db()
    assert (
        field_errors(refused),
        moved_in.status_code,
        stranded.when_text,
        stranded.is_outside_plan_window,
    ) == (
        {
            "starts_on": "The programme's plan puts this milestone in June–July 2024 (day not "
            "fixed); choose a day inside it."
        },
        302,
        "18 June 2024",
        False,
    )


def test_services_leave_a_kept_day_alone_when_the_plan_moves_again(visit):
    other = milestone_of(visit, "other")
    visit.starts_on, visit.ends_on = D(2024, 9, 1), D(2024, 9, 30)

    save_plan_item(plan_item=visit, by=None)
    services.set_status(milestone=other, status=Status.IN_PROGRESS, by=None)

    other.refresh_from_db()
    assert (other.when_text, other.is_outside_plan_window) == ("20 May 2024", True)
