"""Sessions and credentials: sign-up, sign-in with throttling, refresh rotation, sign-out,
integration clients and their client-credentials tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import math
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
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
    friend's referral are part of the same transaction (a bad code creates nothing).

    Input is validated first (InvalidInput, not counted); then the sign-up is counted
    against the client address, and refused with TooManyAttempts past
    `signup_max_per_address` per `signup_window_seconds` (whether the email turns out to be
    taken or not, so addresses cannot be tried in bulk).
    """
    from app.earning import actions
    from app.earning.service import current_rules

    members.check_new_member(
        email=email, password=password, display_name=display_name, locale=locale
    )
    await _count_sign_up(client.address)
    policy = (await current_rules()).policy

    async def welcome(member: Member) -> None:
        await actions.welcome(member_id=member.id, referral_code=referral_code, policy=policy)

    member = await members.create_member(
        email=email, password=password, display_name=display_name, locale=locale, then=welcome
    )
    await _remember_address(member.email, client.address)
    return await _open_session(member, client)


# ---- Throttling password checks -----------------------------------------------------------
#
# Every password check (logIn, changePassword, deleteAccount) runs inside `password_check`,
# which counts it BEFORE the check (so parallel requests cannot all slip past one reading of
# the counters) on rows of LoginThrottle, and takes the count back when the password was
# right. <account> is a SHA-256 of the normalized email, <place> one of the client address;
# an IPv6 client is counted by its /64 network, an IPv4 client by its address.
#
# - `pair:<account>:<place>`: this account from this address. At
#   `login_max_failures_per_account` failures within `login_window_seconds`, this pair is
#   locked for `login_lockout_seconds`: the only hard lock, and it stops only the address
#   that failed.
# - `account:<account>`: this account from every address it has not signed in from. From
#   `login_max_failures_per_account` failures on, each failure makes the next check wait,
#   1 s, 2 s, 4 s ... up to ACCOUNT_DELAY_CAP_SECONDS: guessing from many addresses gets
#   about one try a minute, and a member at a new address waits at most that long.
# - `address:<address>`: every account from this address (credential stuffing). From
#   `login_max_failures_per_address` failures on, growing waits up to
#   `login_lockout_seconds`.
# - `known:<account>:<place>`: the account signed up or signed in from this address within
#   `refresh_token_ttl`. Checks from a known address skip the account and address counters:
#   an attacker elsewhere (or elsewhere on the same NAT, guessing other accounts) cannot
#   slow the member down; only their own pair can lock.
# A counter restarts `login_window_seconds` after its first failure; once over its limit it
# keeps counting until `login_window_seconds` pass without a failure.

ACCOUNT_DELAY_CAP_SECONDS = 60


@dataclass(frozen=True)
class _Rule:
    limit: int
    longest: int  # seconds: the pair's lock, or the cap of a growing wait
    growing: bool

    def wait(self, failures: int) -> int:
        """Seconds the key waits after its `failures`-th failure (0: none)."""
        if failures < self.limit:
            return 0
        if not self.growing:
            return self.longest
        return min(self.longest, 2 ** min(failures - self.limit, 20))


def _rules() -> dict[str, _Rule]:
    settings = get_settings()
    lockout = settings.login_lockout_seconds
    per_pair = settings.login_max_failures_per_account
    return {
        "pair": _Rule(per_pair, lockout, growing=False),
        "account": _Rule(per_pair, min(ACCOUNT_DELAY_CAP_SECONDS, lockout), growing=True),
        "address": _Rule(settings.login_max_failures_per_address, lockout, growing=True),
    }


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _account(email: str) -> str:
    return _digest(members.normalize_email(email))


def _network(address: str) -> str:
    """Where a client is counted from: its IPv4 address, or its IPv6 /64 (one subscriber's
    network, whose addresses rotate freely: counting each would let them rotate past)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((int(ip) >> 64 << 64, 64)))
    return str(ip)


def _place(address: str) -> str:
    return _digest(_network(address))[:32]


def _retry_after(until: dt.datetime, now: dt.datetime) -> int:
    return max(1, math.ceil((until - now).total_seconds()))


@dataclass
class _Attempt:
    account: str
    address: str
    keys: dict[str, dt.datetime | None]  # counted key -> the wait this attempt set on it
    wait: int  # the longest wait this attempt set (a failure then answers TooManyAttempts)


async def _rows_for_update(keys: list[str], now: dt.datetime) -> list[LoginThrottle]:
    """The throttle rows of `keys`, created when missing and locked in key order (call in a
    transaction): concurrent attempts on the same keys queue here, never deadlock."""
    keys = sorted(set(keys))
    await LoginThrottle.bulk_create(
        [LoginThrottle(key=k, failures=0, window_started_at=now) for k in keys],
        ignore_conflicts=True,
    )
    return list(await LoginThrottle.select_for_update().filter(key__in=keys).order_by("key"))


async def _is_known(account: str, address: str, now: dt.datetime) -> bool:
    since = now - dt.timedelta(seconds=get_settings().refresh_token_ttl)
    return await LoginThrottle.exists(
        key=f"known:{account}:{_place(address)}", window_started_at__gt=since
    )


async def _count_attempt(*, email: str, address: str) -> _Attempt:
    """Count one password check before it runs; TooManyAttempts (nothing counted) while
    one of its keys waits."""
    now = _now()
    account = _account(email)
    keys = [f"pair:{account}:{_place(address)}"]
    if not await _is_known(account, address, now):
        keys.append(f"account:{account}")
        if address:
            keys.append(f"address:{_network(address)}")
    rules = _rules()
    window = dt.timedelta(seconds=get_settings().login_window_seconds)
    attempt = _Attempt(account=account, address=address, keys={}, wait=0)
    async with transaction():
        rows = await _rows_for_update(keys, now)
        waits = [r.locked_until for r in rows if r.locked_until and r.locked_until > now]
        if waits:
            raise TooManyAttempts(_retry_after(max(waits), now))
        for row in rows:
            rule = rules[row.key.partition(":")[0]]
            if now - row.window_started_at >= window:
                row.failures, row.window_started_at, row.locked_until = 0, now, None
            row.failures += 1
            seconds = rule.wait(row.failures)
            if seconds:
                row.locked_until = now + dt.timedelta(seconds=seconds)
                if rule.growing:
                    row.window_started_at = now  # over the limit: counts until quiet
                attempt.wait = max(attempt.wait, seconds)
            await row.save()
            attempt.keys[row.key] = row.locked_until if seconds else None
    return attempt


async def _settle(attempt: _Attempt, *, right: bool) -> None:
    """Take back the attempt's counts (the check did not fail). A right password also
    clears its pair and remembers the address as known for the account."""
    async with transaction():
        query = LoginThrottle.select_for_update().filter(key__in=sorted(attempt.keys))
        for row in await query.order_by("key"):  # the order _count_attempt locks in
            if right and row.key.startswith("pair:"):
                await row.delete()
                continue
            row.failures = max(0, row.failures - 1)
            ours, until = attempt.keys[row.key], row.locked_until
            if ours and until and abs((until - ours).total_seconds()) < 0.001:
                row.locked_until = None  # the wait this attempt set, not a later one
            await row.save()
    if right:
        await _remember(attempt.account, attempt.address)


async def _remember(account: str, address: str) -> None:
    key = f"known:{account}:{_place(address)}"
    now = _now()
    await LoginThrottle.bulk_create(
        [LoginThrottle(key=key, failures=0, window_started_at=now)], ignore_conflicts=True
    )
    await LoginThrottle.filter(key=key).update(window_started_at=now)


async def _remember_address(email: str, address: str) -> None:
    await _remember(_account(email), address)


@asynccontextmanager
async def password_check(*, email: str, client: ClientInfo) -> AsyncIterator[None]:
    """Throttle the password check of the account `email` made inside the block, from
    `client.address` (see the rules above). Every place that verifies a password uses it.

    Raises TooManyAttempts before the block while the pair, the account or the address
    waits. An InvalidCredentials leaving the block is counted (and becomes TooManyAttempts
    when this failure starts a wait); any other error gives the attempt back; a clean exit
    clears the pair and remembers the address as the account's.
    """
    attempt = await _count_attempt(email=email, address=client.address)
    try:
        yield
    except InvalidCredentials:
        if attempt.wait:
            raise TooManyAttempts(attempt.wait) from None
        raise
    except Exception:
        await _settle(attempt, right=False)
        raise
    await _settle(attempt, right=True)


async def _count_sign_up(address: str) -> None:
    """Count a sign-up from `address`; TooManyAttempts past signup_max_per_address in the
    current signup_window_seconds (a window starts with its first sign-up)."""
    if not address:
        return
    settings = get_settings()
    now = _now()
    window = dt.timedelta(seconds=settings.signup_window_seconds)
    async with transaction():
        (row,) = await _rows_for_update([f"signup:{_network(address)}"], now)
        if now - row.window_started_at >= window:
            row.failures, row.window_started_at = 0, now
        if row.failures >= settings.signup_max_per_address:
            raise TooManyAttempts(_retry_after(row.window_started_at + window, now))
        row.failures += 1
        await row.save()


async def log_in(*, email: str, password: str, client: ClientInfo) -> IssuedSession:
    """Sign in with email and password.

    Raises InvalidCredentials (the same for an unknown email and a wrong password) or
    TooManyAttempts while this account from this address, the account (from an address
    it has not signed in from) or the address is throttled (see `password_check`).
    """
    async with password_check(email=email, client=client):
        member = await members.verify_credentials(email=email, password=password)
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
                    _announce_revocation(member_id=session.member_id, sessions=[session.id])
            elif session.revoked_at is None and session.member.is_active:
                await AuthSession.filter(id=session.id).update(last_used_at=now)
                issued = await _issue(session.member, session)
    if issued is None:
        raise Unauthenticated("SESSION_EXPIRED")
    return issued


def _announce_revocation(*, member_id: int, sessions: list | None = None,
                         keep: list | None = None) -> None:  # fmt: skip
    """After the open transaction commits, end the revoked sessions' live subscriptions in
    every server process (`sessions` None: all of the member's but `keep`)."""
    from app.events import publish_revocation

    publish_revocation(member_id=member_id, sessions=sessions, keep=keep)


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
        ended = await query.update(revoked_at=now, revoked_reason="logout")
        _announce_revocation(member_id=principal.member_id,
                             sessions=None if all_sessions else [principal.session_id])  # fmt: skip
        return ended


async def change_password(
    *,
    principal: Principal,
    current_password: str,
    new_password: str,
    client: ClientInfo | None = None,
) -> Member:
    """Change the password and end every other session of the member, in one transaction.

    The current password's check is throttled like a sign-in (`password_check`: the same
    counters, TooManyAttempts); hashing runs off the event loop outside the transaction.
    """

    async def end_other_sessions(member: Member) -> None:
        await (
            AuthSession.filter(member_id=member.id, revoked_at__isnull=True)
            .exclude(id=principal.session_id)
            .update(revoked_at=_now(), revoked_reason="password_changed")
        )
        _announce_revocation(member_id=member.id, keep=[principal.session_id])

    account = await Member.get(id=principal.member_id)
    async with password_check(email=account.email, client=client or ClientInfo()):
        return await members.change_password(
            member_id=principal.member_id,
            current_password=current_password,
            new_password=new_password,
            then=end_other_sessions,
        )


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
