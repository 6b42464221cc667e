import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from milestones import plan, services
from milestones.dates import describe
from milestones.models import Cluster, Kind, PlanItem, Status
from milestones.reasons import reason_text

D = datetime.date


@pytest.fixture
def visit_item(programme):
    return PlanItem(
        programme=programme,
        kind=Kind.ON_SITE_VISIT,
        title="On-site visit (1 day)",
        starts_on=D(2024, 5, 1),
        ends_on=D(2024, 6, 30),
        is_tentative=True,
    )


def dates_by_cluster(plan_item):
    return {
        m.cluster.slug: (m.starts_on, m.ends_on, m.is_tentative)
        for m in plan_item.milestones.select_related("cluster")
    }


def test_plan_item_fans_out_to_every_cluster_of_the_programme(cluster, other_cluster, visit_item):
    plan.save_plan_item(plan_item=visit_item, reason="Kick-off")

    assert dates_by_cluster(visit_item) == {
        "saxocell": (D(2024, 5, 1), D(2024, 6, 30), True),
        "other": (D(2024, 5, 1), D(2024, 6, 30), True),
    }


def test_plan_item_of_one_round_reaches_that_round_only(programme, cluster, visit_item):
    Cluster.objects.create(programme=programme, name="Round two", slug="round-two", round=2)
    visit_item.round = 2

    plan.save_plan_item(plan_item=visit_item)

    assert list(dates_by_cluster(visit_item)) == ["round-two"]


def test_cluster_joining_later_gets_the_current_plan(programme, cluster, visit_item):
    plan.save_plan_item(plan_item=visit_item)
    visit_item.ends_on = D(2024, 7, 15)
    plan.save_plan_item(plan_item=visit_item, reason="Visits until mid-July")
    late = Cluster.objects.create(programme=programme, name="Late", slug="late")

    created = plan.sync_cluster_plan(cluster=late)

    assert [(m.title, m.starts_on, m.ends_on, m.is_tentative) for m in created] == [
        ("On-site visit (1 day)", D(2024, 5, 1), D(2024, 7, 15), True)
    ]


def test_sync_cluster_plan_twice_creates_nothing_more(cluster, visit_item):
    plan.save_plan_item(plan_item=visit_item)

    assert plan.sync_cluster_plan(cluster=cluster) == []


def test_window_change_moves_clusters_without_a_day_of_their_own(
    cluster, other_cluster, visit_item, coordinator
):
    plan.save_plan_item(plan_item=visit_item)
    own = cluster.milestones.get()
    plan.confirm_day(milestone=own, day=D(2024, 5, 14), by=coordinator, reason="Agreed")
    services.set_status(milestone=own, status=Status.IN_PROGRESS, by=coordinator)

    visit_item.starts_on, visit_item.ends_on = D(2024, 5, 15), D(2024, 7, 15)
    visit_item.title = "On-site visit"
    plan.save_plan_item(plan_item=visit_item, reason="Jury asked for later visits")

    rows = {
        m.cluster.slug: (m.title, m.starts_on, m.ends_on, m.is_tentative, m.status)
        for m in visit_item.milestones.select_related("cluster")
    }
    assert rows == {
        "saxocell": ("On-site visit", D(2024, 5, 14), None, False, Status.IN_PROGRESS),
        "other": ("On-site visit", D(2024, 5, 15), D(2024, 7, 15), True, Status.PLANNED),
    }


def test_plan_item_moved_to_another_round_cancels_the_milestones_left_out(cluster, visit_item):
    plan.save_plan_item(plan_item=visit_item)

    visit_item.round = 2
    plan.save_plan_item(plan_item=visit_item)

    assert list(visit_item.milestones.values_list("status", flat=True)) == [Status.CANCELLED]


def test_confirm_day_outside_the_plans_window_is_refused(cluster, visit_item, coordinator):
    plan.save_plan_item(plan_item=visit_item)
    milestone = cluster.milestones.get()

    with pytest.raises(ValidationError) as caught:
        plan.confirm_day(milestone=milestone, day=D(2024, 7, 3), by=coordinator)

    assert caught.value.message_dict == {
        "starts_on": [
            "The programme's plan puts this milestone in May–June 2024 (day not fixed); "
            "choose a day inside it."
        ]
    }


def test_date_changes_keep_who_when_from_what_to_what_and_why(
    cluster, visit_item, coordinator, officer
):
    plan.save_plan_item(plan_item=visit_item, by=officer, reason="Kick-off")
    milestone = cluster.milestones.get()
    services.change_milestone(
        milestone=milestone, changes={"title": "Visit with lab tour"}, by=coordinator
    )
    plan.confirm_day(milestone=milestone, day=D(2024, 5, 14), by=coordinator, reason="Agreed")
    plan.change_milestone_date(
        milestone=milestone, by=coordinator, reason="Jury chair ill", starts_on=D(2024, 5, 21)
    )

    with translation.override("en"):
        changes = [
            (
                change.by.email,
                change.before and describe(change.before),
                describe(change.after),
                change.reason,
            )
            for change in plan.date_changes(milestone)
        ]

    assert changes == [
        ("officer@c4f.test", None, "May–June 2024 (day not fixed)", "Kick-off"),
        (
            "coordinator@saxocell.test",
            "May–June 2024 (day not fixed)",
            "14 May 2024",
            "Agreed",
        ),
        ("coordinator@saxocell.test", "14 May 2024", "21 May 2024", "Jury chair ill"),
    ]


def test_change_milestone_date_refuses_a_bad_date_and_keeps_the_old_one(
    make_milestone, coordinator
):
    milestone = make_milestone()

    with pytest.raises(ValidationError):
        plan.change_milestone_date(
            milestone=milestone, by=coordinator, reason="typo", ends_on=D(2024, 3, 1)
        )
    milestone.refresh_from_db()

    assert (milestone.starts_on, milestone.ends_on, milestone.history.count()) == (
        D(2024, 4, 2),
        None,
        1,
    )


def test_plan_changes_raise_sequence_and_date_version_of_the_milestones_they_change(
    programme, cluster, other_cluster, visit_item, coordinator, officer
):
    plan.save_plan_item(plan_item=visit_item, by=officer)
    own = cluster.milestones.get()
    plan.confirm_day(milestone=own, day=D(2024, 5, 14), by=coordinator)
    Cluster.objects.create(programme=programme, name="Round two", slug="round-two", round=2)

    visit_item.starts_on = D(2024, 5, 15)
    plan.save_plan_item(plan_item=visit_item, by=officer, reason="Later visits")
    visit_item.round = 2
    plan.save_plan_item(plan_item=visit_item, by=officer, reason="Round two only")

    rows = visit_item.milestones.values_list("cluster__slug", "status", "sequence", "date_version")
    assert sorted(rows) == [
        ("other", Status.CANCELLED, 2, 1),
        ("round-two", Status.PLANNED, 0, 0),
        ("saxocell", Status.CANCELLED, 2, 1),
    ]
    assert reason_text(other_cluster.milestones.get().history.latest().history_change_reason) == (
        "No longer in the programme's plan for this round."
    )
