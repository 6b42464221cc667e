"""Day-finding's services: opening, answering, proposing, confirming, and their refusals."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from milestones import plan
from milestones import services as milestone_services
from milestones.dayfinding import services
from milestones.models import Cluster, Kind, Membership, Milestone, Person, Role, Status
from milestones.reasons import reason_text
from milestones.reminders.planning import plan_due_reminders
from milestones.reminders.sending import send_due_reminders
from tests.dayfinding_setup import (
    ANSWER_BY,
    APRIL_2,
    APRIL_10,
    APRIL_20,
    MAY_14,
    MAY_15,
    add_visit_item,
    answer,
    open_on,
)
from tests.dayfinding_setup import (
    BERLIN as ANSWER_TZ,
)


@pytest.fixture
def visit_item(cluster, other_cluster, coordinator, other_coordinator):
    with time_machine.travel(APRIL_2, tick=False):
        return add_visit_item(cluster.programme)


def test_open_gives_each_cluster_an_answer_milestone_on_the_answer_date(visit_item, officer):
    with time_machine.travel(APRIL_2, tick=False):
        open_on(visit_item, by=officer)

    answers = Milestone.objects.filter(kind=Kind.OTHER).order_by("cluster__name")
    assert [(m.cluster.name, m.title, m.starts_on, m.status, m.lead.email) for m in answers] == [
        (
            "Other Cluster",
            "Answer the day-finding: On-site visit (1 day)",
            ANSWER_BY,
            Status.PLANNED,
            "coordinator@other.test",
        ),
        (
            "SaxoCell",
            "Answer the day-finding: On-site visit (1 day)",
            ANSWER_BY,
            Status.PLANNED,
            "coordinator@saxocell.test",
        ),
    ]


def test_open_with_no_panel_day_is_refused(visit_item, officer):
    with pytest.raises(ValidationError) as refused:
        open_on(visit_item, days=[], by=officer)

    assert refused.value.message_dict == {
        "days": ["Choose at least one of the panel's days inside the window."]
    }
    assert Milestone.objects.filter(kind=Kind.OTHER).count() == 0


def test_open_with_a_holiday_or_a_day_outside_the_window_is_refused(visit_item, officer):
    with pytest.raises(ValidationError) as refused:
        open_on(visit_item, days=[datetime.date(2024, 5, 20), datetime.date(2024, 7, 1)])

    assert refused.value.message_dict == {
        "days": ["Choose working days inside the window May–June 2024."]
    }


def test_answering_marks_the_answer_milestone_done(visit_item, cluster, coordinator):
    day_finding = open_on(visit_item)

    with time_machine.travel(APRIL_10, tick=False):
        answer(day_finding, cluster, coordinator, {MAY_14: "can", MAY_15: "cannot"})

    milestone = Milestone.objects.get(kind=Kind.OTHER, cluster=cluster)
    assert milestone.status == Status.DONE


def test_answering_after_the_answer_date_is_refused_and_keeps_the_answers(
    visit_item, cluster, coordinator
):
    day_finding = open_on(visit_item)
    answer(day_finding, cluster, coordinator, {MAY_14: "can", MAY_15: "cannot"})

    with pytest.raises(ValidationError) as refused:
        answer(day_finding, cluster, coordinator, {MAY_14: "cannot"}, today=APRIL_20.date())

    assert refused.value.messages == [
        "The answer date, 19 April 2024, has passed: answers can no longer be changed. "
        "Please write to the programme officer."
    ]
    table = services.answers_by_cluster(day_finding)[cluster.pk]
    assert sorted(a.availability for a in table.values()) == ["can", "cannot"]


def test_proposal_lists_the_clusters_left_when_days_are_too_few(
    visit_item, cluster, other_cluster, coordinator, other_coordinator
):
    day_finding = open_on(visit_item, days=[MAY_14])
    answer(day_finding, cluster, coordinator, {MAY_14: "can"})
    answer(day_finding, other_cluster, other_coordinator, {MAY_14: "if-need-be"})

    proposal = services.propose(day_finding=day_finding)

    panel_day = day_finding.days.get()
    assert (proposal.days, proposal.left) == (
        {cluster.pk: panel_day.pk},
        {other_cluster.pk: "days-full"},
    )


def test_a_cluster_that_joins_meanwhile_gets_its_answer_milestone_on_answering(visit_item):
    day_finding = open_on(visit_item)
    newcomer = Cluster.objects.create(programme=visit_item.programme, name="New", slug="new")
    plan.sync_cluster_plan(cluster=newcomer)

    answer(day_finding, newcomer, None, {MAY_14: "can", MAY_15: "can"})

    proposal = services.propose(day_finding=day_finding)
    assert newcomer.pk in proposal.days
    assert Milestone.objects.get(kind=Kind.OTHER, cluster=newcomer).status == Status.DONE


def joined(programme, *, by):
    """A cluster that joins the programme with a coordinator, as the admin adds one: its
    members first, then the programme's plan."""
    newcomer = Cluster.objects.create(programme=programme, name="Newcomer", slug="newcomer")
    head = Person.objects.create_user("head@newcomer.test", None, name="Nora Newcomer")
    milestone_services.add_membership(
        membership=Membership(person=head, cluster=newcomer, role=Role.COORDINATOR)
    )
    plan.sync_cluster_plan(cluster=newcomer, by=by)
    return newcomer


def test_a_cluster_that_joins_while_answers_are_taken_gets_its_answer_milestone_at_once(
    visit_item, officer
):
    day_finding = open_on(visit_item, by=officer)

    with time_machine.travel(APRIL_10, tick=False):
        newcomer = joined(visit_item.programme, by=officer)

    milestone = Milestone.objects.get(kind=Kind.OTHER, cluster=newcomer)
    record = milestone.history.earliest("history_date")
    assert (
        milestone.title,
        milestone.starts_on,
        milestone.status,
        milestone.lead.email,
        (record.history_user, reason_text(record.history_change_reason)),
        day_finding.replies.get(cluster=newcomer).answer_milestone,
    ) == (
        "Answer the day-finding: On-site visit (1 day)",
        ANSWER_BY,
        Status.PLANNED,
        "head@newcomer.test",
        (officer, "Joined the programme while its day-finding was open."),
        milestone,
    )


def test_a_cluster_that_joins_after_the_answer_date_gets_no_answer_milestone(visit_item):
    open_on(visit_item)

    with time_machine.travel(APRIL_20, tick=False):
        newcomer = joined(visit_item.programme, by=None)

    # Its visit's window only: it could no longer answer.
    assert list(newcomer.milestones.values_list("title", "is_tentative")) == [
        ("On-site visit (1 day)", True)
    ]


def test_a_cluster_that_leaves_meanwhile_is_not_given_a_day(
    visit_item, cluster, other_cluster, coordinator, other_coordinator, officer
):
    day_finding = open_on(visit_item)
    answer(day_finding, cluster, coordinator, {MAY_14: "can", MAY_15: "can"})
    answer(day_finding, other_cluster, other_coordinator, {MAY_14: "can", MAY_15: "can"})
    proposal = services.propose(day_finding=day_finding)
    # The cluster moves to another round, out of the plan item's scope: its visit is cancelled.
    visit_item.round = 1
    Cluster.objects.filter(pk=cluster.pk).update(round=2)
    plan.save_plan_item(plan_item=visit_item)

    confirmed = services.confirm(
        day_finding=day_finding, version=day_finding.version, assignment=proposal.days, by=officer
    )

    assert [m.cluster_id for m in confirmed] == [other_cluster.pk]
    assert Milestone.objects.get(cluster=cluster, plan_item=visit_item).is_tentative is True


def test_confirm_sets_the_days_as_confirm_the_day_does_and_one_email_goes_to_each(
    visit_item, cluster, other_cluster, coordinator, other_coordinator, officer, member
):
    """SaxoCell's visit is led by its member, who is told; the other cluster's has nobody
    responsible, so its coordinator is told."""
    day_finding = open_on(visit_item)
    answer(day_finding, cluster, coordinator, {MAY_14: "can", MAY_15: "if-need-be"})
    answer(day_finding, other_cluster, other_coordinator, {MAY_14: "can", MAY_15: "cannot"})
    visit = Milestone.objects.get(cluster=cluster, plan_item=visit_item)
    milestone_services.set_responsibilities(milestone=visit, lead=member, contributors=[])
    proposal = services.propose(day_finding=day_finding)

    with time_machine.travel(APRIL_20, tick=False):
        services.confirm(day_finding=day_finding, version=0, assignment=proposal.days, by=officer)
        plan_due_reminders(now=APRIL_20)
        send_due_reminders(now=APRIL_20)

    visit.refresh_from_db()
    other = Milestone.objects.get(cluster=other_cluster, plan_item=visit_item)
    assert (visit.starts_on, visit.is_tentative, visit.date_version, visit.sequence) == (
        MAY_15,
        False,
        1,
        1,
    )
    assert other.starts_on == MAY_14
    assert (
        reason_text(visit.history.first().history_change_reason) == "Day confirmed by day-finding."
    )
    assert sorted((m.to, m.subject) for m in mail.outbox) == [
        (
            ["Max Member <member@saxocell.test>"],
            "[SaxoCell] On-site visit (1 day): date changed, in 25 days",
        ),
        (
            ["Olga Other <coordinator@other.test>"],
            "[Other Cluster] On-site visit (1 day): date changed, in 24 days",
        ),
    ]


def test_a_second_confirmation_with_the_same_version_is_refused(visit_item, officer):
    day_finding = open_on(visit_item)
    services.confirm(day_finding=day_finding, version=0, assignment={}, by=officer)

    with pytest.raises(services.StaleConfirmation) as stale:
        services.confirm(day_finding=day_finding, version=0, assignment={}, by=officer)

    assert (stale.value.day_finding.version, stale.value.day_finding.confirmed_by) == (1, officer)


def test_confirm_over_a_days_capacity_is_refused(visit_item, cluster, other_cluster, officer):
    day_finding = open_on(visit_item)
    panel_day = day_finding.days.get(day=MAY_14)

    with pytest.raises(ValidationError) as refused:
        services.confirm(
            day_finding=day_finding,
            version=0,
            assignment={cluster.pk: panel_day.pk, other_cluster.pk: panel_day.pk},
            by=officer,
        )

    assert refused.value.messages == ["More visits than the day has room for (1): 14 May 2024."]
    assert Milestone.objects.filter(plan_item=visit_item, is_tentative=False).count() == 0


def test_only_clusters_that_have_not_answered_are_reminded(
    visit_item, cluster, other_cluster, coordinator, other_coordinator
):
    with time_machine.travel(APRIL_2, tick=False):
        day_finding = open_on(visit_item)
    answer(day_finding, cluster, coordinator, {MAY_14: "can", MAY_15: "can"})
    seven_days_before = datetime.datetime(2024, 4, 12, 8, 0, tzinfo=ANSWER_TZ)

    with time_machine.travel(seven_days_before, tick=False):
        plan_due_reminders(now=seven_days_before)
        send_due_reminders(now=seven_days_before)

    assert [(m.to, m.subject) for m in mail.outbox] == [
        (
            ["Olga Other <coordinator@other.test>"],
            "[Other Cluster] Answer the day-finding: On-site visit (1 day): in 7 days",
        )
    ]


def test_moving_the_answer_date_moves_every_answer_milestone(visit_item, officer):
    open_on(visit_item, by=officer)

    day_finding = services.open_day_finding(
        plan_item=visit_item,
        days=[MAY_14, MAY_15],
        visits_per_day=1,
        answer_by=datetime.date(2024, 4, 26),
        by=officer,
        today=APRIL_2.date(),
    )

    assert sorted(
        Milestone.objects.filter(kind=Kind.OTHER).values_list("starts_on", "date_version")
    ) == [(datetime.date(2024, 4, 26), 1), (datetime.date(2024, 4, 26), 1)]
    assert day_finding.version == 1


def test_a_proposal_made_before_the_settings_changed_is_not_confirmed(visit_item, officer):
    day_finding = open_on(visit_item, by=officer)
    open_on(visit_item, days=[MAY_14], by=officer)

    with pytest.raises(services.StaleConfirmation) as stale:
        services.confirm(day_finding=day_finding, version=0, assignment={}, by=officer)

    assert (stale.value.day_finding.version, stale.value.day_finding.confirmed_at) == (1, None)
