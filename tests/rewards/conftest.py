"""Shared set-up for rewards tests: funded members with tokens, rewards made by staff."""

import itertools

import pytest

from app.ledger import service as ledger
from app.ledger.models import Kind
from app.rewards import catalog
from app.rewards.models import LimitPeriod, RewardKind
from tests import factories
from tests.helpers import member_token

_seq = itertools.count(1)


@pytest.fixture
def funded():
    """`await funded(points, **member_fields)` -> (member, token)."""

    async def make(points: int, expires_at=None, **fields):
        m = await factories.member(**fields)
        if points:
            async with ledger.member_book(member_id=m.id) as book:
                await book.earn(points=points, kind=Kind.BONUS, expires_at=expires_at)
        return m, await member_token(m)

    return make


@pytest.fixture
def reward():
    """`await reward(**overrides)` -> a discount voucher reward (100 points, 10% off)."""

    async def make(**overrides):
        n = next(_seq)
        values = {
            "kind": RewardKind.DISCOUNT_VOUCHER,
            "category": "coffee",
            "points_cost": 100,
            "percent_off": 10,
            "texts": {"en": {"title": f"10% off #{n}"}, "nl": {"title": f"10% korting #{n}"}},
            **overrides,
        }
        if isinstance(values.get("limit_period"), str):
            values["limit_period"] = LimitPeriod(values["limit_period"])
        return await catalog.create_reward(fields=catalog.RewardFields(**values), actor_id=None)

    return make
