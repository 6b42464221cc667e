"""When reminders go out: 08:00 in the programme's time zone, on working days only.

A working day is a weekday that is no public holiday in the federal state given (a cluster's
``holiday_state``), or in REMINDER_HOLIDAY_STATE where none is given.
"""

import datetime
import functools

import holidays
from django.conf import settings

# A digest round that started this long ago still takes what becomes due (a slow worker).
DIGEST_GRACE = datetime.timedelta(hours=1)


# The holidays' names in the languages of the emails.
HOLIDAY_LANGUAGES = {"de": "de", "en": "en_US"}


@functools.lru_cache(maxsize=64)
def _public_holidays(state, year, language=None):
    return holidays.country_holidays("DE", subdiv=state, years=year, language=language)


def is_working_day(day, *, state=None):
    state = state or settings.REMINDER_HOLIDAY_STATE
    return day.weekday() < 5 and day not in _public_holidays(state, day.year)


def working_day_on_or_before(day, *, state=None):
    while not is_working_day(day, state=state):
        day -= datetime.timedelta(days=1)
    return day


def holiday_name(day, *, language, state=None):
    """The name of the public holiday on ``day`` in ``language`` ("de" or "en"), or None."""
    state = state or settings.REMINDER_HOLIDAY_STATE
    names = _public_holidays(state, day.year, HOLIDAY_LANGUAGES.get(language, "en_US"))
    return names.get(day)


def days_off_up_to(day, *, state=None):
    """The days that are no working days from the working day before ``day`` (exclusive) up
    to ``day`` (inclusive), oldest first: what moved a reminder due on ``day`` earlier."""
    first = working_day_on_or_before(day, state=state)
    return [first + datetime.timedelta(days=n) for n in range(1, (day - first).days + 1)]


def working_day_after(day, *, state=None):
    day += datetime.timedelta(days=1)
    while not is_working_day(day, state=state):
        day += datetime.timedelta(days=1)
    return day


def send_time():
    """REMINDER_SEND_TIME (08:00) as a time of day."""
    hour, minute = (int(part) for part in settings.REMINDER_SEND_TIME.split(":"))
    return datetime.time(hour, minute)


def send_moment(day, tz, *, hour=None):
    """08:00 (REMINDER_SEND_TIME), or the whole ``hour`` given, on that day in that zone,
    right across DST changes."""
    at = send_time() if hour is None else datetime.time(hour)
    return datetime.datetime.combine(day, at, tzinfo=tz)


def next_digest_moment(now, tz, *, hour=None):
    """When a digest person's reminder goes out: in this round of their hour (REMINDER_SEND_TIME
    unless they chose one), or the next one, on a working day."""
    today = now.astimezone(tz).date()
    moment = send_moment(today, tz, hour=hour)
    if is_working_day(today) and moment <= now <= moment + DIGEST_GRACE:
        return now
    day = today if now < moment else today + datetime.timedelta(days=1)
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return send_moment(day, tz, hour=hour)
