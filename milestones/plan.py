"""The programme's milestone plan fanned out to its clusters, and changes of a milestone's date.

Plan items are set once by a programme officer; every cluster in scope has its own milestone for
each of them with its own status and, inside a window, its own day. These are the only ways the
plan reaches the clusters, so the admin, the web UI and ``load_demo`` all call them.
"""

import itertools
from dataclasses import dataclass

from django.db import transaction

from milestones import services
from milestones.dates import When
from milestones.models import (
    CLOSED_STATUSES,
    DEADLINE_KINDS,
    Cluster,
    Extension,
    Milestone,
    PlanItem,
    Status,
)
from milestones.reasons import reason_text, system_reason
from milestones.reminders.announcing import announce_date_change

# What a plan item decides for every cluster (what it is, and what a submission for it takes);
# the date only while a cluster has no day of its own.
PLAN_FIELDS = ("kind", "title", "description", "location", *PlanItem.SUBMISSION_FIELDS)


def _milestone_from_plan(plan_item, cluster):
    milestone = Milestone(cluster=cluster, plan_item=plan_item)
    for name in (*PLAN_FIELDS, *PlanItem.DATE_FIELDS):
        setattr(milestone, name, getattr(plan_item, name))
    return milestone


def save_plan_item(*, plan_item, by=None, reason=""):
    """Save a plan item and bring every cluster's milestone for it up to date.

    Milestones whose date is still the plan's previous date follow the new one; a cluster
    that has fixed a day of its own, or was granted an extension, keeps it. Clusters that
    fall out of the plan item's scope (another round) see their open milestone for it
    cancelled, not deleted. Each milestone's history records ``by`` and ``reason``.
    """
    with transaction.atomic():
        previous_dates = None
        if plan_item.pk is not None:
            previous = PlanItem.objects.select_for_update().get(pk=plan_item.pk)
            previous_dates = previous.date_values()
        # django-simple-history reads these when the save writes the historical row.
        plan_item._history_user = by
        plan_item._change_reason = reason or ""
        plan_item.save()

        clusters = Cluster.objects.filter(programme_id=plan_item.programme_id)
        if plan_item.round is not None:
            clusters = clusters.filter(round=plan_item.round)
        existing = {m.cluster_id: m for m in plan_item.milestones.select_for_update()}
        extended = set(
            Extension.objects.filter(milestone__plan_item=plan_item).values_list(
                "milestone_id", flat=True
            )
        )
        for cluster in clusters:
            milestone = existing.pop(cluster.pk, None)
            if milestone is None:
                milestone = _milestone_from_plan(plan_item, cluster)
                services.add_milestone(milestone=milestone, by=by, reason=reason)
                continue
            names = list(PLAN_FIELDS)
            follows_plan = previous_dates is not None and milestone.pk not in extended
            if follows_plan and milestone.date_values() == previous_dates:
                names += PlanItem.DATE_FIELDS
            if any(getattr(milestone, n) != getattr(plan_item, n) for n in names):
                changes = {name: getattr(plan_item, name) for name in names}
                services.change_milestone(
                    milestone=milestone, changes=changes, by=by, reason=reason
                )
        for milestone in existing.values():
            if milestone.status not in CLOSED_STATUSES:
                services.set_status(
                    milestone=milestone,
                    status=Status.CANCELLED,
                    by=by,
                    note=system_reason("plan.dropped"),
                )
    return plan_item


@dataclass(frozen=True)
class PlanChangePreview:
    """What saving a plan item with new dates would do to the clusters' milestones.

    ``moving``: those still on the plan's date, which move with it; ``outside``: those with a
    day of their own that the new window no longer holds; the officer keeps or clears each.
    """

    moving: list
    outside: list


def preview_plan_change(*, plan_item):
    """The clusters' milestones that move with ``plan_item``'s new dates (not saved yet) and
    those whose confirmed day would lie outside its new window, each in cluster order."""
    previous = PlanItem.objects.get(pk=plan_item.pk).date_values()
    moving, outside = [], []
    milestones = plan_item.milestones.select_related("cluster").order_by("cluster__name", "pk")
    for milestone in milestones.only("kind", "cluster__name", *Milestone.DATE_FIELDS):
        if milestone.date_values() == previous:
            moving.append(milestone)
        elif milestone.is_outside_window(plan_item):
            outside.append(milestone)
    return PlanChangePreview(moving=moving, outside=outside)


@dataclass(frozen=True)
class PlanChangeOutcome:
    moved: int
    kept: int
    cleared: int


def change_plan_item(*, plan_item, by, reason="", clear=()):
    """Save a plan item whose dates move, as ``save_plan_item`` does, and clear the confirmed
    days the new window no longer holds of the milestones in ``clear`` (their pks) back to
    the window; the others keep their day, flagged outside the window. Each cluster whose
    day was cleared hears of it through the reminder ledger, in the same transaction: its
    coordinators (who confirm a day again) and the people responsible, one date-changed
    email each. The milestones that move with the plan are told by the reminder rounds."""
    preview = preview_plan_change(plan_item=plan_item)
    to_clear = [m.pk for m in preview.outside if m.pk in set(clear)]
    with transaction.atomic():
        save_plan_item(plan_item=plan_item, by=by, reason=reason)
        for milestone in Milestone.objects.filter(pk__in=to_clear).select_related("cluster"):
            services.change_milestone(
                milestone=milestone,
                changes={name: getattr(plan_item, name) for name in PlanItem.DATE_FIELDS},
                by=by,
                reason=system_reason("plan.moved", window=plan_item.when),
            )
            announce_date_change(milestone=milestone)
    return PlanChangeOutcome(
        moved=len(preview.moving),
        kept=len(preview.outside) - len(to_clear),
        cleared=len(to_clear),
    )


def sync_cluster_plan(*, cluster, by=None):
    """Give a cluster a milestone for each plan item that applies to it and it lacks.

    Called when a cluster joins (or changes round), so it gets the plan's current items and
    the answer milestone of a day-finding open for them. Returns the plan's milestones created.
    """
    created = []
    with transaction.atomic():
        have = set(
            cluster.milestones.exclude(plan_item=None).values_list("plan_item_id", flat=True)
        )
        items = PlanItem.objects.filter(programme_id=cluster.programme_id).exclude(pk__in=have)
        for plan_item in items:
            if not plan_item.applies_to(cluster):
                continue
            milestone = _milestone_from_plan(plan_item, cluster)
            services.add_milestone(milestone=milestone, by=by, reason=system_reason("plan.added"))
            created.append(milestone)
        if created:
            # Imported here: day-finding builds on this module (it confirms through confirm_day).
            from milestones.dayfinding.services import add_joining_cluster

            add_joining_cluster(cluster=cluster, by=by)
    return created


def change_milestone_date(*, milestone, by, reason, **date_fields):
    """Move a milestone, keeping who moved it, when and why; raises ValidationError if unsound
    (the row then stays as it was)."""
    unknown = set(date_fields) - set(Milestone.DATE_FIELDS)
    if unknown:
        raise TypeError(f"not date fields: {sorted(unknown)}")
    for name, value in date_fields.items():
        setattr(milestone, name, value)
    milestone.full_clean()
    return services.change_milestone(milestone=milestone, changes=date_fields, by=by, reason=reason)


def confirm_day(*, milestone, day, starts_at=None, ends_at=None, by, reason=""):
    """Fix the day of a window; its history keeps the window it was and reads "day
    confirmed" (``DateChange.confirms_day``)."""
    return change_milestone_date(
        milestone=milestone,
        by=by,
        reason=reason,
        starts_on=day,
        ends_on=None,
        starts_at=starts_at,
        ends_at=ends_at,
        is_tentative=False,
    )


@dataclass(frozen=True)
class DateChange:
    at: object
    by: object
    reason: str
    before: When | None
    after: When

    @property
    def confirms_day(self):
        """A window given its day."""
        return self.before is not None and self.before.is_tentative and not self.after.is_tentative


def history(milestone):
    """The milestone's historical records, oldest first, with who made each change."""
    return list(
        milestone.history.select_related("history_user").order_by("history_date", "history_id")
    )


def date_changes(milestone, records=None):
    """The milestone's date over time, oldest first: set, then each move, with who and why
    (in the active language, ``milestones.reasons``).

    ``records``: the milestone's ``history``, when it was read already.
    """
    if records is None:
        records = history(milestone)
    changes = []
    previous = None
    for record in records:
        values = tuple(getattr(record, n) for n in Milestone.DATE_FIELDS)
        if previous is None or values != previous[0]:
            after = When(
                **dict(zip(Milestone.DATE_FIELDS, values, strict=True)),
                is_deadline=record.kind in DEADLINE_KINDS,
            )
            changes.append(
                DateChange(
                    at=record.history_date,
                    by=record.history_user,
                    reason=reason_text(record.history_change_reason),
                    before=previous[1] if previous else None,
                    after=after,
                )
            )
            previous = (values, after)
    return changes


@dataclass(frozen=True)
class StatusChange:
    at: object
    by: object
    note: str
    before: str
    after: str


def status_changes(records):
    """Each change of the milestone's status in its ``history``, oldest first, with who made
    it and their note (in the active language when the app wrote it)."""
    changes = []
    for previous, record in itertools.pairwise(records):
        if record.status != previous.status:
            changes.append(
                StatusChange(
                    at=record.history_date,
                    by=record.history_user,
                    note=reason_text(record.history_change_reason),
                    before=Status(previous.status).label,
                    after=Status(record.status).label,
                )
            )
    return changes
