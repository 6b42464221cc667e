"""The officer's page of sign-in domains: who may reach the tracker through a sign-in provider
without an invitation, and with which role."""

import pytest

from milestones.models import SignInDomain, SignInRole
from tests.helpers import field_errors, texts

URL = "/programmes/c4f/sign-in-domains/"


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def test_officer_allows_a_domain_typed_as_people_write_it(officer_client, cluster):
    response = officer_client.post(
        URL, {"domain": " @TU-Dresden.DE ", "role": "member", "cluster": cluster.pk}, follow=True
    )

    assert texts(response, "p.message") == [
        "People with a verified address at @tu-dresden.de can now sign in as Member."
    ]
    assert texts(response, "table.sign-in-domains tbody tr") == [
        "@tu-dresden.de Member SaxoCell Remove @tu-dresden.de"
    ]
    assert list(SignInDomain.objects.values_list("domain", "role", "cluster__slug")) == [
        ("tu-dresden.de", "member", "saxocell")
    ]


def test_domain_form_refuses_bad_input_and_keeps_what_was_typed(officer_client, cluster):
    SignInDomain.objects.create(
        programme=cluster.programme, domain="taken.example", role=SignInRole.OFFICER
    )
    cases = [
        ({"domain": "not a domain", "role": "officer"}, "domain"),
        ({"domain": "taken.example", "role": "officer"}, "domain"),
        ({"domain": "uni.example", "role": "member"}, "cluster"),
        ({"domain": "uni.example", "role": "officer", "cluster": cluster.pk}, "cluster"),
    ]

    results = []
    for data, field in cases:
        response = officer_client.post(URL, data)
        results.append((response.status_code, field_errors(response).get(field)))

    assert results == [
        (200, "Enter a domain such as “tu-dresden.de”, in lower case, without “@”."),
        (200, "Sign-in domain with this Email domain already exists."),
        (200, "Choose the cluster for this role."),
        (200, "Programme officers belong to no cluster."),
    ]
    assert list(SignInDomain.objects.values_list("domain", flat=True)) == ["taken.example"]


def test_domain_form_offers_only_the_programmes_clusters(officer_client, cluster, other_cluster):
    foreign = cluster.programme.__class__.objects.create(name="Other", slug="other-programme")
    foreign.clusters.create(name="Foreign", slug="foreign")

    response = officer_client.get(URL)

    assert texts(response, "select[name=cluster] option") == [
        "---------",
        "Other Cluster",
        "SaxoCell",
    ]


def test_officer_removes_a_domain_and_people_admitted_keep_their_roles(officer_client, cluster):
    domain = SignInDomain.objects.create(
        programme=cluster.programme, domain="uni.example", role=SignInRole.OFFICER
    )

    response = officer_client.post(f"{URL}{domain.pk}/remove/", follow=True)

    assert texts(response, "p.message") == ["@uni.example no longer lets new people sign in."]
    assert SignInDomain.objects.count() == 0


def test_sign_in_domains_are_the_officers_alone(client, coordinator, cluster):
    domain = SignInDomain.objects.create(
        programme=cluster.programme, domain="uni.example", role=SignInRole.OFFICER
    )
    client.force_login(coordinator)

    statuses = [
        client.get(URL).status_code,
        client.post(URL, {"domain": "evil.example", "role": "officer"}).status_code,
        client.post(f"{URL}{domain.pk}/remove/").status_code,
    ]

    assert statuses == [404, 404, 404]
    assert list(SignInDomain.objects.values_list("domain", flat=True)) == ["uni.example"]
