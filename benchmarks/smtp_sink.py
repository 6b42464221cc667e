"""An SMTP server on loopback that accepts and discards mail: `python -m benchmarks.smtp_sink`.

Prints its port on the first line of standard output, then serves until killed. It runs in
its own process so that it does not share the interpreter lock with the sender measured.
"""

import asyncio
import sys

from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"


async def main():
    loop = asyncio.get_running_loop()
    sink = Sink()
    server = await loop.create_server(
        lambda: SMTP(sink, hostname="sink.bench", loop=loop), host="127.0.0.1", port=0
    )
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
