"""A real webhook consumer on loopback: an HTTP server in a thread that verifies every
delivery's signature with the standardwebhooks package and counts what it accepted.

What it answers is scripted per request: "ok" (204), "refuse" (500) or "hang" (no answer
until the test ends, so that the sender's time-out runs out).
"""

import http.server
import json
import threading
from collections import Counter

from standardwebhooks import Webhook, WebhookVerificationError


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        consumer = self.server.consumer
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        answer = consumer.next_answer()
        try:
            payload = Webhook(consumer.secret).verify(body, dict(self.headers))
        except WebhookVerificationError as error:
            consumer.note_forged(str(error))
            self._answer(401)
            return
        consumer.note_arrival(self.headers["webhook-id"], payload, self.headers)
        if answer == "hang":
            consumer.release.wait(30)
            return
        if answer == "refuse":
            self._answer(500, b"busy, try later")
            return
        consumer.note_accepted(self.headers["webhook-id"])
        self._answer(204)

    def _answer(self, status, body=b""):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A hanging answer's client is gone by the time it would be written: expected.
        pass


class WebhookConsumer:
    """``tls``: an SSL context with the server's certificate, for an https:// consumer on
    "localhost"."""

    def __init__(self, secret, tls=None):
        self.secret = secret
        self.script = []
        self.arrivals = []
        self.accepted = Counter()
        self.forged = []
        self.lock = threading.Lock()
        self.release = threading.Event()
        self.server = _Server(("127.0.0.1", 0), _Handler)
        self.server.consumer = self
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hooks/c4f"
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
            self.url = f"https://localhost:{self.port}/hooks/c4f"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def next_answer(self):
        with self.lock:
            return self.script.pop(0) if self.script else "ok"

    def note_arrival(self, message_id, payload, headers):
        with self.lock:
            self.arrivals.append((message_id, payload))

    def note_accepted(self, message_id):
        with self.lock:
            self.accepted[message_id] += 1

    def note_forged(self, error):
        with self.lock:
            self.forged.append(error)

    def payloads(self):
        """The accepted deliveries' bodies, in the order they arrived, once each."""
        seen, bodies = set(), []
        for message_id, payload in self.arrivals:
            if self.accepted[message_id] and message_id not in seen:
                seen.add(message_id)
                bodies.append(payload)
        return bodies

    def stop(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def decoded(delivery):
    return json.loads(delivery.payload)
