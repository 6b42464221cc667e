"""`make bench`: builds its own data and measures the figures of README.md's Performance section.

    python -m benchmarks.run            # both sizes; BENCH_SIZES=small for the small one only

SQLite (benchmarks/bench.sqlite3) unless DATABASE_URL names a PostgreSQL database whose name
ends in "bench" (it is emptied). Every figure is the median of repeated runs, and the runs of
a comparison alternate, so that the machine's noise falls on all of them alike. Prints a
table and writes benchmarks/results.json.
"""

import datetime
import json
import os
import platform
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from benchmarks import data, dayfinding, peers, submissions, webhooks  # noqa: E402
from benchmarks.api import api_figures, api_lines  # noqa: E402
from benchmarks.exports import export_figures, export_lines  # noqa: E402
from milestones.feeds.tokens import find_feed_token, issue_feed_token  # noqa: E402
from milestones.models import (  # noqa: E402
    Milestone,
    Reminder,
    ReminderKind,
    ReminderState,
    RenderedEvent,
    Responsibility,
)
from milestones.reminders.messages import build_message  # noqa: E402
from milestones.reminders.sending import send_due_reminders  # noqa: E402

BENCH_DIR = Path(__file__).resolve().parent
REPEAT = int(os.environ.get("BENCH_REPEAT", "15"))
LOAD_SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "30"))
LOAD_CLIENTS = [int(n) for n in os.environ.get("BENCH_CLIENTS", "50,100").split(",")]
EMAILS = int(os.environ.get("BENCH_EMAILS", "10000"))
SMTP_RUNS = int(os.environ.get("BENCH_SMTP_RUNS", "3"))
# Requests of each page before its figures are taken.
WARM_UP = 10
SIZES = os.environ.get("BENCH_SIZES", "small,large").split(",")


def median_ms(runs):
    return round(statistics.median(runs) * 1000, 3)


def side_by_side(candidates, repeat=REPEAT):
    """Median milliseconds of each candidate, their runs interleaved; (setup, run) pairs."""
    times = {name: [] for name in candidates}
    for _ in range(repeat):
        for name, (setup, run) in candidates.items():
            if setup is not None:
                setup()
            started = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - started)
    return {name: median_ms(runs) for name, runs in times.items()}


def queries_of(function):
    with CaptureQueriesContext(connection) as context:
        function()
    return len(context)


def check(response, status=200):
    if response.status_code != status:
        raise RuntimeError(f"{response.status_code} instead of {status}: {response.content[:300]}")
    return response


# 1 and 2: the programme feed of 700 events


COLD, WARM, REVALIDATION = (
    "ours, cold",
    "ours, warm (one milestone changed)",
    "ours, 304 revalidation",
)


def our_feed_runs(client, path, milestone):
    """(setup, run) of each of our feed's cases: cold, warm after one change, and a 304."""
    etag = {}

    def drop_cache():
        RenderedEvent.objects.all().delete()

    def change_one():
        milestone.save()

    def render_once():
        check(client.get(path))

    def fresh_etag():
        etag["value"] = check(client.get(path))["ETag"]

    def revalidate():
        check(client.get(path, headers={"if-none-match": etag["value"]}), 304)

    return {
        COLD: (drop_cache, render_once),
        WARM: (change_one, render_once),
        REVALIDATION: (fresh_etag, revalidate),
    }


def feed_figures(world):
    token, raw_token = issue_feed_token(
        person=world["officer"], scope=world["feed_scope"], programme=world["programme"]
    )
    client = Client()
    path = reverse("milestones:feed", kwargs={"token": raw_token})
    events = peers.plain_events(token=find_feed_token(raw_token))
    peer_view = peers.django_ical_view(token=token, raw_token=raw_token)
    assert peer_view().count(b"BEGIN:VEVENT") == len(events)
    assert check(client.get(path)).content.count(b"BEGIN:VEVENT") == len(events)
    ours = our_feed_runs(
        client, path, Milestone.objects.filter(cluster__programme=world["programme"]).first()
    )
    times = side_by_side(
        {
            "icalendar floor": (None, lambda: peers.icalendar_floor(events)),
            "string floor": (None, lambda: peers.string_floor(events)),
            "django-ical": (None, peer_view),
            **ours,
        }
    )
    queries = {}
    for name, (setup, run) in ours.items():
        setup()
        queries[name] = queries_of(run)
    return {
        "events": len(events),
        "ms": times,
        "queries": queries,
        "ratios": {
            "cold / icalendar floor": round(times[COLD] / times["icalendar floor"], 2),
            "cold / django-ical": round(times[COLD] / times["django-ical"], 2),
            "warm / string floor": round(times[WARM] / times["string floor"], 2),
            "304 / warm": round(times[REVALIDATION] / times[WARM], 2),
        },
        "token": raw_token,
    }


# 3: pages


def page_figures(world):
    officer, coordinator = Client(), Client()
    officer.force_login(world["officer"])
    coordinator.force_login(world["coordinator"])
    pages = {
        "trivial page": (officer, "/bench/trivial/"),
        "dashboard (coordinator)": (coordinator, reverse("milestones:dashboard")),
        "dashboard (officer)": (officer, reverse("milestones:dashboard")),
        "cluster page": (coordinator, reverse("milestones:cluster", args=[world["cluster"].slug])),
        "programme matrix": (
            officer,
            reverse("milestones:programme", args=[world["programme"].slug]),
        ),
        "programme timeline": (
            officer,
            reverse("milestones:programme_timeline", args=[world["programme"].slug]),
        ),
    }
    # The state of a worker that has served a few requests: templates loaded and, on
    # PostgreSQL, the page's statements prepared and past their first plans.
    for _ in range(WARM_UP):
        for client, path in pages.values():
            check(client.get(path))
    times = side_by_side(
        {
            name: (None, lambda client=client, path=path: check(client.get(path)))
            for name, (client, path) in pages.items()
        },
    )
    queries = {
        name: queries_of(lambda client=client, path=path: check(client.get(path)))
        for name, (client, path) in pages.items()
    }
    return {
        "ms": times,
        "queries": queries,
        "ratio to trivial": {
            name: round(ms / times["trivial page"], 2) for name, ms in times.items()
        },
        "session": officer.cookies[settings.SESSION_COOKIE_NAME].value,
    }


# 4: reminders


def sweep_figures():
    """A round with nothing due, in a process of its own (its peak memory is the sweep's)."""
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.sweep"],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "benchmarks.settings"},
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def start_sink():
    sink = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.smtp_sink"], stdout=subprocess.PIPE, text=True
    )
    return sink, int(sink.stdout.readline())


def due_reminders_for_sending(count, now):
    """Up to ``count`` pending reminders, each its own email: one to each of that many people
    responsible for an open milestone (a round sends only to those)."""
    Reminder.objects.all().delete()
    responsible = list(
        Responsibility.objects.filter(
            milestone__in=Milestone.objects.open().filter(
                starts_on__gt=now.date() + datetime.timedelta(days=1)
            )
        )
        .order_by("milestone_id", "person_id")
        .values_list("milestone_id", "person_id", "milestone__date_version")[:count]
    )
    Reminder.objects.bulk_create(
        (
            Reminder(
                milestone_id=milestone_id,
                person_id=person_id,
                kind=ReminderKind.BEFORE,
                lead_days=7,
                date_version=date_version,
                due_at=now - datetime.timedelta(minutes=1),
                next_attempt_at=now - datetime.timedelta(minutes=1),
            )
            for milestone_id, person_id, date_version in responsible
        ),
        batch_size=5000,
    )


def envelopes_of_due_reminders(now):
    """What each pending reminder's email would be, as (sender, recipients, bytes)."""
    pending = Reminder.objects.filter(state=ReminderState.PENDING).select_related(
        "milestone__cluster__programme", "person"
    )
    return [
        (
            settings.DEFAULT_FROM_EMAIL,
            [reminder.person.email],
            build_message(person=reminder.person, reminders=[reminder], now=now)
            .message()
            .as_bytes(linesep="\r\n"),
        )
        for reminder in pending
    ]


def smtp_pair(now, port):
    """One side-by-side run: ``EMAILS`` due reminders (fewer if the data has fewer people
    responsible) sent by a bare smtplib loop (their messages built beforehand, not timed) and
    by a reminder round through Django's email backend; seconds of each, and the number of
    emails."""
    due_reminders_for_sending(EMAILS, now)
    envelopes = envelopes_of_due_reminders(now)
    started = time.perf_counter()
    peers.bare_smtplib(envelopes, port=port)
    bare = time.perf_counter() - started
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=port,
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
    ):
        started = time.perf_counter()
        summary = send_due_reminders(now=now)
        ours = time.perf_counter() - started
    if summary.sent != len(envelopes):
        raise RuntimeError(f"sent {summary.sent} of {len(envelopes)}")
    return bare, ours, len(envelopes)


def smtp_figures():
    """Reminder emails per second through Django's backend, beside a bare smtplib loop to the
    same sink: the run of median speed out of SMTP_RUNS."""
    now = data.quiet_moment()
    sink, port = start_sink()
    try:
        pairs = sorted((smtp_pair(now, port) for _ in range(SMTP_RUNS)), key=lambda p: p[2] / p[1])
    finally:
        sink.terminate()
        sink.wait(10)
    bare, ours, emails = pairs[len(pairs) // 2]
    return {
        "emails": emails,
        "runs": SMTP_RUNS,
        "django backend per s": round(emails / ours, 1),
        "bare smtplib per s": round(emails / bare, 1),
        "django backend per s of the runs": [round(n / o, 1) for _b, o, n in pairs],
    }


# 5: under load


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wrk(url, clients, cookie=None):
    # A 10 s client timeout, not wrk's 2 s: a slow answer is latency (p99), not an error.
    command = [
        "wrk",
        "-t2",
        f"-c{clients}",
        f"-d{LOAD_SECONDS}s",
        "--timeout",
        "10s",
        "--latency",
        url,
    ]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603

    def latency(percent):
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)", output, re.MULTILINE)
        value, unit = float(match[1]), match[2]
        return round(value * {"us": 0.001, "ms": 1, "s": 1000}[unit], 2)

    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {
        "clients": clients,
        "req/s": float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),
        "p50 ms": latency(50),
        "p99 ms": latency(99),
        "errors": (int(non_2xx[1]) if non_2xx else 0),
        "socket errors": socket_errors[1].strip() if socket_errors else "none",
    }


def load_figures(feed_token, session):
    port = free_port()
    workers = 2 * os.cpu_count() + 1
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "c4f_tracker/gunicorn.conf.py",
            "c4f_tracker.wsgi",
        ],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": str(workers),
            "CONN_MAX_AGE": "60",
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=BENCH_DIR.parent,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        results = {"workers": workers, "seconds": LOAD_SECONDS, "runs": []}
        for clients in LOAD_CLIENTS:
            for name, url, cookie in [
                ("feed", f"{base}/feeds/{feed_token}.ics", None),
                ("dashboard (officer)", f"{base}/", f"{settings.SESSION_COOKIE_NAME}={session}"),
            ]:
                results["runs"].append({"endpoint": name, **wrk(url, clients, cookie)})
        return results
    finally:
        server.terminate()
        server.wait(30)


# The machine, and the table


def machine():
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
    else:
        database = f"SQLite {sqlite3.sqlite_version}"
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": database,
        "date": timezone.now().date().isoformat(),
    }


def short_plan(plan):
    """The access path of the database's plan, without the rest of it."""
    found = re.search(
        r"(milestones_milestone USING INDEX \w+|Bitmap Index Scan on \w+"
        r"|Index Scan using \w+ on milestones_milestone|SCAN milestones_milestone"
        r"|Seq Scan on milestones_milestone)",
        plan,
    )
    return found[1] if found else plan[:80]


def feed_table(feed):
    lines = [f"| 1-2. programme feed, {feed['events']} events | median ms | queries |"]
    lines.append("| --- | ---: | ---: |")
    for name, ms in feed["ms"].items():
        lines.append(f"| {name} | {ms} | {feed['queries'].get(name, '')} |")
    # Figures, not targets: the feed's code is plain library code whatever they say.
    lines += ["", "| ratio | value |", "| --- | ---: |"]
    lines += [f"| {name} | {value} |" for name, value in feed["ratios"].items()]
    return [*lines, ""]


def table(results):
    lines = []
    add = lines.append
    info = results["machine"]
    add(
        f"Machine: {info['nproc']} x {info['cpu']}, Python {info['python']}, "
        f"Django {info['django']}, {info['database']}, {info['date']}"
    )
    add("")
    feed = results.get("feed")
    if feed:
        lines.extend(feed_table(feed))
    pages = {size: results[size]["pages"] for size in SIZES if "pages" in results.get(size, {})}
    if pages:
        header = " | ".join(f"{size}: ms, x trivial, queries" for size in pages)
        add(f"| 3. page | {header} |")
        add("| --- |" + " ---: |" * len(pages))
        for name in next(iter(pages.values()))["ms"]:
            cells = " | ".join(
                f"{page['ms'][name]} ms, {page['ratio to trivial'][name]}x, {page['queries'][name]}"
                for page in pages.values()
            )
            add(f"| {name} | {cells} |")
        add("")
    for size in SIZES:
        if "exports" in results.get(size, {}):
            add(export_lines(size, results[size]["exports"]))
    for size in SIZES:
        if "api" in results.get(size, {}):
            add(api_lines(size, results[size]["api"]))
    for size in SIZES:
        sweep = results.get(size, {}).get("sweep")
        if sweep:
            add(
                f"4. reminder round, nothing due, {results[size]['milestones']} milestones: "
                f"{sweep['seconds'] * 1000:.1f} ms, {sweep['queries']} queries, "
                f"peak RSS {sweep['peak_rss_mb']:.0f} MB; found by: {short_plan(sweep['plan'])}"
            )
    smtp = results.get("smtp")
    if smtp:
        add(
            f"4. {smtp['emails']} reminder emails to an SMTP sink on loopback: "
            f"{smtp['django backend per s']}/s through Django's email backend (target >= 100/s; "
            f"the median of {smtp['runs']} runs: "
            f"{', '.join(str(r) for r in smtp['django backend per s of the runs'])}); "
            f"a bare smtplib loop, messages built beforehand: {smtp['bare smtplib per s']}/s"
        )
    if "submissions" in results:
        add(submissions.table(results["submissions"]))
    if "dayfinding" in results:
        add(dayfinding.table(results["dayfinding"]))
    if "webhooks" in results:
        add(webhooks.table(results["webhooks"]))
    load = results.get("load")
    if load:
        add("")
        add(
            f"| 5. gunicorn, {load['workers']} workers, {load['seconds']} s | clients | req/s "
            "| p50 ms | p99 ms | errors |"
        )
        add("| --- | ---: | ---: | ---: | ---: | ---: |")
        for run in load["runs"]:
            errors = run["errors"]
            if run["socket errors"] != "none":
                errors = f"{errors}; socket: {run['socket errors']}"
            add(
                f"| {run['endpoint']} | {run['clients']} | {run['req/s']} | {run['p50 ms']} "
                f"| {run['p99 ms']} | {errors} |"
            )
    return "\n".join(lines)


def main():
    name = settings.DATABASES["default"]["NAME"]
    if connection.vendor != "sqlite" and not str(name).endswith("bench"):
        sys.exit(f"The benchmark empties its database; {name!r} does not end in 'bench'.")
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    results = {"machine": machine()}
    for size in SIZES:
        started = time.perf_counter()
        world = data.build(size)
        # A web worker's connection lives at most CONN_MAX_AGE (60 s in production), so none
        # serves the large data with statements prepared while the data was small: on such a
        # connection PostgreSQL kept planning the officer's dashboard query afresh at every
        # request (about 0.4 ms), its earlier plans for the small data being so cheap. The
        # measurements of each size start on a new connection.
        connection.close()
        results[size] = {
            "milestones": world["milestones"],
            "build seconds": round(time.perf_counter() - started, 1),
        }
        print(
            f"{size}: {world['milestones']} milestones built in {results[size]['build seconds']} s",
            flush=True,
        )
        if size == "small":
            results["feed"] = feed_figures(world)
            print("feed measured", flush=True)
        results[size]["pages"] = page_figures(world)
        print("pages measured", flush=True)
        results[size]["exports"] = export_figures(
            world, side_by_side=side_by_side, check=check, queries_of=queries_of
        )
        print("exports measured", flush=True)
        results[size]["api"] = api_figures(
            world, side_by_side=side_by_side, check=check, queries_of=queries_of
        )
        print("API measured", flush=True)
        if size == "small" and LOAD_SECONDS > 0 and shutil.which("wrk"):
            results["load"] = load_figures(
                results["feed"].pop("token"), results[size]["pages"].pop("session")
            )
            print("load measured", flush=True)
        results[size]["pages"].pop("session", None)
        results[size]["sweep"] = sweep_figures()
        print("sweep measured", flush=True)
        if size == SIZES[-1]:
            results["smtp"] = smtp_figures()
            print("smtp measured", flush=True)
    results["submissions"] = submissions.figures()
    print("submitted files measured", flush=True)
    results["dayfinding"] = dayfinding.figures()
    print("day-finding measured", flush=True)
    results["webhooks"] = webhooks.figures()
    print("webhooks measured", flush=True)
    text = table(results)
    print()
    print(text)
    (BENCH_DIR / "results.json").write_text(json.dumps(results, indent=2, default=str) + "\n")


if __name__ == "__main__":
    main()
