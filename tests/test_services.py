"""The one way changes are written: what each service function records and touches, and that
a plain save() records nothing of it."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from milestones import services
from milestones.models import (
    Membership,
    Milestone,
    Person,
    Responsibility,
    Role,
    Status,
)
from tests.conftest import make_person

D = datetime.date
UTC = datetime.UTC
CREATED = datetime.datetime(2024, 1, 10, 9, 30, tzinfo=UTC)
LATER = datetime.datetime(2024, 2, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def created():
    """Everything a test arranges is made at CREATED; what it does then, at LATER."""
    with time_machine.travel(CREATED, tick=False) as traveller:
        yield traveller


def updated_at(model, *rows):
    """When each row last changed, by its name or title."""
    label = "title" if model is Milestone else "name"
    return dict(model.objects.filter(pk__in=[r.pk for r in rows]).values_list(label, "updated_at"))


def calendar_fields(milestone):
    milestone.refresh_from_db()
    return (milestone.sequence, milestone.date_version, milestone.status_changed_at)


def test_change_milestone_raises_sequence_on_date_and_status_and_date_version_on_date(
    created, make_milestone, coordinator
):
    milestone = make_milestone()

    created.move_to(LATER)
    services.change_milestone(milestone=milestone, changes={"title": "Renamed"}, by=coordinator)
    after_title = calendar_fields(milestone)
    services.change_milestone(
        milestone=milestone, changes={"starts_on": D(2024, 4, 5)}, by=coordinator
    )
    after_date = calendar_fields(milestone)
    services.set_status(milestone=milestone, status=Status.DONE, by=coordinator)
    after_status = calendar_fields(milestone)

    assert [after_title, after_date, after_status] == [
        (0, 0, CREATED),
        (1, 1, CREATED),
        (2, 1, LATER),
    ]


def test_change_milestone_counts_from_the_stored_row_not_a_stale_copy(make_milestone, member):
    milestone = make_milestone()
    stale = Milestone.objects.get(pk=milestone.pk)

    services.change_milestone(milestone=milestone, changes={"starts_on": D(2024, 4, 5)}, by=member)
    services.change_milestone(milestone=stale, changes={"starts_on": D(2024, 4, 9)}, by=member)
    milestone.refresh_from_db()

    assert (milestone.starts_on, milestone.sequence, milestone.date_version) == (
        D(2024, 4, 9),
        2,
        2,
    )


def test_change_milestone_history_keeps_who_and_why(make_milestone, coordinator):
    milestone = make_milestone()

    services.set_status(
        milestone=milestone, status=Status.IN_PROGRESS, by=coordinator, note="Begun"
    )

    latest = milestone.history.latest()
    assert (latest.status, latest.history_user, latest.history_change_reason) == (
        Status.IN_PROGRESS,
        coordinator,
        "Begun",
    )


def test_plain_save_and_create_record_nothing_beside_the_row(created, make_milestone, member):
    milestone = make_milestone()

    created.move_to(LATER)
    milestone.starts_on, milestone.status = D(2024, 4, 5), Status.DONE
    milestone.save()
    Responsibility.objects.create(milestone=milestone, person=member)
    member.memberships.all().delete()
    milestone.cluster.name = "Renamed"
    milestone.cluster.save()

    assert (calendar_fields(milestone), updated_at(Person, member)) == (
        (0, 0, CREATED),
        {"Max Member": CREATED},
    )


def test_set_responsibilities_touches_the_milestone_when_they_change(
    created, make_milestone, member, coordinator
):
    kept = make_milestone(title="Kept", lead=member)
    handed_over = make_milestone(title="Handed over", lead=member, contributors=[coordinator])

    created.move_to(LATER)
    services.set_responsibilities(milestone=kept, lead=member, contributors=[])
    services.set_responsibilities(milestone=handed_over, lead=coordinator, contributors=[member])

    roles = dict(handed_over.responsibilities.values_list("person__name", "role"))
    assert roles == {"Carla Coordinator": "lead", "Max Member": "contributor"}
    assert updated_at(Milestone, kept, handed_over) == {"Kept": CREATED, "Handed over": LATER}


def test_responsibility_added_changed_removed_touches_its_milestones(
    created, make_milestone, member, coordinator
):
    first, second, third = (make_milestone(title=title) for title in ("One", "Two", "Three"))
    untouched = make_milestone(title="Untouched", lead=coordinator)

    created.move_to(LATER)
    moved = services.add_responsibility(
        responsibility=Responsibility(milestone=first, person=member)
    )
    created.move_to(LATER + datetime.timedelta(hours=1))
    services.change_responsibility(responsibility=moved, changes={"milestone": second})
    created.move_to(LATER + datetime.timedelta(hours=2))
    services.remove_responsibilities(responsibilities=Responsibility.objects.filter(pk=moved.pk))
    created.move_to(LATER + datetime.timedelta(hours=3))
    services.add_responsibility(responsibility=Responsibility(milestone=third, person=member))

    assert updated_at(Milestone, first, second, third, untouched) == {
        "One": LATER + datetime.timedelta(hours=1),
        "Two": LATER + datetime.timedelta(hours=2),
        "Three": LATER + datetime.timedelta(hours=3),
        "Untouched": CREATED,
    }


def test_change_cluster_touches_its_milestones_on_a_new_name_only(
    created, make_milestone, cluster, other_cluster
):
    own = make_milestone(title="Own")
    rival = make_milestone(title="Rival", cluster=other_cluster)

    created.move_to(LATER)
    services.change_cluster(cluster=other_cluster, changes={"website": "https://other.example"})
    unchanged_name = updated_at(Milestone, own, rival)
    services.change_cluster(cluster=cluster, changes={"name": "SaxoCell Leipzig"})

    assert unchanged_name == {"Own": CREATED, "Rival": CREATED}
    assert updated_at(Milestone, own, rival) == {"Own": LATER, "Rival": CREATED}


def test_change_person_touches_the_milestones_they_lead_on_a_new_name_only(
    created, make_milestone, member, coordinator
):
    led = make_milestone(title="Led", lead=member)
    contributed = make_milestone(title="Contributed", lead=coordinator, contributors=[member])

    created.move_to(LATER)
    services.change_person(person=member, changes={"organisation": "SaxoCell"})
    unchanged_name = updated_at(Milestone, led, contributed)
    services.change_person(person=member, changes={"name": "Maxi Member"})

    assert unchanged_name == {"Led": CREATED, "Contributed": CREATED}
    assert updated_at(Milestone, led, contributed) == {"Led": LATER, "Contributed": CREATED}
    assert updated_at(Person, member) == {"Maxi Member": LATER}


def test_remove_person_touches_the_milestones_they_were_responsible_for(
    created, make_milestone, member, coordinator
):
    led = make_milestone(title="Led", lead=member)
    contributed = make_milestone(title="Contributed", lead=coordinator, contributors=[member])
    other = make_milestone(title="Other", lead=coordinator)

    created.move_to(LATER)
    services.remove_person(person=member)

    assert updated_at(Milestone, led, contributed, other) == {
        "Led": LATER,
        "Contributed": LATER,
        "Other": CREATED,
    }


def test_membership_added_changed_removed_moves_the_persons_updated_at(
    created, other_cluster, member
):
    joining = make_person("joining@saxocell.test", "Jo Joining")
    bystander = make_person("bystander@saxocell.test", "Bea Bystander")

    created.move_to(LATER)
    membership = services.add_membership(
        membership=Membership(person=joining, cluster=other_cluster, role=Role.MEMBER)
    )
    after_joining = updated_at(Person, joining, member)
    created.move_to(LATER + datetime.timedelta(hours=1))
    services.change_membership(membership=membership, changes={"person": member})
    after_handing_on = updated_at(Person, joining, member)
    created.move_to(LATER + datetime.timedelta(hours=2))
    services.remove_membership(membership=membership)

    assert after_joining == {"Jo Joining": LATER, "Max Member": CREATED}
    assert after_handing_on == {
        "Jo Joining": LATER + datetime.timedelta(hours=1),
        "Max Member": LATER + datetime.timedelta(hours=1),
    }
    assert updated_at(Person, member, bystander) == {
        "Max Member": LATER + datetime.timedelta(hours=2),
        "Bea Bystander": CREATED,
    }


def test_set_responsibilities_refuses_somebody_outside_the_cluster(
    make_milestone, other_coordinator
):
    milestone = make_milestone()

    with pytest.raises(ValidationError) as caught:
        services.set_responsibilities(milestone=milestone, lead=other_coordinator, contributors=[])

    assert caught.value.message_dict == {
        "person": ["Only members of the milestone's cluster can be responsible for it."]
    }
    assert list(milestone.responsibilities.values_list("role", flat=True)) == []
