"""Trusted documents: the operations an operator registered (`loyalty documents add FILE`),
named by clients through `documentId` (GraphQL over HTTP), `id` (Relay) or the APQ sha256.

Registered from Apollo's persisted-query manifest
(`{"format": "apollo-persisted-query-manifest", "version": 1, "operations": [...]}`) or
Relay's persisted-query JSON (`{"<id>": "<document text>"}`). Every process keeps the set in
memory (`app.cache`, invalidated through the event bus on add and remove).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from tortoise import fields
from tortoise.models import Model

from app.cache import Cache

# A registered document is at most this long (UTF-8 bytes); ids at most MAX_ID_LENGTH.
MAX_DOCUMENT_BYTES = 100_000
MAX_ID_LENGTH = 128


class TrustedDocument(Model):
    """One registered operation: its id as clients send it, and its text."""

    id = fields.CharField(primary_key=True, max_length=MAX_ID_LENGTH)
    name = fields.CharField(max_length=200, null=True)
    sha256 = fields.CharField(max_length=64, db_index=True)
    body = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "trusted_document"


class ManifestError(ValueError):
    """A manifest file is neither Apollo's nor Relay's format; the message says why."""


@dataclass(frozen=True)
class Entry:
    id: str
    name: str | None
    body: str


@dataclass(frozen=True)
class Registered:
    """The registered set: id -> body and sha256 -> body."""

    by_id: dict[str, str]
    by_hash: dict[str, str]

    def find(self, key: str) -> str | None:
        return self.by_id.get(key) or self.by_hash.get(key)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_manifest(text: str) -> list[Entry]:
    """The operations of an Apollo or Relay persisted-query manifest."""
    try:
        data = json.loads(text)
    except ValueError:
        raise ManifestError("the file is not valid JSON") from None
    if not isinstance(data, dict):
        raise ManifestError("the manifest must be a JSON object")
    if data.get("format") == "apollo-persisted-query-manifest":
        if data.get("version") != 1:
            raise ManifestError("only version 1 of Apollo's manifest is understood")
        operations = data.get("operations")
        if not isinstance(operations, list):
            raise ManifestError("`operations` must be a list")
        raw = []
        for op in operations:
            if not isinstance(op, dict):
                raise ManifestError("every operation must be an object")
            raw.append((op.get("id"), op.get("name"), op.get("body")))
    else:
        raw = [(key, None, value) for key, value in data.items()]
    entries = []
    for id_, name, body in raw:
        if not isinstance(id_, str) or not id_ or len(id_) > MAX_ID_LENGTH:
            raise ManifestError(f"an id must be a string of 1 to {MAX_ID_LENGTH} characters")
        if not isinstance(body, str) or not body.strip():
            raise ManifestError(f"operation {id_!r} has no document text")
        if len(body.encode("utf-8")) > MAX_DOCUMENT_BYTES:
            raise ManifestError(f"operation {id_!r} is larger than {MAX_DOCUMENT_BYTES} bytes")
        entries.append(Entry(id_, name if isinstance(name, str) else None, body))
    return entries


registered_cache: Cache[Registered] = Cache("trusted_documents", ttl=30.0)


async def _load() -> Registered:
    rows = await TrustedDocument.all().values_list("id", "sha256", "body")
    return Registered(
        by_id={id_: body for id_, _, body in rows}, by_hash={h: body for _, h, body in rows}
    )


async def registered() -> Registered:
    """The registered set, from this process's memory while fresh."""
    return await registered_cache.get(_load)


async def add(entries: list[Entry]) -> int:
    """Register `entries` (an id already registered gets the new text); how many."""
    for entry in entries:
        await TrustedDocument.update_or_create(
            id=entry.id,
            defaults={"name": entry.name, "body": entry.body, "sha256": sha256(entry.body)},
        )
    await registered_cache.changed()
    return len(entries)


async def list_all() -> list[TrustedDocument]:
    return await TrustedDocument.all().order_by("id")


async def remove(id_: str) -> bool:
    """Unregister one id; whether it was registered."""
    deleted = await TrustedDocument.filter(id=id_).delete()
    await registered_cache.changed()
    return bool(deleted)
