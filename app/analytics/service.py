"""Program analytics for staff: what the program issued, what members spent or lost, what is
still owed, who is active, how tiers and campaigns move members. Every figure is one
aggregate query in the database (GROUP BY / SUM / COUNT), never a loop over rows in Python.

Where the figures come from (the ledger is the source of truth):
- Each ledger transaction moves points between the member's accounts (wallet, pending) and
  exactly one program account, fixed by its kind (`COUNTER_ACCOUNT`; a test holds every
  posting to it). So a transaction's `points` (the sum of its member-side postings, which
  `ledger-check` verifies) is minus its posting on that program account, and the flows per
  program account are sums of `points` per kind: one table, no join with the postings.
- issued: points credited to members from the issuance account (purchase, action, bonus,
  referral) and from positive staff adjustments, pending points included, gross of refunds.
- redeemed: points debited to the redeemed account (rewards, paying at the till) less the
  points cancelled redemptions gave back. expired: points debited to the expired account.
- clawed back (refunds) and adjusted out (negative staff corrections) are reported apart.
- outstanding at a moment: what members hold then (available + pending, debts included) =
  today's cached balances less the member-side points of transactions since that moment.
- breakage rate = expired / issued; redemption rate = redeemed / issued (in the range).
- active members in the N days before `to`: members with a transaction of a kind the member
  caused (a purchase or its refund, an action, a referral, a redemption); bonuses,
  releases, expiry and staff corrections happen to a member and do not count.

All date ranges are half-open [start, end), in UTC.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from app.campaigns.service import RecipientStatus
from app.db import connection
from app.errors import FieldProblem, InvalidInput
from app.ledger.service import Account, Kind
from app.sql import numbered, plus_days, query_params

MAX_RANGE = dt.timedelta(days=3 * 366)
# Dates the figures can be asked for: nothing before the year 2000 or from 2100 on (a
# typo's year 0001 or 9999 is refused as input, never computed with).
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)
ACTIVE_WINDOWS = (30, 90)

# The program account each kind of transaction posts against (RELEASE moves points between
# the member's own accounts only).
COUNTER_ACCOUNT: dict[Kind, Account | None] = {
    Kind.PURCHASE: Account.ISSUANCE,
    Kind.ACTION: Account.ISSUANCE,
    Kind.BONUS: Account.ISSUANCE,
    Kind.REFERRAL: Account.ISSUANCE,
    Kind.REDEMPTION: Account.REDEEMED,
    Kind.CANCELLATION: Account.REDEEMED,
    Kind.EXPIRY: Account.EXPIRED,
    Kind.REFUND: Account.REVERSED,
    Kind.ADJUSTMENT: Account.ADJUSTMENT,
    Kind.RELEASE: None,
}
EARN_KINDS = (Kind.PURCHASE, Kind.ACTION, Kind.BONUS, Kind.REFERRAL)
# What the member did themselves (see "active members" above).
# The same kinds privacy's retention policy treats as activity.
ACTIVITY_KINDS = (Kind.PURCHASE, Kind.ACTION, Kind.REFERRAL, Kind.REDEMPTION, Kind.REFUND)


def _utc(at: dt.datetime) -> dt.datetime:
    # Stored datetimes are UTC; SQLite compares them as text, so parameters must be UTC too.
    if at.tzinfo is None:
        return at.replace(tzinfo=dt.UTC)
    return at.astimezone(dt.UTC)


def _bounded(at: dt.datetime, field: str, problems: list[FieldProblem]) -> dt.datetime | None:
    try:
        utc = _utc(at)
    except OverflowError:  # e.g. 0001-01-01T00:00:00+01:00 has no UTC time
        utc = None
    if utc is None or not EARLIEST <= utc <= LATEST:
        problems.append(FieldProblem(field, "INVALID_DATE", {
            "earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()}))  # fmt: skip
        return None
    return utc


def check_range(start: dt.datetime, end: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The range in UTC, or InvalidInput when an end is before 2000 or after 2100
    (`EARLIEST`, `LATEST`), or the range is empty, reversed or longer than 3 years."""
    problems: list[FieldProblem] = []
    start, end = _bounded(start, "from", problems), _bounded(end, "to", problems)
    if start is None or end is None:
        raise InvalidInput(problems)
    if end <= start:
        problems.append(FieldProblem("to", "MUST_BE_AFTER_FROM"))
    elif end - start > MAX_RANGE:
        problems.append(FieldProblem("to", "RANGE_TOO_LONG", {"maxDays": MAX_RANGE.days}))
    if problems:
        raise InvalidInput(problems)
    return start, end


async def _rows(template: str, params: list) -> list[dict]:
    """The rows of `template` (`{1}`, `{2}`... the parameters), in the connection's dialect."""
    conn = connection()
    return await conn.execute_query_dict(numbered(conn, template), query_params(conn, params))


def _in(values) -> str:
    # Enum values are our own constants, never user input: safe to inline.
    return "(" + ", ".join(f"'{Kind(v).value}'" for v in values) + ")"


# ---- points flows -------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceTotal:
    source: str  # the transaction kind: purchase, action, bonus, referral, adjustment
    transactions: int
    points: int


@dataclass(frozen=True)
class PointsFlows:
    issued: int
    redeemed: int
    expired: int
    forfeited: int  # by erased accounts
    clawed_back: int
    adjusted_out: int
    by_source: list[SourceTotal]
    # The change of what members hold over the range (every kind, releases net to zero).
    net: int

    @property
    def breakage_rate(self) -> float | None:
        """Share of the points issued that expired (None: none issued)."""
        return self.expired / self.issued if self.issued else None

    @property
    def redemption_rate(self) -> float | None:
        """Share of the points issued that were redeemed (None: none issued)."""
        return self.redeemed / self.issued if self.issued else None


# Zero-point transactions (a purchase held for the terms, before its credit) count nowhere.
_FLOWS_SQL = (
    'SELECT "kind", SUM(CASE WHEN "points" <> 0 THEN 1 ELSE 0 END) AS n, '
    'SUM(CASE WHEN "points" > 0 THEN 1 ELSE 0 END) AS credits, '
    'COALESCE(SUM(CASE WHEN "points" > 0 THEN "points" ELSE 0 END), 0) AS credit, '
    'COALESCE(SUM(CASE WHEN "points" < 0 THEN -"points" ELSE 0 END), 0) AS debit '
    'FROM "points_transaction" WHERE "created_at" >= {1} AND "created_at" < {2} GROUP BY "kind"'
)
# Points forfeited by an erasure are booked as an expiry but are not breakage. Found through
# the (few) erasure records, so the flows above stay an index-only scan.
_FORFEITS_SQL = (
    'SELECT COALESCE(SUM(-t."points"), 0) AS forfeited FROM "privacy_erasure_record" e '
    'JOIN "points_transaction" t ON t."id" = e."transaction_id" '
    'WHERE t."created_at" >= {1} AND t."created_at" < {2}'
)


async def points_flows(*, start: dt.datetime, end: dt.datetime) -> PointsFlows:
    """Points issued, redeemed, expired, clawed back and adjusted out in [start, end), and
    what was credited per source (kind of transaction)."""
    start, end = check_range(start, end)
    rows = {r["kind"]: r for r in await _rows(_FLOWS_SQL, [start, end])}
    forfeited = int((await _rows(_FORFEITS_SQL, [start, end]))[0]["forfeited"])

    def total(kind: Kind, column: str) -> int:
        row = rows.get(kind.value)
        return int(row[column]) if row else 0

    sources = []
    for kind in (*EARN_KINDS, Kind.ADJUSTMENT):
        row = rows.get(kind.value)
        if row is None:
            continue
        # Only corrections in the member's favour earn.
        n = int(row["credits"] if kind == Kind.ADJUSTMENT else row["n"])
        if n:
            sources.append(SourceTotal(kind.value, n, int(row["credit"])))
    sources.sort(key=lambda s: (-s.points, s.source))
    return PointsFlows(
        issued=sum(total(k, "credit") for k in EARN_KINDS) + total(Kind.ADJUSTMENT, "credit"),
        redeemed=total(Kind.REDEMPTION, "debit") - total(Kind.CANCELLATION, "credit"),
        expired=total(Kind.EXPIRY, "debit") - forfeited,
        forfeited=forfeited,
        clawed_back=total(Kind.REFUND, "debit"),
        adjusted_out=total(Kind.ADJUSTMENT, "debit"),
        by_source=sources,
        net=sum(int(r["credit"]) - int(r["debit"]) for r in rows.values()),
    )


# ---- liability ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Money:
    currency: str
    amount: int  # minor units


@dataclass(frozen=True)
class Outstanding:
    at: dt.datetime
    points: int
    # What those points are worth at each configured checkout rate; None when none is set.
    value: list[Money] | None


# One statement, so both sums come from the same snapshot: a transaction committing between
# two queries would otherwise count in one and not in the other.
_OUTSTANDING_SQL = (
    'SELECT (SELECT COALESCE(SUM("available" + "pending"), 0) FROM "member_balance") - '
    '(SELECT COALESCE(SUM("points"), 0) FROM "points_transaction" WHERE "created_at" >= {1}) '
    "AS points"
)


async def outstanding_points(*, at: dt.datetime) -> int:
    """Points members held at `at` (available and pending; debts count negative)."""
    rows = await _rows(_OUTSTANDING_SQL, [_utc(at)])
    return int(rows[0]["points"])


def points_value(points: int, *, points_per_unit: int, minor_digits: int) -> int:
    """What `points` buy at a checkout rate, in minor units (half to even)."""
    value = Decimal(points) * (10**minor_digits) / Decimal(points_per_unit)
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


async def outstanding(*, at: dt.datetime) -> Outstanding:
    """The program's liability at `at`: in points, and in money at the value of a point
    (the checkout rates members pay with at the till)."""

    return await valued(await outstanding_points(at=at), at=at)


async def valued(points: int, *, at: dt.datetime) -> Outstanding:
    """`points` held at `at` with their worth at each checkout rate."""
    from app.rewards import service as rewards

    rates = await rewards.checkout_rates()
    value = [
        Money(r.currency, points_value(points, points_per_unit=r.points_per_unit,
                                       minor_digits=r.minor_digits))
        for r in rates
    ] or None  # fmt: skip
    return Outstanding(at=_utc(at), points=points, value=value)


async def opening_outstanding(*, closing: Outstanding, flows: PointsFlows, start: dt.datetime
                              ) -> Outstanding:  # fmt: skip
    """What members held at `start`: the closing figure less the range's net change. Cheaper
    than `outstanding(at=start)` (no second pass over the range) and equal to it."""
    return await valued(closing.points - flows.net, at=start)


# ---- members ------------------------------------------------------------------------------


async def active_members(*, at: dt.datetime, days: int) -> int:
    """Members who earned or spent points themselves in the `days` days before `at`."""
    at = _utc(at)
    # GROUP BY in a subquery rather than COUNT(DISTINCT): PostgreSQL hashes instead of sorting.
    rows = await _rows(
        'SELECT COUNT(*) AS n FROM (SELECT "member_id" FROM "points_transaction" '
        f'WHERE "created_at" >= {{1}} AND "created_at" < {{2}} AND "kind" IN {_in(ACTIVITY_KINDS)} '
        'GROUP BY "member_id") active',
        [at - dt.timedelta(days=days), at],
    )
    return int(rows[0]["n"])


@dataclass(frozen=True)
class TierCount:
    tier_id: int | None  # None: below every tier (or never evaluated)
    members: int


async def tier_distribution() -> list[TierCount]:
    """Active members (not staff) per tier now; `tier_id` None: below every tier."""
    rows = await _rows(
        'SELECT mt."tier_id" AS tier_id, COUNT(*) AS n FROM "member" m '
        'LEFT JOIN "member_tier" mt ON mt."member_id" = m."id" '
        'WHERE m."role" = \'member\' AND m."is_active" = {1} '
        'GROUP BY mt."tier_id"',
        [True],
    )
    return [TierCount(r["tier_id"], int(r["n"])) for r in rows]


@dataclass(frozen=True)
class TierMove:
    from_tier_id: int | None
    to_tier_id: int | None
    reason: str  # upgrade, downgrade, override, override_ended
    changes: int


async def tier_movement(*, start: dt.datetime, end: dt.datetime) -> list[TierMove]:
    """Tier changes in [start, end), counted per (from, to, reason)."""
    start, end = check_range(start, end)
    rows = await _rows(
        'SELECT "from_tier_id" AS f, "to_tier_id" AS t, "reason", COUNT(*) AS n '
        'FROM "tier_change" WHERE "created_at" >= {1} AND "created_at" < {2} '
        'GROUP BY "from_tier_id", "to_tier_id", "reason"',
        [start, end],
    )
    moves = [TierMove(r["f"], r["t"], str(r["reason"]), int(r["n"])) for r in rows]
    return sorted(
        moves, key=lambda m: (m.reason, -m.changes, m.from_tier_id or 0, m.to_tier_id or 0)
    )


# ---- rewards ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RewardTotal:
    reward_id: int
    redemptions: int
    units: int
    points: int


async def top_rewards(
    *, start: dt.datetime, end: dt.datetime, limit: int = 10
) -> list[RewardTotal]:
    """The most redeemed rewards in [start, end): redemptions made then and not cancelled,
    with the units and points they took."""
    start, end = check_range(start, end)
    limit = max(1, min(int(limit), 100))
    rows = await _rows(
        'SELECT "reward_id", COUNT(*) AS n, SUM("quantity") AS units, SUM("points") AS points '
        'FROM "redemption" WHERE "created_at" >= {1} AND "created_at" < {2} '
        'AND "status" = \'issued\' GROUP BY "reward_id" '
        f'ORDER BY COUNT(*) DESC, SUM("points") DESC, "reward_id" LIMIT {limit}',
        [start, end],
    )
    return [RewardTotal(r["reward_id"], int(r["n"]), int(r["units"]), int(r["points"]))
            for r in rows]  # fmt: skip


# ---- campaigns ----------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupOutcome:
    members: int
    spend: int  # minor units, all currencies as recorded (campaigns use one)
    points: int

    @property
    def spend_per_member(self) -> float | None:
        """Spend per member of the group (None: no members)."""
        return self.spend / self.members if self.members else None

    @property
    def points_per_member(self) -> float | None:
        """Points per member of the group (None: no members)."""
        return self.points / self.members if self.members else None


@dataclass(frozen=True)
class Uplift:
    campaign_id: int
    name: str
    launched_at: dt.datetime | None
    window_days: int
    recipients: GroupOutcome
    control: GroupOutcome

    @property
    def spend_uplift(self) -> float | None:
        """Spend per recipient minus spend per control member (None without a control)."""
        r, c = self.recipients.spend_per_member, self.control.spend_per_member
        return None if r is None or c is None else r - c

    @property
    def points_uplift(self) -> float | None:
        """Points per recipient less points per control member (None: either
        group empty)."""
        r, c = self.recipients.points_per_member, self.control.points_per_member
        return None if r is None or c is None else r - c


async def campaign_uplift(*, campaign_id: int, window_days: int = 14) -> Uplift:
    """Purchases of the members a campaign reached vs its control group in the window after
    the launch (campaigns.service.stats, which aggregates them in SQL)."""
    from app.campaigns import service as campaigns

    window_days = max(1, min(int(window_days), 90))
    raw = await campaigns.stats(campaign_id=campaign_id, window_days=window_days)
    campaign = await _campaign(campaign_id)
    return Uplift(
        campaign_id=campaign_id, name=campaign["name"], launched_at=campaign["launched_at"],
        window_days=window_days, recipients=GroupOutcome(**raw["outcome"]["recipients"]),
        control=GroupOutcome(**raw["outcome"]["control"]),
    )  # fmt: skip


async def campaign_uplifts(*, campaign_ids: list[int], window_days: int = 14) -> list[Uplift]:
    """`campaign_uplift` of several campaigns in one query (the dashboard's list), in the
    order given; unknown ids are left out."""
    window_days = max(1, min(int(window_days), 90))
    ids = [int(i) for i in campaign_ids]
    if not ids:
        return []
    window_end = plus_days(connection(), 'c."launched_at"', window_days)
    rows = await _rows(
        'SELECT c."id" AS campaign_id, r."status" AS status, '
        'COUNT(DISTINCT r."member_id") AS members, '
        'COALESCE(SUM(p."amount"), 0) AS spend, COALESCE(SUM(p."points_earned"), 0) AS points '
        'FROM "campaign" c JOIN "campaign_recipient" r ON r."campaign_id" = c."id" '
        f'AND r."status" IN (\'{RecipientStatus.SENT.value}\', \'{RecipientStatus.CONTROL.value}\') '
        'LEFT JOIN "purchase" p ON p."member_id" = r."member_id" '
        f'AND p."occurred_at" >= c."launched_at" AND p."occurred_at" < {window_end} '
        f'WHERE c."id" IN ({", ".join(map(str, ids))}) '
        'GROUP BY c."id", r."status"', [],
    )  # fmt: skip
    campaigns = {r["campaign_id"]: r for r in await _rows(
        f'SELECT "id" AS campaign_id, "name", "launched_at" FROM "campaign" '
        f'WHERE "id" IN ({", ".join(map(str, ids))})', [])}  # fmt: skip
    groups: dict[tuple[int, str], GroupOutcome] = {
        (r["campaign_id"], str(r["status"])): GroupOutcome(
            members=int(r["members"]), spend=int(r["spend"]), points=int(r["points"]))
        for r in rows
    }  # fmt: skip
    empty = GroupOutcome(members=0, spend=0, points=0)
    result = []
    for campaign_id in ids:
        if campaign_id not in campaigns:
            continue
        at = campaigns[campaign_id]["launched_at"]
        if isinstance(at, str):  # SQLite hands raw SQL results back as text
            at = dt.datetime.fromisoformat(at)
        result.append(Uplift(
            campaign_id=campaign_id, name=campaigns[campaign_id]["name"], launched_at=at,
            window_days=window_days,
            recipients=groups.get((campaign_id, RecipientStatus.SENT.value), empty),
            control=groups.get((campaign_id, RecipientStatus.CONTROL.value), empty),
        ))  # fmt: skip
    return result


async def _campaign(campaign_id: int) -> dict:
    # Read-only look at the campaign's name and launch (campaigns.service has no reader).
    rows = await _rows(
        'SELECT "name", "launched_at" FROM "campaign" WHERE "id" = {1}', [campaign_id]
    )
    if not rows:
        from app.errors import CampaignNotFound

        raise CampaignNotFound()
    launched = rows[0]["launched_at"]
    if isinstance(launched, str):  # SQLite hands raw SQL results back as text
        launched = dt.datetime.fromisoformat(launched)
    return {"name": rows[0]["name"], "launched_at": launched}


async def campaigns_launched(*, start: dt.datetime, end: dt.datetime, limit: int = 20) -> list[int]:
    """Ids of the campaigns launched in [start, end), most recent first."""
    start, end = check_range(start, end)
    limit = max(1, min(int(limit), 50))
    rows = await _rows(
        'SELECT "id" FROM "campaign" WHERE "launched_at" >= {1} AND "launched_at" < {2} '
        f'ORDER BY "launched_at" DESC, "id" DESC LIMIT {limit}',
        [start, end],
    )
    return [r["id"] for r in rows]
