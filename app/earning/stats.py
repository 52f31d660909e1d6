"""What members bought, for other domains (tiers, segments, campaigns): one aggregate query
each. The package (`app.earning`) exports these too: the domains a purchase asks for its
points (tiers, offers and their segments) read them from there, since app.earning.service
imports their services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from tortoise.functions import Sum

from app.earning import rules as R
from app.earning.models import Purchase


def add_months(at: dt.datetime, months: int) -> dt.datetime:
    """`at` moved by whole calendar months (the day clipped to the month's length)."""
    return R.add_months(at, months)


async def net_spend(
    *, member_ids: Sequence[int], currency: str, since: dt.datetime, until: dt.datetime, conn=None
) -> dict[int, int]:
    """Spend in `currency` less its refunds, per member with purchases in [since, until]."""
    query = Purchase.filter(member_id__in=member_ids, currency=currency,
                            occurred_at__gte=since, occurred_at__lte=until)  # fmt: skip
    query = query.annotate(spent=Sum("amount"), back=Sum("refunded_amount"))
    if conn is not None:
        query = query.using_db(conn)
    return {row["member_id"]: int(row["spent"] or 0) - int(row["back"] or 0)
            for row in await query.group_by("member_id").values("member_id", "spent", "back")}  # fmt: skip


async def purchase_totals(*, member_ids, since: dt.datetime, until: dt.datetime) -> dict[str, int]:
    """Spend and points earned over the purchases in [since, until) of `member_ids` (a list or
    a subquery of ids), in one query."""
    rows = await Purchase.filter(
        member_id__in=member_ids, occurred_at__gte=since, occurred_at__lt=until,
    ).annotate(spend=Sum("amount"), points=Sum("points_earned")).values("spend", "points")  # fmt: skip
    if not rows:
        return {"spend": 0, "points": 0}
    return {"spend": int(rows[0]["spend"] or 0), "points": int(rows[0]["points"] or 0)}


async def last_purchases(*, member_ids: Sequence[int]) -> dict[int, dt.datetime]:
    """When each of these members last bought (those who never did left out)."""
    from tortoise.functions import Max

    last = {}
    for row in await Purchase.filter(member_id__in=member_ids).group_by("member_id").annotate(
            last=Max("occurred_at")).values("member_id", "last"):  # fmt: skip
        at = row["last"]
        if isinstance(at, str):  # SQLite aggregates come back as text
            at = dt.datetime.fromisoformat(at)
        last[row["member_id"]] = at
    return last


async def categories_bought(
    *, member_ids: Sequence[int], since: dt.datetime
) -> dict[int, set[str]]:
    """The line categories each of these members bought from `since` on (every member given)."""
    bought: dict[int, set[str]] = {m: set() for m in member_ids}
    for member_id, lines in await Purchase.filter(
        member_id__in=member_ids, occurred_at__gte=since
    ).values_list("member_id", "lines"):
        bought[member_id].update(line["category"] for line in lines or () if line.get("category"))
    return bought
