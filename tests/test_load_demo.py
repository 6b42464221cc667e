import datetime
import io

from django.core import serializers
from django.core.management import call_command

from milestones.models import (
    Cluster,
    Membership,
    Milestone,
    Person,
    PlanItem,
    Programme,
    ProgrammeOfficer,
    Responsibility,
)

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
        for p in PlanItem.objects.filter(programme=programme).order_by("starts_on")
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


def test_load_demo_gives_both_clusters_every_plan_item_with_its_people(db):
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
        for m in Milestone.objects.select_related("cluster").prefetch_related(
            "responsibilities__person"
        )
    )

    assert rows == [
        ("nordlicht", "implementation-phase", "October 2024 – January 2025 (day not fixed)", "planned", "coordinator@othercluster.example", []),
        ("nordlicht", "jury-meeting", "2 July 2024", "planned", "coordinator@othercluster.example", []),
        ("nordlicht", "on-site-visit", "May–June 2024 (day not fixed)", "planned", "coordinator@othercluster.example", []),
        ("nordlicht", "progress-report", "September 2023 (day not fixed)", "planned", "coordinator@othercluster.example", []),
        ("nordlicht", "strategy-submission", "2 April 2024", "planned", "coordinator@othercluster.example", []),
        ("saxocell", "implementation-phase", "October 2024 – January 2025 (day not fixed)", "planned", "coordinator@saxocell.example", []),
        ("saxocell", "jury-meeting", "2 July 2024", "planned", "coordinator@saxocell.example", ["member@saxocell.example"]),
        ("saxocell", "on-site-visit", "May–June 2024 (day not fixed)", "planned", "coordinator@saxocell.example", ["member@saxocell.example"]),
        ("saxocell", "progress-report", "September 2023 (day not fixed)", "planned", "coordinator@saxocell.example", []),
        ("saxocell", "strategy-submission", "2 April 2024", "planned", "member@saxocell.example", ["coordinator@saxocell.example"]),
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
    }
    assert sorted(Cluster.objects.values_list("slug", "name")) == [
        ("nordlicht", "Nordlicht (fictional demo cluster)"),
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
    models += [Responsibility]
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
