"""/metrics, /ready, tracing spans and JSON logs (app/observability.py), on real HTTP."""

import json
import logging
import socket

import httpx
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prometheus_client.parser import text_string_to_metric_families

from app import jobs, observability
from app.main import create_app
from tests.helpers import ME, gql, sign_up


def _samples(text: str) -> dict[tuple, float]:
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def _value(samples: dict, name: str, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def _metrics(client) -> dict:
    response = await client.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return _samples(response.text)


async def test_operation_counters_latency_and_error_codes_move(client):
    before = await _metrics(client)
    session = await sign_up(client)
    body = await gql(client, "query Home " + ME, token=session["accessToken"])
    assert body["data"]["me"]["id"]
    await gql(client, "query Home { noSuchField }")  # GRAPHQL_VALIDATION_FAILED
    after = await _metrics(client)
    name = "loyalty_graphql_operations_total"
    assert _value(after, name, operation="Home", type="query", outcome="ok") == (
        _value(before, name, operation="Home", type="query", outcome="ok") + 1
    )
    assert _value(after, name, operation="Home", type="query", outcome="error") == (
        _value(before, name, operation="Home", type="query", outcome="error") + 1
    )
    count = "loyalty_graphql_operation_seconds_count"
    assert _value(after, count, operation="Home", type="query") == (
        _value(before, count, operation="Home", type="query") + 2
    )
    errors = "loyalty_graphql_errors_total"
    assert _value(after, errors, code="GRAPHQL_VALIDATION_FAILED") == (
        _value(before, errors, code="GRAPHQL_VALIDATION_FAILED") + 1
    )


async def test_operation_names_are_bounded(client, monkeypatch):
    monkeypatch.setattr(observability, "_seen_names", set())
    monkeypatch.setattr(observability, "MAX_OPERATION_NAMES", 3)
    for i in range(6):
        await gql(client, f"query Q{i} {{ __typename }}")
    await gql(client, "{ __typename }")
    samples = await _metrics(client)
    names = {
        dict(labels)["operation"]
        for (metric, labels) in samples
        if metric == "loyalty_graphql_operations_total"
    }
    assert {"Q0", "Q1", "Q2", "other", "anonymous"} <= names
    assert not names & {"Q3", "Q4", "Q5"}


async def test_queue_depth_and_age_when_jobs_wait(client):
    kind = "observability.test"
    assert _value(await _metrics(client), "loyalty_job_queue_depth", kind=kind) == 0
    for i in range(3):
        await jobs.enqueue(kind, {"i": i})
    samples = await _metrics(client)
    assert _value(samples, "loyalty_job_queue_depth", kind=kind) == 3
    assert ("loyalty_job_oldest_due_seconds", (("kind", kind),)) in samples


async def test_scraping_needs_the_token_when_one_is_set(app, settings_with):
    other = create_app(settings_with(metrics_token="scrape-secret"), manage_database=False)
    transport = httpx.ASGITransport(app=other)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        assert (await c.get("/metrics")).status_code == 403
        bad = {"Authorization": "Bearer nope"}
        assert (await c.get("/metrics", headers=bad)).status_code == 403
        good = {"Authorization": "Bearer scrape-secret"}
        assert (await c.get("/metrics", headers=good)).status_code == 200


async def test_without_a_token_only_loopback_may_scrape(app):
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 4000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        assert (await c.get("/metrics")).status_code == 403


async def test_ready_answers_200_with_database_and_redis(app, settings_with):
    other = create_app(settings_with(redis_url="redis://127.0.0.1:6379/0"), manage_database=False)
    transport = httpx.ASGITransport(app=other)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        response = await c.get("/ready")
    assert response.status_code == 200, response.text
    assert response.json() == {"status": "ready", "database": True, "redis": True}


async def test_ready_is_503_when_redis_is_unreachable(app, settings_with):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    other = create_app(
        settings_with(redis_url=f"redis://127.0.0.1:{port}/0"), manage_database=False
    )
    transport = httpx.ASGITransport(app=other)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        response = await c.get("/ready")
        health = await c.get("/health")
    assert response.status_code == 503
    assert response.json()["redis"] is False
    assert response.headers["retry-after"]
    assert health.status_code == 200  # the process and database are fine


async def test_a_span_per_operation_with_database_spans_beneath(client):
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    observability.configure_tracing(provider)
    try:
        session = await sign_up(client)
        exporter.clear()
        await gql(client, "query Home " + ME, token=session["accessToken"])
    finally:
        observability.disable_tracing()
    spans = exporter.get_finished_spans()
    (operation,) = [s for s in spans if s.name == "query Home"]
    assert operation.attributes["graphql.operation.name"] == "Home"
    db_spans = [s for s in spans if s.name.startswith("db ")]
    assert db_spans, [s.name for s in spans]
    assert all(
        s.parent is not None and s.parent.span_id == operation.context.span_id for s in db_spans
    )
    exporter.clear()
    await gql(client, "query Home " + ME, token=session["accessToken"])
    assert exporter.get_finished_spans() == ()  # off again: nothing recorded


async def test_json_log_line_per_operation_without_personal_data(client):
    session = await sign_up(client, displayName="Secret Name")
    records: list[str] = []

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(self.format(record))

    handler = Capture()
    handler.setFormatter(observability.JsonFormatter())
    logger = logging.getLogger("app.operations")
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    try:
        response = await client.post(
            "/graphql",
            json={"query": "query Home " + ME},
            headers={"Authorization": f"Bearer {session['accessToken']}", "X-Request-ID": "req-7"},
        )
        assert response.status_code == 200
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    (line,) = records
    entry = json.loads(line)
    assert entry["request_id"] == response.headers["x-request-id"]
    assert entry["operation"] == "Home"
    assert entry["outcome"] == "ok"
    assert entry["principal_kind"] == "member"
    assert entry["principal_id"]
    assert entry["duration_ms"] >= 0
    member = session["member"]
    assert member["email"] not in line
    assert "Secret Name" not in line


def test_several_processes_add_up_in_multiprocess_mode(tmp_path):
    """Two server processes count into PROMETHEUS_MULTIPROC_DIR; a third one's /metrics
    output is their sum (open subscriptions: live processes only)."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    count = (
        "from app import observability as o\n"
        "o.REQUESTS.labels('Home', 'query', 'ok').inc(2)\n"
        "o.subscription_opened()\n"
    )
    subprocess.run([sys.executable, "-c", count], env=env, check=True, timeout=60)
    exits = count + "o.process_exiting()\n"  # a process that shut down cleanly
    subprocess.run([sys.executable, "-c", exits], env=env, check=True, timeout=60)
    read = "from app import observability as o\nprint(o._output().decode())\n"
    out = subprocess.run(
        [sys.executable, "-c", read],
        env=env,
        check=True,
        timeout=60,
        capture_output=True,
        text=True,
    ).stdout
    samples = _samples(out)
    ops = "loyalty_graphql_operations_total"
    assert _value(samples, ops, operation="Home", type="query", outcome="ok") == 4
    # livesum: the process that shut down no longer counts; the one killed still does.
    assert _value(samples, "loyalty_open_subscriptions") == 1


async def test_no_scraping_through_a_proxy_without_a_token(app, settings_with):
    """Behind a reverse proxy on the same host every request comes from loopback."""
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 4000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        assert (await c.get("/metrics")).status_code == 200
        for header in ("X-Forwarded-For", "Forwarded", "X-Real-IP"):
            response = await c.get("/metrics", headers={header: "203.0.113.7"})
            assert response.status_code == 403, header
    proxied = create_app(settings_with(trusted_proxies=("127.0.0.1",)), manage_database=False)
    transport = httpx.ASGITransport(app=proxied, client=("127.0.0.1", 4000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        assert (await c.get("/metrics")).status_code == 403
