"""The senders against real SMTP servers on loopback: aiosmtpd Controllers with the TLS and
AUTH options each case needs (a self-signed certificate made at test time), and a tiny
asyncio server that drops the connection after DATA. Plus the logging sender's .eml files."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import email
import email.policy
import ipaddress
import logging
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from app.mail.compose import build, mailbox
from app.mail.sender import CONNECTIONS, LoggingEmailSender, OutgoingMail, SmtpEmailSender
from app.mail.templates import render
from app.settings import SmtpConfig
from tests.conftest import _free_port

REPLIES = {421: "421 4.3.2 Try again later", 550: "550 5.1.1 No such user",
           554: "554 5.7.1 Message rejected as spam"}  # fmt: skip
USER, PASSWORD = "mailer@tenant", "pa:ss/wörd"


# ---- a certificate, made now ----------------------------------------------------------------


@dataclass(frozen=True)
class Tls:
    server: ssl.SSLContext  # for aiosmtpd
    client: ssl.SSLContext  # trusts exactly that certificate


@pytest.fixture(scope="session")
def tls(tmp_path_factory) -> Tls:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    start = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    (folder / "cert.pem").write_bytes(cert_pem)
    (folder / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    client = ssl.create_default_context(cadata=cert_pem.decode())
    return Tls(server, client)


# ---- servers ----------------------------------------------------------------------------------


@dataclass
class Got:
    to: list[str]
    message: EmailMessage
    tls: bool
    login: str | None
    peer: tuple


@dataclass
class Recorder:
    """aiosmtpd handler: keeps what it accepts; `rcpt`/`data` script refusals per address."""

    rcpt: dict[str, int | str] = field(default_factory=dict)  # a code, or the whole reply
    data: dict[str, int] = field(default_factory=dict)
    got: list[Got] = field(default_factory=list)
    mechanisms: list[str] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.rcpt:
            reply = self.rcpt[address]
            return reply if isinstance(reply, str) else REPLIES[reply]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if envelope.rcpt_tos[0] in self.data:
            return REPLIES[self.data[envelope.rcpt_tos[0]]]
        raw = envelope.original_content or envelope.content
        auth = session.auth_data
        self.got.append(Got(
            list(envelope.rcpt_tos), email.message_from_bytes(raw, policy=email.policy.default),
            server.transport.get_extra_info("sslcontext") is not None,
            auth.login.decode() if auth is not None else None, session.peer,
        ))  # fmt: skip
        return "250 Message accepted for delivery"

    def authenticator(self, server, session, envelope, mechanism, auth_data):
        self.mechanisms.append(mechanism)
        ok = (auth_data.login.decode(), auth_data.password.decode()) == (USER, PASSWORD)
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)


@contextlib.contextmanager
def server(handler: Recorder | None = None, **options):
    """An aiosmtpd server on a free loopback port (its own thread); yields (handler, port)."""
    handler = handler or Recorder()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, server_hostname="localhost",
                            **options)  # fmt: skip
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


class DroppingServer:
    """Speaks just enough SMTP to take a message's DATA, then closes the connection without
    answering it: the client cannot know whether the message was taken. With `drop` False
    for a connection (by its number, from 0) it answers 250 instead."""

    def __init__(self, drop=lambda n: True) -> None:
        self.drop = drop
        self.connections = 0
        self.datas = 0  # messages whose DATA was fully received
        self.accepted = 0
        self._server: asyncio.AbstractServer | None = None
        self.port = 0

    async def __aenter__(self) -> DroppingServer:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc) -> None:
        self._server.close()
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        n = self.connections
        self.connections += 1
        try:
            writer.write(b"220 localhost ESMTP\r\n")
            while line := await reader.readline():
                verb = line[:4].upper()
                if verb in (b"EHLO", b"HELO"):
                    writer.write(b"250-localhost\r\n250 8BITMIME\r\n")
                elif verb == b"DATA":
                    writer.write(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    await writer.drain()
                    await reader.readuntil(b"\r\n.\r\n")
                    self.datas += 1
                    if self.drop(n):
                        writer.transport.abort()
                        return
                    self.accepted += 1
                    writer.write(b"250 OK queued\r\n")
                elif verb == b"QUIT":
                    writer.write(b"221 Bye\r\n")
                    await writer.drain()
                    break
                else:  # MAIL, RCPT, RSET, NOOP
                    writer.write(b"250 OK\r\n")
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()


def config(port: int, tls: str = "auto", username=None, password=None) -> SmtpConfig:
    return SmtpConfig(host="127.0.0.1", port=port, tls=tls, username=username, password=password,
                      timeout_seconds=5)  # fmt: skip


def outgoing(to: str, *, locale: str = "en", name: str = "Anna") -> OutgoingMail:
    message = build(
        rendered=render("PASSWORD_RESET", locale, name=name, minutes=30), locale=locale,
        to=mailbox(name, to), sender="Loyalty <noreply@loyalty.test>",
        link="https://loyalty.example.com/account/reset-password?token=SECRET-TOKEN-123",
        key=f"test:{to}",
    )  # fmt: skip
    return OutgoingMail(to=to, message=message)


# ---- TLS and AUTH -------------------------------------------------------------------------------


async def test_starttls_required_with_a_certificate_the_client_trusts(tls):
    with server(tls_context=tls.server, require_starttls=True) as (handler, port):
        sender = SmtpEmailSender(config(port, "starttls"), tls_context=tls.client)
        [result] = await sender.send([outgoing("a@example.com")])
    assert result.status == "sent" and result.ok and result.code == 250
    [got] = handler.got
    assert got.tls and got.to == ["a@example.com"]
    assert got.message["Subject"] == "Reset your password"


async def test_starttls_required_but_not_offered_sends_nothing():
    with server() as (handler, port):  # no tls_context: no STARTTLS in EHLO
        results = await SmtpEmailSender(config(port, "starttls")).send(
            [outgoing("a@example.com"), outgoing("b@example.com")]
        )
    assert [r.status for r in results] == ["temporary", "temporary"]
    assert not handler.got


async def test_an_untrusted_certificate_sends_nothing(tls):
    with server(tls_context=tls.server, require_starttls=True) as (handler, port):
        # The default context verifies against the system's CAs: our certificate is not one.
        [result] = await SmtpEmailSender(config(port, "starttls")).send([outgoing("a@x.example")])
    assert result.status == "temporary"
    assert not handler.got


async def test_opportunistic_starttls_when_offered(tls):
    with server(tls_context=tls.server) as (handler, port):
        sender = SmtpEmailSender(config(port, "auto"), tls_context=tls.client)
        [result] = await sender.send([outgoing("a@example.com")])
    assert result.ok and handler.got[0].tls


async def test_implicit_tls(tls):
    with server(ssl_context=tls.server) as (handler, port):
        sender = SmtpEmailSender(config(port, "implicit"), tls_context=tls.client)
        results = await sender.send([outgoing("a@example.com"), outgoing("b@example.com")])
    assert [r.status for r in results] == ["sent", "sent"]
    assert all(g.tls for g in handler.got) and len(handler.got) == 2


@pytest.mark.parametrize(("mechanism", "excluded"), [("PLAIN", ["LOGIN"]), ("LOGIN", ["PLAIN"])])
async def test_auth_with_credentials_from_the_url(tls, mechanism, excluded):
    from app.settings import Settings

    smtp_url = "smtp+starttls://mailer%40tenant:pa%3Ass%2Fw%C3%B6rd@127.0.0.1:{port}"
    handler = Recorder()
    with server(handler, tls_context=tls.server, require_starttls=True, auth_required=True,
                auth_require_tls=True, authenticator=handler.authenticator,
                auth_exclude_mechanism=excluded) as (_, port):  # fmt: skip
        settings = Settings.from_env(
            {"SMTP_URL": smtp_url.format(port=port), "EMAIL_FROM": "noreply@loyalty.test"}
        )
        assert (settings.smtp.username, settings.smtp.password) == (USER, PASSWORD)
        [result] = await SmtpEmailSender(settings.smtp, tls_context=tls.client).send(
            [outgoing("a@example.com")]
        )
    assert result.ok, result
    assert handler.mechanisms == [mechanism]
    assert handler.got[0].login == USER and handler.got[0].tls


async def test_wrong_credentials_are_temporary_and_send_nothing(tls):
    handler = Recorder()
    with server(handler, tls_context=tls.server, require_starttls=True, auth_required=True,
                authenticator=handler.authenticator) as (_, port):  # fmt: skip
        sender = SmtpEmailSender(config(port, "starttls", USER, "wrong"), tls_context=tls.client)
        results = await sender.send([outgoing("a@example.com"), outgoing("b@example.com")])
        # No credentials at all where AUTH is required: refused at MAIL FROM (530), which
        # says nothing about the recipient either.
        unauthenticated = SmtpEmailSender(config(port, "starttls"), tls_context=tls.client)
        [anonymous] = await unauthenticated.send([outgoing("c@example.com")])
    # 535 is our configuration's fault, not the recipients': never "permanent" (which would
    # fail and suppress every address while the password is wrong).
    assert [r.status for r in results] == ["temporary", "temporary"]
    assert results[0].code == 535
    assert anonymous.status == "temporary" and anonymous.code == 530
    assert not handler.got
    assert "wrong" not in results[0].reply


async def test_connection_refused_is_temporary_for_every_mail():
    port = _free_port()  # nothing listens there
    mails = [outgoing(f"m{i}@example.com") for i in range(6)]
    results = await SmtpEmailSender(config(port), connections=2).send(mails)
    assert [r.status for r in results] == ["temporary"] * 6
    assert all(not r.ok for r in results)


# ---- answers ----------------------------------------------------------------------------------


async def test_connection_lost_after_data_is_unknown_and_the_lane_goes_on():
    async with DroppingServer(drop=lambda n: n == 0) as smtp:
        sender = SmtpEmailSender(config(smtp.port), connections=1)
        results = await sender.send([outgoing("a@example.com"), outgoing("b@example.com")])
    # The first message's DATA was taken and never answered: maybe delivered. The second
    # goes over a new connection.
    assert [r.status for r in results] == ["unknown", "sent"]
    assert results[0].reply.startswith("connection lost")
    assert (smtp.connections, smtp.datas, smtp.accepted) == (2, 2, 1)


async def test_connection_lost_every_time_is_unknown_for_each():
    async with DroppingServer() as smtp:
        results = await SmtpEmailSender(config(smtp.port), connections=2).send(
            [outgoing(f"m{i}@example.com") for i in range(3)]
        )
    assert [r.status for r in results] == ["unknown"] * 3
    assert smtp.datas == 3  # each message once, never resent by the sender


async def test_refusals_are_classified_per_message():
    handler = Recorder(
        rcpt={"busy@example.com": 421, "gone@example.com": 550},
        data={"spam@example.com": 554},
    )
    with server(handler) as (_, port):
        results = await SmtpEmailSender(config(port), connections=1).send(
            [outgoing(a) for a in ("busy@example.com", "ok1@example.com", "gone@example.com",
                                   "spam@example.com", "ok2@example.com")]
        )  # fmt: skip
    assert [(r.status, r.code) for r in results] == [
        ("temporary", 421), ("sent", 250), ("permanent", 550), ("permanent", 554), ("sent", 250),
    ]  # fmt: skip
    assert "Try again later" in results[0].reply and "No such user" in results[2].reply
    assert "spam" in results[3].reply
    # Only the RCPT refusal saying the mailbox is bad may suppress; 554 at DATA (the
    # content, which may be someone else's text) never does.
    assert [r.bad_address for r in results] == [False, False, True, False, False]
    assert sorted(g.to[0] for g in handler.got) == ["ok1@example.com", "ok2@example.com"]


@pytest.mark.parametrize(
    ("reply", "status", "bad"),
    [
        ("550 5.1.1 No such user", "permanent", True),
        ("550 No such user here", "permanent", True),  # no enhanced code: the basic one says
        ("551 5.1.6 User has moved", "permanent", True),
        ("553 5.1.3 Bad recipient address syntax", "permanent", True),
        ("550 5.2.1 Mailbox disabled", "permanent", True),
        ("550 5.7.1 Recipient rejected by policy", "permanent", False),
        ("553 5.7.1 Relaying denied", "permanent", False),
        ("550 5.1.8 Bad sender's system address", "permanent", False),  # ours, not theirs
        ("552 5.2.2 Mailbox full", "permanent", False),
        ("554 5.1.1 No such user", "permanent", False),
        ("554 Transaction failed", "permanent", False),
        ("450 4.2.1 Mailbox busy", "temporary", False),
    ],
)
async def test_only_a_bad_mailbox_at_rcpt_is_a_bad_address(reply, status, bad):
    with server(Recorder(rcpt={"x@example.com": reply})) as (handler, port):
        [result] = await SmtpEmailSender(config(port)).send([outgoing("x@example.com")])
    assert (result.status, result.code, result.bad_address) == (status, int(reply[:3]), bad)
    assert not handler.got


async def test_an_address_smtp_cannot_carry_is_permanent_not_another_mailbox():
    with server() as (handler, port):
        results = await SmtpEmailSender(config(port), connections=1).send(
            [outgoing("a<victim@example.com"), outgoing('x"y@example.com'),
             outgoing("ok@example.com")]
        )  # fmt: skip
    assert [r.status for r in results] == ["permanent", "permanent", "sent"]
    assert [g.to for g in handler.got] == [["ok@example.com"]]


async def test_many_mails_over_the_lanes_all_arrive_in_order():
    handler = Recorder(rcpt={"m5@example.com": 550})
    mails = [outgoing(f"m{i}@example.com") for i in range(11)]
    with server(handler) as (_, port):
        results = await SmtpEmailSender(config(port)).send(mails)
    assert [r.status for r in results] == ["sent"] * 5 + ["permanent"] + ["sent"] * 5
    assert sorted(g.to[0] for g in handler.got) == sorted(
        m.to for m in mails if m.to != "m5@example.com"
    )
    assert len({g.peer for g in handler.got}) == CONNECTIONS  # one connection per lane
    assert await SmtpEmailSender(config(port)).send([]) == []


# ---- the logging sender ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("locale", "subject", "greeting"),
    [
        ("nl", "Stel je wachtwoord opnieuw in", "Hallo Anaïs,"),
        ("es", "Restablece tu contraseña", "Hola Anaïs:"),
    ],
)
async def test_logging_sender_writes_a_readable_eml(tmp_path, caplog, locale, subject, greeting):
    sender = LoggingEmailSender(str(tmp_path / "mail"))
    mail = outgoing("anais@example.com", locale=locale, name="Anaïs")
    with caplog.at_level(logging.INFO, logger="app.mail.sender"):
        [result] = await sender.send([mail])
    assert result.ok
    [path] = (tmp_path / "mail").glob("*.eml")
    assert path.name.endswith("anais_example.com.eml")
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert message["Subject"] == subject
    assert message["To"].addresses[0].display_name == "Anaïs"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert greeting in text and greeting in html
    assert "token=SECRET-TOKEN-123" in text and "token=SECRET-TOKEN-123" in html
    # The log line: whom (masked) and what, never the body or its link.
    [record] = [r for r in caplog.records if r.name == "app.mail.sender"]
    line = record.getMessage()
    assert "a***@example.com" in line and subject in line and str(path) in line
    assert "anais@example.com" not in line
    assert "SECRET-TOKEN" not in line and "token=" not in line and greeting not in line


async def test_logging_sender_without_a_directory_only_logs(tmp_path, caplog, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with caplog.at_level(logging.INFO, logger="app.mail.sender"):
        results = await LoggingEmailSender().send(
            [outgoing("a@example.com"), outgoing("b@example.com")]
        )
    assert [r.status for r in results] == ["sent", "sent"]
    assert results[0].reply != results[1].reply  # each its own log reference
    assert not list(tmp_path.rglob("*.eml"))
    lines = [r.getMessage() for r in caplog.records if r.name == "app.mail.sender"]
    assert len(lines) == 2 and "b***@example.com" in lines[1]
    assert not any("SECRET-TOKEN" in line for line in lines)
