"""Segments: who an offer (and later a campaign) is for. A segment is a set of criteria that
must all hold; an empty criterion does not restrict. Pure: profiles come from service.py."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field
from enum import StrEnum

from app.errors import FieldProblem
from app.i18n import LOCALES

_TAG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
MAX_ITEMS = 50


class Engagement(StrEnum):
    NEW = "new"  # joined in the last 30 days, nothing bought yet
    ACTIVE = "active"  # bought in the last 30 days
    LAPSING = "lapsing"  # last bought 31-90 days ago
    DORMANT = "dormant"  # nothing bought for 90 days (or ever, after the first 30 days)


def engagement_of(
    joined_at: dt.datetime, last_purchase_at: dt.datetime | None, at: dt.datetime
) -> Engagement:
    """How engaged a member is at `at`, from when they last purchased (or joined)."""
    if last_purchase_at is not None:
        idle = at - last_purchase_at
        if idle <= dt.timedelta(days=30):
            return Engagement.ACTIVE
        if idle <= dt.timedelta(days=90):
            return Engagement.LAPSING
        return Engagement.DORMANT
    return Engagement.NEW if at - joined_at <= dt.timedelta(days=30) else Engagement.DORMANT


@dataclass(frozen=True)
class Profile:
    """What segments look at, for one member at one time."""

    member_id: int
    tier: str | None  # tier code
    points: int  # available
    last_purchase_at: dt.datetime | None
    categories: frozenset[str]  # bought in the last 365 days
    interests: frozenset[str]
    locale: str
    engagement: Engagement
    has_device: bool = False  # an active device for pushes
    marketing_consent: bool = False  # opted in to marketing pushes


@dataclass(frozen=True)
class Segment:
    tiers: tuple[str, ...] = ()  # tier codes; "" stands for members below every tier
    min_points: int | None = None
    max_points: int | None = None
    purchased_within_days: int | None = None
    categories: tuple[str, ...] = ()  # bought any of these in the last 365 days
    interests: tuple[str, ...] = ()  # has any of these interests
    locales: tuple[str, ...] = ()
    engagement: tuple[Engagement, ...] = field(default=())
    has_device: bool | None = None  # None: either way
    marketing_consent: bool | None = None

    @property
    def everyone(self) -> bool:
        """Whether the segment sets no condition (so matches every member)."""
        return not (self.tiers or self.categories or self.interests or self.locales
                    or self.engagement or self.min_points is not None
                    or self.max_points is not None or self.purchased_within_days is not None
                    or self.has_device is not None or self.marketing_consent is not None)  # fmt: skip

    def matches(self, p: Profile, at: dt.datetime) -> bool:
        """Whether the member's profile meets every condition of the segment at `at`."""
        if self.tiers and (p.tier or "") not in self.tiers:
            return False
        if self.min_points is not None and p.points < self.min_points:
            return False
        if self.max_points is not None and p.points > self.max_points:
            return False
        if self.purchased_within_days is not None and (
            p.last_purchase_at is None
            or at - p.last_purchase_at > dt.timedelta(days=self.purchased_within_days)
        ):
            return False
        if self.categories and not p.categories & set(self.categories):
            return False
        if self.interests and not p.interests & set(self.interests):
            return False
        if self.locales and p.locale not in self.locales:
            return False
        if self.has_device is not None and p.has_device != self.has_device:
            return False
        if self.marketing_consent is not None and p.marketing_consent != self.marketing_consent:
            return False
        return not (self.engagement and p.engagement not in self.engagement)

    def to_json(self) -> dict:
        """The segment as JSON, without its unset conditions."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()
                if v not in ((), None)}  # fmt: skip

    @classmethod
    def from_json(cls, data: dict | None) -> Segment:
        """The segment stored as JSON (everyone when None)."""
        data = data or {}
        return cls(
            tiers=tuple(data.get("tiers", ())),
            min_points=data.get("min_points"),
            max_points=data.get("max_points"),
            purchased_within_days=data.get("purchased_within_days"),
            categories=tuple(data.get("categories", ())),
            interests=tuple(data.get("interests", ())),
            locales=tuple(data.get("locales", ())),
            engagement=tuple(Engagement(e) for e in data.get("engagement", ())),
            has_device=data.get("has_device"),
            marketing_consent=data.get("marketing_consent"),
        )


def clean_tags(values, name: str, problems: list[FieldProblem]) -> tuple[str, ...]:
    """Lower-case tags (categories, interests), each [a-z0-9_-], at most MAX_ITEMS."""
    tags = tuple(dict.fromkeys(v.strip().lower() for v in values or () if v.strip()))
    if len(tags) > MAX_ITEMS:
        problems.append(FieldProblem(name, "TOO_MANY", {"max": MAX_ITEMS}))
    if any(not _TAG.match(t) for t in tags):
        problems.append(FieldProblem(name, "INVALID_VALUE"))
    return tags


def validate(segment: Segment, tier_codes: set[str], problems: list, prefix: str) -> Segment:
    """The segment with its tags normalised; problems named `{prefix}.{field}`."""
    if any(t and t not in tier_codes for t in segment.tiers):
        problems.append(FieldProblem(f"{prefix}.tiers", "INVALID_VALUE"))
    for name in ("min_points", "max_points", "purchased_within_days"):
        value = getattr(segment, name)
        if value is not None and not 0 <= value <= 10**9:
            camel = re.sub(r"_(\w)", lambda m: m.group(1).upper(), name)
            problems.append(FieldProblem(f"{prefix}.{camel}", "INVALID_VALUE"))
    low, high = segment.min_points, segment.max_points
    if low is not None and high is not None and high < low:
        problems.append(FieldProblem(f"{prefix}.maxPoints", "INVALID_VALUE"))
    if any(loc not in LOCALES for loc in segment.locales):
        problems.append(FieldProblem(f"{prefix}.locales", "UNSUPPORTED_LOCALE"))
    return Segment(
        tiers=segment.tiers, min_points=low, max_points=high,
        purchased_within_days=segment.purchased_within_days,
        categories=clean_tags(segment.categories, f"{prefix}.categories", problems),
        interests=clean_tags(segment.interests, f"{prefix}.interests", problems),
        locales=segment.locales, engagement=segment.engagement, has_device=segment.has_device,
        marketing_consent=segment.marketing_consent,
    )  # fmt: skip
