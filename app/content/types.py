import datetime as dt
from collections.abc import Iterable
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from app import errors
from app.content import models, service
from app.content.service import Seen
from app.graphql import policy
from app.graphql.context import Context
from app.graphql.enums import described_enum
from app.graphql.errors import InvalidInputError, UserError, error_type
from app.i18n import localized

ContentKind = described_enum(
    models.ContentKind,
    name="ContentKind",
    description="What kind of content it is.",
    values={
        "ARTICLE": "A written article.",
        "VIDEO": "A video (`videoUrl`).",
        "BEHIND_THE_SCENES": "A behind-the-scenes story.",
    },
)


ContentStatus = described_enum(
    service.ContentStatus,
    name="ContentStatus",
    description="Where a content item stands, from its publication window.",
    values={
        "SCHEDULED": "Its `publishedAt` is still to come: members do not see it yet.",
        "PUBLISHED": "Members see it now.",
        "TAKEN_DOWN": "Past `unpublishAt`, or taken down before it went live: members do "
        "not see it.",
    },
)
DRAFTS_NOTE = "Staff only (every staff role, as for reward drafts)"


async def _sees_drafts(info: Info[Context, None]) -> bool:
    """Whether the viewer reads content as staff do (every setting, every translation)."""
    return await policy.viewer_allows(info, policy.Access.CATALOG_DRAFTS)


@strawberry.type(
    description="A content item's texts in one locale, as ContentTextInput takes them."
)
class ContentText:
    locale: str = strawberry.field(description="en, nl or es.")
    title: str = strawberry.field(description="The title in this locale.")
    body: str = strawberry.field(description="The body text (may be empty).")


@error_type(errors.ContentNotFound, description="No content has that id.")
class ContentNotFoundError(UserError):
    pass


@strawberry.type(
    description="Exclusive content. `locked`: title only, for a higher tier. Staff "
    "(`allContent`, `node`) see every item, scheduled and taken-down ones too, unlocked."
)
class Content(relay.Node):
    id: relay.NodeID[int]
    kind: ContentKind = strawberry.field(description="What kind of content it is.")
    locked: bool = strawberry.field(
        description="True: your tier is too low; only the title is shown (never for staff)."
    )
    required_tier: str | None = strawberry.field(
        description="The name of the tier that unlocks it: for members while it is locked, "
        "for staff whenever it needs one."
    )
    published_at: dt.datetime = strawberry.field(
        description="When it went live (UTC); for a scheduled item (staff), when it will."
    )
    status: ContentStatus = strawberry.field(
        description="Where it stands: scheduled, published or taken down."
    )
    texts_by_locale: strawberry.Private[dict]
    video: strawberry.Private[str | None]
    image: strawberry.Private[str | None]
    item: strawberry.Private[models.ContentItem]

    @strawberry.field(
        description=f"{DRAFTS_NOTE}: the title and body in every locale it has, by locale "
        "(`saveContent` replaces them all, so an editor starts from these); empty for members."
    )
    async def texts(self, info: Info[Context, None]) -> list[ContentText]:
        if not await _sees_drafts(info):
            return []
        return [
            ContentText(locale=locale, title=entry.get("title") or "",
                        body=entry.get("body") or "")
            for locale, entry in sorted(self.texts_by_locale.items())
        ]  # fmt: skip

    @strawberry.field(
        description=f"{DRAFTS_NOTE}: when it comes down (UTC); null: it stays up, and for members."
    )
    async def unpublish_at(self, info: Info[Context, None]) -> dt.datetime | None:
        return self.item.unpublish_at if await _sees_drafts(info) else None

    @strawberry.field(
        description=f"{DRAFTS_NOTE}: the code of the tier that unlocks it, as ContentInput's "
        "`minTier` takes it; null: every member, and for members."
    )
    async def min_tier(self, info: Info[Context, None]) -> str | None:
        if not await _sees_drafts(info):
            return None
        return await service.min_tier_code(self.item)

    @strawberry.field(description="The title in your locale (falls back to English).")
    async def title(self, info: Info[Context, None]) -> str:
        return localized(self.texts_by_locale, await info.context.locale(), "title")

    @strawberry.field(description="Null while locked.")
    async def body(self, info: Info[Context, None]) -> str | None:
        return (
            None
            if self.locked
            else localized(self.texts_by_locale, await info.context.locale(), "body")
        )

    @strawberry.field(description="Null while locked.")
    def video_url(self) -> str | None:
        return None if self.locked else self.video

    @strawberry.field(description="Null while locked or without an image.")
    def image_url(self) -> str | None:
        return self.image

    @classmethod
    def from_seen(cls, s: Seen) -> "Content":
        i = s.item
        return cls(id=i.id, kind=ContentKind(i.kind), locked=s.locked,
                   required_tier=s.required_tier, published_at=i.publish_at,
                   status=ContentStatus(service.status_of(i)), texts_by_locale=i.texts,
                   video=i.video_url, image=i.image_url, item=i)  # fmt: skip

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info[Context, None], node_ids: Iterable[str], required: bool = False
    ) -> list["Content | None"]:
        """Members: published items (locked ones as teasers). Staff (CATALOG_DRAFTS): any
        item, scheduled and taken-down ones too, unlocked."""
        from app.content.service import as_staff, published_items, visible

        async def load(viewer, ids: list[int]) -> list:
            if policy.allows(viewer, policy.Access.CATALOG_DRAFTS):
                found = await info.context.loaders.content.item.load_many(ids)
                seen = {s.item.id: s for s in await as_staff([i for i in found if i])}
                return [seen.get(i) for i in ids]
            items = await published_items(ids=ids)
            seen = {s.item.id: s for s in await visible(items, member_id=viewer.id)}
            return [seen.get(i) for i in ids]

        return await policy.visible_nodes(
            info, node_ids, access=None, load=load, convert=cls.from_seen
        )


@strawberry.type(description="A page of content, newest first.")
class ContentConnection(relay.Connection[Content]):
    pass


@strawberry.input(description="The content's texts in one locale.")
class ContentTextInput:
    locale: str = strawberry.field(description="en, nl or es.")
    title: str = strawberry.field(description="The title.")
    body: str = strawberry.field(default="", description="The body text; may be empty for a video.")


@strawberry.input(description="Exclusive content's settings.")
class ContentInput:
    kind: ContentKind = strawberry.field(description="What kind of content it is.")
    texts: list[ContentTextInput] = strawberry.field(
        description="One per locale; English is the fallback."
    )
    publish_at: dt.datetime = strawberry.field(description="When it goes live (UTC).")
    unpublish_at: dt.datetime | None = strawberry.field(
        default=None, description="When it comes down (UTC); null: stays up."
    )
    video_url: str | None = strawberry.field(
        default=None, description="https URL of the video; null: none."
    )
    image_url: str | None = strawberry.field(
        default=None, description="https URL of the image; null: none."
    )
    min_tier: str | None = strawberry.field(default=None, description="A tier code.")


@strawberry.type(description="The content was saved.")
class ContentSaved:
    id: relay.GlobalID = strawberry.field(description="The content's global id.")


SaveContentResult = Annotated[
    ContentSaved | InvalidInputError | ContentNotFoundError,
    strawberry.union(
        "SaveContentResult", description="ContentSaved, or ContentNotFound, InvalidInput."
    ),
]
