"""Exclusive content: published items for members, full for their tier and below, a teaser
(title only) for higher tiers to show what climbing brings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from tortoise.expressions import F, Q

from app.cache import Cache
from app.clock import now
from app.content.models import ContentItem, ContentKind
from app.errors import ContentNotFound, FieldProblem, InvalidInput
from app.i18n import LOCALES
from app.offers.service import clean_url
from app.tiers.service import current_program, rank_of


def published(at: dt.datetime) -> Q:
    """A filter for items published at `at`."""
    return Q(publish_at__lte=at) & (Q(unpublish_at__isnull=True) | Q(unpublish_at__gt=at))


@dataclass(frozen=True)
class Seen:
    """An item as one member may see it: `locked` items show their title only."""

    item: ContentItem
    locked: bool
    required_tier: str | None  # the tier's name, when locked


async def visible(items: list[ContentItem], *, member_id: int) -> list[Seen]:
    """The items as the member sees them: locked when their tier is below the
    item's."""
    program = await current_program()
    rank = await rank_of(member_id) if any(i.min_tier_id for i in items) else -1
    result = []
    for item in items:
        needed = program.by_id(item.min_tier_id)
        locked = needed is not None and rank < needed.rank
        result.append(Seen(item, locked, needed.name() if locked else None))
    return result


@dataclass
class ContentFields:
    kind: ContentKind
    texts: dict
    publish_at: dt.datetime
    unpublish_at: dt.datetime | None = None
    video_url: str | None = None
    image_url: str | None = None
    min_tier_code: str | None = None


async def _validate(f: ContentFields) -> dict:
    problems: list[FieldProblem] = []
    texts = {}
    for locale, entry in f.texts.items():
        if locale not in LOCALES:
            problems.append(FieldProblem(f"texts.{locale}", "UNSUPPORTED_LOCALE"))
            continue
        title = " ".join((entry.get("title") or "").split())
        body = (entry.get("body") or "").strip()
        if not title or len(title) > 160:
            problems.append(FieldProblem(f"texts.{locale}.title",
                                         "REQUIRED" if not title else "TOO_LONG"))  # fmt: skip
        if len(body) > 50_000:
            problems.append(FieldProblem(f"texts.{locale}.body", "TOO_LONG", {"max": 50_000}))
        texts[locale] = {"title": title, "body": body}
    if "en" not in texts and not any(p.field.startswith("texts.en") for p in problems):
        problems.append(FieldProblem("texts.en.title", "REQUIRED"))
    if f.unpublish_at is not None and f.unpublish_at <= f.publish_at:
        problems.append(FieldProblem("unpublishAt", "ENDS_BEFORE_START"))
    if f.kind == ContentKind.VIDEO and not f.video_url:
        problems.append(FieldProblem("videoUrl", "REQUIRED"))
    tier_id = None
    if f.min_tier_code:
        tier = next((t for t in (await current_program()).tiers if t.code == f.min_tier_code),
                    None)  # fmt: skip
        if tier is None:
            problems.append(FieldProblem("minTier", "INVALID_VALUE"))
        else:
            tier_id = tier.id
    values = {
        "kind": f.kind, "texts": texts, "publish_at": f.publish_at,
        "unpublish_at": f.unpublish_at, "video_url": clean_url(f.video_url, "videoUrl", problems),
        "image_url": clean_url(f.image_url, "imageUrl", problems), "min_tier_id": tier_id,
    }  # fmt: skip
    if problems:
        raise InvalidInput(problems)
    return values


async def save_content(*, item_id: int | None, fields: ContentFields) -> ContentItem:
    """Create an item (no id) or replace one's settings."""
    values = await _validate(fields)
    if item_id is None:
        item = await ContentItem.create(**values)
    elif not await ContentItem.filter(id=item_id).update(**values):
        raise ContentNotFound()
    else:
        item = await ContentItem.get(id=item_id)
    await LIVE.changed()
    return item


async def unpublish(*, item_id: int) -> ContentItem:
    """Unpublish an item now, unless already unpublished (ContentNotFound if
    none); returns it."""
    item = await ContentItem.get_or_none(id=item_id)
    if item is None:
        raise ContentNotFound()
    at = now()
    if item.unpublish_at is None or item.unpublish_at > at:
        await ContentItem.filter(id=item_id).update(unpublish_at=max(at, item.publish_at))
        await LIVE.changed()
    return await ContentItem.get(id=item_id)


# The items members are shown now or will be (not taken down), newest first: every content
# list reads them. Read at most every CACHE_SECONDS and forgotten in every process when staff
# save or unpublish one. Past LIVE_LIMIT such items (bodies up to 50 kB each) the pages are
# read from the database instead. The cached models are shared: read them, never change them.
CACHE_SECONDS = 5.0
LIVE_LIMIT = 200
LIVE: Cache[list[ContentItem] | None] = Cache("content", ttl=CACHE_SECONDS)


async def _load_live() -> list[ContentItem] | None:
    rows = await ContentItem.filter(Q(unpublish_at__isnull=True) | Q(unpublish_at__gt=now())
                                    ).order_by("-id").limit(LIVE_LIMIT + 1)  # fmt: skip
    return rows if len(rows) <= LIVE_LIMIT else None


async def published_page(*, first: int | None, after: str | None):
    """One page of the items published now, newest first (locked ones included)."""
    from app.pagination import Page, decode_cursor, encode_cursor, page_size, paginate_by_id

    live = await LIVE.get(_load_live)
    at = now()
    if live is None:  # too many to keep in memory
        query = ContentItem.filter(published(at))
        return await paginate_by_id(query, first=first, after=after, newest_first=True)
    size = page_size(first)
    key = decode_cursor(after) if after is not None else None
    shown = [i for i in live if i.publish_at <= at
             and (i.unpublish_at is None or i.unpublish_at > at)
             and (key is None or i.id < key)]  # fmt: skip
    items = shown[:size]
    return Page(items, [encode_cursor(i.id) for i in items], len(shown) > size, after is not None)


async def published_items(*, ids: list[int]) -> list[ContentItem]:
    """The items of `ids` that are published now, in no particular order."""
    return await ContentItem.filter(published(now()), id__in=ids)


# ---- staff: every item, whatever its state --------------------------------------------------


class ContentStatus(StrEnum):
    """Where an item stands, from its publication window."""

    SCHEDULED = "scheduled"  # `publish_at` still to come
    PUBLISHED = "published"  # members see it now
    TAKEN_DOWN = "taken_down"  # past `unpublish_at`


def status_of(item: ContentItem, at: dt.datetime | None = None) -> ContentStatus:
    """The item's status at `at` (now by default)."""
    at = at or now()
    # Taken down before it went live (`unpublish` of a scheduled item) counts as taken down.
    if item.unpublish_at is not None and item.unpublish_at <= max(at, item.publish_at):
        return ContentStatus.TAKEN_DOWN
    if item.publish_at > at:
        return ContentStatus.SCHEDULED
    return ContentStatus.PUBLISHED


def _in_status(status: ContentStatus, at: dt.datetime) -> Q:
    """A filter for the items in `status` at `at` (the same cut as `status_of`)."""
    down = Q(unpublish_at__isnull=False) & (
        Q(unpublish_at__lte=at) | Q(unpublish_at__lte=F("publish_at"))
    )
    if status == ContentStatus.TAKEN_DOWN:
        return down
    if status == ContentStatus.SCHEDULED:
        return Q(publish_at__gt=at) & ~down
    return published(at)


async def content_page(
    *, first: int | None, after: str | None, status: ContentStatus | None = None
):
    """One page of every item (scheduled and taken-down ones too), newest first; only those
    in `status` when given."""
    from app.pagination import paginate_by_id

    query = ContentItem.filter(_in_status(status, now())) if status else ContentItem.all()
    return await paginate_by_id(query, first=first, after=after, newest_first=True)


async def items_by_ids(ids: list[int]) -> list[ContentItem | None]:
    """The items of `ids` in order (None where there is none), whatever their state: one
    query for a DataLoader batch."""
    found = {i.id: i for i in await ContentItem.filter(id__in=list(set(ids)))}
    return [found.get(i) for i in ids]


async def as_staff(items: list[ContentItem]) -> list[Seen]:
    """The items as staff see them: nothing locked, with the tier that unlocks each."""
    program = await current_program()
    result = []
    for item in items:
        needed = program.by_id(item.min_tier_id)
        result.append(Seen(item, False, needed.name() if needed else None))
    return result


async def min_tier_code(item: ContentItem) -> str | None:
    """The code of the tier that unlocks the item (None: every member)."""
    needed = (await current_program()).by_id(item.min_tier_id)
    return needed.code if needed else None
