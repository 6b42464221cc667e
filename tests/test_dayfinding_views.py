"""Day-finding's pages: the officer's settings, overview and proposal; a cluster's answers."""

import datetime

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.test import Client

from milestones import plan
from milestones.models import Kind, Milestone, PlanItem, ProgrammeOfficer
from tests.conftest import make_person
from tests.dayfinding_setup import (
    APRIL_2,
    APRIL_10,
    APRIL_20,
    MAY_14,
    MAY_15,
    add_visit_item,
    answer,
    open_on,
)
from tests.helpers import add_clusters, links, texts


@pytest.fixture
def visit_item(cluster, other_cluster, coordinator, other_coordinator):
    with time_machine.travel(APRIL_2, tick=False):
        return add_visit_item(cluster.programme)


@pytest.fixture
def day_finding(visit_item):
    with time_machine.travel(APRIL_2, tick=False):
        return open_on(visit_item)


def officer_url(plan_item, page=""):
    return f"/programmes/c4f/plan/{plan_item.pk}/day-finding/{page}"


def test_settings_offer_the_working_days_and_name_the_holidays(client, officer, visit_item):
    client.force_login(officer)

    with time_machine.travel(APRIL_2, tick=False):
        response = client.get(officer_url(visit_item, "settings/"))

    soup = BeautifulSoup(response.content, "html.parser")
    boxes = soup.select("input[name=days]")
    assert (len(boxes), all(box.has_attr("checked") for box in boxes)) == (40, True)
    assert texts(response, "p.dayfinding-holidays") == [
        "Public holidays: Labor Day (1 May 2024; Saxony), Ascension Day (9 May 2024; Saxony), "
        "Pentecost Monday (20 May 2024; Saxony)"
    ]


def test_settings_without_a_day_are_refused_with_the_reason(client, officer, visit_item):
    client.force_login(officer)

    with time_machine.travel(APRIL_2, tick=False):
        response = client.post(
            officer_url(visit_item, "settings/"), {"visits_per_day": "1", "answer_by": "2024-04-19"}
        )

    assert texts(response, "small.field-error") == ["This field is required."]
    assert Milestone.objects.filter(kind="other").count() == 0


def test_settings_open_the_day_finding(client, officer, visit_item):
    client.force_login(officer)

    with time_machine.travel(APRIL_2, tick=False):
        response = client.post(
            officer_url(visit_item, "settings/"),
            {
                "days": ["2024-05-14", "2024-05-15"],
                "visits_per_day": "1",
                "answer_by": "2024-04-19",
            },
            follow=True,
        )

    assert texts(response, "p.dayfinding-state") == [
        "Clusters answer by 19 April 2024; 1 visit a day."
    ]
    assert texts(response, "table.dayfinding-answers tbody tr") == [
        "Other Cluster no answer no answer",
        "SaxoCell no answer no answer",
    ]


def test_overview_shows_every_answer_in_a_fixed_number_of_queries(
    client, officer, day_finding, cluster, coordinator, django_assert_num_queries
):
    answer(day_finding, cluster, coordinator, {MAY_14: "can", MAY_15: "if-need-be"})
    client.force_login(officer)

    with django_assert_num_queries(9):
        response = client.get(officer_url(day_finding.plan_item))

    assert texts(response, "table.dayfinding-answers tbody tr") == [
        "Other Cluster no answer no answer",
        "SaxoCell Can host Only if need be",
    ]
    for cluster in add_clusters(day_finding.plan_item.programme, 5):
        plan.sync_cluster_plan(cluster=cluster)
        answer(day_finding, cluster, None, {MAY_14: "cannot", MAY_15: "can"})
    with django_assert_num_queries(9):
        many = client.get(officer_url(day_finding.plan_item))
    assert len(texts(many, "table.dayfinding-answers tbody tr")) == 7


def test_a_coordinator_answers_and_sees_only_their_own_answers(
    client, day_finding, cluster, other_cluster, coordinator, other_coordinator
):
    answer(day_finding, other_cluster, other_coordinator, {MAY_14: "can", MAY_15: "can"})
    client.force_login(coordinator)
    days = dict(day_finding.days.values_list("day", "pk"))

    with time_machine.travel(APRIL_10, tick=False):
        response = client.post(
            f"/clusters/saxocell/day-finding/{day_finding.pk}/",
            {
                f"day_{days[MAY_14]}": "cannot",
                f"note_{days[MAY_14]}": "Our lab moves",
                f"day_{days[MAY_15]}": "if-need-be",
            },
            follow=True,
        )

    soup = BeautifulSoup(response.content, "html.parser")
    checked = [box["value"] for box in soup.select("input[type=radio][checked]")]
    assert (checked, soup.select_one(f"#id_note_{days[MAY_14]}")["value"]) == (
        ["cannot", "if-need-be"],
        "Our lab moves",
    )
    assert texts(response, "p.message") == ["Your answers are saved."]
    assert "Other Cluster" not in response.content.decode()


def test_answers_after_the_answer_date_are_refused_and_kept(
    client, day_finding, cluster, coordinator
):
    answer(day_finding, cluster, coordinator, {MAY_14: "can", MAY_15: "can"})
    client.force_login(coordinator)
    days = dict(day_finding.days.values_list("day", "pk"))

    with time_machine.travel(APRIL_20, tick=False):
        page = client.get(f"/clusters/saxocell/day-finding/{day_finding.pk}/")
        refused = client.post(
            f"/clusters/saxocell/day-finding/{day_finding.pk}/",
            {f"day_{days[MAY_14]}": "cannot", f"day_{days[MAY_15]}": "cannot"},
        )

    assert texts(page, "p.dayfinding-due") == [
        "The answer date, 19 April 2024, has passed: answers can no longer be changed."
    ]
    assert texts(page, "table.dayfinding-own tbody tr") == [
        "14 May 2024 Can host",
        "15 May 2024 Can host",
    ]
    assert texts(refused, "div.form-errors p") == [
        "The answer date, 19 April 2024, has passed: answers can no longer be changed. "
        "Please write to the programme officer."
    ]


def test_a_member_reads_the_answers_and_may_not_answer(client, day_finding, member):
    client.force_login(member)

    with time_machine.travel(APRIL_10, tick=False):
        page = client.get(f"/clusters/saxocell/day-finding/{day_finding.pk}/")
        refused = client.post(f"/clusters/saxocell/day-finding/{day_finding.pk}/", {})

    assert (page.status_code, refused.status_code) == (200, 403)
    assert texts(page, "table.dayfinding-own tbody tr") == [
        "14 May 2024 no answer",
        "15 May 2024 no answer",
    ]


def test_the_cluster_page_links_to_the_open_day_finding(client, coordinator, day_finding):
    client.force_login(coordinator)

    response = client.get("/clusters/saxocell/")

    assert texts(response, "p.dayfinding-link a") == ["Days for the visit: On-site visit (1 day)"]


def test_the_answer_milestone_links_to_the_answers(client, coordinator, day_finding, cluster):
    client.force_login(coordinator)
    milestone = Milestone.objects.get(kind="other", cluster=cluster)

    response = client.get(f"/milestones/{milestone.pk}/")

    assert links(response, "footer.actions") == [
        f"/milestones/{milestone.pk}/event.ics",
        f"/clusters/saxocell/day-finding/{day_finding.pk}/",
        f"/milestones/{milestone.pk}/edit/",
    ]


def test_proposal_lists_who_is_left_and_why(client, officer, day_finding, cluster, coordinator):
    answer(day_finding, cluster, coordinator, {MAY_14: "can", MAY_15: "cannot"})
    client.force_login(officer)

    response = client.get(officer_url(day_finding.plan_item, "proposal/"))

    assert texts(response, "div.dayfinding-left li") == ["Other Cluster: no answer"]
    soup = BeautifulSoup(response.content, "html.parser")
    chosen = [
        (select["name"], select.select_one("option[selected]").get_text())
        for select in soup.select("table.dayfinding-proposal select")
    ]
    assert chosen == [
        (f"cluster_{day_finding.plan_item.programme.clusters.get(slug='other').pk}", "No day"),
        (f"cluster_{cluster.pk}", "14 May 2024"),
    ]


def test_confirming_a_proposal_another_officer_confirmed_tells_who(
    client, officer, day_finding, cluster, coordinator
):
    answer(day_finding, cluster, coordinator, {MAY_14: "can", MAY_15: "cannot"})
    second = make_person("second@c4f.test", "Sina Second")
    ProgrammeOfficer.objects.create(person=second, programme=cluster.programme)
    may_14 = day_finding.days.get(day=MAY_14).pk
    form = {"version": "0", f"cluster_{cluster.pk}": str(may_14)}
    first_client = Client()
    first_client.force_login(officer)
    client.force_login(second)
    with time_machine.travel(APRIL_20, tick=False):
        first = first_client.post(
            officer_url(day_finding.plan_item, "proposal/"), form, follow=True
        )

    response = client.post(officer_url(day_finding.plan_item, "proposal/"), form, follow=True)

    assert texts(first, "p.message") == ["Days confirmed for 1 cluster."]

    assert texts(response, "p.message") == [
        "Otto Officer confirmed the days at 20 April 2024, 09:00, while you were looking: "
        "nothing was changed by you. Here is what stands now."
    ]


def test_day_finding_of_a_plan_item_that_is_no_window_is_404(client, officer, visit_item):
    visit_item.is_tentative, visit_item.ends_on = False, None
    visit_item.save()
    client.force_login(officer)

    response = client.get(officer_url(visit_item, "settings/"))

    assert response.status_code == 404


def test_confirming_more_visits_than_a_day_has_room_for_is_refused_and_kept(
    client, officer, day_finding, cluster, other_cluster
):
    client.force_login(officer)
    may_14 = str(day_finding.days.get(day=MAY_14).pk)
    form = {"version": "0", f"cluster_{cluster.pk}": may_14, f"cluster_{other_cluster.pk}": may_14}

    response = client.post(officer_url(day_finding.plan_item, "proposal/"), form)

    assert texts(response, "div.form-errors p") == [
        "More visits than the day has room for (1): 14 May 2024."
    ]
    soup = BeautifulSoup(response.content, "html.parser")
    kept = [s.select_one("option[selected]")["value"] for s in soup.select("select")]
    assert kept == [may_14, may_14]
    assert (
        Milestone.objects.filter(plan_item=day_finding.plan_item, is_tentative=False).count() == 0
    )


def test_day_finding_only_for_a_day_each_cluster_hosts(client, officer, visit_item):
    # A progress report due some day in a month, and the phase's start: windows too, but no
    # day a panel finds with each cluster.
    with time_machine.travel(APRIL_2, tick=False):
        report = plan.save_plan_item(
            plan_item=PlanItem(
                programme=visit_item.programme,
                kind=Kind.PROGRESS_REPORT,
                title="Progress report",
                starts_on=datetime.date(2024, 9, 1),
                ends_on=datetime.date(2024, 9, 30),
                is_tentative=True,
            )
        )
        client.force_login(officer)

        matrix = client.get("/programmes/c4f/")
        refused = client.get(officer_url(report, "settings/"))

    assert [link for link in links(matrix, "thead") if "day-finding" in link] == [
        officer_url(visit_item)
    ]
    assert refused.status_code == 404
