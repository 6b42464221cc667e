"""Confirming the day of a window milestone: the window shown, a day inside it, the history."""

import datetime

import pytest
import time_machine
from bs4 import BeautifulSoup

from milestones.models import Kind
from tests.helpers import BERLIN, field_errors, texts

MAY_2 = datetime.datetime(2024, 5, 2, 9, 30, tzinfo=BERLIN)


@pytest.fixture
def visit(make_milestone, member):
    with time_machine.travel(datetime.datetime(2024, 3, 1, 9, 0, tzinfo=BERLIN), tick=False):
        return make_milestone(
            lead=member,
            kind=Kind.ON_SITE_VISIT,
            title="On-site visit",
            starts_on=datetime.date(2024, 5, 1),
            ends_on=datetime.date(2024, 6, 30),
            is_tentative=True,
        )


def test_confirm_the_day_page_shows_the_window_and_a_picker_limited_to_it(
    client, coordinator, visit
):
    client.force_login(coordinator)

    page = client.get(f"/milestones/{visit.pk}/")
    form = client.get(f"/milestones/{visit.pk}/confirm-day/")

    assert texts(page, "footer.actions a[href$='/confirm-day/']") == ["Confirm the day"]
    assert texts(form, "p.confirm-window") == [
        "The day is not fixed yet: it lies in the window May–June 2024. "
        "Choose a day from 1 May 2024 to 30 June 2024."
    ]
    picker = BeautifulSoup(form.content, "html.parser").select_one("input[name=starts_on]")
    assert (picker["type"], picker["min"], picker["max"]) == ("date", "2024-05-01", "2024-06-30")


def test_confirm_the_day_sets_it_and_the_history_says_day_confirmed(client, coordinator, visit):
    client.force_login(coordinator)

    with time_machine.travel(MAY_2, tick=False):
        response = client.post(
            f"/milestones/{visit.pk}/confirm-day/",
            {"starts_on": "2024-06-12", "starts_at": "10:00", "reason": "Agreed with the jury"},
            follow=True,
        )

    visit.refresh_from_db()
    assert (visit.when_text, visit.is_tentative, visit.date_version) == (
        "12 June 2024, 10:00",
        False,
        1,
    )
    assert texts(response, "p.message") == ["Day confirmed: 12 June 2024, 10:00."]
    assert texts(response, ".history li")[-1] == (
        "2 May 2024, 09:30 · day confirmed: 12 June 2024, 10:00 (window May–June 2024) "
        "· by Carla Coordinator · “Agreed with the jury”"
    )
    assert visit.history.first().history_change_reason == "Agreed with the jury"


def test_confirm_the_day_refuses_a_day_outside_the_window(client, coordinator, visit):
    client.force_login(coordinator)

    response = client.post(f"/milestones/{visit.pk}/confirm-day/", {"starts_on": "2024-07-01"})

    visit.refresh_from_db()
    assert response.status_code == 200
    assert field_errors(response) == {
        "starts_on": "Choose a day from 1 May 2024 to 30 June 2024, inside the window "
        "May–June 2024."
    }
    assert (visit.is_tentative, visit.date_version) == (True, 0)


def test_confirm_the_day_refuses_a_time_the_clocks_skip(client, coordinator, make_milestone):
    window = make_milestone(
        kind=Kind.OTHER,
        starts_on=datetime.date(2024, 3, 25),
        ends_on=datetime.date(2024, 4, 5),
        is_tentative=True,
    )
    client.force_login(coordinator)

    response = client.post(
        f"/milestones/{window.pk}/confirm-day/", {"starts_on": "2024-03-31", "starts_at": "02:30"}
    )

    window.refresh_from_db()
    assert list(field_errors(response)) == ["starts_at"]
    assert window.is_tentative is True


def test_confirm_the_day_is_for_coordinators_only(client, member, other_coordinator, visit):
    client.force_login(member)
    as_member = client.post(f"/milestones/{visit.pk}/confirm-day/", {"starts_on": "2024-06-12"})
    member_page = client.get(f"/milestones/{visit.pk}/")
    client.force_login(other_coordinator)
    as_other_cluster = client.get(f"/milestones/{visit.pk}/confirm-day/")

    visit.refresh_from_db()
    assert (as_member.status_code, as_other_cluster.status_code) == (403, 404)
    assert texts(member_page, "footer.actions a[href$='/confirm-day/']") == []
    assert visit.is_tentative is True


def test_confirm_the_day_of_a_fixed_day_goes_back_to_the_milestone(
    client, coordinator, make_milestone
):
    milestone = make_milestone()
    client.force_login(coordinator)

    response = client.get(f"/milestones/{milestone.pk}/confirm-day/")

    assert (response.status_code, response["Location"]) == (302, f"/milestones/{milestone.pk}/")


def test_confirm_the_day_in_german(client, coordinator, visit):
    coordinator.language = "de"
    coordinator.save()
    client.force_login(coordinator)

    form = client.get(f"/milestones/{visit.pk}/confirm-day/")
    refused = client.post(f"/milestones/{visit.pk}/confirm-day/", {"starts_on": "2024-07-01"})

    assert texts(form, "h1") == ["Tag bestätigen"]
    assert field_errors(refused) == {
        "starts_on": "Bitte einen Tag vom 1. Mai 2024 bis 30. Juni 2024 wählen, im "
        "Zeitfenster Mai–Juni 2024."
    }
