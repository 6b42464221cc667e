"""Small files of every kind the submission checks tell apart, made in memory."""

import hashlib
import io
import zipfile

from django.core.files.base import ContentFile

from milestones.models import SubmissionFile

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HTML = b"<!DOCTYPE html>\n<html><head><title>x</title></head><body><script>alert(1)</script>"
SVG = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(1)</script></svg>\n"
)
XML = b'<?xml version="1.0" encoding="UTF-8"?>\n<report><title>x</title></report>\n'
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200
PE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200
SCRIPT = b"#!/bin/sh\nrm -rf /\n"
TEXT = b"Just some plain text, nothing more.\n" * 10


def zip_of(members, *, first=None):
    """A ZIP archive of {name: bytes}; ``first`` (name, bytes) goes first, stored."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if first:
            archive.writestr(first[0], first[1], compress_type=zipfile.ZIP_STORED)
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


CONTENT_TYPES_XML = b'<?xml version="1.0"?><Types/>'
DOCX = zip_of({"[Content_Types].xml": CONTENT_TYPES_XML, "word/document.xml": b"<w:document/>"})
XLSX = zip_of({"[Content_Types].xml": CONTENT_TYPES_XML, "xl/workbook.xml": b"<workbook/>"})
PPTX = zip_of(
    {"[Content_Types].xml": CONTENT_TYPES_XML, "ppt/presentation.xml": b"<p:presentation/>"}
)
ODT = zip_of(
    {"content.xml": b"<office:document-content/>"},
    first=("mimetype", b"application/vnd.oasis.opendocument.text"),
)
ODS = zip_of(
    {"content.xml": b"<office:document-content/>"},
    first=("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
)
ZIP = zip_of({"annex/table.csv": b"a,b\n1,2\n", "annex/notes.txt": b"notes\n"})

EVERY_KIND = {
    "pdf": PDF,
    "docx": DOCX,
    "xlsx": XLSX,
    "pptx": PPTX,
    "odt": ODT,
    "ods": ODS,
    "zip": ZIP,
}


def stored_file(name, data, *, milestone_id=1, content_type="application/pdf", **fields):
    """An (unsaved) SubmissionFile whose bytes are in the submissions storage."""
    submission_file = SubmissionFile(
        milestone_id=milestone_id,
        name=name,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content_type=content_type,
        **fields,
    )
    submission_file.file.save(name, ContentFile(data), save=False)
    return submission_file
