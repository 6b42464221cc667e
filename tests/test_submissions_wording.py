"""A submission in words: milestones.submissions.wording, in English and German."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from milestones.models import Submission
from milestones.submissions.wording import describe_lateness, describe_submission

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("delta", "english", "german"),
    [
        (
            datetime.timedelta(seconds=30),
            "less than a minute late",
            "weniger als eine Minute zu spät",
        ),
        (datetime.timedelta(minutes=1), "1 minute late", "1 Minute zu spät"),
        (datetime.timedelta(minutes=59, seconds=59), "59 minutes late", "59 Minuten zu spät"),
        (datetime.timedelta(hours=1), "1 hour late", "1 Stunde zu spät"),
        (
            datetime.timedelta(hours=1, minutes=14),
            "1 hour 14 minutes late",
            "1 Stunde 14 Minuten zu spät",
        ),
        (
            datetime.timedelta(hours=23, minutes=1),
            "23 hours 1 minute late",
            "23 Stunden 1 Minute zu spät",
        ),
        (datetime.timedelta(days=1, minutes=30), "1 day late", "1 Tag zu spät"),
        (
            datetime.timedelta(days=3, hours=2, minutes=5),
            "3 days 2 hours late",
            "3 Tage 2 Stunden zu spät",
        ),
    ],
)
def test_describe_lateness_in_english_and_german(delta, english, german):
    with translation.override("en"):
        shown_english = describe_lateness(delta)
    with translation.override("de"):
        shown_german = describe_lateness(delta)

    assert (shown_english, shown_german) == (english, german)


def submission(*, at, late):
    cut_off = datetime.datetime(2024, 4, 2, 12, 0, tzinfo=BERLIN)
    return Submission(number=2, submitted_at=at, cut_off=cut_off, is_late=late)


def test_describe_submission_on_time_in_the_programmes_zone():
    on_time = submission(at=datetime.datetime(2024, 4, 2, 9, 48, tzinfo=datetime.UTC), late=False)

    with translation.override("en"):
        english = describe_submission(on_time, tz=BERLIN)
    with translation.override("de"):
        german = describe_submission(on_time, tz=BERLIN)

    assert english == "Version 2, submitted 2 April 2024, 11:48, on time"
    assert german == "Version 2, eingereicht am 2. April 2024, 11:48, fristgerecht"


def test_describe_submission_late():
    late = submission(at=datetime.datetime(2024, 4, 2, 13, 14, tzinfo=BERLIN), late=True)

    with translation.override("en"):
        english = describe_submission(late, tz=BERLIN)
    with translation.override("de"):
        german = describe_submission(late, tz=BERLIN)

    assert english == "Version 2, submitted 2 April 2024, 13:14, 1 hour 14 minutes late"
    assert german == "Version 2, eingereicht am 2. April 2024, 13:14, 1 Stunde 14 Minuten zu spät"
