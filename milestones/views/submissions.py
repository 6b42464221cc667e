"""The cluster's draft and its submissions: upload, remove, note, submit, and the files.

Everything here starts from the milestones the person sees (``visible_to``): for another
cluster's people a milestone and its files do not exist (404). The draft is the cluster's own:
officers of the programme see the submitted versions and their files, not the draft.
"""

from collections import Counter

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from milestones.forms.submissions import DraftNoteForm, DraftUploadForm, SubmitForm
from milestones.models import Milestone, SubmissionFile
from milestones.submissions import services
from milestones.submissions.checks import check_file, max_file_bytes, parse_file_types
from milestones.submissions.section import section_context
from milestones.submissions.serving import file_response
from milestones.submissions.uploads import limit_uploads, upload_problems
from milestones.submissions.wording import describe_submission
from milestones.views.common import PersonMixin, with_people
from milestones.views.pages import MilestoneView

# The most files one upload takes; more are refused before they are read.
MAX_FILES_PER_UPLOAD = 20


def section_url(milestone):
    return reverse("milestones:milestone", args=[milestone.pk]) + "#submission"


class DraftMixin(PersonMixin):
    """Changes of a milestone's draft: for the people of its cluster only."""

    http_method_names = ["post"]

    def draft_milestone(self):
        milestone = get_object_or_404(
            with_people(Milestone.objects.visible_to(self.request.user)).select_related(
                "cluster__programme", "plan_item"
            ),
            pk=self.kwargs["pk"],
        )
        if not milestone.asks_submission:
            raise Http404
        if not self.access.is_member(milestone.cluster):
            # An officer sees the milestone, not the draft: they are told why.
            raise PermissionDenied(_("The draft is the cluster's own: its people prepare it."))
        return milestone


def _checked_files(uploaded_files, milestone):
    """(uploaded file, CheckedFile) pairs of the good files, and {name: message} for the bad
    ones and for names given twice in one upload."""
    file_types = parse_file_types(milestone.file_types)
    max_bytes = max_file_bytes(milestone)
    checked, problems = [], {}
    for uploaded in uploaded_files:
        try:
            checked.append(
                (uploaded, check_file(uploaded, file_types=file_types, max_bytes=max_bytes))
            )
        except ValidationError as error:
            problems[uploaded.name] = " ".join(error.messages)
    twice = {name for name, count in Counter(c.name for _u, c in checked).items() if count > 1}
    for name in sorted(twice):
        problems[name] = _(
            "Two files named “%(name)s” in one upload: none of them was added. Rename one, "
            "or upload them one at a time."
        ) % {"name": name}
    return [(u, c) for u, c in checked if c.name not in twice], problems


@method_decorator(csrf_exempt, name="dispatch")
class DraftUploadView(DraftMixin, MilestoneView):
    """Files into the draft. The size limits apply before the body is read, which is also why
    the CSRF check waits until they are in place (the middleware would read the body first).

    Answers a plain form with the page (a redirect when all went in); the page's script, which
    shows the upload's progress, gets the Submission section alone to put in its place.
    """

    def post(self, request, *args, **kwargs):
        milestone = self.object = self.draft_milestone()
        limit_uploads(request, max_bytes=max_file_bytes(milestone), max_files=MAX_FILES_PER_UPLOAD)
        refused = CsrfViewMiddleware(lambda request: None).process_view(request, None, (), {})
        if refused is not None:
            return refused
        form = DraftUploadForm(request.POST, request.FILES)
        problems, added = upload_problems(request), []
        if form.is_valid():
            checked, bad = _checked_files(form.cleaned_data["files"], milestone)
            problems.update(bad)
            try:
                added, clashes = services.add_to_draft(
                    milestone=milestone,
                    files=checked,
                    by=request.user,
                    replace=form.cleaned_data["replace"],
                )
            except services.NotAllowed:
                raise Http404 from None
            problems.update(clashes)
        elif problems:
            # No file arrived because they were refused as they came: that is what to say.
            form.errors.pop("files", None)
        for message in problems.values():
            form.add_error("files", message)
        return self.respond(milestone, form, added=added, failed=bool(form.errors))

    def respond(self, milestone, form, *, added, failed):
        done = _("Added to the draft: %(names)s.") % {"names": ", ".join(added)} if added else ""
        if self.request.headers.get("X-Requested-With") == "XMLHttpRequest":
            context = section_context(milestone=milestone, access=self.access, upload_form=form)
            context.update(milestone=milestone, upload_done=done)
            return TemplateResponse(
                self.request, "submissions/_section.html", context, status=400 if failed else 200
            )
        if done:
            messages.success(self.request, done)
        if not failed:
            return redirect(section_url(milestone))
        context = self.get_context_data(object=milestone)
        context.update(section_context(milestone=milestone, access=self.access, upload_form=form))
        return self.render_to_response(context, status=400)


class DraftFileRemoveView(DraftMixin, View):
    def post(self, request, *args, **kwargs):
        milestone = self.draft_milestone()
        try:
            name = services.remove_from_draft(
                milestone=milestone, file_id=self.kwargs["file_pk"], by=request.user
            )
        except services.NotAllowed:
            raise Http404 from None
        except services.Refused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("“%(name)s” was removed from the draft.") % {"name": name})
        return redirect(section_url(milestone))


class DraftNoteView(DraftMixin, View):
    def post(self, request, *args, **kwargs):
        milestone = self.draft_milestone()
        form = DraftNoteForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(form.errors["note"]))
            return redirect(section_url(milestone))
        try:
            services.set_draft_note(
                milestone=milestone, note=form.cleaned_data["note"], by=request.user
            )
        except services.NotAllowed:
            raise Http404 from None
        messages.success(request, _("The draft's note is saved."))
        return redirect(section_url(milestone))


class SubmitView(DraftMixin, View):
    """The lead or a coordinator submits the draft; the page then says how it went."""

    def post(self, request, *args, **kwargs):
        milestone = self.draft_milestone()
        refusal = services.who_may_submit_refusal(request.user, milestone)
        if refusal:
            raise PermissionDenied(refusal)
        form = SubmitForm(request.POST)
        if not form.is_valid():
            messages.error(
                request, _("The page was out of date: look at the draft and submit again.")
            )
            return redirect(section_url(milestone))
        try:
            submission = services.submit(
                milestone=milestone, by=request.user, expected_number=form.cleaned_data["version"]
            )
        except services.NotAllowed as refusal:
            if not refusal.is_member:
                raise Http404 from None
            raise PermissionDenied(str(refusal)) from None
        except services.AlreadySubmitted as refusal:
            messages.info(request, str(refusal))
        except services.Refused as refusal:
            messages.error(request, str(refusal))
        else:
            words = describe_submission(submission, tz=milestone.time_zone())
            messages.success(
                request,
                _("%(submission)s. A receipt is on its way to you and the cluster's coordinators.")
                % {"submission": words},
            )
        return redirect(section_url(milestone))


class SubmissionFileView(PersonMixin, View):
    """A file of the draft (the cluster's people) or of a submission (and the programme's
    officers), as an attachment; for anybody else it does not exist."""

    def get(self, request, *args, **kwargs):
        milestone = get_object_or_404(
            Milestone.objects.visible_to(request.user).select_related("cluster"),
            pk=self.kwargs["pk"],
        )
        row = get_object_or_404(SubmissionFile, milestone=milestone, pk=self.kwargs["file_pk"])
        if row.submission_id is None and not self.access.is_member(milestone.cluster):
            raise Http404
        return file_response(row)
