"""The draft and submitting it: milestones.submissions.services (and its receipts)."""

import datetime
import hashlib
import threading
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import translation

from milestones import services as milestone_services
from milestones.models import (
    Draft,
    LateSubmissions,
    Membership,
    Status,
    Submission,
    SubmissionFile,
)
from milestones.reasons import reason_text
from milestones.submissions import services
from milestones.submissions.storage import submission_storage

BERLIN = ZoneInfo("Europe/Berlin")
ON_TIME = datetime.datetime(2024, 4, 2, 11, 48, tzinfo=BERLIN)
LATE = datetime.datetime(2024, 4, 2, 13, 14, tzinfo=BERLIN)


def upload(name, content=b"%PDF-1.7 a report"):
    checked = SimpleNamespace(
        name=name,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content_type="application/pdf",
    )
    return SimpleUploadedFile(name, content), checked


@pytest.fixture
def strategy(make_milestone, member):
    return make_milestone(lead=member, asks_submission=True, starts_at=datetime.time(12, 0))


def stored_content(row):
    with submission_storage().open(row.file.name) as handle:
        return handle.read()


def test_add_to_draft_keeps_each_file_with_its_size_and_checksum(strategy, member):
    added, problems = services.add_to_draft(
        milestone=strategy, files=[upload("a.pdf", b"one"), upload("b.pdf", b"two!")], by=member
    )

    rows = list(services.draft_files(strategy))
    assert (added, problems) == (["a.pdf", "b.pdf"], {})
    assert [(r.name, r.size, r.sha256, stored_content(r)) for r in rows] == [
        ("a.pdf", 3, hashlib.sha256(b"one").hexdigest(), b"one"),
        ("b.pdf", 4, hashlib.sha256(b"two!").hexdigest(), b"two!"),
    ]


def test_add_to_draft_keeps_the_old_file_of_the_same_name_unless_told_to_replace(
    strategy, member, django_capture_on_commit_callbacks
):
    services.add_to_draft(milestone=strategy, files=[upload("a.pdf", b"old")], by=member)
    old = services.draft_files(strategy).get()

    added, problems = services.add_to_draft(
        milestone=strategy, files=[upload("a.pdf", b"new")], by=member
    )
    kept = services.draft_files(strategy).get()
    kept_content = stored_content(kept)
    with django_capture_on_commit_callbacks(execute=True):
        services.add_to_draft(
            milestone=strategy, files=[upload("a.pdf", b"new")], by=member, replace=True
        )
    replaced = services.draft_files(strategy).get()

    assert added == []
    assert problems == {
        "a.pdf": "“a.pdf” is in the draft already and was kept. To replace it, upload it "
        "again with “Replace files of the same name” ticked."
    }
    assert (kept.pk, kept_content) == (old.pk, b"old")
    assert stored_content(replaced) == b"new"
    assert not submission_storage().exists(old.file.name)


def test_remove_from_draft_takes_the_file_out(strategy, member):
    services.add_to_draft(milestone=strategy, files=[upload("a.pdf")], by=member)
    row = services.draft_files(strategy).get()

    name = services.remove_from_draft(milestone=strategy, file_id=row.pk, by=member)

    assert name == "a.pdf"
    assert list(services.draft_files(strategy)) == []
    with pytest.raises(services.Refused):
        services.remove_from_draft(milestone=strategy, file_id=row.pk, by=member)


def test_draft_refuses_people_of_another_cluster(strategy, other_coordinator, officer):
    for person in (other_coordinator, officer):
        with pytest.raises(services.NotAllowed) as refusal:
            services.add_to_draft(milestone=strategy, files=[upload("a.pdf")], by=person)
        assert refusal.value.is_member is False
        with pytest.raises(services.NotAllowed):
            services.set_draft_note(milestone=strategy, note="ours", by=person)
    assert SubmissionFile.objects.count() == 0


def test_submit_on_time_makes_version_one_and_empties_the_draft(strategy, member):
    services.add_to_draft(milestone=strategy, files=[upload("a.pdf")], by=member)
    services.set_draft_note(milestone=strategy, note="final text", by=member)

    with time_machine.travel(ON_TIME, tick=False):
        submission = services.submit(milestone=strategy, by=member, expected_number=1)

    strategy.refresh_from_db()
    assert (submission.number, submission.note, submission.submitted_by_name) == (
        1,
        "final text",
        "Max Member",
    )
    assert (submission.submitted_at, submission.cut_off, submission.is_late) == (
        ON_TIME,
        datetime.datetime(2024, 4, 2, 12, 0, tzinfo=BERLIN),
        False,
    )
    assert [f.name for f in submission.files.all()] == ["a.pdf"]
    assert list(services.draft_files(strategy)) == []
    assert Draft.objects.get(milestone=strategy).note == ""
    assert strategy.status == Status.SUBMITTED
    assert reason_text(strategy.history.latest("history_id").history_change_reason) == (
        "Version 1 submitted."
    )


def test_submit_late_is_accepted_and_marked_late(strategy, member):
    services.add_to_draft(milestone=strategy, files=[upload("a.pdf")], by=member)

    with time_machine.travel(LATE, tick=False):
        submission = services.submit(milestone=strategy, by=member, expected_number=1)

    assert submission.is_late is True
    assert reason_text(strategy.history.latest("history_id").history_change_reason) == (
        "Version 1 submitted, 1 hour 14 minutes late."
    )
    with translation.override("de"):
        assert reason_text(strategy.history.latest("history_id").history_change_reason) == (
            "Version 1 eingereicht, 1 Stunde 14 Minuten zu spät."
        )


def test_submit_late_is_refused_where_the_plan_refuses_and_loses_nothing(make_milestone, member):
    milestone = make_milestone(
        lead=member,
        asks_submission=True,
        starts_at=datetime.time(12, 0),
        late_submissions=LateSubmissions.REFUSE,
    )
    services.add_to_draft(milestone=milestone, files=[upload("a.pdf")], by=member)

    with time_machine.travel(LATE, tick=False), pytest.raises(services.Refused) as refusal:
        services.submit(milestone=milestone, by=member, expected_number=1)

    assert str(refusal.value) == (
        "The cut-off was 2 April 2024, 12:00: this milestone does not accept submissions "
        "after it. Your draft is kept; the programme's officer can grant an extension."
    )
    assert [f.name for f in services.draft_files(milestone)] == ["a.pdf"]
    assert Submission.objects.count() == 0


def test_submit_of_an_empty_draft_is_refused(strategy, member):
    with pytest.raises(services.Refused) as refusal:
        services.submit(milestone=strategy, by=member, expected_number=1)

    assert str(refusal.value) == "The draft has no files: upload at least one before submitting."


def test_submit_pressed_twice_makes_one_version(strategy, member):
    services.add_to_draft(milestone=strategy, files=[upload("a.pdf")], by=member)
    services.submit(milestone=strategy, by=member, expected_number=1)
    services.add_to_draft(milestone=strategy, files=[upload("b.pdf")], by=member)

    with pytest.raises(services.AlreadySubmitted) as refusal:
        services.submit(milestone=strategy, by=member, expected_number=1)

    assert str(refusal.value) == ("Version 1 was submitted already; nothing was submitted twice.")
    assert Submission.objects.count() == 1
    assert [f.name for f in services.draft_files(strategy)] == ["b.pdf"]


def test_submit_by_a_plain_member_or_someone_who_left_is_not_allowed(
    make_milestone, member, coordinator
):
    milestone = make_milestone(asks_submission=True)
    services.add_to_draft(milestone=milestone, files=[upload("a.pdf")], by=member)

    with pytest.raises(services.NotAllowed) as plain_member:
        services.submit(milestone=milestone, by=member, expected_number=1)
    milestone_services.remove_membership(membership=Membership.objects.get(person=coordinator))
    with pytest.raises(services.NotAllowed) as left:
        services.submit(milestone=milestone, by=coordinator, expected_number=1)

    assert (plain_member.value.is_member, str(plain_member.value)) == (
        True,
        "The milestone's lead or a coordinator of the cluster submits.",
    )
    assert left.value.is_member is False
    assert Submission.objects.count() == 0


def test_cut_off_without_a_time_is_the_end_of_the_last_day_in_the_programmes_zone(
    make_milestone,
):
    milestone = make_milestone(asks_submission=True, starts_on=datetime.date(2024, 3, 30))

    due, has_time = services.cut_off_of(milestone)

    # Summer time starts in the night after: midnight is still CET, UTC+1.
    assert (due, has_time) == (datetime.datetime(2024, 3, 30, 23, 0, tzinfo=datetime.UTC), False)


def test_receipts_go_to_the_submitter_and_coordinators_in_their_language(
    strategy, member, coordinator, django_capture_on_commit_callbacks
):
    milestone_services.change_person(person=coordinator, changes={"language": "de"})
    services.add_to_draft(milestone=strategy, files=[upload("a.pdf", b"one")], by=member)

    with time_machine.travel(LATE, tick=False), django_capture_on_commit_callbacks(execute=True):
        services.submit(milestone=strategy, by=member, expected_number=1)

    checksum = hashlib.sha256(b"one").hexdigest()
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        (
            "Carla Coordinator <coordinator@saxocell.test>",
            "[SaxoCell] Cluster strategy: Version 1 erhalten",
        ),
        ("Max Member <member@saxocell.test>", "[SaxoCell] Cluster strategy: version 1 received"),
    ]
    english = next(m for m in mail.outbox if m.to[0].startswith("Max"))
    assert "Version 1, submitted 2 April 2024, 13:14, 1 hour 14 minutes late" in english.body
    assert f"- a.pdf, 3\xa0bytes (3 bytes)\n  SHA-256: {checksum}\n" in english.body


@pytest.mark.postgres_only
def test_two_submits_at_once_make_one_version(transactional_db, strategy, member):
    services.add_to_draft(milestone=strategy, files=[upload("a.pdf")], by=member)
    start = threading.Barrier(2)
    outcomes = []

    def press():
        try:
            start.wait(10)
            services.submit(milestone=strategy, by=member, expected_number=1)
            outcomes.append("submitted")
        except services.Refused:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=press) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert sorted(outcomes) == ["refused", "submitted"]
    assert Submission.objects.count() == 1
