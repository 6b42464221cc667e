"""What the Submission section of a milestone's page shows, and to whom.

The cluster's people see the draft (files, note, upload, submit) and every submitted version;
the programme's officers see the submitted versions only: the draft is the cluster's own.
"""

from django.db.models import Prefetch
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from milestones.dates import format_day
from milestones.forms.submissions import DraftNoteForm, DraftUploadForm, SubmitForm
from milestones.models import Draft, LateSubmissions, Submission, SubmissionFile
from milestones.submissions.checks import max_file_bytes
from milestones.submissions.services import (
    cut_off_of,
    draft_files,
    next_number,
    who_may_submit_refusal,
)
from milestones.submissions.wording import describe_submission, format_moment_in


def versions(milestone, *, tz):
    """The submitted versions, newest first, each with its files and its words."""
    submissions = Submission.objects.filter(milestone=milestone).prefetch_related(
        Prefetch("files", queryset=SubmissionFile.objects.order_by("name"))
    )
    return [
        {"submission": submission, "words": describe_submission(submission, tz=tz)}
        for submission in submissions.order_by("-number")
    ]


def due_text(milestone):
    """When a submission is due, and what happens after: "Due by 2 April 2024, 12:00
    (Europe/Berlin). Later submissions are accepted and marked late." """
    due, has_time = cut_off_of(milestone)
    zone = getattr(due.tzinfo, "key", str(due.tzinfo))
    if has_time:
        due_words = _("Due by %(moment)s (%(zone)s).") % {
            "moment": format_moment_in(due, due.tzinfo),
            "zone": zone,
        }
    else:
        due_words = _("Due by the end of %(day)s (%(zone)s).") % {
            "day": format_day(milestone.when.last_day),
            "zone": zone,
        }
    if milestone.late_submissions == LateSubmissions.REFUSE:
        return f"{due_words} {_('After the cut-off, submissions are refused.')}"
    return f"{due_words} {_('Later submissions are accepted and marked late.')}"


def draft_context(milestone, *, person, upload_form=None):
    """The draft's part of the section: for the cluster's own people."""
    draft = Draft.objects.filter(milestone=milestone).first()
    files = list(draft_files(milestone))
    types = [ending.strip() for ending in milestone.file_types.split(",") if ending.strip()]
    return {
        "draft_files": files,
        "draft_names": [f.name for f in files],
        "upload_form": upload_form or DraftUploadForm(),
        "note_form": DraftNoteForm(initial={"note": draft.note if draft else ""}),
        "accepted_types": ", ".join(ending.upper() for ending in types),
        "accept_attribute": ",".join(f".{ending}" for ending in types),
        "largest_file": filesizeformat(max_file_bytes(milestone)),
        "submit_refusal": who_may_submit_refusal(person, milestone),
        "submit_form": SubmitForm(initial={"version": next_number(milestone)}),
    }


def section_context(*, milestone, access, upload_form=None):
    """The section's context for the milestone's page; empty where it shows no section."""
    if not milestone.asks_submission:
        return {}
    is_member = access.is_member(milestone.cluster)
    if not is_member and not access.oversees(milestone.cluster.programme):
        return {}
    tz = milestone.time_zone() or timezone.get_current_timezone()
    context = {
        "submission_section": True,
        "submission_due": due_text(milestone),
        "versions": versions(milestone, tz=tz),
        "edits_draft": is_member,
    }
    if is_member:
        context.update(draft_context(milestone, person=access.person, upload_form=upload_form))
    return context
