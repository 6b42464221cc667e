"""Editing milestones, their status and people responsible, the programme plan and its
reminder lead times; each form with the plain function that carries out what it was given.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from milestones import dates, plan, services
from milestones.forms.dates import DateFieldsMixin, add_model_errors
from milestones.forms.submissions import SubmissionSettingsMixin
from milestones.models import (
    DEFAULT_LEAD_DAYS,
    MAX_LEAD_DAYS,
    Kind,
    Milestone,
    Person,
    PlanItem,
    ResponsibilityRole,
    Status,
    parse_lead_days,
)
from milestones.reminders.planning import lead_days_of_programme, set_lead_days


class MilestoneForm(SubmissionSettingsMixin, DateFieldsMixin):
    """A cluster's milestone: what it is, when, where, and who answers for it."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
    location = forms.CharField(label=_("Location"), max_length=300, required=False)
    lead = forms.ModelChoiceField(
        label=_("Lead"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("Nobody yet"),
    )
    contributors = forms.ModelMultipleChoiceField(
        label=_("Contributors"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(
        label=_("Reason for a change of date"),
        required=False,
        max_length=500,
        help_text=_("Kept in the date's history, e.g. “moved at the jury's request”."),
    )

    field_order = [
        "kind",
        "title",
        *DateFieldsMixin.DATE_EDITOR_FIELDS,
        "reason",
        "location",
        "description",
        "lead",
        "contributors",
        *SubmissionSettingsMixin.SUBMISSION_FIELDS,
    ]

    def __init__(self, *args, cluster, instance=None, **kwargs):
        self.cluster = cluster
        self.instance = instance
        if instance is not None:
            initial = {
                "kind": instance.kind,
                "title": instance.title,
                "description": instance.description,
                "location": instance.location,
                **self.date_initial(instance),
                **self.submission_initial(instance),
            }
            responsibilities = list(instance.responsibilities.all())
            initial["lead"] = next(
                (r.person_id for r in responsibilities if r.role == ResponsibilityRole.LEAD), None
            )
            initial["contributors"] = [
                r.person_id for r in responsibilities if r.role == ResponsibilityRole.CONTRIBUTOR
            ]
            kwargs["initial"] = {**initial, **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        if instance is None:
            del self.fields["reason"]
        # Clusters compete: only the cluster's own members can be made responsible.
        members = Person.objects.filter(memberships__cluster=cluster).order_by("name", "email")
        self.fields["lead"].queryset = members
        self.fields["contributors"].queryset = members
        if instance is not None and instance.plan_item_id is not None:
            # The programme's plan decides these; the cluster keeps its own date and people.
            for name in ("kind", "title", "description", "location", *self.SUBMISSION_FIELDS):
                self.fields[name].disabled = True

    def clean(self):
        cleaned = super().clean()
        lead = cleaned.get("lead")
        if lead is not None and "contributors" in cleaned:
            # A contributor made lead (handing a milestone over) is the lead, no longer also
            # a contributor: nobody has to untick them first.
            cleaned["contributors"] = [p for p in cleaned["contributors"] if p != lead]
        return cleaned

    def save(self, *, by):
        """Create or change the milestone and its people; None, with the errors beside their
        fields, if unsound."""
        data = self.cleaned_data
        milestone = self.instance or Milestone(cluster=self.cluster)
        changes = {n: data[n] for n in ("kind", "title", "description", "location")}
        changes.update(self.date_values)
        changes.update(self.submission_values(kind=data["kind"]))
        for name, value in changes.items():
            setattr(milestone, name, value)
        # A window given its day reads "day confirmed" in the history (plan.date_changes).
        reason = data.get("reason", "")
        try:
            milestone.full_clean()
            with transaction.atomic():
                if milestone.pk is None:
                    services.add_milestone(milestone=milestone, by=by, reason=reason)
                else:
                    services.change_milestone(
                        milestone=milestone, changes=changes, by=by, reason=reason
                    )
                services.set_responsibilities(
                    milestone=milestone,
                    lead=data["lead"],
                    contributors=data["contributors"],
                    by=by,
                    reason=reason,
                )
        except ValidationError as error:
            add_model_errors(self, error)
            return None
        return milestone


class ConfirmDayForm(forms.Form):
    """The day of a window milestone, chosen inside its window, with an optional time."""

    starts_on = forms.DateField(
        label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    starts_at = forms.TimeField(
        label=_("Time (optional)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    reason = forms.CharField(
        label=_("Note for the history (optional)"), required=False, max_length=500
    )

    def __init__(self, *args, milestone, **kwargs):
        super().__init__(*args, **kwargs)
        self.milestone = milestone
        self.first_day, self.last_day = milestone.starts_on, milestone.ends_on
        self.window = dates.window_text(milestone.when)
        self.first_text = dates.format_day(self.first_day)
        self.last_text = dates.format_day(self.last_day)
        self.fields["starts_on"].widget.attrs.update(
            min=self.first_day.isoformat(), max=self.last_day.isoformat()
        )
        if milestone.is_deadline:
            self.fields["starts_at"].label = _("Cut-off time (optional)")

    def clean_starts_on(self):
        day = self.cleaned_data["starts_on"]
        if not self.first_day <= day <= self.last_day:
            raise ValidationError(
                gettext("Choose a day from %(first)s to %(last)s, inside the window %(window)s.")
                % {"first": self.first_text, "last": self.last_text, "window": self.window}
            )
        return day

    def save(self, *, by):
        """Confirm the day; None, with the errors beside their fields, if unsound."""
        data = self.cleaned_data
        try:
            return plan.confirm_day(
                milestone=self.milestone,
                day=data["starts_on"],
                starts_at=data["starts_at"],
                by=by,
                reason=data["reason"],
            )
        except ValidationError as error:
            add_model_errors(self, error)
            return None


class StatusForm(forms.Form):
    # "Submitted" comes from a submission only (milestones.submissions), never from this form.
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(value, label) for value, label in Status.choices if value != Status.SUBMITTED],
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=500,
        help_text=_("Optional, kept in the history."),
    )

    def __init__(self, *args, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        # A submitted milestone keeps "Submitted" on offer, so that saving a note does not
        # quietly turn it back to another status.
        if current == Status.SUBMITTED:
            self.fields["status"].choices = Status.choices

    def save(self, *, milestone, by):
        return services.set_status(
            milestone=milestone,
            status=self.cleaned_data["status"],
            note=self.cleaned_data["note"],
            by=by,
        )


class PlanItemForm(SubmissionSettingsMixin, DateFieldsMixin):
    """An item of the programme's plan; saving it reaches every cluster in its scope."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
    location = forms.CharField(label=_("Location"), max_length=300, required=False)
    round = forms.IntegerField(
        label=_("Round"),
        required=False,
        min_value=1,
        help_text=_("Empty: every round of the programme."),
    )
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=500,
        help_text=_("Kept in the history of every cluster's milestone."),
    )

    # The dates an officer saw the preview of (``fingerprint``), and the milestones they chose
    # to clear back to the new window; both come from the preview.
    confirmed = forms.CharField(required=False, widget=forms.HiddenInput)
    clear = forms.TypedMultipleChoiceField(
        label=_("Clear back to the window"), coerce=int, required=False
    )

    field_order = [
        "kind",
        "title",
        *DateFieldsMixin.DATE_EDITOR_FIELDS,
        "location",
        "description",
        "round",
        *SubmissionSettingsMixin.SUBMISSION_FIELDS,
        "reason",
    ]

    def __init__(self, *args, programme, instance=None, **kwargs):
        self.programme = programme
        self.instance = instance
        self.outcome = None
        if instance is not None:
            initial = {
                name: getattr(instance, name)
                for name in ("kind", "title", "description", "location", "round")
            }
            kwargs["initial"] = {
                **initial,
                **self.date_initial(instance),
                **self.submission_initial(instance),
            }
        super().__init__(*args, **kwargs)
        if instance is not None:
            pks = instance.milestones.values_list("pk", flat=True)
            self.fields["clear"].choices = [(pk, pk) for pk in pks]

    def proposed(self):
        """The plan item with the values given, checked but not saved; None, with the errors
        beside their fields, if unsound."""
        data = self.cleaned_data
        plan_item = self.instance or PlanItem(programme=self.programme)
        for name in ("kind", "title", "description", "location", "round"):
            setattr(plan_item, name, data[name])
        for name, value in self.date_values.items():
            setattr(plan_item, name, value)
        for name, value in self.submission_values(kind=data["kind"]).items():
            setattr(plan_item, name, value)
        try:
            plan_item.full_clean()
        except ValidationError as error:
            add_model_errors(self, error)
            return None
        return plan_item

    def fingerprint(self):
        """The proposed dates in one string: a preview holds for these dates only."""
        return "|".join(str(value) for value in self.date_values.values())

    def needs_preview(self):
        """Whether the dates of a saved plan item move and the officer has not yet seen what
        that does to the clusters at these dates."""
        if self.instance is None or self.instance.pk is None:
            return False
        stored = PlanItem.objects.get(pk=self.instance.pk).date_values()
        moves = stored != tuple(self.date_values[name] for name in PlanItem.DATE_FIELDS)
        return moves and self.cleaned_data.get("confirmed") != self.fingerprint()

    def save(self, *, by):
        """Save the plan item for every cluster; for one whose dates moved, ``outcome`` says
        how many clusters moved, kept their day or had it cleared. None if unsound."""
        plan_item = self.proposed()
        if plan_item is None:
            return None
        data = self.cleaned_data
        if plan_item.pk is not None and data.get("confirmed"):
            self.outcome = plan.change_plan_item(
                plan_item=plan_item, by=by, reason=data["reason"], clear=data["clear"]
            )
            return plan_item
        return plan.save_plan_item(plan_item=plan_item, by=by, reason=data["reason"])


class ReminderScheduleForm(forms.Form):
    """A programme's lead times, one field per kind of milestone, as days before the day."""

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        current = lead_days_of_programme(programme=programme)
        for kind, label in Kind.choices:
            self.fields[kind] = forms.CharField(
                label=label,
                required=False,
                max_length=100,
                initial=", ".join(str(day) for day in current[kind]),
                help_text=_("Default: %(days)s")
                % {"days": ", ".join(str(d) for d in DEFAULT_LEAD_DAYS[kind]) or "–"},
            )

    def clean(self):
        cleaned = super().clean()
        for kind in Kind.values:
            try:
                cleaned[kind] = parse_lead_days(cleaned.get(kind) or "")
            except ValueError:
                self.add_error(
                    kind,
                    _("Give whole days from 0 to %(max)s, separated by commas, e.g. “14, 7, 1”.")
                    % {"max": MAX_LEAD_DAYS},
                )
        return cleaned

    def save(self):
        set_lead_days(
            programme=self.programme,
            lead_days_by_kind={kind: self.cleaned_data[kind] for kind in Kind.values},
        )
