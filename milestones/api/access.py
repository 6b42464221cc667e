"""Who is asking the API, what they may read and write, and how often.

A request is authenticated by its ``Authorization: Bearer`` token, whose scope is checked at
every request (``tokens.live_api_tokens``). A logged-in browser session may read, so that the
docs can try requests out, but never write: a page on another site cannot make a browser
change anything through the API. Every queryset starts from what the person may see
(``visible_to``), narrowed to the token's scope.
"""

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.throttling import SimpleRateThrottle

from milestones.api.tokens import find_api_token
from milestones.models import ApiToken, ApiTokenScope, Cluster, Milestone, Programme


class BearerTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        scheme, _space, credentials = header.partition(" ")
        if scheme.lower() != "bearer":
            return None
        credentials = credentials.strip()
        token = find_api_token(credentials) if credentials else None
        if token is None:
            raise exceptions.AuthenticationFailed(
                _("This token is unknown, expired or revoked, or no longer allowed.")
            )
        return token.person, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class SessionReadAuthentication(SessionAuthentication):
    """The browser's log-in, for reading only."""

    def authenticate(self, request):
        if request.method not in SAFE_METHODS:
            return None
        return super().authenticate(request)


class WritesNeedWriteToken(BasePermission):
    message = _("This token may only read. Create a read-write token to change things.")

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return isinstance(request.auth, ApiToken) and request.auth.can_write


class TokenRateThrottle(SimpleRateThrottle):
    """``API_THROTTLE_RATE`` requests per token (or logged-in person), counted in the cache."""

    scope = "api"

    def get_rate(self):
        return settings.API_THROTTLE_RATE

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.token_hash}"
        elif request.user.is_authenticated:
            ident = f"person-{request.user.pk}"
        else:
            ident = f"address-{self.get_ident(request)}"
        return f"throttle-api-{ident}"


class BodyTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = _("The request body is too large.")
    default_code = "body_too_large"


def refuse_large_body(request):
    """Refuse a body over DATA_UPLOAD_MAX_MEMORY_SIZE by its Content-Length, before reading
    a byte of it."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if limit is not None and length > limit:
        raise BodyTooLarge(_("The request body is larger than %(limit)s bytes.") % {"limit": limit})


def _token(request):
    return request.auth if isinstance(request.auth, ApiToken) else None


def _cluster_condition(token, via=""):
    if token is None or token.scope == ApiTokenScope.PERSON:
        return Q()
    if token.scope == ApiTokenScope.CLUSTER:
        return Q(**{f"{via}pk": token.cluster_id})
    return Q(**{f"{via}programme_id": token.programme_id})


def clusters_of(request):
    """The clusters the person sees, inside the token's scope."""
    return Cluster.objects.visible_to(request.user).filter(_cluster_condition(_token(request)))


def milestones_of(request):
    """The milestones the person sees, inside the token's scope."""
    return Milestone.objects.visible_to(request.user).filter(
        _cluster_condition(_token(request), via="cluster__")
    )


def programmes_of(request):
    """The programmes of the clusters in scope, and those the person oversees (in scope)."""
    person = request.user
    token = _token(request)
    clusters = clusters_of(request).values("programme")
    condition = Q(pk__in=clusters)
    if token is None or token.scope != ApiTokenScope.CLUSTER:
        overseen = Q(pk__in=Programme.objects.filter(officers__person=person).values("pk"))
        if token is not None and token.scope == ApiTokenScope.PROGRAMME:
            overseen &= Q(pk=token.programme_id)
        condition |= overseen
    return Programme.objects.filter(condition)
