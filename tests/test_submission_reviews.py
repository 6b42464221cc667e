"""The programme's side of submissions (milestones.submissions.reviews): extensions and
reviews, what they change, what they record and whom they email (a new due date through the
reminder ledger's one date-changed email, an acceptance at once)."""

import datetime
import threading

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from milestones import plan
from milestones.models import (
    Decision,
    Extension,
    Kind,
    Milestone,
    PlanItem,
    ReminderKind,
    ReminderMode,
    ReminderState,
    Review,
    Status,
)
from milestones.reasons import reason_text
from milestones.reminders.planning import due_reminders
from milestones.reminders.sending import send_due_reminders
from milestones.submissions import reviews
from tests.helpers import BERLIN, MARCH_21
from tests.submission_rows import add_submission

NOON = datetime.time(12, 0)
APRIL_2 = datetime.date(2024, 4, 2)
APRIL_16 = datetime.date(2024, 4, 16)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(MARCH_21, tick=False) as traveller:
        yield traveller


@pytest.fixture
def strategy(make_milestone, member, coordinator):
    return make_milestone(starts_at=NOON, lead=member, asks_submission=True)


def reminder_round():
    """One ``send_reminders`` round now; the emails it sent, by recipient."""
    already = len(mail.outbox)
    send_due_reminders(now=timezone.now())
    return sorted(mail.outbox[already:], key=lambda message: message.to)


def test_extension_moves_the_cut_off_and_records_who_and_why(strategy, officer):
    before = (strategy.sequence, strategy.date_version)

    extension = reviews.grant_extension(
        milestone=strategy, due_on=APRIL_16, due_at=NOON, reason="Illness in the team", by=officer
    )

    strategy.refresh_from_db()
    record = strategy.history.first()
    assert (strategy.starts_on, strategy.starts_at, strategy.when_text) == (
        APRIL_16,
        NOON,
        "16 April 2024, due 12:00",
    )
    assert (strategy.sequence, strategy.date_version) == (before[0] + 1, before[1] + 1)
    assert (record.history_user, reason_text(record.history_change_reason)) == (
        officer,
        "Extension granted: Illness in the team",
    )
    assert Extension.objects.filter(pk=extension.pk).values(
        "previous_due_on", "previous_due_at", "due_on", "due_at", "reason", "granted_by_name"
    ).get() == {
        "previous_due_on": APRIL_2,
        "previous_due_at": NOON,
        "due_on": APRIL_16,
        "due_at": NOON,
        "reason": "Illness in the team",
        "granted_by_name": "Otto Officer",
    }


def test_extension_is_emailed_once_to_the_lead_and_the_coordinators_by_the_ledger(
    strategy, officer, mailoutbox, settings
):
    settings.SITE_URL = "https://tracker.test"
    reviews.grant_extension(
        milestone=strategy, due_on=APRIL_16, due_at=NOON, reason="Illness in the team", by=officer
    )

    right_away = list(mailoutbox)
    emails = reminder_round()
    again = reminder_round()

    assert right_away == []
    assert [(m.to[0], m.subject) for m in emails] == [
        (
            "Carla Coordinator <coordinator@saxocell.test>",
            "[SaxoCell] Cluster strategy: date changed, in 26 days",
        ),
        (
            "Max Member <member@saxocell.test>",
            "[SaxoCell] Cluster strategy: date changed, in 26 days",
        ),
    ]
    assert again == []
    assert emails[1].body.split("\n\n")[1].splitlines() == [
        "Cluster strategy (SaxoCell): date changed, in 26 days",
        "The date of this milestone has changed. Reminders now count from the new date.",
        "Date changed: 2 April 2024, due 12:00 → 16 April 2024, due 12:00",
        "Changed by: Otto Officer",
        "Why: Extension granted: Illness in the team",
        "Date: 16 April 2024, due 12:00 (Europe/Berlin)",
        "Status: Planned",
        "Lead: Max Member",
        "Next: submit it on its page:",
        f"https://tracker.test/milestones/{strategy.pk}/",
    ]


def test_emails_are_in_each_recipients_language(strategy, officer, coordinator, mailoutbox):
    coordinator.language = "de"
    coordinator.save()
    reviews.grant_extension(
        milestone=strategy, due_on=APRIL_16, due_at=NOON, reason="Krankheit", by=officer
    )

    subjects = {message.to[0]: message.subject for message in reminder_round()}

    assert subjects == {
        "Max Member <member@saxocell.test>": "[SaxoCell] Cluster strategy: date changed, in 26 days",
        "Carla Coordinator <coordinator@saxocell.test>": (
            "[SaxoCell] Cluster strategy: Termin geändert, in 26 Tagen"
        ),
    }


def test_extension_told_by_the_next_round_once_the_mail_server_is_back(
    strategy, officer, mailoutbox, settings
):
    reviews.grant_extension(
        milestone=strategy, due_on=APRIL_16, due_at=NOON, reason="Illness in the team", by=officer
    )
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    send_due_reminders(now=timezone.now())
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    emails = reminder_round()

    assert [m.to[0] for m in emails] == [
        "Carla Coordinator <coordinator@saxocell.test>",
        "Max Member <member@saxocell.test>",
    ]


def test_extension_to_a_person_who_wants_no_reminders_is_not_emailed(
    strategy, officer, member, mailoutbox
):
    member.reminder_mode = ReminderMode.OFF
    member.save()
    reviews.grant_extension(
        milestone=strategy, due_on=APRIL_16, due_at=NOON, reason="Illness in the team", by=officer
    )

    emails = reminder_round()

    assert [m.to[0] for m in emails] == ["Carla Coordinator <coordinator@saxocell.test>"]


@pytest.mark.parametrize(
    ("due_on", "due_at"),
    [(APRIL_2, NOON), (APRIL_2, datetime.time(11, 59)), (datetime.date(2024, 3, 30), None)],
)
def test_extension_must_be_later_than_the_current_cut_off(strategy, officer, due_on, due_at):
    with pytest.raises(ValidationError) as refused:
        reviews.grant_extension(
            milestone=strategy, due_on=due_on, due_at=due_at, reason="Why not", by=officer
        )

    strategy.refresh_from_db()
    assert refused.value.message_dict == {
        "due_on": ["The new cut-off must be later than the current one, 2 April 2024, 12:00."]
    }
    assert (strategy.starts_on, strategy.starts_at, Extension.objects.count()) == (
        APRIL_2,
        NOON,
        0,
    )


def test_extension_on_the_same_day_without_a_time_lasts_to_its_end(strategy, officer):
    reviews.grant_extension(
        milestone=strategy, due_on=APRIL_2, due_at=None, reason="The afternoon", by=officer
    )

    strategy.refresh_from_db()
    assert strategy.when_text == "2 April 2024"


def test_extension_needs_a_reason(strategy, officer):
    with pytest.raises(ValidationError) as refused:
        reviews.grant_extension(
            milestone=strategy, due_on=APRIL_16, due_at=NOON, reason="  ", by=officer
        )

    assert refused.value.message_dict == {"reason": ["Say why the extension is granted."]}
    assert Extension.objects.count() == 0


def test_no_extension_once_the_milestone_is_done(strategy, officer):
    submission = add_submission(strategy, by=officer)
    reviews.accept_submission(submission=submission, by=officer)

    with pytest.raises(reviews.CannotReview) as refused:
        reviews.grant_extension(
            milestone=strategy, due_on=APRIL_16, due_at=NOON, reason="Late", by=officer
        )

    assert str(refused.value) == (
        "Nothing is due for this milestone any more (Done): no extension."
    )


@pytest.fixture
def strategy_item(programme, cluster, other_cluster, member, coordinator):
    item = PlanItem(
        programme=programme,
        kind=Kind.STRATEGY_SUBMISSION,
        title="Cluster strategy",
        starts_on=APRIL_2,
        starts_at=NOON,
        asks_submission=True,
    )
    plan.save_plan_item(plan_item=item)
    return item


def _move_plan(item, day, *, title=None):
    item.starts_on = day
    item.title = title or item.title
    plan.save_plan_item(plan_item=item)


def test_plan_changes_leave_an_extended_date_alone_and_the_rest_follows(
    strategy_item, cluster, other_cluster, officer
):
    extended = strategy_item.milestones.get(cluster=cluster)
    reviews.grant_extension(
        milestone=extended, due_on=APRIL_16, due_at=NOON, reason="Illness", by=officer
    )

    # The plan first moves to the very day of the extension, then beyond it.
    _move_plan(strategy_item, APRIL_16)
    _move_plan(strategy_item, datetime.date(2024, 4, 23), title="Updated cluster strategy")

    rows = Milestone.objects.filter(plan_item=strategy_item).order_by("cluster__name")
    assert [(m.cluster.name, m.title, m.when_text) for m in rows] == [
        ("Other Cluster", "Updated cluster strategy", "23 April 2024, due 12:00"),
        ("SaxoCell", "Updated cluster strategy", "16 April 2024, due 12:00"),
    ]


def test_accepting_the_latest_version_makes_the_milestone_done(strategy, officer, mailoutbox):
    submission = add_submission(strategy, by=officer)

    review = reviews.accept_submission(submission=submission, by=officer, note="Thank you")

    strategy.refresh_from_db()
    record = strategy.history.first()
    assert (review.decision, review.note, review.reviewed_by_name) == (
        Decision.ACCEPTED,
        "Thank you",
        "Otto Officer",
    )
    assert (strategy.status, record.history_user, reason_text(record.history_change_reason)) == (
        Status.DONE,
        officer,
        "Version 1 accepted. Thank you",
    )
    assert sorted((m.to[0], m.subject) for m in mailoutbox) == [
        ("coordinator@saxocell.test", "[SaxoCell] Cluster strategy: version 1 accepted"),
        ("member@saxocell.test", "[SaxoCell] Cluster strategy: version 1 accepted"),
    ]
    # Its date stays: no date-changed email follows.
    assert reminder_round() == []


def test_revision_sets_a_new_due_date_and_status_in_progress(strategy, officer, mailoutbox):
    submission = add_submission(strategy, by=officer)
    version = strategy.date_version

    review = reviews.request_revision(
        submission=submission, note="Add the budget", due_on=APRIL_16, due_at=NOON, by=officer
    )

    strategy.refresh_from_db()
    reasons = [reason_text(r.history_change_reason) for r in strategy.history.all()[:2]]
    assert (review.decision, review.revision_due_on, review.revision_due_at) == (
        Decision.REVISION,
        APRIL_16,
        NOON,
    )
    assert (strategy.status, strategy.when_text, strategy.date_version) == (
        Status.IN_PROGRESS,
        "16 April 2024, due 12:00",
        version + 1,
    )
    assert reasons == ["Revision of version 1 requested: Add the budget"] * 2


def test_revision_is_emailed_once_to_the_lead_and_the_coordinators_by_the_ledger(
    strategy, officer, mailoutbox
):
    submission = add_submission(strategy, by=officer)
    reviews.request_revision(
        submission=submission, note="Add the budget", due_on=APRIL_16, due_at=NOON, by=officer
    )

    right_away = list(mailoutbox)
    emails = reminder_round()

    assert right_away == []
    assert [(m.to[0], m.subject) for m in emails] == [
        (
            "Carla Coordinator <coordinator@saxocell.test>",
            "[SaxoCell] Cluster strategy: date changed, in 26 days",
        ),
        (
            "Max Member <member@saxocell.test>",
            "[SaxoCell] Cluster strategy: date changed, in 26 days",
        ),
    ]
    assert emails[0].body.splitlines()[4:10] == [
        "Date changed: 2 April 2024, due 12:00 → 16 April 2024, due 12:00",
        "Changed by: Otto Officer",
        "Why: Revision of version 1 requested: Add the budget",
        "Date: 16 April 2024, due 12:00 (Europe/Berlin)",
        "Status: In progress",
        "Lead: Max Member",
    ]


def test_revision_due_date_gets_reminders_like_any_deadline(strategy, officer, member):
    submission = add_submission(strategy, by=officer)
    reviews.request_revision(
        submission=submission, note="Add the budget", due_on=APRIL_16, due_at=NOON, by=officer
    )
    reminder_round()
    strategy.refresh_from_db()

    # 7 days before 16 April, at 08:00 in Berlin.
    due = due_reminders(now=datetime.datetime(2024, 4, 9, 8, 0, tzinfo=BERLIN))

    assert [
        (d.person.email, d.kind, d.lead_days, d.milestone.date_version)
        for d in due
        if d.state == ReminderState.PENDING
    ] == [(member.email, ReminderKind.BEFORE, 7, strategy.date_version)]


def test_a_submitted_milestone_gets_no_reminders(strategy, officer):
    add_submission(strategy, by=officer)

    due = due_reminders(now=datetime.datetime(2024, 3, 26, 8, 0, tzinfo=BERLIN))

    assert list(due) == []


def test_revision_needs_a_note_and_a_due_date_in_the_future(strategy, officer):
    submission = add_submission(strategy, by=officer)

    with pytest.raises(ValidationError) as no_note:
        reviews.request_revision(
            submission=submission, note="", due_on=APRIL_16, due_at=NOON, by=officer
        )
    with pytest.raises(ValidationError) as past:
        reviews.request_revision(
            submission=submission, note="Budget", due_on=datetime.date(2024, 3, 20), by=officer
        )

    assert no_note.value.message_dict == {"note": ["Say what the revision should change."]}
    assert past.value.message_dict == {"due_on": ["The new due date must be in the future."]}
    assert (Review.objects.count(), Milestone.objects.get().status) == (0, Status.SUBMITTED)


def test_only_the_latest_version_without_a_review_is_reviewed(strategy, officer):
    first = add_submission(strategy, by=officer)
    second = add_submission(strategy, by=officer, number=2)

    with pytest.raises(reviews.CannotReview) as older:
        reviews.accept_submission(submission=first, by=officer)
    reviews.accept_submission(submission=second, by=officer)
    with pytest.raises(reviews.CannotReview) as again:
        reviews.request_revision(
            submission=second, note="More", due_on=APRIL_16, due_at=NOON, by=officer
        )

    assert str(older.value) == "Version 1 is not the latest: only the latest version is reviewed."
    assert str(again.value) == "Version 2 has been reviewed already."
    assert list(Review.objects.values_list("submission__number", "decision")) == [
        (2, Decision.ACCEPTED)
    ]


def test_a_mail_server_away_does_not_undo_the_review(strategy, officer, settings, caplog):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    submission = add_submission(strategy, by=officer)

    reviews.accept_submission(submission=submission, by=officer)

    strategy.refresh_from_db()
    assert strategy.status == Status.DONE
    assert [r.getMessage() for r in caplog.records if r.name.endswith("review_emails")] == [
        f"The email about {submission}: Accepted of milestone {strategy.pk} was not sent"
    ]


@pytest.mark.postgres_only
def test_two_officers_reviewing_at_once_make_one_review(transactional_db, strategy, officer):
    submission = add_submission(strategy, by=officer)
    holding, release = threading.Event(), threading.Event()
    outcome = {}

    def review(name, hold):
        try:
            with transaction.atomic():
                if hold:
                    # The first takes the milestone's turn and keeps it while the second asks.
                    reviews._lock(Milestone.objects.get(pk=strategy.pk))
                    holding.set()
                    release.wait(10)
                    reviews.accept_submission(submission=submission, by=officer)
                else:
                    reviews.request_revision(
                        submission=submission, note="More", due_on=APRIL_16, by=officer
                    )
            outcome[name] = "reviewed"
        except reviews.CannotReview as refusal:
            outcome[name] = str(refusal)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=review, args=("first", True)),
        threading.Thread(target=review, args=("second", False)),
    ]
    threads[0].start()
    holding.wait(10)
    threads[1].start()
    threads[1].join(0.5)
    second_waited = threads[1].is_alive()
    release.set()
    for thread in threads:
        thread.join(10)

    assert second_waited
    assert outcome == {"first": "reviewed", "second": "Version 1 has been reviewed already."}
    assert list(Review.objects.values_list("decision", flat=True)) == [Decision.ACCEPTED]
