"""What the accessibility tests share: the demo objects whose pages they visit, the list of
pages and states, and axe-core (bundled by the PyPI package axe-playwright-python).

A new page is one line in PAGES: a name, its path (with {placeholders} from demo_objects), the
demo log-in that sees it (None: logged out) and the state to put it in before it is checked.
"""

import datetime
import io
import os
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command

from milestones import demo
from milestones.api.webhooks.endpoints import register_endpoint
from milestones.models import Cluster, DayFinding, Kind, Milestone, Person, PlanItem, Role
from milestones.models.webhooks import EventType, WebhookEndpoint
from milestones.people import invitation_link, invite_person
from milestones.reminders.messages import unsubscribe_token

# The day the demo is loaded and the pages are seen: a Thursday, 10:00 in Berlin.
TODAY = datetime.datetime(2026, 3, 12, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))

OFFICER = "officer@c4f.example"
COORDINATOR = "coordinator@saxocell.example"
MEMBER = "member@saxocell.example"
RIVAL = "coordinator@othercluster.example"

# WCAG 2.0 and 2.1, levels A and AA: what EN 301 549 and so BITV 2.0 ask for.
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
LOCALES = {"en": "en-GB", "de": "de-DE"}


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    user: str | None
    # "shown": as it opens; "refused": its main form sent with its fields emptied; "csrf": that
    # form sent without its CSRF token; "rendered": a page no request can provoke, rendered by
    # Django and served by a route; "feed-issued": its first button pressed; "uploaded" and
    # "upload refused": a file sent to the draft, one accepted or one refused; "opened": every
    # <details> opened.
    state: str = "shown"


PAGES = [
    Page("log-in", "/accounts/login/", None),
    Page("log-in refused", "/accounts/login/", None, "refused"),
    Page("password reset", "/accounts/password_reset/", None),
    Page("password reset refused", "/accounts/password_reset/", None, "refused"),
    Page("invitation", "{invitation}", None),
    Page("reminders unsubscribe", "/reminders/unsubscribe/{unsubscribe}/", None),
    Page("accessibility statement", "/accessibility/", None),
    Page("accessibility statement, logged in", "/accessibility/", MEMBER),
    Page("not found (404)", "/clusters/no-such-cluster/", MEMBER),
    Page("not allowed (403)", "/milestones/{strategy}/edit/", MEMBER),
    Page("form expired (403 CSRF)", "/account/", MEMBER, "csrf"),
    Page("bad request (400)", "/__400__", None, "rendered"),
    Page("server error (500)", "/__500__", None, "rendered"),
    Page("dashboard, officer", "/", OFFICER),
    Page("dashboard, coordinator", "/", COORDINATOR),
    Page("dashboard, member", "/", MEMBER),
    Page("dashboard filtered", "/?mine=on&status=planned", COORDINATOR),
    Page("my milestones", "/my-milestones/", MEMBER),
    Page("cluster and its timeline", "/clusters/saxocell/", COORDINATOR),
    Page("cluster, member", "/clusters/saxocell/", MEMBER),
    Page("milestone with its draft", "/milestones/{strategy}/", MEMBER),
    Page("draft with a file", "/milestones/{strategy}/", MEMBER, "uploaded"),
    Page("draft upload refused", "/milestones/{strategy}/", MEMBER, "upload refused"),
    Page("milestone, submitted", "/milestones/{submitted}/", RIVAL),
    Page("milestone, officer's review", "/milestones/{submitted}/", OFFICER),
    Page("milestone edit", "/milestones/{strategy}/edit/", COORDINATOR),
    Page("milestone edit refused", "/milestones/{strategy}/edit/", COORDINATOR, "refused"),
    Page("new milestone", "/clusters/saxocell/milestones/new/", COORDINATOR),
    Page("new milestone refused", "/clusters/saxocell/milestones/new/", COORDINATOR, "refused"),
    Page("confirm the day", "/milestones/{window}/confirm-day/", COORDINATOR),
    Page("confirm the day refused", "/milestones/{window}/confirm-day/", COORDINATOR, "refused"),
    Page("status", "/milestones/{strategy}/status/", MEMBER),
    Page("status refused", "/milestones/{strategy}/status/", MEMBER, "refused"),
    Page("invite a person", "/clusters/saxocell/people/new/", COORDINATOR),
    Page("invite a person refused", "/clusters/saxocell/people/new/", COORDINATOR, "refused"),
    Page("remove a person", "/clusters/saxocell/people/{member}/remove/", COORDINATOR),
    Page("extension", "/milestones/{strategy}/extension/", OFFICER),
    Page("extension refused", "/milestones/{strategy}/extension/", OFFICER, "refused"),
    Page("matrix", "/programmes/clusters4future/", OFFICER),
    Page("matrix found", "/programmes/clusters4future/?q=saxo&state=overdue", OFFICER),
    Page("programme timeline", "/programmes/clusters4future/timeline/", OFFICER),
    Page(
        "programme timeline as a table", "/programmes/clusters4future/timeline/", OFFICER, "opened"
    ),
    Page("plan item new", "/programmes/clusters4future/plan/new/", OFFICER),
    Page("plan item new refused", "/programmes/clusters4future/plan/new/", OFFICER, "refused"),
    Page("plan item edit", "/programmes/clusters4future/plan/{plan_item}/edit/", OFFICER),
    Page(
        "plan item submissions",
        "/programmes/clusters4future/plan/{plan_item}/submissions/",
        OFFICER,
    ),
    Page("reminder schedule", "/programmes/clusters4future/reminders/", OFFICER),
    Page("reminder preferences", "/account/reminders/", MEMBER),
    Page("calendar feeds", "/calendar-feeds/", MEMBER),
    Page("calendar feeds, a new address", "/calendar-feeds/", MEMBER, "feed-issued"),
    Page("account", "/account/", MEMBER),
    Page("account refused", "/account/", MEMBER, "refused"),
    Page("password change", "/accounts/password_change/", MEMBER),
    Page("day-finding settings", "{visit_item}day-finding/settings/", OFFICER),
    Page("day-finding settings refused", "{visit_item}day-finding/settings/", OFFICER, "refused"),
    Page("day-finding, clusters by days", "{visit_item}day-finding/", OFFICER),
    Page("day-finding proposal", "{visit_item}day-finding/proposal/", OFFICER),
    Page("day-finding answers", "/clusters/saxocell/day-finding/{day_finding}/", COORDINATOR),
    Page("day-finding answers given", "/clusters/nordlicht/day-finding/{day_finding}/", RIVAL),
    Page("jury slots layout", "{jury_item}jury/layout/", OFFICER),
    Page("jury running order", "{jury_item}jury/", OFFICER),
    Page("webhooks", "/webhooks/", COORDINATOR),
    Page("webhooks refused", "/webhooks/", COORDINATOR, "refused"),
    Page("a webhook and its deliveries", "/webhooks/{webhook}/", COORDINATOR),
    Page("second factor", "/accounts/2fa/", MEMBER),
    Page("authenticator app set-up", "/accounts/2fa/totp/activate/", MEMBER),
    Page("sessions", "/accounts/sessions/", MEMBER),
    Page("sign-up closed", "/accounts/signup/", None),
    Page("sign-in domains", "/programmes/clusters4future/sign-in-domains/", OFFICER),
    Page(
        "sign-in domains refused",
        "/programmes/clusters4future/sign-in-domains/",
        OFFICER,
        "refused",
    ),
]


def demo_objects():
    """Load the demo and name the objects whose pages PAGES visits (before any browser opens:
    Playwright's event loop keeps the ORM out of its thread)."""
    call_command("load_demo", stdout=io.StringIO())
    saxocell = Cluster.objects.get(slug="saxocell")
    coordinator = Person.objects.get(email=COORDINATOR)
    strategy = Milestone.objects.filter(
        cluster=saxocell, kind=Kind.STRATEGY_SUBMISSION, is_open=True
    ).latest("starts_on")
    submitted = Milestone.objects.filter(
        cluster__slug="nordlicht", submissions__isnull=False
    ).latest("starts_on")
    window = Milestone.objects.filter(cluster=saxocell, is_tentative=True).latest("starts_on")
    invite_person(
        cluster=saxocell,
        email="nina.new@saxocell.example",
        name="Nina New",
        role=Role.MEMBER,
        by=coordinator,
    )
    invited = Person.objects.get(email="nina.new@saxocell.example")
    # The demo's own day-finding, open with some clusters' answers, and its jury's slots.
    visit_item = PlanItem.objects.get(title=demo.VISIT)
    day_finding = DayFinding.objects.get(plan_item=visit_item)
    webhook = register_endpoint(
        endpoint=WebhookEndpoint(
            cluster=saxocell,
            url="https://tools.saxocell.example/hooks/tracker",
            description="Project tools",
            events=",".join(EventType.values),
        ),
        by=coordinator,
    )
    programme_path = "/programmes/clusters4future/plan/{pk}/"
    return {
        "visit_item": programme_path.format(pk=visit_item.pk),
        "day_finding": day_finding.pk,
        "jury_item": programme_path.format(pk=PlanItem.objects.get(title=demo.JURY).pk),
        "webhook": webhook.pk,
        "strategy": strategy.pk,
        "submitted": submitted.pk,
        "window": window.pk,
        "plan_item": PlanItem.objects.filter(asks_submission=True).latest("starts_on").pk,
        "member": Person.objects.get(email=MEMBER).pk,
        "invitation": invitation_link(invited).removeprefix(settings.SITE_URL),
        "unsubscribe": unsubscribe_token(Person.objects.get(email=MEMBER)),
    }


def require_browser(reason):
    """Skip for want of chromium, or fail under CI=true, where it must be there."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI needs {reason}")
    pytest.skip(f"needs {reason}")
