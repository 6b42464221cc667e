"""Who reaches which submission URL and form: another cluster's people find nothing (404), an
officer sees submitted versions but not the draft, a plain member edits the draft but does not
submit."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from milestones import services as milestone_services
from milestones.models import Membership, Submission, SubmissionFile
from milestones.submissions import services
from tests.helpers import texts

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def pdf(name):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def submitted(client, make_milestone, coordinator, member):
    """A strategy with a submitted version 1 (a.pdf) and b.pdf in the draft."""
    milestone = make_milestone(
        lead=coordinator, asks_submission=True, starts_on=datetime.date(2099, 4, 2)
    )
    client.force_login(coordinator)
    base = f"/milestones/{milestone.pk}/submission"
    client.post(f"{base}/files/", {"files": [pdf("a.pdf")]})
    client.post(f"{base}/submit/", {"version": 1})
    client.post(f"{base}/files/", {"files": [pdf("b.pdf")]})
    client.logout()
    return milestone


def urls(milestone):
    submitted_file = SubmissionFile.objects.get(name="a.pdf")
    draft_file = SubmissionFile.objects.get(name="b.pdf")
    base = f"/milestones/{milestone.pk}/submission"
    return {
        # Downloads first: the forms after them may take the draft's file away.
        "draft file": ("get", f"{base}/files/{draft_file.pk}/", None),
        "submitted file": ("get", f"{base}/files/{submitted_file.pk}/", None),
        "upload": ("post", f"{base}/files/", {"files": [pdf("c.pdf")]}),
        "note": ("post", f"{base}/note/", {"draft-note": "ours"}),
        "remove": ("post", f"{base}/files/{draft_file.pk}/remove/", {}),
        "submit": ("post", f"{base}/submit/", {"version": 2}),
    }


def statuses(client, milestone):
    found = {}
    for name, (method, url, data) in urls(milestone).items():
        response = getattr(client, method)(url, data)
        if response.streaming:
            # Read, the test client closes the file (closing it here would close the test's
            # database connection too).
            b"".join(response.streaming_content)
        found[name] = response.status_code
    return found


def test_another_clusters_coordinator_finds_nothing(client, submitted, other_coordinator):
    client.force_login(other_coordinator)

    found = statuses(client, submitted)

    assert found == dict.fromkeys(found, 404)
    assert client.get(f"/milestones/{submitted.pk}/").status_code == 404
    assert list(SubmissionFile.objects.order_by("name").values_list("name", flat=True)) == [
        "a.pdf",
        "b.pdf",
    ]


def test_plain_member_edits_the_draft_but_does_not_submit(client, submitted, member):
    client.force_login(member)

    found = statuses(client, submitted)

    assert found == {
        "upload": 302,
        "note": 302,
        "remove": 302,
        "submit": 403,
        "draft file": 200,
        "submitted file": 200,
    }
    assert Submission.objects.count() == 1


def test_officer_sees_submitted_versions_not_the_draft(client, submitted, officer):
    client.force_login(officer)

    found = statuses(client, submitted)
    response = client.get(f"/milestones/{submitted.pk}/")

    assert found == {
        "upload": 403,
        "note": 403,
        "remove": 403,
        "submit": 403,
        "draft file": 404,
        "submitted file": 200,
    }
    assert texts(response, ".submission-files td:first-child") == ["a.pdf"]
    assert texts(response, ".draft-files") == []


def test_logged_out_goes_to_log_in(client, submitted):
    found = {
        name: getattr(client, method)(url, data)["Location"].split("?")[0]
        for name, (method, url, data) in urls(submitted).items()
    }

    assert found == dict.fromkeys(found, "/accounts/login/")


def test_someone_who_left_the_cluster_meanwhile_finds_nothing(client, submitted, coordinator):
    client.force_login(coordinator)
    page = client.get(f"/milestones/{submitted.pk}/")
    version = texts(page, ".draft-submit button")
    milestone_services.remove_membership(membership=Membership.objects.get(person=coordinator))

    found = statuses(client, submitted)

    assert version == ["Submit as version 2"]
    assert found == dict.fromkeys(found, 404)
    assert Submission.objects.count() == 1


def test_submit_service_refuses_a_person_who_left(submitted, coordinator):
    milestone_services.remove_membership(membership=Membership.objects.get(person=coordinator))

    with pytest.raises(services.NotAllowed):
        services.submit(milestone=submitted, by=coordinator, expected_number=2)


def test_get_of_a_form_url_is_not_allowed(client, submitted, member):
    client.force_login(member)
    base = f"/milestones/{submitted.pk}/submission"

    found = [client.get(f"{base}/{path}").status_code for path in ("files/", "note/", "submit/")]

    assert found == [405, 405, 405]
