"""Segments, the public face: member profiles for segment matching, for a batch of members in
a fixed number of queries, and the segment vocabulary of `rules` (re-exported for offers and
campaigns)."""

from __future__ import annotations

import datetime as dt

from app import clock
from app.ledger import service as ledger
from app.members import service as members
from app.messaging.service import members_with_devices
from app.segments.rules import Engagement as Engagement
from app.segments.rules import Profile as Profile
from app.segments.rules import Segment as Segment
from app.segments.rules import clean_tags as clean_tags
from app.segments.rules import engagement_of
from app.segments.rules import validate as validate
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
    # The package (app.earning.stats): earning's service reaches segments through offers.
    from app import earning

    at = at or clock.now()
    accounts = await members.members_by_id(member_ids=member_ids)
    if known is not None and all(m in known for m in member_ids):
        statuses = {m: known[m][0] for m in member_ids}
        balances = {m: known[m][1] for m in member_ids}
    else:
        statuses = {s.member_id: s for s in await tiers.statuses(member_ids, at=at)}
        balances = {b.member_id: b for b in await ledger.balances(member_ids)}
    last = await earning.last_purchases(member_ids=member_ids)
    bought = await earning.categories_bought(
        member_ids=member_ids, since=at - dt.timedelta(days=CATEGORY_DAYS)
    )
    with_device = await members_with_devices(member_ids)
    consenting = await members.opted_in(member_ids=member_ids, channel=members.Channel.PUSH)
    result = {}
    for member_id, member in accounts.items():
        status = statuses[member_id]
        last_at = last.get(member_id)
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
