"""An upload too large is stopped before its body is read whole, and a cut-off one leaves
nothing behind (uploads.py)."""

import io
import json
import os

import pytest
from django.conf import settings
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.core.handlers.wsgi import WSGIRequest
from django.http import JsonResponse
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from milestones.submissions.checks import MIB
from milestones.submissions.uploads import limit_uploads, request_limit, upload_problems
from tests import samples

MAX_FILES = 3
TOKEN = "a" * 32


@csrf_exempt
def upload(request):
    limit_uploads(request, max_bytes=MIB, max_files=MAX_FILES)
    return _upload(request)


@csrf_protect
def _upload(request):
    problems = upload_problems(request)
    files = request.FILES.getlist("files")
    return JsonResponse(
        {
            "files": {uploaded.name: uploaded.size for uploaded in files},
            "on disk": all(isinstance(uploaded, TemporaryUploadedFile) for uploaded in files),
            "temporary files": len(os.listdir(settings.FILE_UPLOAD_TEMP_DIR)),
            "problems": problems,
            "note": request.POST.get("note"),
        }
    )


urlpatterns = [path("upload/", upload), path("", include("c4f_tracker.urls"))]


@pytest.fixture
def temporary_folder(settings, tmp_path):
    folder = tmp_path / "uploads"
    folder.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(folder)
    return folder


class ReadCounter(io.BytesIO):
    """A request body that counts what was read of it."""

    def read(self, size=-1):
        data = super().read(size)
        self.bytes_read = getattr(self, "bytes_read", 0) + len(data)
        return data


def post(fields, folder, *, cut_at=None, content_length=None):
    """The upload view's answer to a multipart body of ``fields`` (a real WSGIRequest),
    its body cut after ``cut_at`` bytes when given; and the body."""
    body = encode_multipart(BOUNDARY, {"csrfmiddlewaretoken": TOKEN, **fields})
    stream = ReadCounter(body[:cut_at])
    request = WSGIRequest(
        {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/upload/",
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "wsgi.url_scheme": "http",
            "wsgi.input": stream,
            "CONTENT_TYPE": MULTIPART_CONTENT,
            "CONTENT_LENGTH": str(content_length or len(body)),
            "HTTP_COOKIE": f"csrftoken={TOKEN}",
        }
    )
    response = upload(request)
    request.close()
    assert response.status_code == 200, response.content
    return json.loads(response.content), stream, body


def pdf(name, size=None):
    """A file to send, its name whole (an UploadedFile would cut it to 255 characters)."""
    sent = io.BytesIO(samples.PDF + b" " * ((size or len(samples.PDF)) - len(samples.PDF)))
    sent.name = name
    return sent


def test_files_within_the_limits_go_to_temporary_files_on_disk(temporary_folder):
    answer, _stream, _body = post(
        {"note": "Hi", "files": [pdf("a.pdf"), pdf("b.pdf", MIB)]}, temporary_folder
    )

    assert answer == {
        "files": {"a.pdf": len(samples.PDF), "b.pdf": MIB},
        "on disk": True,
        "temporary files": 2,
        "problems": {},
        "note": "Hi",
    }
    assert os.listdir(temporary_folder) == []


def test_a_file_over_the_limit_is_dropped_as_soon_as_it_passes_it_and_the_others_stay(
    temporary_folder,
):
    files = [pdf("small.pdf"), pdf("large.pdf", MIB + 1), pdf("after.pdf")]

    answer, _stream, _body = post({"files": files, "note": "after the files"}, temporary_folder)

    assert answer["files"] == {"small.pdf": len(samples.PDF), "after.pdf": len(samples.PDF)}
    assert answer["problems"] == {
        "large.pdf": "large.pdf is larger than 1 MB, the largest file accepted here."
    }
    assert answer["temporary files"] == 2
    assert answer["note"] == "after the files"
    assert os.listdir(temporary_folder) == []


def test_more_files_than_allowed_are_refused_by_name(temporary_folder):
    files = [pdf(f"{number}.pdf") for number in range(1, MAX_FILES + 2)]

    answer, _stream, _body = post({"files": files}, temporary_folder)

    assert list(answer["files"]) == ["1.pdf", "2.pdf", "3.pdf"]
    assert answer["problems"] == {
        "4.pdf": "4.pdf was not taken: at most 3 files can be sent at once."
    }


def test_a_request_over_the_limit_is_refused_before_any_file_is_read(temporary_folder):
    limit = request_limit(max_bytes=MIB, max_files=MAX_FILES)
    huge = pdf("huge.pdf", limit)

    answer, stream, body = post({"note": "before", "files": [huge]}, temporary_folder)

    assert answer["files"] == {}
    assert answer["note"] == "before"
    assert answer["problems"] == {
        "": "The upload is larger than 5 MB in all, so none of its files were taken. "
        "Send at most 3 files of at most 1 MB each."
    }
    # The fields before the file and the file's own headers, nothing of its bytes.
    assert stream.bytes_read < 200 * 1024 < len(body)
    assert os.listdir(temporary_folder) == []


@pytest.mark.urls("tests.test_submission_uploads")
def test_the_csrf_token_is_still_checked(temporary_folder):
    client = Client(enforce_csrf_checks=True)
    refused = client.post("/upload/", {"files": [pdf("a.pdf")]})
    client.cookies["csrftoken"] = TOKEN
    taken = client.post("/upload/", {"files": [pdf("a.pdf")], "csrfmiddlewaretoken": TOKEN})

    assert refused.status_code == 403
    assert taken.json()["files"] == {"a.pdf": len(samples.PDF)}


@pytest.mark.parametrize("fraction", [0.3, 0.5, 0.9])
def test_an_upload_cut_off_half_way_leaves_no_file_and_no_temporary_file(
    temporary_folder, fraction
):
    whole = encode_multipart(
        BOUNDARY, {"csrfmiddlewaretoken": TOKEN, "files": [pdf("cut.pdf", MIB)]}
    )

    answer, _stream, _body = post(
        {"files": [pdf("cut.pdf", MIB)]},
        temporary_folder,
        cut_at=int(len(whole) * fraction),
        content_length=len(whole),
    )

    assert answer["files"] == {}
    assert answer["temporary files"] == 0
    assert answer["problems"] == {
        "cut.pdf": "The upload of cut.pdf was cut off before it ended; it was not kept. "
        "Please send it again."
    }
    assert os.listdir(temporary_folder) == []


def test_hostile_names_are_refused_by_the_handler_before_django_cuts_them(temporary_folder):
    long_name = "a" * 296 + ".pdf"
    files = [pdf(long_name), pdf("report..pdf"), pdf("fine.pdf")]

    answer, _stream, _body = post({"files": files}, temporary_folder)

    assert answer["files"] == {"fine.pdf": len(samples.PDF)}
    assert answer["problems"] == {
        long_name: "“" + "a" * 59 + "…”: a file name may have at most 255 characters.",
        "report..pdf": "“report..pdf”: a file name may not contain “..”.",
    }
    assert os.listdir(temporary_folder) == []


def test_django_drops_paths_and_direction_overrides_from_uploaded_names(temporary_folder):
    files = [pdf("../../etc/report.pdf"), pdf("invoice_\u202efdp.exe")]

    answer, _stream, _body = post({"files": files}, temporary_folder)

    # What is left is checked like any other name (the ending .exe is then refused).
    assert answer["files"] == {"report.pdf": len(samples.PDF), "invoice_fdp.exe": len(samples.PDF)}
