"""Where submitted files are kept: Django's storage named "submissions" (``settings.STORAGES``).

A folder on disk by default (``SUBMISSIONS_ROOT``), outside the static files and never served
from a public URL: files go out only through the views that check who is asking. With
``SUBMISSIONS_STORAGE_URL`` set, an S3-compatible bucket (django-storages; settings.py).
"""

import uuid

from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.utils.functional import LazyObject, empty


class SubmissionStorage(LazyObject):
    """``storages["submissions"]``, looked up when first used and again after STORAGES
    changes (tests), as Django's own ``default_storage`` is: a FileField keeps the storage it
    was given when its model was defined."""

    def _setup(self):
        self._wrapped = storages["submissions"]


_submission_storage = SubmissionStorage()


def _forget_storage(*, setting, **kwargs):
    if setting == "STORAGES":
        _submission_storage._wrapped = empty


setting_changed.connect(_forget_storage)


def submission_storage():
    return _submission_storage


def upload_to(instance, filename):
    """A name that says nothing of the file's own name (that is kept in the row) and never
    meets another: the milestone's number and a random part."""
    return f"milestone-{instance.milestone_id}/{uuid.uuid4().hex}"
