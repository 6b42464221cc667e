"""The admin shows drafts, submissions and their files, and changes none of them."""

import hashlib
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from milestones.models import Person, Submission, SubmissionFile
from milestones.submissions import services
from tests.helpers import texts


@pytest.fixture
def admin_client(client, db):
    admin = Person.objects.create_superuser("admin@c4f.test", "an-admin-password-1", name="Admin")
    client.force_login(admin)
    return client


@pytest.fixture
def submission(make_milestone, coordinator):
    milestone = make_milestone(asks_submission=True)
    content = b"%PDF-1.4 strategy"
    checked = SimpleNamespace(
        name="strategy.pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content_type="application/pdf",
    )
    files = [(SimpleUploadedFile("strategy.pdf", content), checked)]
    services.add_to_draft(milestone=milestone, files=files, by=coordinator)
    services.set_draft_note(milestone=milestone, note="the final text", by=coordinator)
    return services.submit(milestone=milestone, by=coordinator)


def test_admin_lists_submissions_and_shows_one_with_its_files(admin_client, submission):
    listed = admin_client.get("/admin/milestones/submission/")
    shown = admin_client.get(f"/admin/milestones/submission/{submission.pk}/change/")

    assert texts(listed, "#result_list tbody td.field-number") == ["1"]
    assert texts(shown, ".field-note .readonly") == ["the final text"]
    assert texts(shown, "td.field-name p") == ["strategy.pdf"]
    assert texts(shown, "input[type=submit]") == []


@pytest.mark.parametrize("model", ["submission", "submissionfile", "draft"])
def test_admin_changes_adds_and_deletes_nothing(admin_client, submission, model):
    row = {
        "submission": submission,
        "submissionfile": SubmissionFile.objects.get(),
        "draft": submission.milestone.draft,
    }[model]
    base = f"/admin/milestones/{model}/"

    statuses = [
        admin_client.get(f"{base}add/").status_code,
        admin_client.post(f"{base}{row.pk}/change/", {"note": "changed"}).status_code,
        admin_client.post(f"{base}{row.pk}/delete/", {"post": "yes"}).status_code,
    ]

    assert statuses == [403, 403, 403]
    assert Submission.objects.get().note == "the final text"
    assert SubmissionFile.objects.count() == 1
