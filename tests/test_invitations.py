"""Invitations: pending until accepted, shown so with the date sent and when the link
expires; resent (a new link, the old one dead) and withdrawn (the person leaves)."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.test import Client

from milestones.models import Membership, Person, Role
from tests.helpers import texts

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
SENT = datetime.datetime(2026, 12, 5, 14, 0, tzinfo=BERLIN)


def invitation_link(message):
    return next(line for line in message.body.splitlines() if "/invitations/" in line)


@pytest.fixture
def invited(client, coordinator, cluster, settings):
    """Nina New, invited by the coordinator on 5 December 2026 at 14:00; her email's link."""
    settings.SITE_URL = "http://127.0.0.1:8123"
    client.force_login(coordinator)
    with time_machine.travel(SENT, tick=False):
        client.post(
            "/clusters/saxocell/people/new/",
            {"email": "nina@saxocell.test", "name": "Nina New", "role": Role.MEMBER},
            follow=True,
        )
    person = Person.objects.get(email="nina@saxocell.test")
    return person, invitation_link(mail.outbox[-1]).removeprefix("http://127.0.0.1:8123")


def people_rows(client):
    return texts(client.get("/clusters/saxocell/"), "tr.person")


NEW_PASSWORD = "a-long-new-pass-42"


def accept(client, path, password=NEW_PASSWORD):
    form_page = client.get(path, follow=True)
    return client.post(
        form_page.redirect_chain[-1][0], {"new_password1": password, "new_password2": password}
    )


def test_invitation_email_states_when_its_link_expires(invited):
    _person, path = invited

    body = mail.outbox[-1].body

    assert "Set your password with this link (it expires 8 December 2026, 14:00):" in body
    assert invitation_link(mail.outbox[-1]) == f"http://127.0.0.1:8123{path}"


def test_people_table_shows_the_invitation_pending_with_the_date_sent_and_expiry(
    client, invited, coordinator
):
    with time_machine.travel(SENT + datetime.timedelta(days=1), tick=False):
        client.force_login(coordinator)
        rows = people_rows(client)

    assert rows == [
        "Carla Coordinator coordinator@saxocell.test Coordinator the only coordinator",
        "Nina New nina@saxocell.test Invitation pending, sent 5 December 2026, 14:00 · "
        "the link expires 8 December 2026, 14:00 Member Resend invitation Withdraw invitation",
    ]


def test_people_table_says_when_an_invitations_link_expired(client, invited, coordinator):
    with time_machine.travel(SENT + datetime.timedelta(days=4), tick=False):
        client.force_login(coordinator)
        rows = people_rows(client)

    assert rows[1] == (
        "Nina New nina@saxocell.test Invitation pending, sent 5 December 2026, 14:00 · "
        "the link expired 8 December 2026, 14:00 Member Resend invitation Withdraw invitation"
    )


def test_member_sees_the_invitation_pending_without_its_buttons(client, invited, member):
    client.force_login(member)

    with time_machine.travel(SENT, tick=False):
        rows = people_rows(client)

    assert rows == [
        "Carla Coordinator Coordinator",
        "Max Member Member",
        "Nina New Invitation pending, sent 5 December 2026, 14:00 Member",
    ]


def test_accepted_invitation_is_no_longer_pending(client, invited, coordinator):
    _person, path = invited
    client.logout()
    accept(client, path)
    client.force_login(coordinator)

    rows = people_rows(client)

    assert rows[1] == "Nina New nina@saxocell.test Member Make coordinator Remove…"


def test_resent_invitation_has_a_new_link_and_the_old_one_is_dead(client, invited, coordinator):
    person, old_path = invited
    later = SENT + datetime.timedelta(days=2)

    with time_machine.travel(later, tick=False):
        client.force_login(coordinator)
        response = client.post(f"/clusters/saxocell/people/{person.pk}/invitation/resend/")
        messages = texts(client.get("/clusters/saxocell/"), ".message")
        rows = people_rows(client)
    new_path = invitation_link(mail.outbox[-1]).removeprefix("http://127.0.0.1:8123")
    client.logout()
    old_page = client.get(old_path, follow=True)
    accepted = accept(client, new_path)

    assert response["Location"] == "/clusters/saxocell/"
    assert messages == [
        "A new invitation went to nina@saxocell.test; the link sent before no longer works."
    ]
    assert rows[1].startswith(
        "Nina New nina@saxocell.test Invitation pending, sent 7 December 2026, 14:00 · "
        "the link expires 10 December 2026, 14:00"
    )
    assert new_path != old_path
    assert texts(old_page, "main h1") == ["This invitation link no longer works"]
    assert texts(old_page, "main p") == [
        "A newer invitation was sent to you since: use the link in the latest email, or "
        "request a new link below.",
        "Send me a link to set a password",
    ]
    assert accepted["Location"] == "/"


def test_expired_link_says_it_expired(client, invited):
    _person, path = invited
    client.logout()

    with time_machine.travel(SENT + datetime.timedelta(days=3, minutes=1), tick=False):
        page = client.get(path, follow=True)

    assert texts(page, "main p")[0] == (
        "The link has expired. Ask your cluster's coordinator to send the invitation again, "
        "or request a new link below."
    )


def test_withdrawn_invitation_takes_the_person_out_and_its_link_says_so(client, invited):
    person, path = invited

    response = client.post(f"/clusters/saxocell/people/{person.pk}/invitation/withdraw/")
    messages = texts(client.get("/clusters/saxocell/"), ".message")
    client.logout()
    page = client.get(path, follow=True)

    assert response["Location"] == "/clusters/saxocell/"
    assert messages == [
        "The invitation of Nina New is withdrawn; they are no longer in the cluster."
    ]
    assert not Membership.objects.filter(person=person).exists()
    assert texts(page, "main h1") == ["This invitation was withdrawn"]


def test_accepted_invitation_cannot_be_withdrawn_or_resent(client, coordinator, member):
    client.force_login(coordinator)

    client.post(f"/clusters/saxocell/people/{member.pk}/invitation/withdraw/")
    client.post(f"/clusters/saxocell/people/{member.pk}/invitation/resend/")
    messages = texts(client.get("/clusters/saxocell/"), ".message")

    assert messages == [
        "Max Member has already accepted the invitation.",
        "Max Member has already accepted the invitation.",
    ]
    assert Membership.objects.filter(person=member).exists()
    assert mail.outbox == []


def test_withdrawing_from_one_cluster_keeps_the_link_for_another(
    client, invited, other_coordinator, other_cluster
):
    person, path = invited
    client.force_login(other_coordinator)
    client.post(
        "/clusters/other/people/new/",
        {"email": "nina@saxocell.test", "name": "Nina New", "role": Role.MEMBER},
    )
    path = invitation_link(mail.outbox[-1]).removeprefix("http://127.0.0.1:8123")
    client.force_login(Person.objects.get(email="coordinator@saxocell.test"))

    client.post(f"/clusters/saxocell/people/{person.pk}/invitation/withdraw/")
    client.logout()
    accepted = accept(client, path)

    assert accepted["Location"] == "/"
    assert list(
        Membership.objects.filter(person=person).values_list("cluster__slug", flat=True)
    ) == ["other"]


def test_another_clusters_coordinator_cannot_resend_or_withdraw(client, invited, other_coordinator):
    person, _path = invited
    client.force_login(other_coordinator)

    statuses = [
        client.post(f"/clusters/saxocell/people/{person.pk}/invitation/resend/").status_code,
        client.post(f"/clusters/saxocell/people/{person.pk}/invitation/withdraw/").status_code,
    ]

    assert statuses == [404, 404]
    assert Membership.objects.filter(person=person).exists()


def test_link_opened_before_a_resend_says_a_newer_one_was_sent(client, invited, coordinator):
    person, path = invited
    client.logout()
    opened = client.get(path, follow=True).redirect_chain[-1][0]
    coordinator_client = Client()
    coordinator_client.force_login(coordinator)
    coordinator_client.post(f"/clusters/saxocell/people/{person.pk}/invitation/resend/")

    page = client.get(opened)

    assert opened.endswith("/set-password/")
    assert texts(page, "main p")[0] == (
        "A newer invitation was sent to you since: use the link in the latest email, or "
        "request a new link below."
    )
