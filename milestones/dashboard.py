"""What is due: the open milestones a person sees, in groups by urgency, each group counted.

The groups are conditions on the milestone's dates, so that the database counts each group
whole (one query) and lists only its soonest rows (one query per group): the page asks the
same number of queries for a cluster of five milestones and a programme of a hundred thousand.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from milestones.models import DEADLINE_KINDS, Milestone, Responsibility, ResponsibilityRole, seen_by

# Rows listed per group; the group's count says how many there are in all.
GROUP_LIMIT = 50
WEEK_DAYS = 7
MONTH_DAYS = 30


@dataclass(frozen=True)
class Group:
    key: str
    title: str
    count: int
    rows: list

    @property
    def is_cut(self):
        return self.count > len(self.rows)


def group_conditions(*, today, now_time):
    """Each group's condition on a milestone, in the order the page shows them.

    Overdue: its last day is gone, or it is a deadline of today whose cut-off time (in the
    server's time zone) has passed. This week: it begins within the next seven days or is
    under way. Then within thirty days, then later.
    """
    week_end = today + datetime.timedelta(days=WEEK_DAYS)
    month_end = today + datetime.timedelta(days=MONTH_DAYS)
    over = Q(ends_on__lt=today) | Q(ends_on__isnull=True, starts_on__lt=today)
    cut_off_passed = Q(
        kind__in=DEADLINE_KINDS,
        starts_on=today,
        ends_on__isnull=True,
        starts_at__isnull=False,
        starts_at__lte=now_time,
    )
    not_over = Q(ends_on__gte=today) | Q(ends_on__isnull=True, starts_on__gte=today)
    return {
        # The bound on the first day says nothing new (a last day before today has its first
        # before it too); it lets the database walk only the open milestones begun by today.
        "overdue": Q(starts_on__lte=today) & (over | cut_off_passed),
        "week": not_over & Q(starts_on__lte=week_end) & ~cut_off_passed,
        "month": Q(starts_on__gt=week_end, starts_on__lte=month_end),
        "later": Q(starts_on__gt=month_end),
    }


GROUP_TITLES = {
    "overdue": _("Overdue"),
    "week": _("Due this week"),
    "month": _("Due in the next 30 days"),
    "later": _("Later"),
}


def open_milestones(person, *, oversees, filters):
    """The open milestones the person sees, narrowed by the filter form's ``filters``.

    ``oversees``: the person is an officer of a programme; the rule of who sees what is then
    a condition on the milestone's cluster (``seen_by``), which lets the database walk the
    open milestones in date order; for a member of a few clusters the subquery of
    ``visible_to`` is the better plan.
    """
    if oversees and person.is_active:
        milestones = Milestone.objects.filter(seen_by(person, via="cluster__"))
    else:
        milestones = Milestone.objects.visible_to(person)
    milestones = milestones.open()
    if filters.get("cluster"):
        milestones = milestones.filter(cluster__name__icontains=filters["cluster"])
    if filters.get("kind"):
        milestones = milestones.filter(kind=filters["kind"])
    if filters.get("status"):
        milestones = milestones.filter(status=filters["status"])
    if filters.get("mine"):
        milestones = milestones.filter(
            Exists(Responsibility.objects.filter(milestone=OuterRef("pk"), person=person))
        )
    return milestones


def with_row_fields(milestones):
    """What a row shows: the cluster, the plan's window and the lead (``lead_person_id``,
    ``lead_name``, ``lead_email``), read in the same query."""
    return (
        milestones.select_related("cluster__programme", "plan_item")
        .only(
            "kind",
            "title",
            "status",
            *Milestone.DATE_FIELDS,
            "cluster__slug",
            "cluster__name",
            "cluster__programme__time_zone",
            "plan_item__kind",
            *(f"plan_item__{name}" for name in Milestone.DATE_FIELDS),
        )
        # A milestone has at most one lead: joined, rather than everyone responsible prefetched.
        .annotate(
            lead_responsibility=FilteredRelation(
                "responsibilities", condition=Q(responsibilities__role=ResponsibilityRole.LEAD)
            ),
            lead_person_id=F("lead_responsibility__person_id"),
            lead_name=F("lead_responsibility__person__name"),
            lead_email=F("lead_responsibility__person__email"),
        )
    )


def due_groups(milestones, *, today, now_time, make_row, limit=GROUP_LIMIT):
    """The groups of ``milestones``, each with its count and its first ``limit`` rows.

    The overdue come most recently overdue first (the longest overdue are the least news);
    the others soonest first. ``make_row`` turns a milestone into what the template shows.
    """
    conditions = group_conditions(today=today, now_time=now_time)
    counts = milestones.aggregate(
        **{key: Count("pk", filter=condition) for key, condition in conditions.items()}
    )
    groups = []
    for key, condition in conditions.items():
        order = ("starts_on", "starts_at", "pk")
        if key == "overdue":
            order = ("-starts_on", "-starts_at", "-pk")
        # Asked even for an empty group: the page's queries do not depend on the data.
        selected = with_row_fields(milestones.filter(condition)).order_by(*order)[:limit]
        rows = [make_row(milestone) for milestone in selected]
        groups.append(Group(key=key, title=GROUP_TITLES[key], count=counts[key], rows=rows))
    return groups
