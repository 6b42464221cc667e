""" "My milestones": what the person leads or contributes to; a member who may not edit is
told why and whom to ask; a person's language; the feed box's words."""

import datetime
import io
from pathlib import Path

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.urls import reverse

from milestones import services
from milestones.models import Membership, Person, Role, Status
from tests.conftest import make_person
from tests.helpers import BERLIN, MARCH_21, texts

ROOT = Path(__file__).resolve().parent.parent
APRIL_2 = datetime.datetime(2024, 4, 2, 9, 0, tzinfo=BERLIN)


@pytest.fixture
def milestones_of_member(make_milestone, member, coordinator, cluster):
    """The member leads one, contributes to one, is not responsible for a third, and led one
    that is done."""
    make_milestone(title="Cluster strategy", lead=member)
    make_milestone(
        title="Jury meeting", starts_on=MARCH_21.date(), lead=coordinator, contributors=[member]
    )
    make_milestone(title="On-site visit", lead=coordinator)
    done = make_milestone(title="Progress report", lead=member)
    services.set_status(milestone=done, status=Status.DONE, by=coordinator)


def test_my_milestones_lists_what_the_person_leads_or_contributes_to(
    client, member, milestones_of_member
):
    client.force_login(member)

    with time_machine.travel(APRIL_2, tick=False):
        response = client.get("/my-milestones/")

    assert texts(response, "table.my-milestones tbody tr") == [
        "Jury meeting 21 March 2024 (12 days overdue) You contribute Planned SaxoCell",
        "Cluster strategy 2 April 2024 (today) You lead Planned SaxoCell",
    ]


def test_my_milestones_is_the_menus_entry_and_the_cluster_page_keeps_the_rest(
    client, member, milestones_of_member
):
    client.force_login(member)

    menu = client.get("/my-milestones/")
    cluster_page = client.get("/clusters/saxocell/")

    assert texts(menu, "header nav a") == [
        "C4F Tracker",
        "My milestones",
        "Reminders",
        "Calendar feeds",
        "Max : Your account",
    ]
    assert [link["href"] for link in _menu_links(menu)][1:4] == [
        "/my-milestones/",
        "/account/reminders/",
        "/calendar-feeds/",
    ]
    assert texts(cluster_page, ".timeline-label a") == [
        "Jury meeting",
        "Cluster strategy",
        "On-site visit",
        "Progress report",
    ]


def _menu_links(response):
    return BeautifulSoup(response.content, "html.parser").select("header nav a")


def test_my_milestones_for_somebody_responsible_for_nothing(client, coordinator, cluster):
    client.force_login(coordinator)

    response = client.get("/my-milestones/")

    assert texts(response, "main p") == [
        "The open milestones you lead or contribute to, soonest first.",
        "You lead or contribute to no open milestone.",
        "Every milestone of your clusters, open or done, is on the cluster's page: SaxoCell",
    ]


def test_my_milestones_takes_the_same_queries_for_one_or_many(
    client, member, make_milestone, django_assert_num_queries
):
    client.force_login(member)
    make_milestone(title="One", lead=member)
    with django_assert_num_queries(4):
        client.get("/my-milestones/")
    for number in range(5):
        make_milestone(title=f"More {number}", lead=member)

    with django_assert_num_queries(4):
        response = client.get("/my-milestones/")

    assert len(texts(response, "table.my-milestones tbody tr")) == 6


def test_member_is_told_whom_to_ask_on_the_milestone_page_and_at_its_edit_url(
    client, member, coordinator, cluster, make_milestone
):
    second = make_person("anna@saxocell.test", "Anna Second")
    services.add_membership(
        membership=Membership(person=second, cluster=cluster, role=Role.COORDINATOR)
    )
    milestone = make_milestone(lead=member)
    client.force_login(member)

    page = client.get(f"/milestones/{milestone.pk}/")
    edit = client.get(f"/milestones/{milestone.pk}/edit/")

    why = (
        "Only the coordinators of SaxoCell change its milestones and people. "
        "Ask Anna Second or Carla Coordinator."
    )
    assert texts(page, ".who-may-edit") == [why]
    assert (edit.status_code, texts(edit, "main h1"), texts(edit, ".refusal")) == (
        403,
        ["Not allowed"],
        [why],
    )


def test_coordinator_sees_no_hint_and_another_cluster_stays_404(
    client, coordinator, other_coordinator, make_milestone
):
    milestone = make_milestone(lead=coordinator)
    client.force_login(coordinator)
    own = client.get(f"/milestones/{milestone.pk}/")
    client.force_login(other_coordinator)

    statuses = [
        client.get(f"/milestones/{milestone.pk}/").status_code,
        client.get(f"/milestones/{milestone.pk}/edit/").status_code,
    ]

    assert texts(own, ".who-may-edit") == []
    assert statuses == [404, 404]


# Language: the browser's until the person chooses one.


def test_demo_accounts_have_not_chosen_a_language_and_follow_the_browser(client, db):
    call_command("load_demo", stdout=io.StringIO())
    person = Person.objects.get(email="member@saxocell.example")
    client.force_login(person)

    german = client.get("/account/", headers={"accept-language": "de-DE,de;q=0.9"})
    english = client.get("/account/", headers={"accept-language": "en-GB"})

    assert person.language == ""
    assert texts(german, "main h1") == ["Ihr Konto"]
    assert texts(english, "main h1") == ["Your account"]
    assert texts(german, "#id_language option") == [
        "Wie mein Browser es wünscht (jetzt: Deutsch)",
        "Deutsch",
        "Englisch",
    ]


def test_a_chosen_language_wins_over_the_browser_and_can_be_unchosen(client, member):
    client.force_login(member)

    client.post("/account/", {"name": "Max Member", "organisation": "", "language": "de"})
    chosen = client.get("/account/", headers={"accept-language": "en"})
    client.post("/account/", {"name": "Max Member", "organisation": "", "language": ""})
    unchosen = client.get("/account/", headers={"accept-language": "en"})

    assert texts(chosen, "main h1") == ["Ihr Konto"]
    assert texts(unchosen, "main h1") == ["Your account"]
    assert Person.objects.get(pk=member.pk).language == ""


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["Calendar feeds", "Reminder emails and calendar feeds", "Calendar feeds"]),
        ("de", ["Kalender-Abos", "Erinnerungs-E-Mails und Kalender-Abos", "Kalender-Abos"]),
    ],
)
def test_one_word_for_calendar_feeds_in_menu_account_page_and_feed_page(
    client, member, language, words
):
    member.language = language
    member.save()
    client.force_login(member)

    account = client.get("/account/")
    feeds = client.get("/calendar-feeds/")

    assert [
        texts(account, "header nav li a")[3],
        texts(account, ".account-links a")[0],
        texts(feeds, "main h1")[0],
    ] == words


def test_feed_box_names_no_scheme_above_an_http_address(client, member, settings):
    settings.SITE_URL = "http://127.0.0.1:8123"
    client.force_login(member)

    response = client.post(reverse("milestones:subscriptions"), {"feed": "mine", "name": ""})

    assert texts(response, "#new-feed label") == [
        "Address",
        "Address (webcal://, opens your calendar app)",
    ]
    assert response.context["new_url"].startswith("http://127.0.0.1:8123/feeds/")


def test_german_translations_say_kalender_abo_never_kalender_feed():
    catalogue = (ROOT / "locale/de/LC_MESSAGES/django.po").read_text()
    translations = [line for line in catalogue.splitlines() if line.startswith("msgstr")]

    assert [line for line in translations if "Feed" in line] == []
