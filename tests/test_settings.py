"""Production settings, /healthz, and the deployment's own commands run without Docker."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent


def env_example():
    """The production environment that .env.example documents, with its placeholder key
    replaced as it tells the operator to."""
    return {**env_example_as_published(), "SECRET_KEY": GENERATED_KEY}


def env_example_as_published():
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name] = value.strip('"')
    return values


# What `python -c "import secrets; print(secrets.token_urlsafe(50))"` prints, once.
GENERATED_KEY = "kY3t0uN2b9QeHcVw7xR1mZs5LpA8dFgJ4iOyUjTqWrEzXvCnBm6aSl0hPo-K_D9fGh2"


def run_manage(*args, env):
    clean = {k: v for k, v in os.environ.items() if k not in env_example() and k != "DEBUG"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("unset", "named"),
    [
        (["SECRET_KEY"], "SECRET_KEY"),
        (["ALLOWED_HOSTS"], "ALLOWED_HOSTS"),
        (["SITE_URL"], "SITE_URL"),
        (["SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL"], "SECRET_KEY, ALLOWED_HOSTS, SITE_URL"),
    ],
)
def test_production_refuses_to_start_without_its_secrets(unset, named):
    env = {k: v for k, v in env_example().items() if k not in unset}

    result = run_manage("check", env=env)

    assert (result.returncode, result.stderr.strip().splitlines()[-1]) == (
        1,
        "django.core.exceptions.ImproperlyConfigured: DEBUG is off (production) and these "
        f"settings are missing from the environment: {named}. See .env.example.",
    )


KEY_REFUSAL = (
    "django.core.exceptions.ImproperlyConfigured: DEBUG is off (production) and SECRET_KEY is "
    "the example's placeholder or shorter than 50 characters. Generate one with: "
    'python -c "import secrets; print(secrets.token_urlsafe(50))"'
)


@pytest.mark.parametrize(
    "key",
    [
        env_example_as_published()["SECRET_KEY"],
        "REPLACE-" + GENERATED_KEY,
        GENERATED_KEY[:49],
    ],
    ids=["the example's", "a placeholder", "49 characters"],
)
def test_production_refuses_the_example_or_a_short_secret_key(key):
    result = run_manage("check", env={**env_example(), "SECRET_KEY": key})

    assert (result.returncode, result.stderr.strip().splitlines()[-1]) == (1, KEY_REFUSAL)


def test_production_refuses_to_believe_every_address_behind_a_proxy():
    env = {**env_example(), "FORWARDED_ALLOW_IPS": "*", "TRUSTED_PROXY_COUNT": "1"}

    result = run_manage("check", env=env)

    assert (result.returncode, result.stderr.strip().splitlines()[-1]) == (
        1,
        "django.core.exceptions.ImproperlyConfigured: FORWARDED_ALLOW_IPS=* with "
        "TRUSTED_PROXY_COUNT > 0 lets any client that reaches gunicorn name its own address and "
        "escape the log-in lockout: set FORWARDED_ALLOW_IPS to the address of the proxy in front "
        "of gunicorn.",
    )


def test_settings_refuse_to_keep_delivered_webhooks_for_no_days():
    result = run_manage("check", env={"WEBHOOK_DELIVERIES_KEEP_DAYS": "0"})

    assert (result.returncode, result.stderr.strip().splitlines()[-1]) == (
        1,
        "django.core.exceptions.ImproperlyConfigured: WEBHOOK_DELIVERIES_KEEP_DAYS must be a "
        "whole number of days, 1 or more.",
    )


def test_docker_compose_publishes_ports_on_the_host_itself_only():
    text = (ROOT / "docker-compose.yml").read_text()

    published = re.findall(r'^\s+- "([^"]+:\d+)"$', text, flags=re.MULTILINE)

    assert published == ["127.0.0.1:8000:8000", "127.0.0.1:8025:8025"]


def test_check_deploy_is_clean_with_the_documented_production_environment():
    result = run_manage("check", "--deploy", "--fail-level", "DEBUG", env=env_example())

    assert (result.returncode, result.stdout.strip()) == (
        0,
        "System check identified no issues (0 silenced).",
    )


def test_healthz_answers_ok_when_the_database_answers(db):
    response = Client().get("/healthz")

    assert (response.status_code, response.content) == (200, b"ok\n")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_healthz_answers_503_when_the_database_is_gone():
    # A port nothing listens on: the database does not answer.
    env = {"DATABASE_URL": f"postgres://nobody@127.0.0.1:{free_port()}/nothing"}
    code = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(r.status_code, r.content)"
    )

    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "c4f_tracker.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.stdout.strip() == "503 b'database unavailable\\n'"


def wait_for(url, *, seconds):
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback)
                return response.status, response.read()
        except urllib.error.HTTPError:
            raise
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_web_service_command_migrates_and_serves_with_production_settings(tmp_path):
    """docker-compose's web command (migrate, then gunicorn with its config) without Docker."""
    port = free_port()
    env = {
        **env_example(),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
    }
    migrate = run_manage("migrate", "--noinput", env=env)
    gunicorn = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "-c",
            "c4f_tracker/gunicorn.conf.py",
            "c4f_tracker.wsgi",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        # By address, over plain HTTP, as a load balancer asks: no redirect, no host check.
        status, body = wait_for(f"http://127.0.0.1:{port}/healthz", seconds=30)
    finally:
        gunicorn.terminate()
        log = gunicorn.communicate(timeout=30)[0].decode()

    assert (migrate.returncode, status, body) == (0, 200, b"ok\n")
    assert '"GET /healthz HTTP/1.1" 200' in log


def test_an_sqlite_database_keeps_a_write_ahead_log_and_syncs_every_commit(tmp_path):
    database = tmp_path / "c4f.sqlite3"
    script = (
        "from django.db import connection\n"
        "with connection.cursor() as cursor:\n"
        "    cursor.execute('PRAGMA journal_mode')\n"
        "    mode = cursor.fetchone()[0]\n"
        "    cursor.execute('PRAGMA synchronous')\n"
        "    print(mode, cursor.fetchone()[0])\n"
    )

    result = run_manage(
        "shell", "--no-imports", "-c", script, env={"DATABASE_URL": f"sqlite:///{database}"}
    )

    # 2 is FULL: a reminder recorded as sent stays recorded through a power cut.
    assert (result.returncode, result.stdout.split()) == (0, ["wal", "2"])
