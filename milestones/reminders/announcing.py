"""Telling people of a changed date through the ledger, written by the change itself.

The reminder rounds find a changed date on their own (``planning``) and tell the people
responsible, or the cluster's coordinators while nobody is. A change that the programme makes
for a cluster (an extension, a revision's due date, a confirmed day cleared by a plan change)
concerns its coordinators too: ``announce_date_change`` writes their rows in the change's
transaction, so the one email each gets is as durable as any reminder and nobody gets a second.
"""

from django.utils import timezone

from milestones import dates
from milestones.models import Person, Reminder, ReminderKind
from milestones.people import active_coordinators
from milestones.reminders.planning import Due, state_for, wait_for_digest


def announce_date_change(*, milestone):
    """Write the ledger's date-changed rows for the milestone's current date: for the people
    responsible and the cluster's coordinators. The next round sends each one email, in their
    language, as their reminder settings say. Call it inside the transaction that changed the
    date; rows already there stay as they are."""
    now = timezone.now()
    tz = dates.zone(milestone.cluster.programme.time_zone)
    responsible = list(
        Person.objects.filter(responsibilities=milestone, is_active=True).distinct().order_by("pk")
    )
    people = {
        person.pk: person for person in [*responsible, *active_coordinators(milestone.cluster_id)]
    }
    rows = [
        wait_for_digest(
            Due(
                milestone,
                person,
                ReminderKind.DATE_CHANGED,
                0,
                now,
                **state_for(person, ReminderKind.DATE_CHANGED),
            ),
            now=now,
            tz=tz,
        ).as_row()
        for person in people.values()
    ]
    Reminder.objects.bulk_create(rows, ignore_conflicts=True)
    return rows
