"""Member-facing text in the program's languages, chosen by member locale or Accept-Language."""

from __future__ import annotations

LOCALES = ("en", "nl", "es")
DEFAULT_LOCALE = "en"

MESSAGES: dict[str, dict[str, str]] = {
    "UNAUTHENTICATED": {
        "en": "You need to sign in to do this.",
        "nl": "Je moet ingelogd zijn om dit te doen.",
        "es": "Tienes que iniciar sesión para hacer esto.",
    },
    "SESSION_EXPIRED": {
        "en": "Your session has ended. Please sign in again.",
        "nl": "Je sessie is beëindigd. Log opnieuw in.",
        "es": "Tu sesión ha terminado. Inicia sesión de nuevo.",
    },
    "FORBIDDEN": {
        "en": "You are not allowed to do this.",
        "nl": "Je hebt geen toestemming om dit te doen.",
        "es": "No tienes permiso para hacer esto.",
    },
    "INVALID_CREDENTIALS": {
        "en": "The email address or password is not correct.",
        "nl": "Het e-mailadres of wachtwoord is onjuist.",
        "es": "El correo electrónico o la contraseña no son correctos.",
    },
    "TOO_MANY_ATTEMPTS": {
        "en": "Too many attempts. Try again in {retry_after_seconds} seconds.",
        "nl": "Te veel pogingen. Probeer het over {retry_after_seconds} seconden opnieuw.",
        "es": "Demasiados intentos. Vuelve a intentarlo en {retry_after_seconds} segundos.",
    },
    "EMAIL_ALREADY_REGISTERED": {
        "en": "An account with this email address already exists. Try signing in.",
        "nl": "Er bestaat al een account met dit e-mailadres. Probeer in te loggen.",
        "es": "Ya existe una cuenta con este correo electrónico. Intenta iniciar sesión.",
    },
    "INVALID_INPUT": {
        "en": "Some of the information is not valid.",
        "nl": "Een deel van de gegevens is niet geldig.",
        "es": "Parte de la información no es válida.",
    },
    "NOT_FOUND": {
        "en": "Not found.",
        "nl": "Niet gevonden.",
        "es": "No encontrado.",
    },
    "INTERNAL_SERVER_ERROR": {
        "en": "Something went wrong on our side. Please try again.",
        "nl": "Er ging iets mis aan onze kant. Probeer het opnieuw.",
        "es": "Algo salió mal por nuestra parte. Inténtalo de nuevo.",
    },
    # field problems
    "REQUIRED": {
        "en": "This field is required.",
        "nl": "Dit veld is verplicht.",
        "es": "Este campo es obligatorio.",
    },
    "INVALID_EMAIL": {
        "en": "Enter a valid email address.",
        "nl": "Vul een geldig e-mailadres in.",
        "es": "Introduce un correo electrónico válido.",
    },
    "PASSWORD_TOO_SHORT": {
        "en": "Use at least {min} characters.",
        "nl": "Gebruik minstens {min} tekens.",
        "es": "Usa al menos {min} caracteres.",
    },
    "PASSWORD_TOO_COMMON": {
        "en": "This password is too easy to guess.",
        "nl": "Dit wachtwoord is te makkelijk te raden.",
        "es": "Esta contraseña es demasiado fácil de adivinar.",
    },
    "TOO_LONG": {
        "en": "Use at most {max} characters.",
        "nl": "Gebruik maximaal {max} tekens.",
        "es": "Usa como máximo {max} caracteres.",
    },
    "TOO_MANY": {
        "en": "Choose at most {max}.",
        "nl": "Kies er maximaal {max}.",
        "es": "Elige como máximo {max}.",
    },
    "UNSUPPORTED_LOCALE": {
        "en": "Choose one of: {allowed}.",
        "nl": "Kies een van: {allowed}.",
        "es": "Elige uno de: {allowed}.",
    },
    "UNKNOWN_TIME_ZONE": {
        "en": "This is not a known time zone.",
        "nl": "Dit is geen bekende tijdzone.",
        "es": "Esta no es una zona horaria conocida.",
    },
    "INVALID_DATE": {
        "en": "This date is not possible.",
        "nl": "Deze datum is niet mogelijk.",
        "es": "Esta fecha no es posible.",
    },
    "INVALID_VALUE": {
        "en": "This value is not allowed.",
        "nl": "Deze waarde is niet toegestaan.",
        "es": "Este valor no está permitido.",
    },
    "SAME_PASSWORD": {
        "en": "Choose a password different from the current one.",
        "nl": "Kies een ander wachtwoord dan het huidige.",
        "es": "Elige una contraseña distinta de la actual.",
    },
}


def pick_locale(*candidates: str | None, accept_language: str | None = None) -> str:
    """The first supported locale among explicit candidates, then Accept-Language by q-value."""
    for candidate in candidates:
        if candidate in LOCALES:
            return candidate
    if accept_language:
        ranked: list[tuple[float, int, str]] = []
        for index, part in enumerate(accept_language.split(",")[:20]):
            tag, _, params = part.strip().partition(";")
            q = 1.0
            if params.strip().startswith("q="):
                try:
                    q = float(params.strip()[2:])
                except ValueError:
                    q = 0.0
            ranked.append((-q, index, tag.strip().lower().split("-")[0]))
        for neg_q, _, lang in sorted(ranked):
            if neg_q < 0 and lang in LOCALES:
                return lang
    return DEFAULT_LOCALE


def translate(code: str, locale: str, **params: object) -> str:
    """The message for `code` in `locale` (English if missing), with `{params}` filled in."""
    texts = MESSAGES.get(code)
    if texts is None:
        return code
    text = texts.get(locale) or texts[DEFAULT_LOCALE]
    try:
        return text.format(**params)
    except (KeyError, IndexError):
        return text
