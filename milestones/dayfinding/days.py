"""The days of a day-finding's window: which weekdays the panel may choose, the public holidays
of the states of the clusters taking part, and which clusters take part."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation

from milestones.models import CLOSED_STATUSES, GermanState
from milestones.reminders.days import holiday_name, is_working_day


@dataclass(frozen=True)
class WindowDays:
    """The weekdays of a window as the panel may choose them.

    ``offered``: a working day in at least one taking cluster's state; ``usual``: a working
    day in every one of them (ticked at first); ``holidays``: (day, name, names of the states
    that keep it) for each weekday that is a public holiday somewhere among them.
    """

    offered: list
    usual: list
    holidays: list


def taking_states(plan_item):
    """The federal states whose public holidays the clusters taking part keep."""
    states = {visit.cluster.holiday_state for visit in visits_of(plan_item)}
    return sorted(states) or [settings.REMINDER_HOLIDAY_STATE]


def window_days(plan_item, *, states=None):
    """The plan item's window as WindowDays, for the clusters' ``states`` (those taking part
    when not given), with the holidays' names in the active language."""
    states = states or taking_states(plan_item)
    language = (translation.get_language() or "en").split("-")[0]
    offered, usual, holidays = [], [], []
    day = plan_item.starts_on
    while day <= plan_item.ends_on:
        if day.weekday() < 5:
            keeping = [state for state in states if not is_working_day(day, state=state)]
            if len(keeping) < len(states):
                offered.append(day)
            if keeping:
                name = holiday_name(day, language=language, state=keeping[0])
                holidays.append((day, name, [GermanState(state).label for state in keeping]))
            else:
                usual.append(day)
        day += datetime.timedelta(days=1)
    return WindowDays(offered=offered, usual=usual, holidays=holidays)


def holidays_of(cluster, days):
    """Those of ``days`` that are public holidays in the cluster's state, to their names in
    the active language: the cluster is not asked to host on them."""
    language = (translation.get_language() or "en").split("-")[0]
    state = cluster.holiday_state
    return {
        day: holiday_name(day, language=language, state=state)
        for day in days
        if day.weekday() < 5 and not is_working_day(day, state=state)
    }


def visits_of(plan_item):
    """The open milestones of the plan item whose day is not fixed yet: the clusters that take
    part, in the order of their names."""
    return (
        plan_item.milestones.exclude(status__in=CLOSED_STATUSES)
        .filter(is_tentative=True)
        .select_related("cluster")
        .order_by("cluster__name", "cluster__pk")
    )
