"""A cluster's people: a coordinator invites someone, resends or withdraws the invitation,
changes someone's role or takes them out of the cluster.

Whoever leaves a cluster takes nothing of it along: their responsibilities for its milestones
go with their membership, so no feed, page or reminder of theirs shows the cluster again. A
cluster always keeps a coordinator, and an open milestone its lead.
"""

import datetime

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode
from django.utils.translation import gettext as _

from milestones import dates, services
from milestones.models import (
    ApiToken,
    ApiTokenScope,
    Cluster,
    FeedScope,
    FeedToken,
    Membership,
    Milestone,
    Person,
    Responsibility,
    ResponsibilityRole,
    Role,
)
from milestones.reasons import system_reason


class CannotChange(Exception):
    """The change would leave the cluster without a coordinator or a milestone without its
    lead; the message says what to do first."""


def active_coordinators(cluster_id):
    """The cluster's coordinators who can still log in, in a stable order."""
    return list(
        Person.objects.filter(
            memberships__cluster_id=cluster_id,
            memberships__role=Role.COORDINATOR,
            is_active=True,
        ).order_by("pk")
    )


def who_may_edit(cluster):
    """Why a person of the cluster cannot change it, and whom they can ask: its coordinators."""
    names = [
        str(membership.person)
        for membership in cluster.memberships.filter(role=Role.COORDINATOR)
        .select_related("person")
        .order_by("person__name", "person__email")
    ]
    return _(
        "Only the coordinators of %(cluster)s change its milestones and people. Ask %(names)s."
    ) % {"cluster": cluster.name, "names": _(" or ").join(names)}


def _locked(membership):
    """The membership as it is now, its cluster locked for the transaction: changes to one
    cluster's people take turns, so that two coordinators who step down at the same moment
    cannot both count the other as the one who stays."""
    list(Cluster.objects.select_for_update().filter(pk=membership.cluster_id).values_list("pk"))
    return Membership.objects.select_related("person").get(pk=membership.pk)


def _refuse_if_last_coordinator(membership):
    others = Membership.objects.filter(
        cluster_id=membership.cluster_id, role=Role.COORDINATOR
    ).exclude(pk=membership.pk)
    if membership.role == Role.COORDINATOR and not others.exists():
        raise CannotChange(
            _("%(name)s is the cluster's only coordinator: make someone else a coordinator first.")
            % {"name": membership.person}
        )


def change_role(*, membership, role, by=None):
    """Make the member a coordinator or a coordinator a member; ``by``: who did it."""
    with transaction.atomic():
        membership = _locked(membership)
        if membership.role == role:
            return membership
        if role != Role.COORDINATOR:
            _refuse_if_last_coordinator(membership)
        services.change_membership(membership=membership, changes={"role": role}, by=by)
    return membership


def remove_from_cluster(*, membership, by=None, reason=""):
    """Take the person out of the cluster, with their responsibilities for its milestones;
    the histories record ``by`` and ``reason``."""
    with transaction.atomic():
        membership = _locked(membership)
        _refuse_if_last_coordinator(membership)
        led = list(
            Milestone.objects.open()
            .filter(
                cluster_id=membership.cluster_id,
                responsibilities__person_id=membership.person_id,
                responsibilities__role=ResponsibilityRole.LEAD,
            )
            .order_by("starts_on", "pk")
            .values_list("title", flat=True)
        )
        if led:
            raise CannotChange(
                _(
                    "%(name)s leads open milestones of the cluster: %(titles)s. Choose another "
                    "lead for them first."
                )
                % {
                    "name": membership.person,
                    "titles": ", ".join(_("“%(title)s”") % {"title": title} for title in led),
                }
            )
        services.remove_responsibilities(
            responsibilities=Responsibility.objects.filter(
                milestone__cluster_id=membership.cluster_id, person_id=membership.person_id
            ),
            by=by,
            reason=reason or system_reason("people.left"),
        )
        # Their addresses of the cluster's feed end for good: added again one day, they
        # subscribe afresh instead of finding an old address working again. So do their API
        # tokens for the cluster (the API refuses them anyway, checking their scope at every
        # request); the account page then says they are revoked.
        for token_model, scope in (
            (FeedToken, FeedScope.CLUSTER),
            (ApiToken, ApiTokenScope.CLUSTER),
        ):
            token_model.objects.filter(
                person_id=membership.person_id,
                scope=scope,
                cluster_id=membership.cluster_id,
                revoked_at__isnull=True,
            ).update(revoked_at=timezone.now())
        services.remove_membership(membership=membership, by=by, reason=reason)
    return membership


# Invitations: a person added without a password gets a link to set one. The link is Django's
# password-reset token, which depends on the password's hash: a resent invitation gives the
# person a new unusable password, so that every older link stops working.


def invitation_pending(membership):
    """Whether the person was invited with a link and has not set a password yet."""
    return membership.invited_at is not None and not membership.person.has_usable_password()


def invitation_expires_at(membership):
    """When the link of the last invitation stops working (PASSWORD_RESET_TIMEOUT)."""
    return membership.invited_at + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)


def invitation_link(person):
    """The link that lets the person set a password, at the site's address (SITE_URL)."""
    path = reverse(
        "milestones:invitation",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(person.pk)),
            "token": default_token_generator.make_token(person),
        },
    )
    return settings.SITE_URL + path


def _send_invitation(*, membership, by):
    person, cluster = membership.person, membership.cluster
    needs_password = not person.has_usable_password()
    context = {
        "person": person,
        "cluster": cluster,
        "by": by,
        "link": invitation_link(person) if needs_password else settings.SITE_URL + reverse("login"),
        "needs_password": needs_password,
        "expires": dates.format_moment(invitation_expires_at(membership))
        if needs_password
        else None,
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


def invite_person(*, cluster, email, name, role, by):
    """Add a person to a cluster and email them; someone without a password gets a link to
    set one, and their invitation is pending until they do."""
    with transaction.atomic():
        person = Person.objects.filter(email__iexact=email).first()
        if person is None:
            # No language: until they choose one, the pages follow their browser.
            person = Person.objects.create_user(email, None, name=name)
        membership = Membership(person=person, cluster=cluster, role=role)
        if not person.has_usable_password():
            membership.invited_at = timezone.now()
        services.add_membership(
            membership=membership, by=by, reason=system_reason("people.invited")
        )
    _send_invitation(membership=membership, by=by)
    return person


class NotPending(CannotChange):
    """The invitation was accepted (or there was none): nothing to resend or withdraw."""


def _refuse_unless_pending(membership):
    if not invitation_pending(membership):
        raise NotPending(
            _("%(name)s has already accepted the invitation.") % {"name": membership.person}
        )


def _make_old_links_dead(person):
    # A new unusable password: the tokens of every earlier link no longer match.
    services.change_person(person=person, changes={"password": make_password(None)})


def resend_invitation(*, membership, by):
    """Email a new link, valid from now; the links sent before stop working."""
    with transaction.atomic():
        membership = _locked(membership)
        _refuse_unless_pending(membership)
        _make_old_links_dead(membership.person)
        services.change_membership(membership=membership, changes={"invited_at": timezone.now()})
    _send_invitation(membership=membership, by=by)
    return membership


def withdraw_invitation(*, membership, by=None):
    """Take back an invitation nobody accepted: its link stops working and says it was
    withdrawn, and the person leaves the cluster."""
    with transaction.atomic():
        membership = _locked(membership)
        _refuse_unless_pending(membership)
        remove_from_cluster(
            membership=membership, by=by, reason=system_reason("people.invitation_withdrawn")
        )
        # Their link also stands for invitations to other clusters: it stays while one is
        # pending, and what it opens is only what they are still invited to.
        if not pending_invitations(membership.person).exists():
            _make_old_links_dead(membership.person)
    return membership


def pending_invitations(person):
    if person.has_usable_password():
        return Membership.objects.none()
    return Membership.objects.filter(person=person, invited_at__isnull=False)


class DeadLink(models.TextChoices):
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    REPLACED = "replaced"
    USED = "used"


def why_link_is_dead(person, token):
    """Why an invitation link that no longer works does not: withdrawn (nothing is pending
    for its person), expired (older than PASSWORD_RESET_TIMEOUT), replaced by a newer
    invitation, or used (the person has set a password)."""
    if person is None or person.has_usable_password():
        return DeadLink.USED
    if not pending_invitations(person).exists():
        return DeadLink.WITHDRAWN
    # Django's token starts with the moment it was made, in seconds since 2001, base 36.
    try:
        made = base36_to_int(token.split("-")[0])
    except ValueError:
        return DeadLink.REPLACED
    # Counted as the token generator counts, on its own clock.
    generator = default_token_generator
    age = generator._num_seconds(generator._now()) - made
    return DeadLink.EXPIRED if age > settings.PASSWORD_RESET_TIMEOUT else DeadLink.REPLACED
