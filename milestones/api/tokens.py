"""API tokens: issuing, revoking and finding them, with the access they still give.

A token is ``c4f_`` and 256 random bits; only its SHA-256 is stored and looked up. Whether its
scope is still the person's (a member of the cluster, an officer of the programme, active) is
checked at every request in the same query that finds it, so a token stops working the moment
its person loses the role, whoever took it away and however.
"""

import datetime
import secrets

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from milestones.feeds.tokens import hash_token, may_subscribe, scope_still_held
from milestones.models import ApiToken, ApiTokenScope, FeedScope

TOKEN_PREFIX = "c4f_"  # noqa: S105 (a recognisable start, not a secret)
# Writing last use at every request would make each read a write; once a minute says enough.
LAST_USE_PRECISION = datetime.timedelta(minutes=1)


class NoApiAccess(Exception):
    """The person may not have a token of that scope (not a member, not an officer)."""


# The feed's scope of each API token scope, and back: the same three, and the same rules of who
# may hold them (``feeds.tokens.may_subscribe``).
FEED_SCOPES = {
    ApiTokenScope.PERSON: FeedScope.MINE,
    ApiTokenScope.CLUSTER: FeedScope.CLUSTER,
    ApiTokenScope.PROGRAMME: FeedScope.PROGRAMME,
}
API_SCOPES = {feed: api for api, feed in FEED_SCOPES.items()}


def issue_api_token(
    *,
    person,
    name,
    scope,
    cluster=None,
    programme=None,
    can_write=False,
    expires_at=None,
    form_key=None,
):
    """Create a token; return it and its secret, which is shown once and stored nowhere."""
    if not may_subscribe(
        person=person, scope=FEED_SCOPES[scope], cluster=cluster, programme=programme
    ):
        raise NoApiAccess(_("%(person)s may not have a token for this.") % {"person": person})
    raw_token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        person=person,
        name=name,
        scope=scope,
        cluster=cluster if scope == ApiTokenScope.CLUSTER else None,
        programme=programme if scope == ApiTokenScope.PROGRAMME else None,
        can_write=can_write,
        expires_at=expires_at,
        token_hash=hash_token(raw_token),
        form_key=form_key,
    )
    return token, raw_token


def revoke_api_token(*, token, now=None):
    if token.revoked_at is None:
        token.revoked_at = now or timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def live_api_tokens(*, now=None):
    """Tokens that still give access: not revoked or expired, their person active and still
    holding the scope's role."""
    now = now or timezone.now()
    return (
        ApiToken.objects.select_related("person")
        .filter(revoked_at__isnull=True, person__is_active=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .filter(
            scope_still_held(
                own=ApiTokenScope.PERSON,
                cluster=ApiTokenScope.CLUSTER,
                programme=ApiTokenScope.PROGRAMME,
            )
        )
    )


def find_api_token(raw_token, *, now=None):
    """The live token with this secret, or None; records its use (at most once a minute)."""
    if not raw_token.startswith(TOKEN_PREFIX):
        return None
    now = now or timezone.now()
    token = live_api_tokens(now=now).filter(token_hash=hash_token(raw_token)).first()
    if token is not None and (
        token.last_used_at is None or token.last_used_at <= now - LAST_USE_PRECISION
    ):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
