"""Segments, the public face: member profiles for segment matching, for a batch of members in
a fixed number of queries, and the segment vocabulary of `rules` (re-exported for offers and
campaigns)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from app import clock
from app.db import connection
from app.ledger import service as ledger
from app.members import service as members
from app.messaging import service as messaging
from app.segments.rules import Engagement as Engagement
from app.segments.rules import Profile as Profile
from app.segments.rules import Segment as Segment
from app.segments.rules import clean_tags as clean_tags
from app.segments.rules import engagement_of
from app.segments.rules import validate as validate
from app.sql import Part, union_all
from app.tiers import service as tiers

CATEGORY_DAYS = 365


# Reads other domains add to `member_facts` (app/wiring.py subscribes them): each is called
# with the members' ids and returns its parts and a reader turning the statement's rows into
# a value per member, found in `Facts.more` under the function itself. A domain that sits
# above segments (offers, whose targeting reads segments) joins the one statement this way.
FactPart = Callable[[list[int]], tuple[list[Part], Callable[[list[dict]], dict[int, object]]]]
FACT_PART_HOOKS: list[FactPart] = []


@dataclass(frozen=True)
class Facts:
    """What the program holds about one member that their home screen shows or offers are
    targeted on, read with others' in ONE statement (`member_facts`)."""

    member_id: int
    balance: ledger.Balance
    expiring: list[ledger.Expiring]
    status: tiers.Status
    last_purchase_at: dt.datetime | None
    categories: frozenset[str]
    has_device: bool
    marketing_consent: bool
    more: dict = field(default_factory=dict)  # FACT_PART_HOOKS' values, by hook


async def member_facts(member_ids: list[int], *, at: dt.datetime | None = None) -> list[Facts]:
    """Per member, in the order asked: balance and what expires (ledger), tier status
    (tiers, with earning's qualifying spend), purchases for segments (earning), devices
    (messaging) and push consent (members), each domain reading its own tables as a part
    of one `UNION ALL` (the DataLoader behind the signed-in member's own home screen). On a
    points-basis tier policy, or for a member whose tier is overridden, the tier status is
    read by `tiers.statuses` after."""
    from app import earning  # the package (app.earning.stats): see `profiles`

    at = at or clock.now()
    ids = list(member_ids)
    program = await tiers.current_program()
    tier_parts = tiers.status_parts(program, ids, at)
    parts = [*ledger.balance_parts(ids), *(tier_parts or ()), *_profile_parts(earning, ids, at)]
    readers = []
    for hook in FACT_PART_HOOKS:
        more_parts, read = hook(ids)
        parts += more_parts
        readers.append((hook, read))
    rows = await union_all(connection(), parts) if ids else []
    more = {hook: read(rows) for hook, read in readers}
    balances, expiring = ledger.balances_from(rows, ids)
    statuses = tiers.statuses_from(program, rows, ids, at) if tier_parts is not None else None
    if statuses is None:
        statuses = await tiers.statuses(ids, at=at)
    last, bought, with_device, consenting = _profile_from(earning, rows, ids)
    return [Facts(m, b, e, s, last.get(m), frozenset(bought[m]), m in with_device,
                  m in consenting, {hook: found.get(m) for hook, found in more.items()})
            for m, b, e, s in zip(ids, balances, expiring, statuses, strict=True)]  # fmt: skip


def _profile_parts(earning, member_ids: list[int], at: dt.datetime) -> list:
    return [
        *earning.purchase_history_parts(member_ids=member_ids,
                                        since=at - dt.timedelta(days=CATEGORY_DAYS)),
        messaging.devices_part(member_ids),
        members.opted_in_part(member_ids=member_ids, channel=members.Channel.PUSH),
    ]  # fmt: skip


def _profile_from(earning, rows: list[dict], member_ids: list[int]):
    last, bought = earning.purchase_history_from(rows, member_ids)
    with_device = {r["member_id"] for r in rows if r["what"] == "device"}
    consenting = {r["member_id"] for r in rows if r["what"] == "opted_in"}
    return last, bought, with_device, consenting


def profile_of(member, facts: Facts, at: dt.datetime) -> Profile:
    """The segment profile of a member (their account) from their `Facts`: no query."""
    return Profile(
        member_id=member.id,
        tier=facts.status.current.code if facts.status.current else None,
        points=facts.balance.available,
        last_purchase_at=facts.last_purchase_at,
        categories=facts.categories,
        interests=frozenset(i.lower() for i in member.interests or ()),
        locale=member.locale,
        engagement=engagement_of(member.created_at, facts.last_purchase_at, at),
        has_device=facts.has_device,
        marketing_consent=facts.marketing_consent,
    )


async def profiles(member_ids: list[int], *, at: dt.datetime | None = None) -> dict[int, Profile]:
    """Segment profiles for a batch of members (campaign audiences, a purchase's offers):
    the accounts, tier statuses and balances, then one statement for purchases, devices and
    consent."""
    # The package (app.earning.stats): earning's service reaches segments through offers.
    from app import earning

    at = at or clock.now()
    accounts = await members.members_by_id(member_ids=member_ids)
    statuses = {s.member_id: s for s in await tiers.statuses(member_ids, at=at)}
    balances = {b.member_id: b for b in await ledger.balances(member_ids)}
    rows = (
        await union_all(connection(), _profile_parts(earning, member_ids, at)) if member_ids else []
    )
    last, bought, with_device, consenting = _profile_from(earning, rows, member_ids)
    result = {}
    for member_id, member in accounts.items():
        facts = Facts(member_id, balances[member_id], [], statuses[member_id],
                      last.get(member_id), frozenset(bought[member_id]),
                      member_id in with_device, member_id in consenting)  # fmt: skip
        result[member_id] = profile_of(member, facts, at)
    return result
