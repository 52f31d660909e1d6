"""Sending mail: a small `EmailSender` protocol, SMTP through aiosmtplib behind it, and a
logging sender (writing .eml files in development) when no SMTP_URL is configured.

A result says what the server answered for each message, so delivery can keep its promise
of at most once: `sent` (250 after DATA), `temporary` (a 4xx, or no connection at all: not
delivered, worth retrying), `permanent` (a 5xx: refused for good), `unknown` (the
connection broke during the message's own transaction: the server may have taken it, so
it is never sent again). Only a permanent refusal of the recipient itself at RCPT that
says the mailbox or address is bad (`bad_address`) is grounds to suppress the address: a
5xx for the message's content (at DATA: spam, a policy) says nothing about the address,
and the content may be someone else's text."""

from __future__ import annotations

import asyncio
import itertools
import logging
import re
import ssl
import time
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Protocol

from app.settings import SmtpConfig

log = logging.getLogger(__name__)

# Connections one `send` opens at most: a campaign batch is spread over them.
CONNECTIONS = 4


@dataclass(frozen=True)
class OutgoingMail:
    """One message to one envelope recipient (`to`), built by app.mail.compose."""

    to: str
    message: Message


@dataclass(frozen=True)
class SendResult:
    status: str  # "sent", "temporary", "permanent" or "unknown"
    code: int | None = None
    reply: str = ""
    # A permanent RCPT refusal meaning the mailbox or address is bad (550/551/553, with
    # an enhanced code, if any, of 5.1.x or 5.2.1): the only refusal that suppresses.
    bad_address: bool = False

    @property
    def ok(self) -> bool:
        """Whether the server accepted the message."""
        return self.status == "sent"


class EmailSender(Protocol):
    async def send(self, mails: list[OutgoingMail]) -> list[SendResult]:
        """One result per mail, in order."""
        ...


def masked(address: str) -> str:
    """`a***@example.com`: enough for a log line, not the address."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}"


_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")
_NOT_AN_ENVELOPE_ADDRESS = re.compile(r'[\s<>"(),;:\\\[\]]')


class LoggingEmailSender:
    """Logs instead of sending (the default without SMTP_URL); with a `directory`
    (MAIL_DIR, development only) each message is also written there as an .eml file a
    person can open. The log line never holds the body: mail carries sign-in links."""

    _ids = itertools.count(1)

    def __init__(self, directory: str | None = None) -> None:
        self.directory = Path(directory) if directory else None

    async def send(self, mails: list[OutgoingMail]) -> list[SendResult]:
        """Log (and maybe write) every mail; every one succeeds."""
        results = []
        for mail in mails:
            n = next(self._ids)
            subject = str(mail.message.get("Subject", ""))
            if self.directory is not None:
                self.directory.mkdir(parents=True, exist_ok=True)
                name = f"{time.strftime('%Y%m%d-%H%M%S')}-{n:06d}-{_UNSAFE.sub('_', mail.to)}.eml"
                path = self.directory / name
                await asyncio.to_thread(path.write_bytes, mail.message.as_bytes())
                log.info("mail (not sent: no SMTP_URL) to %s: %s -> %s", masked(mail.to),
                         subject, path)  # fmt: skip
            else:
                log.info("mail (not sent: no SMTP_URL) to %s: %s", masked(mail.to), subject)
            results.append(SendResult("sent", 250, f"logged:{n}"))
        return results


_ENHANCED = re.compile(r"(?:^|\s)([245])\.(\d{1,3})\.(\d{1,3})(?:\s|$)")


def _bad_address(code: int | None, message: str) -> bool:
    """Whether a RCPT refusal says the recipient's mailbox or address is bad: 550, 551 or
    553, and its enhanced status code (RFC 3463), when the reply has one, 5.1.x (not the
    sender's: 5.1.7, 5.1.8) or 5.2.1 (disabled). A 5.7.x (policy) or anything else: no."""
    if code not in (550, 551, 553):
        return False
    found = _ENHANCED.search(message[:64])
    if found is None:
        return True
    klass, subject, detail = found[1], int(found[2]), int(found[3])
    return klass == "5" and ((subject == 1 and detail not in (7, 8)) or (subject, detail) == (2, 1))


def _refused_recipient(code: int | None, message: str) -> SendResult:
    """The result of a refused RCPT: as `_classify`, and `bad_address` when it says so."""
    result = _classify(code, message[:255])
    if result.status == "permanent" and _bad_address(code, message):
        return SendResult("permanent", code, result.reply, bad_address=True)
    return result


def _classify(code: int | None, reply: str) -> SendResult:
    if code is not None and 200 <= code < 300:
        return SendResult("sent", code, reply)
    if code is not None and 400 <= code < 500:
        return SendResult("temporary", code, reply)
    if code is not None and 500 <= code < 600:
        return SendResult("permanent", code, reply)
    return SendResult("unknown", code, reply)


class SmtpEmailSender:
    """SMTP through aiosmtplib: STARTTLS (required or opportunistic) or implicit TLS, and
    credentials, from SMTP_URL. One `send` spreads its mails over up to CONNECTIONS
    connections, each sending one message after the other."""

    def __init__(self, config: SmtpConfig, *, tls_context: ssl.SSLContext | None = None,
                 connections: int = CONNECTIONS) -> None:  # fmt: skip
        self.config = config
        self.tls_context = tls_context
        self.connections = max(1, connections)

    def _client(self):
        import aiosmtplib

        c = self.config
        return aiosmtplib.SMTP(
            hostname=c.host, port=c.port, username=c.username, password=c.password,
            use_tls=c.tls == "implicit",
            start_tls=True if c.tls == "starttls" else (False if c.tls == "implicit" else None),
            tls_context=self.tls_context, timeout=c.timeout_seconds,
        )  # fmt: skip

    async def send(self, mails: list[OutgoingMail]) -> list[SendResult]:
        """Send the mails; one result each, in order."""
        results: list[SendResult | None] = [None] * len(mails)
        lanes = [list(range(i, len(mails), self.connections))
                 for i in range(min(self.connections, len(mails)))]  # fmt: skip
        await asyncio.gather(*(self._lane(mails, lane, results) for lane in lanes))
        return [r or SendResult("unknown") for r in results]

    async def _lane(self, mails: list[OutgoingMail], lane: list[int],
                    results: list[SendResult | None]) -> None:  # fmt: skip
        import aiosmtplib

        client = None
        try:
            for i in lane:
                if client is None or not client.is_connected:
                    client = self._client()
                    try:
                        await client.connect()
                    except (TimeoutError, aiosmtplib.SMTPException, OSError) as exc:
                        # Nothing of this message left: retry it (and the rest of the lane).
                        # Always temporary, whatever the code: a refused greeting, STARTTLS
                        # or AUTH (535: our credentials) says nothing about the recipient.
                        code = getattr(exc, "code", None)
                        result = SendResult("temporary", code, f"connect: {exc}"[:255])
                        for j in lane[lane.index(i) :]:
                            results[j] = result
                        return
                results[i] = await self._one(client, mails[i])
        finally:
            if client is not None and client.is_connected:
                try:
                    await client.quit()
                except (TimeoutError, aiosmtplib.SMTPException, OSError):
                    client.close()

    async def _one(self, client, mail: OutgoingMail) -> SendResult:
        import aiosmtplib

        if _NOT_AN_ENVELOPE_ADDRESS.search(mail.to):
            # aiosmtplib would parse `a<b@x.example` as b@x.example (another mailbox) or
            # raise ValueError (losing the whole batch's results): never sendable.
            return SendResult("permanent", None, "address cannot be sent over SMTP")
        try:
            errors, reply = await client.send_message(mail.message, recipients=[mail.to])
        except ValueError as exc:  # refused by aiosmtplib before any command was sent
            return SendResult("permanent", None, str(exc)[:255])
        except aiosmtplib.SMTPRecipientsRefused as exc:
            refused = exc.recipients[0] if exc.recipients else None
            if refused is None:
                return _classify(None, str(exc)[:255])
            return _refused_recipient(refused.code, str(refused.message))
        except (TimeoutError, aiosmtplib.SMTPServerDisconnected, aiosmtplib.SMTPTimeoutError, OSError) as exc:  # fmt: skip
            # Broken during this message's transaction: maybe after DATA was taken.
            client.close()
            return SendResult("unknown", None, f"connection lost: {exc}"[:255])
        except aiosmtplib.SMTPSenderRefused as exc:
            # MAIL FROM refused (e.g. 530: not authenticated, 553: not our sender address): our
            # configuration, not the recipient's address: never permanent (no suppression).
            if exc.code == 421:
                client.close()
            return SendResult("temporary", exc.code, exc.message[:255])
        except aiosmtplib.SMTPResponseException as exc:  # DATA refused
            if exc.code == 421:  # the server is closing the channel
                client.close()
            # Refused for its content (spam, policy): never `bad_address`, never suppressed.
            return _classify(exc.code, exc.message[:255])
        except aiosmtplib.SMTPException as exc:  # e.g. STARTTLS or AUTH refused
            client.close()
            return SendResult("temporary", None, str(exc)[:255])
        if errors:  # a refused RCPT (with one recipient aiosmtplib raises instead)
            code, message = next(iter(errors.values()))
            return _refused_recipient(code, str(message))
        return SendResult("sent", 250, str(reply)[:255])


_sender: EmailSender | None = None


def email_sender() -> EmailSender:
    """The process's sender: SMTP when SMTP_URL is set, else logging (and .eml files when
    MAIL_DIR is set, as in development)."""
    global _sender
    if _sender is None:
        from app.settings import get_settings

        settings = get_settings()
        _sender = (SmtpEmailSender(settings.smtp) if settings.smtp is not None
                   else LoggingEmailSender(settings.mail_dir))  # fmt: skip
    return _sender


def use_sender(sender: EmailSender | None) -> None:
    """Replace the sender (tests; None goes back to the configured one)."""
    global _sender
    _sender = sender
