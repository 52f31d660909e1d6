"""`loyalty ledger-check`: recompute every balance from the postings and verify every
invariant of the ledger. Returns the differences found (none means consistent)."""

from __future__ import annotations

from app.db import connection

# Each check is (what it proves, a query returning one row per violation).
CHECKS: list[tuple[str, str]] = [
    (
        "every transaction's postings sum to zero",
        'SELECT "transaction_id", SUM("amount") AS total FROM "points_posting" '
        'GROUP BY "transaction_id" HAVING SUM("amount") <> 0',
    ),
    (
        "all postings together sum to zero",
        'SELECT SUM("amount") AS total FROM "points_posting" HAVING SUM("amount") <> 0',
    ),
    (
        "a transaction's points equal its postings on the member's accounts",
        'SELECT t."id", t."points", t."available_delta", t."pending_delta" '
        'FROM "points_transaction" t LEFT JOIN (SELECT "transaction_id", '
        'SUM(CASE WHEN "account" = \'wallet\' THEN "amount" ELSE 0 END) AS w, '
        'SUM(CASE WHEN "account" = \'pending\' THEN "amount" ELSE 0 END) AS p '
        'FROM "points_posting" GROUP BY "transaction_id") s ON s."transaction_id" = t."id" '
        'WHERE COALESCE(s.w, 0) <> t."available_delta" OR COALESCE(s.p, 0) <> t."pending_delta" '
        'OR t."points" <> t."available_delta" + t."pending_delta"',
    ),
    (
        "each cached balance equals the sum of the member's postings",
        'SELECT m."id" AS member_id, COALESCE(b."available", 0) AS cached_available, '
        'COALESCE(s.w, 0) AS posted_available, COALESCE(b."pending", 0) AS cached_pending, '
        'COALESCE(s.p, 0) AS posted_pending FROM "member" m '
        'LEFT JOIN "member_balance" b ON b."member_id" = m."id" '
        'LEFT JOIN (SELECT "member_id", '
        'SUM(CASE WHEN "account" = \'wallet\' THEN "amount" ELSE 0 END) AS w, '
        'SUM(CASE WHEN "account" = \'pending\' THEN "amount" ELSE 0 END) AS p '
        'FROM "points_posting" GROUP BY "member_id") s ON s."member_id" = m."id" '
        'WHERE COALESCE(b."available", 0) <> COALESCE(s.w, 0) '
        'OR COALESCE(b."pending", 0) <> COALESCE(s.p, 0)',
    ),
    (
        "no lot is over-consumed and each lot's remainder matches its consumption",
        'SELECT l."id", l."points", l."remaining", COALESCE(c.used, 0) AS used '
        'FROM "points_lot" l LEFT JOIN (SELECT "lot_id", SUM("points") AS used '
        'FROM "points_lot_consumption" GROUP BY "lot_id") c ON c."lot_id" = l."id" '
        'WHERE l."remaining" < 0 OR l."remaining" > l."points" '
        'OR l."remaining" <> l."points" - COALESCE(c.used, 0)',
    ),
    (
        "pending points equal the remainder of pending lots; available lots hold the "
        "positive part of the wallet",
        'SELECT b."member_id", b."available", b."pending", COALESCE(l.pending_left, 0) AS '
        'pending_lots, COALESCE(l.available_left, 0) AS available_lots FROM "member_balance" b '
        'LEFT JOIN (SELECT "member_id", '
        'SUM(CASE WHEN "pending" THEN "remaining" ELSE 0 END) AS pending_left, '
        'SUM(CASE WHEN "pending" THEN 0 ELSE "remaining" END) AS available_left '
        'FROM "points_lot" GROUP BY "member_id") l ON l."member_id" = b."member_id" '
        'WHERE COALESCE(l.pending_left, 0) <> b."pending" OR COALESCE(l.available_left, 0) <> '
        'CASE WHEN b."available" > 0 THEN b."available" ELSE 0 END',
    ),
    (
        "each purchase earned exactly once, through its own transaction",
        'SELECT p."id", p."points_earned", t."points" FROM "purchase" p '
        'LEFT JOIN "points_transaction" t ON t."id" = p."transaction_id" '
        'WHERE t."id" IS NULL OR t."kind" <> \'purchase\' OR t."points" <> p."points_earned" '
        'OR t."member_id" <> p."member_id"',
    ),
    (
        "no transaction is shared by two purchases",
        'SELECT "transaction_id", COUNT(*) AS n FROM "purchase" GROUP BY "transaction_id" '
        "HAVING COUNT(*) > 1",
    ),
    (
        "refunds never take back more than their purchase earned",
        'SELECT p."id", p."points_earned", p."points_clawed_back", p."amount", '
        'p."refunded_amount" FROM "purchase" p WHERE p."points_clawed_back" > p."points_earned" '
        'OR p."refunded_amount" > p."amount"',
    ),
]


async def check(*, limit: int = 20) -> list[str]:
    """Human-readable violations, at most `limit` per check."""
    conn = connection()
    problems: list[str] = []
    for what, sql in CHECKS:
        rows = await conn.execute_query_dict(f"{sql} LIMIT {int(limit)}")
        for row in rows:
            problems.append(f"{what}: violated by {dict(row)}")
    return problems
