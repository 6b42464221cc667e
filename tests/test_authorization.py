"""Who reaches which page: every URL pattern of the project, every role, GET and POST.

The patterns are found through the URL resolver, so a new view without a row in EXPECTED
fails ``test_every_url_pattern_has_an_expected_row``. POSTs go through a client that enforces
CSRF and send the token the way a browser does: read from the cookie of a page it was shown.
Each POST carries an empty form, so a permitted POST re-renders its form with errors and
changes nothing (except the three actions that need no fields: log-out, revoking a token,
unsubscribing).
"""

import datetime
from dataclasses import dataclass

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from milestones import plan
from milestones.api.tokens import issue_api_token
from milestones.dayfinding import services as dayfinding_services
from milestones.dayfinding.days import window_days
from milestones.feeds.tokens import issue_feed_token
from milestones.models import (
    ApiTokenScope,
    Cluster,
    FeedScope,
    Kind,
    Membership,
    Milestone,
    Person,
    PlanItem,
    Programme,
    ProgrammeOfficer,
    Responsibility,
    ResponsibilityRole,
    Role,
    SignInDomain,
    SignInRole,
    SubmissionFile,
    WebhookEndpoint,
)
from milestones.reminders.messages import unsubscribe_token
from tests.authorization_sso import SSO_CSRF_EXEMPT, SSO_CSRF_PROTECTED, SSO_ROWS

ROLES = (
    "anonymous",
    "other_cluster",  # the coordinator of a competing cluster of the same programme
    "member",  # a member of the cluster, not responsible for the milestone
    "lead",  # a member of the cluster who leads the milestone
    "coordinator",
    "foreign_officer",  # a programme officer of another programme
    "officer",
    "deactivated",  # the cluster's coordinator, deactivated while logged in
)

# Patterns not walked, with the reason.
NOT_WALKED = {
    # Django's admin has its own guard (staff only, per-model permissions) and hundreds of
    # generated patterns; tests/test_admin.py covers what the project changes there.
    "admin/",
    # The API answers tokens, not sessions, and in JSON: tests/test_api_reads.py and
    # tests/test_api_schema.py ask every operation for another cluster's objects (404).
    "api/v1/",
}


@dataclass(frozen=True)
class Row:
    """Expected outcome per role, in ROLES' order; "login" is a redirect to the log-in page."""

    get: str
    post: str
    kwargs: object = None  # world -> URL kwargs


L = "login"


def row(text):
    return [L if code == "L" else int(code) for code in text.split()]


#                   anon  other member lead coord f-off officer deact
EXPECTED = {
    "milestones:dashboard": Row(
        get="L 200 200 200 200 200 200 L",
        post="L 405 405 405 405 405 405 L",
    ),
    "milestones:cluster": Row(
        get="L 404 200 200 200 404 200 L",
        post="L 405 405 405 405 405 405 L",
        kwargs=lambda w: {"slug": w.cluster.slug},
    ),
    # Who sees the cluster but may not change it is told why and whom to ask (403).
    "milestones:milestone_new": Row(
        get="L 404 403 403 200 404 403 L",
        post="L 404 403 403 200 404 403 L",
        kwargs=lambda w: {"slug": w.cluster.slug},
    ),
    "milestones:invitation_new": Row(
        get="L 404 403 403 200 404 403 L",
        post="L 404 403 403 200 404 403 L",
        kwargs=lambda w: {"slug": w.cluster.slug},
    ),
    # A coordinator changes a person's role (POST only) or removes them, after a page that
    # asks; an empty form changes no role.
    "milestones:membership_role": Row(
        get="L 405 405 405 405 405 405 L",
        post="L 404 403 403 302 404 403 L",
        kwargs=lambda w: {"slug": w.cluster.slug, "pk": w.people["member"].pk},
    ),
    "milestones:membership_remove": Row(
        get="L 404 403 403 200 404 403 L",
        post="L 404 403 403 302 404 403 L",
        kwargs=lambda w: {"slug": w.cluster.slug, "pk": w.people["member"].pk},
    ),
    "milestones:milestone": Row(
        get="L 404 200 200 200 404 200 L",
        post="L 405 405 405 405 405 405 L",
        kwargs=lambda w: {"pk": w.milestone.pk},
    ),
    "milestones:milestone_edit": Row(
        get="L 404 403 403 200 404 403 L",
        post="L 404 403 403 200 404 403 L",
        kwargs=lambda w: {"pk": w.milestone.pk},
    ),
    # Only a window's day is confirmed: the coordinator of a day goes back to its page.
    "milestones:confirm_day": Row(
        get="L 404 403 403 302 404 403 L",
        post="L 404 403 403 302 404 403 L",
        kwargs=lambda w: {"pk": w.milestone.pk},
    ),
    "milestones:status": Row(
        get="L 404 404 200 200 404 404 L",
        post="L 404 404 200 200 404 404 L",
        kwargs=lambda w: {"pk": w.milestone.pk},
    ),
    # The draft is the cluster's: its people change it, an officer is told it is not theirs
    # (403); the lead or a coordinator submits. An upload without files is shown again (400).
    "milestones:submission_upload": Row(
        get="L 405 405 405 405 405 405 L",
        post="L 404 400 400 400 404 403 L",
        kwargs=lambda w: {"pk": w.milestone.pk},
    ),
    "milestones:submission_file": Row(
        get="L 404 200 200 200 404 404 L",
        post="L 405 405 405 405 405 405 L",
        kwargs=lambda w: {"pk": w.milestone.pk, "file_pk": w.draft_file().pk},
    ),
    "milestones:submission_file_remove": Row(
        get="L 405 405 405 405 405 405 L",
        post="L 404 302 302 302 404 403 L",
        kwargs=lambda w: {"pk": w.milestone.pk, "file_pk": w.draft_file().pk},
    ),
    "milestones:submission_note": Row(
        get="L 405 405 405 405 405 405 L",
        post="L 404 302 302 302 404 403 L",
        kwargs=lambda w: {"pk": w.milestone.pk},
    ),
    "milestones:submission_submit": Row(
        get="L 405 405 405 405 405 405 L",
        post="L 404 403 302 302 404 403 L",
        kwargs=lambda w: {"pk": w.milestone.pk},
    ),
    # The programme's officers grant extensions and review; whoever else sees the milestone
    # is told so. The world has no submission: its version 1 is not found, even by them
    # (tests/test_views_reviews.py reviews real ones).
    "milestones:milestone_extension": Row(
        get="L 404 403 403 403 404 200 L",
        post="L 404 403 403 403 404 200 L",
        kwargs=lambda w: {"pk": w.milestone.pk},
    ),
    "milestones:submission_accept": Row(
        get="L 404 403 403 403 404 404 L",
        post="L 404 403 403 403 404 404 L",
        kwargs=lambda w: {"pk": w.milestone.pk, "number": 1},
    ),
    "milestones:submission_revision": Row(
        get="L 404 403 403 403 404 404 L",
        post="L 404 403 403 403 404 404 L",
        kwargs=lambda w: {"pk": w.milestone.pk, "number": 1},
    ),
    "milestones:milestone_event": Row(
        get="L 404 200 200 200 404 200 L",
        post="L 405 405 405 405 405 405 L",
        kwargs=lambda w: {"pk": w.milestone.pk},
    ),
    "milestones:programme": Row(
        get="L 404 404 404 404 404 200 L",
        post="L 405 405 405 405 405 405 L",
        kwargs=lambda w: {"slug": w.programme.slug},
    ),
    "milestones:programme_csv": Row(
        get="L 404 404 404 404 404 200 L",
        post="L 405 405 405 405 405 405 L",
        kwargs=lambda w: {"slug": w.programme.slug},
    ),
    "milestones:programme_xlsx": Row(
        get="L 404 404 404 404 404 200 L",
        post="L 405 405 405 405 405 405 L",
        kwargs=lambda w: {"slug": w.programme.slug},
    ),
    "milestones:programme_timeline": Row(
        get="L 404 404 404 404 404 200 L",
        post="L 405 405 405 405 405 405 L",
        kwargs=lambda w: {"slug": w.programme.slug},
    ),
    "milestones:plan_item_new": Row(
        get="L 404 404 404 404 404 200 L",
        post="L 404 404 404 404 404 200 L",
        kwargs=lambda w: {"slug": w.programme.slug},
    ),
    "milestones:plan_item_edit": Row(
        get="L 404 404 404 404 404 200 L",
        post="L 404 404 404 404 404 200 L",
        kwargs=lambda w: {"slug": w.programme.slug, "pk": w.plan_item.pk},
    ),
    # Day-finding: the officer's pages are the programme's officers' only; a cluster's answers
    # are read by whoever sees the cluster and given by its coordinators (an empty form: 200).
    "milestones:dayfinding": Row(
        get="L 404 404 404 404 404 200 L",
        post="L 404 404 404 404 404 405 L",
        kwargs=lambda w: {"slug": w.programme.slug, "pk": w.day_finding().plan_item_id},
    ),
    "milestones:dayfinding_settings": Row(
        get="L 404 404 404 404 404 200 L",
        post="L 404 404 404 404 404 200 L",
        kwargs=lambda w: {"slug": w.programme.slug, "pk": w.day_finding().plan_item_id},
    ),
    "milestones:dayfinding_proposal": Row(
        get="L 404 404 404 404 404 200 L",
        post="L 404 404 404 404 404 200 L",
        kwargs=lambda w: {"slug": w.programme.slug, "pk": w.day_finding().plan_item_id},
    ),
    "milestones:dayfinding_answers": Row(
        get="L 404 200 200 200 404 200 L",
        post="L 404 403 403 200 404 403 L",
        kwargs=lambda w: {"slug": w.cluster.slug, "pk": w.day_finding().pk},
    ),
    "milestones:plan_item_submissions": Row(
        get="L 404 404 404 404 404 200 L",
        post="L 405 405 405 405 405 405 L",
        kwargs=lambda w: {"slug": w.programme.slug, "pk": w.plan_item.pk},
    ),
    "milestones:plan_item_archive": Row(
        get="L 404 404 404 404 404 200 L",
        post="L 405 405 405 405 405 405 L",
        kwargs=lambda w: {"slug": w.programme.slug, "pk": w.plan_item.pk},
    ),
    # The jury meeting's slots: officers only; before a layout is saved the running order
    # sends them to the layout's form, and a move to it too.
    "milestones:jury": Row(
        get="L 404 404 404 404 404 302 L",
        post="L 405 405 405 405 405 405 L",
        kwargs=lambda w: {"slug": w.programme.slug, "pk": w.plan_item.pk},
    ),
    "milestones:jury_layout": Row(
        get="L 404 404 404 404 404 200 L",
        post="L 404 404 404 404 404 200 L",
        kwargs=lambda w: {"slug": w.programme.slug, "pk": w.plan_item.pk},
    ),
    "milestones:jury_move": Row(
        get="L 405 405 405 405 405 405 L",
        post="L 404 404 404 404 404 302 L",
        kwargs=lambda w: {"slug": w.programme.slug, "pk": w.plan_item.pk},
    ),
    "milestones:jury_calendar": Row(
        get="L 404 404 404 404 404 200 L",
        post="L 405 405 405 405 405 405 L",
        kwargs=lambda w: {"slug": w.programme.slug, "pk": w.plan_item.pk},
    ),
    # An empty form is valid there: no reminders for any kind.
    # Whose verified address at a provider admits them, and as what: the officers' alone.
    "milestones:sign_in_domains": Row(
        get="L 404 404 404 404 404 200 L",
        post="L 404 404 404 404 404 200 L",
        kwargs=lambda w: {"slug": w.programme.slug},
    ),
    "milestones:sign_in_domain_remove": Row(
        get="L 404 404 404 404 404 405 L",
        post="L 404 404 404 404 404 302 L",
        kwargs=lambda w: {"slug": w.programme.slug, "pk": w.sign_in_domain.pk},
    ),
    "milestones:reminder_schedule": Row(
        get="L 404 404 404 404 404 200 L",
        post="L 404 404 404 404 404 302 L",
        kwargs=lambda w: {"slug": w.programme.slug},
    ),
    # An invitation resent or withdrawn (POST only); the member accepted long ago, so the
    # coordinator is told there is nothing to do.
    "milestones:invitation_resend": Row(
        get="L 405 405 405 405 405 405 L",
        post="L 404 403 403 302 404 403 L",
        kwargs=lambda w: {"slug": w.cluster.slug, "pk": w.people["member"].pk},
    ),
    "milestones:invitation_withdraw": Row(
        get="L 405 405 405 405 405 405 L",
        post="L 404 403 403 302 404 403 L",
        kwargs=lambda w: {"slug": w.cluster.slug, "pk": w.people["member"].pk},
    ),
    # Webhook endpoints: officers register their programme's, coordinators their cluster's;
    # an endpoint is seen by those who manage it only (the world's is the cluster's).
    # The accessibility statement is for everybody, logged in or not.
    "milestones:accessibility": Row(
        get="200 200 200 200 200 200 200 200",
        post="405 405 405 405 405 405 405 405",
    ),
    # API tokens: made from the account page's form (its page only after a post), revoked by
    # their own person alone.
    "milestones:api_token_new": Row(
        get="L 302 302 302 302 302 302 L",
        post="L 200 200 200 200 200 200 L",
    ),
    "milestones:api_token_revoke": Row(
        get="L 405 405 405 405 405 405 L",
        post="L 404 302 404 404 404 404 L",
        kwargs=lambda w: {"pk": w.api_token.pk},
    ),
    "milestones:webhooks": Row(
        get="L 200 404 404 200 200 200 L",
        post="L 200 404 404 200 200 200 L",
    ),
    "milestones:webhook": Row(
        get="L 404 404 404 200 404 404 L",
        post="L 404 404 404 200 404 404 L",
        kwargs=lambda w: {"pk": w.webhook.pk},
    ),
    "milestones:webhook_action": Row(
        get="L 405 405 405 405 405 405 L",
        post="L 404 404 404 302 404 404 L",
        kwargs=lambda w: {"pk": w.webhook.pk, "action": "rotate"},
    ),
    "milestones:my_milestones": Row(
        get="L 200 200 200 200 200 200 L",
        post="L 405 405 405 405 405 405 L",
    ),
    "milestones:account": Row(
        get="L 200 200 200 200 200 200 L",
        post="L 200 200 200 200 200 200 L",
    ),
    "milestones:reminder_preferences": Row(
        get="L 200 200 200 200 200 200 L",
        post="L 200 200 200 200 200 200 L",
    ),
    "milestones:subscriptions": Row(
        get="L 200 200 200 200 200 200 L",
        post="L 200 200 200 200 200 200 L",
    ),
    # The coordinator's own token; everybody else's revocation finds nothing.
    "milestones:revoke_feed_token": Row(
        get="L 405 405 405 405 405 405 L",
        post="L 404 404 404 302 404 404 L",
        kwargs=lambda w: {"pk": w.feed_token.pk},
    ),
    # The token in the URL is the credential, whoever presents it; a session adds nothing.
    "milestones:feed": Row(
        get="200 200 200 200 200 200 200 200",
        post="405 405 405 405 405 405 405 405",
        kwargs=lambda w: {"token": w.raw_feed_token},
    ),
    # The signed token is the authority (one-click unsubscribe from a mail client).
    "milestones:unsubscribe": Row(
        get="200 200 200 200 200 200 200 200",
        post="200 200 200 200 200 200 200 200",
        kwargs=lambda w: {"token": w.unsubscribe_token},
    ),
    # A wrong link: the page says so, to anybody.
    "milestones:invitation": Row(
        get="200 200 200 200 200 200 200 200",
        post="200 200 200 200 200 200 200 200",
        kwargs=lambda w: {"uidb64": "MQ", "token": "wrong-token"},
    ),
    "login": Row(
        get="200 200 200 200 200 200 200 200",
        post="200 200 200 200 200 200 200 200",
    ),
    # Log-out is POST only; afterwards the log-in page.
    "logout": Row(
        get="405 405 405 405 405 405 405 405",
        post="302 302 302 302 302 302 302 302",
    ),
    "password_change": Row(
        get="L 200 200 200 200 200 200 L",
        post="L 200 200 200 200 200 200 L",
    ),
    "password_change_done": Row(
        get="L 200 200 200 200 200 200 L",
        post="L 405 405 405 405 405 405 L",
    ),
    "password_reset": Row(
        get="200 200 200 200 200 200 200 200",
        post="200 200 200 200 200 200 200 200",
    ),
    "password_reset_done": Row(
        get="200 200 200 200 200 200 200 200",
        post="405 405 405 405 405 405 405 405",
    ),
    "password_reset_confirm": Row(
        get="200 200 200 200 200 200 200 200",
        post="200 200 200 200 200 200 200 200",
        kwargs=lambda w: {"uidb64": "MQ", "token": "wrong-token"},
    ),
    "password_reset_complete": Row(
        get="200 200 200 200 200 200 200 200",
        post="405 405 405 405 405 405 405 405",
    ),
}
# The sign-in pages (tests/authorization_sso.py).
EXPECTED.update({name: Row(get, post, kwargs) for name, (get, post, kwargs) in SSO_ROWS.items()})


def walk(patterns, prefix="", namespace=""):
    """(route, name) of every pattern below these, names qualified by their namespaces."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route in NOT_WALKED:
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk(pattern.url_patterns, route, inner)
        else:
            assert isinstance(pattern, URLPattern)
            yield route, f"{namespace}{pattern.name}" if pattern.name else None


def test_every_url_pattern_has_an_expected_row():
    walked = list(walk(get_resolver().url_patterns))

    assert [route for route, name in walked if name is None] == []
    assert {name for _, name in walked} == set(EXPECTED)


class World:
    """One cluster's milestone with a person in every role, a competing cluster, a second
    programme, a plan item, a feed token and an unsubscribe link."""

    def __init__(self, programme, cluster, other_cluster):
        self.programme = programme
        self.cluster = cluster
        self.people = {"anonymous": None}
        self.people["other_cluster"] = self.in_cluster(
            "other@other.test", other_cluster, Role.COORDINATOR
        )
        self.people["member"] = self.in_cluster("member@saxocell.test", cluster, Role.MEMBER)
        self.people["lead"] = self.in_cluster("lead@saxocell.test", cluster, Role.MEMBER)
        self.people["coordinator"] = self.in_cluster(
            "coordinator@saxocell.test", cluster, Role.COORDINATOR
        )
        foreign = Programme.objects.create(name="Other programme", slug="other-programme")
        Cluster.objects.create(programme=foreign, name="Foreign", slug="foreign")
        self.people["foreign_officer"] = self.officer_of("foreign@officer.test", foreign)
        self.people["officer"] = self.officer_of("officer@c4f.test", programme)
        self.people["deactivated"] = self.in_cluster(
            "gone@saxocell.test", cluster, Role.COORDINATOR
        )
        self.plan_item = plan.save_plan_item(
            plan_item=PlanItem(
                programme=programme,
                kind=Kind.JURY_MEETING,
                title="Jury meeting",
                starts_on=datetime.date(2024, 7, 2),
            )
        )
        self.milestone = Milestone.objects.create(
            cluster=cluster,
            kind=Kind.STRATEGY_SUBMISSION,
            title="Cluster strategy",
            starts_on=datetime.date(2024, 4, 2),
            asks_submission=True,
        )
        Responsibility.objects.create(
            milestone=self.milestone, person=self.people["lead"], role=ResponsibilityRole.LEAD
        )
        self.feed_token, self.raw_feed_token = issue_feed_token(
            person=self.people["coordinator"], scope=FeedScope.MINE
        )
        self.unsubscribe_token = unsubscribe_token(self.people["member"])
        self.sign_in_domain = SignInDomain.objects.create(
            programme=programme, domain="uni.example", role=SignInRole.MEMBER, cluster=cluster
        )
        self.api_token, _secret = issue_api_token(
            person=self.people["member"], name="Reporting", scope=ApiTokenScope.PERSON
        )
        self.webhook = WebhookEndpoint.objects.create(
            cluster=cluster,
            url="https://93.184.216.34/hooks",
            secret="whsec_c2VjcmV0",
            events="milestone.created",
        )

    def day_finding(self):
        """An open day-finding on a window of the plan, from a month ahead (made once)."""
        if not hasattr(self, "_day_finding"):
            today = datetime.date.today()
            window = plan.save_plan_item(
                plan_item=PlanItem(
                    programme=self.programme,
                    kind=Kind.ON_SITE_VISIT,
                    title="On-site visit",
                    starts_on=today + datetime.timedelta(days=30),
                    ends_on=today + datetime.timedelta(days=90),
                    is_tentative=True,
                )
            )
            working = window_days(window).usual
            self._day_finding = dayfinding_services.open_day_finding(
                plan_item=window,
                days=working[:3],
                visits_per_day=1,
                answer_by=today + datetime.timedelta(days=20),
                by=None,
            )
        return self._day_finding

    def draft_file(self):
        """A file in the milestone's draft."""
        return SubmissionFile.objects.create(
            milestone=self.milestone,
            file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="a.pdf"),
            name="a.pdf",
            size=14,
            sha256="0" * 64,
            content_type="application/pdf",
        )

    @staticmethod
    def in_cluster(email, cluster, role):
        person = unhashed_person(email)
        Membership.objects.create(person=person, cluster=cluster, role=role)
        return person

    @staticmethod
    def officer_of(email, programme):
        person = unhashed_person(email)
        ProgrammeOfficer.objects.create(person=person, programme=programme)
        return person

    def client_as(self, role):
        """A browser of this role that enforces CSRF, holding the cookie a page gave it."""
        client = Client(enforce_csrf_checks=True)
        person = self.people[role]
        if person is not None:
            client.force_login(person)
        client.get(reverse("login"))
        if role == "deactivated":
            person.is_active = False
            person.save(update_fields=["is_active"])
        return client


def unhashed_person(email):
    # These people log in with force_login: no password to hash keeps the matrix fast.
    return Person.objects.create_user(email, None, name=email.split("@")[0].title())


@pytest.fixture
def world(programme, cluster, other_cluster):
    return World(programme, cluster, other_cluster)


def outcome(response):
    # A file's response holds it open until read: the test client closes it once it is read
    # (closing it here would close the test's database connection with it).
    if response.streaming:
        b"".join(response.streaming_content)
    location = response.get("Location", "")
    if response.status_code == 302 and location.startswith(reverse("login") + "?next="):
        return L
    return response.status_code


def csrf_token_of(client):
    return client.cookies[settings.CSRF_COOKIE_NAME].value


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_role_gets_the_expected_status(world, name):
    expected = EXPECTED[name]
    path = reverse(name, kwargs=expected.kwargs(world) if expected.kwargs else None)
    results = {"get": [], "post": []}

    for role in ROLES:
        client = world.client_as(role)
        results["get"].append(outcome(client.get(path)))
        results["post"].append(
            outcome(client.post(path, {"csrfmiddlewaretoken": csrf_token_of(client)}))
        )

    assert results == {"get": row(expected.get), "post": row(expected.post)}


# Views that take a POST with the session and must refuse one without the CSRF token.
CSRF_PROTECTED = sorted(
    name
    for name, expected in EXPECTED.items()
    if name not in ("milestones:feed", "milestones:unsubscribe", *SSO_CSRF_EXEMPT)
    and row(expected.post)[ROLES.index("coordinator")] not in (405, L)
)


@pytest.mark.parametrize("name", CSRF_PROTECTED)
def test_post_without_csrf_token_is_refused(world, name):
    expected = EXPECTED[name]
    path = reverse(name, kwargs=expected.kwargs(world) if expected.kwargs else None)
    client = world.client_as("coordinator")

    response = client.post(path, {})

    if name in ("login", "account_login"):
        # Its person is logged in already, as by a second tab's form sent after the first:
        # back to the log-in page, which says so, the form itself unread
        # (tests/test_error_pages.py).
        assert (response.status_code, response["Location"]) == (302, "/accounts/login/")
    else:
        assert response.status_code == 403


def test_csrf_protected_views_are_the_ones_with_forms():
    assert [name for name in CSRF_PROTECTED if name in SSO_ROWS] == SSO_CSRF_PROTECTED
    assert [name for name in CSRF_PROTECTED if name not in SSO_ROWS] == [
        "login",
        "logout",
        "milestones:account",
        "milestones:api_token_new",
        "milestones:api_token_revoke",
        "milestones:confirm_day",
        "milestones:dayfinding",
        "milestones:dayfinding_answers",
        "milestones:dayfinding_proposal",
        "milestones:dayfinding_settings",
        "milestones:invitation",
        "milestones:invitation_new",
        "milestones:invitation_resend",
        "milestones:invitation_withdraw",
        "milestones:jury_layout",
        "milestones:jury_move",
        "milestones:membership_remove",
        "milestones:membership_role",
        "milestones:milestone_edit",
        "milestones:milestone_extension",
        "milestones:milestone_new",
        "milestones:plan_item_edit",
        "milestones:plan_item_new",
        "milestones:reminder_preferences",
        "milestones:reminder_schedule",
        "milestones:revoke_feed_token",
        "milestones:sign_in_domain_remove",
        "milestones:sign_in_domains",
        "milestones:status",
        "milestones:submission_accept",
        "milestones:submission_file_remove",
        "milestones:submission_note",
        "milestones:submission_revision",
        "milestones:submission_submit",
        "milestones:submission_upload",
        "milestones:subscriptions",
        "milestones:webhook",
        "milestones:webhook_action",
        "milestones:webhooks",
        "password_change",
        "password_reset",
        "password_reset_confirm",
    ]


# --- Ids of another cluster's (or programme's) objects in URLs and form fields ---------------


def milestone_form_data(client, **fields):
    return {
        "csrfmiddlewaretoken": csrf_token_of(client),
        "kind": Kind.OTHER,
        "title": "Board meeting",
        "date_form": "day",
        "starts_on": "2024-05-06",
        **fields,
    }


def field_errors(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return [error.get_text(" ", strip=True) for error in soup.select(".field-error, .errorlist li")]


def test_person_of_another_cluster_cannot_be_made_lead(world):
    client = world.client_as("coordinator")
    path = reverse("milestones:milestone_edit", kwargs={"pk": world.milestone.pk})
    outsider = world.people["other_cluster"]

    response = client.post(path, milestone_form_data(client, lead=outsider.pk, reason="x"))

    assert (response.status_code, field_errors(response)) == (
        200,
        ["Select a valid choice. That choice is not one of the available choices."],
    )
    assert list(world.milestone.responsibilities.values_list("person__email", "role")) == [
        ("lead@saxocell.test", "lead")
    ]


def test_person_of_another_cluster_cannot_be_made_contributor_of_a_new_milestone(world):
    client = world.client_as("coordinator")
    path = reverse("milestones:milestone_new", kwargs={"slug": world.cluster.slug})
    outsider = world.people["other_cluster"]

    response = client.post(path, milestone_form_data(client, contributors=[outsider.pk]))

    assert (response.status_code, field_errors(response)) == (
        200,
        [f"Select a valid choice. {outsider.pk} is not one of the available choices."],
    )
    assert Milestone.objects.filter(title="Board meeting").count() == 0


def test_plan_item_of_another_programme_is_404_under_this_programme(world):
    foreign = Programme.objects.get(slug="other-programme")
    ProgrammeOfficer.objects.create(person=world.people["officer"], programme=foreign)
    foreign_item = PlanItem.objects.create(
        programme=foreign, kind=Kind.OTHER, title="Theirs", starts_on=datetime.date(2024, 1, 1)
    )
    client = world.client_as("officer")
    path = reverse(
        "milestones:plan_item_edit", kwargs={"slug": world.programme.slug, "pk": foreign_item.pk}
    )

    responses = [
        client.get(path).status_code,
        client.post(path, {"csrfmiddlewaretoken": csrf_token_of(client)}).status_code,
    ]

    assert responses == [404, 404]


def test_feed_of_a_cluster_of_another_programme_cannot_be_subscribed(world):
    client = world.client_as("officer")

    response = client.post(
        reverse("milestones:subscriptions"),
        {"csrfmiddlewaretoken": csrf_token_of(client), "feed": "cluster:foreign"},
    )

    assert (response.status_code, field_errors(response)) == (
        200,
        ["Select a valid choice. cluster:foreign is not one of the available choices."],
    )
    assert world.people["officer"].feed_tokens.count() == 0


def test_milestone_of_another_cluster_is_404_for_its_status_and_edit_pages(world, other_cluster):
    theirs = Milestone.objects.create(
        cluster=other_cluster, kind=Kind.OTHER, title="Theirs", starts_on=datetime.date(2024, 1, 1)
    )
    client = world.client_as("coordinator")
    token = csrf_token_of(client)

    responses = [
        client.post(
            reverse("milestones:status", kwargs={"pk": theirs.pk}),
            {"csrfmiddlewaretoken": token, "status": "done"},
        ).status_code,
        client.post(
            reverse("milestones:milestone_edit", kwargs={"pk": theirs.pk}),
            milestone_form_data(client),
        ).status_code,
    ]

    theirs.refresh_from_db()
    assert (responses, theirs.status, theirs.title) == ([404, 404], "planned", "Theirs")


# --- Milestones are cancelled, never deleted ----------------------------------------------


def test_milestone_cannot_be_deleted_through_any_page(world):
    client = world.client_as("coordinator")
    token = csrf_token_of(client)
    paths = [
        reverse(name, kwargs={"pk": world.milestone.pk})
        for name in ("milestones:milestone", "milestones:milestone_edit", "milestones:status")
    ]

    statuses = [client.delete(path, headers={"X-CSRFToken": token}).status_code for path in paths]

    assert statuses == [405, 405, 405]
    assert Milestone.objects.filter(pk=world.milestone.pk).exists()


def test_status_form_offers_cancelling_instead_of_deleting(world):
    client = world.client_as("coordinator")

    response = client.get(reverse("milestones:status", kwargs={"pk": world.milestone.pk}))

    soup = BeautifulSoup(response.content, "html.parser")
    assert [
        option["value"] for option in soup.select("[name=status] option, input[name=status]")
    ] == [
        "planned",
        "in-progress",
        "done",
        "cancelled",
    ]
