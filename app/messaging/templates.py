"""Transactional message templates, in every language the program speaks. Fields are
filled with str.format from values the code provides (never member-supplied format
strings)."""

from app.i18n import DEFAULT_LOCALE, plural_forms

TEMPLATES: dict[str, dict[str, tuple[str, str]]] = {
    "POINTS_EARNED": {
        "en": ("You earned {points|1 point|# points}", "Thanks for shopping! You now have {available|1 point|# points}."),
        "nl": ("Je hebt {points|1 punt|# punten} verdiend", "Bedankt voor je aankoop! Je hebt nu {available|1 punt|# punten}."),
        "es": ("Has ganado {points|1 punto|# puntos}", "¡Gracias por tu compra! Ahora tienes {available|1 punto|# puntos}."),
    },
    "POINTS_EXPIRING": {
        "en": ("{points|1 point|# points} expire on {date}", "Spend them on a reward before they are gone."),
        "nl": ("{points|1 punt|# punten} vervallen op {date}", "Wissel ze in voor een beloning voordat ze weg zijn."),
        "es": ("{points|1 punto|# puntos} caducan el {date}", "Canjéalos por una recompensa antes de que caduquen."),
    },
    "REWARD_REDEEMED": {
        "en": ("Enjoy your reward: {title}", "{points|1 point|# points} spent. Find your code in the app."),
        "nl": ("Veel plezier met je beloning: {title}", "{points|1 punt|# punten} ingewisseld. Je code staat in de app."),
        "es": ("Disfruta tu recompensa: {title}", "{points|1 punto|# puntos} canjeados. Tu código está en la app."),
    },
    "VOUCHER_EXPIRING": {
        "en": ("Your voucher expires on {date}", "Use your {title} code before it expires."),
        "nl": ("Je voucher verloopt op {date}", "Gebruik je code voor {title} voordat die verloopt."),
        "es": ("Tu cupón caduca el {date}", "Usa tu código de {title} antes de que caduque."),
    },
    "TIER_UP": {
        "en": ("Welcome to {tier}!", "You reached {tier}. Discover your new benefits in the app."),
        "nl": ("Welkom bij {tier}!", "Je hebt {tier} bereikt. Ontdek je nieuwe voordelen in de app."),
        "es": ("¡Bienvenido a {tier}!", "Has alcanzado {tier}. Descubre tus nuevas ventajas en la app."),
    },
    "TIER_DOWN": {
        "en": ("You are now {tier}", "Shop again to climb back up: see your progress in the app."),
        "nl": ("Je bent nu {tier}", "Shop opnieuw om weer te stijgen: bekijk je voortgang in de app."),
        "es": ("Ahora eres {tier}", "Vuelve a comprar para subir de nuevo: mira tu progreso en la app."),
    },
    "EVENT_PLACE": {  # promoted from an event's waitlist
        "en": ("You have a place at {event}", "A place opened up and it is yours. See the details in the app."),
        "nl": ("Je hebt een plek bij {event}", "Er kwam een plek vrij en die is voor jou. Bekijk de details in de app."),
        "es": ("Tienes una plaza en {event}", "Se ha liberado una plaza y es para ti. Consulta los detalles en la app."),
    },
}  # fmt: skip


def render(code: str, locale: str, **fields: object) -> tuple[str, str]:
    """(title, body) of template `code` in `locale` (English if missing)."""
    texts = TEMPLATES[code]
    title, body = texts.get(locale) or texts[DEFAULT_LOCALE]
    return plural_forms(title, fields).format(**fields), plural_forms(body, fields).format(**fields)
