"""Campaigns: an audience from a segment, personalized per-language texts rendered safely,
launched into durable delivery that honours consent, quiet hours and frequency caps, with a
control group for measuring uplift.

A campaign goes out on the channels it chooses: "inbox" (the app's inbox), "push" (rings
the bell for that inbox message) and "email" (the same texts as a mail). Inbox and push need
the member's marketing push consent, email their marketing email consent and a verified
address; a recipient is sent the campaign once, on every channel allowed to them.

Delivery goes in batches, one transaction each: the recipients' statuses, their inbox
messages, the batch's push job and its mail job commit together, so a worker killed
mid-campaign resumes with the recipients still pending, and nobody gets the campaign twice
(the push and mail jobs mark each push and mail before sending it: see app.messaging.service
and app.mail.service).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import string
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from tortoise.expressions import Subquery
from tortoise.functions import Count

from app import jobs
from app.campaigns.models import Campaign, CampaignRecipient, CampaignStatus, RecipientStatus
from app.clock import now
from app.db import insert_rows, transaction
from app.errors import (
    CampaignNotDraft,
    CampaignNotFound,
    FieldProblem,
    InvalidInput,
    MemberNotFound,
)
from app.events import member_topic, publish_after_commit
from app.i18n import LOCALES
from app.ledger import service as ledger
from app.mail import service as mail
from app.members import service as members
from app.messaging import service as messaging
from app.messaging.service import PUSH_JOB, MessageCategory, push_allowed
from app.pagination import Page, paginate_by_id
from app.privacy import service as privacy
from app.segments import service as S
from app.segments.service import profiles
from app.tiers import service as tiers

BATCH = 500
DAILY_CAP, WEEKLY_CAP = 1, 3  # marketing pushes per member, across campaigns
FIELDS = ("first_name", "points_available", "tier", "points_to_next_tier")
SEND_JOB = "campaign.send"
INBOX, PUSH, EMAIL = "inbox", "push", "email"
CHANNELS = (INBOX, PUSH, EMAIL)  # in the order they are stored
DEFAULT_CHANNELS = (INBOX, PUSH)


# ---- templates ------------------------------------------------------------------------------


def template_problems(text: str, field: str) -> list[FieldProblem]:
    """Only `{known_field}` placeholders: no attributes, indexes, conversions or formats."""
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError:
        return [FieldProblem(field, "INVALID_TEMPLATE")]
    problems = []
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in FIELDS or spec or conversion:
            problems.append(FieldProblem(field, "UNKNOWN_FIELD", {"field": name or "{}"}))
    return problems


def render(text: str, values: dict[str, object]) -> str:
    """Fill a validated template (str.format with plain names only)."""
    return text.format(**{k: values[k] for k in FIELDS})


# ---- audience -------------------------------------------------------------------------------


def _channels(campaign: Campaign) -> tuple[str, ...]:
    return tuple(campaign.channels or DEFAULT_CHANNELS)


async def _reachable(channels: tuple[str, ...] | list[str]) -> tuple[list[int], set[int]]:
    """Ids (in id order) of the members opted in on one of `channels`, and those of them
    reachable in the app (marketing push consent)."""
    app_ids: set[int] = set()
    if INBOX in channels or PUSH in channels:
        app_ids = set(await members.opted_in_member_ids(channel=members.Channel.PUSH))
    mail_ids: set[int] = set()
    if EMAIL in channels:
        mail_ids = set(await members.opted_in_member_ids(channel=members.Channel.EMAIL))
    return sorted(app_ids | mail_ids), app_ids


def _verified(account: members.Account | None) -> bool:
    """Reachable by mail: an address, verified."""
    return account is not None and bool(account.email and account.email_verified_at)


async def audience(
    segment: S.Segment,
    *,
    at: dt.datetime | None = None,
    limit: int | None = None,
    channels: tuple[str, ...] | list[str] = DEFAULT_CHANNELS,
) -> list[S.Profile]:
    """Members the segment selects who are reachable on at least one of `channels` (in id
    order): inbox and push need marketing push consent, email marketing email consent and a
    verified address. The segment's own marketing-consent condition gives way to that."""
    at = at or now()
    segment = dataclasses.replace(segment, marketing_consent=None)
    ids, app_ids = await _reachable(channels)
    chosen: list[S.Profile] = []
    for start in range(0, len(ids), 1000):
        batch = ids[start : start + 1000]
        mail_only = [m for m in batch if m not in app_ids]
        if mail_only:  # reachable by mail only: with a verified address
            accounts = await members.accounts_by_id(member_ids=mail_only)
            batch = [m for m in batch if m in app_ids or _verified(accounts.get(m))]
        found = await profiles(batch, at=at)
        chosen.extend(p for m in batch if (p := found.get(m)) and segment.matches(p, at))
        if limit is not None and len(chosen) >= limit:
            return chosen[:limit]
    return chosen


async def _recipients(
    segment: S.Segment, *, at: dt.datetime, channels: tuple[str, ...] | list[str]
) -> list[tuple[int, str]]:
    """(member id, language) of each member of `audience(segment, at=at, channels=...)`, in
    id order. A segment without conditions (but the marketing consent, which gives way to
    the channels') selects every profile, so it needs none: one plain-row query per thousand
    members instead of a profile's seven."""
    if dataclasses.replace(segment, marketing_consent=None).to_json():
        return [(p.member_id, p.locale) for p in await audience(segment, at=at, channels=channels)]
    ids, app_ids = await _reachable(channels)
    chosen: list[tuple[int, str]] = []
    for start in range(0, len(ids), 1000):
        batch = ids[start : start + 1000]
        accounts = await members.accounts_by_id(member_ids=batch)
        chosen.extend((m, a.locale) for m in batch if (a := accounts.get(m)) is not None
                      and (m in app_ids or _verified(a)))  # fmt: skip
    return chosen


async def audience_of(*, segment: S.Segment, channels: list[str] | None = None) -> list[S.Profile]:
    """`audience` of a segment (and channels, default inbox and push) staff are trying out:
    validated first (InvalidInput)."""
    problems: list[FieldProblem] = []
    codes = {t.code for t in (await tiers.current_program()).tiers}
    chosen = S.validate(segment, codes, problems, "segment")
    picked = _check_channels(list(DEFAULT_CHANNELS) if channels is None else channels, problems)
    if problems:
        raise InvalidInput(problems)
    return await audience(chosen, channels=picked)


def _check_channels(channels: list[str], problems: list[FieldProblem]) -> list[str]:
    """The channels in their stored order; problems for none, an unknown or repeated one,
    or push without inbox."""
    channels = [str(c).lower() for c in channels or ()]
    if not channels:
        problems.append(FieldProblem("channels", "REQUIRED"))
    elif any(c not in CHANNELS for c in channels):
        problems.append(FieldProblem("channels", "INVALID_VALUE"))
    elif len(set(channels)) != len(channels):
        problems.append(FieldProblem("channels", "DUPLICATE_CHANNEL"))
    elif PUSH in channels and INBOX not in channels:
        problems.append(FieldProblem("channels", "PUSH_NEEDS_INBOX"))
    return [c for c in CHANNELS if c in channels]


def mail_link(deep_link: str | None) -> str | None:
    """A variant's deep link as the mail's button: only an https:// URL (an app scheme
    link means nothing in a mail client)."""
    link = (deep_link or "").strip()
    return link if link.lower().startswith("https://") and len(link) > 8 else None


# ---- campaigns ------------------------------------------------------------------------------


@dataclass
class CampaignFields:
    name: str
    segment: S.Segment
    variants: dict  # locale -> {"title", "body", "deep_link"}
    quiet_start: int = 21
    quiet_end: int = 9
    holdout_percent: int = 0
    # Lower-case channel names (CHANNELS): "inbox", "push", "email".
    channels: list[str] = dataclasses.field(default_factory=lambda: list(DEFAULT_CHANNELS))


async def _validate(f: CampaignFields) -> dict:
    problems: list[FieldProblem] = []
    name = " ".join((f.name or "").split())
    if not name or len(name) > 120:
        problems.append(FieldProblem("name", "REQUIRED" if not name else "TOO_LONG"))
    codes = {t.code for t in (await tiers.current_program()).tiers}
    segment = S.validate(f.segment, codes, problems, "segment")
    if segment.marketing_consent is False:  # campaigns reach consenting members only
        problems.append(FieldProblem("segment.marketingConsent", "INVALID_VALUE"))
    variants = {}
    for locale, v in f.variants.items():
        if locale not in LOCALES:
            problems.append(FieldProblem(f"variants.{locale}", "UNSUPPORTED_LOCALE"))
            continue
        title, body = (v.get("title") or "").strip(), (v.get("body") or "").strip()
        for key, text, limit in (("title", title, 120), ("body", body, 1000)):
            if not text:
                problems.append(FieldProblem(f"variants.{locale}.{key}", "REQUIRED"))
            elif len(text) > limit:
                problems.append(FieldProblem(f"variants.{locale}.{key}", "TOO_LONG",
                                             {"max": limit}))  # fmt: skip
            problems += template_problems(text, f"variants.{locale}.{key}")
        variants[locale] = {"title": title, "body": body, "deep_link": v.get("deep_link")}
    if not variants:
        problems.append(FieldProblem("variants", "REQUIRED"))
    for name_, hour in (("quietStart", f.quiet_start), ("quietEnd", f.quiet_end)):
        if not 0 <= hour <= 23:
            problems.append(FieldProblem(name_, "INVALID_VALUE"))
    if not 0 <= f.holdout_percent <= 50:
        problems.append(FieldProblem("holdoutPercent", "INVALID_VALUE"))
    channels = _check_channels(f.channels, problems)
    if problems:
        raise InvalidInput(problems)
    return {"name": name, "segment": segment.to_json(), "variants": variants,
            "quiet_start": f.quiet_start, "quiet_end": f.quiet_end,
            "holdout_percent": f.holdout_percent, "channels": channels}  # fmt: skip


async def create_campaign(*, fields: CampaignFields, actor_id: int | None) -> Campaign:
    """Create a validated campaign, by `actor_id`; returns it."""
    return await Campaign.create(**await _validate(fields), created_by_id=actor_id)


async def update_campaign(*, campaign_id: int, fields: CampaignFields) -> Campaign:
    """Replace a draft's name, audience, texts, channels, quiet hours and control group,
    validated as `create_campaign` validates them (InvalidInput); CampaignNotDraft once it
    was launched or cancelled (also when that happened while this was checked)."""
    campaign = await _get(campaign_id)
    if campaign.status != CampaignStatus.DRAFT:
        raise CampaignNotDraft(status=campaign.status)
    values = await _validate(fields)
    changed = await Campaign.filter(id=campaign.id, status=CampaignStatus.DRAFT).update(**values)
    campaign = await _get(campaign.id)
    if not changed:
        raise CampaignNotDraft(status=campaign.status)
    return campaign


async def campaign_page(
    *, first: int | None, after: str | None, status: CampaignStatus | None = None
) -> Page:
    """One keyset page of campaigns, newest first, drafts included (only those in `status`
    when given)."""
    query = Campaign.all() if status is None else Campaign.filter(status=status)
    return await paginate_by_id(query, first=first, after=after, newest_first=True)


async def campaigns_by_ids(ids: list[int]) -> list[Campaign | None]:
    """Campaigns in the order asked (None where there is none), for `node(id:)`."""
    found = {c.id: c for c in await Campaign.filter(id__in=list(ids))}
    return [found.get(i) for i in ids]


async def _get(campaign_id: int) -> Campaign:
    campaign = await Campaign.get_or_none(id=campaign_id)
    if campaign is None:
        raise CampaignNotFound()
    return campaign


async def _values_for(accounts: list) -> dict[int, dict[str, object]]:
    """Personalization fields of each member (`accounts`: members.service's records): one
    balance and one tier lookup for all of them."""
    points = {b.member_id: b.available for b in await ledger.balances([m.id for m in accounts])}
    result = {}
    for member, status in zip(accounts, await tiers.statuses([m.id for m in accounts]),
                              strict=True):  # fmt: skip
        remaining = max(status.target - status.value, 0) if status.target is not None else 0
        result[member.id] = {
            "first_name": (member.display_name or "").split(" ")[0] or "there",
            "points_available": max(points.get(member.id, 0), 0),
            "tier": status.current.name(member.locale) if status.current else "",
            "points_to_next_tier": remaining,
        }
    return result


async def preview(
    *, campaign_id: int, member_id: int | None = None, email: str | None = None
) -> dict:
    """What one member, given by id or by email address (exactly one), would receive: their
    language's variant, personalized. An unknown address is MemberNotFound, as an unknown id
    is; so is the address of a member outside the campaign's segment, so an address finds
    only a member the campaign would reach (no look-up of any address by its first name,
    balance and tier)."""
    if (member_id is None) == (email is None):
        raise InvalidInput([FieldProblem("member", "ONE_OF", {"fields": "member, email"})])
    campaign = await _get(campaign_id)
    if member_id is not None:
        member = await members.get_member(member_id=member_id)
    else:
        member = await members.get_member_by_email(email=email or "")
        if member is not None and not await _in_segment(campaign, member.id):
            member = None
    if member is None:
        raise MemberNotFound()
    variant = campaign.variants.get(member.locale)
    if variant is None:
        raise InvalidInput([FieldProblem("variants", "MISSING_LOCALE",
                                         {"locales": member.locale})])  # fmt: skip
    values = (await _values_for([member]))[member.id]
    return {"locale": member.locale, "title": render(variant["title"], values),
            "body": render(variant["body"], values), "deep_link": variant.get("deep_link")}  # fmt: skip


async def _in_segment(campaign: Campaign, member_id: int) -> bool:
    segment = S.Segment.from_json(campaign.segment)
    if segment.everyone:
        return True
    at = now()
    found = (await profiles([member_id], at=at)).get(member_id)
    return found is not None and segment.matches(found, at)


def in_control(campaign_id: int, member_id: int, percent: int) -> bool:
    """A stable draw: the same member stays in (or out of) a campaign's control group."""
    digest = hashlib.sha256(f"{campaign_id}:{member_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100 < percent


# What launching reads of a campaign before it takes it: an edit of any of these between
# that read and the launch's own write makes the launch start over with the new values.
_LAUNCH_READS = ("segment", "variants", "channels", "holdout_percent", "status")
LAUNCH_ATTEMPTS = 3


class _EditedMeanwhile(Exception):
    pass


async def launch(
    *, campaign_id: int, send_at: dt.datetime | None, at: dt.datetime | None = None
) -> Campaign:
    """Choose the recipients now and queue the delivery for `send_at` (default: now).

    The audience is chosen before the transaction (it reads many rows); inside it the
    campaign row is locked and compared with what was read, so an `updateCampaign` saved in
    between is never half applied (old audience, new texts): the launch starts over with
    the saved draft, and an edit arriving after the lock waits and then finds it launched."""
    for attempt in range(LAUNCH_ATTEMPTS):
        try:
            return await _launch_once(campaign_id=campaign_id, send_at=send_at, at=at)
        except _EditedMeanwhile:
            if attempt == LAUNCH_ATTEMPTS - 1:
                raise InvalidInput([FieldProblem("id", "ALREADY_LAUNCHED")]) from None
    raise AssertionError("unreachable")


async def _launch_once(
    *, campaign_id: int, send_at: dt.datetime | None, at: dt.datetime | None
) -> Campaign:
    at = at or now()
    campaign = await _get(campaign_id)
    problems = []
    if campaign.status != CampaignStatus.DRAFT:
        problems.append(FieldProblem("id", "ALREADY_LAUNCHED"))
    if send_at is not None and send_at < at - dt.timedelta(minutes=1):
        problems.append(FieldProblem("sendAt", "IN_THE_PAST"))
    if problems:
        raise InvalidInput(problems)
    send_at = max(send_at or at, at)
    chosen = await _recipients(S.Segment.from_json(campaign.segment), at=at,
                               channels=_channels(campaign))  # fmt: skip
    missing = sorted({locale for _, locale in chosen} - set(campaign.variants))
    if missing:
        raise InvalidInput([FieldProblem("variants", "MISSING_LOCALE",
                                         {"locales": ", ".join(missing)})])  # fmt: skip
    async with transaction() as tx:
        locked = await (Campaign.filter(id=campaign.id).select_for_update()
                        .using_db(tx.connection).first())  # fmt: skip
        if locked is None or locked.status != CampaignStatus.DRAFT:
            raise InvalidInput([FieldProblem("id", "ALREADY_LAUNCHED")])
        if any(getattr(locked, f) != getattr(campaign, f) for f in _LAUNCH_READS):
            raise _EditedMeanwhile()
        taken = (
            await Campaign.filter(id=campaign.id, status=CampaignStatus.DRAFT)
            .using_db(tx.connection)
            .update(status=CampaignStatus.SCHEDULED, send_at=send_at, launched_at=at)
        )
        if not taken:
            raise InvalidInput([FieldProblem("id", "ALREADY_LAUNCHED")])
        rows = [
            {
                "campaign_id": campaign.id,
                "member_id": member_id,
                "send_after": send_at,
                "status": RecipientStatus.CONTROL
                if in_control(campaign.id, member_id, campaign.holdout_percent)
                else RecipientStatus.PENDING,
            }
            for member_id, _ in chosen
        ]  # (multi-row INSERTs of plain rows: no model objects for thousands of recipients)
        await insert_rows(tx.connection, CampaignRecipient, rows)
        await jobs.enqueue(SEND_JOB, {"campaign": campaign.id}, run_at=send_at,
                           max_attempts=50, conn=tx.connection)  # fmt: skip
    return await _get(campaign.id)


async def cancel(*, campaign_id: int) -> Campaign:
    """Cancel a draft or scheduled campaign, skipping its pending recipients;
    returns it."""
    campaign = await _get(campaign_id)
    async with transaction() as tx:
        await Campaign.filter(id=campaign.id, status__in=[CampaignStatus.DRAFT,
                                                          CampaignStatus.SCHEDULED]).using_db(
            tx.connection).update(status=CampaignStatus.CANCELLED)  # fmt: skip
        await CampaignRecipient.filter(campaign_id=campaign.id,
                                       status=RecipientStatus.PENDING).using_db(
            tx.connection).update(status=RecipientStatus.SKIPPED, reason="cancelled")  # fmt: skip
    return await _get(campaign.id)


# ---- delivery (a durable job) ---------------------------------------------------------------


def quiet_until(at: dt.datetime, time_zone: str, start: int, end: int) -> dt.datetime | None:
    """When the member's quiet hours end, if `at` falls inside them (else None)."""
    if start == end:
        return None
    try:
        zone = ZoneInfo(time_zone)
    except (KeyError, ValueError):
        zone = ZoneInfo("UTC")
    local = at.astimezone(zone)
    hour = local.hour
    inside = (start <= hour or hour < end) if start > end else (start <= hour < end)
    if not inside:
        return None
    wake = local.replace(hour=end, minute=0, second=0, microsecond=0)
    if wake <= local:
        wake += dt.timedelta(days=1)
    return wake.astimezone(dt.UTC)


async def _capped(member_ids: list[int], at: dt.datetime, conn) -> set[int]:
    """Members who already got DAILY_CAP campaign pushes in the day before `at`, or
    WEEKLY_CAP in the week (across campaigns)."""
    week, day = at - dt.timedelta(days=7), at - dt.timedelta(days=1)
    rows = await CampaignRecipient.filter(member_id__in=member_ids, status=RecipientStatus.SENT,
                                          sent_at__gt=week, sent_at__lte=at).using_db(
        conn).values_list("member_id", "sent_at")  # fmt: skip
    daily: dict[int, int] = {}
    weekly: dict[int, int] = {}
    for member_id, sent_at in rows:
        weekly[member_id] = weekly.get(member_id, 0) + 1
        if sent_at > day:
            daily[member_id] = daily.get(member_id, 0) + 1
    return {m for m in weekly if weekly[m] >= WEEKLY_CAP or daily.get(m, 0) >= DAILY_CAP}


# One worker run sends at most this long, then the job comes back at once for the rest, so a
# run stays well inside the job's lease.
RUN_FOR = dt.timedelta(seconds=20)


async def send_due(
    *, campaign_id: int, at: dt.datetime | None = None, run_for: dt.timedelta | None = None
) -> dt.datetime | None:
    """Send to the campaign's recipients due at `at`, batch by batch. Returns when to come
    back (at once if `run_for` ran out, else the next quiet-hours end), or None when every
    recipient is settled."""
    at = at or now()
    started = now()
    campaign = await Campaign.get_or_none(id=campaign_id)
    if campaign is None or campaign.status != CampaignStatus.SCHEDULED:
        return None
    while await _send_batch(campaign, at):
        if run_for is not None and now() - started > run_for:
            return at
    later = await CampaignRecipient.filter(campaign_id=campaign.id,
                                           status=RecipientStatus.PENDING).order_by(
        "send_after").first()  # fmt: skip
    if later is None:
        await Campaign.filter(id=campaign.id).update(status=CampaignStatus.DONE)
        return None
    return later.send_after


async def _send_batch(campaign: Campaign, at: dt.datetime) -> int:
    """One transaction for up to BATCH due recipients: each is sent on every campaign
    channel allowed to them (inbox message written, push queued in one job for the batch,
    mail queued in one mail job for the batch), put off to the end of their quiet hours, or
    skipped with a reason (`no_consent`: no channel allowed). A worker killed before the
    commit leaves them all pending; after it, all settled: nobody is sent the campaign
    twice."""
    channels = set(_channels(campaign))
    app_channels = channels & {INBOX, PUSH}
    async with transaction() as tx:
        conn = tx.connection
        due = await CampaignRecipient.filter(
            campaign_id=campaign.id, status=RecipientStatus.PENDING, send_after__lte=at
        ).order_by("id").limit(BATCH).select_for_update(skip_locked=True).using_db(conn)  # fmt: skip
        if not due:
            return 0
        ids = [r.member_id for r in due]
        accounts = await members.accounts_by_id(member_ids=ids, conn=conn)  # plain rows
        push_consenting = (await members.opted_in(member_ids=ids, channel=members.Channel.PUSH,
                                                  conn=conn) if app_channels else set())  # fmt: skip
        mail_consenting = (await members.opted_in(member_ids=ids, channel=members.Channel.EMAIL,
                                                  conn=conn) if EMAIL in channels else set())  # fmt: skip
        capped = await _capped(ids, at, conn)
        # Only the fields the variants may use (not whole segment profiles: the audience was
        # chosen at launch).
        values = await _values_for([accounts[m] for m in ids if m in accounts])
        pushable = (await push_allowed([(m, MessageCategory.MARKETING) for m in ids], conn)
                    if PUSH in channels else set())  # fmt: skip
        skipped: dict[str, list[int]] = {}
        later: dict[dt.datetime, list[int]] = {}
        # (recipient, member's account, the channels it goes out on)
        to_send: list[tuple[CampaignRecipient, object, set[str]]] = []
        for recipient in due:
            member = accounts.get(recipient.member_id)
            reach: set[str] = set()
            if member is not None and member.is_active and member.id in values:
                if member.id in push_consenting:
                    reach |= app_channels
                if (EMAIL in channels and member.id in mail_consenting and member.email
                        and member.email_verified_at is not None):  # fmt: skip
                    reach.add(EMAIL)
            if not reach:
                skipped.setdefault("no_consent", []).append(recipient.id)
                continue
            wake = quiet_until(at, member.time_zone, campaign.quiet_start, campaign.quiet_end)
            if wake is not None:
                later.setdefault(wake, []).append(recipient.id)
            elif member.id in capped:
                skipped.setdefault("frequency_cap", []).append(recipient.id)
            else:
                to_send.append((recipient, member, reach))
        rows, mails = [], []
        for _, member, reach in to_send:
            variant = campaign.variants.get(member.locale) or next(iter(campaign.variants.values()))
            title = render(variant["title"], values[member.id])[:200]
            body = render(variant["body"], values[member.id])
            if INBOX in reach:
                rows.append({
                    "member_id": member.id, "category": MessageCategory.MARKETING,
                    "title": title, "body": body,
                    "deep_link": variant.get("deep_link"), "image_url": None,
                    "data": {"campaign": str(campaign.id)}, "created_at": at,
                })  # fmt: skip
            if EMAIL in reach:
                mails.append(mail.spec(
                    template="CAMPAIGN", key=f"campaign:{campaign.id}:{member.id}",
                    member_id=member.id, category="marketing", campaign_id=campaign.id,
                    fields={"subject": title, "body": body},
                    link=mail_link(variant.get("deep_link")),
                ))  # fmt: skip
        message_of = await messaging.write_messages(rows=rows, conn=conn) if rows else {}
        for reason, recipient_ids in skipped.items():
            await CampaignRecipient.filter(id__in=recipient_ids).using_db(conn).update(
                status=RecipientStatus.SKIPPED, reason=reason)  # fmt: skip
        for wake, recipient_ids in later.items():
            await CampaignRecipient.filter(id__in=recipient_ids).using_db(conn).update(
                send_after=wake)  # fmt: skip
        with_message = []  # (one UPDATE ... CASE per batch: only for those with a message)
        without_message = []  # (one plain UPDATE for all the others: mail only)
        for recipient, member, _ in to_send:
            recipient.status, recipient.sent_at = RecipientStatus.SENT, at
            recipient.message_id = message_of.get(member.id)
            (with_message if recipient.message_id is not None else without_message).append(
                recipient)  # fmt: skip
        if with_message:
            await CampaignRecipient.bulk_update(
                with_message, fields=["status", "sent_at", "message_id"], batch_size=BATCH,
                using_db=conn)  # fmt: skip
        if without_message:
            await CampaignRecipient.filter(id__in=[r.id for r in without_message]).using_db(
                conn).update(status=RecipientStatus.SENT, sent_at=at, message_id=None)  # fmt: skip
        pushed = [message_of[m.id] for _, m, reach in to_send
                  if PUSH in reach and (m.id, MessageCategory.MARKETING) in pushable]  # fmt: skip
        if pushed:
            await jobs.enqueue(PUSH_JOB, {"messages": pushed}, conn=conn)
        await mail.mail_later(conn, *mails)
        for member_id, message_id in message_of.items():
            publish_after_commit(tx, member_topic(member_id),
                                 {"type": "INBOX_MESSAGE", "message": message_id})  # fmt: skip
    return len(due)


@jobs.handler(SEND_JOB)
async def send_job(payload: dict) -> None:
    """The `campaign.send` job: send what is due, then come back when more is."""
    wake = await send_due(campaign_id=payload["campaign"], run_for=RUN_FOR)
    if wake is not None:
        raise jobs.RetryLater("more to send later",
                              after=max(wake - now(), dt.timedelta(0)))  # fmt: skip


# ---- stats ----------------------------------------------------------------------------------


async def stats(*, campaign_id: int, window_days: int = 14) -> dict:
    """Counts by status and reason, opens, and spend and points earned per member by
    recipients vs the control group in the window after the launch (all in SQL)."""
    from app.earning import service as earning

    campaign = await _get(campaign_id)
    by_status = await CampaignRecipient.filter(campaign_id=campaign.id).group_by(
        "status", "reason").annotate(n=Count("id")).values("status", "reason", "n")  # fmt: skip
    counts = {str(s): 0 for s in RecipientStatus}
    skipped: dict[str, int] = {}
    for row in by_status:
        counts[str(row["status"])] += row["n"]
        if str(row["status"]) == RecipientStatus.SKIPPED:
            skipped[row["reason"] or "unknown"] = row["n"]
    sent_messages = Subquery(CampaignRecipient.filter(
        campaign_id=campaign.id, status=RecipientStatus.SENT).values("message_id"))  # fmt: skip
    deliveries = await messaging.delivery_counts(message_ids=sent_messages)
    opened, failed = deliveries["opened"], deliveries["failed"]
    unconfirmed = deliveries["unconfirmed"]  # in flight when a worker died: maybe delivered
    start = campaign.launched_at
    outcome = {}
    for group, status in (("recipients", RecipientStatus.SENT),
                          ("control", RecipientStatus.CONTROL)):  # fmt: skip
        group_members = Subquery(CampaignRecipient.filter(campaign_id=campaign.id,
                                                           status=status).values("member_id"))  # fmt: skip
        size = counts[str(status)]
        totals = {"spend": 0, "points": 0}
        if start is not None and size:
            totals = await earning.purchase_totals(
                member_ids=group_members, since=start, until=start + dt.timedelta(days=window_days)
            )
        outcome[group] = {"members": size, **totals}
    return {"targeted": counts["pending"] + counts["sent"] + counts["skipped"],
            "control": counts["control"], "sent": counts["sent"], "pending": counts["pending"],
            "skipped": skipped, "failed": failed, "unconfirmed": unconfirmed, "opened": opened,
            "outcome": outcome,
            "channels": await _channel_stats(campaign, deliveries)}  # fmt: skip


async def _channel_stats(campaign: Campaign, deliveries: dict) -> dict:
    """What each of the campaign's channels did (a channel it does not use: None)."""
    channels = _channels(campaign)
    inbox = push = email = None
    if INBOX in channels:
        written = await CampaignRecipient.filter(
            campaign_id=campaign.id, status=RecipientStatus.SENT, message_id__isnull=False
        ).count()
        inbox = {"written": written, "opened": deliveries["opened"]}
    if PUSH in channels:
        push = {"sent": deliveries.get("sent", 0), "failed": deliveries["failed"],
                "unconfirmed": deliveries["unconfirmed"]}  # fmt: skip
    if EMAIL in channels:
        email = await mail.campaign_counts(campaign_id=campaign.id)
        unsubscribed = 0
        if campaign.launched_at is not None:
            recipients = Subquery(CampaignRecipient.filter(
                campaign_id=campaign.id, status=RecipientStatus.SENT).values("member_id"))  # fmt: skip
            unsubscribed = await privacy.withdrawals_since(
                member_ids=recipients, purpose=privacy.Purpose.MARKETING_EMAIL,
                source=privacy.ConsentSource.EMAIL, since=campaign.launched_at,
            )  # fmt: skip
        email = {**email, "unsubscribed": unsubscribed}
    return {"inbox": inbox, "push": push, "email": email}


async def forget_member(*, member_id: int) -> None:
    """For an erasure: the member's recipient rows keep their status but lose their message."""
    await CampaignRecipient.filter(member_id=member_id, message_id__isnull=False).update(
        message_id=None)  # fmt: skip
