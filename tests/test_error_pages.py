"""Error pages in the site's layout and the person's language, with a way back."""

import pytest
from django.test import Client, override_settings
from django.urls import path

from c4f_tracker import urls
from milestones.models import Language
from tests.conftest import PASSWORD
from tests.helpers import texts


def broken(request):
    raise RuntimeError("a bug")


# The site's URLs and its error handler, and one view that fails.
urlpatterns = [path("broken/", broken), *urls.urlpatterns]
handler500 = urls.handler500


def test_not_found_page_in_the_layout_with_a_way_back(client, member):
    client.force_login(member)

    response = client.get("/clusters/other/")

    assert response.status_code == 404
    assert texts(response, "title") == ["Not found · C4F Tracker"]
    assert texts(response, "main h1") == ["Not found"]
    assert texts(response, "main a") == ["Go to your milestones"]
    # The menu of a logged-in person is there too.
    assert "Calendar feeds" in texts(response, "header")[0]


def test_not_found_page_in_german_for_a_german_account(client, member):
    member.language = Language.GERMAN
    member.save()
    client.force_login(member)

    response = client.get("/milestones/999999/")

    assert (texts(response, "main h1"), texts(response, "main a")) == (
        ["Nicht gefunden"],
        ["Zu Ihren Meilensteinen"],
    )


@override_settings(ROOT_URLCONF="tests.test_error_pages")
def test_server_error_page_in_the_layout(db):
    client = Client(raise_request_exception=False)

    response = client.get("/broken/")

    assert response.status_code == 500
    assert texts(response, "main h1") == ["Something went wrong"]


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


def test_a_form_sent_without_its_token_gets_the_expired_form_page(csrf_client, member):
    csrf_client.force_login(member)

    response = csrf_client.post("/account/reminders/", {"reminder_mode": "off"})

    member.refresh_from_db()
    assert response.status_code == 403
    assert texts(response, "main h1") == ["The form has expired"]
    assert "Nothing was saved." in texts(response, "main p")[0]
    assert member.reminder_mode != "off"


def test_a_second_tabs_log_in_after_the_first_goes_on_where_it_was_going(csrf_client, member):
    # Two tabs show the log-in form; the first logs in, which gives the session a new CSRF
    # secret. The second tab's form, sent now, carries the old one.
    csrf_client.get("/accounts/login/")
    stale = csrf_client.cookies["csrftoken"].value
    first = csrf_client.post(
        "/accounts/login/",
        {"username": member.email, "password": PASSWORD, "csrfmiddlewaretoken": stale},
    )
    csrf_client.cookies["csrftoken"] = "x" * 32

    second = csrf_client.post(
        "/accounts/login/",
        {
            "username": member.email,
            "password": PASSWORD,
            "csrfmiddlewaretoken": stale,
            "next": "/calendar-feeds/",
        },
    )

    assert first.status_code == 302
    assert (second.status_code, second["Location"]) == (302, "/calendar-feeds/")


def test_a_second_tabs_log_in_as_someone_else_says_who_is_logged_in(
    csrf_client, member, coordinator
):
    csrf_client.force_login(member)

    response = csrf_client.post(
        "/accounts/login/",
        {"username": coordinator.email, "password": PASSWORD},
        follow=True,
    )

    assert response.redirect_chain == [("/accounts/login/", 302)]
    assert texts(response, ".message") == [
        "You were logged in as Max Member already, from another tab, so what you typed was "
        "not checked. To log in as someone else, log in here again."
    ]
    assert texts(response, "main h1") == ["Log in"]
    assert csrf_client.session["_auth_user_id"] == str(member.pk)


def test_a_refused_log_in_of_someone_logged_out_is_not_let_through(csrf_client, member):
    response = csrf_client.post(
        "/accounts/login/", {"username": member.email, "password": PASSWORD}
    )

    assert response.status_code == 403
    assert texts(response, "main h1") == ["The form has expired"]
    assert "_auth_user_id" not in csrf_client.session


def test_a_second_tabs_log_in_does_not_go_on_to_another_site(csrf_client, member):
    csrf_client.force_login(member)

    response = csrf_client.post(
        "/accounts/login/",
        {"username": member.email, "password": PASSWORD, "next": "https://evil.example/"},
    )

    assert (response.status_code, response["Location"]) == (302, "/")
