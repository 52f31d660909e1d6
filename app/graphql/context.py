"""The per-request context: who is asking, in which language, and fresh DataLoaders."""

from __future__ import annotations

import asyncio
import ipaddress
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from starlette.requests import HTTPConnection

from app.auth import service as auth
from app.auth.service import ClientInfo
from app.auth.tokens import Principal
from app.errors import Forbidden, OnePasswordCheckPerRequest, Unauthenticated
from app.graphql.loaders import Loaders
from app.i18n import pick_locale
from app.members.models import Member, Role
from app.settings import Settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def bearer_token(value: str | None) -> str | None:
    """The token of a `Bearer` Authorization header, or None."""
    if not value:
        return None
    scheme, _, token = value.strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


UNIX = "unix"  # in TRUSTED_PROXIES: a peer without an address (a proxy on a Unix socket)


@lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(n, strict=False) for n in trusted if n != UNIX)


def _ip(value: str) -> IPAddress | None:
    """An address as proxies write it (`1.2.3.4`, `::1`, `[::1]:443`, `1.2.3.4:80`), IPv4 in
    IPv6 unwrapped; None for anything else."""
    value = value.strip()
    if value.startswith("["):
        value = value[1 : value.find("]")] if "]" in value else ""
    elif value.count(":") == 1:
        value = value.partition(":")[0]
    try:
        ip = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def client_address(connection: HTTPConnection, settings: Settings) -> str:
    """The address the request came from, as sign-in throttling and the device list see it.

    Without TRUSTED_PROXIES, the socket's peer. When the peer is a trusted proxy,
    X-Forwarded-For is read from the right (the end the proxies appended): trusted proxies
    are skipped and the first address that is not one is the client; if every entry is
    trusted, the leftmost. An entry that is not an IP address stops the walk at the last
    trusted hop. Entries a client wrote itself (the left part) are never believed.

    A peer without an address (a Unix socket: the ASGI scope has no client) is a trusted
    proxy when TRUSTED_PROXIES lists `unix`. "" when the address stays unknown (no peer and
    no usable header): throttling then counts the request under one shared place.
    """
    peer = (connection.client.host if connection.client else "") or ""
    networks = _networks(settings.trusted_proxies)
    hop = _ip(peer) if peer and networks else None
    if peer:
        if hop is None or not any(hop in n for n in networks):
            return peer
    elif UNIX not in settings.trusted_proxies:
        return ""
    forwarded = ",".join(connection.headers.getlist("x-forwarded-for")).split(",")
    for entry in reversed(forwarded):
        ip = _ip(entry)
        if ip is None:
            break
        hop = ip
        if not any(ip in n for n in networks):
            break
    return str(hop) if hop is not None else ""


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
    _password_checked: bool = False

    @property
    def client(self) -> ClientInfo:
        """The caller's address and user agent."""
        return ClientInfo(
            address=client_address(self.request, self.settings),
            user_agent=self.request.headers.get("user-agent", ""),
        )

    def claim_password_check(self) -> None:
        """Allow one password check or sign-up (logIn, signUp, changePassword,
        deleteAccount) per request: the second raises OnePasswordCheckPerRequest before
        anything is checked or written, so aliases cannot try passwords or emails in bulk.
        Check-and-set without an await between: it holds when resolvers run concurrently
        (query fields) as well as serially (mutations). A WebSocket's context is its
        connection's: one per connection."""
        if self._password_checked:
            raise OnePasswordCheckPerRequest()
        self._password_checked = True

    def use_token(self, token: str | None) -> None:
        """Replace the credentials (a WebSocket's connection_init carries its own)."""
        self.token = token
        self._auth = None

    def authenticated_principal(self) -> Principal | None:
        """The principal this request has already authenticated, without authenticating
        (None when nobody signed in, or authentication has not run or failed)."""
        auth = self._auth
        if auth is None or not auth.done() or auth.exception() is not None:
            return None
        return auth.result()[0]

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
        """The signed-in principal and account (Unauthenticated if none)."""
        principal = await self.principal()
        member = await self.viewer()
        if principal is None or member is None:
            raise Unauthenticated()
        return principal, member

    async def require_staff(self, *roles: Role) -> Member:
        """The signed-in staff account, with one of `roles` if given (Forbidden
        otherwise, and for integration clients)."""
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
