"""A loopback SMTP sink for `scripts/bench email`, run as its own process: plain SMTP (no
TLS, no AUTH) through aiosmtpd, accepting every message and counting messages per envelope
recipient. A tiny HTTP endpoint on a second loopback port answers `GET /stats` (JSON:
messages, bytes, connections, per-recipient counts) and `POST /reset`.

    python scripts/_smtp_sink.py --port-file FILE   # writes "<smtp port> <http port>"
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
from collections import Counter
from pathlib import Path

HOST = "127.0.0.1"


class Sink:
    def __init__(self) -> None:
        self.per_recipient: Counter[str] = Counter()
        self.messages = 0
        self.bytes = 0
        self.connections = 0

    # aiosmtpd handler hooks
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages += 1
        self.bytes += len(envelope.original_content or envelope.content or b"")
        for rcpt in envelope.rcpt_tos:
            self.per_recipient[rcpt] += 1
        return "250 Message accepted for delivery"

    def stats(self) -> dict:
        return {"messages": self.messages, "bytes": self.bytes, "connections": self.connections,
                "per_recipient": dict(self.per_recipient)}  # fmt: skip

    def reset(self) -> None:
        self.__init__()


async def _http(sink: Sink, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        request = await reader.readuntil(b"\r\n\r\n")
        method, path = request.split(b" ", 2)[:2]
        if method == b"POST" and path == b"/reset":
            sink.reset()
            body = b"{}"
        elif path == b"/stats":
            body = json.dumps(sink.stats()).encode()
        else:
            body = b'{"error": "not found"}'
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body)  # fmt: skip
        await writer.drain()
    finally:
        writer.close()


def _listen() -> socket.socket:
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, 0))
    sock.listen(512)
    return sock


async def serve(port_file: Path) -> None:
    from aiosmtpd.smtp import SMTP

    sink = Sink()
    loop = asyncio.get_running_loop()

    def protocol() -> SMTP:
        sink.connections += 1
        # An explicit hostname: aiosmtpd would call socket.getfqdn() for every connection.
        return SMTP(sink, hostname="sink.bench.invalid", decode_data=False,
                    enable_SMTPUTF8=True, data_size_limit=None, loop=loop)  # fmt: skip

    smtp_sock, http_sock = _listen(), _listen()
    await loop.create_server(protocol, sock=smtp_sock)
    await asyncio.start_server(lambda r, w: _http(sink, r, w), sock=http_sock)
    tmp = port_file.with_suffix(".tmp")
    tmp.write_text(f"{smtp_sock.getsockname()[1]} {http_sock.getsockname()[1]}")
    tmp.rename(port_file)
    await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port-file", required=True, type=Path)
    args = parser.parse_args()
    try:
        import uvloop

        run = uvloop.run
    except ImportError:
        run = asyncio.run
    run(serve(args.port_file))


if __name__ == "__main__":
    main()
