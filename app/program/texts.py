"""Sentence templates of the program terms, in every program language. The sentences are
filled in from the live configuration (app.program.service), so what members read is what
the code applies; there is no hand-written copy to keep in step."""

from __future__ import annotations

from app.i18n import DEFAULT_LOCALE

TEMPLATES: dict[str, dict[str, str]] = {
    # earning
    "EARN_RATE": {
        "en": "You earn {rate} points per {currency} spent.",
        "nl": "Je verdient {rate} punten per besteedde {currency}.",
        "es": "Ganas {rate} puntos por cada {currency} gastado.",
    },
    "EARN_RATE_ONE": {
        "en": "You earn 1 point per {currency} spent.",
        "nl": "Je verdient 1 punt per besteedde {currency}.",
        "es": "Ganas 1 punto por cada {currency} gastado.",
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
        "en": "Purchases earn at most {cap} points per day.",
        "nl": "Aankopen leveren maximaal {cap} punten per dag op.",
        "es": "Las compras suman como máximo {cap} puntos al día.",
    },
    "EARN_CAP_week": {
        "en": "Purchases earn at most {cap} points per week.",
        "nl": "Aankopen leveren maximaal {cap} punten per week op.",
        "es": "Las compras suman como máximo {cap} puntos por semana.",
    },
    "EARN_CAP_month": {
        "en": "Purchases earn at most {cap} points per month.",
        "nl": "Aankopen leveren maximaal {cap} punten per maand op.",
        "es": "Las compras suman como máximo {cap} puntos al mes.",
    },
    "EARN_HOLD": {
        "en": "Points for a purchase become available {days} days after it (the return period).",
        "nl": "Punten voor een aankoop worden {days} dagen later beschikbaar (de retourperiode).",
        "es": "Los puntos de una compra están disponibles {days} días después (periodo de devolución).",
    },
    "EARN_REFUND": {
        "en": "A refund takes back the points its purchase earned.",
        "nl": "Bij een terugbetaling vervallen de punten die de aankoop opleverde.",
        "es": "Un reembolso retira los puntos que sumó su compra.",
    },
    "EARN_SIGNUP": {
        "en": "You get {points} welcome points when you join.",
        "nl": "Je krijgt {points} welkomstpunten als je lid wordt.",
        "es": "Recibes {points} puntos de bienvenida al unirte.",
    },
    "EARN_BIRTHDAY": {
        "en": "You get {points} points on your birthday.",
        "nl": "Je krijgt {points} punten op je verjaardag.",
        "es": "Recibes {points} puntos en tu cumpleaños.",
    },
    "EARN_ACTION": {
        "en": "{name}: {points} points.",
        "nl": "{name}: {points} punten.",
        "es": "{name}: {points} puntos.",
    },
    "EARN_ACTION_DAILY": {
        "en": "{name}: {points} points, at most {limit} times a day.",
        "nl": "{name}: {points} punten, maximaal {limit} keer per dag.",
        "es": "{name}: {points} puntos, como máximo {limit} veces al día.",
    },
    "EARN_ACTION_TOTAL": {
        "en": "{name}: {points} points, at most {limit} times in all.",
        "nl": "{name}: {points} punten, maximaal {limit} keer in totaal.",
        "es": "{name}: {points} puntos, como máximo {limit} veces en total.",
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
        "en": "Points expire {months} months after you earn them.",
        "nl": "Punten verlopen {months} maanden nadat je ze verdient.",
        "es": "Los puntos caducan {months} meses después de ganarlos.",
    },
    "EXPIRY_end_of_period_month": {
        "en": "Points expire at the end of the month, {months} months after you earn them.",
        "nl": "Punten verlopen aan het eind van de maand, {months} maanden nadat je ze verdient.",
        "es": "Los puntos caducan al final del mes, {months} meses después de ganarlos.",
    },
    "EXPIRY_end_of_period_quarter": {
        "en": "Points expire at the end of the quarter, {months} months after you earn them.",
        "nl": "Punten verlopen aan het eind van het kwartaal, {months} maanden nadat je ze verdient.",
        "es": "Los puntos caducan al final del trimestre, {months} meses después de ganarlos.",
    },
    "EXPIRY_end_of_period_year": {
        "en": "Points expire at the end of the year, {months} months after you earn them.",
        "nl": "Punten verlopen aan het eind van het jaar, {months} maanden nadat je ze verdient.",
        "es": "Los puntos caducan al final del año, {months} meses después de ganarlos.",
    },
    "EXPIRY_ORDER": {
        "en": "When you spend points, those that expire first are used first.",
        "nl": "Als je punten besteedt, gaan de punten die het eerst verlopen eerst op.",
        "es": "Al gastar puntos, se usan primero los que caducan antes.",
    },
    # tiers
    "TIERS_spend_rolling": {
        "en": "Your tier follows what you spend in {currency} over the last {months} months.",
        "nl": "Je niveau volgt wat je in {currency} besteedt over de laatste {months} maanden.",
        "es": "Tu nivel depende de lo que gastas en {currency} en los últimos {months} meses.",
    },
    "TIERS_spend_calendar_year": {
        "en": "Your tier follows what you spend in {currency} in the calendar year.",
        "nl": "Je niveau volgt wat je in {currency} besteedt in het kalenderjaar.",
        "es": "Tu nivel depende de lo que gastas en {currency} en el año natural.",
    },
    "TIERS_points_rolling": {
        "en": "Your tier follows the points you earn over the last {months} months.",
        "nl": "Je niveau volgt de punten die je verdient over de laatste {months} maanden.",
        "es": "Tu nivel depende de los puntos que ganas en los últimos {months} meses.",
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
        "en": "{tier}: from {threshold} points.",
        "nl": "{tier}: vanaf {threshold} punten.",
        "es": "{tier}: desde {threshold} puntos.",
    },
    "TIER_MULTIPLIER": {
        "en": "{tier} members earn {multiplier}x points.",
        "nl": "{tier}-leden verdienen {multiplier}x punten.",
        "es": "Los miembros {tier} ganan {multiplier}x puntos.",
    },
    "TIERS_GRACE": {
        "en": "If you fall below your tier's threshold you keep the tier for {days} more days.",
        "nl": "Zak je onder de drempel van je niveau, dan houd je het nog {days} dagen.",
        "es": "Si bajas del umbral de tu nivel, lo conservas {days} días más.",
    },
    # redemption
    "REDEEM_AVAILABLE_ONLY": {
        "en": "You can spend available points only; points on hold cannot be spent yet.",
        "nl": "Je kunt alleen beschikbare punten besteden; punten in de wacht nog niet.",
        "es": "Solo puedes gastar puntos disponibles; los puntos retenidos aún no.",
    },
    "REDEEM_CHECKOUT": {
        "en": "At the till, {points} points pay 1 {currency}.",
        "nl": "Aan de kassa betalen {points} punten 1 {currency}.",
        "es": "En caja, {points} puntos pagan 1 {currency}.",
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
        "en": "You get {points} points for each friend who joins with your code and makes a first purchase, for up to {cap} friends a month.",
        "nl": "Je krijgt {points} punten voor elke vriend die zich met jouw code aanmeldt en een eerste aankoop doet, voor maximaal {cap} vrienden per maand.",
        "es": "Recibes {points} puntos por cada amigo que se une con tu código y hace una primera compra, hasta {cap} amigos al mes.",
    },
    "REFERRAL_REFEREE": {
        "en": "The friend gets {points} points with their first purchase.",
        "nl": "De vriend krijgt {points} punten bij de eerste aankoop.",
        "es": "El amigo recibe {points} puntos con su primera compra.",
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
        "en": "Earn {rate} points for every {currency} you spend.",
        "nl": "Verdien {rate} punten voor elke {currency} die je besteedt.",
        "es": "Gana {rate} puntos por cada {currency} que gastes.",
    },
    "BENEFIT_EARN_ONE": {
        "en": "Earn 1 point for every {currency} you spend.",
        "nl": "Verdien 1 punt voor elke {currency} die je besteedt.",
        "es": "Gana 1 punto por cada {currency} que gastes.",
    },
    "BENEFIT_WELCOME": {
        "en": "{points} points welcome gift.",
        "nl": "{points} punten welkomstcadeau.",
        "es": "{points} puntos de regalo de bienvenida.",
    },
    "BENEFIT_BIRTHDAY": {
        "en": "{points} points on your birthday.",
        "nl": "{points} punten op je verjaardag.",
        "es": "{points} puntos en tu cumpleaños.",
    },
    "BENEFIT_REFERRAL": {
        "en": "{points} points for each friend you bring.",
        "nl": "{points} punten voor elke vriend die je aanbrengt.",
        "es": "{points} puntos por cada amigo que traigas.",
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
    """The template `key` in `locale` (English if missing), filled in; `key_ONE` instead
    when there is one and the rate is exactly 1 ("1 point", not "1 points")."""
    if str(params.get("rate")) == "1" and f"{key}_ONE" in TEMPLATES:
        key = f"{key}_ONE"
    texts = TEMPLATES[key]
    return (texts.get(locale) or texts[DEFAULT_LOCALE]).format(**params)
