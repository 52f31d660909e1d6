"""A real SMTP server on loopback (aiosmtpd, in a thread of its own) for the mail tests:
it keeps every message it accepts, and answers as a test scripts it, per recipient:
`server.answers["x@example.com"] = [421, 421]` refuses the next two RCPTs with 421 (then
accepts); `server.refuse["y@example.com"] = 550` refuses every time."""

from __future__ import annotations

import email
import email.policy
import re
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller

REPLIES = {421: "421 4.3.2 Try again later", 450: "450 4.2.1 Mailbox busy",
           550: "550 5.1.1 No such user", 554: "554 5.7.1 Rejected"}  # fmt: skip


@dataclass
class Received:
    sender: str
    to: list[str]
    raw: bytes
    message: EmailMessage

    def text(self) -> str:
        """The text/plain part."""
        return self.message.get_body(("plain",)).get_content()

    def html(self) -> str:
        """The text/html part."""
        return self.message.get_body(("html",)).get_content()

    def link(self, path: str) -> str:
        """The first link in the text part containing `path`."""
        found = re.search(r"https?://\S*" + re.escape(path) + r"\S*", self.text())
        assert found, f"no {path} link in:\n{self.text()}"
        return found[0]

    def token(self, path: str) -> str:
        """The token of the first link containing `path`."""
        return self.link(path).split("token=", 1)[1]


@dataclass
class _Handler:
    server: SmtpServer

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        code = self.server.answer_for(address)
        if code is not None:
            return REPLIES.get(code, f"{code} scripted refusal")
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        with self.server.lock:
            self.server.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                                 raw, message))  # fmt: skip
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    host: str = "127.0.0.1"
    port: int = 0
    received: list[Received] = field(default_factory=list)
    answers: dict[str, list[int]] = field(default_factory=dict)
    refuse: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    controller: Controller | None = None

    def answer_for(self, address: str) -> int | None:
        with self.lock:
            if address in self.refuse:
                return self.refuse[address]
            queue = self.answers.get(address)
            if queue:
                return queue.pop(0)
        return None

    def start(self) -> SmtpServer:
        from tests.conftest import _free_port

        self.port = self.port or _free_port()
        self.controller = Controller(_Handler(self), hostname=self.host, port=self.port,
                                     decode_data=False, enable_SMTPUTF8=True)  # fmt: skip
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()

    def to(self, address: str) -> list[Received]:
        """Every message accepted for `address`."""
        with self.lock:
            return [r for r in self.received if address in r.to]

    def clear(self) -> None:
        with self.lock:
            self.received.clear()
