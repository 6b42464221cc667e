"""Two officers confirming the same day-finding at once: one wins, the other is told."""

import threading

import pytest
import time_machine
from django.db import connection

from milestones.dayfinding import services
from milestones.models import Milestone, ProgrammeOfficer
from milestones.reasons import system_reason
from tests.conftest import make_person
from tests.dayfinding_setup import APRIL_2, MAY_14, MAY_15, add_visit_item, answer, open_on


def two_officers_and_a_day_finding(cluster, coordinator, officer):
    second = make_person("second@c4f.test", "Sina Second")
    ProgrammeOfficer.objects.create(person=second, programme=cluster.programme)
    with time_machine.travel(APRIL_2, tick=False):
        day_finding = open_on(add_visit_item(cluster.programme))
    answer(day_finding, cluster, coordinator, {MAY_14: "can", MAY_15: "can"})
    days = dict(day_finding.days.values_list("day", "pk"))
    return day_finding, second, days


def confirm_or_stale(day_finding, officer, assignment):
    try:
        services.confirm(day_finding=day_finding, version=0, assignment=assignment, by=officer)
    except services.StaleConfirmation as stale:
        return ("told", stale.day_finding.confirmed_by_id)
    return ("confirmed", officer.pk)


@pytest.mark.postgres_only
def test_two_officers_confirming_at_once_on_postgresql_one_wins(
    transactional_db, cluster, coordinator, officer
):
    day_finding, second, days = two_officers_and_a_day_finding(cluster, coordinator, officer)
    start = threading.Barrier(2)
    outcomes = {}

    def confirm(person, day):
        try:
            start.wait()
            outcomes[person.pk] = confirm_or_stale(day_finding, person, {cluster.pk: days[day]})
        finally:
            connection.close()

    threads = [
        threading.Thread(target=confirm, args=(officer, MAY_14)),
        threading.Thread(target=confirm, args=(second, MAY_15)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    winner = next(pk for pk, (state, _by) in outcomes.items() if state == "confirmed")
    loser = ({officer.pk, second.pk} - {winner}).pop()
    assert outcomes[loser] == ("told", winner)
    visit = Milestone.objects.get(cluster=cluster, plan_item=day_finding.plan_item)
    assert visit.starts_on == (MAY_14 if winner == officer.pk else MAY_15)
    confirmed = system_reason("dayfinding.day_confirmed")
    assert visit.history.filter(history_change_reason=confirmed).count() == 1


def test_two_officers_confirming_one_after_the_other_the_second_is_told(
    cluster, coordinator, officer
):
    day_finding, second, days = two_officers_and_a_day_finding(cluster, coordinator, officer)

    first = confirm_or_stale(day_finding, officer, {cluster.pk: days[MAY_14]})
    then = confirm_or_stale(day_finding, second, {cluster.pk: days[MAY_15]})

    assert (first, then) == (("confirmed", officer.pk), ("told", officer.pk))
    visit = Milestone.objects.get(cluster=cluster, plan_item=day_finding.plan_item)
    assert visit.starts_on == MAY_14
