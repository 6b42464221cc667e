"""send_reminders as processes: several workers at once, a worker killed, the loop through
outages of the mail server and the database, and SQLite's one round at a time."""

import datetime
import os
import signal
import sqlite3
import subprocess
import sys
import threading

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from milestones.models import (
    Kind,
    Membership,
    Milestone,
    Person,
    Reminder,
    ReminderSchedule,
    ReminderState,
    Responsibility,
)
from milestones.reminders.sending import WAITING_FOR_ANOTHER_ROUND
from tests.smtp_server import LoopbackSMTPServer, RefusingPort, TcpForwarder

WORKER_NOW = "2024-04-09T08:00:00+02:00"


def make_many_due_reminders(cluster, *, milestones, people):
    """``milestones`` deadlines on 16 April 2024, each with ``people`` people responsible."""
    persons = Person.objects.bulk_create(
        Person(email=f"person-{n}@saxocell.test", name=f"Person {n}", password="!")
        for n in range(people)
    )
    Membership.objects.bulk_create(Membership(person=person, cluster=cluster) for person in persons)
    created = Milestone.objects.bulk_create(
        Milestone(
            cluster=cluster,
            kind=Kind.STRATEGY_SUBMISSION,
            title=f"Deliverable {n}",
            starts_on=datetime.date(2024, 4, 16),
        )
        for n in range(milestones)
    )
    Responsibility.objects.bulk_create(
        Responsibility(milestone=milestone, person=person)
        for milestone in created
        for person in persons
    )
    return milestones * people


def worker(smtp_port, *arguments, database_port=None, database_url=None):
    """A ``manage.py send_reminders`` process against the test database (or another)."""
    database = connection.settings_dict
    url = database_url or (
        f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@{database['HOST']}:"
        f"{database_port or database['PORT'] or 5432}/{database['NAME']}"
    )
    environment = {
        **os.environ,
        "DATABASE_URL": url,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "EMAIL_TIMEOUT": "10",
        "LOG_LEVEL": "WARNING",
        "REMINDER_RETRY_AFTER": "1",
    }
    return subprocess.Popen(
        [
            sys.executable,
            str(settings.BASE_DIR / "manage.py"),
            "send_reminders",
            *(arguments or ("--now", WORKER_NOW)),
        ],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


class Lines:
    """A process's output, read line by line in a thread of its own, to wait on."""

    def __init__(self, stream):
        self.lines = []
        self.ended = False
        self.changed = threading.Condition()
        self.thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self.thread.start()

    def _read(self, stream):
        with stream:
            for line in stream:
                with self.changed:
                    self.lines.append(line.rstrip("\n"))
                    self.changed.notify_all()
        with self.changed:
            self.ended = True
            self.changed.notify_all()

    def wait_for(self, text, *, seconds=60):
        """Wait until a line contains ``text``; fails when the stream ends first."""

        def seen():
            return any(text in line for line in self.lines)

        with self.changed:
            self.changed.wait_for(lambda: seen() or self.ended, seconds)
            assert seen(), (text, self.lines)

    def all(self):
        """Every line, once the stream has ended."""
        self.thread.join(60)
        return self.lines


def ended(process, *, seconds=60):
    """Wait for the process; its output and error lines."""
    out, err = Lines(process.stdout), Lines(process.stderr)
    process.wait(seconds)
    return out.all(), err.all()


def received_pairs(smtp):
    return [(m["To"], m["Subject"]) for m in smtp.handler.messages()]


@pytest.mark.postgres_only
def test_four_workers_at_once_send_each_reminder_exactly_once(transactional_db, smtp, cluster):
    expected = make_many_due_reminders(cluster, milestones=40, people=60)

    workers = [worker(smtp.port) for _ in range(4)]
    outputs = [process.communicate(timeout=300) for process in workers]

    pairs = received_pairs(smtp)
    summaries = [out.strip() for out, _err in outputs]
    sent_per_worker = [int(summary.split(",")[0].removeprefix("sent ")) for summary in summaries]
    assert [process.returncode for process in workers] == [0, 0, 0, 0], outputs
    assert (len(pairs), len(set(pairs)), sum(sent_per_worker)) == (expected, expected, expected)
    assert Reminder.objects.filter(state=ReminderState.SENT).count() == expected
    assert Reminder.objects.exclude(state=ReminderState.SENT).filter(lead_days=7).count() == 0


@pytest.mark.postgres_only
def test_three_workers_at_once_send_each_digest_as_one_email(transactional_db, smtp, cluster):
    make_many_due_reminders(cluster, milestones=2, people=100)
    Person.objects.update(reminder_mode="digest")

    workers = [worker(smtp.port) for _ in range(3)]
    outputs = [process.communicate(timeout=300) for process in workers]

    recipients = [message["To"] for message in smtp.handler.messages()]
    assert [process.returncode for process in workers] == [0, 0, 0], outputs
    assert (len(recipients), len(set(recipients))) == (100, 100)
    assert Reminder.objects.filter(lead_days=7, state=ReminderState.SENT).count() == 200


SQLITE_DATA = """
from milestones.models import Cluster, Programme
from tests.test_send_reminders_workers import make_many_due_reminders
programme = Programme.objects.create(name="Clusters4Future", slug="c4f", funder="BMBF")
cluster = Cluster.objects.create(programme=programme, name="SaxoCell", slug="saxocell")
make_many_due_reminders(cluster, milestones=3, people=4)
"""


def sqlite_file_database(path):
    """A SQLite file database of its own, migrated, with 12 reminders due at WORKER_NOW."""
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "LOG_LEVEL": "WARNING"}
    for command in (["migrate", "--verbosity", "0"], ["shell", "--command", SQLITE_DATA]):
        subprocess.run(
            [sys.executable, str(settings.BASE_DIR / "manage.py"), *command],
            env=environment,
            cwd=settings.BASE_DIR,
            capture_output=True,
            check=True,
        )
    return f"sqlite:///{path}"


def hold_the_first_email(smtp):
    """Make the server keep the first email's content until told: (arrived, release)."""
    arrived, release = threading.Event(), threading.Event()

    def hold_the_first(_content):
        if not arrived.is_set():
            arrived.set()
            release.wait(60)

    smtp.handler.on_data = hold_the_first
    return arrived, release


def test_two_workers_at_once_on_sqlite_take_turns(tmp_path, smtp):
    # The first worker's first email is held at the server until the second worker has
    # started and said that it waits: neither crashes, and each reminder goes out once.
    url = sqlite_file_database(tmp_path / "db.sqlite3")
    arrived, release = hold_the_first_email(smtp)
    first = worker(smtp.port, database_url=url)
    first_out, _first_err = Lines(first.stdout), Lines(first.stderr)
    assert arrived.wait(60)
    second = worker(smtp.port, database_url=url)
    second_out, second_err = Lines(second.stdout), Lines(second.stderr)
    second_err.wait_for(WAITING_FOR_ANOTHER_ROUND)
    release.set()
    first.wait(60)
    second.wait(60)

    pairs = received_pairs(smtp)
    with sqlite3.connect(tmp_path / "db.sqlite3") as database:
        ledger = database.execute(
            "SELECT state, count(*) FROM milestones_reminder WHERE lead_days = 7 GROUP BY state"
        ).fetchall()
    assert (first.returncode, second.returncode) == (0, 0)
    assert (first_out.all(), second_out.all()) == (
        [
            "sent 12, failed 0, skipped 24, missed 0",
            "  skipped 24 because it was due before the milestone was created",
        ],
        ["sent 0, failed 0, skipped 0, missed 0"],
    )
    assert (len(pairs), len(set(pairs)), ledger) == (12, 12, [("sent", 12)])


def test_sqlite_round_leaves_the_database_free_for_edits_while_an_email_is_under_way(
    tmp_path, smtp
):
    # The mail server holds the first email; meanwhile an edit in the web UI, which takes
    # the write lock at once (IMMEDIATE) and here will not wait for it, goes through.
    url = sqlite_file_database(tmp_path / "db.sqlite3")
    arrived, release = hold_the_first_email(smtp)
    round_ = worker(smtp.port, database_url=url)
    out, err = Lines(round_.stdout), Lines(round_.stderr)
    assert arrived.wait(60)
    edit = sqlite3.connect(tmp_path / "db.sqlite3", timeout=0, isolation_level=None)
    try:
        edit.execute("BEGIN IMMEDIATE")
        edit.execute(
            "UPDATE milestones_milestone SET title = 'Renamed' WHERE title = 'Deliverable 0'"
        )
        edit.execute("COMMIT")
    finally:
        edit.close()
        release.set()
    round_.wait(60)

    with sqlite3.connect(tmp_path / "db.sqlite3") as database:
        titles = database.execute("SELECT title FROM milestones_milestone ORDER BY id").fetchall()
    assert (round_.returncode, err.all()) == (0, [])
    assert out.all() == [
        "sent 12, failed 0, skipped 24, missed 0",
        "  skipped 24 because it was due before the milestone was created",
    ]
    assert titles == [("Renamed",), ("Deliverable 1",), ("Deliverable 2",)]
    assert len(set(received_pairs(smtp))) == 12


@pytest.mark.postgres_only
def test_worker_killed_mid_run_loses_no_reminder(transactional_db, smtp, cluster):
    expected = make_many_due_reminders(cluster, milestones=20, people=60)
    doomed = worker(smtp.port)
    assert smtp.handler.wait_for_received(100, seconds=120)

    doomed.send_signal(signal.SIGKILL)
    doomed.communicate(timeout=60)
    sent_before_the_rescue = len(smtp.handler.received)
    rescue = worker(smtp.port)
    rescue.communicate(timeout=300)

    pairs = received_pairs(smtp)
    assert doomed.returncode == -signal.SIGKILL
    assert 100 <= sent_before_the_rescue < expected
    assert rescue.returncode == 0
    assert len(set(pairs)) == expected
    # The one email in flight when the worker died may go out twice; no other.
    assert len(pairs) - len(set(pairs)) <= 1
    assert Reminder.objects.filter(lead_days=7, state=ReminderState.SENT).count() == expected


def due_in_three_days(programme, make_milestone, lead, title="Cluster strategy"):
    # Due now in real time, whatever the day and hour: the loop cannot be told another "now".
    ReminderSchedule.objects.get_or_create(
        programme=programme, kind=Kind.STRATEGY_SUBMISSION, defaults={"lead_days": "30"}
    )
    make_milestone(
        title=title, lead=lead, starts_on=timezone.localdate() + datetime.timedelta(days=3)
    )


@pytest.mark.postgres_only
def test_loop_survives_a_mail_server_outage(
    transactional_db, programme, cluster, make_milestone, member
):
    due_in_three_days(programme, make_milestone, member)
    outage = RefusingPort()
    looping = worker(outage.port, "--loop", "--interval", "0.2")
    out, _err = Lines(looping.stdout), Lines(looping.stderr)
    out.wait_for("sent 0, failed 1, skipped 0, missed 0")

    outage.stop()
    server = LoopbackSMTPServer(port=outage.port)
    delivered = server.handler.wait_for_received(1)
    # The worker ends after the round under way, with its summary line.
    looping.send_signal(signal.SIGTERM)
    looping.wait(30)
    server.stop()

    lines = out.all()
    assert delivered
    assert len(server.handler.received) == 1
    assert looping.returncode == 0
    assert lines[0] == "sent 0, failed 1, skipped 0, missed 0"
    assert "sent 1, failed 0, skipped 0, missed 0" in lines
    assert Reminder.objects.get().state == ReminderState.SENT


@pytest.mark.postgres_only
def test_loop_survives_a_database_outage(
    transactional_db, smtp, programme, cluster, make_milestone, member
):
    due_in_three_days(programme, make_milestone, member)
    database = connection.settings_dict
    outage = RefusingPort()
    looping = worker(smtp.port, "--loop", "--interval", "0.2", database_port=outage.port)
    out, err = Lines(looping.stdout), Lines(looping.stderr)
    err.wait_for("reminder round failed; trying again in 0.2 s")

    outage.stop()
    forwarder = TcpForwarder(
        port=outage.port, target=(database["HOST"], int(database["PORT"] or 5432))
    )
    delivered = smtp.handler.wait_for_received(1)
    # The worker ends after the round under way, with its summary line.
    looping.send_signal(signal.SIGTERM)
    looping.wait(30)
    forwarder.stop()

    assert delivered
    assert len(smtp.handler.received) == 1
    assert looping.returncode == 0
    assert out.all()[0] == "sent 1, failed 0, skipped 0, missed 0"


@pytest.mark.postgres_only
def test_loop_survives_a_database_restart_mid_loop(
    transactional_db, smtp, programme, cluster, make_milestone, member, coordinator
):
    due_in_three_days(programme, make_milestone, member, title="Before")
    database = connection.settings_dict
    target = (database["HOST"], int(database["PORT"] or 5432))
    first = TcpForwarder(port=0, target=target)
    looping = worker(smtp.port, "--loop", "--interval", "0.2", database_port=first.port)
    out, err = Lines(looping.stdout), Lines(looping.stderr)
    # Until the ledger records it, the first email is in flight and a restart may repeat it
    # (test_worker_killed_mid_run_loses_no_reminder); this test restarts after it is recorded:
    # the round's summary line comes after its last commit.
    out.wait_for("sent 1, failed 0, skipped 0, missed 0")

    # The server goes away under the worker's open connection, then comes back on its port.
    first.stop()
    err.wait_for("reminder round failed; trying again in 0.2 s")
    second = TcpForwarder(port=first.port, target=target)
    due_in_three_days(programme, make_milestone, coordinator, title="After")
    delivered = smtp.handler.wait_for_received(2)
    # The worker ends after the round under way, with its summary line.
    looping.send_signal(signal.SIGTERM)
    looping.wait(30)
    second.stop()

    assert delivered
    assert looping.returncode == 0
    assert sorted(message["To"] for message in smtp.handler.messages()) == [
        "Carla Coordinator <coordinator@saxocell.test>",
        "Max Member <member@saxocell.test>",
    ]
    assert [line for line in out.all() if not line.startswith("sent 0,")] == [
        "sent 1, failed 0, skipped 0, missed 0",
        "sent 1, failed 0, skipped 0, missed 0",
    ]
    assert sorted(
        Reminder.objects.filter(state=ReminderState.SENT).values_list("person__email", flat=True)
    ) == ["coordinator@saxocell.test", "member@saxocell.test"]
