"""Integrations (admins): POS/CRM clients (create with a name and scopes, revoke) and webhook
endpoints (create, switch off and on, delete), each endpoint's delivery log with a replay
button per delivery.

A new client's secret, and a new endpoint's signing secret, are in the mutation's answer
only. The POST that creates one answers with a redirect to /console/integrations/created
and hands the secret over in a short-lived cookie (HttpOnly, SameSite=Strict, signed, tied
to the console session, limited to that one path); that page shows it and deletes the
cookie, so it is shown once: a reload, or the back button, shows it no more and never
creates a second client."""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

from starlette.responses import RedirectResponse, Response

from app.console import i18n, session
from app.console.core import (
    Console,
    Field,
    Html,
    el,
    error_box,
    form,
    hidden_csrf,
    page,
    table,
    when,
)
from app.console.operations import Problems, problems
from app.graphql.policy import Access

i18n.add({
    "integrations.title": ("Integrations", "Integraties", "Integraciones"),
    "integrations.clients": ("Clients", "Clients", "Clientes"),
    "integrations.clients_intro": ("Tills, web shops and CRMs sign in to the API with a client id "
                                   "and secret; the scopes decide what they may do.",
                                   "Kassa's, webshops en CRM's melden zich bij de API aan met een "
                                   "client-id en geheim; de scopes bepalen wat ze mogen.",
                                   "Cajas, tiendas en línea y CRM acceden a la API con un id de "
                                   "cliente y un secreto; los permisos deciden qué pueden hacer."),
    "integrations.no_clients": ("No clients yet.", "Nog geen clients.", "Aún no hay clientes."),
    "integrations.name": ("Name", "Naam", "Nombre"),
    "integrations.client_id": ("Client id", "Client-id", "Id de cliente"),
    "integrations.scopes": ("Scopes", "Scopes", "Permisos"),
    "integrations.created": ("Created", "Aangemaakt", "Creado"),
    "integrations.last_used": ("Last token", "Laatste token", "Último token"),
    "integrations.never": ("never", "nooit", "nunca"),
    "integrations.status": ("Status", "Status", "Estado"),
    "integrations.active": ("active", "actief", "activo"),
    "integrations.revoked": ("revoked {when}", "ingetrokken {when}", "revocado {when}"),
    "integrations.actions": ("Actions", "Acties", "Acciones"),
    "integrations.revoke": ("Revoke", "Intrekken", "Revocar"),
    "integrations.revoke_confirm": ("Revoke this client? Its tokens stop working at once.",
                                    "Deze client intrekken? Zijn tokens werken meteen niet meer.",
                                    "¿Revocar este cliente? Sus tokens dejan de funcionar ya."),
    "integrations.revoke_failed": ("No such client.", "Deze client bestaat niet.",
                                   "Ese cliente no existe."),
    "integrations.new_client": ("New client", "Nieuwe client", "Nuevo cliente"),
    "integrations.name_hint": ("For staff to recognise it by, e.g. the store's till.",
                               "Om hem te herkennen, bijvoorbeeld de kassa van de winkel.",
                               "Para reconocerlo, por ejemplo la caja de la tienda."),
    "integrations.create_client": ("Create the client", "Client aanmaken", "Crear el cliente"),
    "integrations.rotate_hint": ("To change a secret, create a new client with the same scopes, "
                                 "switch the integration over, then revoke the old one.",
                                 "Een geheim vervangen: maak een nieuwe client met dezelfde "
                                 "scopes, zet de koppeling om en trek dan de oude in.",
                                 "Para cambiar un secreto, crea un cliente nuevo con los mismos "
                                 "permisos, cambia la integración y revoca el antiguo."),
    "integrations.scope.purchases:write": ("Record purchases and refunds",
                                           "Aankopen en retouren boeken",
                                           "Registrar compras y devoluciones"),
    "integrations.scope.members:sync": ("Create and update members from a CRM",
                                        "Leden aanmaken en bijwerken vanuit een CRM",
                                        "Crear y actualizar miembros desde un CRM"),
    "integrations.scope.members:read": ("Read member profiles and balances",
                                        "Profielen en saldi van leden lezen",
                                        "Leer perfiles y saldos de miembros"),
    "integrations.scope.events:write": ("Record custom earning events",
                                        "Eigen spaargebeurtenissen boeken",
                                        "Registrar eventos propios que dan puntos"),
    "integrations.scope.vouchers:redeem": ("Validate and consume vouchers, and pay with points, "
                                           "at a till",
                                           "Vouchers controleren en innen, en met punten "
                                           "betalen, aan de kassa",
                                           "Validar y canjear vales, y pagar con puntos, en caja"),
    "integrations.scope.cashback:pay": ("List cashback owed to members and report it paid",
                                        "Verschuldigde cashback opvragen en als betaald melden",
                                        "Ver el reembolso debido y marcarlo como pagado"),
    "integrations.endpoints": ("Webhook endpoints", "Webhook-endpoints", "Endpoints de webhooks"),
    "integrations.endpoints_intro": ("The program POSTs signed events to these URLs.",
                                     "Het programma POST ondertekende gebeurtenissen naar "
                                     "deze URL's.",
                                     "El programa envía por POST eventos firmados a estas URL."),
    "integrations.no_endpoints": ("No webhook endpoints yet.", "Nog geen webhook-endpoints.",
                                  "Aún no hay endpoints de webhooks."),
    "integrations.url": ("URL", "URL", "URL"),
    "integrations.description": ("Note", "Notitie", "Nota"),
    "integrations.events": ("Events", "Gebeurtenissen", "Eventos"),
    "integrations.failures": ("Failures in a row", "Mislukt op rij", "Fallos seguidos"),
    "integrations.off": ("off: {reason}", "uit: {reason}", "desactivado: {reason}"),
    "integrations.log": ("Delivery log", "Bezorglog", "Registro de entregas"),
    "integrations.switch_off": ("Switch off", "Uitzetten", "Desactivar"),
    "integrations.switch_on": ("Switch on", "Aanzetten", "Activar"),
    "integrations.delete": ("Delete", "Verwijderen", "Eliminar"),
    "integrations.delete_confirm": ("Delete this endpoint and its delivery log?",
                                    "Dit endpoint en zijn bezorglog verwijderen?",
                                    "¿Eliminar este endpoint y su registro de entregas?"),
    "integrations.new_endpoint": ("New webhook endpoint", "Nieuw webhook-endpoint",
                                  "Nuevo endpoint de webhooks"),
    "integrations.url_hint": ("https://, reachable from the internet.",
                              "https://, bereikbaar vanaf internet.",
                              "https://, accesible desde internet."),
    "integrations.create_endpoint": ("Create the endpoint", "Endpoint aanmaken",
                                     "Crear el endpoint"),
    # the secret, once
    "integrations.once_title": ("Copy the secret now", "Kopieer het geheim nu",
                                "Copia el secreto ahora"),
    "integrations.once_client": ("The client “{name}” is created. Its secret is shown this once: "
                                 "store it where the integration keeps its credentials.",
                                 "De client “{name}” is aangemaakt. Het geheim wordt alleen nu "
                                 "getoond: bewaar het bij de gegevens van de koppeling.",
                                 "El cliente “{name}” está creado. Su secreto se muestra solo "
                                 "esta vez: guárdalo con las credenciales de la integración."),
    "integrations.once_endpoint": ("The endpoint {name} is created. Its signing secret is shown "
                                   "this once: the receiver verifies Loyalty-Signature with it.",
                                   "Het endpoint {name} is aangemaakt. Het ondertekengeheim wordt "
                                   "alleen nu getoond: de ontvanger controleert "
                                   "Loyalty-Signature ermee.",
                                   "El endpoint {name} está creado. Su secreto de firma se "
                                   "muestra solo esta vez: el receptor verifica "
                                   "Loyalty-Signature con él."),
    "integrations.secret": ("Secret", "Geheim", "Secreto"),
    "integrations.signing_secret": ("Signing secret", "Ondertekengeheim", "Secreto de firma"),
    "integrations.gone": ("A secret is shown once, when it is created, and never again. If it "
                          "is lost, revoke the client (or delete the endpoint) and create a "
                          "new one.",
                          "Een geheim wordt één keer getoond, bij het aanmaken, en daarna "
                          "nooit meer. Kwijt? Trek de client in (of verwijder het endpoint) "
                          "en maak een nieuwe.",
                          "Un secreto se muestra una vez, al crearlo, y nunca más. Si se "
                          "pierde, revoca el cliente (o elimina el endpoint) y crea uno nuevo."),
    "integrations.back": ("Back to integrations", "Terug naar integraties",
                          "Volver a integraciones"),
    # the delivery log
    "integrations.log_title": ("Deliveries to {url}", "Bezorgingen aan {url}",
                               "Entregas a {url}"),
    "integrations.not_found": ("No such webhook endpoint.", "Dit webhook-endpoint bestaat niet.",
                               "Ese endpoint de webhooks no existe."),
    "integrations.filter": ("Status", "Status", "Estado"),
    "integrations.all": ("All", "Alle", "Todas"),
    "integrations.apply": ("Show", "Tonen", "Mostrar"),
    "integrations.status.PENDING": ("pending", "wacht", "pendiente"),
    "integrations.status.DELIVERED": ("delivered", "bezorgd", "entregada"),
    "integrations.status.FAILED": ("failed", "mislukt", "fallida"),
    "integrations.event": ("Event", "Gebeurtenis", "Evento"),
    "integrations.sequence": ("No.", "Nr.", "N.º"),
    "integrations.attempts": ("Attempts", "Pogingen", "Intentos"),
    "integrations.last_result": ("Last result", "Laatste resultaat", "Último resultado"),
    "integrations.next_attempt": ("Next attempt", "Volgende poging", "Próximo intento"),
    "integrations.delivered": ("Delivered", "Bezorgd", "Entregada"),
    "integrations.payload": ("Body", "Inhoud", "Cuerpo"),
    "integrations.replay": ("Send again", "Opnieuw sturen", "Reenviar"),
    "integrations.replayed": ("The delivery is queued again.", "De bezorging staat weer in de rij.",
                              "La entrega vuelve a estar en cola."),
    "integrations.no_deliveries": ("No deliveries yet.", "Nog geen bezorgingen.",
                                   "Aún no hay entregas."),
    "integrations.more": ("Older deliveries", "Oudere bezorgingen", "Entregas anteriores"),
    "integrations.newest": ("Newest deliveries", "Nieuwste bezorgingen", "Entregas más recientes"),
})  # fmt: skip

SECRET_COOKIE = "loyalty_console_secret"
SECRET_PATH = "/console/integrations/created"
SECRET_PURPOSE = "integrations-secret"
SECRET_SECONDS = 300
PAGE_SIZE = 25
STATUSES = ("PENDING", "DELIVERED", "FAILED")
BASE = "/console/integrations"
LOG = "/console/integrations/endpoint"


def _facts(rows: list[list], css: str) -> Html:
    """A two-column table of label and value (no header row)."""
    return el("table", el("tbody", [el("tr", el("th", label, scope="row"), el("td", value))
                                    for label, value in rows]), class_=css)  # fmt: skip


# ---- the secret, shown once -------------------------------------------------------------------


def _hand_over(c: Console, *, kind: str, name: str, ident: str, secret: str) -> Response:
    """303 to the page that shows `secret` once (it travels in an encrypted cookie for that
    path alone, tied to this console session, never cached)."""
    payload = json.dumps({"k": kind, "n": name, "i": ident, "s": secret, "o": c.state.nonce,
                          "t": int(time.time())}).encode()  # fmt: skip
    response = RedirectResponse(SECRET_PATH, status_code=303)
    response.headers["Cache-Control"] = "no-store"
    response.set_cookie(SECRET_COOKIE, session.seal(c.settings, SECRET_PURPOSE, payload),
                        max_age=SECRET_SECONDS, path=SECRET_PATH, httponly=True,
                        secure=session.secure(c.settings), samesite="strict")  # fmt: skip
    return response


def _handed_over(c: Console) -> dict | None:
    value = c.request.cookies.get(SECRET_COOKIE)
    payload = (
        session.unseal(c.settings, SECRET_PURPOSE, value) if value and len(value) < 4096 else None
    )
    if payload is None:
        return None
    try:
        once = json.loads(payload)
    except ValueError:
        return None
    fresh = isinstance(once, dict) and time.time() - once.get("t", 0) < SECRET_SECONDS
    return once if fresh and once.get("o") == c.state.nonce else None


@page("/integrations/created", access=Access.INTEGRATIONS, methods=("GET",))
async def integrations_created(c: Console) -> Response:
    c.title = c.t("integrations.once_title")
    once = _handed_over(c)
    back = el("p", el("a", c.t("integrations.back"), href=BASE))
    if once is None:
        body = el("div", el("p", c.t("integrations.gone"), class_="muted", id="secret-gone"), back)
        response = c.render(body, title=c.t("integrations.title"))
    elif once["k"] == "client":
        body = el("div",
                  el("p", c.t("integrations.once_client", name=once["n"]), class_="notice",
                     role="status"),
                  _facts([[c.t("integrations.client_id"), el("code", once["i"], id="client-id")],
                          [c.t("integrations.secret"), el("code", once["s"], id="secret")]],
                         "secret"),
                  back)  # fmt: skip
        response = c.render(body, title=c.title)
    else:
        body = el("div",
                  el("p", c.t("integrations.once_endpoint", name=once["n"]), class_="notice",
                     role="status"),
                  _facts([[c.t("integrations.signing_secret"),
                           el("code", once["s"], id="secret")]], "secret"),
                  el("p", el("a", c.t("integrations.log"), href=LOG + "?" + urlencode(
                      {"id": once["i"]}))), back)  # fmt: skip
        response = c.render(body, title=c.title)
    response.delete_cookie(SECRET_COOKIE, path=SECRET_PATH, httponly=True,
                           secure=session.secure(c.settings), samesite="strict")  # fmt: skip
    return response


# ---- clients and endpoints ----------------------------------------------------------------


@page("/integrations", access=Access.INTEGRATIONS)
async def integrations(c: Console) -> Response | Html:
    c.title = c.t("integrations.title")
    refused: dict[str, Problems] = {}
    if c.request.method == "POST":
        answer = await _act(c, c.value("action"))
        if isinstance(answer, Response):
            return answer
        refused = answer
    outcome = await c.run("IntegrationsOverview")
    body = el("div", error_box(outcome),
              _problem_box(refused.get("row")),
              _clients(c, outcome.get("integrationClients", default=[]), refused.get("client"),
                       outcome.get("integrationScopes", default=[])),
              _endpoints(c, outcome.get("webhookEndpoints", default=[]),
                         refused.get("endpoint"), outcome.get("webhookEventTypes", default=[])))  # fmt: skip
    return c.render(body, title=c.title, status=422 if refused else 200)


def _problem_box(p: Problems | None) -> Html | None:
    if not p:
        return None
    messages = ([p.form] if p.form else []) + list(p.fields.values())
    return el("div", [el("p", m) for m in messages], class_="error", role="alert", id="refused")


async def _act(c: Console, action: str) -> Response | dict[str, Problems]:
    if action == "create_client":
        scopes = [s for s in c.values("scopes") if s][:20]
        outcome, refused = await c.mutate("IntegrationsCreateClient", {"input": {
            "name": c.value("name")[:200], "scopes": scopes}}, "createIntegrationClient")  # fmt: skip
        created = outcome.get("createIntegrationClient", default={})
        if refused or "clientSecret" not in created:
            return {"client": refused or Problems(form=c.t("integrations.revoke_failed"))}
        return _hand_over(c, kind="client", name=created["client"]["name"],
                          ident=created["client"]["clientId"], secret=created["clientSecret"])  # fmt: skip
    if action == "create_endpoint":
        outcome, refused = await c.mutate("IntegrationsCreateEndpoint", {"input": {
            "url": c.value("url")[:2100], "eventTypes": [t for t in c.values("eventTypes") if t][:50],
            "description": c.value("description")[:300] or None}}, "createWebhookEndpoint")  # fmt: skip
        created = outcome.get("createWebhookEndpoint", default={})
        if refused or "secret" not in created:
            return {"endpoint": refused or Problems(form=c.t("integrations.not_found"))}
        return _hand_over(c, kind="endpoint", name=created["endpoint"]["url"],
                          ident=created["endpoint"]["id"], secret=created["secret"])  # fmt: skip
    if action == "revoke_client":
        outcome = await c.run("IntegrationsRevokeClient", {"clientId": c.value("clientId")})
        refused = problems(outcome)
        if not refused and outcome.get("revokeIntegrationClient") is not True:
            refused = Problems(form=c.t("integrations.revoke_failed"))
        return {"row": refused} if refused else c.done(BASE)
    if action == "toggle_endpoint":
        _, refused = await c.mutate("IntegrationsUpdateEndpoint", {"input": {
            "id": c.value("id"), "active": c.value("active") == "true"}}, "updateWebhookEndpoint")  # fmt: skip
        return {"row": refused} if refused else c.done(BASE)
    if action == "delete_endpoint":
        _, refused = await c.mutate("IntegrationsDeleteEndpoint", {"id": c.value("id")},
                                    "deleteWebhookEndpoint")  # fmt: skip
        return {"row": refused} if refused else c.done(BASE)
    return {}


def _row_form(c: Console, action: str, label: str, *, css: str | None = None,
              confirm: str | None = None, **values: str) -> Html:  # fmt: skip
    """A one-button form posting `action` and `values` (ids the API checks)."""
    return el("form", hidden_csrf(c), el("input", type="hidden", name="action", value=action),
              [el("input", type="hidden", name=k, value=v) for k, v in values.items()],
              el("button", label, type="submit", class_=css),
              method="post", action=BASE, class_="inline", data_confirm=confirm)  # fmt: skip


def _checkboxes(name: str, legend: str, options: list[tuple[str, str]], chosen: set[str],
                form_id: str, error: str | None) -> Html:  # fmt: skip
    """A group of checkboxes with one legend; the API's error for the group beside it."""
    error_id = f"{form_id}-{name}-error"
    boxes = [
        el("div", el("input", type="checkbox", name=name, value=value, id=f"{form_id}-{name}-{i}",
                     checked=value in chosen),
           el("label", label, for_=f"{form_id}-{name}-{i}"), class_="field check")
        for i, (value, label) in enumerate(options)
    ]  # fmt: skip
    return el("fieldset",
              el("legend", legend, el("span", " *", class_="req", aria_hidden="true")),
              boxes,
              el("span", error, id=error_id, class_="field-error") if error else None,
              aria_describedby=error_id if error else None,
              aria_invalid="true" if error else None, id=f"{form_id}-{name}")  # fmt: skip


def _split(p: Problems | None, group: str) -> tuple[Problems, str | None]:
    """The form's problems without the checkbox group's (shown beside the group)."""
    p = p or Problems()
    return (Problems(form=p.form, fields={k: v for k, v in p.fields.items() if k != group}),
            p.fields.get(group))  # fmt: skip


def _scope_label(c: Console, scope: str, described: str) -> str:
    try:
        words = c.t(f"integrations.scope.{scope}")
    except KeyError:  # a scope this page has no words for yet: the API's description
        words = described
    return f"{scope}: {words}"


def _clients(c: Console, clients: list[dict], refused: Problems | None,
             scopes: list[dict]) -> Html:  # fmt: skip
    rows = []
    for client in clients:
        revoked = client.get("revokedAt")
        status = (c.t("integrations.revoked", when=when(revoked)) if revoked
                  else c.t("integrations.active"))  # fmt: skip
        action = None if revoked else _row_form(
            c, "revoke_client", c.t("integrations.revoke"), css="danger",
            confirm=c.t("integrations.revoke_confirm"), clientId=client["clientId"])  # fmt: skip
        rows.append([client["name"], el("code", client["clientId"]), ", ".join(client["scopes"]),
                     when(client["createdAt"]),
                     when(client.get("lastUsedAt")) or c.t("integrations.never"), status, action])  # fmt: skip
    listing = (table([c.t("integrations.name"), c.t("integrations.client_id"),
                      c.t("integrations.scopes"), c.t("integrations.created"),
                      c.t("integrations.last_used"), c.t("integrations.status"),
                      c.t("integrations.actions")], rows, css="clients")
               if rows else el("p", c.t("integrations.no_clients"), class_="muted"))  # fmt: skip
    posted = c.value("action") == "create_client"
    shown, scope_error = _split(refused, "scopes")
    create = form(
        c, action=BASE, form_id="client", problems=shown, submit=c.t("integrations.create_client"),
        fields=[Field("action", "", kind="hidden", value="create_client"),
                Field("name", c.t("integrations.name"), required=True,
                      value=c.value("name") if posted else "", hint=c.t("integrations.name_hint"),
                      attrs={"maxlength": "100"})],
        extra=_checkboxes("scopes", c.t("integrations.scopes"),
                          [(s["name"], _scope_label(c, s["name"], s["description"])) for s in scopes],
                          set(c.values("scopes")) if posted else set(), "client", scope_error),
    )  # fmt: skip
    return el("section", el("h2", c.t("integrations.clients")),
              el("p", c.t("integrations.clients_intro"), class_="muted"), listing,
              el("h3", c.t("integrations.new_client")), create,
              el("p", c.t("integrations.rotate_hint"), class_="hint"), id="clients")  # fmt: skip


def _endpoint_status(c: Console, endpoint: dict) -> str:
    if endpoint["active"]:
        return c.t("integrations.active")
    return c.t("integrations.off", reason=endpoint.get("disabledReason") or when(
        endpoint.get("disabledAt")))  # fmt: skip


def _endpoints(c: Console, endpoints: list[dict], refused: Problems | None,
               event_types: list[str]) -> Html:  # fmt: skip
    rows = []
    for e in endpoints:
        log = el("a", c.t("integrations.log"), href=LOG + "?" + urlencode({"id": e["id"]}))
        toggle = _row_form(c, "toggle_endpoint", c.t("integrations.switch_off") if e["active"]
                           else c.t("integrations.switch_on"), css="secondary", id=e["id"],
                           active="false" if e["active"] else "true")  # fmt: skip
        delete = _row_form(c, "delete_endpoint", c.t("integrations.delete"), css="danger",
                           confirm=c.t("integrations.delete_confirm"), id=e["id"])  # fmt: skip
        rows.append([el("code", e["url"]), e.get("description") or "", ", ".join(e["eventTypes"]),
                     _endpoint_status(c, e), e["consecutiveFailures"], when(e["createdAt"]),
                     el("div", log, toggle, delete)])  # fmt: skip
    listing = (table([c.t("integrations.url"), c.t("integrations.description"),
                      c.t("integrations.events"), c.t("integrations.status"),
                      c.t("integrations.failures"), c.t("integrations.created"),
                      c.t("integrations.actions")], rows, css="endpoints")
               if rows else el("p", c.t("integrations.no_endpoints"), class_="muted"))  # fmt: skip
    posted = c.value("action") == "create_endpoint"
    shown, events_error = _split(refused, "eventTypes")
    create = form(
        c, action=BASE, form_id="endpoint", problems=shown,
        submit=c.t("integrations.create_endpoint"),
        fields=[Field("action", "", kind="hidden", value="create_endpoint"),
                Field("url", c.t("integrations.url"), kind="url", required=True,
                      value=c.value("url") if posted else "", hint=c.t("integrations.url_hint"),
                      attrs={"maxlength": "2000", "placeholder": "https://"}),
                Field("description", c.t("integrations.description"),
                      value=c.value("description") if posted else "",
                      attrs={"maxlength": "200"})],
        extra=_checkboxes("eventTypes", c.t("integrations.events"),
                          [(t, t) for t in event_types],
                          set(c.values("eventTypes")) if posted else set(), "endpoint",
                          events_error),
    )  # fmt: skip
    return el("section", el("h2", c.t("integrations.endpoints")),
              el("p", c.t("integrations.endpoints_intro"), class_="muted"), listing,
              el("h3", c.t("integrations.new_endpoint")), create, id="endpoints")  # fmt: skip


# ---- one endpoint's delivery log --------------------------------------------------------------


@page("/integrations/endpoint", access=Access.INTEGRATIONS)
async def integrations_log(c: Console) -> Response | Html:
    endpoint_id = c.arg("id") or c.value("endpoint")
    refused = Problems()
    if c.request.method == "POST" and c.value("action") == "replay":
        _, refused = await c.mutate("IntegrationsReplay", {"id": c.value("id")},
                                    "replayWebhookDelivery")  # fmt: skip
        if not refused:
            return c.done(LOG, id=endpoint_id, note="replayed")
    status = c.arg("status") if c.arg("status") in STATUSES else ""
    outcome = await c.run("IntegrationsDeliveries", {
        "id": endpoint_id, "status": status or None, "first": PAGE_SIZE,
        "after": c.arg("after") or None})  # fmt: skip
    endpoint = outcome.get("node")
    if not endpoint or endpoint.get("__typename") != "WebhookEndpoint":
        c.title = c.t("integrations.log")
        return c.render(el("div", el("p", c.t("integrations.not_found"), class_="error"),
                           el("p", el("a", c.t("integrations.back"), href=BASE))),
                        title=c.title, status=404)  # fmt: skip
    c.title = c.t("integrations.log_title", url=endpoint["url"])
    connection = outcome.get("webhookDeliveries", default={})
    filter_form = form(c, action=LOG, method="get", form_id="filter", css="inline",
                       submit=c.t("integrations.apply"), fields=[
                           Field("id", "", kind="hidden", value=endpoint["id"]),
                           Field("status", c.t("integrations.filter"), kind="select", value=status,
                                 options=(("", c.t("integrations.all")), *(
                                     (s, c.t(f"integrations.status.{s}")) for s in STATUSES)))])  # fmt: skip
    summary = _facts([
        [c.t("integrations.url"), el("code", endpoint["url"])],
        [c.t("integrations.description"), endpoint.get("description") or ""],
        [c.t("integrations.events"), ", ".join(endpoint["eventTypes"])],
        [c.t("integrations.status"), _endpoint_status(c, endpoint)],
        [c.t("integrations.failures"), endpoint["consecutiveFailures"]],
    ], "endpoint")  # fmt: skip
    rows = [_delivery_row(c, d, endpoint["id"])
            for d in (e["node"] for e in connection.get("edges", []))]  # fmt: skip
    listing = (table([c.t("integrations.created"), c.t("integrations.event"),
                      c.t("integrations.sequence"), c.t("integrations.status"),
                      c.t("integrations.attempts"), c.t("integrations.last_result"),
                      c.t("integrations.next_attempt"), c.t("integrations.delivered"),
                      c.t("integrations.payload"), c.t("integrations.actions")], rows,
                     css="deliveries")
               if rows else el("p", c.t("integrations.no_deliveries"), class_="muted"))  # fmt: skip
    page_links = []
    if c.arg("after"):
        page_links.append(el("a", c.t("integrations.newest"), href=LOG + "?" + urlencode(
            {"id": endpoint["id"], "status": status})))  # fmt: skip
    info = connection.get("pageInfo") or {}
    if info.get("hasNextPage"):
        page_links.append(el("a", c.t("integrations.more"), href=LOG + "?" + urlencode(
            {"id": endpoint["id"], "status": status, "after": info["endCursor"]})))  # fmt: skip
    notice = c.t("integrations.replayed") if c.arg("done") and c.arg("note") == "replayed" else None
    body = el("div", el("p", el("a", c.t("integrations.back"), href=BASE)), summary,
              _problem_box(refused), error_box(outcome), el("h2", c.t("integrations.log")),
              filter_form, listing, el("p", page_links, class_="pages") if page_links else None)  # fmt: skip
    return c.render(body, title=c.title, status=422 if refused else 200, notice=notice)


def _delivery_row(c: Console, d: dict, endpoint_id: str) -> list:
    result = " · ".join(str(x) for x in (d.get("lastStatusCode"), d.get("lastError")) if x)
    replay = el("form", hidden_csrf(c),
                el("input", type="hidden", name="action", value="replay"),
                el("input", type="hidden", name="id", value=d["id"]),
                el("input", type="hidden", name="endpoint", value=endpoint_id),
                el("button", c.t("integrations.replay"), type="submit", class_="secondary",
                   aria_label=f"{c.t('integrations.replay')}: {d['eventType']} #{d['sequence']}"),
                method="post", action=LOG + "?" + urlencode({"id": endpoint_id}),
                class_="inline")  # fmt: skip
    body = el("details", el("summary", "JSON"),
              el("pre", json.dumps(d.get("payload"), indent=2, ensure_ascii=False)))  # fmt: skip
    return [when(d["createdAt"]), d["eventType"], d["sequence"],
            c.t(f"integrations.status.{d['status']}"), d["attempts"], result,
            when(d.get("nextAttemptAt")), when(d.get("deliveredAt")), body, replay]  # fmt: skip


ROUTES = [integrations, integrations_created, integrations_log]
