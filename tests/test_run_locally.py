"""`make run PORT=N`: the server on that port, every link at one site address that follows
it, and the app's own error pages rather than Django's debug pages."""

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
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_command_of_make(port):
    """The line `make run PORT=port` would start the server with (make -n prints it)."""
    printed = subprocess.run(
        ["make", "-n", "run", f"PORT={port}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={k: v for k, v in os.environ.items() if k not in ("SITE_URL", "PORT")},
    ).stdout
    return next(line for line in printed.splitlines() if "runserver" in line)


def test_make_run_passes_the_port_to_the_server_and_the_site_address():
    line = run_command_of_make(8123)

    assert line == (
        "SITE_URL=http://127.0.0.1:8123 DEBUG_PAGES=${DEBUG_PAGES:-False} "
        ".venv/bin/python manage.py runserver 127.0.0.1:8123"
    )


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback)
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def local_server(tmp_path):
    """`make run`'s server command on a free port, with the environment make gives it."""
    port = free_port()
    line = run_command_of_make(port)
    settings_part, _, command = line.partition(" .venv/bin/python ")
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DEBUG", "DEBUG_PAGES", "SITE_URL")},
        "DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}",
        **dict(
            part.split("=", 1)
            for part in settings_part.replace("${DEBUG_PAGES:-False}", "False").split()
        ),
    }
    server = subprocess.Popen(
        [sys.executable, *command.split(), "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}", env
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_make_run_shows_the_apps_own_404_page_and_serves_its_static_files(local_server):
    base, env = local_server

    status, html = get(f"{base}/no-such-page/")
    css_status, css = get(f"{base}/static/css/app.css")

    page = BeautifulSoup(html, "html.parser")
    assert (status, page.select_one("main h1").get_text()) == (404, "Not found")
    assert "URLconf" not in html
    assert (css_status, css.startswith("/* Only what Pico does not cover")) == (200, True)
    assert env["SITE_URL"] == base


def test_site_address_of_make_run_is_the_one_every_link_starts_with():
    line = run_command_of_make(8124)
    site_url = re.search(r"SITE_URL=(\S+)", line).group(1)
    probe = (
        "from django.conf import settings; from milestones.feeds.tokens import feed_url; "
        "print(settings.SITE_URL, settings.DEBUG, feed_url('x'))"
    )

    printed = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", probe],
        cwd=ROOT,
        env={**os.environ, "SITE_URL": site_url, "DEBUG_PAGES": "False"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    # The shell's own first line says what it imported.
    assert printed.splitlines()[-1].split() == [
        "http://127.0.0.1:8124",
        "False",
        "http://127.0.0.1:8124/feeds/x.ics",
    ]
