"""One-click unsubscribe from marketing mail (RFC 8058): /email/unsubscribe?token=...

- POST (a mail client's one-click, body `List-Unsubscribe=One-Click`; or this page's
  button, the token in the form body too) withdraws the member's marketing email consent,
  with its proof, and answers with a small page in the member's language.
- GET shows that page's question and its button, and changes nothing: link scanners and
  previews follow GET links.

The token (an HMAC per recipient, mailed to the address's owner) is the only credential:
a forged one is refused (400) and nothing changes; a member already unsubscribed is told
so again (idempotent)."""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import HTMLResponse

from app.errors import InvalidToken
from app.privacy import service as privacy
from app.web import esc, page, read_form, request_locale, text, token_form

PATH = "/email/unsubscribe"

TEXTS = {
    "ask_title": {
        "en": "Unsubscribe from offers by email?",
        "nl": "Afmelden voor aanbiedingen per mail?",
        "es": "¿Darte de baja de las ofertas por correo?",
    },
    "ask_body": {
        "en": "You will no longer get offers and news from our loyalty program by email. "
        "Mail about your account, points and rewards still comes.",
        "nl": "Je krijgt dan geen aanbiedingen en nieuws van ons spaarprogramma meer per mail. "
        "Mail over je account, punten en beloningen blijft komen.",
        "es": "Dejarás de recibir por correo ofertas y novedades de nuestro programa de "
        "fidelidad. El correo sobre tu cuenta, tus puntos y tus recompensas seguirá llegando.",
    },
    "button": {"en": "Unsubscribe", "nl": "Afmelden", "es": "Darme de baja"},
    "done_title": {
        "en": "You are unsubscribed",
        "nl": "Je bent afgemeld",
        "es": "Te has dado de baja",
    },
    "done_body": {
        "en": "You will get no more offers by email. You can switch them on again in the "
        "app's privacy settings.",
        "nl": "Je krijgt geen aanbiedingen meer per mail. Je kunt ze weer aanzetten bij de "
        "privacy-instellingen in de app.",
        "es": "Ya no recibirás ofertas por correo. Puedes volver a activarlas en los ajustes "
        "de privacidad de la app.",
    },
    "invalid_title": {
        "en": "This link does not work",
        "nl": "Deze link werkt niet",
        "es": "Este enlace no funciona",
    },
    "invalid_body": {
        "en": "Use the unsubscribe link of a recent mail, or switch offers by email off in "
        "the app's privacy settings.",
        "nl": "Gebruik de afmeldlink uit een recente mail, of zet aanbiedingen per mail uit "
        "bij de privacy-instellingen in de app.",
        "es": "Usa el enlace para darte de baja de un correo reciente, o desactiva las "
        "ofertas por correo en los ajustes de privacidad de la app.",
    },
}


def _t(key: str, locale: str) -> str:
    return text(TEXTS, key, locale)


def _invalid(request: Request) -> HTMLResponse:
    locale = request_locale(request)
    return page(locale=locale, title=_t("invalid_title", locale),
                body=f"<p>{esc(_t('invalid_body', locale))}</p>", status=400)  # fmt: skip


def _done(locale: str) -> HTMLResponse:
    return page(locale=locale, title=_t("done_title", locale),
                body=f"<p>{esc(_t('done_body', locale))}</p>")  # fmt: skip


async def unsubscribe_page(request: Request) -> HTMLResponse:
    """GET: the question in the member's language, with a button that POSTs; no change."""
    token = request.query_params.get("token") or ""
    found = await privacy.read_unsubscribe(token=token)
    if found is None:
        return _invalid(request)
    locale = request_locale(request, found.locale)
    if not found.subscribed:
        return _done(locale)
    action = f"{PATH}?token={quote(token, safe='.')}"
    body = f"<p>{esc(_t('ask_body', locale))}</p>" + token_form(
        action=action, token=token, label=_t("button", locale)
    )
    return page(locale=locale, title=_t("ask_title", locale), body=body)


async def unsubscribe(request: Request) -> HTMLResponse:
    """POST: withdraw the marketing email consent (one-click or the page's button)."""
    form = await read_form(request)
    token = request.query_params.get("token") or str(form.get("token") or "")
    one_click = form.get("List-Unsubscribe") == "One-Click"
    try:
        done = await privacy.unsubscribe_by_mail(token=token, one_click=one_click)
    except InvalidToken:
        return _invalid(request)
    return _done(request_locale(request, done.locale))


async def email_unsubscribe(request: Request) -> HTMLResponse:
    """The route's endpoint: GET shows, POST unsubscribes."""
    if request.method == "POST":
        return await unsubscribe(request)
    return await unsubscribe_page(request)
