import datetime
import io

import pytest
import time_machine
from django.core import mail, serializers
from django.core.management import call_command

from milestones.models import (
    Cluster,
    DayAnswer,
    DayFinding,
    DayFindingReply,
    JurySchedule,
    JurySlot,
    Membership,
    Milestone,
    PanelDay,
    Person,
    PlanItem,
    Programme,
    ProgrammeOfficer,
    Responsibility,
)
from milestones.models.submissions import Submission
from milestones.reminders.sending import send_due_reminders
from tests.helpers import BERLIN

D = datetime.date


def load_demo():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_load_demo_reproduces_the_kick_off_plan_exactly(db):
    load_demo()

    programme = Programme.objects.get(slug="clusters4future")
    plan = [
        (p.kind, p.title, p.starts_on, p.ends_on, p.starts_at, p.is_tentative, p.round)
        for p in PlanItem.objects.filter(programme=programme, starts_on__year__lt=2025).order_by(
            "starts_on"
        )
    ]
    assert (programme.name, programme.time_zone) == ("Clusters4Future", "Europe/Berlin")
    assert plan == [
        ("progress-report", "2nd strategic progress report", D(2023, 9, 1), D(2023, 9, 30), None, True, None),
        (
            "strategy-submission",
            "Submission of the updated “cluster strategy” and accompanying documents",
            D(2024, 4, 2), None, None, False, None,
        ),
        ("on-site-visit", "On-site visit (1 day)", D(2024, 5, 1), D(2024, 6, 30), None, True, None),
        ("jury-meeting", "Jury meeting with presentation of the cluster", D(2024, 7, 2), None, None, False, None),
        (
            "implementation-phase",
            "Start of the 2nd implementation phase",
            D(2024, 10, 1), D(2025, 1, 31), None, True, None,
        ),
    ]  # fmt: skip


def test_load_demo_gives_both_clusters_every_kick_off_item_with_its_people_done(db):
    load_demo()

    rows = sorted(
        (
            m.cluster.slug,
            m.kind,
            m.when_text,
            m.status,
            m.lead.email,
            sorted(r.person.email for r in m.responsibilities.all() if r.role == "contributor"),
        )
        for m in Milestone.objects.filter(
            cluster__slug__in=["saxocell", "nordlicht"], starts_on__year__lt=2025
        )
        .select_related("cluster")
        .prefetch_related("responsibilities__person")
    )

    assert rows == [
        ("nordlicht", "implementation-phase", "October 2024 – January 2025 (day not fixed)", "done", "coordinator@othercluster.example", []),
        ("nordlicht", "jury-meeting", "2 July 2024", "done", "coordinator@othercluster.example", []),
        ("nordlicht", "on-site-visit", "May–June 2024 (day not fixed)", "done", "coordinator@othercluster.example", []),
        ("nordlicht", "progress-report", "September 2023 (day not fixed)", "done", "coordinator@othercluster.example", []),
        ("nordlicht", "strategy-submission", "2 April 2024", "done", "coordinator@othercluster.example", []),
        ("saxocell", "implementation-phase", "October 2024 – January 2025 (day not fixed)", "done", "coordinator@saxocell.example", []),
        ("saxocell", "jury-meeting", "2 July 2024", "done", "coordinator@saxocell.example", ["member@saxocell.example"]),
        ("saxocell", "on-site-visit", "May–June 2024 (day not fixed)", "done", "coordinator@saxocell.example", ["member@saxocell.example"]),
        ("saxocell", "progress-report", "September 2023 (day not fixed)", "done", "coordinator@saxocell.example", []),
        ("saxocell", "strategy-submission", "2 April 2024", "done", "member@saxocell.example", ["coordinator@saxocell.example"]),
    ]  # fmt: skip


def test_load_demo_creates_the_four_log_ins_with_their_roles(db):
    load_demo()

    people = {
        p.email: (
            p.check_password("demo-password"),
            sorted((m.cluster.slug, m.role) for m in p.memberships.all()),
            sorted(o.programme.slug for o in p.programme_roles.all()),
        )
        for p in Person.objects.prefetch_related(
            "memberships__cluster", "programme_roles__programme"
        )
    }

    assert people == {
        "officer@c4f.example": (True, [], ["clusters4future"]),
        "coordinator@saxocell.example": (True, [("saxocell", "coordinator")], []),
        "member@saxocell.example": (True, [("saxocell", "member")], []),
        "coordinator@othercluster.example": (True, [("nordlicht", "coordinator")], []),
        # The fictional clusters' coordinators have never logged in.
        "office@alpenquant.example": (False, [("alpenquant", "coordinator")], []),
        "office@elbtal.example": (False, [("elbtal-bio", "coordinator")], []),
        "office@hanse.example": (False, [("hanse-photonics", "coordinator")], []),
        "office@rheinwerk.example": (False, [("rheinwerk", "coordinator")], []),
    }
    assert sorted(Cluster.objects.values_list("slug", "name")) == [
        ("alpenquant", "Alpenquant (fictional demo cluster)"),
        ("elbtal-bio", "Elbtal Bio (fictional demo cluster)"),
        ("hanse-photonics", "Hanse Photonics (fictional demo cluster)"),
        ("nordlicht", "Nordlicht (fictional demo cluster)"),
        ("rheinwerk", "Rheinwerk (fictional demo cluster)"),
        ("saxocell", "SaxoCell"),
    ]


def test_load_demo_prints_the_demo_log_ins(db):
    output = load_demo()

    assert output.splitlines() == [
        "Demo data loaded.",
        "Demo log-ins (password “demo-password”):",
        "  officer@c4f.example                programme officer, Clusters4Future",
        "  coordinator@saxocell.example       coordinator, SaxoCell",
        "  member@saxocell.example            member, SaxoCell, lead of the strategy submission",
        "  coordinator@othercluster.example   coordinator, Nordlicht (fictional demo cluster)",
    ]


def everything():
    models = [Programme, Cluster, Person, Membership, ProgrammeOfficer, PlanItem, Milestone]
    models += [Responsibility, Submission, DayFinding, PanelDay, DayFindingReply, DayAnswer]
    models += [JurySchedule, JurySlot]
    rows = []
    for model in models:
        rows.append(serializers.serialize("json", model.objects.order_by("pk")))
        if hasattr(model, "history"):
            rows.append(serializers.serialize("json", model.history.order_by("pk")))
    return rows


def test_load_demo_second_run_changes_nothing(db):
    load_demo()
    before = everything()

    output = load_demo()

    assert (everything() == before, output.splitlines()[0]) == (
        True,
        "Demo data already there, nothing changed.",
    )


# A Saturday in December, and a Monday in spring: the second round follows the day it is loaded.
DECEMBER_5 = datetime.datetime(2026, 12, 5, 10, 0, tzinfo=BERLIN)
MARCH_15 = datetime.datetime(2027, 3, 15, 7, 30, tzinfo=BERLIN)


def second_round():
    return [
        (p.title, p.when_text)
        for p in PlanItem.objects.filter(starts_on__year__gte=2025).order_by("starts_on", "pk")
    ]


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (
            DECEMBER_5,
            [
                ("Interim financial statement", "29 November 2026, due 12:00"),
                ("3rd strategic progress report", "8 December 2026"),
                ("On-site visit of the 2nd round (1 day)", "26 December 2026 – 30 January 2027 (day not fixed)"),
                ("Submission of the updated “cluster strategy” for the 3rd phase", "15 January 2027, due 12:00"),
                ("Jury meeting of the 2nd round", "27 February 2027, 10:00–16:00"),
                ("Start of the 3rd implementation phase", "April–June 2027 (day not fixed)"),
            ],
        ),
        (
            MARCH_15,
            [
                ("Interim financial statement", "9 March 2027, due 12:00"),
                ("3rd strategic progress report", "18 March 2027"),
                ("On-site visit of the 2nd round (1 day)", "5 April – 10 May 2027 (day not fixed)"),
                ("Submission of the updated “cluster strategy” for the 3rd phase", "15 April 2027, due 12:00"),
                ("Jury meeting of the 2nd round", "7 June 2027, 10:00–16:00"),
                ("Start of the 3rd implementation phase", "July–September 2027 (day not fixed)"),
            ],
        ),
    ],
)  # fmt: skip
def test_load_demo_second_round_runs_relative_to_the_day_it_is_loaded(db, now, expected):
    with time_machine.travel(now, tick=False):
        load_demo()

    assert second_round() == expected


def test_load_demo_second_round_puts_clusters_in_different_states(db):
    with time_machine.travel(DECEMBER_5, tick=False):
        load_demo()

    states = {
        (m.cluster.slug, m.plan_item.title[:12]): (m.status, m.when_text)
        for m in Milestone.objects.filter(starts_on__year__gte=2025)
        .exclude(status="planned", date_version=0)
        .exclude(plan_item=None)
        .select_related("cluster", "plan_item")
    }
    submissions = sorted(
        (
            s.milestone.cluster.slug,
            s.milestone.title[:12],
            s.is_late,
            [f.name for f in s.files.all()],
        )
        for s in Submission.objects.select_related("milestone__cluster")
    )

    assert states == {
        ("saxocell", "3rd strategi"): ("in-progress", "8 December 2026"),
        ("nordlicht", "Interim fina"): ("submitted", "29 November 2026, due 12:00"),
        ("nordlicht", "3rd strategi"): ("submitted", "8 December 2026"),
        ("rheinwerk", "Interim fina"): ("done", "29 November 2026, due 12:00"),
        ("rheinwerk", "On-site visi"): ("planned", "30 December 2026"),
        ("elbtal-bio", "Interim fina"): ("done", "29 November 2026, due 12:00"),
        ("elbtal-bio", "3rd strategi"): ("done", "8 December 2026"),
        ("alpenquant", "Interim fina"): ("in-progress", "29 November 2026, due 12:00"),
        ("alpenquant", "On-site visi"): ("planned", "20 January 2027"),
        ("hanse-photonics", "Interim fina"): ("submitted", "29 November 2026, due 12:00"),
        ("hanse-photonics", "3rd strategi"): ("in-progress", "8 December 2026"),
        # The jury's slots, drawn with the seed: three presentations, a break, three more.
        ("alpenquant", "Jury meeting"): ("planned", "27 February 2027, 10:00–10:30"),
        ("rheinwerk", "Jury meeting"): ("planned", "27 February 2027, 10:30–11:00"),
        ("elbtal-bio", "Jury meeting"): ("planned", "27 February 2027, 11:00–11:30"),
        ("hanse-photonics", "Jury meeting"): ("planned", "27 February 2027, 11:45–12:15"),
        ("saxocell", "Jury meeting"): ("planned", "27 February 2027, 12:15–12:45"),
        ("nordlicht", "Jury meeting"): ("planned", "27 February 2027, 12:45–13:15"),
    }
    assert submissions == [
        ("hanse-photonics", "Interim fina", False, ["demo-hanse-photonics.txt"]),
        ("nordlicht", "3rd strategi", False, ["demo-nordlicht.txt"]),
        ("nordlicht", "Interim fina", True, ["demo-nordlicht.txt"]),
    ]


def test_load_demo_emails_nobody_and_its_first_round_tells_each_of_their_slot_once(db):
    with time_machine.travel(DECEMBER_5, tick=False):
        load_demo()
        while_loading = list(mail.outbox)
        send_due_reminders(now=DECEMBER_5)
        send_due_reminders(now=DECEMBER_5)

    jury = "Jury meeting of the 2nd round"
    assert while_loading == []
    assert sorted(m.to[0] for m in mail.outbox if jury in m.subject) == [
        "Anna Alp <office@alpenquant.example>",
        "Carla Coordinator <coordinator@saxocell.example>",
        "Emil Elb <office@elbtal.example>",
        "Hans Hanse <office@hanse.example>",
        "Max Member <member@saxocell.example>",
        "Otto Other <coordinator@othercluster.example>",
        "Rita Rhein <office@rheinwerk.example>",
    ]


def test_load_demo_sends_reminders_today(db):
    with time_machine.travel(DECEMBER_5, tick=False):
        load_demo()
        out = io.StringIO()
        call_command("send_reminders", "--dry-run", stdout=out)

    assert sorted(out.getvalue().splitlines()) == [
        "  skipped 12 because it was due before the milestone was created",
        "dry run, would have: sent 15, failed 0, skipped 12, missed 0",
        "would send to coordinator@othercluster.example: Jury meeting of the 2nd round (date changed)",
        "would send to coordinator@saxocell.example: 3rd strategic progress report (reminder 3 days before)",
        "would send to coordinator@saxocell.example: Interim financial statement (overdue)",
        "would send to coordinator@saxocell.example: Jury meeting of the 2nd round (date changed)",
        "would send to member@saxocell.example: Jury meeting of the 2nd round (date changed)",
        "would send to office@alpenquant.example: 3rd strategic progress report (reminder 3 days before)",
        "would send to office@alpenquant.example: Interim financial statement (overdue)",
        "would send to office@alpenquant.example: Jury meeting of the 2nd round (date changed)",
        "would send to office@alpenquant.example: On-site visit of the 2nd round (1 day) (date changed)",
        "would send to office@elbtal.example: Jury meeting of the 2nd round (date changed)",
        "would send to office@hanse.example: 3rd strategic progress report (reminder 3 days before)",
        "would send to office@hanse.example: Jury meeting of the 2nd round (date changed)",
        "would send to office@rheinwerk.example: 3rd strategic progress report (reminder 3 days before)",
        "would send to office@rheinwerk.example: Jury meeting of the 2nd round (date changed)",
        "would send to office@rheinwerk.example: On-site visit of the 2nd round (1 day) (date changed)",
    ]  # fmt: skip


def test_load_demo_on_a_later_day_changes_nothing_and_keeps_the_round_where_it_was(db):
    with time_machine.travel(DECEMBER_5, tick=False):
        load_demo()
    before = everything()

    with time_machine.travel(MARCH_15, tick=False):
        output = load_demo()

    assert (everything() == before, output.splitlines()[0], second_round()[1]) == (
        True,
        "Demo data already there, nothing changed.",
        ("3rd strategic progress report", "8 December 2026"),
    )
