"""What every view shares: the health check, the error page, and the log-in they need."""

import sys

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache

from milestones.forms.accounts import login_name
from milestones.models import Responsibility
from milestones.permissions import access


@never_cache
def healthz(request):
    """200 when the app and its database answer, 503 when the database does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


# Seconds a browser or client is asked to wait before trying again while the database is away.
DATABASE_RETRY_AFTER = 30


def server_error(request):
    """A 503 page when the database went away (it usually comes back); Django's 500 otherwise.

    Django calls this for any exception nothing else handled, from a view or a middleware,
    while that exception is still being handled. The page is rendered without the request: its
    context processors would ask the database for the person.
    """
    error = sys.exc_info()[1]
    if not isinstance(error, OperationalError | InterfaceError):
        return defaults.server_error(request)
    response = HttpResponse(
        render_to_string("503.html", {"retry_after": DATABASE_RETRY_AFTER}), status=503
    )
    response["Retry-After"] = str(DATABASE_RETRY_AFTER)
    return response


def csrf_failure(request, reason=""):
    """The page for a form the CSRF check refused (settings.CSRF_FAILURE_VIEW), in the site's
    layout and language.

    A log-in form of a second tab, sent after the first one logged in, carries a token from
    before that log-in. Sent by the person logged in now, it goes on to where it was going;
    sent with another address, nothing typed is checked, and the log-in page says who is
    logged in, with a fresh form.
    """
    if request.user.is_authenticated and request.path == resolve_url(settings.LOGIN_URL):
        typed = login_name(request)
        if typed == request.user.email.lower():
            next_url = request.POST.get("next", "")
            if not url_has_allowed_host_and_scheme(
                next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            ):
                next_url = resolve_url(settings.LOGIN_REDIRECT_URL)
            return redirect(next_url)
        messages.warning(
            request,
            _(
                "You were logged in as %(name)s already, from another tab, so what you typed "
                "was not checked. To log in as someone else, log in here again."
            )
            % {"name": request.user},
        )
        return redirect(request.get_full_path())
    return render(request, "403_csrf.html", status=403)


def with_people(milestones):
    """Milestones with their cluster and people responsible, in a fixed number of queries."""
    return milestones.select_related("cluster").prefetch_related(
        Prefetch(
            "responsibilities",
            # "lead" sorts after "contributor": descending puts the lead first.
            queryset=Responsibility.objects.select_related("person").order_by(
                "-role", "person__name"
            ),
        )
    )


class PersonMixin(LoginRequiredMixin):
    """Views of a logged-in person, with their roles at hand as ``self.access``."""

    @property
    def access(self):
        return access(self.request)

    def get_context_data(self, **kwargs):
        return super().get_context_data(access=self.access, **kwargs)
