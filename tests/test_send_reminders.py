"""Delivery over real SMTP, and the send_reminders command."""

import datetime
import email
import email.policy
import io
import zoneinfo

import icalendar
import psycopg
import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from milestones import ical
from milestones.models import (
    Cluster,
    Membership,
    Milestone,
    Person,
    Reminder,
    ReminderState,
    Responsibility,
    Role,
)
from milestones.reminders.messages import MessageParts, build_message, unsubscribe_token
from milestones.reminders.planning import plan_due_reminders
from milestones.reminders.sending import backoff, send_due_reminders
from tests.conftest import make_person, use_smtp
from tests.smtp_server import RefusingPort, StallingPort
from tests.test_send_reminders_workers import WORKER_NOW, make_many_due_reminders

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def berlin(year, month, day, hour=8, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=BERLIN)


def run(moment):
    with time_machine.travel(moment, tick=False):
        return str(send_due_reminders(now=timezone.now()))


@pytest.fixture
def due_on_9_april(make_milestone, member):
    """A deadline on Tuesday 16 April 2024 at 12:00: its 7-day reminder is due 9 April 08:00.

    It exists since 1 March, so a first run on 9 April has missed the 28- and 14-day ones.
    """
    with time_machine.travel(berlin(2024, 3, 1, 6, 0), tick=False):
        return make_milestone(
            lead=member,
            title="Cluster strategy",
            starts_on=datetime.date(2024, 4, 16),
            starts_at=datetime.time(12, 0),
        )


def parts(message):
    # SMTP carries lines ending in CRLF.
    text = message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    html = message.get_body(preferencelist=("html",)).get_content()
    attachments = [
        (part.get_filename(), part.get_content_type()) for part in message.iter_attachments()
    ]
    return text, html, attachments


def test_send_due_reminders_over_smtp_in_english(smtp, due_on_9_april, member):
    summary = run(berlin(2024, 4, 9))

    [message] = smtp.handler.messages()
    text, html, attachments = parts(message)
    token = unsubscribe_token(member)
    pk = due_on_9_april.pk
    assert summary == "sent 1, failed 0, skipped 0, missed 2"
    assert {name: message[name] for name in ("From", "To", "Subject")} == {
        "From": "C4F Tracker <tracker@c4f.test>",
        "To": "Max Member <member@saxocell.test>",
        "Subject": "[SaxoCell] Cluster strategy: in 7 days",
    }
    assert (
        message["List-Unsubscribe"].strip(),
        message["List-Unsubscribe-Post"],
        message["Auto-Submitted"],
        message["Message-ID"].split("@")[1],
    ) == (
        f"<https://tracker.test/reminders/unsubscribe/{token}/>",
        "List-Unsubscribe=One-Click",
        "auto-generated",
        "tracker.test>",
    )
    assert text == (
        "Hello Max Member,\n"
        "\n"
        "Cluster strategy (SaxoCell): in 7 days\n"
        "Date: 16 April 2024, due 12:00 (Europe/Berlin)\n"
        "Status: Planned\n"
        "Lead: Max Member\n"
        "Next: once it is handed in, mark it done on its page:\n"
        f"https://tracker.test/milestones/{pk}/\n"
        "\n"
        "-- \n"
        "You get this email because you are responsible for this milestone, or coordinate "
        "its cluster.\n"
        "How you are reminded (individual emails, one daily digest, or none): "
        "https://tracker.test/account/reminders/\n"
        f"Stop all reminder emails: https://tracker.test/reminders/unsubscribe/{token}/\n"
    )
    assert (
        f'<h2 style="font-size: 1.1em;"><a href="https://tracker.test/milestones/{pk}/">'
        "Cluster strategy</a> (SaxoCell): in 7 days</h2>"
    ) in html
    assert attachments == [(f"milestone-{pk}.ics", "text/calendar")]


def test_send_due_reminders_attachment_is_the_milestones_event_file_with_its_lead(
    smtp, due_on_9_april
):
    run(berlin(2024, 4, 9))

    [message] = smtp.handler.messages()
    [attachment] = message.iter_attachments()
    expected = ical.build_event_file(
        milestone=Milestone.objects.get(pk=due_on_9_april.pk), language="en"
    )
    assert attachment.get_payload(decode=True) == expected
    assert b"\\nLead: Max Member\\n" in expected.replace(b"\r\n ", b"")


def test_send_due_reminders_over_smtp_in_german(smtp, due_on_9_april, member):
    Person.objects.filter(pk=member.pk).update(language="de")

    run(berlin(2024, 4, 9))

    [message] = smtp.handler.messages()
    text, html, _attachments = parts(message)
    token = unsubscribe_token(member)
    pk = due_on_9_april.pk
    assert message["Subject"] == "[SaxoCell] Cluster strategy: in 7 Tagen"
    assert text == (
        "Hallo Max Member,\n"
        "\n"
        "Cluster strategy (SaxoCell): in 7 Tagen\n"
        "Datum: 16. April 2024, fällig 12:00 (Europe/Berlin)\n"
        "Status: Geplant\n"
        "Federführung: Max Member\n"
        "Als Nächstes: Sobald er eingereicht ist, markieren Sie ihn auf seiner Seite als "
        "erledigt:\n"
        f"https://tracker.test/milestones/{pk}/\n"
        "\n"
        "-- \n"
        "Sie erhalten diese E-Mail, weil Sie für diesen Meilenstein verantwortlich sind oder "
        "sein Cluster koordinieren.\n"
        "Wie Sie erinnert werden (einzelne E-Mails, eine tägliche Zusammenfassung oder gar "
        "nicht): https://tracker.test/account/reminders/\n"
        f"Alle Erinnerungen abbestellen: https://tracker.test/reminders/unsubscribe/{token}/\n"
    )
    assert '<html lang="de">' in html


def test_send_due_reminders_name_with_comma_quotes_and_line_break_stays_one_address(
    smtp, due_on_9_april, member
):
    Person.objects.filter(pk=member.pk).update(name='Member, "Max"\r\nBcc: evil@attacker.test')

    run(berlin(2024, 4, 9))

    [message] = smtp.handler.messages()
    assert [(a.display_name, a.addr_spec) for a in message["To"].addresses] == [
        ('Member, "Max" Bcc: evil@attacker.test', "member@saxocell.test")
    ]
    assert message["Bcc"] is None


def test_send_due_reminders_window_says_the_day_is_not_fixed(smtp, make_milestone, member):
    make_milestone(
        lead=member,
        kind="on-site-visit",
        title="On-site visit",
        starts_on=datetime.date(2024, 5, 1),
        ends_on=datetime.date(2024, 6, 30),
        is_tentative=True,
    )

    run(berlin(2024, 4, 17))

    [message] = smtp.handler.messages()
    text = parts(message)[0]
    assert message["Subject"] == "[SaxoCell] On-site visit: window opens in 14 days"
    assert text.splitlines()[2:8] == [
        "On-site visit (SaxoCell): window opens in 14 days",
        "Date: May–June 2024 (day not fixed)",
        "The day is not fixed yet; reminders count from the first day of the window.",
        "Status: Planned",
        "Lead: Max Member",
        "Next: keep the window free; the coordinators confirm the day on its page:",
    ]


@pytest.mark.parametrize(
    ("port", "error"),
    [
        (RefusingPort, "ConnectionRefusedError: [Errno 111] Connection refused"),
        (StallingPort, "SMTPServerDisconnected: Connection unexpectedly closed: timed out"),
    ],
)
def test_send_due_reminders_server_out_of_reach_is_not_the_emails_fault(
    settings, smtp, due_on_9_april, port, error
):
    # A day without a mail server: a round every two hours, two attempts allowed per email.
    # None of them counts against the email, which goes out once the server is back.
    settings.REMINDER_MAX_ATTEMPTS = 2
    outage = port()
    use_smtp(settings, outage.port)

    during = [run(berlin(2024, 4, 9, hour, 0)) for hour in range(8, 24, 2)]
    row = Reminder.objects.get(lead_days=7)
    after_outage = (row.state, row.attempts, row.last_error, row.next_attempt_at)
    outage.stop()
    use_smtp(settings, smtp.port)
    back = run(berlin(2024, 4, 10, 0, 0))

    assert during[0] == "sent 0, failed 1, skipped 0, missed 2"
    assert set(during[1:]) == {"sent 0, failed 1, skipped 0, missed 0"}
    assert after_outage == (
        ReminderState.PENDING,
        0,
        error,
        berlin(2024, 4, 9, 8, 0),
    )
    assert back == "sent 1, failed 0, skipped 0, missed 0"
    assert subjects(smtp) == ["[SaxoCell] Cluster strategy: in 6 days"]


@pytest.mark.parametrize(
    ("failure", "error"),
    [
        ("451", "SMTPDataError: (451, b'4.3.0 Try again later')"),
        (
            "550",
            "SMTPRecipientsRefused: {'Max Member <member@saxocell.test>': "
            "(550, b'5.1.1 No such mailbox here')}",
        ),
    ],
)
def test_send_due_reminders_smtp_failure_keeps_the_reminder_for_a_later_run(
    settings, smtp, due_on_9_april, failure, error
):
    smtp.handler.answer = failure

    failed_run = run(berlin(2024, 4, 9, 8, 0))
    row = Reminder.objects.get(state=ReminderState.PENDING)
    after_failure = (row.attempts, row.last_error, row.next_attempt_at, row.sent_at)
    smtp.handler.answer = "accept"
    too_soon = run(berlin(2024, 4, 9, 8, 3))
    retried = run(berlin(2024, 4, 9, 8, 5))
    done = run(berlin(2024, 4, 9, 8, 30))

    row.refresh_from_db()
    assert (failed_run, too_soon, retried, done) == (
        "sent 0, failed 1, skipped 0, missed 2",
        "sent 0, failed 0, skipped 0, missed 0",
        "sent 1, failed 0, skipped 0, missed 0",
        "sent 0, failed 0, skipped 0, missed 0",
    )
    assert after_failure == (1, error, berlin(2024, 4, 9, 8, 5), None)
    assert (row.state, row.attempts, row.last_error, row.sent_at) == (
        ReminderState.SENT,
        2,
        "",
        berlin(2024, 4, 9, 8, 5),
    )
    assert [m["Subject"] for m in smtp.handler.messages()] == [
        "[SaxoCell] Cluster strategy: in 7 days"
    ]


@pytest.mark.parametrize(
    "answers",
    [
        ["accept", "550", "accept"],
        ["accept", "451", "accept"],
        ["accept", "553", "accept"],
    ],
)
def test_send_due_reminders_one_email_refused_does_not_stop_the_others(
    smtp, three_due_on_9_april, answers
):
    smtp.handler.answers = answers

    summary = run(berlin(2024, 4, 9, 8, 0))

    assert summary == "sent 2, failed 1, skipped 0, missed 6"
    assert subjects(smtp) == [
        "[SaxoCell] Cluster strategy: in 7 days",
        "[SaxoCell] Budget plan: in 7 days",
    ]
    assert Reminder.objects.get(milestone__title="Progress report", lead_days=7).attempts == 1


@pytest.mark.parametrize(
    ("outage", "error"),
    [
        ("421-mail", "SMTPSenderRefused: (421, b'4.7.0 Too many messages, closing', "),
        ("421-rcpt", "SMTPRecipientsRefused: {'Max Member <member@saxocell.test>': (421, "),
        ("421", "SMTPDataError: (421, b'4.3.0 Try again later')"),
        ("drop", "SMTPServerDisconnected: Connection unexpectedly closed"),
    ],
)
def test_send_due_reminders_server_outage_longer_than_the_attempts_fails_nothing(
    settings, smtp, three_due_on_9_april, outage, error
):
    # The server answers 421 (closing) at MAIL, RCPT or DATA, or drops the connection while
    # the content comes in, for twice as many rounds as an email has attempts; then it is
    # back. Each round stops at its first email, none counts an attempt, and nothing fails.
    settings.REMINDER_MAX_ATTEMPTS = 2
    smtp.handler.answer = outage

    during = [run(berlin(2024, 4, 9, hour)) for hour in (8, 10, 12, 14)]
    rows = list(Reminder.objects.filter(lead_days=7).order_by("pk"))
    smtp.handler.answer = "accept"
    back = [run(berlin(2024, 4, 9, 16)), run(berlin(2024, 4, 9, 18))]

    assert during == [
        "sent 0, failed 1, skipped 0, missed 6",
        *["sent 0, failed 1, skipped 0, missed 0"] * 3,
    ]
    assert [(row.state, row.attempts, row.next_attempt_at) for row in rows] == [
        (ReminderState.PENDING, 0, berlin(2024, 4, 9))
    ] * 3
    assert rows[0].last_error.startswith(error)
    assert back == [
        "sent 3, failed 0, skipped 0, missed 0",
        "sent 0, failed 0, skipped 0, missed 0",
    ]
    assert sorted(subjects(smtp)) == [
        "[SaxoCell] Budget plan: in 7 days",
        "[SaxoCell] Cluster strategy: in 7 days",
        "[SaxoCell] Progress report: in 7 days",
    ]
    assert [
        (row.state, row.attempts, row.last_error)
        for row in Reminder.objects.filter(lead_days=7).order_by("pk")
    ] == [(ReminderState.SENT, 1, "")] * 3


def test_send_due_reminders_headers_carry_no_control_characters(
    settings, smtp, due_on_9_april, member, cluster
):
    # BEL, ESC, DEL and a C1 control (CSI) in every text a header shows: stripped, as feeds
    # strip them.
    settings.DEFAULT_FROM_EMAIL = "C4F\x07 Tracker\x9b <tracker@c4f.test>"
    Milestone.objects.filter(pk=due_on_9_april.pk).update(title="Cluster\x07 strategy\x1b[31m")
    Cluster.objects.filter(pk=cluster.pk).update(name="Saxo\x1bCell\x7f")
    Person.objects.filter(pk=member.pk).update(name="Max\x07 Member\x9b")

    run(berlin(2024, 4, 9))

    [message] = smtp.handler.messages()
    assert {name: message[name] for name in ("From", "To", "Subject")} == {
        "From": "C4F Tracker <tracker@c4f.test>",
        "To": "Max Member <member@saxocell.test>",
        "Subject": "[SaxoCell] Cluster strategy[31m: in 7 days",
    }
    assert [name for name, value in message.items() if ical.CONTROL_CHARACTERS.search(value)] == []


def test_send_due_reminders_to_an_address_at_an_international_domain(
    smtp, cluster, three_due_on_9_april
):
    # The domain goes as its punycode; before, the email's To line raised UnicodeEncodeError
    # and every round stopped at that row, for good.
    anna = make_person("anna@bücher.example", "Anna Bücher")
    Membership.objects.create(person=anna, cluster=cluster, role=Role.MEMBER)
    Responsibility.objects.create(milestone=three_due_on_9_april[1], person=anna)

    summary = run(berlin(2024, 4, 9, 8, 0))

    assert summary.startswith("sent 4, failed 0, ")
    assert [
        (message["To"], message["Subject"])
        for message in smtp.handler.messages()
        if "Anna" in message["To"]
    ] == [("Anna Bücher <anna@xn--bcher-kva.example>", "[SaxoCell] Progress report: in 7 days")]
    assert ["anna@xn--bcher-kva.example"] in [rcpt for _, _, rcpt, _ in smtp.handler.envelopes]


def test_send_due_reminders_an_address_no_email_can_carry_fails_alone(
    smtp, three_due_on_9_april, member, make_milestone, coordinator
):
    # A mailbox name beyond ASCII (no form takes one, an import might) cannot be written in
    # an email's To line: those emails fail, one attempt each, and the round goes on.
    make_milestone(lead=coordinator, title="Budget", starts_on=datetime.date(2024, 4, 16))
    Person.objects.filter(pk=member.pk).update(email="mäx@saxocell.test")

    summary = run(berlin(2024, 4, 9, 8, 0))

    assert summary.startswith("sent 1, failed 3, ")
    assert subjects(smtp) == ["[SaxoCell] Budget: in 7 days"]
    failed = Reminder.objects.filter(state=ReminderState.PENDING, attempts=1, person=member)
    assert failed.count() == 3
    assert {row.last_error[:18] for row in failed} == {"UnicodeEncodeError"}


def test_send_due_reminders_gives_up_after_the_last_attempt(settings, smtp, due_on_9_april):
    settings.REMINDER_MAX_ATTEMPTS = 2
    smtp.handler.answer = "550"

    results = [run(berlin(2024, 4, 9, 8, 0)), run(berlin(2024, 4, 9, 8, 5))]
    later = run(berlin(2024, 4, 9, 12, 0))

    row = Reminder.objects.get(lead_days=7)
    assert results == [
        "sent 0, failed 1, skipped 0, missed 2",
        "sent 0, failed 1, skipped 0, missed 0",
    ]
    assert later == "sent 0, failed 0, skipped 0, missed 0"
    assert (row.state, row.attempts) == (ReminderState.FAILED, 2)


def test_backoff_doubles_up_to_six_hours(settings):
    settings.REMINDER_RETRY_AFTER = 300

    pauses = [backoff(attempts) for attempts in (1, 2, 3, 4, 8, 20)]

    assert [int(p.total_seconds() // 60) for p in pauses] == [5, 10, 20, 40, 360, 360]


def test_send_reminders_command_prints_one_summary_line(smtp, due_on_9_april):
    out = io.StringIO()

    call_command("send_reminders", "--now", "2024-04-09T08:00:00+02:00", stdout=out)

    assert out.getvalue().splitlines() == [
        "sent 1, failed 0, skipped 0, missed 2",
        "  missed 2 because their day passed before a round ran; the latest reminder goes instead",
    ]


def test_send_reminders_command_naive_now_is_local_time(smtp, due_on_9_april):
    out = io.StringIO()

    call_command("send_reminders", "--now", "2024-04-09T07:59", stdout=out)

    assert out.getvalue() == "sent 0, failed 0, skipped 0, missed 0\n"


def test_send_reminders_command_dry_run_sends_and_writes_nothing(smtp, due_on_9_april):
    out = io.StringIO()

    call_command("send_reminders", "--dry-run", "--now", "2024-04-09T08:00+02:00", stdout=out)

    assert out.getvalue().splitlines() == [
        "would send to member@saxocell.test: Cluster strategy (reminder 7 days before)",
        "dry run, would have: sent 1, failed 0, skipped 0, missed 2",
        "  missed 2 because their day passed before a round ran; the latest reminder goes instead",
    ]
    assert (smtp.handler.received, Reminder.objects.count()) == ([], 0)


def test_send_reminders_command_dry_run_says_what_the_round_would_do(
    smtp, three_due_on_9_april, member, coordinator
):
    # Planned earlier and pending: one milestone done since, one still to go. A digest
    # reader's new reminder waits for the next morning.
    with time_machine.travel(berlin(2024, 4, 9, 7, 0), tick=False):
        plan_due_reminders(now=berlin(2024, 4, 9, 8, 0))
    Milestone.objects.filter(title="Budget plan").update(status="done")
    Person.objects.filter(pk=coordinator.pk).update(reminder_mode="digest")
    Responsibility.objects.create(milestone=three_due_on_9_april[0], person=coordinator)
    out = io.StringIO()

    call_command("send_reminders", "--dry-run", "--now", "2024-04-09T10:00+02:00", stdout=out)
    real = run(berlin(2024, 4, 9, 10, 0))

    assert out.getvalue().splitlines() == [
        "would send to member@saxocell.test: Cluster strategy (reminder 7 days before)",
        "would send to member@saxocell.test: Progress report (reminder 7 days before)",
        "dry run, would have: sent 2, failed 0, skipped 1, missed 2",
        "  missed 2 because their day passed before a round ran; the latest reminder goes instead",
        "  skipped 1 because the milestone is done",
    ]
    assert real == "sent 2, failed 0, skipped 1, missed 2"


def test_send_reminders_command_exits_non_zero_when_something_failed(smtp, due_on_9_april):
    smtp.handler.answer = "451"
    out = io.StringIO()

    with pytest.raises(SystemExit) as exit_:
        call_command("send_reminders", "--now", "2024-04-09T08:00+02:00", stdout=out)

    assert (exit_.value.code, out.getvalue().splitlines()) == (
        1,
        [
            "sent 0, failed 1, skipped 0, missed 2",
            "  failed 1 because the mail server did not take it; it is tried again later",
            "  missed 2 because their day passed before a round ran; the latest reminder goes "
            "instead",
        ],
    )


# Several workers at once, and a worker killed mid-run: real processes on PostgreSQL.


def test_send_reminders_command_refuses_now_with_loop(db):
    with pytest.raises(CommandError) as error:
        call_command("send_reminders", "--loop", "--now", "2024-04-09T08:00:00+02:00")

    assert str(error.value) == "--now and --loop do not go together: a loop runs in real time."


def test_send_due_reminders_pending_retry_is_dropped_when_the_milestone_is_done(
    smtp, due_on_9_april
):
    smtp.handler.answer = "451"
    failed = run(berlin(2024, 4, 9, 8, 0))
    smtp.handler.answer = "accept"
    due_on_9_april.status = "done"
    due_on_9_april.save()

    retry = run(berlin(2024, 4, 9, 8, 10))

    row = Reminder.objects.get(lead_days=7)
    assert (failed, retry) == (
        "sent 0, failed 1, skipped 0, missed 2",
        "sent 0, failed 0, skipped 1, missed 0",
    )
    assert (row.state, row.last_error, smtp.handler.received) == (
        ReminderState.SKIPPED,
        "the milestone is done",
        [],
    )


def test_send_due_reminders_round_gives_each_recipient_their_own_greeting_and_unsubscribe_link(
    smtp, make_milestone, member, coordinator
):
    with time_machine.travel(berlin(2024, 3, 1, 6, 0), tick=False):
        milestone = make_milestone(
            lead=member,
            contributors=[coordinator],
            title="Cluster strategy",
            starts_on=datetime.date(2024, 4, 16),
        )

    run(berlin(2024, 4, 9))

    emails = {}
    for message in smtp.handler.messages():
        text, _html, _attachments = parts(message)
        emails[message["To"]] = (message["List-Unsubscribe"].strip(), text.splitlines())
    links = {
        person.email: f"https://tracker.test/reminders/unsubscribe/{unsubscribe_token(person)}/"
        for person in (member, coordinator)
    }

    def expected(person):
        return (
            f"<{links[person.email]}>",
            [
                f"Hello {person.name},",
                "",
                "Cluster strategy (SaxoCell): in 7 days",
                "Date: 16 April 2024",
                "Status: Planned",
                "Lead: Max Member",
                "Next: once it is handed in, mark it done on its page:",
                f"https://tracker.test/milestones/{milestone.pk}/",
                "",
                "-- ",
                "You get this email because you are responsible for this milestone, or "
                "coordinate its cluster.",
                "How you are reminded (individual emails, one daily digest, or none): "
                "https://tracker.test/account/reminders/",
                f"Stop all reminder emails: {links[person.email]}",
            ],
        )

    assert emails == {
        "Max Member <member@saxocell.test>": expected(member),
        "Carla Coordinator <coordinator@saxocell.test>": expected(coordinator),
    }


@pytest.fixture
def three_due_on_9_april(make_milestone, member):
    """Three deadlines on 16 April 2024 led by the member: three emails on 9 April 08:00."""
    with time_machine.travel(berlin(2024, 3, 1, 6, 0), tick=False):
        return [
            make_milestone(lead=member, title=title, starts_on=datetime.date(2024, 4, 16))
            for title in ("Cluster strategy", "Progress report", "Budget plan")
        ]


def subjects(smtp):
    return [message["Subject"] for message in smtp.handler.messages()]


@pytest.mark.postgres_only
def test_send_due_reminders_each_email_is_on_disk_as_sent_before_the_next_goes_out(
    transactional_db, smtp, cluster
):
    # The crash promise: when the server takes an email, every earlier one is recorded sent.
    expected = make_many_due_reminders(cluster, milestones=6, people=5)
    database = connection.settings_dict
    seen = []
    with psycopg.connect(
        host=database["HOST"],
        port=database["PORT"] or 5432,
        user=database["USER"],
        password=database["PASSWORD"],
        dbname=database["NAME"],
        autocommit=True,
    ) as observer:

        def count_sent(_content):
            row = observer.execute("SELECT count(*) FROM milestones_reminder WHERE state = 'sent'")
            seen.append(row.fetchone()[0])

        smtp.handler.on_data = count_sent
        summary = run(datetime.datetime.fromisoformat(WORKER_NOW))

    # (The 28- and 14-day reminders had passed before the first run: skipped.)
    assert summary == f"sent {expected}, failed 0, skipped {2 * expected}, missed 0"
    assert seen == list(range(expected))


def built(person, milestone, shared, now):
    """The email a reminder of the milestone gives the person, as its recipient reads it."""
    reminder = Reminder(milestone=milestone, person=person, kind="before", lead_days=7)
    message = build_message(person=person, reminders=[reminder], now=now, parts=shared)
    parsed = email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)
    text, _html, _attachments = parts(parsed)
    [attachment] = parsed.iter_attachments()
    event = icalendar.Calendar.from_ical(attachment.get_payload(decode=True)).walk("VEVENT")[0]
    return (
        parsed["Subject"],
        text.splitlines()[0:4],
        str(event["SUMMARY"]),
        event["DTSTART"].dt,
        str(event["STATUS"]),
    )


def test_build_message_with_shared_parts_shows_a_changed_milestone_language_and_name(
    make_milestone, member
):
    milestone = make_milestone(lead=member, starts_on=datetime.date(2024, 4, 16))
    shared = MessageParts()
    now = berlin(2024, 4, 9)

    def fresh_milestone():
        return Milestone.objects.select_related("cluster__programme").get(pk=milestone.pk)

    first = built(member, fresh_milestone(), shared, now)
    Milestone.objects.filter(pk=milestone.pk).update(
        title="Updated strategy", starts_on=datetime.date(2024, 4, 17), status="cancelled"
    )
    changed = built(member, fresh_milestone(), shared, now)
    member.language = "de"
    member.name = "Maxi Member"
    in_german = built(member, fresh_milestone(), shared, now)

    assert first == (
        "[SaxoCell] Cluster strategy: in 7 days",
        [
            "Hello Max Member,",
            "",
            "Cluster strategy (SaxoCell): in 7 days",
            "Date: 16 April 2024",
        ],
        "SaxoCell: Cluster strategy",
        datetime.date(2024, 4, 16),
        "CONFIRMED",
    )
    assert changed == (
        "[SaxoCell] Updated strategy: in 8 days",
        [
            "Hello Max Member,",
            "",
            "Updated strategy (SaxoCell): in 8 days",
            "Date: 17 April 2024",
        ],
        "SaxoCell: Updated strategy (cancelled)",
        datetime.date(2024, 4, 17),
        "CANCELLED",
    )
    assert in_german == (
        "[SaxoCell] Updated strategy: in 8 Tagen",
        [
            "Hallo Maxi Member,",
            "",
            "Updated strategy (SaxoCell): in 8 Tagen",
            "Datum: 17. April 2024",
        ],
        "SaxoCell: Updated strategy (abgesagt)",
        datetime.date(2024, 4, 17),
        "CANCELLED",
    )
