"""Where every cluster stands with a plan item's submission, for the programme's officers:
the counts, each cluster's state, and the files of each cluster's latest version.

A constant number of queries whatever the number of clusters: each cluster's latest
submission, its review and whether it has an extension come as subqueries of one query.
"""

import collections
import dataclasses

from django.db import models
from django.db.models import Exists, OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from milestones.models import Decision, Extension, Milestone, Status, Submission, SubmissionFile
from milestones.submissions.archive import zip_name


class State(models.TextChoices):
    OUTSTANDING = "outstanding", _("Nothing submitted yet")
    AWAITING_REVIEW = "awaiting-review", _("Submitted, awaiting review")
    REVISION = "revision", _("Revision requested")
    ACCEPTED = "accepted", _("Accepted")
    CANCELLED = "cancelled", _("Cancelled")


def _latest(field):
    """The value of ``field`` of the milestone's newest submission, as a subquery."""
    return Subquery(Submission.objects.newest_of(OuterRef("pk")).values(field)[:1])


def cluster_milestones(plan_item):
    """Each cluster's milestone for the plan item, in the order of the clusters' names, with
    its latest submission's ``latest_number``, ``latest_submitted_at``, ``latest_is_late``,
    ``latest_decision`` (None: not reviewed) and ``has_extension``."""
    return (
        Milestone.objects.filter(plan_item=plan_item)
        .select_related("cluster")
        .only("cluster__name", "cluster__slug", "status", "kind", *Milestone.DATE_FIELDS)
        .annotate(
            latest_number=_latest("number"),
            latest_submitted_at=_latest("submitted_at"),
            latest_is_late=_latest("is_late"),
            latest_decision=_latest("review__decision"),
            has_extension=Exists(Extension.objects.filter(milestone=OuterRef("pk"))),
        )
        .order_by("cluster__name", "cluster_id")
    )


def state_of(milestone):
    """Where the cluster stands: its latest version's review, or whether it submitted."""
    if milestone.latest_number is None:
        if milestone.status == Status.CANCELLED:
            return State.CANCELLED
        return State.OUTSTANDING
    if milestone.latest_decision == Decision.ACCEPTED:
        return State.ACCEPTED
    if milestone.latest_decision == Decision.REVISION:
        return State.REVISION
    return State.AWAITING_REVIEW


@dataclasses.dataclass
class Progress:
    """The plan item's counts and its clusters' rows (milestone, state)."""

    rows: list
    clusters: int = 0
    submitted: int = 0
    on_time: int = 0
    late: int = 0
    extended: int = 0
    accepted: int = 0
    revision: int = 0
    awaiting_review: int = 0
    outstanding: int = 0


def plan_item_progress(plan_item):
    """How many clusters have submitted (their latest version on time or late), with an
    extension, accepted, revision requested, awaiting review and outstanding; and each
    cluster's row."""
    rows = [(milestone, state_of(milestone)) for milestone in cluster_milestones(plan_item)]
    states = collections.Counter(state for _milestone, state in rows)
    submitted = [milestone for milestone, _state in rows if milestone.latest_number is not None]
    late = sum(1 for milestone in submitted if milestone.latest_is_late)
    return Progress(
        rows=rows,
        clusters=len(rows),
        submitted=len(submitted),
        on_time=len(submitted) - late,
        late=late,
        extended=sum(1 for milestone, _state in rows if milestone.has_extension),
        accepted=states[State.ACCEPTED],
        revision=states[State.REVISION],
        awaiting_review=states[State.AWAITING_REVIEW],
        outstanding=states[State.OUTSTANDING],
    )


def latest_files(plan_item):
    """The files of every cluster's latest submission for the plan item, by cluster name and
    file name, with their milestone's cluster."""
    newest = Submission.objects.newest_of(OuterRef("milestone"))
    return (
        SubmissionFile.objects.filter(
            milestone__plan_item=plan_item,
            submission__isnull=False,
            submission=Subquery(newest.values("pk")[:1]),
        )
        .select_related("milestone__cluster")
        .order_by("milestone__cluster__name", "milestone__cluster_id", "name")
    )


def archive_entries(files):
    """(name in the ZIP, file) of each of ``latest_files``: a folder per cluster, named after
    it; two clusters whose names make the same folder are told apart by their slugs."""
    folders = {}
    taken = set()
    for submitted_file in files:
        cluster = submitted_file.milestone.cluster
        folder = folders.get(cluster.pk)
        if folder is None:
            folder = zip_name(cluster.name)
            if folder in taken:
                folder = zip_name(f"{cluster.name} ({cluster.slug})")
            folders[cluster.pk] = folder
            taken.add(folder)
        yield f"{folder}/{submitted_file.name}", submitted_file


def archive_name(plan_item):
    """The ZIP's file name: the plan item's title and its (first) day."""
    return zip_name(f"{plan_item.title} {plan_item.starts_on.isoformat()}") + ".zip"
