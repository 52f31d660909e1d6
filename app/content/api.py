from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from app.content import models as M
from app.content import service
from app.content import types as T
from app.graphql import policy
from app.graphql.context import Context
from app.graphql.permissions import Can, IsStaff, allow
from app.graphql.relay import PageAfter, PageFirst, node_id, to_connection

CONTENT_EDITORS = policy.roles(policy.Access.EDIT_CONTENT)


@strawberry.type
class ContentQuery:
    @strawberry.field(
        description="Exclusive content, newest first: yours in full, a higher tier's as a "
        "teaser (title only)."
    )
    async def content(
        self,
        info: Info[Context, None],
        first: PageFirst = 20,
        after: PageAfter = None,
    ) -> T.ContentConnection:
        _, member = await info.context.require_member()
        page = await service.published_page(first=first, after=after)
        seen = {s.item.id: s for s in await service.visible(page.items, member_id=member.id)}
        return to_connection(T.ContentConnection, page, lambda i: T.Content.from_seen(seen[i.id]))

    @strawberry.field(
        description="Staff (every role, as for reward drafts): every content item, newest "
        "first, scheduled and taken-down ones included, unlocked, with every setting it was "
        "saved with (`texts`, `unpublishAt`, `minTier`); only those in `status` when given.",
        extensions=allow(Can(policy.Access.CATALOG_DRAFTS)),
    )
    async def all_content(
        self,
        info: Info[Context, None],
        first: PageFirst = 20,
        after: PageAfter = None,
        status: Annotated[
            T.ContentStatus | None,
            strawberry.argument(description="Only items in this status; null: every item."),
        ] = None,
    ) -> T.ContentConnection:
        page = await service.content_page(
            first=first, after=after,
            status=service.ContentStatus(status.value) if status else None,
        )  # fmt: skip
        seen = {s.item.id: s for s in await service.as_staff(page.items)}
        return to_connection(T.ContentConnection, page, lambda i: T.Content.from_seen(seen[i.id]))


@strawberry.type
class ContentMutation:
    @strawberry.mutation(
        description="Staff (admin, marketer): create content (no id) or replace its settings.",
        extensions=allow(IsStaff(*CONTENT_EDITORS)),
    )
    async def save_content(
        self,
        info: Info[Context, None],
        input: Annotated[
            T.ContentInput,
            strawberry.argument(description="The content's kind, texts and publication window."),
        ],
        id: Annotated[
            relay.GlobalID | None,
            strawberry.argument(description="The content to replace; null: create new content."),
        ] = None,
    ) -> T.SaveContentResult:
        item = await service.save_content(
            item_id=node_id(id, "Content", "id"),
            fields=service.ContentFields(
                kind=M.ContentKind(input.kind.value),
                texts={t.locale: {"title": t.title, "body": t.body} for t in input.texts},
                publish_at=input.publish_at, unpublish_at=input.unpublish_at,
                video_url=input.video_url, image_url=input.image_url,
                min_tier_code=input.min_tier,
            ),
        )  # fmt: skip
        return T.ContentSaved(id=relay.GlobalID("Content", str(item.id)))

    @strawberry.mutation(
        description="Staff (admin, marketer): take content down now.",
        extensions=allow(IsStaff(*CONTENT_EDITORS)),
    )
    async def unpublish_content(
        self,
        info: Info[Context, None],
        id: Annotated[relay.GlobalID, strawberry.argument(description="The content's global id.")],
    ) -> T.SaveContentResult:
        item = await service.unpublish(item_id=node_id(id, "Content", "id"))
        return T.ContentSaved(id=relay.GlobalID("Content", str(item.id)))
