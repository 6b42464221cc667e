import logging
import signal
import threading

from django.core.management.base import BaseCommand
from django.db import close_old_connections, connections
from django.utils import timezone

from milestones.api.webhooks.sending import Summary, deliver_due_webhooks

logger = logging.getLogger("milestones.api.webhooks")


class Command(BaseCommand):
    help = (
        "Deliver the webhooks that are due. Safe to run any number of times at once: on "
        "PostgreSQL on several machines side by side; on SQLite one round runs at a time and "
        "another waits for it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop", action="store_true", help="Keep running, one round every --interval."
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=5.0,
            help="Seconds between rounds with --loop (default 5).",
        )

    def handle(self, *, loop, interval, **options):
        if not loop:
            self.stdout.write(deliver_due_webhooks(now=timezone.now()).line())
            return
        # SIGTERM (docker stop) and SIGINT end the loop after the round under way.
        stopping = threading.Event()
        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, lambda *_: stopping.set())
        while not stopping.is_set():
            summary = Summary()
            try:
                deliver_due_webhooks(now=timezone.now(), summary=summary)
            except Exception:
                # The database may be away for a while: log, drop the connection so the
                # next round opens a fresh one, and try again then.
                logger.exception("webhook round failed; trying again in %s s", interval)
                for connection in connections.all():
                    connection.close_if_unusable_or_obsolete()
            if summary != Summary():
                self.stdout.write(summary.line())
                self.stdout.flush()
            close_old_connections()
            stopping.wait(interval)
