"""The email of the programme's step on a cluster's submission that moves no date: a version
accepted. It goes to the milestone's lead and the cluster's coordinators, each in their own
language, with a link to the milestone at the site's address. The steps that move the date
(an extension, a revision requested) are told through the reminder ledger instead
(``milestones.reminders.announcing``), in its one date-changed email.
"""

import logging
import smtplib

from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from milestones import dates, ical
from milestones.models import Membership, ResponsibilityRole, Role
from milestones.reminders.messages import header_text

logger = logging.getLogger(__name__)


def recipients(milestone):
    """The milestone's lead and its cluster's coordinators who are active, each once."""
    people = {}
    lead = (
        milestone.responsibilities.filter(role=ResponsibilityRole.LEAD)
        .select_related("person")
        .first()
    )
    if lead is not None:
        people[lead.person_id] = lead.person
    coordinators = Membership.objects.filter(
        cluster_id=milestone.cluster_id, role=Role.COORDINATOR
    ).select_related("person")
    for membership in coordinators.order_by("person__name", "person_id"):
        people.setdefault(membership.person_id, membership.person)
    return [person for person in people.values() if person.is_active]


def _subject(milestone, context):
    what = _("version %(number)s accepted") % context
    return f"[{milestone.cluster.name}] {milestone.title}: {what}"


def build_step_message(*, milestone, step, person):
    """The email about an acceptance (``step``: the Review) to one person, in their
    language."""
    with translation.override(person.message_language):
        context = {
            "by": step.reviewed_by_name,
            "number": step.submission.number,
            "text": step.note,
            "greeting_name": person.name or person.email,
            "milestone": milestone,
            "cluster": milestone.cluster,
            "now_due": dates.describe(milestone.when),
            "url": ical.milestone_url(milestone),
        }
        subject = _subject(milestone, context)
        text = render_to_string("reviews/email/step.txt", context)
        html = render_to_string("reviews/email/step.html", context)
    message = EmailMultiAlternatives(
        subject=header_text(subject),
        body=text,
        to=[person.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    return message


def send_review_step(*, milestone, step):
    """Email the step to the lead and the coordinators over one connection; returns how many
    went. The step is done whatever the mail server says: a failure is logged, not raised."""
    messages = [
        build_step_message(milestone=milestone, step=step, person=person)
        for person in recipients(milestone)
    ]
    if not messages:
        return 0
    try:
        return get_connection().send_messages(messages) or 0
    except (OSError, smtplib.SMTPException):
        logger.exception("The email about %s of milestone %s was not sent", step, milestone.pk)
        return 0
