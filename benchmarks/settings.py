"""Production settings (DEBUG off) on the benchmark's own database, never the dev db.sqlite3.

DATABASE_URL, when set, must name a database whose name ends in "bench": the benchmark
empties it.
"""

import os
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
os.environ.setdefault("DATABASE_URL", f"sqlite:///{BENCH_DIR / 'bench.sqlite3'}")
os.environ.setdefault("DEBUG", "False")
os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "x" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,testserver")
os.environ.setdefault("SITE_URL", "https://tracker.bench.example")
# Plain HTTP on loopback: no redirect to https.
os.environ.setdefault("SECURE_SSL_REDIRECT", "False")
os.environ.setdefault("EMAIL_URL", "smtp://127.0.0.1:25")
os.environ.setdefault("LOG_LEVEL", "WARNING")
# The API's figures make thousands of requests with one token.
os.environ.setdefault("API_THROTTLE_RATE", "1000000/hour")

from c4f_tracker.settings import *  # noqa: E402,F403

ROOT_URLCONF = "benchmarks.urls"
