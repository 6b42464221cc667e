"""The list of a person's sessions (device, last use), ending one or all others, and the end of
the other sessions when the password changes."""

import datetime

import time_machine
from allauth.usersessions.models import UserSession
from django.test import Client

from tests.conftest import PASSWORD
from tests.helpers import texts

LOGIN = "/accounts/login/"
NOW = datetime.datetime(2024, 3, 1, 9, 0, tzinfo=datetime.UTC)
LAPTOP = "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Safari/604.1"


def logged_in_client(person, user_agent, address):
    client = Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=address)
    client.post(LOGIN, {"username": person.email, "password": PASSWORD})
    return client


def test_sessions_list_shows_browser_address_and_last_use(member):
    with time_machine.travel(NOW, tick=False) as traveller:
        laptop = logged_in_client(member, LAPTOP, "192.0.2.10")
        traveller.shift(datetime.timedelta(minutes=1))
        logged_in_client(member, PHONE, "198.51.100.7")
        traveller.shift(datetime.timedelta(minutes=10))
        laptop.get("/")

        response = laptop.get("/accounts/sessions/")

    assert texts(response, "table.sessions tbody tr") == [
        f"{LAPTOP} 192.0.2.10 1 Mar 2024, 10:00 1 Mar 2024, 10:11 Log out here",
        f"{PHONE} 198.51.100.7 1 Mar 2024, 10:01 1 Mar 2024, 10:01 End session",
    ]


@time_machine.travel(NOW, tick=False)
def test_sessions_end_one_logs_that_browser_out(member):
    laptop = logged_in_client(member, LAPTOP, "192.0.2.10")
    phone = logged_in_client(member, PHONE, "198.51.100.7")
    phone_session = UserSession.objects.get(user_agent=PHONE)

    ended = laptop.post(f"/accounts/sessions/{phone_session.pk}/end/")

    assert (ended.status_code, ended["Location"]) == (302, "/accounts/sessions/")
    assert phone.get("/")["Location"] == "/accounts/login/?next=/"
    assert laptop.get("/").status_code == 200
    assert list(UserSession.objects.values_list("user_agent", flat=True)) == [LAPTOP]


@time_machine.travel(NOW, tick=False)
def test_sessions_of_another_person_cannot_be_ended(member, coordinator):
    mine = logged_in_client(member, LAPTOP, "192.0.2.10")
    logged_in_client(coordinator, PHONE, "198.51.100.7")
    theirs = UserSession.objects.get(user=coordinator)

    response = mine.post(f"/accounts/sessions/{theirs.pk}/end/")

    assert response.status_code == 404
    assert UserSession.objects.filter(user=coordinator).count() == 1


@time_machine.travel(NOW, tick=False)
def test_sessions_end_all_others(member):
    laptop = logged_in_client(member, LAPTOP, "192.0.2.10")
    phone = logged_in_client(member, PHONE, "198.51.100.7")
    tablet = logged_in_client(member, "Tablet", "198.51.100.8")

    response = laptop.post("/accounts/sessions/end-others/", follow=True)

    assert texts(response, "p[role=status]") == ["Your other sessions have ended."]
    assert [phone.get("/").status_code, tablet.get("/").status_code] == [302, 302]
    assert list(UserSession.objects.values_list("user_agent", flat=True)) == [LAPTOP]


@time_machine.travel(NOW, tick=False)
def test_sessions_password_change_ends_the_others(member):
    laptop = logged_in_client(member, LAPTOP, "192.0.2.10")
    phone = logged_in_client(member, PHONE, "198.51.100.7")

    changed = laptop.post(
        "/accounts/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-password-42",
            "new_password2": "a-new-password-42",
        },
    )

    assert changed.status_code == 302
    assert phone.get("/")["Location"] == "/accounts/login/?next=/"
    assert laptop.get("/").status_code == 200
    assert texts(laptop.get("/accounts/sessions/"), "table.sessions tbody td:first-child") == [
        LAPTOP
    ]
