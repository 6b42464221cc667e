"""Accounts: log-in, password reset, invitations, the account page, feed subscriptions and
reminder preferences."""

import uuid

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from milestones import services
from milestones.feeds.tokens import issue_feed_token
from milestones.models import (
    Cluster,
    FeedScope,
    FeedToken,
    Language,
    Membership,
    Person,
    Programme,
    ReminderKind,
    ReminderMode,
    Role,
)
from milestones.people import invite_person


class PersonForm(forms.ModelForm):
    """A form about the person themselves, saved through ``services.change_person`` (a new
    name is a change of the milestones they lead)."""

    def save(self, commit=True):
        if not commit:
            return super().save(commit=False)
        changes = {name: self.cleaned_data[name] for name in self.changed_data}
        return services.change_person(person=self.instance, changes=changes)


class AccountForm(PersonForm):
    class Meta:
        model = Person
        fields = ["name", "organisation", "language"]

    def __init__(self, *args, browser_language, **kwargs):
        super().__init__(*args, **kwargs)
        names = dict(Language.choices)
        self.fields["language"].choices = [
            (
                "",
                _("As my browser asks (now: %(language)s)")
                % {"language": names.get(browser_language, names[settings.LANGUAGE_CODE])},
            ),
            *Language.choices,
        ]
        self.fields["language"].help_text = _(
            "Until you choose, pages follow your browser, and emails and calendar feeds are in "
            "%(language)s."
        ) % {"language": names[settings.LANGUAGE_CODE]}


class InvitationForm(forms.Form):
    """A coordinator adds somebody to the cluster by email; they get a link to set a password."""

    email = forms.EmailField(label=_("Email address"))
    name = forms.CharField(label=_("Name"), max_length=200)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)

    def __init__(self, *args, cluster, **kwargs):
        self.cluster = cluster
        super().__init__(*args, **kwargs)

    def clean_email(self):
        email = Person.objects.normalize_email(self.cleaned_data["email"]).lower()
        if Membership.objects.filter(cluster=self.cluster, person__email__iexact=email).exists():
            raise ValidationError(_("This person is already in the cluster."))
        return email

    def save(self, *, by):
        return invite_person(
            cluster=self.cluster,
            email=self.cleaned_data["email"],
            name=self.cleaned_data["name"],
            role=self.cleaned_data["role"],
            by=by,
        )


class LoginForm(AuthenticationForm):
    """Django's log-in form, refusing a name no account can have before anything looks it up.

    Django only sets the length on the input element; without a check here, a very long name
    would reach django-axes, whose failure log keeps at most 255 characters of it.
    """

    error_messages = {
        **AuthenticationForm.error_messages,
        # Log-in finds the address in any case (login_name); only the password's case counts.
        "invalid_login": _(
            "The email address or the password is not right. Capitals count in the password, "
            "not in the address."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].validators.append(
            MaxLengthValidator(self.fields["username"].max_length)
        )


class InvitationAwarePasswordResetForm(PasswordResetForm):
    """Password reset that also reaches people added by a coordinator who have no password yet.

    Django leaves out accounts without a usable password; here that only means "invited,
    not yet logged in", and a fresh link is what such a person needs when the invitation is old.
    """

    def get_users(self, email):
        return Person.objects.filter(email__iexact=email, is_active=True)

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        # The link goes to the site's one address (SITE_URL), whatever host the request named.
        context["site_url"] = settings.SITE_URL
        super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)


class FeedTokenForm(forms.Form):
    """Pick one of the person's feeds and name the new address (e.g. "Work laptop")."""

    feed = forms.ChoiceField(label=_("Feed"))
    name = forms.CharField(
        label=_("Name"),
        max_length=FeedToken._meta.get_field("name").max_length,
        required=False,
        help_text=_("Where you use it, e.g. “Outlook at work”, so you can revoke it later."),
    )
    # A new key each time the form is shown: sent twice, it asks for one address only. A
    # form without one (a page from before it had them) still works, without that guard.
    form_key = forms.CharField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        self.targets = {FeedScope.MINE.value: (FeedScope.MINE, None, None)}
        choices = [(FeedScope.MINE.value, _("My milestones"))]
        for cluster in Cluster.objects.visible_to(person).order_by("name"):
            key = f"cluster:{cluster.slug}"
            self.targets[key] = (FeedScope.CLUSTER, cluster, None)
            choices.append((key, _("Cluster %(name)s") % {"name": cluster.name}))
        for programme in Programme.objects.filter(officers__person=person).order_by("name"):
            key = f"programme:{programme.slug}"
            self.targets[key] = (FeedScope.PROGRAMME, None, programme)
            choices.append((key, _("Programme %(name)s (all clusters)") % {"name": programme.name}))
        self.fields["feed"].choices = choices

    def clean_form_key(self):
        try:
            return uuid.UUID(self.cleaned_data["form_key"])
        except ValueError:
            return None

    def save(self):
        """Issue the token; returns it and its secret."""
        scope, cluster, programme = self.targets[self.cleaned_data["feed"]]
        return issue_feed_token(
            person=self.person,
            scope=scope,
            cluster=cluster,
            programme=programme,
            name=self.cleaned_data["name"],
            form_key=self.cleaned_data["form_key"],
        )


def lead_day_label(days):
    if days == 0:
        return _("On the day")
    return ngettext_lazy("%(days)s day before", "%(days)s days before", days) % {"days": days}


class ReminderPreferencesForm(PersonForm):
    """How a person is reminded: individual emails, a digest at their hour, or none; which
    kinds of reminder; which of their programmes' lead times. The person's fields name what
    they do not want, so that a lead time a programme adds later reaches them."""

    digest_hour = forms.TypedChoiceField(
        label=_("The digest comes at"),
        coerce=int,
        empty_value=None,
        required=False,
    )
    kinds = forms.MultipleChoiceField(
        label=_("Which reminders"),
        choices=ReminderKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    lead_days = forms.TypedMultipleChoiceField(
        label=_("How long before"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Person
        fields = ["reminder_mode"]
        widgets = {"reminder_mode": forms.RadioSelect}

    def __init__(self, *args, lead_days, **kwargs):
        super().__init__(*args, **kwargs)
        person = self.instance
        self.fields["digest_hour"].choices = [
            (
                "",
                _("With the individual emails, at %(time)s")
                % {"time": settings.REMINDER_SEND_TIME},
            ),
            *((hour, f"{hour:02d}:00") for hour in range(24)),
        ]
        self.fields["lead_days"].choices = [(days, lead_day_label(days)) for days in lead_days]
        self.initial.setdefault("digest_hour", person.digest_hour)
        self.initial.setdefault(
            "kinds", [kind for kind in ReminderKind.values if kind not in person.muted_kinds]
        )
        self.initial.setdefault(
            "lead_days", [days for days in lead_days if days not in person.muted_days]
        )
        self.offered_lead_days = lead_days

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("kinds") and cleaned.get("reminder_mode") not in (
            None,
            ReminderMode.OFF,
        ):
            self.add_error("kinds", _("Choose at least one, or switch reminders off above."))
        return cleaned

    def save(self, commit=True):
        person = self.instance
        kinds = set(self.cleaned_data["kinds"])
        wanted_days = set(self.cleaned_data["lead_days"])
        # Lead times of no programme of the person now stay as they were.
        muted_days = (person.muted_days - set(self.offered_lead_days)) | {
            days for days in self.offered_lead_days if days not in wanted_days
        }
        changes = {
            "reminder_mode": self.cleaned_data["reminder_mode"],
            "digest_hour": self.cleaned_data["digest_hour"],
            "muted_reminder_kinds": ",".join(k for k in ReminderKind.values if k not in kinds),
            "muted_lead_days": ",".join(str(days) for days in sorted(muted_days, reverse=True)),
        }
        return services.change_person(person=person, changes=changes)


def login_name(request, credentials=None):
    """The log-in name django-axes counts failures under: the address as log-in reads it.

    Log-in finds a person by email ignoring case and surrounding spaces, so every spelling of
    one address must count as one, or each spelling would get five more guesses.
    """
    if credentials:
        name = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        name = getattr(request, "POST", {}).get(settings.AXES_USERNAME_FORM_FIELD)
    return (name or "").strip().lower()
