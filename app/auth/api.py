from typing import Annotated

import strawberry
from strawberry.types import Info

from app.auth import recovery, service
from app.auth.models import IntegrationClient as IntegrationClientModel
from app.auth.types import (
    AuthResult,
    AuthSession,
    ChangePasswordInput,
    ChangePasswordResult,
    CreateIntegrationClientInput,
    CreateIntegrationClientResult,
    IntegrationClient,
    IntegrationClientCreated,
    LogInInput,
    PasswordChanged,
    PasswordReset,
    PasswordResetRequested,
    RequestPasswordResetResult,
    ResetPasswordResult,
    SignUpInput,
)
from app.graphql import policy
from app.graphql.context import Context
from app.graphql.permissions import IsStaff, allow
from app.members.types import Member

CLIENT_ADMINS = policy.roles(policy.Access.INTEGRATIONS)


def _session(issued: service.IssuedSession) -> AuthSession:
    return AuthSession(
        access_token=issued.access_token,
        access_token_expires_at=issued.access_token_expires_at,
        refresh_token=issued.refresh_token,
        refresh_token_expires_at=issued.refresh_token_expires_at,
        member=Member.from_model(issued.member),
    )


def _client(client: IntegrationClientModel) -> IntegrationClient:
    return IntegrationClient(
        client_id=client.client_id,
        name=client.name,
        scopes=list(client.scopes),
        created_at=client.created_at,
        last_used_at=client.last_used_at,
        revoked_at=client.revoked_at,
    )


@strawberry.type
class AuthQuery:
    @strawberry.field(
        description="Admin: the registered integration clients.",
        extensions=allow(IsStaff(*CLIENT_ADMINS)),
    )
    async def integration_clients(self, info: Info[Context, None]) -> list[IntegrationClient]:
        return [_client(c) for c in await service.list_integration_clients()]


@strawberry.type
class AuthMutation:
    @strawberry.mutation(
        description="Create a member account and sign in. Limited per client address "
        "(TooManyAttempts) and to one sign-up or password check per request."
    )
    async def sign_up(
        self,
        info: Info[Context, None],
        input: Annotated[
            SignUpInput,
            strawberry.argument(description="The new account's email, password and profile."),
        ],
    ) -> AuthResult:
        ctx = info.context
        ctx.claim_password_check()
        issued = await service.sign_up(
            email=input.email,
            password=input.password,
            display_name=input.display_name,
            locale=input.locale,
            referral_code=input.referral_code,
            client=ctx.client,
        )
        return _session(issued)

    @strawberry.mutation(
        description="Sign in with email and password. Repeated failures slow down or lock "
        "out this account from this address (TooManyAttempts); one sign-in or password "
        "check per request."
    )
    async def log_in(
        self,
        info: Info[Context, None],
        input: Annotated[
            LogInInput, strawberry.argument(description="The account's email and password.")
        ],
    ) -> AuthResult:
        ctx = info.context
        ctx.claim_password_check()
        issued = await service.log_in(email=input.email, password=input.password, client=ctx.client)
        return _session(issued)

    @strawberry.mutation(
        description="Exchange a refresh token for a new session pair. A token works once; "
        "reusing one signs out that session everywhere (UNAUTHENTICATED)."
    )
    async def refresh_session(
        self,
        info: Info[Context, None],
        refresh_token: Annotated[
            str,
            strawberry.argument(
                description="The session's current refresh token; it is spent by this call, and presenting a spent one again signs the session out everywhere."
            ),
        ],
    ) -> AuthResult:
        return _session(await service.refresh_session(refresh_token=refresh_token))

    @strawberry.mutation(description="Sign out this session, or every session with allSessions.")
    async def log_out(
        self,
        info: Info[Context, None],
        all_sessions: Annotated[
            bool,
            strawberry.argument(
                description="True: end every session of the account, not just this one."
            ),
        ] = False,
    ) -> bool:
        principal, _ = await info.context.require_member()
        return await service.log_out(principal=principal, all_sessions=all_sessions) > 0

    @strawberry.mutation(
        description="Change your password; other sessions are signed out. The current "
        "password's check is throttled like a sign-in; one password check per request."
    )
    async def change_password(
        self,
        info: Info[Context, None],
        input: Annotated[
            ChangePasswordInput,
            strawberry.argument(description="The current and the new password."),
        ],
    ) -> ChangePasswordResult:
        info.context.claim_password_check()
        principal, _ = await info.context.require_member()
        member = await service.change_password(
            principal=principal,
            current_password=input.current_password,
            new_password=input.new_password,
            client=info.context.client,
        )
        return PasswordChanged(member=Member.from_model(member))

    @strawberry.mutation(
        description="Forgot password: mail a link to choose a new one (valid 30 minutes) to "
        "the account with this address, if there is one. The answer is the same for every "
        "address. Limited per account and per client address (TooManyAttempts)."
    )
    async def request_password_reset(
        self,
        info: Info[Context, None],
        email: Annotated[
            str,
            strawberry.argument(
                description="The account's email (InvalidInput if it is not an address)."
            ),
        ],
    ) -> RequestPasswordResetResult:
        address = await recovery.request_password_reset(
            email=email, client_address=info.context.client.address
        )
        return PasswordResetRequested(email=address)

    @strawberry.mutation(
        description="Choose a new password with the token of a mailed reset (or "
        "set-your-password) link. Every session of the account is signed out; the link "
        "works once. One password set or check per request; attempts are limited per "
        "client address (TooManyAttempts)."
    )
    async def reset_password(
        self,
        info: Info[Context, None],
        token: Annotated[
            str, strawberry.argument(description="The `token` parameter of the mailed link.")
        ],
        new_password: Annotated[
            str,
            strawberry.argument(
                description="At least 10 characters, not a common one (InvalidInput "
                "otherwise: the link still works)."
            ),
        ],
    ) -> ResetPasswordResult:
        info.context.claim_password_check()  # hashing a password: one per request
        member = await recovery.reset_password(
            raw_token=token, new_password=new_password, client_address=info.context.client.address
        )
        return PasswordReset(email=member.email)

    @strawberry.mutation(description="Admin: register a POS/CRM client with scopes.")
    async def create_integration_client(
        self,
        info: Info[Context, None],
        input: Annotated[
            CreateIntegrationClientInput,
            strawberry.argument(description="The client's name and scopes."),
        ],
    ) -> CreateIntegrationClientResult:
        admin = await info.context.require_staff(*CLIENT_ADMINS)
        client, secret = await service.create_integration_client(
            name=input.name, scopes=input.scopes, created_by=admin.id
        )
        return IntegrationClientCreated(client=_client(client), client_secret=secret)

    @strawberry.mutation(
        description="Admin: revoke a client; its tokens stop working.",
        extensions=allow(IsStaff(*CLIENT_ADMINS)),
    )
    async def revoke_integration_client(
        self,
        info: Info[Context, None],
        client_id: Annotated[
            str,
            strawberry.argument(
                description="The `clientId` to revoke; its tokens stop working at once."
            ),
        ],
    ) -> bool:
        return await service.revoke_integration_client(client_id=client_id)
