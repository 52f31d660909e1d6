"""The console's routes: sign-in, sign-out, language, its static files, and every page
module's routes (app/console/pages/)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from app.console import i18n, session
from app.console.core import (
    LANG_COOKIE,
    Field,
    _context,
    _epoch,
    document,
    el,
    end_session,
    execute,
    read_form,
    request_lang,
)
from app.console.i18n import LANGUAGES
from app.console.operations import Problems, problems
from app.console.pages.integrations import SECRET_COOKIE, SECRET_PATH
from app.settings import Settings

STATIC = Path(__file__).parent / "static"

i18n.add({
    "login.title": ("Staff sign-in", "Aanmelden voor medewerkers", "Acceso del personal"),
    "login.email": ("Email", "E-mail", "Correo electrónico"),
    "login.password": ("Password", "Wachtwoord", "Contraseña"),
    "login.submit": ("Sign in", "Aanmelden", "Entrar"),
    "login.staff_only": ("This console is for staff accounts only.",
                         "Deze console is alleen voor medewerkers.",
                         "Esta consola es solo para cuentas del personal."),
    "login.expired": ("The sign-in form expired. Please try again.",
                      "Het aanmeldformulier is verlopen. Probeer het opnieuw.",
                      "El formulario de acceso ha caducado. Inténtalo de nuevo."),
    "login.signed_out": ("You are signed out.", "Je bent afgemeld.", "Has cerrado sesión."),
})  # fmt: skip


def _safe_next(value: str | None) -> str:
    """Only a console path of this site (never another host, never `//evil`)."""
    if not value or not value.startswith("/console") or value.startswith("//"):
        return "/console/"
    parsed = urlparse(value)
    if parsed.scheme or parsed.netloc or "\\" in value:
        return "/console/"
    return value


def _login_page(request: Request, settings: Settings, *, lang: str, problems: Problems,
                email: str = "", status: int = 200, notice: str | None = None) -> Response:  # fmt: skip
    from app.console.core import _field

    t = lambda key: i18n.t(lang, key)  # noqa: E731
    token, cookie = session.login_form_token(settings, request)
    fields = [
        Field("email", t("login.email"), kind="email", required=True, value=email,
              attrs={"autocomplete": "username"}),
        Field("password", t("login.password"), kind="password", required=True,
              attrs={"autocomplete": "current-password"}),
    ]  # fmt: skip
    top = [problems.form] if problems.form else []
    top += [m for k, m in problems.fields.items() if k not in ("email", "password")]
    body = el("main", el("h1", t("login.title")),
              el("p", notice, class_="notice", role="status") if notice else None,
              el("form",
                 el("div", [el("p", m) for m in top], class_="error", role="alert") if top else None,
                 el("input", type="hidden", name=session.CSRF_FIELD, value=token),
                 el("input", type="hidden", name="next",
                    value=_safe_next(request.query_params.get("next") or None)),
                 [_field(f, "login", problems.fields.get(f.name)) for f in fields],
                 el("button", t("login.submit"), type="submit"),
                 method="post", action="/console/login", id="login"),
              id="main", class_="login")  # fmt: skip
    page = document(lang, title=t("login.title"), body=body, status=status)
    if cookie is not None:
        session.set_login_cookie(page, settings, cookie)
    return page


async def login(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    lang = request_lang(request)
    if request.method == "GET":
        notice = i18n.t(lang, "login.signed_out") if request.query_params.get("out") else None
        return _login_page(request, settings, lang=lang, problems=Problems(), notice=notice)
    form = await read_form(request)
    if form is None or not session.login_form_ok(request, settings, form.get(session.CSRF_FIELD)):
        return _login_page(request, settings, lang=lang, status=403,
                           problems=Problems(form=i18n.t(lang, "login.expired")))  # fmt: skip
    email = str(form.get("email") or "").strip()[:320]
    password = str(form.get("password") or "")[:1024]
    schema = request.app.state.schema
    outcome = await execute(schema, _context(request, settings, None, lang), "ConsoleLogIn",
                            {"email": email, "password": password})  # fmt: skip
    refused = problems(outcome, "logIn")
    pair = outcome.get("logIn") or {}
    if refused or "accessToken" not in pair:
        return _login_page(request, settings, lang=lang, problems=refused or Problems(
            form=i18n.t(lang, "login.expired")), email=email, status=401)  # fmt: skip
    state = session.new_state(access=pair["accessToken"], refresh=pair["refreshToken"],
                              access_expires=_epoch(pair["accessTokenExpiresAt"]))  # fmt: skip
    me = await execute(schema, _context(request, settings, state.access, lang), "ConsoleViewer")
    role = str((me.get("me") or {}).get("role") or "member").lower()
    if role == "member":  # members are refused, and the session just opened ends
        await end_session(request, settings, state)
        return _login_page(request, settings, lang=lang, email=email, status=403,
                           problems=Problems(form=i18n.t(lang, "login.staff_only")))  # fmt: skip
    response = RedirectResponse(_safe_next(str(form.get("next") or "")), status_code=303)
    session.write(response, settings, state)
    session.clear_login(response, settings)
    return response


async def logout(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    state = session.read(request, settings)
    form = await read_form(request)
    given = request.headers.get(session.CSRF_HEADER) or (form.get(session.CSRF_FIELD)
                                                        if form is not None else None)  # fmt: skip
    if state is None or not session.csrf_ok(settings, state, given):
        return RedirectResponse("/console/login", status_code=303)
    await end_session(request, settings, state)
    response = RedirectResponse("/console/login?out=1", status_code=303)
    session.clear(response, settings)
    # A secret waiting to be shown once (integrations) dies with the session.
    response.delete_cookie(SECRET_COOKIE, path=SECRET_PATH, httponly=True,
                           secure=session.secure(settings), samesite="strict")  # fmt: skip
    return response


async def language(request: Request) -> Response:
    """Choose the console's language (a cookie; CSRF-checked like every POST)."""
    settings: Settings = request.app.state.settings
    state = session.read(request, settings)
    form = await read_form(request)
    if state is None or form is None or not session.csrf_ok(settings, state,
                                                            form.get(session.CSRF_FIELD)):  # fmt: skip
        return RedirectResponse("/console/login", status_code=303)
    lang = str(form.get("lang") or "")
    response = RedirectResponse(_safe_next(str(form.get("next") or "")), status_code=303)
    if lang in LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang, path="/console", max_age=365 * 86400,
                            httponly=True, secure=session.secure(settings), samesite="strict")  # fmt: skip
    return response


class _Static(StaticFiles):
    """The console's CSS and script, with the console's security headers."""

    async def get_response(self, path: str, scope) -> Response:
        response = await super().get_response(path, scope)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Cache-Control"] = "no-cache"
        return response


def routes() -> list[BaseRoute]:
    from app.console.pages import ROUTES

    return [
        Route("/console", lambda request: RedirectResponse("/console/", status_code=308)),
        Route("/console/login", login, methods=["GET", "POST"]),
        Route("/console/logout", logout, methods=["POST"]),
        Route("/console/language", language, methods=["POST"]),
        Mount("/console/static", app=_Static(directory=STATIC), name="console-static"),
        *ROUTES,
    ]
