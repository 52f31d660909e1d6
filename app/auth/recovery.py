"""Account recovery by mail: asking for a password reset link, and setting a new password
with the token of a mailed RESET (forgot password) or INVITE (set your password) link.

- `request_password_reset` answers the same whatever the address: it records the same
  one `mail.send` job, whose handler finds the active account with that address, or sends
  nothing (app.mail.service `account_email`). Requests are throttled per client address
  and per (account, client address) pair (TooManyAttempts), and capped per account (a
  SHA-256 of the normalized address, counted whether an account has it or not): past the
  cap the answer is the same but no job is recorded (app.auth.service.count_reset_request),
  so requests from elsewhere can neither bomb the mailbox nor lock its owner out.
- `reset_password` checks the new password first (a weak one changes nothing and leaves
  the token unspent), counts the attempt per client address (TooManyAttempts), hashes it
  off the event loop (only for a token that looks usable for a reset: a forged one, or one
  of another purpose, costs no hashing), then in one transaction spends the token
  (locked: of parallel uses, one wins), stores the hash, marks the address verified (the
  mail was read there), spends every other live link of the member (resets, invitations,
  confirmations and pending changes of address alike), signs out every session (their
  live subscriptions end on commit) and, after a RESET, queues a PASSWORD_CHANGED notice
  with a fresh reset link in case it was not the owner (made after the change: it works).
"""

from __future__ import annotations

import uuid

from app.auth import service as auth
from app.clock import now
from app.db import transaction
from app.errors import FieldProblem, InvalidInput, InvalidToken
from app.mail import service as mail
from app.members import service as members

RESET_TTL = auth.RESET_TTL  # seconds a reset link works
RESET_PURPOSES = (mail.TokenPurpose.RESET, mail.TokenPurpose.INVITE)
ALL_PURPOSES = tuple(mail.TokenPurpose)  # what a new password ends


def _check_email(email: str) -> str:
    problems: list[FieldProblem] = []
    address = members.check_profile(problems, email=email or "")["email"]
    if problems:
        raise InvalidInput(problems)
    return address


async def request_password_reset(*, email: str, client_address: str = "") -> str:
    """Queue a reset mail for the account with `email`, if there is one; the address as
    normalized. The same work and answer whether an account has it or not.

    InvalidInput (field email: REQUIRED, TOO_LONG, INVALID_EMAIL) for a malformed address,
    before anything is counted; TooManyAttempts past the request limits of the client
    address or of this account from it; past the account's own cap, the same answer and no
    mail."""
    address = _check_email(email)
    if not await auth.count_reset_request(email=address, address=client_address):
        return address  # capped: answered like the rest, nothing queued
    async with transaction() as tx:
        await mail.mail_later(tx.connection, mail.spec(
            account_email=address, template="PASSWORD_RESET", token=mail.TokenPurpose.RESET,
            token_ttl=RESET_TTL, key=f"reset:{uuid.uuid4().hex}",
        ))  # fmt: skip
    return address


def check_new_password(password: str, *, field: str = "newPassword") -> None:
    """InvalidInput (on `field`) for a password the account rules refuse."""
    problem = members.password_problem(password or "")
    if problem:
        raise InvalidInput([FieldProblem(field, problem[0], problem[1])])


async def reset_password(
    *, raw_token: str, new_password: str, client_address: str = ""
) -> members.Member:
    """Set the password of the account a RESET or INVITE token was mailed to, and sign it
    out everywhere; the member as they are now.

    InvalidInput (field newPassword) for a weak password: nothing changes, the token stays
    usable. TooManyAttempts past the attempts of `client_address`
    (app.auth.service.count_reset_attempt). InvalidToken (reason UNKNOWN, USED or EXPIRED)
    for a token that cannot be used: nothing changes."""
    check_new_password(new_password)
    await auth.count_reset_attempt(address=client_address)
    # A cheap look first: a forged, dead or other link's token costs no hashing
    # (take_token decides).
    state = await mail.token_state(raw=raw_token, purposes=RESET_PURPOSES)
    if state != "VALID":
        raise InvalidToken(reason=state)
    password_hash = await members.hash_new_password(new_password)
    async with transaction() as tx:
        conn = tx.connection
        token = await mail.take_token(raw=raw_token, purposes=RESET_PURPOSES, conn=conn)
        member_id = token.member_id
        at = now()
        await members.update_members(
            changes=[(member_id, {"password_hash": password_hash, "password_changed_at": at})],
            at=at, conn=conn,
        )  # fmt: skip
        await members.mark_email_verified(member_id=member_id, conn=conn)
        await mail.end_tokens(member_id=member_id, purposes=ALL_PURPOSES, conn=conn)
        await auth.end_all_sessions(member_id=member_id, reason="password_reset")
        if token.purpose == mail.TokenPurpose.RESET:
            await mail.mail_later(conn, mail.spec(
                template="PASSWORD_CHANGED", key=f"password-reset:{token.id}",
                member_id=member_id, token=mail.TokenPurpose.RESET, token_ttl=RESET_TTL,
            ))  # fmt: skip
    return await members.get_member(member_id=member_id)
