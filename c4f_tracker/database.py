"""The database from DATABASE_URL, with the options each engine needs here. Imported by the
settings; reads the environment and nothing of Django's."""


def database(env, *, default):
    """Django's DATABASES["default"] for DATABASE_URL (``default`` when unset)."""
    config = env.db("DATABASE_URL", default=default)
    config["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
    config["CONN_HEALTH_CHECKS"] = True
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # Write-ahead log: pages are read while the reminder worker or another gunicorn worker
        # writes, and a commit is one append and one sync of the log instead of a rollback
        # journal written, synced and deleted. synchronous=FULL keeps every commit durable
        # through a power cut (NORMAL would not): a reminder marked sent stays sent.
        #
        # A transaction that reads and then writes gets "database is locked" at once under WAL
        # when another connection wrote meanwhile, and no busy timeout helps it: every transaction
        # takes the write lock when it begins (IMMEDIATE), and waits up to SQLITE_BUSY_TIMEOUT
        # seconds for it. Concurrent edits and reminder rounds then take turns instead of failing.
        options = config.setdefault("OPTIONS", {})
        options.setdefault("init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL")
        options.setdefault("transaction_mode", "IMMEDIATE")
        options.setdefault("timeout", env.float("SQLITE_BUSY_TIMEOUT", default=20.0))
    if config["ENGINE"] == "django.db.backends.postgresql" and env.bool(
        "DATABASE_PREPARED_STATEMENTS", default=True
    ):
        # Parameters bound by the server, and a statement run twice on a connection prepared: a
        # page asks the same questions at every request, and planning them again took half of
        # their time. Off (False) behind a pooler in transaction mode, which cannot keep them.
        config.setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=2)
    return config
