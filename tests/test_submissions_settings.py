"""What a plan item or a milestone asks for: the forms' submission fields and the plan's
fan-out of them to every cluster."""

import datetime

import pytest

from milestones.models import Kind, LateSubmissions, Milestone, PlanItem
from milestones.plan import save_plan_item
from tests.helpers import field_errors


def plan_item_post(**changes):
    data = {
        "kind": Kind.STRATEGY_SUBMISSION,
        "title": "Cluster strategy",
        "date_form": "day-with-time",
        "starts_on": "2024-04-02",
        "starts_at": "12:00",
        "round": "",
        "reason": "",
        "asks_submission": "by-kind",
        "file_types": "pdf, DOCX",
        "max_file_mb": "20",
        "late_submissions": LateSubmissions.REFUSE,
    }
    data.update(changes)
    return data


def submission_settings(item):
    return tuple(getattr(item, name) for name in PlanItem.SUBMISSION_FIELDS)


@pytest.mark.parametrize(
    ("kind", "asks", "expected"),
    [
        (Kind.STRATEGY_SUBMISSION, "by-kind", True),
        (Kind.PROGRESS_REPORT, "by-kind", True),
        (Kind.JURY_MEETING, "by-kind", False),
        (Kind.JURY_MEETING, "yes", True),
        (Kind.STRATEGY_SUBMISSION, "no", False),
    ],
)
def test_plan_item_asks_for_a_submission_by_kind_unless_told(
    client, officer, cluster, other_cluster, kind, asks, expected
):
    client.force_login(officer)

    client.post("/programmes/c4f/plan/new/", plan_item_post(kind=kind, asks_submission=asks))

    settings = {submission_settings(m) for m in Milestone.objects.all()}
    assert settings == {(expected, "pdf,docx", 20, LateSubmissions.REFUSE)}
    assert Milestone.objects.count() == 2


def test_plan_item_form_starts_with_the_defaults(client, officer):
    client.force_login(officer)

    form = client.get("/programmes/c4f/plan/new/").context["form"]

    assert {name: form[name].value() for name in form.SUBMISSION_FIELDS} == {
        "asks_submission": "by-kind",
        "file_types": "pdf,docx,xlsx,odt,ods,pptx,zip",
        "max_file_mb": 50,
        "late_submissions": LateSubmissions.ACCEPT,
    }


def test_plan_item_refuses_an_unknown_file_type(client, officer, cluster):
    client.force_login(officer)

    response = client.post("/programmes/c4f/plan/new/", plan_item_post(file_types="pdf, exe"))

    assert "file_types" in field_errors(response)
    assert "exe" in field_errors(response)["file_types"]
    assert PlanItem.objects.count() == 0


def test_plan_change_of_submission_settings_reaches_every_cluster(
    programme, cluster, other_cluster
):
    item = save_plan_item(
        plan_item=PlanItem(
            programme=programme,
            kind=Kind.STRATEGY_SUBMISSION,
            title="Cluster strategy",
            starts_on=datetime.date(2024, 4, 2),
        )
    )

    item.asks_submission = True
    item.late_submissions = LateSubmissions.REFUSE
    save_plan_item(plan_item=item)

    assert {submission_settings(m) for m in Milestone.objects.all()} == {
        (True, "pdf,docx,xlsx,odt,ods,pptx,zip", 50, LateSubmissions.REFUSE)
    }


def test_own_milestone_asks_for_a_submission_from_the_form(client, coordinator):
    client.force_login(coordinator)

    client.post(
        "/clusters/saxocell/milestones/new/",
        {
            "kind": Kind.OTHER,
            "title": "Budget table",
            "date_form": "day",
            "starts_on": "2024-05-02",
            "asks_submission": "yes",
            "file_types": "xlsx",
            "max_file_mb": "5",
            "late_submissions": LateSubmissions.ACCEPT,
        },
    )

    milestone = Milestone.objects.get()
    assert submission_settings(milestone) == (True, "xlsx", 5, LateSubmissions.ACCEPT)


def test_plan_milestone_keeps_the_plans_settings_whatever_the_cluster_sends(
    client, coordinator, programme, cluster
):
    item = PlanItem(
        programme=programme,
        kind=Kind.STRATEGY_SUBMISSION,
        title="Cluster strategy",
        starts_on=datetime.date(2024, 4, 2),
        asks_submission=True,
    )
    save_plan_item(plan_item=item)
    milestone = Milestone.objects.get()
    client.force_login(coordinator)

    client.post(
        f"/milestones/{milestone.pk}/edit/",
        {
            "kind": Kind.STRATEGY_SUBMISSION,
            "title": "Cluster strategy",
            "date_form": "day",
            "starts_on": "2024-04-02",
            "asks_submission": "no",
            "file_types": "zip",
            "max_file_mb": "1",
            "late_submissions": LateSubmissions.REFUSE,
        },
    )

    milestone.refresh_from_db()
    assert submission_settings(milestone) == (
        True,
        "pdf,docx,xlsx,odt,ods,pptx,zip",
        50,
        LateSubmissions.ACCEPT,
    )
