"""The version of the code that shapes rendered text, for caches that outlive a deployment."""

import functools
import hashlib
from pathlib import Path

import django


@functools.cache
def code_version():
    """A hash of the app's code, the compiled catalogues and Django's version.

    They decide how dates, kinds and statuses read in calendar feeds; a deployment that
    changes any of them renders every feed event again, even with a cache that outlives the
    processes.
    """
    digest = hashlib.blake2b(django.__version__.encode(), digest_size=16)
    app = Path(__file__).resolve().parent
    sources = sorted(path for path in app.rglob("*.py") if "migrations" not in path.parts)
    sources += sorted((app.parent / "locale").glob("*/LC_MESSAGES/django.mo"))
    for source in sources:
        digest.update(source.read_bytes())
    return digest.hexdigest()
