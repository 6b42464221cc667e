"""A real OpenID Provider on loopback for the single sign-on tests: the npm package
oidc-provider, run by node from tests/oidc_provider/ (`npm ci` there installs it).

Started per test, on a free loopback port, with the accounts the test names; the tracker is its
client. Where node or the package is missing the tests that need it are skipped with the
reason, except under CI=true (.ci/run), where that is a failure.
"""

import contextlib
import http.server
import json
import os
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

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


@contextlib.contextmanager
def token_endpoint_signing_with_another_key(provider):
    """A token endpoint on loopback in front of the provider's that hands out the provider's
    answer with the ID token signed again by a key of its own (same claims, same key id), as a
    proxy in the middle could; its URL. The tracker must refuse that token."""
    discovery = requests.get(f"{provider.issuer}/.well-known/openid-configuration", timeout=10)
    token_endpoint = discovery.json()["token_endpoint"]
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    class Resigning(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            headers = {
                name: self.headers[name]
                for name in ("Content-Type", "Authorization")
                if self.headers[name]
            }
            answer = requests.post(token_endpoint, data=body, headers=headers, timeout=10).json()
            original = answer["id_token"]
            answer["id_token"] = jwt.encode(
                jwt.decode(original, options={"verify_signature": False}),
                other_key,
                algorithm="RS256",
                headers={"kid": jwt.get_unverified_header(original)["kid"]},
            )
            reply = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Resigning)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/token"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
