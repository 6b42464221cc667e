"""Calendar feeds, the single-event download, and the page to subscribe and revoke."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response
from django.utils.decorators import method_decorator
from django.utils.http import content_disposition_header, http_date, parse_etags, quote_etag
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from django.views.generic import FormView
from django.views.generic.detail import SingleObjectMixin

from milestones import dates, ical
from milestones.feeds.render import render_feed
from milestones.feeds.revalidation import record_unchanged_fetch
from milestones.feeds.tokens import feed_url, find_feed_token, revoke_feed_token, webcal_url
from milestones.forms.accounts import FeedTokenForm
from milestones.models.feeds import FeedToken
from milestones.models.milestone import Milestone, Responsibility

CALENDAR_CONTENT_TYPE = "text/calendar; charset=utf-8"
# Every control character, tab and line breaks too: none belongs in a header's value.
HEADER_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def header_text(value):
    """A value from the database as a header may carry it: without control characters."""
    return HEADER_CONTROL_CHARACTERS.sub("", str(value))


def _calendar_headers(response):
    # The feed URL is a secret: nothing may cache it for others, pass it on, or index it.
    response["Cache-Control"] = "private"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


def _feed_etag(content_hash):
    return quote_etag(content_hash[:32])


def _client_holds_current_feed(request, feed_token, now):
    """Whether the client holds the last body served and it is still current.

    The feed's fingerprint says whether anything changed, without rendering (and records
    the fetch when nothing did).
    """
    return bool(
        feed_token.content_hash
        and _feed_etag(feed_token.content_hash)
        in parse_etags(request.headers.get("If-None-Match", ""))
        and record_unchanged_fetch(token=feed_token, now=now)
    )


@csrf_exempt
@require_safe
def feed(request, token):
    """A calendar feed; unknown, revoked or no longer permitted tokens get 404."""
    feed_token = find_feed_token(token)
    if feed_token is None:
        raise Http404
    now = timezone.now()
    if _client_holds_current_feed(request, feed_token, now):
        response = HttpResponseNotModified()
    else:
        body = render_feed(token=feed_token, now=now)
        response = HttpResponse(b"" if request.method == "HEAD" else body)
        response["Content-Type"] = CALENDAR_CONTENT_TYPE
        response["Content-Length"] = str(len(body))
        # The feed's language is its person's, whatever the client's Accept-Language.
        response["Content-Language"] = header_text(feed_token.person.message_language)
    response["ETag"] = _feed_etag(feed_token.content_hash)
    response["Last-Modified"] = http_date(feed_token.content_changed_at.timestamp())
    _calendar_headers(response)
    response = get_conditional_response(
        request,
        etag=response["ETag"],
        last_modified=int(feed_token.content_changed_at.timestamp()),
        response=response,
    )
    return _calendar_headers(response)


@login_required
@require_safe
def milestone_event(request, pk):
    """One milestone as an .ics file to import into a calendar."""
    milestone = get_object_or_404(
        Milestone.objects.visible_to(request.user)
        .select_related("cluster__programme")
        .prefetch_related(
            Prefetch("responsibilities", queryset=Responsibility.objects.select_related("person")),
            "extensions",
        ),
        pk=pk,
    )
    body = ical.build_event_file(milestone=milestone, language=translation.get_language())
    response = HttpResponse(body, content_type=CALENDAR_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        True, header_text(f"milestone-{milestone.pk}.ics")
    )
    return _calendar_headers(response)


def save_once(form, token_model):
    """``form.save()``: a new token and its secret; (None, None) when this form (its
    ``form_key``) made one of ``token_model`` already."""
    key = form.cleaned_data["form_key"]
    already = token_model.objects.filter(form_key=key) if key else token_model.objects.none()
    if already.exists():
        return None, None
    try:
        with transaction.atomic():
            return form.save()
    except IntegrityError:
        if not already.exists():
            raise
    return None, None


class FeedTokenMixin(LoginRequiredMixin):
    def get_queryset(self):
        return FeedToken.objects.filter(person=self.request.user).select_related(
            "cluster", "programme"
        )


@method_decorator(never_cache, name="dispatch")
class SubscriptionView(FeedTokenMixin, FormView):
    """The person's calendar feeds: how to subscribe, a new address, and their tokens."""

    template_name = "milestones/subscriptions.html"
    form_class = FeedTokenForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "person": self.request.user}

    def get_context_data(self, **kwargs):
        tokens = list(self.get_queryset())
        for token in tokens:
            token.created_text = dates.format_moment(token.created_at)
            token.last_used_text = dates.format_moment(token.last_used_at)
            token.revoked_text = dates.format_moment(token.revoked_at)
        return super().get_context_data(tokens=tokens, **kwargs)

    def form_valid(self, form):
        token, raw_token = save_once(form, FeedToken)
        if token is None:
            # The same form sent again: by a reload of the page that showed the address, by
            # Back and Forward, or by a double click. The secret is gone; say so instead of
            # making another address.
            messages.warning(
                self.request,
                _(
                    "This form was sent before, and its address was created then. An address "
                    "is shown only once: if you did not copy it, revoke it below and create a "
                    "new one."
                ),
            )
            return redirect("milestones:subscriptions")
        url = feed_url(raw_token)
        # The secret is shown in this response only; it is stored nowhere but as a hash.
        response = self.render_to_response(
            self.get_context_data(
                form=self.form_class(person=self.request.user),
                new_token=token,
                new_url=url,
                new_webcal_url=webcal_url(url),
            )
        )
        response["Referrer-Policy"] = "no-referrer"
        return response


class RevokeFeedTokenView(FeedTokenMixin, SingleObjectMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        token = self.get_object()
        revoke_feed_token(token=token)
        messages.success(
            request,
            _("The feed address “%(name)s” no longer works.")
            % {"name": token.name or token.feed_name},
        )
        return redirect("milestones:subscriptions")
