"""Mail templates in every language the program speaks: a subject, paragraphs, and the
label of the one button (its link is the `link` field). Fields are filled by
`app.i18n.fill` from values the code provides ({name|one|other} for plurals, as in push
templates); member-supplied text is only ever a value, never a format string.

`SECURITY` templates always go out (the member cannot switch them off): they are how an
account is recovered and how its owner hears of changes to it.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.i18n import DEFAULT_LOCALE, fill


@dataclass(frozen=True)
class Template:
    subject: str
    paragraphs: tuple[str, ...]
    action: str | None = None  # the button's label; the button links to {link}


T = Template
TEMPLATES: dict[str, dict[str, Template]] = {
    "PASSWORD_RESET": {
        "en": T("Reset your password", ("Hello {name},", "Someone (hopefully you) asked to reset the password of your account. The link works once, for {minutes} minutes.", "If it was not you, ignore this mail: your password stays as it is."), "Choose a new password"),
        "nl": T("Stel je wachtwoord opnieuw in", ("Hallo {name},", "Iemand (hopelijk jij) vroeg om het wachtwoord van je account opnieuw in te stellen. De link werkt één keer, {minutes} minuten lang.", "Was jij het niet? Negeer deze mail: je wachtwoord blijft zoals het is."), "Kies een nieuw wachtwoord"),
        "es": T("Restablece tu contraseña", ("Hola {name}:", "Alguien (esperamos que tú) ha pedido restablecer la contraseña de tu cuenta. El enlace funciona una vez, durante {minutes} minutos.", "Si no has sido tú, ignora este correo: tu contraseña no cambia."), "Elegir una contraseña nueva"),
    },
    "INVITATION": {
        "en": T("Your loyalty account is ready", ("Hello {name},", "You are a member of our loyalty program and have {points|1 point|# points} waiting. Set a password to sign in to the app. The link works once, for {days|1 day|# days}."), "Set your password"),
        "nl": T("Je spaaraccount staat klaar", ("Hallo {name},", "Je bent lid van ons spaarprogramma en er staan {points|1 punt|# punten} voor je klaar. Kies een wachtwoord om in de app in te loggen. De link werkt één keer, {days|1 dag|# dagen} lang."), "Kies je wachtwoord"),
        "es": T("Tu cuenta de fidelidad está lista", ("Hola {name}:", "Eres miembro de nuestro programa de fidelidad y tienes {points|1 punto|# puntos} esperándote. Elige una contraseña para entrar en la app. El enlace funciona una vez, durante {days|1 día|# días}."), "Elegir tu contraseña"),
    },
    "VERIFY_EMAIL": {
        "en": T("Confirm your email address", ("Hello {name},", "Welcome to the program! Confirm that this is your address, so we can send you your rewards and offers. The link works for {days|1 day|# days}."), "Confirm my address"),
        "nl": T("Bevestig je e-mailadres", ("Hallo {name},", "Welkom bij het programma! Bevestig dat dit jouw adres is, zodat we je beloningen en aanbiedingen kunnen sturen. De link werkt {days|1 dag|# dagen}."), "Bevestig mijn adres"),
        "es": T("Confirma tu dirección de correo", ("Hola {name}:", "¡Bienvenido al programa! Confirma que esta es tu dirección para que podamos enviarte tus recompensas y ofertas. El enlace funciona durante {days|1 día|# días}."), "Confirmar mi dirección"),
    },
    "CONFIRM_NEW_EMAIL": {
        "en": T("Confirm your new email address", ("Hello {name},", "You asked to use this address for your loyalty account. It switches when you confirm; the link works for {days|1 day|# days}.", "If it was not you, ignore this mail."), "Use this address"),
        "nl": T("Bevestig je nieuwe e-mailadres", ("Hallo {name},", "Je vroeg om dit adres voor je spaaraccount te gebruiken. Het wordt gewijzigd zodra je bevestigt; de link werkt {days|1 dag|# dagen}.", "Was jij het niet? Negeer deze mail."), "Gebruik dit adres"),
        "es": T("Confirma tu nueva dirección de correo", ("Hola {name}:", "Has pedido usar esta dirección para tu cuenta de fidelidad. Cambiará cuando lo confirmes; el enlace funciona durante {days|1 día|# días}.", "Si no has sido tú, ignora este correo."), "Usar esta dirección"),
    },
    "EMAIL_CHANGE_REQUESTED": {  # to the old address
        "en": T("Your email address is about to change", ("Hello {name},", "Someone signed in to your account asked to change its email address to {new_email}. It changes only when that address is confirmed.", "If it was not you, change your password now: that also signs out every device."), None),
        "nl": T("Je e-mailadres wordt gewijzigd", ("Hallo {name},", "Iemand die in je account is ingelogd, vroeg om het e-mailadres te wijzigen in {new_email}. Het wijzigt pas als dat adres is bevestigd.", "Was jij het niet? Wijzig dan nu je wachtwoord: dat logt ook alle apparaten uit."), None),
        "es": T("Tu dirección de correo va a cambiar", ("Hola {name}:", "Alguien con sesión en tu cuenta ha pedido cambiar su dirección de correo a {new_email}. Solo cambiará cuando se confirme esa dirección.", "Si no has sido tú, cambia ya tu contraseña: eso también cierra la sesión en todos los dispositivos."), None),
    },
    "EMAIL_CHANGED": {  # to the old address, once switched
        "en": T("Your email address was changed", ("Hello {name},", "Your loyalty account now uses {new_email}; mail no longer comes to this address.", "If it was not you, contact us at once."), None),
        "nl": T("Je e-mailadres is gewijzigd", ("Hallo {name},", "Je spaaraccount gebruikt nu {new_email}; mail komt niet meer naar dit adres.", "Was jij het niet? Neem dan meteen contact met ons op."), None),
        "es": T("Tu dirección de correo ha cambiado", ("Hola {name}:", "Tu cuenta de fidelidad usa ahora {new_email}; el correo ya no llegará a esta dirección.", "Si no has sido tú, contacta con nosotros de inmediato."), None),
    },
    "PASSWORD_CHANGED": {
        "en": T("Your password was changed", ("Hello {name},", "The password of your loyalty account was just set, and every device was signed out.", "If it was not you, reset your password now."), "Reset my password"),
        "nl": T("Je wachtwoord is gewijzigd", ("Hallo {name},", "Het wachtwoord van je spaaraccount is zojuist ingesteld en alle apparaten zijn uitgelogd.", "Was jij het niet? Stel je wachtwoord dan nu opnieuw in."), "Wachtwoord opnieuw instellen"),
        "es": T("Tu contraseña ha cambiado", ("Hola {name}:", "Se acaba de establecer la contraseña de tu cuenta de fidelidad y se ha cerrado la sesión en todos los dispositivos.", "Si no has sido tú, restablece ya tu contraseña."), "Restablecer mi contraseña"),
    },
    "SIGN_UP_ATTEMPT": {  # a sign-up with an address that already has an account
        "en": T("You already have an account", ("Hello {name},", "Someone tried to create a loyalty account with this address, which already has one. If it was you and you forgot your password, you can reset it.", "If it was not you, ignore this mail: nothing changed."), "Reset my password"),
        "nl": T("Je hebt al een account", ("Hallo {name},", "Iemand probeerde een spaaraccount aan te maken met dit adres, dat er al een heeft. Was jij het en ben je je wachtwoord vergeten? Dan kun je het opnieuw instellen.", "Was jij het niet? Negeer deze mail: er is niets veranderd."), "Wachtwoord opnieuw instellen"),
        "es": T("Ya tienes una cuenta", ("Hola {name}:", "Alguien ha intentado crear una cuenta de fidelidad con esta dirección, que ya tiene una. Si has sido tú y has olvidado tu contraseña, puedes restablecerla.", "Si no has sido tú, ignora este correo: no ha cambiado nada."), "Restablecer mi contraseña"),
    },
    "EXPORT_READY": {
        "en": T("Your data export is ready", ("Hello {name},", "The copy of your data you asked for is ready. Download it from the page below (or in the app); the download works once, until {until}."), "Download my data"),
        "nl": T("Je gegevensexport staat klaar", ("Hallo {name},", "De kopie van je gegevens die je vroeg, staat klaar. Download hem via de pagina hieronder (of in de app); dat kan één keer, tot {until}."), "Download mijn gegevens"),
        "es": T("Tu exportación de datos está lista", ("Hola {name}:", "La copia de tus datos que pediste está lista. Descárgala desde la página de abajo (o en la app); la descarga funciona una vez, hasta el {until}."), "Descargar mis datos"),
    },
    "ACCOUNT_DELETED": {
        "en": T("Your account was deleted", ("Hello,", "Your loyalty account and the personal data it held were deleted, as asked. This is the last mail you get from us.",), None),
        "nl": T("Je account is verwijderd", ("Hallo,", "Je spaaraccount en de persoonsgegevens erin zijn verwijderd, zoals gevraagd. Dit is de laatste mail die je van ons krijgt.",), None),
        "es": T("Tu cuenta ha sido eliminada", ("Hola:", "Tu cuenta de fidelidad y los datos personales que contenía se han eliminado, como pediste. Este es el último correo que recibirás de nosotros.",), None),
    },
    "VOUCHER_ISSUED": {
        "en": T("Your voucher: {title}", ("Hello {name},", "Enjoy your reward: {title}. Show the code in the app at the till; it is valid until {until}."), "Open my vouchers"),
        "nl": T("Je voucher: {title}", ("Hallo {name},", "Veel plezier met je beloning: {title}. Laat de code in de app zien aan de kassa; hij is geldig tot {until}."), "Open mijn vouchers"),
        "es": T("Tu cupón: {title}", ("Hola {name}:", "Disfruta tu recompensa: {title}. Muestra el código de la app en caja; es válido hasta el {until}."), "Abrir mis cupones"),
    },
    # A campaign's mail: the marketer's variant, already personalized.
    "CAMPAIGN": {
        "en": T("{subject}", ("{body}",), "Open in the app"),
        "nl": T("{subject}", ("{body}",), "Open in de app"),
        "es": T("{subject}", ("{body}",), "Abrir en la app"),
    },
}  # fmt: skip

SECURITY = frozenset({"PASSWORD_RESET", "INVITATION", "VERIFY_EMAIL", "CONFIRM_NEW_EMAIL",
                      "EMAIL_CHANGE_REQUESTED", "EMAIL_CHANGED", "PASSWORD_CHANGED",
                      "SIGN_UP_ATTEMPT", "EXPORT_READY", "ACCOUNT_DELETED"})  # fmt: skip

# The footer under every mail, and the unsubscribe line under marketing mail.
FOOTER = {
    "en": "You get this mail because you are a member of our loyalty program.",
    "nl": "Je krijgt deze mail omdat je lid bent van ons spaarprogramma.",
    "es": "Recibes este correo porque eres miembro de nuestro programa de fidelidad.",
}
UNSUBSCRIBE = {
    "en": "No more offers by mail? Unsubscribe",
    "nl": "Geen aanbiedingen meer per mail? Afmelden",
    "es": "¿No quieres más ofertas por correo? Darse de baja",
}
GREETING_NAME = {"en": "there", "nl": "daar", "es": ""}


@dataclass(frozen=True)
class Rendered:
    subject: str
    paragraphs: list[str]
    action: str | None


def render(code: str, locale: str, **fields: object) -> Rendered:
    """Template `code` in `locale` (English if missing), its fields filled in."""
    texts = TEMPLATES[code]
    template = texts.get(locale) or texts[DEFAULT_LOCALE]
    values = dict(fields)
    name = values.get("name")
    if not name:
        values["name"] = GREETING_NAME.get(locale, "")
    subject = fill(template.subject, values)
    paragraphs = [fill(p, values) for p in template.paragraphs]
    if not name and locale == "es":
        paragraphs = ["Hola:" if p == "Hola :" else p for p in paragraphs]
    return Rendered(" ".join(subject.split())[:200], paragraphs,
                    fill(template.action, values) if template.action else None)  # fmt: skip
