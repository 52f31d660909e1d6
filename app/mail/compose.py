"""Building a mail: multipart text and HTML with the standard library's `email` package.
Every text that goes into the HTML is escaped (`html.escape`, quotes too); links must be
http(s) and are escaped as attribute values. Headers are set through `EmailMessage`, which
refuses line breaks in them (no header injection through a display name or a subject)."""

from __future__ import annotations

import html
import uuid
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr

from app.clock import now
from app.mail.templates import FOOTER, UNSUBSCRIBE, Rendered


class _OneLine(str):
    """A header value written exactly as given, on one line. The email package would fold
    a URL longer than a line (List-Unsubscribe always is) into RFC 2047 encoded words,
    which mail clients do not read back as a URL: no unsubscribe button."""

    defects = ()

    def __new__(cls, name: str, value: str) -> _OneLine:
        if "\r" in value or "\n" in value or len(name) + len(value) > 990:
            raise ValueError(f"{name} cannot be one header line")
        line = super().__new__(cls, value)
        line.name = name
        return line

    def __getnewargs__(self) -> tuple[str, str]:  # copy and pickle
        return self.name, str(self)

    def fold(self, *, policy) -> str:
        return f"{self.name}: {self}{policy.linesep}"


def _safe_link(link: str | None) -> str | None:
    if link and link.startswith(("https://", "http://")) and not any(c in link for c in "\r\n "):
        return link
    return None


def _html(rendered: Rendered, locale: str, link: str | None, unsubscribe: str | None) -> str:
    e = html.escape
    parts = [f'<!doctype html><html lang="{e(locale)}"><head><meta charset="utf-8">'
             f"<title>{e(rendered.subject)}</title></head>"
             '<body style="font-family:Helvetica,Arial,sans-serif;font-size:16px;'
             'line-height:1.5;color:#1f2933;max-width:560px;margin:0 auto;padding:24px">']  # fmt: skip
    for paragraph in rendered.paragraphs:
        lines = "<br>".join(e(line) for line in paragraph.splitlines())
        parts.append(f"<p>{lines}</p>")
    if link and rendered.action:
        parts.append(f'<p style="margin:32px 0"><a href="{e(link, quote=True)}" '
                     'style="background:#0b5cad;color:#ffffff;padding:12px 20px;'
                     f'border-radius:6px;text-decoration:none">{e(rendered.action)}</a></p>'
                     f'<p style="font-size:13px;color:#52606d">{e(link)}</p>')  # fmt: skip
    parts.append(f'<hr><p style="font-size:12px;color:#7b8794">{e(FOOTER[locale])}')
    if unsubscribe:
        parts.append(f'<br><a href="{e(unsubscribe, quote=True)}">{e(UNSUBSCRIBE[locale])}</a>')
    parts.append("</p></body></html>")
    return "".join(parts)


def _text(rendered: Rendered, locale: str, link: str | None, unsubscribe: str | None) -> str:
    lines = [*(p for p in rendered.paragraphs)]
    if link and rendered.action:
        lines.append(f"{rendered.action}:\n{link}")
    lines.append("-- \n" + FOOTER[locale])
    if unsubscribe:
        lines.append(f"{UNSUBSCRIBE[locale]}: {unsubscribe}")
    return "\n\n".join(lines) + "\n"


def build(
    *, rendered: Rendered, locale: str, to: str, sender: str, reply_to: str | None = None,
    link: str | None = None, unsubscribe: str | None = None, marketing: bool = False,
    key: str = "",
) -> EmailMessage:  # fmt: skip
    """The whole message: headers, a text part and an HTML part. Marketing mail carries
    List-Unsubscribe with `unsubscribe` and List-Unsubscribe-Post (RFC 8058 one-click);
    other mail says it was sent automatically."""
    link = _safe_link(link)
    unsubscribe = _safe_link(unsubscribe)
    message = EmailMessage()
    message["Subject"] = rendered.subject
    message["From"] = sender
    message["To"] = to
    if reply_to:
        message["Reply-To"] = reply_to
    message["Date"] = format_datetime(now())
    domain = parseaddr(sender)[1].rpartition("@")[2] or "loyalty.invalid"
    message["Message-ID"] = f"<{uuid.uuid4().hex}@{domain}>"
    if key:
        message["X-Loyalty-Message"] = key  # which message this is, for support and bounces
    if marketing and unsubscribe:
        message.set_raw("List-Unsubscribe", _OneLine("List-Unsubscribe", f"<{unsubscribe}>"))
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        message["Precedence"] = "bulk"
    else:
        message["Auto-Submitted"] = "auto-generated"
    message.set_content(_text(rendered, locale, link, unsubscribe))
    message.add_alternative(_html(rendered, locale, link, unsubscribe), subtype="html")
    # After the parts are made: Content-* headers set before move into the first part.
    message["Content-Language"] = locale
    return message


def mailbox(display_name: str | None, address: str) -> str:
    """`"Name" <address>` (the name quoted and encoded as needed), or the bare address."""
    name = " ".join((display_name or "").split())
    return formataddr((name, address)) if name else address
