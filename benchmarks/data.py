"""The benchmark's data, built with bulk_create: a programme, its clusters, people, milestones."""

import datetime

from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from milestones.models import (
    Cluster,
    FeedScope,
    Kind,
    Membership,
    Milestone,
    Person,
    PlanItem,
    Programme,
    ProgrammeOfficer,
    Responsibility,
    ResponsibilityRole,
    Role,
    Status,
)

SIZES = {
    # Clusters4Future: 14 clusters, 50 milestones each (700), 100 people.
    "small": {"clusters": 14, "milestones_per_cluster": 50, "people": 100},
    "large": {"clusters": 1000, "milestones_per_cluster": 100, "people": 10000},
}
KINDS = [
    Kind.PROGRESS_REPORT,
    Kind.STRATEGY_SUBMISSION,
    Kind.ON_SITE_VISIT,
    Kind.JURY_MEETING,
    Kind.IMPLEMENTATION_PHASE,
    Kind.OTHER,
]
BATCH = 5000
# Every milestone lies after this day, so a reminder sweep "now" finds nothing due.
DAYS_BACK = 365


def quiet_moment():
    """A moment long before every milestone: nothing is due, nothing was moved."""
    return timezone.now() - datetime.timedelta(days=DAYS_BACK + 120)


def _dates(today, number, cluster_number):
    """A day, a day with a time, a span or a window, spread over three years."""
    first = today + datetime.timedelta(days=(number * 37 + cluster_number * 11) % 1095 - DAYS_BACK)
    form = number % 4
    if form == 0:
        return {
            "starts_on": first,
            "ends_on": first + datetime.timedelta(days=45),
            "is_tentative": True,
        }
    if form == 1:
        return {"starts_on": first, "starts_at": datetime.time(12, 0)}
    if form == 2:
        return {"starts_on": first, "ends_on": first + datetime.timedelta(days=2)}
    return {"starts_on": first}


def _status(number, starts_on, today):
    """As in a programme under way: the past is done but for the odd overdue milestone; a
    tenth of what is ahead is done early."""
    if starts_on < today:
        return Status.PLANNED if number % 20 == 7 else Status.DONE
    return Status.DONE if number % 10 == 9 else Status.PLANNED


def build(size):
    """Empty the database and fill it; returns the people and objects the benchmark uses."""
    shape = SIZES[size]
    call_command("flush", interactive=False, verbosity=0)
    today = timezone.localdate()
    programme = Programme.objects.create(
        name="Clusters4Future", slug="clusters4future", funder="BMBF"
    )
    plan_items = PlanItem.objects.bulk_create(
        PlanItem(
            programme=programme,
            kind=KINDS[number],
            title=f"Plan item {number + 1}",
            starts_on=today + datetime.timedelta(days=60 * number),
            ends_on=today + datetime.timedelta(days=60 * number + 30),
            is_tentative=True,
        )
        for number in range(5)
    )
    clusters = Cluster.objects.bulk_create(
        Cluster(programme=programme, name=f"Cluster {number:04d}", slug=f"cluster-{number:04d}")
        for number in range(shape["clusters"])
    )
    people = Person.objects.bulk_create(
        (
            Person(
                email=f"person{number:05d}@bench.example",
                name=f"Person {number:05d}",
                password="!",  # noqa: S106 - unusable: nobody logs in with a password here
                language="en",
            )
            for number in range(shape["people"])
        ),
        batch_size=BATCH,
    )
    officer = people[0]
    ProgrammeOfficer.objects.create(person=officer, programme=programme)
    staff = people[1:]
    members_by_cluster = {cluster.pk: [] for cluster in clusters}
    memberships = []
    for index, person in enumerate(staff):
        cluster = clusters[index % len(clusters)]
        first = not members_by_cluster[cluster.pk]
        members_by_cluster[cluster.pk].append(person)
        role = Role.COORDINATOR if first else Role.MEMBER
        memberships.append(Membership(person=person, cluster=cluster, role=role))
    Membership.objects.bulk_create(memberships, batch_size=BATCH)

    per_cluster = shape["milestones_per_cluster"]

    def milestones():
        for cluster_number, cluster in enumerate(clusters):
            for number in range(per_cluster):
                plan_item = plan_items[number] if number < len(plan_items) else None
                when = _dates(today, number, cluster_number)
                yield Milestone(
                    cluster=cluster,
                    plan_item=plan_item,
                    kind=KINDS[number % len(KINDS)],
                    title=f"Milestone {number + 1} of {cluster.name}",
                    location="Leipzig" if number % 3 == 0 else "",
                    status=_status(number, when["starts_on"], today),
                    **when,
                )

    def flush(batch):
        created = Milestone.objects.bulk_create(batch)
        responsibilities = []
        for milestone in created:
            members = members_by_cluster[milestone.cluster_id]
            lead = members[milestone.pk % len(members)]
            responsibilities.append(
                Responsibility(milestone=milestone, person=lead, role=ResponsibilityRole.LEAD)
            )
            contributor = members[(milestone.pk + 1) % len(members)]
            if contributor != lead:
                responsibilities.append(Responsibility(milestone=milestone, person=contributor))
        Responsibility.objects.bulk_create(responsibilities)

    batch = []
    for milestone in milestones():
        batch.append(milestone)
        if len(batch) >= BATCH:
            flush(batch)
            batch = []
    if batch:
        flush(batch)
    # Statistics as a database in use has them, so the planner knows the tables' sizes.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    first_cluster = clusters[0]
    return {
        "programme": programme,
        "officer": officer,
        "coordinator": members_by_cluster[first_cluster.pk][0],
        "cluster": first_cluster,
        "people": people,
        "milestones": Milestone.objects.count(),
        "feed_scope": FeedScope.PROGRAMME,
    }
