"""`Tier.texts`: every language's name and benefits, for the staff who edit tiers (admin,
marketer) only, so an editor can send `saveTier` (which replaces them all) without losing a
language."""

from decimal import Decimal

from app.members.models import Role
from app.tiers import service as tiers
from tests import factories
from tests.helpers import gql, member_token, staff_session

TEXTS = "{ tiers { code name texts { locale name benefits } } }"


async def _gold():
    await tiers.save_tier(code="gold", rank=1, threshold=50_000, earn_multiplier=Decimal(1),
                          texts={"en": {"name": "Gold", "benefits": ["Lounge", "Coffee"]},
                                 "nl": {"name": "Goud", "benefits": ["Lounge"]},
                                 "es": {"name": "Oro", "benefits": []}})  # fmt: skip


async def test_tier_editors_read_every_language(client):
    await _gold()
    for role in (Role.ADMIN, Role.MARKETER):
        token = (await staff_session(client, role))["accessToken"]
        body = await gql(client, TEXTS, token=token)
        (gold,) = body["data"]["tiers"]
        assert gold["texts"] == [
            {"locale": "en", "name": "Gold", "benefits": ["Lounge", "Coffee"]},
            {"locale": "es", "name": "Oro", "benefits": []},
            {"locale": "nl", "name": "Goud", "benefits": ["Lounge"]},
        ]


async def test_members_and_other_staff_are_refused_the_texts(client):
    await _gold()
    member = await factories.member()
    support = (await staff_session(client, Role.SUPPORT))["accessToken"]
    for token in (await member_token(member), support, None):
        body = await gql(client, TEXTS, token=token)
        assert body["errors"][0]["extensions"]["code"] in ("FORBIDDEN", "UNAUTHENTICATED")
        assert body["errors"][0]["path"][-1] == "texts"
        # Without `texts`, everyone still reads the tiers in their own language.
        assert (await gql(client, "{ tiers { name } }", token=token))["data"]["tiers"] == [
            {"name": "Gold"}]  # fmt: skip
