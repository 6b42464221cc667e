"""After the running order is saved: moving slots, clusters joining and leaving, two officers
at once, and what a coordinator may reach (their own slot only)."""

# ruff: noqa: F811 (the fixture `jury`, imported from tests.jury_helpers, is the tests' argument)

import pytest
from django.core import mail

from milestones import plan, services
from milestones.jury import services as services_jury
from milestones.models import Cluster, JurySchedule, Milestone, Status
from tests.helpers import texts
from tests.jury_helpers import (
    before_the_meeting,  # noqa: F401 (a fixture)
    jury,  # noqa: F401 (a fixture)
    jury_url,
    preview,
    preview_and_save,
    reminder_round,
    running_order,
    sent_to,
)

# The meeting is a month ahead: the reminder rounds tell people of its slots.
pytestmark = pytest.mark.usefixtures("before_the_meeting")


@pytest.fixture
def laid_out(client, officer, jury):
    """The running order by name, saved: Other Cluster 10:30, SaxoCell 11:00; its people
    told by a reminder round."""
    client.force_login(officer)
    preview_and_save(client, jury)
    reminder_round()
    mail.outbox.clear()
    return jury


def milestone_of(item, slug):
    return Milestone.objects.get(plan_item=item, cluster__slug=slug)


def move(client, item, milestone, to_number, version):
    return client.post(
        jury_url(item, "move/"),
        {"milestone": milestone.pk, "to_number": to_number, "version": version},
        follow=True,
    )


def test_move_to_another_clusters_slot_swaps_them_and_emails_both(client, laid_out):
    saxocell = milestone_of(laid_out, "saxocell")

    response = move(client, laid_out, saxocell, 1, 1)
    right_away = list(mail.outbox)
    emails = reminder_round()

    title = "Jury meeting with presentation of the cluster"
    assert texts(response, "[role=status]") == [
        "SaxoCell now presents 2 July 2024, 10:30–11:00; 2 clusters get an email."
    ]
    assert running_order(response) == [
        ("1", "10:30–11:00", "SaxoCell"),
        ("2", "11:00–11:30", "Other Cluster"),
    ]
    assert right_away == []
    assert sent_to(emails) == [
        (
            "Carla Coordinator <coordinator@saxocell.test>",
            f"[SaxoCell] {title}: date changed, in 29 days",
        ),
        ("Max Member <member@saxocell.test>", f"[SaxoCell] {title}: date changed, in 29 days"),
        (
            "Olga Other <coordinator@other.test>",
            f"[Other Cluster] {title}: date changed, in 29 days",
        ),
    ]
    assert [m.body.splitlines()[4:8] for m in emails[1:]] == [
        [
            "Date changed: 2 July 2024, 11:00–11:30 → 2 July 2024, 10:30–11:00",
            "Changed by: Otto Officer",
            "Why: Moved to presentation slot 1 of the jury meeting.",
            "Date: 2 July 2024, 10:30–11:00 (Europe/Berlin)",
        ],
        [
            "Date changed: 2 July 2024, 10:30–11:00 → 2 July 2024, 11:00–11:30",
            "Changed by: Otto Officer",
            "Why: Moved to presentation slot 2 of the jury meeting.",
            "Date: 2 July 2024, 11:00–11:30 (Europe/Berlin)",
        ],
    ]
    assert reminder_round() == []
    saxocell.refresh_from_db()
    assert (saxocell.sequence, saxocell.date_version) == (2, 2)
    assert plan.date_changes(saxocell)[-1].reason == (
        "Moved to presentation slot 1 of the jury meeting."
    )


def test_move_to_a_new_slot_frees_the_old_one_and_emails_only_that_cluster(client, laid_out):
    other = milestone_of(laid_out, "other")

    response = move(client, laid_out, other, 3, 1)
    emails = reminder_round()

    assert running_order(response) == [
        ("1", "10:30–11:00", "free"),
        ("2", "11:00–11:30", "SaxoCell"),
        ("3", "11:30–12:00", "Other Cluster"),
    ]
    assert [m.to for m in emails] == [["Olga Other <coordinator@other.test>"]]
    assert JurySchedule.objects.get().slot_count == 3


def test_move_to_a_new_slot_that_does_not_fit_is_refused_with_the_time_needed(
    client, officer, jury
):
    client.force_login(officer)
    preview_and_save(client, jury, ends_by="11:30")
    reminder_round()

    response = move(client, jury, milestone_of(jury, "other"), 3, 1)

    assert texts(response, ".message-error") == [
        "The 3 presentations and their breaks need 1 h 30 min: from 10:30 they would end at "
        "12:00, after the end of the day you set, 11:30."
    ]
    assert reminder_round() == []
    assert milestone_of(jury, "other").when_text == "2 July 2024, 10:30–11:00"


def test_move_sent_from_an_older_page_is_refused_and_says_who_saved(client, laid_out):
    move(client, laid_out, milestone_of(laid_out, "saxocell"), 1, 1)
    reminder_round()

    response = move(client, laid_out, milestone_of(laid_out, "other"), 3, 1)

    assert texts(response, ".message-error")[0].startswith(
        "Otto Officer saved this running order at "
    )
    assert texts(response, ".message-error")[0].endswith(
        ", while you were looking at it. Yours was not saved: here is theirs."
    )
    assert reminder_round() == []
    assert JurySchedule.objects.get().slot_count == 2


def test_layout_saved_by_a_second_officer_from_an_older_form_is_refused(client, laid_out):
    response = preview_and_save(client, laid_out, version="0", starts_at="14:00")

    assert texts(response, ".message-error")[0].endswith("Yours was not saved: here is theirs.")
    assert milestone_of(laid_out, "saxocell").when_text == "2 July 2024, 11:00–11:30"
    assert reminder_round() == []


def test_cluster_joining_after_the_preview_is_not_saved_over(client, officer, jury, programme):
    client.force_login(officer)
    shown = preview(client, jury)
    newcomer = Cluster.objects.create(programme=programme, name="Aurora", slug="aurora")
    plan.sync_cluster_plan(cluster=newcomer)

    from tests.jury_helpers import LAYOUT, hidden

    response = client.post(
        jury_url(jury, "layout/"),
        {**LAYOUT, "previewed": hidden(shown, "previewed"), "save": "1"},
    )

    assert texts(response, ".message-warning") == [
        "The running order is not what your preview showed (a cluster joined or left, or a "
        "field changed). Check this one and save it."
    ]
    assert [row[2] for row in running_order(response)] == ["Aurora", "Other Cluster", "SaxoCell"]
    assert JurySchedule.objects.count() == 0


def test_cluster_joining_later_is_listed_without_a_slot_and_added_at_the_end(
    client, laid_out, programme
):
    newcomer = Cluster.objects.create(programme=programme, name="Aurora", slug="aurora")
    plan.sync_cluster_plan(cluster=newcomer)

    page = client.get(jury_url(laid_out))
    response = move(client, laid_out, milestone_of(laid_out, "aurora"), 3, 1)

    assert texts(page, ".without-slot li") == ["Aurora"]
    assert running_order(response)[-1] == ("3", "11:30–12:00", "Aurora")
    assert texts(response, ".without-slot li") == []


def test_cluster_leaving_frees_its_slot_and_nobody_else_moves(client, laid_out, officer):
    other = milestone_of(laid_out, "other")
    services.set_status(milestone=other, status=Status.CANCELLED, by=officer)

    response = client.get(jury_url(laid_out))

    assert running_order(response) == [
        ("1", "10:30–11:00", "free"),
        ("2", "11:00–11:30", "SaxoCell"),
    ]
    assert milestone_of(laid_out, "saxocell").when_text == "2 July 2024, 11:00–11:30"


def test_coordinator_sees_only_their_own_slot(client, laid_out, coordinator):
    client.force_login(coordinator)
    saxocell = milestone_of(laid_out, "saxocell")

    page = client.get(f"/milestones/{saxocell.pk}/")

    assert texts(page, ".milestone-when strong")[0] == "2 July 2024, 11:00–11:30"
    assert "10:30" not in page.content.decode()
    assert "Other Cluster" not in page.content.decode()


@pytest.mark.parametrize("person", ["coordinator", "other_coordinator", "member"])
def test_every_jury_url_is_not_found_for_a_cluster(client, laid_out, person, request):
    client.force_login(request.getfixturevalue(person))
    other = milestone_of(laid_out, "other")

    answers = [
        client.get(jury_url(laid_out)).status_code,
        client.get(jury_url(laid_out, "layout/")).status_code,
        client.post(jury_url(laid_out, "layout/"), {"preview": "1"}).status_code,
        client.post(
            jury_url(laid_out, "move/"), {"milestone": other.pk, "to_number": 1, "version": 1}
        ).status_code,
        client.get(jury_url(laid_out, "running-order.ics")).status_code,
    ]

    assert answers == [404] * 5
    assert milestone_of(laid_out, "other").when_text == "2 July 2024, 10:30–11:00"


def test_other_clusters_slot_is_not_found_for_a_coordinator(client, laid_out, coordinator):
    client.force_login(coordinator)
    other = milestone_of(laid_out, "other")

    answers = [
        client.get(f"/milestones/{other.pk}/").status_code,
        client.get(f"/milestones/{other.pk}/event.ics").status_code,
    ]

    assert answers == [404, 404]


def test_move_to_a_slot_that_is_not_offered_is_refused_beside_the_field(client, laid_out):
    response = client.post(
        jury_url(laid_out, "move/"),
        {"milestone": milestone_of(laid_out, "saxocell").pk, "to_number": 9, "version": 1},
    )

    assert texts(response, "#id_to_number_error") == [
        "Select a valid choice. 9 is not one of the available choices."
    ]
    assert reminder_round() == []


def test_save_with_the_clusters_of_before_is_refused_by_the_service(laid_out, officer, programme):
    newcomer = Cluster.objects.create(programme=programme, name="Aurora", slug="aurora")
    plan.sync_cluster_plan(cluster=newcomer)
    schedule = JurySchedule.objects.get()
    before = [milestone_of(laid_out, "other").pk, milestone_of(laid_out, "saxocell").pk]

    with pytest.raises(services_jury.ClustersChanged):
        services_jury.save_running_order(
            plan_item=laid_out,
            layout=services_jury.schedule_layout(schedule),
            order="name",
            seed=None,
            milestone_pks=before,
            expected_version=1,
            by=officer,
        )

    assert JurySchedule.objects.get().version == 1


def test_jury_urls_of_another_plan_item_kind_are_not_found(client, officer, make_milestone, jury):
    client.force_login(officer)
    strategy = plan.save_plan_item(
        plan_item=plan.PlanItem(
            programme=jury.programme,
            kind="strategy-submission",
            title="S",
            starts_on=jury.starts_on,
        )
    )

    assert client.get(jury_url(strategy)).status_code == 404


def test_running_order_page_costs_the_same_for_more_clusters(
    client, laid_out, programme, django_assert_num_queries
):
    with django_assert_num_queries(7):
        client.get(jury_url(laid_out))
    for number in range(5):
        cluster = Cluster.objects.create(programme=programme, name=f"C{number}", slug=f"c{number}")
        plan.sync_cluster_plan(cluster=cluster)
        move(client, laid_out, milestone_of(laid_out, f"c{number}"), 3 + number, 1 + number)

    with django_assert_num_queries(7):
        response = client.get(jury_url(laid_out))

    assert len(running_order(response)) == 7
