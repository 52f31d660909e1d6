"""Transactional message templates, in every language the program speaks. Fields are
filled with str.format from values the code provides (never member-supplied format
strings)."""

from app.i18n import DEFAULT_LOCALE

TEMPLATES: dict[str, dict[str, tuple[str, str]]] = {
    "POINTS_EARNED": {
        "en": ("You earned {points} points", "Thanks for shopping! You now have {available} points."),
        "nl": ("Je hebt {points} punten verdiend", "Bedankt voor je aankoop! Je hebt nu {available} punten."),
        "es": ("Has ganado {points} puntos", "¡Gracias por tu compra! Ahora tienes {available} puntos."),
    },
    "POINTS_EXPIRING": {
        "en": ("{points} points expire on {date}", "Spend them on a reward before they are gone."),
        "nl": ("{points} punten vervallen op {date}", "Wissel ze in voor een beloning voordat ze weg zijn."),
        "es": ("{points} puntos caducan el {date}", "Canjéalos por una recompensa antes de que caduquen."),
    },
    "REWARD_REDEEMED": {
        "en": ("Enjoy your reward: {title}", "{points} points spent. Find your code in the app."),
        "nl": ("Veel plezier met je beloning: {title}", "{points} punten ingewisseld. Je code staat in de app."),
        "es": ("Disfruta tu recompensa: {title}", "{points} puntos canjeados. Tu código está en la app."),
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
}  # fmt: skip


def render(code: str, locale: str, **fields: object) -> tuple[str, str]:
    """(title, body) of template `code` in `locale` (English if missing)."""
    texts = TEMPLATES[code]
    title, body = texts.get(locale) or texts[DEFAULT_LOCALE]
    return title.format(**fields), body.format(**fields)
