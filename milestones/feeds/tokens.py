"""Feed tokens: issuing, revoking and finding them, with the access they still give.

A token is 256 random bits in the feed's URL; only its SHA-256 is stored and looked up. What a
feed may show is decided at every fetch from the person's current memberships and roles, never
from what they could see when the token was issued.
"""

import hashlib
import secrets

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from milestones.models.feeds import FeedScope, FeedToken
from milestones.models.programmes import Cluster, Membership, ProgrammeOfficer


class NoFeedAccess(Exception):
    """The person may not subscribe to that feed (not a member, not an officer, inactive)."""


def hash_token(raw_token):
    return hashlib.sha256(raw_token.encode()).hexdigest()


def feed_url(raw_token):
    """The https:// (or, in development, http://) address of a token's feed."""
    return settings.SITE_URL + reverse("milestones:feed", kwargs={"token": raw_token})


def webcal_url(url):
    """The same feed as webcal://, which makes desktop calendars offer to subscribe."""
    return "webcal://" + url.split("://", 1)[1]


def may_subscribe(*, person, scope, cluster=None, programme=None):
    if not person.is_active:
        return False
    if scope == FeedScope.MINE:
        return True
    if scope == FeedScope.CLUSTER:
        return Cluster.objects.visible_to(person).filter(pk=cluster.pk).exists()
    if scope == FeedScope.PROGRAMME:
        return ProgrammeOfficer.objects.filter(person=person, programme=programme).exists()
    return False


def issue_feed_token(*, person, scope, cluster=None, programme=None, name="", form_key=None):
    """Create a token for one of the person's feeds; return it and its secret (shown once).

    ``form_key``: the key of the form that asks for it, unique among tokens (an IntegrityError
    when that form created one already).
    """
    if not may_subscribe(person=person, scope=scope, cluster=cluster, programme=programme):
        raise NoFeedAccess(_("%(person)s may not subscribe to this feed.") % {"person": person})
    raw_token = secrets.token_urlsafe(32)
    token = FeedToken.objects.create(
        person=person,
        scope=scope,
        cluster=cluster if scope == FeedScope.CLUSTER else None,
        programme=programme if scope == FeedScope.PROGRAMME else None,
        name=name,
        token_hash=hash_token(raw_token),
        form_key=form_key,
    )
    return token, raw_token


def revoke_feed_token(*, token, now=None):
    if token.revoked_at is None:
        token.revoked_at = now or timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def find_feed_token(raw_token):
    """The live token with this secret, or None.

    None when it is unknown or revoked, its person deactivated, or no longer allowed to see
    the feed (the same rule as may_subscribe, checked in the same query).
    """
    return live_tokens().filter(token_hash=hash_token(raw_token)).first()


def live_tokens():
    """Tokens that still give access: not revoked, their person active and still allowed."""
    return (
        FeedToken.objects.select_related("person", "cluster", "programme")
        .filter(revoked_at__isnull=True, person__is_active=True)
        .filter(
            scope_still_held(
                own=FeedScope.MINE, cluster=FeedScope.CLUSTER, programme=FeedScope.PROGRAMME
            )
        )
    )


def scope_still_held(*, own, cluster, programme):
    """The condition on a token (a feed's, the API's) that its person still holds its scope:
    any for their own (``own``), a member or officer of its cluster for ``cluster``, an
    officer of its programme for ``programme``; the values are the model's scope names."""
    is_member = Membership.objects.filter(person=OuterRef("person"), cluster=OuterRef("cluster"))
    oversees_cluster = ProgrammeOfficer.objects.filter(
        person=OuterRef("person"), programme__clusters=OuterRef("cluster")
    )
    oversees_programme = ProgrammeOfficer.objects.filter(
        person=OuterRef("person"), programme=OuterRef("programme")
    )
    return (
        Q(scope=own)
        | Q(Exists(is_member), scope=cluster)
        | Q(Exists(oversees_cluster), scope=cluster)
        | Q(Exists(oversees_programme), scope=programme)
    )
