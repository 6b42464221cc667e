"""The reminder preferences page, the one-click unsubscribe link, the ledger snippet, the admin."""

import datetime
import zoneinfo

import pytest
from bs4 import BeautifulSoup
from django.contrib.messages import get_messages
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation

from milestones.models import Person, Reminder, ReminderKind, ReminderMode, ReminderState
from milestones.reminders.messages import unsubscribe_token
from milestones.reminders.planning import due_reminders, lead_days_of_programme
from tests.conftest import PASSWORD

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def reminder_mode(person):
    return Person.objects.get(pk=person.pk).reminder_mode


def test_reminder_preferences_needs_a_log_in(client, member):
    response = client.get("/account/reminders/")

    assert (response.status_code, response["Location"]) == (
        302,
        "/accounts/login/?next=/account/reminders/",
    )


def test_reminder_preferences_digest_is_saved(client, member):
    client.force_login(member)

    response = client.post(
        "/account/reminders/", {"reminder_mode": "digest", "kinds": ["before", "overdue"]}
    )

    assert (response.status_code, response["Location"]) == (302, "/account/reminders/")
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Saved."]
    assert reminder_mode(member) == ReminderMode.DIGEST


def test_reminder_preferences_lead_switching_off_is_told_nobody_else_is_reminded(
    client, member, make_milestone
):
    make_milestone(lead=member, title="Cluster strategy")
    client.force_login(member)

    response = client.post("/account/reminders/", {"reminder_mode": "off"}, follow=True)

    # Said once, where the milestones are listed.
    page = response.content.decode()
    assert [str(m) for m in response.context["messages"]] == ["Reminders are off."]
    assert page.lower().count("nobody else is reminded") == 1
    assert "You lead these milestones, and nobody else is reminded of them:" in page
    assert [m.title for m in response.context["led"]] == ["Cluster strategy"]
    assert reminder_mode(member) == ReminderMode.OFF


def test_reminder_preferences_non_lead_switching_off_gets_no_warning(client, member):
    client.force_login(member)

    response = client.post("/account/reminders/", {"reminder_mode": "off"}, follow=True)

    assert [str(m) for m in response.context["messages"]] == ["Reminders are off."]


def test_reminder_preferences_rejects_an_unknown_mode(client, member):
    client.force_login(member)

    response = client.post("/account/reminders/", {"reminder_mode": "hourly"})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "reminder_mode": ["Select a valid choice. hourly is not one of the available choices."]
    }
    assert reminder_mode(member) == ReminderMode.INDIVIDUAL


def test_unsubscribe_get_only_asks(member):
    token = unsubscribe_token(member)

    response = Client().get(f"/reminders/unsubscribe/{token}/")

    assert (response.status_code, response.context["person"], response.context.get("done")) == (
        200,
        member,
        None,
    )
    assert reminder_mode(member) == ReminderMode.INDIVIDUAL


def test_unsubscribe_one_click_post_without_session_or_csrf_switches_off(member):
    token = unsubscribe_token(member)
    mail_client = Client(enforce_csrf_checks=True)

    response = mail_client.post(
        f"/reminders/unsubscribe/{token}/",
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert (response.status_code, response.context["done"]) == (200, True)
    assert reminder_mode(member) == ReminderMode.OFF


def test_unsubscribe_forged_token_is_404_and_changes_nothing(member):
    token = unsubscribe_token(member)[:-2] + "xx"

    response = Client().post(f"/reminders/unsubscribe/{token}/")

    assert response.status_code == 404
    assert reminder_mode(member) == ReminderMode.INDIVIDUAL


def test_unsubscribe_token_stops_working_when_the_address_changes(member):
    token = unsubscribe_token(member)
    Person.objects.filter(pk=member.pk).update(email="new@saxocell.test")

    response = Client().post(f"/reminders/unsubscribe/{token}/")

    assert response.status_code == 404
    assert reminder_mode(member) == ReminderMode.INDIVIDUAL


def test_reminder_ledger_snippet_shows_who_was_reminded_and_failures(make_milestone, member):
    milestone = make_milestone(lead=member)
    due = datetime.datetime(2024, 3, 26, 8, 0, tzinfo=BERLIN)
    Reminder.objects.create(
        milestone=milestone,
        person=member,
        kind=ReminderKind.BEFORE,
        lead_days=7,
        date_version=0,
        due_at=due,
        next_attempt_at=due,
        state=ReminderState.PENDING,
        attempts=1,
        last_error="SMTPDataError: (451, b'4.3.0 Try again later')",
    )

    with translation.override("en"):
        html = render_to_string(
            "milestones/_reminder_ledger.html",
            {"ledger": Reminder.objects.ledger_for(milestone)},
        )

    cells = BeautifulSoup(html, "html.parser").select("tbody th, tbody td")
    assert [cell.get_text() for cell in cells] == [
        "Max Member",
        "7 days before",
        "03/26/2024 8 a.m.",
        "Pending",
        "–",
        "1",
        "SMTPDataError: (451, b'4.3.0 Try again later')",
    ]


@pytest.fixture
def admin_client_logged_in(client, db):
    admin = Person.objects.create_superuser("admin@c4f.test", PASSWORD, name="Admin")
    client.force_login(admin)
    return client


def test_admin_lists_the_ledger_and_schedules(admin_client_logged_in, make_milestone, member):
    milestone = make_milestone(lead=member)
    due = datetime.datetime(2024, 3, 26, 8, 0, tzinfo=BERLIN)
    Reminder.objects.create(
        milestone=milestone,
        person=member,
        kind=ReminderKind.BEFORE,
        lead_days=7,
        date_version=0,
        due_at=due,
        next_attempt_at=due,
    )

    ledger = admin_client_logged_in.get("/admin/milestones/reminder/")
    schedules = admin_client_logged_in.get("/admin/milestones/reminderschedule/")

    assert (ledger.status_code, schedules.status_code) == (200, 200)
    assert [str(row) for row in ledger.context["cl"].result_list] == [
        "Cluster strategy (SaxoCell) → Max Member (Before the date, 7)"
    ]


def ledger_row(milestone, person, lead_days, state, sent_at=None):
    due = datetime.datetime(2024, 3, 26, 8, 0, tzinfo=BERLIN)
    return Reminder.objects.create(
        milestone=milestone,
        person=person,
        kind=ReminderKind.BEFORE,
        lead_days=lead_days,
        date_version=0,
        due_at=due,
        next_attempt_at=due,
        state=state,
        sent_at=sent_at,
    )


def test_milestone_page_shows_the_ledger_to_coordinators_only(
    client, make_milestone, member, coordinator, django_assert_num_queries
):
    milestone = make_milestone(lead=member, contributors=[coordinator])
    for lead_days in (28, 14, 7):
        for person in (member, coordinator):
            ledger_row(milestone, person, lead_days, ReminderState.SENT)

    client.force_login(coordinator)
    # session, person, milestone, its people, its history, the changes of its people, the
    # reader's roles (in the cluster and as an officer), its extensions and reviews, the ledger
    with django_assert_num_queries(11):
        as_coordinator = client.get(f"/milestones/{milestone.pk}/")
    client.force_login(member)
    as_member = client.get(f"/milestones/{milestone.pk}/")

    assert [(r.person.email, r.lead_days) for r in as_coordinator.context["ledger"]] == [
        ("coordinator@saxocell.test", 28),
        ("coordinator@saxocell.test", 14),
        ("coordinator@saxocell.test", 7),
        ("member@saxocell.test", 28),
        ("member@saxocell.test", 14),
        ("member@saxocell.test", 7),
    ]
    assert as_coordinator.content.decode().count('<section class="reminder-ledger">') == 1
    assert "ledger" not in as_member.context
    assert as_member.content.decode().count('<section class="reminder-ledger">') == 0


def test_reminder_schedule_shows_the_defaults_to_officers(client, officer, programme):
    client.force_login(officer)

    response = client.get(f"/programmes/{programme.slug}/reminders/")

    form = response.context["form"]
    assert {name: form[name].value() for name in form.fields} == {
        "progress-report": "28, 14, 7, 3, 1, 0",
        "strategy-submission": "28, 14, 7, 3, 1, 0",
        "on-site-visit": "14, 7, 1",
        "jury-meeting": "14, 7, 1",
        "implementation-phase": "28, 7",
        "other": "7, 1",
    }


def schedule_form(**changes):
    data = {
        "progress-report": "28, 14, 7, 3, 1, 0",
        "strategy-submission": "28, 14, 7, 3, 1, 0",
        "on-site-visit": "14, 7, 1",
        "jury-meeting": "14, 7, 1",
        "implementation-phase": "28, 7",
        "other": "7, 1",
    }
    data.update(changes)
    return data


def test_reminder_schedule_changed_by_an_officer_moves_the_reminders(
    client, officer, programme, member, make_milestone
):
    make_milestone(lead=member, starts_on=datetime.date(2024, 4, 2))
    client.force_login(officer)

    response = client.post(
        f"/programmes/{programme.slug}/reminders/",
        schedule_form(**{"strategy-submission": "21,7, 7"}),
    )

    due_on_12_march = [
        (due.person.email, due.lead_days)
        for due in due_reminders(now=datetime.datetime(2024, 3, 12, 8, 0, tzinfo=BERLIN))
    ]
    assert (response.status_code, response["Location"]) == (
        302,
        f"/programmes/{programme.slug}/reminders/",
    )
    assert lead_days_of_programme(programme=programme)["strategy-submission"] == (21, 7)
    assert due_on_12_march == [("member@saxocell.test", 21)]


def test_reminder_schedule_set_back_to_the_defaults_follows_them(client, officer, programme):
    client.force_login(officer)
    client.post(f"/programmes/{programme.slug}/reminders/", schedule_form(other=""))

    client.post(f"/programmes/{programme.slug}/reminders/", schedule_form())

    assert list(programme.reminder_schedules.values_list("kind", "lead_days")) == []


def test_reminder_schedule_bad_days_are_an_error_and_keep_what_was_typed(
    client, officer, programme
):
    client.force_login(officer)

    response = client.post(
        f"/programmes/{programme.slug}/reminders/", schedule_form(**{"jury-meeting": "14, x"})
    )

    form = response.context["form"]
    assert (response.status_code, form.errors, form["jury-meeting"].value()) == (
        200,
        {"jury-meeting": ["Give whole days from 0 to 366, separated by commas, e.g. “14, 7, 1”."]},
        "14, x",
    )
    assert list(programme.reminder_schedules.all()) == []


@pytest.mark.parametrize("who", ["coordinator", "member", "other_coordinator"])
def test_reminder_schedule_is_not_there_for_anyone_but_officers(client, programme, who, request):
    client.force_login(request.getfixturevalue(who))

    responses = [
        client.get(f"/programmes/{programme.slug}/reminders/").status_code,
        client.post(f"/programmes/{programme.slug}/reminders/", schedule_form()).status_code,
    ]

    assert responses == [404, 404]
