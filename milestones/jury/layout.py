"""The jury meeting's slots: their times from a start, a slot length and breaks, and the order
the clusters present in.

Plain functions without the database. Times are laid out in elapsed time (UTC) and shown in
the programme's time zone, so that on the day the clocks change every slot still lasts what
it should; a slot whose local time cannot be written down once (it would end after the day,
or fall in the hour the clocks repeat) makes the layout refused, with the time it needs.
"""

import datetime
import random
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from milestones import dates


@dataclass(frozen=True)
class Slot:
    number: int
    starts: datetime.datetime  # aware, in the programme's time zone
    ends: datetime.datetime

    @property
    def starts_at(self):
        return self.starts.time().replace(fold=0)

    @property
    def ends_at(self):
        return self.ends.time().replace(fold=0)

    @property
    def times_text(self):
        """ "10:30–11:00", in the programme's time zone (the template's would convert)."""
        return f"{dates.format_time(self.starts)}–{dates.format_time(self.ends)}"


@dataclass(frozen=True)
class Layout:
    """What the officer sets: the day, the first presentation's time, each one's length, the
    breaks (presentation number after which, minutes) and, optionally, when the day ends."""

    day: datetime.date
    starts_at: datetime.time
    slot_minutes: int
    breaks: tuple = ()
    ends_by: datetime.time | None = None


class DoesNotFit(ValueError):
    """The slots do not fit the day; the message says what they need."""


def duration_text(minutes):
    """A length of time in words: "45 minutes", "2 h 15 min"."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return ngettext("%(minutes)d minute", "%(minutes)d minutes", rest) % {"minutes": rest}
    return _("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": rest}


def break_minutes(breaks):
    """The breaks as {presentation number after which: minutes}."""
    pauses = {}
    for after, minutes in breaks:
        pauses[after] = pauses.get(after, 0) + minutes
    return pauses


def needed_minutes(layout, count):
    """From the first presentation's start to the last one's end, breaks included."""
    pauses = break_minutes(layout.breaks)
    return count * layout.slot_minutes + sum(
        minutes for after, minutes in pauses.items() if after < count
    )


def lay_out(layout, *, count, tz):
    """The ``count`` slots of the layout, first to last. Raises DoesNotFit."""
    if dates.skipped_by_the_clock(layout.day, layout.starts_at, tz):
        raise DoesNotFit(
            _("The clocks in %(zone)s skip %(time)s on %(day)s; start before or after that hour.")
            % {
                "zone": tz.key,
                "time": dates.format_time(layout.starts_at),
                "day": dates.format_day(layout.day),
            }
        )
    pauses = break_minutes(layout.breaks)
    length = datetime.timedelta(minutes=layout.slot_minutes)
    moment = datetime.datetime.combine(layout.day, layout.starts_at, tzinfo=tz).astimezone(
        datetime.UTC
    )
    slots = []
    for number in range(1, count + 1):
        ends = moment + length
        slots.append(Slot(number=number, starts=moment.astimezone(tz), ends=ends.astimezone(tz)))
        moment = ends + datetime.timedelta(minutes=pauses.get(number, 0))
    _check_fits(layout, slots, count=count, tz=tz)
    return slots


def _check_fits(layout, slots, *, count, tz):
    if not slots:
        return
    needed = duration_text(needed_minutes(layout, count))
    last = slots[-1].ends
    words = {
        "count": count,
        "needed": needed,
        "start": dates.format_time(layout.starts_at),
        "end": dates.format_time(last),
    }
    # A meeting's slot ends on its day: a milestone's end time of 00:00 would come before
    # its start.
    if last.date() != layout.day:
        raise DoesNotFit(
            ngettext(
                "The %(count)d presentation and its breaks need %(needed)s: from %(start)s "
                "they would end at %(end)s on the next day. Start earlier, shorten the slots "
                "or the breaks.",
                "The %(count)d presentations and their breaks need %(needed)s: from %(start)s "
                "they would end at %(end)s on the next day. Start earlier, shorten the slots "
                "or the breaks.",
                count,
            )
            % words
        )
    ends_by = layout.ends_by
    if ends_by is not None and (last.date() != layout.day or last.time() > ends_by):
        raise DoesNotFit(
            ngettext(
                "The %(count)d presentation and its breaks need %(needed)s: from %(start)s "
                "they would end at %(end)s, after the end of the day you set, %(ends_by)s.",
                "The %(count)d presentations and their breaks need %(needed)s: from %(start)s "
                "they would end at %(end)s, after the end of the day you set, %(ends_by)s.",
                count,
            )
            % {**words, "ends_by": dates.format_time(ends_by)}
        )
    for slot in slots:
        if not _written_once(slot, tz):
            raise DoesNotFit(
                _(
                    "The clocks in %(zone)s go back during presentation %(number)d, so its "
                    "time would be shown twice: move the meeting out of the hour that repeats."
                )
                % {"zone": tz.key, "number": slot.number}
            )


def _written_once(slot, tz):
    """Whether the slot's local start and end, as a milestone stores them (a day and two
    times), mean exactly these moments: not so in the hour the clocks repeat."""
    for moment in (slot.starts, slot.ends):
        # A stored time has no fold: it always means the first of two.
        written = datetime.datetime.combine(moment.date(), moment.time().replace(fold=0), tzinfo=tz)
        if written.astimezone(datetime.UTC) != moment.astimezone(datetime.UTC):
            return False
    return True


# The order the clusters present in.


def by_name(clusters):
    """Clusters (anything with ``name`` and ``pk``) by name, then by key."""
    return sorted(clusters, key=lambda cluster: (cluster.name.casefold(), cluster.pk))


def drawn(clusters, seed):
    """The clusters in the order drawn with ``seed``: the same seed, the same order.

    Python's Mersenne Twister shuffles the clusters in the order of their names; anyone with
    the seed and the names can draw it again.
    """
    order = by_name(clusters)
    # Reproducible from its seed, not secret: the draw is a fairness record, not a key.
    random.Random(seed).shuffle(order)  # noqa: S311
    return order


def by_places(clusters, places):
    """The clusters in the order of ``places`` (cluster key to a number the officer gave)."""
    return sorted(by_name(clusters), key=lambda cluster: places[cluster.pk])


def new_seed():
    """A seed for a draw: a number people can read out and type again."""
    return random.SystemRandom().randrange(1, 1_000_000)


# Breaks as the officer types them.

BREAK_LINE = re.compile(r"^\D*?(\d+)\D+?(\d+)\D*$")


def parse_breaks(text):
    """ "4: 15" a line (after presentation 4, 15 minutes) into ((4, 15), ...); raises
    ValueError with the line it could not read."""
    breaks = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = BREAK_LINE.match(line.strip())
        if match is None:
            raise ValueError(
                _(
                    "Line %(number)d (“%(line)s”) is not a break: write after which "
                    "presentation and how many minutes, e.g. “4: 15”."
                )
                % {"number": number, "line": line.strip()}
            )
        breaks.append((int(match[1]), int(match[2])))
    return tuple(breaks)


def breaks_text(breaks):
    return "\n".join(f"{after}: {minutes}" for after, minutes in breaks)
