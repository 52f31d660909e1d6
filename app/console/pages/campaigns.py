"""Campaigns: every campaign with its status (filtered by status, a page at a time);
compose a draft (channels, a segment with its audience counted live, a text per language
with the personalization fields, quiet hours, a control group) and reopen it to edit it;
preview it as a member (by global id or email); schedule it or launch it now; cancel it;
and watch a campaign's progress and results (sent, skipped by reason, failed, opened, each
channel, uplift against the control group)."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from urllib.parse import urlencode

from starlette.responses import RedirectResponse, Response

from app.console import i18n
from app.console.core import (
    Console,
    Field,
    Html,
    _field,
    el,
    error_box,
    form,
    hidden_csrf,
    page,
    table,
    when,
)
from app.console.operations import Outcome, Problems, problems
from app.graphql.policy import Access

i18n.add({
    "campaigns.title": ("Campaigns", "Campagnes", "Campañas"),
    "campaigns.new": ("New campaign", "Nieuwe campagne", "Nueva campaña"),
    "campaigns.all_list": ("Every campaign, drafts included, the newest first.",
                           "Alle campagnes, concepten inbegrepen, de nieuwste eerst.",
                           "Todas las campañas, borradores incluidos, las más recientes primero."),
    "campaigns.none": ("No campaign yet.", "Nog geen campagne.", "Todavía no hay campañas."),
    "campaigns.none_in_status": ("No campaign has this status.",
                                 "Geen campagne heeft deze status.",
                                 "Ninguna campaña tiene este estado."),
    "campaigns.filter_status": ("Show campaigns that are", "Toon campagnes die zijn",
                                "Mostrar campañas que están"),
    "campaigns.all_statuses": ("in any status", "in elke status", "en cualquier estado"),
    "campaigns.filter": ("Show", "Tonen", "Mostrar"),
    "campaigns.older": ("Older campaigns", "Oudere campagnes", "Campañas anteriores"),
    "campaigns.newest": ("The newest campaigns", "De nieuwste campagnes",
                         "Las campañas más recientes"),
    "campaigns.created_at": ("Drafted", "Opgesteld", "Redactada"),
    "campaigns.edit": ("Edit draft", "Concept bewerken", "Editar borrador"),
    "campaigns.edit_title": ("Edit the draft", "Het concept bewerken", "Editar el borrador"),
    "campaigns.not_draft": ("This campaign is no longer a draft, so it can no longer be changed.",
                            "Deze campagne is geen concept meer en kan dus niet meer worden "
                            "gewijzigd.",
                            "Esta campaña ya no es un borrador, así que ya no se puede cambiar."),
    "campaigns.updated": ("The draft is saved.", "Het concept is opgeslagen.",
                          "El borrador está guardado."),
    "campaigns.not_counted": ("not counted yet", "nog niet geteld", "sin contar todavía"),
    "campaigns.name": ("Name", "Naam", "Nombre"),
    "campaigns.status": ("Status", "Status", "Estado"),
    "campaigns.launched_at": ("Launched", "Gestart", "Lanzada"),
    "campaigns.send_at": ("Sent from", "Verzonden vanaf", "Envío desde"),
    "campaigns.recipients": ("Recipients", "Ontvangers", "Destinatarios"),
    "campaigns.control": ("Control group", "Controlegroep", "Grupo de control"),
    "campaigns.results": ("Results", "Resultaten", "Resultados"),
    "campaigns.status_results": ("Status and results", "Status en resultaten",
                                 "Estado y resultados"),
    "campaigns.launched": ("The campaign is launched.", "De campagne is gestart.",
                           "La campaña está lanzada."),
    "campaigns.cancelled": ("The campaign is cancelled.", "De campagne is geannuleerd.",
                            "La campaña está cancelada."),
    "campaigns.drafted": ("The draft is saved. Preview it, then launch or schedule it.",
                          "Het concept is opgeslagen. Bekijk het voorbeeld en start of plan het.",
                          "El borrador está guardado. Revisa la vista previa y lánzalo o "
                          "prográmalo."),
    "campaigns.open": ("Campaign", "Campagne", "Campaña"),
    "campaigns.back": ("Back to the campaigns", "Terug naar de campagnes",
                       "Volver a las campañas"),
    "campaigns.not_found": ("No such campaign.", "Deze campagne bestaat niet.",
                            "Esa campaña no existe."),
    "campaigns.status.DRAFT": ("draft", "concept", "borrador"),
    "campaigns.status.SCHEDULED": ("launched, sending", "gestart, wordt verzonden",
                                   "lanzada, enviándose"),
    "campaigns.status.DONE": ("done", "klaar", "terminada"),
    "campaigns.status.CANCELLED": ("cancelled", "geannuleerd", "cancelada"),
    # compose
    "campaigns.compose": ("Compose a campaign", "Campagne opstellen", "Redactar una campaña"),
    "campaigns.compose_name": ("Internal name (staff only)", "Interne naam (alleen personeel)",
                               "Nombre interno (solo personal)"),
    "campaigns.channels": ("Channels", "Kanalen", "Canales"),
    "campaigns.channel.INBOX": ("Inbox message", "Inboxbericht", "Mensaje en la bandeja"),
    "campaigns.channel.PUSH": ("Push (rings the bell for the inbox message)",
                               "Push (meldt het inboxbericht)",
                               "Push (avisa del mensaje en la bandeja)"),
    "campaigns.channel.EMAIL": ("Email", "E-mail", "Correo"),
    "campaigns.channel_short.INBOX": ("inbox", "inbox", "bandeja"),
    "campaigns.channel_short.PUSH": ("push", "push", "push"),
    "campaigns.channel_short.EMAIL": ("email", "e-mail", "correo"),
    "campaigns.segment": ("Segment: who to reach (every condition must hold)",
                          "Segment: wie je bereikt (elke voorwaarde moet gelden)",
                          "Segmento: a quién llegar (deben cumplirse todas las condiciones)"),
    "campaigns.tiers": ("Tiers", "Niveaus", "Niveles"),
    "campaigns.no_tier": ("Below every tier", "Onder elk niveau", "Por debajo de todo nivel"),
    "campaigns.min_points": ("At least this many points", "Minstens zoveel punten",
                             "Al menos estos puntos"),
    "campaigns.max_points": ("At most this many points", "Hoogstens zoveel punten",
                             "Como mucho estos puntos"),
    "campaigns.purchased_within": ("Bought something in the last … days",
                                   "Iets gekocht in de laatste … dagen",
                                   "Compró algo en los últimos … días"),
    "campaigns.categories": ("Bought in one of these categories (last 365 days)",
                             "Gekocht in een van deze categorieën (laatste 365 dagen)",
                             "Compró en una de estas categorías (últimos 365 días)"),
    "campaigns.interests": ("Chose one of these interests", "Koos een van deze interesses",
                            "Eligió uno de estos intereses"),
    "campaigns.comma": ("Separate them with commas.", "Scheid ze met komma's.",
                        "Sepáralos con comas."),
    "campaigns.locales": ("Languages", "Talen", "Idiomas"),
    "campaigns.engagement": ("Engagement", "Betrokkenheid", "Compromiso"),
    "campaigns.engagement.NEW": ("New (joined in 30 days)", "Nieuw (lid sinds 30 dagen)",
                                 "Nuevo (en 30 días)"),
    "campaigns.engagement.ACTIVE": ("Active (bought in 30 days)",
                                    "Actief (kocht in 30 dagen)",
                                    "Activo (compró en 30 días)"),
    "campaigns.engagement.LAPSING": ("Lapsing (31-90 days)", "Afhakend (31-90 dagen)",
                                     "Alejándose (31-90 días)"),
    "campaigns.engagement.DORMANT": ("Dormant (90+ days)", "Slapend (90+ dagen)",
                                     "Inactivo (90+ días)"),
    "campaigns.has_device": ("Has the app on a device", "Heeft de app op een toestel",
                             "Tiene la app en un dispositivo"),
    "campaigns.any": ("Either", "Maakt niet uit", "Da igual"),
    "campaigns.yes": ("Yes", "Ja", "Sí"),
    "campaigns.no": ("No", "Nee", "No"),
    "campaigns.audience": ("Audience now", "Publiek nu", "Audiencia ahora"),
    "campaigns.audience_hint": ("Consenting members the segment reaches on these channels.",
                                "Leden met toestemming die het segment via deze kanalen bereikt.",
                                "Miembros con consentimiento a los que llega el segmento por "
                                "estos canales."),
    "campaigns.count": ("Count audience", "Publiek tellen", "Contar audiencia"),
    "campaigns.not_a_number": ("Enter a whole number.", "Vul een geheel getal in.",
                               "Escribe un número entero."),
    "campaigns.no_channel": ("Choose at least one channel.", "Kies minstens één kanaal.",
                             "Elige al menos un canal."),
    "campaigns.variant": ("Text in {language}", "Tekst in het {language}", "Texto en {language}"),
    "campaigns.variant_hint": ("Leave a language empty to send no text in it; members get "
                               "their own language's text.",
                               "Laat een taal leeg om er geen tekst in te sturen; leden krijgen "
                               "de tekst in hun eigen taal.",
                               "Deja un idioma vacío para no enviar texto en él; cada miembro "
                               "recibe el texto en su idioma."),
    "campaigns.variant_title": ("Title ({language})", "Titel ({language})", "Título ({language})"),
    "campaigns.variant_body": ("Text ({language})", "Tekst ({language})", "Texto ({language})"),
    "campaigns.variant_link": ("App link on tap ({language})", "App-link bij tikken ({language})",
                               "Enlace de la app al tocar ({language})"),
    "campaigns.placeholders": ("Personalization fields: {fields}",
                               "Personalisatievelden: {fields}",
                               "Campos de personalización: {fields}"),
    "campaigns.delivery": ("Delivery", "Bezorging", "Entrega"),
    "campaigns.quiet_start": ("Quiet hours start (member's local hour, 0-23)",
                              "Stille uren beginnen (lokaal uur van het lid, 0-23)",
                              "Inicio de horas de silencio (hora local del miembro, 0-23)"),
    "campaigns.quiet_end": ("Quiet hours end (0-23; the same as the start: none)",
                            "Stille uren eindigen (0-23; gelijk aan het begin: geen)",
                            "Fin de horas de silencio (0-23; igual al inicio: ninguna)"),
    "campaigns.holdout": ("Control group (% of the audience held back, 0-50)",
                          "Controlegroep (% van het publiek dat niets krijgt, 0-50)",
                          "Grupo de control (% de la audiencia que no lo recibe, 0-50)"),
    "campaigns.save_draft": ("Save the draft", "Concept opslaan", "Guardar el borrador"),
    # one campaign
    "campaigns.summary": ("Campaign", "Campagne", "Campaña"),
    "campaigns.languages": ("Languages", "Talen", "Idiomas"),
    "campaigns.holdout_short": ("Control group", "Controlegroep", "Grupo de control"),
    "campaigns.preview": ("Preview as a member", "Voorbeeld als lid", "Vista previa como miembro"),
    "campaigns.preview_member": ("Member (global id, or email)", "Lid (globale id, of e-mail)",
                                 "Miembro (id global, o correo)"),
    "campaigns.preview_hint": ("Their email address or global id. The text in the member's "
                               "language with their own name, points and tier.",
                               "Hun e-mailadres of globale id. De tekst in de taal van het lid "
                               "met hun eigen naam, punten en niveau.",
                               "Su correo o id global. El texto en el idioma del miembro con "
                               "su nombre, puntos y nivel."),
    "campaigns.preview_submit": ("Show the preview", "Voorbeeld tonen", "Mostrar la vista previa"),
    "campaigns.preview_of": ("What this member receives ({language})",
                             "Wat dit lid ontvangt ({language})",
                             "Lo que recibe este miembro ({language})"),
    "campaigns.preview_title": ("Title", "Titel", "Título"),
    "campaigns.preview_body": ("Text", "Tekst", "Texto"),
    "campaigns.preview_link": ("App link", "App-link", "Enlace de la app"),
    "campaigns.no_member": ("No member has that email or id.", "Geen lid met die e-mail of id.",
                            "Ningún miembro tiene ese correo o id."),
    "campaigns.schedule": ("Schedule", "Inplannen", "Programar"),
    "campaigns.schedule_at": ("Send at (UTC)", "Verzenden om (UTC)", "Enviar a las (UTC)"),
    "campaigns.schedule_submit": ("Schedule the campaign", "Campagne inplannen",
                                  "Programar la campaña"),
    "campaigns.launch": ("Launch now", "Nu starten", "Lanzar ahora"),
    "campaigns.launch_hint": ("The recipients are chosen now; each gets it in their waking hours.",
                              "De ontvangers worden nu gekozen; ieder krijgt het buiten de "
                              "stille uren.",
                              "Los destinatarios se eligen ahora; cada uno lo recibe fuera de "
                              "sus horas de silencio."),
    "campaigns.launch_confirm": ("Launch this campaign now?", "Deze campagne nu starten?",
                                 "¿Lanzar esta campaña ahora?"),
    "campaigns.cancel": ("Cancel the campaign", "Campagne annuleren", "Cancelar la campaña"),
    "campaigns.cancel_confirm": ("Cancel this campaign? Nobody still waiting gets it.",
                                 "Deze campagne annuleren? Wie nog wacht, krijgt hem niet.",
                                 "¿Cancelar esta campaña? Nadie que siga esperando la recibirá."),
    "campaigns.when_format": ("Date and time", "Datum en tijd", "Fecha y hora"),
    # results
    "campaigns.progress": ("Progress", "Voortgang", "Progreso"),
    "campaigns.targeted": ("Recipients chosen", "Gekozen ontvangers", "Destinatarios elegidos"),
    "campaigns.sent": ("Sent", "Verzonden", "Enviados"),
    "campaigns.pending": ("Waiting", "Wachtend", "En espera"),
    "campaigns.opened": ("Opened", "Geopend", "Abiertos"),
    "campaigns.failed": ("Failed", "Mislukt", "Fallidos"),
    "campaigns.unconfirmed": ("Unconfirmed", "Onbevestigd", "Sin confirmar"),
    "campaigns.skipped": ("Skipped, by reason", "Overgeslagen, per reden",
                          "Omitidos, por motivo"),
    "campaigns.failed_by": ("Failed pushes, by error", "Mislukte pushes, per fout",
                            "Pushes fallidos, por error"),
    "campaigns.reason": ("Reason", "Reden", "Motivo"),
    "campaigns.error": ("Error", "Fout", "Error"),
    "campaigns.how_many": ("How many", "Aantal", "Cuántos"),
    "campaigns.nothing_skipped": ("Nothing skipped.", "Niets overgeslagen.", "Nada omitido."),
    "campaigns.nothing_failed": ("Nothing failed.", "Niets mislukt.", "Nada falló."),
    "campaigns.reason.cancelled": ("the campaign was cancelled", "de campagne is geannuleerd",
                                   "la campaña se canceló"),
    "campaigns.reason.no_consent": ("no consent on any channel any more",
                                    "geen toestemming meer op enig kanaal",
                                    "ya sin consentimiento en ningún canal"),
    "campaigns.reason.frequency_cap": ("frequency cap reached", "maximale frequentie bereikt",
                                       "límite de frecuencia alcanzado"),
    "campaigns.per_channel": ("Per channel", "Per kanaal", "Por canal"),
    "campaigns.channel": ("Channel", "Kanaal", "Canal"),
    "campaigns.figures": ("Figures", "Cijfers", "Cifras"),
    "campaigns.written_lc": ("written", "geschreven", "escritos"),
    "campaigns.opened_lc": ("opened", "geopend", "abiertos"),
    "campaigns.sent_lc": ("sent", "verzonden", "enviados"),
    "campaigns.failed_lc": ("failed", "mislukt", "fallidos"),
    "campaigns.unconfirmed_lc": ("unconfirmed", "onbevestigd", "sin confirmar"),
    "campaigns.undeliverable_lc": ("undeliverable", "onbestelbaar", "no entregables"),
    "campaigns.skipped_lc": ("skipped", "overgeslagen", "omitidos"),
    "campaigns.pending_lc": ("waiting", "wachtend", "en espera"),
    "campaigns.unsubscribed_lc": ("unsubscribed", "afgemeld", "bajas"),
    "campaigns.uplift": ("Uplift against the control group ({days} days after the launch)",
                         "Effect tegenover de controlegroep ({days} dagen na de start)",
                         "Efecto frente al grupo de control ({days} días tras el lanzamiento)"),
    "campaigns.group": ("Group", "Groep", "Grupo"),
    "campaigns.members": ("Members", "Leden", "Miembros"),
    "campaigns.spend_per": ("Spend per member", "Besteding per lid", "Gasto por miembro"),
    "campaigns.points_per": ("Points per member", "Punten per lid", "Puntos por miembro"),
    "campaigns.uplift_row": ("Uplift", "Effect", "Efecto"),
    "campaigns.no_control": ("No control group: no uplift to measure.",
                             "Geen controlegroep: geen effect te meten.",
                             "Sin grupo de control: no hay efecto que medir."),
    "campaigns.refreshes": ("These figures refresh every few seconds.",
                            "Deze cijfers worden om de paar seconden ververst.",
                            "Estas cifras se actualizan cada pocos segundos."),
})  # fmt: skip

LOCALES = ("en", "nl", "es")
CHANNELS = ("INBOX", "PUSH", "EMAIL")
ENGAGEMENT = ("NEW", "ACTIVE", "LAPSING", "DORMANT")
PLACEHOLDERS = ("{first_name}", "{points_available}", "{tier}", "{points_to_next_tier}")
REASONS = ("cancelled", "no_consent", "frequency_cap")  # the rest shown as the API names them
STATUSES = ("DRAFT", "SCHEDULED", "DONE", "CANCELLED")
LIST_SIZE = 50  # campaigns per page of the list
NOTES = ("launched", "cancelled", "drafted", "updated")  # what a redirect after a change says
MAX_VALUE = 2000  # characters kept of a value read from the query string


def _status(c: Console, status: str | None) -> str:
    key = f"campaigns.status.{status}"
    return c.t(key) if status in STATUSES else (status or "")


def _language(lang: str) -> str:
    return i18n.LANGUAGE_NAMES.get(lang, lang)


def _money(minor: float | int | None) -> str:
    return "" if minor is None else f"{minor / 100:+.2f}"


def _signed(value: float | None) -> str:
    return "" if value is None else f"{value:+.1f}"


# ---- the list -------------------------------------------------------------------------------


@page("/campaigns", access=Access.CAMPAIGNS, methods=("GET",))
async def campaigns_list(c: Console) -> Html:
    c.title = c.t("campaigns.title")
    status = c.arg("status") if c.arg("status") in STATUSES else None
    after = c.arg("after")[:MAX_VALUE] or None
    outcome = await c.run("CampaignsList", {"first": LIST_SIZE, "after": after,
                                            "status": status})  # fmt: skip
    rows = []
    for edge in outcome.get("campaigns", "edges", default=[]):
        n = edge["node"]
        link = "?" + urlencode({"id": n["id"]})
        if n["status"] == "DRAFT":
            action = el("a", c.t("campaigns.edit"), href="/console/campaigns/edit" + link,
                        aria_label=f"{c.t('campaigns.edit')}: {n['name']}")  # fmt: skip
        else:
            action = el("a", c.t("campaigns.status_results"),
                        href="/console/campaigns/results" + link,
                        aria_label=f"{c.t('campaigns.status_results')}: {n['name']}")  # fmt: skip
        rows.append([
            el("a", n["name"], href="/console/campaigns/campaign" + link),
            el("span", _status(c, n["status"]), class_="status", data_status=n["status"]),
            when(n.get("createdAt")),
            when(n.get("launchedAt")),
            when(n.get("sendAt")),
            ", ".join(_language(loc) for loc in n["locales"]),
            ", ".join(c.t(f"campaigns.channel_short.{ch}") for ch in n["channels"]
                      if ch in CHANNELS),
            action,
        ])  # fmt: skip
    headers = [c.t("campaigns.name"), c.t("campaigns.status"), c.t("campaigns.created_at"),
               c.t("campaigns.launched_at"), c.t("campaigns.send_at"),
               c.t("campaigns.languages"), c.t("campaigns.channels"), ""]  # fmt: skip
    chooser = form(
        c, action="/console/campaigns", method="get", form_id="filter", css="inline",
        submit=c.t("campaigns.filter"), fields=[Field(
            "status", c.t("campaigns.filter_status"), kind="select", value=status or "",
            options=(("", c.t("campaigns.all_statuses")),
                     *((s_, _status(c, s_)) for s_ in STATUSES)))],
    )  # fmt: skip
    pages = []
    info = outcome.get("campaigns", "pageInfo") or {}
    if after:
        first = urlencode({"status": status} if status else {})
        pages.append(el("a", c.t("campaigns.newest"),
                        href="/console/campaigns" + (f"?{first}" if first else "")))  # fmt: skip
    if info.get("hasNextPage") and info.get("endCursor"):
        more = urlencode({"after": info["endCursor"], **({"status": status} if status else {})})
        pages.append(el("a", c.t("campaigns.older"), href=f"/console/campaigns?{more}",
                        rel="next"))  # fmt: skip
    empty = c.t("campaigns.none_in_status" if status else "campaigns.none")
    return el(
        "div",
        el("p", el("a", c.t("campaigns.new"), href="/console/campaigns/new")),
        error_box(outcome),
        chooser,
        el("p", c.t("campaigns.all_list"), class_="muted"),
        table(headers, rows, css="campaigns") if rows else el("p", empty, class_="muted"),
        el("nav", [el("p", a) for a in pages], aria_label=c.t("campaigns.title"))
        if pages else None,
    )  # fmt: skip


# ---- compose --------------------------------------------------------------------------------


class _Posted:
    """The compose form's values: the posted form, or (the live count, a GET) the query."""

    def __init__(self, c: Console):
        self.c = c
        self.post = c.request.method == "POST"
        params = c.request.query_params
        self.given = self.post or "compose" in params

    def get(self, name: str, default: str = "") -> str:
        if self.post:
            return self.c.value(name, default)
        value = self.c.request.query_params.get(name)
        return value.strip()[:MAX_VALUE] if value is not None else default

    def getlist(self, name: str) -> list[str]:
        if self.post:
            return self.c.values(name)
        return [v.strip()[:MAX_VALUE] for v in self.c.request.query_params.getlist(name)][:50]


class _Draft:
    """The campaign being composed: what the form holds, as the API's input."""

    def __init__(self, c: Console, p: _Posted):
        self.local = Problems()
        if p.given:
            self.channels = [ch for ch in CHANNELS if ch in p.getlist("channels")]
            self.quiet = (p.get("quiet_start"), p.get("quiet_end"))
            self.holdout = p.get("holdout")
        else:  # a new page: the API's defaults
            self.channels = ["INBOX", "PUSH"]
            self.quiet = ("21", "9")
            self.holdout = "0"
        self.name = p.get("name")
        self.tiers = p.getlist("tiers")
        self.locales = [loc for loc in LOCALES if loc in p.getlist("locales")]
        self.engagement = [e for e in ENGAGEMENT if e in p.getlist("engagement")]
        self.has_device = p.get("has_device")
        self.numbers = {key: p.get(key) for key in ("min_points", "max_points", "purchased_within")}
        self.tags = {key: p.get(key) for key in ("categories", "interests")}
        self.texts = {loc: {part: p.get(f"{part}_{loc}") for part in ("title", "body", "link")}
                      for loc in LOCALES}  # fmt: skip
        if not self.channels:
            self.local.fields["channels"] = c.t("campaigns.no_channel")

    @classmethod
    def of(cls, campaign: dict) -> _Draft:
        """The form holding a saved draft (the API's Campaign) as it was composed."""
        draft = cls.__new__(cls)
        draft.local = Problems()
        segment = campaign["segment"]
        draft.channels = [ch for ch in CHANNELS if ch in campaign["channels"]]
        draft.quiet = (str(campaign["quietStart"]), str(campaign["quietEnd"]))
        draft.holdout = str(campaign["holdoutPercent"])
        draft.name = campaign["name"]
        draft.tiers = list(segment["tiers"])
        draft.locales = [loc for loc in LOCALES if loc in segment["locales"]]
        draft.engagement = [e for e in ENGAGEMENT if e in segment["engagement"]]
        device = segment.get("hasDevice")
        draft.has_device = "" if device is None else ("yes" if device else "no")
        draft.numbers = {key: "" if segment.get(api) is None else str(segment[api])
                         for key, api in (("min_points", "minPoints"), ("max_points", "maxPoints"),
                                          ("purchased_within", "purchasedWithinDays"))}  # fmt: skip
        draft.tags = {key: ", ".join(segment[key]) for key in ("categories", "interests")}
        texts = {v["locale"]: v for v in campaign["variants"]}
        draft.texts = {loc: {"title": texts.get(loc, {}).get("title") or "",
                             "body": texts.get(loc, {}).get("body") or "",
                             "link": texts.get(loc, {}).get("deepLink") or ""}
                       for loc in LOCALES}  # fmt: skip
        return draft

    def _int(self, c: Console, value: str, api: str) -> int | None:
        """`value` as a whole number (None when empty); a problem beside `api` otherwise."""
        if not value:
            return None
        try:
            return int(value)
        except ValueError:
            self.local.fields[api] = c.t("campaigns.not_a_number")
            return None

    def segment(self, c: Console) -> dict | None:
        """The SegmentInput (None: everyone who consented); local problems noted."""
        segment: dict = {}
        for key, api in (("min_points", "minPoints"), ("max_points", "maxPoints"),
                         ("purchased_within", "purchasedWithinDays")):  # fmt: skip
            number = self._int(c, self.numbers[key], "segment." + api)
            if number is not None:
                segment[api] = number
        for key in ("categories", "interests"):
            tags = [t.strip() for t in self.tags[key].split(",") if t.strip()]
            if tags:
                segment[key] = tags
        if self.tiers:
            segment["tiers"] = self.tiers
        if self.locales:
            segment["locales"] = self.locales
        if self.engagement:
            segment["engagement"] = self.engagement
        if self.has_device in ("yes", "no"):
            segment["hasDevice"] = self.has_device == "yes"
        return segment or None

    def campaign_input(self, c: Console) -> dict:
        hours = {}
        for api, value in (("quietStart", self.quiet[0]), ("quietEnd", self.quiet[1]),
                           ("holdoutPercent", self.holdout)):  # fmt: skip
            number = self._int(c, value, api)
            if number is not None:
                hours[api] = number
        variants = [
            {"locale": loc, "title": t["title"], "body": t["body"], "deepLink": t["link"] or None}
            for loc, t in self.texts.items() if t["title"] or t["body"] or t["link"]
        ]  # fmt: skip
        return {"name": self.name, "segment": self.segment(c), "variants": variants,
                "channels": self.channels, **hours}  # fmt: skip


def _one(f: Field, form_id: str, found: Problems, shown: set[str]) -> Html:
    key = f.api or f.name
    error = found.fields.get(key)
    if error:
        shown.add(key)
    return _field(f, form_id, error)


def _choices(name: str, legend: str, options: list[tuple[str, str]], chosen: list[str],
             form_id: str, error: str | None) -> Html:  # fmt: skip
    """A fieldset of labelled checkboxes that all post `name` (one value each)."""
    boxes = []
    for i, (value, label) in enumerate(options):
        ident = f"{form_id}-{name}-{i}"
        boxes.append(el("div", el("input", type="checkbox", name=name, value=value, id=ident,
                                  checked=value in chosen),
                        el("label", label, for_=ident), class_="field check"))  # fmt: skip
    error_id = f"{form_id}-{name}-error"
    return el("fieldset", el("legend", legend), boxes,
              el("span", error, id=error_id, class_="field-error") if error else None,
              class_="invalid" if error else None,
              aria_describedby=error_id if error else None)  # fmt: skip


def _audience(c: Console, outcome: Outcome, draft: _Draft) -> Html:
    """The live count: the API's own audience count for the segment as it stands."""
    count = outcome.get("campaignAudience", "count")
    if count is not None:
        return el("output", count, id="audience-count", class_="count")
    message = "; ".join(e["message"] for e in outcome.errors) or "; ".join(
        m for m in draft.local.fields.values() if m) or "?"  # fmt: skip
    return el("output", message, id="audience-count", class_="count error", role="alert")


def _compose(c: Console, draft: _Draft, tiers: list[dict], audience: Html, found: Problems,
             campaign_id: str | None = None) -> Html:  # fmt: skip
    """The compose form: a new draft (posted to /new), or a saved one (`campaign_id`) being
    edited (posted to /edit)."""
    fid = "compose"
    action = "/console/campaigns/edit" if campaign_id else "/console/campaigns/new"
    shown: set[str] = set()

    def one(f: Field) -> Html:
        return _one(f, fid, found, shown)

    def group_error(key: str) -> str | None:
        error = found.fields.get(key)
        if error:
            shown.add(key)
        return error

    tier_options = [(t["code"], t["name"]) for t in tiers] + [("", c.t("campaigns.no_tier"))]
    known = {code for code, _ in tier_options}  # a tier gone since: shown, so the API says so
    tier_options += [(code, code) for code in draft.tiers if code not in known]
    segment = el(
        "fieldset",
        el("legend", c.t("campaigns.segment")),
        _choices("tiers", c.t("campaigns.tiers"), tier_options, draft.tiers, fid,
                 group_error("segment.tiers")),
        el("div", [
            one(Field("min_points", c.t("campaigns.min_points"), kind="number",
                      value=draft.numbers["min_points"], api="segment.minPoints",
                      attrs={"min": "0", "step": "1"})),
            one(Field("max_points", c.t("campaigns.max_points"), kind="number",
                      value=draft.numbers["max_points"], api="segment.maxPoints",
                      attrs={"min": "0", "step": "1"})),
            one(Field("purchased_within", c.t("campaigns.purchased_within"), kind="number",
                      value=draft.numbers["purchased_within"], api="segment.purchasedWithinDays",
                      attrs={"min": "0", "step": "1"})),
        ], class_="columns"),
        el("div", [
            one(Field("categories", c.t("campaigns.categories"), value=draft.tags["categories"],
                      hint=c.t("campaigns.comma"), api="segment.categories")),
            one(Field("interests", c.t("campaigns.interests"), value=draft.tags["interests"],
                      hint=c.t("campaigns.comma"), api="segment.interests")),
        ], class_="columns"),
        el("div", [
            _choices("locales", c.t("campaigns.locales"),
                     [(loc, _language(loc)) for loc in LOCALES], draft.locales, fid,
                     group_error("segment.locales")),
            _choices("engagement", c.t("campaigns.engagement"),
                     [(e, c.t(f"campaigns.engagement.{e}")) for e in ENGAGEMENT],
                     draft.engagement, fid, group_error("segment.engagement")),
        ], class_="columns"),
        one(Field("has_device", c.t("campaigns.has_device"), kind="select",
                  value=draft.has_device, api="segment.hasDevice",
                  options=(("", c.t("campaigns.any")), ("yes", c.t("campaigns.yes")),
                           ("no", c.t("campaigns.no"))))),
        el("div",
           el("strong", c.t("campaigns.audience"), id="audience-label"), " ",
           audience, " ",
           el("button", c.t("campaigns.count"), type="submit", name="action", value="count",
              formnovalidate=True,
              class_="secondary"),
           el("small", c.t("campaigns.audience_hint"), class_="hint"),
           class_="field", role="group", aria_labelledby="audience-label"),
    )  # fmt: skip
    channels = _choices("channels", c.t("campaigns.channels"),
                        [(ch, c.t(f"campaigns.channel.{ch}")) for ch in CHANNELS],
                        draft.channels, fid, group_error("channels"))  # fmt: skip
    hint = c.t("campaigns.placeholders", fields=", ".join(PLACEHOLDERS))
    variants = []
    for loc in LOCALES:
        language = _language(loc)
        texts = draft.texts[loc]
        error = group_error(f"variants.{loc}")
        variants.append(el(
            "fieldset",
            el("legend", c.t("campaigns.variant", language=language)),
            el("small", hint, class_="hint"),
            el("span", error, class_="field-error") if error else None,
            one(Field(f"title_{loc}", c.t("campaigns.variant_title", language=language),
                      value=texts["title"], api=f"variants.{loc}.title",
                      attrs={"maxlength": "120", "lang": loc})),
            one(Field(f"body_{loc}", c.t("campaigns.variant_body", language=language),
                      kind="textarea", value=texts["body"], api=f"variants.{loc}.body",
                      attrs={"maxlength": "1000", "lang": loc})),
            one(Field(f"link_{loc}", c.t("campaigns.variant_link", language=language),
                      value=texts["link"], api=f"variants.{loc}.deepLink",
                      attrs={"maxlength": "500"})),
            lang=loc,
        ))  # fmt: skip
    delivery = el(
        "fieldset",
        el("legend", c.t("campaigns.delivery")),
        el("div", [
            one(Field("quiet_start", c.t("campaigns.quiet_start"), kind="number",
                      value=draft.quiet[0], api="quietStart",
                      attrs={"min": "0", "max": "23", "step": "1"})),
            one(Field("quiet_end", c.t("campaigns.quiet_end"), kind="number",
                      value=draft.quiet[1], api="quietEnd",
                      attrs={"min": "0", "max": "23", "step": "1"})),
            one(Field("holdout", c.t("campaigns.holdout"), kind="number", value=draft.holdout,
                      api="holdoutPercent", attrs={"min": "0", "max": "50", "step": "1"})),
        ], class_="columns"),
    )  # fmt: skip
    name = one(Field("name", c.t("campaigns.compose_name"), required=True, value=draft.name,
                     attrs={"maxlength": "120"}))  # fmt: skip
    group_error("variants")  # shown at the top with the others nobody placed
    rest = [m for k, m in found.fields.items() if k not in shown and m]
    if found.fields.get("variants"):
        rest = [found.fields["variants"], *[m for m in rest if m != found.fields["variants"]]]
    top = ([found.form] if found.form else []) + rest
    return el(
        "form",
        el("div", [el("p", m) for m in top], class_="error", role="alert") if top else None,
        hidden_csrf(c),
        el("input", type="hidden", name="compose", value="1"),
        el("input", type="hidden", name="id", value=campaign_id) if campaign_id else None,
        name,
        channels,
        segment,
        el("p", c.t("campaigns.variant_hint"), class_="muted"),
        el("div", variants, class_="columns"),
        delivery,
        el("button", c.t("campaigns.save_draft"), type="submit", name="action", value="save"),
        method="post", action=action, id=fid,
        data_live=action, data_live_targets="audience-count",
    )  # fmt: skip


async def _save(c: Console, draft: _Draft, campaign_id: str | None) -> Response | Problems:
    """Create the draft (or save the edited one): a redirect when it worked, else why not."""
    campaign_input = draft.campaign_input(c)
    if draft.local:
        return draft.local
    if campaign_id:
        outcome, found = await c.mutate("CampaignsUpdate", {"id": campaign_id,
                                                            "input": campaign_input},
                                        "updateCampaign")  # fmt: skip
        saved, note = outcome.get("updateCampaign") or {}, "updated"
    else:
        outcome, found = await c.mutate("CampaignsCreate", {"input": campaign_input},
                                        "createCampaign")  # fmt: skip
        saved, note = outcome.get("createCampaign") or {}, "drafted"
    if not found and saved.get("id"):
        return c.done("/console/campaigns/campaign", id=saved["id"], note=note)
    return found


async def _reopened(c: Console, campaign_id: str) -> Html:
    """A saved draft in the compose form (its audience counted once it is edited)."""
    outcome = await c.run("CampaignsEdit", {"id": campaign_id})
    campaign = outcome.get("node")
    if not campaign or campaign.get("__typename") != "Campaign":
        return c.render(el("div", error_box(outcome), el("p", c.t("campaigns.not_found")),
                           el("a", c.t("campaigns.back"), href="/console/campaigns")),
                        title=c.title, status=404)  # fmt: skip
    link = "/console/campaigns/campaign?" + urlencode({"id": campaign["id"]})
    if campaign["status"] != "DRAFT":
        return c.render(el("div", el("p", c.t("campaigns.not_draft"), class_="error",
                                     role="alert"),
                           el("a", campaign["name"], href=link)),
                        title=c.title, status=409)  # fmt: skip
    audience = el("output", c.t("campaigns.not_counted"), id="audience-count", class_="count")
    body = el("div", el("p", el("a", c.t("campaigns.back"), href="/console/campaigns"), " · ",
                        el("a", campaign["name"], href=link)),
              _compose(c, _Draft.of(campaign), outcome.get("tiers", default=[]), audience,
                       Problems(), campaign_id=campaign["id"]))  # fmt: skip
    return c.render(body, title=c.title)


@page("/campaigns/new", access=Access.CAMPAIGNS)
async def campaign_compose(c: Console) -> Response | Html:
    c.title = c.t("campaigns.compose")
    return await _composing(c, None)


@page("/campaigns/edit", access=Access.CAMPAIGNS)
async def campaign_edit(c: Console) -> Response | Html:
    c.title = c.t("campaigns.edit_title")
    campaign_id = (c.value("id") if c.request.method == "POST" else c.arg("id"))[:MAX_VALUE]
    if not _Posted(c).given:  # reopened: the draft as it was saved
        return await _reopened(c, campaign_id)
    return await _composing(c, campaign_id)


async def _composing(c: Console, campaign_id: str | None) -> Response | Html:
    """The compose form as it stands (posted, or the live count's query): saved when asked,
    else shown again with its audience count and any refusal beside its fields."""
    posted = _Posted(c)
    draft = _Draft(c, posted)
    found = Problems()
    status = 200
    if posted.post and c.value("action") != "count":
        saved = await _save(c, draft, campaign_id)
        if isinstance(saved, Response):
            return saved
        found, status = saved, 422
    segment = draft.segment(c)
    counting = not draft.local
    outcome = await c.run("CampaignsCompose", {"segment": segment, "channels": draft.channels,
                                               "count": counting})  # fmt: skip
    if outcome.data is None and counting:  # the API refused the segment: keep the form whole
        refused = outcome
        outcome = await c.run("CampaignsCompose", {"segment": None, "channels": None,
                                                   "count": False})  # fmt: skip
        outcome.errors = refused.errors
    if not found and draft.local and posted.given:
        found = draft.local
    audience = _audience(c, outcome, draft)
    body = el("div", el("p", el("a", c.t("campaigns.back"), href="/console/campaigns")),
              _compose(c, draft, outcome.get("tiers", default=[]), audience, found,
                       campaign_id=campaign_id))  # fmt: skip
    return c.render(body, title=c.title, status=status)


# ---- one campaign: preview, schedule or launch, cancel --------------------------------------


def _member_gid(value: str) -> bool:
    """Whether `value` reads as a Member's global id (checked before it reaches the API)."""
    try:
        decoded = base64.b64decode(value, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return False
    kind, _, number = decoded.partition(":")
    return kind == "Member" and number.isdigit()


def _summary(c: Console, campaign: dict) -> Html:
    channels = ", ".join(c.t(f"campaigns.channel_short.{ch}") for ch in campaign["channels"]
                         if ch in CHANNELS)  # fmt: skip
    return table([c.t("campaigns.summary"), ""], [
        [c.t("campaigns.status"), el("span", _status(c, campaign["status"]), id="campaign-status")],
        [c.t("campaigns.channels"), channels],
        [c.t("campaigns.languages"), ", ".join(_language(loc) for loc in campaign["locales"])],
        [c.t("campaigns.holdout_short"), f"{campaign['holdoutPercent']} %"],
        [c.t("campaigns.send_at"), when(campaign.get("sendAt"))],
        [c.t("campaigns.launched_at"), when(campaign.get("launchedAt"))],
    ], css="summary")  # fmt: skip


def _hidden(campaign_id: str, action: str) -> list[Field]:
    return [Field("id", "", kind="hidden", value=campaign_id),
            Field("action", "", kind="hidden", value=action)]  # fmt: skip


def _cancel_form(c: Console, campaign: dict, found: Problems | None) -> Html | None:
    if campaign["status"] not in ("DRAFT", "SCHEDULED") or not c.may(Access.CAMPAIGNS):
        return None
    return el("section", el("h2", c.t("campaigns.cancel")), form(
        c, action="/console/campaigns/campaign", form_id="cancel", problems=found,
        fields=_hidden(campaign["id"], "cancel"), submit=c.t("campaigns.cancel"),
        confirm=c.t("campaigns.cancel_confirm"), css="inline"))  # fmt: skip


def _preview_section(c: Console, campaign: dict, member: str, shown: dict | None,
                     found: Problems | None) -> Html | None:  # fmt: skip
    if not c.may(Access.PREVIEW_CAMPAIGN):
        return None
    result = None
    if shown and shown.get("__typename") == "CampaignPreview":
        language = _language(shown["locale"])
        result = el(
            "div",
            el("h3", c.t("campaigns.preview_of", language=language)),
            table([c.t("campaigns.preview"), ""], [
                [c.t("campaigns.preview_title"), el("strong", shown["title"], id="preview-title")],
                [c.t("campaigns.preview_body"), el("span", shown["body"], id="preview-body")],
                [c.t("campaigns.preview_link"), shown.get("deepLink") or "—"],
            ], css="preview"),
            id="preview-result", lang=shown["locale"],
        )  # fmt: skip
    return el("section", el("h2", c.t("campaigns.preview")), form(
        c, action="/console/campaigns/campaign", form_id="preview", problems=found,
        submit=c.t("campaigns.preview_submit"), fields=[
            *_hidden(campaign["id"], "preview"),
            Field("member", c.t("campaigns.preview_member"), required=True, value=member,
                  hint=c.t("campaigns.preview_hint"), attrs={"maxlength": "320"})]),
        result, id="campaign-preview")  # fmt: skip


def _launch_forms(c: Console, campaign: dict, action: str, found: Problems | None) -> list:
    if campaign["status"] != "DRAFT" or not c.may(Access.CAMPAIGNS):
        return []
    mine = lambda a: found if action == a else None  # noqa: E731
    schedule = el("section", el("h2", c.t("campaigns.schedule")), form(
        c, action="/console/campaigns/campaign", form_id="schedule", problems=mine("schedule"),
        submit=c.t("campaigns.schedule_submit"), fields=[
            *_hidden(campaign["id"], "schedule"),
            Field("send_at", c.t("campaigns.schedule_at"), kind="datetime-local", required=True,
                  value=c.value("send_at") if action == "schedule" else "", api="sendAt")]))  # fmt: skip
    launch = el("section", el("h2", c.t("campaigns.launch")),
                el("p", c.t("campaigns.launch_hint"), class_="muted"),
                form(c, action="/console/campaigns/campaign", form_id="launch",
                     problems=mine("launch"), fields=_hidden(campaign["id"], "launch"),
                     submit=c.t("campaigns.launch"), confirm=c.t("campaigns.launch_confirm")))  # fmt: skip
    return [launch, schedule]


def _utc(value: str) -> str | None:
    """A datetime-local value (read as UTC) as an API DateTime."""
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return value  # the API says what is wrong with it
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.isoformat()


async def _act(c: Console, campaign_id: str) -> Response | tuple[str, Problems]:
    """Run the posted form: a redirect when it worked, else (the form, its problems)."""
    action = c.value("action")
    if action == "preview":
        member = c.value("member")
        if "@" in member:  # shown in this answer: an address stays out of URLs and logs
            return action, Problems()
        if not _member_gid(member):
            return action, Problems(fields={"member": c.t("campaigns.no_member")})
        query = urlencode({"id": campaign_id, "member": member})
        return RedirectResponse(f"/console/campaigns/campaign?{query}#campaign-preview",
                                status_code=303)  # fmt: skip
    if action in ("launch", "schedule"):
        send_at = _utc(c.value("send_at")) if action == "schedule" else None
        if action == "schedule" and send_at is None:
            return action, Problems(fields={"sendAt": c.t("required")})
        _, found = await c.mutate("CampaignsLaunch", {"id": campaign_id, "sendAt": send_at},
                                        "launchCampaign")  # fmt: skip
        if found:
            return action, found
        return c.done("/console/campaigns/results", id=campaign_id, note="launched")
    if action == "cancel":
        _, found = await c.mutate("CampaignsCancel", {"id": campaign_id}, "cancelCampaign")
        if found:
            return action, found
        return c.done("/console/campaigns/results", id=campaign_id, note="cancelled")
    return action, Problems()


@page("/campaigns/campaign", access=Access.CAMPAIGNS)
async def campaign_detail(c: Console) -> Response | Html:
    campaign_id = c.arg("id") or c.value("id")
    action, found = "", Problems()
    if c.request.method == "POST":
        acted = await _act(c, campaign_id)
        if isinstance(acted, Response):
            return acted
        action, found = acted
    member = c.value("member") if action == "preview" else c.arg("member")[:MAX_VALUE]
    email = member if "@" in member else None
    shown = None
    preview_problems = found if action == "preview" else None
    if member and (email or _member_gid(member)) and c.may(Access.PREVIEW_CAMPAIGN) and not found:
        outcome = await c.run("CampaignsCampaignPreview", {
            "id": campaign_id, "member": None if email else member, "email": email})  # fmt: skip
        shown = outcome.get("previewCampaign")
        preview_problems = problems(outcome, "previewCampaign") if shown else None
        if preview_problems and preview_problems.form and not preview_problems.fields:
            preview_problems = Problems(fields={"member": preview_problems.form})
    else:
        outcome = await c.run("CampaignsCampaign", {"id": campaign_id})
    campaign = outcome.get("node")
    if not campaign or campaign.get("__typename") != "Campaign":
        c.title = c.t("campaigns.title")
        return c.render(el("div", error_box(outcome), el("p", c.t("campaigns.not_found")),
                           el("a", c.t("campaigns.back"), href="/console/campaigns")),
                        title=c.title, status=404)  # fmt: skip
    c.title = campaign["name"]
    link = "?" + urlencode({"id": campaign["id"]})
    body = el(
        "div",
        el("p", el("a", c.t("campaigns.back"), href="/console/campaigns"), " · ",
           el("a", c.t("campaigns.results"), href="/console/campaigns/results" + link)),
        el("div", _summary(c, campaign),
           el("p", el("a", c.t("campaigns.edit"), href="/console/campaigns/edit" + link))
           if campaign["status"] == "DRAFT" and c.may(Access.CAMPAIGNS) else None,
           class_="columns"),
        _preview_section(c, campaign, member, shown, preview_problems),
        el("div", _launch_forms(c, campaign, action, found), class_="columns"),
        _cancel_form(c, campaign, found if action == "cancel" else None),
    )  # fmt: skip
    status = 422 if found else 200
    return c.render(body, title=c.title, status=status, notice=_note(c))


def _note(c: Console) -> str | None:
    """What the redirect after a change says ("Saved." unless it says more)."""
    note = c.arg("note")
    if not c.arg("done"):
        return None
    return c.t(f"campaigns.{note}") if note in NOTES else None


# ---- results --------------------------------------------------------------------------------


def _card(label: str, value: object, ident: str) -> Html:
    return el("div", el("div", label), el("div", value, class_="figure", id=ident), class_="card")


def _reasons(c: Console, counts: list[dict], header: str, empty: str, css: str) -> Html:
    if not counts:
        return el("p", c.t(empty), class_="muted")
    rows = []
    for r in counts:
        known = r["reason"] in REASONS
        label = c.t(f"campaigns.reason.{r['reason']}") if known else r["reason"]
        rows.append([label, r["count"]])
    return table([c.t(header), c.t("campaigns.how_many")], rows, css=css)


def _channels_table(c: Console, channels: dict) -> Html:
    words = {name: c.t(f"campaigns.{name}_lc") for name in (
        "written", "opened", "sent", "failed", "unconfirmed", "undeliverable", "skipped",
        "pending", "unsubscribed")}  # fmt: skip
    rows = []
    for ch, key in (("INBOX", "inbox"), ("PUSH", "push"), ("EMAIL", "email")):
        figures = channels.get(key)
        if figures is None:
            continue
        text = ", ".join(f"{words[name]}: {value}" for name, value in figures.items())
        rows.append([c.t(f"campaigns.channel_short.{ch}"),
                     el("span", text, id=f"channel-{key}")])  # fmt: skip
    return table([c.t("campaigns.channel"), c.t("campaigns.figures")], rows,
                 caption=c.t("campaigns.per_channel"), css="channels")  # fmt: skip


def _uplift(c: Console, uplift: dict | None) -> Html | None:
    if not uplift:
        return None
    rows = []
    for label, group in (("campaigns.recipients", uplift["recipients"]),
                         ("campaigns.control", uplift["controlGroup"])):  # fmt: skip
        spend = group.get("spendPerMember")
        points = group.get("pointsPerMember")
        rows.append([c.t(label), group["members"],
                     "" if spend is None else f"{spend / 100:.2f}",
                     "" if points is None else f"{points:.1f}"])  # fmt: skip
    no_control = uplift.get("spendUplift") is None and uplift.get("pointsUplift") is None
    if not no_control:
        rows.append([el("strong", c.t("campaigns.uplift_row")), "",
                     el("strong", _money(uplift.get("spendUplift")), id="spend-uplift"),
                     el("strong", _signed(uplift.get("pointsUplift")), id="points-uplift")])  # fmt: skip
    return el("div",
              table([c.t("campaigns.group"), c.t("campaigns.members"), c.t("campaigns.spend_per"),
                     c.t("campaigns.points_per")], rows,
                    caption=c.t("campaigns.uplift", days=uplift["windowDays"]), css="uplift"),
              el("p", c.t("campaigns.no_control"), class_="muted") if no_control else None)  # fmt: skip


@page("/campaigns/results", access=Access.CAMPAIGNS, methods=("GET",))
async def campaign_results(c: Console) -> Response | Html:
    campaign_id = c.arg("id")
    outcome = await c.run("CampaignsResults", {"id": campaign_id})
    campaign = outcome.get("node")
    stats = outcome.get("campaignStats")
    if not campaign or campaign.get("__typename") != "Campaign" or not stats:
        c.title = c.t("campaigns.title")
        return c.render(el("div", error_box(outcome), el("p", c.t("campaigns.not_found")),
                           el("a", c.t("campaigns.back"), href="/console/campaigns")),
                        title=c.title, status=404)  # fmt: skip
    c.title = f"{campaign['name']} · {c.t('campaigns.results')}"
    failed_total = sum(f["count"] for f in stats["failed"])
    cards = el("div", [
        _card(c.t("campaigns.targeted"), stats["targeted"], "stat-targeted"),
        _card(c.t("campaigns.sent"), stats["sent"], "stat-sent"),
        _card(c.t("campaigns.pending"), stats["pending"], "stat-pending"),
        _card(c.t("campaigns.opened"), stats["opened"], "stat-opened"),
        _card(c.t("campaigns.failed"), failed_total, "stat-failed"),
        _card(c.t("campaigns.unconfirmed"), stats["unconfirmed"], "stat-unconfirmed"),
        _card(c.t("campaigns.control"), stats["control"], "stat-control"),
    ], class_="cards")  # fmt: skip
    progress = el(
        "section",
        el("h2", c.t("campaigns.progress")),
        el("p", c.t("campaigns.status"), ": ",
           el("strong", _status(c, campaign["status"]), id="results-status"), " · ",
           c.t("campaigns.send_at"), ": ", when(campaign.get("sendAt"))),
        cards,
        el("div",
           el("div", el("h3", c.t("campaigns.skipped")),
              _reasons(c, stats["skipped"], "campaigns.reason", "campaigns.nothing_skipped",
                       "skipped")),
           el("div", el("h3", c.t("campaigns.failed_by")),
              _reasons(c, stats["failed"], "campaigns.error", "campaigns.nothing_failed",
                       "failed")),
           class_="columns"),
        _channels_table(c, stats["channels"]),
        _uplift(c, outcome.get("campaignUplift")),
        el("p", c.t("campaigns.refreshes"), class_="muted"),
        _cancel_form(c, campaign, None),  # gone once the campaign is done
        id="campaign-progress",
        # Live only while it is sending; a finished or cancelled campaign is not re-read.
        data_refresh="3" if campaign["status"] == "SCHEDULED" else None,
    )  # fmt: skip
    link = "?" + urlencode({"id": campaign["id"]})
    body = el(
        "div",
        el("p", el("a", c.t("campaigns.back"), href="/console/campaigns"), " · ",
           el("a", c.t("campaigns.open"), href="/console/campaigns/campaign" + link)),
        error_box(outcome),
        progress,
    )  # fmt: skip
    return c.render(body, title=c.title, notice=_note(c))


ROUTES = [campaigns_list, campaign_compose, campaign_edit, campaign_detail, campaign_results]
