"""Calendar feeds over HTTP, their tokens, the subscription page and the feed_url command."""

import datetime
import hashlib
import logging

import pytest
import time_machine
import vobject
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils.http import http_date

from milestones.feeds.tokens import NoFeedAccess, issue_feed_token, revoke_feed_token
from milestones.models.feeds import FeedScope, FeedToken
from milestones.models.milestone import Status
from milestones.models.programmes import Membership, Person, ProgrammeOfficer
from milestones.views.calendars import header_text

UTC = datetime.UTC
NOW = datetime.datetime(2024, 3, 1, 9, 0, tzinfo=UTC)


def feed_path(raw_token):
    return reverse("milestones:feed", kwargs={"token": raw_token})


def summaries(response):
    calendar = vobject.readOne(response.content.decode(), validate=True)
    return [event.summary.value for event in getattr(calendar, "vevent_list", [])]


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def mine(member):
    return issue_feed_token(person=member, scope=FeedScope.MINE, name="Laptop")


@pytest.fixture
def cluster_feed(member, cluster):
    return issue_feed_token(person=member, scope=FeedScope.CLUSTER, cluster=cluster)


def test_issue_feed_token_stores_only_the_hash(member):
    token, raw_token = issue_feed_token(person=member, scope=FeedScope.MINE)

    stored = FeedToken.objects.values_list("token_hash", flat=True).get(pk=token.pk)
    assert len(raw_token) == 43
    assert stored == hashlib.sha256(raw_token.encode()).hexdigest()
    assert raw_token not in str(FeedToken.objects.values().get(pk=token.pk))


def test_issue_feed_token_for_foreign_cluster_is_refused(member, other_cluster):
    with pytest.raises(NoFeedAccess):
        issue_feed_token(person=member, scope=FeedScope.CLUSTER, cluster=other_cluster)

    assert FeedToken.objects.count() == 0


def test_feed_mine_shows_what_the_person_leads_with_calendar_headers(
    client, frozen, make_milestone, member, coordinator, mine
):
    make_milestone(title="Mine", lead=member)
    make_milestone(title="Not mine", lead=coordinator)
    _token, raw_token = mine

    response = client.get(feed_path(raw_token))

    assert response.status_code == 200
    assert summaries(response) == ["Mine"]
    assert {
        name: response[name]
        for name in (
            "Content-Type",
            "Cache-Control",
            "Referrer-Policy",
            "X-Robots-Tag",
            "ETag",
            "Last-Modified",
            "Content-Length",
        )
    } == {
        "Content-Type": "text/calendar; charset=utf-8",
        "Cache-Control": "private",
        "Referrer-Policy": "no-referrer",
        "X-Robots-Tag": "noindex",
        "ETag": f'"{hashlib.sha256(response.content).hexdigest()[:32]}"',
        "Last-Modified": "Fri, 01 Mar 2024 09:00:00 GMT",
        "Content-Length": str(len(response.content)),
    }


def test_feed_records_last_use(client, frozen, member, mine):
    token, raw_token = mine

    client.get(feed_path(raw_token))

    token.refresh_from_db()
    assert token.last_used_at == NOW


def test_feed_cluster_shows_cluster_without_prefix_and_not_other_cluster(
    client, make_milestone, other_cluster, cluster_feed
):
    make_milestone(title="Ours")
    make_milestone(title="Theirs", cluster=other_cluster)

    response = client.get(feed_path(cluster_feed[1]))

    assert summaries(response) == ["Ours"]


def test_feed_programme_shows_every_cluster_prefixed(
    client, make_milestone, officer, programme, other_cluster
):
    make_milestone(title="Strategy")
    make_milestone(title="Strategy", cluster=other_cluster, starts_on=datetime.date(2024, 4, 3))
    _token, raw_token = issue_feed_token(
        person=officer, scope=FeedScope.PROGRAMME, programme=programme
    )

    response = client.get(feed_path(raw_token))

    assert summaries(response) == ["SaxoCell: Strategy", "Other Cluster: Strategy"]


def test_feed_if_none_match_gets_304_with_headers(client, make_milestone, member, mine):
    make_milestone(lead=member)
    first = client.get(feed_path(mine[1]))

    response = client.get(feed_path(mine[1]), headers={"if-none-match": first["ETag"]})

    assert response.status_code == 304
    assert response.content == b""
    assert (response["ETag"], response["Cache-Control"], response["Referrer-Policy"]) == (
        first["ETag"],
        "private",
        "no-referrer",
    )


def test_feed_if_modified_since_gets_304(client, frozen, make_milestone, member, mine):
    make_milestone(lead=member)
    first = client.get(feed_path(mine[1]))
    frozen.shift(datetime.timedelta(hours=1))

    response = client.get(feed_path(mine[1]), headers={"if-modified-since": first["Last-Modified"]})

    assert response.status_code == 304


def test_feed_after_a_change_is_modified(client, frozen, make_milestone, member, mine):
    milestone = make_milestone(lead=member)
    first = client.get(feed_path(mine[1]))
    frozen.shift(datetime.timedelta(hours=1))
    milestone.status = Status.DONE
    milestone.save()

    by_etag = client.get(feed_path(mine[1]), headers={"if-none-match": first["ETag"]})
    by_date = client.get(feed_path(mine[1]), headers={"if-modified-since": first["Last-Modified"]})

    assert (by_etag.status_code, by_date.status_code) == (200, 200)
    assert summaries(by_date) == ["Cluster strategy (done)"]
    assert by_date["Last-Modified"] == http_date((NOW + datetime.timedelta(hours=1)).timestamp())


def test_feed_milestone_leaving_feed_moves_last_modified(
    client, frozen, make_milestone, member, mine
):
    make_milestone(lead=member, status=Status.CANCELLED)
    first = client.get(feed_path(mine[1]))
    # Thirty days after its cancellation a milestone leaves the feed without any edit.
    frozen.shift(datetime.timedelta(days=31))

    response = client.get(feed_path(mine[1]), headers={"if-modified-since": first["Last-Modified"]})

    assert response.status_code == 200
    assert summaries(response) == []


def test_feed_keeps_cancelled_milestone_for_30_days(client, frozen, make_milestone, member, mine):
    make_milestone(lead=member, status=Status.CANCELLED)
    frozen.shift(datetime.timedelta(days=29))

    response = client.get(feed_path(mine[1]))

    assert summaries(response) == ["Cluster strategy (cancelled)"]


def test_feed_head_has_headers_and_no_body(client, make_milestone, member, mine):
    make_milestone(lead=member)
    full = client.get(feed_path(mine[1]))

    response = client.head(feed_path(mine[1]))

    assert response.status_code == 200
    assert response.content == b""
    assert (response["Content-Type"], response["Content-Length"], response["ETag"]) == (
        "text/calendar; charset=utf-8",
        str(len(full.content)),
        full["ETag"],
    )


def test_feed_post_is_not_allowed(client, mine):
    response = client.post(feed_path(mine[1]))

    assert response.status_code == 405


def test_feed_unknown_token_is_404(client, db):
    response = client.get(feed_path("x" * 43))

    assert response.status_code == 404


def test_feed_revoked_token_is_404(client, make_milestone, member, mine):
    make_milestone(lead=member)
    token, raw_token = mine
    assert client.get(feed_path(raw_token)).status_code == 200

    revoke_feed_token(token=token)

    assert client.get(feed_path(raw_token)).status_code == 404


def test_feed_deactivated_person_is_404(client, member, mine):
    member.is_active = False
    member.save()

    response = client.get(feed_path(mine[1]))

    assert response.status_code == 404


def test_feed_cluster_after_membership_ended_is_404(client, member, cluster_feed):
    Membership.objects.filter(person=member).delete()

    response = client.get(feed_path(cluster_feed[1]))

    assert response.status_code == 404


def test_feed_mine_after_membership_ended_drops_the_milestone(client, make_milestone, member, mine):
    make_milestone(lead=member)
    assert summaries(client.get(feed_path(mine[1]))) == ["Cluster strategy"]

    Membership.objects.filter(person=member).delete()

    assert summaries(client.get(feed_path(mine[1]))) == []


def test_feed_programme_after_officer_role_ended_is_404(client, officer, programme):
    _token, raw_token = issue_feed_token(
        person=officer, scope=FeedScope.PROGRAMME, programme=programme
    )
    ProgrammeOfficer.objects.filter(person=officer).delete()

    response = client.get(feed_path(raw_token))

    assert response.status_code == 404


@pytest.mark.parametrize("count", [1, 12])
def test_feed_query_count_does_not_grow_with_events(
    client, django_assert_num_queries, make_milestone, member, coordinator, count
):
    for number in range(count):
        make_milestone(
            title=f"Milestone {number}",
            starts_on=datetime.date(2024, 4, 2) + datetime.timedelta(days=number),
            lead=member,
            contributors=[coordinator],
        )
    _token, raw_token = issue_feed_token(
        person=member, scope=FeedScope.CLUSTER, cluster=member.memberships.get().cluster
    )

    # token with its access, milestones with their cached texts, the milestones to render,
    # their extensions, storing the texts just rendered, recording the fetch
    with django_assert_num_queries(6):
        response = client.get(feed_path(raw_token))

    assert len(summaries(response)) == count


def test_feed_token_is_masked_in_request_log(client, caplog, db):
    raw_token = "s3cr3t-token_value"

    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get(feed_path(raw_token))

    assert [record.getMessage() for record in caplog.records] == ["Not Found: /feeds/***.ics"]


def test_feed_token_is_masked_in_server_log(caplog):
    logger = logging.getLogger("django.server")

    with caplog.at_level(logging.WARNING, logger="django.server"):
        logger.warning('"%s" %s %s', "GET /feeds/s3cr3t-token.ics HTTP/1.1", "404", "179")

    assert [record.getMessage() for record in caplog.records] == [
        '"GET /feeds/***.ics HTTP/1.1" 404 179'
    ]


def test_milestone_event_download_is_one_event(client, make_milestone, member):
    milestone = make_milestone(lead=member)
    client.force_login(member)

    response = client.get(reverse("milestones:milestone_event", args=[milestone.pk]))

    assert (response["Content-Type"], response["Content-Disposition"]) == (
        "text/calendar; charset=utf-8",
        f'attachment; filename="milestone-{milestone.pk}.ics"',
    )
    assert summaries(response) == ["SaxoCell: Cluster strategy"]


def test_milestone_event_download_of_other_cluster_is_404(
    client, make_milestone, other_coordinator
):
    milestone = make_milestone()
    client.force_login(other_coordinator)

    response = client.get(reverse("milestones:milestone_event", args=[milestone.pk]))

    assert response.status_code == 404


def test_milestone_event_download_needs_login(client, make_milestone):
    milestone = make_milestone()

    response = client.get(reverse("milestones:milestone_event", args=[milestone.pk]))

    assert (response.status_code, response["Location"]) == (
        302,
        f"/accounts/login/?next=/milestones/{milestone.pk}/event.ics",
    )


def test_subscriptions_page_offers_the_persons_feeds(client, member, officer, other_cluster):
    client.force_login(member)

    response = client.get(reverse("milestones:subscriptions"))

    assert response.context["form"].fields["feed"].choices == [
        ("mine", "My milestones"),
        ("cluster:saxocell", "Cluster SaxoCell"),
    ]


def test_subscriptions_create_shows_new_address_once(client, member):
    client.force_login(member)

    created = client.post(
        reverse("milestones:subscriptions"), {"feed": "cluster:saxocell", "name": "Outlook"}
    )
    listed = client.get(reverse("milestones:subscriptions"))

    token = FeedToken.objects.get()
    url = created.context["new_url"]
    raw_token = url.removeprefix("http://127.0.0.1:8000/feeds/").removesuffix(".ics")
    assert (token.scope, token.cluster.slug, token.name) == ("cluster", "saxocell", "Outlook")
    assert token.token_hash == hashlib.sha256(raw_token.encode()).hexdigest()
    assert created.context["new_webcal_url"] == f"webcal://127.0.0.1:8000/feeds/{raw_token}.ics"
    assert (created["Referrer-Policy"], raw_token in listed.content.decode()) == (
        "no-referrer",
        False,
    )
    assert client.get(url.removeprefix("http://127.0.0.1:8000")).status_code == 200


def test_subscriptions_form_sent_again_creates_no_second_address(client, member):
    # The page that shows a new address answers a POST: a reload, or Back and Forward, sends
    # the same form again.
    client.force_login(member)
    page = client.get(reverse("milestones:subscriptions"))
    key = page.context["form"]["form_key"].value()
    form = {"feed": "mine", "name": "Laptop", "form_key": key}

    first = client.post(reverse("milestones:subscriptions"), form)
    again = client.post(reverse("milestones:subscriptions"), form, follow=True)

    assert (first.status_code, "new_url" in first.context) == (200, True)
    assert FeedToken.objects.filter(person=member).count() == 1
    assert again.redirect_chain == [("/calendar-feeds/", 302)]
    assert "new_url" not in again.context
    assert [str(m) for m in again.context["messages"]] == [
        "This form was sent before, and its address was created then. An address is shown "
        "only once: if you did not copy it, revoke it below and create a new one."
    ]
    # The next form shown has a key of its own.
    assert first.context["form"]["form_key"].value() != key


def test_subscriptions_forms_of_their_own_create_an_address_each(client, member):
    client.force_login(member)

    for _ in range(2):
        key = client.get(reverse("milestones:subscriptions")).context["form"]["form_key"].value()
        client.post(reverse("milestones:subscriptions"), {"feed": "mine", "form_key": key})

    assert FeedToken.objects.filter(person=member).count() == 2


def test_subscriptions_page_lists_addresses_with_dates_as_other_pages_write_them(
    client, member, mine
):
    token, _raw_token = mine
    with time_machine.travel(datetime.datetime(2024, 3, 21, 9, 30, tzinfo=datetime.UTC)):
        revoke_feed_token(token=token)
    FeedToken.objects.filter(pk=token.pk).update(
        created_at=datetime.datetime(2024, 3, 1, 7, 5, tzinfo=datetime.UTC)
    )
    client.force_login(member)

    page = client.get(reverse("milestones:subscriptions")).content.decode()

    assert "<title>Calendar feeds · C4F Tracker</title>" in page
    # Stacked on a phone, each cell named (tests/test_phone_width.py shows it in a browser).
    assert '<table class="stacked">' in page
    assert '<td data-label="Created">1 March 2024, 08:05</td>' in page
    assert '<td data-label="Last used">never</td>' in page
    assert "revoked 21 March 2024, 10:30" in page


def test_subscriptions_create_for_foreign_cluster_is_invalid(client, member, other_cluster):
    client.force_login(member)

    response = client.post(reverse("milestones:subscriptions"), {"feed": "cluster:other"})

    assert list(response.context["form"].errors) == ["feed"]
    assert FeedToken.objects.count() == 0


def test_subscriptions_revoke_own_token(client, member, mine):
    token, raw_token = mine
    client.force_login(member)

    response = client.post(reverse("milestones:revoke_feed_token", args=[token.pk]))

    token.refresh_from_db()
    assert (response.status_code, response["Location"]) == (302, "/calendar-feeds/")
    assert token.is_revoked
    assert client.get(feed_path(raw_token)).status_code == 404


def test_subscriptions_revoke_other_persons_token_is_404(client, coordinator, mine):
    client.force_login(coordinator)

    response = client.post(reverse("milestones:revoke_feed_token", args=[mine[0].pk]))

    mine[0].refresh_from_db()
    assert (response.status_code, mine[0].revoked_at) == (404, None)


def test_feed_url_command_prints_a_working_address(client, capsys, member, make_milestone):
    make_milestone(lead=member)

    call_command("feed_url", "MEMBER@saxocell.test", "--cluster", "saxocell")

    url, webcal = capsys.readouterr().out.splitlines()
    token = FeedToken.objects.get()
    assert (token.person, token.scope, token.cluster.slug) == (member, "cluster", "saxocell")
    assert webcal == url.replace("http://", "webcal://")
    assert summaries(client.get(url.removeprefix("http://127.0.0.1:8000"))) == ["Cluster strategy"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["nobody@example.test"], "No person with the email address nobody@example.test."),
        (
            ["member@saxocell.test", "--cluster", "other"],
            "member@saxocell.test is not a member of the cluster other.",
        ),
        (["member@saxocell.test", "--cluster", "nowhere"], "No cluster with the slug nowhere."),
        (
            ["member@saxocell.test", "--programme", "c4f"],
            "member@saxocell.test is not a programme officer of c4f.",
        ),
        (
            ["member@saxocell.test", "--programme", "nowhere"],
            "No programme with the slug nowhere.",
        ),
    ],
)
def test_feed_url_command_refuses_with_clear_error(member, other_cluster, arguments, message):
    with pytest.raises(CommandError) as error:
        call_command("feed_url", *arguments)

    assert (str(error.value), FeedToken.objects.count()) == (message, 0)


def test_feed_url_command_refuses_deactivated_person(member):
    member.is_active = False
    member.save()

    with pytest.raises(CommandError) as error:
        call_command("feed_url", "member@saxocell.test")

    assert str(error.value) == "member@saxocell.test is deactivated."


def test_feed_is_named_and_written_in_its_persons_language(client, make_milestone, member, mine):
    make_milestone(lead=member, starts_at=datetime.time(12))
    member.language = "de"
    member.save()

    response = client.get(feed_path(mine[1]), headers={"accept-language": "en"})

    calendar = vobject.readOne(response.content.decode(), validate=True)
    assert (calendar.contents["x-wr-calname"][0].value, summaries(response)) == (
        "C4F Tracker: Meine Meilensteine",
        ["Cluster strategy (fällig 12:00)"],
    )
    assert response["Content-Language"] == "de"


def test_feed_name_with_comma_semicolon_and_backslash_reads_the_same_everywhere(
    client, make_milestone, member, cluster, cluster_feed
):
    make_milestone(lead=member)
    cluster.name = "SaxoCell, Leipzig; Dresden \\ Saxony"
    cluster.save()

    response = client.get(feed_path(cluster_feed[1]))

    lines = response.content.decode().replace("\r\n ", "").splitlines()
    strict = vobject.readOne(response.content.decode(), validate=True)
    name = "C4F Tracker: SaxoCell, Leipzig; Dresden \\ Saxony"
    assert "X-WR-CALNAME:C4F Tracker: SaxoCell\\, Leipzig\\; Dresden \\\\ Saxony" in lines
    # (icalendar hands both back as written; vobject reads them as text, as clients do.)
    assert [
        strict.contents["x-wr-calname"][0].value,
        strict.contents["name"][0].value,
    ] == [name] * 2


def test_milestone_event_download_query_count_is_fixed(
    client, django_assert_num_queries, make_milestone, member, coordinator
):
    milestone = make_milestone(lead=member, contributors=[coordinator])
    client.force_login(member)

    # session, person, milestone, its people, its extensions
    with django_assert_num_queries(5):
        response = client.get(reverse("milestones:milestone_event", args=[milestone.pk]))

    assert response.status_code == 200


def test_feed_headers_carry_no_control_characters(client, make_milestone, member, mine):
    make_milestone(lead=member)
    # Two characters, as the column holds on PostgreSQL; no form would let this through.
    Person.objects.filter(pk=member.pk).update(language="d\x07")

    response = client.get(feed_path(mine[1]))

    assert (response.status_code, response["Content-Language"]) == (200, "d")


def test_header_text_strips_every_control_character():
    value = "milestone\x00-\x07\t7\r\n\x1b\x7f\x85.ics"

    assert header_text(value) == "milestone-7.ics"
