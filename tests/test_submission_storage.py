"""Submitted files on S3-compatible object storage (SUBMISSIONS_STORAGE_URL), against a real
server on loopback (tests/s3_server.py), and the setting itself."""

import hashlib
import io
import tracemalloc
import urllib.error
import urllib.request
import zipfile

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile

from c4f_tracker.storage import s3_storage
from milestones.models import SubmissionFile
from milestones.submissions.archive import stream_zip
from milestones.submissions.checks import MIB
from milestones.submissions.serving import file_response
from milestones.submissions.storage import submission_storage
from tests import samples
from tests.s3_server import s3_server, skip_or_fail  # noqa: F401 (the fixture)


@pytest.fixture
def on_s3(settings, s3_server):  # noqa: F811
    settings.STORAGES = {**settings.STORAGES, "submissions": s3_server.storage_settings()}
    return s3_server


def test_the_setting_makes_a_private_s3_storage():
    storage = s3_storage(
        "s3://c4f-files?endpoint_url=http://objects:8333&region_name=eu-central-1",
        "key",
        "secret",
    )
    transfer = storage["OPTIONS"].pop("transfer_config")

    assert storage == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "c4f-files",
            "endpoint_url": "http://objects:8333",
            "region_name": "eu-central-1",
            "access_key": "key",
            "secret_key": "secret",
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            "max_memory_size": MIB,
        },
    }
    assert transfer.use_threads is False


@pytest.mark.parametrize(
    "url", ["https://objects/c4f-files", "s3://?endpoint_url=x", "s3://files?acl=public-read"]
)
def test_a_wrong_storage_url_stops_the_app_with_a_message(url):
    with pytest.raises(ImproperlyConfigured, match="SUBMISSIONS_STORAGE_URL"):
        s3_storage(url, None, None)


def test_a_file_is_saved_opened_and_streamed_back_unchanged(on_s3):
    # Over 8 MB: boto3 sends it in parts.
    data = samples.PDF + bytes(range(256)) * (9 * MIB // 256)
    stored = samples.stored_file("Strategy.pdf", data)

    storage = submission_storage()
    assert storage.__class__.__name__ == "S3Storage"
    assert storage.exists(stored.file.name)
    assert storage.size(stored.file.name) == len(data)
    with storage.open(stored.file.name, "rb") as handle:
        digest = hashlib.sha256()
        while chunk := handle.read(MIB):
            digest.update(chunk)
    assert digest.hexdigest() == stored.sha256


def test_objects_are_private_and_have_no_public_url(on_s3):
    stored = samples.stored_file("Strategy.pdf", samples.PDF)
    plain = f"{on_s3.endpoint_url}/{on_s3.bucket}/{stored.file.name}"

    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(plain, timeout=10)  # noqa: S310 (loopback)

    refused.value.close()
    assert refused.value.code == 403


def test_file_response_streams_from_s3(on_s3, db):
    stored = samples.stored_file("Bericht München.pdf", samples.PDF)

    response = file_response(stored)
    body = b"".join(response.streaming_content)
    response.close()

    assert body == samples.PDF
    assert response["Content-Length"] == str(len(samples.PDF))
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")


def test_a_large_file_from_s3_goes_out_without_being_held_in_memory(on_s3, db, settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    data = samples.PDF + bytes(30 * MIB)
    stored = samples.stored_file("Strategy.pdf", data)
    digest = hashlib.sha256()
    tracemalloc.start()
    try:
        response = file_response(stored)
        for chunk in response.streaming_content:
            digest.update(chunk)
        response.close()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert digest.hexdigest() == stored.sha256
    assert peak < 8 * MIB


def test_stream_zip_reads_from_s3(on_s3):
    files = {
        "SaxoCell/Strategy.pdf": samples.stored_file("Strategy.pdf", samples.PDF),
        "Nordlicht/Annex.zip": samples.stored_file("Annex.zip", samples.ZIP),
    }

    data = b"".join(stream_zip(files.items()))

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert {name: archive.read(name) for name in archive.namelist()} == {
            "SaxoCell/Strategy.pdf": samples.PDF,
            "Nordlicht/Annex.zip": samples.ZIP,
        }


def test_a_draft_file_deleted_is_gone_from_the_bucket(on_s3, make_milestone):
    milestone = make_milestone()
    draft_file = SubmissionFile(
        milestone=milestone,
        name="Strategy.pdf",
        size=len(samples.PDF),
        sha256=hashlib.sha256(samples.PDF).hexdigest(),
        content_type="application/pdf",
    )
    draft_file.file.save("Strategy.pdf", ContentFile(samples.PDF))
    key = draft_file.file.name
    assert key.startswith(f"milestone-{milestone.pk}/")
    assert on_s3.client().head_object(Bucket=on_s3.bucket, Key=key)["ContentLength"] == len(
        samples.PDF
    )

    draft_file.file.delete(save=False)
    draft_file.delete()

    assert not submission_storage().exists(key)
    assert not SubmissionFile.objects.exists()


def test_where_the_server_cannot_start_ci_fails_instead_of_skipping(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="needed under CI=true: no weed"):
        skip_or_fail("no weed")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="no weed"):
        skip_or_fail("no weed")
