"""Invitations: a member created by CRM sync (`upsertMember`) or import
(`loyalty import-members`) has no usable password, so they are mailed a link to set one
(template INVITATION, an INVITE token valid INVITATION_TTL_SECONDS); with it they set a
password (`resetPassword`, or the page /account/set-password) and can sign in to the app.

- `invite_created` queues the invitations of the members a sync just created, in the
  sync's own transaction: one `mail.send` job for the whole batch, so the mails exist
  exactly when the members do.
- `resend_invitation` (support: `resendInvitation`) mails a member who never set a password
  a new invitation, spending the links mailed before; at most one per member every
  RESEND_INTERVAL seconds.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

from app import jobs
from app.clock import now
from app.db import transaction
from app.errors import AlreadyHasPassword, MemberNotFound, TooManyAttempts
from app.ledger import service as ledger
from app.mail import service as mail
from app.members import service as members
from app.settings import get_settings

TEMPLATE = "INVITATION"
RESEND_INTERVAL = 600  # seconds between two invitations support sends one member


def has_password(member: members.Member) -> bool:
    """Whether the account has a usable password (unusable ones start with "!")."""
    return not (member.password_hash or "!").startswith("!")


def invitation(*, member_id: int, n: int | str, points: int = 0) -> dict:
    """The INVITATION mail for one member (`n` tells their invitations apart)."""
    return mail.spec(
        template=TEMPLATE, member_id=member_id, key=f"invite:{member_id}:{n}",
        token=mail.TokenPurpose.INVITE, token_ttl=get_settings().invitation_ttl,
        fields={"points": points},
    )  # fmt: skip


async def invite_created(*, member_ids: Iterable[int], conn) -> None:
    """Queue the invitations of members just created, in the caller's transaction (`conn`):
    one job for them all. A member created this moment has no points movement yet, so the
    mail says 0 points without asking the ledger."""
    specs = [invitation(member_id=member_id, n=0) for member_id in member_ids]
    await mail.mail_later(conn, *specs)


def _resend_prefix(member_id: int) -> str:
    return f"invite-resend:{member_id}:"


async def resend_invitation(*, member_id: int) -> members.Member:
    """Mail the member a new invitation (their available points in it) and spend the
    INVITE links mailed before; the member.

    MemberNotFound for no active member (staff accounts included: they are not invited);
    AlreadyHasPassword once they set a password; TooManyAttempts (with the seconds left)
    within RESEND_INTERVAL of the last re-send."""
    at = now()
    [balance] = await ledger.balances([member_id])
    async with transaction() as tx:
        conn = tx.connection
        member = await members.lock_member(member_id=member_id, active_only=True)
        if member is None or member.role != members.Role.MEMBER:
            raise MemberNotFound()
        if has_password(member):
            raise AlreadyHasPassword()
        since = at - dt.timedelta(seconds=RESEND_INTERVAL)
        last = await (jobs.Job.filter(key__startswith=_resend_prefix(member_id),
                                      created_at__gt=since)
                      .using_db(conn).order_by("-created_at").first())  # fmt: skip
        if last is not None:
            left = (last.created_at + dt.timedelta(seconds=RESEND_INTERVAL) - at).total_seconds()
            raise TooManyAttempts(min(RESEND_INTERVAL, max(1, math.ceil(left))))
        # The member row is locked, so two re-sends at once run one after the other; the job
        # key (one per member and interval) dedupes anything that slips past the read.
        bucket = int(at.timestamp()) // RESEND_INTERVAL
        await mail.end_tokens(member_id=member_id, purposes=(mail.TokenPurpose.INVITE,),
                              conn=conn)  # fmt: skip
        await mail.mail_later(
            conn, invitation(member_id=member_id, n=bucket, points=balance.available),
            job_key=f"{_resend_prefix(member_id)}{bucket}",
        )  # fmt: skip
    return member
