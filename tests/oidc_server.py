"""A real OpenID Provider on loopback for the single sign-on tests: the npm package
oidc-provider, run by node from tests/oidc_provider/ (`npm ci` there installs it).

Started per test, on a free loopback port, with the accounts the test names; the tracker is its
client. Where node or the package is missing the tests that need it are skipped with the
reason, except under CI=true (.ci/run), where that is a failure.
"""

import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

FOLDER = Path(__file__).parent / "oidc_provider"
START_SECONDS = 30
CLIENT_ID = "c4f-tracker"
CLIENT_SECRET = "c4f-tracker-test-secret"


@dataclass
class OpenIDProvider:
    issuer: str
    process: subprocess.Popen

    def app(self, provider_id, label):
        """The provider as SSO_PROVIDERS makes it (milestones.sso.providers)."""
        return {
            "provider_id": provider_id,
            "name": label,
            "client_id": CLIENT_ID,
            "secret": CLIENT_SECRET,
            "settings": {"server_url": self.issuer},
        }


def skip_or_fail(reason):
    if os.environ.get("CI") == "true":
        pytest.fail(f"the OpenID Provider is needed under CI=true: {reason}")
    pytest.skip(reason)


def start(*, redirect_uris, accounts):
    """The provider, started; skips (or fails under CI) where it cannot start."""
    node = shutil.which("node")
    if node is None:
        skip_or_fail("no `node` (apt-get install nodejs npm)")
    if not (FOLDER / "node_modules" / "oidc-provider").exists():
        skip_or_fail(f"oidc-provider is not installed: run `npm ci` in {FOLDER}")
    config = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uris": redirect_uris,
        "accounts": accounts,
    }
    process = subprocess.Popen(
        [node, "server.js"],
        cwd=FOLDER,
        env={**os.environ, "OIDC_TEST_CONFIG": json.dumps(config)},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    deadline = time.monotonic() + START_SECONDS
    line = process.stdout.readline()
    if not line.startswith("listening ") or time.monotonic() > deadline:
        process.kill()
        process.wait(10)
        skip_or_fail(f"the OpenID Provider did not start (it said {line!r})")
    port = int(line.split()[1])
    return OpenIDProvider(issuer=f"http://127.0.0.1:{port}", process=process)


def stop(provider):
    provider.process.terminate()
    provider.process.wait(10)
    provider.process.stdout.close()
