import datetime

import pytest
import time_machine
from django.urls import reverse

from milestones import plan
from milestones.models import (
    Cluster,
    Kind,
    Membership,
    Milestone,
    Person,
    PlanItem,
    Responsibility,
    Role,
)
from milestones.reasons import system_reason
from tests.dayfinding_setup import ANSWER_BY, APRIL_2, APRIL_10, add_visit_item, open_on

D = datetime.date


@pytest.fixture
def admin_client(client, db):
    admin = Person.objects.create_superuser("admin@c4f.test", "an-admin-password-1", name="Admin")
    client.force_login(admin)
    return client


ALL_MODELS = [
    "programme",
    "cluster",
    "person",
    "membership",
    "programmeofficer",
    "planitem",
    "milestone",
    "responsibility",
    "feedtoken",
    "webhookendpoint",
    "webhookdelivery",
]


# Feed tokens are issued by their person only, webhook endpoints registered by their owners
# and deliveries written by the workers: the admin has no "add" for them.
ADDABLE = {"feedtoken": 403, "webhookendpoint": 403, "webhookdelivery": 403}


@pytest.mark.parametrize("model", ALL_MODELS)
def test_admin_lists_and_adds_every_model(admin_client, make_milestone, model):
    make_milestone()

    pages = [
        admin_client.get(reverse(f"admin:milestones_{model}_changelist")).status_code,
        admin_client.get(reverse(f"admin:milestones_{model}_add")).status_code,
    ]

    assert pages == [200, ADDABLE.get(model, 200)]


def test_admin_revokes_feed_tokens(admin_client, member):
    from milestones.feeds.tokens import issue_feed_token
    from milestones.models import FeedScope

    token, _ = issue_feed_token(person=member, scope=FeedScope.MINE, name="Phone")

    admin_client.post(
        reverse("admin:milestones_feedtoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )

    token.refresh_from_db()
    assert token.is_revoked is True


def milestone_form(cluster, **changes):
    data = {
        "cluster": cluster.pk,
        "kind": Kind.STRATEGY_SUBMISSION,
        "title": "Cluster strategy",
        "status": "planned",
        "starts_on": "2024-04-02",
        "ends_on": "",
        "starts_at": "",
        "ends_at": "",
        "description": "",
        "location": "",
        "change_reason": "",
        "responsibilities-TOTAL_FORMS": "0",
        "responsibilities-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_admin_bad_date_is_an_error_beside_its_field_and_saves_nothing(admin_client, cluster):
    response = admin_client.post(
        reverse("admin:milestones_milestone_add"),
        milestone_form(cluster, starts_on="2024-04-05", ends_on="2024-04-02"),
    )

    assert (response.status_code, response.context["adminform"].form.errors) == (
        200,
        {"ends_on": ["The last day cannot be before the first day."]},
    )
    assert Milestone.objects.count() == 0


def test_admin_time_without_a_day_is_an_error_not_a_crash(admin_client, cluster):
    response = admin_client.post(
        reverse("admin:milestones_milestone_add"),
        milestone_form(cluster, starts_on="", starts_at="12:00"),
    )

    assert response.context["adminform"].form.errors == {
        "starts_on": ["A time needs a day: give the day as well."]
    }


def test_admin_two_leads_are_refused(admin_client, cluster, member, coordinator):
    data = milestone_form(cluster)
    data.update(
        {
            "responsibilities-TOTAL_FORMS": "2",
            "responsibilities-0-person": member.pk,
            "responsibilities-0-role": "lead",
            "responsibilities-1-person": coordinator.pk,
            "responsibilities-1-role": "lead",
        }
    )

    response = admin_client.post(reverse("admin:milestones_milestone_add"), data)

    assert [
        list(e) for e in response.context["inline_admin_formsets"][0].formset.non_form_errors()
    ] == [list("A milestone has one lead; make the others contributors.")] or response.context[
        "inline_admin_formsets"
    ][0].formset.non_form_errors() == ["A milestone has one lead; make the others contributors."]
    assert Milestone.objects.count() == 0


def test_admin_refuses_a_person_of_another_cluster_as_responsible(
    admin_client, cluster, other_coordinator
):
    data = milestone_form(cluster)
    data.update(
        {
            "responsibilities-TOTAL_FORMS": "1",
            "responsibilities-0-person": other_coordinator.pk,
            "responsibilities-0-role": "lead",
        }
    )

    response = admin_client.post(reverse("admin:milestones_milestone_add"), data)

    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.errors == [
        {"person": ["Only members of the milestone's cluster can be responsible for it."]}
    ]
    assert Responsibility.objects.count() == 0


def test_admin_date_change_keeps_who_and_why(admin_client, make_milestone):
    milestone = make_milestone()

    admin_client.post(
        reverse("admin:milestones_milestone_change", args=[milestone.pk]),
        milestone_form(
            milestone.cluster, starts_on="2024-04-05", change_reason="Extension granted"
        ),
    )

    latest = milestone.history.latest()
    assert (latest.starts_on, latest.history_user.email, latest.history_change_reason) == (
        D(2024, 4, 5),
        "admin@c4f.test",
        "Extension granted",
    )


def test_admin_plan_item_reaches_every_cluster(admin_client, programme, cluster, other_cluster):
    response = admin_client.post(
        reverse("admin:milestones_planitem_add"),
        {
            "programme": programme.pk,
            "round": "",
            "kind": Kind.ON_SITE_VISIT,
            "title": "On-site visit",
            "description": "",
            "location": "",
            "starts_on": "2024-05-01",
            "ends_on": "2024-06-30",
            "starts_at": "",
            "ends_at": "",
            "is_tentative": "on",
            "change_reason": "Kick-off",
        },
    )

    assert response.status_code == 302
    assert sorted(
        Milestone.objects.filter(plan_item__title="On-site visit").values_list(
            "cluster__slug", "starts_on", "ends_on", "is_tentative"
        )
    ) == [
        ("other", D(2024, 5, 1), D(2024, 6, 30), True),
        ("saxocell", D(2024, 5, 1), D(2024, 6, 30), True),
    ]


def add_newcomer(admin_client, programme, coordinators=()):
    """Add the cluster "Newcomer" in the admin, with ``coordinators`` as its members."""
    members = {"memberships-TOTAL_FORMS": str(len(coordinators)), "memberships-INITIAL_FORMS": "0"}
    for number, person in enumerate(coordinators):
        members[f"memberships-{number}-person"] = person.pk
        members[f"memberships-{number}-role"] = Role.COORDINATOR
    fields = {"name": "Newcomer", "slug": "newcomer", "round": "1", "phase": "implementation-1"}
    return admin_client.post(
        reverse("admin:milestones_cluster_add"),
        {"programme": programme.pk, **fields, "website": "", **members},
    )


def test_admin_cluster_joining_later_gets_the_plan(admin_client, programme):
    PlanItem.objects.create(
        programme=programme, kind=Kind.JURY_MEETING, title="Jury", starts_on=D(2024, 7, 2)
    )

    add_newcomer(admin_client, programme)

    newcomer = Cluster.objects.get(slug="newcomer")
    assert list(newcomer.milestones.values_list("title", "starts_on")) == [("Jury", D(2024, 7, 2))]


def test_admin_cluster_joining_during_day_finding_is_asked_through_its_coordinator(
    admin_client, programme, cluster, coordinator
):
    with time_machine.travel(APRIL_2, tick=False):
        open_on(add_visit_item(programme))
    head = Person.objects.create_user("head@newcomer.test", None, name="Nora Newcomer")

    with time_machine.travel(APRIL_10, tick=False):
        add_newcomer(admin_client, programme, coordinators=[head])

    answer = Milestone.objects.get(cluster__slug="newcomer", kind=Kind.OTHER)
    assert (answer.title, answer.starts_on, answer.lead) == (
        "Answer the day-finding: On-site visit (1 day)",
        ANSWER_BY,
        head,
    )


def test_admin_cannot_delete_milestones(admin_client, make_milestone):
    milestone = make_milestone()

    response = admin_client.post(
        reverse("admin:milestones_milestone_delete", args=[milestone.pk]), {"post": "yes"}
    )

    assert (response.status_code, Milestone.objects.count()) == (403, 1)


def test_admin_creates_a_person_without_a_password_until_invited(admin_client, cluster):
    admin_client.post(
        reverse("admin:milestones_person_add"),
        {
            "email": "New.Person@SaxoCell.test",
            "name": "New Person",
            "organisation": "",
            "language": "de",
            "usable_password": "false",
            "password1": "",
            "password2": "",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-cluster": cluster.pk,
            "memberships-0-role": Role.MEMBER,
        },
    )

    person = Person.objects.get(email="new.person@saxocell.test")
    assert (
        person.has_usable_password(),
        list(person.memberships.values_list("role", flat=True)),
    ) == (
        False,
        ["member"],
    )


UTC = datetime.UTC
CREATED = datetime.datetime(2024, 1, 10, 9, 30, tzinfo=UTC)
# Within the admin's session of 8 hours.
LATER = datetime.datetime(2024, 1, 10, 11, 0, tzinfo=UTC)


@pytest.fixture
def created():
    """Everything a test arranges is made at CREATED; what the admin does then, at LATER."""
    with time_machine.travel(CREATED, tick=False) as traveller:
        yield traveller


def test_admin_date_and_status_changes_raise_sequence_and_date_version(
    created, admin_client, make_milestone
):
    milestone = make_milestone()
    url = reverse("admin:milestones_milestone_change", args=[milestone.pk])

    created.move_to(LATER)
    admin_client.post(url, milestone_form(milestone.cluster, title="Strategy, revised"))
    after_title = Milestone.objects.values_list("sequence", "date_version").get()
    admin_client.post(url, milestone_form(milestone.cluster, starts_on="2024-04-05"))
    after_date = Milestone.objects.values_list("sequence", "date_version").get()
    admin_client.post(url, milestone_form(milestone.cluster, starts_on="2024-04-05", status="done"))

    assert [after_title, after_date] == [(0, 0), (1, 1)]
    assert Milestone.objects.values_list("sequence", "date_version", "status_changed_at").get() == (
        2,
        1,
        LATER,
    )


def test_admin_lead_added_on_its_own_page_touches_the_milestone(
    created, admin_client, make_milestone, member
):
    milestone = make_milestone()

    created.move_to(LATER)
    admin_client.post(
        reverse("admin:milestones_responsibility_add"),
        {"milestone": milestone.pk, "person": member.pk, "role": "lead"},
    )

    milestone.refresh_from_db()
    assert (milestone.lead, milestone.sequence, milestone.updated_at) == (member, 0, LATER)


def test_admin_cluster_renamed_touches_its_milestones(created, admin_client, make_milestone):
    milestone = make_milestone()
    cluster = milestone.cluster

    created.move_to(LATER)
    admin_client.post(
        reverse("admin:milestones_cluster_change", args=[cluster.pk]),
        {
            "programme": cluster.programme_id,
            "name": "SaxoCell Leipzig",
            "slug": cluster.slug,
            "round": "1",
            "phase": cluster.phase,
            "website": "",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )

    milestone.refresh_from_db()
    assert (str(milestone.cluster), milestone.updated_at) == ("SaxoCell Leipzig", LATER)


def test_admin_membership_added_and_removed_moves_the_persons_updated_at(
    created, admin_client, member, other_cluster
):
    person_page = reverse("admin:milestones_person_change", args=[member.pk])

    created.move_to(LATER)
    admin_client.post(
        person_page,
        {
            "email": member.email,
            "name": member.name,
            "organisation": "",
            "language": member.language,
            "reminder_mode": member.reminder_mode,
            "is_active": "on",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-cluster": other_cluster.pk,
            "memberships-0-role": Role.MEMBER,
        },
    )
    after_joining = Person.objects.values_list("updated_at", flat=True).get(pk=member.pk)
    joined = Membership.objects.get(person=member, cluster=other_cluster)
    created.move_to(LATER + datetime.timedelta(hours=1))
    admin_client.post(
        reverse("admin:milestones_membership_delete", args=[joined.pk]), {"post": "yes"}
    )

    member.refresh_from_db()
    assert (after_joining, member.updated_at) == (LATER, LATER + datetime.timedelta(hours=1))
    assert list(member.memberships.values_list("cluster__slug", flat=True)) == ["saxocell"]


def test_admin_history_shows_the_apps_reasons_in_words(admin_client, make_milestone):
    milestone = make_milestone()
    plan.change_milestone_date(
        milestone=milestone,
        by=None,
        reason=system_reason("jury.slot", number=2),
        starts_on=D(2024, 7, 2),
    )

    response = admin_client.get(reverse("admin:milestones_milestone_history", args=[milestone.pk]))

    page = response.content.decode()
    assert "Presentation slot 2 of the jury meeting." in page
    assert "jury.slot" not in page
