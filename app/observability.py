"""Operations: Prometheus metrics, optional OpenTelemetry tracing, JSON logs, readiness.

Domains never import prometheus_client or opentelemetry: they call the small functions
here (`count_push`, `count_webhook`, `count_publish_failure`, `subscription_opened`...).

Metrics are multiprocess-safe: when PROMETHEUS_MULTIPROC_DIR is set (it must be, before the
process starts, for `loyalty serve --workers N`), prometheus_client writes each process's
values to files in that directory and `/metrics` merges them. Gauges choose their mode:
open subscriptions are `livesum` (the sum over live processes; a dead process's count
vanishes with it). Job queue depth and age are read from the database at scrape (one
grouped query on the `(status, run_at)` index), so they are the same whichever process
answers. Pool gauges are per process (`pid` label in multiprocess mode is not used: they
are sampled in the scraping process only; see README "Operations").

Operation names come from clients, so they are bounded: a name that is not a GraphQL name,
longer than 64 characters, or beyond the first `MAX_OPERATION_NAMES` distinct names this
process has seen is counted as `other`; an anonymous operation as `anonymous`.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import logging
import os
import re
import time
from collections.abc import Iterator

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from strawberry.extensions import SchemaExtension

from app.requests import current_request_id

log = logging.getLogger("app.operations")

MAX_OPERATION_NAMES = 200
_NAME = re.compile(r"^[_A-Za-z][_0-9A-Za-z]{0,63}$")
_seen_names: set[str] = set()

# The process registry; in multiprocess mode values also go to PROMETHEUS_MULTIPROC_DIR.
REGISTRY = CollectorRegistry(auto_describe=True)

REQUESTS = Counter(
    "loyalty_graphql_operations_total",
    "GraphQL operations served, by operation name, type and outcome (ok or error).",
    ["operation", "type", "outcome"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "loyalty_graphql_operation_seconds",
    "Wall-clock time of GraphQL operations, by operation name and type.",
    ["operation", "type"],
    registry=REGISTRY,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
ERRORS = Counter(
    "loyalty_graphql_errors_total",
    "Top-level GraphQL errors, by extensions.code.",
    ["code"],
    registry=REGISTRY,
)
PUSHES = Counter(
    "loyalty_pushes_total", "Push notifications by outcome.", ["outcome"], registry=REGISTRY
)
WEBHOOKS = Counter(
    "loyalty_webhook_deliveries_total",
    "Webhook delivery attempts by outcome.",
    ["outcome"],
    registry=REGISTRY,
)
PUBLISH_FAILURES = Counter(
    "loyalty_event_publish_failures_total",
    "Events the bus failed to send to other processes (Redis unreachable, queue full).",
    registry=REGISTRY,
)
SUBSCRIPTIONS = Gauge(
    "loyalty_open_subscriptions",
    "GraphQL subscriptions open now (summed over live processes).",
    registry=REGISTRY,
    multiprocess_mode="livesum",
)

# Error codes are the server's own, but bound them anyway (a code is never client text).
_MAX_CODES = 50
_seen_codes: set[str] = set()


def operation_label(name: str | None) -> str:
    """The bounded label for a client-chosen operation name."""
    if not name:
        return "anonymous"
    if not _NAME.match(name):
        return "other"
    if name in _seen_names:
        return name
    if len(_seen_names) >= MAX_OPERATION_NAMES:
        return "other"
    _seen_names.add(name)
    return name


def _code_label(code: object) -> str:
    code = str(code) if code else "UNKNOWN"
    if code in _seen_codes:
        return code
    if len(_seen_codes) >= _MAX_CODES or not _NAME.match(code):
        return "other"
    _seen_codes.add(code)
    return code


def count_push(outcome: str) -> None:
    """One push's outcome (sent, failed, invalid_token, skipped...)."""
    PUSHES.labels(outcome).inc()


def count_pushes(results: list) -> None:
    """Each push result's outcome: sent, invalid_token, retry or failed."""
    for r in results:
        if r.ok:
            outcome = "sent"
        elif r.invalid_token:
            outcome = "invalid_token"
        elif r.retryable:
            outcome = "retry"
        else:
            outcome = "failed"
        PUSHES.labels(outcome).inc()


def count_webhook(outcome: str) -> None:
    """One webhook delivery attempt's outcome (delivered, failed, disabled...)."""
    WEBHOOKS.labels(outcome).inc()


def count_publish_failure(n: int = 1) -> None:
    """Events the bus could not send to other processes."""
    PUBLISH_FAILURES.inc(n)


def process_exiting() -> None:
    """In multiprocess mode, drop this process's live gauges (open subscriptions) from the
    shared directory; the API's shutdown calls it. A process killed without shutdown keeps
    its last value until the directory is cleared (at the next deployment)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(os.getpid())


def subscription_opened() -> None:
    SUBSCRIPTIONS.inc()


def subscription_closed() -> None:
    SUBSCRIPTIONS.dec()


# ---- scrape-time gauges --------------------------------------------------------------


class _ScrapeCollector:
    """Values read when /metrics is scraped: the job queue (from the database) and this
    process's database pool. `collect` is sync; the values are fetched just before."""

    def __init__(self) -> None:
        self.queue: list[tuple[str, int, float]] = []
        self.pool: tuple[int, int, int] | None = None

    def collect(self) -> Iterator[GaugeMetricFamily]:
        depth = GaugeMetricFamily(
            "loyalty_job_queue_depth", "Pending jobs due now or later, by kind.", labels=["kind"]
        )
        age = GaugeMetricFamily(
            "loyalty_job_oldest_due_seconds",
            "Seconds since the oldest pending job of a kind became due (0 when none is due).",
            labels=["kind"],
        )
        for kind, count, oldest in self.queue:
            depth.add_metric([kind], count)
            age.add_metric([kind], oldest)
        yield depth
        yield age
        if self.pool is not None:
            size, in_use, waiting = self.pool
            yield GaugeMetricFamily(
                "loyalty_db_pool_size", "Open database connections (this process).", value=size
            )
            yield GaugeMetricFamily(
                "loyalty_db_pool_in_use",
                "Database connections checked out (this process).",
                value=in_use,
            )
            yield GaugeMetricFamily(
                "loyalty_db_pool_waiting",
                "Tasks waiting for a database connection (this process).",
                value=waiting,
            )


_scrape = _ScrapeCollector()
REGISTRY.register(_scrape)


async def _refresh_scrape_values() -> None:
    from tortoise import connections

    from app.clock import now

    try:
        conn = connections.get("default")
        rows = await conn.execute_query_dict(
            "SELECT kind, COUNT(*) AS n, MIN(run_at) AS oldest FROM job "
            "WHERE status = 'pending' GROUP BY kind"
        )
    except Exception as exc:  # the database is down: report no queue rather than fail
        log.warning("metrics: job queue not read: %s", type(exc).__name__)
        rows, conn = [], None
    at = now()
    queue = []
    for row in rows[:100]:  # job kinds are defined in code: few
        oldest = row["oldest"]
        if isinstance(oldest, str):
            from datetime import datetime

            oldest = datetime.fromisoformat(oldest)
        if oldest is not None and oldest.tzinfo is None:
            from datetime import UTC

            oldest = oldest.replace(tzinfo=UTC)
        due = max((at - oldest).total_seconds(), 0.0) if oldest is not None else 0.0
        queue.append((str(row["kind"]), int(row["n"]), due))
    _scrape.queue = queue
    pool = getattr(conn, "_pool", None) if conn is not None else None
    if pool is not None and hasattr(pool, "_holders"):
        size = sum(1 for h in pool._holders if h._con is not None)
        in_use = sum(1 for h in pool._holders if h._in_use is not None)
        waiting = len(getattr(pool._queue, "_getters", ()) or ())
        _scrape.pool = (size, in_use, waiting)
    else:
        _scrape.pool = None


def _output() -> bytes:
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory:
        return generate_latest(REGISTRY)
    from prometheus_client import multiprocess

    merged = CollectorRegistry()
    multiprocess.MultiProcessCollector(merged, path=directory)
    merged.register(_scrape)
    return generate_latest(merged)


_FORWARDING_HEADERS = ("forwarded", "x-forwarded-for", "x-real-ip")


def scrape_allowed(request: Request, token: str | None, *, behind_proxy: bool = False) -> bool:
    """With METRICS_TOKEN: the bearer token must match. Without: loopback peers only, and
    never through a proxy (TRUSTED_PROXIES set, or a forwarding header present): behind a
    reverse proxy on the same host every outside request arrives from loopback."""
    if token:
        header = request.headers.get("authorization", "")
        scheme, _, value = header.partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(value.strip(), token)
    if behind_proxy or any(name in request.headers for name in _FORWARDING_HEADERS):
        return False
    host = request.client.host if request.client else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


async def metrics_endpoint(request: Request) -> Response:
    settings = request.app.state.settings
    if not settings.metrics_enabled:
        return Response(status_code=404)
    if not scrape_allowed(
        request, settings.metrics_token, behind_proxy=bool(settings.trusted_proxies)
    ):
        return Response("forbidden\n", status_code=403, media_type="text/plain")
    await _refresh_scrape_values()
    return Response(
        _output(), media_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"}
    )


# ---- /ready --------------------------------------------------------------------------


_ready_clients: dict = {}


async def redis_problem(redis_url: str | None) -> str | None:
    """Why Redis does not answer PING within a second, or None (also when not configured)."""
    if not redis_url:
        return None
    import asyncio

    import redis.asyncio as redis

    # One small client per URL and event loop, reused: a flood of /ready probes shares at
    # most two connections instead of opening one each.
    key = (redis_url, id(asyncio.get_running_loop()))
    client = _ready_clients.get(key)
    if client is None:
        _ready_clients.clear()  # an old loop's client (tests) is unusable
        client = redis.from_url(
            redis_url, socket_connect_timeout=1, socket_timeout=1, max_connections=2
        )
        _ready_clients[key] = client
    try:
        await asyncio.wait_for(client.ping(), 1.0)
        return None
    except Exception as exc:  # refused, timed out, pool exhausted, auth: not ready
        return type(exc).__name__


async def ready_endpoint(request: Request) -> JSONResponse:
    """200 when the database and (if configured) Redis answer, else 503 with Retry-After."""
    from app import db

    settings = request.app.state.settings
    database = await db.health_problem(settings.database_url) is None
    redis_ok = await redis_problem(settings.redis_url) is None
    ok = database and redis_ok
    body: dict = {"status": "ready" if ok else "unavailable", "database": database}
    if settings.redis_url:
        body["redis"] = redis_ok
    return JSONResponse(
        body,
        status_code=200 if ok else 503,
        headers={"Cache-Control": "no-store"}
        | ({} if ok else {"Retry-After": str(settings.retry_after_seconds)}),
    )


# ---- tracing -------------------------------------------------------------------------

_tracer = None  # set by configure_tracing when tracing is on


def tracing_configured(env: dict | None = None) -> bool:
    env = os.environ if env is None else env
    exporter = (env.get("OTEL_TRACES_EXPORTER") or "").strip().lower()
    if exporter == "none" or (env.get("OTEL_SDK_DISABLED") or "").lower() == "true":
        return False
    return bool(
        exporter
        or env.get("OTEL_EXPORTER_OTLP_ENDPOINT")
        or env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    )


def configure_tracing(provider=None) -> None:
    """Turn tracing on: with `provider` (tests), else an OTLP/HTTP exporter when the
    standard OTEL_* variables ask for one. Otherwise nothing is imported or done."""
    global _tracer
    if provider is None:
        if not tracing_configured():
            return
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor

        provider = TracerProvider(
            resource=Resource.create(
                {"service.name": os.environ.get("OTEL_SERVICE_NAME", "loyalty-api")}
            )
        )
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    _tracer = provider.get_tracer("loyalty")
    _instrument_database()


def disable_tracing() -> None:
    global _tracer
    _tracer = None


_db_patched = False


def _instrument_database() -> None:
    """DB spans: wrap the Tortoise clients' execute methods once (a no-op call when tracing
    is off again)."""
    global _db_patched
    if _db_patched:
        return
    _db_patched = True
    from tortoise.backends.base.client import BaseDBAsyncClient

    clients = [BaseDBAsyncClient, *_subclasses(BaseDBAsyncClient)]
    for cls in clients:
        for name in ("execute_query", "execute_query_dict", "execute_insert", "execute_many"):
            original = cls.__dict__.get(name)
            if original is None:
                continue
            setattr(cls, name, _traced(original, name))


def _subclasses(cls: type) -> list[type]:
    import tortoise.backends.asyncpg.client
    import tortoise.backends.sqlite.client  # noqa: F401

    from app import postgres  # noqa: F401

    out = []
    for sub in cls.__subclasses__():
        out.append(sub)
        out.extend(_subclasses(sub))
    return out


def _traced(method, name: str):
    import functools

    @functools.wraps(method)
    async def wrapper(self, query, *args, **kwargs):
        tracer = _tracer
        if tracer is None:
            return await method(self, query, *args, **kwargs)
        statement = str(query).split(None, 1)[0].upper() if str(query).strip() else "SQL"
        with tracer.start_as_current_span(
            f"db {statement}",
            attributes={"db.system": _dialect(self), "db.operation": statement},
        ):
            return await method(self, query, *args, **kwargs)

    return wrapper


def _dialect(client) -> str:
    return (
        "postgresql"
        if "asyncpg" in type(client).__module__ or "postgres" in type(client).__module__
        else "sqlite"
    )


# ---- the GraphQL extension: metrics, span, log line -----------------------------------


def _principal(context) -> tuple[str, str | None]:
    known = getattr(context, "authenticated_principal", None)
    principal = known() if known is not None else None
    if principal is None:
        return ("anonymous", None)
    return (principal.kind, str(principal.subject))


class Observe(SchemaExtension):
    """Per operation: a span (when tracing is on) named `query Home`, the request and latency
    metrics, error codes, and one `operation` log line (JSON with LOG_FORMAT=json)."""

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        tracer = _tracer
        span_cm = None
        if tracer is not None:
            span_cm = tracer.start_as_current_span("graphql.operation")
            span = span_cm.__enter__()
        try:
            yield
        finally:
            ctx = self.execution_context
            duration = time.perf_counter() - started
            try:
                op_type = ctx.operation_type.value
            except Exception:  # not parsed: no type
                op_type = "unknown"
            label = operation_label(ctx.operation_name)
            result = ctx.result
            if result is not None:
                errors = list(getattr(result, "errors", None) or ())
            else:
                errors = list(ctx.pre_execution_errors or ())
            codes = [
                _code_label((getattr(e, "extensions", None) or {}).get("code")) for e in errors
            ]
            outcome = "error" if codes else "ok"
            REQUESTS.labels(label, op_type, outcome).inc()
            LATENCY.labels(label, op_type).observe(duration)
            for code in codes:
                ERRORS.labels(code).inc()
            kind, pid = _principal(ctx.context)
            if span_cm is not None:
                span.update_name(f"{op_type} {label}")
                span.set_attribute("graphql.operation.name", label)
                span.set_attribute("graphql.operation.type", op_type)
                if codes:
                    span.set_attribute("graphql.error.codes", codes)
                span_cm.__exit__(None, None, None)
            log.info(
                "operation %s %s %s in %.1f ms",
                op_type,
                label,
                outcome,
                duration * 1000,
                extra={
                    "operation": label,
                    "operation_type": op_type,
                    "principal_kind": kind,
                    "principal_id": pid,
                    "duration_ms": round(duration * 1000, 2),
                    "outcome": outcome,
                    "error_codes": codes,
                },
            )


# ---- JSON logs -----------------------------------------------------------------------

_EXTRA_KEYS = (
    "operation",
    "operation_type",
    "principal_kind",
    "principal_id",
    "duration_ms",
    "outcome",
    "error_codes",
)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, and the
    operation fields `Observe` attaches (never emails, names or variables)."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": current_request_id(),
        }
        for key in _EXTRA_KEYS:
            if hasattr(record, key):
                out[key] = getattr(record, key)
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out, default=str)


def configure_logging(log_format: str, level: str) -> None:
    """With LOG_FORMAT=json, every root handler writes JSON lines."""
    if log_format != "json":
        return
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=level)
    for handler in root.handlers:
        handler.setFormatter(JsonFormatter())
