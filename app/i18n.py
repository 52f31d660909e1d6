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
    "MEMBER_NOT_FOUND": {
        "en": "No member matches this reference.",
        "nl": "Er is geen lid met deze verwijzing.",
        "es": "Ningún miembro coincide con esta referencia.",
    },
    "PURCHASE_NOT_FOUND": {
        "en": "No purchase with this reference was recorded.",
        "nl": "Er is geen aankoop met deze verwijzing geregistreerd.",
        "es": "No se ha registrado ninguna compra con esta referencia.",
    },
    "INSUFFICIENT_POINTS": {
        "en": "Not enough points: {required} needed, {available} available.",
        "nl": "Niet genoeg punten: {required} nodig, {available} beschikbaar.",
        "es": "No hay suficientes puntos: se necesitan {required}, hay {available} disponibles.",
    },
    "IDEMPOTENCY_KEY_REUSED": {
        "en": "This idempotency key was already used for a different request.",
        "nl": "Deze idempotentiesleutel is al gebruikt voor een ander verzoek.",
        "es": "Esta clave de idempotencia ya se usó para otra solicitud.",
    },
    "PURCHASE_ALREADY_RECORDED": {
        "en": "This purchase was already recorded; it earns points only once.",
        "nl": "Deze aankoop is al geregistreerd; hij levert maar één keer punten op.",
        "es": "Esta compra ya se registró; solo suma puntos una vez.",
    },
    "REFUND_EXCEEDS_PURCHASE": {
        "en": "The refund is larger than what is left to refund ({refundable}).",
        "nl": "De terugbetaling is groter dan wat nog terug te betalen is ({refundable}).",
        "es": "El reembolso supera lo que queda por reembolsar ({refundable}).",
    },
    # field problems of the ledger and earning
    "MUST_BE_POSITIVE": {
        "en": "This must be greater than zero.",
        "nl": "Dit moet groter dan nul zijn.",
        "es": "Debe ser mayor que cero.",
    },
    "TOO_LARGE": {
        "en": "This is larger than the maximum of {max}.",
        "nl": "Dit is groter dan het maximum van {max}.",
        "es": "Supera el máximo de {max}.",
    },
    "UNKNOWN_CURRENCY": {
        "en": "This currency is not accepted by the program.",
        "nl": "Deze valuta wordt niet geaccepteerd door het programma.",
        "es": "El programa no acepta esta moneda.",
    },
    "INVALID_KEY": {
        "en": "Use 8 to 128 characters: letters, digits, '.', '_', ':' or '-'.",
        "nl": "Gebruik 8 tot 128 tekens: letters, cijfers, '.', '_', ':' of '-'.",
        "es": "Usa de 8 a 128 caracteres: letras, dígitos, '.', '_', ':' o '-'.",
    },
    "ONE_REFERENCE": {
        "en": "Give exactly one of: id, externalRef, cardNumber.",
        "nl": "Geef precies één van: id, externalRef, cardNumber.",
        "es": "Indica exactamente uno de: id, externalRef, cardNumber.",
    },
    "LINES_TOTAL_MISMATCH": {
        "en": "The line amounts add up to {lines}, not to the purchase amount {amount}.",
        "nl": "De regelbedragen tellen op tot {lines}, niet tot het aankoopbedrag {amount}.",
        "es": "Los importes de las líneas suman {lines}, no el importe de la compra {amount}.",
    },
    "IN_THE_FUTURE": {
        "en": "This time is in the future.",
        "nl": "Dit tijdstip ligt in de toekomst.",
        "es": "Esta hora está en el futuro.",
    },
    "MUST_NOT_BE_ZERO": {
        "en": "This must not be zero.",
        "nl": "Dit mag niet nul zijn.",
        "es": "No puede ser cero.",
    },
    # why points moved (activity explanations)
    "RULE_BASE": {
        "en": "{rate} points per {currency} spent",
        "nl": "{rate} punten per besteedde {currency}",
        "es": "{rate} puntos por cada {currency} gastado",
    },
    "RULE_MULTIPLIER": {
        "en": "{multiplier}x points on {target}",
        "nl": "{multiplier}x punten op {target}",
        "es": "{multiplier}x puntos en {target}",
    },
    "RULE_BONUS_WINDOW": {
        "en": "{name}: {multiplier}x points",
        "nl": "{name}: {multiplier}x punten",
        "es": "{name}: {multiplier}x puntos",
    },
    "RULE_MINIMUM_SPEND": {
        "en": "Purchases under {minimum} {currency} earn no points",
        "nl": "Aankopen onder {minimum} {currency} leveren geen punten op",
        "es": "Las compras de menos de {minimum} {currency} no suman puntos",
    },
    "RULE_DAILY_CAP": {
        "en": "Daily limit of {cap} points reached",
        "nl": "Daglimiet van {cap} punten bereikt",
        "es": "Límite diario de {cap} puntos alcanzado",
    },
    "RULE_WEEKLY_CAP": {
        "en": "Weekly limit of {cap} points reached",
        "nl": "Weeklimiet van {cap} punten bereikt",
        "es": "Límite semanal de {cap} puntos alcanzado",
    },
    "RULE_MONTHLY_CAP": {
        "en": "Monthly limit of {cap} points reached",
        "nl": "Maandlimiet van {cap} punten bereikt",
        "es": "Límite mensual de {cap} puntos alcanzado",
    },
    "RULE_HOLD": {
        "en": "Available from {availableAt} (return period)",
        "nl": "Beschikbaar vanaf {availableAt} (retourperiode)",
        "es": "Disponibles a partir del {availableAt} (periodo de devolución)",
    },
    "RULE_REFUND": {
        "en": "Refund of {amount} {currency} on a purchase",
        "nl": "Terugbetaling van {amount} {currency} op een aankoop",
        "es": "Reembolso de {amount} {currency} de una compra",
    },
    "RULE_EXPIRY": {
        "en": "Points expired on {expiresAt}",
        "nl": "Punten verlopen op {expiresAt}",
        "es": "Puntos caducados el {expiresAt}",
    },
    "RULE_ADJUSTMENT": {
        "en": "Correction by our team: {reason}",
        "nl": "Correctie door ons team: {reason}",
        "es": "Corrección de nuestro equipo: {reason}",
    },
    "RULE_EVENT": {
        "en": "{name}",
        "nl": "{name}",
        "es": "{name}",
    },
    "RULE_SIGNUP_BONUS": {
        "en": "Welcome bonus",
        "nl": "Welkomstbonus",
        "es": "Bono de bienvenida",
    },
    "RULE_BIRTHDAY_BONUS": {
        "en": "Happy birthday!",
        "nl": "Gefeliciteerd met je verjaardag!",
        "es": "¡Feliz cumpleaños!",
    },
    "RULE_REFERRAL": {
        "en": "Thanks for bringing a friend",
        "nl": "Bedankt voor het aanbrengen van een vriend",
        "es": "Gracias por traer a un amigo",
    },
    "RULE_REFERRED": {
        "en": "Welcome gift from the friend who invited you",
        "nl": "Welkomstcadeau van de vriend die je uitnodigde",
        "es": "Regalo de bienvenida del amigo que te invitó",
    },
    "REFUND_ALREADY_RECORDED": {
        "en": "This refund was already recorded.",
        "nl": "Deze terugbetaling is al geregistreerd.",
        "es": "Este reembolso ya se registró.",
    },
    "EVENT_LIMIT_REACHED": {
        "en": "This action has already earned its maximum points.",
        "nl": "Deze actie heeft al het maximum aan punten opgeleverd.",
        "es": "Esta acción ya ha sumado el máximo de puntos.",
    },
    "EVENT_ALREADY_RECORDED": {
        "en": "This event was already recorded; it earns points only once.",
        "nl": "Deze gebeurtenis is al geregistreerd; ze levert maar één keer punten op.",
        "es": "Este evento ya se registró; solo suma puntos una vez.",
    },
    "UNKNOWN_EVENT_TYPE": {
        "en": "This event type is not configured in the program.",
        "nl": "Dit type gebeurtenis is niet ingesteld in het programma.",
        "es": "Este tipo de evento no está configurado en el programa.",
    },
    "UNKNOWN_REFERRAL_CODE": {
        "en": "This referral code does not exist.",
        "nl": "Deze verwijzingscode bestaat niet.",
        "es": "Este código de recomendación no existe.",
    },
    "SELF_REFERRAL": {
        "en": "You cannot use your own referral code.",
        "nl": "Je kunt je eigen verwijzingscode niet gebruiken.",
        "es": "No puedes usar tu propio código de recomendación.",
    },
    "ALREADY_REFERRED": {
        "en": "A referral code was already used for this account.",
        "nl": "Voor dit account is al een verwijzingscode gebruikt.",
        "es": "Ya se usó un código de recomendación para esta cuenta.",
    },
    "NOT_A_NEW_MEMBER": {
        "en": "Referral codes are for members who have not purchased yet.",
        "nl": "Verwijzingscodes zijn voor leden die nog niets hebben gekocht.",
        "es": "Los códigos de recomendación son para miembros que aún no han comprado.",
    },
    "REFERRAL_LOOP": {
        "en": "You cannot use the code of someone you brought into the program.",
        "nl": "Je kunt de code niet gebruiken van iemand die jij hebt aangebracht.",
        "es": "No puedes usar el código de alguien a quien tú invitaste.",
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
