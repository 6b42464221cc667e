"""`make bench`, day-finding: the proposal for 1,000 clusters and 60 panel days, beside
``scipy.optimize.linear_sum_assignment`` alone on the same cost matrix.

    python -m benchmarks.dayfinding        # alone, on the benchmark's database

The proposal is what the officer's page computes: the clusters taking part and every answer
read from the database, the cost matrix built, the assignment solved. The data is a programme
of its own, built with bulk_create beside whatever the database holds: each cluster answers
every day, "can host" a fifth of the days, "only if need be" another fifth, at random with a
fixed seed; 17 visits a day, so that the 1,020 slots could hold every cluster.
"""

import datetime
import os
import random
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from scipy.optimize import linear_sum_assignment  # noqa: E402

from milestones.dayfinding import services, solver  # noqa: E402
from milestones.dayfinding.days import visits_of  # noqa: E402
from milestones.models import (  # noqa: E402
    Availability,
    Cluster,
    DayAnswer,
    DayFinding,
    DayFindingReply,
    Kind,
    Milestone,
    PanelDay,
    PlanItem,
    Programme,
)

CLUSTERS = 1000
DAYS = 60
VISITS_PER_DAY = 17
RUNS = 5
SLUG = "dayfinding-bench"
FIRST_DAY = datetime.date(2030, 5, 1)


def build():
    """The programme, its clusters, their visits, the day-finding and every answer."""
    programme = Programme.objects.create(name="Day-finding bench", slug=SLUG)
    window_end = FIRST_DAY + datetime.timedelta(days=DAYS * 2)
    plan_item = PlanItem.objects.create(
        programme=programme,
        kind=Kind.ON_SITE_VISIT,
        title="On-site visit",
        starts_on=FIRST_DAY,
        ends_on=window_end,
        is_tentative=True,
    )
    clusters = Cluster.objects.bulk_create(
        Cluster(programme=programme, name=f"Bench {n:04d}", slug=f"{SLUG}-{n:04d}")
        for n in range(CLUSTERS)
    )
    Milestone.objects.bulk_create(
        Milestone(
            cluster=cluster,
            plan_item=plan_item,
            kind=Kind.ON_SITE_VISIT,
            title="On-site visit",
            starts_on=FIRST_DAY,
            ends_on=window_end,
            is_tentative=True,
        )
        for cluster in clusters
    )
    day_finding = DayFinding.objects.create(
        plan_item=plan_item, visits_per_day=VISITS_PER_DAY, answer_by=FIRST_DAY
    )
    days = PanelDay.objects.bulk_create(
        PanelDay(day_finding=day_finding, day=FIRST_DAY + datetime.timedelta(days=n))
        for n in range(DAYS)
    )
    replies = DayFindingReply.objects.bulk_create(
        DayFindingReply(day_finding=day_finding, cluster=cluster) for cluster in clusters
    )
    # The same answers in every run; nothing secret about them.
    draw = random.Random(2024)  # noqa: S311
    choices = [Availability.CAN, Availability.IF_NEED_BE] + [Availability.CANNOT] * 3
    DayAnswer.objects.bulk_create(
        (
            DayAnswer(reply=reply, panel_day=day, availability=draw.choice(choices))
            for reply in replies
            for day in days
        ),
        batch_size=5000,
    )
    return day_finding


def figures():
    """Median seconds of the whole proposal and of the solver alone, interleaved."""
    if Programme.objects.filter(slug=SLUG).exists():
        remove()
    day_finding = build()
    proposal_runs, solver_runs = [], []
    for _ in range(RUNS):
        started = time.perf_counter()
        proposal = services.propose(day_finding=day_finding)
        proposal_runs.append(time.perf_counter() - started)
        clusters = [visit.cluster_id for visit in visits_of(day_finding.plan_item)]
        days = list(day_finding.days.values_list("pk", flat=True))
        answers = services.availability_by_cluster(day_finding)
        slots = solver.slots_of(days, VISITS_PER_DAY)
        matrix = solver.cost_matrix(clusters, slots, answers)
        started = time.perf_counter()
        linear_sum_assignment(matrix)
        solver_runs.append(time.perf_counter() - started)
    result = {
        "clusters": CLUSTERS,
        "days": DAYS,
        "visits a day": VISITS_PER_DAY,
        "matrix": f"{matrix.shape[0]} x {matrix.shape[1]}",
        "proposal s": round(statistics.median(proposal_runs), 3),
        "linear_sum_assignment s": round(statistics.median(solver_runs), 3),
        "given a day": len(proposal.days),
        "left": len(proposal.left),
        "database": connection.vendor,
    }
    remove()
    return result


def remove():
    """The bench programme and everything of it."""
    programme = Programme.objects.get(slug=SLUG)
    DayFinding.objects.filter(plan_item__programme=programme).delete()
    Milestone.objects.filter(cluster__programme=programme).delete()
    PlanItem.objects.filter(programme=programme).delete()
    Cluster.objects.filter(programme=programme).delete()
    programme.delete()


def table(result):
    return (
        f"6. day-finding proposal, {result['clusters']} clusters x {result['days']} days, "
        f"{result['visits a day']} visits a day (matrix {result['matrix']}): "
        f"{result['proposal s']} s (target < 2 s), of which linear_sum_assignment alone on the "
        f"same matrix {result['linear_sum_assignment s']} s; {result['given a day']} given a "
        f"day, {result['left']} left"
    )


if __name__ == "__main__":
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(table(figures()))
