"""A coordinator changes the role of a cluster's people or takes them out of the cluster."""

import datetime
import threading

import pytest
from django.db import connection, transaction

from milestones import people
from milestones.feeds.tokens import issue_feed_token
from milestones.models import FeedScope, Membership, Responsibility, Role, Status
from tests.conftest import make_person
from tests.helpers import texts


def role_of(person, cluster):
    return Membership.objects.filter(person=person, cluster=cluster).values_list("role").first()


def shown(response):
    """The messages the page shows after the change."""
    return texts(response, ".message")


def post(client, person, action, **data):
    return client.post(f"/clusters/saxocell/people/{person.pk}/{action}/", data, follow=True)


@pytest.fixture
def second_coordinator(cluster):
    person = make_person("second@saxocell.test", "Sam Second")
    Membership.objects.create(person=person, cluster=cluster, role=Role.COORDINATOR)
    return person


def test_cluster_page_offers_the_changes_to_its_coordinators_only(client, coordinator, member):
    client.force_login(coordinator)
    rows = texts(client.get("/clusters/saxocell/"), "tr.person")
    client.force_login(member)
    rows_for_member = texts(client.get("/clusters/saxocell/"), "tr.person")

    # The only coordinator can neither step down nor leave: no buttons that would only refuse.
    assert rows == [
        "Carla Coordinator coordinator@saxocell.test Coordinator the only coordinator",
        "Max Member member@saxocell.test Member Make coordinator Remove…",
    ]
    assert not any("Remove" in row for row in rows_for_member)


def test_with_two_coordinators_each_can_step_down_or_leave(client, coordinator, second_coordinator):
    client.force_login(coordinator)

    changes = texts(client.get("/clusters/saxocell/"), "tr.person .person-changes")

    assert changes == ["Make member Remove…", "Make member Remove…"]


def test_coordinator_makes_a_member_a_coordinator_and_back(client, coordinator, member, cluster):
    client.force_login(coordinator)

    promoted = post(client, member, "role", role="coordinator")
    promoted_role = role_of(member, cluster)
    demoted = post(client, member, "role", role="member")

    assert (promoted.redirect_chain, promoted_role) == (
        [("/clusters/saxocell/", 302)],
        ("coordinator",),
    )
    assert shown(promoted) == ["Max Member is now a coordinator of SaxoCell."]
    assert shown(demoted) == ["Max Member is now a member of SaxoCell."]
    assert role_of(member, cluster) == ("member",)


def test_the_only_coordinator_cannot_step_down_or_be_removed(client, coordinator, cluster):
    client.force_login(coordinator)

    step_down = post(client, coordinator, "role", role="member")
    leave = post(client, coordinator, "remove")

    refusal = (
        "Carla Coordinator is the cluster's only coordinator: make someone else a coordinator "
        "first."
    )
    assert shown(step_down) == shown(leave) == [refusal]
    assert role_of(coordinator, cluster) == ("coordinator",)


def test_a_coordinator_with_another_steps_down_and_can_no_longer_edit(
    client, coordinator, second_coordinator, cluster
):
    client.force_login(coordinator)

    response = post(client, coordinator, "role", role="member")

    assert role_of(coordinator, cluster) == ("member",)
    assert texts(response, "h1") == ["SaxoCell"]
    assert client.get("/clusters/saxocell/milestones/new/").status_code == 403


def test_removed_person_loses_the_cluster_and_their_responsibilities_in_it(
    client, coordinator, member, cluster, other_cluster, make_milestone
):
    # A contributor to an open milestone, and the lead of one that is done: both go, so that
    # nothing of the cluster stays in their feeds, pages or reminders.
    open_one = make_milestone(title="Strategy", lead=coordinator, contributors=[member])
    done_one = make_milestone(
        title="Report", starts_on=datetime.date(2023, 9, 1), status=Status.DONE, lead=member
    )
    Membership.objects.create(person=member, cluster=other_cluster)
    elsewhere = make_milestone(title="Elsewhere", cluster=other_cluster, lead=member)
    _token, raw_token = issue_feed_token(person=member, scope=FeedScope.CLUSTER, cluster=cluster)
    client.force_login(coordinator)

    response = post(client, member, "remove")

    assert shown(response) == ["Max Member is no longer in SaxoCell."]
    assert role_of(member, cluster) is None
    assert list(Responsibility.objects.filter(person=member).values_list("milestone__title")) == [
        ("Elsewhere",)
    ]
    assert (open_one.lead.name, done_one.lead, elsewhere.lead) == (
        "Carla Coordinator",
        None,
        member,
    )
    assert "Max Member" not in texts(response, "tr.person")[0]
    client.force_login(member)
    assert client.get("/clusters/saxocell/").status_code == 404
    assert client.get(f"/milestones/{open_one.pk}/").status_code == 404
    assert client.get(f"/feeds/{raw_token}.ics").status_code == 404
    assert client.get("/clusters/other/").status_code == 200


def test_the_lead_of_an_open_milestone_is_not_removed_before_someone_else_leads_it(
    client, coordinator, member, cluster, make_milestone
):
    make_milestone(title="Strategy", lead=member)
    make_milestone(title="Visit", starts_on=datetime.date(2024, 5, 2), lead=member)
    client.force_login(coordinator)

    response = post(client, member, "remove")

    assert shown(response) == [
        "Max Member leads open milestones of the cluster: “Strategy”, “Visit”. Choose another "
        "lead for them first."
    ]
    assert role_of(member, cluster) == ("member",)
    assert Responsibility.objects.filter(person=member).count() == 2


def test_a_coordinator_leaving_is_asked_in_their_own_words(client, coordinator, second_coordinator):
    client.force_login(coordinator)

    asked = client.get(f"/clusters/saxocell/people/{coordinator.pk}/remove/")

    assert texts(asked, "main h1") == ["Leave SaxoCell?"]
    assert texts(asked, "main form button") == ["Leave the cluster"]


def test_a_person_added_again_subscribes_afresh(client, coordinator, member, cluster):
    _token, raw_token = issue_feed_token(person=member, scope=FeedScope.CLUSTER, cluster=cluster)
    client.force_login(coordinator)
    post(client, member, "remove")

    client.post(
        "/clusters/saxocell/people/new/",
        {"email": member.email, "name": "Max Member", "role": Role.MEMBER},
    )

    assert role_of(member, cluster) == ("member",)
    # The address of before the removal stays dead; a new one works.
    assert client.get(f"/feeds/{raw_token}.ics").status_code == 404
    _token, fresh = issue_feed_token(person=member, scope=FeedScope.CLUSTER, cluster=cluster)
    assert client.get(f"/feeds/{fresh}.ics").status_code == 200


def test_a_coordinator_who_leaves_goes_to_their_dashboard(
    client, coordinator, second_coordinator, cluster
):
    client.force_login(coordinator)

    response = post(client, coordinator, "remove")

    assert response.redirect_chain == [("/", 302)]
    assert shown(response) == ["Carla Coordinator is no longer in SaxoCell."]
    assert role_of(coordinator, cluster) is None


def test_an_unknown_role_is_refused(client, coordinator, member, cluster):
    client.force_login(coordinator)

    response = post(client, member, "role", role="owner")

    assert shown(response) == ["Choose a role."]
    assert role_of(member, cluster) == ("member",)


@pytest.mark.parametrize("who", ["member", "other_coordinator", "officer"])
def test_only_the_clusters_coordinators_change_its_people(
    client, request, coordinator, member, cluster, who
):
    client.force_login(request.getfixturevalue(who))

    responses = [
        client.post(f"/clusters/saxocell/people/{coordinator.pk}/role/", {"role": "member"}),
        client.post(f"/clusters/saxocell/people/{coordinator.pk}/remove/"),
    ]

    # Who sees the cluster is told why not (403); another cluster's coordinator finds nothing.
    expected = 404 if who == "other_coordinator" else 403
    assert [r.status_code for r in responses] == [expected, expected]
    assert role_of(coordinator, cluster) == ("coordinator",)


def test_a_person_of_another_cluster_is_not_found_here(
    client, coordinator, other_coordinator, other_cluster
):
    client.force_login(coordinator)

    response = client.post(f"/clusters/saxocell/people/{other_coordinator.pk}/remove/")

    assert response.status_code == 404
    assert role_of(other_coordinator, other_cluster) == ("coordinator",)


def test_removing_asks_first_and_a_role_change_needs_a_post(client, coordinator, member, cluster):
    client.force_login(coordinator)

    asked = client.get(f"/clusters/saxocell/people/{member.pk}/remove/")

    assert texts(asked, "main h1") == ["Remove Max Member from SaxoCell?"]
    assert texts(asked, "main form button") == ["Remove from the cluster"]
    assert role_of(member, cluster) == ("member",)
    assert client.get(f"/clusters/saxocell/people/{member.pk}/role/").status_code == 405


def test_only_coordinators_are_asked_to_confirm_a_removal(client, member, coordinator):
    client.force_login(member)

    assert client.get(f"/clusters/saxocell/people/{coordinator.pk}/remove/").status_code == 403


def test_logged_out_change_goes_to_log_in(client, member):
    response = client.post(f"/clusters/saxocell/people/{member.pk}/remove/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.postgres_only
def test_two_coordinators_stepping_down_at_once_leave_one(
    transactional_db, cluster, coordinator, second_coordinator
):
    first = Membership.objects.get(person=coordinator)
    second = Membership.objects.get(person=second_coordinator)
    holding, release = threading.Event(), threading.Event()
    outcome = {}

    def step_down(name, membership, hold):
        try:
            with transaction.atomic():
                if hold:
                    # The first takes the cluster's turn and keeps it while the second asks.
                    people._locked(membership)
                    holding.set()
                    release.wait(10)
                people.change_role(membership=membership, role=Role.MEMBER)
            outcome[name] = "stepped down"
        except people.CannotChange:
            outcome[name] = "refused"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=step_down, args=("first", first, True)),
        threading.Thread(target=step_down, args=("second", second, False)),
    ]
    threads[0].start()
    holding.wait(10)
    threads[1].start()
    threads[1].join(0.5)
    second_waited = threads[1].is_alive()
    release.set()
    for thread in threads:
        thread.join(10)

    assert second_waited
    assert outcome == {"first": "stepped down", "second": "refused"}
    assert list(
        Membership.objects.filter(cluster=cluster, role=Role.COORDINATOR).values_list(
            "person__name", flat=True
        )
    ) == ["Sam Second"]
