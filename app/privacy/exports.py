"""Data exports: everything held about a member as one JSON document, built by the worker and
downloadable once through a short-lived link.

What belongs to a member is discovered from the models, not listed by hand, so a table added
later is exported without anyone remembering to: every model with a foreign key to the member
(or a plain `member_id` column), then the rows of models without one that hang off those rows
(a redemption's vouchers, a session's refresh tokens). Foreign keys that only record which
staff account acted (`actor`, `created_by`, `published_by`: `actor` or `*_by`) do not make a
row the member's.
Secrets (password and token hashes, device tokens, the export link itself) are left out.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from urllib.parse import quote

from tortoise import Tortoise
from tortoise.expressions import Q
from tortoise.fields.relational import ForeignKeyFieldInstance, OneToOneFieldInstance
from tortoise.models import Model

from app import jobs
from app.clock import now
from app.db import transaction
from app.errors import MemberNotFound, SlowDown
from app.members import service as members
from app.privacy import service as consents
from app.privacy.models import DataExport, ExportStatus
from app.settings import get_settings

EXPORT_JOB = "privacy.export"
FORMAT = "loyalty-member-export"
VERSION = 1
MAX_PER_DAY = 3  # building an export reads every table: a member gets a few a day
SECRET_FIELDS = frozenset({"password_hash", "token_hash", "secret_hash", "token", "token_key"})
# Model-specific columns left out: the export's own copy (it would nest every older export).
LEFT_OUT = {"DataExport": frozenset({"content"})}

# Called inside the transaction that makes an export downloadable, with (transaction,) and
# keyword arguments member_id=, export_id=, download_url= (the apps' link, which a GET
# spends; None when there is no token), page_url= (the page to mail: its GET spends
# nothing, its Download button takes the file) and expires_at= (when the link stops
# working); e.g. the "export ready" mail.
EXPORT_READY_HOOKS: list[Callable[..., Awaitable[None]]] = []


# ---- what belongs to a member ---------------------------------------------------------------


def models() -> list[type[Model]]:
    """Every model of the app (the migration history's left out)."""
    return [m for name, m in Tortoise.apps["models"].items() if name != "Aerich"]


def _member_model() -> type[Model]:
    """The members domain's account model, as the registry knows it (to follow keys to it)."""
    return Tortoise.apps["models"]["Member"]


def is_staff_action(field_name: str) -> bool:
    """A foreign key naming the staff account that did something, not whom it is about."""
    return field_name == "actor" or field_name.endswith("_by")


def member_columns(model: type[Model]) -> list[str]:
    """The columns of `model` that say a row is about a member: foreign (or one-to-one) keys
    to Member other than the staff-action ones, and plain `member_id` columns."""
    columns = []
    member = _member_model()
    for name, field in model._meta.fields_map.items():
        relation = isinstance(field, ForeignKeyFieldInstance | OneToOneFieldInstance)
        if relation and field.related_model is member and not is_staff_action(name):
            columns.append(field.source_field or f"{name}_id")
    if "member_id" in model._meta.fields_map and "member_id" not in columns:
        field = model._meta.fields_map["member_id"]
        if field.reference is None:  # a plain id column, e.g. a log that outlives the row
            columns.append("member_id")
    return columns


def _parent_links(model: type[Model]) -> list[tuple[str, type[Model]]]:
    """(column, parent model) for each foreign key of `model` to a model other than Member."""
    links = []
    member = _member_model()
    for field in model._meta.fields_map.values():
        relation = isinstance(field, ForeignKeyFieldInstance | OneToOneFieldInstance)
        if relation and field.related_model is not member:
            links.append((field.source_field, field.related_model))
    return links


def _columns(model: type[Model]) -> list[str]:
    hidden = SECRET_FIELDS | LEFT_OUT.get(model.__name__, frozenset())
    return [c for c in model._meta.fields_db_projection if c not in hidden]


async def member_records(member_id: int) -> dict[type[Model], list[dict]]:
    """Every row about the member, per model (Member itself excluded), in id order."""
    found: dict[type[Model], list[dict]] = {}
    keys: dict[type[Model], set] = {}
    member = _member_model()
    direct = [m for m in models() if m is not member and member_columns(m)]
    for model in direct:
        condition = Q(*[Q(**{c: member_id}) for c in member_columns(model)], join_type="OR")
        rows = await model.filter(condition).order_by(model._meta.pk_attr).values(
            *_columns(model), _pk=model._meta.pk_attr)  # fmt: skip
        found[model] = rows
        keys[model] = {r["_pk"] for r in rows}
    # Rows that belong to the member through a parent (vouchers of a redemption, ...):
    # follow foreign keys from models without a member column, until nothing new turns up.
    dependent = [m for m in models() if m is not member and not member_columns(m)]
    for _ in range(4):
        grew = False
        for model in dependent:
            for column, parent in _parent_links(model):
                parent_keys = keys.get(parent)
                if not parent_keys:
                    continue
                rows = await model.filter(**{f"{column}__in": list(parent_keys)}).order_by(
                    model._meta.pk_attr).values(*_columns(model), _pk=model._meta.pk_attr)  # fmt: skip
                have = keys.setdefault(model, set())
                new = [r for r in rows if r["_pk"] not in have]
                if new:
                    found.setdefault(model, []).extend(new)
                    have.update(r["_pk"] for r in new)
                    grew = True
        if not grew:
            break
    for rows in found.values():
        for row in rows:
            row.pop("_pk", None)
    return {m: rows for m, rows in found.items() if rows}


def _plain(value: object) -> object:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    raise TypeError(f"not exportable: {type(value).__name__}")


async def build_export(*, member_id: int) -> dict:
    """The export document: profile, consents with their history, then every table holding
    the member's records (rows as stored, secrets left out)."""
    hidden = SECRET_FIELDS | LEFT_OUT.get("Member", frozenset())
    profile = await members.stored_profile(member_id=member_id, leave_out=hidden)
    if profile is None:
        raise MemberNotFound()
    states = await consents.consents(member_id=member_id)
    records = await member_records(member_id)
    tables = sorted(records.items(), key=lambda item: item[0]._meta.db_table)
    return {
        "format": FORMAT,
        "version": VERSION,
        "generatedAt": now().isoformat(),
        "memberId": member_id,
        "profile": profile,
        "consents": [
            {
                "purpose": s.purpose.value,
                "granted": s.granted,
                "changedAt": s.changed_at,
                "policyVersion": s.policy_version,
            }
            for s in states
        ],
        "tables": {model._meta.db_table: rows for model, rows in tables},
        "leftOut": sorted(SECRET_FIELDS),
    }


def dumps(document: dict) -> str:
    """The export document as compact JSON."""
    return json.dumps(document, default=_plain, ensure_ascii=False, separators=(",", ":"))


# ---- requests, the job, the download ---------------------------------------------------------


async def request_export(*, member_id: int, at: dt.datetime | None = None) -> DataExport:
    """Ask for an export; the worker builds it. An export still being built, or ready and
    not yet downloaded, is returned instead of starting another."""
    at = at or now()
    async with transaction() as tx:
        conn = tx.connection
        # The member's row lock serializes two requests of the same member.
        if await members.lock_member(member_id=member_id, active_only=True) is None:
            raise MemberNotFound()
        mine = DataExport.filter(member_id=member_id).using_db(conn)
        open_ = await mine.filter(status__in=[ExportStatus.PENDING, ExportStatus.READY]).order_by(
            "-id").first()  # fmt: skip
        if open_ is not None and (open_.expires_at is None or open_.expires_at > at):
            return open_
        day = at - dt.timedelta(days=1)
        recent = await mine.filter(requested_at__gt=day).order_by("id").values_list(
            "requested_at", flat=True)  # fmt: skip
        if len(recent) >= MAX_PER_DAY:
            wait = recent[-MAX_PER_DAY] + dt.timedelta(days=1) - at
            raise SlowDown(retry_after_seconds=max(int(wait.total_seconds()) + 1, 1))
        export = await DataExport.create(member_id=member_id, token=secrets.token_urlsafe(32),
                                         using_db=conn)  # fmt: skip
        await jobs.enqueue(EXPORT_JOB, {"export": export.id}, max_attempts=5, conn=conn)
    return export


@jobs.handler(EXPORT_JOB)
async def build_job(payload: dict) -> None:
    """The `privacy.export` job: build the requested export."""
    await build_pending(export_id=payload["export"])


async def build_pending(*, export_id: int) -> DataExport | None:
    """Build a requested export and make its link live for EXPORT_LINK_TTL seconds."""
    export = await DataExport.get_or_none(id=export_id)
    if export is None or export.status != ExportStatus.PENDING:
        return export  # erased meanwhile, or a second run after a crash
    text = dumps(await build_export(member_id=export.member_id))
    at = now()
    expires_at = at + dt.timedelta(seconds=get_settings().export_link_ttl)
    async with transaction() as tx:
        made = await DataExport.filter(id=export.id, status=ExportStatus.PENDING).using_db(
            tx.connection).update(status=ExportStatus.READY, content=text,
                                  size=len(text.encode()), ready_at=at, expires_at=expires_at)  # fmt: skip
        if made:  # downloadable from this commit on: the hooks' work commits with it
            for hook in EXPORT_READY_HOOKS:
                await hook(tx, member_id=export.member_id, export_id=export.id,
                           download_url=download_url(export.token),
                           page_url=page_url(export.token), expires_at=expires_at)  # fmt: skip
    return await DataExport.get_or_none(id=export.id)


def download_url(token: str | None) -> str | None:
    """The download link of an export with this token (on PUBLIC_BASE_URL), or None."""
    return f"{get_settings().base_url.rstrip('/')}/exports/{token}" if token else None


PAGE_PATH = "/account/export"


def page_url(token: str | None) -> str | None:
    """The page a mail links to for this export (on PUBLIC_BASE_URL), or None: opening it
    spends nothing (mail scanners follow links), its Download button takes the file."""
    if not token:
        return None
    return f"{get_settings().base_url.rstrip('/')}{PAGE_PATH}?token={quote(token, safe='')}"


@dataclass(frozen=True)
class Download:
    """`status`: ok (with the document), gone (used or expired) or missing (unknown)."""

    status: str
    content: str | None = None
    member_id: int | None = None


@dataclass(frozen=True)
class Pending:
    """What the page of an export shows before its Download button: `status` ok (ready,
    with when its link expires), gone (used or expired) or missing (unknown)."""

    status: str
    member_id: int | None = None
    expires_at: dt.datetime | None = None


async def peek_download(*, token: str, at: dt.datetime | None = None) -> Pending:
    """The export with this token as `take_download` would find it, changing nothing."""
    at = at or now()
    if not token or len(token) > 64:
        return Pending("missing")
    export = await DataExport.filter(token=token).only(
        "id", "member_id", "status", "expires_at").first()  # fmt: skip
    if export is None:
        return Pending("missing")
    ready = export.status == ExportStatus.READY and export.expires_at is not None
    if not ready or export.expires_at <= at:
        return Pending("gone", export.member_id)
    return Pending("ok", export.member_id, export.expires_at)


async def take_download(*, token: str, at: dt.datetime | None = None) -> Download:
    """Hand out a ready export once: the content is deleted in the same transaction."""
    at = at or now()
    if not token or len(token) > 64:
        return Download("missing")
    async with transaction() as tx:
        conn = tx.connection
        # Locked: of two simultaneous downloads one gets the file, the other `gone`.
        export = await DataExport.select_for_update().using_db(conn).get_or_none(token=token)
        if export is None:
            return Download("missing")
        if export.status == ExportStatus.READY and export.expires_at <= at:
            await DataExport.filter(id=export.id).using_db(conn).update(
                status=ExportStatus.EXPIRED, content=None)  # fmt: skip
            return Download("gone")
        if export.status != ExportStatus.READY or export.content is None:
            return Download("gone")
        await DataExport.filter(id=export.id).using_db(conn).update(
            status=ExportStatus.DOWNLOADED, content=None, downloaded_at=at)  # fmt: skip
        return Download("ok", export.content, export.member_id)


async def expire_exports(*, at: dt.datetime | None = None) -> int:
    """Delete the content of ready exports whose link expired (the worker's pass)."""
    at = at or now()
    return await DataExport.filter(status=ExportStatus.READY, expires_at__lte=at).update(
        status=ExportStatus.EXPIRED, content=None)  # fmt: skip


async def exports_of(*, member_id: int, limit: int = 10) -> list[DataExport]:
    """The member's export requests, newest first."""
    return await DataExport.filter(member_id=member_id).order_by("-id").limit(limit)
