"""An email's SMTP transaction in steps, against a real SMTP server on loopback."""

import smtplib

import pytest

from milestones.reminders.exchange import Exchange
from tests.smtp_server import LoopbackSMTPServer

SENDER = "C4F Tracker <tracker@c4f.test>"
MESSAGE = (
    b"Subject: Strategy\r\nTo: max@saxocell.test\r\n\r\n"
    b"First line\r\n.A line that starts with a period\r\n..and with two\r\n.\r\nLast line"
)


@pytest.fixture
def server():
    server = LoopbackSMTPServer()
    yield server
    server.stop()


@pytest.fixture
def connection(server):
    with smtplib.SMTP("127.0.0.1", server.port, timeout=5) as connection:
        yield connection


def test_exchange_delivers_exactly_what_sendmail_delivers(server, connection):
    recipients = ["Max Member <max@saxocell.test>", "carla@saxocell.test"]

    connection.sendmail(SENDER, recipients, MESSAGE)
    refused = Exchange(connection, SENDER, recipients, MESSAGE).send()

    by_sendmail, by_exchange = server.handler.envelopes
    assert refused == {}
    assert (
        by_exchange
        == by_sendmail
        == (
            "tracker@c4f.test",
            [f"SIZE={len(MESSAGE)}"],
            ["max@saxocell.test", "carla@saxocell.test"],
            MESSAGE + b"\r\n",
        )
    )


def test_exchange_does_a_piece_of_work_at_each_command_and_the_rest_before_the_reply(
    server, connection
):
    done = []
    pieces = (done.append(number) for number in range(5))
    exchange = Exchange(connection, SENDER, ["max@saxocell.test"], MESSAGE)

    exchange.begin()
    done.append("begun")
    exchange.send(meanwhile=pieces)

    assert (done, len(server.handler.received)) == (["begun", 0, 1, 2, 3, 4], 1)


def test_exchange_begun_and_abandoned_sends_nothing_and_leaves_the_connection_ready(
    server, connection
):
    abandoned = Exchange(connection, SENDER, ["max@saxocell.test"], b"Subject: Not this\r\n\r\nx")

    abandoned.begin()
    abandoned.abandon()
    Exchange(connection, SENDER, ["max@saxocell.test"], b"Subject: This\r\n\r\ny").send()

    assert server.handler.received == [b"Subject: This\r\n\r\ny\r\n"]


def test_exchange_advanced_has_its_recipient_named_before_the_callers_work(server, connection):
    seen = []
    exchange = Exchange(connection, SENDER, ["max@saxocell.test"], MESSAGE)
    # The next reply the work could read is RCPT's: MAIL's was taken, RCPT went out before.
    pieces = (seen.append(connection.file.peek()) for _ in range(1))

    exchange.begin()
    exchange.advance()
    exchange.send(meanwhile=pieces)

    assert seen[0].startswith(b"250 2.1.5 Recipient ok")
    assert server.handler.envelopes[0][2] == ["max@saxocell.test"]


def test_exchange_advanced_and_abandoned_sends_nothing_and_leaves_the_connection_ready(
    server, connection
):
    abandoned = Exchange(connection, SENDER, ["max@saxocell.test"], b"Subject: Not this\r\n\r\nx")

    abandoned.begin()
    abandoned.advance()
    abandoned.abandon()
    Exchange(connection, SENDER, ["max@saxocell.test"], b"Subject: This\r\n\r\ny").send()

    assert server.handler.received == [b"Subject: This\r\n\r\ny\r\n"]


def test_exchange_advanced_to_a_refused_sender_raises_and_the_next_message_goes_through(
    server, connection
):
    server.handler.answer = "553"
    refused = Exchange(connection, SENDER, ["max@saxocell.test"], MESSAGE)
    refused.begin()

    with pytest.raises(smtplib.SMTPSenderRefused):
        refused.advance()
    refused.abandon()
    server.handler.answer = "accept"
    Exchange(connection, SENDER, ["max@saxocell.test"], b"Subject: Next\r\n\r\nz").send()

    assert server.handler.received == [b"Subject: Next\r\n\r\nz\r\n"]


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        ("553", smtplib.SMTPSenderRefused),
        ("550", smtplib.SMTPRecipientsRefused),
        ("451", smtplib.SMTPDataError),
    ],
)
def test_exchange_refused_raises_sendmails_error_and_the_next_message_goes_through(
    server, connection, answer, error
):
    server.handler.answer = answer

    with pytest.raises(error) as raised:
        Exchange(connection, SENDER, ["max@saxocell.test"], MESSAGE).send()
    server.handler.answer = "accept"
    Exchange(connection, SENDER, ["max@saxocell.test"], b"Subject: Next\r\n\r\nz").send()

    assert type(raised.value) is error
    assert server.handler.received == [b"Subject: Next\r\n\r\nz\r\n"]


def test_exchange_answered_421_closes_the_connection_as_sendmail_does(server, connection):
    server.handler.answer = "421"

    with pytest.raises(smtplib.SMTPDataError) as raised:
        Exchange(connection, SENDER, ["max@saxocell.test"], MESSAGE).send()

    assert (raised.value.smtp_code, connection.sock) == (421, None)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        Exchange(connection, SENDER, ["max@saxocell.test"], MESSAGE).send()


def test_exchange_with_the_server_gone_raises_server_disconnected():
    server = LoopbackSMTPServer()
    with smtplib.SMTP("127.0.0.1", server.port, timeout=5) as connection:
        connection.ehlo()
        server.stop()

        with pytest.raises(smtplib.SMTPServerDisconnected):
            Exchange(connection, SENDER, ["max@saxocell.test"], MESSAGE).send()
