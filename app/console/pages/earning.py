"""Catalog, part 2: the tiers and the tier policy (/console/catalog/tiers), and the earning
rules (/console/catalog/earning): base rates per currency, the earning policy, category and
SKU multipliers, bonus windows, event types, and the checkout rate.

Any staff role may open the pages; a role that may not change something sees it read-only
(the members' view of the rules) and no form. A POST always runs the API's mutation, so a
role that posts anyway gets the API's own refusal."""

from __future__ import annotations

import re
from typing import Any

from app.console import i18n
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
from app.console.operations import Outcome, Problems
from app.graphql.policy import Access

TIERS = "/console/catalog/tiers"
EARNING = "/console/catalog/earning"
CATALOG = "/console/catalog"
LOCALES = (("en", "English"), ("nl", "Nederlands"), ("es", "Español"))

i18n.add({
    "earning.nav": ("Catalog sections", "Onderdelen van de catalogus", "Secciones del catálogo"),
    "earning.nav.catalog": ("Rewards, offers and content", "Beloningen, aanbiedingen en content",
                            "Recompensas, ofertas y contenido"),
    "earning.nav.tiers": ("Tiers", "Niveaus", "Niveles"),
    "earning.nav.earning": ("Earning rules", "Spaarregels", "Reglas de acumulación"),
    "earning.read_only": ("Your role may read these rules but not change them.",
                          "Je rol mag deze regels lezen maar niet wijzigen.",
                          "Tu rol puede leer estas reglas pero no cambiarlas."),
    "earning.members_view": ("As members read them", "Zoals leden ze lezen",
                             "Tal como las leen los miembros"),
    "earning.none": ("None yet.", "Nog geen.", "Todavía ninguno."),
    "earning.yes": ("yes", "ja", "sí"),
    "earning.no": ("no", "nee", "no"),
    "earning.no_limit": ("no limit", "geen limiet", "sin límite"),
    "earning.remove": ("Remove", "Verwijderen", "Eliminar"),
    "earning.remove_named": ("Remove {name}", "{name} verwijderen", "Eliminar {name}"),
    "earning.edit": ("Edit", "Bewerken", "Editar"),
    "earning.edit_named": ("Edit {name}", "{name} bewerken", "Editar {name}"),
    "earning.unknown_form": ("Unknown form.", "Onbekend formulier.", "Formulario desconocido."),
    "earning.blank_keeps": ("Leave empty for no cap.", "Leeg laten voor geen limiet.",
                            "Déjalo vacío para no tener límite."),
    "earning.blank_no_limit": ("Leave empty for no limit.", "Leeg laten voor geen limiet.",
                               "Déjalo vacío para no tener límite."),
    "earning.utc": ("in UTC", "in UTC", "en UTC"),
    # ---- earning page
    "earning.title": ("Earning rules", "Spaarregels", "Reglas de acumulación"),
    "earning.rates": ("Base earning rates", "Basisspaartarieven", "Tasas base de acumulación"),
    "earning.rates.intro": ("Points per whole unit spent, before multipliers and rounding.",
                            "Punten per hele eenheid besteed, vóór vermenigvuldigers en afronding.",
                            "Puntos por unidad entera gastada, antes de multiplicadores y "
                            "redondeo."),
    "earning.rate.save": ("Save rate", "Tarief opslaan", "Guardar tasa"),
    "earning.rate.add": ("Accept a currency", "Een valuta accepteren", "Aceptar una moneda"),
    "earning.currency": ("Currency (ISO 4217)", "Valuta (ISO 4217)", "Moneda (ISO 4217)"),
    "earning.points_per_unit": ("Points per unit spent", "Punten per besteed eenheid",
                                "Puntos por unidad gastada"),
    "earning.minor_digits": ("Minor-unit digits", "Cijfers van de kleine eenheid",
                             "Dígitos de la unidad menor"),
    "earning.minor_digits.hint": ("2 for EUR, 0 for JPY.", "2 voor EUR, 0 voor JPY.",
                                  "2 para EUR, 0 para JPY."),
    "earning.minimum_spend": ("Minimum spend (minor units)", "Minimale besteding (kleine eenheden)",
                              "Gasto mínimo (unidades menores)"),
    "earning.policy": ("Earning policy", "Spaarbeleid", "Política de acumulación"),
    "earning.policy.save": ("Save policy", "Beleid opslaan", "Guardar política"),
    "earning.rounding": ("Rounding of fractional points", "Afronding van deelpunten",
                         "Redondeo de puntos fraccionarios"),
    "earning.rounding.DOWN": ("Down (drop the fraction)", "Omlaag (deel vervalt)",
                              "Hacia abajo (se descarta la fracción)"),
    "earning.rounding.NEAREST": ("Nearest (half up)", "Dichtstbij (half omhoog)",
                                 "Al más cercano (mitad hacia arriba)"),
    "earning.rounding.UP": ("Up (any fraction earns a point)",
                            "Omhoog (elk deel levert een punt op)",
                            "Hacia arriba (cualquier fracción da un punto)"),
    "earning.daily_cap": ("Daily cap (points)", "Daglimiet (punten)", "Límite diario (puntos)"),
    "earning.weekly_cap": ("Weekly cap (points)", "Weeklimiet (punten)",
                           "Límite semanal (puntos)"),
    "earning.monthly_cap": ("Monthly cap (points)", "Maandlimiet (punten)",
                            "Límite mensual (puntos)"),
    "earning.hold_days": ("Hold days before points can be spent",
                          "Wachtdagen voordat punten besteed kunnen worden",
                          "Días de espera antes de poder gastar los puntos"),
    "earning.expiry_mode": ("Expiry", "Vervallen", "Caducidad"),
    "earning.expiry_mode.NEVER": ("Points never expire", "Punten vervallen nooit",
                                  "Los puntos no caducan"),
    "earning.expiry_mode.MONTHS_AFTER_EARNING": ("Months after earning", "Maanden na het sparen",
                                                 "Meses después de ganarlos"),
    "earning.expiry_mode.END_OF_PERIOD": ("At the end of a period", "Aan het eind van een periode",
                                          "Al final de un periodo"),
    "earning.expiry_months": ("Expiry months", "Maanden tot vervallen", "Meses hasta caducar"),
    "earning.expiry_period": ("Expiry period", "Vervalperiode", "Periodo de caducidad"),
    "earning.expiry_period.MONTH": ("Calendar month", "Kalendermaand", "Mes natural"),
    "earning.expiry_period.QUARTER": ("Calendar quarter", "Kalenderkwartaal",
                                      "Trimestre natural"),
    "earning.expiry_period.YEAR": ("Calendar year", "Kalenderjaar", "Año natural"),
    "earning.signup_bonus": ("Sign-up bonus (points)", "Aanmeldbonus (punten)",
                             "Bono de alta (puntos)"),
    "earning.birthday_bonus": ("Birthday bonus (points)", "Verjaardagsbonus (punten)",
                               "Bono de cumpleaños (puntos)"),
    "earning.referrer_points": ("Referrer points", "Punten voor wie doorverwijst",
                                "Puntos para quien recomienda"),
    "earning.referee_points": ("Referee points", "Punten voor het nieuwe lid",
                               "Puntos para el nuevo miembro"),
    "earning.referral_minimum_spend": ("Referral minimum first spend (minor units)",
                                       "Minimale eerste besteding voor doorverwijzing "
                                       "(kleine eenheden)",
                                       "Primer gasto mínimo de la recomendación "
                                       "(unidades menores)"),
    "earning.referral_monthly_cap": ("Rewarded referrals per referrer per month",
                                     "Beloonde doorverwijzingen per lid per maand",
                                     "Recomendaciones premiadas por miembro al mes"),
    "earning.multipliers": ("Category and SKU multipliers", "Vermenigvuldigers per categorie en SKU",
                            "Multiplicadores por categoría y SKU"),
    "earning.multiplier.save": ("Set multiplier", "Vermenigvuldiger instellen",
                                "Fijar multiplicador"),
    "earning.target": ("Applies to", "Geldt voor", "Se aplica a"),
    "earning.target.CATEGORY": ("Category", "Categorie", "Categoría"),
    "earning.target.SKU": ("SKU", "SKU", "SKU"),
    "earning.value": ("Category or SKU", "Categorie of SKU", "Categoría o SKU"),
    "earning.factor": ("Points factor", "Puntenfactor", "Factor de puntos"),
    "earning.factor.hint": ("2 doubles the points, 0 excludes the lines.",
                            "2 verdubbelt de punten, 0 sluit de regels uit.",
                            "2 duplica los puntos, 0 excluye las líneas."),
    "earning.windows": ("Bonus windows", "Bonusperiodes", "Periodos de bonificación"),
    "earning.window.add": ("Add bonus window", "Bonusperiode toevoegen",
                           "Añadir periodo de bonificación"),
    "earning.name": ("Name", "Naam", "Nombre"),
    "earning.starts": ("Starts (UTC)", "Begint (UTC)", "Empieza (UTC)"),
    "earning.ends": ("Ends (UTC, exclusive)", "Eindigt (UTC, exclusief)",
                     "Termina (UTC, exclusivo)"),
    "earning.window_factor.hint": ("Purchases in the window earn this many times the points; "
                                   "2 doubles them.",
                                   "Aankopen in de periode leveren zoveel keer de punten op; "
                                   "2 verdubbelt ze.",
                                   "Las compras del periodo ganan tantas veces los puntos; "
                                   "2 los duplica."),
    "earning.events": ("Event types", "Soorten gebeurtenissen", "Tipos de evento"),
    "earning.events.intro": ("Member actions integrations report (e.g. a review) and the points "
                             "each earns.",
                             "Acties van leden die integraties melden (bv. een review) en de "
                             "punten die elk oplevert.",
                             "Acciones de los miembros que informan las integraciones (p. ej. "
                             "una reseña) y los puntos que da cada una."),
    "earning.event.save": ("Save event type", "Soort gebeurtenis opslaan",
                           "Guardar tipo de evento"),
    "earning.event.new": ("New event type", "Nieuwe soort gebeurtenis", "Nuevo tipo de evento"),
    "earning.code": ("Code", "Code", "Código"),
    "earning.event_code.hint": ("Lower case, e.g. product_review; an existing code changes that "
                                "type.",
                                "Kleine letters, bv. product_review; een bestaande code wijzigt "
                                "die soort.",
                                "En minúsculas, p. ej. product_review; un código existente "
                                "cambia ese tipo."),
    "earning.points": ("Points per event", "Punten per gebeurtenis", "Puntos por evento"),
    "earning.daily_limit": ("Daily limit per member", "Daglimiet per lid",
                            "Límite diario por miembro"),
    "earning.total_limit": ("Total limit per member", "Totaallimiet per lid",
                            "Límite total por miembro"),
    "earning.active": ("Active (events of this type earn points)",
                       "Actief (gebeurtenissen van deze soort leveren punten op)",
                       "Activo (los eventos de este tipo dan puntos)"),
    "earning.checkout": ("Checkout rate", "Afrekentarief", "Tasa en caja"),
    "earning.checkout.intro": ("Points one major unit (e.g. 1 EUR) costs when a member pays at "
                               "the till.",
                               "Punten die één hele eenheid (bv. 1 EUR) kost als een lid aan de "
                               "kassa betaalt.",
                               "Puntos que cuesta una unidad entera (p. ej. 1 EUR) cuando un "
                               "miembro paga en caja."),
    "earning.checkout.save": ("Save checkout rate", "Afrekentarief opslaan",
                              "Guardar tasa en caja"),
    "earning.checkout_points": ("Points per unit paid", "Punten per betaalde eenheid",
                                "Puntos por unidad pagada"),
    # ---- tiers
    "earning.tiers.title": ("Tiers", "Niveaus", "Niveles"),
    "earning.tiers.list": ("The tiers, lowest first", "De niveaus, laagste eerst",
                           "Los niveles, del más bajo al más alto"),
    "earning.tiers.new": ("New tier", "Nieuw niveau", "Nuevo nivel"),
    "earning.tiers.edit_title": ("Tier {name}", "Niveau {name}", "Nivel {name}"),
    "earning.tiers.code": ("Code", "Code", "Código"),
    "earning.tiers.code.hint": ("Lower case, e.g. gold; it cannot change later.",
                                "Kleine letters, bv. gold; later niet te wijzigen.",
                                "En minúsculas, p. ej. gold; no se puede cambiar después."),
    "earning.tiers.rank": ("Rank (higher is better)", "Rang (hoger is beter)",
                           "Rango (más alto es mejor)"),
    "earning.tiers.threshold": ("Threshold", "Drempel", "Umbral"),
    "earning.tiers.threshold.SPEND": ("Spend needed in the window, in minor units of {currency} "
                                      "(e.g. cents).",
                                      "Benodigde besteding in de periode, in kleine eenheden van "
                                      "{currency} (bv. centen).",
                                      "Gasto necesario en el periodo, en unidades menores de "
                                      "{currency} (p. ej. céntimos)."),
    "earning.tiers.threshold.POINTS": ("Points earned in the window.",
                                       "Punten gespaard in de periode.",
                                       "Puntos ganados en el periodo."),
    "earning.tiers.threshold.any": ("Minor units of spend, or points, as the tier policy says.",
                                    "Kleine eenheden besteding, of punten, volgens het "
                                    "niveaubeleid.",
                                    "Unidades menores de gasto, o puntos, según la política "
                                    "de niveles."),
    "earning.tiers.multiplier": ("Earn multiplier", "Spaarvermenigvuldiger",
                                 "Multiplicador de acumulación"),
    "earning.tiers.multiplier.hint": ("Multiplies members' base points; 1 is no bonus.",
                                      "Vermenigvuldigt de basispunten van leden; 1 is geen bonus.",
                                      "Multiplica los puntos base; 1 es sin bonificación."),
    "earning.tiers.name": ("Name ({language})", "Naam ({language})", "Nombre ({language})"),
    "earning.tiers.benefits": ("Benefits ({language}), one a line",
                               "Voordelen ({language}), één per regel",
                               "Ventajas ({language}), una por línea"),
    "earning.tiers.benefits_col": ("Benefits", "Voordelen", "Ventajas"),
    "earning.tiers.texts.hint": ("Every language's texts are shown: saving replaces them "
                                 "all, so a language left empty is removed (English is "
                                 "required).",
                                 "De teksten van elke taal staan hier: opslaan vervangt ze "
                                 "allemaal, dus een lege taal wordt verwijderd (Engels is "
                                 "verplicht).",
                                 "Se muestran los textos de cada idioma: al guardar se "
                                 "sustituyen todos, así que un idioma vacío se elimina (el "
                                 "inglés es obligatorio)."),
    "earning.tiers.save": ("Save tier", "Niveau opslaan", "Guardar nivel"),
    "earning.tiers.policy": ("Tier policy", "Niveaubeleid", "Política de niveles"),
    "earning.tiers.policy.save": ("Save tier policy", "Niveaubeleid opslaan",
                                  "Guardar política de niveles"),
    "earning.tiers.basis": ("Members qualify by", "Leden kwalificeren op",
                            "Los miembros califican por"),
    "earning.tiers.basis.SPEND": ("Money spent", "Bestede bedrag", "Dinero gastado"),
    "earning.tiers.basis.POINTS": ("Points earned", "Gespaarde punten", "Puntos ganados"),
    "earning.tiers.window": ("Qualification window", "Kwalificatieperiode",
                             "Periodo de calificación"),
    "earning.tiers.window.ROLLING": ("Rolling months", "Voortschrijdende maanden",
                                     "Meses móviles"),
    "earning.tiers.window.CALENDAR_YEAR": ("Calendar year (resets 1 January)",
                                           "Kalenderjaar (begint opnieuw op 1 januari)",
                                           "Año natural (se reinicia el 1 de enero)"),
    "earning.tiers.window_months": ("Rolling window length (months)",
                                    "Lengte voortschrijdende periode (maanden)",
                                    "Duración del periodo móvil (meses)"),
    "earning.tiers.grace_days": ("Grace days before a downgrade",
                                 "Respijtdagen vóór een verlaging",
                                 "Días de gracia antes de bajar de nivel"),
    "earning.tiers.grace_days.hint": ("Days a member keeps a tier after falling below its "
                                      "threshold.",
                                      "Dagen dat een lid een niveau houdt na onder de drempel "
                                      "te zakken.",
                                      "Días que un miembro conserva un nivel tras quedar por "
                                      "debajo de su umbral."),
    "earning.tiers.spend_currency": ("Spend currency (ISO 4217)", "Valuta van besteding (ISO 4217)",
                                     "Moneda del gasto (ISO 4217)"),
})  # fmt: skip


# ---- small helpers ---------------------------------------------------------------------------


class Redo:
    """A refused form to show again: which one (`key`), what the API said, and the posted
    values it keeps (the other forms show the API's values)."""

    def __init__(self, c: Console, key: str | None = None, found: Problems | None = None):
        self.c = c
        self.key = key
        self.found = found or Problems()
        self.shown = False

    def value(self, key: str, name: str, default: Any) -> str:
        if key == self.key:
            return self.c.value(name)
        return "" if default is None else str(default)

    def checked(self, key: str, name: str, default: bool) -> str:
        if key == self.key:
            return "on" if self.c.checked(name) else ""
        return "on" if default else ""

    def problems(self, key: str) -> Problems | None:
        if key == self.key:
            self.shown = True
            return self.found
        return None

    def leftover(self) -> Html | None:
        """The refusal, when no form on the page was the one refused (e.g. a role that may
        not see the forms posted anyway): at the top of the page."""
        if self.shown or not self.found:
            return None
        messages = ([self.found.form] if self.found.form else []) + list(self.found.fields.values())
        return el("div", [el("p", m) for m in messages], class_="error", role="alert")


def _int(text: str) -> int | str | None:
    """A posted whole number; anything else goes to the API as typed, which refuses it."""
    text = text.strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        return text


def _decimal(text: str) -> str | None:
    return text.strip().replace(",", ".") or None


def _moment(text: str) -> str | None:
    """A datetime-local value (read as UTC) as the API's DateTime."""
    text = text.strip()
    if re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d", text):
        return text + ":00+00:00"
    if re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", text):
        return text + "+00:00"
    return text or None


def _options(c: Console, prefix: str, values: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return tuple((v, c.t(f"{prefix}.{v}")) for v in values)


def _section_nav(c: Console) -> Html:
    links = [
        (CATALOG, "earning.nav.catalog", Access.EDIT_CATALOG),
        (TIERS, "earning.nav.tiers", None),
        (EARNING, "earning.nav.earning", None),
    ]
    here = c.request.url.path
    shown = [(path, label) for path, label, access in links if access is None or c.may(access)]
    items: list[Any] = []
    for path, label in shown:
        if items:
            items.append(" · ")
        current = here == path or here.startswith(path + "/")
        items.append(el("a", c.t(label), href=path, aria_current="page" if current else None))
    return el("nav", el("p", items), aria_label=c.t("earning.nav"))


def _sentences(c: Console, sentences: list[str]) -> Html:
    return el("section", el("h2", c.t("earning.members_view")),
              el("ul", [el("li", s) for s in sentences]))  # fmt: skip


def _remove_button(c: Console, action: str, op: str, gid: str, name: str) -> Html:
    return el(
        "form",
        hidden_csrf(c),
        el("input", type="hidden", name="op", value=op),
        el("input", type="hidden", name="id", value=gid),
        el("button", c.t("earning.remove"), type="submit", class_="danger",
           aria_label=c.t("earning.remove_named", name=name)),
        method="post", action=action, class_="inline", data_confirm=c.t("confirm"),
    )  # fmt: skip


def _op(op: str) -> Field:
    return Field("op", "", kind="hidden", value=op)


def _changed(outcome: Outcome, found: Problems, field: str) -> bool:
    return not found and outcome.get(field) is not None


# ---- tiers -----------------------------------------------------------------------------------


@page("/catalog/tiers", access=None, name="console_tiers")
async def tiers_page(c: Console):
    redo = Redo(c)
    if c.request.method == "POST":
        if c.value("op") != "policy":
            redo = Redo(c, "policy", Problems(form=c.t("earning.unknown_form")))
        else:
            outcome, found = await c.mutate("EarningUpdateTierPolicy", {
                "basis": c.value("basis"), "window": c.value("window"),
                "windowMonths": _int(c.value("windowMonths")),
                "graceDays": _int(c.value("graceDays")),
                "spendCurrency": c.value("spendCurrency"),
            }, "updateTierPolicy")  # fmt: skip
            if _changed(outcome, found, "updateTierPolicy"):
                return c.done(TIERS)
            redo = Redo(c, "policy", found)
    editor = c.may(Access.EDIT_TIERS)
    outcome = await c.run("EarningTiers", {"editor": editor})
    c.title = c.t("earning.tiers.title")
    tiers = outcome.get("tiers", default=[])
    policy = outcome.get("tierPolicy")
    rows = [[
        t["name"], t["code"], str(t["rank"]), str(t["threshold"]), str(t["earnMultiplier"]),
        el("ul", [el("li", b) for b in t["benefits"]]) if t["benefits"] else "",
        el("a", c.t("earning.edit"), href=f"{TIERS}/edit/{t['code']}",
           aria_label=c.t("earning.edit_named", name=t["name"])) if editor else None,
    ] for t in tiers]  # fmt: skip
    headers = [c.t("earning.name"), c.t("earning.tiers.code"), c.t("earning.tiers.rank"),
               c.t("earning.tiers.threshold"), c.t("earning.tiers.multiplier"),
               c.t("earning.tiers.benefits_col")] + ([""] if editor else [])  # fmt: skip
    listing = (table(headers, rows, caption=c.t("earning.tiers.list")) if rows
               else el("p", c.t("earning.none"), class_="muted"))  # fmt: skip
    parts: list[Any] = [_section_nav(c), error_box(outcome)]
    if not editor:
        parts.append(el("p", c.t("earning.read_only"), class_="muted"))
    parts.append(el("section", listing, id="tiers"))
    if editor:
        parts.append(el("p", el("a", c.t("earning.tiers.new"), href=f"{TIERS}/new")))
    if editor and policy:
        parts.append(el("section", el("h2", c.t("earning.tiers.policy")),
                        _tier_policy_form(c, policy, redo), id="tier-policy"))  # fmt: skip
    elif not editor:
        parts.append(_sentences(c, outcome.get("program", "tiers", "sentences", default=[])))
    return el("div", parts[:1], redo.leftover(), parts[1:])


def _tier_policy_form(c: Console, p: dict, redo: Redo) -> Html:
    k = "policy"
    return form(c, action=TIERS, form_id="tier-policy-form", submit=c.t("earning.tiers.policy.save"),
                problems=redo.problems(k), fields=[
        _op(k),
        Field("basis", c.t("earning.tiers.basis"), kind="select", value=redo.value(k, "basis", p["basis"]),
              options=_options(c, "earning.tiers.basis", ("SPEND", "POINTS"))),
        Field("window", c.t("earning.tiers.window"), kind="select",
              value=redo.value(k, "window", p["window"]),
              options=_options(c, "earning.tiers.window", ("ROLLING", "CALENDAR_YEAR"))),
        Field("windowMonths", c.t("earning.tiers.window_months"), kind="number", required=True,
              value=redo.value(k, "windowMonths", p["windowMonths"])),
        Field("graceDays", c.t("earning.tiers.grace_days"), kind="number", required=True,
              value=redo.value(k, "graceDays", p["graceDays"]),
              hint=c.t("earning.tiers.grace_days.hint")),
        Field("spendCurrency", c.t("earning.tiers.spend_currency"), required=True,
              value=redo.value(k, "spendCurrency", p["spendCurrency"])),
    ])  # fmt: skip


@page("/catalog/tiers/new", access=None, name="console_tier_new")
async def tier_new(c: Console):
    return await _tier_form_page(c, None)


@page("/catalog/tiers/edit/{code}", access=None, name="console_tier_edit")
async def tier_edit(c: Console):
    return await _tier_form_page(c, str(c.request.path_params["code"])[:40])


async def _tier_form_page(c: Console, code: str | None):
    redo = Redo(c)
    if c.request.method == "POST":
        texts = []
        for locale, _ in LOCALES:
            name = c.value(f"name_{locale}")
            benefits = [b.strip() for b in c.value(f"benefits_{locale}").splitlines() if b.strip()]
            if name or benefits or locale == "en":
                texts.append({"locale": locale, "name": name, "benefits": benefits})
        outcome, found = await c.mutate("EarningSaveTier", {"input": {
            "code": code if code is not None else c.value("code"),
            "rank": _int(c.value("rank")), "threshold": _int(c.value("threshold")),
            "earnMultiplier": _decimal(c.value("earnMultiplier")) or "1", "texts": texts,
        }}, "saveTier")  # fmt: skip
        if _changed(outcome, found, "saveTier"):
            return c.done(TIERS)
        redo = Redo(c, "tier", found)
    editor = c.may(Access.EDIT_TIERS)
    outcome = await c.run("EarningTiers", {"editor": editor})
    tier: dict | None = None
    if code is not None:
        tier = next((t for t in outcome.get("tiers", default=[]) if t["code"] == code), None)
        if tier is None and not outcome.errors:
            return c.render(el("p", c.t("not_found"), class_="error", role="alert"),
                            title=c.t("not_found"), status=404)  # fmt: skip
    c.title = (c.t("earning.tiers.edit_title", name=tier["name"]) if tier
               else c.t("earning.tiers.new"))  # fmt: skip
    parts: list[Any] = [_section_nav(c), error_box(outcome)]
    if not editor:
        parts.append(el("p", c.t("earning.read_only"), class_="muted"))
        return el("div", parts[:1], redo.leftover(), parts[1:])
    policy = outcome.get("tierPolicy") or {}
    parts.append(_tier_form(c, tier, policy, redo))
    return el("div", parts[:1], redo.leftover(), parts[1:])


def _tier_form(c: Console, tier: dict | None, policy: dict, redo: Redo) -> Html:
    k = "tier"
    t = tier or {}
    basis = policy.get("basis")
    threshold_hint = (
        c.t(f"earning.tiers.threshold.{basis}", currency=policy.get("spendCurrency"))
        if basis in ("SPEND", "POINTS")
        else c.t("earning.tiers.threshold.any")
    )
    fields = []
    if tier is None:
        fields.append(
            Field(
                "code",
                c.t("earning.tiers.code"),
                required=True,
                value=redo.value(k, "code", ""),
                hint=c.t("earning.tiers.code.hint"),
            )
        )
    fields += [
        Field("rank", c.t("earning.tiers.rank"), kind="number", required=True,
              value=redo.value(k, "rank", t.get("rank"))),
        Field("threshold", c.t("earning.tiers.threshold"), kind="number", required=True,
              value=redo.value(k, "threshold", t.get("threshold")), hint=threshold_hint),
        Field("earnMultiplier", c.t("earning.tiers.multiplier"),
              value=redo.value(k, "earnMultiplier", t.get("earnMultiplier", "1")),
              hint=c.t("earning.tiers.multiplier.hint"), attrs={"inputmode": "decimal"}),
    ]  # fmt: skip
    # Every language's texts (`Tier.texts`, for tier editors), so saving keeps them all.
    texts = {x["locale"]: x for x in t.get("texts") or []}
    for locale, language in LOCALES:
        text = texts.get(locale) or {}
        fields.append(
            Field(
                f"name_{locale}",
                c.t("earning.tiers.name", language=language),
                required=locale == "en",
                api=f"texts.{locale}.name",
                value=redo.value(k, f"name_{locale}", text.get("name") or ""),
            )
        )
        fields.append(
            Field(
                f"benefits_{locale}",
                c.t("earning.tiers.benefits", language=language),
                kind="textarea",
                api=f"texts.{locale}.benefits",
                value=redo.value(k, f"benefits_{locale}", "\n".join(text.get("benefits") or [])),
            )
        )
    action = f"{TIERS}/edit/{tier['code']}" if tier else f"{TIERS}/new"
    return el("div", el("p", c.t("earning.tiers.texts.hint"), class_="hint") if tier else None,
              form(c, action=action, form_id="tier-form", fields=fields,
                   submit=c.t("earning.tiers.save"), problems=redo.problems(k)))  # fmt: skip


# ---- earning rules ---------------------------------------------------------------------------

POLICY_INTS = ("dailyCap", "weeklyCap", "monthlyCap", "holdDays", "expiryMonths", "signupBonus",
               "birthdayBonus", "referrerPoints", "refereePoints", "referralMinimumSpend",
               "referralMonthlyCap")  # fmt: skip


def _mutation(c: Console) -> tuple[str, str, dict] | None:
    """The operation, result field and variables of the posted form (None: no such form)."""
    op = c.value("op")
    if op == "policy":
        policy: dict[str, Any] = {name: _int(c.value(name)) for name in POLICY_INTS}
        for name in ("rounding", "expiryMode", "expiryPeriod"):
            policy[name] = c.value(name) or None
        return "EarningUpdatePolicy", "updateEarningPolicy", {"input": policy}
    if op == "rate":
        return "EarningSetCurrencyRate", "setCurrencyRate", {"input": {
            "currency": c.value("currency"), "pointsPerUnit": _decimal(c.value("pointsPerUnit")),
            "minorDigits": _int(c.value("minorDigits")),
            "minimumSpend": _int(c.value("minimumSpend")),
        }}  # fmt: skip
    if op == "multiplier":
        return "EarningSetMultiplier", "setEarningMultiplier", {"input": {
            "target": c.value("target"), "value": c.value("value"),
            "multiplier": _decimal(c.value("multiplier")),
        }}  # fmt: skip
    if op == "unmultiplier":
        return "EarningRemoveMultiplier", "removeEarningMultiplier", {"id": c.value("id")}
    if op == "window":
        return "EarningAddBonusWindow", "addBonusWindow", {"input": {
            "name": c.value("name"), "startsAt": _moment(c.value("startsAt")),
            "endsAt": _moment(c.value("endsAt")), "multiplier": _decimal(c.value("multiplier")),
        }}  # fmt: skip
    if op == "unwindow":
        return "EarningRemoveBonusWindow", "removeBonusWindow", {"id": c.value("id")}
    if op == "event":
        return "EarningSaveEventType", "saveEventType", {"input": {
            "code": c.value("code"), "name": c.value("name"), "points": _int(c.value("points")),
            "dailyLimit": _int(c.value("dailyLimit")), "totalLimit": _int(c.value("totalLimit")),
            "active": c.checked("active"),
        }}  # fmt: skip
    if op == "checkout":
        return "EarningSetCheckoutRate", "setCheckoutRate", {
            "currency": c.value("currency"), "pointsPerUnit": _int(c.value("pointsPerUnit")),
            "minorDigits": _int(c.value("minorDigits")),
        }  # fmt: skip
    return None


def _redo_key(c: Console) -> str:
    op = c.value("op")
    if op == "rate":
        # The form of that currency (posted by the form as `form`; only picks where the
        # errors are shown).
        return "rate-" + (c.value("form") or "new")
    return op


@page("/catalog/earning", access=None, name="console_earning")
async def earning_page(c: Console):
    redo = Redo(c)
    if c.request.method == "POST":
        chosen = _mutation(c)
        if chosen is None:
            redo = Redo(c, "?", Problems(form=c.t("earning.unknown_form")))
        else:
            name, result, variables = chosen
            outcome, found = await c.mutate(name, variables, result)
            if _changed(outcome, found, result):
                anchor = {"rate": "rates", "checkout": "checkout", "unmultiplier": "multipliers",
                          "multiplier": "multipliers", "window": "windows", "unwindow": "windows",
                          "event": "events"}.get(c.value("op"), "policy")  # fmt: skip
                response = c.done(EARNING)
                response.headers["location"] += "#" + anchor
                return response
            redo = Redo(c, _redo_key(c), found)
    editor = c.may(Access.EDIT_EARNING_RULES)
    catalog = c.may(Access.EDIT_CATALOG)
    outcome = await c.run("EarningRulesPage", {"editor": editor, "catalog": catalog})
    c.title = c.t("earning.title")
    parts: list[Any] = [_section_nav(c), error_box(outcome)]
    rules = outcome.get("earningRules")
    if not editor:
        parts.append(el("p", c.t("earning.read_only"), class_="muted"))
        parts.append(_sentences(c, outcome.get("program", "earning", "sentences", default=[])))
    elif rules:
        parts += [_rates(c, rules["currencies"], redo), _policy(c, rules["policy"], redo),
                  _multipliers(c, rules["multipliers"], redo),
                  _windows(c, rules["bonusWindows"], redo),
                  _events(c, rules["eventTypes"], redo)]  # fmt: skip
    if catalog and outcome.get("checkoutRates") is not None:
        parts.append(_checkout(c, outcome.get("checkoutRates"), redo))
    return el("div", parts[:1], redo.leftover(), parts[1:])


def _rates(c: Console, currencies: list[dict], redo: Redo) -> Html:
    def rate_form(r: dict | None) -> Html:
        code = r["currency"] if r else "new"
        k = f"rate-{code}"
        fields = [_op("rate"), Field("form", "", kind="hidden", value=code)]
        if r:
            fields.append(Field("currency", "", kind="hidden", value=r["currency"]))
        else:
            fields.append(
                Field(
                    "currency",
                    c.t("earning.currency"),
                    required=True,
                    value=redo.value(k, "currency", ""),
                )
            )
        r = r or {}
        fields += [
            Field("pointsPerUnit", c.t("earning.points_per_unit"), required=True,
                  value=redo.value(k, "pointsPerUnit", r.get("pointsPerUnit")),
                  attrs={"inputmode": "decimal"}),
            Field("minorDigits", c.t("earning.minor_digits"), kind="number", required=True,
                  value=redo.value(k, "minorDigits", r.get("minorDigits", 2)),
                  hint=c.t("earning.minor_digits.hint")),
            Field("minimumSpend", c.t("earning.minimum_spend"), kind="number", required=True,
                  value=redo.value(k, "minimumSpend", r.get("minimumSpend", 0))),
        ]  # fmt: skip
        heading = el("h3", r["currency"] if r else c.t("earning.rate.add"))
        return el("div", heading, form(
            c, action=EARNING, form_id=f"rate-{code.lower()}", fields=fields,
            submit=c.t("earning.rate.save"), problems=redo.problems(k),
        ), class_="card")  # fmt: skip

    return el("section", el("h2", c.t("earning.rates")),
              el("p", c.t("earning.rates.intro"), class_="muted"),
              el("div", [rate_form(r) for r in currencies], rate_form(None), class_="columns"),
              id="rates")  # fmt: skip


def _policy(c: Console, p: dict, redo: Redo) -> Html:
    k = "policy"

    def count(name: str, label: str, hint: str | None = None, required: bool = True) -> Field:
        return Field(name, c.t(label), kind="number", required=required, hint=hint,
                     value=redo.value(k, name, p.get(name)))  # fmt: skip

    def choice(name: str, label: str, prefix: str, values: tuple[str, ...]) -> Field:
        return Field(name, c.t(label), kind="select", value=redo.value(k, name, p.get(name)),
                     options=_options(c, prefix, values))  # fmt: skip

    no_cap = c.t("earning.blank_keeps")
    fields = [
        _op(k),
        choice("rounding", "earning.rounding", "earning.rounding", ("DOWN", "NEAREST", "UP")),
        count("dailyCap", "earning.daily_cap", no_cap, required=False),
        count("weeklyCap", "earning.weekly_cap", no_cap, required=False),
        count("monthlyCap", "earning.monthly_cap", no_cap, required=False),
        count("holdDays", "earning.hold_days"),
        choice("expiryMode", "earning.expiry_mode", "earning.expiry_mode",
               ("NEVER", "MONTHS_AFTER_EARNING", "END_OF_PERIOD")),
        count("expiryMonths", "earning.expiry_months"),
        choice("expiryPeriod", "earning.expiry_period", "earning.expiry_period",
               ("MONTH", "QUARTER", "YEAR")),
        count("signupBonus", "earning.signup_bonus"),
        count("birthdayBonus", "earning.birthday_bonus"),
        count("referrerPoints", "earning.referrer_points"),
        count("refereePoints", "earning.referee_points"),
        count("referralMinimumSpend", "earning.referral_minimum_spend"),
        count("referralMonthlyCap", "earning.referral_monthly_cap"),
    ]  # fmt: skip
    return el("section", el("h2", c.t("earning.policy")),
              form(c, action=EARNING, form_id="earning-policy", fields=fields,
                   submit=c.t("earning.policy.save"), problems=redo.problems(k)),
              id="policy")  # fmt: skip


def _multipliers(c: Console, multipliers: list[dict], redo: Redo) -> Html:
    k = "multiplier"
    rows = [[c.t(f"earning.target.{m['target']}"), m["value"], str(m["multiplier"]),
             _remove_button(c, EARNING, "unmultiplier", m["id"], m["value"])]
            for m in multipliers]  # fmt: skip
    listing = (
        table([c.t("earning.target"), c.t("earning.value"), c.t("earning.factor"), ""], rows)
        if rows
        else el("p", c.t("earning.none"), class_="muted")
    )
    fields = [
        _op(k),
        Field("target", c.t("earning.target"), kind="select",
              value=redo.value(k, "target", "CATEGORY"),
              options=_options(c, "earning.target", ("CATEGORY", "SKU"))),
        Field("value", c.t("earning.value"), required=True, value=redo.value(k, "value", "")),
        Field("multiplier", c.t("earning.factor"), required=True,
              value=redo.value(k, "multiplier", ""), hint=c.t("earning.factor.hint"),
              attrs={"inputmode": "decimal"}),
    ]  # fmt: skip
    return el("section", el("h2", c.t("earning.multipliers")), listing,
              form(c, action=EARNING, form_id="multiplier-form", fields=fields,
                   submit=c.t("earning.multiplier.save"), problems=redo.problems(k)),
              id="multipliers")  # fmt: skip


def _windows(c: Console, windows: list[dict], redo: Redo) -> Html:
    k = "window"
    rows = [[w["name"], when(w["startsAt"]), when(w["endsAt"]), str(w["multiplier"]),
             _remove_button(c, EARNING, "unwindow", w["id"], w["name"])]
            for w in windows]  # fmt: skip
    listing = (table([c.t("earning.name"), c.t("earning.starts"), c.t("earning.ends"),
                      c.t("earning.factor"), ""], rows)
               if rows else el("p", c.t("earning.none"), class_="muted"))  # fmt: skip
    fields = [
        _op(k),
        Field("name", c.t("earning.name"), required=True, value=redo.value(k, "name", "")),
        Field("startsAt", c.t("earning.starts"), kind="datetime-local", required=True,
              value=redo.value(k, "startsAt", "")),
        Field("endsAt", c.t("earning.ends"), kind="datetime-local", required=True,
              value=redo.value(k, "endsAt", "")),
        Field("multiplier", c.t("earning.factor"), required=True,
              value=redo.value(k, "multiplier", "2"), hint=c.t("earning.window_factor.hint"),
              attrs={"inputmode": "decimal"}),
    ]  # fmt: skip
    return el("section", el("h2", c.t("earning.windows")), listing,
              form(c, action=EARNING, form_id="window-form", fields=fields,
                   submit=c.t("earning.window.add"), problems=redo.problems(k)),
              id="windows")  # fmt: skip


def _events(c: Console, events: list[dict], redo: Redo) -> Html:
    k = "event"
    no_limit = c.t("earning.no_limit")
    rows = [[e["code"], e["name"], str(e["points"]),
             no_limit if e["dailyLimit"] is None else str(e["dailyLimit"]),
             no_limit if e["totalLimit"] is None else str(e["totalLimit"]),
             c.t("earning.yes") if e["active"] else c.t("earning.no"),
             el("a", c.t("earning.edit"), href=f"{EARNING}?event={e['code']}#events",
                aria_label=c.t("earning.edit_named", name=e["name"]))]
            for e in events]  # fmt: skip
    listing = (table([c.t("earning.code"), c.t("earning.name"), c.t("earning.points"),
                      c.t("earning.daily_limit"), c.t("earning.total_limit"),
                      c.t("earning.active"), ""], rows)
               if rows else el("p", c.t("earning.none"), class_="muted"))  # fmt: skip
    chosen = c.arg("event")
    e = next((e for e in events if e["code"] == chosen), None) or {}
    blank = c.t("earning.blank_no_limit")
    fields = [
        _op(k),
        Field("code", c.t("earning.code"), required=True, value=redo.value(k, "code", e.get("code")),
              hint=c.t("earning.event_code.hint")),
        Field("name", c.t("earning.name"), required=True, value=redo.value(k, "name", e.get("name"))),
        Field("points", c.t("earning.points"), kind="number", required=True,
              value=redo.value(k, "points", e.get("points"))),
        Field("dailyLimit", c.t("earning.daily_limit"), kind="number", hint=blank,
              value=redo.value(k, "dailyLimit", e.get("dailyLimit"))),
        Field("totalLimit", c.t("earning.total_limit"), kind="number", hint=blank,
              value=redo.value(k, "totalLimit", e.get("totalLimit"))),
        Field("active", c.t("earning.active"), kind="checkbox",
              value=redo.checked(k, "active", e.get("active", True))),
    ]  # fmt: skip
    return el("section", el("h2", c.t("earning.events")),
              el("p", c.t("earning.events.intro"), class_="muted"), listing,
              el("h3", e.get("name") or c.t("earning.event.new")),
              form(c, action=EARNING, form_id="event-form", fields=fields,
                   submit=c.t("earning.event.save"), problems=redo.problems(k)),
              id="events")  # fmt: skip


def _checkout(c: Console, rates: list[dict], redo: Redo) -> Html:
    k = "checkout"
    rows = [[r["currency"], str(r["pointsPerUnit"]), str(r["minorDigits"])] for r in rates]
    listing = (table([c.t("earning.currency"), c.t("earning.checkout_points"),
                      c.t("earning.minor_digits")], rows)
               if rows else el("p", c.t("earning.none"), class_="muted"))  # fmt: skip
    first = rates[0] if rates else {}
    fields = [
        _op(k),
        Field("currency", c.t("earning.currency"), required=True,
              value=redo.value(k, "currency", first.get("currency", "EUR"))),
        Field("pointsPerUnit", c.t("earning.checkout_points"), kind="number", required=True,
              value=redo.value(k, "pointsPerUnit", first.get("pointsPerUnit"))),
        Field("minorDigits", c.t("earning.minor_digits"), kind="number", required=True,
              value=redo.value(k, "minorDigits", first.get("minorDigits", 2)),
              hint=c.t("earning.minor_digits.hint")),
    ]  # fmt: skip
    return el("section", el("h2", c.t("earning.checkout")),
              el("p", c.t("earning.checkout.intro"), class_="muted"), listing,
              form(c, action=EARNING, form_id="checkout-form", fields=fields,
                   submit=c.t("earning.checkout.save"), problems=redo.problems(k)),
              id="checkout")  # fmt: skip


ROUTES = [tiers_page, tier_new, tier_edit, earning_page]
