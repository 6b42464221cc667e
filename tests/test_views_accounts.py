"""Log-in, the account page, invitations accepted and passwords reset."""

import pytest
from django.core import mail

from milestones.models import (
    Language,
    Person,
    Role,
)
from tests.conftest import PASSWORD
from tests.helpers import texts


@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/accounts/password_reset/", "/accounts/password_reset/done/"]
)
def test_page_anonymous_without_log_in(client, db, path):
    response = client.get(path)

    assert response.status_code == 200


def test_log_in_by_email_lands_on_dashboard(client, coordinator):
    response = client.post(
        "/accounts/login/", {"username": "COORDINATOR@saxocell.test", "password": PASSWORD}
    )

    assert (response.status_code, response["Location"]) == (302, "/")


def test_log_out_by_post_ends_session(client, coordinator):
    client.force_login(coordinator)

    client.post("/accounts/logout/")

    assert client.get("/")["Location"] == "/accounts/login/?next=/"


def test_log_in_page_follows_browser_language(client, db):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="de")

    assert texts(response, "h1") == ["Anmelden"]


def test_account_language_wins_over_browser(client, member):
    client.force_login(member)

    client.post("/account/", {"name": "Max Member", "organisation": "", "language": "de"})
    response = client.get("/account/", HTTP_ACCEPT_LANGUAGE="en")

    member.refresh_from_db()
    assert member.language == Language.GERMAN
    assert texts(response, "h1") == ["Ihr Konto"]


def test_account_links_to_the_reminder_preferences(client, member):
    client.force_login(member)

    response = client.get("/account/")

    assert texts(response, ".account-links a") == [
        "Reminder emails and calendar feeds",
        "Change your password",
    ]


def invitation_path(client, coordinator):
    """The coordinator invites Nina New; the path of the link in her email, logged out."""
    client.force_login(coordinator)
    client.post(
        "/clusters/saxocell/people/new/",
        {"email": "nina@saxocell.test", "name": "Nina New", "role": Role.MEMBER},
    )
    link = next(line for line in mail.outbox[0].body.splitlines() if "/invitations/" in line)
    client.logout()
    return link.removeprefix("http://testserver")


def test_invitation_link_sets_password_and_logs_in(client, coordinator, cluster):
    form_page = client.get(invitation_path(client, coordinator), follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-long-new-pass-42", "new_password2": "a-long-new-pass-42"},
    )

    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert Person.objects.get(email="nina@saxocell.test").check_password("a-long-new-pass-42")


def test_invitation_accepted_in_a_german_browser_leaves_the_language_to_the_browser(
    client, coordinator, cluster
):
    form_page = client.get(
        invitation_path(client, coordinator), follow=True, HTTP_ACCEPT_LANGUAGE="de"
    )
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-long-new-pass-42", "new_password2": "a-long-new-pass-42"},
        HTTP_ACCEPT_LANGUAGE="de",
        follow=True,
    )
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en")

    assert Person.objects.get(email="nina@saxocell.test").language == ""
    assert texts(response, ".message") == ["Willkommen! Ihr Passwort ist gesetzt."]
    assert texts(response, "main h1") == ["Was ansteht"]
    assert texts(english, "main h1") == ["What is due"]


def test_password_reset_reaches_invited_person_without_password(client, db):
    Person.objects.create_user("invited@saxocell.test", None, name="Ina Invited")

    client.post("/accounts/password_reset/", {"email": "invited@saxocell.test"})

    assert [m.to for m in mail.outbox] == [["invited@saxocell.test"]]


def test_invitation_link_that_is_wrong_says_so(client, db):
    response = client.get("/invitations/MQ/wrong-token/")

    assert texts(response, "h1") == ["This invitation link no longer works"]


def test_password_reset_email_carries_the_link(client, coordinator, settings):
    settings.SITE_URL = "http://127.0.0.1:8123"
    client.post("/accounts/password_reset/", {"email": "coordinator@saxocell.test"})

    links = [line for line in mail.outbox[0].body.splitlines() if "://" in line]
    assert (mail.outbox[0].subject, len(links)) == ("Set a new password for the C4F Tracker", 1)
    assert links[0].startswith("http://127.0.0.1:8123/accounts/reset/")
