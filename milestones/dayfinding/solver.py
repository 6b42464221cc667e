"""The proposal of day-finding: which cluster gets which of the panel's days.

As many clusters as possible get a day they can host (or host only if need be); among those
assignments, as few "only if need be" as possible; no day gets more visits than it has room
for. This is an assignment problem: each day becomes as many slots as it has visits, and
``scipy.optimize.linear_sum_assignment`` finds the cheapest way to give each cluster a slot or
none.
"""

from dataclasses import dataclass, field

import numpy
from scipy.optimize import linear_sum_assignment

CAN = "can"
IF_NEED_BE = "if-need-be"
CANNOT = "cannot"

# Why a cluster is left without a day.
NO_ANSWER = "no-answer"
CANNOT_ANY_DAY = "cannot-any-day"
DAYS_FULL = "days-full"


@dataclass(frozen=True)
class Proposal:
    """``days``: cluster to day for those given one; ``left``: cluster to why not."""

    days: dict
    left: dict = field(default_factory=dict)

    def count_if_need_be(self, answers):
        """How many clusters the proposal gives a day they host only if need be."""
        return sum(1 for cluster, day in self.days.items() if answers[cluster][day] == IF_NEED_BE)


def slots_of(days, capacity):
    """Each day as many times as it has visits, in day order: the columns of the matrix."""
    return [day for day in days for _ in range(capacity)]


def cost_matrix(clusters, slots, answers):
    """Rows: clusters; columns: the slots, then one "no day" column per cluster.

    A slot the cluster can host costs 0, one it hosts only if need be 1. A cluster left
    without a day costs more than every "only if need be" together (``len(clusters) + 1``),
    so one more cluster with a day always wins; a slot it cannot host costs as much as
    having none, and counts as none.
    """
    no_day = len(clusters) + 1
    costs = {CAN: 0, IF_NEED_BE: 1}
    matrix = numpy.full((len(clusters), len(slots) + len(clusters)), no_day, dtype=numpy.int64)
    column = {}
    for index, day in enumerate(slots):
        column.setdefault(day, []).append(index)
    for row, cluster in enumerate(clusters):
        for day, choice in answers.get(cluster, {}).items():
            if choice in costs and day in column:
                matrix[row, column[day]] = costs[choice]
    return matrix


def propose(*, clusters, days, capacity, answers):
    """The best assignment of ``days`` (each with room for ``capacity`` visits) to
    ``clusters`` (in a fixed order), given ``answers``: cluster to {day: choice}."""
    clusters, days = list(clusters), list(days)
    if not clusters:
        return Proposal(days={})
    slots = slots_of(days, min(capacity, len(clusters)))
    matrix = cost_matrix(clusters, slots, answers)
    rows, columns = linear_sum_assignment(matrix)
    no_day = len(clusters) + 1
    assigned = {}
    for row, column in zip(rows, columns, strict=True):
        if column < len(slots) and matrix[row, column] < no_day:
            assigned[clusters[row]] = slots[column]
    left = {
        cluster: why_left(answers.get(cluster, {}), days)
        for cluster in clusters
        if cluster not in assigned
    }
    return Proposal(days=assigned, left=left)


def why_left(answers, days):
    """Why a cluster got no day: it gave no answer, it cannot host any day, or every day it
    can host is full."""
    if not any(answers.get(day) for day in days):
        return NO_ANSWER
    if not any(answers.get(day) in (CAN, IF_NEED_BE) for day in days):
        return CANNOT_ANY_DAY
    return DAYS_FULL
