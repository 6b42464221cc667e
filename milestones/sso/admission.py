"""Who a provider's sign-in reaches: a person who exists, or one the programme admits by the
domain of their email address. Nobody else gets an account."""

from django.db import transaction
from django.utils.translation import gettext as _

from milestones import services
from milestones.models import Membership, Person, ProgrammeOfficer, SignInDomain, SignInRole
from milestones.reasons import system_reason


class Refused(Exception):
    """The sign-in reaches no account; ``reason`` says why, in words for the person."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def verified_email(claims):
    """The email address of an OpenID Connect provider's claims, if the provider verified it."""
    email = (claims.get("email") or "").strip().lower()
    if not email:
        raise Refused(_("Your sign-in service did not tell us your email address."))
    # Some providers send the flag as a string.
    if claims.get("email_verified") not in (True, "true", "True"):
        raise Refused(
            _("Your sign-in service has not verified your email address %(email)s.")
            % {"email": email}
        )
    return email


def _name(claims, email):
    given_and_family = " ".join(
        part for part in (claims.get("given_name"), claims.get("family_name")) if part
    )
    return (claims.get("name") or given_and_family or email.split("@")[0])[:200]


def person_for_sign_in(*, claims):
    """The person a first sign-in with these claims belongs to, made if the programme admits
    the email address's domain; raises Refused otherwise."""
    email = verified_email(claims)
    person = Person.objects.filter(email__iexact=email).first()
    if person is not None:
        return person
    domain = SignInDomain.objects.filter(domain=email.rpartition("@")[2]).first()
    if domain is None:
        raise Refused(
            _(
                "There is no account for %(email)s. Ask your cluster's coordinator or the "
                "programme's officers to invite you."
            )
            % {"email": email}
        )
    return admit_person(email=email, name=_name(claims, email), domain=domain)


def admit_person(*, email, name, domain):
    """Make the account of a person whose email domain the programme admits, with its role."""
    with transaction.atomic():
        # No password: they sign in through their provider (or ask for a password link).
        person = Person.objects.create_user(email, None, name=name)
        if domain.role == SignInRole.OFFICER:
            ProgrammeOfficer.objects.create(person=person, programme=domain.programme)
        else:
            services.add_membership(
                membership=Membership(person=person, cluster=domain.cluster, role=domain.role),
                reason=system_reason("sso.admitted", domain=domain.domain),
            )
    return person
