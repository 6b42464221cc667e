"""The demo: Clusters4Future's 2023/2024 milestone plan from its kick-off, done by now, and a
second round around the day the demo is first loaded (``milestones.demo``), for SaxoCell, a
fictional rival and four more fictional clusters.

Idempotent: it creates what is missing and leaves what exists as it is, so a second run changes
nothing (and a demo user's edits survive it), also on a later day.
"""

import datetime

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from milestones import demo, plan, services
from milestones.models import (
    Cluster,
    GermanState,
    Kind,
    Membership,
    Person,
    Phase,
    PlanItem,
    Programme,
    ProgrammeOfficer,
    Role,
    Status,
)

DEMO_PASSWORD = "demo-password"  # noqa: S105 (the documented demo log-in, demo data only)

PROGRAMME = {
    "slug": "clusters4future",
    "name": "Clusters4Future",
    "funder": "Bundesministerium für Bildung und Forschung (BMBF)",
    "time_zone": "Europe/Berlin",
}

CLUSTERS = [
    {
        "slug": "saxocell",
        "name": "SaxoCell",
        "round": 1,
        "phase": Phase.IMPLEMENTATION_1,
        "website": "https://saxocell.de",
        "state": GermanState.SAXONY,
    },
    {
        "slug": "nordlicht",
        "name": "Nordlicht (fictional demo cluster)",
        "round": 1,
        "phase": Phase.IMPLEMENTATION_1,
        "website": "",
        "state": GermanState.SCHLESWIG_HOLSTEIN,
    },
]

# email, name, organisation, (cluster slug, role) or None for the programme officer
PEOPLE = [
    ("officer@c4f.example", "Olivia Officer", "Projektträger (demo)", None),
    (
        "coordinator@saxocell.example",
        "Carla Coordinator",
        "SaxoCell",
        ("saxocell", Role.COORDINATOR),
    ),
    ("member@saxocell.example", "Max Member", "SaxoCell", ("saxocell", Role.MEMBER)),
    (
        "coordinator@othercluster.example",
        "Otto Other",
        "Nordlicht (fictional)",
        ("nordlicht", Role.COORDINATOR),
    ),
]

# The plan from the programme's kick-off slides (Leipzig, 11 September 2023), exactly.
PLAN = [
    {
        "kind": Kind.PROGRESS_REPORT,
        "title": "2nd strategic progress report",
        "starts_on": datetime.date(2023, 9, 1),
        "ends_on": datetime.date(2023, 9, 30),
        "is_tentative": True,
    },
    {
        "kind": Kind.STRATEGY_SUBMISSION,
        "title": "Submission of the updated “cluster strategy” and accompanying documents",
        "starts_on": datetime.date(2024, 4, 2),
    },
    {
        "kind": Kind.ON_SITE_VISIT,
        "title": "On-site visit (1 day)",
        "starts_on": datetime.date(2024, 5, 1),
        "ends_on": datetime.date(2024, 6, 30),
        "is_tentative": True,
    },
    {
        "kind": Kind.JURY_MEETING,
        "title": "Jury meeting with presentation of the cluster",
        "starts_on": datetime.date(2024, 7, 2),
    },
    {
        "kind": Kind.IMPLEMENTATION_PHASE,
        "title": "Start of the 2nd implementation phase",
        "starts_on": datetime.date(2024, 10, 1),
        "ends_on": datetime.date(2025, 1, 31),
        "is_tentative": True,
    },
]

# Who answers for what: (cluster slug, plan kind) -> (lead email, contributor emails)
RESPONSIBLE = {
    ("saxocell", Kind.PROGRESS_REPORT): ("coordinator@saxocell.example", []),
    ("saxocell", Kind.STRATEGY_SUBMISSION): (
        "member@saxocell.example",
        ["coordinator@saxocell.example"],
    ),
    ("saxocell", Kind.ON_SITE_VISIT): ("coordinator@saxocell.example", ["member@saxocell.example"]),
    ("saxocell", Kind.JURY_MEETING): ("coordinator@saxocell.example", ["member@saxocell.example"]),
    ("saxocell", Kind.IMPLEMENTATION_PHASE): ("coordinator@saxocell.example", []),
    ("nordlicht", Kind.PROGRESS_REPORT): ("coordinator@othercluster.example", []),
    ("nordlicht", Kind.STRATEGY_SUBMISSION): ("coordinator@othercluster.example", []),
    ("nordlicht", Kind.ON_SITE_VISIT): ("coordinator@othercluster.example", []),
    ("nordlicht", Kind.JURY_MEETING): ("coordinator@othercluster.example", []),
    ("nordlicht", Kind.IMPLEMENTATION_PHASE): ("coordinator@othercluster.example", []),
}


def _responsible(slug, kind, people):
    """The lead and contributors of a cluster's milestone of a kind: SaxoCell's and Nordlicht's
    as ``RESPONSIBLE`` says, a fictional cluster's coordinator for everything else."""
    if (slug, kind) in RESPONSIBLE:
        lead, contributors = RESPONSIBLE[(slug, kind)]
        return people[lead], [people[email] for email in contributors]
    email = next(email for other, _, email, _ in demo.MORE_CLUSTERS if other == slug)
    return people[email], []


class Command(BaseCommand):
    help = "Load the Clusters4Future demo data (idempotent) and print the demo log-ins."

    @transaction.atomic
    def handle(self, *args, **options):
        created = 0
        programme, new = Programme.objects.get_or_create(slug=PROGRAMME["slug"], defaults=PROGRAMME)
        created += new

        clusters = {}
        more = [
            {
                "slug": slug,
                "name": name,
                "round": 1,
                "phase": Phase.IMPLEMENTATION_1,
                "state": demo.FEDERAL_STATES[slug],
            }
            for slug, name, _, _ in demo.MORE_CLUSTERS
        ]
        for fields in CLUSTERS + more:
            cluster, new = Cluster.objects.get_or_create(
                slug=fields["slug"], defaults={**fields, "programme": programme}
            )
            clusters[cluster.slug] = cluster
            created += new

        people, coordinators = {}, {}
        more = [
            (email, name, "", (slug, Role.COORDINATOR))
            for slug, _, email, name in demo.MORE_CLUSTERS
        ]
        for email, name, organisation, place in PEOPLE + more:
            if place is not None and place[1] == Role.COORDINATOR:
                coordinators[place[0]] = email
            person = Person.objects.filter(email__iexact=email).first()
            if person is None:
                # The fictional clusters' coordinators have never logged in: no password.
                password = DEMO_PASSWORD if (email, name, organisation, place) in PEOPLE else None
                person = Person.objects.create_user(
                    email, password, name=name, organisation=organisation
                )
                created += 1
            people[email] = person
            created += self._place(person, place, programme=programme, clusters=clusters)

        for fields in PLAN:
            if not PlanItem.objects.filter(programme=programme, title=fields["title"]).exists():
                plan_item = PlanItem(programme=programme, **fields)
                plan_item.full_clean()
                plan.save_plan_item(plan_item=plan_item, reason="Kick-off, Leipzig, 11 Sep 2023")
                created += 1
        created += len(demo.add_relative_plan(programme=programme, today=timezone.localdate()))
        for cluster in clusters.values():
            created += len(plan.sync_cluster_plan(cluster=cluster))
        created += self._arrange(clusters, people)
        created += self._live_features(programme, clusters, people, coordinators)

        self.stdout.write(
            f"Demo data {'loaded' if created else 'already there, nothing changed'}.\n"
            f"Demo log-ins (password “{DEMO_PASSWORD}”):\n"
            + "".join(f"  {email:<34} {self._describe(place)}\n" for email, _, _, place in PEOPLE)
        )

    @staticmethod
    def _arrange(clusters, people):
        """Give each new milestone its people and its demo state: the kick-off's are done, the
        second round's as ``demo.STATES`` says. A milestone with people is left as it is."""
        arranged = 0
        kick_off = {fields["title"] for fields in PLAN}
        for slug, cluster in clusters.items():
            milestones = cluster.milestones.exclude(plan_item=None).select_related("plan_item")
            for milestone in milestones.order_by("pk"):
                if milestone.responsibilities.exists():
                    continue
                lead, contributors = _responsible(slug, milestone.kind, people)
                services.set_responsibilities(
                    milestone=milestone, lead=lead, contributors=contributors
                )
                if milestone.plan_item.title in kick_off:
                    state = Status.DONE
                else:
                    state = demo.STATES.get((slug, milestone.plan_item.title))
                if state is not None:
                    demo.arrange(milestone=milestone, state=state, by=lead)
                arranged += 1
        return arranged

    @staticmethod
    def _live_features(programme, clusters, people, coordinators):
        """Open the round's day-finding, with some clusters' answers, and lay out its jury
        meeting's slots, unless they are; how many of the two were made now."""
        officer = people[PEOPLE[0][0]]
        today = timezone.localdate()
        opened = demo.open_visit_day_finding(
            programme=programme,
            clusters=clusters,
            officer=officer,
            coordinators={slug: people[email] for slug, email in coordinators.items()},
            today=today,
        )
        laid_out = demo.lay_out_jury(programme=programme, officer=officer, today=today)
        return opened + laid_out

    @staticmethod
    def _place(person, place, *, programme, clusters):
        """Make the person programme officer (``place`` None) or give them their role in their
        cluster, unless they have it; whether they were given it."""
        if place is None:
            _, new = ProgrammeOfficer.objects.get_or_create(person=person, programme=programme)
            return new
        slug, role = place
        if Membership.objects.filter(person=person, cluster=clusters[slug]).exists():
            return False
        services.add_membership(
            membership=Membership(person=person, cluster=clusters[slug], role=role)
        )
        return True

    @staticmethod
    def _describe(place):
        if place is None:
            return "programme officer, Clusters4Future"
        slug, role = place
        cluster = next(c["name"] for c in CLUSTERS if c["slug"] == slug)
        text = f"{Role(role).label.lower()}, {cluster}"
        if role == Role.MEMBER:
            text += f", lead of the {Kind.STRATEGY_SUBMISSION.label.lower()}"
        return text
