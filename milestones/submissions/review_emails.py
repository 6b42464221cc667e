"""The emails of the programme's steps on a cluster's submission: an extension granted, a
version accepted, a revision requested. They go to the milestone's lead and the cluster's
coordinators, each in their own language, with a link to the milestone at the site's address.
"""

import logging
import smtplib

from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from milestones import dates, ical
from milestones.models import Decision, Extension, Membership, ResponsibilityRole, Role
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


def _step_context(milestone, step):
    """What the email says of the step, in the active language."""
    if isinstance(step, Extension):
        return {
            "step": "extension",
            "by": step.granted_by_name,
            "when": dates.format_day_and_time(step.due_on, step.due_at),
            "previous": dates.format_day_and_time(step.previous_due_on, step.previous_due_at),
            "text": step.reason,
        }
    context = {
        "step": "accepted" if step.decision == Decision.ACCEPTED else "revision",
        "by": step.reviewed_by_name,
        "number": step.submission.number,
        "text": step.note,
    }
    if step.decision == Decision.REVISION:
        context["when"] = dates.format_day_and_time(step.revision_due_on, step.revision_due_at)
    return context


def _subject(milestone, context):
    if context["step"] == "extension":
        what = _("extended to %(when)s") % context
    elif context["step"] == "accepted":
        what = _("version %(number)s accepted") % context
    else:
        what = _("revision requested by %(when)s") % context
    return f"[{milestone.cluster.name}] {milestone.title}: {what}"


def build_step_message(*, milestone, step, person):
    """The email about one step to one person, in their language."""
    with translation.override(person.message_language):
        context = {
            **_step_context(milestone, step),
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
