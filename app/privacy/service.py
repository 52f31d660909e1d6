"""Consents per purpose, with their proof.

Every grant and withdrawal is appended to `ConsentRecord` (when, how, from which client,
under which privacy policy version); `MemberConsent` holds the current choice per purpose
and is written in the same transaction. Marketing consents are the source of truth for the
members' channel preferences: `ChannelPreference(PUSH/EMAIL)` is kept in step in the same
transaction, because campaigns check it when they choose an audience and again right before
each send; a withdrawal therefore stops the next campaign push at once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from app.clock import now
from app.db import Transaction, transaction
from app.errors import FieldProblem, InvalidInput, InvalidToken, MemberNotFound
from app.events import member_topic, publish_after_commit
from app.mail import service as mail
from app.members import service as members
from app.members.service import Channel
from app.privacy.models import ConsentRecord, ConsentSource, MemberConsent, Purpose
from app.program import service as program

# Called inside the transaction of each recorded change, with keyword arguments
# (member_id=, purpose=, granted=); e.g. webhooks queue `consent.changed` here.
CONSENT_HOOKS: list[Callable[..., Awaitable[None]]] = []

# Marketing purposes and the channel preference each one drives.
CHANNELS = {Purpose.MARKETING_PUSH: Channel.PUSH, Purpose.MARKETING_EMAIL: Channel.EMAIL}
_VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.+_\-]{0,31}$")


@dataclass(frozen=True)
class ConsentState:
    """A member's current choice for one purpose (never asked: not granted, no date)."""

    purpose: Purpose
    granted: bool
    changed_at: dt.datetime | None
    policy_version: str | None


def _clean_version(policy_version: str | None, granted: bool) -> str | None:
    version = (policy_version or "").strip() or None
    if version is None and granted:
        # Consent is only valid for a text the member was shown: the version is the proof.
        raise InvalidInput([FieldProblem("policyVersion", "REQUIRED")])
    if version is not None and not _VERSION.match(version):
        raise InvalidInput([FieldProblem("policyVersion", "INVALID_VALUE")])
    return version


async def set_consent(
    *,
    member_id: int,
    purpose: Purpose,
    granted: bool,
    policy_version: str | None,
    source: ConsentSource,
    client: str | None = None,
    actor_id: int | None = None,
) -> ConsentState:
    """Grant or withdraw consent for one purpose and record the proof. Granting needs the
    privacy policy version the member was shown. The same choice under the same version
    again records nothing (a retry is harmless); a first refusal is recorded."""
    version = _clean_version(policy_version, granted)
    if granted:
        # The proof names a text that exists (once any privacy policy is published).
        known = await program.published_versions(program.DocumentKind.PRIVACY)
        if known and version not in known:
            raise InvalidInput([FieldProblem("policyVersion", "UNKNOWN_VERSION")])
    async with transaction() as tx:
        # The member's row lock serializes two changes of the same member's consents.
        member = await members.lock_member(member_id=member_id, active_only=True)
        if member is None:
            raise MemberNotFound()
        (states,) = await consents_by_member([member_id], conn=tx.connection)
        current = next(state for state in states if state.purpose == purpose)
        same = current.granted == granted and (not granted or current.policy_version == version)
        if same and current.changed_at is not None:  # a first "no" is recorded, as a choice
            return current
        return await record_change(
            tx, member_id=member_id, purpose=purpose, granted=granted, policy_version=version,
            source=source, client=client, actor_id=actor_id,
        )  # fmt: skip


async def record_change(
    tx: Transaction,
    *,
    member_id: int,
    purpose: Purpose,
    granted: bool,
    policy_version: str | None,
    source: ConsentSource,
    client: str | None = None,
    actor_id: int | None = None,
) -> ConsentState:
    """Append the record, update the current state and the channel preference, and call the
    hooks, all in `tx` (the caller holds the member's lock)."""
    at = now()
    conn = tx.connection
    record = await ConsentRecord.create(
        member_id=member_id, purpose=purpose, granted=granted, policy_version=policy_version,
        source=source, client=(client or "")[:255] or None, actor_id=actor_id, using_db=conn,
    )  # fmt: skip
    values = {"granted": granted, "policy_version": policy_version, "record_id": record.id,
              "changed_at": at}  # fmt: skip
    updated = await MemberConsent.filter(member_id=member_id, purpose=purpose).using_db(
        conn
    ).update(**values)  # fmt: skip
    if not updated:
        await MemberConsent.create(member_id=member_id, purpose=purpose, **values, using_db=conn)
    channel = CHANNELS.get(purpose)
    if channel is not None:
        # The members domain owns the channel preference; consent drives it (the module doc).
        await members.record_channel_consent(
            member_id=member_id, channel=channel, opted_in=granted, at=at
        )
    for hook in CONSENT_HOOKS:
        await hook(member_id=member_id, purpose=purpose.value, granted=granted)
    publish_after_commit(tx, member_topic(member_id), {"type": "MEMBER_UPDATED"})
    return ConsentState(purpose, granted, at, policy_version)


async def withdraw_all(tx: Transaction, *, member_id: int) -> int:
    """Withdraw every consent the member has given (an erasure does this), recorded as a
    system withdrawal; returns how many were withdrawn."""
    (states,) = await consents_by_member([member_id], conn=tx.connection)
    withdrawn = 0
    for state in states:
        if state.granted:
            await record_change(tx, member_id=member_id, purpose=state.purpose, granted=False,
                                policy_version=None, source=ConsentSource.SYSTEM)  # fmt: skip
            withdrawn += 1
    # Channels with no consent behind them (e.g. SMS) are switched off too.
    await members.opt_out_of_all_channels(member_id=member_id, at=now())
    return withdrawn


def _state(row: MemberConsent) -> ConsentState:
    return ConsentState(Purpose(row.purpose), row.granted, row.changed_at, row.policy_version)


async def consents_by_member(member_ids: Sequence[int], *, conn=None) -> list[list[ConsentState]]:
    """Each member's current choice for every purpose (the DataLoader batch function).

    For a marketing purpose the member's channel preference wins when it was changed later
    by another path (the profile's communication preferences, or consent given before
    consents existed): it is what campaigns honour. It has no policy version."""
    ids = list(member_ids)
    rows = MemberConsent.filter(member_id__in=ids)
    if conn is not None:
        rows = rows.using_db(conn)
    found = {(r.member_id, Purpose(r.purpose)): _state(r) for r in await rows}
    # Read in the caller's transaction, if one is open (as `conn` is then).
    prefs = await members.channel_preferences_by_member(ids, channels=CHANNELS.values())
    legacy = {(p.member_id, Channel(p.channel)): p for group in prefs for p in group}
    result = []
    for member_id in ids:
        states = []
        for purpose in Purpose:
            state = found.get((member_id, purpose))
            pref = legacy.get((member_id, CHANNELS.get(purpose)))
            if pref is not None and (state is None or state.granted != pref.opted_in):
                changed = pref.consented_at if pref.opted_in else pref.withdrawn_at
                if state is None or (changed is not None and changed > state.changed_at):
                    state = ConsentState(purpose, pref.opted_in, changed, None)
            states.append(state or ConsentState(purpose, False, None, None))
        result.append(states)
    return result


async def consents(*, member_id: int) -> list[ConsentState]:
    """The member's current choice for every purpose."""
    (states,) = await consents_by_member([member_id])
    return states


async def has_consent(*, member_id: int, purpose: Purpose) -> bool:
    """Whether the member currently consents to `purpose` (for other domains to ask)."""
    states = await consents(member_id=member_id)
    return any(s.granted for s in states if s.purpose == purpose)


async def consent_history(*, member_id: int, limit: int = 500) -> list[ConsentRecord]:
    """Every grant and withdrawal of the member, newest first."""
    return await ConsentRecord.filter(member_id=member_id).order_by("-id").limit(limit)


async def withdrawals_since(
    *, member_ids, purpose: Purpose, source: ConsentSource, since: dt.datetime
) -> int:
    """How many of these members (a list or a subquery of ids) withdrew `purpose` through
    `source` since `since` (each member once; e.g. a campaign's mail unsubscribes)."""
    found = await ConsentRecord.filter(
        member_id__in=member_ids, purpose=purpose, source=source, granted=False,
        created_at__gte=since,
    ).distinct().values_list("member_id", flat=True)  # fmt: skip
    return len(set(found))


async def on_profile_channel(tx: Transaction, member_id: int, channel: Channel, opted_in: bool):
    """A channel switched in the profile (updateProfile; app.wiring subscribes this) is a
    consent choice too: recorded with its proof, against the privacy policy in force (none
    published: no version)."""
    purpose = next((p for p, c in CHANNELS.items() if c == channel), None)
    if purpose is None:
        return
    policy = (await program.current_documents())[program.DocumentKind.PRIVACY]
    await record_change(
        tx, member_id=member_id, purpose=purpose, granted=opted_in,
        policy_version=policy.version if policy is not None and opted_in else None,
        source=ConsentSource.APP, client="updateProfile",
    )  # fmt: skip


# ---- one-click unsubscribe (RFC 8058) ---------------------------------------------------------


@dataclass(frozen=True)
class MailUnsubscribe:
    """Whose unsubscribe link a token is: the member, the campaign that mailed it (None: not
    a campaign's), the member's language, and whether they still get marketing mail."""

    member_id: int
    campaign_id: int | None
    locale: str
    subscribed: bool


async def read_unsubscribe(*, token: str) -> MailUnsubscribe | None:
    """What the link's page shows (changing nothing): None for a forged token or an
    account that is gone."""
    found = mail.read_unsubscribe_token(token)
    if found is None:
        return None
    member = await members.get_member(member_id=found[0])
    if member is None or not member.is_active:
        return None
    subscribed = await has_consent(member_id=member.id, purpose=Purpose.MARKETING_EMAIL)
    return MailUnsubscribe(member.id, found[1], member.locale, subscribed)


async def unsubscribe_by_mail(*, token: str, one_click: bool = True) -> MailUnsubscribe:
    """Withdraw the marketing email consent of the member a mail's unsubscribe link names,
    recorded with its proof (source EMAIL; client: how, and which campaign's mail), through
    the consent path (its channel preference and CONSENT_HOOKS follow). Idempotent: already
    withdrawn, nothing is recorded again. InvalidToken (nothing changed) for a forged token
    or an account that is gone."""
    found = mail.read_unsubscribe_token(token)
    if found is None:
        raise InvalidToken(reason="UNKNOWN")
    member_id, campaign_id = found
    client = "list-unsubscribe" if one_click else "list-unsubscribe page"
    if campaign_id is not None:
        client += f" campaign:{campaign_id}"
    try:
        await set_consent(member_id=member_id, purpose=Purpose.MARKETING_EMAIL, granted=False,
                          policy_version=None, source=ConsentSource.EMAIL, client=client)  # fmt: skip
    except MemberNotFound:
        raise InvalidToken(reason="UNKNOWN") from None
    return MailUnsubscribe(member_id, campaign_id, await members.locale_of(member_id=member_id),
                           False)  # fmt: skip
