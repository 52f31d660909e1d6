"""Persisted operations: Apollo's automatic persisted queries (APQ) and trusted documents.

`resolve(data, settings)` turns a request's JSON object (a POST body, a GET's parameters or a
WebSocket `subscribe` payload) into the document to run:

- `extensions.persistedQuery = {version: 1, sha256Hash}` without `query`: the document stored
  under that hash (registered trusted documents first, then the APQ store), else
  PersistedQueryNotFound (HTTP 200, code PERSISTED_QUERY_NOT_FOUND: Apollo's link then sends
  the document with its hash). With `query`: its sha256 must be the hash (400
  PERSISTED_QUERY_HASH_MISMATCH), then it is stored (at most APQ_MAX_DOCUMENT_BYTES long, at
  most APQ_MAX_DOCUMENTS kept) and run.
- `documentId` (GraphQL over HTTP) or `id` (Relay): a registered trusted document, else 400
  PERSISTED_QUERY_NOT_FOUND.
- With TRUSTED_DOCUMENTS=only, anything else (a free `query`, an APQ registration of an
  unregistered document) is refused with PERSISTED_QUERY_NOT_ALLOWED, except for staff
  accounts when TRUSTED_DOCUMENTS_STAFF (see `allow_free`).

The APQ store is Redis (`apq:<sha256>`, 7-day expiry, shared by every process) when
REDIS_URL is set, else an in-process LRU. A stored document is only ever found by the sha256
of its own text, so a client cannot plant a document under another's hash.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections import OrderedDict
from dataclasses import dataclass

from app.graphql import documents
from app.settings import Settings

log = logging.getLogger(__name__)

_HASH = re.compile(r"[0-9a-f]{64}")
APQ_TTL_SECONDS = 7 * 24 * 3600
NOT_FOUND_MESSAGE = "PersistedQueryNotFound"  # what Apollo's persisted-queries link matches


class PersistedError(Exception):
    """A refusal: HTTP `status`, GraphQL `code`, one-line `message`."""

    def __init__(self, status: int, message: str, code: str):
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Resolved:
    """The document to run (None: the request carries none, validation says so) and whether
    it is one the operator registered or the APQ store vouches for."""

    query: str | None
    trusted: bool
    by_reference: bool = False  # named by hash or id, no document text in the request


class MemoryStore:
    """APQ documents of this process, least recently used dropped past `limit`."""

    def __init__(self, limit: int):
        self.limit = limit
        self._items: OrderedDict[str, str] = OrderedDict()

    async def get(self, key: str) -> str | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    async def put(self, key: str, value: str) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.limit:
            self._items.popitem(last=False)

    async def close(self) -> None:
        self._items.clear()


class RedisStore:
    """APQ documents in Redis, shared by every process, least recently used dropped past
    `limit` (a sorted set of hashes by last use), each expiring APQ_TTL_SECONDS after its
    last use. A flood of new documents only evicts older ones, which their clients register
    again on PERSISTED_QUERY_NOT_FOUND (Apollo's link does so by itself): it can neither
    fill Redis nor switch APQ off."""

    def __init__(self, url: str, limit: int, prefix: str = "apq:"):
        from redis.asyncio import Redis

        self.limit = limit
        self.prefix = prefix
        self.index = prefix + "lru"
        self._redis = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)

    async def get(self, key: str) -> str | None:
        try:
            value = await self._redis.get(self.prefix + key)
            if value is not None:
                async with self._redis.pipeline(transaction=False) as pipe:
                    pipe.zadd(self.index, {key: time.time()}, xx=True)
                    pipe.expire(self.prefix + key, APQ_TTL_SECONDS)
                    await pipe.execute()
        except Exception as exc:  # Redis down: the client sends the document again
            log.warning("APQ store unreachable: %s", exc)
            return None
        return value.decode("utf-8") if value is not None else None

    async def put(self, key: str, value: str) -> None:
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.set(self.prefix + key, value, ex=APQ_TTL_SECONDS)
                pipe.zadd(self.index, {key: time.time()})
                pipe.expire(self.index, APQ_TTL_SECONDS)
                pipe.zcard(self.index)
                size = (await pipe.execute())[-1]
            if size > self.limit:
                oldest = await self._redis.zpopmin(self.index, size - self.limit)
                if oldest:
                    await self._redis.delete(*(self.prefix + k.decode() for k, _ in oldest))
        except Exception as exc:
            log.warning("APQ store unreachable: %s", exc)

    async def close(self) -> None:
        await self._redis.aclose()


_stores: dict[tuple, MemoryStore | RedisStore] = {}


def store_for(settings: Settings) -> MemoryStore | RedisStore:
    """The APQ store of these settings (one per process and configuration)."""
    key = (settings.redis_url, settings.apq_max_documents)
    store = _stores.get(key)
    if store is None:
        store = (
            RedisStore(settings.redis_url, settings.apq_max_documents)
            if settings.redis_url
            else MemoryStore(settings.apq_max_documents)
        )
        _stores[key] = store
    return store


async def close_stores() -> None:
    for store in list(_stores.values()):
        await store.close()
    _stores.clear()


def _not_allowed() -> PersistedError:
    return PersistedError(
        400,
        "This server runs registered (trusted) documents only: send a `documentId`.",
        "PERSISTED_QUERY_NOT_ALLOWED",
    )


async def resolve(data: dict, settings: Settings) -> Resolved:
    """The document a request names (see the module's doc); PersistedError when refused."""
    query = data.get("query")
    only = settings.trusted_documents == "only"
    document_id = data.get("documentId")
    if document_id is None:
        document_id = data.get("id")
    if document_id is not None:
        if not isinstance(document_id, str) or not document_id:
            raise PersistedError(400, "`documentId` must be a non-empty string.", "BAD_REQUEST")
        if query is not None:
            raise PersistedError(400, "Send `documentId` or `query`, not both.", "BAD_REQUEST")
        body = (await documents.registered()).find(document_id)
        if body is None:
            raise PersistedError(
                400, "No registered document has that id.", "PERSISTED_QUERY_NOT_FOUND"
            )
        return Resolved(body, True, by_reference=True)
    persisted = (data.get("extensions") or {}).get("persistedQuery")
    if persisted is None:
        if query is not None and only:
            trusted = (await documents.registered()).by_hash.get(_sha256(query)) is not None
            return Resolved(query, trusted)
        return Resolved(query, not only)
    if (
        not isinstance(persisted, dict)
        or persisted.get("version") != 1
        or not isinstance(persisted.get("sha256Hash"), str)
        or not _HASH.fullmatch(persisted["sha256Hash"])
    ):
        raise PersistedError(
            400,
            "`extensions.persistedQuery` must be {version: 1, sha256Hash: <64 lowercase hex>}.",
            "BAD_REQUEST",
        )
    digest = persisted["sha256Hash"]
    registered = (await documents.registered()).by_hash.get(digest)
    if query is None:
        if registered is not None:
            return Resolved(registered, True, by_reference=True)
        if not settings.apq and not only:
            # Apollo's link stops hashing on this answer
            raise PersistedError(200, "PersistedQueryNotSupported", "PERSISTED_QUERY_NOT_SUPPORTED")
        if not only:
            stored = await store_for(settings).get(digest)
            if stored is not None and _sha256(stored) == digest:
                return Resolved(stored, True, by_reference=True)
        raise PersistedError(200, NOT_FOUND_MESSAGE, "PERSISTED_QUERY_NOT_FOUND")
    if _sha256(query) != digest:
        raise PersistedError(
            400, "The sha256Hash is not the hash of the query.", "PERSISTED_QUERY_HASH_MISMATCH"
        )
    if registered is not None:
        return Resolved(query, True)
    if only:
        return Resolved(query, False)  # runs only where `allow_free` lets it
    if settings.apq:
        if len(query.encode("utf-8")) > settings.apq_max_document_bytes:
            raise PersistedError(
                400,
                f"A persisted query is at most {settings.apq_max_document_bytes} bytes.",
                "PERSISTED_QUERY_TOO_LARGE",
            )
        if _parses(query, settings.max_tokens):  # text that is not GraphQL is never stored
            await store_for(settings).put(digest, query)
    return Resolved(query, True)


async def allow_free(resolved: Resolved, settings: Settings, context) -> None:
    """Refuse an unregistered document in TRUSTED_DOCUMENTS=only mode, unless the caller is
    a staff account and TRUSTED_DOCUMENTS_STAFF is on (staff tooling, GraphiQL with a token)."""
    if resolved.trusted or settings.trusted_documents != "only" or resolved.query is None:
        return
    if settings.trusted_documents_staff:
        from app.members.models import Role

        try:
            member = await context.viewer()
        except Exception:  # a bad token is not staff
            member = None
        if member is not None and member.role != Role.MEMBER:
            return
    raise _not_allowed()


def _parses(text: str, max_tokens: int) -> bool:
    """Whether `text` is a GraphQL document (parsed with the same token bound as execution)."""
    from graphql import GraphQLError, parse

    try:
        parse(text, max_tokens=max_tokens)
    except GraphQLError:
        return False
    return True


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# Root fields whose answer is the same for every signed-out caller (program data, no member
# in it): a hashed GET selecting only these, without Authorization, may be cached publicly.
PUBLIC_ROOT_FIELDS = frozenset({"__typename", "program", "tiers", "tierPolicy", "termsDocuments"})
PUBLIC_MAX_AGE_SECONDS = 60
PRIVATE = "private, no-store"


def is_public(document, operation_name: str | None) -> bool:
    """Whether the chosen operation of a parsed `document` is a query selecting only
    PUBLIC_ROOT_FIELDS (fragments at the root followed; directives refuse: a `@include`
    cannot widen it, but nothing is taken on trust)."""
    from graphql import (
        FieldNode,
        FragmentDefinitionNode,
        FragmentSpreadNode,
        InlineFragmentNode,
        OperationDefinitionNode,
        OperationType,
    )

    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    if operation_name is None:
        chosen = operations[0] if len(operations) == 1 else None
    else:
        chosen = next((o for o in operations if o.name and o.name.value == operation_name), None)
    if chosen is None or chosen.operation is not OperationType.QUERY:
        return False
    stack, seen = [chosen.selection_set], set()
    while stack:
        for selection in stack.pop().selections:
            if isinstance(selection, FieldNode):
                if selection.name.value not in PUBLIC_ROOT_FIELDS:
                    return False
            elif isinstance(selection, InlineFragmentNode):
                stack.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name not in fragments:
                    return False
                if name not in seen:
                    seen.add(name)
                    stack.append(fragments[name].selection_set)
    return True


def etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
