"""gunicorn's settings for the web process (docker-compose's `web`, and any other deployment).

gunicorn -c c4f_tracker/gunicorn.conf.py c4f_tracker.wsgi
"""

import os
import re

from gunicorn.glogging import Logger

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
accesslog = "-"
errorlog = "-"
# The proxy in front of gunicorn sets X-Forwarded-Proto; trust it only from these addresses.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# A calendar feed's URL is its password: mask the token wherever a request line is logged.
FEED_TOKEN = re.compile(r"(/feeds/)[^/?\s\"]+")


class TokenMaskingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "{raw_uri}e"):
            if isinstance(atoms.get(key), str):
                atoms[key] = FEED_TOKEN.sub(r"\1[token]", atoms[key])
        return atoms


logger_class = TokenMaskingLogger
