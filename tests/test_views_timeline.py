"""Count-downs and the cluster timeline's layout, in English and German."""

import datetime

import pytest
from django.utils import translation

from milestones.models import Kind, Milestone, Status
from milestones.timeline import by_year, countdown

TODAY = datetime.date(2024, 3, 21)


def milestone(**fields):
    fields.setdefault("kind", Kind.OTHER)
    fields.setdefault("title", "M")
    return Milestone(**fields)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"starts_on": datetime.date(2024, 4, 2)}, "in 12 days"),
        ({"starts_on": datetime.date(2024, 3, 22)}, "tomorrow"),
        ({"starts_on": datetime.date(2024, 3, 21)}, "today"),
        ({"starts_on": datetime.date(2024, 3, 20)}, "1 day overdue"),
        ({"starts_on": datetime.date(2024, 3, 18)}, "3 days overdue"),
        ({"starts_on": datetime.date(2024, 3, 18), "status": Status.DONE}, "3 days ago"),
        (
            {
                "starts_on": datetime.date(2024, 3, 20),
                "ends_on": datetime.date(2024, 3, 22),
            },
            "under way, ends in 1 day",
        ),
        (
            {
                "starts_on": datetime.date(2024, 3, 1),
                "ends_on": datetime.date(2024, 3, 21),
                "is_tentative": True,
            },
            "window closes today",
        ),
        (
            {
                "starts_on": datetime.date(2024, 3, 1),
                "ends_on": datetime.date(2024, 3, 31),
                "is_tentative": True,
            },
            "window open, closes in 10 days",
        ),
        (
            {
                "starts_on": datetime.date(2024, 5, 1),
                "ends_on": datetime.date(2024, 6, 30),
                "is_tentative": True,
            },
            "window opens in 41 days",
        ),
    ],
)
def test_countdown_in_english(fields, expected):
    with translation.override("en"):
        assert countdown(milestone(**fields), today=TODAY) == expected


@pytest.mark.parametrize(
    ("starts_on", "expected"),
    [
        (datetime.date(2024, 4, 2), "in 12 Tagen"),
        (datetime.date(2024, 3, 22), "morgen"),
        (datetime.date(2024, 3, 21), "heute"),
        (datetime.date(2024, 3, 20), "seit 1 Tag überfällig"),
        (datetime.date(2024, 3, 18), "seit 3 Tagen überfällig"),
    ],
)
def test_countdown_in_german(starts_on, expected):
    with translation.override("de"):
        assert countdown(milestone(starts_on=starts_on), today=TODAY) == expected


def test_timeline_without_milestones_is_empty():
    assert by_year([], today=TODAY) == []


def test_timeline_draws_this_year_after_the_last_milestone():
    old = milestone(starts_on=datetime.date(2022, 12, 31))

    years = by_year([old], today=TODAY)

    assert [(y["year"], len(y["items"]), y["today"], y["is_past"]) for y in years] == [
        (2022, 1, None, True),
        (2023, 0, None, True),
        (2024, 0, "21.86%", False),
    ]
    assert (years[0]["items"][0]["left"], years[0]["items"][0]["is_past"]) == ("99.73%", True)


def test_timeline_month_names_follow_language():
    with translation.override("de"):
        years = by_year([milestone(starts_on=TODAY)], today=TODAY)

    assert [m["name"] for m in years[0]["months"]][:3] == ["Jan", "Feb", "Mär"]
