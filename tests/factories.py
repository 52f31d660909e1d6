"""Data factories for service tests (no HTTP)."""

import itertools
import uuid

from app.members.models import Member
from app.members.service import new_card_number, new_referral_code

_seq = itertools.count(1)


async def member(**fields) -> Member:
    n = next(_seq)
    defaults = {
        "email": f"m{n}-{uuid.uuid4().hex[:6]}@example.com",
        "password_hash": "x",
        "card_number": new_card_number(),
        "referral_code": new_referral_code(),
    }
    return await Member.create(**{**defaults, **fields})
