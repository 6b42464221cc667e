"""Who a provider's sign-in reaches (milestones.sso.admission), the providers read from the
environment (milestones.sso.providers), the log-in page's buttons, closed sign-up, and the
account page's links to the second factor and the sessions."""

import logging
import os
import subprocess
import sys
from pathlib import Path

import environ
import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError

from milestones.models import Membership, Person, ProgrammeOfficer, Role, SignInDomain, SignInRole
from milestones.people import remove_from_cluster
from milestones.sso.admission import Refused, person_for_sign_in
from milestones.sso.providers import log_problems, read_providers
from tests.conftest import PASSWORD
from tests.helpers import texts

APP = {
    "provider_id": "uni",
    "name": "University Login",
    "client_id": "tracker",
    "secret": "s3cret",
    "settings": {"server_url": "https://login.uni.example"},
}


def claims(email, verified=True, **more):
    return {"sub": "x-1", "email": email, "email_verified": verified, **more}


def refusal(claims):
    with pytest.raises(Refused) as refused:
        person_for_sign_in(claims=claims)
    return refused.value.reason


def test_admission_existing_person_found_by_address_in_any_case(member):
    assert person_for_sign_in(claims=claims("Member@SaxoCell.TEST")) == member


def test_admission_missing_email_refused(db):
    assert refusal({"sub": "x-1"}) == "Your sign-in service did not tell us your email address."


@pytest.mark.parametrize("verified", [False, "false", None])
def test_admission_unverified_email_refused(member, verified):
    assert refusal(claims(member.email, verified)) == (
        "Your sign-in service has not verified your email address member@saxocell.test."
    )


def test_admission_unknown_address_refused_and_nothing_made(cluster):
    people = Person.objects.count()

    reason = refusal(claims("someone@elsewhere.example"))

    assert reason == (
        "There is no account for someone@elsewhere.example. Ask your cluster's coordinator or "
        "the programme's officers to invite you."
    )
    assert Person.objects.count() == people


def test_admission_allowed_domain_makes_member_of_cluster(programme, cluster):
    SignInDomain.objects.create(
        programme=programme, domain="tu-dresden.de", role=SignInRole.MEMBER, cluster=cluster
    )

    person = person_for_sign_in(
        claims=claims("Mia.Mustermann@TU-Dresden.de", given_name="Mia", family_name="Mustermann")
    )

    assert (person.email, person.name, person.has_usable_password()) == (
        "mia.mustermann@tu-dresden.de",
        "Mia Mustermann",
        False,
    )
    assert list(Membership.objects.filter(person=person).values_list("cluster", "role")) == [
        (cluster.pk, Role.MEMBER)
    ]


def test_admission_person_who_left_the_cluster_is_not_let_back_in(programme, cluster, coordinator):
    SignInDomain.objects.create(
        programme=programme, domain="tu-dresden.de", role=SignInRole.MEMBER, cluster=cluster
    )
    person = person_for_sign_in(claims=claims("mia@tu-dresden.de"))
    remove_from_cluster(
        membership=Membership.objects.get(person=person), by=coordinator, reason="Left."
    )

    again = person_for_sign_in(claims=claims("mia@tu-dresden.de"))

    assert again == person
    assert Membership.objects.filter(person=person).count() == 0


def test_admission_allowed_domain_makes_programme_officer(programme):
    SignInDomain.objects.create(programme=programme, domain="bmbf.example", role=SignInRole.OFFICER)

    person = person_for_sign_in(claims=claims("ole@bmbf.example", name="Ole Officer"))

    assert list(
        ProgrammeOfficer.objects.filter(person=person).values_list("programme", flat=True)
    ) == [programme.pk]


def test_admission_subdomain_of_allowed_domain_refused(programme):
    SignInDomain.objects.create(programme=programme, domain="bmbf.example", role=SignInRole.OFFICER)

    assert refusal(claims("x@evil.bmbf.example")).startswith("There is no account for")


def test_sign_in_domain_needs_cluster_of_its_programme_for_members(programme, other_cluster):
    other_programme_cluster = other_cluster.__class__.objects.create(
        programme=programme.__class__.objects.create(name="Other", slug="other-p", funder="X"),
        name="Elsewhere",
        slug="elsewhere",
    )
    cases = [
        SignInDomain(programme=programme, domain="a.example", role=SignInRole.MEMBER),
        SignInDomain(
            programme=programme, domain="b.example", role=SignInRole.OFFICER, cluster=other_cluster
        ),
        SignInDomain(
            programme=programme,
            domain="c.example",
            role=SignInRole.COORDINATOR,
            cluster=other_programme_cluster,
        ),
        SignInDomain(programme=programme, domain="@d.example", role=SignInRole.OFFICER),
    ]
    messages = []
    for domain in cases:
        with pytest.raises(ValidationError) as error:
            domain.full_clean()
        messages.append(error.value.message_dict)

    assert messages == [
        {"cluster": ["Choose the cluster for this role."]},
        {"cluster": ["Programme officers belong to no cluster."]},
        {"cluster": ["The cluster must belong to the programme."]},
        {"domain": ["Enter a domain such as “tu-dresden.de”, in lower case, without “@”."]},
    ]


def read(monkeypatch, variables):
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return read_providers(environ.Env(), debug=False)


def test_providers_read_from_environment(monkeypatch):
    apps, problems = read(
        monkeypatch,
        {
            "SSO_PROVIDERS": "uni",
            "SSO_UNI_ISSUER": "https://login.uni.example/",
            "SSO_UNI_CLIENT_ID": "tracker",
            "SSO_UNI_SECRET": "s3cret",
            "SSO_UNI_LABEL": "University Login",
        },
    )

    assert (apps, problems) == ([APP], [])


def test_providers_misconfigured_left_out_with_reasons(monkeypatch, caplog):
    apps, problems = read(
        monkeypatch,
        {
            "SSO_PROVIDERS": "agency,tu-dresden,Bad Name",
            "SSO_AGENCY_ISSUER": "http://login.agency.example",
            "SSO_AGENCY_CLIENT_ID": "tracker",
            "SSO_AGENCY_SECRET": "s3cret",
            "SSO_TU_DRESDEN_ISSUER": "https://idp.tu-dresden.de",
        },
    )
    with caplog.at_level(logging.ERROR, logger="milestones.sso.providers"):
        log_problems(problems)

    assert apps == []
    assert [record.getMessage() for record in caplog.records] == [
        "SSO provider 'agency' left out: SSO_AGENCY_ISSUER must be an https URL, not "
        "'http://login.agency.example'; its button is hidden.",
        "SSO provider 'tu-dresden' left out: SSO_TU_DRESDEN_CLIENT_ID, SSO_TU_DRESDEN_SECRET "
        "not set; its button is hidden.",
        "SSO provider 'bad name' left out: a name is lower-case letters, digits and '-', at "
        "most 40 characters; its button is hidden.",
    ]


def test_login_page_without_providers_has_no_buttons(client, db):
    response = client.get("/accounts/login/")

    assert texts(response, "main button") == ["Log in"]


def test_login_page_offers_each_provider(client, db, settings):
    settings.SSO_APPS = [APP, {**APP, "provider_id": "agency", "name": "Agency"}]

    response = client.get("/accounts/login/?next=/account/")

    assert texts(response, "main button") == [
        "Log in",
        "Log in with University Login",
        "Log in with Agency",
    ]
    assert [form["action"] for form in _forms(response)[1:]] == [
        "/accounts/oidc/uni/login/?next=%2Faccount%2F",
        "/accounts/oidc/agency/login/?next=%2Faccount%2F",
    ]


def _forms(response):
    return BeautifulSoup(response.content, "html.parser").select("main form")


def test_login_page_password_switched_off(client, member, settings):
    settings.SSO_APPS = [APP]
    settings.PASSWORD_LOGIN = False

    page = client.get("/accounts/login/")
    posted = client.post("/accounts/login/", {"username": member.email, "password": PASSWORD})

    assert texts(page, "main button") == ["Log in with University Login"]
    assert posted.status_code == 405
    assert "_auth_user_id" not in client.session


def test_signup_closed_and_makes_no_account(client, db):
    people = Person.objects.count()

    page = client.get("/accounts/signup/")
    posted = client.post(
        "/accounts/signup/",
        {
            "email": "new@elsewhere.example",
            "password1": "a-long-password-1",
            "password2": "a-long-password-1",
        },
    )

    assert texts(page, "h1") == ["Sign Up Closed"]
    assert texts(posted, "h1") == ["Sign Up Closed"]
    assert Person.objects.count() == people


def test_account_page_links_to_second_factor_sessions_and_services(client, member):
    client.post("/accounts/login/", {"username": member.email, "password": PASSWORD})

    account = client.get("/account/")
    headings = {link: texts(client.get(link), "h1") for link in _links(account)}

    assert headings == {
        "/accounts/2fa/": ["Two-Factor Authentication"],
        "/accounts/sessions/": ["Your sessions"],
        "/accounts/3rdparty/": ["Account Connections"],
    }


def _links(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return [a["href"] for a in soup.select(".account-sign-in a")]


def test_providers_misconfigured_app_still_starts_and_logs_why():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, "SSO_PROVIDERS": "agency", "SSO_AGENCY_ISSUER": "https://x.example"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0
    assert [line.split(" ", 2)[2] for line in result.stderr.splitlines()] == [
        "ERROR milestones.sso.providers SSO provider 'agency' left out: SSO_AGENCY_CLIENT_ID, "
        "SSO_AGENCY_SECRET not set; its button is hidden."
    ]


def test_sign_in_domain_added_in_admin(client, programme, cluster):
    admin = Person.objects.create_superuser("admin@c4f.test", PASSWORD, name="Ada Admin")
    client.force_login(admin)

    response = client.post(
        "/admin/milestones/signindomain/add/",
        {
            "programme": programme.pk,
            "domain": "tu-dresden.de",
            "role": "member",
            "cluster": cluster.pk,
        },
    )

    assert response.status_code == 302
    assert list(SignInDomain.objects.values_list("domain", "role", "cluster")) == [
        ("tu-dresden.de", "member", cluster.pk)
    ]


def test_login_page_in_german_offers_provider(client, db, settings):
    settings.SSO_APPS = [APP]

    response = client.get("/accounts/login/", headers={"accept-language": "de"})

    assert texts(response, "main h1, main h2, main button") == [
        "Anmelden",
        "Anmelden",
        "Über Ihre Organisation anmelden",
        "Mit University Login anmelden",
    ]
