"""A jury meeting's running order: saving a layout, moving a slot, and telling each cluster.

Each cluster's jury milestone gets its slot's day and times through
``plan.change_milestone_date`` (history with who and why, SEQUENCE and the date version up, so
feeds and reminders follow). The reminder ledger then tells each person concerned once, in
their language, at its next round: the people responsible for a milestone whose slot changed,
its cluster's coordinators while nobody is (``reminders.planning.date_change_recipients``);
its date-changed email says the new slot, the one before, who set it and why.

Two officers saving at once: the running order is locked and its version compared, so the
later one is refused (``Stale``) and loses nothing but their click.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from milestones import dates, plan
from milestones.jury import layout as slots_layout
from milestones.models import (
    JurySchedule,
    JurySlot,
    Kind,
    Milestone,
    PlanItem,
    Status,
)
from milestones.reasons import system_reason


class Stale(Exception):
    """Another officer saved the running order after this form was shown."""

    def __init__(self, schedule):
        super().__init__("the running order changed")
        self.schedule = schedule


class ClustersChanged(Exception):
    """A cluster joined or left the meeting after the preview was shown."""


class CannotMove(ValueError):
    """The move asked for is not possible; the message says why."""


def jury_plan_items():
    return PlanItem.objects.filter(kind=Kind.JURY_MEETING)


def presenting(plan_item):
    """The milestones of the clusters that present: the plan item's, not cancelled."""
    return (
        Milestone.objects.filter(plan_item=plan_item)
        .exclude(status=Status.CANCELLED)
        .select_related("cluster__programme")
        .order_by("cluster__name", "cluster__pk")
    )


def time_zone(plan_item):
    return dates.zone(plan_item.programme.time_zone)


def schedule_layout(schedule):
    return slots_layout.Layout(
        day=schedule.day,
        starts_at=schedule.starts_at,
        slot_minutes=schedule.slot_minutes,
        breaks=tuple(tuple(pair) for pair in schedule.breaks),
        ends_by=schedule.ends_by,
    )


def schedule_slots(schedule):
    """Every slot of a saved running order, free ones too, first to last."""
    return slots_layout.lay_out(
        schedule_layout(schedule), count=schedule.slot_count, tz=time_zone(schedule.plan_item)
    )


@dataclass(frozen=True)
class Saved:
    schedule: JurySchedule
    moved: list  # the milestones whose slot changed (the reminder ledger tells their people)


def _lock(plan_item, expected_version):
    """Lock the plan item (the row both officers' saves wait on, also before any running
    order exists) and return its running order, if it still is the one the form saw."""
    PlanItem.objects.select_for_update().get(pk=plan_item.pk)
    schedule = JurySchedule.objects.filter(plan_item=plan_item).first()
    if (schedule.version if schedule else 0) != expected_version:
        raise Stale(schedule)
    return schedule


def _assign(schedule, assignments, *, by, reason_key):
    """Give each milestone of ``assignments`` (slot number to milestone) its slot's day and
    times; return those whose date changed."""
    slots = {slot.number: slot for slot in schedule_slots(schedule)}
    moved = []
    schedule.slots.all().delete()
    for number, milestone in sorted(assignments.items()):
        slot = slots[number]
        wanted = (slot.starts.date(), None, slot.starts_at, slot.ends_at, False)
        if milestone.date_values() != wanted:
            plan.change_milestone_date(
                milestone=milestone,
                by=by,
                reason=system_reason(reason_key, number=number),
                starts_on=wanted[0],
                ends_on=None,
                starts_at=wanted[2],
                ends_at=wanted[3],
                is_tentative=False,
            )
            moved.append(milestone)
    JurySlot.objects.bulk_create(
        JurySlot(schedule=schedule, number=number, milestone=milestone)
        for number, milestone in assignments.items()
    )
    return moved


def save_running_order(*, plan_item, layout, order, seed, milestone_pks, expected_version, by):
    """Lay out the slots and put the clusters' milestones (``milestone_pks``, first to last)
    into them. Raises Stale, ClustersChanged, or layout.DoesNotFit (nothing is changed then).
    """
    with transaction.atomic():
        schedule = _lock(plan_item, expected_version)
        milestones = {milestone.pk: milestone for milestone in presenting(plan_item)}
        if sorted(milestones) != sorted(milestone_pks):
            raise ClustersChanged
        slots_layout.lay_out(layout, count=len(milestone_pks), tz=time_zone(plan_item))
        if schedule is None:
            schedule = JurySchedule(plan_item=plan_item, version=0)
        schedule.day = layout.day
        schedule.starts_at = layout.starts_at
        schedule.slot_minutes = layout.slot_minutes
        schedule.breaks = [list(pair) for pair in layout.breaks]
        schedule.ends_by = layout.ends_by
        schedule.order = order
        schedule.seed = seed
        schedule.slot_count = len(milestone_pks)
        schedule.version += 1
        schedule.changed_by = by
        schedule.changed_at = timezone.now()
        schedule.save()
        assignments = {number: milestones[pk] for number, pk in enumerate(milestone_pks, start=1)}
        moved = _assign(
            schedule,
            assignments,
            by=by,
            reason_key="jury.slot",
        )
        if not plan_item.is_tentative and plan_item.starts_on != layout.day:
            # The plan says the meeting's day (its times, if any, the meeting's as a whole);
            # a milestone with a slot keeps its own date.
            plan_item.starts_on, plan_item.ends_on = layout.day, None
            plan.save_plan_item(plan_item=plan_item, by=by, reason=system_reason("jury.day"))
    return Saved(schedule=schedule, moved=moved)


def occupied(schedule):
    """Slot number to milestone: the slots of clusters still presenting (a slot of a
    cancelled milestone is free)."""
    return {
        slot.number: slot.milestone
        for slot in schedule.slots.select_related("milestone__cluster__programme")
        if slot.milestone.status != Status.CANCELLED
    }


def move_slot(*, schedule, milestone, to_number, expected_version, by):
    """Move a cluster's milestone to slot ``to_number``: a free slot, a new one after the last
    (``slot_count + 1``), or the slot of another cluster, which then takes this one's (a
    swap). A cluster without a slot yet (it joined after the layout) takes a free or new
    slot. Raises Stale, CannotMove or layout.DoesNotFit."""
    with transaction.atomic():
        schedule = _lock(schedule.plan_item, expected_version)
        assignments = occupied(schedule)
        if milestone.pk not in {m.pk for m in presenting(schedule.plan_item)}:
            raise CannotMove(_("%(cluster)s does not present.") % {"cluster": milestone.cluster})
        if not 1 <= to_number <= schedule.slot_count + 1:
            raise CannotMove(_("There is no slot %(number)d.") % {"number": to_number})
        here = next((n for n, m in assignments.items() if m.pk == milestone.pk), None)
        occupant = assignments.get(to_number)
        if here == to_number:
            raise CannotMove(
                _("%(cluster)s presents in slot %(number)d already.")
                % {"cluster": milestone.cluster, "number": to_number}
            )
        if occupant is not None and here is None:
            raise CannotMove(
                _(
                    "Slot %(number)d is %(cluster)s's. A cluster without a slot takes a free "
                    "one or a new one at the end."
                )
                % {"number": to_number, "cluster": occupant.cluster}
            )
        if to_number > schedule.slot_count:
            schedule.slot_count = to_number
            # Refused, with the time needed, before anything is written.
            schedule_slots(schedule)
        assignments[to_number] = milestone
        if here is not None:
            del assignments[here]
            if occupant is not None:
                assignments[here] = occupant
        schedule.version += 1
        schedule.changed_by = by
        schedule.changed_at = timezone.now()
        schedule.save()
        moved = _assign(
            schedule,
            assignments,
            by=by,
            reason_key="jury.moved",
        )
    return Saved(schedule=schedule, moved=moved)
