"""The forms a milestone's date takes, their rules, and how they read in each language.

A date is one of: a day; a day with a time (local to the programme, Europe/Berlin by default);
a span of days; or a window (earliest and latest day, often a whole month) whose day is not
fixed yet. A deadline's time is its cut-off. Nothing here ever shows a window as a day.
"""

import calendar
import datetime
import functools
import zoneinfo
from dataclasses import dataclass

from django.utils import formats, timezone, translation
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext


class UnknownTimeZone(ValueError):
    pass


def zone(name):
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise UnknownTimeZone(name) from None


class Form:
    DAY = "day"
    DAY_WITH_TIME = "day-with-time"
    SPAN = "span"
    WINDOW = "window"


def month_bounds(year, month):
    """The first and last day of a month: a month is a window over all of its days."""
    return datetime.date(year, month, 1), datetime.date(
        year, month, calendar.monthrange(year, month)[1]
    )


@dataclass(frozen=True)
class When:
    starts_on: datetime.date
    ends_on: datetime.date | None = None
    starts_at: datetime.time | None = None
    ends_at: datetime.time | None = None
    is_tentative: bool = False
    is_deadline: bool = False

    @property
    def form(self):
        if self.is_tentative:
            return Form.WINDOW
        if self.ends_on is not None and self.ends_on != self.starts_on:
            return Form.SPAN
        if self.starts_at is not None:
            return Form.DAY_WITH_TIME
        return Form.DAY

    @property
    def last_day(self):
        return self.ends_on or self.starts_on

    @property
    def is_whole_months(self):
        """A window from the first day of a month to the last day of the same or a later one."""
        if self.ends_on is None:
            return False
        return (
            self.starts_on.day == 1
            and self.ends_on == month_bounds(self.ends_on.year, self.ends_on.month)[1]
        )

    def starts(self, tz):
        """The aware start of a timed date (None for all-day forms)."""
        if self.starts_at is None or self.is_tentative:
            return None
        return datetime.datetime.combine(self.starts_on, self.starts_at, tzinfo=tz)

    def has_begun(self, *, now, tz):
        """Whether a timed date has begun at ``now`` (a deadline: its cut-off has passed)."""
        starts = self.starts(tz)
        return starts is not None and now >= starts

    def ends(self, tz):
        """The aware end of a timed date; None when only the start (or cut-off) is known."""
        if self.ends_at is None or self.is_tentative:
            return None
        return datetime.datetime.combine(self.last_day, self.ends_at, tzinfo=tz)


# A funding programme's dates lie in this century. Outside it a date is a typing error (the
# year 0224), and years 1 or 9999 would leave nothing to count in: a calendar's exclusive end
# after 31 December 9999 does not exist, and a timeline from the year 1 draws 2,000 years.
EARLIEST_YEAR = 2000
LATEST_YEAR = 2099


def skipped_by_the_clock(day, time, tz):
    """Whether the clock in ``tz`` never shows ``time`` on ``day``: it jumps over it when
    summer time starts (02:30 on 31 March 2024 in Europe/Berlin)."""
    moment = datetime.datetime.combine(day, time, tzinfo=tz)
    shown = moment.astimezone(datetime.UTC).astimezone(tz)
    return (shown.date(), shown.time()) != (day, time)


OUT_OF_YEARS = gettext_lazy("Give a day between the years %(earliest)d and %(latest)d.")


def _times_the_clock_skips(starts_on, ends_on, starts_at, ends_at, tz):
    """(field, message) for each given time that the clocks skip in ``tz`` on its day."""
    for field, day, time in (
        ("starts_at", starts_on, starts_at),
        ("ends_at", ends_on or starts_on, ends_at),
    ):
        if time is not None and skipped_by_the_clock(day, time, tz):
            yield (
                field,
                _(
                    "The clocks in %(zone)s skip %(time)s on %(day)s, when summer time "
                    "starts. Give a time before or after the hour they skip."
                )
                % {"zone": tz.key, "time": format_time(time), "day": format_day(day)},
            )


def validate(*, starts_on, ends_on, starts_at, ends_at, is_tentative, is_deadline, tz=None):
    """Return the errors of a date by field name (empty when the date is sound).

    ``tz``: the programme's time zone, when known: a time the clock skips there is refused
    (in a calendar it would end before it starts, or start an hour later than given).
    """
    errors = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    for field, day in (("starts_on", starts_on), ("ends_on", ends_on)):
        if day is not None and not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
            add(field, OUT_OF_YEARS % {"earliest": EARLIEST_YEAR, "latest": LATEST_YEAR})
    if errors:
        # Comparing or counting with such a day says nothing more.
        return errors

    if starts_on is None:
        if starts_at is not None or ends_at is not None:
            add("starts_on", _("A time needs a day: give the day as well."))
        elif is_tentative:
            add("starts_on", _("A window needs its earliest day."))
        else:
            add("starts_on", _("Give the day (for a span or window, its first day)."))
    if is_tentative and ends_on is None:
        add("ends_on", _("A window needs its latest day as well as its earliest."))
    if starts_on is not None and ends_on is not None:
        if ends_on < starts_on:
            add("ends_on", _("The last day cannot be before the first day."))
        elif is_tentative and ends_on == starts_on:
            add(
                "ends_on",
                _("A window spans at least two days; for a known day, clear “day not fixed yet”."),
            )
    if is_tentative and (starts_at is not None or ends_at is not None):
        add("starts_at", _("A window has no time yet; add it when the day is confirmed."))
    if ends_at is not None and starts_at is None:
        add("ends_at", _("An end time needs a start time."))
    if is_deadline:
        if ends_at is not None:
            add("ends_at", _("A deadline has a cut-off time, not an end time."))
        if not is_tentative and ends_on is not None and starts_on and ends_on > starts_on:
            add(
                "ends_on",
                _("A deadline is one day, or a window while its day is not fixed."),
            )
    elif (
        starts_at is not None
        and ends_at is not None
        and (ends_on is None or ends_on == starts_on)
        and ends_at <= starts_at
    ):
        add("ends_at", _("The end time must be after the start time."))
    if tz is not None and not is_tentative and starts_on is not None:
        for field, message in _times_the_clock_skips(starts_on, ends_on, starts_at, ends_at, tz):
            add(field, message)
    return errors


# How dates read, per language: Django's own month names, the order people write them in.
DAY_FORMATS = {"de": "j. F Y", "en": "j F Y"}
DAY_MONTH_FORMATS = {"de": "j. F", "en": "j F"}
DAY_ONLY_FORMATS = {"de": "j.", "en": "j"}
MONTH_FORMATS = {"de": "F Y", "en": "F Y"}


def _language():
    language = (translation.get_language() or "en").split("-")[0]
    return language if language in DAY_FORMATS else "en"


def format_day(day):
    return format_date(day, DAY_FORMATS[_language()])


def _with_time(day_text, time):
    if time is None:
        return day_text
    return pgettext("day with a time", "%(day)s, %(time)s") % {
        "day": day_text,
        "time": format_time(time),
    }


def format_day_and_time(day, time=None):
    """A day with an optional time in words: "16 April 2024, 12:00"."""
    return _with_time(format_day(day), time)


def format_earlier_day_and_time(day, time, *, later):
    """An earlier day (and time) beside a ``later`` day, without the year they share:
    "2 April" beside 14 May 2024, "20 December 2023, 12:00" beside 10 January 2024."""
    if day.year != later.year:
        return format_day_and_time(day, time)
    return _with_time(format_date(day, DAY_MONTH_FORMATS[_language()]), time)


def format_time(moment):
    return formats.time_format(moment, "H:i")


def format_moment(moment):
    """An aware moment in the current time zone, as pages write one: "25 November 2026, 11:26"
    (None stays None)."""
    if moment is None:
        return None
    local = timezone.localtime(moment)
    return f"{format_day(local.date())}, {format_time(local)}"


def _format_range(first, last, *, whole_months):
    language = _language()
    if whole_months:
        if (first.year, first.month) == (last.year, last.month):
            return format_date(first, MONTH_FORMATS[language])
        if first.year == last.year:
            return f"{format_date(first, 'F')}–{format_date(last, MONTH_FORMATS[language])}"
        return (
            f"{format_date(first, MONTH_FORMATS[language])} – "
            f"{format_date(last, MONTH_FORMATS[language])}"
        )
    if (first.year, first.month) == (last.year, last.month):
        return f"{format_date(first, DAY_ONLY_FORMATS[language])}–{format_day(last)}"
    if first.year == last.year:
        return f"{format_date(first, DAY_MONTH_FORMATS[language])} – {format_day(last)}"
    return f"{format_day(first)} – {format_day(last)}"


def window_text(when):
    """A window's (or span's) days in words, without saying the day is not fixed: "May–June
    2024", "14–16 May 2024"."""
    return _format_range(when.starts_on, when.ends_on, whole_months=when.is_whole_months)


def describe(when):
    """The date in words, in the active language, saying which form it is.

    "2 April 2024, due 12:00", "2 July 2024, 10:00–12:00", "14–16 May 2024",
    "May–June 2024 (day not fixed)".
    """
    return _describe(when, translation.get_language())


@functools.lru_cache(maxsize=8192)
def _describe(when, language):
    # Worded once per date and language: a feed or a page words hundreds of dates, and
    # formatting with the catalogues is the slow part. ``language`` is the active one.
    if when.form == Form.WINDOW:
        span = _format_range(when.starts_on, when.ends_on, whole_months=when.is_whole_months)
        return _("%(window)s (day not fixed)") % {"window": span}
    if when.form == Form.SPAN:
        if when.starts_at is None:
            return _format_range(when.starts_on, when.ends_on, whole_months=False)
        first = format_day_and_time(when.starts_on, when.starts_at)
        return f"{first} – {format_day_and_time(when.ends_on, when.ends_at)}"
    day = format_day(when.starts_on)
    if when.starts_at is None:
        return day
    if when.is_deadline:
        return _("%(day)s, due %(time)s") % {"day": day, "time": format_time(when.starts_at)}
    if when.ends_at is not None:
        return pgettext("day with a time range", "%(day)s, %(start)s–%(end)s") % {
            "day": day,
            "start": format_time(when.starts_at),
            "end": format_time(when.ends_at),
        }
    return format_day_and_time(when.starts_on, when.starts_at)
