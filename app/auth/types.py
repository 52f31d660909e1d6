import datetime as dt
from typing import Annotated

import strawberry

from app.graphql.errors import (
    EmailAlreadyRegisteredError,
    InvalidCredentialsError,
    InvalidInputError,
    TooManyAttemptsError,
)
from app.members.types import Member


@strawberry.type(description="A signed-in session: send `accessToken` as `Authorization: Bearer`.")
class AuthSession:
    access_token: str
    access_token_expires_at: dt.datetime
    refresh_token: str = strawberry.field(
        description="Opaque; exchange it with refreshSession before the access token expires. Each use returns a new one."
    )
    refresh_token_expires_at: dt.datetime
    token_type: str = "Bearer"
    member: Member


@strawberry.input
class SignUpInput:
    email: str
    password: str
    display_name: str | None = None
    locale: str = "en"
    referral_code: str | None = strawberry.field(
        default=None, description="A friend's code: you both earn points on your first purchase."
    )


@strawberry.input
class LogInInput:
    email: str
    password: str


@strawberry.input
class ChangePasswordInput:
    current_password: str
    new_password: str


@strawberry.type(description="The password was changed; your other sessions were signed out.")
class PasswordChanged:
    member: Member


AuthResult = Annotated[
    AuthSession
    | InvalidInputError
    | EmailAlreadyRegisteredError
    | InvalidCredentialsError
    | TooManyAttemptsError,
    strawberry.union("AuthResult"),
]

ChangePasswordResult = Annotated[
    PasswordChanged | InvalidCredentialsError | InvalidInputError | TooManyAttemptsError,
    strawberry.union("ChangePasswordResult"),
]


@strawberry.type(description="A point-of-sale or CRM system's credentials.")
class IntegrationClient:
    client_id: str
    name: str
    scopes: list[str]
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


@strawberry.type(description="The new client; `clientSecret` is shown only this once.")
class IntegrationClientCreated:
    client: IntegrationClient
    client_secret: str


@strawberry.input
class CreateIntegrationClientInput:
    name: str
    scopes: list[str]


CreateIntegrationClientResult = Annotated[
    IntegrationClientCreated | InvalidInputError,
    strawberry.union("CreateIntegrationClientResult"),
]
