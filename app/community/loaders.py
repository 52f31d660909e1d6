from __future__ import annotations

from functools import cached_property

from strawberry.dataloader import DataLoader

from app.community import service
from app.community.models import Comment, Group, Post, RsvpStatus
from app.pagination import per_owner_page_loader

# (event id, page size, after id, status): a page of the event's RSVPs in arrival order.
RsvpsKey = tuple[int, int, int | None, RsvpStatus | None]


class CommunityLoaders:
    """`viewer_id` is the signed-in member, for their own reactions."""

    def __init__(self, viewer_id: int | None = None):
        self.viewer_id = viewer_id

    def facts_for(self, viewer_id: int | None) -> DataLoader[int, service.PostFacts]:
        """Per post: comments, reactions and the viewer's own, one statement per page."""
        loaders = self.__dict__.setdefault("_facts", {})
        if viewer_id not in loaders:
            loaders[viewer_id] = DataLoader(load_fn=service.post_facts(viewer_id))
        return loaders[viewer_id]

    # ---- staff: the moderation queue and events' lists ------------------------------------

    @cached_property
    def post(self) -> DataLoader[int, Post | None]:
        """Posts by id, hidden ones included (for the moderation queue)."""
        return DataLoader(load_fn=service.posts_by_ids)

    @cached_property
    def comment(self) -> DataLoader[int, Comment | None]:
        """Comments by id, hidden ones included (for the moderation queue)."""
        return DataLoader(load_fn=service.comments_by_ids)

    @cached_property
    def group(self) -> DataLoader[int, Group | None]:
        """Groups by id, archived ones included (for the moderation queue)."""
        return DataLoader(load_fn=service.groups_by_ids)

    @cached_property
    def event_rsvps(self) -> DataLoader[RsvpsKey, service.RsvpPage]:
        """Pages of events' RSVPs: one query per distinct (size, after, status)."""
        return DataLoader(load_fn=per_owner_page_loader(service.event_rsvp_pages))
