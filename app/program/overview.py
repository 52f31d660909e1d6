"""The program's terms as members read them: earning, tiers, expiry, redemption and referral
rules and the benefits summary, each as structured fields and as sentences, rendered from
the configuration in force (the same cached rules purchases are computed with).

It reads the earning, tier and reward services, so it is not the program's public face
(app.program.service, which those services call for the terms gate): only the program's
own GraphQL modules use it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from app.earning import service as earning
from app.earning.service import ExpiryMode, ExpiryPeriod, MultiplierTarget, Rounding
from app.i18n import localized, pick_locale
from app.program.texts import sentence
from app.rewards import service as rewards
from app.tiers import service as tiers
from app.tiers.service import Basis, Window

# ---- what the terms hold ---------------------------------------------------------------------


@dataclass(frozen=True)
class CurrencyTerms:
    currency: str
    points_per_unit: Decimal
    minor_digits: int
    minimum_spend: int  # minor units


@dataclass(frozen=True)
class MultiplierTerms:
    target: MultiplierTarget
    value: str
    multiplier: Decimal


@dataclass(frozen=True)
class BonusWindowTerms:
    name: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    multiplier: Decimal


@dataclass(frozen=True)
class ActionTerms:
    code: str
    name: str
    points: int
    daily_limit: int | None
    total_limit: int | None


@dataclass(frozen=True)
class EarningTerms:
    rounding: Rounding
    currencies: list[CurrencyTerms]
    multipliers: list[MultiplierTerms]
    bonus_windows: list[BonusWindowTerms]
    daily_cap: int | None
    weekly_cap: int | None
    monthly_cap: int | None
    hold_days: int
    signup_bonus: int
    birthday_bonus: int
    actions: list[ActionTerms]
    sentences: list[str]


@dataclass(frozen=True)
class TierLevelTerms:
    code: str
    name: str
    rank: int
    threshold: int
    earn_multiplier: Decimal
    benefits: list[str]


@dataclass(frozen=True)
class TierTerms:
    basis: Basis
    window: Window
    window_months: int
    grace_days: int
    spend_currency: str
    levels: list[TierLevelTerms]
    sentences: list[str]


@dataclass(frozen=True)
class ExpiryTerms:
    mode: ExpiryMode
    months: int
    period: ExpiryPeriod
    sentences: list[str]


@dataclass(frozen=True)
class CheckoutRateTerms:
    currency: str
    points_per_unit: int


@dataclass(frozen=True)
class RewardRestrictionTerms:
    title: str
    per_member_limit: int | None
    period_limit: int | None
    limit_period: str | None
    min_tier: str | None


@dataclass(frozen=True)
class RedemptionTerms:
    checkout_rates: list[CheckoutRateTerms]
    restricted_rewards: list[RewardRestrictionTerms]
    sentences: list[str]


@dataclass(frozen=True)
class ReferralTerms:
    referrer_points: int
    referee_points: int
    minimum_spend: int  # minor units, any currency
    monthly_cap: int
    sentences: list[str]


@dataclass(frozen=True)
class ProgramTerms:
    locale: str
    earning: EarningTerms
    tiers: TierTerms
    expiry: ExpiryTerms
    redemption: RedemptionTerms
    referral: ReferralTerms
    benefits: list[str]


# ---- rendering -------------------------------------------------------------------------------


def _plain(value: Decimal) -> Decimal:
    """2.0000 from the database reads as 2."""
    return Decimal(earning.number(Decimal(value)))


def _date(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M")


def _earning(rules: earning.Rules, events: list, locale: str) -> EarningTerms:
    p = rules.policy
    say = lambda key, **kw: sentence(key, locale, **kw)  # noqa: E731
    currencies = [CurrencyTerms(r.currency, _plain(r.points_per_unit), r.minor_digits,
                                r.minimum_spend)
                  for r in sorted(rules.rates.values(), key=lambda r: r.currency)]  # fmt: skip
    lines = []
    for c in currencies:
        if c.points_per_unit > 0:
            lines.append(
                say("EARN_RATE", rate=earning.number(c.points_per_unit), currency=c.currency)
            )
        if c.minimum_spend > 0:
            lines.append(say("EARN_MINIMUM", currency=c.currency,
                             minimum=earning.money(c.minimum_spend, c.minor_digits)))  # fmt: skip
    lines.append(say(f"EARN_ROUNDING_{p.rounding.value}"))
    multipliers = [MultiplierTerms(target, value, _plain(m))
                   for (target, value), m in sorted(rules.multipliers.items())]  # fmt: skip
    for m in multipliers:
        if m.multiplier == 0:
            lines.append(say(f"EARN_EXCLUDED_{m.target.value}", value=m.value))
        elif m.multiplier != 1:
            lines.append(say(f"EARN_MULTIPLIER_{m.target.value}", value=m.value,
                             multiplier=earning.number(m.multiplier)))  # fmt: skip
    windows = [BonusWindowTerms(w.name, w.starts_at, w.ends_at, _plain(w.multiplier))
               for w in sorted(rules.windows, key=lambda w: w.starts_at)]  # fmt: skip
    for w in windows:
        lines.append(say("EARN_WINDOW", name=w.name, multiplier=earning.number(w.multiplier),
                         start=_date(w.starts_at), end=_date(w.ends_at)))  # fmt: skip
    for period, cap in (("day", p.daily_cap), ("week", p.weekly_cap), ("month", p.monthly_cap)):
        if cap is not None:
            lines.append(say(f"EARN_CAP_{period}", cap=cap))
    if p.hold_days > 0:
        lines.append(say("EARN_HOLD", days=p.hold_days))
    lines.append(say("EARN_REFUND"))
    if p.signup_bonus > 0:
        lines.append(say("EARN_SIGNUP", points=p.signup_bonus))
    if p.birthday_bonus > 0:
        lines.append(say("EARN_BIRTHDAY", points=p.birthday_bonus))
    acts = [ActionTerms(e.code, e.name, e.points, e.daily_limit, e.total_limit) for e in events]
    for a in acts:
        if a.daily_limit is not None:
            lines.append(say("EARN_ACTION_DAILY", name=a.name, points=a.points,
                             limit=a.daily_limit))  # fmt: skip
        elif a.total_limit is not None:
            lines.append(say("EARN_ACTION_TOTAL", name=a.name, points=a.points,
                             limit=a.total_limit))  # fmt: skip
        else:
            lines.append(say("EARN_ACTION", name=a.name, points=a.points))
    return EarningTerms(
        rounding=p.rounding, currencies=currencies, multipliers=multipliers,
        bonus_windows=windows, daily_cap=p.daily_cap, weekly_cap=p.weekly_cap,
        monthly_cap=p.monthly_cap, hold_days=p.hold_days, signup_bonus=p.signup_bonus,
        birthday_bonus=p.birthday_bonus, actions=acts, sentences=lines,
    )  # fmt: skip


def _tiers(program: tiers.Program, rates: dict, locale: str) -> TierTerms:
    policy = program.policy
    lines = [sentence(f"TIERS_{policy.basis.value}_{policy.window.value}", locale,
                      currency=policy.spend_currency, months=policy.window_months)]  # fmt: skip
    digits = rates[policy.spend_currency].minor_digits if policy.spend_currency in rates else 2
    levels = []
    for t in program.tiers:
        name = t.name(locale)
        benefits = list(localized(t.texts, locale, "benefits") or [])
        levels.append(TierLevelTerms(t.code, name, t.rank, t.threshold, _plain(t.multiplier),
                                     benefits))  # fmt: skip
        if policy.basis == Basis.SPEND:
            lines.append(sentence("TIER_THRESHOLD_spend", locale, tier=name,
                                  threshold=earning.money(t.threshold, digits),
                                  currency=policy.spend_currency))  # fmt: skip
        else:
            lines.append(sentence("TIER_THRESHOLD_points", locale, tier=name,
                                  threshold=t.threshold))  # fmt: skip
        if t.multiplier != 1:
            lines.append(sentence("TIER_MULTIPLIER", locale, tier=name,
                                  multiplier=earning.number(t.multiplier)))  # fmt: skip
    if program.tiers and policy.grace_days > 0:
        lines.append(sentence("TIERS_GRACE", locale, days=policy.grace_days))
    return TierTerms(policy.basis, policy.window, policy.window_months, policy.grace_days,
                     policy.spend_currency, levels, lines)  # fmt: skip


def _expiry(policy: earning.Policy, locale: str) -> ExpiryTerms:
    key = f"EXPIRY_{policy.expiry_mode.value}"
    if policy.expiry_mode == ExpiryMode.END_OF_PERIOD:
        key += f"_{policy.expiry_period.value}"
    lines = [sentence(key, locale, months=policy.expiry_months)]
    if policy.expiry_mode != ExpiryMode.NEVER:
        lines.append(sentence("EXPIRY_ORDER", locale))
    return ExpiryTerms(policy.expiry_mode, policy.expiry_months, policy.expiry_period, lines)


async def _redemption(program: tiers.Program, locale: str) -> RedemptionTerms:
    lines = [sentence("REDEEM_AVAILABLE_ONLY", locale)]
    rates = [CheckoutRateTerms(r.currency, r.points_per_unit)
             for r in await rewards.checkout_rates()]  # fmt: skip
    for r in rates:
        lines.append(sentence("REDEEM_CHECKOUT", locale, points=r.points_per_unit,
                              currency=r.currency))  # fmt: skip
    restricted = []
    for reward in await rewards.restricted_rewards():
        title = localized(reward.texts, locale, "title")
        tier = program.by_id(reward.min_tier_id)
        tier_name = tier.name(locale) if tier else None
        period = reward.limit_period.value if reward.limit_period else None
        restricted.append(RewardRestrictionTerms(title, reward.per_member_limit,
                                                 reward.period_limit, period, tier_name))  # fmt: skip
        if tier_name:
            lines.append(sentence("REDEEM_TIER", locale, title=title, tier=tier_name))
        if reward.per_member_limit is not None:
            lines.append(sentence("REDEEM_LIMIT_lifetime", locale, title=title,
                                  limit=reward.per_member_limit))  # fmt: skip
        if reward.period_limit is not None and period:
            lines.append(sentence(f"REDEEM_LIMIT_{period}", locale, title=title,
                                  limit=reward.period_limit))  # fmt: skip
    lines.append(sentence("REDEEM_CANCEL", locale))
    return RedemptionTerms(rates, restricted, lines)


def _referral(policy: earning.Policy, locale: str) -> ReferralTerms:
    lines = []
    if policy.referrer_points <= 0 and policy.referee_points <= 0:
        lines.append(sentence("REFERRAL_NONE", locale))
    else:
        if policy.referrer_points > 0:
            lines.append(sentence("REFERRAL_REFERRER", locale, points=policy.referrer_points,
                                  cap=policy.referral_monthly_cap))  # fmt: skip
        if policy.referee_points > 0:
            lines.append(sentence("REFERRAL_REFEREE", locale, points=policy.referee_points))
        if policy.referral_minimum_spend > 0:
            lines.append(sentence("REFERRAL_MINIMUM", locale,
                                  minimum=earning.money(policy.referral_minimum_spend, 2)))  # fmt: skip
        lines.append(sentence("REFERRAL_ONCE", locale))
    return ReferralTerms(policy.referrer_points, policy.referee_points,
                         policy.referral_minimum_spend, policy.referral_monthly_cap, lines)  # fmt: skip


def _benefits(e: EarningTerms, t: TierTerms, x: ExpiryTerms, r: RedemptionTerms,
              ref: ReferralTerms, locale: str) -> list[str]:  # fmt: skip
    lines = []
    earning_rates = [c for c in e.currencies if c.points_per_unit > 0]
    if earning_rates:
        best = max(earning_rates, key=lambda c: c.points_per_unit)
        lines.append(sentence("BENEFIT_EARN", locale, rate=earning.number(best.points_per_unit),
                              currency=best.currency))  # fmt: skip
    if e.signup_bonus > 0:
        lines.append(sentence("BENEFIT_WELCOME", locale, points=e.signup_bonus))
    if e.birthday_bonus > 0:
        lines.append(sentence("BENEFIT_BIRTHDAY", locale, points=e.birthday_bonus))
    if ref.referrer_points > 0:
        lines.append(sentence("BENEFIT_REFERRAL", locale, points=ref.referrer_points))
    if t.levels:
        lines.append(sentence("BENEFIT_TIERS", locale, count=len(t.levels),
                              names=", ".join(level.name for level in t.levels)))  # fmt: skip
        for level in t.levels:
            lines.extend(sentence("BENEFIT_TIER", locale, tier=level.name, benefit=b)
                         for b in level.benefits)  # fmt: skip
    if r.checkout_rates:
        lines.append(sentence("BENEFIT_CHECKOUT", locale))
    if x.mode == ExpiryMode.NEVER:
        lines.append(sentence("BENEFIT_NO_EXPIRY", locale))
    return lines


async def program_terms(*, locale: str) -> ProgramTerms:
    """The program's terms in `locale`, from the configuration in force."""
    locale = pick_locale(locale)
    rules = await earning.current_rules()
    program = await tiers.current_program()
    e = _earning(rules, await earning.active_event_types(), locale)
    t = _tiers(program, rules.rates, locale)
    x = _expiry(rules.policy, locale)
    r = await _redemption(program, locale)
    ref = _referral(rules.policy, locale)
    return ProgramTerms(locale, e, t, x, r, ref, _benefits(e, t, x, r, ref, locale))
