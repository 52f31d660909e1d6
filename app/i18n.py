"""Member-facing text in the program's languages, chosen by member locale or Accept-Language."""

from __future__ import annotations

import re

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
    "ONE_PASSWORD_CHECK_PER_REQUEST": {
        "en": "Only one sign-in, sign-up or password check is allowed per request. Send it on its own.",
        "nl": "Per verzoek is maar één keer inloggen, registreren of wachtwoord controleren toegestaan. Stuur het apart.",
        "es": "Solo se permite un inicio de sesión, registro o comprobación de contraseña por solicitud. Envíalo por separado.",
    },
    "TOO_MANY_ATTEMPTS": {
        "en": "Too many attempts. Try again in {retry_after_seconds|1 second|# seconds}.",
        "nl": "Te veel pogingen. Probeer het over {retry_after_seconds|1 seconde|# seconden} opnieuw.",
        "es": "Demasiados intentos. Vuelve a intentarlo en {retry_after_seconds|1 segundo|# segundos}.",
    },
    "EMAIL_ALREADY_REGISTERED": {
        "en": "An account with this email address already exists. Try signing in.",
        "nl": "Er bestaat al een account met dit e-mailadres. Probeer in te loggen.",
        "es": "Ya existe una cuenta con este correo electrónico. Intenta iniciar sesión.",
    },
    # mailed links (app.mail.service.take_token)
    "INVALID_TOKEN_UNKNOWN": {
        "en": "This link is not valid. Ask for a new one.",
        "nl": "Deze link is niet geldig. Vraag een nieuwe aan.",
        "es": "Este enlace no es válido. Pide uno nuevo.",
    },
    "INVALID_TOKEN_USED": {
        "en": "This link was used already. Ask for a new one if you still need it.",
        "nl": "Deze link is al gebruikt. Vraag een nieuwe aan als je die nog nodig hebt.",
        "es": "Este enlace ya se usó. Pide uno nuevo si aún lo necesitas.",
    },
    "INVALID_TOKEN_EXPIRED": {
        "en": "This link has expired. Ask for a new one.",
        "nl": "Deze link is verlopen. Vraag een nieuwe aan.",
        "es": "Este enlace ha caducado. Pide uno nuevo.",
    },
    # confirming addresses (app.auth.addresses)
    "EMAIL_TAKEN_SINCE": {
        "en": "Another account uses this email address now, so it cannot be switched to it.",
        "nl": "Een ander account gebruikt dit e-mailadres nu, dus je kunt er niet naar overstappen.",
        "es": "Otra cuenta usa ahora esta dirección de correo, así que no se puede cambiar a ella.",
    },
    "TOKEN_FOR_ANOTHER_ACCOUNT": {
        "en": "This link belongs to another account. Sign out, or open it signed in as its owner.",
        "nl": "Deze link hoort bij een ander account. Log uit, of open hem ingelogd als de eigenaar.",
        "es": "Este enlace es de otra cuenta. Cierra la sesión o ábrelo con la sesión de su titular.",
    },
    "EMAIL_ALREADY_VERIFIED": {
        "en": "Your email address is already confirmed.",
        "nl": "Je e-mailadres is al bevestigd.",
        "es": "Tu dirección de correo ya está confirmada.",
    },
    # invitations (app.integrations.invitations)
    "ALREADY_HAS_PASSWORD": {
        "en": "This member has set a password already; they can reset it if they forgot it.",
        "nl": "Dit lid heeft al een wachtwoord ingesteld; bij vergeten kan het opnieuw worden ingesteld.",
        "es": "Este miembro ya ha establecido una contraseña; puede restablecerla si la ha olvidado.",
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
    "SERVICE_UNAVAILABLE": {
        "en": "The service is briefly unavailable. Nothing was changed; retrying the same request (with the same idempotency key) is safe.",
        "nl": "De dienst is even niet beschikbaar. Er is niets gewijzigd; hetzelfde verzoek opnieuw versturen (met dezelfde idempotentiesleutel) is veilig.",
        "es": "El servicio no está disponible por un momento. No se ha cambiado nada; es seguro repetir la misma solicitud (con la misma clave de idempotencia).",
    },
    "SERVICE_UNAVAILABLE_OUTCOME_UNKNOWN": {
        "en": "The service is briefly unavailable, and the request was cut off after it had started saving: its changes may have been saved. Repeating a request that carries an idempotency key is safe (it is recorded once); check the result of any other request before repeating it.",
        "nl": "De dienst is even niet beschikbaar en het verzoek werd afgebroken nadat het opslaan al begonnen was: de wijzigingen kunnen zijn opgeslagen. Een verzoek met een idempotentiesleutel opnieuw versturen is veilig (het wordt één keer vastgelegd); controleer bij elk ander verzoek eerst het resultaat voordat u het herhaalt.",
        "es": "El servicio no está disponible por un momento y la solicitud se interrumpió cuando ya había empezado a guardar: sus cambios pueden haberse guardado. Es seguro repetir una solicitud que lleva una clave de idempotencia (se registra una sola vez); comprueba el resultado de cualquier otra solicitud antes de repetirla.",
    },
    "BUSY": {
        "en": "This account is busy with another change. Nothing was changed; retrying the same request (with the same idempotency key) in a moment is safe.",
        "nl": "Dit account is bezig met een andere wijziging. Er is niets gewijzigd; hetzelfde verzoek over een moment opnieuw versturen (met dezelfde idempotentiesleutel) is veilig.",
        "es": "Esta cuenta está ocupada con otro cambio. No se ha cambiado nada; es seguro repetir la misma solicitud (con la misma clave de idempotencia) en un momento.",
    },
    "BUSY_OUTCOME_UNKNOWN": {
        "en": "This account is busy with another change, and an earlier part of this request may have been saved. Repeating a request that carries an idempotency key is safe (it is recorded once); check the result of any other request before repeating it.",
        "nl": "Dit account is bezig met een andere wijziging, en een eerder deel van dit verzoek kan zijn opgeslagen. Een verzoek met een idempotentiesleutel opnieuw versturen is veilig (het wordt één keer vastgelegd); controleer bij elk ander verzoek eerst het resultaat voordat u het herhaalt.",
        "es": "Esta cuenta está ocupada con otro cambio, y una parte anterior de esta solicitud puede haberse guardado. Es seguro repetir una solicitud que lleva una clave de idempotencia (se registra una sola vez); comprueba el resultado de cualquier otra solicitud antes de repetirla.",
    },
    "TIMEOUT": {
        "en": "The request took longer than the server allows and was stopped. Nothing was changed; retrying the same request (with the same idempotency key) is safe.",
        "nl": "Het verzoek duurde langer dan de server toestaat en is gestopt. Er is niets gewijzigd; hetzelfde verzoek opnieuw versturen (met dezelfde idempotentiesleutel) is veilig.",
        "es": "La solicitud tardó más de lo que permite el servidor y se detuvo. No se ha cambiado nada; es seguro repetir la misma solicitud (con la misma clave de idempotencia).",
    },
    "TIMEOUT_OUTCOME_UNKNOWN": {
        "en": "The request took longer than the server allows and was stopped after some of its changes were saved or while they were being saved: they may have been saved. Repeating a request that carries an idempotency key is safe (it is recorded once); check the result of any other request before repeating it.",
        "nl": "Het verzoek duurde langer dan de server toestaat en is gestopt nadat een deel van de wijzigingen was opgeslagen of terwijl ze werden opgeslagen: ze kunnen zijn opgeslagen. Een verzoek met een idempotentiesleutel opnieuw versturen is veilig (het wordt één keer vastgelegd); controleer bij elk ander verzoek eerst het resultaat voordat u het herhaalt.",
        "es": "La solicitud tardó más de lo que permite el servidor y se detuvo después de guardar parte de sus cambios o mientras se guardaban: pueden haberse guardado. Es seguro repetir una solicitud que lleva una clave de idempotencia (se registra una sola vez); comprueba el resultado de cualquier otra solicitud antes de repetirla.",
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
    "URL_NOT_ALLOWED": {
        "en": "Webhooks cannot be sent to {host}: it is, or resolves to, a loopback, private, "
        "link-local, metadata or other internal address. A receiver on a private network "
        "must be in WEBHOOK_ALLOWED_NETWORKS.",
        "nl": "Webhooks kunnen niet naar {host}: dat is, of verwijst naar, een loopback-, "
        "privé-, link-local-, metadata- of ander intern adres. Een ontvanger op een privénetwerk "
        "moet in WEBHOOK_ALLOWED_NETWORKS staan.",
        "es": "No se pueden enviar webhooks a {host}: es, o se resuelve en, una dirección de "
        "loopback, privada, de enlace local, de metadatos u otra interna. Un receptor en una red "
        "privada debe figurar en WEBHOOK_ALLOWED_NETWORKS.",
    },
    "URL_CREDENTIALS_NOT_ALLOWED": {
        "en": "Must not contain a user name or password; receivers verify the signature instead.",
        "nl": "Mag geen gebruikersnaam of wachtwoord bevatten; ontvangers controleren de "
        "handtekening.",
        "es": "No debe contener usuario ni contraseña; los receptores verifican la firma.",
    },
    "HTTPS_REQUIRED": {
        "en": "Must be an https:// URL.",
        "nl": "Moet een https://-URL zijn.",
        "es": "Debe ser una URL https://.",
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
    "SAME_EMAIL": {
        "en": "This is already your email address.",
        "nl": "Dit is al je e-mailadres.",
        "es": "Esta ya es tu dirección de correo.",
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
    "NOT_A_MEMBER_ACCOUNT": {
        "en": "This is a staff account: staff accounts do not earn or spend points.",
        "nl": "Dit is een medewerkersaccount: daarmee spaar of besteed je geen punten.",
        "es": "Es una cuenta de personal: las cuentas de personal no ganan ni gastan puntos.",
    },
    "SELF_ADJUSTMENT_FORBIDDEN": {
        "en": "You cannot correct the points of your own account.",
        "nl": "Je kunt de punten van je eigen account niet corrigeren.",
        "es": "No puedes corregir los puntos de tu propia cuenta.",
    },
    "SELF_APPROVAL_FORBIDDEN": {
        "en": "Another admin must approve a correction you asked for.",
        "nl": "Een andere beheerder moet een correctie die jij aanvroeg goedkeuren.",
        "es": "Otro administrador debe aprobar una corrección que pediste tú.",
    },
    "ADJUSTMENT_NOT_FOUND": {
        "en": "No correction waits for approval under this id.",
        "nl": "Er wacht geen correctie op goedkeuring met deze id.",
        "es": "No hay ninguna corrección pendiente de aprobación con este id.",
    },
    "ADJUSTMENT_ALREADY_APPROVED": {
        "en": "This correction was approved already; nothing was changed.",
        "nl": "Deze correctie is al goedgekeurd; er is niets veranderd.",
        "es": "Esta corrección ya se aprobó; no se ha cambiado nada.",
    },
    "ADJUSTMENT_ALREADY_REJECTED": {
        "en": "This correction was rejected already; nothing was changed.",
        "nl": "Deze correctie is al afgewezen; er is niets veranderd.",
        "es": "Esta corrección ya se rechazó; no se ha cambiado nada.",
    },
    "MUST_NOT_BE_ZERO": {
        "en": "This must not be zero.",
        "nl": "Dit mag niet nul zijn.",
        "es": "No puede ser cero.",
    },
    # why points moved (activity explanations)
    "RULE_BASE": {
        "en": "{rate|1 point|# points} per {currency} spent",
        "nl": "{rate|1 punt|# punten} per besteedde {currency}",
        "es": "{rate|1 punto|# puntos} por cada {currency} gastado",
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
        "en": "Daily limit of {cap|1 point|# points} reached",
        "nl": "Daglimiet van {cap|1 punt|# punten} bereikt",
        "es": "Límite diario de {cap|1 punto|# puntos} alcanzado",
    },
    "RULE_WEEKLY_CAP": {
        "en": "Weekly limit of {cap|1 point|# points} reached",
        "nl": "Weeklimiet van {cap|1 punt|# punten} bereikt",
        "es": "Límite semanal de {cap|1 punto|# puntos} alcanzado",
    },
    "RULE_MONTHLY_CAP": {
        "en": "Monthly limit of {cap|1 point|# points} reached",
        "nl": "Maandlimiet van {cap|1 punt|# punten} bereikt",
        "es": "Límite mensual de {cap|1 punto|# puntos} alcanzado",
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
    "RULE_FORFEIT": {
        "en": "Points forfeited: the account was closed",
        "nl": "Punten vervallen: het account is opgeheven",
        "es": "Puntos perdidos: la cuenta se cerró",
    },
    "ACCOUNT_ALREADY_ERASED": {
        "en": "This account has already been erased.",
        "nl": "Dit account is al gewist.",
        "es": "Esta cuenta ya se ha borrado.",
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
    "REWARD_NOT_FOUND": {
        "en": "There is no such reward.",
        "nl": "Deze beloning bestaat niet.",
        "es": "Esa recompensa no existe.",
    },
    "REWARD_ARCHIVED": {
        "en": "This reward is no longer offered.",
        "nl": "Deze beloning wordt niet meer aangeboden.",
        "es": "Esta recompensa ya no se ofrece.",
    },
    "REWARD_NOT_STARTED": {
        "en": "This reward is not available yet.",
        "nl": "Deze beloning is nog niet beschikbaar.",
        "es": "Esta recompensa aún no está disponible.",
    },
    "REWARD_ENDED": {
        "en": "This reward has ended.",
        "nl": "Deze beloning is afgelopen.",
        "es": "Esta recompensa ha terminado.",
    },
    "OUT_OF_STOCK": {
        "en": "This reward is out of stock ({stock_left} left).",
        "nl": "Deze beloning is uitverkocht ({stock_left} over).",
        "es": "Esta recompensa está agotada (quedan {stock_left}).",
    },
    "LIMIT_REACHED_LIFETIME": {
        "en": "You have redeemed this reward the maximum of {limit|once|# times}.",
        "nl": "Je hebt deze beloning al het maximum van {limit|één keer|# keer} ingewisseld.",
        "es": "Ya has canjeado esta recompensa el máximo de {limit|una vez|# veces}.",
    },
    "LIMIT_REACHED_DAY": {
        "en": "You can redeem this reward {limit|once|# times} a day.",
        "nl": "Je kunt deze beloning {limit|één keer|# keer} per dag inwisselen.",
        "es": "Puedes canjear esta recompensa {limit|una vez|# veces} al día.",
    },
    "LIMIT_REACHED_WEEK": {
        "en": "You can redeem this reward {limit|once|# times} a week.",
        "nl": "Je kunt deze beloning {limit|één keer|# keer} per week inwisselen.",
        "es": "Puedes canjear esta recompensa {limit|una vez|# veces} por semana.",
    },
    "LIMIT_REACHED_MONTH": {
        "en": "You can redeem this reward {limit|once|# times} a month.",
        "nl": "Je kunt deze beloning {limit|één keer|# keer} per maand inwisselen.",
        "es": "Puedes canjear esta recompensa {limit|una vez|# veces} al mes.",
    },
    "LIMIT_REACHED_YEAR": {
        "en": "You can redeem this reward {limit|once|# times} a year.",
        "nl": "Je kunt deze beloning {limit|één keer|# keer} per jaar inwisselen.",
        "es": "Puedes canjear esta recompensa {limit|una vez|# veces} al año.",
    },
    "REDEMPTION_NOT_FOUND": {
        "en": "There is no such redemption.",
        "nl": "Deze inwisseling bestaat niet.",
        "es": "Ese canje no existe.",
    },
    "NOT_CANCELLABLE_ALREADY_CANCELLED": {
        "en": "This redemption was already cancelled.",
        "nl": "Deze inwisseling is al geannuleerd.",
        "es": "Este canje ya fue cancelado.",
    },
    "NOT_CANCELLABLE_VOUCHER_USED": {
        "en": "A voucher of this redemption has been used, so it cannot be cancelled.",
        "nl": "Een voucher van deze inwisseling is al gebruikt; annuleren kan niet meer.",
        "es": "Ya se usó un cupón de este canje, así que no se puede cancelar.",
    },
    "NOT_CANCELLABLE_CASHBACK_PAID": {
        "en": "The cashback of this redemption has been paid, so it cannot be cancelled.",
        "nl": "Het cashbackbedrag is al uitbetaald; annuleren kan niet meer.",
        "es": "El reembolso de este canje ya se pagó, así que no se puede cancelar.",
    },
    "VOUCHER_NOT_FOUND": {
        "en": "There is no voucher with this code.",
        "nl": "Er is geen voucher met deze code.",
        "es": "No hay ningún cupón con este código.",
    },
    "VOUCHER_USED": {
        "en": "This voucher has already been used.",
        "nl": "Deze voucher is al gebruikt.",
        "es": "Este cupón ya se ha usado.",
    },
    "VOUCHER_EXPIRED": {
        "en": "This voucher has expired.",
        "nl": "Deze voucher is verlopen.",
        "es": "Este cupón ha caducado.",
    },
    "VOUCHER_CANCELLED": {
        "en": "This voucher was cancelled.",
        "nl": "Deze voucher is geannuleerd.",
        "es": "Este cupón fue cancelado.",
    },
    "VOUCHER_BASKET_TOO_SMALL": {
        "en": "This voucher needs a basket of at least {minimum}.",
        "nl": "Deze voucher vraagt een bedrag van minstens {minimum}.",
        "es": "Este cupón requiere una compra mínima de {minimum}.",
    },
    "INVALID_VOUCHER_CODE": {
        "en": "This is not a voucher code.",
        "nl": "Dit is geen vouchercode.",
        "es": "Esto no es un código de cupón.",
    },
    "INVALID_URL": {
        "en": "Must be an https:// URL.",
        "nl": "Moet een https://-URL zijn.",
        "es": "Debe ser una URL https://.",
    },
    "INVALID_PATTERN": {
        "en": "Use X for each random character (at least 10), with letters, digits and dashes.",
        "nl": "Gebruik X voor elk willekeurig teken (minstens 10), met letters, cijfers en streepjes.",
        "es": "Usa X para cada carácter aleatorio (al menos 10), con letras, dígitos y guiones.",
    },
    "NOT_FOR_KIND": {
        "en": "This field does not apply to this kind of reward.",
        "nl": "Dit veld hoort niet bij dit soort beloning.",
        "es": "Este campo no corresponde a este tipo de recompensa.",
    },
    "ENDS_BEFORE_START": {
        "en": "The end must come after the start.",
        "nl": "Het einde moet na het begin liggen.",
        "es": "El final debe ser posterior al inicio.",
    },
    "RULE_REDEMPTION": {
        "en": "Redeemed: {title}",
        "nl": "Ingewisseld: {title}",
        "es": "Canjeado: {title}",
    },
    "RULE_CANCELLATION": {
        "en": "Redemption cancelled: {title}",
        "nl": "Inwisseling geannuleerd: {title}",
        "es": "Canje cancelado: {title}",
    },
    "RULE_CHECKOUT": {
        "en": "Paid {amount} {currency} at the till",
        "nl": "{amount} {currency} betaald aan de kassa",
        "es": "Pagado {amount} {currency} en caja",
    },
    "CHECKOUT_ALREADY_RECORDED": {
        "en": "This payment was already recorded under another idempotency key.",
        "nl": "Deze betaling is al vastgelegd met een andere idempotency key.",
        "es": "Este pago ya se registró con otra clave de idempotencia.",
    },
    "CASHBACK_NOT_FOUND": {
        "en": "There is no such cashback.",
        "nl": "Deze cashback bestaat niet.",
        "es": "Ese reembolso no existe.",
    },
    "CASHBACK_ALREADY_PAID": {
        "en": "This cashback was already paid.",
        "nl": "Deze cashback is al uitbetaald.",
        "es": "Este reembolso ya se pagó.",
    },
    "CASHBACK_CANCELLED": {
        "en": "This cashback was cancelled with its redemption.",
        "nl": "Deze cashback is met de inwisseling geannuleerd.",
        "es": "Este reembolso se canceló con su canje.",
    },
    "RULE_TIER": {
        "en": "{tier} tier: x{multiplier}",
        "nl": "{tier}-niveau: x{multiplier}",
        "es": "Nivel {tier}: x{multiplier}",
    },
    "NOT_ELIGIBLE_TIER": {
        "en": "This reward is for {tier} members and above.",
        "nl": "Deze beloning is voor {tier}-leden en hoger.",
        "es": "Esta recompensa es para miembros {tier} o superior.",
    },
    "TAKEN": {
        "en": "Another one already uses this value.",
        "nl": "Deze waarde is al in gebruik.",
        "es": "Este valor ya está en uso.",
    },
    "RULE_OFFER": {
        "en": "Offer: {offer}",
        "nl": "Aanbieding: {offer}",
        "es": "Oferta: {offer}",
    },
    "OFFER_NOT_FOUND": {
        "en": "There is no such offer for you.",
        "nl": "Deze aanbieding bestaat niet voor jou.",
        "es": "Esa oferta no existe para ti.",
    },
    "CONTENT_NOT_FOUND": {
        "en": "There is no such content.",
        "nl": "Deze inhoud bestaat niet.",
        "es": "Ese contenido no existe.",
    },
    "GROUP_NOT_FOUND": {
        "en": "There is no such group.",
        "nl": "Deze groep bestaat niet.",
        "es": "Ese grupo no existe.",
    },
    "POST_NOT_FOUND": {
        "en": "This post is not available.",
        "nl": "Dit bericht is niet beschikbaar.",
        "es": "Esta publicación no está disponible.",
    },
    "EVENT_NOT_FOUND": {
        "en": "There is no such event.",
        "nl": "Dit evenement bestaat niet.",
        "es": "Ese evento no existe.",
    },
    "POSTING_NOT_A_MEMBER": {
        "en": "Join the group to post in it.",
        "nl": "Word lid van de groep om erin te posten.",
        "es": "Únete al grupo para publicar en él.",
    },
    "POSTING_MUTED": {
        "en": "You cannot post in this group until {until}.",
        "nl": "Je kunt tot {until} niet posten in deze groep.",
        "es": "No puedes publicar en este grupo hasta {until}.",
    },
    "POSTING_BANNED": {
        "en": "You can no longer post in this group.",
        "nl": "Je kunt niet meer posten in deze groep.",
        "es": "Ya no puedes publicar en este grupo.",
    },
    "SLOW_DOWN": {
        "en": "You are posting a lot: try again in {retry_after_seconds|1 second|# seconds}.",
        "nl": "Je post erg veel: probeer het over {retry_after_seconds|1 seconde|# seconden} opnieuw.",
        "es": "Estás publicando mucho: inténtalo de nuevo en {retry_after_seconds|1 segundo|# segundos}.",
    },
    "ALREADY_RSVPED": {
        "en": "You already have a place (or a waitlist spot) for this event.",
        "nl": "Je hebt al een plek (of wachtlijstplek) voor dit evenement.",
        "es": "Ya tienes una plaza (o lista de espera) para este evento.",
    },
    "RSVP_NOT_FOUND": {
        "en": "You have no place for this event.",
        "nl": "Je hebt geen plek voor dit evenement.",
        "es": "No tienes plaza para este evento.",
    },
    "MESSAGE_NOT_FOUND": {
        "en": "There is no such message.",
        "nl": "Dit bericht bestaat niet.",
        "es": "Ese mensaje no existe.",
    },
    "CAMPAIGN_NOT_FOUND": {
        "en": "There is no such campaign.",
        "nl": "Deze campagne bestaat niet.",
        "es": "Esa campaña no existe.",
    },
    "UNKNOWN_FIELD": {
        "en": "{field} is not a field templates can use.",
        "nl": "{field} is geen veld dat sjablonen kunnen gebruiken.",
        "es": "{field} no es un campo que las plantillas puedan usar.",
    },
    "INVALID_TEMPLATE": {
        "en": "This template has unbalanced braces.",
        "nl": "Dit sjabloon heeft ongepaarde accolades.",
        "es": "Esta plantilla tiene llaves sin cerrar.",
    },
    "MISSING_LOCALE": {
        "en": "Add a variant for: {locales}.",
        "nl": "Voeg een variant toe voor: {locales}.",
        "es": "Añade una variante para: {locales}.",
    },
    "ALREADY_LAUNCHED": {
        "en": "This campaign was already launched.",
        "nl": "Deze campagne is al gestart.",
        "es": "Esta campaña ya se lanzó.",
    },
    "IN_THE_PAST": {
        "en": "This time is in the past.",
        "nl": "Dit tijdstip ligt in het verleden.",
        "es": "Esta hora ya pasó.",
    },
    "DUPLICATE_CHANNEL": {
        "en": "Name each channel once.",
        "nl": "Noem elk kanaal maar één keer.",
        "es": "Indica cada canal una sola vez.",
    },
    "PUSH_NEEDS_INBOX": {
        "en": "A push announces an inbox message: add the inbox channel too.",
        "nl": "Een pushbericht kondigt een inboxbericht aan: voeg ook het inboxkanaal toe.",
        "es": "Una notificación push anuncia un mensaje de la bandeja de entrada: añade también el canal de bandeja de entrada.",
    },
    # program terms (app.program)
    "TERMS_NOT_ACCEPTED": {
        "en": "Please accept the program terms (version {version}) first.",
        "nl": "Accepteer eerst de programmavoorwaarden (versie {version}).",
        "es": "Primero acepta las condiciones del programa (versión {version}).",
    },
    "TERMS_VERSION_NOT_CURRENT": {
        "en": "This is not the version of the terms in force ({current}).",
        "nl": "Dit is niet de geldende versie van de voorwaarden ({current}).",
        "es": "Esta no es la versión vigente de las condiciones ({current}).",
    },
    "TERMS_VERSION_TAKEN": {
        "en": "Version {version} was already published.",
        "nl": "Versie {version} is al gepubliceerd.",
        "es": "La versión {version} ya se publicó.",
    },
    "RULE_AWAITING_TERMS": {
        "en": "Credited once you accept the program terms ({version})",
        "nl": "Bijgeschreven zodra je de programmavoorwaarden accepteert ({version})",
        "es": "Se abonan cuando aceptes las condiciones del programa ({version})",
    },
    "INVALID_WEBHOOK_URL": {
        "en": "Must be an http:// or https:// URL with a host name or IP address and no #fragment.",
        "nl": "Moet een http://- of https://-URL zijn met een hostnaam of IP-adres en zonder #fragment.",
        "es": "Debe ser una URL http:// o https:// con un nombre de host o dirección IP y sin #fragmento.",
    },
    "UNKNOWN_WEBHOOK_EVENT": {
        "en": "Unknown event type: {unknown}. Known: {allowed}.",
        "nl": "Onbekend type gebeurtenis: {unknown}. Bekend: {allowed}.",
        "es": "Tipo de evento desconocido: {unknown}. Conocidos: {allowed}.",
    },
    "WEBHOOK_ENDPOINT_NOT_FOUND": {
        "en": "This webhook endpoint does not exist.",
        "nl": "Dit webhook-endpoint bestaat niet.",
        "es": "Este endpoint de webhook no existe.",
    },
    "WEBHOOK_DELIVERY_NOT_FOUND": {
        "en": "This webhook delivery does not exist.",
        "nl": "Deze webhook-levering bestaat niet.",
        "es": "Este envío de webhook no existe.",
    },
    "INVALID_CARD_NUMBER": {
        "en": "Not a valid loyalty card number (16 digits with a check digit).",
        "nl": "Geen geldig klantenkaartnummer (16 cijfers met controlecijfer).",
        "es": "No es un número de tarjeta válido (16 dígitos con dígito de control).",
    },
    "CAMPAIGN_NOT_DRAFT": {
        "en": "This campaign is no longer a draft, so it can no longer be changed.",
        "nl": "Deze campagne is geen concept meer en kan dus niet meer worden gewijzigd.",
        "es": "Esta campaña ya no es un borrador, así que ya no se puede cambiar.",
    },
    "ONE_OF": {
        "en": "Give exactly one of: {fields}.",
        "nl": "Geef precies één van: {fields}.",
        "es": "Indica exactamente uno de: {fields}.",
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


# `{name|one|other}` in a text: `one` when the parameter `name` is 1, else `other`; `#` in
# either stands for the number ("{limit|once|# times} a day", "{points|# point|# points}").
_PLURAL = re.compile(r"\{(\w+)\|([^|{}]*)\|([^|{}]*)\}")


def plural_forms(text: str, params: dict) -> str:
    """`text` with every `{name|one|other}` resolved against `params` (see _PLURAL)."""
    if "|" not in text:
        return text

    def choose(match: re.Match) -> str:
        value = params.get(match[1])
        form = match[2] if str(value) == "1" else match[3]
        return form.replace("#", str(value))

    return _PLURAL.sub(choose, text)


def fill(text: str, params: dict) -> str:
    """`text` with its plural forms chosen and `{params}` filled in (unknown names left)."""
    text = plural_forms(text, params)
    try:
        return text.format(**params)
    except (KeyError, IndexError):
        return text


def translate(code: str, locale: str, **params: object) -> str:
    """The message for `code` in `locale` (English if missing), with `{params}` filled in."""
    texts = MESSAGES.get(code)
    if texts is None:
        return code
    return fill(texts.get(locale) or texts[DEFAULT_LOCALE], params)


def localized(texts: dict, locale: str, key: str):
    """`texts[locale][key]` where staff wrote it for that language, else the English one."""
    return (texts.get(locale) or {}).get(key) or texts[DEFAULT_LOCALE][key]
