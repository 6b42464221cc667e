"""A reminder email as the bytes that go over SMTP, the same bytes Django would send.

Django turns an email into bytes through the email package, which folds each of a reminder's
two dozen headers with its Header class and scans every part for its boundary: about 0.7 ms
an email, about as long as the SMTP exchange itself. Reminder emails have one shape (a text
body, its HTML alternative, .ics files), so here the headers of the parts, which never vary,
are folded once, and the headers that vary (subject, addresses, unsubscribe link) still go
through the email package's own sanitising and folding. Whatever does not fit that shape, or
needs an encoding other than 7bit or 8bit (a line longer than SMTP allows), goes through
Django as before. tests/test_wire.py checks that both give the same bytes.
"""

import re
import secrets
import smtplib
from email import policy
from email.utils import formatdate

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import (
    RFC5322_EMAIL_LINE_LENGTH_LIMIT,
    forbid_multi_line_headers,
    sanitize_address,
)

CRLF = "\r\n"
# How the email package ends lines in a body: any of CRLF, CR and LF becomes CRLF.
LINE_BREAKS = re.compile(r"\r\n|\r|\n")
# Django serialises with the compat32 policy and CRLF line ends.
POLICY = policy.compat32.clone(linesep=CRLF)
ENCODING = "utf-8"
# Headers that Django sets from the message's own fields, never from its extra headers.
OWN_HEADERS = {"from", "to", "cc", "reply-to"}


# A header value that sanitising and folding leave as it is: printable ASCII words separated
# by single spaces, on a line no longer than folding allows.
PLAIN_VALUE = re.compile(r"[!-~]+(?: [!-~]+)*")
LINE_LIMIT = 78


def _unfolded(name, value):
    """The header line as it is when folding would leave it so, else None."""
    if len(name) + 2 + len(value) <= LINE_LIMIT and PLAIN_VALUE.fullmatch(value):
        return f"{name}: {value}\r\n".encode("ascii")
    return None


def _fold(name, value):
    """One header line as Django writes it: sanitised (encoded words), then folded."""
    value = str(value)
    line = _unfolded(name, value)
    if line is None:
        name, value = forbid_multi_line_headers(name, value, ENCODING)
        line = POLICY.fold_binary(name, value)
    return line


BOUNDARY_LENGTH = 36
# A multipart's Content-Type line, folded once per subtype around a stand-in boundary: folding
# depends on the lengths alone, as a boundary has no space or other place to fold at.
_content_types = {}
STAND_IN = "#" * BOUNDARY_LENGTH


def _content_type(subtype, boundary):
    def fold(boundary):
        return POLICY.fold_binary("Content-Type", f'multipart/{subtype}; boundary="{boundary}"')

    if len(boundary) != BOUNDARY_LENGTH:
        return fold(boundary)
    line = _content_types.get(subtype)
    if line is None:
        line = _content_types[subtype] = fold(STAND_IN)
    return line.replace(STAND_IN.encode("ascii"), boundary.encode("ascii"))


def _text_part_head(subtype, transfer_encoding, filename=None):
    headers = [
        ("Content-Type", f'text/{subtype}; charset="{ENCODING}"'),
        ("MIME-Version", "1.0"),
        ("Content-Transfer-Encoding", transfer_encoding),
    ]
    if filename is not None:
        headers.append(("Content-Disposition", f'attachment; filename="{filename}"'))
    return (
        b"".join(
            _unfolded(name, value) or POLICY.fold_binary(name, value) for name, value in headers
        )
        + b"\r\n"
    )


# The head of every text part, by subtype, transfer encoding and (attachments) file name;
# forgotten when it has grown to HEADS_KEPT entries (a long-running worker sees many files).
_heads = {}
HEADS_KEPT = 1000


def _text_part(subtype, text, filename=None):
    """A text part (head and body) in 7bit or 8bit, or None when it would need another."""
    if isinstance(text, bytes):
        text = text.decode(ENCODING)
    lines = text.splitlines()
    # A character is at most 4 bytes: only a line of more than a quarter of the limit in
    # characters can be too long in bytes.
    if max(map(len, lines), default=0) * 4 > RFC5322_EMAIL_LINE_LENGTH_LIMIT and any(
        len(line.encode(ENCODING, "surrogateescape")) > RFC5322_EMAIL_LINE_LENGTH_LIMIT
        for line in lines
    ):
        return None  # Django encodes it quoted-printable.
    transfer_encoding = "7bit" if text.isascii() else "8bit"
    key = (subtype, transfer_encoding, filename)
    head = _heads.get(key)
    if head is None:
        if len(_heads) >= HEADS_KEPT:
            _heads.clear()
        head = _heads[key] = _text_part_head(subtype, transfer_encoding, filename)
    return head + LINE_BREAKS.sub(CRLF, text).encode(ENCODING)


def _fits(message):
    """Whether the message has the reminder's shape; anything else goes through Django."""
    return (
        type(message) is EmailMultiAlternatives
        and message.content_subtype == "plain"
        and message.mixed_subtype == "mixed"
        and message.alternative_subtype == "alternative"
        and message.encoding in (None, ENCODING)
        and settings.DEFAULT_CHARSET.lower() == ENCODING
        and len(message.alternatives) == 1
        and message.alternatives[0][1] == "text/html"
        and message.attachments
        and all(
            isinstance(attachment, tuple)
            and attachment[0]
            and attachment[0].isascii()
            and '"' not in attachment[0]
            and "\\" not in attachment[0]
            and attachment[2] == "text/calendar"
            for attachment in message.attachments
        )
        and message.body
        and message.to
        and not message.cc
        and not message.reply_to
        and not any(name.lower() in OWN_HEADERS for name in message.extra_headers)
    )


def new_boundary(*texts):
    """A boundary line that none of the texts contains."""
    while True:
        boundary = f"{'=' * 15}{secrets.randbits(63):019d}=="
        if not any(boundary in text for text in texts):
            return boundary


def _multipart(subtype, head, parts, boundary):
    """A multipart entity laid out as the email package lays it out."""
    delimiter = f"--{boundary}".encode("ascii")
    chunks = [_content_type(subtype, boundary), b"MIME-Version: 1.0\r\n", head, b"\r\n"]
    for number, part in enumerate(parts):
        chunks += [b"\r\n" if number else b"", delimiter, b"\r\n", part]
    chunks += [b"\r\n", delimiter, b"--\r\n"]
    return b"".join(chunks)


def message_bytes(message, *, boundaries=None):
    """The bytes to send for an EmailMultiAlternatives built by ``build_message``.

    The same bytes as ``message.message().as_bytes(linesep="\\r\\n")``, but for the Date
    (when the message has none of its own) and the boundaries, which are chosen afresh.
    ``boundaries``: the outer and inner boundary to use instead (tests).
    """
    parts = None
    if _fits(message):
        html = message.alternatives[0][0]
        files = [(name, content) for name, content, _type in message.attachments]
        parts = [
            _text_part("plain", message.body),
            _text_part("html", html),
            *(_text_part("calendar", content, name) for name, content in files),
        ]
    if parts is None or None in parts:
        return _through_django(message, boundaries)
    if boundaries is None:
        texts = [message.body, html, *(content for _name, content in files)]
        texts = [text.decode(ENCODING) if isinstance(text, bytes) else text for text in texts]
        outer = new_boundary(*texts)
        boundaries = outer, new_boundary(outer, *texts)
    outer, inner = boundaries
    headers = [
        _fold("Subject", message.subject),
        _fold("From", message.from_email),
        _fold("To", ", ".join(str(address) for address in message.to)),
    ]
    names = {name.lower() for name in message.extra_headers}
    if "date" not in names:
        headers.append(_fold("Date", formatdate(localtime=settings.EMAIL_USE_LOCALTIME)))
    if "message-id" not in names:
        return _through_django(message, boundaries)  # Ours always carries one.
    headers += [_fold(name, value) for name, value in message.extra_headers.items()]
    alternative = _multipart("alternative", b"", parts[:2], inner)
    return _multipart("mixed", b"".join(headers), [alternative, *parts[2:]], outer)


# "Name <address>" or "address", where the address needs neither encoding nor punycode and
# the name, which SMTP's MAIL and RCPT leave out, no quoting.
ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
MAILBOX = rf"{ATEXT}(?:\.{ATEXT})*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
PLAIN_MAILBOX = re.compile(rf"[^\x00-\x1f\x7f<>\\\",;:@()\[\]]*<({MAILBOX})>|({MAILBOX})")


def path(address):
    """The address as MAIL and RCPT carry it: ``smtplib.quoteaddr(address)``, without
    parsing an address of the plain kind."""
    plain = PLAIN_MAILBOX.fullmatch(address)
    if plain is None:
        return smtplib.quoteaddr(address)
    return f"<{plain[1] or plain[2]}>"


def _envelope_address(address, encoding):
    """An address as smtplib takes it for MAIL and RCPT, where it keeps the mailbox alone."""
    if PLAIN_MAILBOX.fullmatch(address):
        return address
    return sanitize_address(address, encoding)


def _through_django(message, boundaries):
    mime = message.message()
    if boundaries is not None and mime.is_multipart():
        mime.set_boundary(boundaries[0])
        if mime.get_payload()[0].is_multipart():
            mime.get_payload()[0].set_boundary(boundaries[1])
    return mime.as_bytes(linesep=CRLF)


def envelope(message):
    """The sender and recipients for SMTP: what Django's SMTP backend sends in MAIL and RCPT."""
    encoding = message.encoding or settings.DEFAULT_CHARSET
    return (
        _envelope_address(message.from_email, encoding),
        [_envelope_address(address, encoding) for address in message.recipients()],
    )
