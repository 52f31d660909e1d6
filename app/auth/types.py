import datetime as dt
from enum import Enum
from typing import Annotated

import strawberry

from app import errors
from app.graphql.errors import (
    EmailAlreadyRegisteredError,
    InvalidCredentialsError,
    InvalidInputError,
    TooManyAttemptsError,
    UserError,
    error_type,
)
from app.members.types import Member


@strawberry.enum(description="Why a mailed link's token cannot be used.")
class InvalidTokenReason(Enum):
    UNKNOWN = strawberry.enum_value(
        "UNKNOWN",
        description="Not a token we made (mistyped or forged), of another kind of link, or "
        "for an address its account no longer has.",
    )
    USED = strawberry.enum_value("USED", description="The link was used already (or replaced).")
    EXPIRED = strawberry.enum_value(
        "EXPIRED", description="The link is too old: ask for a new one."
    )


@error_type(
    errors.InvalidToken,
    description="The mailed link's token cannot be used (see `reason`); nothing was changed.",
)
class InvalidTokenError(UserError):
    reason: InvalidTokenReason = strawberry.field(
        description="UNKNOWN, USED or EXPIRED: what to tell the member."
    )


@strawberry.type(description="A signed-in session: send `accessToken` as `Authorization: Bearer`.")
class AuthSession:
    access_token: str = strawberry.field(
        description="A JWT for `Authorization: Bearer`; valid until `accessTokenExpiresAt` (15 minutes)."
    )
    access_token_expires_at: dt.datetime = strawberry.field(
        description="When the access token stops working (UTC)."
    )
    refresh_token: str = strawberry.field(
        description="Opaque; exchange it with refreshSession before the access token expires. Each use returns a new one."
    )
    refresh_token_expires_at: dt.datetime = strawberry.field(
        description="When the refresh token stops working if unused (UTC)."
    )
    token_type: str = strawberry.field(default="Bearer", description="Always `Bearer`.")
    member: Member = strawberry.field(description="The signed-in account.")


@strawberry.input(description="A new member account.")
class SignUpInput:
    email: str = strawberry.field(
        description="The sign-in email; must not be registered yet (EmailAlreadyRegistered)."
    )
    password: str = strawberry.field(
        description="At least 10 characters (InvalidInput PASSWORD_TOO_SHORT otherwise)."
    )
    display_name: str | None = strawberry.field(
        default=None, description="The name shown in the app and community; null: none yet."
    )
    locale: str = strawberry.field(
        default="en",
        description="Language of messages: en, nl or es (InvalidInput UNSUPPORTED_LOCALE otherwise).",
    )
    referral_code: str | None = strawberry.field(
        default=None, description="A friend's code: you both earn points on your first purchase."
    )


@strawberry.input(description="Email and password sign-in.")
class LogInInput:
    email: str = strawberry.field(description="The account's email.")
    password: str = strawberry.field(description="The account's password.")


@strawberry.input(description="A password change for the signed-in account.")
class ChangePasswordInput:
    current_password: str = strawberry.field(
        description="The password in use now (InvalidCredentials if wrong)."
    )
    new_password: str = strawberry.field(description="At least 10 characters.")


@strawberry.type(description="The password was changed; your other sessions were signed out.")
class PasswordChanged:
    member: Member = strawberry.field(description="The account whose password changed.")


AuthResult = Annotated[
    AuthSession
    | InvalidInputError
    | EmailAlreadyRegisteredError
    | InvalidCredentialsError
    | TooManyAttemptsError,
    strawberry.union(
        "AuthResult",
        description="A session, or why none was issued: InvalidInput, EmailAlreadyRegistered, InvalidCredentials, TooManyAttempts.",
    ),
]

ChangePasswordResult = Annotated[
    PasswordChanged | InvalidCredentialsError | InvalidInputError | TooManyAttemptsError,
    strawberry.union(
        "ChangePasswordResult",
        description="PasswordChanged, or why not: InvalidCredentials, InvalidInput, TooManyAttempts.",
    ),
]


@strawberry.type(description="A point-of-sale or CRM system's credentials.")
class IntegrationClient:
    client_id: str = strawberry.field(
        description="The public id the client sends to the token endpoint."
    )
    name: str = strawberry.field(description="A name staff chose, e.g. the store's POS.")
    scopes: list[str] = strawberry.field(
        description="What its tokens may do (e.g. purchases:write), sorted."
    )
    created_at: dt.datetime = strawberry.field(description="When it was created (UTC).")
    last_used_at: dt.datetime | None = strawberry.field(
        description="When it last got a token; null: never."
    )
    revoked_at: dt.datetime | None = strawberry.field(
        description="When it was revoked; null: still active."
    )


@strawberry.type(description="The new client; `clientSecret` is shown only this once.")
class IntegrationClientCreated:
    client: IntegrationClient = strawberry.field(description="The new client.")
    client_secret: str = strawberry.field(
        description="The secret for the token endpoint; shown only in this response, store it now."
    )


@strawberry.input(description="A new point-of-sale or CRM client (admins only).")
class CreateIntegrationClientInput:
    name: str = strawberry.field(description="A name for staff to recognise it by.")
    scopes: list[str] = strawberry.field(
        description="One or more known scopes (InvalidInput INVALID_VALUE lists the allowed ones)."
    )


CreateIntegrationClientResult = Annotated[
    IntegrationClientCreated | InvalidInputError,
    strawberry.union(
        "CreateIntegrationClientResult",
        description="The new client and its secret, or InvalidInput.",
    ),
]


@strawberry.type(
    description="If an account has this address, a link to choose a new password is on its "
    "way to it (valid 30 minutes). The answer is the same for every address."
)
class PasswordResetRequested:
    email: str = strawberry.field(description="The address as understood (trimmed, lower case).")


@strawberry.type(
    description="The password was set and every session of the account was signed out: "
    "sign in with the new password."
)
class PasswordReset:
    email: str = strawberry.field(description="The account's email, to sign in with.")


RequestPasswordResetResult = Annotated[
    PasswordResetRequested | InvalidInputError | TooManyAttemptsError,
    strawberry.union(
        "RequestPasswordResetResult",
        description="PasswordResetRequested, or why not: InvalidInput (a malformed address), "
        "TooManyAttempts.",
    ),
]

ResetPasswordResult = Annotated[
    PasswordReset | InvalidTokenError | InvalidInputError | TooManyAttemptsError,
    strawberry.union(
        "ResetPasswordResult",
        description="PasswordReset, or why not (nothing changed): InvalidToken, InvalidInput "
        "(a weak password: the link still works), TooManyAttempts "
        "(ONE_PASSWORD_CHECK_PER_REQUEST: one password is set per request; or too many "
        "attempts from this client address: wait retryAfterSeconds).",
    ),
]
