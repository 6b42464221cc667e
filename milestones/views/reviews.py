"""The programme officer's side of submissions: an extension for one cluster, the review of
its latest submission, and per plan item where every cluster stands.

A cluster's people see a milestone's extensions and reviews on its page; the steps are for
the officers of its programme only: whoever else sees the milestone is told so (403), and for
anybody else it does not exist (404), as on every other page.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from milestones import dates
from milestones.forms.dates import add_model_errors
from milestones.forms.reviews import AcceptForm, ExtensionForm, RevisionForm
from milestones.models import Decision, Milestone
from milestones.submissions import progress, reviews
from milestones.submissions.archive import stream_zip
from milestones.views.common import PersonMixin
from milestones.views.programmes import officer_programme


def describe_extension(extension):
    return _("Extended to %(when)s by %(name)s: %(reason)s") % {
        "when": dates.format_day_and_time(extension.due_on, extension.due_at),
        "name": extension.granted_by_name,
        "reason": extension.reason,
    }


def describe_review(review):
    names = {"number": review.submission.number, "name": review.reviewed_by_name}
    if review.decision == Decision.ACCEPTED:
        return _("Version %(number)s accepted by %(name)s") % names
    return _("Revision of version %(number)s requested by %(name)s, due %(when)s") % {
        **names,
        "when": dates.format_day_and_time(review.revision_due_on, review.revision_due_at),
    }


def milestone_review_context(*, milestone, access):
    """What the milestone's page shows of extensions and reviews: to everybody who sees it the
    extensions and the reviews, to its programme's officers the latest submission and the
    forms to answer it."""
    reviewed = milestone.submissions.filter(review__isnull=False).select_related("review")
    context = {
        "extensions": [describe_extension(e) for e in milestone.extensions.all()],
        "reviews": [
            {
                "text": describe_review(s.review),
                "note": s.review.note,
                "at": dates.format_moment(s.review.reviewed_at),
            }
            for s in reviewed.order_by("number")
        ],
        "oversees": access.oversees(milestone.cluster.programme),
    }
    if context["oversees"]:
        latest = reviews.latest_submission(milestone)
        context["latest_submission"] = latest
        context["latest_submitted_at"] = latest and dates.format_moment(latest.submitted_at)
        if latest is not None and not hasattr(latest, "review"):
            context["accept_form"] = AcceptForm(prefix="accept")
            context["revision_form"] = RevisionForm(prefix="revision", milestone=milestone)
    return context


class OfficerMilestoneMixin(PersonMixin):
    """A step on the milestone in the URL, for the officers of its programme only."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.milestone = get_object_or_404(
            Milestone.objects.visible_to(request.user).select_related("cluster__programme"),
            pk=kwargs["pk"],
        )
        if not self.access.oversees(self.milestone.cluster.programme):
            raise PermissionDenied(
                _("Only the programme's officers grant extensions and review submissions.")
            )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "prefix": self.prefix}

    def get_context_data(self, **kwargs):
        return super().get_context_data(milestone=self.milestone, **kwargs)

    def done(self, message):
        messages.success(self.request, message)
        return redirect("milestones:milestone", pk=self.milestone.pk)

    def refused(self, refusal):
        messages.error(self.request, str(refusal))
        return redirect("milestones:milestone", pk=self.milestone.pk)


class ExtensionView(OfficerMilestoneMixin, FormView):
    template_name = "reviews/extension_form.html"
    form_class = ExtensionForm
    prefix = "extension"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "milestone": self.milestone}

    def form_valid(self, form):
        try:
            extension = reviews.grant_extension(
                milestone=self.milestone, by=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_model_errors(form, error)
            return self.form_invalid(form)
        except reviews.CannotReview as refusal:
            return self.refused(refusal)
        return self.done(
            _("%(cluster)s now has until %(when)s.")
            % {
                "cluster": self.milestone.cluster.name,
                "when": dates.format_day_and_time(extension.due_on, extension.due_at),
            }
        )


class ReviewView(OfficerMilestoneMixin, FormView):
    """Accept (``decision`` "accept") or ask for a revision of one version; the page shows the
    form again where it needs correcting."""

    template_name = "reviews/review_form.html"
    decision = None

    @property
    def prefix(self):
        return self.decision

    def get_form_class(self):
        return AcceptForm if self.decision == "accept" else RevisionForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.decision != "accept":
            kwargs["milestone"] = self.milestone
        return kwargs

    @cached_property
    def submission(self):
        return get_object_or_404(
            self.milestone.submissions.select_related("milestone"), number=self.kwargs["number"]
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            submission=self.submission, decision=self.decision, **kwargs
        )

    def form_valid(self, form):
        submission = self.submission
        try:
            if self.decision == "accept":
                reviews.accept_submission(
                    submission=submission, by=self.request.user, **form.cleaned_data
                )
                done = _("Version %(number)s is accepted; the milestone is done.")
            else:
                reviews.request_revision(
                    submission=submission, by=self.request.user, **form.cleaned_data
                )
                done = _("A revision of version %(number)s is requested.")
        except ValidationError as error:
            add_model_errors(form, error)
            return self.form_invalid(form)
        except reviews.CannotReview as refusal:
            return self.refused(refusal)
        return self.done(done % {"number": submission.number})


class PlanItemSubmissionsView(PersonMixin, TemplateView):
    """Per plan item: how many clusters have submitted, on time, late, with an extension,
    accepted, revision requested, outstanding, and each cluster's state."""

    template_name = "reviews/plan_item_submissions.html"

    def get_context_data(self, **kwargs):
        programme = officer_programme(self.request, self.kwargs["slug"])
        plan_item = get_object_or_404(programme.plan_items, pk=self.kwargs["pk"])
        return super().get_context_data(
            programme=programme,
            plan_item=plan_item,
            progress=progress.plan_item_progress(plan_item),
            **kwargs,
        )


class PlanItemArchiveView(PersonMixin, View):
    """Every cluster's latest version of the plan item as one ZIP, streamed as it is written:
    a folder per cluster with its files."""

    def get(self, request, *args, **kwargs):
        programme = officer_programme(request, kwargs["slug"])
        plan_item = get_object_or_404(programme.plan_items, pk=kwargs["pk"])
        # The rows first (a file's name and place, not its bytes): the stream then reads
        # only the files.
        files = list(progress.latest_files(plan_item))
        response = StreamingHttpResponse(
            stream_zip(progress.archive_entries(files)), content_type="application/zip"
        )
        response["Content-Disposition"] = content_disposition_header(
            True, progress.archive_name(plan_item)
        )
        return response
