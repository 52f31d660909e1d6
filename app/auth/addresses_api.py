"""GraphQL and the link page for verified addresses (app.auth.addresses): `verifyEmail`,
`changeEmail`, `resendVerificationEmail`, and /account/verify-email, where a mailed
VERIFY or CHANGE link lands.

The page's GET only shows a Confirm button (mail scanners and previews follow links, so a
GET never spends the token); its form POSTs the token back, and the answer says what
happened, in the member's language."""

from __future__ import annotations

from typing import Annotated

import strawberry
from starlette.requests import Request
from starlette.responses import HTMLResponse
from strawberry.types import Info

from app import errors
from app.auth import addresses

# app.auth.types first: the error types it declares are registered before the check below.
from app.auth.types import Member
from app.graphql.context import Context
from app.graphql.errors import (
    EmailAlreadyRegisteredError,
    InvalidCredentialsError,
    InvalidInputError,
    TooManyAttemptsError,
    UserError,
    declared_error_types,
    error_type,
)
from app.mail import service as mail
from app.web import LINK_TITLES, esc, page, read_form, request_locale, text, token_form

PATH = "/account/verify-email"

# ---- GraphQL types --------------------------------------------------------------------------

_declared = declared_error_types().get(errors.InvalidToken)
if _declared is None:

    @error_type(
        errors.InvalidToken,
        description="The mailed link's token cannot be used: `reason` UNKNOWN (forged, or "
        "for an address its account no longer has), USED or EXPIRED; nothing was changed.",
    )
    class InvalidTokenError(UserError):
        reason: str = strawberry.field(description="UNKNOWN, USED or EXPIRED.")

else:
    InvalidTokenError = _declared


@error_type(
    errors.TokenForAnotherAccount,
    description="The link belongs to another account than the one signed in; nothing was "
    "changed and the link still works for its owner (signed out, or signed in as them).",
)
class TokenForAnotherAccountError(UserError):
    pass


@error_type(
    errors.EmailAlreadyVerified,
    description="Your email address is confirmed already; no mail was sent.",
)
class EmailAlreadyVerifiedError(UserError):
    pass


@strawberry.type(description="The address was confirmed (and, for a change, switched to).")
class EmailVerified:
    member: Member = strawberry.field(
        description="The account as it is now: `email` the confirmed address, `emailVerified` true."
    )


@strawberry.type(
    description="A confirmation link is on its way to the new address, and a notice to the "
    "current one. The account's email switches only once the link is used (verifyEmail)."
)
class EmailChangeRequested:
    pending_email: str = strawberry.field(
        description="The address asked for (normalized), waiting for its confirmation."
    )


@strawberry.type(description="A new confirmation link is on its way to your address.")
class VerificationEmailSent:
    email: str = strawberry.field(description="The address the link was sent to.")


VerifyEmailResult = Annotated[
    EmailVerified | InvalidTokenError | TokenForAnotherAccountError | EmailAlreadyRegisteredError,
    strawberry.union(
        "VerifyEmailResult",
        description="EmailVerified, or why not (nothing changed): InvalidToken, "
        "TokenForAnotherAccount, EmailAlreadyRegistered (another account took the new "
        "address meanwhile).",
    ),
]

ChangeEmailResult = Annotated[
    EmailChangeRequested | InvalidInputError | InvalidCredentialsError | TooManyAttemptsError,
    strawberry.union(
        "ChangeEmailResult",
        description="EmailChangeRequested, or why not: InvalidInput, InvalidCredentials, "
        "TooManyAttempts.",
    ),
]

ResendVerificationEmailResult = Annotated[
    VerificationEmailSent | EmailAlreadyVerifiedError | TooManyAttemptsError,
    strawberry.union(
        "ResendVerificationEmailResult",
        description="VerificationEmailSent, or why not: EmailAlreadyVerified, TooManyAttempts "
        "(one mail per 10 minutes).",
    ),
]


# ---- mutations ------------------------------------------------------------------------------


@strawberry.type
class AddressMutation:
    @strawberry.mutation(
        description="Use the token of a confirmation link (mailed at sign-up, by "
        "resendVerificationEmail or by changeEmail): confirms the address, or switches the "
        "account to the new one. Works signed out (the token is the proof); signed in as "
        "another account it is refused (TokenForAnotherAccount). A token works once."
    )
    async def verify_email(
        self,
        info: Info[Context, None],
        token: Annotated[
            str,
            strawberry.argument(description="The `token` parameter of the mailed link."),
        ],
    ) -> VerifyEmailResult:
        viewer = await info.context.viewer()
        member = await addresses.verify_email(
            raw_token=token, signed_in_as=viewer.id if viewer is not None else None
        )
        return EmailVerified(member=Member.from_model(member))

    @strawberry.mutation(
        description="Ask to change your email address: a confirmation link goes to the new "
        "address and a notice to the current one; the address switches when the link is "
        "used (verifyEmail). The password check is throttled like a sign-in; one password "
        "check per request. At most 5 requests an hour per account and 3 a day to one "
        "address (TooManyAttempts). An address that has an account already gets no mail, "
        "and the answer (and the counting) is the same."
    )
    async def change_email(
        self,
        info: Info[Context, None],
        new_email: Annotated[
            str,
            strawberry.argument(
                description="The address to switch to (InvalidInput if malformed or the "
                "current one)."
            ),
        ],
        password: Annotated[
            str, strawberry.argument(description="Your password (InvalidCredentials if wrong).")
        ],
    ) -> ChangeEmailResult:
        info.context.claim_password_check()
        principal, _ = await info.context.require_member()
        pending = await addresses.request_email_change(
            member_id=principal.member_id,
            new_email=new_email,
            password=password,
            client=info.context.client,
        )
        return EmailChangeRequested(pending_email=pending)

    @strawberry.mutation(
        description="Mail a new confirmation link to your address (one per 10 minutes; "
        "TooManyAttempts otherwise). EmailAlreadyVerified when it is confirmed already."
    )
    async def resend_verification_email(
        self, info: Info[Context, None]
    ) -> ResendVerificationEmailResult:
        principal, _ = await info.context.require_member()
        member = await addresses.resend_verification(member_id=principal.member_id)
        return VerificationEmailSent(email=member.email)


# ---- the link's page ------------------------------------------------------------------------

TEXTS = {
    "ask_title": {
        "en": "Confirm your email address",
        "nl": "Bevestig je e-mailadres",
        "es": "Confirma tu dirección de correo",
    },
    "ask_body": {
        "en": "Press the button to confirm that this email address is yours and use it for "
        "your loyalty account.",
        "nl": "Druk op de knop om te bevestigen dat dit e-mailadres van jou is en het voor je "
        "spaaraccount te gebruiken.",
        "es": "Pulsa el botón para confirmar que esta dirección de correo es tuya y usarla "
        "en tu cuenta de fidelidad.",
    },
    "button": {"en": "Confirm", "nl": "Bevestigen", "es": "Confirmar"},
    "done_title": {
        "en": "Your email address is confirmed",
        "nl": "Je e-mailadres is bevestigd",
        "es": "Tu dirección de correo está confirmada",
    },
    "done_body": {
        "en": "Your loyalty account uses {email}. You can close this page.",
        "nl": "Je spaaraccount gebruikt {email}. Je kunt deze pagina sluiten.",
        "es": "Tu cuenta de fidelidad usa {email}. Puedes cerrar esta página.",
    },
    **LINK_TITLES,
    "TAKEN_title": {
        "en": "This address cannot be used",
        "nl": "Dit adres kan niet worden gebruikt",
        "es": "Esta dirección no se puede usar",
    },
    "invalid_body": {
        "en": "Ask for a new confirmation mail in the app (your profile), and use the link "
        "of the newest one.",
        "nl": "Vraag in de app (je profiel) een nieuwe bevestigingsmail aan en gebruik de "
        "link uit de nieuwste.",
        "es": "Pide un nuevo correo de confirmación en la app (tu perfil) y usa el enlace "
        "del más reciente.",
    },
    "taken_body": {
        "en": "Another account uses this email address now. Your account keeps its address.",
        "nl": "Een ander account gebruikt dit e-mailadres nu. Je account houdt zijn adres.",
        "es": "Otra cuenta usa ahora esta dirección de correo. Tu cuenta conserva su dirección.",
    },
}


def _t(key: str, locale: str) -> str:
    return text(TEXTS, key, locale)


def _refused(locale: str, reason: str) -> HTMLResponse:
    if reason == "TAKEN":
        return page(locale=locale, title=_t("TAKEN_title", locale),
                    body=f"<p>{esc(_t('taken_body', locale))}</p>", status=409)  # fmt: skip
    return page(locale=locale, title=_t(f"{reason}_title", locale),
                body=f"<p>{esc(_t('invalid_body', locale))}</p>", status=400)  # fmt: skip


async def verify_email_page(request: Request) -> HTMLResponse:
    """GET: the Confirm button (a form that POSTs the token), or why the link is dead;
    nothing changes."""
    token = request.query_params.get("token") or ""
    locale = request_locale(request)
    state = await mail.token_state(
        raw=token, purposes=(mail.TokenPurpose.VERIFY, mail.TokenPurpose.CHANGE)
    )
    if state != "VALID":
        return _refused(locale, state)
    action = f"{PATH}?lang={locale}"
    body = f"<p>{esc(_t('ask_body', locale))}</p>" + token_form(
        action=action, token=token, label=_t("button", locale)
    )
    return page(locale=locale, title=_t("ask_title", locale), body=body)


async def verify_email_submit(request: Request) -> HTMLResponse:
    """POST: spend the token (signed out: the link is the proof) and say what happened."""
    form = await read_form(request)
    token = str(form.get("token") or "") or request.query_params.get("token") or ""
    locale = request_locale(request)
    try:
        member = await addresses.verify_email(raw_token=token, signed_in_as=None)
    except errors.InvalidToken as exc:
        return _refused(locale, exc.reason)
    except errors.EmailAlreadyRegistered:
        return _refused(locale, "TAKEN")
    locale = request_locale(request, member.locale)
    body = f"<p>{esc(_t('done_body', locale).format(email=member.email))}</p>"
    return page(locale=locale, title=_t("done_title", locale), body=body)


async def verify_email_endpoint(request: Request) -> HTMLResponse:
    """The route's endpoint: GET shows, POST confirms."""
    if request.method == "POST":
        return await verify_email_submit(request)
    return await verify_email_page(request)
