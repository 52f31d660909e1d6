"""Sentence templates of the program terms, in every program language. The sentences are
filled in from the live configuration (app.program.service), so what members read is what
the code applies; there is no hand-written copy to keep in step."""

from __future__ import annotations

from app.i18n import DEFAULT_LOCALE, plural_forms

TEMPLATES: dict[str, dict[str, str]] = {
    # earning
    "EARN_RATE": {
        "en": "You earn {rate|1 point|# points} per {currency} spent.",
        "nl": "Je verdient {rate|1 punt|# punten} per besteedde {currency}.",
        "es": "Ganas {rate|1 punto|# puntos} por cada {currency} gastado.",
    },
    "EARN_MINIMUM": {
        "en": "Purchases under {minimum} {currency} earn no points.",
        "nl": "Aankopen onder {minimum} {currency} leveren geen punten op.",
        "es": "Las compras de menos de {minimum} {currency} no suman puntos.",
    },
    "EARN_ROUNDING_down": {
        "en": "Points are rounded down to whole points.",
        "nl": "Punten worden naar beneden afgerond op hele punten.",
        "es": "Los puntos se redondean a la baja a puntos enteros.",
    },
    "EARN_ROUNDING_nearest": {
        "en": "Points are rounded to the nearest whole point.",
        "nl": "Punten worden afgerond op het dichtstbijzijnde hele punt.",
        "es": "Los puntos se redondean al punto entero más cercano.",
    },
    "EARN_ROUNDING_up": {
        "en": "Points are rounded up to whole points.",
        "nl": "Punten worden naar boven afgerond op hele punten.",
        "es": "Los puntos se redondean al alza a puntos enteros.",
    },
    "EARN_MULTIPLIER_category": {
        "en": "{multiplier}x points on the {value} category.",
        "nl": "{multiplier}x punten op de categorie {value}.",
        "es": "{multiplier}x puntos en la categoría {value}.",
    },
    "EARN_MULTIPLIER_sku": {
        "en": "{multiplier}x points on product {value}.",
        "nl": "{multiplier}x punten op product {value}.",
        "es": "{multiplier}x puntos en el producto {value}.",
    },
    "EARN_EXCLUDED_category": {
        "en": "The {value} category earns no points.",
        "nl": "De categorie {value} levert geen punten op.",
        "es": "La categoría {value} no suma puntos.",
    },
    "EARN_EXCLUDED_sku": {
        "en": "Product {value} earns no points.",
        "nl": "Product {value} levert geen punten op.",
        "es": "El producto {value} no suma puntos.",
    },
    "EARN_WINDOW": {
        "en": "{name}: {multiplier}x points from {start} until {end} (UTC).",
        "nl": "{name}: {multiplier}x punten van {start} tot {end} (UTC).",
        "es": "{name}: {multiplier}x puntos desde el {start} hasta el {end} (UTC).",
    },
    "EARN_CAP_day": {
        "en": "Purchases earn at most {cap|1 point|# points} per day.",
        "nl": "Aankopen leveren maximaal {cap|1 punt|# punten} per dag op.",
        "es": "Las compras suman como máximo {cap|1 punto|# puntos} al día.",
    },
    "EARN_CAP_week": {
        "en": "Purchases earn at most {cap|1 point|# points} per week.",
        "nl": "Aankopen leveren maximaal {cap|1 punt|# punten} per week op.",
        "es": "Las compras suman como máximo {cap|1 punto|# puntos} por semana.",
    },
    "EARN_CAP_month": {
        "en": "Purchases earn at most {cap|1 point|# points} per month.",
        "nl": "Aankopen leveren maximaal {cap|1 punt|# punten} per maand op.",
        "es": "Las compras suman como máximo {cap|1 punto|# puntos} al mes.",
    },
    "EARN_HOLD": {
        "en": "Points for a purchase become available {days|1 day|# days} after it (the return period).",
        "nl": "Punten voor een aankoop worden {days|1 dag|# dagen} later beschikbaar (de retourperiode).",
        "es": "Los puntos de una compra están disponibles {days|1 día|# días} después (periodo de devolución).",
    },
    "EARN_REFUND": {
        "en": "A refund takes back the points its purchase earned.",
        "nl": "Bij een terugbetaling vervallen de punten die de aankoop opleverde.",
        "es": "Un reembolso retira los puntos que sumó su compra.",
    },
    "EARN_SIGNUP": {
        "en": "You get {points} welcome points when you join.",
        "nl": "Je krijgt {points} welkomstpunten als je lid wordt.",
        "es": "Recibes {points|1 punto|# puntos} de bienvenida al unirte.",
    },
    "EARN_BIRTHDAY": {
        "en": "You get {points|1 point|# points} on your birthday.",
        "nl": "Je krijgt {points|1 punt|# punten} op je verjaardag.",
        "es": "Recibes {points|1 punto|# puntos} en tu cumpleaños.",
    },
    "EARN_ACTION": {
        "en": "{name}: {points|1 point|# points}.",
        "nl": "{name}: {points|1 punt|# punten}.",
        "es": "{name}: {points|1 punto|# puntos}.",
    },
    "EARN_ACTION_DAILY": {
        "en": "{name}: {points|1 point|# points}, at most {limit|once|# times} a day.",
        "nl": "{name}: {points|1 punt|# punten}, maximaal {limit|één keer|# keer} per dag.",
        "es": "{name}: {points|1 punto|# puntos}, como máximo {limit|una vez|# veces} al día.",
    },
    "EARN_ACTION_TOTAL": {
        "en": "{name}: {points|1 point|# points}, at most {limit|once|# times} in all.",
        "nl": "{name}: {points|1 punt|# punten}, maximaal {limit|één keer|# keer} in totaal.",
        "es": "{name}: {points|1 punto|# puntos}, como máximo {limit|una vez|# veces} en total.",
    },
    "EARN_TERMS": {
        "en": "You earn and redeem points once you have accepted the program terms in force.",
        "nl": "Je verdient en besteedt punten zodra je de geldende programmavoorwaarden hebt geaccepteerd.",
        "es": "Ganas y canjeas puntos cuando hayas aceptado las condiciones vigentes del programa.",
    },
    # expiry
    "EXPIRY_never": {
        "en": "Points never expire.",
        "nl": "Punten verlopen nooit.",
        "es": "Los puntos no caducan nunca.",
    },
    "EXPIRY_months_after_earning": {
        "en": "Points expire {months|1 month|# months} after you earn them.",
        "nl": "Punten verlopen {months|1 maand|# maanden} nadat je ze verdient.",
        "es": "Los puntos caducan {months|1 mes|# meses} después de ganarlos.",
    },
    "EXPIRY_end_of_period_month": {
        "en": "Points expire at the end of the month, {months|1 month|# months} after you earn them.",
        "nl": "Punten verlopen aan het eind van de maand, {months|1 maand|# maanden} nadat je ze verdient.",
        "es": "Los puntos caducan al final del mes, {months|1 mes|# meses} después de ganarlos.",
    },
    "EXPIRY_end_of_period_quarter": {
        "en": "Points expire at the end of the quarter, {months|1 month|# months} after you earn them.",
        "nl": "Punten verlopen aan het eind van het kwartaal, {months|1 maand|# maanden} nadat je ze verdient.",
        "es": "Los puntos caducan al final del trimestre, {months|1 mes|# meses} después de ganarlos.",
    },
    "EXPIRY_end_of_period_year": {
        "en": "Points expire at the end of the year, {months|1 month|# months} after you earn them.",
        "nl": "Punten verlopen aan het eind van het jaar, {months|1 maand|# maanden} nadat je ze verdient.",
        "es": "Los puntos caducan al final del año, {months|1 mes|# meses} después de ganarlos.",
    },
    "EXPIRY_ORDER": {
        "en": "When you spend points, those that expire first are used first.",
        "nl": "Als je punten besteedt, gaan de punten die het eerst verlopen eerst op.",
        "es": "Al gastar puntos, se usan primero los que caducan antes.",
    },
    # tiers
    "TIERS_spend_rolling": {
        "en": "Your tier follows what you spend in {currency} over the last {months|1 month|# months}.",
        "nl": "Je niveau volgt wat je in {currency} besteedt over de laatste {months|1 maand|# maanden}.",
        "es": "Tu nivel depende de lo que gastas en {currency} en los últimos {months|1 mes|# meses}.",
    },
    "TIERS_spend_calendar_year": {
        "en": "Your tier follows what you spend in {currency} in the calendar year.",
        "nl": "Je niveau volgt wat je in {currency} besteedt in het kalenderjaar.",
        "es": "Tu nivel depende de lo que gastas en {currency} en el año natural.",
    },
    "TIERS_points_rolling": {
        "en": "Your tier follows the points you earn over the last {months|1 month|# months}.",
        "nl": "Je niveau volgt de punten die je verdient over de laatste {months|1 maand|# maanden}.",
        "es": "Tu nivel depende de los puntos que ganas en los últimos {months|1 mes|# meses}.",
    },
    "TIERS_points_calendar_year": {
        "en": "Your tier follows the points you earn in the calendar year.",
        "nl": "Je niveau volgt de punten die je verdient in het kalenderjaar.",
        "es": "Tu nivel depende de los puntos que ganas en el año natural.",
    },
    "TIER_THRESHOLD_spend": {
        "en": "{tier}: from {threshold} {currency} spent.",
        "nl": "{tier}: vanaf {threshold} {currency} besteed.",
        "es": "{tier}: desde {threshold} {currency} gastados.",
    },
    "TIER_THRESHOLD_points": {
        "en": "{tier}: from {threshold|1 point|# points}.",
        "nl": "{tier}: vanaf {threshold|1 punt|# punten}.",
        "es": "{tier}: desde {threshold|1 punto|# puntos}.",
    },
    "TIER_MULTIPLIER": {
        "en": "{tier} members earn {multiplier}x points.",
        "nl": "{tier}-leden verdienen {multiplier}x punten.",
        "es": "Los miembros {tier} ganan {multiplier}x puntos.",
    },
    "TIERS_GRACE": {
        "en": "If you fall below your tier's threshold you keep the tier for {days} more days.",
        "nl": "Zak je onder de drempel van je niveau, dan houd je het nog {days|1 dag|# dagen}.",
        "es": "Si bajas del umbral de tu nivel, lo conservas {days|1 día|# días} más.",
    },
    # redemption
    "REDEEM_AVAILABLE_ONLY": {
        "en": "You can spend available points only; points on hold cannot be spent yet.",
        "nl": "Je kunt alleen beschikbare punten besteden; punten in de wacht nog niet.",
        "es": "Solo puedes gastar puntos disponibles; los puntos retenidos aún no.",
    },
    "REDEEM_CHECKOUT": {
        "en": "At the till, {points|1 point|# points} pay 1 {currency}.",
        "nl": "Aan de kassa betalen {points|1 punt|# punten} 1 {currency}.",
        "es": "En caja, {points|1 punto|# puntos} pagan 1 {currency}.",
    },
    "REDEEM_TIER": {
        "en": "{title}: for {tier} members and above.",
        "nl": "{title}: voor {tier}-leden en hoger.",
        "es": "{title}: para miembros {tier} o superior.",
    },
    "REDEEM_LIMIT_lifetime": {
        "en": "{title}: at most {limit} per member.",
        "nl": "{title}: maximaal {limit} per lid.",
        "es": "{title}: como máximo {limit} por miembro.",
    },
    "REDEEM_LIMIT_day": {
        "en": "{title}: at most {limit} per member per day.",
        "nl": "{title}: maximaal {limit} per lid per dag.",
        "es": "{title}: como máximo {limit} por miembro al día.",
    },
    "REDEEM_LIMIT_week": {
        "en": "{title}: at most {limit} per member per week.",
        "nl": "{title}: maximaal {limit} per lid per week.",
        "es": "{title}: como máximo {limit} por miembro por semana.",
    },
    "REDEEM_LIMIT_month": {
        "en": "{title}: at most {limit} per member per month.",
        "nl": "{title}: maximaal {limit} per lid per maand.",
        "es": "{title}: como máximo {limit} por miembro al mes.",
    },
    "REDEEM_LIMIT_year": {
        "en": "{title}: at most {limit} per member per year.",
        "nl": "{title}: maximaal {limit} per lid per jaar.",
        "es": "{title}: como máximo {limit} por miembro al año.",
    },
    "REDEEM_CANCEL": {
        "en": "You can cancel a redemption whose vouchers are unused and get its points back.",
        "nl": "Je kunt een inwisseling met ongebruikte vouchers annuleren en de punten terugkrijgen.",
        "es": "Puedes cancelar un canje con cupones sin usar y recuperar sus puntos.",
    },
    # referral
    "REFERRAL_NONE": {
        "en": "There is no reward for referring friends at the moment.",
        "nl": "Er is op dit moment geen beloning voor het aanbrengen van vrienden.",
        "es": "Ahora mismo no hay recompensa por recomendar a amigos.",
    },
    "REFERRAL_REFERRER": {
        "en": "You get {points|1 point|# points} for each friend who joins with your code and makes a first purchase, for up to {cap|1 friend|# friends} a month.",
        "nl": "Je krijgt {points|1 punt|# punten} voor elke vriend die zich met jouw code aanmeldt en een eerste aankoop doet, voor maximaal {cap|1 vriend|# vrienden} per maand.",
        "es": "Recibes {points|1 punto|# puntos} por cada amigo que se une con tu código y hace una primera compra, hasta {cap|1 amigo|# amigos} al mes.",
    },
    "REFERRAL_REFEREE": {
        "en": "The friend gets {points|1 point|# points} with their first purchase.",
        "nl": "De vriend krijgt {points|1 punt|# punten} bij de eerste aankoop.",
        "es": "El amigo recibe {points|1 punto|# puntos} con su primera compra.",
    },
    "REFERRAL_MINIMUM": {
        "en": "The first purchase must be at least {minimum}.",
        "nl": "De eerste aankoop moet minstens {minimum} zijn.",
        "es": "La primera compra debe ser de al menos {minimum}.",
    },
    "REFERRAL_ONCE": {
        "en": "A referral code can be used once, before the first purchase.",
        "nl": "Een verwijzingscode kan één keer worden gebruikt, vóór de eerste aankoop.",
        "es": "Un código de recomendación se puede usar una vez, antes de la primera compra.",
    },
    # the benefits summary
    "BENEFIT_EARN": {
        "en": "Earn {rate|1 point|# points} for every {currency} you spend.",
        "nl": "Verdien {rate|1 punt|# punten} voor elke {currency} die je besteedt.",
        "es": "Gana {rate|1 punto|# puntos} por cada {currency} que gastes.",
    },
    "BENEFIT_WELCOME": {
        "en": "{points|1 point|# points} welcome gift.",
        "nl": "{points|1 punt|# punten} welkomstcadeau.",
        "es": "{points|1 punto|# puntos} de regalo de bienvenida.",
    },
    "BENEFIT_BIRTHDAY": {
        "en": "{points|1 point|# points} on your birthday.",
        "nl": "{points|1 punt|# punten} op je verjaardag.",
        "es": "{points|1 punto|# puntos} en tu cumpleaños.",
    },
    "BENEFIT_REFERRAL": {
        "en": "{points|1 point|# points} for each friend you bring.",
        "nl": "{points|1 punt|# punten} voor elke vriend die je aanbrengt.",
        "es": "{points|1 punto|# puntos} por cada amigo que traigas.",
    },
    "BENEFIT_TIERS": {
        "en": "{count} tiers to climb ({names}), with more points and benefits at each.",
        "nl": "{count} niveaus om te beklimmen ({names}), met meer punten en voordelen per niveau.",
        "es": "{count} niveles que alcanzar ({names}), con más puntos y ventajas en cada uno.",
    },
    "BENEFIT_TIER": {
        "en": "{tier}: {benefit}",
        "nl": "{tier}: {benefit}",
        "es": "{tier}: {benefit}",
    },
    "BENEFIT_CHECKOUT": {
        "en": "Pay at the till with your points.",
        "nl": "Betaal aan de kassa met je punten.",
        "es": "Paga en caja con tus puntos.",
    },
    "BENEFIT_NO_EXPIRY": {
        "en": "Your points never expire.",
        "nl": "Je punten verlopen nooit.",
        "es": "Tus puntos no caducan nunca.",
    },
}


def sentence(key: str, locale: str, **params: object) -> str:
    """The template `key` in `locale` (English if missing), filled in, its plural forms
    chosen by the numbers ("1 point", "once a day": app.i18n.plural_forms)."""
    texts = TEMPLATES[key]
    return plural_forms(texts.get(locale) or texts[DEFAULT_LOCALE], params).format(**params)
