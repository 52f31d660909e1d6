"""Sessions and credentials: sign-up, sign-in with throttling, refresh rotation, sign-out,
integration clients and their client-credentials tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import uuid
from dataclasses import dataclass

from app.auth.models import AuthSession, IntegrationClient, LoginThrottle, RefreshToken
from app.auth.tokens import (
    Principal,
    issue_access_token,
    new_secret,
    secret_digest,
    verify_access_token,
)
from app.db import connection, placeholders, transaction
from app.errors import (
    FieldProblem,
    InvalidCredentials,
    InvalidInput,
    TooManyAttempts,
    Unauthenticated,
)
from app.members import service as members
from app.members.models import Member, Role
from app.settings import get_settings

SCOPES = {
    "purchases:write": "Record purchases and refunds",
    "members:sync": "Create and update members from a CRM",
    "members:read": "Read member profiles and balances",
    "events:write": "Record custom earning events",
    "vouchers:redeem": "Validate and consume vouchers, and pay with points, at a till",
    "cashback:pay": "List cashback owed to members and report it paid",
}
MAX_CLIENT_NAME = 100


@dataclass(frozen=True)
class ClientInfo:
    """Where a request came from, kept on sessions for the member's device list."""

    address: str = ""
    user_agent: str = ""


@dataclass(frozen=True)
class IssuedSession:
    member: Member
    session_id: uuid.UUID
    access_token: str
    access_token_expires_at: dt.datetime
    refresh_token: str
    refresh_token_expires_at: dt.datetime


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def _issue(member: Member, session: AuthSession) -> IssuedSession:
    """A new access token and a new refresh token for `session` (call inside a transaction)."""
    settings = get_settings()
    refresh = new_secret("rt_")
    refresh_expires = _now() + dt.timedelta(seconds=settings.refresh_token_ttl)
    await RefreshToken.create(
        session_id=session.id, token_hash=secret_digest(refresh), expires_at=refresh_expires
    )
    access, access_exp = issue_access_token(
        settings,
        kind="member",
        subject=str(member.id),
        ttl=settings.access_token_ttl,
        session_id=str(session.id),
    )
    return IssuedSession(
        member=member,
        session_id=session.id,
        access_token=access,
        access_token_expires_at=dt.datetime.fromtimestamp(access_exp, dt.UTC),
        refresh_token=refresh,
        refresh_token_expires_at=refresh_expires,
    )


async def _open_session(member: Member, client: ClientInfo) -> IssuedSession:
    async with transaction():
        session = await AuthSession.create(
            id=uuid.uuid4(),
            member_id=member.id,
            user_agent=client.user_agent[:255],
            client_address=client.address[:64],
        )
        return await _issue(member, session)


async def sign_up(
    *,
    email: str,
    password: str,
    display_name: str | None = None,
    locale: str = "en",
    referral_code: str | None = None,
    client: ClientInfo,
) -> IssuedSession:
    """Create a member account and sign it in on this device; the welcome bonus and a
    friend's referral are part of the same transaction (a bad code creates nothing)."""
    from app.earning import actions
    from app.earning.service import current_rules

    policy = (await current_rules()).policy
    async with transaction():
        member = await members.create_member(
            email=email, password=password, display_name=display_name, locale=locale
        )
        await actions.welcome(member_id=member.id, referral_code=referral_code, policy=policy)
    return await _open_session(member, client)


def _throttle_keys(email: str, address: str) -> list[tuple[str, int]]:
    settings = get_settings()
    account = hashlib.sha256(members.normalize_email(email).encode()).hexdigest()
    keys = [(f"account:{account}", settings.login_max_failures_per_account)]
    if address:
        keys.append((f"address:{address[:64]}", settings.login_max_failures_per_address))
    return keys


async def _check_lock(keys: list[tuple[str, int]]) -> None:
    now = _now()
    rows = await LoginThrottle.filter(key__in=[k for k, _ in keys], locked_until__gt=now)
    if rows:
        until = max(r.locked_until for r in rows if r.locked_until)
        raise TooManyAttempts(max(1, int((until - now).total_seconds()) + 1))


async def _record_failure(keys: list[tuple[str, int]]) -> None:
    """Count a failure on each key atomically; lock a key that reaches its limit."""
    settings = get_settings()
    now = _now()
    window_start = now - dt.timedelta(seconds=settings.login_window_seconds)
    async with transaction():
        for key, limit in keys:
            # Insert-if-missing then lock: concurrent first failures never collide.
            await LoginThrottle.bulk_create(
                [LoginThrottle(key=key, failures=0, window_started_at=now)], ignore_conflicts=True
            )
            row = await LoginThrottle.select_for_update().get(key=key)
            if row.window_started_at < window_start:
                row.failures, row.window_started_at, row.locked_until = 0, now, None
            row.failures += 1
            if row.failures >= limit:
                row.locked_until = now + dt.timedelta(seconds=settings.login_lockout_seconds)
                row.failures, row.window_started_at = 0, now
            await row.save()


async def log_in(*, email: str, password: str, client: ClientInfo) -> IssuedSession:
    """Sign in with email and password.

    Raises InvalidCredentials (the same for an unknown email and a wrong password) or
    TooManyAttempts while the account or the client address is locked out.
    """
    keys = _throttle_keys(email, client.address)
    await _check_lock(keys)
    try:
        member = await members.verify_credentials(email=email, password=password)
    except InvalidCredentials:
        await _record_failure(keys)
        await _check_lock(keys)
        raise
    await LoginThrottle.filter(key=keys[0][0]).delete()
    return await _open_session(member, client)


async def refresh_session(*, refresh_token: str) -> IssuedSession:
    """Rotate a refresh token: the presented one is spent and a new pair is issued.

    Presenting a spent token again means it leaked: the whole session (every token of its
    family, including the newest) is revoked.
    """
    digest = secret_digest(refresh_token)
    now = _now()
    issued: IssuedSession | None = None
    # The revocation on reuse must commit, so the refusal is raised after the block.
    async with transaction():
        spent = await RefreshToken.filter(
            token_hash=digest, used_at__isnull=True, expires_at__gt=now
        ).update(used_at=now)
        token = await RefreshToken.get_or_none(token_hash=digest).select_related(
            "session", "session__member"
        )
        if token is not None:
            session = token.session
            if not spent:
                if token.used_at is not None and session.revoked_at is None:
                    await _revoke(session.id, reason="refresh_token_reuse", now=now)
            elif session.revoked_at is None and session.member.is_active:
                await AuthSession.filter(id=session.id).update(last_used_at=now)
                issued = await _issue(session.member, session)
    if issued is None:
        raise Unauthenticated("SESSION_EXPIRED")
    return issued


async def _revoke(session_id: uuid.UUID | str, *, reason: str, now: dt.datetime) -> None:
    await AuthSession.filter(id=session_id, revoked_at__isnull=True).update(
        revoked_at=now, revoked_reason=reason
    )


async def log_out(*, principal: Principal, all_sessions: bool = False) -> int:
    """End this device's session (or every session of the member); returns how many ended."""
    now = _now()
    async with transaction():
        query = AuthSession.filter(revoked_at__isnull=True)
        if all_sessions:
            query = query.filter(member_id=principal.member_id)
        else:
            query = query.filter(id=principal.session_id, member_id=principal.member_id)
        return await query.update(revoked_at=now, revoked_reason="logout")


async def change_password(
    *, principal: Principal, current_password: str, new_password: str
) -> Member:
    """Change the password and end every other session of the member."""
    async with transaction():
        member = await members.change_password(
            member_id=principal.member_id,
            current_password=current_password,
            new_password=new_password,
        )
        await (
            AuthSession.filter(member_id=member.id, revoked_at__isnull=True)
            .exclude(id=principal.session_id)
            .update(revoked_at=_now(), revoked_reason="password_changed")
        )
    return member


async def authenticate(*, token: str) -> tuple[Principal, Member | None]:
    """Verify an access token; for members also that the session and account are live.

    One query loads the session with its member, so a signed-out session or a disabled
    account stops working at once, not when the token expires.
    """
    principal = verify_access_token(get_settings(), token)
    if principal.kind == "client":
        if not await _client_is_live(principal.subject):
            raise Unauthenticated("SESSION_EXPIRED")
        return principal, None
    member = await _live_session_member(principal)
    if member is None:
        raise Unauthenticated("SESSION_EXPIRED")
    return principal, member


_LIVE_CLIENT_SQL = (
    'SELECT 1 FROM "auth_integration_client" WHERE "client_id" = {0} AND "revoked_at" IS NULL'
)


async def _client_is_live(client_id: str) -> bool:
    """Whether the client is registered and not revoked; hand-written like the session
    check below, for the same reason (every till request runs it)."""
    conn = connection()
    (mark,) = placeholders(conn, 1)
    _, rows = await conn.execute_query(_LIVE_CLIENT_SQL.format(mark), [client_id])
    return bool(rows)


_LIVE_SESSION_SQL = (
    'SELECT m.* FROM "auth_session" s JOIN "member" m ON m."id" = s."member_id" '
    'WHERE s."id" = {0} AND s."member_id" = {1} AND s."revoked_at" IS NULL AND m."is_active"'
)


async def _live_session_member(principal: Principal) -> Member | None:
    """The member of a live session, in one hand-written query: this runs on every
    authenticated request, and the ORM's join building costs more than the query itself."""
    try:
        session_id = uuid.UUID(str(principal.session_id))
    except ValueError:
        return None
    conn = connection()
    if conn.capabilities.dialect == "postgres":
        sql, params = _LIVE_SESSION_SQL.format("$1", "$2"), [session_id, principal.member_id]
    else:
        sql, params = _LIVE_SESSION_SQL.format("?", "?"), [str(session_id), principal.member_id]
    rows = await conn.execute_query_dict(sql, params)
    return Member._init_from_db(**rows[0]) if rows else None


async def create_integration_client(
    *, name: str, scopes: list[str], created_by: int | None
) -> tuple[IntegrationClient, str]:
    """Register a POS/CRM client; returns it with its secret, which is never shown again."""
    problems: list[FieldProblem] = []
    name = " ".join(name.split())
    if not name:
        problems.append(FieldProblem("name", "REQUIRED"))
    elif len(name) > MAX_CLIENT_NAME:
        problems.append(FieldProblem("name", "TOO_LONG", {"max": MAX_CLIENT_NAME}))
    unknown = sorted(set(scopes) - SCOPES.keys())
    if unknown or not scopes:
        problems.append(FieldProblem("scopes", "INVALID_VALUE", {"allowed": ", ".join(SCOPES)}))
    if problems:
        raise InvalidInput(problems)
    secret = new_secret("cs_")
    async with transaction():
        client = await IntegrationClient.create(
            client_id="cli_" + uuid.uuid4().hex[:20],
            name=name,
            secret_hash=secret_digest(secret),
            scopes=sorted(set(scopes)),
            created_by_id=created_by,
        )
    return client, secret


async def revoke_integration_client(*, client_id: str) -> bool:
    """Revoke a client: its tokens stop working on their next request."""
    async with transaction():
        return bool(
            await IntegrationClient.filter(client_id=client_id, revoked_at__isnull=True).update(
                revoked_at=_now()
            )
        )


async def list_integration_clients() -> list[IntegrationClient]:
    return await IntegrationClient.all().order_by("id")


class InvalidClient(Exception):
    """RFC 6749 `invalid_client` / `invalid_scope`: reported by the token endpoint."""

    def __init__(self, error: str, description: str):
        self.error = error
        self.description = description
        super().__init__(description)


async def issue_client_token(
    *, client_id: str, client_secret: str, scope: str | None
) -> tuple[str, int, list[str]]:
    """Client-credentials grant: a scoped JWT for a live client with the right secret.

    Returns (token, expires_in seconds, granted scopes). Asking for a scope the client was
    not given is `invalid_scope`; asking for none grants all of the client's scopes.
    """
    client = await IntegrationClient.get_or_none(client_id=client_id, revoked_at__isnull=True)
    expected = client.secret_hash if client else secret_digest("no-such-client")
    if not hmac.compare_digest(expected, secret_digest(client_secret)) or client is None:
        raise InvalidClient("invalid_client", "Unknown client or wrong secret.")
    requested = scope.split() if scope else list(client.scopes)
    if not set(requested) <= set(client.scopes):
        raise InvalidClient("invalid_scope", "The client may not request these scopes.")
    settings = get_settings()
    token, _ = issue_access_token(
        settings,
        kind="client",
        subject=client.client_id,
        ttl=settings.client_token_ttl,
        scopes=requested,
    )
    await IntegrationClient.filter(id=client.id).update(last_used_at=_now())
    return token, settings.client_token_ttl, requested


async def create_staff(
    *, email: str, password: str, role: Role, display_name: str | None
) -> Member:
    """Create a staff account, or give an existing account a staff role."""
    if role == Role.MEMBER:
        raise InvalidInput([FieldProblem("role", "INVALID_VALUE")])
    existing = await members.get_member_by_email(email=email)
    if existing is not None:
        return await members.set_role(email=email, role=role)
    return await members.create_member(
        email=email, password=password, display_name=display_name, role=role
    )
