"""The demo's second plan round: laid out around the day it is first loaded, so that every
page, feed and reminder round shows something real on that day.

The kick-off plan of 2023/2024 (``load_demo``) is history by now; this round is the
programme's present: a statement overdue for some clusters, a progress report due in a few
days, a strategy due next month at 12:00, an on-site visit whose day some clusters have fixed,
a jury meeting and the start of the next phase. Each cluster is in a state of its own (on time,
late, submitted, done). The visit's day-finding is open, with the answers of some clusters, and
the jury meeting's presentation slots are laid out. The round stays where it was first loaded:
a later run finds its plan items, day-finding and running order and changes nothing.
"""

import datetime
import hashlib

from django.core.files.base import ContentFile

from milestones import plan, services
from milestones.dayfinding import services as dayfinding
from milestones.dayfinding.days import window_days
from milestones.jury import layout as jury_layout
from milestones.jury import services as jury
from milestones.models import (
    Availability,
    DayFinding,
    GermanState,
    JuryOrder,
    JurySchedule,
    Kind,
    Status,
)
from milestones.models.submissions import Submission, SubmissionFile

NOON = datetime.time(12, 0)

# The fictional clusters beside SaxoCell and Nordlicht, each with a coordinator who has never
# logged in (no password): slug, name, coordinator's email and name.
MORE_CLUSTERS = [
    ("rheinwerk", "Rheinwerk (fictional demo cluster)", "office@rheinwerk.example", "Rita Rhein"),
    ("elbtal-bio", "Elbtal Bio (fictional demo cluster)", "office@elbtal.example", "Emil Elb"),
    ("alpenquant", "Alpenquant (fictional demo cluster)", "office@alpenquant.example", "Anna Alp"),
    (
        "hanse-photonics",
        "Hanse Photonics (fictional demo cluster)",
        "office@hanse.example",
        "Hans Hanse",
    ),
]

# Each cluster keeps its own state's public holidays (Corpus Christi in Rheinwerk and
# Alpenquant, not in Saxony).
FEDERAL_STATES = {
    "rheinwerk": GermanState.NORTH_RHINE_WESTPHALIA,
    "elbtal-bio": GermanState.SAXONY,
    "alpenquant": GermanState.BAVARIA,
    "hanse-photonics": GermanState.HAMBURG,
}

STATEMENT = "Interim financial statement"
REPORT = "3rd strategic progress report"
STRATEGY = "Submission of the updated “cluster strategy” for the 3rd phase"
VISIT = "On-site visit of the 2nd round (1 day)"
JURY = "Jury meeting of the 2nd round"
PHASE = "Start of the 3rd implementation phase"


def _next_month_15th(today):
    return (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=15)


def relative_plan(today):
    """The round's plan items (the fields of each), relative to ``today``."""
    days = datetime.timedelta
    phase_start = (today + days(days=120)).replace(day=1)
    return [
        {"kind": Kind.PROGRESS_REPORT, "title": STATEMENT, "starts_on": today - days(6),
         "starts_at": NOON, "asks_submission": True},
        {"kind": Kind.PROGRESS_REPORT, "title": REPORT, "starts_on": today + days(3),
         "asks_submission": True},
        {"kind": Kind.STRATEGY_SUBMISSION, "title": STRATEGY,
         "starts_on": _next_month_15th(today), "starts_at": NOON, "asks_submission": True},
        {"kind": Kind.ON_SITE_VISIT, "title": VISIT, "starts_on": today + days(21),
         "ends_on": today + days(56), "is_tentative": True},
        {"kind": Kind.JURY_MEETING, "title": JURY, "starts_on": today + days(84),
         "starts_at": datetime.time(10, 0), "ends_at": datetime.time(16, 0)},
        {"kind": Kind.IMPLEMENTATION_PHASE, "title": PHASE, "starts_on": phase_start,
         "ends_on": (phase_start + days(days=95)).replace(day=1) - days(1), "is_tentative": True},
    ]  # fmt: skip


# Each cluster's state in the round, where it is not simply planned: a status, "late" or
# "on time" (submitted, with a file), or a day confirmed in the visit's window (days from
# the window's first day).
STATES = {
    ("saxocell", REPORT): Status.IN_PROGRESS,
    ("nordlicht", STATEMENT): "late",
    ("nordlicht", REPORT): "on time",
    ("rheinwerk", STATEMENT): Status.DONE,
    ("rheinwerk", VISIT): 4,
    ("elbtal-bio", STATEMENT): Status.DONE,
    ("elbtal-bio", REPORT): Status.DONE,
    ("alpenquant", STATEMENT): Status.IN_PROGRESS,
    ("alpenquant", VISIT): 25,
    ("hanse-photonics", STATEMENT): "on time",
    ("hanse-photonics", REPORT): Status.IN_PROGRESS,
}


def add_relative_plan(*, programme, today):
    """Create the round's plan items that are missing; the titles of those created."""
    created = []
    for fields in relative_plan(today):
        if programme.plan_items.filter(title=fields["title"]).exists():
            continue
        plan_item = programme.plan_items.model(programme=programme, **fields)
        plan_item.full_clean()
        plan.save_plan_item(plan_item=plan_item, reason="Demo: the programme's second round")
        created.append(plan_item.title)
    return created


def arrange(*, milestone, state, by):
    """Put a cluster's new milestone in its demo state (``STATES``)."""
    if isinstance(state, int):
        day = milestone.starts_on + datetime.timedelta(days=state)
        plan.confirm_day(milestone=milestone, day=day, by=by)
    elif state in ("late", "on time"):
        _submit(milestone=milestone, late=state == "late", by=by)
    else:
        services.set_status(milestone=milestone, status=state, by=by, note="Demo")


def _submit(*, milestone, late, by):
    """A first submission with one small file, made just after (late) or a day before the
    cut-off (on time), and the status it brings."""
    tz = milestone.time_zone()
    cut_off = datetime.datetime.combine(
        milestone.starts_on, milestone.starts_at or datetime.time(23, 59), tzinfo=tz
    )
    submitted_at = cut_off + datetime.timedelta(hours=21 if late else -24)
    submission = Submission.objects.create(
        milestone=milestone,
        number=1,
        note="Demo submission",
        submitted_by=by,
        submitted_by_name=by.name,
        submitted_at=submitted_at,
        cut_off=cut_off,
        is_late=late,
    )
    content = f"{milestone.title}, {milestone.cluster.name} (demo file)\n".encode()
    name = "demo-" + milestone.cluster.slug + ".txt"
    SubmissionFile.objects.create(
        milestone=milestone,
        submission=submission,
        file=ContentFile(content, name=name),
        name=name,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content_type="text/plain",
        uploaded_by=by,
        uploaded_at=submitted_at,
    )
    services.set_status(milestone=milestone, status=Status.SUBMITTED, by=by, note="Demo")


# The visit's day-finding: every fifth working day of the window is one of the panel's, one
# visit a day, and the clusters whose day is not fixed answer a week before the window opens.
# These clusters have answered, an answer a panel day; SaxoCell has not yet.
PANEL_DAYS = 5
VISIT_ANSWERS = {
    "nordlicht": [
        (Availability.CAN, ""),
        (Availability.CANNOT, "Our board meets that day."),
        (Availability.IF_NEED_BE, "Our director is travelling; her deputy would host."),
        (Availability.CAN, ""),
        (Availability.CANNOT, ""),
    ],
    "elbtal-bio": [
        (Availability.CAN, ""),
        (Availability.CAN, ""),
        (Availability.CANNOT, ""),
        (Availability.CANNOT, ""),
        (Availability.IF_NEED_BE, ""),
    ],
    "hanse-photonics": [
        (Availability.CANNOT, ""),
        (Availability.IF_NEED_BE, "The clean room is serviced that week; the offices are open."),
        (Availability.CANNOT, ""),
        (Availability.CANNOT, ""),
        (Availability.CANNOT, ""),
    ],
}

# The jury's running order: drawn at random with this seed (the same order on every database,
# since the draw shuffles the clusters in the order of their names), a break after the third.
JURY_SEED = 2407
JURY_BREAKS = ((3, 15),)


def open_visit_day_finding(*, programme, clusters, officer, coordinators, today):
    """Open the day-finding of the round's on-site visit, by the officer, and give the
    answers of ``VISIT_ANSWERS`` by each cluster's coordinator; whether it was opened now.

    Nothing is done when it is open (or confirmed) already, or when the round was loaded so
    long ago that its answer date has passed.
    """
    plan_item = programme.plan_items.get(title=VISIT)
    answer_by = plan_item.starts_on - datetime.timedelta(days=7)
    if DayFinding.objects.filter(plan_item=plan_item).exists() or answer_by < today:
        return False
    day_finding = dayfinding.open_day_finding(
        plan_item=plan_item,
        days=window_days(plan_item).usual[::5][:PANEL_DAYS],
        visits_per_day=1,
        answer_by=answer_by,
        by=officer,
        today=today,
    )
    panel_days = list(day_finding.days.order_by("day"))
    for slug, answers in VISIT_ANSWERS.items():
        dayfinding.save_answers(
            day_finding=day_finding,
            cluster=clusters[slug],
            answers={
                panel_day.pk: answer for panel_day, answer in zip(panel_days, answers, strict=False)
            },
            by=coordinators[slug],
            today=today,
        )
    return True


def lay_out_jury(*, programme, officer, today):
    """Lay out the presentation slots of the round's jury meeting on its day, by the officer;
    whether they were laid out now (not when they are already, or the meeting is past)."""
    plan_item = programme.plan_items.get(title=JURY)
    if JurySchedule.objects.filter(plan_item=plan_item).exists() or plan_item.starts_on < today:
        return False
    milestones = {milestone.cluster_id: milestone for milestone in jury.presenting(plan_item)}
    drawn = jury_layout.drawn([milestone.cluster for milestone in milestones.values()], JURY_SEED)
    # The demo starts with the slots laid out. Nobody is emailed while it loads: the
    # reminder ledger tells each cluster's people of their slot at the first round, as it
    # would after any officer's save (``send_reminders --dry-run`` lists them).
    jury.save_running_order(
        plan_item=plan_item,
        layout=jury_layout.Layout(
            day=plan_item.starts_on,
            starts_at=plan_item.starts_at,
            slot_minutes=30,
            breaks=JURY_BREAKS,
            ends_by=plan_item.ends_at,
        ),
        order=JuryOrder.RANDOM,
        seed=JURY_SEED,
        milestone_pks=[milestones[cluster.pk].pk for cluster in drawn],
        expected_version=0,
        by=officer,
    )
    return True
