"""Schemathesis against the live OpenAPI document, every operation, with a read-write token of
each role: no server error, every answer as the document says, nothing of another cluster."""

import datetime
import json

import pytest
import schemathesis
from bs4 import BeautifulSoup
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from milestones import services
from milestones.models import (
    Cluster,
    Kind,
    Membership,
    Milestone,
    PlanItem,
    Programme,
    Role,
    Submission,
)
from tests.api_helpers import get, token_of
from tests.conftest import make_person
from tests.submission_rows import add_submission

# Words only another cluster's (or programme's) objects contain.
FOREIGN = {
    "Their strategy",
    "Rival strategy",
    "other",
    "rival",
    "olga@other.test",
    "ron@rival.test",
}


def foreign_words(body, foreign):
    """Every string of a JSON body that is one of ``foreign``."""
    if isinstance(body, dict):
        return set().union(*(foreign_words(value, foreign) for value in body.values()), set())
    if isinstance(body, list):
        return set().union(*(foreign_words(value, foreign) for value in body), set())
    return {body} & foreign if isinstance(body, str) else set()


def no_foreign_objects(foreign):
    def check(ctx, response, case):
        if response.status_code == 200 and "json" in response.headers.get("content-type", [""])[0]:
            seen = foreign_words(json.loads(response.content), foreign)
            assert not seen, f"another cluster's data in the answer: {sorted(seen)}"

    check.__name__ = "no_foreign_objects"
    return check


@pytest.fixture
def world(
    db, settings, programme, cluster, other_cluster, coordinator, member, officer, make_milestone
):
    """The demo's shapes: SaxoCell with every date form and a submission; another cluster of
    the programme and a rival programme's cluster, each with a milestone and a submission."""
    settings.API_THROTTLE_RATE = "100000/min"
    settings.ALLOWED_HOSTS = ["*"]
    PlanItem.objects.create(
        programme=programme,
        kind=Kind.PROGRESS_REPORT,
        title="Report",
        starts_on=datetime.date(2024, 9, 1),
    )
    ours = [
        make_milestone(lead=member, starts_at=datetime.time(12)),
        make_milestone(
            kind=Kind.ON_SITE_VISIT,
            title="Visit",
            starts_on=datetime.date(2024, 5, 1),
            ends_on=datetime.date(2024, 6, 30),
            is_tentative=True,
        ),
        make_milestone(
            kind=Kind.JURY_MEETING,
            title="Jury",
            starts_at=datetime.time(10),
            ends_at=datetime.time(12),
        ),
    ]
    add_submission(ours[0], by=member)
    olga = make_person("olga@other.test", "Olga Other")
    services.add_membership(
        membership=Membership(person=olga, cluster=other_cluster, role=Role.COORDINATOR)
    )
    add_submission(make_milestone(cluster=other_cluster, title="Their strategy"), by=olga)
    rival_programme = Programme.objects.create(name="Rival Programme", slug="rival-programme")
    rival = Cluster.objects.create(programme=rival_programme, name="Rival", slug="rival")
    ron = make_person("ron@rival.test", "Ron Rival")
    services.add_membership(membership=Membership(person=ron, cluster=rival, role=Role.COORDINATOR))
    add_submission(make_milestone(cluster=rival, title="Rival strategy"), by=ron)
    return {
        "officer": (token_of(officer), FOREIGN - {"Their strategy", "other", "olga@other.test"}),
        "coordinator": (token_of(coordinator), FOREIGN),
        "member": (token_of(member), FOREIGN),
    }


# Every operation of the document, each its own test. (schemathesis.pytest.from_fixture, which
# would do this, reads a private attribute pytest 9 no longer has.)
OPERATIONS = [
    (method.upper(), path)
    for path, methods in SchemaGenerator().get_schema(public=True)["paths"].items()
    for method in methods
]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def wsgi_app():
    """Django's WSGI application, keeping the test's database connection between requests
    (as Django's test client does): its transaction holds the test's data."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_api_conforms_to_its_document_for_every_role(world, wsgi_app, method, path):
    live = schemathesis.openapi.from_wsgi("/api/v1/schema/", wsgi_app)
    operation = live[path][method]

    @given(case=operation.as_strategy())
    @hypothesis_settings(max_examples=20)
    def call_as_every_role(case):
        for raw_token, foreign in world.values():
            case.call_and_validate(
                headers={"Authorization": f"Bearer {raw_token}"},
                checks=[*CHECKS, no_foreign_objects(foreign)],
            )

    call_as_every_role()


def test_api_schema_is_json_and_names_every_resource(client, db):
    response = client.get("/api/v1/schema/")

    assert response["Content-Type"] == "application/vnd.oai.openapi+json"
    assert sorted(response.json()["paths"]) == [
        "/api/v1/clusters/",
        "/api/v1/clusters/{slug}/",
        "/api/v1/clusters/{slug}/people/",
        "/api/v1/milestones/",
        "/api/v1/milestones/{id}/",
        "/api/v1/milestones/{id}/confirm-day/",
        "/api/v1/milestones/{id}/date/",
        "/api/v1/milestones/{id}/status/",
        "/api/v1/plan-items/",
        "/api/v1/plan-items/{id}/",
        "/api/v1/programmes/",
        "/api/v1/programmes/{slug}/",
        "/api/v1/submissions/",
        "/api/v1/submissions/{id}/",
        "/api/v1/submissions/{id}/files/{file_pk}/",
    ]


def test_api_foreign_objects_are_404_for_every_role(client, world):
    theirs = Milestone.objects.get(title="Their strategy")
    rivals = Milestone.objects.get(title="Rival strategy")
    their_submission = Submission.objects.get(milestone=theirs)
    rival_submission = Submission.objects.get(milestone=rivals)

    def paths(milestone, submission, slug):
        return [
            f"/api/v1/milestones/{milestone.pk}/",
            f"/api/v1/submissions/{submission.pk}/",
            f"/api/v1/submissions/{submission.pk}/files/{submission.files.get().pk}/",
            f"/api/v1/clusters/{slug}/",
            f"/api/v1/clusters/{slug}/people/",
        ]

    foreign = {
        "officer": [
            *paths(rivals, rival_submission, "rival"),
            "/api/v1/programmes/rival-programme/",
        ],
        "coordinator": paths(theirs, their_submission, "other")
        + paths(rivals, rival_submission, "rival"),
        "member": paths(theirs, their_submission, "other")
        + paths(rivals, rival_submission, "rival"),
    }

    for role, (raw_token, _words) in world.items():
        assert {path: get(client, path, raw_token).status_code for path in foreign[role]} == {
            path: 404 for path in foreign[role]
        }, role


def test_foreign_words_finds_strings_at_any_depth():
    body = {"results": [{"cluster": "saxocell", "people": [{"email": "olga@other.test"}]}], "n": 3}

    assert foreign_words(body, FOREIGN) == {"olga@other.test"}


def test_api_docs_are_served_by_the_app_itself(client, db):
    page = client.get("/api/v1/docs/")
    script = client.get("/api/v1/docs/?script=")

    soup = BeautifulSoup(page.content, "html.parser")
    sources = [tag["src"] for tag in soup.select("script")]
    assert sources == [
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-standalone-preset.js",
        "/api/v1/docs/?script=",
    ]
    assert [tag["href"] for tag in soup.select("link[rel=stylesheet]")] == [
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css"
    ]
    assert soup.select_one("style")["nonce"] in page["Content-Security-Policy"]
    assert script["Content-Type"] == "application/javascript"
    assert '"/api/v1/schema/"' in script.content.decode()
