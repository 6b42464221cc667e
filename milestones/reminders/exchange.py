"""One email's SMTP mail transaction taken in steps, so that the sender can work meanwhile.

``smtplib.SMTP.sendmail`` sends each command and waits for its reply: MAIL, RCPT, DATA and
the content, four round trips in which the sender does nothing. ``Exchange`` sends the same
commands, in the same lock-step order that every server takes (no PIPELINING needed), but
does a piece of the caller's work after sending each one and before reading its reply. A
round of reminders commits the last email's record while the server answers MAIL, claims the
next row while it answers RCPT (``advance``), builds the next email while it answers DATA
and the content, and writes this email's record while the server takes the content in.
The server delivers nothing before the content's final dot, and the round sends that dot
only once the last email's record is on disk: a crash still repeats at most one email.

Errors are sendmail's, after the same clean-up: SMTPSenderRefused, SMTPRecipientsRefused and
SMTPDataError leave the connection ready for the next transaction (RSET), a 421 closes it, and
a lost connection raises SMTPServerDisconnected.
"""

import contextlib
import re
import smtplib

from milestones.reminders import wire

# RFC 5321 4.5.2: a line of the content that starts with a period gets a second one.
LEADING_PERIOD = re.compile(rb"^\.", re.MULTILINE)


def _content(message):
    content = LEADING_PERIOD.sub(b"..", message)
    if not content.endswith(b"\r\n"):
        content += b"\r\n"
    return content + b".\r\n"


class Exchange:
    """The mail transaction of one message: ``begin`` sends MAIL and returns, ``advance``
    sends the next command, ``send`` does the rest; ``abandon`` instead of ``send`` ends it
    without a message.

    ``smtp``: an open ``smtplib.SMTP``; ``sender`` and ``recipients`` as sendmail takes them;
    ``message``: the message's bytes, lines ending in CRLF.
    """

    def __init__(self, smtp, sender, recipients, message):
        self.smtp = smtp
        self.sender = sender
        self.recipients = recipients
        self.message = message
        # The conversation, paused each time a command is on its way: the command it sent.
        self.steps = None
        self.sent = None

    def begin(self):
        """Send MAIL FROM (after EHLO, when the connection has not greeted yet)."""
        self.steps = self._steps()
        self.sent = next(self.steps)

    def advance(self):
        """After ``begin``: take MAIL's reply (raising sendmail's error for a refusal) and
        send the first RCPT, so that the server reads it while the sender works."""
        if self.sent == "mail":
            self._step()

    def _step(self):
        try:
            self.sent = next(self.steps)
        except BaseException:
            self.steps = self.sent = None
            raise

    def send(self, meanwhile=()):
        """Take the replies, send what is left of the commands and the content; return the
        recipients refused, as sendmail does, once the server took it.

        ``meanwhile``: the caller's work in pieces, an iterator whose next item is taken (and
        so the piece done) each time a command is on its way to the server, and the rest
        while the server takes in the content.
        """
        pieces = iter(meanwhile)
        if self.steps is None:
            self.begin()
        while True:
            if self.sent == "content":
                for _piece in pieces:
                    pass
            else:
                next(pieces, None)
            try:
                self._step()
            except StopIteration as end:
                return end.value

    def abandon(self):
        """Instead of ``send``: end the transaction begun, if any, without a message (RSET).

        After DATA the server would take anything as content: the connection is closed."""
        if self.steps is None:
            return
        sent = self.sent
        self.steps.close()
        self.steps = self.sent = None
        if sent in ("data", "content"):
            self.smtp.close()
            return
        code, _reply = self.smtp.getreply()
        self._failed(code)

    def _steps(self):
        """sendmail's commands and replies, pausing as each command goes out."""
        self.smtp.ehlo_or_helo_if_needed()
        options = ""
        if self.smtp.does_esmtp and self.smtp.has_extn("size"):
            options = f" size={len(self.message)}"
        self.smtp.putcmd("mail", f"FROM:{wire.path(self.sender)}{options}")
        yield "mail"
        code, reply = self.smtp.getreply()
        if code != 250:
            self._failed(code)
            raise smtplib.SMTPSenderRefused(code, reply, self.sender)
        refused = {}
        for recipient in self.recipients:
            self.smtp.putcmd("rcpt", f"TO:{wire.path(recipient)}")
            yield "rcpt"
            code, reply = self.smtp.getreply()
            if code not in (250, 251):
                refused[recipient] = (code, reply)
            if code == 421:
                self.smtp.close()
                raise smtplib.SMTPRecipientsRefused(refused)
        if len(refused) == len(self.recipients):
            self._reset()
            raise smtplib.SMTPRecipientsRefused(refused)
        self.smtp.putcmd("data")
        yield "data"
        code, reply = self.smtp.getreply()
        if code != 354:
            raise smtplib.SMTPDataError(code, reply)
        # The point of no return: with the final dot, the server may deliver.
        self.smtp.send(_content(self.message))
        yield "content"
        code, reply = self.smtp.getreply()
        if code != 250:
            self._failed(code)
            raise smtplib.SMTPDataError(code, reply)
        return refused

    def _failed(self, code):
        if code == 421:
            self.smtp.close()
        else:
            self._reset()

    def _reset(self):
        # As sendmail's own clean-up: a server that hung up shows at the next command.
        with contextlib.suppress(smtplib.SMTPServerDisconnected):
            self.smtp.rset()
