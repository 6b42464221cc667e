"""Submissions and their files made as rows, for the tests of the programme's side (reviews,
extensions, counts, the ZIP), without going through the cluster's draft and submit."""

import datetime
import hashlib

from django.core.files.base import ContentFile
from django.utils import timezone

from milestones import services
from milestones.models import Status, Submission, SubmissionFile

STRATEGY_PDF = b"%PDF-1.7\n% the cluster strategy\n%%EOF\n"


def add_submission(milestone, *, by, number=1, is_late=False, files=None, at=None):
    """A submitted version of the milestone with its files (name to bytes), and the milestone's
    status Submitted, as a submission leaves them."""
    submission = Submission.objects.create(
        milestone=milestone,
        number=number,
        submitted_by=by,
        submitted_by_name=by.name,
        submitted_at=at or timezone.now(),
        cut_off=datetime.datetime.combine(
            milestone.starts_on, milestone.starts_at or datetime.time(0), datetime.UTC
        ),
        is_late=is_late,
    )
    for name, content in (files or {"strategy.pdf": STRATEGY_PDF}).items():
        submitted_file = SubmissionFile(
            milestone=milestone,
            submission=submission,
            name=name,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            content_type="application/pdf",
            uploaded_by=by,
        )
        submitted_file.file.save(name, ContentFile(content), save=False)
        submitted_file.save()
    services.set_status(milestone=milestone, status=Status.SUBMITTED, by=by, note="submitted")
    return submission
