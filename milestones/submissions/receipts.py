"""The receipt of a submission: an email to the person who submitted and to the cluster's
coordinators, each in their own language, listing every file with its size and SHA-256."""

import logging
import smtplib

from django.core.mail import EmailMultiAlternatives
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils import translation

from milestones import ical
from milestones.models import Person, Role
from milestones.reminders.messages import _address, header_text, language_of
from milestones.submissions.wording import describe_submission

logger = logging.getLogger(__name__)


def receipt_recipients(submission):
    """Who submitted (while they are still a person of the tracker) and the cluster's
    coordinators, each once, in the order of their names."""
    milestone = submission.milestone
    people = Person.objects.filter(
        memberships__cluster_id=milestone.cluster_id, memberships__role=Role.COORDINATOR
    )
    recipients = {person.pk: person for person in people}
    if submission.submitted_by is not None:
        recipients[submission.submitted_by_id] = submission.submitted_by
    return sorted(recipients.values(), key=lambda person: (person.name, person.email))


def build_receipt(*, submission, person):
    """The receipt for one person, in their language."""
    milestone = submission.milestone
    tz = milestone.time_zone()
    with translation.override(language_of(person)):
        context = {
            "person": person,
            "milestone": milestone,
            "cluster": milestone.cluster,
            "submission": submission,
            "summary": describe_submission(submission, tz=tz),
            "files": [
                {
                    "name": f.name,
                    "size": filesizeformat(f.size),
                    "bytes": f.size,
                    "sha256": f.sha256,
                }
                for f in submission.files.order_by("name")
            ],
            "url": ical.milestone_url(milestone),
        }
        subject = render_to_string("milestones/email/submission_receipt_subject.txt", context)
        message = EmailMultiAlternatives(
            subject=header_text(subject),
            body=render_to_string("milestones/email/submission_receipt.txt", context),
            to=[_address(person.name, person.email)],
            headers={"Auto-Submitted": "auto-generated"},
        )
        message.attach_alternative(
            render_to_string("milestones/email/submission_receipt.html", context), "text/html"
        )
    return message


def send_receipts(*, submission):
    """Email the receipts. A mail server that is down loses no submission: the failure is
    logged, and the page shows the same facts."""
    for person in receipt_recipients(submission):
        message = build_receipt(submission=submission, person=person)
        try:
            message.send()
        except (smtplib.SMTPException, OSError):
            logger.exception(
                "The receipt of submission %s to person %s failed", submission.pk, person.pk
            )
