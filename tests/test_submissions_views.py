"""The Submission section of a milestone's page: the draft, uploads, submitting, the words,
and the files' downloads (milestones.views.submissions)."""

import datetime
import hashlib

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from milestones.models import LateSubmissions, Status, Submission, SubmissionFile
from tests.helpers import BERLIN, texts

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
ON_TIME = datetime.datetime(2024, 4, 2, 11, 48, tzinfo=BERLIN)
LATE = datetime.datetime(2024, 4, 2, 13, 14, tzinfo=BERLIN)


def pdf(name, extra=b""):
    return SimpleUploadedFile(name, PDF + extra, content_type="application/pdf")


@pytest.fixture
def strategy(make_milestone, member):
    return make_milestone(lead=member, asks_submission=True, starts_at=datetime.time(12, 0))


def upload(client, milestone, *files, replace=False, xhr=False):
    data = {"files": list(files)}
    if replace:
        data["replace"] = "on"
    headers = {"X-Requested-With": "XMLHttpRequest"} if xhr else {}
    return client.post(f"/milestones/{milestone.pk}/submission/files/", data, headers=headers)


def submit(client, milestone, version=1):
    return client.post(f"/milestones/{milestone.pk}/submission/submit/", {"version": version})


def page(client, milestone):
    return client.get(f"/milestones/{milestone.pk}/")


def draft_rows(client, milestone):
    return texts(page(client, milestone), ".draft-files tbody tr td:nth-child(-n+2)")


def test_section_states_due_types_and_largest_size(client, strategy, member):
    client.force_login(member)

    response = page(client, strategy)

    assert texts(response, ".submission-due") == [
        "Due by 2 April 2024, 12:00 (Europe/Berlin). Later submissions are accepted and "
        "marked late."
    ]
    assert texts(response, "#draft-files-help") == [
        "Several at once, or drop them here. Accepted: PDF, DOCX, XLSX, ODT, ODS, PPTX, ZIP; "
        "largest file 50.0 MB."
    ]
    assert texts(response, ".submit-refusal") == []


def test_milestone_without_submission_has_no_section(client, make_milestone, member):
    milestone = make_milestone(lead=member)
    client.force_login(member)

    response = page(client, milestone)

    assert texts(response, "#submission-heading") == []
    assert upload(client, milestone, pdf("a.pdf")).status_code == 404


def test_upload_of_several_files_puts_them_in_the_draft(client, strategy, member):
    client.force_login(member)

    response = upload(client, strategy, pdf("a.pdf"), pdf("b.pdf", b"more"))

    assert response.status_code == 302
    assert response["Location"] == f"/milestones/{strategy.pk}/#submission"
    assert draft_rows(client, strategy) == ["a.pdf", "77 bytes", "b.pdf", "81 bytes"]


def test_upload_bad_file_gets_its_message_and_the_good_one_goes_in(client, strategy, member):
    client.force_login(member)

    response = upload(
        client, strategy, pdf("a.pdf"), SimpleUploadedFile("evil.html", b"<html>hi</html>")
    )

    errors = texts(response, "#draft-files-errors li")
    assert response.status_code == 400
    assert len(errors) == 1 and "evil.html" in errors[0]
    assert texts(response, ".draft-files tbody td:first-child") == ["a.pdf"]


def test_upload_two_files_of_one_name_says_so_and_adds_neither(client, strategy, member):
    client.force_login(member)

    response = upload(client, strategy, pdf("a.pdf"), pdf("a.pdf", b"other"))

    assert texts(response, "#draft-files-errors li") == [
        "Two files named “a.pdf” in one upload: none of them was added. Rename one, or upload "
        "them one at a time."
    ]
    assert SubmissionFile.objects.count() == 0


def test_upload_of_a_name_in_the_draft_keeps_the_old_file_unless_replacing(
    client, strategy, member
):
    client.force_login(member)
    upload(client, strategy, pdf("a.pdf"))

    kept = upload(client, strategy, pdf("a.pdf", b"newer"))
    rows_kept = draft_rows(client, strategy)
    replaced = upload(client, strategy, pdf("a.pdf", b"newer"), replace=True)

    assert texts(kept, "#draft-files-errors li") == [
        "“a.pdf” is in the draft already and was kept. To replace it, upload it again with "
        "“Replace files of the same name” ticked."
    ]
    assert rows_kept == ["a.pdf", "77 bytes"]
    assert replaced.status_code == 302
    assert draft_rows(client, strategy) == ["a.pdf", "82 bytes"]


def test_upload_by_script_gets_the_section_alone(client, strategy, member):
    client.force_login(member)

    response = upload(client, strategy, pdf("a.pdf"), xhr=True)

    assert response.status_code == 200
    assert response.content.decode().startswith('<section id="submission"')
    assert texts(response, "[role=status]") == ["Added to the draft: a.pdf."]


def test_remove_and_note(client, strategy, member):
    client.force_login(member)
    upload(client, strategy, pdf("a.pdf"))
    row = SubmissionFile.objects.get()

    client.post(f"/milestones/{strategy.pk}/submission/files/{row.pk}/remove/")
    client.post(f"/milestones/{strategy.pk}/submission/note/", {"draft-note": "for the jury"})
    response = page(client, strategy)

    assert texts(response, "[role=status]") == [
        "Added to the draft: a.pdf.",
        "“a.pdf” was removed from the draft.",
        "The draft's note is saved.",
    ]
    assert texts(response, ".draft-empty") == ["The draft has no files yet."]
    assert texts(response, "#id_draft-note") == ["for the jury"]


def test_submit_on_time_shows_the_version_in_words_and_sends_receipts(
    client, strategy, member, coordinator, django_capture_on_commit_callbacks
):
    client.force_login(member)
    upload(client, strategy, pdf("a.pdf"))
    client.post(f"/milestones/{strategy.pk}/submission/note/", {"draft-note": "final"})

    with (
        time_machine.travel(ON_TIME, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        submit(client, strategy)
    with time_machine.travel(ON_TIME, tick=False):
        response = page(client, strategy)

    checksum = hashlib.sha256(PDF).hexdigest()
    assert texts(response, "[role=status]") == [
        "Added to the draft: a.pdf.",
        "The draft's note is saved.",
        "Version 1, submitted 2 April 2024, 11:48, on time. A receipt is on its way to you "
        "and the cluster's coordinators.",
    ]
    assert texts(response, ".submission-words") == [
        "Version 1, submitted 2 April 2024, 11:48, on time"
    ]
    assert texts(response, ".submission-files tbody tr") == [f"a.pdf 77 bytes {checksum}"]
    assert texts(response, ".submission-version p:nth-of-type(2)") == ["final"]
    assert texts(response, ".draft-empty") == ["The draft has no files yet."]
    assert texts(response, ".status") == ["Submitted"]
    assert sorted(message.to[0] for message in mail.outbox) == [
        "Carla Coordinator <coordinator@saxocell.test>",
        "Max Member <member@saxocell.test>",
    ]


def test_submit_late_is_marked_late_in_words(client, strategy, member):
    client.force_login(member)
    upload(client, strategy, pdf("a.pdf"))

    with time_machine.travel(LATE, tick=False):
        submit(client, strategy)
        response = page(client, strategy)

    assert texts(response, ".submission-words") == [
        "Version 1, submitted 2 April 2024, 13:14, 1 hour 14 minutes late"
    ]


def test_submit_late_where_refused_keeps_the_draft(client, make_milestone, member):
    milestone = make_milestone(
        lead=member,
        asks_submission=True,
        starts_at=datetime.time(12, 0),
        late_submissions=LateSubmissions.REFUSE,
    )
    client.force_login(member)
    upload(client, milestone, pdf("a.pdf"))

    with time_machine.travel(LATE, tick=False):
        submit(client, milestone)
        response = page(client, milestone)

    assert texts(response, "[role=status]") == [
        "Added to the draft: a.pdf.",
        "The cut-off was 2 April 2024, 12:00: this milestone does not accept submissions after "
        "it. Your draft is kept; the programme's officer can grant an extension.",
    ]
    assert texts(response, ".draft-files tbody td:first-child") == ["a.pdf"]
    assert Submission.objects.count() == 0


def test_submit_pressed_twice_makes_one_version(client, strategy, member):
    client.force_login(member)
    upload(client, strategy, pdf("a.pdf"))

    submit(client, strategy, version=1)
    submit(client, strategy, version=1)
    response = page(client, strategy)

    assert texts(response, "[role=status]")[-1] == (
        "Version 1 was submitted already; nothing was submitted twice."
    )
    assert Submission.objects.count() == 1


def test_submit_of_an_empty_draft_is_refused(client, strategy, member):
    client.force_login(member)

    submit(client, strategy)

    assert texts(page(client, strategy), "[role=status]") == [
        "The draft has no files: upload at least one before submitting."
    ]
    assert Submission.objects.count() == 0


def test_plain_member_sees_who_submits_instead_of_the_button(
    client, make_milestone, member, coordinator
):
    milestone = make_milestone(lead=coordinator, asks_submission=True)
    client.force_login(member)

    response = page(client, milestone)

    assert texts(response, ".submit-refusal") == [
        "The milestone's lead or a coordinator of the cluster submits."
    ]
    assert texts(response, ".draft-submit button") == []


def test_second_version_after_the_first(client, strategy, member):
    client.force_login(member)
    upload(client, strategy, pdf("a.pdf"))
    with time_machine.travel(ON_TIME, tick=False):
        submit(client, strategy, version=1)
    upload(client, strategy, pdf("b.pdf"))

    with time_machine.travel(LATE, tick=False):
        submit(client, strategy, version=2)
        response = page(client, strategy)

    strategy.refresh_from_db()
    assert texts(response, ".submission-words") == [
        "Version 2, submitted 2 April 2024, 13:14, 1 hour 14 minutes late",
        "Version 1, submitted 2 April 2024, 11:48, on time",
    ]
    assert strategy.status == Status.SUBMITTED


def test_download_is_an_attachment_with_its_own_name(client, strategy, member):
    client.force_login(member)
    upload(client, strategy, pdf("Strategie 2024.pdf"))
    row = SubmissionFile.objects.get()

    response = client.get(f"/milestones/{strategy.pk}/submission/files/{row.pk}/")
    content = b"".join(response.streaming_content)

    assert response.status_code == 200
    assert content == PDF
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")


def test_page_costs_the_same_for_one_version_and_many(
    client, strategy, member, django_assert_num_queries
):
    client.force_login(member)
    upload(client, strategy, pdf("a.pdf"))
    submit(client, strategy, version=1)
    page(client, strategy)  # the messages are shown once
    with django_assert_num_queries(PAGE_QUERIES):
        page(client, strategy)
    for version in (2, 3):
        upload(client, strategy, pdf("a.pdf"), pdf("b.pdf", b"b"), pdf("c.pdf", b"c"))
        submit(client, strategy, version=version)
    page(client, strategy)

    with django_assert_num_queries(PAGE_QUERIES):
        response = page(client, strategy)

    assert len(texts(response, ".submission-files tbody tr")) == 7


# The session and person, the milestone with its people, its history, the person's roles,
# the section (versions with their files, the draft and its files, the next number, the lead),
# the extensions, the reviews and whether the reader is an officer (views/reviews.py), the
# changes of its people (history.py).
PAGE_QUERIES = 18
