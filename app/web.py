"""The few HTML pages the app serves itself, for links in mail (reset a password, confirm
an address, unsubscribe): one small layout, every value escaped, no script, no asset from
elsewhere, and headers that keep them out of caches, frames and referrers.

Forms post back to the same path; the link's token is the only credential such a page
takes (it was mailed to the address's owner), so these pages need no session and no CSRF
token: a forged cross-site post would have to know the token."""

from __future__ import annotations

import html

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
