"""Member sync from a CRM: create or update members keyed by the CRM's own id
(`Member.external_ref`), one at a time (the `upsertMember` mutation) or in batches (the
`loyalty import-members` command).

Passwords: a member created by sync gets an unusable password hash (it starts with "!",
which no argon2 hash does, so every password check fails). In the same transaction they are
mailed an invitation to set their password (app.integrations.invitations: one mail job per
batch), with which they can then sign in to the app; support can re-send it
(`resendInvitation`), and `invite: false` / `--no-invite` skip it. Updates mail nothing,
but for an update that CHANGES a member's email (`_email_moved`, in the same transaction):
the address counts as unconfirmed again, the member's live mail links (reset, invitation,
confirmation) die, their sessions end, and the old address is told (EMAIL_CHANGED). A CRM
with the members:sync scope is trusted as the system of record for members' addresses: a
password reset asked for afterwards goes to the new address, so what this buys is that the
owner learns of the change at the old one and nothing mailed or signed in before it lasts.
Sign-up with their email answers EMAIL_ALREADY_REGISTERED: a stranger who knows a CRM
member's email can not claim that member's points by signing up first.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from tortoise.exceptions import IntegrityError

from app import clock
from app.auth import service as auth
from app.db import Transaction, transaction
from app.errors import FieldProblem, InvalidInput
from app.integrations import invitations
from app.integrations.webhooks import emit_events, jsonable, subscribed_types
from app.mail import service as mail
from app.members import service as members

MAX_EXTERNAL_REF = 64
PROFILE_COLUMNS = ("email", "display_name", "locale", "time_zone", "birthday", "card_number",
                   "interests")  # fmt: skip
DEFAULTS = {"display_name": None, "locale": "en", "time_zone": "UTC", "birthday": None,
            "interests": []}  # fmt: skip


# A password hash no password matches (see the module docstring).
UNUSABLE_PASSWORD = "!unusable"


@dataclass(frozen=True)
class MemberRecord:
    """One validated member as the CRM sent it: the columns it gave, cleaned."""

    external_ref: str
    fields: dict[str, object]


@dataclass
class SyncResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # (position in the batch, problems) of the records refused when writing
    refused: list[tuple[int, list[FieldProblem]]] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)  # reference -> columns


def check_record(values: Mapping[str, object]) -> MemberRecord:
    """Validate one member (`external_ref` plus any of PROFILE_COLUMNS; absent ones are left
    as they are). Raises InvalidInput with every problem; writes nothing."""
    problems: list[FieldProblem] = []
    ref = str(values.get("external_ref") or "").strip()
    if not ref:
        problems.append(FieldProblem("externalRef", "REQUIRED"))
    elif len(ref) > MAX_EXTERNAL_REF:
        problems.append(FieldProblem("externalRef", "TOO_LONG", {"max": MAX_EXTERNAL_REF}))
    given = {k: values[k] for k in PROFILE_COLUMNS if k in values}
    if "email" in given and given["email"] is None:
        problems.append(FieldProblem("email", "REQUIRED"))
        del given["email"]
    if given.get("locale", "") is None:
        given["locale"] = DEFAULTS["locale"]
    if given.get("time_zone", "") is None:
        given["time_zone"] = DEFAULTS["time_zone"]
    if given.get("interests", "") is None:
        given["interests"] = []
    cleaned = members.check_profile(problems, **given)
    if problems:
        raise InvalidInput(problems)
    return MemberRecord(ref, cleaned)


def _changes(current: Mapping[str, object], wanted: Mapping[str, object]) -> dict[str, object]:
    return {k: v for k, v in wanted.items() if current.get(k) != v}


async def upsert_member(
    *, values: Mapping[str, object], invite: bool = True
) -> tuple[object, bool, list[str]]:
    """Create or update the member with this external reference (a member it creates is
    mailed an invitation to set their password unless `invite` is False).
    Returns (member, created, the columns that changed); repeating a call changes nothing."""
    record = check_record(values)
    result = await sync_records([record], invite=invite)
    if result.refused:
        raise InvalidInput(result.refused[0][1])
    member = await members.member_by_external_ref(external_ref=record.external_ref)
    return member, bool(result.created), result.changed.get(record.external_ref, [])


async def sync_records(
    records: Sequence[MemberRecord], *, events: bool = True, invite: bool = True
) -> SyncResult:
    """Upsert validated records in one transaction with a few queries whatever their number:
    members that exist and differ are updated, the rest created; equal ones are not written
    (their `updated_at` stays). A record clashing with another member's email or card is
    refused, the others still written. Webhook events, and (when `invite`) one mail job
    inviting the members created to set their password, are recorded in the same
    transaction."""
    try:
        async with transaction() as tx:
            return await _sync(tx, records, events, invite)
    except IntegrityError:
        # Someone took an email, card or reference between our check and our write: redo
        # one record at a time, so only the clashing ones are refused.
        if len(records) == 1:
            return SyncResult(refused=[(0, [FieldProblem("externalRef", "TAKEN")])])
        total = SyncResult()
        for position, record in enumerate(records):
            one = await sync_records([record], events=events, invite=invite)
            total.created += one.created
            total.updated += one.updated
            total.unchanged += one.unchanged
            total.refused += [(position, problems) for _, problems in one.refused]
            total.changed.update(one.changed)
        return total


async def _sync(
    tx: Transaction, records: Sequence[MemberRecord], events: bool, invite: bool
) -> SyncResult:
    conn = tx.connection
    result = SyncResult()
    columns = ("id", "external_ref", "role", "is_active", *PROFILE_COLUMNS)
    refs = [r.external_ref for r in records]
    # Lock the rows (in id order, like any batch) as a profile update does: a purchase's
    # webhook event and ours then take their per-member sequence numbers one after the other.
    existing = await members.lock_by_external_refs(external_refs=refs, columns=columns, conn=conn)
    owners = await _owners(conn, records, existing)
    now = clock.now()
    creates: list[tuple[MemberRecord, dict]] = []
    updates: list[tuple[dict, dict]] = []
    for position, record in enumerate(records):
        current = existing.get(record.external_ref)
        problems = _clashes(record, owners)
        if current is not None and (
            current["role"] != members.Role.MEMBER or not current["is_active"]
        ):
            problems.append(FieldProblem("externalRef", "TAKEN"))
        if current is None and "email" not in record.fields:
            problems.append(FieldProblem("email", "REQUIRED"))
        if problems:
            result.refused.append((position, problems))
            continue
        if current is None:
            creates.append((record, {**DEFAULTS, **record.fields}))
            result.changed[record.external_ref] = sorted(record.fields)
            continue
        changed = _changes(current, record.fields)
        result.changed[record.external_ref] = sorted(changed)
        if changed:
            updates.append((current, changed))
        else:
            result.unchanged += 1
    emitted: list[tuple[str, int, dict]] = []
    if creates:
        rows = [{
            **profile, "external_ref": record.external_ref, "password_hash": UNUSABLE_PASSWORD,
            "card_number": profile.get("card_number") or members.new_card_number(),
            "referral_code": members.new_referral_code(), "role": members.Role.MEMBER,
            "is_active": True, "created_at": now, "updated_at": now,
        } for record, profile in creates]  # fmt: skip
        made = await members.insert_members(rows=rows, conn=conn)
        ids = {row["external_ref"]: row["id"] for row in made}
        emitted += [("created", ids[row["external_ref"]], row) for row in rows]
        result.created = len(rows)
        if invite:
            await invitations.invite_created(
                member_ids=[ids[row["external_ref"]] for row in rows], conn=conn
            )
    if updates:
        await members.update_members(
            changes=[(current["id"], changed) for current, changed in updates], at=now, conn=conn
        )
        emitted += [("updated", current["id"], changed) for current, changed in updates]
        result.updated = len(updates)
        moved = [(current["id"], current["email"], changed["email"])
                 for current, changed in updates if "email" in changed]  # fmt: skip
        if moved:
            await _email_moved(conn, moved)
    wanted = await subscribed_types() if events and emitted else set()
    if wanted:
        await emit_events([
            (f"member.{change}", member_id,
             jsonable({k: row.get(k) for k in ("external_ref", *PROFILE_COLUMNS)})
             if change == "created" else {"changed": jsonable(row)})
            for change, member_id, row in emitted if f"member.{change}" in wanted
        ])  # fmt: skip
    return result


async def _email_moved(conn, moved: list[tuple[int, str, str]]) -> None:
    """Sync switched these members' addresses ((id, old, new)): nobody has proved they read
    mail at the new one, and whoever can write the CRM must not be able to take an account
    over by pointing it at their own address and asking for a password reset. So, in the
    sync's transaction: the address counts as unconfirmed again, every live mail link of
    the member dies (resets, invitations, confirmations), every session ends (sign in
    again), and the old address is told (EMAIL_CHANGED, security mail)."""
    ids = [member_id for member_id, _, _ in moved]
    await members.unverify_emails(member_ids=ids, conn=conn)
    for member_id in ids:
        await mail.end_tokens(member_id=member_id, purposes=tuple(mail.TokenPurpose), conn=conn)
        await auth.end_all_sessions(member_id=member_id, reason="email changed by sync")
    stamp = secrets.token_hex(6)  # one notice per switch: the same pair may switch again
    await mail.mail_later(conn, *[
        mail.spec(template="EMAIL_CHANGED", key=f"sync-email:{member_id}:{stamp}",
                  member_id=member_id, to=old, fields={"new_email": new})
        for member_id, old, new in moved
    ])  # fmt: skip


async def _owners(
    conn, records: Sequence[MemberRecord], existing: dict[str, dict]
) -> dict[tuple[str, object], str | None]:
    """Who holds each email and card number the records want and do not hold yet:
    (column, value) -> reference of the holder (None for a member without one)."""
    owners: dict[tuple[str, object], str | None] = {}
    for column in ("email", "card_number"):
        wanted = {
            value for r in records
            if (value := r.fields.get(column)) is not None
            and value != existing.get(r.external_ref, {}).get(column)
        }  # fmt: skip
        if wanted:
            held = await members.holders_of(column=column, values=list(wanted), conn=conn)
            owners.update({(column, value): ref for value, ref in held})
    return owners


def _clashes(record: MemberRecord, owners: dict) -> list[FieldProblem]:
    problems = []
    for column, name in (("email", "email"), ("card_number", "cardNumber")):
        value = record.fields.get(column)
        key = (column, value)
        if value is not None and key in owners and owners[key] != record.external_ref:
            problems.append(FieldProblem(name, "TAKEN"))
    return problems
