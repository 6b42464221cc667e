"""Accounts: log-in, password reset, invitations, the account page, feed subscriptions and
reminder preferences."""

import uuid

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from milestones import services
from milestones.feeds.tokens import issue_feed_token
from milestones.models import Cluster, FeedScope, FeedToken, Membership, Person, Programme, Role


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

    def save(self, *, by, request):
        return invite_person(
            cluster=self.cluster,
            email=self.cleaned_data["email"],
            name=self.cleaned_data["name"],
            role=self.cleaned_data["role"],
            by=by,
            request=request,
        )


def invite_person(*, cluster, email, name, role, by, request):
    """Add a person to a cluster and email them; someone new gets a link to set a password."""
    with transaction.atomic():
        person = Person.objects.filter(email__iexact=email).first()
        if person is None:
            person = Person.objects.create_user(email, None, name=name, language=by.language)
        services.add_membership(membership=Membership(person=person, cluster=cluster, role=role))
    if person.has_usable_password():
        link = request.build_absolute_uri(reverse("login"))
    else:
        link = request.build_absolute_uri(
            reverse(
                "milestones:invitation",
                kwargs={
                    "uidb64": urlsafe_base64_encode(force_bytes(person.pk)),
                    "token": default_token_generator.make_token(person),
                },
            )
        )
    context = {
        "person": person,
        "cluster": cluster,
        "by": by,
        "link": link,
        "needs_password": not person.has_usable_password(),
        "valid_days": settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60),
    }
    # One line whatever the cluster's name holds: a line break in a header is refused by Django
    # (and would be a header injection if it were not).
    subject = " ".join(render_to_string("milestones/email/invitation_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("milestones/email/invitation.txt", context),
        to=[person.email],
    )
    message.attach_alternative(
        render_to_string("milestones/email/invitation.html", context), "text/html"
    )
    message.send()
    return person


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


class ReminderPreferencesForm(PersonForm):
    class Meta:
        model = Person
        fields = ["reminder_mode"]
        widgets = {"reminder_mode": forms.RadioSelect}


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
