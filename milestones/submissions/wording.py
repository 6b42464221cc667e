"""How a submission reads in words, in the active language: "Version 2, submitted 2 April
2024, 11:48, on time", "1 hour 14 minutes late"."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from milestones import dates


def _minutes(count):
    return ngettext("%(count)d minute", "%(count)d minutes", count) % {"count": count}


def _hours(count):
    return ngettext("%(count)d hour", "%(count)d hours", count) % {"count": count}


def _days(count):
    return ngettext("%(count)d day", "%(count)d days", count) % {"count": count}


def describe_duration(delta):
    """A length of time as people say it, to the minute under a day and to the hour from a
    day on: "14 minutes", "1 hour 14 minutes", "3 days 2 hours"; under a minute, "less than a
    minute"."""
    minutes = int(delta.total_seconds()) // 60
    if minutes < 1:
        return _("less than a minute")
    if minutes < 60:
        return _minutes(minutes)
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return " ".join([_hours(hours), *([_minutes(minutes)] if minutes else [])])
    days, hours = divmod(hours, 24)
    return " ".join([_days(days), *([_hours(hours)] if hours else [])])


def describe_lateness(delta):
    """How late a submission came: "1 hour 14 minutes late"."""
    return _("%(duration)s late") % {"duration": describe_duration(delta)}


def format_moment_in(moment, tz):
    """A moment as the programme's people read it, in its time zone: "2 April 2024, 11:48"."""
    local = moment.astimezone(tz)
    return f"{dates.format_day(local.date())}, {dates.format_time(local)}"


def describe_timing(submission):
    """On time, or how late, in words."""
    if not submission.is_late:
        return _("on time")
    return describe_lateness(submission.submitted_at - submission.cut_off)


def describe_submission(submission, *, tz):
    """ "Version 2, submitted 2 April 2024, 11:48, on time" (or "…, 1 hour 14 minutes late")."""
    return _("Version %(number)d, submitted %(moment)s, %(timing)s") % {
        "number": submission.number,
        "moment": format_moment_in(submission.submitted_at, tz),
        "timing": describe_timing(submission),
    }
