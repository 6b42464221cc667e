"""Where submitted files are kept: Django's storage named "submissions" (``settings.STORAGES``).

A folder on disk by default (``SUBMISSIONS_ROOT``), outside the static files and never served
from a public URL: files go out only through the views that check who is asking.
"""

import uuid

from django.core.files.storage import storages


def submission_storage():
    return storages["submissions"]


def upload_to(instance, filename):
    """A name that says nothing of the file's own name (that is kept in the row) and never
    meets another: the milestone's number and a random part."""
    return f"milestone-{instance.milestone_id}/{uuid.uuid4().hex}"
