"""Member profiles for segment matching, for a batch of members in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

from tortoise.functions import Max

from app.earning.models import Purchase
from app.ledger import service as ledger
from app.members.models import Channel, ChannelPreference, Member
from app.messaging.service import members_with_devices
from app.segments.rules import Profile, engagement_of
from app.tiers import service as tiers

CATEGORY_DAYS = 365


async def profiles(
    member_ids: list[int],
    *,
    at: dt.datetime | None = None,
    known: dict[int, tuple] | None = None,
) -> dict[int, Profile]:
    """`known` maps member id -> (tier status, balance) the caller already loaded (the
    request's DataLoaders), to spare those queries."""
    at = at or dt.datetime.now(dt.UTC)
    members = {m.id: m for m in await Member.filter(id__in=member_ids)}
    if known is not None and all(m in known for m in member_ids):
        statuses = {m: known[m][0] for m in member_ids}
        balances = {m: known[m][1] for m in member_ids}
    else:
        statuses = {s.member_id: s for s in await tiers.statuses(member_ids, at=at)}
        balances = {b.member_id: b for b in await ledger.balances(member_ids)}
    last = {
        row["member_id"]: row["last"]
        for row in await Purchase.filter(member_id__in=member_ids)
        .group_by("member_id")
        .annotate(last=Max("occurred_at"))
        .values("member_id", "last")
    }
    bought: dict[int, set[str]] = {m: set() for m in member_ids}
    for member_id, lines in await Purchase.filter(
        member_id__in=member_ids, occurred_at__gte=at - dt.timedelta(days=CATEGORY_DAYS)
    ).values_list("member_id", "lines"):
        bought[member_id].update(line["category"] for line in lines or () if line.get("category"))
    with_device = await members_with_devices(member_ids)
    consenting = set(await ChannelPreference.filter(
        member_id__in=member_ids, channel=Channel.PUSH, opted_in=True,
    ).values_list("member_id", flat=True))  # fmt: skip
    result = {}
    for member_id, member in members.items():
        status = statuses[member_id]
        last_at = last.get(member_id)
        if isinstance(last_at, str):  # SQLite aggregates come back as text
            last_at = dt.datetime.fromisoformat(last_at)
        result[member_id] = Profile(
            member_id=member_id,
            tier=status.current.code if status.current else None,
            points=balances[member_id].available,
            last_purchase_at=last_at,
            categories=frozenset(bought[member_id]),
            interests=frozenset(i.lower() for i in member.interests or ()),
            locale=member.locale,
            engagement=engagement_of(member.created_at, last_at, at),
            has_device=member_id in with_device,
            marketing_consent=member_id in consenting,
        )
    return result
