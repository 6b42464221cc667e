"""Log-in lockouts, sessions, the production responses' headers and cookies, and the 503 page."""

import datetime
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import time_machine
from axes.models import AccessAttempt
from bs4 import BeautifulSoup
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from milestones.middleware import client_address
from tests.conftest import PASSWORD
from tests.smtp_server import TcpForwarder
from tests.test_settings import env_example, free_port

ROOT = Path(__file__).resolve().parent.parent
LOGIN = "/accounts/login/"
NOW = datetime.datetime(2024, 3, 1, 9, 0, tzinfo=datetime.UTC)


def log_in(client, email, password, address="192.0.2.10", **headers):
    return client.post(
        LOGIN, {"username": email, "password": password}, REMOTE_ADDR=address, **headers
    )


def heading(response):
    return BeautifulSoup(response.content, "html.parser").h1.get_text(strip=True)


# --- Lockouts (django-axes) ---------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_login_locks_user_and_address_after_five_failures(client, member):
    failures = [log_in(client, member.email, "wrong").status_code for _ in range(5)]

    locked = log_in(client, member.email, PASSWORD)

    assert failures == [200, 200, 200, 200, 429]
    assert (locked.status_code, heading(locked)) == (429, "Log-in paused")
    assert "_auth_user_id" not in client.session


@time_machine.travel(NOW, tick=False)
def test_lockout_page_explains_in_german(client, member):
    for _ in range(5):
        log_in(client, member.email, "wrong")

    locked = log_in(client, member.email, PASSWORD, HTTP_ACCEPT_LANGUAGE="de")

    paragraphs = [
        p.get_text(" ", strip=True)
        for p in BeautifulSoup(locked.content, "html.parser").select("article p")
    ]
    assert (heading(locked), paragraphs[0]) == (
        "Anmeldung pausiert",
        "Das Passwort oder ein Code des zweiten Faktors war 5-mal hintereinander falsch. Die "
        "Anmeldung für dieses Konto von Ihrer Adresse aus ist deshalb für 15 Minuten pausiert.",
    )


@time_machine.travel(NOW, tick=False)
def test_lockout_is_per_user_and_address_pair(client, member, coordinator):
    for _ in range(5):
        log_in(client, member.email, "wrong")

    same_user_elsewhere = log_in(Client(), member.email, PASSWORD, address="192.0.2.99")
    other_user_same_address = log_in(Client(), coordinator.email, PASSWORD)

    assert (same_user_elsewhere.status_code, other_user_same_address.status_code) == (302, 302)


@time_machine.travel(NOW, tick=False)
def test_lockout_counts_an_address_however_it_is_written(client, member):
    # Log-in ignores case and surrounding spaces, so the failures must be counted alike,
    # or every spelling of the address would get five more guesses.
    spellings = [member.email.upper(), member.email.title(), f" {member.email} "]
    spellings += [member.email.swapcase(), member.email.capitalize()]
    failures = [log_in(client, spelling, "wrong").status_code for spelling in spellings]

    locked = log_in(client, member.email, PASSWORD)

    assert failures == [200, 200, 200, 200, 429]
    assert locked.status_code == 429


def test_new_password_from_the_emailed_link_ends_the_lockout(client, member):
    lock_out(client, member)
    with time_machine.travel(NOW + datetime.timedelta(minutes=1), tick=False):
        client.post("/accounts/password_reset/", {"email": member.email})
        link = next(line for line in mail.outbox[-1].body.splitlines() if "://" in line)
        form = client.get(link, follow=True)
        client.post(
            form.redirect_chain[-1][0],
            {"new_password1": "a fresh Pass-phrase 42", "new_password2": "a fresh Pass-phrase 42"},
            REMOTE_ADDR="192.0.2.10",
        )
        response = log_in(client, member.email, "a fresh Pass-phrase 42")

    assert (response.status_code, response["Location"]) == (302, "/")


def lock_out(client, person):
    with time_machine.travel(NOW, tick=False):
        for _ in range(5):
            log_in(client, person.email, "wrong")


def test_lockout_holds_for_fifteen_minutes(client, member):
    lock_out(client, member)

    with time_machine.travel(NOW + datetime.timedelta(minutes=14, seconds=59), tick=False):
        response = log_in(client, member.email, PASSWORD)

    assert response.status_code == 429


def test_lockout_ends_after_fifteen_minutes(client, member):
    lock_out(client, member)

    with time_machine.travel(NOW + datetime.timedelta(minutes=15, seconds=1), tick=False):
        response = log_in(client, member.email, PASSWORD)

    assert (response.status_code, response["Location"]) == (302, "/")


def test_attempt_during_the_lockout_starts_the_fifteen_minutes_again(client, member):
    lock_out(client, member)
    with time_machine.travel(NOW + datetime.timedelta(minutes=10), tick=False):
        log_in(client, member.email, "guess")
    with time_machine.travel(NOW + datetime.timedelta(minutes=24, seconds=59), tick=False):
        still_locked = log_in(client, member.email, PASSWORD)

    with time_machine.travel(NOW + datetime.timedelta(minutes=40, seconds=1), tick=False):
        again = log_in(client, member.email, PASSWORD)

    assert (still_locked.status_code, again.status_code) == (429, 302)


@time_machine.travel(NOW, tick=False)
def test_successful_login_starts_the_count_again(client, member):
    for _ in range(4):
        log_in(client, member.email, "wrong")
    log_in(client, member.email, PASSWORD)
    Client().post(reverse("logout"))

    after = [log_in(Client(), member.email, "wrong").status_code for _ in range(4)]

    assert after == [200, 200, 200, 200]


def test_login_name_longer_than_any_account_is_refused_by_the_form(client, member):
    response = log_in(client, "x" * 300 + "@saxocell.test", PASSWORD)

    soup = BeautifulSoup(response.content, "html.parser")
    assert (
        response.status_code,
        [e.get_text(strip=True) for e in soup.select(".field-error")],
    ) == (
        200,
        ["Ensure this value has at most 254 characters (it has 314)."],
    )
    assert AccessAttempt.objects.count() == 0


def test_wrong_password_says_what_is_wrong_and_nothing_about_marks(client, member):
    response = log_in(client, "MEMBER@saxocell.test", "not-the-password")

    soup = BeautifulSoup(response.content, "html.parser")
    assert [p.get_text(" ", strip=True) for p in soup.select(".form-errors p")] == [
        "The email address or the password is not right. Capitals count in the password, "
        "not in the address."
    ]


def test_a_field_left_empty_is_marked_and_the_form_says_so(client, member):
    response = log_in(client, "member@saxocell.test", "")

    soup = BeautifulSoup(response.content, "html.parser")
    assert [p.get_text(" ", strip=True) for p in soup.select(".form-errors p")] == [
        "Please correct what is marked below; nothing you typed was lost."
    ]
    assert [e.get_text(strip=True) for e in soup.select(".field-error")] == [
        "This field is required."
    ]


def test_log_out_says_so_on_the_log_in_page(client, member):
    client.force_login(member)

    response = client.post(reverse("logout"), follow=True)

    soup = BeautifulSoup(response.content, "html.parser")
    assert response.redirect_chain == [("/accounts/login/", 302)]
    assert [m.get_text(strip=True) for m in soup.select(".message")] == ["You are logged out."]
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(
    ("account", "browser", "said"),
    [("de", "en", "You are logged out."), ("en", "de", "Sie sind abgemeldet.")],
)
def test_log_out_message_is_in_the_language_of_the_log_in_page(
    client, member, account, browser, said
):
    member.language = account
    member.save()
    client.force_login(member)

    response = client.post(reverse("logout"), follow=True, HTTP_ACCEPT_LANGUAGE=browser)

    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.html["lang"] == browser
    assert [m.get_text(strip=True) for m in soup.select(".message")] == [said]


def test_lockout_settings_never_lock_for_ever():
    assert (5, datetime.timedelta(minutes=15), [["username", "ip_address"]]) == (
        settings.AXES_FAILURE_LIMIT,
        settings.AXES_COOLOFF_TIME,
        settings.AXES_LOCKOUT_PARAMETERS,
    )


def request_from(address, forwarded_for=None):
    extra = {"REMOTE_ADDR": address}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().post(LOGIN, **extra)


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        # Nobody is trusted: a client's own X-Forwarded-For is ignored.
        (0, "203.0.113.5", "10.0.0.2"),
        (0, None, "10.0.0.2"),
        # One proxy: it appended the address it was reached from; what is left of it is the client's.
        (1, "198.51.100.66, 203.0.113.5", "203.0.113.5"),
        (1, "203.0.113.5", "203.0.113.5"),
        # Two proxies: the outer one's entry.
        (2, "198.51.100.66, 203.0.113.5, 10.0.0.9", "203.0.113.5"),
        # A shorter chain did not pass every proxy: only REMOTE_ADDR is known.
        (2, "203.0.113.5", "10.0.0.2"),
        (1, None, "10.0.0.2"),
    ],
)
def test_client_address_believes_only_the_trusted_proxies(proxies, forwarded_for, expected):
    with override_settings(TRUSTED_PROXY_COUNT=proxies, TRUSTED_PROXY_ADDRESSES=["10.0.0.0/8"]):
        found = client_address(request_from("10.0.0.2", forwarded_for))

    assert found == expected


@pytest.mark.parametrize(
    ("trusted", "expected"),
    [
        # The proxy is somewhere else: this client reached gunicorn directly.
        (["127.0.0.1", "::1"], "10.0.0.2"),
        (["10.0.0.3"], "10.0.0.2"),
        (["not an address"], "10.0.0.2"),
        (["10.0.0.2"], "203.0.113.5"),
        (["*"], "203.0.113.5"),
    ],
)
def test_client_address_ignores_forwarded_for_from_anyone_but_the_proxy(trusted, expected):
    with override_settings(TRUSTED_PROXY_COUNT=1, TRUSTED_PROXY_ADDRESSES=trusted):
        found = client_address(request_from("10.0.0.2", "203.0.113.5"))

    assert found == expected


@time_machine.travel(NOW, tick=False)
@override_settings(TRUSTED_PROXY_COUNT=1, TRUSTED_PROXY_ADDRESSES=["10.0.0.2"])
def test_lockout_behind_a_proxy_is_per_client_not_per_proxy(client, member):
    for _ in range(5):
        log_in(
            client, member.email, "wrong", address="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.5"
        )

    spoofing = log_in(
        Client(),
        member.email,
        PASSWORD,
        address="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.5",
    )
    neighbour = log_in(
        Client(), member.email, PASSWORD, address="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.6"
    )

    assert (spoofing.status_code, neighbour.status_code) == (429, 302)


@time_machine.travel(NOW, tick=False)
@override_settings(TRUSTED_PROXY_COUNT=1, TRUSTED_PROXY_ADDRESSES=["10.0.0.9"])
def test_lockout_holds_for_a_client_that_writes_its_own_forwarded_for(client, member):
    for attempt in range(5):
        log_in(
            client,
            member.email,
            "wrong",
            address="198.51.100.7",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}",
        )

    again = log_in(
        Client(),
        member.email,
        PASSWORD,
        address="198.51.100.7",
        HTTP_X_FORWARDED_FOR="203.0.113.99",
    )

    assert again.status_code == 429


# --- Sessions and passwords ------------------------------------------------------------------


def test_session_key_rotates_on_login(client, member):
    session = client.session
    session["before"] = "log-in"
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    before = session.session_key

    log_in(client, member.email, PASSWORD)

    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert (after != before, client.session.get("_auth_user_id")) == (True, str(member.pk))


def test_session_lasts_eight_hours(client, member):
    with time_machine.travel(NOW, tick=False):
        response = log_in(client, member.email, PASSWORD)
        cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    with time_machine.travel(NOW + datetime.timedelta(hours=7, minutes=59), tick=False):
        before = client.get("/").status_code

    with time_machine.travel(NOW + datetime.timedelta(hours=8, seconds=1), tick=False):
        after = client.get("/")

    assert (cookie["max-age"], before, after.status_code, after["Location"]) == (
        28800,
        200,
        302,
        "/accounts/login/?next=/",
    )


def test_password_validators_refuse_weak_passwords(client, member):
    client.force_login(member)

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )

    soup = BeautifulSoup(response.content, "html.parser")
    assert [e.get_text(strip=True) for e in soup.select(".field-error")] == [
        "This password is too common.",
        "This password is entirely numeric.",
    ]


# --- Production responses ---------------------------------------------------------------


# Production serves static files from collectstatic's manifest; these probes do not build one.
PLAIN_STATIC = """
import django
django.setup()
from django.test.utils import override_settings
override_settings(STORAGES={
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
}).enable()
"""

PROBE = (
    PLAIN_STATIC
    + """
import json
from django.conf import settings
from django.test import Client
response = Client().get("/accounts/login/", secure=True, headers={"host": "tracker.example.org"})
cookie = response.cookies[settings.CSRF_COOKIE_NAME]
print(json.dumps({
    "status": response.status_code,
    "headers": {name: response[name] for name in (
        "Strict-Transport-Security", "X-Frame-Options", "Content-Security-Policy",
        "Referrer-Policy", "X-Content-Type-Options", "Cross-Origin-Opener-Policy")},
    "csrf_cookie": [cookie.key, cookie["secure"], cookie["path"], cookie["domain"]],
    "session_cookie": [settings.SESSION_COOKIE_NAME, settings.SESSION_COOKIE_SECURE,
                       settings.SESSION_COOKIE_PATH, settings.SESSION_COOKIE_DOMAIN,
                       settings.SESSION_COOKIE_HTTPONLY, settings.SESSION_COOKIE_AGE],
    "plain_http": [Client().get("/accounts/login/", headers={"host": "tracker.example.org"}).status_code],
}))
"""
)


def run_probe(code, env):
    clean = {k: v for k, v in os.environ.items() if k not in env_example() and k != "DEBUG"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "c4f_tracker.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def directives(policy):
    """A Content-Security-Policy as {directive: sources}; django-csp does not keep the order."""
    return dict(part.split(" ", 1) for part in policy.split("; "))


def test_production_responses_carry_the_security_headers_and_host_cookies():
    output = json.loads(run_probe(PROBE, env_example()))
    output["headers"]["Content-Security-Policy"] = directives(
        output["headers"]["Content-Security-Policy"]
    )

    assert output == {
        "status": 200,
        "headers": {
            "Strict-Transport-Security": "max-age=31536000; includeSubDomains; preload",
            "X-Frame-Options": "DENY",
            # No nonce on this page: nothing asked for one, so none is allowed.
            "Content-Security-Policy": CSP,
            "Referrer-Policy": "same-origin",
            "X-Content-Type-Options": "nosniff",
            "Cross-Origin-Opener-Policy": "same-origin",
        },
        "csrf_cookie": ["__Host-csrftoken", True, "/", ""],
        "session_cookie": ["__Host-sessionid", True, "/", None, True, 28800],
        "plain_http": [301],
    }


def test_cluster_page_styles_carry_the_nonce_of_its_policy(client, member, make_milestone):
    make_milestone()
    client.force_login(member)

    response = client.get("/clusters/saxocell/")

    soup = BeautifulSoup(response.content, "html.parser")
    nonce = soup.select_one("head style")["nonce"]
    assert directives(response["Content-Security-Policy"]) == {
        **CSP,
        "style-src": f"'self' 'nonce-{nonce}'",
    }
    assert [tag.name for tag in soup.select("[style]")] == []
    assert len(nonce) >= 22


TEMPLATES = ROOT / "templates"
# Emails are read in mail clients, where the site's Content-Security-Policy does not apply and
# inline styles are the only styles that work.
EMAIL_TEMPLATES = TEMPLATES / "milestones" / "email"
INLINE = re.compile(
    r"""\sstyle\s*=|\son[a-z]+\s*=|<script(?![^>]*\ssrc=)|<style(?![^>]*\snonce=)""", re.I
)


def test_page_templates_have_no_inline_script_style_or_handlers():
    offending = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0).strip()}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        if EMAIL_TEMPLATES not in path.parents
        for match in INLINE.finditer(path.read_text())
    ]

    assert offending == []


# --- The database going away ----------------------------------------------------------------


def page_text(html):
    soup = BeautifulSoup(html, "html.parser")
    return [
        soup.h1.get_text(strip=True),
        *[p.get_text(strip=True) for p in soup.select("article p")],
    ]


DEAD_DATABASE_PROBE = (
    PLAIN_STATIC
    + """
import json
from django.test import Client
client = Client(raise_request_exception=False, headers={"host": "tracker.example.org", "accept-language": "%s"})
client.cookies["__Host-sessionid"] = "a-session-the-database-would-know"
response = client.get("/", secure=True)
print(json.dumps([response.status_code, response.get("Retry-After"), response.content.decode()]))
"""
)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            [
                "Back in a moment",
                "The tracker cannot reach its database just now. Nothing you saved before is lost.",
                "Please try again in 30 seconds.",
            ],
        ),
        (
            "de",
            [
                "Gleich wieder da",
                "Der Tracker erreicht seine Datenbank gerade nicht. Nichts, was Sie gespeichert "
                "haben, ist verloren.",
                "Bitte versuchen Sie es in 30 Sekunden noch einmal.",
            ],
        ),
    ],
)
def test_sqlite_database_that_cannot_be_opened_gives_the_503_page(tmp_path, language, expected):
    env = {**env_example(), "DATABASE_URL": f"sqlite:///{tmp_path / 'missing' / 'db.sqlite3'}"}

    status, retry_after, html = json.loads(run_probe(DEAD_DATABASE_PROBE % language, env))

    assert (status, retry_after, page_text(html)) == (503, "30", expected)


LIVE_THEN_DEAD_PROBE = (
    PLAIN_STATIC
    + """
import json, sys
from django.test import Client
client = Client(raise_request_exception=False, headers={"host": "tracker.example.org"})
results = [client.get("/feeds/unknown.ics", secure=True).status_code]
print("first", flush=True)
sys.stdin.readline()
response = client.get("/feeds/unknown.ics", secure=True)
results += [response.status_code, response.get("Retry-After")]
print(json.dumps(results), flush=True)
"""
)


@pytest.mark.postgres_only
def test_postgres_connection_lost_during_requests_gives_503(transactional_db):
    database = connection.settings_dict
    port = free_port()
    forwarder = TcpForwarder(port=port, target=(database["HOST"], int(database["PORT"] or 5432)))
    url = (
        f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@127.0.0.1:{port}/"
        f"{database['NAME']}"
    )
    clean = {k: v for k, v in os.environ.items() if k not in env_example() and k != "DEBUG"}
    probe = subprocess.Popen(
        [sys.executable, "-c", LIVE_THEN_DEAD_PROBE],
        cwd=ROOT,
        env={
            **clean,
            **env_example(),
            "DJANGO_SETTINGS_MODULE": "c4f_tracker.settings",
            "DATABASE_URL": url,
            # One connection kept across requests, as gunicorn's workers keep theirs.
            "CONN_MAX_AGE": "600",
            "LOG_LEVEL": "CRITICAL",
        },
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    first = probe.stdout.readline().strip()

    forwarder.stop()
    # Nothing listens on the port any more: reconnecting fails too.
    out, err = probe.communicate("go\n", timeout=60)
    others = wait_for_other_sessions_to_end()

    assert (first, json.loads(out), probe.returncode, others) == (
        "first",
        [404, 503, "30"],
        0,
        0,
    ), err


def wait_for_other_sessions_to_end(seconds=10):
    """The server notices a vanished client in its own time; the test database is dropped later."""
    deadline = time.monotonic() + seconds
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            (others,) = cursor.fetchone()
        if others == 0 or time.monotonic() > deadline:
            return others
        time.sleep(0.1)
