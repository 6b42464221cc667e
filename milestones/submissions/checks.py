"""What a submitted file must be: a clean name, not empty, not too large, and of a type that its
bytes (not its name) show to be one the plan item accepts.

``check_file`` reads an uploaded file once, in chunks (never whole into memory), for its size
and SHA-256; its type comes from its first bytes (libmagic, through python-magic) and, for the
ZIP containers that office documents are, from the names of their members (``zipfile`` reads
only the archive's directory). HTML, SVG, XML and programs are refused whatever their name: a
browser could run them, and a download of them could be mistaken for a document.
"""

import hashlib
import unicodedata
import zipfile
from typing import NamedTuple

import magic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MIB = 1024 * 1024
# Bytes libmagic is shown: enough for every signature it needs for the types below.
HEAD_BYTES = 8192

# The types a plan item may accept, by the ending of a file's name: their content type (which
# downloads carry) and their name for people.
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "zip": "application/zip",
}
TYPE_NAMES = {
    "pdf": gettext_lazy("a PDF"),
    "docx": gettext_lazy("a Word document (DOCX)"),
    "xlsx": gettext_lazy("an Excel workbook (XLSX)"),
    "pptx": gettext_lazy("a PowerPoint presentation (PPTX)"),
    "odt": gettext_lazy("an OpenDocument text (ODT)"),
    "ods": gettext_lazy("an OpenDocument spreadsheet (ODS)"),
    "zip": gettext_lazy("a ZIP archive"),
}
# Content that is refused whatever the name says.
REFUSED_NAMES = {
    "html": gettext_lazy("an HTML page"),
    "svg": gettext_lazy("an SVG image"),
    "xml": gettext_lazy("an XML document"),
    "program": gettext_lazy("a program"),
}
REFUSED_MIME_TYPES = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "image/svg+xml": "svg",
    "text/xml": "xml",
    "application/xml": "xml",
    "application/x-executable": "program",
    "application/x-pie-executable": "program",
    "application/x-sharedlib": "program",
    "application/x-dosexec": "program",
    "application/x-mach-binary": "program",
    "application/x-msdownload": "program",
    "application/java-archive": "program",
    "application/x-java-applet": "program",
}
# First bytes of programs, checked before libmagic: ELF, PE ("MZ"), Mach-O (32/64 bit, both
# byte orders, universal), Java classes, and scripts ("#!").
PROGRAM_SIGNATURES = (
    b"\x7fELF",
    b"MZ",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"#!",
)
# Members that tell the office formats apart inside a ZIP archive.
OFFICE_MEMBERS = {
    "word/document.xml": "docx",
    "xl/workbook.xml": "xlsx",
    "ppt/presentation.xml": "pptx",
}
OPENDOCUMENT_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
}
# Characters that make a name read differently from what it is: direction overrides and
# embeddings (U+202A-U+202E), isolates (U+2066-U+2069), the direction marks.
BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)
LONGEST_NAME = 255


class CheckedFile(NamedTuple):
    name: str
    size: int
    sha256: str
    content_type: str


def parse_file_types(text):
    """The endings of a plan item's ``file_types`` ("pdf, DOCX,.zip"): lower case, known, each
    once, in their order. Raises ValidationError for an unknown one or none (a form validator)."""
    endings = []
    for part in str(text).split(","):
        ending = part.strip().lower().lstrip(".")
        if not ending or ending in endings:
            continue
        if ending not in CONTENT_TYPES:
            raise ValidationError(
                _("“%(ending)s” is not a file type that can be accepted; choose from %(known)s.")
                % {"ending": ending, "known": ", ".join(CONTENT_TYPES)},
                code="unknown_file_type",
            )
        endings.append(ending)
    if not endings:
        raise ValidationError(_("Name at least one file type."), code="no_file_type")
    return endings


def max_file_bytes(item):
    """The largest file a plan item or milestone accepts, in bytes: its own limit, capped by
    the operator's ``SUBMISSIONS_MAX_FILE_MB``."""
    return min(item.max_file_mb, settings.SUBMISSIONS_MAX_FILE_MB) * MIB


def shown_name(name, longest=60):
    """A name as it may be shown in a message: controls replaced, long ones shortened."""
    shown = "".join(
        "\ufffd" if char in BIDI_CONTROLS or unicodedata.category(char) == "Cc" else char
        for char in str(name)
    )
    return shown if len(shown) <= longest else shown[: longest - 1] + "…"


def clean_name(name):
    """The file's own name in NFC, or ValidationError saying what is wrong with it."""
    name = unicodedata.normalize("NFC", str(name)).strip()
    shown = shown_name(name)
    if not name.strip(". "):
        raise ValidationError(_("A file needs a name."), code="no_name")
    if "/" in name or "\\" in name:
        problem = _("“%(name)s”: a file name may not contain / or \\.")
    elif ".." in name:
        problem = _("“%(name)s”: a file name may not contain “..”.")
    elif any(char in BIDI_CONTROLS or unicodedata.category(char) == "Cc" for char in name):
        problem = _("“%(name)s”: a file name may not contain control or text-direction characters.")
    elif len(name) > LONGEST_NAME:
        problem = _("“%(name)s”: a file name may have at most 255 characters.")
    else:
        return name
    raise ValidationError(problem % {"name": shown}, code="bad_name")


def ending_of(name):
    return name.rsplit(".", 1)[1].lower() if "." in name else ""


def check_file(uploaded_file, *, file_types, max_bytes):
    """Reads ``uploaded_file`` (a Django UploadedFile or File) once and returns its CheckedFile,
    or raises ValidationError with a message naming the file."""
    name = clean_name(uploaded_file.name)
    ending = ending_of(name)
    if ending not in file_types or ending not in CONTENT_TYPES:
        raise ValidationError(
            _("%(name)s: only these file types are accepted: %(types)s.")
            % {"name": shown_name(name), "types": ", ".join(t.upper() for t in file_types)},
            code="file_type",
        )
    size, sha256, head = _read(uploaded_file, name, max_bytes)
    kind = content_kind(head, uploaded_file)
    if kind in REFUSED_NAMES:
        raise ValidationError(
            _("%(name)s is refused: its content is %(kind)s, which is never accepted.")
            % {"name": shown_name(name), "kind": REFUSED_NAMES[kind]},
            code="refused_content",
        )
    if kind != ending:
        found = TYPE_NAMES[kind] if kind in TYPE_NAMES else _("something else")
        raise ValidationError(
            _("%(name)s is not %(expected)s: its content is %(found)s.")
            % {"name": shown_name(name), "expected": TYPE_NAMES[ending], "found": found},
            code="content_mismatch",
        )
    return CheckedFile(name=name, size=size, sha256=sha256, content_type=CONTENT_TYPES[ending])


def too_large_message(name, max_bytes):
    return _("%(name)s is larger than %(limit)s MB, the largest file accepted here.") % {
        "name": shown_name(name),
        "limit": max_bytes // MIB,
    }


def _read(uploaded_file, name, max_bytes):
    """Size, SHA-256 and first bytes, read in chunks; refuses an empty or too large file."""
    if uploaded_file.size is not None and uploaded_file.size > max_bytes:
        raise ValidationError(too_large_message(name, max_bytes), code="too_large")
    digest = hashlib.sha256()
    size = 0
    head = b""
    for chunk in uploaded_file.chunks():
        size += len(chunk)
        if size > max_bytes:
            raise ValidationError(too_large_message(name, max_bytes), code="too_large")
        if len(head) < HEAD_BYTES:
            head += chunk[: HEAD_BYTES - len(head)]
        digest.update(chunk)
    if size == 0:
        raise ValidationError(_("%(name)s is empty.") % {"name": shown_name(name)}, code="empty")
    return size, digest.hexdigest(), head


def content_kind(head, fileobj):
    """What the bytes are: an ending of CONTENT_TYPES, a key of REFUSED_NAMES, or None."""
    if head.startswith(PROGRAM_SIGNATURES):
        return "program"
    mime = magic.from_buffer(head, mime=True)
    if mime in REFUSED_MIME_TYPES:
        return REFUSED_MIME_TYPES[mime]
    if mime.startswith("text/x-") and "script" in mime:
        return "program"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return zip_kind(fileobj)
    return None


def zip_kind(fileobj):
    """docx, xlsx, pptx, odt, ods or zip by the archive's members; None when it is no ZIP."""
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    declared = member.read(100).strip()
                if declared in OPENDOCUMENT_MIMETYPES:
                    return OPENDOCUMENT_MIMETYPES[declared]
            for member, kind in OFFICE_MEMBERS.items():
                if member in names:
                    return kind
            return "zip"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError):
        return None
    finally:
        fileobj.seek(0)
