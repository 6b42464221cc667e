import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from milestones.dates import Form, When, describe, month_bounds, validate, zone
from milestones.models import Kind, Milestone

D = datetime.date
T = datetime.time


@pytest.mark.parametrize(
    ("when", "form", "english", "german"),
    [
        (When(D(2024, 4, 2)), Form.DAY, "2 April 2024", "2. April 2024"),
        (
            When(D(2024, 4, 2), starts_at=T(12), is_deadline=True),
            Form.DAY_WITH_TIME,
            "2 April 2024, due 12:00",
            "2. April 2024, fällig 12:00",
        ),
        (
            When(D(2024, 7, 2), starts_at=T(10)),
            Form.DAY_WITH_TIME,
            "2 July 2024, 10:00",
            "2. Juli 2024, 10:00",
        ),
        (
            When(D(2024, 7, 2), starts_at=T(10), ends_at=T(12, 30)),
            Form.DAY_WITH_TIME,
            "2 July 2024, 10:00–12:30",
            "2. Juli 2024, 10:00–12:30",
        ),
        (When(D(2024, 5, 14), D(2024, 5, 16)), Form.SPAN, "14–16 May 2024", "14.–16. Mai 2024"),
        (
            When(D(2024, 4, 30), D(2024, 5, 2)),
            Form.SPAN,
            "30 April – 2 May 2024",
            "30. April – 2. Mai 2024",
        ),
        (
            When(D(2024, 12, 30), D(2025, 1, 2)),
            Form.SPAN,
            "30 December 2024 – 2 January 2025",
            "30. Dezember 2024 – 2. Januar 2025",
        ),
        (
            When(D(2024, 5, 1), D(2024, 6, 30), is_tentative=True),
            Form.WINDOW,
            "May–June 2024 (day not fixed)",
            "Mai–Juni 2024 (Tag noch offen)",
        ),
        (
            When(D(2023, 9, 1), D(2023, 9, 30), is_tentative=True, is_deadline=True),
            Form.WINDOW,
            "September 2023 (day not fixed)",
            "September 2023 (Tag noch offen)",
        ),
        (
            When(D(2024, 10, 1), D(2025, 1, 31), is_tentative=True),
            Form.WINDOW,
            "October 2024 – January 2025 (day not fixed)",
            "Oktober 2024 – Januar 2025 (Tag noch offen)",
        ),
        (
            When(D(2024, 5, 15), D(2024, 6, 14), is_tentative=True),
            Form.WINDOW,
            "15 May – 14 June 2024 (day not fixed)",
            "15. Mai – 14. Juni 2024 (Tag noch offen)",
        ),
    ],
)
def test_describe_each_form_in_both_languages(when, form, english, german):
    with translation.override("en"):
        in_english = describe(when)
    with translation.override("de"):
        in_german = describe(when)

    assert (when.form, in_english, in_german) == (form, english, german)


def test_month_bounds_february_of_a_leap_year():
    assert month_bounds(2024, 2) == (D(2024, 2, 1), D(2024, 2, 29))


def test_timed_day_in_berlin_is_utc_plus_two_in_july_and_plus_one_in_march():

    berlin = zone("Europe/Berlin")
    summer = When(D(2024, 7, 2), starts_at=T(10)).starts(berlin)
    before_change = When(D(2024, 3, 29), starts_at=T(12)).starts(berlin)
    after_change = When(D(2024, 4, 2), starts_at=T(12)).starts(berlin)

    assert [
        summer.astimezone(datetime.UTC).time(),
        before_change.astimezone(datetime.UTC).time(),
        after_change.astimezone(datetime.UTC).time(),
    ] == [T(8), T(11), T(10)]


def dated(**fields):
    fields.setdefault("kind", Kind.ON_SITE_VISIT)
    fields.setdefault("title", "Visit")
    return Milestone(**fields)


def errors_of(milestone):
    with pytest.raises(ValidationError) as caught:
        milestone.clean()
    return caught.value.message_dict


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (
            {"starts_on": D(2024, 4, 5), "ends_on": D(2024, 4, 2)},
            {"ends_on": ["The last day cannot be before the first day."]},
        ),
        (
            {"starts_on": D(2024, 5, 1), "is_tentative": True},
            {"ends_on": ["A window needs its latest day as well as its earliest."]},
        ),
        (
            {"starts_on": None, "ends_on": None, "is_tentative": True},
            {
                "starts_on": ["A window needs its earliest day."],
                "ends_on": ["A window needs its latest day as well as its earliest."],
            },
        ),
        (
            {"starts_on": None, "starts_at": T(10)},
            {"starts_on": ["A time needs a day: give the day as well."]},
        ),
        (
            {"starts_on": None},
            {"starts_on": ["Give the day (for a span or window, its first day)."]},
        ),
        (
            {"starts_on": D(2024, 7, 2), "ends_at": T(12)},
            {"ends_at": ["An end time needs a start time."]},
        ),
        (
            {"starts_on": D(2024, 7, 2), "starts_at": T(12), "ends_at": T(10)},
            {"ends_at": ["The end time must be after the start time."]},
        ),
        (
            {
                "starts_on": D(2024, 5, 1),
                "ends_on": D(2024, 6, 30),
                "is_tentative": True,
                "starts_at": T(10),
            },
            {"starts_at": ["A window has no time yet; add it when the day is confirmed."]},
        ),
        (
            {"starts_on": D(2024, 5, 1), "ends_on": D(2024, 5, 1), "is_tentative": True},
            {
                "ends_on": [
                    "A window spans at least two days; for a known day, clear “day not fixed yet”."
                ]
            },
        ),
        (
            {
                "kind": Kind.STRATEGY_SUBMISSION,
                "starts_on": D(2024, 4, 2),
                "starts_at": T(10),
                "ends_at": T(12),
            },
            {"ends_at": ["A deadline has a cut-off time, not an end time."]},
        ),
        (
            {
                "kind": Kind.STRATEGY_SUBMISSION,
                "starts_on": D(2024, 4, 2),
                "ends_on": D(2024, 4, 5),
            },
            {"ends_on": ["A deadline is one day, or a window while its day is not fixed."]},
        ),
    ],
)
def test_clean_bad_dates_give_clear_errors(fields, errors):
    assert errors_of(dated(**fields)) == errors


def test_clean_bad_dates_in_german():
    milestone = dated(starts_on=D(2024, 4, 5), ends_on=D(2024, 4, 2))

    with translation.override("de"):
        errors = errors_of(milestone)

    assert errors == {"ends_on": ["Der letzte Tag kann nicht vor dem ersten liegen."]}


@pytest.mark.parametrize(
    "fields",
    [
        {"starts_on": D(2024, 4, 2)},
        {"kind": Kind.STRATEGY_SUBMISSION, "starts_on": D(2024, 4, 2), "starts_at": T(12)},
        {"starts_on": D(2024, 7, 2), "starts_at": T(10), "ends_at": T(12)},
        {"starts_on": D(2024, 5, 14), "ends_on": D(2024, 5, 16)},
        {
            "starts_on": D(2024, 5, 14),
            "ends_on": D(2024, 5, 15),
            "starts_at": T(18),
            "ends_at": T(9),
        },
        {"starts_on": D(2024, 5, 1), "ends_on": D(2024, 6, 30), "is_tentative": True},
        {
            "kind": Kind.PROGRESS_REPORT,
            "starts_on": D(2023, 9, 1),
            "ends_on": D(2023, 9, 30),
            "is_tentative": True,
        },
    ],
)
def test_clean_sound_dates_pass(fields):
    milestone = dated(**fields)

    milestone.clean()

    assert milestone.starts_on == fields["starts_on"]


def test_clean_end_equal_to_start_becomes_a_single_day():
    milestone = dated(starts_on=D(2024, 4, 2), ends_on=D(2024, 4, 2))

    milestone.clean()

    assert (milestone.ends_on, milestone.when.form) == (None, Form.DAY)


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "expected"),
    [
        (
            datetime.date(1, 1, 1),
            None,
            {"starts_on": ["Give a day between the years 2000 and 2099."]},
        ),
        (
            datetime.date(2024, 5, 1),
            datetime.date(9999, 12, 31),
            {"ends_on": ["Give a day between the years 2000 and 2099."]},
        ),
        (datetime.date(2000, 1, 1), datetime.date(2099, 12, 31), {}),
    ],
)
def test_validate_days_outside_the_century_are_refused(starts_on, ends_on, expected):
    errors = validate(
        starts_on=starts_on,
        ends_on=ends_on,
        starts_at=None,
        ends_at=None,
        is_tentative=ends_on is not None,
        is_deadline=False,
    )

    assert errors == expected
