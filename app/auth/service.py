"""Sessions and credentials: sign-up, sign-in with throttling, refresh rotation, sign-out,
integration clients and their client-credentials tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import logging
import math
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q

from app.auth.models import AuthSession, IntegrationClient, LoginThrottle, RefreshToken
from app.auth.tokens import (
    Principal,
    issue_access_token,
    new_secret,
    secret_digest,
    verify_access_token,
)
from app.clock import now as _now
from app.db import connection, current_transaction, transaction
from app.errors import (
    EmailAlreadyRegistered,
    FieldProblem,
    InvalidCredentials,
    InvalidInput,
    TooManyAttempts,
    Unauthenticated,
)
from app.mail import service as mail
from app.members import service as members
from app.settings import get_settings
from app.sql import LIVE_CLIENT, NumberedParams, live_session, placeholders

SCOPES = {
    "purchases:write": "Record purchases and refunds",
    "members:sync": "Create and update members from a CRM",
    "members:read": "Read member profiles and balances",
    "events:write": "Record custom earning events",
    "vouchers:redeem": "Validate and consume vouchers, and pay with points, at a till",
    "cashback:pay": "List cashback owed to members and report it paid",
}
MAX_CLIENT_NAME = 100

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ClientInfo:
    """Where a request came from, kept on sessions for the member's device list."""

    address: str = ""
    user_agent: str = ""


@dataclass(frozen=True)
class IssuedSession:
    member: members.Member
    session_id: uuid.UUID
    access_token: str
    access_token_expires_at: dt.datetime
    refresh_token: str
    refresh_token_expires_at: dt.datetime


async def _issue(member: members.Member, session: AuthSession) -> IssuedSession:
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


async def _open_session(member: members.Member, client: ClientInfo) -> IssuedSession:
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
    from app.earning import service as earning

    members.check_new_member(
        email=email, password=password, display_name=display_name, locale=locale
    )
    await _count_sign_up(client.address)
    policy = (await earning.current_rules()).policy

    async def welcome(member: members.Member) -> None:
        await earning.welcome(member_id=member.id, referral_code=referral_code, policy=policy)
        # The address is confirmed by the link in this mail (app.auth.addresses).
        await mail.mail_later(current_transaction().connection, mail.spec(
            template="VERIFY_EMAIL", key=f"verify:{member.id}:{uuid.uuid4().hex}",
            member_id=member.id, token=mail.TokenPurpose.VERIFY, token_ttl=VERIFY_TTL,
        ))  # fmt: skip

    try:
        member = await members.create_member(
            email=email, password=password, display_name=display_name, locale=locale, then=welcome
        )
    except EmailAlreadyRegistered:
        await _tell_owner_of_sign_up_attempt(email)
        raise
    await _remember_address(member.email, client.address)
    return await _open_session(member, client)


VERIFY_TTL = 7 * 86400  # seconds the sign-up's confirmation link works
RESET_TTL = 30 * 60  # seconds a mailed password reset link works


async def _tell_owner_of_sign_up_attempt(email: str) -> None:
    """Mail the owner of `email` that someone tried to sign up with it, with a reset link:
    at most one such mail per account per hour (the job's key)."""
    owner = await members.get_member_by_email(email=email)
    if owner is None or not owner.is_active:
        return
    key = f"signup-notice:{owner.id}:{int(_now().timestamp()) // 3600}"
    # One statement of its own: the sign-up's refusal is raised whatever happens here.
    await mail.mail_later(connection(), mail.spec(
        template="SIGN_UP_ATTEMPT", key=key, member_id=owner.id,
        token=mail.TokenPurpose.RESET, token_ttl=RESET_TTL,
    ), job_key=key)  # fmt: skip


async def end_all_sessions(*, member_id: int, reason: str) -> int:
    """Revoke every live session of the member (each one's refresh tokens die with it), in
    the caller's open transaction; their live subscriptions end once it commits. Returns
    how many ended."""
    ended = await AuthSession.filter(member_id=member_id, revoked_at__isnull=True).update(
        revoked_at=_now(), revoked_reason=reason[:32])  # fmt: skip
    _announce_revocation(member_id=member_id)
    return ended


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
#   about one try a minute, and a member at a new address waits at most that long. A slow
#   trickle of wrong guesses from rotating addresses (one a minute, or one every
#   `login_window_seconds` to keep the count up) keeps this wait on for as long as it goes
#   on: a member at a NEW address may wait up to ACCOUNT_DELAY_CAP_SECONDS between tries
#   meanwhile; at their known addresses they never wait for it.
# - `address:<address>`: every account from this address (credential stuffing). From
#   `login_max_failures_per_address` failures on, growing waits up to
#   `login_lockout_seconds`.
# - `known:<account>:<place>`: the account signed up or signed in from this address within
#   `refresh_token_ttl`. Checks from a known address skip the account and address counters:
#   an attacker elsewhere (or elsewhere on the same NAT, guessing other accounts) cannot
#   slow the member down; only their own pair can lock.
# A counter restarts `login_window_seconds` after its first failure; once over its limit it
# keeps counting until `login_window_seconds` pass without a failure.
# A request without a client address (no peer, e.g. a Unix socket without `unix` in
# TRUSTED_PROXIES) is counted at the one shared place UNKNOWN_PLACE, never skipped, and
# that place is never a known address. `purge_throttles` (the worker) deletes rows that no
# longer count.

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


UNKNOWN_PLACE = "unknown"


def _network(address: str) -> str:
    """Where a client is counted from: its IPv4 address, or its IPv6 /64 (one subscriber's
    network, whose addresses rotate freely: counting each would let them rotate past).
    Without an address (no peer, a proxy that is not trusted), the one shared place
    UNKNOWN_PLACE: such requests are counted together, never skipped."""
    if not address:
        return UNKNOWN_PLACE
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((int(ip) >> 64 << 64, 64)))
    return str(ip)


def _place(address: str) -> str:
    return _digest(_network(address))[:32]


_warned_unknown = False


def _warn_unknown_address() -> None:
    global _warned_unknown
    if not _warned_unknown:
        _warned_unknown = True
        log.warning(
            "a request without a client address: sign-ins and sign-ups without one are "
            "throttled together under one shared place; behind a proxy on a Unix socket, "
            "add `unix` to TRUSTED_PROXIES"
        )


def _retry_after(until: dt.datetime, now: dt.datetime) -> int:
    return max(1, math.ceil((until - now).total_seconds()))


def _rule_of(key: str) -> _Rule:
    return _rules()[key.partition(":")[0]]


@dataclass
class _Attempt:
    account: str
    address: str
    keys: dict[str, dt.datetime | None]  # counted key -> the wait this attempt set on it
    wait: int  # the longest wait this attempt set (a failure then answers TooManyAttempts)


# ---- the statements -------------------------------------------------------------------------
#
# Hand-written, one statement per step (a sign-in is on the hot path): an upsert counts a
# key and sets its wait atomically, so parallel checks each see the previous one's count.
# Rows are always locked in the order pair, account, address, known (VALUES order): the
# counting and the settling statements cannot deadlock each other, and the purge skips
# locked rows.

_THROTTLE = f'"{LoginThrottle._meta.db_table}"'
_INSERT = f'INSERT INTO {_THROTTLE} ("key", "failures", "window_started_at", "locked_until") '
_RETURNING = ' RETURNING "key", "failures"'
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)  # a window long over: the key counts afresh


def _col(name: str) -> str:
    return f'{_THROTTLE}."{name}"'


class _Params(NumberedParams):
    """The throttle's numbered parameters (app.sql), datetimes as its table stores them."""

    def __init__(self, conn: BaseDBAsyncClient):
        field = LoginThrottle._meta.fields_map["locked_until"]
        super().__init__(conn, lambda value: field.to_db_value(value, None))


def _by_key(p: _Params, exprs: dict[str, str]) -> str:
    """`exprs[key]` for the row of that key."""
    if len(exprs) == 1:
        return next(iter(exprs.values()))
    whens = " ".join(f"WHEN {p(k, 'text')} THEN {e}" for k, e in exprs.items())
    return f"(CASE {_col('key')} {whens} END)"


def _count_sql(p: _Params, keys: list[str], now: dt.datetime, *, known: str = "") -> str:
    """One statement counting a check on `keys` (rows created when missing), each key's
    wait set by its rule in the same update; a key already waiting is left alone and not
    returned. With `known`, only when that known-address row is live (else nothing)."""
    settings = get_settings()
    at = p(now, "ts")
    window = dt.timedelta(seconds=settings.login_window_seconds)
    window_over = f"{_col('window_started_at')} <= {p(now - window, 'ts')}"
    failures = f"(CASE WHEN {window_over} THEN 1 ELSE {_col('failures')} + 1 END)"
    counts, starts, locks, rows = {}, {}, {}, []
    for key in keys:
        rule = _rule_of(key)
        waits = []
        while len(waits) <= 20 and rule.wait(rule.limit + len(waits)) < rule.longest:
            waits.append(rule.wait(rule.limit + len(waits)))
        last = rule.wait(rule.limit + len(waits))

        def until(seconds: int) -> str:
            return p(now + dt.timedelta(seconds=seconds), "ts")

        steps = " ".join(
            f"WHEN {failures} = {rule.limit + i} THEN {until(s)}" for i, s in enumerate(waits)
        )
        locks[key] = (
            f"(CASE WHEN {failures} < {rule.limit} THEN NULL {steps} ELSE {until(last)} END)"
        )
        counts[key] = failures
        over = f" OR {failures} >= {rule.limit}" if rule.growing else ""  # counts until quiet
        started = _col("window_started_at")
        starts[key] = f"(CASE WHEN {window_over}{over} THEN {at} ELSE {started} END)"
        first = until(rule.wait(1)) if rule.wait(1) else p(None, "ts")
        rows.append(f"{p(key, 'text')}, 1, {at}, {first}")
    if known:
        since = now - dt.timedelta(seconds=settings.refresh_token_ttl)
        (row,) = rows
        source = (
            f'SELECT {row} WHERE EXISTS (SELECT 1 FROM {_THROTTLE} k WHERE k."key" = '
            f'{p(known, "text")} AND k."window_started_at" > {p(since, "ts")})'
        )
    else:
        source = "VALUES " + ", ".join(f"({r})" for r in rows)
    return (
        f'{_INSERT}{source} ON CONFLICT ("key") DO UPDATE SET '
        f'"failures" = {_by_key(p, counts)}, "window_started_at" = {_by_key(p, starts)}, '
        f'"locked_until" = {_by_key(p, locks)} '
        f"WHERE {_col('locked_until')} IS NULL OR {_col('locked_until')} <= {at}{_RETURNING}"
    )


async def _run(conn: BaseDBAsyncClient, p: _Params, sql: str) -> list[dict]:
    return await conn.execute_query_dict(sql, p.values)


async def _count_attempt(*, email: str, address: str) -> _Attempt:
    """Count one password check before it runs; TooManyAttempts (nothing counted) while
    one of its keys waits.

    From a known address, one statement counts the pair (no transaction). Elsewhere (or
    when that found the pair waiting), one transaction counts pair, account and address
    in one statement and rolls back if any of them was waiting."""
    now = _now()
    account = _account(email)
    pair = f"pair:{account}:{_place(address)}"
    attempt = _Attempt(account=account, address=address, keys={}, wait=0)
    keys, rows = [pair], []
    if address:
        conn = connection()
        p = _Params(conn)
        known = f"known:{account}:{_place(address)}"
        rows = await _run(conn, p, _count_sql(p, [pair], now, known=known))
    else:
        _warn_unknown_address()
    if not rows:  # not known (or the pair waits: the transaction below says so)
        keys = [pair, f"account:{account}", f"address:{_network(address)}"]
        async with transaction() as tx:
            p = _Params(tx.connection)
            rows = await _run(tx.connection, p, _count_sql(p, keys, now))
            if len(rows) < len(keys):
                waits = await LoginThrottle.filter(key__in=keys, locked_until__gt=now).values_list(
                    "locked_until", flat=True
                )
                raise TooManyAttempts(_retry_after(max(waits, default=now), now))
    failures = {row["key"]: row["failures"] for row in rows}
    for key in keys:  # in the locking order, which _settle keeps
        seconds = _rule_of(key).wait(failures[key])
        attempt.keys[key] = now + dt.timedelta(seconds=seconds) if seconds else None
        attempt.wait = max(attempt.wait, seconds)
    return attempt


async def _settle(attempt: _Attempt, *, right: bool) -> None:
    """Take back the attempt's counts (the check did not fail), clearing a wait it set
    (not a later one), in one statement. A right password also clears its pair and
    remembers the address as known for the account."""
    conn = connection()
    p = _Params(conn)
    fewer = f"(CASE WHEN {_col('failures')} > 0 THEN {_col('failures')} - 1 ELSE 0 END)"
    counts, starts, locks, rows = {}, {}, {}, []
    for key, ours in attempt.keys.items():  # in the counting order: pair first
        rows.append(f"{p(key, 'text')}, 0, {p(_EPOCH, 'ts')}, {p(None, 'ts')}")
        if right and key.startswith("pair:"):
            counts[key], starts[key], locks[key] = "0", p(_EPOCH, "ts"), p(None, "ts")
            continue
        counts[key], starts[key] = fewer, _col("window_started_at")
        locks[key] = (
            f"(CASE WHEN {_col('locked_until')} = {p(ours, 'ts')} THEN NULL "
            f"ELSE {_col('locked_until')} END)"
            if ours
            else _col("locked_until")
        )
    if right and attempt.address:
        key, at = f"known:{attempt.account}:{_place(attempt.address)}", p(_now(), "ts")
        rows.append(f"{p(key, 'text')}, 0, {at}, {p(None, 'ts')}")
        counts[key], starts[key], locks[key] = "0", at, p(None, "ts")
    sql = (
        f'{_INSERT}VALUES {", ".join(f"({r})" for r in rows)} ON CONFLICT ("key") DO UPDATE '
        f'SET "failures" = {_by_key(p, counts)}, "window_started_at" = {_by_key(p, starts)}, '
        f'"locked_until" = {_by_key(p, locks)}'
    )
    await _run(conn, p, sql)


async def _remember(account: str, address: str) -> None:
    """Remember `address` as one the account signed in from (now), in one upsert."""
    if not address:
        return  # an unknown address is never a known one
    conn = connection()
    p = _Params(conn)
    at = p(_now(), "ts")
    key = p(f"known:{account}:{_place(address)}", "text")
    await _run(conn, p, f"{_INSERT}VALUES ({key}, 0, {at}, {p(None, 'ts')}) ON CONFLICT "
                        f'("key") DO UPDATE SET "window_started_at" = {at}')  # fmt: skip


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

    Known limit: a slow trickle of wrong guesses from ever new addresses (about one a
    minute) keeps the account-wide wait on for as long as it goes on, so a member signing
    in from an address they have not signed in from within `refresh_token_ttl` may wait up
    to ACCOUNT_DELAY_CAP_SECONDS (60 s) between tries; at their known addresses they never
    wait for it.
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


async def _count_in_window(key: str, *, limit: int, window_seconds: int) -> None:
    """Count one request under `key` (one upsert); TooManyAttempts past `limit` in the
    current window of `window_seconds` (a window starts with its first request)."""
    now = _now()
    if not await _counted(key, limit=limit, window_seconds=window_seconds, now=now):
        row = await LoginThrottle.get_or_none(key=key)
        started = row.window_started_at if row else now
        raise TooManyAttempts(_retry_after(started + dt.timedelta(seconds=window_seconds), now))


async def _counted(key: str, *, limit: int, window_seconds: int,
                   now: dt.datetime | None = None) -> bool:  # fmt: skip
    """Count one request under `key` (one conditional upsert: parallel requests each see
    the previous one's count); False, and nothing counted, past `limit` in the current
    window of `window_seconds`."""
    now = now or _now()
    window = dt.timedelta(seconds=window_seconds)
    conn = connection()
    p = _Params(conn)
    at = p(now, "ts")
    over = f"{_col('window_started_at')} <= {p(now - window, 'ts')}"
    sql = (
        f'{_INSERT}VALUES ({p(key, "text")}, 1, {at}, {p(None, "ts")}) ON CONFLICT ("key") '
        f'DO UPDATE SET "failures" = CASE WHEN {over} THEN 1 ELSE {_col("failures")} + 1 END, '
        f'"window_started_at" = CASE WHEN {over} THEN {at} ELSE {_col("window_started_at")} END '
        f"WHERE {over} OR {_col('failures')} < {int(limit)}"
        f"{_RETURNING}"
    )
    return bool(await _run(conn, p, sql))


async def _count_sign_up(address: str) -> None:
    """Count a sign-up from `address` (one upsert); TooManyAttempts past
    signup_max_per_address in the current signup_window_seconds (a window starts with its
    first sign-up). Sign-ups without an address are counted together under UNKNOWN_PLACE."""
    if not address:
        _warn_unknown_address()
    settings = get_settings()
    await _count_in_window(f"signup:{_network(address)}", limit=settings.signup_max_per_address,
                           window_seconds=settings.signup_window_seconds)  # fmt: skip


async def count_reset_request(*, email: str, address: str) -> bool:
    """Count a password reset request for the account `email` (whether it exists or not)
    from `address`, in the current reset_window_seconds: TooManyAttempts past
    reset_max_per_address requests from the address (`reset-from:<place>`, counted first)
    or reset_max_per_pair for this account from it (`reset:<account>:<place>`). Then False
    (answer as usual, mail nothing) past reset_max_per_account for the account from
    anywhere (`reset:<account>`): requests from elsewhere can neither bomb the mailbox nor
    make the owner's own place answer TooManyAttempts. A place the account signed in from
    within refresh_token_ttl (a known address) is never capped, only its pair counts."""
    if not address:
        _warn_unknown_address()
    settings = get_settings()
    window = settings.reset_window_seconds
    account, place = _account(email), _place(address)
    await _count_in_window(f"reset-from:{place}", limit=settings.reset_max_per_address,
                           window_seconds=window)  # fmt: skip
    await _count_in_window(f"reset:{account}:{place}", limit=settings.reset_max_per_pair,
                           window_seconds=window)  # fmt: skip
    if (
        address
        and await LoginThrottle.filter(
            key=f"known:{account}:{place}",
            window_started_at__gt=_now() - dt.timedelta(seconds=settings.refresh_token_ttl),
        ).exists()
    ):
        return True
    return await _counted(f"reset:{account}", limit=settings.reset_max_per_account,
                          window_seconds=window)  # fmt: skip


RESET_ATTEMPTS_PER_ADDRESS = 20  # resetPassword attempts (and reset page posts) per window


async def count_reset_attempt(*, address: str) -> None:
    """Count one attempt to set a password with a mailed link's token from `address`
    (`reset-try:<place>`): TooManyAttempts past RESET_ATTEMPTS_PER_ADDRESS in the current
    reset_window_seconds, before any token is looked up or any password hashed."""
    if not address:
        _warn_unknown_address()
    await _count_in_window(f"reset-try:{_place(address)}", limit=RESET_ATTEMPTS_PER_ADDRESS,
                           window_seconds=get_settings().reset_window_seconds)  # fmt: skip


# changeEmail: confirmation mails asked for per member per hour, and to one new address
# (from any account, whether it has an account or not) per day.
CHANGE_MAX_PER_MEMBER, CHANGE_MEMBER_WINDOW = 5, 3600
CHANGE_MAX_PER_TARGET, CHANGE_TARGET_WINDOW = 3, 86400


async def count_email_change(*, member_id: int, new_email: str) -> None:
    """Count a change-of-address request (when it is asked for, not when its mail goes):
    TooManyAttempts past CHANGE_MAX_PER_MEMBER per CHANGE_MEMBER_WINDOW for the member
    (`change-by:<member>`, counted first) or CHANGE_MAX_PER_TARGET per
    CHANGE_TARGET_WINDOW for the new address (`change-to:<SHA-256 of it>`), counted the
    same whether another account has that address or not."""
    await _count_in_window(f"change-by:{member_id}", limit=CHANGE_MAX_PER_MEMBER,
                           window_seconds=CHANGE_MEMBER_WINDOW)  # fmt: skip
    await _count_in_window(f"change-to:{_account(new_email)}", limit=CHANGE_MAX_PER_TARGET,
                           window_seconds=CHANGE_TARGET_WINDOW)  # fmt: skip


async def purge_throttles(*, now: dt.datetime | None = None) -> int:
    """Delete the throttle rows that no longer count (run by the worker): known addresses
    not signed in from within refresh_token_ttl, sign-up counters whose window is over,
    and pair, account and address counters whose window is over and whose wait has ended
    (each would start afresh anyway). Rows a check holds are skipped until the next pass.
    Returns how many were deleted."""
    settings = get_settings()
    now = now or _now()

    def older(seconds: int) -> Q:
        return Q(window_started_at__lte=now - dt.timedelta(seconds=seconds))

    counters = (
        Q(key__startswith="pair:") | Q(key__startswith="account:") | Q(key__startswith="address:")
    )
    done = (
        (Q(key__startswith="known:") & older(settings.refresh_token_ttl))
        | (Q(key__startswith="signup:") & older(settings.signup_window_seconds))
        | (
            (
                Q(key__startswith="reset:")
                | Q(key__startswith="reset-from:")
                | Q(key__startswith="reset-try:")
            )
            & older(settings.reset_window_seconds)
        )
        | (Q(key__startswith="change-by:") & older(CHANGE_MEMBER_WINDOW))
        | (Q(key__startswith="change-to:") & older(CHANGE_TARGET_WINDOW))
        | (
            counters
            & older(settings.login_window_seconds)
            & (Q(locked_until__isnull=True) | Q(locked_until__lte=now))
        )
    )
    deleted = 0
    while True:
        async with transaction():
            rows = await (
                LoginThrottle.filter(done).select_for_update(skip_locked=True).limit(PURGE_BATCH)
            )
            keys = [row.key for row in rows]
            if keys:
                deleted += await LoginThrottle.filter(key__in=keys).delete()
        if len(keys) < PURGE_BATCH:
            return deleted


PURGE_BATCH = 5000


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
) -> members.Member:
    """Change the password, end every other session of the member and spend every link
    mailed to them (resets, confirmations, a pending change of address), in one transaction.

    The current password's check is throttled like a sign-in (`password_check`: the same
    counters, TooManyAttempts); hashing runs off the event loop outside the transaction.
    """

    async def end_other_sessions(member: members.Member) -> None:
        # Links mailed before die with the old password (a pending change of address too).
        await mail.end_tokens(member_id=member.id, purposes=tuple(mail.TokenPurpose),
                              conn=current_transaction().connection)  # fmt: skip
        await (
            AuthSession.filter(member_id=member.id, revoked_at__isnull=True)
            .exclude(id=principal.session_id)
            .update(revoked_at=_now(), revoked_reason="password_changed")
        )
        _announce_revocation(member_id=member.id, keep=[principal.session_id])

    account = await members.get_member(member_id=principal.member_id)
    async with password_check(email=account.email, client=client or ClientInfo()):
        return await members.change_password(
            member_id=principal.member_id,
            current_password=current_password,
            new_password=new_password,
            then=end_other_sessions,
        )


async def authenticate(*, token: str) -> tuple[Principal, members.Member | None]:
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


async def live_sessions(sessions: list[tuple[str, int]]) -> set[tuple[str, int]]:
    """Which of `sessions` ((session id, member id) pairs) are live sessions of active
    members, in one query: the periodic recheck of live subscriptions asks for many streams
    at once (app.graphql.subscriptions), as `authenticate` asks for one request. A session
    id that is not a UUID is not live."""
    wanted: dict[tuple[uuid.UUID, int], list[tuple[str, int]]] = {}
    for pair in sessions:
        try:
            wanted.setdefault((uuid.UUID(str(pair[0])), pair[1]), []).append(pair)
        except ValueError:
            continue
    if not wanted:
        return set()
    rows = await AuthSession.filter(
        id__in=list({session_id for session_id, _ in wanted}),
        revoked_at__isnull=True,
        member__is_active=True,
    ).values_list("id", "member_id")
    live: set[tuple[str, int]] = set()
    for session_id, member_id in rows:
        live.update(wanted.get((uuid.UUID(str(session_id)), member_id), ()))
    return live


async def _client_is_live(client_id: str) -> bool:
    """Whether the client is registered and not revoked; hand-written like the session
    check below, for the same reason (every till request runs it)."""
    conn = connection()
    (mark,) = placeholders(conn, 1)
    _, rows = await conn.execute_query(LIVE_CLIENT.format(mark), [client_id])
    return bool(rows)


async def _live_session_member(principal: Principal) -> members.Member | None:
    """The member of a live session, in one hand-written query: this runs on every
    authenticated request, and the ORM's join building costs more than the query itself."""
    try:
        session_id = uuid.UUID(str(principal.session_id))
    except ValueError:
        return None
    conn = connection()
    sql, params = live_session(conn, session_id, principal.member_id)
    rows = await conn.execute_query_dict(sql, params)
    return members.member_from_row(rows[0]) if rows else None


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
    """Every integration client, oldest first."""
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
    *, email: str, password: str, role: members.Role, display_name: str | None
) -> members.Member:
    """Create a staff account, or give an existing account a staff role."""
    if role == members.Role.MEMBER:
        raise InvalidInput([FieldProblem("role", "INVALID_VALUE")])
    existing = await members.get_member_by_email(email=email)
    if existing is not None:
        return await members.set_role(email=email, role=role)
    return await members.create_member(
        email=email, password=password, display_name=display_name, role=role
    )


# ---- retention and erasure -------------------------------------------------------------------


def signed_in_since(*, since: dt.datetime):
    """Ids of the members with a session used since `since`: a subquery, not awaited."""
    return AuthSession.filter(last_used_at__gte=since).values("member_id")


async def forget_member(*, member_id: int, email: str, at: dt.datetime) -> None:
    """For an erasure: revoke the sessions, delete refresh tokens and `email`'s throttle rows."""
    from tortoise.expressions import Subquery

    async with transaction():
        sessions = Subquery(AuthSession.filter(member_id=member_id).values("id"))
        await RefreshToken.filter(session_id__in=sessions).delete()
        await AuthSession.filter(member_id=member_id, revoked_at__isnull=True).update(
            revoked_at=at, revoked_reason="erased")  # fmt: skip
        # The throttle counts under the account's key (see "Throttling password checks"):
        # its own, and its per-address pair and known-address keys.
        account = _account(email)
        mine = (
            Q(key=f"account:{account}")
            | Q(key__startswith=f"reset:{account}")
            | Q(key=f"change-by:{member_id}")
            | Q(key__startswith=f"pair:{account}:")
            | Q(key__startswith=f"known:{account}:")
        )
        await LoginThrottle.filter(mine).delete()
