"""The pages mailed password links open: /account/reset-password (a RESET link: forgot
password, or the notice after a change) and /account/set-password (an INVITE link: an
account made for the member, with no password yet).

GET shows a form with one labelled new-password field (or, for a used, expired or unknown
link, a page that says so); nothing changes, so mail scanners following links spend
nothing. The form POSTs the token back in a hidden field; the answer is a success page, or
the form again with the problem beside the field (a weak password: the link still works).
A token of another link (a confirmation) is refused like a forged one, and POSTs are
counted per client address like `resetPassword` (a page that says to wait, 429).
No script; every value escaped (app.web)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from app import errors
from app.auth import recovery
from app.graphql.context import client_address
from app.i18n import translate
from app.mail import service as mail
from app.settings import get_settings
from app.web import LINK_TITLES, esc, page, read_form, request_locale, text

RESET_PATH = "/account/reset-password"
SET_PATH = "/account/set-password"

TEXTS = {
    "reset_title": {
        "en": "Choose a new password",
        "nl": "Kies een nieuw wachtwoord",
        "es": "Elige una contraseña nueva",
    },
    "set_title": {
        "en": "Set your password",
        "nl": "Kies je wachtwoord",
        "es": "Elige tu contraseña",
    },
    "intro": {
        "en": "Choose a password of at least 10 characters. Every device signed in to your "
        "account will be signed out.",
        "nl": "Kies een wachtwoord van minstens 10 tekens. Alle apparaten die in je account "
        "zijn ingelogd, worden uitgelogd.",
        "es": "Elige una contraseña de al menos 10 caracteres. Se cerrará la sesión en todos "
        "los dispositivos con tu cuenta abierta.",
    },
    "label": {"en": "New password", "nl": "Nieuw wachtwoord", "es": "Contraseña nueva"},
    "button": {"en": "Save password", "nl": "Wachtwoord opslaan", "es": "Guardar contraseña"},
    "done_title": {
        "en": "Your password is set",
        "nl": "Je wachtwoord is ingesteld",
        "es": "Tu contraseña está lista",
    },
    "done_body": {
        "en": "Sign in to the app with {email} and your new password.",
        "nl": "Log in op de app met {email} en je nieuwe wachtwoord.",
        "es": "Inicia sesión en la app con {email} y tu contraseña nueva.",
    },
    **LINK_TITLES,
    "busy_title": {
        "en": "Too many attempts",
        "nl": "Te veel pogingen",
        "es": "Demasiados intentos",
    },
    "busy_body": {
        "en": "Wait {minutes} minutes, then try again.",
        "nl": "Wacht {minutes} minuten en probeer het dan opnieuw.",
        "es": "Espera {minutes} minutos y vuelve a intentarlo.",
    },
    "invalid_body": {
        "en": "Ask for a new link in the app (Forgot password), and use the newest mail.",
        "nl": "Vraag in de app een nieuwe link aan (Wachtwoord vergeten) en gebruik de "
        "nieuwste mail.",
        "es": "Pide un enlace nuevo en la app (¿Has olvidado tu contraseña?) y usa el correo "
        "más reciente.",
    },
}


def _t(key: str, locale: str) -> str:
    return text(TEXTS, key, locale)


def _title(path: str, locale: str) -> str:
    return _t("set_title" if path == SET_PATH else "reset_title", locale)


def _refused(locale: str, reason: str) -> HTMLResponse:
    return page(locale=locale, title=_t(f"{reason}_title", locale),
                body=f"<p>{esc(_t('invalid_body', locale))}</p>", status=400)  # fmt: skip


def _form(path: str, locale: str, token: str, problem: str | None = None) -> HTMLResponse:
    error = ""
    described = ""
    if problem:
        error = f'<p class="error" id="password-error" role="alert">{esc(problem)}</p>'
        described = ' aria-describedby="password-error" aria-invalid="true"'
    body = (
        f"<p>{esc(_t('intro', locale))}</p>"
        f'<form method="post" action="{esc(f"{path}?lang={locale}")}">'
        f'<input type="hidden" name="token" value="{esc(token)}">'
        f'<label for="password">{esc(_t("label", locale))}</label>'
        f'<input id="password" name="password" type="password" autocomplete="new-password" '
        f'minlength="10" maxlength="256" required{described}>'
        f"{error}"
        f'<button type="submit">{esc(_t("button", locale))}</button></form>'
    )
    return page(locale=locale, title=_title(path, locale), body=body,
                status=400 if problem else 200)  # fmt: skip


async def _show(request: Request) -> HTMLResponse:
    token = request.query_params.get("token") or ""
    locale = request_locale(request)
    state = await mail.token_state(raw=token, purposes=recovery.RESET_PURPOSES)
    if state != "VALID":
        return _refused(locale, state)
    return _form(request.url.path, locale, token)


async def _submit(request: Request) -> HTMLResponse:
    form = await read_form(request)
    token = str(form.get("token") or "") or request.query_params.get("token") or ""
    password = str(form.get("password") or "")
    locale = request_locale(request)
    try:
        member = await recovery.reset_password(
            raw_token=token, new_password=password,
            client_address=client_address(request, get_settings()),
        )  # fmt: skip
    except errors.TooManyAttempts as exc:
        minutes = max(1, -(-exc.retry_after_seconds // 60))
        body = f"<p>{esc(_t('busy_body', locale).format(minutes=minutes))}</p>"
        busy = page(locale=locale, title=_t("busy_title", locale), body=body, status=429)
        busy.headers["Retry-After"] = str(exc.retry_after_seconds)
        return busy
    except errors.InvalidInput as exc:
        problem = exc.problems[0]
        return _form(request.url.path, locale, token,
                     translate(problem.code, locale, **problem.params))  # fmt: skip
    except errors.InvalidToken as exc:
        return _refused(locale, exc.reason)
    locale = request_locale(request, member.locale)
    body = f"<p>{esc(_t('done_body', locale).format(email=member.email))}</p>"
    return page(locale=locale, title=_t("done_title", locale), body=body)


async def password_page(request: Request) -> HTMLResponse:
    """GET shows the form (or why the link is dead); POST sets the password."""
    if request.method == "POST":
        return await _submit(request)
    return await _show(request)


ROUTES = [
    Route(RESET_PATH, password_page, methods=["GET", "POST"]),
    Route(SET_PATH, password_page, methods=["GET", "POST"]),
]
