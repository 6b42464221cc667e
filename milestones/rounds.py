"""One worker round at a time on a SQLite file, for the commands whose rounds claim rows
(send_reminders, deliver_webhooks); PostgreSQL rounds run side by side (SKIP LOCKED)."""

import contextlib
import fcntl

from django.db import connection


def waiting_message(command):
    """What a round says while it waits for another ``command`` round on SQLite."""
    return (
        f"another {command} round is running on this SQLite database; on SQLite one runs "
        "at a time, so this one waits for it to end"
    )


@contextlib.contextmanager
def one_round_at_a_time(command, *, logger):
    """On a SQLite file, hold a lock beside it for the round: a second process waits here
    for the first to end, and says so through ``logger``."""
    if connection.vendor != "sqlite" or connection.is_in_memory_db():
        yield
        return
    with open(f"{connection.settings_dict['NAME']}.{command}.lock", "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            logger.warning(waiting_message(command))
            fcntl.flock(lock, fcntl.LOCK_EX)
        yield
