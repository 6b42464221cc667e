"""One reminder round with nothing due, in a fresh process: `python -m benchmarks.sweep`.

Prints one JSON line: seconds, queries, the process's peak memory (ru_maxrss) and the
database's plan for the query that finds the milestones near their reminders. A process of
its own, so that its peak memory is the sweep's, not the benchmark's data building.
"""

import json
import os
import resource
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from benchmarks.data import quiet_moment  # noqa: E402
from milestones.reminders.sending import send_due_reminders  # noqa: E402


def main():
    now = quiet_moment()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        summary = send_due_reminders(now=now)
        seconds = time.perf_counter() - started
    near = queries.captured_queries[1]["sql"] if len(queries) > 1 else ""
    with connection.cursor() as cursor:
        prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
        cursor.execute(prefix + near)
        plan = " / ".join(str(row[-1]) for row in cursor.fetchall())
    print(
        json.dumps(
            {
                "seconds": seconds,
                "queries": len(queries),
                "sent": summary.sent,
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "plan": plan,
            }
        )
    )


if __name__ == "__main__":
    main()
