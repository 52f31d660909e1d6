"""Email delivery through durable jobs, link tokens, and unsubscribe tokens.

`mail_later` records a `mail.send` job in the caller's transaction: a mail exists exactly
when the change that causes it commits. The job's handler (`deliver_job`):
  1. re-reads who gets what (an address switched, consent withdrawn, a category switched
     off or an address suppressed since the job was queued wins);
  2. marks each (message key, address) SENDING and makes the link tokens its mails carry,
     and commits that, before any SMTP transaction starts: a worker killed afterwards leaves
     the mark and no later run mails that pair again (at most once);
  3. sends; a 4xx answer marks the pair RETRY and the job comes back with backoff (until
     MAX_ATTEMPTS), a 5xx marks it FAILED, and one saying at RCPT that the mailbox is bad
     (`SendResult.bad_address`) also suppresses the address for marketing;
  4. records the outcomes (committed on their own), then completes the job.
Steps 2-4 go IN_FLIGHT mails at a time: a worker killed mid-job strands at most those
(SENDING, reported unconfirmed, never resent), and the job's next run sends the rest.

A link token is 256 random bits made in step 2 (only its SHA-256 is stored), so the raw
token exists only in the mail itself, never in a job's payload or a log.
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
) -> dict:  # fmt: skip
    """One mail of a `mail.send` job.

    Who: `member_id`, or `account_email` (the active member with that address, if any: a
    request that must not tell whether an account exists queues the same job either way),
    at their current address unless `to` names another (a new address to confirm, the
    address of an erased account). `key` names the message: one mail per (key, address),
    ever. `token` makes a link token of that purpose (valid `token_ttl` seconds) whose
    link is the mail's button; else `link` is. `fields` fill the template.
    `anonymous`: the member's display name is neither in the greeting nor in To: (a mail
    to an address not yet shown to be theirs: a name they chose must not greet a stranger).
    `asked_at`: when the member asked for it; a mail with a token is not sent (SKIPPED,
    `password_changed`) if the member's password changed since (a change of address
    asked for before a reset must not mint its link after it)."""
    return {"template": template, "key": key[:120], "member": member_id,
            "account_email": account_email, "to": to, "locale": locale,
            "category": str(category), "fields": fields or {},
            "token": str(token) if token else None, "token_ttl": token_ttl,
            "new_email": new_email, "link": link, "campaign": campaign_id,
            "anonymous": anonymous,
            "asked_at": asked_at.isoformat() if asked_at else None}  # fmt: skip


async def mail_later(conn, *specs: dict, run_at: dt.datetime | None = None,
                     forget_payload: bool = False, job_key: str | None = None) -> None:  # fmt: skip
    """Record one `mail.send` job for `specs` in the caller's transaction (`conn`).
    `forget_payload`: the job's payload is emptied once it is done (an erased member's
    address). `job_key`: a second job with the same key is not recorded (jobs.enqueue)."""
    if specs:
        await jobs.enqueue(MAIL_JOB, {"mails": list(specs), "forget": forget_payload},
                           run_at=run_at, key=job_key, max_attempts=MAX_ATTEMPTS + 4,
                           conn=conn)  # fmt: skip


# ---- delivery (the job) ---------------------------------------------------------------------


@dataclass
class _Planned:
    spec: dict
    member: members.Member | None
    address: str
    locale: str
    akey: str
    row_id: int | None = None
    raw_token: str | None = None


async def _resolve(specs: list[dict]) -> list[_Planned]:
    ids = {s["member"] for s in specs if s.get("member")}
    found = await members.members_by_id(member_ids=ids) if ids else {}
    planned = []
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
        planned.append(_Planned(s, member, address, locale if locale in LOCALES else "en",
                                address_key(address)))  # fmt: skip
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


def _outgoing(p: _Planned) -> OutgoingMail:
    settings = get_settings()
    shown = (p.member.display_name if p.member is not None and not p.spec.get("anonymous")
             else None)  # fmt: skip
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


async def _mark(planned: list[_Planned], refused: dict[int, str]) -> list[_Planned]:
    """Mark every pair this run sends SENDING (and make its token), record the refused as
    SKIPPED, and commit; the pairs that are ours to send."""
    at = now()
    async with transaction() as tx:
        conn = tx.connection
        rows = [{"key": p.spec["key"], "address_key": p.akey,
                 "member_id": p.member.id if p.member is not None else None,
                 "campaign_id": p.spec.get("campaign"), "template": p.spec["template"],
                 "category": p.spec["category"],
                 "status": MailStatus.SKIPPED if i in refused else MailStatus.SENDING,
                 "error": refused.get(i), "attempts": 0 if i in refused else 1,
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
                p.row_id = new[pair]
            elif pair in retrying:
                row = retrying[pair]
                taken = await EmailDelivery.filter(id=row.id, status=MailStatus.RETRY,
                                                   attempts=row.attempts).using_db(conn).update(
                    status=MailStatus.SENDING, attempts=row.attempts + 1, updated_at=at)  # fmt: skip
                if not taken:
                    continue
                p.row_id = row.id
            else:
                row = earlier.get(pair)
                if (row is not None and row.status == MailStatus.SENDING
                        and not (row.error or "").startswith("unconfirmed")):  # fmt: skip
                    stale.append(row.id)
                continue  # sent, failed, or in flight: never again
            ours.append(p)
        if stale:
            await EmailDelivery.filter(id__in=stale, status=MailStatus.SENDING).using_db(
                conn).update(
                error="unconfirmed: the run sending it stopped")  # fmt: skip
        late = [p for p in ours if _asked_before_password_change(p)]
        if late:  # its link would outlive the password it was asked for with
            await EmailDelivery.filter(id__in=[p.row_id for p in late]).using_db(conn).update(
                status=MailStatus.SKIPPED, error="password_changed", updated_at=at)  # fmt: skip
            ours = [p for p in ours if not _asked_before_password_change(p)]
        tokens = []
        for p in ours:
            if p.spec.get("token") and p.member is not None:
                p.raw_token = secrets.token_urlsafe(32)  # 256 bits
                tokens.append({"member_id": p.member.id, "purpose": TokenPurpose(p.spec["token"]),
                               "token_hash": token_hash(p.raw_token),
                               "new_email": p.spec.get("new_email"), "email": p.member.email,
                               "expires_at": at + dt.timedelta(seconds=p.spec["token_ttl"]),
                               "used_at": None, "created_at": at})  # fmt: skip
        if tokens:
            await insert_rows(conn, MailToken, tokens)
    return ours


def _asked_before_password_change(p: _Planned) -> bool:
    asked = p.spec.get("asked_at")
    changed = p.member.password_changed_at if p.member is not None else None
    return bool(p.spec.get("token") and asked and changed
                and changed > dt.datetime.fromisoformat(asked))  # fmt: skip


@jobs.handler(MAIL_JOB)
async def deliver_job(payload: dict) -> None:
    """The `mail.send` job: each of its mails at most once (see the module's docstring)."""
    planned = await _resolve(payload["mails"])
    refused = await _refusals(planned)
    retry = 0
    for start in range(0, len(planned) or 1, IN_FLIGHT):
        end = start + IN_FLIGHT
        ours = await _mark(planned[start:end],
                           {i - start: r for i, r in refused.items() if start <= i < end})  # fmt: skip
        results: list[SendResult] = []
        if ours:
            results = await email_sender().send([_outgoing(p) for p in ours])
        retry += await _settle(ours, results, forget=bool(payload.get("forget")),
                               complete=end >= len(planned) and not retry)  # fmt: skip
    if retry:
        raise jobs.RetryLater(f"{retry} mail(s) answered 4xx")


async def _settle(ours: list[_Planned], results: list[SendResult], *, forget: bool,
                  complete: bool = True) -> int:  # fmt: skip
    """Record what the server answered (committed), then, if `complete` and none must be
    retried, complete the job in a transaction of its own: a lost lease (LeaseLost) must not
    roll the outcomes back (the job's holder finds the pairs settled and sends nothing), and
    a crash in between is as harmless. Returns how many wait for a retry."""
    at = now()
    retry = 0
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
                    retry += 1
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
            await jobs.complete_in(tx, payload={} if forget else None)
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
    digest = hmac.new(secret.encode(), f"unsubscribe:{member_id}:{campaign_id or 0}".encode(),
                      hashlib.sha256).digest()  # fmt: skip
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


async def forget_member(*, member_id: int) -> None:
    """For an erasure: the member's tokens, suppressions and mail log go (a campaign's rows
    stay, without the member, for its counts)."""
    async with transaction() as tx:
        conn = tx.connection
        await MailToken.filter(member_id=member_id).using_db(conn).delete()
        await EmailSuppression.filter(member_id=member_id).using_db(conn).delete()
        await EmailDelivery.filter(member_id=member_id, campaign_id__isnull=True).using_db(
            conn).delete()  # fmt: skip
        await EmailDelivery.filter(member_id=member_id).using_db(conn).update(member_id=None)
