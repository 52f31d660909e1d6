"""The page the "export ready" mail links to: /account/export?token=...

- GET says what the link holds (a copy of the member's data), until when the download
  works, and shows a Download button; it changes nothing, so mail link scanners and
  previews, which follow GET links, neither download the data nor use the download up.
- POST (the button, the token in the form body) takes the export once
  (`exports.take_download`) and answers with the file, exactly as the apps' link
  GET /exports/{token} does (app.privacy.routes.serve_download); a used, expired or
  unknown link answers with a page that says so (410 / 404).

The token (256 random bits, mailed to the account's address) is the only credential, as
on the other mailed pages (app.web): no session, no CSRF token. Pages are in the member's
language."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from app.members import service as members
from app.privacy import exports
from app.privacy.routes import STATUS, serve_download
from app.web import esc, page, read_form, request_locale, text, token_form

PATH = exports.PAGE_PATH

TEXTS = {
    "ready_title": {
        "en": "Your data export is ready",
        "nl": "Je gegevensexport staat klaar",
        "es": "Tu exportación de datos está lista",
    },
    "ready_body": {
        "en": "This is the copy of the personal data your loyalty account holds, as one "
        "JSON file. It can be downloaded once, until {until}. Download it on a device you "
        "trust.",
        "nl": "Dit is de kopie van de persoonsgegevens in je spaaraccount, als één "
        "JSON-bestand. Je kunt hem één keer downloaden, tot {until}. Download hem op een "
        "apparaat dat je vertrouwt.",
        "es": "Es la copia de los datos personales de tu cuenta de fidelidad, en un solo "
        "archivo JSON. Se puede descargar una vez, hasta el {until}. Descárgala en un "
        "dispositivo de confianza.",
    },
    "button": {"en": "Download", "nl": "Downloaden", "es": "Descargar"},
    "gone_title": {
        "en": "This download is no longer available",
        "nl": "Deze download is niet meer beschikbaar",
        "es": "Esta descarga ya no está disponible",
    },
    "gone_body": {
        "en": "It was downloaded already, or its link expired. You can ask for a new copy "
        "of your data in the app's privacy settings.",
        "nl": "Hij is al gedownload, of de link is verlopen. Je kunt een nieuwe kopie van "
        "je gegevens aanvragen bij de privacy-instellingen in de app.",
        "es": "Ya se descargó o el enlace ha caducado. Puedes pedir una copia nueva de tus "
        "datos en los ajustes de privacidad de la app.",
    },
    "missing_title": {
        "en": "This link does not work",
        "nl": "Deze link werkt niet",
        "es": "Este enlace no funciona",
    },
    "missing_body": {
        "en": "Ask for a copy of your data in the app's privacy settings, and use the newest mail.",
        "nl": "Vraag een kopie van je gegevens aan bij de privacy-instellingen in de app, "
        "en gebruik de nieuwste mail.",
        "es": "Pide una copia de tus datos en los ajustes de privacidad de la app y usa el "
        "correo más reciente.",
    },
    "unavailable_title": {
        "en": "Please try again in a moment",
        "nl": "Probeer het zo nog eens",
        "es": "Vuelve a intentarlo en un momento",
    },
    "unavailable_body": {
        "en": "The download could not be prepared just now.",
        "nl": "De download kon nu niet worden klaargezet.",
        "es": "No se ha podido preparar la descarga ahora.",
    },
}


def _t(key: str, locale: str) -> str:
    return text(TEXTS, key, locale)


def _until(at: dt.datetime) -> str:
    """When the link stops working, as the page shows it (ISO, UTC: unambiguous)."""
    return at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


async def _locale(request: Request, member_id: int | None) -> str:
    """The member's language when the export names one, else the browser's."""
    known = await members.locale_of(member_id=member_id) if member_id is not None else None
    return request_locale(request, known)


def _refusal(locale: str, status: str) -> HTMLResponse:
    return page(locale=locale, title=_t(f"{status}_title", locale),
                body=f"<p>{esc(_t(f'{status}_body', locale))}</p>",
                status=STATUS[status])  # fmt: skip


async def show(request: Request) -> HTMLResponse:
    """GET: what the link holds and a Download button that POSTs; nothing is spent."""
    token = request.query_params.get("token") or ""
    found = await exports.peek_download(token=token)
    locale = await _locale(request, found.member_id)
    if found.status != "ok":
        return _refusal(locale, found.status)
    action = f"{PATH}?token={quote(token, safe='')}&lang={locale}"
    body = (
        f"<p>{esc(_t('ready_body', locale).format(until=_until(found.expires_at)))}</p>"
        + token_form(action=action, token=token, label=_t("button", locale))
    )
    return page(locale=locale, title=_t("ready_title", locale), body=body)


async def download(request: Request) -> Response:
    """POST: the file, once (as GET /exports/{token} answers); else a page saying why."""
    form = await read_form(request)
    token = str(form.get("token") or "") or request.query_params.get("token") or ""

    async def refused(status: str) -> Response:
        member_id = None
        if status != "unavailable":  # the database just failed: ask it nothing more
            member_id = (await exports.peek_download(token=token)).member_id
        return _refusal(await _locale(request, member_id), status)

    return await serve_download(request, token, refused)


async def export_page(request: Request) -> Response:
    """The route's endpoint: GET shows, POST downloads."""
    if request.method == "POST":
        return await download(request)
    return await show(request)
