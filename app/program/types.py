import datetime as dt
from typing import Annotated

import strawberry
from strawberry.types import Info

from app import errors
from app.graphql.context import Context
from app.graphql.enums import described_enum
from app.graphql.errors import InvalidInputError, UserError, error_type
from app.program import models
from app.program import overview as S
from app.program.terms import AcceptanceStatus, Document

# TierTerms shows the tiers' enums: imported so they are named TierBasis and TierWindow
# before strawberry meets them here (it would name them Basis and Window otherwise).
from app.tiers import types as tier_types  # noqa: F401

TermsDocumentKind = described_enum(
    models.DocumentKind,
    name="TermsDocumentKind",
    description="Which legal document.",
    values={
        "TERMS": "The program terms members must accept to earn and redeem.",
        "PRIVACY": "The privacy policy.",
    },
)

# ---- errors (TermsNotAccepted is in the earning and rewards unions: they import it from here) --


@error_type(
    errors.TermsNotAccepted,
    description="Accept the terms in force first (acceptTerms with this version).",
)
class TermsNotAcceptedError(UserError):
    version: str = strawberry.field(description="The version to accept.")


@error_type(errors.TermsVersionNotCurrent, description="Only the version in force can be accepted.")
class TermsVersionNotCurrentError(UserError):
    current: str = strawberry.field(description="The version in force (empty: none yet).")


@error_type(
    errors.TermsVersionTaken,
    description="A document of this kind with this version exists already; pick a new version.",
)
class TermsVersionTakenError(UserError):
    version: str = strawberry.field(description="The version that is taken.")


@error_type(errors.MissingLocale, description="Every program language needs its text.")
class MissingLocaleError(UserError):
    locales: list[str] = strawberry.field(description="The languages missing.")


# The rendered terms are the overview's dataclasses, exposed as they are.
CurrencyTerms = strawberry.type(S.CurrencyTerms, description="What a currency earns.")
MultiplierTerms = strawberry.type(
    S.MultiplierTerms, description="Extra points on a category or product."
)
BonusWindowTerms = strawberry.type(S.BonusWindowTerms, description="A bonus points period.")
ActionTerms = strawberry.type(S.ActionTerms, description="An action that earns points.")
EarningTerms = strawberry.type(
    S.EarningTerms, description="How points are earned; `sentences` say it in your language."
)
TierLevelTerms = strawberry.type(S.TierLevelTerms, description="A tier and what it gives.")
TierTerms = strawberry.type(S.TierTerms, description="How tiers are reached and kept.")
ExpiryTerms = strawberry.type(S.ExpiryTerms, description="When points expire.")
CheckoutRateTerms = strawberry.type(S.CheckoutRateTerms, description="Points paying at the till.")
RewardRestrictionTerms = strawberry.type(
    S.RewardRestrictionTerms, description="A reward only some members may redeem, or only so often."
)
RedemptionTerms = strawberry.type(S.RedemptionTerms, description="How points are spent.")
ReferralTerms = strawberry.type(S.ReferralTerms, description="What bringing a friend gives both.")


def _describe_fields(gql_type: type, descriptions: dict[str, str]) -> None:
    """Describe the fields of a type made from an overview dataclass (the dataclasses stay
    free of strawberry). Every field needs one: a new field without is a KeyError at import."""
    for field in gql_type.__strawberry_definition__.fields:  # type: ignore[attr-defined]
        field.description = descriptions[field.python_name]


_SENTENCES = "The same rules as sentences, in your language, ready to show."
_describe_fields(
    CurrencyTerms,
    {
        "currency": "ISO 4217 code.",
        "points_per_unit": "Points earned per major unit spent (for example per 1 EUR).",
        "minor_digits": "Minor-unit digits of the currency (2 for EUR).",
        "minimum_spend": "Least a purchase must total to earn, in minor units; 0: no minimum.",
    },
)
_describe_fields(
    MultiplierTerms,
    {
        "target": "Whether `value` is a product category or a SKU.",
        "value": "The category or SKU that earns extra.",
        "multiplier": "Multiplies the base points (2 = double points).",
    },
)
_describe_fields(
    BonusWindowTerms,
    {
        "name": "The bonus period's name, in your language.",
        "starts_at": "When it starts (UTC).",
        "ends_at": "When it ends (UTC).",
        "multiplier": "Multiplies the points purchases earn in the period.",
    },
)
_describe_fields(
    ActionTerms,
    {
        "code": "The event type's stable key.",
        "name": "The action's name, in your language.",
        "points": "Points it earns each time.",
        "daily_limit": "Times per day it earns; null: no daily limit.",
        "total_limit": "Times ever it earns; null: no limit.",
    },
)
_describe_fields(
    EarningTerms,
    {
        "rounding": "How fractional points round.",
        "currencies": "What each accepted currency earns.",
        "multipliers": "Categories and products that earn extra.",
        "bonus_windows": "Current and coming bonus periods.",
        "daily_cap": "Most points purchases earn a member per day; null: no cap.",
        "weekly_cap": "Most points per week; null: no cap.",
        "monthly_cap": "Most points per month; null: no cap.",
        "hold_days": "Days purchase points stay pending (the return period) before they count.",
        "signup_bonus": "Points for joining; 0: none.",
        "birthday_bonus": "Points on your birthday; 0: none.",
        "actions": "Actions (not purchases) that earn points.",
        "sentences": _SENTENCES,
    },
)
_describe_fields(
    TierLevelTerms,
    {
        "code": "The tier's stable code.",
        "name": "The tier's name, in your language.",
        "rank": "Order of tiers; higher is better.",
        "threshold": "Qualifying value needed: minor units of spend, or points (see `basis`).",
        "earn_multiplier": "Multiplies base points for members of the tier (1 = no bonus).",
        "benefits": "What members of the tier get, in your language.",
    },
)
_describe_fields(
    TierTerms,
    {
        "basis": "Whether spend or points qualify.",
        "window": "Rolling months or calendar year.",
        "window_months": "Length of a rolling window, in months.",
        "grace_days": "Days a member keeps a tier after falling below its threshold.",
        "spend_currency": "ISO 4217 code spend counts in.",
        "levels": "The tiers, lowest first.",
        "sentences": _SENTENCES,
    },
)
_describe_fields(
    ExpiryTerms,
    {
        "mode": "Whether points expire, and how.",
        "months": "Months after earning that points expire (unless they never do).",
        "period": "For expiry at the end of a period: month, quarter or year.",
        "sentences": _SENTENCES,
    },
)
_describe_fields(
    CheckoutRateTerms,
    {
        "currency": "ISO 4217 code.",
        "points_per_unit": "Points one major unit (for example 1 EUR) costs at the till.",
    },
)
_describe_fields(
    RewardRestrictionTerms,
    {
        "title": "The reward's title, in your language.",
        "per_member_limit": "Units per member, ever; null: no such limit.",
        "period_limit": "Units per member per `limitPeriod`; null: no such limit.",
        "limit_period": "day, week, month or year; null: no period limit.",
        "min_tier": "Name of the lowest tier that may redeem it; null: anyone.",
    },
)
_describe_fields(
    RedemptionTerms,
    {
        "checkout_rates": "What points are worth when paying at a till.",
        "restricted_rewards": "Rewards with limits or a minimum tier.",
        "sentences": _SENTENCES,
    },
)
_describe_fields(
    ReferralTerms,
    {
        "referrer_points": "Points for the member who referred a friend.",
        "referee_points": "Points for the friend who joined.",
        "minimum_spend": "Least the friend's first purchase must total, in minor units.",
        "monthly_cap": "Most referrals a member is rewarded for per month.",
        "sentences": _SENTENCES,
    },
)


@strawberry.type(description="A version of the program terms or privacy policy, in your language.")
class TermsDocument:
    kind: TermsDocumentKind = strawberry.field(description="Terms or privacy policy.")
    version: str = strawberry.field(description="The version label staff gave it.")
    published_at: dt.datetime = strawberry.field(description="When it was published (UTC).")
    effective_at: dt.datetime = strawberry.field(
        description="When it is (or was) in force from (UTC)."
    )
    texts: strawberry.Private[dict]

    @strawberry.field(description="The title, in your language (English if not translated).")
    async def title(self, info: Info[Context, None]) -> str:
        return self._text(await info.context.locale(), "title")

    @strawberry.field(description="The full text, in your language (English if not translated).")
    async def body(self, info: Info[Context, None]) -> str:
        return self._text(await info.context.locale(), "body")

    def _text(self, locale: str, key: str) -> str:
        return (self.texts.get(locale) or self.texts["en"])[key]

    @classmethod
    def from_document(cls, d: Document | models.TermsDocument | None) -> "TermsDocument | None":
        if d is None:
            return None
        return cls(kind=TermsDocumentKind(d.kind), version=d.version, published_at=d.published_at,
                   effective_at=d.effective_at, texts=d.texts)  # fmt: skip


@strawberry.type(
    description="The program's rules as they apply now, rendered from the live configuration "
    "in your language (your profile's, else Accept-Language): nothing here is written by hand."
)
class Program:
    locale: str = strawberry.field(description="The language everything here is in.")
    earning: EarningTerms = strawberry.field(description="How points are earned.")
    tiers: TierTerms = strawberry.field(description="How tiers work and what they give.")
    expiry: ExpiryTerms = strawberry.field(description="When points expire.")
    redemption: RedemptionTerms = strawberry.field(description="How points are spent.")
    referral: ReferralTerms = strawberry.field(description="What referring a friend earns.")
    benefits: list[str] = strawberry.field(description="What membership gives, in short.")
    documents: strawberry.Private[dict]

    @strawberry.field(description="The terms in force; null when none are published.")
    def terms(self) -> TermsDocument | None:
        return TermsDocument.from_document(self.documents[models.DocumentKind.TERMS])

    @strawberry.field(description="The privacy policy in force; null when none is published.")
    def privacy_policy(self) -> TermsDocument | None:
        return TermsDocument.from_document(self.documents[models.DocumentKind.PRIVACY])

    @classmethod
    def from_service(cls, p: S.ProgramTerms, documents: dict) -> "Program":
        return cls(locale=p.locale, earning=p.earning, tiers=p.tiers, expiry=p.expiry,
                   redemption=p.redemption, referral=p.referral, benefits=p.benefits,
                   documents=documents)  # fmt: skip


@strawberry.type(description="Where you stand with the program terms.")
class TermsAcceptance:
    accepted_version: str | None = strawberry.field(description="The last version you accepted.")
    accepted_at: dt.datetime | None = strawberry.field(
        description="When you accepted it; null if you never accepted any."
    )
    current_version: str | None = strawberry.field(description="The version in force, if any.")
    must_accept: bool = strawberry.field(
        description="True: accept currentVersion (acceptTerms) before earning or redeeming."
    )

    @classmethod
    def from_status(cls, s: AcceptanceStatus) -> "TermsAcceptance":
        return cls(accepted_version=s.accepted_version, accepted_at=s.accepted_at,
                   current_version=s.current_version, must_accept=s.must_accept)  # fmt: skip


@strawberry.type(description="You accepted the terms; purchase points held until now are credited.")
class TermsAccepted:
    version: str = strawberry.field(description="The version you accepted.")
    accepted_at: dt.datetime = strawberry.field(description="When (UTC).")
    points_credited: int = strawberry.field(
        description="Points of purchases recorded before you accepted, credited now."
    )


AcceptTermsResult = Annotated[
    TermsAccepted | TermsVersionNotCurrentError,
    strawberry.union(
        "AcceptTermsResult",
        description="The acceptance (with points credited), or why it was refused.",
    ),
]


@strawberry.input(description="A document's text in one language.")
class TermsTextInput:
    locale: str = strawberry.field(description="`en`, `nl` or `es`.")
    title: str = strawberry.field(description="The title in this language.")
    body: str = strawberry.field(description="The full text in this language.")


@strawberry.input(description="A new version of the terms or privacy policy, in every language.")
class PublishTermsInput:
    kind: TermsDocumentKind = strawberry.field(description="Terms or privacy policy.")
    version: str = strawberry.field(description="A new, unique version label for this kind.")
    texts: list[TermsTextInput] = strawberry.field(
        description="The text in every program language."
    )
    effective_at: dt.datetime | None = strawberry.field(
        default=None, description="When it takes effect; now when not given."
    )


PublishTermsResult = Annotated[
    TermsDocument | InvalidInputError | TermsVersionTakenError | MissingLocaleError,
    strawberry.union(
        "PublishTermsResult", description="The published document, or why it was not published."
    ),
]
