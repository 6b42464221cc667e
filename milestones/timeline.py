"""How milestones are laid out for reading: count-downs and the cluster's timeline by year.

Pure functions of the milestones and today's date, so pages draw them without JavaScript.
"""

import calendar
import datetime

from django.utils.dateformat import format as format_date
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from milestones.dates import Form, format_time
from milestones.models import CLOSED_STATUSES


def cut_off_passed(when, *, now, tz):
    """Whether a deadline with a cut-off time is past it (on its day it is overdue from then)."""
    return when.is_deadline and when.has_begun(now=now, tz=tz)


def is_overdue(milestone, *, today, passed=False):
    """Whether an open milestone is over: its last day is gone, or its cut-off (``passed``)."""
    if milestone.status in CLOSED_STATUSES:
        return False
    return passed or milestone.is_over(today=today)


def countdown(milestone, *, today, passed=False):
    """How far away a milestone is, in words: "in 12 days", "today", "3 days overdue".

    ``passed``: the deadline's cut-off time has passed (``cut_off_passed``); on its day it
    then reads "overdue since 12:00", not "today".
    """
    when = milestone.when
    first, last = when.starts_on, when.last_day
    is_window = when.form == Form.WINDOW
    finished = milestone.status in CLOSED_STATUSES
    if today < first:
        days = (first - today).days
        if is_window:
            return ngettext(
                "window opens in %(count)d day", "window opens in %(count)d days", days
            ) % {"count": days}
        if days == 1:
            return _("tomorrow")
        return ngettext("in %(count)d day", "in %(count)d days", days) % {"count": days}
    if today > last:
        days = (today - last).days
        if finished:
            return ngettext("%(count)d day ago", "%(count)d days ago", days) % {"count": days}
        return ngettext("%(count)d day overdue", "%(count)d days overdue", days) % {"count": days}
    if first == last:
        if passed and not finished:
            return _("overdue since %(time)s") % {"time": format_time(when.starts_at)}
        return _("today")
    days = (last - today).days
    if days == 0:
        return _("window closes today") if is_window else _("ends today")
    if is_window:
        return ngettext(
            "window open, closes in %(count)d day", "window open, closes in %(count)d days", days
        ) % {"count": days}
    return ngettext(
        "under way, ends in %(count)d day", "under way, ends in %(count)d days", days
    ) % {"count": days}


def _css_percent(value):
    # Written out here, not in the template: a German locale would print "12,5" into the CSS.
    return f"{value:.2f}%"


def _percent(day, year_start, year_days):
    return _css_percent((day - year_start).days * 100 / year_days)


def by_year(milestones, *, today):
    """The milestones placed on one bar per year, as percentages for the template's CSS.

    A milestone over the turn of a year appears in both years, cut at the year's edge.
    """
    if not milestones:
        return []
    # This year is always drawn, so that "today" has its place even after the last milestone.
    first_year = min(today.year, *(m.starts_on.year for m in milestones))
    last_year = max(today.year, *(m.when.last_day.year for m in milestones))
    years = []
    for year in range(first_year, last_year + 1):
        year_start = datetime.date(year, 1, 1)
        year_end = datetime.date(year, 12, 31)
        year_days = 366 if calendar.isleap(year) else 365
        items = []
        for milestone in milestones:
            when = milestone.when
            if when.starts_on > year_end or when.last_day < year_start:
                continue
            start = max(when.starts_on, year_start)
            end = min(when.last_day, year_end)
            items.append(
                {
                    "milestone": milestone,
                    "left": _percent(start, year_start, year_days),
                    "width": _css_percent(((end - start).days + 1) * 100 / year_days),
                    "is_day": when.starts_on == when.last_day,
                    "is_window": when.form == Form.WINDOW,
                    "is_past": when.last_day < today,
                    "is_done": milestone.status in CLOSED_STATUSES,
                }
            )
        years.append(
            {
                "year": year,
                "items": items,
                "months": [
                    {
                        "name": format_date(datetime.date(year, month, 1), "M"),
                        "left": _percent(datetime.date(year, month, 1), year_start, year_days),
                    }
                    for month in range(1, 13)
                ],
                "today": _percent(today, year_start, year_days) if today.year == year else None,
                # Late in the year the "today" label goes left of its line to stay on the page.
                "today_is_late": today.year == year and today.month >= 10,
                "is_past": year < today.year,
            }
        )
    return years


def _month_starts(first, last):
    """The first day of every month from ``first``'s to ``last``'s, and of the month after."""
    month = first.replace(day=1)
    while month <= last:
        yield month
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    yield month


def _placed(start, end, *, first, days):
    """Left and width in percent of the days ``start`` to ``end`` (inclusive) on the chart."""
    return {
        "left": _css_percent((start - first).days * 100 / days),
        "width": _css_percent(((end - start).days + 1) * 100 / days),
    }


def by_month(*, plan_items, clusters, milestones, today):
    """The programme's chart: its months from the plan's first to its last (today and every
    milestone shown included), the plan's windows, and a row per cluster with its own days.

    ``milestones`` carry ``state`` and ``state_label`` (``matrix.cells_of``).
    """
    days_shown = [today]
    for dated in (*plan_items, *milestones):
        days_shown += [dated.starts_on, dated.when.last_day]
    months = list(_month_starts(min(days_shown), max(days_shown)))
    first, end = months[0], months[-1]
    days = (end - first).days
    numbers = {item.pk: number for number, item in enumerate(plan_items, start=1)}
    by_cluster = {}
    for milestone in sorted(milestones, key=lambda m: numbers.get(m.plan_item_id, 0)):
        by_cluster.setdefault(milestone.cluster_id, []).append(
            {
                "milestone": milestone,
                "number": numbers.get(milestone.plan_item_id),
                "is_window": milestone.when.form == Form.WINDOW,
                "is_day": milestone.starts_on == milestone.when.last_day,
                **_placed(milestone.starts_on, milestone.when.last_day, first=first, days=days),
            }
        )
    return {
        "months": [
            {
                "name": format_date(month, "M"),
                "year": month.year if month.month == 1 or month == first else None,
                "left": _css_percent((month - first).days * 100 / days),
            }
            for month in months[:-1]
        ],
        "plan": [
            {
                "item": item,
                "is_day": item.starts_on == item.when.last_day,
                **_placed(item.starts_on, item.when.last_day, first=first, days=days),
            }
            for item in plan_items
        ],
        "today": _css_percent((today - first).days * 100 / days),
        "rows": [{"cluster": c, "items": by_cluster.get(c.pk, [])} for c in clusters],
    }
