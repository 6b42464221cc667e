"""A sign-in provider that is down or too slow: a clear page, not an error, and nothing made."""

import socket

import pytest

from milestones.models import Person
from tests.helpers import texts
from tests.test_sso_sign_in import APP


def use_provider(settings, issuer):
    app = {**APP, "settings": {"server_url": issuer}}
    settings.SSO_APPS = [app]
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": [app]}}


@pytest.fixture
def closed_port():
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


@pytest.fixture
def silent_port():
    """A port that takes connections (the kernel's backlog) and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    yield listener.getsockname()[1]
    listener.close()


def test_provider_down_gives_clear_page(client, db, settings, closed_port):
    use_provider(settings, f"http://127.0.0.1:{closed_port}")
    people = Person.objects.count()

    response = client.post("/accounts/oidc/uni/login/")

    assert response.status_code == 502
    assert texts(response, "main p") == [
        "Your organisation's sign-in service cannot be reached. Please try again in a few "
        "minutes, or log in with your password.",
        "Back to the log-in page",
    ]
    assert Person.objects.count() == people


def test_provider_slow_times_out_with_clear_page(client, db, settings, silent_port):
    use_provider(settings, f"http://127.0.0.1:{silent_port}")
    settings.SOCIALACCOUNT_REQUESTS_TIMEOUT = 1

    response = client.post("/accounts/oidc/uni/login/")

    assert response.status_code == 504
    assert texts(response, "h1") == ["Sign-in service unavailable"]
    assert texts(response, "main p")[0] == (
        "Your organisation's sign-in service did not answer in time. Please try again in a few "
        "minutes, or log in with your password."
    )
