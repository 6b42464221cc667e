"""What a submitted file must be: its name, size and type from its bytes (checks.py)."""

import hashlib
import io
import tracemalloc

import pytest
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from milestones.models import Milestone
from milestones.submissions.checks import (
    CONTENT_TYPES,
    MIB,
    CheckedFile,
    check_file,
    clean_name,
    max_file_bytes,
    parse_file_types,
)
from tests import samples

EVERY_TYPE = list(CONTENT_TYPES)


def checked(name, data, *, file_types=EVERY_TYPE, max_bytes=MIB):
    return check_file(SimpleUploadedFile(name, data), file_types=file_types, max_bytes=max_bytes)


def refusal(name, data, **limits):
    with pytest.raises(ValidationError) as raised:
        checked(name, data, **limits)
    return raised.value.messages[0]


@pytest.mark.parametrize("ending", EVERY_TYPE)
def test_every_accepted_type_is_recognised_from_its_bytes(ending):
    data = samples.EVERY_KIND[ending]

    result = checked(f"Report 2024.{ending.upper()}", data)

    assert result == CheckedFile(
        name=f"Report 2024.{ending.upper()}",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content_type=CONTENT_TYPES[ending],
    )


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("report.pdf", samples.ZIP, "report.pdf is not a PDF: its content is a ZIP archive."),
        (
            "report.docx",
            samples.XLSX,
            "report.docx is not a Word document (DOCX): its content is an Excel workbook (XLSX).",
        ),
        (
            "table.ods",
            samples.ODT,
            "table.ods is not an OpenDocument spreadsheet (ODS): its content is an OpenDocument text (ODT).",
        ),
        ("annex.zip", samples.PDF, "annex.zip is not a ZIP archive: its content is a PDF."),
        ("report.pdf", samples.TEXT, "report.pdf is not a PDF: its content is something else."),
        (
            "annex.zip",
            b"PK\x03\x04broken",
            "annex.zip is not a ZIP archive: its content is something else.",
        ),
    ],
)
def test_a_type_that_does_not_match_its_name_is_refused(name, data, message):
    assert refusal(name, data) == message


@pytest.mark.parametrize(
    ("name", "data", "what"),
    [
        ("report.pdf", samples.HTML, "an HTML page"),
        ("report.pdf", samples.SVG, "an SVG image"),
        ("data.xlsx", samples.XML, "an XML document"),
        ("annex.zip", samples.ELF, "a program"),
        ("report.pdf", samples.PE, "a program"),
        ("report.docx", samples.SCRIPT, "a program"),
    ],
)
def test_html_svg_xml_and_programs_are_refused_whatever_their_name(name, data, what):
    assert refusal(name, data) == (
        f"{name} is refused: its content is {what}, which is never accepted."
    )


@pytest.mark.parametrize("name", ["page.html", "logo.svg", "setup.exe", "run.sh", "report"])
def test_an_ending_the_item_does_not_accept_is_refused(name):
    assert refusal(name, samples.PDF, file_types=["pdf", "docx"]) == (
        f"{name}: only these file types are accepted: PDF, DOCX."
    )


def test_an_empty_file_is_refused():
    assert refusal("report.pdf", b"") == "report.pdf is empty."


def test_a_file_over_the_limit_is_refused_with_the_limit_in_mb():
    assert refusal("report.pdf", samples.PDF + b" " * MIB, max_bytes=MIB) == (
        "report.pdf is larger than 1 MB, the largest file accepted here."
    )


def test_a_file_exactly_at_the_limit_is_taken():
    data = samples.PDF + b" " * (MIB - len(samples.PDF))
    assert checked("report.pdf", data, max_bytes=MIB).size == MIB


def test_a_file_whose_size_was_not_known_is_counted_as_it_is_read():
    class Unsized(SimpleUploadedFile):
        size = None

    with pytest.raises(ValidationError, match="larger than 1 MB"):
        check_file(
            Unsized("report.pdf", samples.PDF + b" " * MIB), file_types=["pdf"], max_bytes=MIB
        )


def test_a_large_file_is_read_in_chunks_not_whole(tmp_path):
    path = tmp_path / "large.pdf"
    with path.open("wb") as out:
        out.write(samples.PDF)
        out.truncate(40 * MIB)
    tracemalloc.start()
    try:
        with path.open("rb") as handle:
            result = check_file(File(handle, "large.pdf"), file_types=["pdf"], max_bytes=50 * MIB)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert result.size == 40 * MIB
    assert result.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert peak < 2 * MIB


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("../../etc/passwd.pdf", "“../../etc/passwd.pdf”: a file name may not contain / or \\."),
        ("..\\report.pdf", "“..\\report.pdf”: a file name may not contain / or \\."),
        ("report..pdf", "“report..pdf”: a file name may not contain “..”."),
        (
            "report\x00.pdf",
            "“report\ufffd.pdf”: a file name may not contain control or text-direction characters.",
        ),
        (
            "report\n.pdf",
            "“report\ufffd.pdf”: a file name may not contain control or text-direction characters.",
        ),
        # "invoice_fdp.exe" shown right to left reads "invoice_exe.pdf".
        (
            "invoice_\u202efdp.exe",
            "“invoice_\ufffdfdp.exe”: a file name may not contain control or text-direction characters.",
        ),
        (
            "report\u2067.pdf",
            "“report\ufffd.pdf”: a file name may not contain control or text-direction characters.",
        ),
        (
            "report\u200f.pdf",
            "“report\ufffd.pdf”: a file name may not contain control or text-direction characters.",
        ),
        ("", "A file needs a name."),
        ("...", "A file needs a name."),
        (" . . ", "A file needs a name."),
    ],
)
def test_hostile_names_are_refused_and_shown_harmless(name, message):
    with pytest.raises(ValidationError) as raised:
        clean_name(name)
    assert raised.value.messages == [message]


def test_a_name_of_300_characters_is_refused_and_shown_short():
    # Django's UploadedFile cuts names to 255 characters; the upload handler sees them whole
    # (tests/test_submission_uploads.py), and so does check_file given any other File.
    name = "a" * 296 + ".pdf"
    with pytest.raises(ValidationError) as raised:
        check_file(File(io.BytesIO(samples.PDF), name), file_types=["pdf"], max_bytes=MIB)
    assert raised.value.messages == [
        "“" + "a" * 59 + "…”: a file name may have at most 255 characters."
    ]
    assert checked("a" * 251 + ".pdf", samples.PDF).name == "a" * 251 + ".pdf"


def test_names_are_normalised_to_nfc_and_trimmed():
    decomposed = "Bericht Zwischenstand Mu\u0308nchen.pdf"
    assert clean_name(f"  {decomposed} ") == "Bericht Zwischenstand München.pdf"
    assert clean_name("Отчёт 進捗報告.pdf") == "Отчёт 進捗報告.pdf"


def test_parse_file_types_lower_cases_and_checks_the_endings():
    assert parse_file_types("pdf, DOCX,.zip,,pdf") == ["pdf", "docx", "zip"]
    default = ["pdf", "docx", "xlsx", "odt", "ods", "pptx", "zip"]
    assert parse_file_types(",".join(default)) == default
    with pytest.raises(ValidationError) as raised:
        parse_file_types("pdf,exe")
    assert raised.value.messages == [
        "“exe” is not a file type that can be accepted; choose from "
        "pdf, docx, xlsx, pptx, odt, ods, zip."
    ]
    with pytest.raises(ValidationError, match="at least one"):
        parse_file_types(" , ")


def test_max_file_bytes_is_the_items_limit_capped_by_the_operator(settings):
    settings.SUBMISSIONS_MAX_FILE_MB = 200
    assert max_file_bytes(Milestone(max_file_mb=50)) == 50 * MIB
    settings.SUBMISSIONS_MAX_FILE_MB = 20
    assert max_file_bytes(Milestone(max_file_mb=50)) == 20 * MIB


def test_messages_are_in_german_too():
    with translation.override("de"):
        message = refusal("report.pdf", samples.ZIP)
    assert message == "report.pdf ist laut Name eine PDF-Datei, der Inhalt ist aber ein ZIP-Archiv."
