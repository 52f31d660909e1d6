"""Moving points. Every change goes through a `MemberBook`: one database transaction holding
the member's balance row locked, so a member's movements are serialized by the database (a
row lock on PostgreSQL, the single writer on SQLite) and never by a read-then-write in Python.

Invariants kept by every operation (and verified by `check()`):
- the postings of a transaction sum to zero;
- a member's cached balance equals the sum of their postings (wallet and pending accounts);
- pending = the remaining points of the member's pending lots;
- the remaining points of available lots = the wallet balance when positive, else 0
  (a negative wallet is a debt that the next points earned repay first).

What a movement writes and nobody reads an id of (its postings, a lot with no debt to
repay, the balance write-back) is deferred to the end of the transaction
(`Transaction.defer`: one statement with the other deferred rows on PostgreSQL); a book
flushes them before it reads lots or locks a member again, so it never reads around them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from app.clock import now
from app.db import Transaction, current_transaction, transaction
from app.errors import InsufficientPoints, MemberNotFound
from app.events import member_topic, publish_after_commit
from app.ledger.idempotency import run_once as run_once  # re-exported: idempotent writes
from app.ledger.idempotency import valid_key as valid_key
from app.ledger.models import (
    Account,
    Kind,
    LotConsumption,
    MemberBalance,
    PointsLot,
    PointsTransaction,
)
from app.sql import (
    FLUSH_BALANCE,
    INSERT_POSTINGS,
    LOCK_ACCOUNT,
    LOCK_MEMBER,
    Part,
    placeholders,
)

# The member's lock, the balance write-back and the postings are hand-written (app.sql).


def _expiry_order(lot: PointsLot) -> tuple:
    # First to expire first; lots that never expire last; then oldest first.
    return (
        lot.expires_at is None,
        lot.expires_at or dt.datetime.max.replace(tzinfo=dt.UTC),
        lot.id,
    )


@dataclass
class MemberBook:
    """A member's points inside one open transaction, their balance row locked."""

    tx: Transaction
    member_id: int
    available: int
    pending: int
    lifetime: int
    closed: bool = False  # the member was erased: nothing more is credited
    written: list[PointsTransaction] = field(default_factory=list)

    # ---- the operations ------------------------------------------------------------------

    async def earn(
        self,
        *,
        points: int,
        kind: Kind,
        account: Account = Account.ISSUANCE,
        explanation: Sequence[dict] = (),
        reference: str | None = None,
        reason: str | None = None,
        actor_id: int | None = None,
        available_at: dt.datetime | None = None,
        expires_at: dt.datetime | None = None,
        at: dt.datetime | None = None,
    ) -> PointsTransaction:
        """Credit `points` (>= 0) from a program account; pending until `available_at` when
        that is in the future. Zero points still records the transaction and its why."""
        if points < 0:
            raise ValueError("earn takes a non-negative amount")
        if self.closed:
            raise MemberNotFound()
        at = at or now()
        is_pending = available_at is not None and available_at > at
        legs = [] if points == 0 else [(account, -points)]
        if points:
            legs.append((Account.PENDING if is_pending else Account.WALLET, points))
        txn = await self._record(
            kind, legs, explanation=explanation, reference=reference, reason=reason,
            actor_id=actor_id,
        )  # fmt: skip
        self.lifetime += points
        if points:
            if is_pending:
                self.pending += points
            remaining = points if is_pending else self._repay_debt(points)
            lot = {"member_id": self.member_id, "transaction_id": txn.id, "points": points,
                   "remaining": remaining, "pending": is_pending,
                   "available_at": available_at if is_pending else at,
                   "expires_at": expires_at, "created_at": now()}  # fmt: skip
            if remaining == points:  # nobody needs its id: written with the other rows
                self.tx.defer_insert(PointsLot, [lot])
            else:  # part of it repaid a debt at once, recorded against the lot
                created = await PointsLot.create(**lot, using_db=self.tx.connection)
                await LotConsumption.create(
                    lot_id=created.id, transaction_id=txn.id, points=points - remaining,
                    using_db=self.tx.connection,
                )  # fmt: skip
        return txn

    async def debit(
        self,
        *,
        points: int,
        kind: Kind = Kind.REDEMPTION,
        account: Account = Account.REDEEMED,
        explanation: Sequence[dict] = (),
        reference: str | None = None,
        reason: str | None = None,
        actor_id: int | None = None,
        allow_negative: bool = False,
        prefer_lot_id: int | None = None,
    ) -> PointsTransaction:
        """Take `points` (> 0) from the available balance, first-to-expire lots first.

        Member-initiated debits never overdraw (InsufficientPoints); `allow_negative` is for
        claw-backs and staff corrections, whose shortfall becomes a debt.
        """
        if points <= 0:
            raise ValueError("debit takes a positive amount")
        if not allow_negative and self.available < points:
            raise InsufficientPoints(available=max(self.available, 0), required=points)
        txn = await self._record(
            kind, [(Account.WALLET, -points), (account, points)], explanation=explanation,
            reference=reference, reason=reason, actor_id=actor_id,
        )  # fmt: skip
        await self._consume(txn, min(points, max(self.available, 0)), prefer_lot_id)
        self.available -= points
        if kind in (Kind.REFUND, Kind.ADJUSTMENT):
            self.lifetime -= points
        return txn

    async def claw_back(
        self,
        *,
        points: int,
        lot_id: int | None,
        explanation: Sequence[dict] = (),
        reference: str | None = None,
    ) -> PointsTransaction | None:
        """Take back points a refunded purchase earned: from its lot while still pending,
        the rest from the wallet, even into a negative balance."""
        if points <= 0:
            return None
        lot = None
        if lot_id is not None:
            await self.tx.flush()
            lot = await self._lots().filter(id=lot_id).first()
        from_pending = min(points, lot.remaining) if lot is not None and lot.pending else 0
        from_wallet = points - from_pending
        legs = [(Account.REVERSED, points)]
        if from_pending:
            legs.append((Account.PENDING, -from_pending))
        if from_wallet:
            legs.append((Account.WALLET, -from_wallet))
        txn = await self._record(Kind.REFUND, legs, explanation=explanation, reference=reference)
        if from_pending:
            await self._take(lot, from_pending, txn)
            self.pending -= from_pending
        if from_wallet:
            await self._consume(txn, min(from_wallet, max(self.available, 0)), lot_id)
            self.available -= from_wallet
        self.lifetime -= points
        return txn

    async def reverse_debit(
        self,
        debit: PointsTransaction,
        *,
        account: Account = Account.REDEEMED,
        kind: Kind = Kind.CANCELLATION,
        explanation: Sequence[dict] = (),
        reference: str | None = None,
    ) -> PointsTransaction:
        """Give back what `debit` took from the wallet, with the expiry dates of the lots it
        consumed (what expired meanwhile expires at the next pass). Lifetime points do not
        change: spending never lowered them. Call it once per debit (callers guard that)."""
        points = -debit.available_delta
        if debit.member_id != self.member_id or points <= 0:
            raise ValueError("reverse_debit takes a debit of this member's wallet")
        txn = await self._record(
            kind, [(account, -points), (Account.WALLET, points)], explanation=explanation,
            reference=reference,
        )  # fmt: skip
        await self.tx.flush()
        consumed = await LotConsumption.filter(transaction_id=debit.id).using_db(
            self.tx.connection
        ).values_list("lot_id", "points")  # fmt: skip
        expiries = dict(
            await PointsLot.filter(id__in=[lot_id for lot_id, _ in consumed])
            .using_db(self.tx.connection)
            .values_list("id", "expires_at")
        )
        pieces = [(p, expiries.get(lot_id)) for lot_id, p in consumed]
        left = points - sum(p for p, _ in pieces)
        if left > 0:  # taken into a debt rather than from lots: comes back without expiry
            pieces.append((left, None))
        at = now()
        for piece, expires_at in pieces:
            remaining = self._repay_debt(piece)
            lot = await PointsLot.create(
                member_id=self.member_id, transaction_id=txn.id, points=piece,
                remaining=remaining, pending=False, available_at=at, expires_at=expires_at,
                using_db=self.tx.connection,
            )  # fmt: skip
            if remaining < piece:
                await LotConsumption.create(
                    lot_id=lot.id, transaction_id=txn.id, points=piece - remaining,
                    using_db=self.tx.connection,
                )  # fmt: skip
        return txn

    async def release(self, lot: PointsLot, *, at: dt.datetime) -> PointsTransaction:
        """Make a pending lot available (its hold period is over)."""
        points = lot.remaining
        txn = await self._record(
            Kind.RELEASE, [(Account.PENDING, -points), (Account.WALLET, points)],
            reference=f"lot:{lot.id}",
        )  # fmt: skip
        self.pending -= points
        left = self._repay_debt(points)
        if left != points:
            await LotConsumption.create(
                lot_id=lot.id, transaction_id=txn.id, points=points - left,
                using_db=self.tx.connection,
            )  # fmt: skip
        lot.remaining, lot.pending, lot.available_at = left, False, at
        await lot.save(update_fields=["remaining", "pending", "available_at"],
                       using_db=self.tx.connection)  # fmt: skip
        return txn

    async def expire(self, lot: PointsLot) -> PointsTransaction:
        """Expire what is left of an available lot."""
        points = lot.remaining
        txn = await self._record(
            Kind.EXPIRY, [(Account.WALLET, -points), (Account.EXPIRED, points)],
            reference=f"lot:{lot.id}",
            explanation=[{"rule": "expiry", "points": -points,
                          "params": {"expiresAt": lot.expires_at.isoformat()}}],
        )  # fmt: skip
        await self._take(lot, points, txn)
        self.available -= points
        return txn

    # ---- reads under the lock (for other domains' refunds, credits and cancellations) ----

    async def transactions(self, ids: Sequence[int]) -> dict[int, PointsTransaction]:
        """Transactions by id, read in this book's transaction."""
        rows = await PointsTransaction.filter(id__in=list(ids)).using_db(self.tx.connection)
        return {row.id: row for row in rows}

    async def transaction(self, transaction_id: int) -> PointsTransaction:
        """One transaction, read in this book's transaction."""
        return await PointsTransaction.get(id=transaction_id).using_db(self.tx.connection)

    async def lot_id_of(self, transaction_id: int) -> int | None:
        """The lot a transaction credited (None: it credited none), e.g. for a refund's
        claw-back to take from first."""
        await self.tx.flush()
        lot = (
            await PointsLot.filter(transaction_id=transaction_id)
            .using_db(self.tx.connection)
            .first()
        )
        return lot.id if lot else None

    # ---- internals -----------------------------------------------------------------------

    def _lots(self):
        return PointsLot.filter(member_id=self.member_id).using_db(self.tx.connection)

    def _repay_debt(self, points: int) -> int:
        """Credit the wallet; returns the points left in the lot after repaying any debt."""
        debt = max(-self.available, 0)
        self.available += points
        return points - min(points, debt)

    async def _consume(self, txn: PointsTransaction, points: int, prefer_lot_id: int | None):
        if points <= 0:
            return
        await self.tx.flush()
        lots = await self._lots().filter(pending=False, remaining__gt=0)
        lots.sort(key=lambda lot: (lot.id != prefer_lot_id, *_expiry_order(lot)))
        for lot in lots:
            take = min(points, lot.remaining)
            await self._take(lot, take, txn)
            points -= take
            if points == 0:
                return
        raise AssertionError(f"lots of member {self.member_id} hold less than their balance")

    async def _take(self, lot: PointsLot, points: int, txn: PointsTransaction) -> None:
        lot.remaining -= points
        await lot.save(update_fields=["remaining"], using_db=self.tx.connection)
        await LotConsumption.create(
            lot_id=lot.id, transaction_id=txn.id, points=points, using_db=self.tx.connection
        )

    async def _record(
        self,
        kind: Kind,
        legs: list[tuple[Account, int]],
        *,
        explanation: Sequence[dict] = (),
        reference: str | None = None,
        reason: str | None = None,
        actor_id: int | None = None,
    ) -> PointsTransaction:
        if sum(amount for _, amount in legs) != 0:
            raise AssertionError(f"unbalanced transaction: {legs}")
        available = sum(a for account, a in legs if account == Account.WALLET)
        pending = sum(a for account, a in legs if account == Account.PENDING)
        txn = await PointsTransaction.create(
            member_id=self.member_id,
            kind=kind,
            points=available + pending,
            available_delta=available,
            pending_delta=pending,
            explanation=list(explanation),
            reference=reference,
            reason=reason,
            actor_id=actor_id,
            using_db=self.tx.connection,
        )
        if legs:  # one multi-row INSERT, no ids read back: sent with the other rows
            values = [v for account, amount in legs
                      for v in (txn.id, self.member_id, account.value, amount)]  # fmt: skip
            self.tx.defer(INSERT_POSTINGS + ", ".join(["({}, {}, {}, {})"] * len(legs)), values)
        self.written.append(txn)
        publish_after_commit(self.tx, member_topic(self.member_id), lambda: self._event(txn))
        return txn

    def _event(self, txn: PointsTransaction) -> dict:
        """POINTS_CHANGED, built once the transaction committed: the movement and the
        balance it committed (the book's, as written back), so that a subscriber's server
        answers from the event without reading them again (`change_from`)."""
        return {
            "type": "POINTS_CHANGED",
            "transaction": txn.id,
            "change": {
                "member_id": self.member_id, "kind": Kind(txn.kind).value, "points": txn.points,
                "available_delta": txn.available_delta, "pending_delta": txn.pending_delta,
                "reference": txn.reference, "reason": txn.reason, "actor_id": txn.actor_id,
                "explanation": txn.explanation, "created_at": txn.created_at.isoformat(),
                "balance": [self.available, self.pending, self.lifetime],
            },
        }  # fmt: skip

    def _flush(self) -> None:
        if self.written:  # sent with the other deferred rows, before the commit
            self.tx.defer(FLUSH_BALANCE, [self.available, self.pending, self.lifetime, now(),
                                          self.member_id])  # fmt: skip


# Called with each book that moved points, before its balance is written back, inside the
# same transaction and under the member's lock (e.g. tiers re-evaluate the member here).
# app.wiring subscribes the other domains; the ledger knows nothing about them.
BOOK_CLOSE_HOOKS: list[Callable[[MemberBook], Awaitable[None]]] = []


async def _close(book: MemberBook) -> None:
    if book.written:
        for hook in BOOK_CLOSE_HOOKS:
            await hook(book)
    book._flush()


@asynccontextmanager
async def member_book(
    *, member_id: int | None = None, account: dict | None = None
) -> AsyncIterator[MemberBook]:
    """Open a transaction (or join the caller's) with the member's balance locked; write it
    back at the end. Anything raised inside rolls the whole movement back.

    `account` instead of `member_id`: the member a till or CRM names (`member_id`,
    `external_ref` or `card_number`, as `members.find_account` takes them), found and
    locked in the same statement; MemberNotFound when no active account has it,
    NotAMemberAccount for a staff account (staff earn and spend nothing)."""
    outer = current_transaction()
    if outer is not None:
        # Join without a savepoint (two round trips saved per movement): an error inside
        # aborts the caller's transaction as a whole, which is what every caller wants.
        if account is not None:  # (locking a row this transaction holds again is harmless)
            opened = await _open_account_book(outer, account)
            member_id = opened.member_id
        key = ("member_book", member_id)
        if key in outer.state:  # already open further up: the same book, flushed there
            yield outer.state[key]
            return
        book = outer.state[key] = (
            opened if account is not None else await _open_book(outer, member_id)
        )
        try:
            yield book
            await _close(book)
        finally:
            del outer.state[key]
        return
    async with transaction() as tx:
        if account is not None:
            book = await _open_account_book(tx, account)
        else:
            book = await _open_book(tx, member_id)
        tx.state[("member_book", book.member_id)] = book
        yield book
        await _close(book)


def _book(tx: Transaction, member_id: int, row: dict) -> MemberBook:
    return MemberBook(tx, member_id, row["available"], row["pending"], row["lifetime"],
                      bool(row["closed"]))  # fmt: skip


async def _open_book(tx: Transaction, member_id: int) -> MemberBook:
    await tx.flush()  # a balance written back earlier in this transaction is read as written
    conn = tx.connection
    rows = await conn.execute_query_dict(LOCK_MEMBER.format(*placeholders(conn, 1)), [member_id])
    return _book(tx, member_id, rows[0])


async def _open_account_book(tx: Transaction, account: dict) -> MemberBook:
    """The book of the active member account `account` names, found and locked in one
    statement (app.sql.LOCK_ACCOUNT)."""
    from app.members import service as members

    await tx.flush()
    ref = members.account_lookup(**account)
    conn = tx.connection
    rows = []
    if ref is not None:
        column, value = ref
        (mark,) = placeholders(conn, 1)
        rows = await conn.execute_query_dict(LOCK_ACCOUNT.format(column, mark), [value])
    if not rows:  # none, or not a member account: say which, as find_account would
        await require_account(account)
        raise MemberNotFound()  # (it became one meanwhile: the till retries)
    return _book(tx, rows[0]["member_id"], rows[0])


async def lock_member(tx: Transaction, member_id: int) -> None:
    """Take, in `tx`, the lock every points movement of the member takes first (for work
    that must not interleave with them, taken before any other lock on the member)."""
    await _open_book(tx, member_id)


async def close_book(tx: Transaction, member_id: int) -> None:
    """No more credits to this member (erasure), from this transaction's commit on."""
    await MemberBalance.filter(member_id=member_id).using_db(tx.connection).update(closed=True)


# ---- batch work: release and expiry ------------------------------------------------------


async def release_due_points(*, at: dt.datetime | None = None, limit: int = 1000) -> int:
    """Make every pending lot whose hold is over available. Safe to run concurrently: each
    lot is re-read under its member's lock and released once."""
    at = at or now()
    member_ids = await _members_with(PointsLot.filter(pending=True, available_at__lte=at), limit)
    released = 0
    for member_id in member_ids:
        async with member_book(member_id=member_id) as book:
            for lot in await book._lots().filter(pending=True, available_at__lte=at).order_by("id"):
                await book.release(lot, at=at)
                released += 1
    return released


async def expire_due_points(*, at: dt.datetime | None = None, limit: int = 1000) -> int:
    """Expire what is left of every lot past its expiry, exactly once even when two runs
    overlap (the lot is re-read under its member's lock)."""
    at = at or now()
    due = PointsLot.filter(pending=False, remaining__gt=0, expires_at__lte=at)
    member_ids = await _members_with(due, limit)
    expired = 0
    for member_id in member_ids:
        async with member_book(member_id=member_id) as book:
            lots = await book._lots().filter(pending=False, remaining__gt=0, expires_at__lte=at)
            for lot in sorted(lots, key=_expiry_order):
                await book.expire(lot)
                expired += 1
    return expired


async def _members_with(lots, limit: int) -> list[int]:
    ids = await lots.limit(limit).values_list("member_id", flat=True)
    return sorted(set(ids))


# ---- reading -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Balance:
    member_id: int
    available: int = 0
    pending: int = 0
    lifetime: int = 0


async def balances(member_ids: Sequence[int]) -> list[Balance]:
    """Cached balances in the order asked (a member with no movement has zeros)."""
    rows = await MemberBalance.filter(member_id__in=list(member_ids)).values(
        "member_id", "available", "pending", "lifetime"
    )
    found = {row["member_id"]: Balance(**row) for row in rows}
    return [found.get(member_id, Balance(member_id)) for member_id in member_ids]


@dataclass(frozen=True)
class Expiring:
    points: int
    expires_at: dt.datetime


async def expiring_points(member_ids: Sequence[int], *, limit: int = 5) -> list[list[Expiring]]:
    """Per member, the next dates points expire on and how many (soonest first)."""
    rows = await PointsLot.filter(
        member_id__in=list(member_ids), pending=False, remaining__gt=0, expires_at__isnull=False
    ).values("member_id", "remaining", "expires_at")
    grouped: dict[int, dict[dt.datetime, int]] = {member_id: {} for member_id in member_ids}
    for row in rows:
        dates = grouped[row["member_id"]]
        dates[row["expires_at"]] = dates.get(row["expires_at"], 0) + row["remaining"]
    return [
        [Expiring(points, at) for at, points in sorted(grouped[member_id].items())[:limit]]
        for member_id in member_ids
    ]


def balance_parts(member_ids: Sequence[int]) -> list[Part]:
    """`balances` and `expiring_points` as parts of a larger read (app.sql.union_all): the
    signed-in member's balance, what expires and their tier are read in one statement."""
    marks = ", ".join(["{}"] * len(member_ids))
    ids = list(member_ids)
    parts = [Part(f'SELECT "member_id", \'balance.{c}\', NULL, "{c}", NULL FROM '
                  f'"member_balance" WHERE "member_id" IN ({marks})', ids)
             for c in ("available", "pending", "lifetime")]  # fmt: skip
    parts.append(Part(f'SELECT "member_id", \'lot\', "expires_at", "remaining", NULL FROM '
                      f'"points_lot" WHERE "member_id" IN ({marks}) AND NOT "pending" '
                      'AND "remaining" > 0 AND "expires_at" IS NOT NULL', ids))  # fmt: skip
    return parts


def balances_from(
    rows: list[dict], member_ids: Sequence[int], *, limit: int = 5
) -> tuple[list[Balance], list[list[Expiring]]]:
    """`balances` and `expiring_points` from the rows `balance_parts` read (others ignored)."""
    values: dict[int, dict[str, int]] = {m: {} for m in member_ids}
    grouped: dict[int, dict[dt.datetime, int]] = {m: {} for m in member_ids}
    when = PointsLot._meta.fields_map["expires_at"].to_python_value
    for r in rows:
        what = r["what"]
        if what.startswith("balance."):
            values[r["member_id"]][what[8:]] = int(r["n"])
        elif what == "lot":
            dates, at = grouped[r["member_id"]], when(r["at"])
            dates[at] = dates.get(at, 0) + int(r["n"])
    return (
        [Balance(m, **values[m]) for m in member_ids],
        [[Expiring(points, at) for at, points in sorted(grouped[m].items())[:limit]]
         for m in member_ids],
    )  # fmt: skip


def change_from(event: dict, member_id: int) -> tuple[PointsTransaction, Balance] | None:
    """The movement and balance a POINTS_CHANGED event of `member_id` carries (as
    `MemberBook._event` built it); None when it carries none (an older process sent it) or
    names another member. The transaction is not read again: it committed before the event
    was sent."""
    change = event.get("change")
    if not isinstance(change, dict) or change.get("member_id") != member_id:
        return None
    try:
        available, pending, lifetime = change["balance"]
        txn = PointsTransaction(
            id=event["transaction"], member_id=member_id, kind=Kind(change["kind"]),
            points=change["points"], available_delta=change["available_delta"],
            pending_delta=change["pending_delta"], reference=change["reference"],
            reason=change["reason"], actor_id=change["actor_id"],
            explanation=change["explanation"],
            created_at=dt.datetime.fromisoformat(change["created_at"]),
        )  # fmt: skip
    except (KeyError, TypeError, ValueError):
        return None
    return txn, Balance(member_id, available, pending, lifetime)


async def transactions_by_ids(ids: Sequence[int]) -> list[PointsTransaction | None]:
    """Points transactions in the order asked (None where there is none)."""
    found = {t.id: t for t in await PointsTransaction.filter(id__in=list(ids))}
    return [found.get(i) for i in ids]


# ---- staff corrections -------------------------------------------------------------------

MAX_ADJUSTMENT = 1_000_000


def refuse_staff_account(role: str) -> None:
    """Separation of duties: points belong to program members. A staff account (any role
    but member) earns nothing, spends nothing and receives no corrections."""
    from app.errors import NotAMemberAccount
    from app.members.service import Role

    if role != Role.MEMBER:
        raise NotAMemberAccount()


async def require_account(account: dict) -> None:
    """`require_member_account` for the account a till or CRM names (`member_id`,
    `external_ref` or `card_number`, as `members.find_account` takes them)."""
    from app.members import service as members

    found = await members.find_account(**account)
    if found is None:
        raise MemberNotFound()
    refuse_staff_account(found[1])


async def require_member_account(member_id: int | None) -> None:
    """MemberNotFound unless `member_id` is an active account; NotAMemberAccount when it is
    a staff account. Every path that earns or spends points for a member asks this once."""
    from app.members import service as members

    found = await members.find_account(member_id=member_id) if member_id is not None else None
    if found is None:
        raise MemberNotFound()
    refuse_staff_account(found[1])


def check_adjustment(*, points: int, reason: str) -> str:
    """The reason, whitespace normalized, when (points, reason) make a valid correction;
    InvalidInput otherwise."""
    from app.errors import FieldProblem, InvalidInput

    reason = " ".join((reason or "").split())
    problems = []
    if points == 0:
        problems.append(FieldProblem("points", "MUST_NOT_BE_ZERO"))
    elif abs(points) > MAX_ADJUSTMENT:
        problems.append(FieldProblem("points", "TOO_LARGE", {"max": MAX_ADJUSTMENT}))
    if len(reason) < 3:
        problems.append(FieldProblem("reason", "REQUIRED"))
    elif len(reason) > 500:
        problems.append(FieldProblem("reason", "TOO_LONG", {"max": 500}))
    if problems:
        raise InvalidInput(problems)
    return reason


async def adjust_points(
    *,
    member_id: int,
    points: int,
    reason: str,
    actor_id: int | None,
    expires_at: dt.datetime | None,
    reference: str | None = None,
) -> PointsTransaction:
    """A staff correction, either way, with its reason and author kept on the transaction.
    A negative correction may leave a debt that later earnings repay. This posts at once:
    who may ask for it, and whether it waits for approval, is `app.ledger.adjustments`."""
    from app.members import service as members

    reason = check_adjustment(points=points, reason=reason)
    if not await members.member_exists(member_id=member_id):
        raise MemberNotFound()
    why = [{"rule": "RULE_ADJUSTMENT", "points": points, "params": {"reason": reason}}]
    async with member_book(member_id=member_id) as book:
        if points > 0:
            return await book.earn(
                points=points, kind=Kind.ADJUSTMENT, account=Account.ADJUSTMENT,
                explanation=why, reference=reference, reason=reason, actor_id=actor_id,
                expires_at=expires_at,
            )  # fmt: skip
        return await book.debit(
            points=-points, kind=Kind.ADJUSTMENT, account=Account.ADJUSTMENT, explanation=why,
            reference=reference, reason=reason, actor_id=actor_id, allow_negative=True,
        )  # fmt: skip


# ---- activity ----------------------------------------------------------------------------


async def activity_pages(
    member_ids: Sequence[int], *, size: int, before_id: int | None, kind: Kind | None
) -> dict[int, tuple[list[PointsTransaction], bool]]:
    """Newest-first pages of several members' transactions in one query:
    {member id: (transactions, has more)}."""
    from app.pagination import newest_pages_per_owner

    return await newest_pages_per_owner(
        PointsTransaction, member_ids, size=size, before_id=before_id,
        where={"kind": kind.value} if kind is not None else None,
    )  # fmt: skip


async def activity_pages_backward(
    member_ids: Sequence[int],
    *,
    size: int,
    before_id: int | None,
    after_id: int | None,
    kind: Kind | None,
) -> dict[int, tuple[list[PointsTransaction], bool, bool]]:
    """Backward (`last`/`before`) pages of several members' newest-first activity in one
    query (plus one for hasNextPage): {member id: (transactions, has previous, has next)}."""
    from app.pagination import backward_pages_per_owner

    return await backward_pages_per_owner(
        PointsTransaction, member_ids, size=size, before_id=before_id, after_id=after_id,
        where={"kind": kind.value} if kind is not None else None,
    )  # fmt: skip


async def activity_counts(keys: Sequence[tuple[int, Kind | None]]) -> list[int]:
    """How many transactions (of the kind, None: all) each (member, kind) has: one grouped
    COUNT over the (member_id, id) index per kind asked (a DataLoader `load_fn`)."""
    from tortoise.functions import Count

    found: dict[tuple[int, Kind | None], int] = {}
    kinds: dict[Kind | None, list[int]] = {}
    for member_id, kind in keys:
        kinds.setdefault(kind, []).append(member_id)
    for kind, member_ids in kinds.items():
        query = PointsTransaction.filter(member_id__in=member_ids)
        if kind is not None:
            query = query.filter(kind=kind.value)
        rows = await query.annotate(n=Count("id")).group_by("member_id").values("member_id", "n")
        for row in rows:
            found[(row["member_id"], kind)] = int(row["n"])
    return [found.get((member_id, kind), 0) for member_id, kind in keys]


# ---- the ledger for other domains (tiers, reminders): one aggregate query each -------------


async def points_by_member(
    *, member_ids: Sequence[int], kinds: Sequence[Kind], since: dt.datetime,
    until: dt.datetime, conn=None,
) -> dict[int, int]:  # fmt: skip
    """Net points of transactions of `kinds` created in [since, until], per member with any."""
    from tortoise.functions import Sum

    query = PointsTransaction.filter(member_id__in=member_ids, kind__in=kinds,
                                     created_at__gte=since, created_at__lte=until)  # fmt: skip
    query = query.annotate(spent=Sum("points"))
    if conn is not None:
        query = query.using_db(conn)
    return {row["member_id"]: int(row["spent"] or 0)
            for row in await query.group_by("member_id").values("member_id", "spent")}  # fmt: skip


async def points_expiring_between(
    *, after: dt.datetime, until: dt.datetime
) -> list[tuple[int, dt.datetime, int]]:
    """(member, expiry, points) of the available points expiring in (after, until]."""
    from tortoise.functions import Sum

    rows = await PointsLot.filter(
        pending=False, remaining__gt=0, expires_at__gt=after, expires_at__lte=until
    ).group_by("member_id", "expires_at").annotate(points=Sum("remaining")).values(
        "member_id", "expires_at", "points"
    )  # fmt: skip
    result = []
    for row in rows:
        expires = row["expires_at"]
        if isinstance(expires, str):  # SQLite
            expires = dt.datetime.fromisoformat(expires)
        result.append((row["member_id"], expires, int(row["points"])))
    return result


# ---- retention and erasure ------------------------------------------------------------------

# Transactions a member causes (earning by buying or acting, spending): expiry, releases and
# automatic bonuses happen without them and do not count as activity.
ACTIVE_KINDS = [Kind.PURCHASE, Kind.ACTION, Kind.REFERRAL, Kind.REDEMPTION, Kind.REFUND]
FORFEIT_REFERENCE = "erasure"  # the reference of the transaction forfeiting an erased balance
ERASED_NOTE = "member erased"  # the decision note of correction requests an erasure rejects
REMOVED = "[removed]"  # what an erasure leaves of a correction request's free text


def active_since(*, since: dt.datetime):
    """Ids of the members with a transaction of ACTIVE_KINDS since `since`: a subquery."""
    return PointsTransaction.filter(created_at__gte=since, kind__in=ACTIVE_KINDS).values(
        "member_id")  # fmt: skip


async def forget_member(*, member_id: int, at: dt.datetime) -> tuple[int, int | None]:
    """For an erasure: forfeit the points, close the book, reject and blank the corrections."""
    async with transaction() as tx:
        forfeited = await _forfeit_points(member_id, at)
        # A purchase waiting for the member's lock finds the book closed: nothing lands.
        await close_book(tx, member_id)
        await _forget_adjustments(member_id)
        return forfeited


async def _forfeit_points(member_id: int, at: dt.datetime) -> tuple[int, int | None]:
    """Release what is pending, then debit the whole available balance to `expired` (rule
    RULE_FORFEIT). A negative balance (a refund's debt) stays: there is nothing to forfeit."""
    async with member_book(member_id=member_id) as book:
        pending = await PointsLot.filter(
            member_id=member_id, pending=True, remaining__gt=0
        ).using_db(book.tx.connection).order_by("id")  # fmt: skip
        for lot in pending:
            await book.release(lot, at=at)
        points = max(book.available, 0)
        if not points:
            return 0, None
        txn = await book.debit(
            points=points, kind=Kind.EXPIRY, account=Account.EXPIRED, reference=FORFEIT_REFERENCE,
            explanation=[{"rule": "RULE_FORFEIT", "points": -points, "params": {}}],
        )  # fmt: skip
        return points, txn.id


async def _forget_adjustments(member_id: int) -> int:
    """The member's pending correction requests are rejected (decided by nobody, note "member
    erased"; nothing is posted), and the free text of every request about them (reason,
    decision note), which may name them, becomes "[removed]". Amounts, requesters, deciders
    and times stay for the audit. Returns how many were rejected. A concurrent approval waits
    for the member's lock the erasure holds, then finds the request decided."""
    from app.ledger.models import AdjustmentStatus, PendingAdjustment

    await PendingAdjustment.filter(member_id=member_id).update(reason=REMOVED)
    await PendingAdjustment.filter(member_id=member_id, decision_note__isnull=False).update(
        decision_note=REMOVED)  # fmt: skip
    return await PendingAdjustment.filter(
        member_id=member_id, status=AdjustmentStatus.PENDING
    ).update(status=AdjustmentStatus.REJECTED, decided_by_id=None, decided_at=now(),
             decision_note=ERASED_NOTE)  # fmt: skip
