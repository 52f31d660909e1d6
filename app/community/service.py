"""Community rules: who may read and post where, limits, reactions, moderation with an audit
trail, and events whose places and waitlist are decided under the event row's lock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from typing import NamedTuple

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.functions import Count

from app.cache import Cache
from app.clock import now
from app.community.models import (
    Comment,
    Event,
    Group,
    GroupMembership,
    ModerationAction,
    ModerationLog,
    Post,
    Reaction,
    ReactionKind,
    Report,
    Rsvp,
    RsvpStatus,
)
from app.db import connection, transaction
from app.errors import (
    AlreadyRsvped,
    EventNotFound,
    FieldProblem,
    GroupNotFound,
    InvalidInput,
    MemberNotFound,
    NotEligible,
    PostingNotAllowed,
    PostNotFound,
    RsvpNotFound,
    SlowDown,
)
from app.events import publish_after_commit
from app.i18n import LOCALES
from app.members import service as members
from app.offers.service import clean_url
from app.sql import placeholders
from app.tiers.service import current_program, rank_of

POST_LIMIT, COMMENT_LIMIT = 2000, 1000  # characters
MAX_IMAGES = 4
RATE_WINDOW = dt.timedelta(minutes=10)
POSTS_PER_WINDOW, COMMENTS_PER_WINDOW = 5, 20


def group_topic(group_id: int) -> str:
    """The event-bus topic of a group's feed."""
    return f"group:{group_id}"


# ---- access ---------------------------------------------------------------------------------


async def _tier_gate(min_tier_id: int | None, member_id: int) -> None:
    if min_tier_id is None:
        return
    needed = (await current_program()).by_id(min_tier_id)
    if needed is not None and await rank_of(member_id) < needed.rank:
        raise NotEligible(reason="TIER", tier=needed.name())


# The groups not archived, by id: every feed request checks its group (staff add groups
# rarely; `create_group` announces the change to every process).
LIVE_GROUPS: Cache[dict[int, Group]] = Cache("community-groups", ttl=5.0)


async def _live_groups() -> dict[int, Group]:
    return {g.id: g for g in await Group.filter(archived_at__isnull=True)}


async def readable_group(group_id: int | None, member_id: int) -> Group:
    """The group, if it exists and the member's tier opens it."""
    group = None
    if group_id:
        group = (await LIVE_GROUPS.get(_live_groups)).get(group_id)
        if group is None:  # perhaps created since the cache was read (another process)
            group = await Group.get_or_none(id=group_id, archived_at__isnull=True)
    if group is None:
        raise GroupNotFound()
    await _tier_gate(group.min_tier_id, member_id)
    return group


async def join(*, group_id: int, member_id: int) -> GroupMembership:
    """Join the group (or rejoin after leaving); returns the membership."""
    await readable_group(group_id, member_id)
    membership = await GroupMembership.get_or_none(group_id=group_id, member_id=member_id)
    if membership is None:
        try:
            return await GroupMembership.create(group_id=group_id, member_id=member_id)
        except IntegrityError:  # joined twice at once
            return await GroupMembership.get(group_id=group_id, member_id=member_id)
    if membership.left_at is not None:
        membership.left_at = None
        await membership.save(update_fields=["left_at"])
    return membership


async def leave(*, group_id: int, member_id: int) -> None:
    """Leave the group, if the member is in it."""
    await GroupMembership.filter(group_id=group_id, member_id=member_id,
                                 left_at__isnull=True).update(left_at=now())  # fmt: skip


async def _may_post(group_id: int, member_id: int, at: dt.datetime) -> None:
    membership = await GroupMembership.get_or_none(group_id=group_id, member_id=member_id)
    if membership is None or membership.left_at is not None:
        raise PostingNotAllowed(reason="NOT_A_MEMBER")
    if membership.banned_at is not None:
        raise PostingNotAllowed(reason="BANNED")
    if membership.muted_until is not None and membership.muted_until > at:
        raise PostingNotAllowed(reason="MUTED", until=membership.muted_until)


async def _rate_limit(model, member_id: int, limit: int, at: dt.datetime) -> None:
    recent = await model.filter(author_id=member_id, created_at__gt=at - RATE_WINDOW).order_by(
        "created_at"
    ).values_list("created_at", flat=True)  # fmt: skip
    if len(recent) >= limit:
        oldest = recent[-limit]
        wait = int((oldest + RATE_WINDOW - at).total_seconds()) + 1
        raise SlowDown(retry_after_seconds=max(wait, 1))


def _text(value: str, limit: int, problems: list) -> str:
    text = (value or "").strip()
    if not text:
        problems.append(FieldProblem("text", "REQUIRED"))
    elif len(text) > limit:
        problems.append(FieldProblem("text", "TOO_LONG", {"max": limit}))
    return text


# ---- posts, comments, reactions -------------------------------------------------------------


async def create_post(
    *, group_id: int, member_id: int, text: str, image_urls: Sequence[str] = ()
) -> Post:
    """Post to a group the member is in (validated and rate-limited); announce it
    on the group's topic once committed."""
    problems: list[FieldProblem] = []
    text = _text(text, POST_LIMIT, problems)
    if len(image_urls) > MAX_IMAGES:
        problems.append(FieldProblem("imageUrls", "TOO_MANY", {"max": MAX_IMAGES}))
    urls = [clean_url(u, "imageUrls", problems) for u in image_urls]
    if any(u and not u.startswith("https://") for u in urls):
        problems.append(FieldProblem("imageUrls", "INVALID_URL"))
    if problems:
        raise InvalidInput(problems)
    at = now()
    await readable_group(group_id, member_id)
    await _may_post(group_id, member_id, at)
    await _rate_limit(Post, member_id, POSTS_PER_WINDOW, at)
    async with transaction() as tx:
        post = await Post.create(group_id=group_id, author_id=member_id, text=text,
                                 image_urls=[u for u in urls if u], using_db=tx.connection)  # fmt: skip
        publish_after_commit(tx, group_topic(group_id), {"type": "POST_ADDED", "post": post.id})
    return post


async def visible_post(post_id: int | None, member_id: int) -> Post:
    """The post, unless hidden or in a group the member cannot read (PostNotFound)."""
    post = await Post.get_or_none(id=post_id, hidden_at__isnull=True) if post_id else None
    if post is None:
        raise PostNotFound()
    await readable_group(post.group_id, member_id)
    return post


async def comment(*, post_id: int, member_id: int, text: str) -> Comment:
    """Comment on a visible post, as a group member (validated and rate-limited)."""
    problems: list[FieldProblem] = []
    text = _text(text, COMMENT_LIMIT, problems)
    if problems:
        raise InvalidInput(problems)
    at = now()
    post = await visible_post(post_id, member_id)
    await _may_post(post.group_id, member_id, at)
    await _rate_limit(Comment, member_id, COMMENTS_PER_WINDOW, at)
    return await Comment.create(post_id=post.id, author_id=member_id, text=text)


async def react(*, post_id: int, member_id: int, kind: ReactionKind | None) -> Post:
    """Set (or with no kind, remove) the member's reaction to a visible post."""
    post = await visible_post(post_id, member_id)
    if kind is None:
        await Reaction.filter(post_id=post.id, member_id=member_id).delete()
        return post
    updated = await Reaction.filter(post_id=post.id, member_id=member_id).update(kind=kind)
    if not updated:
        try:
            await Reaction.create(post_id=post.id, member_id=member_id, kind=kind)
        except IntegrityError:  # reacted twice at once: the last one wins
            await Reaction.filter(post_id=post.id, member_id=member_id).update(kind=kind)
    return post


# ---- batched reads for DataLoaders ----------------------------------------------------------


class PostFacts(NamedTuple):
    """What a feed shows under a post: visible comments, reactions by kind, the viewer's own."""

    comments: int
    reactions: dict[str, int]
    mine: str | None


def post_facts(viewer_id: int | None) -> Callable[[list[int]], Awaitable[list[PostFacts]]]:
    """A loader: per post, in the order asked, its `PostFacts` for this viewer (None: nobody
    signed in), in ONE statement for the whole page (a feed page used to cost three)."""

    async def load(post_ids: list[int]) -> list[PostFacts]:
        conn = connection()
        n = len(post_ids)
        marks = placeholders(conn, 3 * n + 1)
        first, second, third = (", ".join(marks[k * n : (k + 1) * n]) for k in range(3))
        sql = (
            f'SELECT "post_id", 0 AS "what", \'\' AS "kind", COUNT(*) AS "n" '
            f'FROM "community_comment" WHERE "post_id" IN ({first}) AND "hidden_at" IS NULL '
            f'GROUP BY "post_id" UNION ALL '
            f'SELECT "post_id", 1, "kind", COUNT(*) FROM "community_reaction" '
            f'WHERE "post_id" IN ({second}) GROUP BY "post_id", "kind" UNION ALL '
            f'SELECT "post_id", 2, "kind", 1 FROM "community_reaction" '
            f'WHERE "post_id" IN ({third}) AND "member_id" = {marks[-1]}'
        )
        _, rows = await conn.execute_query(sql, [*post_ids * 3, viewer_id or 0])
        comments: dict[int, int] = {}
        reactions: dict[int, dict[str, int]] = {i: {} for i in post_ids}
        mine: dict[int, str] = {}
        for r in rows:
            what, post = r["what"], r["post_id"]
            if what == 0:
                comments[post] = r["n"]
            elif what == 1:
                reactions[post][r["kind"]] = r["n"]
            elif viewer_id:
                mine[post] = r["kind"]
        return [PostFacts(comments.get(i, 0), reactions[i], mine.get(i)) for i in post_ids]

    return load


# ---- moderation -----------------------------------------------------------------------------


def _reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput([FieldProblem("reason", "REQUIRED")])
    if len(reason) > 500:
        raise InvalidInput([FieldProblem("reason", "TOO_LONG", {"max": 500})])
    return reason


async def report(
    *, member_id: int, post_id: int | None, comment_id: int | None, reason: str
) -> Report:
    """Report one visible post or comment (exactly one of them) to the moderators."""
    reason = _reason(reason)
    if (post_id is None) == (comment_id is None):
        raise InvalidInput([FieldProblem("postId", "ONE_REFERENCE")])
    if comment_id is not None:
        found = await Comment.get_or_none(id=comment_id, hidden_at__isnull=True)
        if found is None:
            raise PostNotFound()
        await visible_post(found.post_id, member_id)
    else:
        await visible_post(post_id, member_id)
    return await Report.create(reporter_id=member_id, post_id=post_id, comment_id=comment_id,
                               reason=reason)  # fmt: skip


async def hide(
    *, actor_id: int, post_id: int | None = None, comment_id: int | None = None, reason: str
) -> None:
    """Hide a post or a comment (it disappears from feeds), with the reason logged."""
    reason = _reason(reason)
    at = now()
    async with transaction() as tx:
        if post_id is not None:
            if not await Post.filter(id=post_id).using_db(tx.connection).update(hidden_at=at):
                raise PostNotFound()
            action = ModerationAction.HIDE_POST
        else:
            if not await Comment.filter(id=comment_id).using_db(tx.connection).update(hidden_at=at):
                raise PostNotFound()
            action = ModerationAction.HIDE_COMMENT
        await Report.filter(post_id=post_id, comment_id=comment_id,
                            resolved_at__isnull=True).using_db(tx.connection).update(
            resolved_at=at)  # fmt: skip
        await ModerationLog.create(actor_id=actor_id, action=action, post_id=post_id,
                                   comment_id=comment_id, reason=reason,
                                   using_db=tx.connection)  # fmt: skip


async def restrict(
    *, actor_id: int, group_id: int, member_id: int, action: ModerationAction, reason: str,
    until: dt.datetime | None = None,
) -> GroupMembership:  # fmt: skip
    """Mute (until a time), ban or unban a member in a group, logged."""
    reason = _reason(reason)
    if action == ModerationAction.MUTE and (until is None or until <= now()):
        raise InvalidInput([FieldProblem("until", "INVALID_DATE")])
    if not await Group.filter(id=group_id).exists():
        raise GroupNotFound()
    if not await members.member_exists(member_id=member_id):
        raise MemberNotFound()
    async with transaction() as tx:
        conn = tx.connection
        membership = await GroupMembership.get_or_none(group_id=group_id, member_id=member_id)
        if membership is None:
            membership = await GroupMembership.create(group_id=group_id, member_id=member_id,
                                                      left_at=now(), using_db=conn)  # fmt: skip
        if action == ModerationAction.MUTE:
            membership.muted_until = until
        elif action == ModerationAction.BAN:
            membership.banned_at = now()
        else:
            membership.banned_at = membership.muted_until = None
        await membership.save(using_db=conn)
        await ModerationLog.create(actor_id=actor_id, action=action, group_id=group_id,
                                   member_id=member_id, reason=reason, until=until,
                                   using_db=conn)  # fmt: skip
    return membership


# ---- events ---------------------------------------------------------------------------------

# Called in the RSVP's transaction with (transaction, member id, event, status, promoted=)
# whenever a member gets a place or a waitlist spot; `promoted` is True for the first on the
# waitlist taking a place given up (messaging tells them; app.wiring subscribes).
RSVP_HOOKS: list[Callable[..., Awaitable[None]]] = []


async def _event_for(event_id: int | None, member_id: int, conn) -> Event:
    event = None
    if event_id:
        event = (
            await Event.select_for_update()
            .using_db(conn)
            .get_or_none(id=event_id, cancelled_at__isnull=True)
        )
    if event is None or event.ends_at <= now():
        raise EventNotFound()
    await _tier_gate(event.min_tier_id, member_id)
    return event


async def rsvp(*, event_id: int, member_id: int) -> Rsvp:
    """A place if one is left, else the end of the waitlist; decided under the event's lock,
    so the capacity is never exceeded and the waitlist keeps arrival order."""
    async with transaction() as tx:
        conn = tx.connection
        event = await _event_for(event_id, member_id, conn)
        existing = await Rsvp.get_or_none(event_id=event.id, member_id=member_id).using_db(conn)
        if existing is not None and existing.status != RsvpStatus.CANCELLED:
            raise AlreadyRsvped()
        status = RsvpStatus.CONFIRMED if event.confirmed < event.capacity else (
            RsvpStatus.WAITLISTED)  # fmt: skip
        if status == RsvpStatus.CONFIRMED:
            await Event.filter(id=event.id).using_db(conn).update(confirmed=F("confirmed") + 1)
        if existing is not None:  # back after cancelling: a new place in the queue
            await existing.delete(using_db=conn)
        place = await Rsvp.create(event_id=event.id, member_id=member_id, status=status,
                                  using_db=conn)  # fmt: skip
        for hook in RSVP_HOOKS:
            await hook(tx, member_id, event, status, promoted=False)
    return place


async def cancel_rsvp(*, event_id: int, member_id: int) -> Rsvp:
    """Give up a place (the first on the waitlist gets it) or a waitlist spot."""
    async with transaction() as tx:
        conn = tx.connection
        event = await Event.select_for_update().using_db(conn).get_or_none(id=event_id)
        if event is None:
            raise EventNotFound()
        place = await Rsvp.get_or_none(event_id=event_id, member_id=member_id).using_db(conn)
        if place is None or place.status == RsvpStatus.CANCELLED:
            raise RsvpNotFound()
        was = place.status
        place.status = RsvpStatus.CANCELLED
        await place.save(using_db=conn, update_fields=["status", "updated_at"])
        if was == RsvpStatus.CONFIRMED:
            first = (
                await Rsvp.filter(event_id=event_id, status=RsvpStatus.WAITLISTED)
                .using_db(conn)
                .order_by("id")
                .first()
            )
            if first is not None:
                first.status = RsvpStatus.CONFIRMED
                await first.save(using_db=conn, update_fields=["status", "updated_at"])
                for hook in RSVP_HOOKS:
                    await hook(tx, first.member_id, event, RsvpStatus.CONFIRMED, promoted=True)
            else:
                await Event.filter(id=event_id).using_db(conn).update(confirmed=F("confirmed") - 1)
    return place


async def waitlist_position(event_id: int, rsvp_id: int) -> int:
    """The RSVP's place on the event's waiting list (1: next in)."""
    return await Rsvp.filter(event_id=event_id, status=RsvpStatus.WAITLISTED,
                             id__lte=rsvp_id).count()  # fmt: skip


# ---- staff: groups and events ---------------------------------------------------------------


def _texts(texts: dict, keys: tuple[str, str], problems: list) -> dict:
    clean = {}
    title_key, body_key = keys
    for locale, entry in texts.items():
        if locale not in LOCALES:
            problems.append(FieldProblem(f"texts.{locale}", "UNSUPPORTED_LOCALE"))
            continue
        title = " ".join((entry.get(title_key) or "").split())
        if not title or len(title) > 120:
            problems.append(FieldProblem(f"texts.{locale}.{title_key}",
                                         "REQUIRED" if not title else "TOO_LONG"))  # fmt: skip
        clean[locale] = {title_key: title, body_key: (entry.get(body_key) or "").strip()[:4000]}
    if "en" not in clean:
        problems.append(FieldProblem(f"texts.en.{title_key}", "REQUIRED"))
    return clean


async def _tier_id(code: str | None, problems: list) -> int | None:
    if not code:
        return None
    tier = next((t for t in (await current_program()).tiers if t.code == code), None)
    if tier is None:
        problems.append(FieldProblem("minTier", "INVALID_VALUE"))
        return None
    return tier.id


async def create_group(*, texts: dict, min_tier_code: str | None) -> Group:
    """Create a group from validated texts, optionally open only from a tier."""
    problems: list[FieldProblem] = []
    clean = _texts(texts, ("name", "description"), problems)
    tier_id = await _tier_id(min_tier_code, problems)
    if problems:
        raise InvalidInput(problems)
    group = await Group.create(texts=clean, min_tier_id=tier_id)
    await LIVE_GROUPS.changed()
    return group


async def create_event(
    *, texts: dict, starts_at: dt.datetime, ends_at: dt.datetime, capacity: int,
    location: str | None, min_tier_code: str | None,
) -> Event:  # fmt: skip
    """Create an event from validated texts, times, capacity and location,
    optionally open only from a tier."""
    problems: list[FieldProblem] = []
    clean = _texts(texts, ("title", "description"), problems)
    if ends_at <= starts_at:
        problems.append(FieldProblem("endsAt", "ENDS_BEFORE_START"))
    if not 1 <= capacity <= 100_000:
        problems.append(FieldProblem("capacity", "INVALID_VALUE"))
    location = (location or "").strip() or None
    if location and len(location) > 200:
        problems.append(FieldProblem("location", "TOO_LONG", {"max": 200}))
    tier_id = await _tier_id(min_tier_code, problems)
    if problems:
        raise InvalidInput(problems)
    return await Event.create(texts=clean, starts_at=starts_at, ends_at=ends_at,
                              capacity=capacity, location=location, min_tier_id=tier_id)  # fmt: skip


# ---- lists and reads for the API ------------------------------------------------------------


async def group_page(*, first: int | None, after: str | None):
    """One page of the groups not archived, oldest first."""
    from app.pagination import paginate_by_id

    return await paginate_by_id(Group.filter(archived_at__isnull=True), first=first, after=after)


class PostRow(NamedTuple):
    """A post as a feed page shows it (a plain read-only row; `Post` models elsewhere)."""

    id: int
    author_id: int
    text: str
    image_urls: list
    created_at: dt.datetime
    author_name: str | None  # read with it (members.display_name_of)


async def post_page(
    *,
    group_id: int,
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
):
    """One page of a group's posts that are not hidden, newest first (`last`/`before`:
    backward, towards the newest). Forward pages (the feed as the app opens it) come as
    plain rows (`PostRow`)."""
    from app.pagination import paginate_by_id, rows_page

    if last is None and before is None:
        author_name = members.display_name_of('"community_post"."author_id"')
        return await rows_page(Post, PostRow, where='"group_id" = {} AND "hidden_at" IS NULL',
                               params=[group_id], first=first, after=after, newest_first=True,
                               computed={"author_name": author_name})  # fmt: skip
    query = Post.filter(group_id=group_id, hidden_at__isnull=True)
    return await paginate_by_id(query, first=first, after=after, newest_first=True,
                                last=last, before=before)  # fmt: skip


async def post_count(*, group_id: int) -> int:
    """How many posts of the group are not hidden: one COUNT on the (group_id, id) index."""
    return await Post.filter(group_id=group_id, hidden_at__isnull=True).count()


async def comment_page(*, post_id: int, first: int | None, after: str | None):
    """One page of a post's comments that are not hidden, oldest first."""
    from app.pagination import paginate_by_id

    query = Comment.filter(post_id=post_id, hidden_at__isnull=True)
    return await paginate_by_id(query, first=first, after=after)


async def upcoming_event_page(*, first: int | None, after: str | None):
    """One page of the events neither cancelled nor over, by id."""
    from app.pagination import paginate_by_id

    query = Event.filter(cancelled_at__isnull=True, ends_at__gt=now())
    return await paginate_by_id(query, first=first, after=after)


async def group_by_id(*, group_id: int) -> Group:
    """The group `group_id` (it exists: the caller has just used it)."""
    return await Group.get(id=group_id)


async def event_by_id(*, event_id: int) -> Event:
    """The event `event_id` (it exists: the caller holds an RSVP to it)."""
    return await Event.get(id=event_id)


async def shown_post(*, post_id: int | None, group_id: int) -> Post | None:
    """Post `post_id` when it is in `group_id` and not hidden; None otherwise."""
    if post_id is None:
        return None
    return await Post.get_or_none(id=post_id, group_id=group_id, hidden_at__isnull=True)


async def nodes_for(kind: str, ids: list[int], *, member_id: int) -> list:
    """For `node(id:)`: the groups, posts, comments or events (`kind`) with these ids that
    `member_id` may read, in order; None for any that does not exist, is archived, hidden
    or cancelled, or sits behind a tier gate the member does not pass (no existence oracle:
    all of these look the same)."""
    model = {"group": Group, "post": Post, "comment": Comment, "event": Event}[kind]
    live = {"group": {"archived_at__isnull": True}, "post": {"hidden_at__isnull": True},
            "comment": {"hidden_at__isnull": True},
            "event": {"cancelled_at__isnull": True}}[kind]  # fmt: skip
    rows = {r.id: r for r in await model.filter(id__in=ids, **live)}
    found = []
    for pk in ids:
        row = rows.get(pk)
        try:
            if row is None:
                pass
            elif kind == "group":
                await _tier_gate(row.min_tier_id, member_id)
            elif kind == "post":
                await readable_group(row.group_id, member_id)
            elif kind == "comment":
                await visible_post(row.post_id, member_id)
            else:
                await _tier_gate(row.min_tier_id, member_id)
        except (NotEligible, GroupNotFound, PostNotFound):
            row = None
        found.append(row)
    return found


# ---- staff reads: the moderation queue, an event's list -----------------------------------


async def report_page(*, first: int | None, after: str | None, resolved: bool = False):
    """One page of the members' reports: the open ones (the moderators' queue) oldest
    first; with `resolved`, the resolved ones newest first."""
    from app.pagination import paginate_by_id

    query = Report.filter(resolved_at__isnull=not resolved)
    return await paginate_by_id(query, first=first, after=after, newest_first=resolved)


async def report_count(*, resolved: bool = False) -> int:
    """How many reports are open (or, with `resolved`, resolved)."""
    return await Report.filter(resolved_at__isnull=not resolved).count()


async def _by_ids(model, ids: list[int]) -> list:
    found = {row.id: row for row in await model.filter(id__in=ids)}
    return [found.get(i) for i in ids]


async def reports_by_ids(report_ids: list[int]) -> list[Report | None]:
    """Reports in the order asked (None where missing)."""
    return await _by_ids(Report, report_ids)


async def posts_by_ids(post_ids: list[int]) -> list[Post | None]:
    """Posts, hidden ones included, in the order asked (None where missing)."""
    return await _by_ids(Post, post_ids)


async def comments_by_ids(comment_ids: list[int]) -> list[Comment | None]:
    """Comments, hidden ones included, in the order asked (None where missing)."""
    return await _by_ids(Comment, comment_ids)


async def groups_by_ids(group_ids: list[int]) -> list[Group | None]:
    """Groups, archived ones included, in the order asked (None where missing)."""
    return await _by_ids(Group, group_ids)


RsvpPage = tuple[list[Rsvp], bool, dict[int, int]]  # rows, has more, {rsvp id: position}


async def event_rsvp_pages(
    event_ids: Sequence[int], size: int, after_id: int | None, status: RsvpStatus | None
) -> dict[int, RsvpPage]:
    """For staff: several events' RSVPs in arrival (`id`) order, the `size` after `after_id`,
    in one query, with each waitlisted one's place on the waitlist (one grouped COUNT more,
    only for a page after the first)."""
    from app.pagination import newest_pages_per_owner

    where = {"status": status.value} if status is not None else None
    pages = await newest_pages_per_owner(
        Rsvp, list(event_ids), size=size, before_id=None, after_id=after_id, owner="event_id",
        where=where, oldest_first=True,
    )  # fmt: skip
    ahead: dict[int, int] = {}
    if after_id is not None and status in (None, RsvpStatus.WAITLISTED):
        rows = await Rsvp.filter(event_id__in=list(event_ids), status=RsvpStatus.WAITLISTED,
                                 id__lte=after_id).group_by("event_id").annotate(
            n=Count("id")).values("event_id", "n")  # fmt: skip
        ahead = {r["event_id"]: r["n"] for r in rows}
    found: dict[int, RsvpPage] = {}
    for event_id, (items, more) in pages.items():
        place, positions = ahead.get(event_id, 0), {}
        for item in items:
            if item.status == RsvpStatus.WAITLISTED:
                place += 1
                positions[item.id] = place
        found[event_id] = (items, more, positions)
    return found


# ---- retention and erasure -------------------------------------------------------------------

REMOVED = "[removed]"  # what an erasure leaves of a member's text


def posted_since(*, since: dt.datetime) -> list:
    """Ids of the members who posted, then who commented, since `since`: subqueries."""
    return [Post.filter(created_at__gte=since).values("author_id"),
            Comment.filter(created_at__gte=since).values("author_id")]  # fmt: skip


async def forget_member(*, member_id: int) -> None:
    """For an erasure: the member's posts, comments, reports and moderation log lose their text."""
    async with transaction():
        await Post.filter(author_id=member_id).update(text=REMOVED, image_urls=[])
        await Comment.filter(author_id=member_id).update(text=REMOVED)
        await Report.filter(reporter_id=member_id).update(reason=REMOVED)
        await ModerationLog.filter(member_id=member_id).update(reason=REMOVED)
