import datetime as dt
from typing import Annotated

import strawberry
from strawberry.types import Info

from app import errors
from app.graphql.context import Context
from app.graphql.errors import InvalidInputError, UserError, error_type
from app.program import models
from app.program import overview as S
from app.program.terms import AcceptanceStatus, Document

# TierTerms shows the tiers' enums: imported so they are named TierBasis and TierWindow
# before strawberry meets them here (it would name them Basis and Window otherwise).
from app.tiers import types as tier_types  # noqa: F401

TermsDocumentKind = strawberry.enum(models.DocumentKind, name="TermsDocumentKind")

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


@error_type(errors.TermsVersionTaken)
class TermsVersionTakenError(UserError):
    version: str


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


@strawberry.type(description="A version of the program terms or privacy policy, in your language.")
class TermsDocument:
    kind: TermsDocumentKind
    version: str
    published_at: dt.datetime
    effective_at: dt.datetime
    texts: strawberry.Private[dict]

    @strawberry.field
    async def title(self, info: Info[Context, None]) -> str:
        return self._text(await info.context.locale(), "title")

    @strawberry.field
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
    locale: str
    earning: EarningTerms
    tiers: TierTerms
    expiry: ExpiryTerms
    redemption: RedemptionTerms
    referral: ReferralTerms
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
    accepted_at: dt.datetime | None
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
    version: str
    accepted_at: dt.datetime
    points_credited: int = strawberry.field(
        description="Points of purchases recorded before you accepted, credited now."
    )


AcceptTermsResult = Annotated[
    TermsAccepted | TermsVersionNotCurrentError, strawberry.union("AcceptTermsResult")
]


@strawberry.input
class TermsTextInput:
    locale: str
    title: str
    body: str


@strawberry.input(description="A new version of the terms or privacy policy, in every language.")
class PublishTermsInput:
    kind: TermsDocumentKind
    version: str
    texts: list[TermsTextInput]
    effective_at: dt.datetime | None = strawberry.field(
        default=None, description="When it takes effect; now when not given."
    )


PublishTermsResult = Annotated[
    TermsDocument | InvalidInputError | TermsVersionTakenError | MissingLocaleError,
    strawberry.union("PublishTermsResult"),
]
