"""One email's SMTP mail transaction taken in steps, so that the sender can work meanwhile.

``smtplib.SMTP.sendmail`` sends each command and waits for its reply: MAIL, RCPT, DATA and
the content, four round trips in which the sender does nothing. ``Exchange`` sends the same
commands, in the same lock-step order that every server takes (no PIPELINING needed), but
does a piece of the caller's work after sending each one and before reading its reply. A
round of reminders commits the last email's record and claims the next row while the server
answers MAIL, and builds the next email while it answers the others. The server delivers
nothing before the content's final dot, and the round sends that dot only once the last
email's record is on disk: a crash still repeats at most one email.

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
    """The mail transaction of one message: ``begin`` sends MAIL and returns, ``send`` does
    the rest; ``abandon`` instead of ``send`` ends it without a message.

    ``smtp``: an open ``smtplib.SMTP``; ``sender`` and ``recipients`` as sendmail takes them;
    ``message``: the message's bytes, lines ending in CRLF.
    """

    def __init__(self, smtp, sender, recipients, message):
        self.smtp = smtp
        self.sender = sender
        self.recipients = recipients
        self.message = message
        self.awaiting_sender_reply = False

    def begin(self):
        """Send MAIL FROM (after EHLO, when the connection has not greeted yet)."""
        self.smtp.ehlo_or_helo_if_needed()
        options = ""
        if self.smtp.does_esmtp and self.smtp.has_extn("size"):
            options = f" size={len(self.message)}"
        self.smtp.putcmd("mail", f"FROM:{wire.path(self.sender)}{options}")
        self.awaiting_sender_reply = True

    def send(self, meanwhile=()):
        """Take MAIL's reply (``begin`` first, unless done), name the recipients and send the
        content; return the recipients refused, as sendmail does, once the server took it.

        ``meanwhile``: the caller's work in pieces, an iterator whose next item is taken (and
        so the piece done) each time a command is on its way to the server.
        """
        pieces = iter(meanwhile)
        if not self.awaiting_sender_reply:
            self.begin()
        self.awaiting_sender_reply = False
        code, reply = self.smtp.getreply()
        if code != 250:
            self._failed(code)
            raise smtplib.SMTPSenderRefused(code, reply, self.sender)
        refused = {}
        for recipient in self.recipients:
            self.smtp.putcmd("rcpt", f"TO:{wire.path(recipient)}")
            next(pieces, None)
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
        next(pieces, None)
        code, reply = self.smtp.getreply()
        if code != 354:
            raise smtplib.SMTPDataError(code, reply)
        # The point of no return: with the final dot, the server may deliver.
        self.smtp.send(_content(self.message))
        for _piece in pieces:
            pass
        code, reply = self.smtp.getreply()
        if code != 250:
            self._failed(code)
            raise smtplib.SMTPDataError(code, reply)
        return refused

    def abandon(self):
        """Instead of ``send``: end the transaction begun, if any, without a message (RSET)."""
        if not self.awaiting_sender_reply:
            return
        self.awaiting_sender_reply = False
        code, _reply = self.smtp.getreply()
        self._failed(code)

    def _failed(self, code):
        if code == 421:
            self.smtp.close()
        else:
            self._reset()

    def _reset(self):
        # As sendmail's own clean-up: a server that hung up shows at the next command.
        with contextlib.suppress(smtplib.SMTPServerDisconnected):
            self.smtp.rset()
