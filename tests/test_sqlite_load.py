"""SQLite under real concurrent load: gunicorn as deployed, two coordinators editing while ten
calendar clients poll their feeds (each fetch writes its token's last use). Every request
must succeed and every edit must be kept.

C4F_LOAD_SECONDS sets how long the load runs (30 by default, as the issue measured it).
"""

import http.client
import http.cookies
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
SECONDS = float(os.environ.get("C4F_LOAD_SECONDS", "30"))
EDITORS = ("coordinator@saxocell.example", "coordinator@othercluster.example")
FEED_CLIENTS = 10
DEMO_PASSWORD = "demo-password"
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    ).stdout


class Browser:
    """One person's cookies and CSRF token over one keep-alive connection."""

    def __init__(self, port):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies = {}

    def __enter__(self):
        return self

    def __exit__(self, *exception):
        self.connection.close()

    def request(self, method, path, fields=None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.connection.port}{path}"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = http.cookies.SimpleCookie(header)
            self.cookies.update({name: morsel.value for name, morsel in cookie.items()})
        return response.status, response.headers, content

    def form(self, path, form_selector):
        """The fields of the page's form, as a browser would send them unchanged."""
        status, _, content = self.request("GET", path)
        assert status == 200, (path, status)
        form = BeautifulSoup(content, "html.parser").select_one(form_selector)
        fields = {}
        for element in form.select("input[name], textarea[name], select[name]"):
            name = element["name"]
            if element.name == "textarea":
                fields[name] = element.text
            elif element.name == "select":
                chosen = element.select("option[selected]")
                values = [option.get("value", option.text) for option in chosen]
                if element.has_attr("multiple"):
                    fields[name] = values
                elif values:
                    fields[name] = values[0]
            elif element.get("type") in ("checkbox", "radio"):
                if element.has_attr("checked"):
                    fields.setdefault(name, []).append(element.get("value", "on"))
            elif element.get("type") != "submit":
                fields[name] = element.get("value", "")
        return fields

    def log_in(self, email):
        fields = self.form("/accounts/login/", "main form[method=post]")
        fields.update(username=email, password=DEMO_PASSWORD)
        status, headers, _ = self.request("POST", "/accounts/login/", fields)
        assert (status, headers["Location"]) == (302, "/"), email


@pytest.fixture
def served_demo(tmp_path):
    """The demo data on a file SQLite database, served by gunicorn with its deployed config."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'load.sqlite3'}",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "DJANGO_SETTINGS_MODULE": "c4f_tracker.settings",
    }
    manage("migrate", "--noinput", env=env)
    manage("load_demo", env=env)
    feeds = [
        manage("feed_url", "member@saxocell.example", env=env).splitlines()[0]
        for _ in range(FEED_CLIENTS)
    ]
    gunicorn = subprocess.Popen(
        [GUNICORN, "-c", "c4f_tracker/gunicorn.conf.py", "c4f_tracker.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_serving(port)
        yield port, [urllib.parse.urlsplit(url).path for url in feeds], tmp_path / "load.sqlite3"
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)


def wait_until_serving(port, seconds=60):
    deadline = time.monotonic() + seconds
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def first_milestone_of(database, email):
    """The first milestone of the cluster that ``email`` coordinates."""
    with sqlite3.connect(database) as connection:
        (pk,) = connection.execute(
            "SELECT m.id FROM milestones_milestone m"
            " JOIN milestones_membership ms ON ms.cluster_id = m.cluster_id"
            " JOIN milestones_person p ON p.id = ms.person_id"
            " WHERE p.email = ? ORDER BY m.id LIMIT 1",
            [email],
        ).fetchone()
    return pk


def notes_kept(database, pk):
    """The milestone's status now, and the notes of its status changes of this test in order."""
    with sqlite3.connect(database) as connection:
        (status,) = connection.execute(
            "SELECT status FROM milestones_milestone WHERE id = ?", [pk]
        ).fetchone()
        notes = [
            row[0]
            for row in connection.execute(
                "SELECT history_change_reason FROM milestones_historicalmilestone"
                " WHERE id = ? AND history_change_reason LIKE 'load edit %' ORDER BY history_id",
                [pk],
            )
        ]
    return status, notes


def edit_until(stop, port, email, pk, results):
    """Change the milestone's status back and forth with a numbered note, and between two
    status changes send its edit form (a transaction that reads, then writes) as it is."""
    with Browser(port) as browser:
        edit_with(browser, stop, email, pk, results)


def edit_with(browser, stop, email, pk, results):
    browser.log_in(email)
    pages = {"status": f"/milestones/{pk}/status/", "edit": f"/milestones/{pk}/edit/"}
    number = 0
    while not stop.is_set():
        number += 1
        status = ("in-progress", "planned")[number % 2]
        fields = browser.form(pages["status"], "main form[method=post]")
        fields.update(status=status, note=f"load edit {number}")
        if send(browser, pages["status"], fields, pk, results):
            results["saved"].append((status, f"load edit {number}"))
        fields = browser.form(pages["edit"], "main form[method=post]")
        fields.update(reason=f"load check {number}")
        send(browser, pages["edit"], fields, pk, results)


def send(browser, path, fields, pk, results):
    status, headers, _ = browser.request("POST", path, fields)
    if status == 302 and headers["Location"] == f"/milestones/{pk}/":
        return True
    results["failed"].append((path, status))
    return False


def poll_until(stop, port, path, results):
    with Browser(port) as browser:
        while not stop.is_set():
            status, _, _ = browser.request("GET", path)
            (results["polled"] if status == 200 else results["failed"]).append((path, status))


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's own load test: it runs in the SQLite pass"
)
def test_sqlite_keeps_every_edit_while_coordinators_edit_and_calendars_poll(served_demo):
    port, feed_paths, database = served_demo
    stop = threading.Event()
    results = {email: {"saved": [], "failed": []} for email in EDITORS}
    polls = {"polled": [], "failed": []}
    milestones = {email: first_milestone_of(database, email) for email in EDITORS}
    workers = [
        threading.Thread(
            target=edit_until, args=(stop, port, email, milestones[email], results[email])
        )
        for email in EDITORS
    ] + [threading.Thread(target=poll_until, args=(stop, port, path, polls)) for path in feed_paths]

    for worker in workers:
        worker.start()
    stop.wait(SECONDS)
    stop.set()
    for worker in workers:
        worker.join(timeout=120)

    failed = polls["failed"] + [f for email in EDITORS for f in results[email]["failed"]]
    kept = {email: notes_kept(database, milestones[email]) for email in EDITORS}
    expected = {
        email: (results[email]["saved"][-1][0], [note for _, note in results[email]["saved"]])
        for email in EDITORS
    }
    assert (failed, kept) == ([], expected)
    # The load was real: both editors and the calendars got through many times.
    assert min(len(results[email]["saved"]) for email in EDITORS) >= 5
    assert len(polls["polled"]) >= 10 * FEED_CLIENTS
