"""One history per milestone (date, status, people responsible) and a cluster's members'
history: who, when, what from what to what, and why (milestones.history)."""

import datetime

import pytest
import time_machine
from django.core import mail

from milestones import services
from milestones.models import Kind, Membership, Person, Role
from tests.helpers import BERLIN, texts

APRIL_3 = datetime.datetime(2024, 4, 3, 10, 15, tzinfo=BERLIN)


def jury_meeting_post(**changes):
    data = {
        "kind": Kind.JURY_MEETING,
        "title": "Jury meeting",
        "date_form": "day",
        "starts_on": "2024-07-02",
        "ends_on": "",
        "starts_at": "",
        "ends_at": "",
        "month": "",
        "reason": "",
        "location": "",
        "description": "",
        "lead": "",
    }
    data.update(changes)
    return data


@pytest.fixture
def jury(make_milestone, coordinator, member):
    with time_machine.travel(datetime.datetime(2024, 3, 1, 9, 0, tzinfo=BERLIN), tick=False):
        return make_milestone(
            kind=Kind.JURY_MEETING,
            title="Jury meeting",
            starts_on=datetime.date(2024, 7, 2),
            lead=coordinator,
            contributors=[member],
        )


def history_of(client, milestone):
    return texts(client.get(f"/milestones/{milestone.pk}/"), ".history li")


def invite(client, email, name):
    return client.post(
        "/clusters/saxocell/people/new/", {"email": email, "name": name, "role": Role.MEMBER}
    )


def test_lead_handed_to_a_newly_invited_person_is_in_the_milestones_history(
    client, coordinator, member, jury
):
    client.force_login(coordinator)
    with time_machine.travel(APRIL_3, tick=False):
        invite(client, "nina@saxocell.test", "Nina New")
        nina = Person.objects.get(email="nina@saxocell.test")
        client.post(
            f"/milestones/{jury.pk}/edit/",
            jury_meeting_post(lead=nina.pk, contributors=[member.pk], reason="Nina presents"),
        )

    history = history_of(client, jury)

    assert history == [
        "1 March 2024, 09:00 · date set: 2 July 2024",
        # Made together, at one moment: one entry.
        "1 March 2024, 09:00 · lead: nobody → Carla Coordinator; contributors added: Max Member",
        "3 April 2024, 10:15 · lead: Carla Coordinator → Nina New · by Carla Coordinator · "
        "“Nina presents”",
    ]


def test_contributors_added_and_taken_off_with_who_and_why(
    client, coordinator, member, jury, cluster
):
    nina = Person.objects.create_user("nina@saxocell.test", None, name="Nina New")
    services.add_membership(membership=Membership(person=nina, cluster=cluster))
    client.force_login(coordinator)
    with time_machine.travel(APRIL_3, tick=False):
        client.post(
            f"/milestones/{jury.pk}/edit/",
            jury_meeting_post(lead=coordinator.pk, contributors=[nina.pk], reason="Swap"),
        )

    assert history_of(client, jury)[-1] == (
        "3 April 2024, 10:15 · contributors added: Nina New; contributors taken off: Max "
        "Member · by Carla Coordinator · “Swap”"
    )


def test_date_and_status_changes_are_in_the_same_history_in_time_order(
    client, coordinator, member, jury
):
    client.force_login(member)
    with time_machine.travel(APRIL_3, tick=False):
        client.post(f"/milestones/{jury.pk}/status/", {"status": "in-progress", "note": "Slides"})
    client.force_login(coordinator)
    with time_machine.travel(APRIL_3 + datetime.timedelta(hours=1), tick=False):
        client.post(
            f"/milestones/{jury.pk}/edit/",
            jury_meeting_post(
                lead=coordinator.pk,
                contributors=[member.pk],
                date_form="day-with-time",
                starts_at="10:00",
                ends_at="12:00",
                reason="Time set by the jury",
            ),
        )

    assert history_of(client, jury)[2:] == [
        "3 April 2024, 10:15 · status: Planned → In progress · by Max Member · “Slides”",
        "3 April 2024, 11:15 · date: 2 July 2024 → 2 July 2024, 10:00–12:00 · by Carla "
        "Coordinator · “Time set by the jury”",
    ]


def test_person_removed_from_the_cluster_leaves_both_histories(client, coordinator, member, jury):
    client.force_login(coordinator)
    client.post(f"/clusters/saxocell/people/{member.pk}/remove/")

    cluster_page = client.get("/clusters/saxocell/")

    assert history_of(client, jury)[-1].split(" · ", 1)[1] == (
        "contributors taken off: Max Member · by Carla Coordinator · “No longer in the cluster.”"
    )
    assert texts(cluster_page, "#members-history-heading ~ ol li")[-1].split(" · ", 1)[1] == (
        "Max Member removed (was: Member) · by Carla Coordinator"
    )


def test_cluster_page_has_the_history_of_its_members(client, coordinator, member):
    client.force_login(coordinator)
    invite(client, "nina@saxocell.test", "Nina New")
    nina = Person.objects.get(email="nina@saxocell.test")
    client.post(f"/clusters/saxocell/people/{member.pk}/role/", {"role": Role.COORDINATOR})
    client.post(f"/clusters/saxocell/people/{nina.pk}/invitation/withdraw/")

    page = client.get("/clusters/saxocell/")

    assert [
        entry.split(" · ", 1)[1] for entry in texts(page, "#members-history-heading ~ ol li")
    ] == [
        "Carla Coordinator added (Coordinator)",
        "Max Member added (Member)",
        "Nina New added (Member) · by Carla Coordinator · “Invited.”",
        "Max Member: Member → Coordinator · by Carla Coordinator",
        "Nina New removed (was: Member) · by Carla Coordinator · “Invitation withdrawn.”",
    ]
    assert len(mail.outbox) == 1


def test_members_history_is_shown_to_members_but_not_to_another_cluster(
    client, coordinator, member, other_coordinator
):
    client.force_login(member)
    as_member = texts(client.get("/clusters/saxocell/"), "#members-history-heading ~ ol li")
    client.force_login(other_coordinator)
    as_other = client.get("/clusters/saxocell/")

    assert [entry.split(" · ", 1)[1] for entry in as_member] == [
        "Carla Coordinator added (Coordinator)",
        "Max Member added (Member)",
    ]
    assert as_other.status_code == 404


def test_a_deleted_person_keeps_their_name_in_the_history(client, coordinator, member, jury):
    services.remove_person(person=member, by=coordinator)
    client.force_login(coordinator)

    assert history_of(client, jury)[-1].split(" · ", 1)[1] == (
        "contributors taken off: Max Member · by Carla Coordinator"
    )


def test_history_in_german(client, coordinator, member, jury):
    Person.objects.filter(pk=member.pk).update(language="de")
    client.force_login(coordinator)
    with time_machine.travel(APRIL_3, tick=False):
        client.post(
            f"/milestones/{jury.pk}/edit/",
            jury_meeting_post(lead=member.pk, contributors=[], reason="Übergabe"),
        )
    client.force_login(member)

    history = history_of(client, jury)

    assert history[0] == "1. März 2024, 09:00 · Termin gesetzt: 2. Juli 2024"
    assert history[-1] == (
        "3. April 2024, 10:15 · Federführung: Carla Coordinator → Max Member · von Carla "
        "Coordinator · „Übergabe“"
    )


def test_admin_change_of_a_membership_records_who_made_it(admin_client, member, cluster):
    membership = Membership.objects.get(person=member, cluster=cluster)

    admin_client.post(
        f"/admin/milestones/membership/{membership.pk}/change/",
        {"person": member.pk, "cluster": cluster.pk, "role": Role.COORDINATOR},
    )

    change = cluster.membership_changes.last()
    assert (change.role_before, change.role_after, change.changed_by.is_superuser) == (
        Role.MEMBER,
        Role.COORDINATOR,
        True,
    )
