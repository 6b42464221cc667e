"""Every change to milestones, the people responsible, clusters, people and memberships.

The web UI's forms, the admin, the plan (``milestones.plan``), ``people`` and ``load_demo``
all write through these functions, so that a change is recorded the same way wherever it is
made:

- who made a change of a milestone and why, in its history (django-simple-history);
- ``sequence``, iCalendar's SEQUENCE, rises on every change calendar clients must see (the
  date, the status): without it they keep the old event;
- ``date_version`` rises on every change of the date: reminders are counted per date version;
- ``updated_at`` moves on what a feed or a reminder shows beside the row itself: a milestone's
  event names its cluster and its lead, and a reminder round claims a row only while its
  milestone and its person are unchanged (a reminder goes to members of the cluster only).

None of this happens in ``save()`` or in signals, so that a backup loaded with ``loaddata``
comes back exactly as it was dumped.
"""

from django.db import transaction
from django.utils import timezone

from milestones.api.webhooks.events import record_event
from milestones.models import (
    Cluster,
    EventType,
    Membership,
    MembershipChange,
    Milestone,
    Person,
    Responsibility,
    ResponsibilityChange,
    ResponsibilityRole,
)


def _record(milestone, *, by, reason):
    # django-simple-history reads these when the save writes the historical row.
    milestone._history_user = by
    milestone._change_reason = reason or ""


def _touch_milestones(milestones):
    """Move the ``updated_at`` of the milestones of a queryset to now: their events and
    reminders show something that changed beside them."""
    milestones.update(updated_at=timezone.now())


def _touch_people(*person_ids):
    """Move the ``updated_at`` of the people: a reminder round's claim sees they changed."""
    Person.objects.filter(pk__in=set(person_ids)).update(updated_at=timezone.now())


def _record_roles(change_model, *, owner, before, after, by, reason):
    """One row of ``change_model`` per person whose role differs between ``before`` and
    ``after`` (person id to role, absent for none), all with the same moment, who and why.
    ``owner``: the milestone or cluster, as {field: id}."""
    changed = sorted(
        person_id
        for person_id in before.keys() | after.keys()
        if before.get(person_id, "") != after.get(person_id, "")
    )
    if not changed:
        return
    names = {
        pk: name or email
        for pk, name, email in Person.objects.filter(pk__in=changed).values_list(
            "pk", "name", "email"
        )
    }
    now = timezone.now()
    change_model.objects.bulk_create(
        change_model(
            **owner,
            person_id=person_id,
            person_name=names.get(person_id, ""),
            role_before=before.get(person_id, ""),
            role_after=after.get(person_id, ""),
            changed_by=by,
            changed_at=now,
            reason=reason or "",
        )
        for person_id in changed
    )


def _record_responsibilities(milestone_id, before, after, *, by, reason):
    _record_roles(
        ResponsibilityChange,
        owner={"milestone_id": milestone_id},
        before=before,
        after=after,
        by=by,
        reason=reason,
    )


def _record_membership(cluster_id, before, after, *, by, reason):
    _record_roles(
        MembershipChange,
        owner={"cluster_id": cluster_id},
        before=before,
        after=after,
        by=by,
        reason=reason,
    )


def _apply(instance, changes):
    for name, value in changes.items():
        setattr(instance, name, value)


# Milestones


def add_milestone(*, milestone, by, reason=""):
    """Save a new milestone; its history records who created it and why.

    ``sequence`` and ``date_version`` start at 0, ``status_changed_at`` at now. Webhooks
    hear of it in the same transaction.
    """
    with transaction.atomic():
        _record(milestone, by=by, reason=reason)
        milestone.save()
        record_event(event_type=EventType.MILESTONE_CREATED, milestone=milestone)
    return milestone


def change_milestone(*, milestone, changes, by, reason=""):
    """Set fields of a saved milestone (``changes``: name to value) and save it.

    Its history records who changed it and why. Compared with the row as stored, locked until
    the transaction ends so that two edits at once both count: a new date raises
    ``date_version``; a new status sets ``status_changed_at``; either raises ``sequence``;
    webhooks hear of either in the same transaction. The caller validates (``full_clean``)
    where the change comes from a person's input.
    """
    with transaction.atomic():
        stored = (
            Milestone.objects.select_for_update()
            .only(*Milestone.DATE_FIELDS, "status", "sequence", "date_version")
            .get(pk=milestone.pk)
        )
        _apply(milestone, changes)
        date_moved = milestone.date_values() != stored.date_values()
        status_changed = milestone.status != stored.status
        milestone.date_version = stored.date_version + (1 if date_moved else 0)
        milestone.sequence = stored.sequence + (1 if date_moved or status_changed else 0)
        if status_changed:
            milestone.status_changed_at = timezone.now()
        _record(milestone, by=by, reason=reason)
        milestone.save()
        if date_moved:
            record_event(event_type=EventType.DATE_CHANGED, milestone=milestone)
        if status_changed:
            record_event(event_type=EventType.STATUS_CHANGED, milestone=milestone)
    return milestone


def set_status(*, milestone, status, by, note=""):
    """Set a milestone's status; its history records who set it and their note.

    As every change of status: ``sequence`` rises and ``status_changed_at`` is now.
    """
    return change_milestone(milestone=milestone, changes={"status": status}, by=by, reason=note)


# The people responsible for a milestone: its event and its reminders name the lead, and a
# person's own feed holds what they are responsible for, so each change touches the milestone.


def add_responsibility(*, responsibility, by=None, reason=""):
    """Save a new responsibility and touch its milestone; its history records who and why."""
    with transaction.atomic():
        responsibility.save()
        _record_responsibilities(
            responsibility.milestone_id,
            {},
            {responsibility.person_id: responsibility.role},
            by=by,
            reason=reason,
        )
        _touch_milestones(Milestone.objects.filter(pk=responsibility.milestone_id))
    return responsibility


def change_responsibility(*, responsibility, changes, by=None, reason=""):
    """Set fields of a saved responsibility (a role, a person, a milestone) and save it;
    touches the milestone it belongs to and the one it belonged to, and records the change
    in their histories."""
    with transaction.atomic():
        milestone_id, person_id, role = Responsibility.objects.values_list(
            "milestone_id", "person_id", "role"
        ).get(pk=responsibility.pk)
        _apply(responsibility, changes)
        responsibility.save()
        after = {responsibility.person_id: responsibility.role}
        if milestone_id == responsibility.milestone_id:
            _record_responsibilities(milestone_id, {person_id: role}, after, by=by, reason=reason)
        else:
            _record_responsibilities(milestone_id, {person_id: role}, {}, by=by, reason=reason)
            _record_responsibilities(responsibility.milestone_id, {}, after, by=by, reason=reason)
        _touch_milestones(
            Milestone.objects.filter(pk__in={milestone_id, responsibility.milestone_id})
        )
    return responsibility


def remove_responsibilities(*, responsibilities, by=None, reason=""):
    """Delete the responsibilities of a queryset, record it in their milestones' histories
    and touch them."""
    with transaction.atomic():
        rows = list(responsibilities.values_list("milestone_id", "person_id", "role"))
        responsibilities.delete()
        for milestone_id in {row[0] for row in rows}:
            before = {person_id: role for m_id, person_id, role in rows if m_id == milestone_id}
            _record_responsibilities(milestone_id, before, {}, by=by, reason=reason)
        _touch_milestones(Milestone.objects.filter(pk__in={row[0] for row in rows}))


def set_responsibilities(*, milestone, lead, contributors, by=None, reason=""):
    """Make the people responsible for a milestone exactly its lead (or none) and contributors.

    Raises ValidationError for somebody outside the milestone's cluster. When anything
    changed, records it in the milestone's history (who, why) and touches the milestone.
    """
    wanted = {person.pk: ResponsibilityRole.CONTRIBUTOR for person in contributors}
    if lead is not None:
        wanted[lead.pk] = ResponsibilityRole.LEAD
    existing = {r.person_id: r for r in milestone.responsibilities.all()}
    gone = [r.pk for person_id, r in existing.items() if wanted.get(person_id) != r.role]
    new = [
        Responsibility(milestone=milestone, person_id=person_id, role=role)
        for person_id, role in wanted.items()
        if person_id not in existing or existing[person_id].role != role
    ]
    if not gone and not new:
        return
    with transaction.atomic():
        # The old rows go first: a contributor made lead is one row, and a milestone one lead.
        Responsibility.objects.filter(pk__in=gone).delete()
        for responsibility in new:
            responsibility.full_clean()
            responsibility.save()
        _record_responsibilities(
            milestone.pk,
            {person_id: r.role for person_id, r in existing.items()},
            wanted,
            by=by,
            reason=reason,
        )
        _touch_milestones(Milestone.objects.filter(pk=milestone.pk))


# Clusters and people: a milestone's event shows its cluster's name and its lead's name.


def change_cluster(*, cluster, changes):
    """Set fields of a cluster and save it; a new name touches the cluster's milestones."""
    with transaction.atomic():
        name_before = Cluster.objects.values_list("name", flat=True).get(pk=cluster.pk)
        _apply(cluster, changes)
        cluster.save()
        if cluster.name != name_before:
            _touch_milestones(Milestone.objects.filter(cluster=cluster))
    return cluster


def _led_by(person):
    return Milestone.objects.filter(
        responsibilities__person=person, responsibilities__role=ResponsibilityRole.LEAD
    )


def change_person(*, person, changes):
    """Set fields of a person and save it (their ``updated_at`` moves); a new name touches the
    milestones they lead."""
    with transaction.atomic():
        name_before = Person.objects.values_list("name", flat=True).get(pk=person.pk)
        _apply(person, changes)
        person.save()
        if person.name != name_before:
            _touch_milestones(_led_by(person))
    return person


def remove_person(*, person, by=None):
    """Delete a person, with their memberships and responsibilities; the histories of their
    milestones and clusters keep their name, and the milestones are touched."""
    with transaction.atomic():
        responsibilities = list(
            Responsibility.objects.filter(person=person).values_list("milestone_id", "role")
        )
        for milestone_id, role in responsibilities:
            _record_responsibilities(milestone_id, {person.pk: role}, {}, by=by, reason="")
        for cluster_id, role in Membership.objects.filter(person=person).values_list(
            "cluster_id", "role"
        ):
            _record_membership(cluster_id, {person.pk: role}, {}, by=by, reason="")
        person.delete()
        _touch_milestones(Milestone.objects.filter(pk__in={row[0] for row in responsibilities}))


# Memberships: a reminder goes only to a member of its milestone's cluster (an overdue one to a
# lead or a coordinator), so joining, leaving or changing role moves the person's updated_at.


def add_membership(*, membership, by=None, reason=""):
    """Save a new membership of a person in a cluster; touches the person and records it in
    the cluster's history of its members."""
    with transaction.atomic():
        membership.save()
        _record_membership(
            membership.cluster_id, {}, {membership.person_id: membership.role}, by=by, reason=reason
        )
        _touch_people(membership.person_id)
    return membership


def change_membership(*, membership, changes, by=None, reason=""):
    """Set fields of a membership (a role, a person, a cluster) and save it; touches the
    person it belongs to and the one it belonged to. A new role, person or cluster goes into
    the history of the cluster's members."""
    with transaction.atomic():
        cluster_id, person_id, role = Membership.objects.values_list(
            "cluster_id", "person_id", "role"
        ).get(pk=membership.pk)
        _apply(membership, changes)
        membership.save()
        after = {membership.person_id: membership.role}
        if cluster_id == membership.cluster_id:
            _record_membership(cluster_id, {person_id: role}, after, by=by, reason=reason)
        else:
            _record_membership(cluster_id, {person_id: role}, {}, by=by, reason=reason)
            _record_membership(membership.cluster_id, {}, after, by=by, reason=reason)
        _touch_people(person_id, membership.person_id)
    return membership


def remove_membership(*, membership, by=None, reason=""):
    """Delete a membership; touches its person and records it in the cluster's history.

    The person's responsibilities for the cluster's milestones stay: ``people`` takes them
    away first where a coordinator removes somebody.
    """
    with transaction.atomic():
        _record_membership(
            membership.cluster_id, {membership.person_id: membership.role}, {}, by=by, reason=reason
        )
        membership.delete()
        _touch_people(membership.person_id)
