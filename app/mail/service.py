"""Email delivery through durable jobs, link tokens, and unsubscribe tokens.

`mail_later` records a `mail.send` job in the caller's transaction: a mail exists exactly
when the change that causes it commits. The job's handler (`deliver_job`):
  1. re-reads who gets what (an address switched, consent withdrawn, a category switched
     off or an address suppressed since the job was queued wins); a (message key, address)
     listed twice is mailed once;
  2. builds each mail (with the raw link token it carries) before anything is marked: a
     mail that cannot be built (an address or header the message format refuses) is
     FAILED ("not sendable: <error type>") and costs the others nothing;
  3. marks each (message key, address) SENDING and stores the hashes of its link tokens,
     and commits that, before any SMTP transaction starts: a worker killed afterwards leaves
     the mark and no later run mails that pair again (at most once);
  4. sends; a 4xx answer marks the pair RETRY and the job comes back with backoff (until
     MAX_ATTEMPTS), a 5xx marks it FAILED, and one saying at RCPT that the mailbox is bad
     (`SendResult.bad_address`) also suppresses the address for marketing;
  5. records the outcomes (committed on their own), then completes the job.
Steps 2-5 go IN_FLIGHT mails at a time, the job's lease extended before each (so a long
job stays ours): a worker killed mid-job strands at most those (SENDING, reported
unconfirmed, never resent), and the job's next run sends the rest. A run that finds its
lease lost (another worker took the job, maybe finished it) hands the pairs it saw answered
4xx to a new job (the same keys: it re-takes their RETRY rows), so they are still retried.
Every `mail.send` job's payload (addresses, names, links) is emptied once it ends.

A link token is 256 random bits made in step 2 (only its SHA-256 is stored, in step 3), so
the raw token exists only in the mail itself, never in a job's payload or a log. A CHANGE
token replaces the member's earlier live ones (the newest request for a change of address
wins), and is not made when the account's address changed since the request.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass
from urllib.parse import quote

from tortoise.functions import Count

from app import jobs
from app.clock import now
from app.db import insert_rows, transaction
from app.errors import InvalidToken
from app.i18n import LOCALES
from app.mail.compose import build, mailbox
from app.mail.models import EmailDelivery, EmailSuppression, MailStatus, MailToken, TokenPurpose
from app.mail.sender import OutgoingMail, SendResult, email_sender
from app.mail.templates import SECURITY, render
from app.members import service as members
from app.messaging import service as messaging
from app.settings import get_settings

log = logging.getLogger(__name__)

MAIL_JOB = "mail.send"
# 4xx answers one (message, address) gets before it is given up as FAILED.
MAX_ATTEMPTS = 6
IN_FLIGHT = 100  # mails of a job marked SENDING (and sent) at a time
ACCOUNT = "account"  # the category of security and account mail (never switched off)

# Where each token purpose's link goes (on PUBLIC_BASE_URL, or the apps' universal links).
LINK_PATHS = {
    TokenPurpose.RESET: "/account/reset-password",
    TokenPurpose.INVITE: "/account/set-password",
    TokenPurpose.VERIFY: "/account/verify-email",
    TokenPurpose.CHANGE: "/account/verify-email",
}


def address_key(address: str) -> str:
    """The SHA-256 hex digest an address is logged and suppressed by (normalized)."""
    return hashlib.sha256(members.normalize_email(address).encode()).hexdigest()


def token_hash(raw: str) -> str:
    """The SHA-256 hex digest a link token is stored by."""
    return hashlib.sha256(raw.encode()).hexdigest()


# ---- queueing -------------------------------------------------------------------------------


def spec(
    *, template: str, key: str, member_id: int | None = None, account_email: str | None = None,
    to: str | None = None, locale: str | None = None, category: str = ACCOUNT,
    fields: dict | None = None, token: TokenPurpose | None = None, token_ttl: int | None = None,
    new_email: str | None = None, link: str | None = None, campaign_id: int | None = None,
    anonymous: bool = False, asked_at: dt.datetime | None = None,
    expect_email: str | None = None, erased: bool = False,
) -> dict:  # fmt: skip
    """One mail of a `mail.send` job.

    Who: `member_id`, or `account_email` (the active member with that address, if any: a
    request that must not tell whether an account exists queues the same job either way),
    at their current address unless `to` names another (a new address to confirm, the
    address of an erased account). `key` names the message: one mail per (key, address),
    ever. `token` makes a link token of that purpose (valid `token_ttl` seconds) whose
    link is the mail's button; else `link` is. `fields` fill the template.
    `anonymous`: the member's display name is neither in the greeting nor in To: (a mail
    to an address not yet shown to be theirs: a name they chose must not greet a stranger);
    every mail to a member whose address is not verified is anonymous too, but the
    INVITATION (its name comes from the CRM).
    `asked_at`: when the member asked for it; a mail with a token is not sent (SKIPPED,
    `password_changed`) if the member's password changed since (a change of address
    asked for before a reset must not mint its link after it).
    `expect_email`: the member's address when they asked; a mail with a token is not sent
    (SKIPPED, `address_changed`) if the account's address is another by then.
    `erased`: the address is an erased account's (its last mail): the delivery row keys it
    by the message key only (`erased:<digest>`), never by the address; one address a key."""
    return {"template": template, "key": key[:120], "member": member_id,
            "account_email": account_email, "to": to, "locale": locale,
            "category": str(category), "fields": fields or {},
            "token": str(token) if token else None, "token_ttl": token_ttl,
            "new_email": new_email, "link": link, "campaign": campaign_id,
            "anonymous": anonymous,
            "asked_at": asked_at.isoformat() if asked_at else None,
            "expect_email": expect_email, "erased": erased}  # fmt: skip


async def mail_later(conn, *specs: dict, run_at: dt.datetime | None = None,
                     job_key: str | None = None) -> None:  # fmt: skip
    """Record one `mail.send` job for `specs` in the caller's transaction (`conn`). Its
    payload (addresses, names, links) is emptied once the job ends, done or dead
    (`"forget": true`, jobs._finish). `job_key`: a second job with the same key is not
    recorded (jobs.enqueue)."""
    if specs:
        await jobs.enqueue(MAIL_JOB, {"mails": list(specs), "forget": True},
                           run_at=run_at, key=job_key, max_attempts=MAX_ATTEMPTS + 4,
                           conn=conn)  # fmt: skip


# ---- delivery (the job) ---------------------------------------------------------------------


@dataclass
class _Planned:
    spec: dict
    member: members.Member | members.Account | None
    address: str
    locale: str
    akey: str
    row_id: int | None = None
    raw_token: str | None = None
    outgoing: OutgoingMail | None = None


def _erased_key(key: str) -> str:
    """The address key of an erased account's last mail: from its message key alone."""
    return "erased:" + hashlib.sha256(f"erased-address:{key}".encode()).hexdigest()[:56]


def _random_erased_key() -> str:
    return "erased:" + secrets.token_hex(28)


async def _resolve(specs: list[dict]) -> list[_Planned]:
    ids = {s["member"] for s in specs if s.get("member")}
    found = await members.accounts_by_id(member_ids=ids) if ids else {}  # plain rows
    planned = []
    seen: set[tuple[str, str]] = set()  # a pair listed twice is mailed once (the first)
    for s in specs:
        member = found.get(s["member"]) if s.get("member") else None
        if s.get("account_email"):
            member = await members.get_member_by_email(email=s["account_email"])
            if member is None or not member.is_active:
                continue  # nobody to tell: the same answer was given either way
        if member is not None and not member.is_active and not s.get("to"):
            continue  # an erased or closed account's own address is gone
        address = s.get("to") or (member.email if member is not None else None)
        if not address:
            continue
        locale = (member.locale if member is not None and not s.get("locale")
                  else s.get("locale")) or "en"  # fmt: skip
        akey = _erased_key(s["key"]) if s.get("erased") else address_key(address)
        if (s["key"], akey) in seen:
            continue
        seen.add((s["key"], akey))
        planned.append(_Planned(s, member, address, locale if locale in LOCALES else "en",
                                akey))  # fmt: skip
    return planned


async def _refusals(planned: list[_Planned], conn=None) -> dict[int, str]:
    """Index -> why this mail must not go now (category off, no consent, unverified or
    suppressed address for marketing). Security mail always goes."""
    member_of = {i: p.member.id for i, p in enumerate(planned) if p.member is not None}
    asked = [(member_of[i], messaging.MessageCategory(p.spec["category"]))
             for i, p in enumerate(planned)
             if i in member_of and p.spec["template"] not in SECURITY
             and p.spec["category"] != ACCOUNT]  # fmt: skip
    allowed = await messaging.email_allowed(asked, conn) if asked else set()
    marketing = [i for i, p in enumerate(planned) if p.spec["category"] == "marketing"]
    consenting: set[int] = set()
    suppressed: set[str] = set()
    if marketing:
        consenting = await members.opted_in(member_ids={member_of.get(i) for i in marketing},
                                            channel=members.Channel.EMAIL, conn=conn)  # fmt: skip
        suppressed = set(await EmailSuppression.filter(
            address_key__in=[planned[i].akey for i in marketing]).using_db(conn)
            .values_list("address_key", flat=True))  # fmt: skip
    refused: dict[int, str] = {}
    for i, p in enumerate(planned):
        if p.spec["template"] in SECURITY or p.spec["category"] == ACCOUNT:
            continue
        member_id = member_of.get(i)
        if (
            member_id is None
            or (member_id, messaging.MessageCategory(p.spec["category"])) not in allowed
        ):
            refused[i] = "category_off"
        elif p.spec["category"] == "marketing":
            if member_id not in consenting:
                refused[i] = "no_consent"
            elif p.member.email_verified_at is None or p.address != p.member.email:
                refused[i] = "unverified"
            elif p.akey in suppressed:
                refused[i] = "undeliverable"
    return refused


def _link(p: _Planned) -> str | None:
    if p.raw_token:
        path = LINK_PATHS[TokenPurpose(p.spec["token"])]
        return f"{get_settings().link_base_url}{path}?lang={p.locale}&token={p.raw_token}"
    return p.spec.get("link")


def _anonymous(p: _Planned) -> bool:
    """No display name in the greeting or in To:: asked for, or the member's address not
    shown to be theirs yet (a stranger signing up with someone's address must not pick the
    name that greets them); the INVITATION's name comes from the CRM, not the member."""
    if p.member is None or p.spec.get("anonymous"):
        return True
    return p.member.email_verified_at is None and p.spec["template"] != "INVITATION"


def _outgoing(p: _Planned) -> OutgoingMail:
    settings = get_settings()
    shown = p.member.display_name if not _anonymous(p) else None
    fields = {"name": shown or "", **p.spec["fields"]}
    ttl = p.spec.get("token_ttl")
    if ttl:
        fields.setdefault("minutes", ttl // 60)
        fields.setdefault("days", max(ttl // 86400, 1))
    marketing = p.spec["category"] == "marketing"
    unsubscribe = (unsubscribe_link(member_id=p.member.id, campaign_id=p.spec.get("campaign"))
                   if marketing and p.member is not None else None)  # fmt: skip
    message = build(
        rendered=render(p.spec["template"], p.locale, **fields), locale=p.locale,
        to=mailbox(shown, p.address),
        sender=settings.email_from, reply_to=settings.email_reply_to, link=_link(p),
        unsubscribe=unsubscribe, marketing=marketing, key=p.spec["key"],
    )  # fmt: skip
    return OutgoingMail(to=p.address, message=message)


def _prepare(planned: list[_Planned], refused: dict[int, str]) -> dict[int, str]:
    """Make the raw link token and build the message of every mail not refused, before
    anything is marked; index -> why a mail cannot be built ("not sendable: <type>"). The
    tokens' hashes are stored by `_mark`, only for the mails that are ours to send."""
    unsendable: dict[int, str] = {}
    for i, p in enumerate(planned):
        if i in refused:
            continue
        if p.spec.get("token") and p.member is not None:
            p.raw_token = secrets.token_urlsafe(32)  # 256 bits
        try:
            p.outgoing = _outgoing(p)
        except Exception as exc:  # any: it costs this mail only, never its chunk
            p.raw_token, p.outgoing = None, None
            unsendable[i] = f"not sendable: {type(exc).__name__}"
            log.warning("mail %s not sendable: %s", p.spec["template"], type(exc).__name__)
    return unsendable


async def _mark(planned: list[_Planned], refused: dict[int, str],
                unsendable: dict[int, str] | None = None) -> list[_Planned]:  # fmt: skip
    """Mark every pair this run sends SENDING (and store its token's hash), record the
    refused as SKIPPED and the unsendable as FAILED, and commit; the pairs that are ours to
    send. (`_prepare` built their mails and made their raw tokens.)"""
    unsendable = unsendable or {}
    at = now()
    async with transaction() as tx:
        conn = tx.connection
        # A member with a CHANGE link to make is locked first (before any row of ours names
        # them: PostgreSQL's key-share locks of those rows would deadlock two such jobs),
        # in id order: two jobs at once for one member go one after the other.
        locked = {}
        for member_id in sorted({p.member.id for p in planned if _changes_address(p)}):
            locked[member_id] = await members.lock_member(member_id=member_id)

        def status(i: int) -> MailStatus:
            if i in refused:
                return MailStatus.SKIPPED
            return MailStatus.FAILED if i in unsendable else MailStatus.SENDING

        rows = [{"key": p.spec["key"], "address_key": p.akey,
                 "member_id": p.member.id if p.member is not None else None,
                 "campaign_id": p.spec.get("campaign"), "template": p.spec["template"],
                 "category": p.spec["category"], "status": status(i),
                 "error": refused.get(i) or unsendable.get(i),
                 "attempts": 0 if i in refused or i in unsendable else 1,
                 "created_at": at, "updated_at": at}
                for i, p in enumerate(planned)]  # fmt: skip
        inserted = await insert_rows(conn, EmailDelivery, rows,
                                     returning=("id", "key", "address_key"),
                                     on_conflict_do_nothing=("key", "address_key"))  # fmt: skip
        new = {(r["key"], r["address_key"]): r["id"] for r in inserted}
        ours: list[_Planned] = []
        again = [p for i, p in enumerate(planned)
                 if i not in refused and (p.spec["key"], p.akey) not in new]  # fmt: skip
        retrying, earlier = {}, {}
        if again:
            earlier = {(r.key, r.address_key): r for r in await EmailDelivery.filter(
                key__in=[p.spec["key"] for p in again],
                status__in=[MailStatus.RETRY, MailStatus.SENDING],
            ).using_db(conn)}  # fmt: skip
            retrying = {k: r for k, r in earlier.items() if r.status == MailStatus.RETRY}
        stale = []  # SENDING from a run that died mid-send: maybe delivered, never again
        for i, p in enumerate(planned):
            if i in refused:
                continue
            pair = (p.spec["key"], p.akey)
            if pair in new:
                if i in unsendable:
                    continue  # recorded FAILED
                p.row_id = new[pair]
            elif pair in retrying:
                row = retrying[pair]
                change = ({"status": MailStatus.FAILED, "error": unsendable[i]}
                          if i in unsendable else
                          {"status": MailStatus.SENDING, "attempts": row.attempts + 1})  # fmt: skip
                taken = await EmailDelivery.filter(id=row.id, status=MailStatus.RETRY,
                                                   attempts=row.attempts).using_db(conn).update(
                    updated_at=at, **change)  # fmt: skip
                if not taken or i in unsendable:
                    continue
                p.row_id = row.id
            else:
                row = earlier.get(pair)
                if (row is not None and row.status == MailStatus.SENDING
                        and not (row.error or "").startswith("unconfirmed")):  # fmt: skip
                    stale.append(row.id)
                continue  # sent, failed, or in flight: never again
            ours.append(p)
        mine = {id(p) for p in ours}
        for p in planned:  # a token is made only for a mail of ours
            if id(p) not in mine:
                p.raw_token = None
        if stale:
            await EmailDelivery.filter(id__in=stale, status=MailStatus.SENDING).using_db(
                conn).update(
                error="unconfirmed: the run sending it stopped")  # fmt: skip
        skipped = await _skips(conn, ours, at, locked)
        for reason in sorted(set(skipped.values())):
            await EmailDelivery.filter(
                id__in=[p.row_id for p in ours if skipped.get(id(p)) == reason]
            ).using_db(conn).update(status=MailStatus.SKIPPED, error=reason, updated_at=at)  # fmt: skip
        ours = [p for p in ours if id(p) not in skipped]
        for p in planned:
            if id(p) in skipped:
                p.raw_token = None
        tokens = []
        for p in ours:
            if p.raw_token:
                tokens.append({"member_id": p.member.id, "purpose": TokenPurpose(p.spec["token"]),
                               "token_hash": token_hash(p.raw_token),
                               "new_email": p.spec.get("new_email"), "email": p.member.email,
                               "expires_at": at + dt.timedelta(seconds=p.spec["token_ttl"]),
                               "used_at": None, "created_at": _asked_at(p) or at})  # fmt: skip
        changing = {p.member.id for p in ours if _changes_address(p)}
        if changing:  # the newest request's link replaces the older ones
            await MailToken.filter(member_id__in=changing, purpose=TokenPurpose.CHANGE,
                                   used_at__isnull=True).using_db(conn).update(used_at=at)  # fmt: skip
        if tokens:
            await insert_rows(conn, MailToken, tokens)
    return ours


def _asked_at(p: _Planned) -> dt.datetime | None:
    asked = p.spec.get("asked_at")
    return dt.datetime.fromisoformat(asked) if asked else None


def _changes_address(p: _Planned) -> bool:
    return bool(p.raw_token and p.spec.get("token") == TokenPurpose.CHANGE)


async def _skips(conn, ours: list[_Planned], at: dt.datetime,
                 locked: dict[int, members.Member | None]) -> dict[int, str]:  # fmt: skip
    """id(pair) -> why a mail of ours with a token is not sent after all: the password
    changed since it was asked for (its link would outlive the password it was asked with),
    the account's address changed since (`expect_email`), or (a CHANGE link) a newer
    request's link exists: the newest request for a change of address wins. `locked`: the
    members with a CHANGE link to make, as their rows read under lock (`_mark`)."""
    skipped: dict[int, str] = {}
    changing: dict[int, list[_Planned]] = {}
    for p in ours:
        if not p.raw_token:
            continue
        if _asked_before_password_change(p):
            skipped[id(p)] = "password_changed"
        elif _changes_address(p):
            changing.setdefault(p.member.id, []).append(p)
        elif p.spec.get("expect_email") and p.member.email != p.spec["expect_email"]:
            skipped[id(p)] = "address_changed"
    for member_id, asked in changing.items():
        member = locked.get(member_id)
        email = member.email if member is not None else None  # as it is now
        live = await MailToken.filter(member_id=member_id, purpose=TokenPurpose.CHANGE,
                                      used_at__isnull=True, expires_at__gt=at).using_db(
            conn).values_list("created_at", flat=True)  # fmt: skip
        newest = max(live, default=None)
        asked.sort(key=lambda p: _asked_at(p) or at)
        for n, p in enumerate(asked):
            expected = p.spec.get("expect_email")
            if expected and email != expected:
                skipped[id(p)] = "address_changed"
            elif n < len(asked) - 1 or (newest is not None and newest > (_asked_at(p) or at)):
                skipped[id(p)] = "superseded"
    return skipped


def _asked_before_password_change(p: _Planned) -> bool:
    asked = _asked_at(p)
    changed = p.member.password_changed_at if p.member is not None else None
    return bool(p.spec.get("token") and asked and changed and changed > asked)


@jobs.handler(MAIL_JOB)
async def deliver_job(payload: dict) -> None:
    """The `mail.send` job: each of its mails at most once (see the module's docstring)."""
    planned = await _resolve(payload.get("mails") or [])  # (a forgotten payload: nothing)
    refused = await _refusals(planned)
    waiting: list[tuple[dict, int]] = []  # (spec, attempts) of the pairs answered 4xx
    for start in range(0, len(planned) or 1, IN_FLIGHT):
        end = start + IN_FLIGHT
        chunk = planned[start:end]
        chunk_refused = {i - start: r for i, r in refused.items() if start <= i < end}
        await _keep_lease(waiting)
        unsendable = _prepare(chunk, chunk_refused)
        ours = await _mark(chunk, chunk_refused, unsendable)
        results: list[SendResult] = []
        if ours:
            results = await email_sender().send([p.outgoing for p in ours])
        waiting += await _settle(ours, results, complete=end >= len(planned) and not waiting)
    if waiting:
        await _keep_lease(waiting)  # still ours: the job itself comes back with backoff
        raise jobs.RetryLater(f"{len(waiting)} mail(s) answered 4xx")


async def _keep_lease(waiting: list[tuple[dict, int]]) -> None:
    """Extend the job's lease; when it is lost (another worker holds the job, or finished
    it), a new job retries the pairs answered 4xx (the same keys: it re-takes their RETRY
    rows, one taker only) and LeaseLost goes up (the holder does the rest)."""
    try:
        await jobs.extend_lease()
    except jobs.LeaseLost:
        if waiting:
            attempts = max(a for _, a in waiting)
            async with transaction() as tx:
                await mail_later(tx.connection, *(s for s, _ in waiting),
                                 run_at=now() + jobs.backoff(attempts))  # fmt: skip
        raise


async def _settle(ours: list[_Planned], results: list[SendResult], *,
                  complete: bool = True) -> list[tuple[dict, int]]:  # fmt: skip
    """Record what the server answered (committed), then, if `complete` and none must be
    retried, complete the job (its payload emptied) in a transaction of its own: a lost
    lease (LeaseLost) must not roll the outcomes back (the job's holder finds the pairs
    settled and sends nothing), and a crash in between is as harmless. Returns the (spec,
    attempts) of those that wait for a retry."""
    at = now()
    retry: list[tuple[dict, int]] = []
    async with transaction() as tx:
        conn = tx.connection
        accepted: dict[int | None, list[int]] = {}  # by answer code: one UPDATE per code
        for p, r in zip(ours, results, strict=True):
            if r.status == "sent":
                accepted.setdefault(r.code, []).append(p.row_id)
                continue
            changes: dict = {"smtp_code": r.code, "error": r.reply[:255], "updated_at": at}
            if r.status == "temporary":
                row = await EmailDelivery.get(id=p.row_id).using_db(conn)
                if row.attempts >= MAX_ATTEMPTS:
                    changes["status"] = MailStatus.FAILED
                else:
                    changes["status"] = MailStatus.RETRY
                    retry.append((p.spec, row.attempts))
            elif r.status == "permanent":
                changes["status"] = MailStatus.FAILED
                if r.bad_address:  # not for a refused content or a policy: no suppression
                    await _suppress(conn, p, r, at)
            else:  # unknown: maybe delivered; stays SENDING, never sent again
                changes["error"] = ("unconfirmed: " + r.reply)[:255]
            if p.raw_token and r.status in ("temporary", "permanent"):
                # Never delivered: the token is dead (a retry makes a new one).
                await MailToken.filter(token_hash=token_hash(p.raw_token)).using_db(
                    conn).update(used_at=at)  # fmt: skip
            await EmailDelivery.filter(id=p.row_id).using_db(conn).update(**changes)
        for code, row_ids in accepted.items():
            await EmailDelivery.filter(id__in=row_ids).using_db(conn).update(
                status=MailStatus.SENT, smtp_code=code, error=None, updated_at=at)  # fmt: skip
    from app.mail.sender import masked

    for r in results:
        if not r.ok:  # servers often quote the address in their answer: masked in the log
            reply = re.sub(r"[^\s<>\"'(),;:]+@[^\s<>\"'(),;:]+", lambda m: masked(m[0]), r.reply)
            log.info("mail refused (%s %s): %s", r.status, r.code, reply)
    if complete and not retry:  # the outcomes are committed: LeaseLost cannot undo them
        async with transaction() as tx:
            await jobs.complete_in(tx, payload={})
    return retry


async def _suppress(conn, p: _Planned, r: SendResult, at: dt.datetime) -> None:
    await insert_rows(conn, EmailSuppression, [{
        "address_key": p.akey, "member_id": p.member.id if p.member is not None else None,
        "smtp_code": r.code or 550, "reason": (r.reply or "refused")[:255], "created_at": at,
    }], on_conflict_do_nothing=("address_key",))  # fmt: skip


# ---- link tokens ----------------------------------------------------------------------------


async def take_token(*, raw: str, purposes: tuple[TokenPurpose, ...], conn) -> MailToken:
    """The live token `raw` of one of `purposes`, marked used in the caller's transaction
    (`conn`, locked: two uses at once, one wins). InvalidToken when it is unknown (forged),
    of another purpose, used, expired, or for an address its account no longer has; a token
    made before the account's password last changed is EXPIRED (a reset or a change ends
    what was mailed before: a pending change of address must not outlive it)."""
    raw = (raw or "").strip()
    if not raw or len(raw) > 100:
        raise InvalidToken(reason="UNKNOWN")
    token = await (MailToken.filter(token_hash=token_hash(raw)).select_for_update()
                   .using_db(conn).first())  # fmt: skip
    if token is None or token.purpose not in purposes:
        raise InvalidToken(reason="UNKNOWN")
    if token.used_at is not None:
        raise InvalidToken(reason="USED")
    if token.expires_at <= now():
        raise InvalidToken(reason="EXPIRED")
    member = await members.lock_member(member_id=token.member_id, active_only=True)
    if member is None or member.email != token.email:
        raise InvalidToken(reason="UNKNOWN")
    if _before_password_change(token, member):
        raise InvalidToken(reason="EXPIRED")
    taken = await MailToken.filter(id=token.id, used_at__isnull=True).using_db(conn).update(
        used_at=now())  # fmt: skip
    if not taken:
        raise InvalidToken(reason="USED")
    return token


def _before_password_change(token: MailToken, member: members.Member) -> bool:
    changed = member.password_changed_at
    return changed is not None and token.created_at < changed


async def token_state(*, raw: str, purposes: tuple[TokenPurpose, ...] | None = None) -> str:
    """ "VALID", "USED", "EXPIRED" or "UNKNOWN": what a link's page shows before its form,
    as `take_token` would decide (without locking or spending); a token of another purpose
    than `purposes` (None: any) is UNKNOWN."""
    raw = (raw or "").strip()
    token = await MailToken.get_or_none(token_hash=token_hash(raw)) if 0 < len(raw) <= 100 else None
    if token is None or (purposes is not None and token.purpose not in purposes):
        return "UNKNOWN"
    if token.used_at is not None:
        return "USED"
    if token.expires_at <= now():
        return "EXPIRED"
    member = await members.get_member(member_id=token.member_id)
    if member is None or not member.is_active or member.email != token.email:
        return "UNKNOWN"
    return "EXPIRED" if _before_password_change(token, member) else "VALID"


async def end_tokens(*, member_id: int, purposes: tuple[TokenPurpose, ...], conn) -> int:
    """Spend the member's live tokens of these purposes (a reset makes older links dead)."""
    return await MailToken.filter(member_id=member_id, purpose__in=list(purposes),
                                  used_at__isnull=True).using_db(conn).update(used_at=now())  # fmt: skip


async def recent_requests(*, member_id: int, template: str, since: dt.datetime) -> int:
    """How many mails of `template` went to the member since `since` (throttling)."""
    return await EmailDelivery.filter(member_id=member_id, template=template,
                                      created_at__gte=since).count()  # fmt: skip


# ---- unsubscribe ----------------------------------------------------------------------------


def _mac(secret: str, member_id: int, campaign_id: int | None) -> str:
    digest = hmac.digest(secret.encode(), f"unsubscribe:{member_id}:{campaign_id or 0}".encode(),
                         "sha256")  # fmt: skip
    return base64.urlsafe_b64encode(digest[:18]).decode()


def unsubscribe_token(*, member_id: int, campaign_id: int | None = None) -> str:
    """A per-recipient token for one-click unsubscribe: `<member>.<campaign>.<kid>.<mac>`,
    an HMAC under the active JWT key (any configured key verifies it)."""
    settings = get_settings()
    kid = settings.jwt_active_kid
    mac = _mac(settings.jwt_keys[kid], member_id, campaign_id)
    return f"{member_id}.{campaign_id or 0}.{kid}.{mac}"


def unsubscribe_link(*, member_id: int, campaign_id: int | None = None) -> str:
    """The List-Unsubscribe URL (on PUBLIC_BASE_URL: the one-click POST must reach us)."""
    token = quote(unsubscribe_token(member_id=member_id, campaign_id=campaign_id), safe=".")
    return f"{get_settings().base_url}/email/unsubscribe?token={token}"


def read_unsubscribe_token(token: str) -> tuple[int, int | None] | None:
    """(member id, campaign id or None) of a genuine token, else None."""
    parts = (token or "").strip().split(".")
    if len(parts) != 4 or not all(x.isascii() and x.isdecimal() for x in parts[:2]):
        return None  # (isdigit() is true for "²", which int() refuses)
    member_id, campaign_id, kid, mac = int(parts[0]), int(parts[1]), parts[2], parts[3]
    secret = get_settings().jwt_keys.get(kid)
    if secret is None or not hmac.compare_digest(mac, _mac(secret, member_id, campaign_id or None)):
        return None
    return member_id, campaign_id or None


# ---- what support and stats see -------------------------------------------------------------


async def suppression_of(*, address: str) -> EmailSuppression | None:
    """Why mail to `address` is suppressed (the server's answer), or None."""
    return await EmailSuppression.get_or_none(address_key=address_key(address))


async def campaign_counts(*, campaign_id: int) -> dict[str, int]:
    """A campaign's mails by status: sent, failed, undeliverable (skipped because the
    address refused mail before), unconfirmed (in flight when a worker died), skipped."""
    rows = await EmailDelivery.filter(campaign_id=campaign_id).group_by("status", "error").annotate(
        n=Count("id")).values("status", "error", "n")  # fmt: skip
    counts = {"sent": 0, "failed": 0, "undeliverable": 0, "unconfirmed": 0, "skipped": 0,
              "pending": 0}  # fmt: skip
    for row in rows:
        status, n = str(row["status"]), row["n"]
        if status == MailStatus.SENT:
            counts["sent"] += n
        elif status == MailStatus.FAILED:
            counts["failed"] += n
        elif status == MailStatus.SENDING:
            counts["unconfirmed" if (row["error"] or "").startswith("unconfirmed") else
                   "pending"] += n  # fmt: skip
        elif status == MailStatus.RETRY:
            counts["pending"] += n
        elif row["error"] == "undeliverable":
            counts["undeliverable"] += n
        else:
            counts["skipped"] += n
    return counts


@dataclass(frozen=True)
class Deliverability:
    suppression: EmailSuppression | None
    recent: list[EmailDelivery]


async def deliverability(*, member_id: int, address: str, limit: int = 20) -> Deliverability:
    """Support: whether `address` (the member's) refuses mail, and the member's latest
    mails, newest first (two queries)."""
    return Deliverability(
        await EmailSuppression.get_or_none(address_key=address_key(address)),
        list(await EmailDelivery.filter(member_id=member_id).order_by("-id").limit(limit)),
    )


async def forget_member(*, member_id: int, address: str | None = None) -> None:
    """For an erasure: the member's tokens, suppressions (and any of `address`, the
    account's address) and mail log go; a campaign's rows stay for its counts, without the
    member and keyed by a random `erased:<hex>` instead of the address's digest."""
    async with transaction() as tx:
        conn = tx.connection
        await MailToken.filter(member_id=member_id).using_db(conn).delete()
        await EmailSuppression.filter(member_id=member_id).using_db(conn).delete()
        if address:
            await EmailSuppression.filter(address_key=address_key(address)).using_db(
                conn).delete()  # fmt: skip
        await EmailDelivery.filter(member_id=member_id, campaign_id__isnull=True).using_db(
            conn).delete()  # fmt: skip
        kept = await EmailDelivery.filter(member_id=member_id).using_db(conn).values_list(
            "id", flat=True)  # fmt: skip
        for row_id in kept:  # (key, address_key) is unique: a random key each
            await EmailDelivery.filter(id=row_id).using_db(conn).update(
                member_id=None, address_key=_random_erased_key())  # fmt: skip
