"""One console request: its session, its staff member, its language, the operations it
runs, and the page it answers with.

`page(path, access=...)` turns `async def handler(c: Console) -> Response | Html` into a
route: the session cookie is read (an expired access token is refreshed, an idle or
revoked session is sent to sign-in), every POST must carry the session's CSRF token, the
handler runs, and the cookie is written back with the new activity time."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from app.console import i18n, session
from app.console.html import Html, el, esc, join, raw
from app.console.i18n import LANGUAGE_NAMES, LANGUAGES
from app.console.operations import Outcome, Problems, documents, problems
from app.graphql.context import Context
from app.graphql.loaders import Loaders
from app.graphql.policy import RULES, Access
from app.i18n import pick_locale
from app.requests import current_request_id
from app.settings import Settings

LANG_COOKIE = "loyalty_console_lang"
MAX_FORM_FIELDS = 200
MAX_FORM_BYTES = 256 * 1024

HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
    # No inline script or style anywhere: the console's own files only.
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'",
}

i18n.add({
    "console": ("Loyalty console", "Loyaltyconsole", "Consola de fidelización"),
    "nav.dashboard": ("Dashboard", "Dashboard", "Panel"),
    "nav.members": ("Members", "Leden", "Miembros"),
    "nav.campaigns": ("Campaigns", "Campagnes", "Campañas"),
    "nav.catalog": ("Catalog", "Catalogus", "Catálogo"),
    "nav.community": ("Community", "Community", "Comunidad"),
    "nav.program": ("Program", "Programma", "Programa"),
    "nav.integrations": ("Integrations", "Integraties", "Integraciones"),
    "sign_out": ("Sign out", "Afmelden", "Cerrar sesión"),
    "language": ("Language", "Taal", "Idioma"),
    "apply": ("Apply", "Toepassen", "Aplicar"),
    "saved": ("Saved.", "Opgeslagen.", "Guardado."),
    "signed_in_as": ("Signed in as {name} ({role})", "Aangemeld als {name} ({role})",
                     "Sesión iniciada como {name} ({role})"),
    "role.admin": ("admin", "beheerder", "administrador"),
    "role.marketer": ("marketer", "marketeer", "marketing"),
    "role.support": ("support", "support", "soporte"),
    "csrf_refused": ("This form has expired or did not come from the console. Reload the "
                     "page and try again.",
                     "Dit formulier is verlopen of kwam niet van de console. Laad de pagina "
                     "opnieuw en probeer het nog eens.",
                     "Este formulario ha caducado o no viene de la consola. Recarga la "
                     "página e inténtalo de nuevo."),
    "forbidden": ("Your role may not use this page.", "Je rol mag deze pagina niet gebruiken.",
                  "Tu rol no puede usar esta página."),
    "not_found": ("Not found.", "Niet gevonden.", "No encontrado."),
    "skip": ("Skip to content", "Naar de inhoud", "Ir al contenido"),
    "required": ("required", "verplicht", "obligatorio"),
    "confirm": ("Are you sure?", "Weet je het zeker?", "¿Seguro?"),
})  # fmt: skip


@dataclass(frozen=True)
class Section:
    path: str
    label: str  # i18n key
    access: Access
    also: tuple[Access, ...] = ()  # other accesses that make the section useful

    def shown_to(self, c: Console) -> bool:
        return any(c.may(a) for a in (self.access, *self.also))


# The navigation, in order; a section shows when the role may use its Access.
SECTIONS = (
    Section("/console/", "nav.dashboard", Access.ANALYTICS),
    Section("/console/members", "nav.members", Access.MEMBER),
    Section("/console/campaigns", "nav.campaigns", Access.CAMPAIGNS),
    Section(
        "/console/catalog",
        "nav.catalog",
        Access.EDIT_CATALOG,
        (Access.EDIT_OFFERS, Access.EDIT_CONTENT, Access.EDIT_TIERS, Access.EDIT_EARNING_RULES),
    ),
    Section(
        "/console/community",
        "nav.community",
        Access.MODERATE_COMMUNITY,
        (Access.ORGANIZE_COMMUNITY,),
    ),
    Section("/console/program", "nav.program", Access.PROGRAM_TERMS),
    Section("/console/integrations", "nav.integrations", Access.INTEGRATIONS),
)


def may(role: str | None, access: Access | None) -> bool:
    """Whether a staff `role` may use what `access` guards (the policy table's answer)."""
    if access is None:
        return role is not None
    return role is not None and any(r.value == role.lower() for r in RULES[access].staff)


class Redirect(Exception):
    """Answer with a 303 to `location` (raised from deep inside a handler)."""

    def __init__(self, location: str):
        self.location = location


@dataclass
class Console:
    """The request as a page handler sees it."""

    request: Request
    settings: Settings
    schema: Any
    state: session.State
    viewer: dict[str, Any]
    lang: str
    context: Context
    form_data: FormData | None = None
    title: str = ""
    _dirty: bool = field(default=False)

    # ---- words and identity -------------------------------------------------------------

    def t(self, key: str, **values: object) -> str:
        return i18n.t(self.lang, key, **values)

    @property
    def role(self) -> str:
        return str(self.viewer.get("role") or "").lower()

    def may(self, access: Access | None) -> bool:
        return may(self.role, access)

    @property
    def csrf(self) -> str:
        return session.csrf_token(self.settings, self.state)

    # ---- operations -----------------------------------------------------------------------

    async def run(self, name: str, variables: dict[str, Any] | None = None) -> Outcome:
        """Execute the console operation `name` as the signed-in staff member."""
        return await execute(self.schema, self.context, name, variables)

    async def mutate(self, name: str, variables: dict[str, Any], result_field: str
                     ) -> tuple[Outcome, Problems]:  # fmt: skip
        outcome = await self.run(name, variables)
        return outcome, problems(outcome, result_field, self.lang)

    # ---- the request's inputs -------------------------------------------------------------

    def arg(self, name: str, default: str = "") -> str:
        value = self.request.query_params.get(name)
        return value[:500] if value is not None else default

    def value(self, name: str, default: str = "") -> str:
        if self.form_data is None:
            return default
        value = self.form_data.get(name)
        return value.strip() if isinstance(value, str) else default

    def values(self, name: str) -> list[str]:
        if self.form_data is None:
            return []
        return [v.strip() for v in self.form_data.getlist(name) if isinstance(v, str)]

    def checked(self, name: str) -> bool:
        return self.value(name) in ("on", "true", "1")

    # ---- answers --------------------------------------------------------------------------

    def render(self, body: Html, *, title: str, status: int = 200, notice: str | None = None
               ) -> HTMLResponse:  # fmt: skip
        """The whole page: chrome (navigation for the role, language, sign-out) and `body`."""
        done = notice or (self.t("saved") if self.arg("done") else None)
        return layout(self, title=title, body=body, status=status, notice=done)

    def done(self, path: str, **params: str) -> RedirectResponse:
        """After a successful POST: back to `path` (GET), which shows "Saved."."""
        query = urlencode({"done": "1", **params})
        return RedirectResponse(f"{path}?{query}", status_code=303)


async def execute(schema: Any, context: Context, name: str,
                  variables: dict[str, Any] | None = None) -> Outcome:  # fmt: skip
    """Run one console operation with `context` (fresh DataLoaders each time, so a read
    after a write sees the write)."""
    context.loaders = Loaders()  # the verified identity stays cached in the context
    result = await schema.execute(documents()[name], variable_values=variables or {},
                                  context_value=context, operation_name=name)  # fmt: skip
    errors = []
    for error in result.errors or []:
        ext = error.extensions or {}
        errors.append({"message": error.message, "code": ext.get("code"),
                       "path": list(error.path or []), "fields": ext.get("fields") or []})  # fmt: skip
    return Outcome(data=result.data, errors=errors)


def _context(request: Request, settings: Settings, token: str | None, lang: str) -> Context:
    return Context(request=request, response=None, settings=settings,
                   request_id=current_request_id(), token=token, locale_hint=lang)  # fmt: skip


def request_lang(request: Request, preferred: str | None = None) -> str:
    chosen = request.cookies.get(LANG_COOKIE)
    return pick_locale(chosen if chosen in LANGUAGES else None, preferred,
                       accept_language=request.headers.get("accept-language"))  # fmt: skip


async def read_form(request: Request) -> FormData | None:
    """The posted form (url-encoded or multipart without files), None when too large."""
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > MAX_FORM_BYTES):
        return None
    try:
        form = await request.form(max_files=0, max_fields=MAX_FORM_FIELDS,
                                  max_part_size=MAX_FORM_BYTES)  # fmt: skip
    except Exception:  # malformed or over a limit: treated as no form at all
        return None
    return form


def _to_login(request: Request, settings: Settings, *, clear: bool) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    location = "/console/login" + (
        "?" + urlencode({"next": target}) if request.method == "GET" and target != "/console/"
        else "")  # fmt: skip
    response = RedirectResponse(location, status_code=303)
    if clear:
        session.clear(response, settings)
    return response


async def open_console(request: Request) -> Console | Response:
    """The Console for a signed-in staff member, or the response that sends them to sign in."""
    settings: Settings = request.app.state.settings
    schema = request.app.state.schema
    state = session.read(request, settings)
    if state is None:
        return _to_login(request, settings, clear=request.cookies.get(
            session.cookie_name(settings)) is not None)  # fmt: skip
    lang = request_lang(request)
    if session.idle(state):
        await end_session(request, settings, state)
        return _to_login(request, settings, clear=True)
    if state.access_expires - time.time() < REFRESH_BEFORE_SECONDS:
        rotated = await _rotate(request, settings, state, lang)
        if isinstance(rotated, Response):
            return rotated
        if rotated is None:
            return _to_login(request, settings, clear=True)
        state = rotated
    context = _context(request, settings, state.access, lang)
    me = await execute(schema, context, "ConsoleViewer")
    if outage := _outage(me, lang):
        return outage
    viewer = me.get("me")
    if not viewer or str(viewer.get("role", "")).lower() == "member":
        return _to_login(request, settings, clear=True)
    lang = request_lang(request, viewer.get("locale"))
    context.locale_hint = lang
    # A page's own background read (console.js) is not the staff member's activity: an
    # unattended page left open still idles out.
    polled = request.headers.get("x-console-poll") == "1"
    return Console(request=request, settings=settings, schema=schema,
                   state=state if polled else session.touched(state), viewer=viewer,
                   lang=lang, context=context)  # fmt: skip


OUTAGES = ("SERVICE_UNAVAILABLE", "TIMEOUT")


def _outage(outcome: Outcome, lang: str) -> Response | None:
    """A 503 page when the API could not answer (database down, time budget spent): the
    session is kept, since nothing says it ended."""
    if not any(code in OUTAGES for code in outcome.codes):
        return None
    message = next(e["message"] for e in outcome.errors if e.get("code") in OUTAGES)
    page = document(lang, title=i18n.t(lang, "console"),
                    body=el("main", el("h1", i18n.t(lang, "console")),
                            el("p", message, class_="error", role="alert"), id="main"),
                    status=503)  # fmt: skip
    page.headers["Retry-After"] = "5"
    return page


REFRESH_BEFORE_SECONDS = 60  # rotate the token pair when the access token has this little left
# Pairs this process rotated, by the refresh token they replaced: a request that still
# carries the old cookie (sent before the rotation's answer arrived, or a slower request
# writing the old cookie back) uses the new pair instead of presenting a spent refresh
# token, which the API would take for a leak and answer by revoking the session.
_ROTATED: dict[str, tuple[float, session.State]] = {}
_ROTATED_KEEP_SECONDS = 300
_ROTATING: dict[str, asyncio.Lock] = {}


async def _rotate(request: Request, settings: Settings, state: session.State,
                  lang: str) -> session.State | Response | None:  # fmt: skip
    """The session with a fresh token pair (None when the API refuses to refresh it, a 503
    page when it could not answer)."""
    lock = _ROTATING.setdefault(state.refresh, asyncio.Lock())
    try:
        return await _rotate_locked(lock, request, settings, state, lang)
    finally:
        _ROTATING.pop(state.refresh, None)


async def _rotate_locked(lock: asyncio.Lock, request: Request, settings: Settings,
                         state: session.State, lang: str) -> session.State | Response | None:  # fmt: skip
    async with lock:
        now = time.monotonic()
        for key, (at, _) in list(_ROTATED.items()):
            if now - at > _ROTATED_KEEP_SECONDS:
                del _ROTATED[key]
        done = _ROTATED.get(state.refresh)
        if done is not None:
            return replace(done[1], seen=state.seen)
        refreshed = await execute(request.app.state.schema, _context(request, settings, None, lang),
                                  "ConsoleRefresh", {"refreshToken": state.refresh})  # fmt: skip
        if outage := _outage(refreshed, lang):
            return outage
        pair = refreshed.get("refreshSession") or {}
        if "accessToken" not in pair:
            return None
        # The nonce stays: the CSRF token of pages already open keeps working.
        rotated = replace(state, access=pair["accessToken"], refresh=pair["refreshToken"],
                          access_expires=_epoch(pair["accessTokenExpiresAt"]))  # fmt: skip
        _ROTATED[state.refresh] = (now, rotated)
    return rotated


def _epoch(value: str) -> int:
    return int(dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())


async def end_session(request: Request, settings: Settings, state: session.State) -> None:
    """Revoke the API session behind the cookie (best effort: an expired access token is
    refreshed first so the revocation is authorized)."""
    schema = request.app.state.schema
    lang = request_lang(request)
    token = state.access
    if state.access_expires - time.time() < 5:
        rotated = await _rotate(request, settings, state, lang)
        token = rotated.access if isinstance(rotated, session.State) else None
    if token:
        await execute(schema, _context(request, settings, token, lang), "ConsoleSignOut")


Handler = Callable[[Console], Awaitable[Response | Html]]


def page(path: str, *, access: Access | None, methods: tuple[str, ...] = ("GET", "POST"),
         name: str | None = None) -> Callable[[Handler], Route]:  # fmt: skip
    """A console route at /console`path` for staff whose role `access` allows (the API
    still decides every operation)."""

    def wrap(handler: Handler) -> Route:
        async def endpoint(request: Request) -> Response:
            opened = await open_console(request)
            if isinstance(opened, Response):
                return opened
            c = opened
            if request.method == "POST":
                c.form_data = await read_form(request)
                given = request.headers.get(session.CSRF_HEADER) or (
                    c.value(session.CSRF_FIELD) if c.form_data is not None else None
                )
                if c.form_data is None or not session.csrf_ok(c.settings, c.state, given):
                    response: Response = c.render(
                        el("p", c.t("csrf_refused"), class_="error", role="alert"),
                        title=c.t("console"), status=403)  # fmt: skip
                    session.write(response, c.settings, c.state)
                    return response
            if not c.may(access):
                response = c.render(el("p", c.t("forbidden"), class_="error", role="alert"),
                                    title=c.t("console"), status=403)  # fmt: skip
            else:
                try:
                    answer = await handler(c)
                except Redirect as redirect:
                    answer = RedirectResponse(redirect.location, status_code=303)
                response = (answer if isinstance(answer, Response)
                            else c.render(answer, title=c.title or c.t("console")))  # fmt: skip
            session.write(response, c.settings, c.state)
            return response

        endpoint.__name__ = name or handler.__name__
        return Route("/console" + path, endpoint, methods=list(methods), name=name)

    return wrap


# ---- layout ---------------------------------------------------------------------------------


def layout(c: Console, *, title: str, body: Html, status: int = 200,
           notice: str | None = None) -> HTMLResponse:  # fmt: skip
    nav = el("nav", el("ul", [
        el("li", el("a", c.t(s.label), href=s.path,
                    aria_current="page" if _current(c, s) else None))
        for s in SECTIONS if s.shown_to(c)
    ]), aria_label=c.t("console"))  # fmt: skip
    languages = el(
        "form",
        el("label", c.t("language"), for_="console-lang"),
        el("select", [el("option", LANGUAGE_NAMES[code], value=code, selected=code == c.lang)
                      for code in LANGUAGES], id="console-lang", name="lang"),
        hidden_csrf(c),
        el("input", type="hidden", name="next", value=c.request.url.path),
        el("button", c.t("apply"), type="submit"),
        method="post", action="/console/language", class_="inline",
    )  # fmt: skip
    sign_out = el("form", hidden_csrf(c), el("button", c.t("sign_out"), type="submit"),
                  method="post", action="/console/logout", class_="inline")  # fmt: skip
    who = el("p", c.t("signed_in_as", name=c.viewer.get("displayName") or c.viewer.get("email"),
                      role=c.t("role." + c.role) if c.role in ("admin", "marketer", "support")
                      else c.role), class_="who")  # fmt: skip
    header = el(
        "header",
        el("a", c.t("skip"), href="#main", class_="skip"),
        el("strong", c.t("console"), class_="brand"),
        nav,
        who,
        languages,
        sign_out,
    )
    notice_html = el("p", notice, class_="notice", role="status") if notice else None
    main = el("main", el("h1", title), notice_html, body, id="main", tabindex="-1")
    return document(c.lang, title=f"{title} · {c.t('console')}", body=join(header, main),
                    csrf=c.csrf, status=status)  # fmt: skip


def _current(c: Console, s: Section) -> bool:
    path = c.request.url.path
    return path == s.path or (s.path != "/console/" and path.startswith(s.path))


def document(lang: str, *, title: str, body: Html, csrf: str | None = None,
             status: int = 200) -> HTMLResponse:  # fmt: skip
    head = join(
        raw('<meta charset="utf-8">'),
        raw('<meta name="viewport" content="width=device-width,initial-scale=1">'),
        el("meta", name="csrf-token", content=csrf) if csrf else None,
        el("title", title),
        el("link", rel="stylesheet", href="/console/static/console.css"),
        el("script", src="/console/static/console.js", defer=True),
    )
    text = "<!doctype html>" + el("html", el("head", head), el("body", body), lang=lang)
    return HTMLResponse(text, status_code=status, headers=HEADERS)


def hidden_csrf(c: Console) -> Html:
    return el("input", type="hidden", name=session.CSRF_FIELD, value=c.csrf)


# ---- forms ---------------------------------------------------------------------------------


@dataclass
class Field:
    """One input of a form: `name` is the form field and, unless `api` says otherwise, the
    API input field whose errors appear beside it."""

    name: str
    label: str  # already translated
    kind: str = "text"  # text, textarea, number, email, password, select, checkbox,
    #                      date, datetime-local, hidden, search, url
    required: bool = False
    options: tuple[tuple[str, str], ...] = ()  # (value, label) for select
    value: str = ""
    hint: str | None = None
    api: str | None = None
    attrs: dict[str, str] = field(default_factory=dict)


def form(c: Console, *, action: str, fields: list[Field], submit: str,
         problems: Problems | None = None, form_id: str = "form", method: str = "post",
         confirm: str | None = None, extra: Html | None = None,
         css: str | None = None) -> Html:  # fmt: skip
    """A form whose every input has a label, whose errors sit beside the input they concern
    (an API field error with no input here is shown at the top), and which posts the CSRF
    token."""
    problems = problems or Problems()
    matched: set[str] = set()
    rows = []
    for f in fields:
        key = f.api or f.name
        error = problems.fields.get(key)
        if error:
            matched.add(key)
        rows.append(_field(f, form_id, error))
    unmatched = [m for k, m in problems.fields.items() if k not in matched]
    top = [problems.form] if problems.form else []
    top += unmatched
    return el(
        "form",
        el("div", [el("p", m) for m in top], class_="error", role="alert") if top else None,
        hidden_csrf(c) if method == "post" else None,
        rows,
        extra,
        el("button", submit, type="submit"),
        method=method, action=action, id=form_id, class_=css,
        data_confirm=confirm,
    )  # fmt: skip


def _field(f: Field, form_id: str, error: str | None) -> Html:
    ident = f"{form_id}-{f.name}".replace(".", "-").replace("[", "-").replace("]", "")
    if f.kind == "hidden":
        return el("input", type="hidden", name=f.name, value=f.value)
    described = []
    hint = error_p = None
    if f.hint:
        hint = el("small", f.hint, id=ident + "-hint", class_="hint")
        described.append(ident + "-hint")
    if error:
        error_p = el("span", error, id=ident + "-error", class_="field-error")
        described.append(ident + "-error")
    common = dict(id=ident, name=f.name, required=f.required,
                  aria_invalid="true" if error else None,
                  aria_describedby=" ".join(described) or None, **f.attrs)  # fmt: skip
    if f.kind == "textarea":
        control = el("textarea", f.value, **common)
    elif f.kind == "select":
        control = el("select", [el("option", label, value=value, selected=value == f.value)
                                for value, label in f.options], **common)  # fmt: skip
    elif f.kind == "checkbox":
        control = el("input", type="checkbox", checked=f.value in ("on", "true", "1"), **common)
        return el("div", control, el("label", f.label, for_=ident), hint, error_p,
                  class_="field check")  # fmt: skip
    else:
        control = el("input", type=f.kind, value=f.value, **common)
    label = el("label", f.label, el("span", " *", class_="req", aria_hidden="true")
               if f.required else None, for_=ident)  # fmt: skip
    return el("div", label, control, hint, error_p, class_="field" + (" invalid" if error else ""))


def table(headers: list[str], rows: list[list[Any]], *, caption: str | None = None,
          css: str | None = None) -> Html:  # fmt: skip
    return el("table",
              el("caption", caption) if caption else None,
              el("thead", el("tr", [el("th", h, scope="col") for h in headers])),
              el("tbody", [el("tr", [el("td", cell) for cell in row]) for row in rows]),
              class_=css)  # fmt: skip


def error_box(outcome: Outcome) -> Html | None:
    """The top-level errors of a read, as a page shows them (None when there were none)."""
    if not outcome.errors:
        return None
    return el("div", [el("p", e["message"]) for e in outcome.errors], class_="error", role="alert")


def when(value: str | None) -> str:
    """An API DateTime as a person reads it (UTC, to the minute)."""
    if not value:
        return ""
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


__all__ = [
    "Console",
    "Field",
    "Html",
    "Redirect",
    "el",
    "error_box",
    "esc",
    "form",
    "join",
    "page",
    "raw",
    "table",
    "when",
]
