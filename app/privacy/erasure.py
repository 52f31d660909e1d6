"""Erasure: a member's personal data removed or pseudonymized everywhere, in one transaction,
while the ledger keeps its integrity under the same (now pseudonymous) member id.

- Profile: email becomes `erased-<random>@invalid`; name, birthday, time zone, the references
  tills and CRMs know the member by (card number, CRM reference, referral code) and interests
  are cleared; the password hash is replaced by a value no password matches; the account is
  inactive, role member.
- Sessions are revoked with their device details cleared, refresh tokens deleted: sign-in and
  refresh fail from then on.
- Devices, inbox messages and their push deliveries are deleted; campaign recipients keep
  their status (ids only, for campaign statistics) without their message.
- Community posts and comments stay (threads keep their shape) with their text replaced by
  "[removed]": what a member wrote may name them. Their reports' reasons are removed too, and
  staff notes about them (moderation reasons, tier override notes).
- Pending jobs that carry the member's personal data or exist only for them are cancelled.
- Consents are withdrawn (recorded), data exports deleted.
- Points still held, available and pending, are forfeited per the program terms: pending lots
  are released and the whole available balance debited to the program's `expired` account
  in an explicit transaction (rule RULE_FORFEIT). Ledger entries are never changed (a staff
  adjustment's free-text reason stays as written: staff must not put names there).
- Correction requests about the member that wait for approval are rejected (note "member
  erased", decided by nobody) and every request's reason and decision note removed.
- An ErasureRecord keeps what happened without personal data.
`ERASURE_HOOKS` let other domains scrub what they hold, in the same transaction.

Unlike other domains, erasure writes other domains' rows directly: it must reach every table
in one transaction, and most domains have no "forget this member" operation of their own.
tests/privacy scans every text column of every table after an erasure, so a new table
holding personal data fails that test until it is handled here or through a hook.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Awaitable, Callable

from tortoise.expressions import Q, Subquery

from app import events, jobs
from app.auth import passwords
from app.auth import service as auth
from app.auth.models import AuthSession, LoginThrottle, RefreshToken
from app.campaigns.models import CampaignRecipient
from app.community.models import Comment, ModerationLog, Post, Report
from app.db import transaction
from app.errors import AccountAlreadyErased, InvalidCredentials, MemberNotFound
from app.ledger import adjustments
from app.ledger import service as ledger
from app.ledger.models import Account, Kind, PointsLot, PointsTransaction
from app.members.models import Member, Role
from app.messaging.models import Device, InboxMessage, PushDelivery
from app.privacy import service as consents
from app.privacy.models import ConsentRecord, DataExport, ErasureReason, ErasureRecord
from app.rewards.models import Redemption, Voucher
from app.settings import get_settings
from app.tiers.models import MemberTier, TierChange

# Called inside the erasure's transaction with member_id= (keyword): other domains remove or
# pseudonymize what they keep about the member (e.g. a webhook delivery log).
ERASURE_HOOKS: list[Callable[..., Awaitable[None]]] = []

REMOVED = "[removed]"
FORFEIT_REFERENCE = "erasure"  # the reference of the transaction forfeiting the points
# Columns holding where a request came from; cleared on every row about the member.
DEVICE_DETAILS = ("user_agent", "client_address", "address", "ip_address")
UNUSABLE_PASSWORD = "!erased"  # not an argon2 hash: no password ever verifies against it
# Job kinds that exist only for one member's benefit, and the payload key naming what.
_MEMBER_JOBS = {"notify.send": "member", "notify.expiring": "member",
                "notify.voucher_expiring": "voucher", "push.deliver": "message",
                "privacy.export": "export"}  # fmt: skip


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def delete_account(
    *, member_id: int, password: str, client: auth.ClientInfo | None = None
) -> ErasureRecord:
    """The member erases their own account, confirming with their password
    (InvalidCredentials, and nothing changed, when it does not match). The check is
    throttled like a sign-in from `client` (TooManyAttempts) and runs off the event loop."""
    member = await Member.get_or_none(id=member_id)
    if member is None:
        raise MemberNotFound()
    if await ErasureRecord.exists(member_id=member_id):
        raise AccountAlreadyErased()
    async with auth.password_check(email=member.email, client=client or auth.ClientInfo()):
        if not await passwords.verify_password_async(member.password_hash, password or ""):
            raise InvalidCredentials()
    return await erase_member(member_id=member_id, reason=ErasureReason.MEMBER_REQUEST)


async def erase_member(
    *,
    member_id: int,
    reason: ErasureReason,
    actor_id: int | None = None,
    at: dt.datetime | None = None,
) -> ErasureRecord:
    """Erase a member (see the module doc), all or nothing. AccountAlreadyErased the second
    time, MemberNotFound for an unknown id."""
    at = at or now()
    async with transaction() as tx:
        conn = tx.connection
        if not await Member.filter(id=member_id).using_db(conn).exists():
            raise MemberNotFound()
        # The ledger's lock first, as every points movement takes it: in the other order an
        # erasure and a purchase deadlock.
        await ledger.lock_member(tx, member_id)
        member = await Member.select_for_update().using_db(conn).get_or_none(id=member_id)
        if member is None:
            raise MemberNotFound()
        if await ErasureRecord.filter(member_id=member_id).using_db(conn).exists():
            raise AccountAlreadyErased()
        # Points first: closing the book may notify (tier change), which the scrub then removes.
        forfeited, forfeit_id = await _forfeit_points(member_id, at)
        # A purchase waiting for our lock finds the book closed: nothing lands on the account.
        await ledger.close_book(tx, member_id)
        await adjustments.forget_member_adjustments(member_id=member_id)
        await consents.withdraw_all(tx, member_id=member_id)
        await _scrub_sessions(conn, member, at)
        # Once committed, every live subscription of the member ends, in every process.
        events.publish_revocation(tx, member_id=member_id)
        messages = await _scrub_messaging(conn, member_id)
        await _scrub_community(conn, member_id)
        await MemberTier.filter(member_id=member_id).using_db(conn).update(override_reason=None)
        await TierChange.filter(member_id=member_id).using_db(conn).update(note=None)
        exports = await DataExport.filter(member_id=member_id).using_db(conn).values_list(
            "id", flat=True)  # fmt: skip
        await DataExport.filter(member_id=member_id).using_db(conn).delete()
        await _cancel_jobs(conn, member, messages, list(exports))
        await _clear_device_details(conn, member_id)
        await _pseudonymize(conn, member, at)
        for hook in ERASURE_HOOKS:
            await hook(member_id=member_id)
        return await ErasureRecord.create(
            member_id=member_id, reason=reason, actor_id=actor_id, points_forfeited=forfeited,
            transaction_id=forfeit_id, erased_at=at, using_db=conn,
        )  # fmt: skip


async def _forfeit_points(member_id: int, at: dt.datetime) -> tuple[int, int | None]:
    """Release what is pending, then debit the whole available balance to `expired`.
    A negative balance (a refund's debt) stays as it is: there is nothing to forfeit."""
    async with ledger.member_book(member_id=member_id) as book:
        pending = await PointsLot.filter(member_id=member_id, pending=True, remaining__gt=0).using_db(
            book.tx.connection).order_by("id")  # fmt: skip
        for lot in pending:
            await book.release(lot, at=at)
        points = max(book.available, 0)
        if not points:
            return 0, None
        txn = await book.debit(
            points=points, kind=Kind.EXPIRY, account=Account.EXPIRED, reference=FORFEIT_REFERENCE,
            explanation=[{"rule": "RULE_FORFEIT", "points": -points, "params": {}}],
        )  # fmt: skip
        return points, txn.id


async def _scrub_sessions(conn, member: Member, at: dt.datetime) -> None:
    sessions = Subquery(AuthSession.filter(member_id=member.id).values("id"))
    await RefreshToken.filter(session_id__in=sessions).using_db(conn).delete()
    await AuthSession.filter(member_id=member.id, revoked_at__isnull=True).using_db(conn).update(
        revoked_at=at, revoked_reason="erased")  # fmt: skip
    # The sign-in throttle counts failures under a hash of the email (see app.auth.service):
    # the account's own key and its per-address (pair, known-address) keys.
    email_key = hashlib.sha256(member.email.strip().lower().encode()).hexdigest()
    mine = (
        Q(key=f"account:{email_key}")
        | Q(key__startswith=f"pair:{email_key}:")
        | Q(key__startswith=f"known:{email_key}:")
    )
    await LoginThrottle.filter(mine).using_db(conn).delete()


async def _scrub_messaging(conn, member_id: int) -> list[int]:
    messages = list(await InboxMessage.filter(member_id=member_id).using_db(conn).values_list(
        "id", flat=True))  # fmt: skip
    devices = Subquery(Device.filter(member_id=member_id).values("id"))
    await PushDelivery.filter(device_id__in=devices).using_db(conn).delete()
    if messages:
        await PushDelivery.filter(message_id__in=messages).using_db(conn).delete()
        await CampaignRecipient.filter(message_id__in=messages).using_db(conn).update(
            message_id=None)  # fmt: skip
        await InboxMessage.filter(id__in=messages).using_db(conn).delete()
    await Device.filter(member_id=member_id).using_db(conn).delete()
    return messages


async def _scrub_community(conn, member_id: int) -> None:
    await Post.filter(author_id=member_id).using_db(conn).update(text=REMOVED, image_urls=[])
    await Comment.filter(author_id=member_id).using_db(conn).update(text=REMOVED)
    await Report.filter(reporter_id=member_id).using_db(conn).update(reason=REMOVED)
    await ModerationLog.filter(member_id=member_id).using_db(conn).update(reason=REMOVED)


async def _clear_device_details(conn, member_id: int) -> None:
    """Clear where-from details (user agent, IP address, client) on every row about the
    member, whichever domain keeps them (sessions, terms acceptances), and the client of
    consent proofs."""
    from app.privacy.exports import member_columns, models

    for model in models():
        columns = member_columns(model)
        fields = [f for f in DEVICE_DETAILS if f in model._meta.fields_db_projection]
        if not columns or not fields:
            continue
        values = {f: None if model._meta.fields_map[f].null else "" for f in fields}
        for column in columns:
            await model.filter(**{column: member_id}).using_db(conn).update(**values)
    await ConsentRecord.filter(member_id=member_id).using_db(conn).update(client=None)


def _personal_strings(member: Member) -> list[str]:
    values = [member.email, member.display_name, member.card_number, member.external_ref]
    return [v for v in values if v and len(v) >= 4]


async def _cancel_jobs(conn, member: Member, messages: list[int], exports: list[int]) -> int:
    """Cancel pending jobs that exist only for this member, or whose payload carries their
    personal data (the payload is emptied: dead jobs are kept for the operator)."""
    vouchers = await Voucher.filter(redemption_id__in=Subquery(
        Redemption.filter(member_id=member.id).values("id"))).using_db(conn).values_list(
        "id", flat=True)  # fmt: skip
    mine = {"member": {member.id}, "message": set(messages), "voucher": set(vouchers),
            "export": set(exports)}  # fmt: skip
    personal = _personal_strings(member)
    cancel = []
    pending = await jobs.Job.filter(status=jobs.JobStatus.PENDING).using_db(conn).values_list(
        "id", "kind", "payload")  # fmt: skip
    for job_id, kind, payload in pending:
        key = _MEMBER_JOBS.get(kind)
        target = payload.get(key) if key is not None and isinstance(payload, dict) else None
        for_member = isinstance(target, int) and target in mine[key]
        if for_member or any(p in str(payload) for p in personal):
            cancel.append(job_id)
    if cancel:
        await jobs.Job.filter(id__in=cancel).using_db(conn).update(
            status=jobs.JobStatus.DEAD, payload={}, last_error="cancelled: member erased",
            finished_at=now(), locked_until=None)  # fmt: skip
    return len(cancel)


async def _pseudonymize(conn, member: Member, at: dt.datetime) -> None:
    await Member.filter(id=member.id).using_db(conn).update(
        email=f"erased-{secrets.token_hex(8)}@invalid", display_name=None, birthday=None,
        interests=[], card_number=None, external_ref=None, referral_code=None,
        password_hash=UNUSABLE_PASSWORD, is_active=False, role=Role.MEMBER, time_zone="UTC",
        password_changed_at=at, updated_at=at,
    )  # fmt: skip


async def is_erased(*, member_id: int) -> bool:
    return await ErasureRecord.exists(member_id=member_id)


async def erasure_of(*, member_id: int) -> ErasureRecord | None:
    return await ErasureRecord.get_or_none(member_id=member_id)


# ---- retention --------------------------------------------------------------------------------

# Transactions a member causes (earning by buying or acting, spending): expiry, releases and
# automatic bonuses happen without them and do not count as activity.
_ACTIVE_KINDS = [Kind.PURCHASE, Kind.ACTION, Kind.REFERRAL, Kind.REDEMPTION, Kind.REFUND]


async def inactive_members(*, at: dt.datetime, days: int, limit: int = 100) -> list[int]:
    """Members (not staff, not erased) with no sign-in, purchase, action, redemption, post,
    comment or profile change for `days` days."""
    cutoff = at - dt.timedelta(days=days)
    query = Member.filter(role=Role.MEMBER, created_at__lt=cutoff, updated_at__lt=cutoff)
    for recent, column in (
        (ErasureRecord.all(), "member_id"),
        (AuthSession.filter(last_used_at__gte=cutoff), "member_id"),
        (PointsTransaction.filter(created_at__gte=cutoff, kind__in=_ACTIVE_KINDS), "member_id"),
        (Post.filter(created_at__gte=cutoff), "author_id"),
        (Comment.filter(created_at__gte=cutoff), "author_id"),
    ):
        query = query.exclude(id__in=Subquery(recent.values(column)))
    return list(await query.order_by("id").limit(limit).values_list("id", flat=True))


async def erase_inactive(
    *, at: dt.datetime | None = None, days: int | None = None, limit: int = 100
) -> list[int]:
    """Erase up to `limit` accounts inactive for longer than RETENTION_INACTIVE_DAYS (or
    `days`); nothing when that is 0. Returns the ids erased."""
    at = at or now()
    days = get_settings().retention_inactive_days if days is None else days
    if days <= 0:
        return []
    erased = []
    for member_id in await inactive_members(at=at, days=days, limit=limit):
        try:
            await erase_member(member_id=member_id, reason=ErasureReason.RETENTION, at=at)
        except AccountAlreadyErased:  # another worker got there first
            continue
        erased.append(member_id)
    return erased
