"""A submitted file goes out as an attachment with its own name, its checked type and headers
that keep a browser from running it (serving.py)."""

import hashlib
import urllib.parse

import pytest
from django.http import Http404
from django.urls import path

from milestones.submissions.serving import file_response
from tests import samples

SERVED = {}

# Closing a response sends request_finished, on which Django closes stale database connections.
pytestmark = pytest.mark.django_db


def download(request, key):
    if key not in SERVED:
        raise Http404
    return file_response(SERVED[key])


urlpatterns = [path("files/<str:key>/", download)]


@pytest.fixture
def served():
    yield SERVED
    SERVED.clear()


def body(response):
    return b"".join(response.streaming_content)


def test_a_file_is_streamed_back_as_an_attachment_with_its_type():
    stored = samples.stored_file("Strategy 2024.pdf", samples.PDF)

    response = file_response(stored)

    assert response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="Strategy 2024.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(samples.PDF))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("default-src 'none'")
    assert hashlib.sha256(body(response)).hexdigest() == stored.sha256
    response.close()


def test_a_name_that_is_not_ascii_is_sent_as_rfc_5987():
    stored = samples.stored_file(
        "Bericht München – Zwischenstand.docx",
        samples.DOCX,
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )

    response = file_response(stored)
    response.close()
    disposition = response["Content-Disposition"]

    assert disposition.startswith("attachment; filename*=utf-8''")
    encoded = disposition.removeprefix("attachment; filename*=utf-8''")
    assert urllib.parse.unquote(encoded) == "Bericht München – Zwischenstand.docx"


def test_a_name_with_quotes_stays_one_header_value():
    stored = samples.stored_file('The "final" report.pdf', samples.PDF)

    response = file_response(stored)
    response.close()
    disposition = response["Content-Disposition"]

    assert disposition == 'attachment; filename="The \\"final\\" report.pdf"'


@pytest.mark.urls("tests.test_submission_serving")
def test_through_the_middleware_the_headers_stay(client, served):
    served["a"] = samples.stored_file("report.pdf", samples.PDF)

    response = client.get("/files/a/")

    assert response.status_code == 200
    assert response["Content-Security-Policy"].startswith("default-src 'none'")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == samples.PDF
    response.close()


def test_files_are_kept_in_the_tests_own_folder(settings, tmp_path):
    stored = samples.stored_file("report.pdf", samples.PDF)

    assert (tmp_path / "submissions" / stored.file.name).read_bytes() == samples.PDF
