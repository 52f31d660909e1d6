"""The per-request context: who is asking, in which language, and fresh DataLoaders."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import HTTPConnection

from app.auth import service as auth
from app.auth.service import ClientInfo
from app.auth.tokens import Principal
from app.errors import Forbidden, Unauthenticated
from app.graphql.loaders import Loaders
from app.i18n import pick_locale
from app.members.models import Member, Role
from app.settings import Settings


def bearer_token(value: str | None) -> str | None:
    if not value:
        return None
    scheme, _, token = value.strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def client_address(connection: HTTPConnection, settings: Settings) -> str:
    # TODO(helper D): X-Forwarded-For read from the right through settings.trusted_proxies.
    return connection.client.host if connection.client else ""


@dataclass
class Context:
    request: HTTPConnection
    response: Any
    settings: Settings
    request_id: str
    token: str | None
    loaders: Loaders = field(default_factory=Loaders)
    connection_params: dict | None = None
    locale_hint: str = "en"
    _auth: asyncio.Future | None = None

    @property
    def client(self) -> ClientInfo:
        return ClientInfo(
            address=client_address(self.request, self.settings),
            user_agent=self.request.headers.get("user-agent", ""),
        )

    def use_token(self, token: str | None) -> None:
        """Replace the credentials (a WebSocket's connection_init carries its own)."""
        self.token = token
        self._auth = None

    async def _authenticate(self) -> tuple[Principal | None, Member | None, Exception | None]:
        # One verification per request, shared by every resolver that asks (a plain future,
        # not a task: this runs on every request).
        if self._auth is None:
            self._auth = asyncio.get_running_loop().create_future()
            try:
                self._auth.set_result(await self._verify())
            except Exception as exc:
                self._auth.set_exception(exc)
                self._auth.exception()  # retrieved here; concurrent waiters re-raise it
                self._auth = None
                raise
            return self._auth.result()
        return await asyncio.shield(self._auth) if not self._auth.done() else self._auth.result()

    async def _verify(self) -> tuple[Principal | None, Member | None, Exception | None]:
        if not self.token:
            return None, None, None
        try:
            principal, member = await auth.authenticate(token=self.token)
        except Unauthenticated as exc:
            return None, None, exc
        if member is not None:
            self.loaders.members.by_id.prime(member.id, member)
            self.locale_hint = pick_locale(member.locale, self.locale_hint)
        return principal, member, None

    async def principal(self) -> Principal | None:
        """The verified caller, None when no token; raises when a token is bad or expired."""
        principal, _, error = await self._authenticate()
        if error is not None:
            raise error
        return principal

    async def viewer(self) -> Member | None:
        """The signed-in member (or staff), None when signed out."""
        principal = await self.principal()
        if principal is None or principal.kind != "member":
            return None
        _, member, _ = await self._authenticate()
        return member

    async def require_member(self) -> tuple[Principal, Member]:
        principal = await self.principal()
        member = await self.viewer()
        if principal is None or member is None:
            raise Unauthenticated()
        return principal, member

    async def require_staff(self, *roles: Role) -> Member:
        principal = await self.principal()
        if principal is not None and principal.kind == "client":
            raise Forbidden()  # signed in, as an integration: nobody's staff
        _, member = await self.require_member()
        if member.role == Role.MEMBER or (roles and member.role not in roles):
            raise Forbidden()
        return member

    async def require_client(self, scope: str) -> Principal:
        """An integration client's token carrying `scope`."""
        principal = await self.principal()
        if principal is None:
            raise Unauthenticated()
        if principal.kind != "client" or scope not in principal.scopes:
            raise Forbidden()
        return principal

    async def locale(self) -> str:
        """The viewer's own language, else the best of Accept-Language, else English."""
        await self._authenticate()
        return self.locale_hint
