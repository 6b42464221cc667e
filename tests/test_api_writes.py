"""The API's writes (status, date, the day of a window) through the web UI's forms and
services, and the bad input they refuse, losing nothing."""

import datetime

import pytest

from milestones import history
from milestones.models import Kind, Milestone
from tests.api_helpers import post, token_of


@pytest.fixture
def visit(make_milestone):
    return make_milestone(
        kind=Kind.ON_SITE_VISIT,
        title="On-site visit",
        starts_on=datetime.date(2024, 5, 1),
        ends_on=datetime.date(2024, 6, 30),
        is_tentative=True,
    )


def path(milestone, action):
    return f"/api/v1/milestones/{milestone.pk}/{action}/"


def history_words(milestone):
    return [
        (entry.what, entry.why, str(entry.by)) for entry in history.milestone_history(milestone)
    ]


def stored(milestone):
    return Milestone.objects.values_list(*Milestone.DATE_FIELDS, "status", "sequence").get(
        pk=milestone.pk
    )


def test_api_status_by_the_lead_goes_into_the_history(client, member, make_milestone):
    milestone = make_milestone(lead=member)

    response = post(
        client,
        path(milestone, "status"),
        token_of(member),
        {"status": "in-progress", "note": "drafting"},
    )

    assert response.status_code == 200
    assert response.json()["status"] == "in-progress"
    assert history_words(milestone)[-1] == (
        "status: Planned → In progress",
        "drafting",
        "Max Member",
    )
    milestone.refresh_from_db()
    assert milestone.sequence == 1


def test_api_status_by_somebody_not_responsible_is_403(client, member, make_milestone):
    milestone = make_milestone()

    response = post(client, path(milestone, "status"), token_of(member), {"status": "done"})

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Only the people responsible for this milestone and the coordinators of its "
        "cluster set its status."
    }


def test_api_status_submitted_only_from_a_submission(client, coordinator, make_milestone):
    milestone = make_milestone()

    response = post(
        client, path(milestone, "status"), token_of(coordinator), {"status": "submitted"}
    )

    assert response.status_code == 400
    assert response.json() == {
        "status": ["Select a valid choice. submitted is not one of the available choices."]
    }


def test_api_date_moved_by_a_coordinator_with_reason(client, coordinator, make_milestone):
    milestone = make_milestone()

    response = post(
        client,
        path(milestone, "date"),
        token_of(coordinator),
        {
            "date_form": "day-with-time",
            "starts_on": "2024-04-16",
            "starts_at": "12:00",
            "reason": "extended",
        },
    )

    assert response.status_code == 200
    assert response.json()["date"]["text"] == "16 April 2024, due 12:00"
    assert history_words(milestone)[-1] == (
        "date: 2 April 2024 → 16 April 2024, due 12:00",
        "extended",
        "Carla Coordinator",
    )


def test_api_date_as_a_month(client, coordinator, make_milestone):
    milestone = make_milestone(kind=Kind.PROGRESS_REPORT)

    response = post(
        client,
        path(milestone, "date"),
        token_of(coordinator),
        {"date_form": "month", "month": "2024-09"},
    )

    assert response.json()["date"]["text"] == "September 2024 (day not fixed)"


def test_api_date_by_a_member_is_403_naming_the_coordinators(
    client, member, coordinator, make_milestone
):
    milestone = make_milestone(lead=member)

    response = post(
        client,
        path(milestone, "date"),
        token_of(member),
        {"date_form": "day", "starts_on": "2024-04-03"},
    )

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Only the coordinators of SaxoCell change its milestones and people. Ask "
        "Carla Coordinator."
    }


def test_api_writes_on_another_clusters_milestone_are_404(
    client, coordinator, other_cluster, make_milestone
):
    theirs = make_milestone(cluster=other_cluster)
    raw_token = token_of(coordinator)

    statuses = [
        post(client, path(theirs, action), raw_token, body).status_code
        for action, body in [
            ("status", {"status": "done"}),
            ("date", {"date_form": "day", "starts_on": "2024-04-03"}),
            ("confirm-day", {"starts_on": "2024-04-03"}),
        ]
    ]

    assert statuses == [404, 404, 404]
    assert stored(theirs)[-2:] == ("planned", 0)


def test_api_confirm_day_inside_the_window(client, coordinator, visit):
    response = post(
        client,
        path(visit, "confirm-day"),
        token_of(coordinator),
        {"starts_on": "2024-06-12", "reason": "agreed"},
    )

    assert response.status_code == 200
    assert response.json()["date"]["form"] == "day"
    assert history_words(visit)[-1] == (
        "day confirmed: 12 June 2024 (window May–June 2024)",
        "agreed",
        "Carla Coordinator",
    )


def test_api_confirm_day_outside_the_window_is_400(client, coordinator, visit):
    response = post(
        client, path(visit, "confirm-day"), token_of(coordinator), {"starts_on": "2024-07-01"}
    )

    assert response.status_code == 400
    assert response.json() == {
        "starts_on": [
            "Choose a day from 1 May 2024 to 30 June 2024, inside the window May–June 2024."
        ]
    }


def test_api_confirm_day_of_a_fixed_day_is_409(client, coordinator, make_milestone):
    milestone = make_milestone()

    response = post(
        client, path(milestone, "confirm-day"), token_of(coordinator), {"starts_on": "2024-04-03"}
    )

    assert (response.status_code, response.json()) == (
        409,
        {"detail": "The day of this milestone is fixed already."},
    )


# Bad input: a clear message, and nothing changed.

INVALID_DATES = [
    ({"date_form": "day", "starts_on": "2024-02-31"}, {"starts_on": ["Enter a valid date."]}),
    ({"date_form": "day"}, {"starts_on": ["Give the day (for a span or window, its first day)."]}),
    (
        {"date_form": "day", "starts_on": "0224-04-02"},
        {"starts_on": ["Give a day between the years 2000 and 2099."]},
    ),
    (
        {"date_form": "day-with-time", "starts_on": "2024-04-02"},
        {"starts_at": ["Give the time, or choose “A day”."]},
    ),
    (
        {
            "date_form": "day-with-time",
            "starts_on": "2024-04-02",
            "starts_at": "12:00",
            "ends_at": "13:00",
        },
        {"ends_at": ["A deadline has a cut-off time, not an end time."]},
    ),
    (
        {"date_form": "span", "starts_on": "2024-04-02", "ends_on": "2024-04-01"},
        {"ends_on": ["The last day cannot be before the first day."]},
    ),
    (
        {"date_form": "span", "starts_on": "2024-04-02", "ends_on": "2024-04-05"},
        {"ends_on": ["A deadline is one day, or a window while its day is not fixed."]},
    ),
    (
        {"date_form": "window", "starts_on": "2024-04-02"},
        {"ends_on": ["A window needs its latest day as well as its earliest."]},
    ),
    (
        {"date_form": "window", "starts_on": "2024-04-02", "ends_on": "2024-04-02"},
        {
            "ends_on": [
                "A window spans at least two days; for a known day, clear “day not fixed yet”."
            ]
        },
    ),
    ({"date_form": "month", "month": "2024-13"}, {"month": ["Enter a valid date."]}),
    ({"date_form": "month"}, {"month": ["Give the month."]}),
    (
        {"date_form": "day-with-time", "starts_on": "2024-03-31", "starts_at": "02:30"},
        {
            "starts_at": [
                "The clocks in Europe/Berlin skip 02:30 on 31 March 2024, when summer time "
                "starts. Give a time before or after the hour they skip."
            ]
        },
    ),
    (
        {"date_form": "fortnight"},
        {"date_form": ["Select a valid choice. fortnight is not one of the available choices."]},
    ),
]


@pytest.mark.parametrize(("body", "errors"), INVALID_DATES)
def test_api_date_invalid_form_is_refused_like_the_ui(
    client, coordinator, make_milestone, body, errors
):
    milestone = make_milestone()
    before = stored(milestone)

    response = post(client, path(milestone, "date"), token_of(coordinator), body)

    assert (response.status_code, response.json()) == (400, errors)
    assert stored(milestone) == before


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (
            '{"status": ',
            {"detail": "JSON parse error - Expecting value: line 1 column 12 (char 11)"},
        ),
        ('["done"]', {"detail": "Send a JSON object."}),
        (
            {"status": "done", "colour": "red"},
            {"colour": ["Unknown field; this request takes: status, note."]},
        ),
        ({"status": 3}, {"status": ["Give a string (or null)."]}),
        ({"status": "done", "note": ["a"]}, {"note": ["Give a string (or null)."]}),
        (
            {"status": "done", "note": "x" * 501},
            {"note": ["Ensure this value has at most 500 characters (it has 501)."]},
        ),
        ({}, {"status": ["This field is required."]}),
    ],
)
def test_api_status_bad_body_is_400(client, coordinator, make_milestone, body, errors):
    milestone = make_milestone()

    response = post(client, path(milestone, "status"), token_of(coordinator), body)

    assert (response.status_code, response.json()) == (400, errors)
    assert stored(milestone)[-2:] == ("planned", 0)


def test_api_body_of_10_mb_is_refused_early_with_413(client, settings, coordinator, make_milestone):
    milestone = make_milestone()
    body = '{"status": "done", "note": "' + "x" * (10 * 1024 * 1024) + '"}'

    response = post(client, path(milestone, "status"), token_of(coordinator), body)

    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is larger than 2621440 bytes."}
    assert stored(milestone)[-2:] == ("planned", 0)


def test_api_body_not_json_is_415(client, coordinator, make_milestone):
    milestone = make_milestone()

    response = client.post(
        path(milestone, "status"),
        "status=done",
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=f"Bearer {token_of(coordinator)}",
    )

    assert (response.status_code, response.json()) == (
        415,
        {"detail": 'Unsupported media type "application/x-www-form-urlencoded" in request.'},
    )
