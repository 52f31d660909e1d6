"""A Hypothesis state machine drives the ledger (earn, pending and release, refund, debit,
expire, adjust, idempotent retries) against a plain-Python model and checks, after every
step, that each balance equals the model and that every ledger invariant holds."""

import asyncio
import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from app.earning import service as earning
from app.errors import IdempotencyKeyReused, InsufficientPoints, PurchaseAlreadyRecorded
from app.ledger import service as ledger
from app.ledger.check import check
from app.ledger.models import Kind
from tests import factories

pytestmark = pytest.mark.usefixtures("app")
T0 = ledger.now().replace(microsecond=0) - dt.timedelta(days=1)
_ids = itertools.count(1)


class Model:
    """What a member's points should be, by the ledger's rules, computed independently."""

    def __init__(self):
        self.available = 0
        self.lifetime = 0  # earned, less what refunds and negative corrections took back
        self.pending: list[int] = []
        self.lots: list[dict] = []  # available lots: remaining, expires, seq, tag

    def _credit(self, points, expires, tag):
        debt = max(-self.available, 0)
        self.available += points
        self.lots.append({"remaining": points - min(points, debt), "expires": expires,
                          "seq": next(_ids), "tag": tag})  # fmt: skip

    def _consume(self, points, prefer=None):
        order = sorted(self.lots, key=lambda lot: (lot["tag"] != prefer or prefer is None,
                                                   lot["expires"] is None,
                                                   lot["expires"] or T0, lot["seq"]))  # fmt: skip
        for lot in order:
            take = min(points, lot["remaining"])
            lot["remaining"] -= take
            points -= take

    def earn(self, points, expires=None, tag=None):
        self.lifetime += points
        self._credit(points, expires, tag)

    def debit(self, points, prefer=None, allow_negative=False):
        if not allow_negative and self.available < points:
            return False
        self._consume(min(points, max(self.available, 0)), prefer)
        self.available -= points
        return True

    def release(self):
        for points in self.pending:
            self._credit(points, None, None)
        self.pending = []

    def expire(self, at):
        for lot in self.lots:
            if lot["expires"] is not None and lot["expires"] <= at and lot["remaining"]:
                self.available -= lot["remaining"]
                lot["remaining"] = 0


class LedgerMachine(RuleBasedStateMachine):
    loop: asyncio.AbstractEventLoop

    def __init__(self):
        super().__init__()
        self.members = [self.run(factories.member()).id for _ in range(2)]
        self.model = {m: Model() for m in self.members}
        self.purchases: list[dict] = []
        self.clock = T0

    def run(self, coro):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=60)

    def _purchase(self, p, *, key=None, amount=None, external_id=None):
        return earning.record_purchase(
            scope="client:model", idempotency_key=key or p["key"],
            member=earning.MemberRef(member_id=p["member"]), source="pos",
            external_id=external_id or p["external_id"], amount=amount or p["amount"],
            currency="EUR", occurred_at=T0,
        )  # fmt: skip

    @rule(member=st.integers(0, 1), amount=st.integers(100, 50_000))
    def purchase(self, member, amount):
        n = next(_ids)
        p = {"member": self.members[member], "amount": amount, "external_id": f"m-{n}",
             "key": f"model-key-{n}", "earned": amount // 100, "refunded": 0, "clawed": 0}  # fmt: skip
        p["id"] = self.run(self._purchase(p)).id
        self.model[p["member"]].earn(p["earned"], T0 + dt.timedelta(days=365), tag=p["id"])
        self.purchases.append(p)

    @precondition(lambda self: self.purchases)
    @rule(data=st.data())
    def retry_purchase(self, data):
        p = data.draw(st.sampled_from(self.purchases))
        again = self.run(self._purchase(p))
        assert again.replayed and again.id == p["id"]
        with pytest.raises(IdempotencyKeyReused):
            self.run(self._purchase(p, amount=p["amount"] + 1))
        with pytest.raises(PurchaseAlreadyRecorded):
            self.run(self._purchase(p, key=f"other-key-{next(_ids)}"))

    @precondition(lambda self: self.purchases)
    @rule(data=st.data(), share=st.integers(1, 100))
    def refund(self, data, share):
        p = data.draw(st.sampled_from(self.purchases))
        left = p["amount"] - p["refunded"]
        amount = max(left * share // 100, 1)
        if left == 0:
            return
        self.run(earning.record_refund(
            scope="client:model", idempotency_key=f"refund-key-{next(_ids)}", source="pos",
            purchase_external_id=p["external_id"], external_id=f"f-{next(_ids)}",
            amount=amount, occurred_at=T0,
        ))  # fmt: skip
        p["refunded"] += amount
        owed = p["earned"] * p["refunded"] // p["amount"]
        claw, p["clawed"] = owed - p["clawed"], owed
        if claw:
            self.model[p["member"]].debit(claw, prefer=p["id"], allow_negative=True)
            self.model[p["member"]].lifetime -= claw

    @rule(member=st.integers(0, 1), points=st.integers(1, 400))
    def debit(self, member, points):
        m = self.members[member]

        async def go():
            async with ledger.member_book(member_id=m) as book:
                await book.debit(points=points)

        try:
            self.run(go())
            ok = True
        except InsufficientPoints:
            ok = False
        assert ok == self.model[m].debit(points)

    @rule(member=st.integers(0, 1), points=st.integers(1, 300), hours=st.integers(1, 48))
    def earn_expiring(self, member, points, hours):
        m = self.members[member]
        expires = T0 + dt.timedelta(hours=hours)

        async def go():
            async with ledger.member_book(member_id=m) as book:
                await book.earn(points=points, kind=Kind.BONUS, expires_at=expires, at=T0)

        self.run(go())
        self.model[m].earn(points, expires)

    @rule(member=st.integers(0, 1), points=st.integers(1, 300))
    def earn_pending(self, member, points):
        m = self.members[member]

        async def go():
            async with ledger.member_book(member_id=m) as book:
                await book.earn(points=points, kind=Kind.PURCHASE, at=ledger.now(),
                                available_at=ledger.now() + dt.timedelta(days=30))  # fmt: skip

        self.run(go())
        self.model[m].pending.append(points)
        self.model[m].lifetime += points

    @rule()
    def release(self):
        self.run(ledger.release_due_points(at=ledger.now() + dt.timedelta(days=31)))
        for model in self.model.values():
            model.release()

    @rule(hours=st.integers(0, 24))
    def expire(self, hours):
        self.clock = max(self.clock, T0 + dt.timedelta(hours=hours))
        self.run(ledger.expire_due_points(at=self.clock))
        self.run(ledger.expire_due_points(at=self.clock))  # a second run changes nothing
        for model in self.model.values():
            model.expire(self.clock)

    @rule(member=st.integers(0, 1), points=st.integers(-300, 300).filter(bool))
    def adjust(self, member, points):
        m = self.members[member]
        self.run(ledger.adjust_points(member_id=m, points=points, reason="model adjustment",
                                      actor_id=None, expires_at=None))  # fmt: skip
        if points > 0:
            self.model[m].earn(points)
        else:
            self.model[m].debit(-points, allow_negative=True)
            self.model[m].lifetime += points

    @invariant()
    def balances_match_the_model_and_the_postings(self):
        for balance in self.run(ledger.balances(self.members)):
            model = self.model[balance.member_id]
            assert balance.available == model.available
            assert balance.pending == sum(model.pending)
            assert balance.lifetime == model.lifetime
        assert self.run(check()) == []


async def test_ledger_matches_its_model():
    LedgerMachine.loop = asyncio.get_running_loop()
    machine_test = LedgerMachine.TestCase
    machine_test.settings = settings(
        max_examples=12, stateful_step_count=25, deadline=None,
        suppress_health_check=list(HealthCheck),
    )  # fmt: skip
    # The machine is synchronous: it runs in a thread and hands each step to this loop.
    await asyncio.to_thread(machine_test("runTest").runTest)
