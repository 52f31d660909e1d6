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
- Pending jobs that carry the member's personal data (a whole value of the payload: their
  email, name, card number or CRM reference) or exist only for them are cancelled; a mail
  job loses only the member's own mails (by member id or address) and still mails the
  others. The one left holding the address is queued after that, by a hook: the "your
  account was deleted" mail (an erasure the member asked for), emptied once sent.
- Consents are withdrawn (recorded), data exports deleted.
- Points still held, available and pending, are forfeited per the program terms: pending lots
  are released and the whole available balance debited to the program's `expired` account
  in an explicit transaction (rule RULE_FORFEIT). Ledger entries are never changed (a staff
  adjustment's free-text reason stays as written: staff must not put names there).
- Correction requests about the member that wait for approval are rejected (note "member
  erased", decided by nobody) and every request's reason and decision note removed.
- An ErasureRecord keeps what happened without personal data.
`ERASURE_HOOKS` let other domains scrub what they hold, in the same transaction.

Erasure owns only the order: each domain forgets the member through its own service
(`ledger`, `members`, `auth`, `campaigns`, `messaging`, `community`, `tiers`:
`forget_member`), all in erasure's one transaction. Two passes stay generic, found from the
models like the data export: where-from details on every row about the member, and pending
jobs naming them. tests/privacy scans every text column of every table after an erasure, so
a new table holding personal data fails that test until its domain's `forget_member` (or a
hook) handles it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

from app import events, jobs
from app.auth import service as auth
from app.campaigns import service as campaigns
from app.clock import now
from app.community import service as community
from app.db import transaction
from app.errors import AccountAlreadyErased, InvalidCredentials, MemberNotFound
from app.ledger import service as ledger
from app.mail.service import MAIL_JOB
from app.members import service as members
from app.messaging import service as messaging
from app.privacy import service as consents
from app.privacy.models import ConsentRecord, DataExport, ErasureReason, ErasureRecord
from app.rewards import service as rewards
from app.settings import get_settings
from app.tiers import service as tiers

# Called inside the erasure's transaction with member_id= (keyword): other domains remove or
# pseudonymize what they keep about the member (e.g. a webhook delivery log). Also given:
# tx= (the transaction), reason= (an ErasureReason) and the address and language the
# account had, email= and locale=, read before the scrub (for a last mail, nothing else).
ERASURE_HOOKS: list[Callable[..., Awaitable[None]]] = []

# Columns holding where a request came from; cleared on every row about the member.
DEVICE_DETAILS = ("user_agent", "client_address", "address", "ip_address")
# Job kinds that exist only for one member's benefit, and the payload key naming what.
_MEMBER_JOBS = {"notify.send": "member", "notify.expiring": "member",
                "notify.voucher_expiring": "voucher", "push.deliver": "message",
                "privacy.export": "export"}  # fmt: skip


async def delete_account(
    *, member_id: int, password: str, client: auth.ClientInfo | None = None
) -> ErasureRecord:
    """The member erases their own account, confirming with their password
    (InvalidCredentials, and nothing changed, when it does not match). The check is
    throttled like a sign-in from `client` (TooManyAttempts) and runs off the event loop."""
    member = await members.get_member(member_id=member_id)
    if member is None:
        raise MemberNotFound()
    if await ErasureRecord.exists(member_id=member_id):
        raise AccountAlreadyErased()
    async with auth.password_check(email=member.email, client=client or auth.ClientInfo()):
        if not await members.password_matches(member=member, password=password or ""):
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
        if not await members.member_exists(member_id=member_id):
            raise MemberNotFound()
        # The ledger's lock first, as every points movement takes it: in the other order an
        # erasure and a purchase deadlock.
        await ledger.lock_member(tx, member_id)
        member = await members.lock_member(member_id=member_id)
        if member is None:
            raise MemberNotFound()
        if await ErasureRecord.filter(member_id=member_id).using_db(conn).exists():
            raise AccountAlreadyErased()
        address, locale = member.email, member.locale  # for the hooks, before the scrub
        # Each domain forgets the member through its own service, in this transaction and in
        # this order. Points first: closing the book may notify (tier change), which the
        # messaging scrub then removes; a purchase waiting for our lock finds the book closed.
        forfeited, forfeit_id = await ledger.forget_member(member_id=member_id, at=at)
        await consents.withdraw_all(tx, member_id=member_id)
        await auth.forget_member(member_id=member_id, email=member.email, at=at)
        # Once committed, every live subscription of the member ends, in every process.
        events.publish_revocation(tx, member_id=member_id)
        await campaigns.forget_member(member_id=member_id)  # before the messages go
        messages = await messaging.forget_member(member_id=member_id)
        await community.forget_member(member_id=member_id)
        await tiers.forget_member(member_id=member_id)
        exports = await DataExport.filter(member_id=member_id).using_db(conn).values_list(
            "id", flat=True)  # fmt: skip
        await DataExport.filter(member_id=member_id).using_db(conn).delete()
        await _cancel_jobs(conn, member, messages, list(exports))
        await _clear_device_details(conn, member_id)
        await members.forget_member(member_id=member_id, at=at)
        for hook in ERASURE_HOOKS:
            await hook(member_id=member_id, tx=tx, reason=reason, email=address, locale=locale)
        return await ErasureRecord.create(
            member_id=member_id, reason=reason, actor_id=actor_id, points_forfeited=forfeited,
            transaction_id=forfeit_id, erased_at=at, using_db=conn,
        )  # fmt: skip


async def _clear_device_details(conn, member_id: int) -> None:
    """Clear where-from details (user agent, IP address, client) on every row about the
    member, whichever domain keeps them (sessions, terms acceptances), and the client of
    consent proofs. Like the data export, this finds the tables from the models (see
    app.privacy.exports), so a table added later is covered without anyone remembering to."""
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


def _personal_strings(member: members.Member) -> set[str]:
    values = [member.email, member.display_name, member.card_number, member.external_ref]
    return {_same(v) for v in values if v and len(v) >= 4}


def _same(value: str) -> str:
    """A value as compared with a payload's: an email normalized, any other casefolded."""
    return members.normalize_email(value) if "@" in value else value.strip().casefold()


def _carries(value: object, personal: set[str]) -> bool:
    """Whether one of `value`'s strings (walking lists and dicts) IS one of `personal`:
    a whole value, never a substring (a display name "example.com" must not match every
    address at example.com)."""
    if isinstance(value, str):
        return _same(value) in personal
    if isinstance(value, dict):
        return any(_carries(v, personal) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_carries(v, personal) for v in value)
    return False


def _theirs(spec: object, member: members.Member) -> bool:
    """Whether one mail of a `mail.send` job is for this member: their id, or their
    address as the account to look up or the address to mail."""
    if not isinstance(spec, dict):
        return True  # not a mail this app queued: dropped rather than guessed at
    if spec.get("member") == member.id:
        return True
    address = members.normalize_email(member.email)
    return any(isinstance(spec.get(k), str) and members.normalize_email(spec[k]) == address
               for k in ("account_email", "to"))  # fmt: skip


async def _cancel_jobs(
    conn, member: members.Member, messages: list[int], exports: list[int]
) -> int:
    """Cancel pending jobs that exist only for this member, or whose payload carries their
    personal data as a whole value (the payload is emptied: dead jobs are kept for the
    operator). A `mail.send` job loses only the member's own mails (by member id or
    address); it is cancelled only when none is left for anyone else."""
    vouchers = await rewards.voucher_ids_of(member_id=member.id)
    mine = {"member": {member.id}, "message": set(messages), "voucher": set(vouchers),
            "export": set(exports)}  # fmt: skip
    personal = _personal_strings(member)
    cancel = []
    pending = await jobs.Job.filter(status=jobs.JobStatus.PENDING).using_db(conn).values_list(
        "id", "kind", "payload")  # fmt: skip
    for job_id, kind, payload in pending:
        mails = payload.get("mails") if isinstance(payload, dict) else None
        if kind == MAIL_JOB and isinstance(mails, list):
            rest = [m for m in mails if not _theirs(m, member)]
            if not rest:
                cancel.append(job_id)
            elif len(rest) < len(mails):
                await jobs.Job.filter(id=job_id, status=jobs.JobStatus.PENDING).using_db(
                    conn).update(payload={**payload, "mails": rest})  # fmt: skip
            continue
        key = _MEMBER_JOBS.get(kind)
        target = payload.get(key) if key is not None and isinstance(payload, dict) else None
        for_member = isinstance(target, int) and target in mine[key]
        if for_member or _carries(payload, personal):
            cancel.append(job_id)
    if cancel:
        await jobs.Job.filter(id__in=cancel).using_db(conn).update(
            status=jobs.JobStatus.DEAD, payload={}, last_error="cancelled: member erased",
            finished_at=now(), locked_until=None)  # fmt: skip
    return len(cancel)


# ---- retention --------------------------------------------------------------------------------


async def inactive_members(*, at: dt.datetime, days: int, limit: int = 100) -> list[int]:
    """Members (not staff, not erased) with no sign-in, purchase, action, redemption, post,
    comment or profile change for `days` days."""
    since = at - dt.timedelta(days=days)
    recent = [
        ErasureRecord.all().values("member_id"),
        auth.signed_in_since(since=since),
        ledger.active_since(since=since),
        *community.posted_since(since=since),
    ]
    return await members.inactive_members(before=since, excluding=recent, limit=limit)


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
