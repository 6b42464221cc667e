"""The jury meeting's slots laid out: exact times, breaks, the days the clocks change, a day
that is too short, and the order drawn from a seed."""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import translation
from hypothesis import example, given
from hypothesis import strategies as st

from milestones.jury import layout
from tests.helpers import BERLIN

JULY_2 = datetime.date(2024, 7, 2)


def times(slots):
    return [slot.times_text for slot in slots]


def test_lay_out_gives_exact_times_with_breaks_after_their_presentations():
    plan = layout.Layout(
        day=JULY_2,
        starts_at=datetime.time(9, 0),
        slot_minutes=30,
        breaks=((2, 15), (4, 60)),
    )

    slots = layout.lay_out(plan, count=5, tz=BERLIN)

    assert times(slots) == [
        "09:00–09:30",
        "09:30–10:00",
        "10:15–10:45",
        "10:45–11:15",
        "12:15–12:45",
    ]
    assert [slot.number for slot in slots] == [1, 2, 3, 4, 5]
    assert slots[0].starts == datetime.datetime(2024, 7, 2, 9, 0, tzinfo=BERLIN)


def test_lay_out_on_the_day_summer_time_starts_keeps_every_slot_its_length():
    plan = layout.Layout(
        day=datetime.date(2024, 3, 31), starts_at=datetime.time(1, 0), slot_minutes=30
    )

    slots = layout.lay_out(plan, count=3, tz=BERLIN)

    # 01:30 CET and 30 minutes later is 03:00 CEST: the clocks skip 02:00-03:00.
    assert times(slots) == ["01:00–01:30", "01:30–03:00", "03:00–03:30"]
    # Python subtracts times of one zone as the clock shows them: compare in UTC.
    lengths = [slot.ends.astimezone(datetime.UTC) - slot.starts for slot in slots]
    assert lengths == [datetime.timedelta(minutes=30)] * 3


def test_lay_out_refuses_a_start_the_clocks_skip():
    plan = layout.Layout(
        day=datetime.date(2024, 3, 31), starts_at=datetime.time(2, 30), slot_minutes=30
    )

    with pytest.raises(layout.DoesNotFit) as refusal:
        layout.lay_out(plan, count=2, tz=BERLIN)

    assert str(refusal.value) == (
        "The clocks in Europe/Berlin skip 02:30 on 31 March 2024; start before or after that hour."
    )


def test_lay_out_refuses_slots_in_the_hour_the_clocks_repeat():
    plan = layout.Layout(
        day=datetime.date(2024, 10, 27), starts_at=datetime.time(1, 30), slot_minutes=60
    )

    with pytest.raises(layout.DoesNotFit) as refusal:
        layout.lay_out(plan, count=2, tz=BERLIN)

    assert str(refusal.value) == (
        "The clocks in Europe/Berlin go back during presentation 2, so its time would be "
        "shown twice: move the meeting out of the hour that repeats."
    )


def test_lay_out_after_the_clocks_went_back_gives_plain_times():
    plan = layout.Layout(
        day=datetime.date(2024, 10, 27), starts_at=datetime.time(9, 0), slot_minutes=45
    )

    slots = layout.lay_out(plan, count=2, tz=BERLIN)

    assert times(slots) == ["09:00–09:45", "09:45–10:30"]
    assert slots[0].starts.utcoffset() == datetime.timedelta(hours=1)


def test_lay_out_refuses_a_day_past_midnight_with_the_time_it_needs():
    plan = layout.Layout(
        day=JULY_2, starts_at=datetime.time(18, 0), slot_minutes=45, breaks=((8, 30),)
    )

    with pytest.raises(layout.DoesNotFit) as refusal:
        layout.lay_out(plan, count=14, tz=BERLIN)

    assert str(refusal.value) == (
        "The 14 presentations and their breaks need 11 h 00 min: from 18:00 they would end at "
        "05:00 on the next day. Start earlier, shorten the slots or the breaks."
    )


def test_lay_out_refuses_slots_after_the_end_the_officer_set():
    plan = layout.Layout(
        day=JULY_2,
        starts_at=datetime.time(9, 0),
        slot_minutes=30,
        breaks=((4, 15),),
        ends_by=datetime.time(11, 0),
    )

    with pytest.raises(layout.DoesNotFit) as refusal:
        layout.lay_out(plan, count=5, tz=BERLIN)

    assert str(refusal.value) == (
        "The 5 presentations and their breaks need 2 h 45 min: from 09:00 they would end at "
        "11:45, after the end of the day you set, 11:00."
    )


def test_lay_out_ending_exactly_at_the_end_of_the_day_fits():
    plan = layout.Layout(
        day=JULY_2, starts_at=datetime.time(9, 0), slot_minutes=30, ends_by=datetime.time(10, 0)
    )

    assert times(layout.lay_out(plan, count=2, tz=BERLIN)) == ["09:00–09:30", "09:30–10:00"]


def test_lay_out_refusal_is_in_german_when_german_is_active():
    plan = layout.Layout(
        day=JULY_2, starts_at=datetime.time(9, 0), slot_minutes=30, ends_by=datetime.time(9, 45)
    )

    with translation.override("de"), pytest.raises(layout.DoesNotFit) as refusal:
        layout.lay_out(plan, count=2, tz=BERLIN)

    assert str(refusal.value) == (
        "Die 2 Präsentationen und ihre Pausen brauchen 1 Std. 00 Min.: ab 09:00 würden sie um "
        "10:00 enden, nach dem Ende des Tages, das Sie gesetzt haben, 09:45."
    )


@dataclass(frozen=True)
class Named:
    pk: int
    name: str


CLUSTERS = [
    Named(pk, name) for pk, name in enumerate(["Nordlicht", "SaxoCell", "Aurora", "Bergwerk"], 1)
]


def test_drawn_order_is_the_same_for_the_same_seed_whatever_the_order_given():
    first = layout.drawn(CLUSTERS, 4711)
    again = layout.drawn(list(reversed(CLUSTERS)), 4711)

    assert [cluster.name for cluster in first] == [cluster.name for cluster in again]
    assert [cluster.name for cluster in first] == ["Nordlicht", "Aurora", "SaxoCell", "Bergwerk"]


def test_drawn_order_differs_for_another_seed():
    orders = {tuple(c.name for c in layout.drawn(CLUSTERS, seed)) for seed in range(1, 30)}

    assert len(orders) > 10


def test_by_name_and_by_places_order_the_clusters():
    places = {1: 3, 2: 1, 3: 4, 4: 2}

    assert [c.name for c in layout.by_name(CLUSTERS)] == [
        "Aurora",
        "Bergwerk",
        "Nordlicht",
        "SaxoCell",
    ]
    assert [c.name for c in layout.by_places(CLUSTERS, places)] == [
        "SaxoCell",
        "Bergwerk",
        "Nordlicht",
        "Aurora",
    ]


def test_parse_breaks_reads_what_officers_type():
    text = "4: 15\nafter 8, 60 min\n\n  nach 10 – 5 Minuten "

    assert layout.parse_breaks(text) == ((4, 15), (8, 60), (10, 5))
    assert layout.breaks_text(((4, 15), (8, 60))) == "4: 15\n8: 60"


def test_parse_breaks_refuses_a_line_without_two_numbers():
    with pytest.raises(ValueError) as refusal:
        layout.parse_breaks("4: 15\nlunch")

    assert str(refusal.value) == (
        "Line 2 (“lunch”) is not a break: write after which presentation and how many "
        "minutes, e.g. “4: 15”."
    )


def test_duration_text_in_minutes_and_hours():
    assert [layout.duration_text(m) for m in (1, 45, 60, 135)] == [
        "1 minute",
        "45 minutes",
        "1 h 00 min",
        "2 h 15 min",
    ]


# Across the hour the clocks repeat, and across the hour they skip.
@example(datetime.date(2024, 10, 27), datetime.time(1, 30), 60, 2, [])
@example(datetime.date(2024, 3, 31), datetime.time(1, 0), 45, 3, [(1, 10)])
@given(
    day=st.dates(min_value=datetime.date(2024, 1, 1), max_value=datetime.date(2025, 12, 31))
    | st.sampled_from(
        [datetime.date(2024, 3, 31), datetime.date(2024, 10, 27), datetime.date(2025, 3, 30)]
    ),
    starts_at=st.times().map(lambda time: time.replace(second=0, microsecond=0)),
    slot_minutes=st.integers(min_value=5, max_value=240),
    count=st.integers(min_value=1, max_value=30),
    breaks=st.lists(
        st.tuples(st.integers(min_value=1, max_value=29), st.integers(min_value=1, max_value=90)),
        max_size=4,
    ),
)
def test_lay_out_either_refuses_or_gives_slots_a_milestone_stores_exactly(
    day, starts_at, slot_minutes, count, breaks
):
    plan = layout.Layout(
        day=day, starts_at=starts_at, slot_minutes=slot_minutes, breaks=tuple(breaks)
    )

    try:
        slots = layout.lay_out(plan, count=count, tz=BERLIN)
    except layout.DoesNotFit:
        return

    pauses = layout.break_minutes(plan.breaks)
    assert len(slots) == count
    for slot, following in zip(slots, [*slots[1:], None], strict=True):
        stored_start = datetime.datetime.combine(day, slot.starts_at, tzinfo=BERLIN)
        stored_end = datetime.datetime.combine(day, slot.ends_at, tzinfo=BERLIN)
        # What the milestone keeps (the day and two local times) is exactly the slot.
        # (In UTC: Python compares two times of one zone as the clock shows them.)
        assert [moment.astimezone(datetime.UTC) for moment in (stored_start, stored_end)] == [
            moment.astimezone(datetime.UTC) for moment in (slot.starts, slot.ends)
        ]
        assert stored_end.astimezone(datetime.UTC) - stored_start == datetime.timedelta(
            minutes=slot_minutes
        )
        if following is not None:
            gap = following.starts.astimezone(datetime.UTC) - slot.ends.astimezone(datetime.UTC)
            assert gap == datetime.timedelta(minutes=pauses.get(slot.number, 0))
