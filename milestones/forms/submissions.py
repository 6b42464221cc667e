"""Forms of submissions: what a plan item or milestone asks for, and the cluster's draft
(its files, its note) and the submit button."""

from django import forms
from django.utils.translation import gettext_lazy as _

from milestones.models import (
    DEADLINE_KINDS,
    DEFAULT_FILE_TYPES,
    DEFAULT_MAX_FILE_MB,
    LateSubmissions,
)
from milestones.submissions.checks import parse_file_types


class AsksSubmission:
    BY_KIND = "by-kind"
    YES = "yes"
    NO = "no"
    CHOICES = [
        (BY_KIND, _("Yes for progress reports and strategy submissions, no for other kinds")),
        (YES, _("Yes")),
        (NO, _("No")),
    ]


class SubmissionSettingsMixin(forms.Form):
    """Whether a plan item or milestone asks for a submission, and what it accepts."""

    SUBMISSION_FIELDS = ["asks_submission", "file_types", "max_file_mb", "late_submissions"]

    asks_submission = forms.ChoiceField(
        label=_("Asks for a submission"),
        choices=AsksSubmission.CHOICES,
        initial=AsksSubmission.BY_KIND,
        required=False,
        help_text=_("The cluster uploads its files here and submits them by the cut-off."),
    )
    file_types = forms.CharField(
        label=_("Accepted file types"),
        max_length=200,
        initial=DEFAULT_FILE_TYPES,
        required=False,
        help_text=_("File name endings, separated by commas, e.g. “pdf, docx”."),
    )
    max_file_mb = forms.IntegerField(
        label=_("Largest file (MB)"), min_value=1, initial=DEFAULT_MAX_FILE_MB, required=False
    )
    late_submissions = forms.ChoiceField(
        label=_("After the cut-off"),
        choices=LateSubmissions.choices,
        initial=LateSubmissions.ACCEPT,
        required=False,
    )

    @staticmethod
    def submission_initial(instance):
        return {
            "asks_submission": AsksSubmission.YES
            if instance.asks_submission
            else AsksSubmission.NO,
            "file_types": instance.file_types,
            "max_file_mb": instance.max_file_mb,
            "late_submissions": instance.late_submissions,
        }

    def clean_file_types(self):
        text = self.cleaned_data["file_types"]
        return ",".join(parse_file_types(text)) if text else ""

    def submission_values(self, *, kind):
        """The model's submission fields from the cleaned data. "By kind" is decided by
        ``kind``; a field left out keeps what the item has (or the default of a new one)."""
        data = self.cleaned_data
        instance = self.instance
        asks = data.get("asks_submission") or (
            AsksSubmission.BY_KIND
            if instance is None
            else (AsksSubmission.YES if instance.asks_submission else AsksSubmission.NO)
        )
        return {
            "asks_submission": kind in DEADLINE_KINDS
            if asks == AsksSubmission.BY_KIND
            else asks == AsksSubmission.YES,
            "file_types": data.get("file_types")
            or (instance.file_types if instance else DEFAULT_FILE_TYPES),
            "max_file_mb": data.get("max_file_mb")
            or (instance.max_file_mb if instance else DEFAULT_MAX_FILE_MB),
            "late_submissions": data.get("late_submissions")
            or (instance.late_submissions if instance else LateSubmissions.ACCEPT),
        }


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; each is checked by the upload view (``checks``), so that
    one bad file gets its own message and the good ones still reach the draft."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if not files and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return list(files)


class DraftUploadForm(forms.Form):
    files = MultipleFileField(
        label=_("Files"),
        error_messages={"required": _("Choose one or more files to upload.")},
    )
    replace = forms.BooleanField(label=_("Replace files of the same name"), required=False)


class DraftNoteForm(forms.Form):
    # The status form on the same page has a note too: the ids must differ.
    prefix = "draft"

    note = forms.CharField(
        label=_("Note with the submission"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Goes with the submission, e.g. what changed since the last version."),
    )


class SubmitForm(forms.Form):
    # The version the page offered to submit: a second press of the same button finds it
    # taken and submits nothing twice.
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
