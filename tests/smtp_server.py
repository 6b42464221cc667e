"""A real SMTP server on loopback for tests: aiosmtpd in a thread, on an ephemeral port."""

import asyncio
import contextlib
import email
import email.policy
import socket
import threading

from aiosmtpd.smtp import SMTP


class Handler:
    """Accepts mail, or answers as told: "451" or "421" to DATA, "550" or "421-rcpt" to RCPT,
    "553" or "421-mail" to MAIL; "drop" closes the connection while the content comes in.

    ``answers``: the answer of each mail transaction to come, in turn (then ``answer``'s last).

    ``received``: each message's content; ``envelopes``: each message's sender, MAIL options,
    recipients and content as it came over the wire; ``on_data``: called with each content
    as it arrives, in the server's thread. ``wait_for_received`` waits for a number of them.
    """

    def __init__(self):
        self.answer = "accept"
        self.answers = []
        self.received = []
        self.envelopes = []
        self.on_data = None
        self.arrived = threading.Condition()

    def wait_for_received(self, count, *, seconds=60):
        """Whether ``count`` messages have come in, waiting up to ``seconds`` for them."""
        with self.arrived:
            return self.arrived.wait_for(lambda: len(self.received) >= count, seconds)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.answers:
            self.answer = self.answers.pop(0)
        if self.answer == "553":
            return "553 5.1.8 Sender address rejected"
        if self.answer == "421-mail":
            return "421 4.7.0 Too many messages, closing"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 2.1.0 Sender ok"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.answer == "550":
            return "550 5.1.1 No such mailbox here"
        if self.answer == "421-rcpt":
            return "421 4.7.0 Too many messages, closing"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 Recipient ok"

    async def handle_DATA(self, server, session, envelope):
        if self.answer in ("451", "421"):
            return f"{self.answer} 4.3.0 Try again later"
        if self.answer == "drop":
            server.transport.abort()
            return "250 OK, never heard"
        if self.on_data is not None:
            self.on_data(envelope.content)
        with self.arrived:
            self.envelopes.append(
                (
                    envelope.mail_from,
                    envelope.mail_options,
                    envelope.rcpt_tos,
                    envelope.original_content,
                )
            )
            self.received.append(envelope.content)
            self.arrived.notify_all()
        return "250 OK"

    def messages(self):
        return [
            email.message_from_bytes(content, policy=email.policy.default)
            for content in self.received
        ]


class LoopbackSMTPServer:
    def __init__(self, port=0):
        self.requested_port = port
        self.handler = Handler()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.server = asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(10)
        self.port = self.server.sockets[0].getsockname()[1]

    async def _start(self):
        return await self.loop.create_server(
            lambda: SMTP(self.handler, hostname="smtp.test", loop=self.loop),
            host="127.0.0.1",
            port=self.requested_port,
        )

    async def _close(self):
        # In the server's own loop: asyncio's objects are not safe to touch from another
        # thread, and closing from the test's thread raced with connections still ending.
        self.server.close()
        pending = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        await self.server.wait_closed()

    def stop(self):
        asyncio.run_coroutine_threadsafe(self._close(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


class RefusingPort:
    """A port where nothing listens: connecting is refused."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]

    def stop(self):
        self.socket.close()


class StallingPort:
    """A port that takes connections into its backlog and never says a word."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.port = self.socket.getsockname()[1]

    def stop(self):
        self.socket.close()


class TcpForwarder:
    """Forwards connections from a loopback port to another address: a database coming back."""

    def __init__(self, *, port, target):
        self.target = target
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", port))
        self.port = self.listener.getsockname()[1]
        self.listener.listen(16)
        self.connections = []
        self.lock = threading.Lock()
        self.stopped = False
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                client, _address = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            with self.lock:
                if self.stopped:
                    # Accepted while stopping: the database is "down", so drop it at once.
                    for late in (client, upstream):
                        late.close()
                    return
                self.connections += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                sink.shutdown(socket.SHUT_WR)

    def stop(self):
        with self.lock:
            self.stopped = True
        self.listener.close()
        for connection in self.connections:
            # shutdown() first: close() alone leaves the connection open while a pump thread
            # still waits in recv() on it, and the database would never see its client go.
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
            connection.close()
        self.thread.join(10)
