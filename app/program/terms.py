"""Versioned terms and privacy policy, members' acceptance, and the gate on earning and
redeeming: a member who has not accepted the current terms cannot redeem or earn for actions
(TermsNotAccepted), and their till purchases are recorded with the points held until they
accept (app.flows.accept_terms credits them in the acceptance's transaction)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError

from app.cache import Cache
from app.clock import now
from app.db import transaction
from app.errors import (
    FieldProblem,
    InvalidInput,
    MissingLocale,
    TermsNotAccepted,
    TermsVersionNotCurrent,
    TermsVersionTaken,
)
from app.i18n import LOCALES
from app.ledger import service as ledger
from app.program.models import DocumentKind, TermsAcceptance, TermsDocument

CACHE_SECONDS = 5.0
_VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")
MAX_TITLE = 200
MAX_BODY = 100_000


@dataclass(frozen=True)
class Document:
    id: int
    kind: DocumentKind
    version: str
    texts: dict
    published_at: dt.datetime
    effective_at: dt.datetime

    def text(self, locale: str, key: str) -> str:
        """One text of the document in `locale` (English when it has none there)."""
        return (self.texts.get(locale) or self.texts["en"])[key]

    @classmethod
    def from_model(cls, row: TermsDocument) -> Document:
        """The document of a stored row."""
        return cls(row.id, DocumentKind(row.kind), row.version, row.texts, row.published_at,
                   row.effective_at)  # fmt: skip


# ---- the documents in force (cached: every purchase asks) ----------------------------------

# (valid until, {kind: document in force}) for CACHE_SECONDS at most; `valid until` is the
# next scheduled version's effective time, so a scheduled version takes over on time.
IN_FORCE: Cache[tuple[dt.datetime, dict[DocumentKind, Document | None]]] = Cache(
    "terms", ttl=CACHE_SECONDS
)  # changed by publish


async def _in_force(at: dt.datetime, conn=None) -> dict[DocumentKind, Document | None]:
    found: dict[DocumentKind, Document | None] = {}
    for kind in DocumentKind:
        query = TermsDocument.filter(kind=kind, effective_at__lte=at)
        if conn is not None:
            query = query.using_db(conn)
        row = await query.order_by("-effective_at", "-id").first()
        found[kind] = Document.from_model(row) if row else None
    return found


async def current_documents() -> dict[DocumentKind, Document | None]:
    """The terms and the privacy policy in force now (None: none published yet)."""
    at = now()
    until, documents = await IN_FORCE.get(lambda: _documents_and_until(at))
    if at >= until:  # a scheduled version took over since they were read
        IN_FORCE.forget()
        until, documents = await IN_FORCE.get(lambda: _documents_and_until(at))
    return documents


async def _documents_and_until(
    at: dt.datetime,
) -> tuple[dt.datetime, dict[DocumentKind, Document | None]]:
    documents = await _in_force(at)
    upcoming = await TermsDocument.filter(effective_at__gt=at).order_by("effective_at").first()
    return upcoming.effective_at if upcoming else dt.datetime.max.replace(tzinfo=dt.UTC), documents


async def current_terms() -> Document | None:
    """The terms in effect now (None: none published)."""
    return (await current_documents())[DocumentKind.TERMS]


# ---- the gate -------------------------------------------------------------------------------


async def version_to_accept(member_id: int, conn=None) -> str | None:
    """The terms version the member must accept before earning or redeeming, or None.
    Free when no terms are published (cached); otherwise one probe of the acceptance's
    unique index. Callers hold the member's book, so an acceptance racing this is either
    seen here or made after the caller's transaction commits."""
    terms = await current_terms()
    if terms is None:
        return None
    if await _accepted(member_id, terms.id, conn):
        return None
    # Before refusing, ask the database: the cache may be a few seconds behind a version
    # another process published (and the member already accepted).
    fresh = (await _in_force(now(), conn))[DocumentKind.TERMS]
    if fresh is None or (fresh.id != terms.id and await _accepted(member_id, fresh.id, conn)):
        return None
    return fresh.version


async def _accepted(member_id: int, document_id: int, conn) -> bool:
    query = TermsAcceptance.filter(member_id=member_id, document_id=document_id)
    return await (query.using_db(conn) if conn is not None else query).exists()


async def require_accepted(member_id: int, conn=None) -> None:
    """Raise TermsNotAccepted (with the version to accept) unless the member accepted the
    current terms."""
    version = await version_to_accept(member_id, conn)
    if version is not None:
        raise TermsNotAccepted(version=version)


# ---- publishing -----------------------------------------------------------------------------


async def publish(
    *, kind: DocumentKind, version: str, texts: dict, effective_at: dt.datetime | None,
    actor_id: int | None,
) -> TermsDocument:  # fmt: skip
    """Publish a new version of the terms or the privacy policy. Every program language
    needs a title and a body (MissingLocale); versions are unique per kind
    (TermsVersionTaken). Members must accept a new terms version once it is in force."""
    version = (version or "").strip()
    problems: list[FieldProblem] = []
    if not _VERSION.match(version):
        problems.append(FieldProblem("version", "INVALID_VALUE"))
    clean: dict = {}
    for locale, text in (texts or {}).items():
        if locale not in LOCALES:
            problems.append(FieldProblem("texts", "UNSUPPORTED_LOCALE",
                                         {"allowed": ", ".join(LOCALES)}))  # fmt: skip
            continue
        title, body = (text.get("title") or "").strip(), (text.get("body") or "").strip()
        if len(title) > MAX_TITLE:
            problems.append(FieldProblem(f"texts.{locale}.title", "TOO_LONG", {"max": MAX_TITLE}))
        if len(body) > MAX_BODY:
            problems.append(FieldProblem(f"texts.{locale}.body", "TOO_LONG", {"max": MAX_BODY}))
        if title and body:
            clean[locale] = {"title": title, "body": body}
    if problems:
        raise InvalidInput(problems)
    missing = [locale for locale in LOCALES if locale not in clean]
    if missing:
        raise MissingLocale(locales=missing)
    effective_at = effective_at or now()
    if effective_at.tzinfo is None:
        effective_at = effective_at.replace(tzinfo=dt.UTC)
    try:
        async with transaction() as tx:
            row = await TermsDocument.create(
                kind=kind, version=version, texts=clean, effective_at=effective_at,
                published_by_id=actor_id, using_db=tx.connection,
            )  # fmt: skip
    except IntegrityError:
        raise TermsVersionTaken(version=version) from None
    await IN_FORCE.changed()
    return row


async def documents(kind: DocumentKind) -> list[TermsDocument]:
    """Every published version of a kind, newest first (for staff)."""
    return await TermsDocument.filter(kind=kind).order_by("-effective_at", "-id")


async def published_versions(kind: DocumentKind, *, at: dt.datetime | None = None) -> set[str]:
    """The versions of a kind that have been in force by `at` (a member may have been shown
    any of them)."""
    return set(await TermsDocument.filter(kind=kind, effective_at__lte=at or now())
               .values_list("version", flat=True))  # fmt: skip


# ---- accepting ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Accepted:
    acceptance: TermsAcceptance
    points_credited: int  # purchase points held until now
    already: bool  # this version had been accepted before


async def record_acceptance(
    *, book: ledger.MemberBook, version: str, client: str, user_agent: str = "",
    address: str = "",
) -> tuple[TermsAcceptance, bool]:  # fmt: skip
    """Record, in the member's open book, that they accept the terms `version`, which must
    be the one in force (TermsVersionNotCurrent otherwise). Returns (the acceptance, whether
    this version had been accepted before: then the first acceptance). Crediting what waited
    for it is app.flows.accept_terms's part."""
    conn = book.tx.connection
    # Read under the member's lock, not from the cache: what is accepted is exact.
    terms = (await _in_force(now(), conn))[DocumentKind.TERMS]
    if terms is None or (version or "").strip() != terms.version:
        raise TermsVersionNotCurrent(current=terms.version if terms else "")
    existing = await TermsAcceptance.get_or_none(
        member_id=book.member_id, document_id=terms.id
    ).using_db(conn)
    if existing is not None:
        return existing, True
    acceptance = await TermsAcceptance.create(
        member_id=book.member_id, document_id=terms.id, version=terms.version,
        client=client[:120], user_agent=user_agent[:300], address=address[:64], using_db=conn,
    )  # fmt: skip
    return acceptance, False


@dataclass(frozen=True)
class AcceptanceStatus:
    member_id: int
    accepted_version: str | None  # the latest version they accepted
    accepted_at: dt.datetime | None
    current_version: str | None

    @property
    def must_accept(self) -> bool:
        """Whether there are current terms the member has not accepted."""
        return self.current_version is not None and self.accepted_version != self.current_version


async def acceptance_statuses(member_ids: list[int]) -> list[AcceptanceStatus]:
    """Per member (in order), what they accepted last and whether they must accept now."""
    terms = await current_terms()
    rows = await TermsAcceptance.filter(member_id__in=member_ids).order_by("id").values(
        "member_id", "version", "accepted_at", "document_id"
    )  # fmt: skip
    latest: dict[int, dict] = {}
    accepted_current: set[int] = set()
    for row in rows:
        latest[row["member_id"]] = row
        if terms is not None and row["document_id"] == terms.id:
            accepted_current.add(row["member_id"])
    current = terms.version if terms else None
    result = []
    for member_id in member_ids:
        row = latest.get(member_id)
        # Accepting the version in force is what counts, whatever came after it.
        version = current if member_id in accepted_current else (row or {}).get("version")
        result.append(AcceptanceStatus(member_id, version,
                                       (row or {}).get("accepted_at"), current))  # fmt: skip
    return result
