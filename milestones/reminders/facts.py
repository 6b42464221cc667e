"""What a reminder email says of one milestone, worded once for single emails and digests.

``item_facts`` gives every line of an item as text in the active language, so that a single
email and a digest word the same state the same way.
"""

import datetime

from django.utils import translation
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from milestones import dates, ical, plan, timeline
from milestones.models import ReminderKind
from milestones.reminders.days import days_off_up_to, holiday_name


def when_text(milestone):
    """The date in its form, with the time zone when it has a time: "2 April 2024, due 12:00
    (Europe/Berlin)"."""
    text = dates.describe(milestone.when)
    if milestone.starts_at is not None and not milestone.is_tentative:
        return f"{text} ({milestone.cluster.programme.time_zone})"
    return text


def countdown(milestone, kind, *, now):
    """The pages' count-down of the milestone; a date-change email says so first."""
    tz = dates.zone(milestone.cluster.programme.time_zone)
    words = timeline.countdown(
        milestone,
        today=now.astimezone(tz).date(),
        passed=timeline.cut_off_passed(milestone.when, now=now, tz=tz),
    )
    if kind == ReminderKind.DATE_CHANGED:
        return f"{_('date changed')}, {words}"
    return words


def _days_off_words(days_off, *, state):
    """["Good Friday", "the weekend", "Easter Monday"]: each holiday by name, a weekend once."""
    language = (translation.get_language() or "en").split("-")[0]
    words = []
    for day in days_off:
        name = holiday_name(day, language=language, state=state) or pgettext(
            "days off", "the weekend"
        )
        if not words or words[-1] != name:
            words.append(name)
    return words


def early_text(milestone, lead_days, *, now):
    """Why a reminder before the date comes earlier than its lead time says, or ""."""
    due_day = milestone.starts_on - datetime.timedelta(days=lead_days)
    tz = dates.zone(milestone.cluster.programme.time_zone)
    today = now.astimezone(tz).date()
    state = milestone.cluster.holiday_state
    days_off = days_off_up_to(due_day, state=state)
    if not days_off or today >= due_day:
        return ""
    early = (due_day - today).days
    return ngettext(
        "This reminder comes %(days)d day early, on the working day before %(days_off)s "
        "(it was due on %(day)s).",
        "This reminder comes %(days)d days early, on the working day before %(days_off)s "
        "(it was due on %(day)s).",
        early,
    ) % {
        "days": early,
        "day": dates.format_day(due_day),
        "days_off": get_text_list(_days_off_words(days_off, state=state), _("and")),
    }


def next_step(milestone, kind):
    """What the person does next, on the milestone's page (the link follows)."""
    if kind == ReminderKind.OVERDUE:
        return _("Next: submit it now, or update its status if it was handed in otherwise:")
    if milestone.is_tentative:
        return _("Next: keep the window free; the coordinators confirm the day on its page:")
    if milestone.asks_submission:
        return _("Next: submit it on its page:")
    if milestone.is_deadline:
        return _("Next: once it is handed in, mark it done on its page:")
    return _("Next: once it has taken place, mark it done on its page:")


def change_lines(milestone):
    """The last change of the milestone's date: old → new, who, why (three strings)."""
    changes = plan.date_changes(milestone)
    if not changes:
        return "", "", ""
    change = changes[-1]
    after = dates.describe(change.after)
    moved = after if change.before is None else f"{dates.describe(change.before)} → {after}"
    by = ""
    if change.by is not None:
        by = change.by.name or change.by.email
    return moved, by, change.reason


def item_facts(reminder, *, now):
    """Every line of one milestone's item in a reminder email, as text (hashable values)."""
    milestone = reminder.milestone
    lead = milestone.lead
    moved, changed_by, why = ("", "", "")
    if reminder.kind == ReminderKind.DATE_CHANGED:
        moved, changed_by, why = change_lines(milestone)
    early = ""
    if reminder.kind == ReminderKind.BEFORE:
        early = early_text(milestone, reminder.lead_days, now=now)
    return {
        "title": milestone.title,
        "cluster_name": milestone.cluster.name,
        "countdown": countdown(milestone, reminder.kind, now=now),
        "kind": reminder.kind,
        "when": when_text(milestone),
        "status": str(milestone.get_status_display()),
        "lead": (lead.name or lead.email) if lead else _("nobody yet"),
        "is_tentative": milestone.is_tentative,
        "location": milestone.location,
        "early": early,
        "moved": moved,
        "changed_by": changed_by,
        "why": why,
        "next_step": next_step(milestone, reminder.kind),
        "url": ical.milestone_url(milestone),
    }
