"""Catalog, part 1: rewards (every kind, texts per language, stock, limits, validity,
archive), offers (targeting, early access, activation window) and exclusive content. Each
list shows every item with its status (scheduled, ended, archived or taken down too), and
each edit form starts from every setting the API holds, in every language.

Every read and write is one of the console's operations (documents/catalog/), so the API
validates and its typed errors are shown beside the fields. Each part shows only to the
roles its Access allows (EDIT_CATALOG, EDIT_OFFERS, EDIT_CONTENT); the API still decides."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from starlette.responses import Response

from app.console import i18n
from app.console.core import Console, Field, Html, el, error_box, form, page, table, when
from app.console.operations import Outcome, Problems
from app.graphql.policy import Access

CATALOG = "/console/catalog"
REWARDS = CATALOG + "/rewards"
OFFERS = CATALOG + "/offers"
CONTENT = CATALOG + "/content"
LOCALES = ("en", "nl", "es")
REWARD_KINDS = ("DISCOUNT_VOUCHER", "FREE_PRODUCT", "UPGRADE", "EXCLUSIVE_ACCESS", "CASHBACK")
PERIODS = ("DAY", "WEEK", "MONTH", "YEAR")
OFFER_KINDS = ("BONUS_POINTS", "MEMBER_PRICE", "EARLY_ACCESS")
OFFER_STATUSES = ("SCHEDULED", "LIVE", "ENDED", "ARCHIVED")
CONTENT_STATUSES = ("SCHEDULED", "PUBLISHED", "TAKEN_DOWN")
CONTENT_KINDS = ("ARTICLE", "VIDEO", "BEHIND_THE_SCENES")
ENGAGEMENT = ("NEW", "ACTIVE", "LAPSING", "DORMANT")

i18n.add({
    "catalog.title": ("Catalog", "Catalogus", "Catálogo"),
    "catalog.nav": ("Catalog sections", "Onderdelen van de catalogus", "Secciones del catálogo"),
    "catalog.nav.overview": ("Overview", "Overzicht", "Resumen"),
    "catalog.nav.rewards": ("Rewards", "Beloningen", "Recompensas"),
    "catalog.nav.offers": ("Offers", "Aanbiedingen", "Ofertas"),
    "catalog.nav.content": ("Exclusive content", "Exclusieve content", "Contenido exclusivo"),
    "catalog.nav.tiers": ("Tiers", "Niveaus", "Niveles"),
    "catalog.nav.earning": ("Earning rules", "Spaarregels", "Reglas de acumulación"),
    "catalog.overview.rewards": ("{n} rewards, archived and scheduled ones included.",
                                 "{n} beloningen, inclusief gearchiveerde en geplande.",
                                 "{n} recompensas, incluidas las archivadas y programadas."),
    "catalog.overview.offers": ("{n} offers, scheduled, ended and archived ones included.",
                                "{n} aanbiedingen, inclusief geplande, afgelopen en "
                                "gearchiveerde.",
                                "{n} ofertas, incluidas las programadas, terminadas y "
                                "archivadas."),
    "catalog.overview.content": ("{n} content items, scheduled and taken-down ones included.",
                                 "{n} content-items, inclusief geplande en offline gehaalde.",
                                 "{n} contenidos, incluidos los programados y los retirados."),
    "catalog.overview.rules": ("Tiers and the tier policy; earning rules, multipliers, bonus "
                               "windows, event types and the checkout rate.",
                               "Niveaus en het niveaubeleid; spaarregels, vermenigvuldigers, "
                               "bonusperiodes, gebeurtenistypen en het afrekentarief.",
                               "Niveles y su política; reglas de acumulación, multiplicadores, "
                               "periodos de bonificación, tipos de evento y la tasa en caja."),
    "catalog.more": ("Next page", "Volgende pagina", "Página siguiente"),
    "catalog.none": ("None yet.", "Nog geen.", "Todavía ninguno."),
    "catalog.edit": ("Edit", "Bewerken", "Editar"),
    "catalog.back_rewards": ("Back to the rewards", "Terug naar de beloningen",
                             "Volver a las recompensas"),
    "catalog.back_offers": ("Back to the offers", "Terug naar de aanbiedingen",
                            "Volver a las ofertas"),
    "catalog.back_content": ("Back to the content", "Terug naar de content",
                             "Volver al contenido"),
    "catalog.not_found": ("Not found, or not visible to you.", "Niet gevonden, of niet zichtbaar "
                          "voor jou.", "No encontrado, o no visible para ti."),
    "catalog.whole_number": ("Enter a whole number.", "Vul een geheel getal in.",
                             "Introduce un número entero."),
    "catalog.number": ("Enter a number.", "Vul een getal in.", "Introduce un número."),
    "catalog.when_required": ("Enter a date and time.", "Vul een datum en tijd in.",
                              "Introduce una fecha y hora."),
    "catalog.unknown_form": ("Unknown form.", "Onbekend formulier.", "Formulario desconocido."),
    "catalog.utc": ("UTC", "UTC", "UTC"),
    "catalog.cents": ("in minor units (cents)", "in kleinste eenheden (centen)",
                      "en unidades menores (céntimos)"),
    "catalog.comma": ("comma-separated", "gescheiden door komma's", "separados por comas"),
    "catalog.none_option": ("(none)", "(geen)", "(ninguno)"),
    "catalog.any": ("(any)", "(maakt niet uit)", "(cualquiera)"),
    "catalog.yes": ("yes", "ja", "sí"),
    "catalog.no": ("no", "nee", "no"),
    "catalog.lang.en": ("English", "Engels", "inglés"),
    "catalog.lang.nl": ("Dutch", "Nederlands", "neerlandés"),
    "catalog.lang.es": ("Spanish", "Spaans", "español"),
    "catalog.text_title": ("Title ({language})", "Titel ({language})", "Título ({language})"),
    "catalog.text_description": ("Description ({language})", "Beschrijving ({language})",
                                 "Descripción ({language})"),
    "catalog.text_terms": ("Small print ({language})", "Kleine lettertjes ({language})",
                           "Letra pequeña ({language})"),
    "catalog.text_body": ("Text ({language})", "Tekst ({language})", "Texto ({language})"),
    "catalog.text_hint_en": ("English is required and shown when a language is missing.",
                             "Engels is verplicht en wordt getoond als een taal ontbreekt.",
                             "El inglés es obligatorio y se muestra cuando falta un idioma."),
    "catalog.text_hint": ("Leave empty for no translation.", "Leeg laten voor geen vertaling.",
                          "Déjalo vacío si no hay traducción."),
    # ---- rewards
    "catalog.rewards": ("Rewards", "Beloningen", "Recompensas"),
    "catalog.reward_new": ("New reward", "Nieuwe beloning", "Nueva recompensa"),
    "catalog.reward_edit": ("Edit reward: {title}", "Beloning bewerken: {title}",
                            "Editar recompensa: {title}"),
    "catalog.reward_create": ("Create the reward", "Beloning aanmaken", "Crear la recompensa"),
    "catalog.reward_save": ("Save the reward", "Beloning opslaan", "Guardar la recompensa"),
    "catalog.kind": ("Kind", "Soort", "Tipo"),
    "catalog.category": ("Category", "Categorie", "Categoría"),
    "catalog.category_hint": ("Lower-case letters, digits, - and _.",
                              "Kleine letters, cijfers, - en _.",
                              "Minúsculas, dígitos, - y _."),
    "catalog.points_cost": ("Points per unit", "Punten per stuk", "Puntos por unidad"),
    "catalog.stock": ("Stock", "Voorraad", "Existencias"),
    "catalog.stock_hint": ("Units on offer; leave empty for unlimited.",
                           "Beschikbare stuks; leeg laten voor onbeperkt.",
                           "Unidades disponibles; déjalo vacío para ilimitadas."),
    "catalog.unlimited": ("unlimited", "onbeperkt", "ilimitado"),
    "catalog.per_member_limit": ("Units per member, ever", "Stuks per lid, in totaal",
                                 "Unidades por miembro, en total"),
    "catalog.period_limit": ("Units per member per period", "Stuks per lid per periode",
                             "Unidades por miembro por periodo"),
    "catalog.limit_period": ("Period", "Periode", "Periodo"),
    "catalog.period.DAY": ("day", "dag", "día"),
    "catalog.period.WEEK": ("week", "week", "semana"),
    "catalog.period.MONTH": ("month", "maand", "mes"),
    "catalog.period.YEAR": ("year", "jaar", "año"),
    "catalog.limits": ("Limits", "Limieten", "Límites"),
    "catalog.valid_from": ("Redeemable from (UTC)", "Inwisselbaar vanaf (UTC)",
                           "Canjeable desde (UTC)"),
    "catalog.valid_until": ("Redeemable until (UTC)", "Inwisselbaar tot (UTC)",
                            "Canjeable hasta (UTC)"),
    "catalog.validity": ("Valid", "Geldig", "Válida"),
    "catalog.min_tier": ("Lowest tier that may use it", "Laagste niveau dat het mag gebruiken",
                         "Nivel mínimo que puede usarlo"),
    "catalog.image_url": ("Image (https URL)", "Afbeelding (https-URL)", "Imagen (URL https)"),
    "catalog.percent_off": ("Percent off (discount vouchers)", "Procent korting (kortingsbonnen)",
                            "Porcentaje de descuento (vales de descuento)"),
    "catalog.amount_off": ("Amount off (discount vouchers)", "Bedrag korting (kortingsbonnen)",
                           "Importe de descuento (vales de descuento)"),
    "catalog.minimum_basket": ("Least basket (discount vouchers)",
                               "Minimale besteding (kortingsbonnen)",
                               "Cesta mínima (vales de descuento)"),
    "catalog.currency": ("Currency (ISO 4217, e.g. EUR)", "Valuta (ISO 4217, bv. EUR)",
                         "Moneda (ISO 4217, p. ej. EUR)"),
    "catalog.sku": ("Product SKU (free products)", "Product-SKU (gratis producten)",
                    "SKU del producto (productos gratis)"),
    "catalog.entitlement": ("What it grants (exclusive access)",
                            "Wat het geeft (exclusieve toegang)",
                            "Qué concede (acceso exclusivo)"),
    "catalog.access_starts": ("Access starts (exclusive access, UTC)",
                              "Toegang begint (exclusieve toegang, UTC)",
                              "El acceso empieza (acceso exclusivo, UTC)"),
    "catalog.access_ends": ("Access ends (exclusive access, UTC)",
                            "Toegang eindigt (exclusieve toegang, UTC)",
                            "El acceso termina (acceso exclusivo, UTC)"),
    "catalog.cashback_amount": ("Cashback paid out (cashback)", "Uitbetaalde cashback (cashback)",
                                "Reembolso pagado (cashback)"),
    "catalog.voucher_prefix": ("Voucher prefix (up to 8 A-Z/0-9)",
                               "Voorvoegsel van vouchers (tot 8 A-Z/0-9)",
                               "Prefijo de los vales (hasta 8 A-Z/0-9)"),
    "catalog.voucher_pattern": ("Voucher pattern (X = random character, e.g. XXXX-XXXX-XXXX)",
                                "Vouchervorm (X = willekeurig teken, bv. XXXX-XXXX-XXXX)",
                                "Formato de los vales (X = carácter al azar, p. ej. "
                                "XXXX-XXXX-XXXX)"),
    "catalog.voucher_days": ("Days a voucher stays usable", "Dagen dat een voucher geldig blijft",
                             "Días que un vale sigue siendo válido"),
    "catalog.voucher_keep": ("The API does not show the current value; leave empty to keep it.",
                             "De API toont de huidige waarde niet; leeg laten om die te houden.",
                             "La API no muestra el valor actual; déjalo vacío para conservarlo."),
    "catalog.status": ("Status", "Status", "Estado"),
    "catalog.status.archived": ("archived", "gearchiveerd", "archivada"),
    "catalog.status.scheduled": ("scheduled", "gepland", "programada"),
    "catalog.status.ended": ("ended", "afgelopen", "terminada"),
    "catalog.status.active": ("on offer", "beschikbaar", "disponible"),
    "catalog.reward_kind.DISCOUNT_VOUCHER": ("Discount voucher", "Kortingsbon", "Vale de descuento"),
    "catalog.reward_kind.FREE_PRODUCT": ("Free product", "Gratis product", "Producto gratis"),
    "catalog.reward_kind.UPGRADE": ("Upgrade", "Upgrade", "Mejora"),
    "catalog.reward_kind.EXCLUSIVE_ACCESS": ("Exclusive access", "Exclusieve toegang",
                                             "Acceso exclusivo"),
    "catalog.reward_kind.CASHBACK": ("Cashback", "Cashback", "Reembolso"),
    "catalog.stock_title": ("Stock", "Voorraad", "Existencias"),
    "catalog.stock_left": ("Units left: {n}", "Stuks over: {n}", "Unidades restantes: {n}"),
    "catalog.stock_change": ("Change the stock by (negative to remove)",
                             "Voorraad wijzigen met (negatief om af te halen)",
                             "Cambiar las existencias en (negativo para quitar)"),
    "catalog.stock_submit": ("Change the stock", "Voorraad wijzigen", "Cambiar las existencias"),
    "catalog.archive_title": ("Stop offering it", "Niet meer aanbieden", "Dejar de ofrecerla"),
    "catalog.archive_reward": ("Archive the reward", "Beloning archiveren",
                               "Archivar la recompensa"),
    "catalog.archive_confirm": ("Archive this reward? Members can no longer redeem it; past "
                                "vouchers keep working.",
                                "Deze beloning archiveren? Leden kunnen haar niet meer "
                                "inwisselen; eerdere vouchers blijven werken.",
                                "¿Archivar esta recompensa? Los miembros ya no podrán canjearla; "
                                "los vales anteriores siguen valiendo."),
    "catalog.archived_note": ("This reward is archived: members can no longer redeem it.",
                              "Deze beloning is gearchiveerd: leden kunnen haar niet meer "
                              "inwisselen.",
                              "Esta recompensa está archivada: los miembros ya no pueden "
                              "canjearla."),
    # ---- offers
    "catalog.offers": ("Offers", "Aanbiedingen", "Ofertas"),
    "catalog.filter": ("Show", "Toon", "Mostrar"),
    "catalog.filter.all": ("all", "alle", "todas"),
    "catalog.offer_status.SCHEDULED": ("scheduled", "gepland", "programada"),
    "catalog.offer_status.LIVE": ("live", "actief", "activa"),
    "catalog.offer_status.ENDED": ("ended", "afgelopen", "terminada"),
    "catalog.offer_status.ARCHIVED": ("archived", "gearchiveerd", "archivada"),
    "catalog.targeting": ("For", "Voor", "Para"),
    "catalog.everyone": ("every member", "alle leden", "todos los miembros"),
    "catalog.targeted": ("a segment", "een doelgroep", "un segmento"),
    "catalog.early_for": ("early access: {tiers}", "vroege toegang: {tiers}",
                          "acceso anticipado: {tiers}"),
    "catalog.offer_archived_note": ("This offer is archived: members no longer see it.",
                                    "Deze aanbieding is gearchiveerd: leden zien haar niet "
                                    "meer.",
                                    "Esta oferta está archivada: los miembros ya no la ven."),
    "catalog.offer_new": ("New offer", "Nieuwe aanbieding", "Nueva oferta"),
    "catalog.offer_edit": ("Edit offer: {title}", "Aanbieding bewerken: {title}",
                           "Editar oferta: {title}"),
    "catalog.offer_create": ("Create the offer", "Aanbieding aanmaken", "Crear la oferta"),
    "catalog.offer_save": ("Replace the offer's settings", "Instellingen van de aanbieding "
                           "vervangen", "Reemplazar los ajustes de la oferta"),
    "catalog.offer_kind.BONUS_POINTS": ("Bonus points", "Bonuspunten", "Puntos extra"),
    "catalog.offer_kind.MEMBER_PRICE": ("Member price", "Ledenprijs", "Precio para miembros"),
    "catalog.offer_kind.EARLY_ACCESS": ("Early access", "Vroege toegang", "Acceso anticipado"),
    "catalog.starts_at": ("Starts (UTC)", "Begint (UTC)", "Empieza (UTC)"),
    "catalog.ends_at": ("Ends (UTC)", "Eindigt (UTC)", "Termina (UTC)"),
    "catalog.window": ("Active", "Actief", "Activa"),
    "catalog.visible_from": ("First members see it", "Eerste leden zien haar vanaf",
                             "Los primeros miembros la ven desde"),
    "catalog.needs_activation": ("Members must activate it before it applies",
                                 "Leden moeten haar activeren voordat ze geldt",
                                 "Los miembros deben activarla antes de que se aplique"),
    "catalog.activation": ("Activation", "Activering", "Activación"),
    "catalog.link": ("Read-more link (https URL)", "Link voor meer info (https-URL)",
                     "Enlace para saber más (URL https)"),
    "catalog.offer_interests": ("Interest tags it is about", "Interesses waar het over gaat",
                                "Intereses de los que trata"),
    "catalog.segment_tier": ("Target tier: {name}", "Doelniveau: {name}", "Nivel objetivo: {name}"),
    "catalog.segment_no_tier": ("Target members below every tier",
                                "Leden onder elk niveau als doel",
                                "Dirigida a miembros sin nivel"),
    "catalog.segment_min_points": ("Target: at least this many points",
                                   "Doelgroep: minstens zoveel punten",
                                   "Público: al menos estos puntos"),
    "catalog.segment_max_points": ("Target: at most this many points",
                                   "Doelgroep: hoogstens zoveel punten",
                                   "Público: como mucho estos puntos"),
    "catalog.segment_days": ("Target: bought in the last this-many days",
                             "Doelgroep: kocht in de laatste zoveel dagen",
                             "Público: compró en los últimos tantos días"),
    "catalog.segment_categories": ("Target: bought any of these categories",
                                   "Doelgroep: kocht een van deze categorieën",
                                   "Público: compró alguna de estas categorías"),
    "catalog.segment_interests": ("Target: chose any of these interests",
                                  "Doelgroep: koos een van deze interesses",
                                  "Público: eligió alguno de estos intereses"),
    "catalog.segment_locale": ("Target language: {language}", "Doeltaal: {language}",
                               "Idioma objetivo: {language}"),
    "catalog.segment_engagement": ("Target engagement: {state}", "Doelbetrokkenheid: {state}",
                                   "Compromiso objetivo: {state}"),
    "catalog.engagement.NEW": ("new", "nieuw", "nuevo"),
    "catalog.engagement.ACTIVE": ("active", "actief", "activo"),
    "catalog.engagement.LAPSING": ("lapsing", "afhakend", "en riesgo"),
    "catalog.engagement.DORMANT": ("dormant", "slapend", "inactivo"),
    "catalog.segment_device": ("Target: has a device for pushes",
                               "Doelgroep: heeft een apparaat voor pushberichten",
                               "Público: tiene un dispositivo para notificaciones"),
    "catalog.segment_consent": ("Target: opted in to marketing",
                                "Doelgroep: gaf toestemming voor marketing",
                                "Público: aceptó el marketing"),
    "catalog.segment_hint": ("Targeting: every criterion given must hold; none: every member.",
                             "Doelgroep: elk opgegeven criterium moet gelden; geen: alle leden.",
                             "Segmentación: deben cumplirse todos los criterios; ninguno: "
                             "todos los miembros."),
    "catalog.early_tier": ("Early access for tier: {name}", "Vroege toegang voor niveau: {name}",
                           "Acceso anticipado para el nivel: {name}"),
    "catalog.early_hours": ("Hours of early access before the start",
                            "Uren vroege toegang vóór de start",
                            "Horas de acceso anticipado antes del inicio"),
    "catalog.bonus_multiplier": ("Points multiplier (bonus points, e.g. 2)",
                                 "Puntenvermenigvuldiger (bonuspunten, bv. 2)",
                                 "Multiplicador de puntos (puntos extra, p. ej. 2)"),
    "catalog.bonus_points": ("Extra points per purchase (bonus points)",
                             "Extra punten per aankoop (bonuspunten)",
                             "Puntos extra por compra (puntos extra)"),
    "catalog.qualifying": ("Qualifying product categories (bonus points)",
                           "Kwalificerende productcategorieën (bonuspunten)",
                           "Categorías de producto que cuentan (puntos extra)"),
    "catalog.minimum_spend": ("Least purchase (bonus points)", "Minimale aankoop (bonuspunten)",
                              "Compra mínima (puntos extra)"),
    "catalog.uses": ("Purchases per member it pays on (bonus points)",
                     "Aankopen per lid waarop het uitbetaalt (bonuspunten)",
                     "Compras por miembro en las que paga (puntos extra)"),
    "catalog.offer_sku": ("Product SKU (member price)", "Product-SKU (ledenprijs)",
                          "SKU del producto (precio para miembros)"),
    "catalog.member_price": ("Members' price (member price)", "Ledenprijs (ledenprijs)",
                             "Precio para miembros (precio para miembros)"),
    "catalog.regular_price": ("Usual price (member price)", "Normale prijs (ledenprijs)",
                              "Precio habitual (precio para miembros)"),
    "catalog.gives": ("Gives", "Geeft", "Da"),
    "catalog.archive_offer": ("Archive the offer", "Aanbieding archiveren", "Archivar la oferta"),
    "catalog.archive_offer_confirm": ("Archive this offer? Members no longer see it.",
                                      "Deze aanbieding archiveren? Leden zien haar niet meer.",
                                      "¿Archivar esta oferta? Los miembros ya no la verán."),
    # ---- content
    "catalog.content": ("Exclusive content", "Exclusieve content", "Contenido exclusivo"),
    "catalog.content_status.SCHEDULED": ("scheduled", "gepland", "programado"),
    "catalog.content_status.PUBLISHED": ("published", "gepubliceerd", "publicado"),
    "catalog.content_status.TAKEN_DOWN": ("taken down", "offline gehaald", "retirado"),
    "catalog.content_down_note": ("This content is taken down: members no longer see it.",
                                  "Deze content is offline gehaald: leden zien haar niet meer.",
                                  "Este contenido está retirado: los miembros ya no lo ven."),
    "catalog.comes_down": ("Comes down", "Gaat offline", "Se retira"),
    "catalog.content_new": ("New content", "Nieuwe content", "Nuevo contenido"),
    "catalog.content_edit": ("Edit content: {title}", "Content bewerken: {title}",
                             "Editar contenido: {title}"),
    "catalog.content_create": ("Publish the content", "Content publiceren",
                               "Publicar el contenido"),
    "catalog.content_save": ("Replace the content's settings", "Instellingen van de content "
                             "vervangen", "Reemplazar los ajustes del contenido"),
    "catalog.content_kind.ARTICLE": ("Article", "Artikel", "Artículo"),
    "catalog.content_kind.VIDEO": ("Video", "Video", "Vídeo"),
    "catalog.content_kind.BEHIND_THE_SCENES": ("Behind the scenes", "Achter de schermen",
                                               "Entre bastidores"),
    "catalog.publish_at": ("Goes live (UTC)", "Gaat live (UTC)", "Se publica (UTC)"),
    "catalog.unpublish_at": ("Comes down (UTC; empty: stays up)",
                             "Gaat offline (UTC; leeg: blijft staan)",
                             "Se retira (UTC; vacío: se queda)"),
    "catalog.published_at": ("Goes or went live", "Gaat of ging live", "Se publica o publicó"),
    "catalog.video_url": ("Video (https URL)", "Video (https-URL)", "Vídeo (URL https)"),
    "catalog.content_tier": ("Tier that unlocks it", "Niveau dat het ontgrendelt",
                             "Nivel que lo desbloquea"),
    "catalog.unpublish": ("Take it down now", "Nu offline halen", "Retirarlo ahora"),
    "catalog.unpublish_confirm": ("Take this content down now?", "Deze content nu offline halen?",
                                  "¿Retirar este contenido ahora?"),
    "catalog.take_down": ("Take down", "Offline halen", "Retirar"),
    "catalog.name": ("Title", "Titel", "Título"),
})  # fmt: skip


# ---- small helpers --------------------------------------------------------------------------


def _subnav(c: Console) -> Html:
    """The catalog's sections this role may use (tiers and earning live in earning.py)."""
    links = [
        (CATALOG, "catalog.nav.overview", Access.EDIT_CATALOG),
        (REWARDS, "catalog.nav.rewards", Access.EDIT_CATALOG),
        (OFFERS, "catalog.nav.offers", Access.EDIT_OFFERS),
        (CONTENT, "catalog.nav.content", Access.EDIT_CONTENT),
        (CATALOG + "/tiers", "catalog.nav.tiers", Access.EDIT_TIERS),
        (CATALOG + "/earning", "catalog.nav.earning", Access.EDIT_EARNING_RULES),
    ]
    path = c.request.url.path
    items = [
        el("li", el("a", c.t(key), href=href, aria_current="page" if path == href else None))
        for href, key, access in links
        if c.may(access)
    ]
    return el("nav", el("ul", items, class_="inline"), aria_label=c.t("catalog.nav"),
              class_="subnav")  # fmt: skip


def _page(c: Console, title: str, *body: Any, status: int = 200) -> Response:
    c.title = title
    return c.render(el("div", _subnav(c), *body), title=title, status=status)


def _local(value: str | None) -> str:
    """An API DateTime as a datetime-local input's value (UTC, to the minute)."""
    if not value:
        return ""
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return ""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M")


def _now_local() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M")


class Reader:
    """Reads the posted form into API values, noting unreadable inputs as field problems."""

    def __init__(self, c: Console):
        self.c = c
        self.problems = Problems()

    def text(self, name: str) -> str | None:
        return self.c.value(name) or None

    def int(self, name: str) -> int | None:
        raw = self.c.value(name)
        if not raw:
            return None
        try:
            return int(raw)
        except ValueError:
            self.problems.fields[name] = self.c.t("catalog.whole_number")
            return None

    def decimal(self, name: str) -> str | None:
        raw = self.c.value(name).replace(",", ".")
        if not raw:
            return None
        try:
            float(raw)
        except ValueError:
            self.problems.fields[name] = self.c.t("catalog.number")
            return None
        return raw

    def when(self, name: str, *, required: bool = False) -> str | None:
        raw = self.c.value(name)
        if not raw:
            if required:
                self.problems.fields[name] = self.c.t("catalog.when_required")
            return None
        if len(raw) == 16:  # datetime-local: YYYY-MM-DDTHH:MM, read as UTC
            raw += ":00"
        try:
            dt.datetime.fromisoformat(raw)
        except ValueError:
            self.problems.fields[name] = self.c.t("catalog.when_required")
            return None
        return raw if raw.endswith("Z") or "+" in raw[10:] else raw + "Z"

    def tags(self, name: str) -> list[str] | None:
        values = [v.strip() for v in self.c.value(name).split(",") if v.strip()]
        return values or None

    def choice(self, name: str, allowed: tuple[str, ...]) -> str | None:
        value = self.c.value(name)
        return value if value in allowed else None

    def texts(self, keys: tuple[str, ...]) -> list[dict]:
        """`texts.<locale>.<key>` per language: English always, the others when filled."""
        out = []
        for locale in LOCALES:
            entry = {k: self.c.value(f"texts.{locale}.{k}") for k in keys}
            if locale == "en" or any(entry.values()):
                out.append({"locale": locale, **entry})
        return out


def _posted(c: Console) -> dict[str, str]:
    """The posted form as field values to show again."""
    if c.form_data is None:
        return {}
    return {k: v.strip() for k, v in c.form_data.items() if isinstance(v, str)}


def _merge(problems: Problems, local: Problems) -> Problems:
    return Problems(form=problems.form or local.form, fields={**local.fields, **problems.fields})


def _text_fields(c: Console, values: dict, keys: tuple[str, ...]) -> list[Field]:
    labels = {"title": "catalog.text_title", "description": "catalog.text_description",
              "terms": "catalog.text_terms", "body": "catalog.text_body"}  # fmt: skip
    fields = []
    for locale in LOCALES:
        lang = c.t(f"catalog.lang.{locale}")
        for key in keys:
            name = f"texts.{locale}.{key}"
            hint = None
            if key == "title":
                hint = c.t("catalog.text_hint_en" if locale == "en" else "catalog.text_hint")
            fields.append(Field(name, c.t(labels[key], language=lang),
                                kind="text" if key == "title" else "textarea",
                                required=locale == "en" and key == "title",
                                value=values.get(name, ""), hint=hint,
                                attrs={"maxlength": "120"} if key == "title" else {}))  # fmt: skip
    return fields


def _tier_options(c: Console, tiers: list[dict]) -> tuple[tuple[str, str], ...]:
    return (("", c.t("catalog.none_option")), *((t["code"], t["name"]) for t in tiers))


def _more(path: str, page_info: dict, c: Console, **params: str | None) -> Html | None:
    if not page_info.get("hasNextPage"):
        return None
    query = {**{k: v for k, v in params.items() if v}, "after": page_info["endCursor"]}
    return el("p", el("a", c.t("catalog.more"), href=path + "?" + urlencode(query)))


def _filter(c: Console, path: str, key: str, statuses: tuple[str, ...], chosen: str | None) -> Html:
    """Links that list every item or those in one status (the current one marked)."""
    choices = [(None, c.t("catalog.filter.all")),
               *((s, c.t(f"{key}.{s}")) for s in statuses)]  # fmt: skip
    items = [
        el("li", el("a", label, href=path + ("?" + urlencode({"status": s}) if s else ""),
                    aria_current="page" if s == chosen else None))
        for s, label in choices
    ]  # fmt: skip
    return el("nav", el("ul", items, class_="inline"), aria_label=c.t("catalog.filter"),
              class_="filter")  # fmt: skip


def _edges(outcome: Outcome, *path: str) -> list[dict]:
    return [e["node"] for e in outcome.get(*path, "edges", default=[])]


# ---- overview -------------------------------------------------------------------------------


@page("/catalog", access=Access.EDIT_CATALOG, methods=("GET",))
async def overview(c: Console) -> Response:
    shows = {"rewards": c.may(Access.EDIT_CATALOG), "offers": c.may(Access.EDIT_OFFERS),
             "content": c.may(Access.EDIT_CONTENT)}  # fmt: skip
    outcome = await c.run("CatalogOverview", shows)

    def count(field: str) -> str:
        n = len(outcome.get(field, "edges", default=[]))
        return f"{n}+" if outcome.get(field, "pageInfo", "hasNextPage") else str(n)

    cards = []
    for shown, field, href, label, text in (
        ("rewards", "rewards", REWARDS, "catalog.nav.rewards", "catalog.overview.rewards"),
        ("offers", "allOffers", OFFERS, "catalog.nav.offers", "catalog.overview.offers"),
        ("content", "allContent", CONTENT, "catalog.nav.content", "catalog.overview.content"),
    ):
        if shows[shown]:
            cards.append(el("div", el("h2", el("a", c.t(label), href=href)),
                            el("p", c.t(text, n=count(field))), class_="card"))  # fmt: skip
    rules = []
    if c.may(Access.EDIT_TIERS):
        rules.append(el("a", c.t("catalog.nav.tiers"), href=CATALOG + "/tiers"))
    if c.may(Access.EDIT_EARNING_RULES):
        rules.append(el("a", c.t("catalog.nav.earning"), href=CATALOG + "/earning"))
    if rules:
        cards.append(el("div", el("h2", *[el("span", r, " ") for r in rules]),
                        el("p", c.t("catalog.overview.rules")), class_="card"))  # fmt: skip
    return _page(c, c.t("catalog.title"), error_box(outcome), el("div", cards, class_="cards"))


# ---- rewards --------------------------------------------------------------------------------


def _status(c: Console, r: dict) -> str:
    now = dt.datetime.now(dt.UTC).isoformat()
    if r.get("archived"):
        return c.t("catalog.status.archived")
    if r.get("validFrom") and _utc(r["validFrom"]) > now:
        return c.t("catalog.status.scheduled")
    if r.get("validUntil") and _utc(r["validUntil"]) <= now:
        return c.t("catalog.status.ended")
    return c.t("catalog.status.active")


def _utc(value: str) -> str:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(dt.UTC).isoformat()


def _limits(c: Console, r: dict) -> str:
    parts = []
    if r.get("perMemberLimit"):
        parts.append(f"{r['perMemberLimit']}")
    if r.get("periodLimit") and r.get("limitPeriod"):
        parts.append(f"{r['periodLimit']}/{c.t('catalog.period.' + r['limitPeriod'])}")
    return ", ".join(parts)


@page("/catalog/rewards", access=Access.EDIT_CATALOG, methods=("GET",))
async def rewards(c: Console) -> Response:
    outcome = await c.run("CatalogRewards", {"after": c.arg("after") or None})
    rows = []
    for r in _edges(outcome, "rewards"):
        stock = c.t("catalog.unlimited") if r["stockLeft"] is None else r["stockLeft"]
        window = " – ".join(filter(None, [when(r.get("validFrom")), when(r.get("validUntil"))]))
        rows.append([
            el("a", r["title"], href=REWARDS + "/edit?" + urlencode({"id": r["id"]})),
            c.t("catalog.reward_kind." + r["kind"]), r["category"], r["pointsCost"],
            el("span", stock, class_="stock"), _limits(c, r), window, _status(c, r),
        ])  # fmt: skip
    headers = [c.t("catalog.name"), c.t("catalog.kind"), c.t("catalog.category"),
               c.t("catalog.points_cost"), c.t("catalog.stock"), c.t("catalog.limits"),
               c.t("catalog.validity"), c.t("catalog.status")]  # fmt: skip
    listing = (table(headers, rows, css="rewards") if rows
               else el("p", c.t("catalog.none"), class_="muted"))  # fmt: skip
    return _page(c, c.t("catalog.rewards"), error_box(outcome),
                 el("p", el("a", c.t("catalog.reward_new"), href=REWARDS + "/new")),
                 listing, _more(REWARDS, outcome.get("rewards", "pageInfo", default={}), c))  # fmt: skip


REWARD_INTS = ("pointsCost", "perMemberLimit", "periodLimit", "percentOff", "amountOff",
               "minimumBasket", "cashbackAmount", "voucherValidDays")  # fmt: skip
REWARD_TEXTS = ("category", "imageUrl", "currency", "sku", "entitlement", "voucherPrefix",
                "voucherPattern")  # fmt: skip
REWARD_TIMES = ("validFrom", "validUntil", "accessStartsAt", "accessEndsAt")
# Optional fields an edit empties when left blank (the voucher settings are not readable
# from the API, so blank keeps them).
REWARD_CLEARABLE = ("perMemberLimit", "periodLimit", "limitPeriod", "validFrom", "validUntil",
                    "imageUrl", "percentOff", "amountOff", "minimumBasket", "currency", "sku",
                    "entitlement", "accessStartsAt", "accessEndsAt", "cashbackAmount",
                    "minTier")  # fmt: skip


def _reward_input(c: Console, *, creating: bool) -> tuple[dict, list[str], Problems]:
    read = Reader(c)
    values: dict[str, Any] = {name: read.int(name) for name in REWARD_INTS}
    values.update({name: read.text(name) for name in REWARD_TEXTS})
    values.update({name: read.when(name) for name in REWARD_TIMES})
    values["kind"] = read.choice("kind", REWARD_KINDS)
    values["limitPeriod"] = read.choice("limitPeriod", PERIODS)
    values["minTier"] = read.text("minTier")
    values["texts"] = read.texts(("title", "description", "terms"))
    if creating:
        values["stock"] = read.int("stock")
    clear = [] if creating else [n for n in REWARD_CLEARABLE if values.get(n) is None]
    given = {k: v for k, v in values.items() if v is not None}
    return given, clear, read.problems


def _reward_values(r: dict) -> dict[str, str]:
    """A reward from the API as the form's values."""
    values = {}
    for name in (*REWARD_INTS, *REWARD_TEXTS, "kind", "limitPeriod", "minTier"):
        value = r.get(name)
        values[name] = "" if value is None else str(value)
    for name in REWARD_TIMES:
        values[name] = _local(r.get(name))
    for t in r.get("texts") or []:
        for key in ("title", "description", "terms"):
            values[f"texts.{t['locale']}.{key}"] = t.get(key) or ""
    return values


def _reward_fields(c: Console, v: dict, tiers: list[dict], *, creating: bool) -> list[Field]:
    kinds = tuple((k, c.t("catalog.reward_kind." + k)) for k in REWARD_KINDS)
    periods = (("", c.t("catalog.none_option")),
               *((p, c.t("catalog.period." + p)) for p in PERIODS))  # fmt: skip
    cents = c.t("catalog.cents")
    keep = None if creating else c.t("catalog.voucher_keep")
    number = {"step": "1"}
    fields = [
        Field("kind", c.t("catalog.kind"), kind="select", options=kinds, required=True,
              value=v.get("kind", "")),
        Field("category", c.t("catalog.category"), required=True, value=v.get("category", ""),
              hint=c.t("catalog.category_hint"), attrs={"maxlength": "40"}),
        Field("pointsCost", c.t("catalog.points_cost"), kind="number", required=True,
              value=v.get("pointsCost", ""), attrs=number),
        *_text_fields(c, v, ("title", "description", "terms")),
    ]  # fmt: skip
    if creating:
        fields.append(Field("stock", c.t("catalog.stock"), kind="number", attrs=number,
                            value=v.get("stock", ""), hint=c.t("catalog.stock_hint")))  # fmt: skip
    fields += [
        Field("perMemberLimit", c.t("catalog.per_member_limit"), kind="number", attrs=number,
              value=v.get("perMemberLimit", "")),
        Field("periodLimit", c.t("catalog.period_limit"), kind="number", attrs=number,
              value=v.get("periodLimit", "")),
        Field("limitPeriod", c.t("catalog.limit_period"), kind="select", options=periods,
              value=v.get("limitPeriod", "")),
        Field("validFrom", c.t("catalog.valid_from"), kind="datetime-local",
              value=v.get("validFrom", "")),
        Field("validUntil", c.t("catalog.valid_until"), kind="datetime-local",
              value=v.get("validUntil", "")),
        Field("minTier", c.t("catalog.min_tier"), kind="select",
              options=_tier_options(c, tiers), value=v.get("minTier", "")),
        Field("imageUrl", c.t("catalog.image_url"), kind="url", value=v.get("imageUrl", "")),
        Field("percentOff", c.t("catalog.percent_off"), kind="number", attrs=number,
              value=v.get("percentOff", "")),
        Field("amountOff", c.t("catalog.amount_off"), kind="number", attrs=number,
              value=v.get("amountOff", ""), hint=cents),
        Field("minimumBasket", c.t("catalog.minimum_basket"), kind="number", attrs=number,
              value=v.get("minimumBasket", ""), hint=cents),
        Field("currency", c.t("catalog.currency"), value=v.get("currency", ""),
              attrs={"maxlength": "3"}),
        Field("sku", c.t("catalog.sku"), value=v.get("sku", ""), attrs={"maxlength": "64"}),
        Field("entitlement", c.t("catalog.entitlement"), value=v.get("entitlement", ""),
              attrs={"maxlength": "64"}),
        Field("accessStartsAt", c.t("catalog.access_starts"), kind="datetime-local",
              value=v.get("accessStartsAt", "")),
        Field("accessEndsAt", c.t("catalog.access_ends"), kind="datetime-local",
              value=v.get("accessEndsAt", "")),
        Field("cashbackAmount", c.t("catalog.cashback_amount"), kind="number", attrs=number,
              value=v.get("cashbackAmount", ""), hint=cents),
        Field("voucherPrefix", c.t("catalog.voucher_prefix"), value=v.get("voucherPrefix", ""),
              attrs={"maxlength": "8"}, hint=keep),
        Field("voucherPattern", c.t("catalog.voucher_pattern"),
              value=v.get("voucherPattern", ""), attrs={"maxlength": "40"}, hint=keep),
        Field("voucherValidDays", c.t("catalog.voucher_days"), kind="number", attrs=number,
              value=v.get("voucherValidDays", ""), hint=keep),
    ]  # fmt: skip
    return fields


@page("/catalog/rewards/new", access=Access.EDIT_CATALOG)
async def reward_new(c: Console) -> Response:
    problems = None
    values: dict[str, str] = {}
    if c.request.method == "POST":
        given, _, local = _reward_input(c, creating=True)
        if local:
            problems = local
        else:
            _, problems = await c.mutate("CatalogCreateReward", {"input": given}, "createReward")
            if not problems:
                return c.done(REWARDS)
        values = _posted(c)
    outcome = await c.run("CatalogTiers")
    tiers = outcome.get("tiers", default=[])
    body = form(c, action=REWARDS + "/new", form_id="reward", problems=problems,
                submit=c.t("catalog.reward_create"),
                fields=_reward_fields(c, values, tiers, creating=True))  # fmt: skip
    return _page(c, c.t("catalog.reward_new"),
                 el("p", el("a", c.t("catalog.back_rewards"), href=REWARDS)),
                 error_box(outcome), body, status=422 if problems else 200)  # fmt: skip


@page("/catalog/rewards/edit", access=Access.EDIT_CATALOG)
async def reward_edit(c: Console) -> Response:
    reward_id = c.arg("id")
    problems: dict[str, Problems] = {}
    if c.request.method == "POST":
        action = c.value("action")
        if action == "save":
            given, clear, local = _reward_input(c, creating=False)
            if local:
                problems["save"] = local
            else:
                _, found = await c.mutate("CatalogUpdateReward", {
                    "id": reward_id, "input": given, "clear": clear}, "updateReward")  # fmt: skip
                if found:
                    problems["save"] = found
        elif action == "stock":
            read = Reader(c)
            change = read.int("change")
            if read.problems or change is None:
                problems["stock"] = read.problems or Problems(
                    fields={"change": c.t("catalog.whole_number")}
                )
            else:
                _, found = await c.mutate("CatalogAdjustStock", {"id": reward_id,
                                          "change": change}, "adjustRewardStock")  # fmt: skip
                if found:
                    problems["stock"] = found
        elif action == "archive":
            _, found = await c.mutate("CatalogArchiveReward", {"id": reward_id}, "archiveReward")
            if found:
                problems["archive"] = found
        else:
            problems["save"] = Problems(form=c.t("catalog.unknown_form"))
        if not problems:
            return c.done(REWARDS + "/edit", id=reward_id)
    outcome = await c.run("CatalogReward", {"id": reward_id})
    reward = outcome.get("node")
    if not reward or reward.get("__typename") != "Reward":
        return _page(c, c.t("catalog.rewards"), error_box(outcome),
                     el("p", c.t("catalog.not_found"), class_="error", role="alert"),
                     el("a", c.t("catalog.back_rewards"), href=REWARDS), status=404)  # fmt: skip
    tiers = outcome.get("tiers", default=[])
    values = _posted(c) if "save" in problems else _reward_values(reward)
    action = f"{REWARDS}/edit?" + urlencode({"id": reward_id})
    save = form(c, action=action, form_id="reward", problems=problems.get("save"),
                submit=c.t("catalog.reward_save"),
                fields=[Field("action", "", kind="hidden", value="save"),
                        *_reward_fields(c, values, tiers, creating=False)])  # fmt: skip
    stock_left = c.t("catalog.unlimited") if reward["stockLeft"] is None else reward["stockLeft"]
    stock = el("section", el("h2", c.t("catalog.stock_title")),
               el("p", c.t("catalog.stock_left", n=stock_left), id="stock-left"),
               form(c, action=action, form_id="stock", problems=problems.get("stock"),
                    submit=c.t("catalog.stock_submit"), fields=[
                        Field("action", "", kind="hidden", value="stock"),
                        Field("change", c.t("catalog.stock_change"), kind="number",
                              required=True, attrs={"step": "1"},
                              value=c.value("change") if "stock" in problems else "")]))  # fmt: skip
    if reward["archived"]:
        archive = el("p", c.t("catalog.archived_note"), class_="muted")
    else:
        archive = el("section", el("h2", c.t("catalog.archive_title")),
                     form(c, action=action, form_id="archive", problems=problems.get("archive"),
                          submit=c.t("catalog.archive_reward"),
                          confirm=c.t("catalog.archive_confirm"),
                          fields=[Field("action", "", kind="hidden", value="archive")]))  # fmt: skip
    return _page(c, c.t("catalog.reward_edit", title=reward["title"]),
                 el("p", el("a", c.t("catalog.back_rewards"), href=REWARDS)),
                 el("p", _status(c, reward), class_="muted"),
                 el("div", save, el("div", stock, archive), class_="columns"),
                 status=422 if problems else 200)  # fmt: skip


# ---- offers ---------------------------------------------------------------------------------


@page("/catalog/offers", access=Access.EDIT_OFFERS, methods=("GET",))
async def offers(c: Console) -> Response:
    status = c.arg("status") if c.arg("status") in OFFER_STATUSES else None
    outcome = await c.run("CatalogOffers", {"after": c.arg("after") or None, "status": status})
    rows = []
    for o in _edges(outcome, "allOffers"):
        gives = ""
        if o.get("bonusMultiplier"):
            gives = f"×{o['bonusMultiplier']}"
        elif o.get("bonusPoints"):
            gives = f"+{o['bonusPoints']}"
        elif o.get("memberPrice") is not None:
            gives = f"{o['memberPrice']} {o.get('currency') or ''}".strip()
        rows.append([
            el("a", o["title"], href=OFFERS + "/edit?" + urlencode({"id": o["id"]})),
            c.t("catalog.offer_kind." + o["kind"]), gives,
            f"{when(o['startsAt'])} – {when(o['endsAt'])}", when(o["visibleFrom"]),
            _audience(c, o),
            c.t("catalog.yes") if o["needsActivation"] else c.t("catalog.no"),
            el("span", c.t("catalog.offer_status." + o["status"]), class_="status"),
        ])  # fmt: skip
    headers = [c.t("catalog.name"), c.t("catalog.kind"), c.t("catalog.gives"),
               c.t("catalog.window"), c.t("catalog.visible_from"), c.t("catalog.targeting"),
               c.t("catalog.activation"), c.t("catalog.status")]  # fmt: skip
    listing = (table(headers, rows, css="offers") if rows
               else el("p", c.t("catalog.none"), class_="muted"))  # fmt: skip
    return _page(c, c.t("catalog.offers"), error_box(outcome),
                 el("p", el("a", c.t("catalog.offer_new"), href=OFFERS + "/new")),
                 _filter(c, OFFERS, "catalog.offer_status", OFFER_STATUSES, status), listing,
                 _more(OFFERS, outcome.get("allOffers", "pageInfo", default={}), c,
                       status=status))  # fmt: skip


def _audience(c: Console, o: dict) -> str:
    """Who an offer is for, in a few words: every member or a segment, and early access."""
    segment = o.get("segment") or {}
    targeted = any(v not in (None, []) for v in segment.values())
    text = c.t("catalog.targeted" if targeted else "catalog.everyone")
    if o.get("earlyAccessTiers"):
        text += "; " + c.t("catalog.early_for", tiers=", ".join(o["earlyAccessTiers"]))
    return text


def _offer_input(c: Console, tiers: list[dict]) -> tuple[dict, Problems]:
    read = Reader(c)
    codes = [t["code"] for t in tiers]
    segment: dict[str, Any] = {
        "tiers": [code for code in [*codes, ""] if c.checked(f"segment.tier.{code or '-'}")],
        "minPoints": read.int("segment.minPoints"),
        "maxPoints": read.int("segment.maxPoints"),
        "purchasedWithinDays": read.int("segment.purchasedWithinDays"),
        "categories": read.tags("segment.categories"),
        "interests": read.tags("segment.interests"),
        "locales": [loc for loc in LOCALES if c.checked(f"segment.locale.{loc}")],
        "engagement": [e for e in ENGAGEMENT if c.checked(f"segment.engagement.{e}")],
        "hasDevice": {"true": True, "false": False}.get(c.value("segment.hasDevice")),
        "marketingConsent": {"true": True, "false": False}.get(c.value("segment.marketingConsent")),
    }
    segment = {k: v for k, v in segment.items() if v not in (None, [])}
    values: dict[str, Any] = {
        "kind": read.choice("kind", OFFER_KINDS) or "BONUS_POINTS",
        "texts": read.texts(("title", "description")),
        "startsAt": read.when("startsAt", required=True),
        "endsAt": read.when("endsAt", required=True),
        "segment": segment or None,
        "imageUrl": read.text("imageUrl"),
        "link": read.text("link"),
        "interests": read.tags("interests"),
        "earlyAccessTiers": [code for code in codes if c.checked(f"earlyAccess.{code}")],
        "earlyAccessHours": read.int("earlyAccessHours") or 0,
        "needsActivation": c.checked("needsActivation"),
        "bonusMultiplier": read.decimal("bonusMultiplier"),
        "bonusPoints": read.int("bonusPoints"),
        "qualifyingCategories": read.tags("qualifyingCategories"),
        "minimumSpend": read.int("minimumSpend"),
        "usesPerMember": read.int("usesPerMember") or 1,
        "sku": read.text("sku"),
        "memberPrice": read.int("memberPrice"),
        "regularPrice": read.int("regularPrice"),
        "currency": read.text("currency"),
    }
    return values, read.problems


def _offer_values(o: dict) -> dict[str, str]:
    """An offer from the API (every setting, as staff read it) as the form's values."""
    values = {name: "" if o.get(name) is None else str(o[name]) for name in (
        "kind", "imageUrl", "link", "bonusMultiplier", "bonusPoints", "minimumSpend", "sku",
        "memberPrice", "regularPrice", "currency", "earlyAccessHours", "usesPerMember")}  # fmt: skip
    values["startsAt"], values["endsAt"] = _local(o.get("startsAt")), _local(o.get("endsAt"))
    values["qualifyingCategories"] = ", ".join(o.get("qualifyingCategories") or [])
    values["interests"] = ", ".join(o.get("interests") or [])
    values["needsActivation"] = "on" if o.get("needsActivation") else ""
    for t in o.get("texts") or []:
        for key in ("title", "description"):
            values[f"texts.{t['locale']}.{key}"] = t.get(key) or ""
    for code in o.get("earlyAccessTiers") or []:
        values[f"earlyAccess.{code}"] = "on"
    segment = o.get("segment") or {}
    for code in segment.get("tiers") or []:
        values[f"segment.tier.{code or '-'}"] = "on"
    for name in ("minPoints", "maxPoints", "purchasedWithinDays"):
        value = segment.get(name)
        values[f"segment.{name}"] = "" if value is None else str(value)
    for name in ("categories", "interests"):
        values[f"segment.{name}"] = ", ".join(segment.get(name) or [])
    for loc in segment.get("locales") or []:
        values[f"segment.locale.{loc}"] = "on"
    for state in segment.get("engagement") or []:
        values[f"segment.engagement.{state}"] = "on"
    for name in ("hasDevice", "marketingConsent"):
        value = segment.get(name)
        values[f"segment.{name}"] = "" if value is None else ("true" if value else "false")
    return values


def _offer_fields(c: Console, v: dict, tiers: list[dict]) -> list[Field]:
    kinds = tuple((k, c.t("catalog.offer_kind." + k)) for k in OFFER_KINDS)
    tri = (("", c.t("catalog.any")), ("true", c.t("catalog.yes")), ("false", c.t("catalog.no")))
    number = {"step": "1"}
    comma = c.t("catalog.comma")
    cents = c.t("catalog.cents")
    tier_boxes = [
        Field(f"segment.tier.{t['code']}", c.t("catalog.segment_tier", name=t["name"]),
              kind="checkbox", value=v.get(f"segment.tier.{t['code']}", ""),
              api="segment.tiers" if i == 0 else f"segment.tier.{t['code']}",
              hint=c.t("catalog.segment_hint") if i == 0 else None)
        for i, t in enumerate(tiers)
    ]  # fmt: skip
    tier_boxes.append(Field("segment.tier.-", c.t("catalog.segment_no_tier"), kind="checkbox",
                            value=v.get("segment.tier.-", ""),
                            hint=None if tiers else c.t("catalog.segment_hint")))  # fmt: skip
    return [
        Field("kind", c.t("catalog.kind"), kind="select", options=kinds, required=True,
              value=v.get("kind", "")),
        *_text_fields(c, v, ("title", "description")),
        Field("startsAt", c.t("catalog.starts_at"), kind="datetime-local", required=True,
              value=v.get("startsAt", "")),
        Field("endsAt", c.t("catalog.ends_at"), kind="datetime-local", required=True,
              value=v.get("endsAt", "")),
        Field("needsActivation", c.t("catalog.needs_activation"), kind="checkbox",
              value=v.get("needsActivation", "")),
        *tier_boxes,
        Field("segment.minPoints", c.t("catalog.segment_min_points"), kind="number",
              attrs=number, value=v.get("segment.minPoints", "")),
        Field("segment.maxPoints", c.t("catalog.segment_max_points"), kind="number",
              attrs=number, value=v.get("segment.maxPoints", "")),
        Field("segment.purchasedWithinDays", c.t("catalog.segment_days"), kind="number",
              attrs=number, value=v.get("segment.purchasedWithinDays", "")),
        Field("segment.categories", c.t("catalog.segment_categories"), hint=comma,
              value=v.get("segment.categories", "")),
        Field("segment.interests", c.t("catalog.segment_interests"), hint=comma,
              value=v.get("segment.interests", "")),
        *[Field(f"segment.locale.{loc}", c.t("catalog.segment_locale",
                                              language=c.t(f"catalog.lang.{loc}")),
                kind="checkbox", value=v.get(f"segment.locale.{loc}", ""),
                api="segment.locales" if loc == "en" else f"segment.locale.{loc}")
          for loc in LOCALES],
        *[Field(f"segment.engagement.{e}", c.t("catalog.segment_engagement",
                                                state=c.t(f"catalog.engagement.{e}")),
                kind="checkbox", value=v.get(f"segment.engagement.{e}", ""),
                api="segment.engagement" if e == "NEW" else f"segment.engagement.{e}")
          for e in ENGAGEMENT],
        Field("segment.hasDevice", c.t("catalog.segment_device"), kind="select", options=tri,
              value=v.get("segment.hasDevice", "")),
        Field("segment.marketingConsent", c.t("catalog.segment_consent"), kind="select",
              options=tri, value=v.get("segment.marketingConsent", "")),
        *[Field(f"earlyAccess.{t['code']}", c.t("catalog.early_tier", name=t["name"]),
                kind="checkbox", value=v.get(f"earlyAccess.{t['code']}", ""),
                api="earlyAccessTiers" if i == 0 else f"earlyAccess.{t['code']}")
          for i, t in enumerate(tiers)],
        Field("earlyAccessHours", c.t("catalog.early_hours"), kind="number", attrs=number,
              value=v.get("earlyAccessHours", "0")),
        Field("interests", c.t("catalog.offer_interests"), hint=comma,
              value=v.get("interests", "")),
        Field("imageUrl", c.t("catalog.image_url"), kind="url", value=v.get("imageUrl", "")),
        Field("link", c.t("catalog.link"), kind="url", value=v.get("link", "")),
        Field("bonusMultiplier", c.t("catalog.bonus_multiplier"),
              value=v.get("bonusMultiplier", ""), attrs={"inputmode": "decimal"}),
        Field("bonusPoints", c.t("catalog.bonus_points"), kind="number", attrs=number,
              value=v.get("bonusPoints", "")),
        Field("qualifyingCategories", c.t("catalog.qualifying"), hint=comma,
              value=v.get("qualifyingCategories", "")),
        Field("minimumSpend", c.t("catalog.minimum_spend"), kind="number", attrs=number,
              value=v.get("minimumSpend", ""), hint=cents),
        Field("usesPerMember", c.t("catalog.uses"), kind="number", attrs=number,
              value=v.get("usesPerMember", "1")),
        Field("sku", c.t("catalog.offer_sku"), value=v.get("sku", "")),
        Field("memberPrice", c.t("catalog.member_price"), kind="number", attrs=number,
              value=v.get("memberPrice", ""), hint=cents),
        Field("regularPrice", c.t("catalog.regular_price"), kind="number", attrs=number,
              value=v.get("regularPrice", ""), hint=cents),
        Field("currency", c.t("catalog.currency"), value=v.get("currency", ""),
              attrs={"maxlength": "3"}),
    ]  # fmt: skip


@page("/catalog/offers/new", access=Access.EDIT_OFFERS)
async def offer_new(c: Console) -> Response:
    outcome = await c.run("CatalogTiers")
    tiers = outcome.get("tiers", default=[])
    problems = None
    values: dict[str, str] = {"startsAt": _now_local()}
    if c.request.method == "POST":
        given, local = _offer_input(c, tiers)
        if local:
            problems = local
        else:
            _, problems = await c.mutate("CatalogCreateOffer", {"input": given}, "createOffer")
            if not problems:
                return c.done(OFFERS)
        values = _posted(c)
    body = form(c, action=OFFERS + "/new", form_id="offer", problems=problems,
                submit=c.t("catalog.offer_create"), fields=_offer_fields(c, values, tiers))  # fmt: skip
    return _page(c, c.t("catalog.offer_new"),
                 el("p", el("a", c.t("catalog.back_offers"), href=OFFERS)),
                 error_box(outcome), body, status=422 if problems else 200)  # fmt: skip


@page("/catalog/offers/edit", access=Access.EDIT_OFFERS)
async def offer_edit(c: Console) -> Response:
    offer_id = c.arg("id")
    outcome = await c.run("CatalogOffer", {"id": offer_id})
    tiers = outcome.get("tiers", default=[])
    offer = outcome.get("node")
    offer = offer if offer and offer.get("__typename") == "Offer" else None
    problems: dict[str, Problems] = {}
    if c.request.method == "POST":
        if c.value("action") == "archive":
            _, found = await c.mutate("CatalogArchiveOffer", {"id": offer_id}, "archiveOffer")
            if not found:
                return c.done(OFFERS)
            problems["archive"] = found
        else:
            given, local = _offer_input(c, tiers)
            found = local or (await c.mutate("CatalogUpdateOffer", {
                "id": offer_id, "input": given}, "updateOffer"))[1]  # fmt: skip
            if not found:
                return c.done(OFFERS)
            problems["save"] = found
    if offer is None:
        return _page(c, c.t("catalog.offers"), error_box(outcome),
                     el("p", c.t("catalog.not_found"), class_="error", role="alert"),
                     el("a", c.t("catalog.back_offers"), href=OFFERS), status=404)  # fmt: skip
    values = _posted(c) if "save" in problems else _offer_values(offer)
    action = f"{OFFERS}/edit?" + urlencode({"id": offer_id})
    save = form(c, action=action, form_id="offer", problems=problems.get("save"),
                submit=c.t("catalog.offer_save"),
                fields=[Field("action", "", kind="hidden", value="save"),
                        *_offer_fields(c, values, tiers)])  # fmt: skip
    if offer["status"] == "ARCHIVED":
        archive = el("p", c.t("catalog.offer_archived_note"), class_="muted")
    else:
        archive = el("section", el("h2", c.t("catalog.archive_title")),
                     form(c, action=action, form_id="archive", problems=problems.get("archive"),
                          submit=c.t("catalog.archive_offer"),
                          confirm=c.t("catalog.archive_offer_confirm"),
                          fields=[Field("action", "", kind="hidden", value="archive")]))  # fmt: skip
    return _page(c, c.t("catalog.offer_edit", title=offer["title"]),
                 el("p", el("a", c.t("catalog.back_offers"), href=OFFERS)), error_box(outcome),
                 el("p", c.t("catalog.status"), ": ",
                    el("span", c.t("catalog.offer_status." + offer["status"]), class_="status"),
                    class_="muted"),
                 el("div", save, archive, class_="columns"),
                 status=422 if problems else 200)  # fmt: skip


# ---- content --------------------------------------------------------------------------------


@page("/catalog/content", access=Access.EDIT_CONTENT, methods=("GET",))
async def contents(c: Console) -> Response:
    status = c.arg("status") if c.arg("status") in CONTENT_STATUSES else None
    outcome = await c.run("CatalogContents", {"after": c.arg("after") or None, "status": status})
    rows = [
        [el("a", i["title"], href=CONTENT + "/edit?" + urlencode({"id": i["id"]})),
         c.t("catalog.content_kind." + i["kind"]), i.get("requiredTier") or "",
         when(i["publishedAt"]), when(i.get("unpublishAt")),
         el("span", c.t("catalog.content_status." + i["status"]), class_="status")]
        for i in _edges(outcome, "allContent")
    ]  # fmt: skip
    headers = [c.t("catalog.name"), c.t("catalog.kind"), c.t("catalog.content_tier"),
               c.t("catalog.published_at"), c.t("catalog.comes_down"), c.t("catalog.status")]  # fmt: skip
    listing = (table(headers, rows, css="content") if rows
               else el("p", c.t("catalog.none"), class_="muted"))  # fmt: skip
    return _page(c, c.t("catalog.content"), error_box(outcome),
                 el("p", el("a", c.t("catalog.content_new"), href=CONTENT + "/new")),
                 _filter(c, CONTENT, "catalog.content_status", CONTENT_STATUSES, status),
                 listing, _more(CONTENT, outcome.get("allContent", "pageInfo", default={}), c,
                                status=status))  # fmt: skip


def _content_input(c: Console) -> tuple[dict, Problems]:
    read = Reader(c)
    return {
        "kind": read.choice("kind", CONTENT_KINDS) or "ARTICLE",
        "texts": read.texts(("title", "body")),
        "publishAt": read.when("publishAt", required=True),
        "unpublishAt": read.when("unpublishAt"),
        "videoUrl": read.text("videoUrl"),
        "imageUrl": read.text("imageUrl"),
        "minTier": read.text("minTier"),
    }, read.problems


def _content_values(item: dict) -> dict[str, str]:
    """A content item from the API (every setting, as staff read it) as the form's values."""
    values = {"kind": item["kind"], "publishAt": _local(item.get("publishedAt")),
              "unpublishAt": _local(item.get("unpublishAt")),
              "videoUrl": item.get("videoUrl") or "", "imageUrl": item.get("imageUrl") or "",
              "minTier": item.get("minTier") or ""}  # fmt: skip
    for t in item.get("texts") or []:
        for key in ("title", "body"):
            values[f"texts.{t['locale']}.{key}"] = t.get(key) or ""
    return values


def _content_fields(c: Console, v: dict, tiers: list[dict]) -> list[Field]:
    kinds = tuple((k, c.t("catalog.content_kind." + k)) for k in CONTENT_KINDS)
    return [
        Field("kind", c.t("catalog.kind"), kind="select", options=kinds, required=True,
              value=v.get("kind", "")),
        *_text_fields(c, v, ("title", "body")),
        Field("publishAt", c.t("catalog.publish_at"), kind="datetime-local", required=True,
              value=v.get("publishAt", "")),
        Field("unpublishAt", c.t("catalog.unpublish_at"), kind="datetime-local",
              value=v.get("unpublishAt", "")),
        Field("minTier", c.t("catalog.content_tier"), kind="select",
              options=_tier_options(c, tiers), value=v.get("minTier", "")),
        Field("videoUrl", c.t("catalog.video_url"), kind="url", value=v.get("videoUrl", "")),
        Field("imageUrl", c.t("catalog.image_url"), kind="url", value=v.get("imageUrl", "")),
    ]  # fmt: skip


@page("/catalog/content/new", access=Access.EDIT_CONTENT)
async def content_new(c: Console) -> Response:
    problems = None
    values: dict[str, str] = {"publishAt": _now_local()}
    if c.request.method == "POST":
        given, local = _content_input(c)
        if local:
            problems = local
        else:
            _, problems = await c.mutate("CatalogSaveContent", {"id": None, "input": given},
                                         "saveContent")  # fmt: skip
            if not problems:
                return c.done(CONTENT)
        values = _posted(c)
    outcome = await c.run("CatalogTiers")
    tiers = outcome.get("tiers", default=[])
    body = form(c, action=CONTENT + "/new", form_id="content", problems=problems,
                submit=c.t("catalog.content_create"), fields=_content_fields(c, values, tiers))  # fmt: skip
    return _page(c, c.t("catalog.content_new"),
                 el("p", el("a", c.t("catalog.back_content"), href=CONTENT)),
                 error_box(outcome), body, status=422 if problems else 200)  # fmt: skip


@page("/catalog/content/edit", access=Access.EDIT_CONTENT)
async def content_edit(c: Console) -> Response:
    item_id = c.arg("id")
    problems: dict[str, Problems] = {}
    if c.request.method == "POST":
        if c.value("action") == "unpublish":
            _, found = await c.mutate("CatalogUnpublishContent", {"id": item_id},
                                      "unpublishContent")  # fmt: skip
            if not found:
                return c.done(CONTENT)
            problems["unpublish"] = found
        else:
            given, local = _content_input(c)
            found = local or (await c.mutate("CatalogSaveContent", {
                "id": item_id, "input": given}, "saveContent"))[1]  # fmt: skip
            if not found:
                return c.done(CONTENT)
            problems["save"] = found
    outcome = await c.run("CatalogContent", {"id": item_id})
    tiers = outcome.get("tiers", default=[])
    item = outcome.get("node")
    item = item if item and item.get("__typename") == "Content" else None
    if item is None:
        return _page(c, c.t("catalog.content"), error_box(outcome),
                     el("p", c.t("catalog.not_found"), class_="error", role="alert"),
                     el("a", c.t("catalog.back_content"), href=CONTENT), status=404)  # fmt: skip
    values = _posted(c) if "save" in problems else _content_values(item)
    action = f"{CONTENT}/edit?" + urlencode({"id": item_id})
    save = form(c, action=action, form_id="content", problems=problems.get("save"),
                submit=c.t("catalog.content_save"),
                fields=[Field("action", "", kind="hidden", value="save"),
                        *_content_fields(c, values, tiers)])  # fmt: skip
    if item["status"] == "TAKEN_DOWN":
        down = el("p", c.t("catalog.content_down_note"), class_="muted")
    else:
        down = el("section", el("h2", c.t("catalog.unpublish")),
                  form(c, action=action, form_id="unpublish", problems=problems.get("unpublish"),
                       submit=c.t("catalog.take_down"), confirm=c.t("catalog.unpublish_confirm"),
                       fields=[Field("action", "", kind="hidden", value="unpublish")]))  # fmt: skip
    return _page(c, c.t("catalog.content_edit", title=item["title"]),
                 el("p", el("a", c.t("catalog.back_content"), href=CONTENT)), error_box(outcome),
                 el("p", c.t("catalog.status"), ": ",
                    el("span", c.t("catalog.content_status." + item["status"]), class_="status"),
                    class_="muted"),
                 el("div", save, down, class_="columns"),
                 status=422 if problems else 200)  # fmt: skip


ROUTES = [
    overview,
    rewards,
    reward_new,
    reward_edit,
    offers,
    offer_new,
    offer_edit,
    contents,
    content_new,
    content_edit,
]
