"""The few HTML pages the app serves itself, for links in mail (reset a password, confirm
an address, unsubscribe): one small layout, every value escaped, no script, no asset from
elsewhere, and headers that keep them out of caches, frames and referrers.

Forms post back to the same path; the link's token is the only credential such a page
takes (it was mailed to the address's owner), so these pages need no session and no CSRF
token: a forged cross-site post would have to know the token."""

from __future__ import annotations

import html
from collections.abc import AsyncGenerator

from starlette.formparsers import FormParser, MultiPartException, MultiPartParser
from starlette.requests import Request
from starlette.responses import HTMLResponse

from app.i18n import LOCALES, pick_locale

HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
}

_STYLE = (
    "body{font-family:Helvetica,Arial,sans-serif;max-width:480px;margin:40px auto;"
    "padding:0 16px;color:#1f2933;line-height:1.5}label{display:block;margin:16px 0 4px}"
    "input{width:100%;padding:8px;font-size:16px;box-sizing:border-box}"
    "button{margin-top:16px;padding:10px 18px;font-size:16px;background:#0b5cad;color:#fff;"
    "border:0;border-radius:6px}.error{color:#b42318}"
)


def request_locale(request: Request, preferred: str | None = None) -> str:
    """`preferred` (the member's own language) when known, else `?lang=`, else
    Accept-Language, else English."""
    lang = request.query_params.get("lang")
    return pick_locale(preferred, lang if lang in LOCALES else None,
                       accept_language=request.headers.get("accept-language"))  # fmt: skip


def page(*, locale: str, title: str, body: str, status: int = 200) -> HTMLResponse:
    """A whole page: `title` is text (escaped here), `body` is HTML the caller built with
    `esc` for every value."""
    document = (
        f'<!doctype html><html lang="{esc(locale)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{esc(title)}</title><style>{_STYLE}</style></head>"
        f"<body><main><h1>{esc(title)}</h1>{body}</main></body></html>"
    )
    return HTMLResponse(document, status_code=status, headers=HEADERS)


def esc(value: object) -> str:
    """`value` as text safe inside HTML, attribute values included."""
    return html.escape(str(value), quote=True)


MAX_FORM_BYTES = 4096  # a page's form holds a token and maybe a password


async def read_form(request: Request) -> dict[str, str]:
    """The text fields of a posted form (url-encoded or multipart, 10 fields, no files);
    {} for any other body, and for one past MAX_FORM_BYTES: announced by Content-Length or
    counted while it streams in (a chunked body announces nothing), whichever comes first.
    Past the limit the rest of the body is left unread."""
    length = request.headers.get("content-length")
    if length is not None and (
        not (length.isascii() and length.isdigit()) or int(length) > MAX_FORM_BYTES
    ):
        return {}
    kind = request.headers.get("content-type", "")
    multipart = kind.startswith("multipart/form-data")
    if not (multipart or kind.startswith("application/x-www-form-urlencoded")):
        return {}
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            return {}

    async def buffered() -> AsyncGenerator[bytes, None]:
        yield bytes(body)

    try:
        if multipart:
            parser = MultiPartParser(request.headers, buffered(), max_files=0, max_fields=10)
            form = await parser.parse()
        else:
            form = await FormParser(request.headers, buffered(), max_fields=10).parse()
    except MultiPartException:
        return {}
    return {key: value for key, value in form.items() if isinstance(value, str)}


def text(texts: dict[str, dict[str, str]], key: str, locale: str) -> str:
    """`texts[key]` in `locale`, English when it has none."""
    return texts[key].get(locale) or texts[key]["en"]


# Why a mailed link's page cannot go on (mail.token_state's answers).
LINK_TITLES = {
    "USED_title": {"en": "This link was used already", "nl": "Deze link is al gebruikt",
                   "es": "Este enlace ya se usó"},
    "EXPIRED_title": {"en": "This link has expired", "nl": "Deze link is verlopen",
                      "es": "Este enlace ha caducado"},
    "UNKNOWN_title": {"en": "This link does not work", "nl": "Deze link werkt niet",
                      "es": "Este enlace no funciona"},
}  # fmt: skip


def token_form(*, action: str, token: str, label: str, fields: str = "") -> str:
    """A form that posts `token` back to `action` (with `fields`, HTML the caller built)
    under one button labelled `label`."""
    return (
        f'<form method="post" action="{esc(action)}">'
        f'<input type="hidden" name="token" value="{esc(token)}">{fields}'
        f'<button type="submit">{esc(label)}</button></form>'
    )
