import datetime

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import RequestFactory

from milestones.models import (
    Cluster,
    Milestone,
    Person,
    Responsibility,
    ResponsibilityRole,
)
from tests.conftest import PASSWORD

D = datetime.date


def test_person_without_password_cannot_log_in_until_invited(db):
    person = Person.objects.create_user("Responsible@SaxoCell.test", name="Rita Responsible")

    assert (person.email, person.has_usable_password()) == ("responsible@saxocell.test", False)


def test_person_logs_in_with_email_in_any_case(member):
    # django-axes checks every log-in against its lockouts, so authenticate() needs the request.
    request = RequestFactory().post("/accounts/login/")

    found = authenticate(request, username="MEMBER@saxocell.TEST", password=PASSWORD)

    assert found == member


def test_person_email_is_unique_ignoring_case(member):
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(email="Member@SaxoCell.test", name="Duplicate")


def test_milestone_visible_to_members_and_officers_of_its_programme_only(
    make_milestone, member, officer, other_coordinator, other_cluster
):
    own = make_milestone(title="SaxoCell strategy")
    rival = make_milestone(title="Rival strategy", cluster=other_cluster)

    seen = {
        person.email: sorted(m.title for m in Milestone.objects.visible_to(person))
        for person in (member, officer, other_coordinator)
    }

    assert seen == {
        "member@saxocell.test": [own.title],
        "officer@c4f.test": [rival.title, own.title],
        "coordinator@other.test": [rival.title],
    }


def test_milestone_invisible_to_deactivated_member(make_milestone, member):
    make_milestone()
    member.is_active = False
    member.save()

    assert list(Milestone.objects.visible_to(member)) == []


def test_cluster_visible_to_other_programmes_officer_is_none(cluster, db):
    from milestones.models import Programme, ProgrammeOfficer

    elsewhere = Programme.objects.create(name="Other programme", slug="elsewhere")
    stranger = Person.objects.create_user("officer@elsewhere.test", "x", name="Stranger")
    ProgrammeOfficer.objects.create(person=stranger, programme=elsewhere)

    assert list(Cluster.objects.visible_to(stranger)) == []


def test_upcoming_keeps_a_window_until_its_last_day(make_milestone):
    window = make_milestone(
        title="Visit",
        kind="on-site-visit",
        starts_on=D(2024, 5, 1),
        ends_on=D(2024, 6, 30),
        is_tentative=True,
    )
    make_milestone(title="Strategy", starts_on=D(2024, 4, 2))

    upcoming = list(Milestone.objects.upcoming(today=D(2024, 6, 30)))

    assert upcoming == [window]


def test_responsibility_outside_the_cluster_is_refused(make_milestone, other_coordinator):
    milestone = make_milestone()
    responsibility = Responsibility(milestone=milestone, person=other_coordinator)

    with pytest.raises(ValidationError) as caught:
        responsibility.full_clean()

    assert caught.value.message_dict == {
        "person": ["Only members of the milestone's cluster can be responsible for it."]
    }


def test_responsibility_second_lead_is_refused(make_milestone, member, coordinator):
    milestone = make_milestone(lead=member)
    second = Responsibility(milestone=milestone, person=coordinator, role=ResponsibilityRole.LEAD)

    with pytest.raises(ValidationError) as caught:
        second.full_clean()

    assert caught.value.messages == ["A milestone has one lead."]


def test_milestone_lead_is_the_lead_among_the_people_responsible(
    make_milestone, member, coordinator
):
    milestone = make_milestone(lead=member, contributors=[coordinator])

    assert (milestone.lead, sorted(p.email for p in milestone.people.all())) == (
        member,
        ["coordinator@saxocell.test", "member@saxocell.test"],
    )
