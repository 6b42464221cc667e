"""What the day-finding tests share: a visit window of May–June 2024 with its day-finding."""

import datetime
import zoneinfo

from milestones import plan
from milestones.dayfinding import services
from milestones.models import Kind, PlanItem

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
# The officer opens the day-finding on 2 April 2024; clusters answer by 19 April.
APRIL_2 = datetime.datetime(2024, 4, 2, 9, 0, tzinfo=BERLIN)
APRIL_10 = datetime.datetime(2024, 4, 10, 9, 0, tzinfo=BERLIN)
APRIL_20 = datetime.datetime(2024, 4, 20, 9, 0, tzinfo=BERLIN)
ANSWER_BY = datetime.date(2024, 4, 19)
ANSWERED_ON = APRIL_10.date()
MAY_14, MAY_15, MAY_16 = (datetime.date(2024, 5, day) for day in (14, 15, 16))


def add_visit_item(programme):
    """The plan's on-site visit, a window over May and June 2024, for every cluster."""
    plan_item = PlanItem(
        programme=programme,
        kind=Kind.ON_SITE_VISIT,
        title="On-site visit (1 day)",
        starts_on=datetime.date(2024, 5, 1),
        ends_on=datetime.date(2024, 6, 30),
        is_tentative=True,
    )
    plan_item.full_clean()
    return plan.save_plan_item(plan_item=plan_item)


def open_on(plan_item, *, days=(MAY_14, MAY_15), visits_per_day=1, by=None):
    return services.open_day_finding(
        plan_item=plan_item,
        days=list(days),
        visits_per_day=visits_per_day,
        answer_by=ANSWER_BY,
        by=by,
        today=APRIL_2.date(),
    )


def answer(day_finding, cluster, by, choices, today=ANSWERED_ON):
    """Answer with ``choices``: day to availability, no notes."""
    panel_days = dict(day_finding.days.values_list("day", "pk"))
    return services.save_answers(
        day_finding=day_finding,
        cluster=cluster,
        answers={panel_days[day]: (choice, "") for day, choice in choices.items()},
        by=by,
        today=today,
    )
