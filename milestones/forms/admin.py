"""The admin's forms: people, milestones and plan items with the reason for a change, and the
inline rows of memberships and people responsible, saved through ``milestones.services``."""

from django import forms
from django.contrib.auth.forms import (
    BaseUserCreationForm,
    SetUnusablePasswordMixin,
    UserChangeForm,
)
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from milestones import services
from milestones.models import Milestone, Person, PlanItem, Responsibility, ResponsibilityRole
from milestones.submissions.checks import parse_file_types


def changes_of(form):
    """The model fields a model form changed, with their new values (set on its instance)."""
    fields = {field.name for field in form.instance._meta.concrete_fields}
    return {name: getattr(form.instance, name) for name in form.changed_data if name in fields}


class ChangeReasonForm(forms.ModelForm):
    """A model form with the "why" that the history keeps beside each change."""

    change_reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        help_text=_("Kept in the history, e.g. “moved at the jury's request”."),
    )


class PersonCreationForm(SetUnusablePasswordMixin, BaseUserCreationForm):
    usable_password = SetUnusablePasswordMixin.create_usable_password_field(
        help_text=_("Disabled: the person cannot log in until invited (people responsible).")
    )

    class Meta:
        model = Person
        fields = ("email", "name", "organisation", "language")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password1"].required = False
        self.fields["password2"].required = False

    def clean_email(self):
        email = Person.objects.normalize_email(self.cleaned_data["email"]).lower()
        if Person.objects.filter(email__iexact=email).exists():
            raise ValidationError(_("A person with this email address exists already."))
        return email


class PersonChangeForm(UserChangeForm):
    class Meta:
        model = Person
        fields = "__all__"


class SubmissionSettingsAdminMixin:
    """The submission settings of a milestone or plan item: file types checked as the web UI's
    forms check them; a field left out keeps what the row has (its default when new)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("file_types", "max_file_mb", "late_submissions"):
            self.fields[name].required = False

    def clean_file_types(self):
        text = self.cleaned_data.get("file_types")
        if not text:
            return self.instance.file_types
        return ",".join(parse_file_types(text))


class MilestoneAdminForm(SubmissionSettingsAdminMixin, ChangeReasonForm):
    class Meta:
        model = Milestone
        fields = [
            "cluster",
            "plan_item",
            "kind",
            "title",
            "status",
            *Milestone.DATE_FIELDS,
            "description",
            "location",
            *Milestone.SUBMISSION_FIELDS,
        ]


class PlanItemAdminForm(SubmissionSettingsAdminMixin, ChangeReasonForm):
    class Meta:
        model = PlanItem
        fields = [
            "programme",
            "round",
            "kind",
            "title",
            "description",
            "location",
            *PlanItem.DATE_FIELDS,
            *PlanItem.SUBMISSION_FIELDS,
        ]


# The admin always saves its inline formsets with commit=True: each row goes straight to the
# service that records it.


class MembershipFormSet(forms.BaseInlineFormSet):
    """A cluster's or a person's memberships; each change moves the person's ``updated_at``
    and is recorded with who made it (``by``, set by the admin's inline)."""

    by = None

    def save_new(self, form, commit=True):
        membership = super().save_new(form, commit=False)
        return services.add_membership(membership=membership, by=self.by)

    def save_existing(self, form, obj, commit=True):
        return services.change_membership(membership=obj, changes=changes_of(form), by=self.by)

    def delete_existing(self, obj, commit=True):
        services.remove_membership(membership=obj, by=self.by)


class ResponsibilityFormSet(forms.BaseInlineFormSet):
    """A milestone's people responsible, one lead at most; each change touches the milestone."""

    def clean(self):
        super().clean()
        leads = [
            form
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("role") == ResponsibilityRole.LEAD
        ]
        if len(leads) > 1:
            raise ValidationError(_("A milestone has one lead; make the others contributors."))

    by = None

    def save_new(self, form, commit=True):
        responsibility = super().save_new(form, commit=False)
        return services.add_responsibility(responsibility=responsibility, by=self.by)

    def save_existing(self, form, obj, commit=True):
        return services.change_responsibility(
            responsibility=obj, changes=changes_of(form), by=self.by
        )

    def delete_existing(self, obj, commit=True):
        services.remove_responsibilities(
            responsibilities=Responsibility.objects.filter(pk=obj.pk), by=self.by
        )
