"""Verified email addresses: confirming the address an account has, and switching it to a
new one only once that one is confirmed too.

- `verify_email` spends a VERIFY or CHANGE link token (app.mail.service.take_token, which
  locks it and the member's row). Signed out, the token alone proves control of the
  address; signed in as another account, it is refused (TokenForAnotherAccount) and rolled
  back, so the link still works for its owner. VERIFY marks the address verified; CHANGE
  switches the account to the token's `new_email` (verified now), announces the change
  (PROFILE_HOOKS "updated": webhooks) and tells the old address (EMAIL_CHANGED). An
  address another account took meanwhile is refused (EmailAlreadyRegistered); the unique
  constraint on `member.email` is the last guard.
- `request_email_change` checks the password (throttled like a sign-in), counts the
  request per member and per new address (app.auth.service.count_email_change: when it is
  asked for, and the same whether the address is taken or not), then mails the new
  address a CHANGE link (CONFIRM_NEW_EMAIL, anonymous: no display name in the greeting or
  in To:, so a name the asker chose cannot greet a stranger) and the current one a notice
  (EMAIL_CHANGE_REQUESTED). An address that belongs to another account gets nothing, and
  the answer is the same (no enumeration). Older pending change links die, and so do
  those whose password changed before their mail left (app.mail.service `asked_at`; a
  password reset or change also spends the links already mailed).
- A switch of address spends every live link of the member (any purpose): a link mailed to
  an earlier address cannot come back to life when the account returns to it.
- `resend_verification` mails a new VERIFY link, at most once per RESEND_INTERVAL per
  member (TooManyAttempts); a verified address answers EmailAlreadyVerified.

Every write happens in one transaction together with the mail job that follows from it
(app.mail.service.mail_later): a mail exists exactly when its change commits.
"""

from __future__ import annotations

import datetime as dt
import math
import secrets

from tortoise.exceptions import IntegrityError

from app import jobs
from app.auth import service as auth
from app.clock import now as _now
from app.db import transaction
from app.errors import (
    EmailAlreadyRegistered,
    EmailAlreadyVerified,
    FieldProblem,
    InvalidCredentials,
    InvalidInput,
    TokenForAnotherAccount,
    TooManyAttempts,
)
from app.events import member_topic, publish_after_commit
from app.mail import service as mail
from app.members import service as members

VERIFY_TTL = 7 * 86400  # seconds a VERIFY link works
CHANGE_TTL = 86400  # seconds a CHANGE link works
RESEND_INTERVAL = 600  # seconds between two verification mails a member asks for


def _verify_job_prefix(member_id: int) -> str:
    return f"mail:verify:{member_id}:"


async def verify_email(*, raw_token: str, signed_in_as: int | None = None) -> members.Member:
    """Spend a VERIFY or CHANGE token and apply it; the member as they are now.

    `signed_in_as`: the account of the caller's session, if any; a token of another
    account is refused (TokenForAnotherAccount) and stays unspent. InvalidToken (reason
    UNKNOWN, USED or EXPIRED) for a token that cannot be used; EmailAlreadyRegistered when
    a CHANGE token's address belongs to another account by now. Nothing changes on any
    error."""
    at = _now()
    async with transaction() as tx:
        conn = tx.connection
        token = await mail.take_token(
            raw=raw_token,
            purposes=(mail.TokenPurpose.VERIFY, mail.TokenPurpose.CHANGE),
            conn=conn,
        )
        member_id = token.member_id
        if signed_in_as is not None and signed_in_as != member_id:
            raise TokenForAnotherAccount()  # rolls back: the token stays unspent
        if token.purpose == mail.TokenPurpose.VERIFY:
            await members.mark_email_verified(member_id=member_id, conn=conn)
        else:
            await _switch_address(
                tx,
                member_id=member_id,
                old_email=token.email,
                new_email=token.new_email or "",
                token_id=token.id,
                at=at,
            )
        publish_after_commit(tx, member_topic(member_id), {"type": "MEMBER_UPDATED"})
    return await members.get_member(member_id=member_id)


async def _switch_address(
    tx, *, member_id: int, old_email: str, new_email: str, token_id: int, at: dt.datetime
) -> None:
    conn = tx.connection
    new_email = members.normalize_email(new_email)
    holder = await members.get_member_by_email(email=new_email)
    if not new_email or (holder is not None and holder.id != member_id):
        raise EmailAlreadyRegistered("EMAIL_TAKEN_SINCE")
    try:
        async with transaction():  # a savepoint: the unique constraint's refusal stays here
            await members.update_members(
                changes=[(member_id, {"email": new_email, "email_verified_at": at})],
                at=at, conn=conn,
            )  # fmt: skip
    except IntegrityError:
        raise EmailAlreadyRegistered("EMAIL_TAKEN_SINCE") from None
    changes = {"email": new_email}
    for hook in members.PROFILE_HOOKS:
        await hook(tx, member_id, "updated", changes)
    # Every live link dies (the CHANGE token just used is spent already): one for the old
    # address would otherwise work again if the account ever switched back to it. The old
    # address hears of the switch.
    await mail.end_tokens(member_id=member_id, purposes=tuple(mail.TokenPurpose), conn=conn)
    await mail.mail_later(conn, mail.spec(
        template="EMAIL_CHANGED", key=f"email-changed:{token_id}", member_id=member_id,
        to=old_email, fields={"new_email": new_email},
    ))  # fmt: skip


def _check_new_email(new_email: str, current: str) -> str:
    problems: list[FieldProblem] = []
    changes = members.check_profile(problems, email=new_email)
    problems = [FieldProblem("newEmail", p.code, p.params) for p in problems]
    address = changes["email"]
    if not problems and address == current:
        problems.append(FieldProblem("newEmail", "SAME_EMAIL"))
    if problems:
        raise InvalidInput(problems)
    return address


async def request_email_change(
    *, member_id: int, new_email: str, password: str, client: auth.ClientInfo | None = None
) -> str:
    """Ask to switch the account to `new_email`; returns it (normalized). The address does
    not change until its link is used (`verify_email`).

    InvalidInput (field newEmail: INVALID_EMAIL, TOO_LONG, REQUIRED, SAME_EMAIL) before
    the password is checked; InvalidCredentials for a wrong password, TooManyAttempts while
    password checks of the account are throttled (app.auth.service.password_check), or
    past the requests of the member or to this address (app.auth.service
    .count_email_change, counted once the password is right). An address of another
    account is answered the same way, and counted the same, but nothing is mailed to it."""
    member = await members.get_member(member_id=member_id)
    if member is None or not member.is_active:
        raise InvalidCredentials()
    address = _check_new_email(new_email, member.email)
    at = _now()
    async with auth.password_check(email=member.email, client=client or auth.ClientInfo()):
        if not await members.password_matches(member=member, password=password or ""):
            raise InvalidCredentials()
    await auth.count_email_change(member_id=member_id, new_email=address)
    nonce = secrets.token_hex(8)
    async with transaction() as tx:
        conn = tx.connection
        locked = await members.lock_member(member_id=member_id, active_only=True)
        if locked is None or locked.email != member.email:
            raise InvalidCredentials()  # the account changed meanwhile: ask again
        await mail.end_tokens(member_id=member_id, purposes=(mail.TokenPurpose.CHANGE,),
                              conn=conn)  # fmt: skip
        specs = [mail.spec(
            template="EMAIL_CHANGE_REQUESTED", key=f"email-change-notice:{member_id}:{nonce}",
            member_id=member_id, fields={"new_email": address},
        )]  # fmt: skip
        if await members.get_member_by_email(email=address) is None:
            specs.append(mail.spec(
                template="CONFIRM_NEW_EMAIL", key=f"email-change:{member_id}:{nonce}",
                member_id=member_id, to=address, token=mail.TokenPurpose.CHANGE,
                token_ttl=CHANGE_TTL, new_email=address, anonymous=True, asked_at=at,
                expect_email=member.email,
            ))  # fmt: skip
        await mail.mail_later(conn, *specs)
    return address


async def resend_verification(*, member_id: int) -> members.Member:
    """Mail the member a new VERIFY link to their address; the member.

    EmailAlreadyVerified when it is verified; TooManyAttempts (with the seconds left)
    within RESEND_INTERVAL of the last one asked for."""
    at = _now()
    async with transaction() as tx:
        member = await members.lock_member(member_id=member_id, active_only=True)
        if member is None:
            raise InvalidCredentials()
        if member.email_verified_at is not None:
            raise EmailAlreadyVerified()
        since = at - dt.timedelta(seconds=RESEND_INTERVAL)
        last = await (jobs.Job.filter(key__startswith=_verify_job_prefix(member_id),
                                      created_at__gt=since)
                      .using_db(tx.connection).order_by("-created_at").first())  # fmt: skip
        if last is not None:
            left = (last.created_at + dt.timedelta(seconds=RESEND_INTERVAL) - at).total_seconds()
            raise TooManyAttempts(max(1, math.ceil(left)))
        # The key also dedupes two requests within one interval that slip past the read.
        bucket = int(at.timestamp()) // RESEND_INTERVAL
        key = f"{_verify_job_prefix(member_id)}{bucket}"
        await mail.mail_later(tx.connection, mail.spec(
            template="VERIFY_EMAIL", key=key, member_id=member_id,
            token=mail.TokenPurpose.VERIFY, token_ttl=VERIFY_TTL,
        ), job_key=key)  # fmt: skip
    return member
