"""The proposal's solver: its edge cases, and its optimality against a brute force."""

import itertools

from hypothesis import given
from hypothesis import strategies as st

from milestones.dayfinding.solver import (
    CAN,
    CANNOT,
    CANNOT_ANY_DAY,
    DAYS_FULL,
    IF_NEED_BE,
    NO_ANSWER,
    propose,
)


def test_propose_with_no_clusters_gives_nothing():
    proposal = propose(clusters=[], days=["mon"], capacity=1, answers={})

    assert (proposal.days, proposal.left) == ({}, {})


def test_propose_prefers_can_host_over_only_if_need_be():
    answers = {"a": {"mon": CAN, "tue": IF_NEED_BE}, "b": {"mon": IF_NEED_BE, "tue": CAN}}

    proposal = propose(clusters=["a", "b"], days=["mon", "tue"], capacity=1, answers=answers)

    assert (proposal.days, proposal.left) == ({"a": "mon", "b": "tue"}, {})


def test_propose_gives_one_more_cluster_a_day_before_sparing_if_need_be():
    # a on Monday (can) would leave b without a day; a on Tuesday (if need be) fits both.
    answers = {"a": {"mon": CAN, "tue": IF_NEED_BE}, "b": {"mon": CAN, "tue": CANNOT}}

    proposal = propose(clusters=["a", "b"], days=["mon", "tue"], capacity=1, answers=answers)

    assert (proposal.days, proposal.count_if_need_be(answers)) == ({"a": "tue", "b": "mon"}, 1)


def test_propose_fills_a_day_up_to_its_capacity():
    answers = {name: {"mon": CAN} for name in "abc"}

    proposal = propose(clusters=["a", "b", "c"], days=["mon"], capacity=2, answers=answers)

    assert (len(proposal.days), set(proposal.days.values()), len(proposal.left)) == (2, {"mon"}, 1)
    assert list(proposal.left.values()) == [DAYS_FULL]


def test_propose_says_why_clusters_are_left():
    answers = {"a": {"mon": CAN}, "b": {"mon": CANNOT, "tue": CANNOT}, "c": {"mon": CAN}}

    proposal = propose(
        clusters=["a", "b", "c", "d"], days=["mon", "tue"], capacity=1, answers=answers
    )

    assert (proposal.days, proposal.left) == (
        {"a": "mon"},
        {"b": CANNOT_ANY_DAY, "c": DAYS_FULL, "d": NO_ANSWER},
    )


def test_propose_ignores_answers_for_days_no_longer_offered():
    answers = {"a": {"gone": CAN}}

    proposal = propose(clusters=["a"], days=["mon"], capacity=1, answers=answers)

    assert proposal.left == {"a": NO_ANSWER}


def brute_force(clusters, days, capacity, answers):
    """The best (clusters with a day, -if need be) over every way to give days or none."""
    best = (0, 0)
    for choice in itertools.product([None, *days], repeat=len(clusters)):
        if any(choice.count(day) > capacity for day in days):
            continue
        given = [
            answers.get(c, {}).get(d)
            for c, d in zip(clusters, choice, strict=True)
            if d is not None
        ]
        if any(a not in (CAN, IF_NEED_BE) for a in given):
            continue
        best = max(best, (len(given), -given.count(IF_NEED_BE)))
    return best


@st.composite
def cases(draw):
    clusters = [f"c{n}" for n in range(draw(st.integers(0, 5)))]
    days = [f"d{n}" for n in range(draw(st.integers(1, 3)))]
    capacity = draw(st.integers(1, 2))
    choice = st.sampled_from([CAN, IF_NEED_BE, CANNOT, None])
    answers = {}
    for cluster in clusters:
        row = {day: draw(choice) for day in days}
        answers[cluster] = {day: value for day, value in row.items() if value is not None}
    return clusters, days, capacity, answers


@given(cases())
def test_propose_is_as_good_as_a_brute_force(case):
    clusters, days, capacity, answers = case

    proposal = propose(clusters=clusters, days=days, capacity=capacity, answers=answers)

    score = (len(proposal.days), -proposal.count_if_need_be(answers))
    assert score == brute_force(clusters, days, capacity, answers)
    assert all(answers[c][d] in (CAN, IF_NEED_BE) for c, d in proposal.days.items())
    assert all(list(proposal.days.values()).count(day) <= capacity for day in days)
    assert set(proposal.days) | set(proposal.left) == set(clusters)
