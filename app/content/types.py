import datetime as dt
from collections.abc import Iterable
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from app import errors
from app.content import models
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


@error_type(errors.ContentNotFound, description="No content has that id.")
class ContentNotFoundError(UserError):
    pass


@strawberry.type(description="Exclusive content. `locked`: title only, for a higher tier.")
class Content(relay.Node):
    id: relay.NodeID[int]
    kind: ContentKind = strawberry.field(description="What kind of content it is.")
    locked: bool = strawberry.field(
        description="True: your tier is too low; only the title is shown."
    )
    required_tier: str | None = strawberry.field(description="The tier that unlocks it.")
    published_at: dt.datetime = strawberry.field(description="When it went live (UTC).")
    texts: strawberry.Private[dict]
    video: strawberry.Private[str | None]
    image: strawberry.Private[str | None]

    @strawberry.field(description="The title in your locale (falls back to English).")
    async def title(self, info: Info[Context, None]) -> str:
        return localized(self.texts, await info.context.locale(), "title")

    @strawberry.field(description="Null while locked.")
    async def body(self, info: Info[Context, None]) -> str | None:
        return None if self.locked else localized(self.texts, await info.context.locale(), "body")

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
                   required_tier=s.required_tier, published_at=i.publish_at, texts=i.texts,
                   video=i.video_url, image=i.image_url)  # fmt: skip

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info[Context, None], node_ids: Iterable[str], required: bool = False
    ) -> list["Content | None"]:
        """Published items, for signed-in members (locked ones as teasers)."""
        from app.content.service import published_items, visible

        async def load(viewer, ids: list[int]) -> list:
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
