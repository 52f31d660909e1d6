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


def net_spend_part(
    *, member_ids: Sequence[int], currency: str, since: dt.datetime, until: dt.datetime
):
    """`net_spend` as a part of a larger read (app.sql.union_all): a row tagged "spend" per
    member with purchases, the net spend in its "n"."""
    from app.sql import Part

    marks = ", ".join(["{}"] * len(member_ids))
    return Part('SELECT "member_id", \'spend\', NULL, '
                'SUM("amount") - COALESCE(SUM("refunded_amount"), 0), NULL FROM "purchase" '
                f'WHERE "member_id" IN ({marks}) AND "currency" = {{}} AND "occurred_at" >= {{}} '
                'AND "occurred_at" <= {} GROUP BY "member_id"',
                [*member_ids, currency, since, until])  # fmt: skip


async def net_spend(
    *, member_ids: Sequence[int], currency: str, since: dt.datetime, until: dt.datetime, conn=None
) -> dict[int, int]:
    """Spend in `currency` less its refunds, per member with purchases in [since, until]: one
    hand-written statement (every home screen's tier progress reads it)."""
    from app.db import connection
    from app.sql import placeholders, query_params

    ids = list(member_ids)
    if not ids:
        return {}
    conn = conn or connection()
    marks = placeholders(conn, len(ids) + 3)
    _, rows = await conn.execute_query(
        'SELECT "member_id", SUM("amount") AS "spent", SUM("refunded_amount") AS "back" '
        f'FROM "purchase" WHERE "member_id" IN ({", ".join(marks[:-3])}) AND "currency" = '
        f'{marks[-3]} AND "occurred_at" >= {marks[-2]} AND "occurred_at" <= {marks[-1]} '
        'GROUP BY "member_id"', query_params(conn, [*ids, currency, since, until])
    )  # fmt: skip
    return {r["member_id"]: int(r["spent"] or 0) - int(r["back"] or 0) for r in rows}


async def purchase_totals(*, member_ids, since: dt.datetime, until: dt.datetime) -> dict[str, int]:
    """Spend and points earned over the purchases in [since, until) of `member_ids` (a list or
    a subquery of ids), in one query."""
    rows = await Purchase.filter(
        member_id__in=member_ids, occurred_at__gte=since, occurred_at__lt=until,
    ).annotate(spend=Sum("amount"), points=Sum("points_earned")).values("spend", "points")  # fmt: skip
    if not rows:
        return {"spend": 0, "points": 0}
    return {"spend": int(rows[0]["spend"] or 0), "points": int(rows[0]["points"] or 0)}


def purchase_history_parts(*, member_ids: Sequence[int], since: dt.datetime) -> list:
    """What segments ask of purchases, as parts of a larger read (app.sql.union_all): when
    each member last bought, and the lines bought from `since` on. Segment profiles send
    them with the other domains' parts in one statement."""
    from app.sql import Part

    marks = ", ".join(["{}"] * len(member_ids))
    return [
        Part(f'SELECT "member_id", \'purchase.last\', MAX("occurred_at"), NULL, NULL '
             f'FROM "purchase" WHERE "member_id" IN ({marks}) GROUP BY "member_id"',
             list(member_ids)),
        Part(f'SELECT "member_id", \'purchase.lines\', NULL, NULL, "lines" FROM "purchase" '
             f'WHERE "member_id" IN ({marks}) AND "occurred_at" >= {{}}', [*member_ids, since]),
    ]  # fmt: skip


def purchase_history_from(
    rows: list[dict], member_ids: Sequence[int]
) -> tuple[dict[int, dt.datetime], dict[int, set[str]]]:
    """From the rows `purchase_history_parts` read (others' rows ignored): when each member
    last bought (those who never did left out), and the line categories each bought (every
    member given)."""
    last: dict[int, dt.datetime] = {}
    bought: dict[int, set[str]] = {m: set() for m in member_ids}
    fields_map = Purchase._meta.fields_map
    when, lines_of = fields_map["occurred_at"].to_python_value, fields_map["lines"].to_python_value
    for row in rows:
        if row["what"] == "purchase.last":
            last[row["member_id"]] = when(row["at"])
        elif row["what"] == "purchase.lines" and row["doc"] is not None:
            bought[row["member_id"]].update(
                line["category"] for line in lines_of(row["doc"]) or () if line.get("category")
            )
    return last, bought
