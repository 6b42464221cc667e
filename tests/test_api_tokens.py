"""API tokens: issued on the account page and by api_token, stored hashed, shown once,
revocable, expiring, and dead the moment their person loses the role."""

import datetime
import hashlib

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core.management import CommandError, call_command
from django.urls import reverse

from milestones import people, services
from milestones.api.tokens import NoApiAccess, issue_api_token, revoke_api_token
from milestones.models import ApiToken, ApiTokenScope, Membership, ProgrammeOfficer
from tests.api_helpers import bearer, get, post, token_of
from tests.helpers import texts

NOW = datetime.datetime(2024, 3, 1, 9, 0, tzinfo=datetime.UTC)
CLUSTERS = "/api/v1/clusters/"


def slugs(response):
    return [cluster["slug"] for cluster in response.json()["results"]]


def test_issue_api_token_stores_only_the_hash(member):
    token, raw_token = issue_api_token(person=member, name="Reports", scope=ApiTokenScope.PERSON)

    stored = ApiToken.objects.values_list("token_hash", flat=True).get(pk=token.pk)
    assert raw_token.startswith("c4f_")
    assert len(raw_token) == 47
    assert stored == hashlib.sha256(raw_token.encode()).hexdigest()
    assert raw_token not in str(ApiToken.objects.values().get(pk=token.pk))


def test_issue_api_token_for_foreign_cluster_is_refused(member, other_cluster):
    with pytest.raises(NoApiAccess):
        issue_api_token(person=member, name="x", scope=ApiTokenScope.CLUSTER, cluster=other_cluster)


def test_issue_api_token_for_programme_needs_an_officer(coordinator, programme):
    with pytest.raises(NoApiAccess):
        issue_api_token(
            person=coordinator, name="x", scope=ApiTokenScope.PROGRAMME, programme=programme
        )


def test_api_token_records_last_use(client, member):
    raw_token = token_of(member)

    with time_machine.travel(NOW, tick=False):
        response = get(client, CLUSTERS, raw_token)

    assert response.status_code == 200
    assert ApiToken.objects.get().last_used_at == NOW


def test_api_without_token_is_401_with_bearer_challenge(client, db):
    response = client.get(CLUSTERS)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_api_unknown_token_is_401(client, db):
    response = get(client, CLUSTERS, "c4f_not-a-token")

    assert response.status_code == 401
    assert response.json() == {
        "detail": "This token is unknown, expired or revoked, or no longer allowed."
    }


def test_api_revoked_token_is_401(client, member):
    raw_token = token_of(member)
    revoke_api_token(token=ApiToken.objects.get())

    assert get(client, CLUSTERS, raw_token).status_code == 401


def test_api_expired_token_is_401(client, member):
    with time_machine.travel(NOW, tick=False):
        _token, raw_token = issue_api_token(
            person=member,
            name="x",
            scope=ApiTokenScope.PERSON,
            expires_at=NOW + datetime.timedelta(days=30),
        )
    with time_machine.travel(NOW + datetime.timedelta(days=30, seconds=-1), tick=False):
        before = get(client, CLUSTERS, raw_token).status_code
    with time_machine.travel(NOW + datetime.timedelta(days=30), tick=False):
        after = get(client, CLUSTERS, raw_token).status_code

    assert (before, after) == (200, 401)


def test_api_deactivated_person_token_is_401(client, member):
    raw_token = token_of(member)
    member.is_active = False
    member.save()

    assert get(client, CLUSTERS, raw_token).status_code == 401


def test_api_cluster_token_after_leaving_the_cluster_is_401(client, member, coordinator, cluster):
    raw_token = token_of(member, scope=ApiTokenScope.CLUSTER, cluster=cluster)
    assert get(client, CLUSTERS, raw_token).status_code == 200

    people.remove_from_cluster(membership=Membership.objects.get(person=member), by=coordinator)

    assert get(client, CLUSTERS, raw_token).status_code == 401
    assert ApiToken.objects.get().revoked_at is not None


def test_api_programme_token_after_officer_role_ended_is_401(client, officer, programme):
    raw_token = token_of(officer, scope=ApiTokenScope.PROGRAMME, programme=programme)
    assert get(client, CLUSTERS, raw_token).status_code == 200

    ProgrammeOfficer.objects.filter(person=officer).delete()

    assert get(client, CLUSTERS, raw_token).status_code == 401


def test_api_person_token_after_leaving_sees_the_cluster_no_more(
    client, member, coordinator, cluster
):
    raw_token = token_of(member)
    assert slugs(get(client, CLUSTERS, raw_token)) == ["saxocell"]

    people.remove_from_cluster(membership=Membership.objects.get(person=member), by=coordinator)

    assert slugs(get(client, CLUSTERS, raw_token)) == []
    assert get(client, f"{CLUSTERS}saxocell/", raw_token).status_code == 404


def test_api_read_token_writing_is_403(client, member, make_milestone):
    milestone = make_milestone(lead=member)
    raw_token = token_of(member, write=False)

    response = post(
        client, f"/api/v1/milestones/{milestone.pk}/status/", raw_token, {"status": "done"}
    )

    assert response.status_code == 403
    assert response.json() == {
        "detail": "This token may only read. Create a read-write token to change things."
    }
    milestone.refresh_from_db()
    assert milestone.status == "planned"


def test_api_session_reads_but_never_writes(client, member, make_milestone):
    milestone = make_milestone(lead=member)
    client.force_login(member)

    read = client.get(CLUSTERS)
    write = client.post(
        f"/api/v1/milestones/{milestone.pk}/status/",
        {"status": "done"},
        content_type="application/json",
    )

    assert read.status_code == 200
    assert write.status_code == 401
    milestone.refresh_from_db()
    assert milestone.status == "planned"


def test_api_token_wins_over_session(client, member, coordinator):
    client.force_login(coordinator)
    raw_token = token_of(member, write=False)

    response = client.post(
        "/api/v1/milestones/1/status/", {}, content_type="application/json", **bearer(raw_token)
    )

    assert response.status_code == 403


# The account page


def test_account_page_lists_api_tokens_and_offers_scopes(client, officer, cluster, programme):
    with time_machine.travel(NOW, tick=False):
        issue_api_token(person=officer, name="Reports", scope=ApiTokenScope.PERSON, can_write=True)
    client.force_login(officer)

    response = client.get(reverse("milestones:account"))

    assert texts(response, "#api-tokens tbody tr") == [
        "Reports Everything I may see read and write 1 March 2024, 10:00 never never Revoke"
    ]
    assert texts(response, "#id_scope option") == [
        "Everything I may see",
        "Cluster SaxoCell",
        "Programme Clusters4Future (all clusters)",
    ]


def test_account_new_api_token_is_shown_once(client, coordinator, cluster):
    client.force_login(coordinator)
    form = {
        "name": "Project tool",
        "scope": "cluster:saxocell",
        "access": "write",
        "expires_in": "30",
        "form_key": "7d0c1f7e-8a4e-4c11-9a65-1d2f4a4f6a10",
    }

    with time_machine.travel(NOW, tick=False):
        response = client.post(reverse("milestones:api_token_new"), form)
        again = client.post(reverse("milestones:api_token_new"), form, follow=True)
        raw_token = response.context["raw_token"]
        works = get(client, CLUSTERS, raw_token).status_code

    token = ApiToken.objects.get()
    assert (token.name, token.scope, token.cluster, token.can_write) == (
        "Project tool",
        "cluster",
        cluster,
        True,
    )
    assert token.expires_at == NOW + datetime.timedelta(days=30)
    shown = BeautifulSoup(response.content, "html.parser").select_one("#new-api-token-value")
    assert shown["value"] == raw_token
    assert works == 200
    assert raw_token.encode() not in again.content
    assert texts(again, ".message") == [
        "This form was sent before, and its token was created then. A token is shown only "
        "once: if you did not copy it, revoke it and create a new one."
    ]


def test_account_new_api_token_for_a_foreign_cluster_is_refused(client, member, other_cluster):
    client.force_login(member)

    response = client.post(
        reverse("milestones:api_token_new"),
        {"name": "x", "scope": "cluster:other", "access": "read", "expires_in": "90"},
    )

    assert response.status_code == 200
    assert ApiToken.objects.count() == 0
    assert response.context["form"].errors == {
        "scope": ["Select a valid choice. cluster:other is not one of the available choices."]
    }


def test_account_revoke_api_token(client, member, other_coordinator):
    raw_token = token_of(member)
    token = ApiToken.objects.get()
    client.force_login(other_coordinator)
    assert client.post(reverse("milestones:api_token_revoke", args=[token.pk])).status_code == 404
    client.force_login(member)

    client.post(reverse("milestones:api_token_revoke", args=[token.pk]))

    assert get(client, CLUSTERS, raw_token).status_code == 401


# The management command


def test_api_token_command_prints_a_working_token(capsys, client, coordinator, cluster):
    call_command("api_token", "Coordinator@saxocell.test", "--cluster", "saxocell", "--write")

    raw_token = capsys.readouterr().out.strip()
    token = ApiToken.objects.get()
    assert (token.scope, token.cluster, token.can_write) == ("cluster", cluster, True)
    assert slugs(get(client, CLUSTERS, raw_token)) == ["saxocell"]


def test_api_token_command_refuses_a_foreign_programme(coordinator, programme):
    with pytest.raises(CommandError) as refusal:
        call_command("api_token", "coordinator@saxocell.test", "--programme", "c4f")

    assert str(refusal.value) == "coordinator@saxocell.test is not a programme officer of c4f."


def test_account_api_tokens_in_german(client, member):
    services.change_person(person=member, changes={"language": "de"})
    client.force_login(member)

    response = client.get(reverse("milestones:account"))

    assert texts(response, "#api-tokens h2, #api-tokens tbody td") == [
        "API-Tokens",
        "Noch keine API-Tokens.",
    ]
    assert texts(response, "#api-tokens legend") == ["Was es darf (Pflichtfeld)"]


def test_admin_lists_and_revokes_api_tokens(admin_client, member):
    raw_token = token_of(member)
    token = ApiToken.objects.get()

    listing = admin_client.get("/admin/milestones/apitoken/")
    admin_client.post(
        "/admin/milestones/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )

    assert texts(listing, "#result_list tbody tr td.field-name") == ["test"]
    assert raw_token.encode() not in listing.content
    token.refresh_from_db()
    assert token.revoked_at is not None
