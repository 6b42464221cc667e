import datetime
import logging
import signal
import threading

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connections
from django.utils import timezone

from milestones.reminders.sending import send_due_reminders
from milestones.reminders.summary import Summary

logger = logging.getLogger("milestones.reminders")


def parse_moment(text):
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--now: not an ISO 8601 date and time: {text!r}") from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class Command(BaseCommand):
    help = (
        "Send the reminder emails that are due. Safe to run any number of times at once: on "
        "PostgreSQL on several machines side by side; on SQLite one round runs at a time and "
        "another waits for it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be sent; change nothing."
        )
        parser.add_argument(
            "--now",
            type=parse_moment,
            help="Act as if it were this moment (ISO 8601; local time zone unless given).",
        )
        parser.add_argument(
            "--loop", action="store_true", help="Keep running, one round every --interval."
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=60.0,
            help="Seconds between rounds with --loop (default 60).",
        )

    def handle(self, *, dry_run, now, loop, interval, **options):
        if loop and now is not None:
            raise CommandError("--now and --loop do not go together: a loop runs in real time.")
        if not loop:
            summary = send_due_reminders(now=now or timezone.now(), dry_run=dry_run)
            for line in summary.emails:
                self.stdout.write(f"would send to {line}")
            for line in summary.lines():
                self.stdout.write(line)
            if summary.failed:
                raise SystemExit(1)
            return
        self.loop(dry_run=dry_run, interval=interval)

    def loop(self, *, dry_run, interval):
        # SIGTERM (docker stop) and SIGINT end the loop after the round under way: each email
        # of it is sent and recorded, and its summary line printed.
        stopping = threading.Event()
        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, lambda *_: stopping.set())
        while not stopping.is_set():
            summary = Summary(dry_run=dry_run)
            failed = False
            try:
                send_due_reminders(now=timezone.now(), dry_run=dry_run, summary=summary)
            except Exception:
                failed = True
                # The database or the mail server may be away for a while: log, drop the
                # connection so the next round opens a fresh one, and try again then.
                logger.exception("reminder round failed; trying again in %s s", interval)
                for connection in connections.all():
                    connection.close_if_unusable_or_obsolete()
            # One line per round, also for one that failed after it had sent or recorded
            # something; seen as it happens even through a pipe.
            if not failed or summary != Summary(dry_run=dry_run):
                for line in summary.lines():
                    self.stdout.write(line)
                self.stdout.flush()
            close_old_connections()
            stopping.wait(interval)
