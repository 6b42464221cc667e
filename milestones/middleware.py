"""Middleware of the app: the health check ahead of everything, the account's language."""

import ipaddress

from django.conf import settings
from django.utils import translation

from milestones.views.common import healthz


class HealthCheckMiddleware:
    """Answer /healthz before host validation and the HTTPS redirect.

    Load balancers and container health checks call the process by its address over plain
    HTTP, with a Host header that ALLOWED_HOSTS rightly does not list.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/healthz":
            return healthz(request)
        return self.get_response(request)


class PersonLanguageMiddleware:
    """The language of the person's account wins over the browser's once they are logged in.

    Place it after AuthenticationMiddleware. LocaleMiddleware has already chosen the browser's
    language for everyone; this only overrides it for a logged-in person, so the log-in page
    still follows the browser.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        person = getattr(request, "user", None)
        if person is not None and person.is_authenticated and person.language:
            translation.activate(person.language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


def client_address(request):
    """The address a request came from, believing only the proxies we were told to trust.

    With TRUSTED_PROXY_COUNT = 0 (the default) it is REMOTE_ADDR. Behind N proxies that each
    append the address they were reached from to X-Forwarded-For, it is the N-th entry from the
    right; entries further left were written by the client and prove nothing. A request with a
    shorter chain did not come through all the proxies, so its REMOTE_ADDR is what we know, and
    so is it for a request that does not come from a proxy's address (TRUSTED_PROXY_ADDRESSES).
    """
    count = settings.TRUSTED_PROXY_COUNT
    remote_address = request.META.get("REMOTE_ADDR", "")
    if count <= 0 or not _is_trusted_proxy(remote_address):
        return remote_address
    chain = [
        entry.strip()
        for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if entry.strip()
    ]
    if len(chain) < count:
        return remote_address
    return chain[-count]


def _is_trusted_proxy(address):
    """Whether the address is one of TRUSTED_PROXY_ADDRESSES (addresses or networks; "*" is
    any): a client that reaches gunicorn directly writes its own X-Forwarded-For."""
    try:
        address = ipaddress.ip_address(address)
    except ValueError:
        return False
    for trusted in settings.TRUSTED_PROXY_ADDRESSES:
        if trusted == "*":
            return True
        try:
            if address in ipaddress.ip_network(trusted, strict=False):
                return True
        except ValueError:
            continue
    return False
