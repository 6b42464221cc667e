"""The programme matrix: clusters x plan items, each cell a state in words.

A cell's state is computed by the database (``with_state``), so that a page of the matrix,
its sort by a column and its filter by state cost the same few queries in a programme of
any size.
"""

import datetime
from dataclasses import dataclass

from django.db import models
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from milestones import dates
from milestones.models import (
    DEADLINE_KINDS,
    Decision,
    Milestone,
    Status,
    Submission,
)

# "Due soon": its first or last day is at most this many days ahead.
DUE_SOON_DAYS = 7


class CellState(models.TextChoices):
    """What a cell of the matrix says, in words and (app.css) in colour."""

    OVERDUE = "overdue", gettext_lazy("Overdue")
    DUE_SOON = "due-soon", gettext_lazy("Due soon")
    LATE = "late", gettext_lazy("Submitted late")
    IN_PROGRESS = "in-progress", gettext_lazy("In progress")
    PLANNED = "planned", gettext_lazy("Planned")
    SUBMITTED = "submitted", gettext_lazy("Submitted")
    ACCEPTED = "accepted", gettext_lazy("Accepted")
    DONE = "done", gettext_lazy("Done")
    CANCELLED = "cancelled", gettext_lazy("Cancelled")


# A column sorted by state puts the most urgent first: the order of ``CellState``.
URGENCY = list(CellState)
# What the cluster has delivered: counted as "9 of 14 submitted".
DELIVERED = (CellState.SUBMITTED, CellState.LATE, CellState.ACCEPTED, CellState.DONE)
OPEN = (Status.PLANNED, Status.IN_PROGRESS)


@dataclass(frozen=True)
class Moment:
    """Today and the time of day in the programme's time zone: what "overdue" is judged by."""

    today: datetime.date
    time: datetime.time


def programme_moment(programme, *, now=None):
    now = now or timezone.now()
    try:
        tz = dates.zone(programme.time_zone)
    except dates.UnknownTimeZone:
        tz = timezone.get_current_timezone()
    local = now.astimezone(tz)
    return Moment(today=local.date(), time=local.time())


def overdue_condition(moment):
    """Open, and its last day gone, or a deadline of today whose cut-off has passed (as
    ``timeline.is_overdue`` and ``timeline.cut_off_passed`` judge one milestone)."""
    cut_off_passed = Q(
        kind__in=DEADLINE_KINDS,
        is_tentative=False,
        starts_on=moment.today,
        starts_at__isnull=False,
        starts_at__lte=moment.time,
    )
    return Q(status__in=OPEN) & (Q(last_day__lt=moment.today) | cut_off_passed)


def due_soon_condition(moment):
    """Open, and its first or last day in the next ``DUE_SOON_DAYS`` days (today included)."""
    soon = moment.today + datetime.timedelta(days=DUE_SOON_DAYS)
    return Q(status__in=OPEN) & (
        Q(starts_on__range=(moment.today, soon)) | Q(last_day__range=(moment.today, soon))
    )


def with_state(milestones, *, moment):
    """``milestones`` with ``state`` (a ``CellState``), from the status, the date and the
    latest submission (``latest_is_late``) and its review (``latest_decision``)."""
    latest = Submission.objects.newest_of(OuterRef("pk"))[:1]
    return milestones.annotate(
        last_day=Coalesce("ends_on", "starts_on"),
        latest_is_late=Subquery(latest.values("is_late")),
        latest_decision=Subquery(latest.values("review__decision")),
        state=Case(
            When(status=Status.CANCELLED, then=Value(CellState.CANCELLED)),
            # Only what was delivered can be accepted; asked in this order, the database
            # looks for a review only for those.
            When(
                Q(status__in=(Status.SUBMITTED, Status.DONE))
                & Q(latest_decision=Decision.ACCEPTED),
                then=Value(CellState.ACCEPTED),
            ),
            When(status=Status.DONE, then=Value(CellState.DONE)),
            When(Q(status=Status.SUBMITTED) & Q(latest_is_late=True), then=Value(CellState.LATE)),
            When(status=Status.SUBMITTED, then=Value(CellState.SUBMITTED)),
            When(overdue_condition(moment), then=Value(CellState.OVERDUE)),
            When(due_soon_condition(moment), then=Value(CellState.DUE_SOON)),
            When(status=Status.IN_PROGRESS, then=Value(CellState.IN_PROGRESS)),
            default=Value(CellState.PLANNED),
            output_field=models.CharField(),
        ),
    )


def urgency():
    """The ``state`` annotation as a number, the most urgent lowest: a column's sort key."""
    return Case(
        *(When(state=state, then=Value(rank)) for rank, state in enumerate(URGENCY)),
        output_field=models.IntegerField(),
    )


@dataclass(frozen=True)
class Sort:
    """How the matrix is sorted: by cluster name, or by one plan item's state (``item``)."""

    item: int | None = None
    descending: bool = False

    @classmethod
    def parse(cls, value, plan_items):
        """``cluster``, ``-cluster``, ``item-<pk>``, ``-item-<pk>``; anything else: by name."""
        value = value or ""
        descending = value.startswith("-")
        key = value.removeprefix("-")
        if key.startswith("item-") and key[5:].isdigit():
            pk = int(key[5:])
            if any(item.pk == pk for item in plan_items):
                return cls(item=pk, descending=descending)
        return cls(descending=descending and key == "cluster")

    def key(self, item=None):
        """The parameter that sorts by ``item`` (or the cluster), the other way round when it
        is this sort already."""
        name = f"item-{item.pk}" if item is not None else "cluster"
        flip = self.item == (item.pk if item is not None else None) and not self.descending
        return f"-{name}" if flip else name

    def aria(self, item=None):
        """``aria-sort`` of a column header: what a screen reader announces."""
        if self.item != (item.pk if item is not None else None):
            return None
        return "descending" if self.descending else "ascending"


def sorted_clusters(clusters, *, sort, moment):
    """``clusters`` in the order ``sort`` asks; the same state by name. A cluster that has
    no milestone of the sorted plan item comes last."""
    if sort.item is None:
        if sort.descending:
            return clusters.order_by("-name", "-pk")
        return clusters.order_by("name", "pk")
    cell = with_state(
        Milestone.objects.filter(cluster=OuterRef("pk"), plan_item_id=sort.item), moment=moment
    ).annotate(rank=urgency())
    rank = F("rank")
    return clusters.annotate(rank=Subquery(cell.values("rank")[:1])).order_by(
        rank.desc(nulls_last=True) if sort.descending else rank.asc(nulls_last=True),
        "name",
        "pk",
    )


def clusters_in_state(clusters, *, state, plan_items, moment, item=None):
    """The clusters with a cell in ``state``: in the column of ``item``, or in any."""
    cells = Milestone.objects.filter(cluster=OuterRef("pk"))
    cells = (
        cells.filter(plan_item=item) if item is not None else cells.filter(plan_item__in=plan_items)
    )
    return clusters.filter(Exists(with_state(cells, moment=moment).filter(state=state)))


def column_counts(*, programme, plan_items, moment):
    """Each plan item's figures over every cluster of the programme: ``total``, ``delivered``
    and ``overdue``, by plan item pk."""
    counts = {item.pk: {"total": 0, "delivered": 0, "overdue": 0} for item in plan_items}
    rows = (
        with_state(
            Milestone.objects.filter(cluster__programme=programme, plan_item__in=plan_items),
            moment=moment,
        )
        .values("plan_item_id", "state")
        .annotate(cells=Count("pk"))
        .order_by()
    )
    for row in rows:
        figures = counts[row["plan_item_id"]]
        figures["total"] += row["cells"]
        if row["state"] in DELIVERED:
            figures["delivered"] += row["cells"]
        if row["state"] == CellState.OVERDUE:
            figures["overdue"] += row["cells"]
    return counts


def count_text(item, figures):
    """A column's figures in words: "9 of 14 submitted · 2 overdue"."""
    if item.asks_submission or item.is_deadline:
        text = _("%(delivered)d of %(total)d submitted")
    else:
        text = _("%(delivered)d of %(total)d done")
    text %= figures
    if figures["overdue"]:
        text += " · " + _("%(overdue)d overdue") % figures
    return text


def cells_of(*, clusters, plan_items, moment):
    """The milestones of ``clusters`` for ``plan_items`` with their state, by (cluster pk,
    plan item pk). Only the milestones of ``clusters`` are read."""
    items = {item.pk: item for item in plan_items}
    milestones = with_state(
        Milestone.objects.filter(cluster__in=clusters, plan_item__in=plan_items), moment=moment
    ).only("cluster_id", "plan_item_id", "status", "kind", "title", *Milestone.DATE_FIELDS)
    cells = {}
    for milestone in milestones:
        # Its plan item is at hand: ``is_outside_plan_window`` needs no query of its own.
        milestone.plan_item = items[milestone.plan_item_id]
        milestone.state_label = str(CellState(milestone.state).label)
        cells[milestone.cluster_id, milestone.plan_item_id] = milestone
    return cells


def matrix_rows(*, clusters, plan_items, moment):
    """The matrix's rows: each cluster with, in the plan's order, its milestone of each plan
    item (with ``state`` and ``state_label``), or None where it has none."""
    cells = cells_of(clusters=clusters, plan_items=plan_items, moment=moment)
    return [
        {"cluster": cluster, "cells": [cells.get((cluster.pk, item.pk)) for item in plan_items]}
        for cluster in clusters
    ]
