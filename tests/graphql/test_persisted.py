"""Persisted operations over real HTTP: Apollo APQ (memory and Redis stores), trusted
documents (Apollo and Relay manifests, TRUSTED_DOCUMENTS=only) and the CLI."""

import hashlib
import json
import uuid

import httpx
import pytest

from app.graphql import documents, persisted
from app.main import create_app
from app.members.models import Role
from tests.helpers import sign_up, staff_session

REDIS_URL = "redis://127.0.0.1:6379/0"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _apq(digest: str) -> dict:
    return {"persistedQuery": {"version": 1, "sha256Hash": digest}}


def _fresh(query: str = "{ __typename }") -> str:
    """A document with a hash no earlier run stored (Redis outlives test runs)."""
    return f"# {uuid.uuid4().hex}\n{query}"


def _client(app) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


async def test_apq_round_trip_as_apollo_link_does_it(client):
    query = _fresh()
    digest = _sha(query)
    miss = await client.post("/graphql", json={"extensions": _apq(digest)})
    assert miss.status_code == 200
    (error,) = miss.json()["errors"]
    assert error["message"] == "PersistedQueryNotFound"
    assert error["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"

    stored = await client.post("/graphql", json={"query": query, "extensions": _apq(digest)})
    assert stored.json() == {"data": {"__typename": "Query"}}

    hit = await client.post("/graphql", json={"extensions": _apq(digest)})
    assert hit.json() == {"data": {"__typename": "Query"}}
    got = await client.get(
        "/graphql", params={"extensions": json.dumps(_apq(digest)), "variables": "{}"}
    )
    assert got.status_code == 200 and got.json() == {"data": {"__typename": "Query"}}


async def test_hash_mismatch_and_malformed_extension_are_typed_400s(client):
    wrong = await client.post(
        "/graphql", json={"query": "{ __typename }", "extensions": _apq("0" * 64)}
    )
    assert wrong.status_code == 400
    assert wrong.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_HASH_MISMATCH"
    # and nothing was stored under the other hash
    still = await client.post("/graphql", json={"extensions": _apq("0" * 64)})
    assert still.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    for bad in ({"version": 2, "sha256Hash": "0" * 64}, {"version": 1, "sha256Hash": "X"}, 7):
        r = await client.post("/graphql", json={"extensions": {"persistedQuery": bad}})
        assert r.status_code == 400
        assert r.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_a_hashed_get_of_a_mutation_is_405(client):
    mutation = _fresh("mutation { __typename }")
    digest = _sha(mutation)
    posted = await client.post("/graphql", json={"query": mutation, "extensions": _apq(digest)})
    assert posted.json() == {"data": {"__typename": "Mutation"}}
    got = await client.get("/graphql", params={"extensions": json.dumps(_apq(digest))})
    assert got.status_code == 405
    assert got.headers["allow"] == "POST"


async def test_documents_past_the_size_limit_are_not_stored(app, settings_with):
    small = create_app(settings_with(apq_max_document_bytes=300), manage_database=False)
    query = _fresh("{ " + "a: __typename " * 40 + "}")
    async with _client(small) as c:
        r = await c.post("/graphql", json={"query": query, "extensions": _apq(_sha(query))})
        assert r.status_code == 400
        assert r.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_TOO_LARGE"


async def test_memory_store_is_bounded_lru():
    store = persisted.MemoryStore(limit=2)
    await store.put("a", "1")
    await store.put("b", "2")
    await store.get("a")
    await store.put("c", "3")
    assert [await store.get(k) for k in "abc"] == ["1", None, "3"]


async def test_redis_store_is_shared_by_two_app_instances(app, settings_with):
    shared = settings_with(redis_url=REDIS_URL)
    one = create_app(shared, manage_database=False)
    two = create_app(dataclasses_replace(shared), manage_database=False)
    query = _fresh()
    digest = _sha(query)
    try:
        async with _client(one) as a, _client(two) as b:
            miss = await b.post("/graphql", json={"extensions": _apq(digest)})
            assert miss.json()["errors"][0]["message"] == "PersistedQueryNotFound"
            await a.post("/graphql", json={"query": query, "extensions": _apq(digest)})
            hit = await b.post("/graphql", json={"extensions": _apq(digest)})
            assert hit.json() == {"data": {"__typename": "Query"}}
    finally:
        await persisted.close_stores()


def dataclasses_replace(settings):
    import dataclasses

    # a distinct store object in this process: another APQ_MAX_DOCUMENTS
    return dataclasses.replace(settings, apq_max_documents=settings.apq_max_documents + 1)


APOLLO_MANIFEST = {
    "format": "apollo-persisted-query-manifest",
    "version": 1,
    "operations": [
        {"id": "op-typename", "name": "T", "type": "query", "body": "query T { __typename }"}
    ],
}


async def test_trusted_documents_only_mode(app, settings_with, client):
    await documents.add(documents.parse_manifest(json.dumps(APOLLO_MANIFEST)))
    await documents.add(documents.parse_manifest(json.dumps({"relay-1": "{ __typename }"})))
    strict = create_app(settings_with(trusted_documents="only"), manage_database=False)
    async with _client(strict) as c:
        for body in (
            {"documentId": "op-typename"},
            {"id": "relay-1"},
            {"extensions": _apq(_sha("query T { __typename }"))},
            {"query": "query T { __typename }"},  # the text of a registered document
        ):
            r = await c.post("/graphql", json=body)
            assert r.json() == {"data": {"__typename": "Query"}}, (body, r.text)
        free = await c.post("/graphql", json={"query": "{ a: __typename }"})
        assert free.status_code == 400
        assert free.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_ALLOWED"
        query = _fresh()
        apq = await c.post("/graphql", json={"query": query, "extensions": _apq(_sha(query))})
        assert apq.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_ALLOWED"
        unknown = await c.post("/graphql", json={"documentId": "nope"})
        assert unknown.status_code == 400
        assert unknown.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
        # a member's token does not unlock free documents; a staff account's does
        member = await sign_up(client)
        auth = {"Authorization": f"Bearer {member['accessToken']}"}
        r = await c.post("/graphql", json={"query": "{ a: __typename }"}, headers=auth)
        assert r.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_ALLOWED"
        staff = await staff_session(client, Role.ADMIN)
        auth = {"Authorization": f"Bearer {staff['accessToken']}"}
        r = await c.post("/graphql", json={"query": "{ a: __typename }"}, headers=auth)
        assert r.json() == {"data": {"a": "Query"}}
        # removal is seen at once (the cache forgets through app.cache)
        assert await documents.remove("relay-1")
        gone = await c.post("/graphql", json={"id": "relay-1"})
        assert gone.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


@pytest.mark.parametrize(
    "text",
    [
        "[]",
        "not json",
        json.dumps({"format": "apollo-persisted-query-manifest", "version": 2}),
        json.dumps({"x": ""}),
        json.dumps({"x": 5}),
        json.dumps({"x" * 200: "{ a }"}),
    ],
)
def test_bad_manifests_are_refused(text):
    with pytest.raises(documents.ManifestError):
        documents.parse_manifest(text)


async def test_cli_documents_add_list_remove(app, settings, tmp_path, monkeypatch):
    import asyncio
    import os
    import subprocess
    import sys

    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps(APOLLO_MANIFEST))
    env = {**os.environ, "DATABASE_URL": settings.database_url, "LOYALTY_ENV": "test"}

    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "app.cli", "documents", *args],
            env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip

    added = await asyncio.to_thread(run, "add", str(manifest))
    assert added.returncode == 0, added.stderr
    assert "registered 1 document(s)" in added.stdout
    listed = await asyncio.to_thread(run, "list")
    assert f"op-typename\tT\t{_sha('query T { __typename }')}" in listed.stdout
    assert (await asyncio.to_thread(run, "remove", "op-typename")).returncode == 0
    missing = await asyncio.to_thread(run, "remove", "op-typename")
    assert missing.returncode != 0 and "no registered document" in missing.stderr
    bad = tmp_path / "bad.json"
    bad.write_text("[]")
    refused = await asyncio.to_thread(run, "add", str(bad))
    assert refused.returncode != 0 and "must be a JSON object" in refused.stderr


async def _stored_get(client, query: str, headers: dict | None = None) -> httpx.Response:
    digest = _sha(query)
    await client.post("/graphql", json={"query": query, "extensions": _apq(digest)})
    return await client.get(
        "/graphql", params={"extensions": json.dumps(_apq(digest))}, headers=headers or {}
    )


async def test_public_hashed_get_is_cacheable_with_etag(client):
    query = _fresh("query P { program { locale } tiers { __typename } }")
    got = await _stored_get(client, query)
    assert got.status_code == 200, got.text
    assert got.headers["cache-control"] == "public, max-age=60"
    vary = {v.strip() for v in got.headers["vary"].split(",")}
    assert {"Authorization", "Accept", "Accept-Language"} <= vary
    tag = got.headers["etag"]
    again = await client.get(
        "/graphql",
        params={"extensions": json.dumps(_apq(_sha(query)))},
        headers={"If-None-Match": tag},
    )
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == tag


async def test_member_dependent_or_authorized_gets_are_private(client):
    member = await sign_up(client)
    auth = {"Authorization": f"Bearer {member['accessToken']}"}
    public = _fresh("{ program { locale } }")
    with_token = await _stored_get(client, public, auth)
    assert with_token.headers["cache-control"] == "private, no-store"
    assert "etag" not in with_token.headers
    for query in (
        "{ me { id } }",
        "{ program { locale } me { id } }",
        "{ ...F } fragment F on Query { me { id } }",
        "{ program { locale } rewards { totalCount } }",
    ):
        got = await _stored_get(client, _fresh(query))
        assert got.headers["cache-control"] == "private, no-store", query
    plain = await client.get("/graphql", params={"query": "{ program { locale } }"})
    assert plain.headers["cache-control"] == "private, no-store"


async def test_websocket_subscribe_names_a_registered_document(live_server):
    from tests.graphql.test_websocket import _connect, _recv

    await documents.add(documents.parse_manifest(json.dumps(APOLLO_MANIFEST)))
    ws = await _connect(live_server)
    try:
        assert (await _recv(ws))["type"] == "connection_ack"
        await ws.send(
            json.dumps({"id": "1", "type": "subscribe", "payload": {"documentId": "op-typename"}})
        )
        message = await _recv(ws)
        assert message == {"id": "1", "type": "next", "payload": {"data": {"__typename": "Query"}}}
        await ws.send(
            json.dumps({"id": "2", "type": "subscribe", "payload": {"documentId": "nope"}})
        )
        while (message := await _recv(ws))["id"] != "2":
            pass
        assert message["type"] == "error"
        assert message["payload"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    finally:
        await ws.close()


async def test_cli_changes_reach_other_processes_through_redis(app, settings, tmp_path):
    import asyncio
    import os
    import subprocess
    import sys

    from app import events

    manifest = tmp_path / "relay.json"
    manifest.write_text(json.dumps({"relay-x": "{ __typename }"}))
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "LOYALTY_ENV": "test",
        "REDIS_URL": REDIS_URL,
    }
    listener = events.RedisEventBus(REDIS_URL)
    try:
        async with listener.subscribe(documents.registered_cache.topic) as queue:
            done = await asyncio.to_thread(
                subprocess.run,
                [sys.executable, "-m", "app.cli", "documents", "add", str(manifest)],
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert done.returncode == 0, done.stderr
            notice = await asyncio.wait_for(queue.get(), 10)
            assert notice == {"cache": "trusted_documents"}
    finally:
        await listener.close()


async def test_apq_switched_off_says_not_supported(app, settings_with):
    off = create_app(settings_with(apq=False), manage_database=False)
    async with _client(off) as c:
        r = await c.post("/graphql", json={"extensions": _apq(_sha(_fresh()))})
    assert r.status_code == 200
    assert r.json()["errors"][0]["message"] == "PersistedQueryNotSupported"


async def test_redis_store_drops_the_least_recently_used_past_its_limit():
    store = persisted.RedisStore(REDIS_URL, limit=3, prefix=f"apq-test-{uuid.uuid4().hex}:")
    try:
        for n in range(3):
            await store.put(f"d{n}", f"query Q{n} {{ __typename }}")
        assert await store.get("d0") is not None  # used again: now the most recent
        for n in range(3, 6):  # a flood of new documents evicts, it never switches APQ off
            await store.put(f"d{n}", f"query Q{n} {{ __typename }}")
        kept = {k for k in ("d0", "d1", "d2", "d3", "d4", "d5") if await store.get(k)}
        assert kept == {"d3", "d4", "d5"}
        assert await store._redis.zcard(store.index) == 3
        await store.put("d0", "query Q0 { __typename }")  # registered again by its client
        assert await store.get("d0") == "query Q0 { __typename }"
    finally:
        keys = [k async for k in store._redis.scan_iter(match=store.prefix + "*")]
        if keys:
            await store._redis.delete(*keys)
        await store.close()


async def test_text_that_is_not_graphql_is_answered_but_never_stored(app, settings_with):
    settings = settings_with()
    store = persisted.MemoryStore(limit=10)
    persisted._stores[(settings.redis_url, settings.apq_max_documents)] = store
    try:
        junk = f"not graphql {uuid.uuid4().hex} {{"
        async with _client(create_app(settings, manage_database=False)) as c:
            body = (
                await c.post("/graphql", json={"query": junk, "extensions": _apq(_sha(junk))})
            ).json()
        assert body["errors"] and await store.get(_sha(junk)) is None
    finally:
        await persisted.close_stores()
