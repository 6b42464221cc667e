"""Many submitted files as one streamed ZIP (archive.py)."""

import datetime
import hashlib
import io
import tracemalloc
import zipfile

import pytest

from milestones.submissions.archive import stream_zip, zip_name
from milestones.submissions.checks import MIB
from tests import samples

UPLOADED = datetime.datetime(2024, 4, 2, 9, 48, 30, tzinfo=datetime.UTC)


def test_the_zip_holds_every_file_under_its_folder_byte_for_byte():
    files = {
        "SaxoCell/Strategy.pdf": samples.stored_file("Strategy.pdf", samples.PDF),
        "SaxoCell/Annex.zip": samples.stored_file("Annex.zip", samples.ZIP),
        "Nordlicht/Bericht München.docx": samples.stored_file("Bericht München.docx", samples.DOCX),
    }

    data = b"".join(stream_zip(files.items()))

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        assert archive.namelist() == list(files)
        for name, stored in files.items():
            assert hashlib.sha256(archive.read(name)).hexdigest() == stored.sha256
            assert archive.getinfo(name).compress_type == zipfile.ZIP_STORED


def test_entries_carry_the_upload_time_in_the_programmes_time_zone():
    stored = samples.stored_file("Strategy.pdf", samples.PDF, uploaded_at=UPLOADED)

    data = b"".join(stream_zip([("Strategy.pdf", stored)]))

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.getinfo("Strategy.pdf").date_time == (2024, 4, 2, 11, 48, 30)


def test_chunks_come_while_the_files_are_still_being_read():
    opened = []

    def entries():
        for number in range(3):
            opened.append(number)
            yield f"{number}.pdf", samples.stored_file(f"{number}.pdf", samples.PDF)

    stream = stream_zip(entries())
    first = next(stream)

    assert first.startswith(b"PK\x03\x04")
    assert opened == [0]
    b"".join(stream)
    assert opened == [0, 1, 2]


def test_an_empty_list_is_an_empty_zip():
    with zipfile.ZipFile(io.BytesIO(b"".join(stream_zip([])))) as archive:
        assert archive.namelist() == []


def test_memory_stays_flat_whatever_the_size(settings):
    big = samples.stored_file("big.pdf", samples.PDF + bytes(48 * MIB))
    total = 0
    tracemalloc.start()
    try:
        for chunk in stream_zip([("a/big.pdf", big), ("b/big.pdf", big)]):
            total += len(chunk)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert total > 2 * big.size
    assert peak < 5 * MIB


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("SaxoCell", "SaxoCell"),
        ("Bau/Stoff: Zukunft?", "Bau-Stoff- Zukunft-"),
        ("..\\..\\Windows", "-..-Windows"),
        ("..", "cluster"),
        ("  .hidden. ", "hidden"),
        ("Nord\u202eLicht\x00", "NordLicht"),
        ("Cluster\tfür\nMünchen", "Cluster für München"),
        ("x" * 300, "x" * 100),
        ("", "cluster"),
    ],
)
def test_zip_name_makes_a_safe_folder_name(name, expected):
    assert zip_name(name) == expected
