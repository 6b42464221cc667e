"""What the forms change: milestones, their dates and status, invitations."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.core import mail

from milestones import plan
from milestones.models import (
    Kind,
    Membership,
    Milestone,
    Person,
    PlanItem,
    Responsibility,
    ResponsibilityRole,
    Role,
    Status,
)
from milestones.plan import save_plan_item
from tests.helpers import field_errors, texts


def test_member_cannot_edit_milestone(client, member, coordinator, make_milestone):
    milestone = make_milestone(lead=coordinator)
    client.force_login(member)

    statuses = [
        client.get(f"/milestones/{milestone.pk}/edit/").status_code,
        client.get(f"/milestones/{milestone.pk}/status/").status_code,
        client.get("/clusters/saxocell/milestones/new/").status_code,
        client.get(f"/milestones/{milestone.pk}/").status_code,
    ]

    assert statuses == [403, 404, 403, 200]


def milestone_post(**changes):
    data = {
        "kind": Kind.STRATEGY_SUBMISSION,
        "title": "Cluster strategy",
        "date_form": "day",
        "starts_on": "2024-04-02",
        "ends_on": "",
        "starts_at": "",
        "ends_at": "",
        "month": "",
        "reason": "",
        "location": "",
        "description": "",
        "lead": "",
    }
    data.update(changes)
    return data


def test_edit_moves_date_with_reason_into_history(client, coordinator, member, make_milestone):
    milestone = make_milestone(lead=member)
    client.force_login(coordinator)

    response = client.post(
        f"/milestones/{milestone.pk}/edit/",
        milestone_post(
            date_form="day-with-time",
            starts_on="2024-04-05",
            starts_at="12:00",
            reason="jury's request",
            lead=member.pk,
        ),
    )

    milestone.refresh_from_db()
    assert response["Location"] == f"/milestones/{milestone.pk}/"
    assert (milestone.starts_on, milestone.starts_at, milestone.date_version) == (
        datetime.date(2024, 4, 5),
        datetime.time(12, 0),
        1,
    )
    assert milestone.history.first().history_change_reason == "jury's request"
    assert milestone.history.first().history_user == coordinator


def test_edit_errors_next_to_fields_and_nothing_lost(client, coordinator, make_milestone):
    milestone = make_milestone()
    client.force_login(coordinator)

    response = client.post(
        f"/milestones/{milestone.pk}/edit/",
        milestone_post(
            date_form="window",
            starts_on="2024-06-30",
            ends_on="2024-05-01",
            title="Strategy, revised",
            location="Dresden",
            reason="plan changed",
        ),
    )

    soup = BeautifulSoup(response.content, "html.parser")
    assert response.status_code == 200
    assert field_errors(response) == {"ends_on": "The last day cannot be before the first day."}
    assert [
        soup.select_one(f"#id_{name}")["value"]
        for name in ("starts_on", "ends_on", "title", "location", "reason")
    ] == ["2024-06-30", "2024-05-01", "Strategy, revised", "Dresden", "plan changed"]
    assert soup.select_one("#id_ends_on")["aria-invalid"] == "true"
    milestone.refresh_from_db()
    assert milestone.title == "Cluster strategy"


def post_meeting_time(client, milestone, starts_on, starts_at, ends_at, **changes):
    """The milestone edited into a jury meeting on that day, at those times."""
    return client.post(
        f"/milestones/{milestone.pk}/edit/",
        milestone_post(
            kind=Kind.JURY_MEETING,
            date_form="day-with-time",
            starts_on=starts_on,
            starts_at=starts_at,
            ends_at=ends_at,
            **changes,
        ),
    )


@pytest.mark.parametrize(
    ("starts_on", "starts_at", "ends_at", "field", "time"),
    [
        # Summer time starts: the clocks in Berlin go from 02:00 to 03:00.
        ("2024-03-31", "02:30", "03:15", "starts_at", "02:30"),
        ("2025-03-30", "01:00", "02:00", "ends_at", "02:00"),
    ],
)
def test_edit_refuses_a_time_the_clocks_skip_and_loses_nothing(
    client, coordinator, make_milestone, starts_on, starts_at, ends_at, field, time
):
    milestone = make_milestone(kind=Kind.JURY_MEETING)
    client.force_login(coordinator)

    response = post_meeting_time(
        client, milestone, starts_on, starts_at, ends_at, title="Jury rehearsal"
    )

    assert response.status_code == 200
    assert field_errors(response) == {
        field: f"The clocks in Europe/Berlin skip {time} on "
        f"{datetime.date.fromisoformat(starts_on).day} March {starts_on[:4]}, when summer time "
        "starts. Give a time before or after the hour they skip."
    }
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one("#id_title")["value"] == "Jury rehearsal"
    milestone.refresh_from_db()
    assert (milestone.title, milestone.starts_at) == ("Cluster strategy", None)


def test_edit_takes_a_time_of_the_night_summer_time_ends(client, coordinator, make_milestone):
    # 02:30 comes twice that night; the first, in summer time, is meant.
    milestone = make_milestone(kind=Kind.JURY_MEETING)
    client.force_login(coordinator)

    response = post_meeting_time(client, milestone, "2024-10-27", "02:30", "03:15")

    assert response.status_code == 302
    milestone.refresh_from_db()
    assert (milestone.starts_at, milestone.ends_at) == (datetime.time(2, 30), datetime.time(3, 15))


def test_edit_offers_only_the_clusters_members(
    client, coordinator, member, other_coordinator, make_milestone
):
    milestone = make_milestone()
    client.force_login(coordinator)

    page = client.get(f"/milestones/{milestone.pk}/edit/")
    response = client.post(
        f"/milestones/{milestone.pk}/edit/",
        milestone_post(lead=other_coordinator.pk, contributors=[other_coordinator.pk]),
    )

    assert texts(page, "#id_lead option") == ["Nobody yet", "Carla Coordinator", "Max Member"]
    assert set(field_errors(response)) == {"lead", "contributors"}
    assert Responsibility.objects.count() == 0


def test_edit_sets_lead_and_contributors(client, coordinator, member, make_milestone):
    milestone = make_milestone(lead=coordinator)
    client.force_login(coordinator)

    client.post(
        f"/milestones/{milestone.pk}/edit/",
        milestone_post(lead=member.pk, contributors=[coordinator.pk]),
    )

    assert sorted(
        (r.person.name, r.role) for r in Responsibility.objects.filter(milestone=milestone)
    ) == [
        ("Carla Coordinator", ResponsibilityRole.CONTRIBUTOR),
        ("Max Member", ResponsibilityRole.LEAD),
    ]


def test_edit_hands_the_lead_to_a_contributor_who_stays_ticked(
    client, coordinator, member, make_milestone
):
    milestone = make_milestone(lead=coordinator, contributors=[member])
    client.force_login(coordinator)

    response = client.post(
        f"/milestones/{milestone.pk}/edit/",
        milestone_post(lead=member.pk, contributors=[member.pk]),
    )

    assert response.status_code == 302
    assert [
        (r.person.name, r.role) for r in Responsibility.objects.filter(milestone=milestone)
    ] == [("Max Member", ResponsibilityRole.LEAD)]


def test_new_milestone_as_month_window(client, coordinator, cluster):
    client.force_login(coordinator)

    response = client.post(
        "/clusters/saxocell/milestones/new/",
        milestone_post(
            kind=Kind.PROGRESS_REPORT, title="3rd report", date_form="month", month="2024-09"
        ),
    )

    milestone = Milestone.objects.get()
    assert response["Location"] == f"/milestones/{milestone.pk}/"
    assert (milestone.cluster, milestone.when_text) == (cluster, "September 2024 (day not fixed)")


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"date_form": "day", "starts_on": "2024-02-31"}, "starts_on", "Enter a valid date."),
        (
            {"date_form": "day-with-time", "starts_on": "2024-04-02", "starts_at": "25:99"},
            "starts_at",
            "Enter a valid time.",
        ),
        ({"date_form": "month", "month": "2024-13"}, "month", "Enter a valid date."),
    ],
)
def test_new_milestone_with_an_impossible_date_says_so_once(
    client, coordinator, fields, field, message
):
    client.force_login(coordinator)

    response = client.post("/clusters/saxocell/milestones/new/", milestone_post(**fields))

    soup = BeautifulSoup(response.content, "html.parser")
    assert [e.get_text() for e in soup.select(f"#id_{field}_error")] == [message]
    assert Milestone.objects.count() == 0


def test_edit_form_shows_month_window_as_month(client, coordinator, make_milestone):
    milestone = make_milestone(
        kind=Kind.PROGRESS_REPORT,
        starts_on=datetime.date(2023, 9, 1),
        ends_on=datetime.date(2023, 9, 30),
        is_tentative=True,
    )
    client.force_login(coordinator)

    response = client.get(f"/milestones/{milestone.pk}/edit/")

    soup = BeautifulSoup(response.content, "html.parser")
    assert (
        soup.select_one("input[name=date_form][checked]")["value"],
        soup.select_one("#id_month")["value"],
    ) == ("month", "2023-09")


def test_edit_confirms_day_inside_plan_window(client, coordinator, officer, programme, cluster):
    plan_item = save_plan_item(
        plan_item=PlanItem(
            programme=programme,
            kind=Kind.ON_SITE_VISIT,
            title="On-site visit",
            starts_on=datetime.date(2024, 5, 1),
            ends_on=datetime.date(2024, 6, 30),
            is_tentative=True,
        ),
        by=officer,
    )
    milestone = plan_item.milestones.get(cluster=cluster)
    client.force_login(coordinator)

    outside = client.post(
        f"/milestones/{milestone.pk}/edit/",
        milestone_post(kind=Kind.ON_SITE_VISIT, title="x", starts_on="2024-07-10"),
    )
    inside = client.post(
        f"/milestones/{milestone.pk}/edit/",
        milestone_post(kind=Kind.ON_SITE_VISIT, title="x", starts_on="2024-05-14"),
    )

    milestone.refresh_from_db()
    assert field_errors(outside) == {
        "starts_on": "The programme's plan puts this milestone in May–June 2024 (day not fixed); "
        "choose a day inside it."
    }
    assert inside.status_code == 302
    assert (milestone.when_text, milestone.title) == ("14 May 2024", "On-site visit")
    assert plan.date_changes(milestone)[-1].confirms_day is True


def test_status_update_by_person_responsible(client, coordinator, member, make_milestone):
    milestone = make_milestone(lead=member)
    client.force_login(member)

    response = client.post(
        f"/milestones/{milestone.pk}/status/", {"status": Status.DONE, "note": "sent by mail"}
    )

    milestone.refresh_from_db()
    assert response["Location"] == f"/milestones/{milestone.pk}/"
    assert (milestone.status, milestone.sequence) == (Status.DONE, 1)
    assert milestone.history.first().history_change_reason == "sent by mail"


def test_status_update_rejects_unknown_status(client, member, make_milestone):
    milestone = make_milestone(lead=member)
    client.force_login(member)

    response = client.post(f"/milestones/{milestone.pk}/status/", {"status": "lost"})

    assert field_errors(response) == {
        "status": "Select a valid choice. lost is not one of the available choices."
    }


def test_invitation_creates_person_without_password_and_emails_link(
    client, coordinator, cluster, settings
):
    settings.SITE_URL = "http://127.0.0.1:8123"
    client.force_login(coordinator)

    response = client.post(
        "/clusters/saxocell/people/new/",
        {"email": "New.Person@SaxoCell.test", "name": "Nina New", "role": Role.MEMBER},
    )

    person = Person.objects.get(email="new.person@saxocell.test")
    assert response["Location"] == "/clusters/saxocell/"
    assert person.has_usable_password() is False
    assert Membership.objects.get(person=person).cluster == cluster
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["new.person@saxocell.test"], "You have been added to SaxoCell in the C4F Tracker")
    ]
    link = next(line for line in mail.outbox[0].body.splitlines() if "/invitations/" in line)
    # The site's one address, not the host the coordinator's request named.
    assert link.startswith("http://127.0.0.1:8123/invitations/")


def test_invitation_rejects_existing_member(client, coordinator, member):
    client.force_login(coordinator)

    response = client.post(
        "/clusters/saxocell/people/new/",
        {"email": "member@saxocell.test", "name": "Max", "role": Role.MEMBER},
    )

    assert field_errors(response) == {"email": "This person is already in the cluster."}
