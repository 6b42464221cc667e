"""Shared fixtures: a programme with two competing clusters and one person in every role."""

import datetime
import os

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import translation
from hypothesis import HealthCheck, settings

from milestones import services
from milestones.models import (
    Cluster,
    Kind,
    Membership,
    Milestone,
    Person,
    Programme,
    ProgrammeOfficer,
    Responsibility,
    ResponsibilityRole,
    Role,
)
from tests.smtp_server import LoopbackSMTPServer

PASSWORD = "a-test-password-9"

# PBKDF2 is slow on purpose, and the suite makes a few people in nearly every test; the
# production hasher is kept where hashing itself is under test (tests/test_settings.py).
django_settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Property-based tests (tests/test_bad_input.py) stay quick: 50 examples each, no deadline (the
# first request of a test renders templates from cold). Their examples share the test's
# database transaction, which is what the function-scoped fixtures they use are for. "ci" is
# fewer examples in a fixed order, so that a red build can be repeated.
_COMMON = {
    "deadline": None,
    "database": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
settings.register_profile("default", max_examples=50, **_COMMON)
settings.register_profile("ci", max_examples=25, derandomize=True, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def pytest_collection_modifyitems(config, items):
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL to a postgres:// URL)")
    for item in items:
        if "postgres_only" in item.keywords and connection.vendor != "postgresql":
            item.add_marker(skip)


@pytest.fixture
def programme(db):
    return Programme.objects.create(name="Clusters4Future", slug="c4f", funder="BMBF")


@pytest.fixture
def cluster(programme):
    return Cluster.objects.create(programme=programme, name="SaxoCell", slug="saxocell")


@pytest.fixture
def other_cluster(programme):
    return Cluster.objects.create(programme=programme, name="Other Cluster", slug="other")


def make_person(email, name, **fields):
    return Person.objects.create_user(email, PASSWORD, name=name, **fields)


@pytest.fixture
def coordinator(cluster):
    person = make_person("coordinator@saxocell.test", "Carla Coordinator")
    services.add_membership(
        membership=Membership(person=person, cluster=cluster, role=Role.COORDINATOR)
    )
    return person


@pytest.fixture
def member(cluster):
    person = make_person("member@saxocell.test", "Max Member")
    services.add_membership(membership=Membership(person=person, cluster=cluster, role=Role.MEMBER))
    return person


@pytest.fixture
def other_coordinator(other_cluster):
    person = make_person("coordinator@other.test", "Olga Other")
    services.add_membership(
        membership=Membership(person=person, cluster=other_cluster, role=Role.COORDINATOR)
    )
    return person


@pytest.fixture
def officer(programme):
    person = make_person("officer@c4f.test", "Otto Officer")
    ProgrammeOfficer.objects.create(person=person, programme=programme)
    return person


@pytest.fixture
def make_milestone(cluster):
    """Create a milestone (a day on 2 April 2024 unless told otherwise), optionally with a lead."""

    def make(*, lead=None, contributors=(), **fields):
        fields.setdefault("cluster", cluster)
        fields.setdefault("kind", Kind.STRATEGY_SUBMISSION)
        fields.setdefault("title", "Cluster strategy")
        fields.setdefault("starts_on", datetime.date(2024, 4, 2))
        milestone = Milestone(**fields)
        milestone.full_clean()
        services.add_milestone(milestone=milestone, by=None)
        if lead is not None:
            responsibility = Responsibility(
                milestone=milestone, person=lead, role=ResponsibilityRole.LEAD
            )
            services.add_responsibility(responsibility=responsibility)
        for person in contributors:
            responsibility = Responsibility(milestone=milestone, person=person)
            services.add_responsibility(responsibility=responsibility)
        return milestone

    return make


@pytest.fixture
def smtp(settings):
    """A real SMTP server on loopback (tests/smtp_server.py) that Django's email goes to."""
    server = LoopbackSMTPServer()
    use_smtp(settings, server.port)
    yield server
    server.stop()


def use_smtp(settings, port):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 1
    settings.SITE_URL = "https://tracker.test"
    settings.DEFAULT_FROM_EMAIL = "C4F Tracker <tracker@c4f.test>"


@pytest.fixture(autouse=True)
def submissions_in_a_temporary_folder(settings, tmp_path):
    """Submitted files of a test go to its own folder, never to the checkout's var/."""
    settings.STORAGES = {
        **settings.STORAGES,
        "submissions": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "submissions", "base_url": None},
        },
    }


@pytest.fixture(autouse=True)
def site_language():
    """Each test starts in the site's language: a request in German leaves German active in
    its thread, and a service called next would write in it."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
