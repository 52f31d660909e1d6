"""Tier qualification: evaluated under the member's lock on every earning and refund (a
ledger book-close hook) and by the worker; upgrades apply at once, downgrades only after the
grace period; staff overrides win until they end. Every change is recorded with its reason.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from app.cache import Cache
from app.clock import now
from app.db import Transaction, connection, transaction
from app.errors import FieldProblem, InvalidInput, MemberNotFound
from app.events import member_topic, publish_after_commit
from app.i18n import LOCALES
from app.ledger import service as ledger
from app.ledger.service import Kind
from app.sql import Part, placeholders, union_all
from app.tiers.models import (
    Basis,
    ChangeReason,
    MemberTier,
    Tier,
    TierChange,
    TierPolicy,
    Window,
)

CACHE_SECONDS = 5.0
_CODE = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
SPEND_KINDS = (Kind.PURCHASE, Kind.REFUND)
POINTS_KINDS = (Kind.PURCHASE, Kind.ACTION, Kind.BONUS, Kind.REFERRAL, Kind.REFUND,
                Kind.ADJUSTMENT)  # fmt: skip


# ---- the program (cached a few seconds, like the earning rules) -----------------------------


@dataclass(frozen=True)
class TierDef:
    id: int
    code: str
    rank: int
    threshold: int
    multiplier: Decimal
    texts: dict

    def name(self, locale: str = "en") -> str:
        """The tier's name in `locale` (English when it has none there)."""
        return (self.texts.get(locale) or self.texts["en"])["name"]


@dataclass(frozen=True)
class PolicyDef:
    basis: Basis = Basis.SPEND
    window: Window = Window.ROLLING
    window_months: int = 12
    grace_days: int = 30
    spend_currency: str = "EUR"


@dataclass(frozen=True)
class Program:
    policy: PolicyDef
    tiers: tuple[TierDef, ...]  # lowest rank first

    def by_id(self, tier_id: int | None) -> TierDef | None:
        """The tier with this id (None: no such tier, or no id)."""
        return next((t for t in self.tiers if t.id == tier_id), None)

    def qualifying(self, value: int) -> TierDef | None:
        """The best tier `value` reaches."""
        reached = [t for t in self.tiers if t.threshold <= value]
        return reached[-1] if reached else None

    def above(self, tier: TierDef | None) -> TierDef | None:
        """The next tier up from `tier` (the lowest when None); None at the top."""
        rank = tier.rank if tier else None
        return next((t for t in self.tiers if rank is None or t.rank > rank), None)


PROGRAM: Cache[Program] = Cache("tiers", ttl=CACHE_SECONDS)  # changed by upsert_tier, update_policy


async def current_program() -> Program:
    """The tier policy and the tiers by rank (cached: every earning asks)."""
    return await PROGRAM.get(_load_program)


async def _load_program() -> Program:
    row = await TierPolicy.get_or_none(id=1)
    policy = PolicyDef()
    if row is not None:
        policy = PolicyDef(row.basis, row.window, row.window_months, row.grace_days,
                           row.spend_currency)  # fmt: skip
    tiers = tuple(
        TierDef(t.id, t.code, t.rank, t.threshold, Decimal(t.earn_multiplier), t.texts)
        for t in await Tier.all().order_by("rank")
    )
    return Program(policy, tiers)


# ---- qualification --------------------------------------------------------------------------


def window_start(policy: PolicyDef, at: dt.datetime) -> dt.datetime:
    """When the qualifying window ending at `at` starts (UTC)."""
    from app.earning import add_months  # the package: app.earning.service imports tiers

    at = at.astimezone(dt.UTC)
    if policy.window == Window.CALENDAR_YEAR:
        return at.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    return add_months(at, -policy.window_months)


def window_end(policy: PolicyDef, at: dt.datetime) -> dt.datetime | None:
    """When the current qualification period closes (calendar years), else None."""
    if policy.window == Window.CALENDAR_YEAR:
        return window_start(policy, at).replace(year=at.astimezone(dt.UTC).year + 1)
    return None


async def qualifying_values(
    policy: PolicyDef, member_ids: list[int], at: dt.datetime, conn=None
) -> dict[int, int]:
    """Net spend (minor units of the policy currency) or net points earned in the window,
    per member, in one query."""
    from app import earning  # the package (app.earning.stats): earning.service imports tiers

    start = window_start(policy, at)
    if policy.basis == Basis.SPEND:
        found = await earning.net_spend(member_ids=member_ids, currency=policy.spend_currency,
                                        since=start, until=at, conn=conn)  # fmt: skip
    else:
        found = await ledger.points_by_member(member_ids=member_ids, kinds=POINTS_KINDS,
                                              since=start, until=at, conn=conn)  # fmt: skip
    values = dict.fromkeys(member_ids, 0)
    for member_id, value in found.items():
        values[member_id] = max(value, 0)
    return values


async def qualifying_value(policy: PolicyDef, member_id: int, at: dt.datetime, conn=None) -> int:
    """One member's qualifying value in the window ending at `at`."""
    return (await qualifying_values(policy, [member_id], at, conn))[member_id]


# Called after a member's tier changed, in the changing transaction, with (tx, member id,
# from, to, reason); app.wiring subscribes messaging (inbox and push) and webhooks.
TIER_CHANGE_HOOKS: list[
    Callable[[Transaction, int, TierDef | None, TierDef | None, ChangeReason], Awaitable[None]]
] = []


async def _record_change(
    tx: Transaction, program: Program, standing: MemberTier, to: TierDef | None,
    reason: ChangeReason, *, note: str | None = None, actor_id: int | None = None,
) -> None:  # fmt: skip
    before = program.by_id(standing.tier_id)
    standing.tier_id = to.id if to else None
    await TierChange.create(
        member_id=standing.member_id, from_tier_id=before.id if before else None,
        to_tier_id=to.id if to else None, reason=reason, value=standing.value, note=note,
        actor_id=actor_id, using_db=tx.connection,
    )  # fmt: skip
    publish_after_commit(tx, member_topic(standing.member_id), {"type": "TIER_CHANGED"})
    for hook in TIER_CHANGE_HOOKS:
        await hook(tx, standing.member_id, before, to, reason)


async def _standing(tx: Transaction, member_id: int) -> MemberTier:
    standing = await MemberTier.get_or_none(member_id=member_id).using_db(tx.connection)
    if standing is None:
        standing = await MemberTier.create(member_id=member_id, using_db=tx.connection)
    return standing


async def evaluate_in(
    book: ledger.MemberBook, *, at: dt.datetime | None = None, note: str | None = None,
    actor_id: int | None = None,
) -> None:  # fmt: skip
    """Re-evaluate the member whose book is open (their lock held). `note` and `actor_id`
    go on the change an ended override makes."""
    program = await current_program()
    if not program.tiers:
        return
    at = at or now()
    tx = book.tx
    standing = await _standing(tx, book.member_id)
    standing.value = await qualifying_value(program.policy, book.member_id, at, tx.connection)
    standing.evaluated_at = at
    qualified = program.qualifying(standing.value)
    if standing.override_tier_id is not None:
        if standing.override_until is None or standing.override_until > at:
            await standing.save(using_db=tx.connection)
            return  # staff decided; the value is kept for when the override ends
        standing.override_tier_id = standing.override_reason = standing.override_until = None
        standing.retain_until = None
        if program.by_id(standing.tier_id) != qualified:
            await _record_change(tx, program, standing, qualified, ChangeReason.OVERRIDE_ENDED,
                                 note=note, actor_id=actor_id)  # fmt: skip
        await standing.save(using_db=tx.connection)
        return
    current = program.by_id(standing.tier_id)
    current_rank = current.rank if current else -1
    qualified_rank = qualified.rank if qualified else -1
    if qualified_rank > current_rank:
        standing.retain_until = None
        await _record_change(tx, program, standing, qualified, ChangeReason.UPGRADE)
    elif qualified_rank == current_rank:
        standing.retain_until = None
    else:
        if standing.retain_until is None:
            standing.retain_until = at + dt.timedelta(days=program.policy.grace_days)
        if at >= standing.retain_until:
            standing.retain_until = None
            await _record_change(tx, program, standing, qualified, ChangeReason.DOWNGRADE)
    await standing.save(using_db=tx.connection)


async def on_book_close(book: ledger.MemberBook) -> None:
    """A member's book closed (app.wiring subscribes this): re-evaluate their tier when what
    was booked counts towards it, in the same transaction."""
    program = await current_program()
    if not program.tiers:
        return
    kinds = SPEND_KINDS if program.policy.basis == Basis.SPEND else POINTS_KINDS
    if any(txn.kind in kinds for txn in book.written):
        await evaluate_in(book)


async def evaluate(*, member_id: int, at: dt.datetime | None = None) -> None:
    """Re-evaluate the member's tier, in a transaction of their own book."""
    async with ledger.member_book(member_id=member_id) as book:
        await evaluate_in(book, at=at)


async def evaluate_due(*, at: dt.datetime | None = None, limit: int = 500) -> int:
    """The worker's pass: members whose grace or override ended, or not evaluated for a day
    (their window moved on). Returns how many were evaluated."""
    if not (await current_program()).tiers:
        return 0
    at = at or now()
    ids = await MemberTier.filter(
        Q(retain_until__lte=at) | Q(override_until__lte=at)
        | Q(evaluated_at__lt=at - dt.timedelta(days=1)) | Q(evaluated_at__isnull=True)
    ).limit(limit).values_list("member_id", flat=True)  # fmt: skip
    for member_id in ids:
        await evaluate(member_id=member_id, at=at)
    return len(ids)


async def multiplier_for(member_id: int, conn=None) -> TierDef | None:
    """The member's tier when it changes how they earn (a multiplier other than 1)."""
    program = await current_program()
    if not any(t.multiplier != 1 for t in program.tiers):
        return None
    query = MemberTier.filter(member_id=member_id)
    if conn is not None:
        query = query.using_db(conn)
    ids = await query.values_list("tier_id", flat=True)
    tier = program.by_id(ids[0]) if ids else None
    return tier if tier is not None and tier.multiplier != 1 else None


# ---- what a member sees ---------------------------------------------------------------------


@dataclass(frozen=True)
class Status:
    member_id: int
    current: TierDef | None
    next: TierDef | None
    value: int
    target: int | None
    unit: str
    deadline: dt.datetime | None
    retain_until: dt.datetime | None
    override_reason: str | None


class _Standing(NamedTuple):
    tier_id: int | None
    retain_until: dt.datetime | None
    override_tier_id: int | None
    override_reason: str | None


async def _standings(member_ids: list[int]) -> dict[int, _Standing]:
    """The members' standings (those never evaluated left out) as plain rows: one
    hand-written statement (every home screen reads one)."""
    if not member_ids:
        return {}
    conn = connection()
    marks = ", ".join(placeholders(conn, len(member_ids)))
    _, rows = await conn.execute_query(
        'SELECT "member_id", "tier_id", "retain_until", "override_tier_id", "override_reason" '
        f'FROM "member_tier" WHERE "member_id" IN ({marks})', list(member_ids)
    )  # fmt: skip
    when = MemberTier._meta.fields_map["retain_until"].to_python_value
    return {r["member_id"]: _Standing(r["tier_id"], when(r["retain_until"]), r["override_tier_id"],
                                      r["override_reason"]) for r in rows}  # fmt: skip


def status_parts(program: Program, member_ids: list[int], at: dt.datetime) -> list[Part] | None:
    """`statuses` as parts of a larger read (app.sql.union_all): the standings and, on the
    spend basis, earning's net spend in the window. None when that basis is not in force
    (read them with `statuses`)."""
    from app import earning  # the package (app.earning.stats): earning.service imports tiers

    if not program.tiers or program.policy.basis != Basis.SPEND:
        return None
    marks = ", ".join(["{}"] * len(member_ids))
    policy = program.policy
    return [
        Part('SELECT "member_id", \'tier\', "retain_until", "tier_id", NULL FROM "member_tier" '
             f'WHERE "member_id" IN ({marks})', list(member_ids)),
        Part('SELECT "member_id", \'tier.override\', NULL, "override_tier_id", NULL FROM '
             f'"member_tier" WHERE "member_id" IN ({marks}) AND "override_tier_id" IS NOT NULL',
             list(member_ids)),
        earning.net_spend_part(member_ids=member_ids, currency=policy.spend_currency,
                               since=window_start(policy, at), until=at),
    ]  # fmt: skip


def statuses_from(
    program: Program, rows: list[dict], member_ids: list[int], at: dt.datetime
) -> list[Status] | None:
    """`statuses` from the rows `status_parts` read (others' rows ignored); None when a
    member's tier is overridden (its reason is read with `statuses`: rare)."""
    if any(r["what"] == "tier.override" for r in rows):
        return None
    when = MemberTier._meta.fields_map["retain_until"].to_python_value
    standings, values = {}, dict.fromkeys(member_ids, 0)
    for r in rows:
        if r["what"] == "tier":
            tier_id = int(r["n"]) if r["n"] is not None else None
            standings[r["member_id"]] = _Standing(tier_id, when(r["at"]), None, None)
        elif r["what"] == "spend":
            values[r["member_id"]] = max(int(r["n"] or 0), 0)
    return _built(program, member_ids, standings, values, at)


async def statuses(member_ids: list[int], *, at: dt.datetime | None = None) -> list[Status]:
    """Each member's tier, the next one and the way there (for DataLoaders): on the spend
    basis, the standings and the spend in one statement."""
    program = await current_program()
    at = at or now()
    parts = status_parts(program, member_ids, at)
    if parts is not None:
        found = statuses_from(program, await union_all(connection(), parts), member_ids, at)
        if found is not None:
            return found
    standings = await _standings(member_ids)
    values = (
        await qualifying_values(program.policy, member_ids, at)
        if program.tiers
        else dict.fromkeys(member_ids, 0)
    )
    return _built(program, member_ids, standings, values, at)


def _built(
    program: Program, member_ids: list[int], standings: dict[int, _Standing],
    values: dict[int, int], at: dt.datetime,
) -> list[Status]:  # fmt: skip
    unit = program.policy.spend_currency if program.policy.basis == Basis.SPEND else "POINTS"
    result = []
    for member_id in member_ids:
        standing = standings.get(member_id)
        value = values[member_id]
        if standing is not None:
            current = program.by_id(standing.tier_id)
        else:  # never evaluated yet: what their value reaches
            current = program.qualifying(value)
        following = program.above(current)
        result.append(Status(
            member_id=member_id, current=current, next=following, value=value,
            target=following.threshold if following else None, unit=unit,
            deadline=window_end(program.policy, at),
            retain_until=standing.retain_until if standing else None,
            override_reason=standing.override_reason if standing and standing.override_tier_id
            else None,
        ))  # fmt: skip
    return result


async def rank_of(member_id: int, conn=None) -> int:
    """The rank of the member's tier (-1 below every tier), for tier-gated rewards."""
    program = await current_program()
    if not program.tiers:
        return -1
    query = MemberTier.filter(member_id=member_id)
    if conn is not None:
        query = query.using_db(conn)
    ids = await query.values_list("tier_id", flat=True)
    if ids:
        tier = program.by_id(ids[0])
    else:
        tier = program.qualifying(await qualifying_value(program.policy, member_id, now(), conn))
    return tier.rank if tier else -1


# ---- staff ----------------------------------------------------------------------------------


async def override(
    *, member_id: int, tier_code: str | None, reason: str, until: dt.datetime | None,
    actor_id: int,
) -> None:  # fmt: skip
    """Put a member in a tier (or, with no tier, end an override) with a reason."""
    from app.members import service as members

    reason = " ".join((reason or "").split())
    problems = []
    if not reason:
        problems.append(FieldProblem("reason", "REQUIRED"))
    elif len(reason) > 500:
        problems.append(FieldProblem("reason", "TOO_LONG", {"max": 500}))
    program = await current_program()
    tier = None
    if tier_code is not None:
        tier = next((t for t in program.tiers if t.code == tier_code), None)
        if tier is None:
            problems.append(FieldProblem("tier", "INVALID_VALUE"))
    if until is not None and until <= now():
        problems.append(FieldProblem("until", "INVALID_DATE"))
    if problems:
        raise InvalidInput(problems)
    if not await members.member_exists(member_id=member_id):
        raise MemberNotFound()
    async with ledger.member_book(member_id=member_id) as book:
        tx = book.tx
        standing = await _standing(tx, member_id)
        if tier is not None:
            standing.override_tier_id, standing.override_reason = tier.id, reason
            standing.override_until, standing.retain_until = until, None
            await _record_change(tx, program, standing, tier, ChangeReason.OVERRIDE,
                                 note=reason, actor_id=actor_id)  # fmt: skip
            await standing.save(using_db=tx.connection)
            return
        if standing.override_tier_id is None:
            return
        at = now()
        standing.override_until = at  # ends now; the evaluation settles the tier
        await standing.save(using_db=tx.connection)
        await evaluate_in(book, at=at, note=reason, actor_id=actor_id)


def _texts(texts: dict, problems: list) -> dict:
    clean = {}
    for locale, entry in texts.items():
        if locale not in LOCALES:
            problems.append(FieldProblem(f"texts.{locale}", "UNSUPPORTED_LOCALE"))
            continue
        name = " ".join((entry.get("name") or "").split())
        if not name or len(name) > 40:
            problems.append(FieldProblem(f"texts.{locale}.name", "REQUIRED" if not name
                                         else "TOO_LONG"))  # fmt: skip
        benefits = [" ".join(b.split()) for b in entry.get("benefits") or [] if b.strip()]
        if len(benefits) > 20 or any(len(b) > 200 for b in benefits):
            problems.append(FieldProblem(f"texts.{locale}.benefits", "TOO_LONG"))
        clean[locale] = {"name": name, "benefits": benefits}
    if "en" not in clean:
        problems.append(FieldProblem("texts.en.name", "REQUIRED"))
    return clean


async def save_tier(
    *, code: str, rank: int, threshold: int, earn_multiplier: Decimal, texts: dict
) -> Tier:
    """Create the tier `code`, or change it."""
    code = (code or "").strip().lower()
    problems = []
    if not _CODE.match(code):
        problems.append(FieldProblem("code", "INVALID_VALUE"))
    if not 0 <= rank <= 1000:
        problems.append(FieldProblem("rank", "INVALID_VALUE"))
    if not 0 <= threshold <= 10**12:
        problems.append(FieldProblem("threshold", "INVALID_VALUE"))
    if not Decimal("0.1") <= earn_multiplier <= Decimal(10):
        problems.append(FieldProblem("earnMultiplier", "INVALID_VALUE"))
    clean = _texts(texts, problems)
    if problems:
        raise InvalidInput(problems)
    try:
        async with transaction():
            tier, _ = await Tier.update_or_create(
                defaults={"rank": rank, "threshold": threshold,
                          "earn_multiplier": earn_multiplier, "texts": clean},
                code=code,
            )  # fmt: skip
    except IntegrityError:
        raise InvalidInput([FieldProblem("rank", "TAKEN")]) from None
    await PROGRAM.changed()
    return tier


async def update_policy(
    *, basis: Basis, window: Window, window_months: int, grace_days: int, spend_currency: str
) -> TierPolicy:
    """Validate and save the tier policy (basis, window, grace, currency);
    returns it."""
    spend_currency = (spend_currency or "").strip().upper()
    problems = []
    if not 1 <= window_months <= 36:
        problems.append(FieldProblem("windowMonths", "INVALID_VALUE"))
    if not 0 <= grace_days <= 730:
        problems.append(FieldProblem("graceDays", "INVALID_VALUE"))
    if not re.fullmatch(r"[A-Z]{3}", spend_currency):
        problems.append(FieldProblem("spendCurrency", "UNKNOWN_CURRENCY"))
    if problems:
        raise InvalidInput(problems)
    policy, _ = await TierPolicy.update_or_create(
        defaults={"basis": basis, "window": window, "window_months": window_months,
                  "grace_days": grace_days, "spend_currency": spend_currency},
        id=1,
    )  # fmt: skip
    await PROGRAM.changed()
    return policy


async def tier_policy() -> TierPolicy:
    """The tier policy row as staff set it (the defaults, unsaved, when they never did)."""
    return await TierPolicy.get_or_none(id=1) or TierPolicy(id=1)


async def forget_member(*, member_id: int) -> None:
    """For an erasure: remove staff notes about the member (override reason, change notes)."""
    async with transaction():
        await MemberTier.filter(member_id=member_id).update(override_reason=None)
        await TierChange.filter(member_id=member_id).update(note=None)


async def tier_id_by_code(*, code: str) -> int | None:
    """The id of the tier with this code (trimmed, any case), or None."""
    ids = await Tier.filter(code=code.strip().lower()).values_list("id", flat=True)
    return ids[0] if ids else None
