"""Offers: which a member sees (targeting, time, early access), in what order, clipping them,
and the bonus points they add to a purchase."""

from __future__ import annotations

import base64
import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, NamedTuple

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q

from app.cache import Cache
from app.clock import now
from app.db import connection
from app.errors import FieldProblem, InvalidInput, OfferNotFound
from app.i18n import LOCALES
from app.offers.models import Offer, OfferActivation, OfferKind
from app.segments import service as S
from app.segments.service import profiles
from app.sql import Part, placeholders
from app.tiers.service import current_program

if TYPE_CHECKING:
    from app.pagination import Page

CACHE_SECONDS = 5.0
MAX_BONUS_POINTS = 1_000_000
MAX_MONEY = 10**9


# ---- what a member sees ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Live:
    """A live offer as ranking reads it, worked out once per cache load (every home screen
    ranks every live offer for its member)."""

    offer: Offer
    segment: S.Segment
    targeted: bool  # the segment sets a condition
    interests: frozenset[str]
    categories: frozenset[str]
    early_tiers: frozenset[str]
    early_from: dt.datetime  # when the early-access tiers see it
    # The same instants in whole microseconds since the epoch (exact): compared faster.
    starts: int
    ends: int
    early: int

    def seen_by(self, tier: str | None) -> tuple[int, dt.datetime]:
        """When a member of `tier` first sees it (`visible_from`), in microseconds and as
        the instant."""
        if tier and tier in self.early_tiers:
            return self.early, self.early_from
        return self.starts, self.offer.starts_at


@dataclass(frozen=True, slots=True)
class Board:
    """The live offers as ranking reads them, worked out once per cache load (every home
    screen ranks them for its member): the rank key is (targeted, interests in common,
    categories in common, starts_at, id), highest first, so untargeted offers with nothing
    in common with the member come last, newest first, in an order known in advance."""

    lives: list[Live]  # by id
    targeted: list[Live]
    plain: list[Live]  # untargeted, newest first: (starts_at, id) descending
    by_interest: dict[str, list[Live]]  # untargeted offers about each interest
    by_category: dict[str, list[Live]]  # untargeted offers on each qualifying category
    starts_iso: dict[int, str]  # offer id -> starts_at.isoformat() (for cursors)


LIVE: Cache[Board] = Cache("offers", ttl=CACHE_SECONDS)  # staff edits


async def live_offers() -> list[tuple[Offer, S.Segment]]:
    """Offers not archived and not over, with their parsed segments (read at most every
    CACHE_SECONDS: every home screen and every purchase asks). The models are shared by
    every request: read them, never change them."""
    return [(live.offer, live.segment) for live in (await LIVE.get(_load_live)).lives]


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)


def _micros(at: dt.datetime) -> int:
    return (at - _EPOCH) // _MICROSECOND


async def _load_live() -> Board:
    rows = await Offer.filter(archived_at__isnull=True, ends_at__gt=now()).order_by("id")
    lives = []
    for o in rows:
        segment = S.Segment.from_json(o.segment)
        early_from = o.starts_at - dt.timedelta(hours=o.early_access_hours)
        lives.append(Live(
            o, segment, not segment.everyone, frozenset(o.interests or ()),
            frozenset(o.qualifying_categories or ()), frozenset(o.early_access_tiers or ()),
            early_from, _micros(o.starts_at), _micros(o.ends_at), _micros(early_from),
        ))  # fmt: skip
    plain = [live for live in lives if not live.targeted]
    by_interest: dict[str, list[Live]] = {}
    by_category: dict[str, list[Live]] = {}
    for live in plain:
        for tag in live.interests:
            by_interest.setdefault(tag, []).append(live)
        for tag in live.categories:
            by_category.setdefault(tag, []).append(live)
    plain.sort(key=lambda live: (live.offer.starts_at, live.offer.id), reverse=True)
    return Board(lives, [live for live in lives if live.targeted], plain, by_interest,
                 by_category, {live.offer.id: live.offer.starts_at.isoformat() for live in lives})  # fmt: skip


def visible_from(offer: Offer, profile: S.Profile) -> dt.datetime:
    """When this member first sees the offer: early for the early-access tiers."""
    if profile.tier and profile.tier in (offer.early_access_tiers or ()):
        return offer.starts_at - dt.timedelta(hours=offer.early_access_hours)
    return offer.starts_at


def is_for(
    offer: Offer, profile: S.Profile, at: dt.datetime, segment: S.Segment | None = None
) -> bool:
    """Whether the offer is live for this member at `at`: not archived, in its
    window and their segment matches."""
    segment = segment or S.Segment.from_json(offer.segment)
    return (
        offer.archived_at is None
        and visible_from(offer, profile) <= at < offer.ends_at
        and segment.matches(profile, at)
    )


@dataclass(frozen=True)
class Shown:
    offer: Offer
    visible_from: dt.datetime
    activation: OfferActivation | Clip | None
    # The offer's place in the member's ranking (see `offers_for`), for keyset cursors.
    rank: tuple = ()

    @property
    def uses_left(self) -> int | None:
        """Uses left for the member (bonus-point offers only, else None)."""
        if self.offer.kind != OfferKind.BONUS_POINTS:
            return None
        used = self.activation.uses if self.activation else 0
        return max(self.offer.uses_per_member - used, 0)


async def offers_for(
    member_id: int, *, at: dt.datetime | None = None, profile: S.Profile | None = None
) -> list[Shown]:
    """Every offer the member may see now, ranked: targeted offers first, then those about
    the member's interests, then those on what they buy, then the newest. `profile`: their
    segment profile at `at`, when the caller has it."""
    at = at or now()
    if profile is None:
        profile = (await profiles([member_id], at=at))[member_id]
    mine = list(_ranked(await LIVE.get(_load_live), profile, at))
    activations = await clips(member_id)
    return [Shown(o, seen, activations.get(o.id), key) for key, o, seen in mine]


async def ranked_offers(
    member_id: int, *, profile: S.Profile, at: dt.datetime, first: int | None,
    after: str | None, known_clips: dict[int, Clip] | None = None,
) -> Page:  # fmt: skip
    """One page of `offers_for` after a keyset cursor (`encode_rank`; an older position
    cursor is still accepted): the offers ranked below the cursor's key, whatever was
    inserted or removed above it since, without ranking the offers below the page. What
    the home screen asks. `known_clips`: the member's clips, when already read
    (`clip_facts`)."""
    from app.pagination import Page, page_size

    size = page_size(first)
    key = decode_rank(after) if after is not None else None
    board = await LIVE.get(_load_live)
    ranked = _ranked(board, profile, at)
    skipped = 0
    taken: list[tuple] = []
    for entry in ranked:
        if key is not None and (skipped <= key if isinstance(key, int) else entry[0] >= key):
            skipped += 1
            continue
        taken.append(entry)
        if len(taken) > size:
            break
    activations = known_clips
    if activations is None:
        activations = await clips(member_id) if taken else {}
    items = [Shown(o, seen, activations.get(o.id), k) for k, o, seen in taken[:size]]
    cursors = [encode_rank(s.rank, board.starts_iso[s.offer.id]) for s in items]
    return Page(items, cursors, len(taken) > size, skipped > 0)


def _ranked(board: Board, profile: S.Profile, at: dt.datetime) -> Iterator[tuple]:
    """(rank key, offer, visible from) of the offers live for the member at `at`, highest
    rank first (`is_for` and `visible_from` over what the board worked out once): those
    with a key above the plain ones are ranked here, the plain ones follow in the board's
    order, so a page costs what its offers cost, not all of them."""
    tier, interests, bought = profile.tier, profile.interests, profile.categories
    now = _micros(at)
    # Interests and categories in common, counted through the board's indexes.
    common: dict[int, list] = {}  # offer id -> [live, interests, categories]
    for tag in interests:
        for live in board.by_interest.get(tag, ()):
            common.setdefault(live.offer.id, [live, 0, 0])[1] += 1
    for tag in bought:
        for live in board.by_category.get(tag, ()):
            common.setdefault(live.offer.id, [live, 0, 0])[2] += 1
    head = []
    for live in board.targeted:
        seen, seen_at = live.seen_by(tier)
        if seen <= now < live.ends and live.segment.matches(profile, at):
            offer = live.offer
            key = (True, len(interests & live.interests), len(bought & live.categories),
                   offer.starts_at, offer.id)  # fmt: skip
            head.append((key, offer, seen_at))
    for live, in_common, bought_too in common.values():
        seen, seen_at = live.seen_by(tier)
        if seen <= now < live.ends:
            offer = live.offer
            head.append(((False, in_common, bought_too, offer.starts_at, offer.id), offer, seen_at))
    head.sort(key=lambda entry: entry[0], reverse=True)
    yield from head
    for live in board.plain:
        seen, seen_at = live.seen_by(tier)
        if seen <= now < live.ends and live.offer.id not in common:
            offer = live.offer
            yield (False, 0, 0, offer.starts_at, offer.id), offer, seen_at


class Clip(NamedTuple):
    """A member's clip of an offer, as a plain row: how often it paid out."""

    offer_id: int
    uses: int


def clip_facts(member_ids: list[int]) -> tuple[list[Part], Callable]:
    """The members' clips as a part of their facts (segments.FACT_PART_HOOKS: the home
    screen reads them in the statement that reads the rest of the member): rows tagged
    "clip:<offer id>" with the uses; read as {member id: {offer id: Clip}}."""
    marks = ", ".join(["{}"] * len(member_ids))
    part = Part("SELECT \"member_id\", 'clip:' || CAST(\"offer_id\" AS TEXT), NULL, \"uses\", "
                f'NULL FROM "offer_activation" WHERE "member_id" IN ({marks})', list(member_ids))  # fmt: skip

    def read(rows: list[dict]) -> dict[int, dict[int, Clip]]:
        found: dict[int, dict[int, Clip]] = {m: {} for m in member_ids}
        for r in rows:
            what = r["what"]
            if what.startswith("clip:"):
                offer_id = int(what[5:])
                found[r["member_id"]][offer_id] = Clip(offer_id, int(r["n"]))
        return found

    return [part], read


async def clips(member_id: int) -> dict[int, Clip]:
    """All of the member's clips (few) by offer id, rather than an IN list of every offer
    shown; one hand-written statement, no model objects."""
    conn = connection()
    _, rows = await conn.execute_query(
        f'SELECT "offer_id", "uses" FROM "offer_activation" WHERE "member_id" = '
        f"{placeholders(conn, 1)[0]}", [member_id]
    )  # fmt: skip
    return {r["offer_id"]: Clip(r["offer_id"], r["uses"]) for r in rows}


def encode_rank(key: tuple, starts_iso: str | None = None) -> str:
    """A keyset cursor for an offer's place in a ranking: its rank key (targeted,
    interests, bought, starts_at, id), so an offer inserted before it shifts nothing.
    `starts_iso`: starts_at.isoformat(), when the caller has it."""
    targeted, interests, bought, starts_at, pk = key
    raw = f"r:{int(targeted)}:{interests}:{bought}:{starts_iso or starts_at.isoformat()}:{pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_rank(cursor: str) -> tuple | int:
    """The rank key in a cursor from `encode_rank`, or the position in an older position
    cursor (`encode_position`, still accepted); InvalidInput if neither."""
    try:
        raw = base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode()).decode()
        if raw.startswith("p:"):
            return decode_position(cursor)
        prefix, targeted, interests, bought, rest = raw.split(":", 4)
        starts_at, _, pk = rest.rpartition(":")
        numbers = (targeted, interests, bought, pk)
        if (
            prefix != "r"
            or targeted not in ("0", "1")
            or not all(n.isascii() and n.isdigit() and len(n) <= 19 for n in numbers)
        ):
            raise ValueError
        when = dt.datetime.fromisoformat(starts_at)
        if when.tzinfo is None:
            raise ValueError
        return (targeted == "1", int(interests), int(bought), when, int(pk))
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput([FieldProblem("after", "INVALID_VALUE")]) from None


def encode_position(position: int) -> str:
    """An opaque cursor for a position in a list."""
    return base64.urlsafe_b64encode(f"p:{position}".encode()).decode().rstrip("=")


def decode_position(cursor: str) -> int:
    """The position in a cursor from `encode_position` (InvalidInput if not one)."""
    try:
        raw = base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode()).decode()
        prefix, _, value = raw.partition(":")
        if prefix != "p":
            raise ValueError
        return int(value)
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput([FieldProblem("after", "INVALID_VALUE")]) from None


async def activate(*, member_id: int, offer_id: int) -> Shown:
    """Clip an offer the member can see; clipping it again changes nothing."""
    at = now()
    offer = await Offer.get_or_none(id=offer_id)
    profile = (await profiles([member_id], at=at))[member_id]
    if offer is None or not is_for(offer, profile, at):
        raise OfferNotFound()
    try:
        activation = await OfferActivation.create(member_id=member_id, offer_id=offer.id)
    except IntegrityError:
        activation = await OfferActivation.get(member_id=member_id, offer_id=offer.id)
    return Shown(offer, visible_from(offer, profile), activation)


# ---- bonus points on a purchase -------------------------------------------------------------


@dataclass(frozen=True)
class Bonus:
    """An offer's bonus as the earning rules apply it."""

    offer_id: int
    title: str
    multiplier: Decimal | None
    points: int | None
    categories: tuple[str, ...]
    minimum_spend: int | None


async def bonuses_for_purchase(member_id: int, occurred_at: dt.datetime, conn) -> list[Bonus]:
    """Bonus offers this purchase qualifies for by time, targeting and activation (called
    under the member's lock, so uses cannot be double-spent)."""
    live = await live_offers()
    candidates = [o for o, _ in live
                  if o.kind == OfferKind.BONUS_POINTS and o.starts_at <= occurred_at < o.ends_at]  # fmt: skip
    segments = {o.id: segment for o, segment in live}
    if not candidates:
        return []
    activations = {
        a.offer_id: a
        for a in await OfferActivation.filter(
            member_id=member_id, offer_id__in=[o.id for o in candidates]
        ).using_db(conn)
    }
    profile = (await profiles([member_id], at=occurred_at))[member_id]
    result = []
    for offer in candidates:
        activation = activations.get(offer.id)
        if offer.needs_activation and activation is None:
            continue
        if activation is not None and activation.uses >= offer.uses_per_member:
            continue
        if activation is None and not segments[offer.id].matches(profile, occurred_at):
            continue
        result.append(Bonus(
            offer.id, (offer.texts.get("en") or {}).get("title", ""),
            Decimal(offer.bonus_multiplier) if offer.bonus_multiplier is not None else None,
            offer.bonus_points, tuple(offer.qualifying_categories or ()), offer.minimum_spend,
        ))  # fmt: skip
    return result


async def record_uses(member_id: int, offer_ids: list[int], conn) -> None:
    """Count one use of each offer that paid out on a purchase."""
    for offer_id in offer_ids:
        updated = (
            await OfferActivation.filter(member_id=member_id, offer_id=offer_id)
            .using_db(conn)
            .update(uses=F("uses") + 1)
        )
        if not updated:
            await OfferActivation.create(member_id=member_id, offer_id=offer_id, uses=1,
                                         using_db=conn)  # fmt: skip


# ---- staff ----------------------------------------------------------------------------------


@dataclass
class OfferFields:
    kind: OfferKind
    texts: dict
    starts_at: dt.datetime
    ends_at: dt.datetime
    segment: S.Segment = field(default_factory=S.Segment)
    image_url: str | None = None
    link: str | None = None
    interests: tuple[str, ...] = ()
    early_access_tiers: tuple[str, ...] = ()
    early_access_hours: int = 0
    needs_activation: bool = False
    bonus_multiplier: Decimal | None = None
    bonus_points: int | None = None
    qualifying_categories: tuple[str, ...] = ()
    minimum_spend: int | None = None
    uses_per_member: int = 1
    sku: str | None = None
    member_price: int | None = None
    regular_price: int | None = None
    currency: str | None = None


def _texts(texts: dict, problems: list) -> dict:
    clean = {}
    for locale, entry in texts.items():
        if locale not in LOCALES:
            problems.append(FieldProblem(f"texts.{locale}", "UNSUPPORTED_LOCALE"))
            continue
        title = " ".join((entry.get("title") or "").split())
        description = (entry.get("description") or "").strip()
        if not title:
            problems.append(FieldProblem(f"texts.{locale}.title", "REQUIRED"))
        elif len(title) > 120:
            problems.append(FieldProblem(f"texts.{locale}.title", "TOO_LONG", {"max": 120}))
        if len(description) > 2000:
            problems.append(FieldProblem(f"texts.{locale}.description", "TOO_LONG",
                                         {"max": 2000}))  # fmt: skip
        clean[locale] = {"title": title, "description": description}
    if "en" not in clean and not any(p.field.startswith("texts.en") for p in problems):
        problems.append(FieldProblem("texts.en.title", "REQUIRED"))
    return clean


def clean_url(value: str | None, name: str, problems: list) -> str | None:
    """The URL trimmed (None if blank), noting INVALID_URL in `problems` when bad."""
    value = (value or "").strip() or None
    if value and (len(value) > 500 or any(c.isspace() for c in value)
                  or not re.match(r"^(https://|[a-z][a-z0-9+.-]*://)", value)):  # fmt: skip
        problems.append(FieldProblem(name, "INVALID_URL"))
    return value


async def validate(f: OfferFields) -> dict:
    """The row values for `f`, or InvalidInput listing every problem."""
    problems: list[FieldProblem] = []
    texts = _texts(f.texts, problems)
    if f.ends_at <= f.starts_at:
        problems.append(FieldProblem("endsAt", "ENDS_BEFORE_START"))
    codes = {t.code for t in (await current_program()).tiers}
    segment = S.validate(f.segment, codes, problems, "segment")
    if any(t not in codes for t in f.early_access_tiers):
        problems.append(FieldProblem("earlyAccessTiers", "INVALID_VALUE"))
    if not 0 <= f.early_access_hours <= 24 * 30:
        problems.append(FieldProblem("earlyAccessHours", "INVALID_VALUE"))
    interests = S.clean_tags(f.interests, "interests", problems)
    categories = S.clean_tags(f.qualifying_categories, "qualifyingCategories", problems)
    values = {
        "kind": f.kind, "texts": texts, "starts_at": f.starts_at, "ends_at": f.ends_at,
        "segment": segment.to_json(), "image_url": clean_url(f.image_url, "imageUrl", problems),
        "link": clean_url(f.link, "link", problems), "interests": list(interests),
        "early_access_tiers": list(f.early_access_tiers),
        "early_access_hours": f.early_access_hours, "needs_activation": f.needs_activation,
        "bonus_multiplier": None, "bonus_points": None, "qualifying_categories": [],
        "minimum_spend": None, "uses_per_member": 1, "sku": None, "member_price": None,
        "regular_price": None, "currency": None,
    }  # fmt: skip
    if f.kind == OfferKind.BONUS_POINTS:
        given = [f.bonus_multiplier is not None, f.bonus_points is not None]
        if sum(given) != 1:
            problems.append(FieldProblem("bonusMultiplier", "ONE_REFERENCE"))
        if f.bonus_multiplier is not None and not Decimal("1.01") <= f.bonus_multiplier <= 20:
            problems.append(FieldProblem("bonusMultiplier", "INVALID_VALUE"))
        if f.bonus_points is not None and not 1 <= f.bonus_points <= MAX_BONUS_POINTS:
            problems.append(FieldProblem("bonusPoints", "INVALID_VALUE"))
        if f.minimum_spend is not None and not 1 <= f.minimum_spend <= MAX_MONEY:
            problems.append(FieldProblem("minimumSpend", "INVALID_VALUE"))
        if not 1 <= f.uses_per_member <= 100:
            problems.append(FieldProblem("usesPerMember", "INVALID_VALUE"))
        values.update(bonus_multiplier=f.bonus_multiplier, bonus_points=f.bonus_points,
                      qualifying_categories=list(categories), minimum_spend=f.minimum_spend,
                      uses_per_member=f.uses_per_member)  # fmt: skip
    elif f.bonus_multiplier is not None or f.bonus_points is not None:
        problems.append(FieldProblem("bonusMultiplier", "NOT_FOR_KIND"))
    if f.kind == OfferKind.MEMBER_PRICE:
        if f.member_price is None or not 0 <= f.member_price <= MAX_MONEY:
            problems.append(FieldProblem("memberPrice", "REQUIRED"))
        if (
            f.regular_price is not None
            and f.member_price is not None
            and (f.regular_price <= f.member_price)
        ):
            problems.append(FieldProblem("regularPrice", "INVALID_VALUE"))
        currency = (f.currency or "").strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", currency):
            problems.append(FieldProblem("currency", "UNKNOWN_CURRENCY"))
        values.update(sku=(f.sku or "").strip() or None, member_price=f.member_price,
                      regular_price=f.regular_price, currency=currency)  # fmt: skip
    elif f.member_price is not None:
        problems.append(FieldProblem("memberPrice", "NOT_FOR_KIND"))
    if problems:
        raise InvalidInput(problems)
    return values


async def create_offer(*, fields: OfferFields) -> Offer:
    """Create an offer from validated fields; returns it."""
    offer = await Offer.create(**await validate(fields))
    await LIVE.changed()
    return offer


async def update_offer(*, offer_id: int, fields: OfferFields) -> Offer:
    """Replace an offer's settings (activations and uses so far stay)."""
    values = await validate(fields)
    offer = await Offer.get_or_none(id=offer_id)
    if offer is None:
        raise OfferNotFound()
    await Offer.filter(id=offer_id).update(**values)
    await LIVE.changed()
    return await Offer.get(id=offer_id)


async def archive_offer(*, offer_id: int) -> Offer:
    """Archive an offer (OfferNotFound if none); returns it."""
    if not await Offer.filter(id=offer_id).exists():
        raise OfferNotFound()
    await Offer.filter(id=offer_id, archived_at__isnull=True).update(archived_at=now())
    await LIVE.changed()
    return await Offer.get(id=offer_id)


# ---- staff: every offer, whatever its state -------------------------------------------------


class OfferStatus(StrEnum):
    """Where an offer stands, from its window and whether it was archived."""

    SCHEDULED = "scheduled"  # not started (early-access tiers may already see it)
    LIVE = "live"  # started, not ended
    ENDED = "ended"  # past `ends_at`
    ARCHIVED = "archived"  # archived by staff (whatever its window)


def status_of(offer: Offer, at: dt.datetime | None = None) -> OfferStatus:
    """The offer's status at `at` (now by default)."""
    at = at or now()
    if offer.archived_at is not None:
        return OfferStatus.ARCHIVED
    if offer.ends_at <= at:
        return OfferStatus.ENDED
    if offer.starts_at > at:
        return OfferStatus.SCHEDULED
    return OfferStatus.LIVE


def _in_status(status: OfferStatus, at: dt.datetime) -> Q:
    """A filter for the offers in `status` at `at` (the same cut as `status_of`)."""
    if status == OfferStatus.ARCHIVED:
        return Q(archived_at__isnull=False)
    kept = Q(archived_at__isnull=True)
    if status == OfferStatus.ENDED:
        return kept & Q(ends_at__lte=at)
    if status == OfferStatus.SCHEDULED:
        return kept & Q(starts_at__gt=at, ends_at__gt=at)
    return kept & Q(starts_at__lte=at, ends_at__gt=at)


def earliest_visible(offer: Offer) -> dt.datetime:
    """When the first members see the offer: its start, earlier for early-access tiers."""
    if offer.early_access_tiers and offer.early_access_hours:
        return offer.starts_at - dt.timedelta(hours=offer.early_access_hours)
    return offer.starts_at


async def offer_page(*, first: int | None, after: str | None, status: OfferStatus | None = None):
    """One page of every offer (archived, scheduled and ended ones too), newest first; only
    those in `status` when given."""
    from app.pagination import paginate_by_id

    query = Offer.filter(_in_status(status, now())) if status else Offer.all()
    return await paginate_by_id(query, first=first, after=after, newest_first=True)


async def offers_by_ids(ids: list[int]) -> list[Offer | None]:
    """The offers of `ids` in order (None where there is none), whatever their state: one
    query for a DataLoader batch."""
    found = {o.id: o for o in await Offer.filter(id__in=list(set(ids)))}
    return [found.get(i) for i in ids]
