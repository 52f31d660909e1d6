"""The `program` query renders the configuration in force, in en/nl/es: change the rules and
the terms change with them."""

import datetime as dt
from decimal import Decimal

from app.earning import config
from app.earning.models import ExpiryMode, MultiplierTarget, Rounding
from app.rewards import catalog
from app.rewards.models import LimitPeriod, RewardKind
from app.tiers import service as tiers
from tests.helpers import gql

PROGRAM = """{ program {
  locale benefits
  earning { rounding dailyCap holdDays signupBonus
    currencies { currency pointsPerUnit minimumSpend }
    multipliers { target value multiplier } bonusWindows { name multiplier }
    actions { code name points dailyLimit } sentences }
  tiers { basis windowMonths graceDays levels { code name threshold earnMultiplier benefits }
    sentences }
  expiry { mode months sentences }
  redemption { checkoutRates { currency pointsPerUnit }
    restrictedRewards { title perMemberLimit periodLimit limitPeriod minTier } sentences }
  referral { referrerPoints refereePoints monthlyCap sentences }
} }"""


async def _program(client, language: str = "en", token: str | None = None) -> dict:
    body = await gql(client, PROGRAM, headers={"Accept-Language": language}, token=token)
    assert "errors" not in body, body
    return body["data"]["program"]


async def test_the_defaults_read_plainly_to_anyone(client):
    p = await _program(client)
    assert p["locale"] == "en"
    assert p["earning"]["currencies"][0] == {
        "currency": "EUR", "pointsPerUnit": "1", "minimumSpend": 0
    }  # fmt: skip
    assert "You earn 1 point per EUR spent." in p["earning"]["sentences"]
    assert "Points are rounded down to whole points." in p["earning"]["sentences"]
    assert p["expiry"] == {
        "mode": "MONTHS_AFTER_EARNING", "months": 12,
        "sentences": ["Points expire 12 months after you earn them.",
                      "When you spend points, those that expire first are used first."],
    }  # fmt: skip
    assert p["referral"]["sentences"] == ["There is no reward for referring friends at the moment."]
    assert p["tiers"]["levels"] == [] and p["redemption"]["restrictedRewards"] == []


async def _configure() -> None:
    await config.set_currency_rate(currency="EUR", points_per_unit=Decimal(2), minor_digits=2,
                                   minimum_spend=500)  # fmt: skip
    await config.update_policy(changes={
        "rounding": Rounding.NEAREST, "daily_cap": 300, "hold_days": 14, "signup_bonus": 50,
        "expiry_mode": ExpiryMode.NEVER, "referrer_points": 100, "referee_points": 40,
        "referral_monthly_cap": 3,
    }, actor_id=None)  # fmt: skip
    await config.set_multiplier(target=MultiplierTarget.CATEGORY, value="Books",
                                multiplier=Decimal(3))  # fmt: skip
    now = dt.datetime.now(dt.UTC)
    await config.add_bonus_window(name="Double days", starts_at=now,
                                  ends_at=now + dt.timedelta(days=2), multiplier=Decimal(2))  # fmt: skip
    await config.save_event_type(code="review", name="Product review", points=25,
                                 daily_limit=2, total_limit=None, active=True)  # fmt: skip
    gold = await tiers.save_tier(code="gold", rank=2, threshold=100_000,
                                 earn_multiplier=Decimal("1.5"), texts={
        "en": {"name": "Gold", "benefits": ["Free delivery"]},
        "nl": {"name": "Goud", "benefits": ["Gratis bezorging"]},
        "es": {"name": "Oro", "benefits": ["Envío gratis"]}})  # fmt: skip
    await catalog.set_checkout_rate(currency="EUR", points_per_unit=100, minor_digits=2)
    await catalog.create_reward(fields=catalog.RewardFields(
        kind=RewardKind.DISCOUNT_VOUCHER, category="coffee", points_cost=100, percent_off=10,
        per_member_limit=3, period_limit=1, limit_period=LimitPeriod.WEEK,
        min_tier_code=gold.code,
        texts={"en": {"title": "Coffee"}, "nl": {"title": "Koffie"}}), actor_id=None)  # fmt: skip


async def test_a_configuration_change_shows_in_every_language(client):
    before = await _program(client)
    await _configure()
    p = await _program(client)
    assert p != before
    e = p["earning"]
    assert e["currencies"] == [{"currency": "EUR", "pointsPerUnit": "2", "minimumSpend": 500}]
    assert (e["rounding"], e["dailyCap"], e["holdDays"], e["signupBonus"]) == (
        "NEAREST", 300, 14, 50
    )  # fmt: skip
    assert e["multipliers"] == [{"target": "CATEGORY", "value": "books", "multiplier": "3"}]
    assert e["actions"] == [
        {"code": "review", "name": "Product review", "points": 25, "dailyLimit": 2}
    ]
    assert e["sentences"][:3] == [
        "You earn 2 points per EUR spent.", "Purchases under 5.00 EUR earn no points.",
        "Points are rounded to the nearest whole point.",
    ]  # fmt: skip
    assert "3x points on the books category." in e["sentences"]
    assert "Purchases earn at most 300 points per day." in e["sentences"]
    assert "Product review: 25 points, at most 2 times a day." in e["sentences"]
    assert p["expiry"]["sentences"] == ["Points never expire."]
    assert p["tiers"]["levels"] == [{"code": "gold", "name": "Gold", "threshold": 100000,
                                     "earnMultiplier": "1.5", "benefits": ["Free delivery"]}]  # fmt: skip
    assert "Gold: from 1000.00 EUR spent." in p["tiers"]["sentences"]
    assert p["redemption"]["restrictedRewards"] == [{
        "title": "Coffee", "perMemberLimit": 3, "periodLimit": 1, "limitPeriod": "week",
        "minTier": "Gold"}]  # fmt: skip
    assert "At the till, 100 points pay 1 EUR." in p["redemption"]["sentences"]
    assert "Coffee: at most 1 per member per week." in p["redemption"]["sentences"]
    assert p["referral"]["sentences"][0] == (
        "You get 100 points for each friend who joins with your code and makes a first "
        "purchase, for up to 3 friends a month."
    )
    assert p["benefits"][:3] == [
        "Earn 2 points for every EUR you spend.", "50 points welcome gift.",
        "100 points for each friend you bring.",
    ]  # fmt: skip
    assert "Gold: Free delivery" in p["benefits"]

    nl = await _program(client, "nl")
    assert nl["locale"] == "nl"
    assert nl["earning"]["sentences"][0] == "Je verdient 2 punten per besteedde EUR."
    assert nl["tiers"]["levels"][0]["benefits"] == ["Gratis bezorging"]
    assert "Koffie: maximaal 1 per lid per week." in nl["redemption"]["sentences"]
    assert nl["expiry"]["sentences"] == ["Punten verlopen nooit."]
    es = await _program(client, "es")
    assert es["earning"]["sentences"][0] == "Ganas 2 puntos por cada EUR gastado."
    assert "Oro: desde 1000.00 EUR gastados." in es["tiers"]["sentences"]
    assert "Coffee: como máximo 3 por miembro." in es["redemption"]["sentences"]  # en title


async def test_a_member_reads_the_terms_in_their_own_language(client, member):
    _, _, token = await member(locale="es")
    p = await _program(client, "nl", token=token)  # the profile wins over the header
    assert p["locale"] == "es"
    assert p["earning"]["sentences"][0] == "Ganas 1 punto por cada EUR gastado."
