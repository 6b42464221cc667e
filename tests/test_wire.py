"""The reminder's bytes on the wire: the same as Django's serialisation, whatever the text."""

import smtplib
import string

import pytest
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import sanitize_address
from hypothesis import assume, example, given
from hypothesis import strategies as st

from milestones.reminders import messages, wire

BOUNDARIES = ("===============1111111111111111111==", "===============2222222222222222222==")

# Text as names, titles and places come: any character, often with spaces, umlauts and dashes.
words = st.text(
    alphabet=st.sampled_from(list(string.printable) + list("äöüßÄÖÜ–—·€ 日本\u2028\x0b")),
    max_size=120,
)
anything = st.text(max_size=200)
ascii_address = st.from_regex(
    r"[a-z0-9._%+-]{1,20}@[a-z0-9-]{1,15}(\.[a-z]{2,6}){1,2}", fullmatch=True
)


def reminder_like(*, subject, to, body, html, calendar, filename="milestone-7.ics"):
    """A message of the shape build_message gives."""
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email="C4F Tracker <tracker@c4f.test>",
        to=[to],
        headers={
            "List-Unsubscribe": "<https://tracker.test/reminders/unsubscribe/eyJwZXJzb24iOjEsImVtYWlsIjoicCJ9:abc/>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
            "X-Auto-Response-Suppress": "All",
            "Message-ID": "<1.2.3@tracker.test>",
        },
    )
    message.attach_alternative(html, "text/html")
    message.attach(filename, calendar, "text/calendar")
    return message


def django_bytes(message, date_line):
    """What Django's SMTP backend would send, with the given boundaries and Date."""
    mime = message.message()
    mime.set_boundary(BOUNDARIES[0])
    mime.get_payload()[0].set_boundary(BOUNDARIES[1])
    mime.replace_header("Date", date_line)
    return mime.as_bytes(linesep="\r\n")


def date_of(data):
    line = next(line for line in data.split(b"\r\n") if line.startswith(b"Date: "))
    return line.removeprefix(b"Date: ").decode()


def assert_same_as_django(message):
    ours = wire.message_bytes(message, boundaries=BOUNDARIES)
    assert ours == django_bytes(message, date_of(ours))


@pytest.mark.parametrize(
    "subject",
    [
        "[SaxoCell] Strategy: due in 7 days",
        "[SaxoCell] Strategie für die zweite Umsetzungsphase: fällig in 7 Tagen",
        "[A cluster with a rather long name] A milestone whose title goes on and on: due tomorrow",
        "  two  spaces  and trailing ",
        "=?utf-8?q?looks_encoded?=",
    ],
)
def test_headers_are_what_django_sends(settings, subject):
    settings.EMAIL_USE_LOCALTIME = False
    message = reminder_like(
        subject=subject,
        to='"Müller, Jürgen" <jm@example.org>',
        body="Hello,\n\nSee you.\n",
        html="<p>Hello</p>\n",
        calendar="BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
    )
    assert_same_as_django(message)


@given(
    subject=words,
    name=words,
    address=ascii_address,
    body=anything,
    html=anything,
    calendar=anything,
)
@example(subject="x" * 300, name="", address="a@b.de", body="ä" * 600, html="\r\n", calendar="")
@example(subject="ok", name="ok", address="a@b.de", body="x" * 999, html="y", calendar="z")
def test_any_text_gives_the_bytes_django_gives(
    settings, subject, name, address, body, html, calendar
):
    settings.EMAIL_USE_LOCALTIME = False
    subject = " ".join(subject.split())  # as build_message makes it: no line breaks
    assume(body)
    assume("\n" not in name and "\r" not in name)
    to = messages._address(name, address)
    message = reminder_like(subject=subject, to=to, body=body, html=html, calendar=calendar)
    assert_same_as_django(message)


@given(name=words, address=ascii_address)
@example(name="Dr. Smith", address="a.b@c.de")
@example(name="Smith, J", address="a@b.de")
@example(name="", address="x@y.z")
def test_envelope_is_what_django_gives_smtp(name, address):
    for written in (messages._address(name, address), address, f"{name} <{address}>"):
        message = EmailMultiAlternatives(from_email=written, to=[written])
        try:
            expected = smtplib.quoteaddr(sanitize_address(written, "utf-8"))
        except (ValueError, AttributeError):
            # Django refuses it (or its parser trips over it, as over a name of "."): written
            # by formataddr, as build_message writes addresses, no name does that.
            continue
        sender, recipients = wire.envelope(message)
        assert smtplib.quoteaddr(sender) == expected
        assert [smtplib.quoteaddr(r) for r in recipients] == [expected]


def test_a_line_too_long_for_smtp_goes_through_django_in_quoted_printable(settings):
    message = reminder_like(
        subject="s", to="a@b.de", body="x" * 1200, html="<p>h</p>", calendar="BEGIN:VCALENDAR"
    )
    data = wire.message_bytes(message)
    assert b"Content-Transfer-Encoding: quoted-printable" in data
    assert max(len(line) for line in data.split(b"\r\n")) <= 998


def test_a_boundary_that_occurs_in_the_text_is_not_used(monkeypatch):
    numbers = iter([5, 6])
    monkeypatch.setattr(wire.secrets, "randbits", lambda bits: next(numbers))
    text = f"a body quoting ==============={5:019d}== in a line"
    assert wire.new_boundary(text) == f"==============={6:019d}=="


@given(
    st.one_of(
        ascii_address,
        st.builds(lambda name, address: f"{name} <{address}>", words, ascii_address),
        anything,
    )
)
@example("Dr. Max Member <max@saxocell.test>")
@example("O'Neil <o.neil@saxocell.test>")
def test_path_is_the_address_as_smtplib_quotes_it_for_mail_and_rcpt(address):
    assert wire.path(address) == smtplib.quoteaddr(address)
