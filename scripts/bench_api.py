"""`scripts/bench api`: an authenticated `me` query against the ceiling of a plain Starlette
JSON endpoint served by the same uvicorn worker, measured in the same run.

- A scratch PostgreSQL database (`loyalty_bench_<random>`) is created, migrated with
  `app.schema_history.apply_migrations` and dropped at the end, even on failure.
- ONE uvicorn worker (subprocess) serves `create_app(Settings.from_env())` with a plain
  `GET /ceiling` route appended to it, so both targets run in the same process.
- One member signs up through the GraphQL API; its access token authenticates `me`.
- The load comes from this process: N keep-alive HTTP/1.1 connections for a fixed time per
  target, the two targets alternating in rounds after a warm-up. `--client raw` (default)
  writes pre-built requests on asyncio sockets (uvloop when installed); `--client httpx` uses
  httpx.AsyncClient, whose own CPU cost caps it near 1,200 req/s here, far below the ceiling,
  so it understates the ceiling and overstates the ratio. On a 2-core machine the load
  generator shares the CPU with the server, which lowers both figures.

Environment: BENCH_DATABASE_URL (server part, default postgres://postgres@127.0.0.1:5432),
BENCH_DATABASE_PARAMS (appended to the database URL, e.g. `?maxsize=10`).
Exit status: 0 whether the target passes or not; 1 if any request failed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
PG = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
EMAIL = "bench@example.com"
ME = json.dumps({"query": "{ me { id email displayName locale } }"}).encode()
CEILING = {"id": "TWVtYmVyOjE=", "email": EMAIL, "displayName": "Bench", "locale": "en"}
SIGN_UP = (
    "mutation($i: SignUpInput!) { signUp(input: $i) { __typename "
    "... on AuthSession { accessToken } } }"
)


# ---- the server process -----------------------------------------------------------------


def server_app():
    """uvicorn factory (`bench_api:server_app`): the real app plus /ceiling, one process."""
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from app.main import create_app
    from app.settings import Settings

    async def ceiling(request: Request) -> JSONResponse:
        return JSONResponse(CEILING)

    app = create_app(Settings.from_env())
    app.router.routes.append(Route("/ceiling", ceiling, methods=["GET"]))
    return app


def start_server(
    port: int, env: dict[str, str], factory: str = "bench_api:server_app"
) -> subprocess.Popen:
    """One single-worker uvicorn serving `factory` (module:function in scripts/)."""
    # Choose the uvicorn protocol implementation that is installed (httptools, else h11).
    try:
        import httptools  # noqa: F401

        http = "httptools"
    except ImportError:
        http = "h11"
    command = [
        sys.executable, "-m", "uvicorn", "--factory", factory,
        "--app-dir", str(ROOT / "scripts"), "--host", HOST, "--port", str(port),
        "--workers", "1", "--loop", "auto", "--http", http,
        "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    return subprocess.Popen(command, env=env, cwd=ROOT)


# ---- database -----------------------------------------------------------------------------


def load_runner() -> Callable:
    """uvloop's run when installed (as uvicorn uses it), else asyncio's."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run
    return uvloop.run


def create_scratch_database(prefix: str = "loyalty_bench") -> tuple[str, str]:
    """A fresh database for one run: (name, URL). Drop it with `drop_scratch_database`."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    return name, f"{PG}/{name}"


def drop_scratch_database(name: str) -> None:
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG.replace("postgres://", "postgresql://", 1) + "/postgres")
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


# ---- load generation ----------------------------------------------------------------------


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    elapsed: float = 0.0
    first_error: str | None = None

    def fail(self, what: object) -> None:
        self.errors += 1
        if self.first_error is None:
            self.first_error = str(what)[:300]

    def merge(self, other: Tally) -> None:
        self.latencies += other.latencies
        self.errors += other.errors
        self.elapsed += other.elapsed
        self.first_error = self.first_error or other.first_error


def _check(target: str, status: int, body: bytes) -> str | None:
    """None when the response is right, else why not."""
    if status != 200:
        return f"HTTP {status}: {body[:200]!r}"
    try:
        data = json.loads(body)
        email = data["data"]["me"]["email"] if target == "me" else data["email"]
    except (ValueError, KeyError, TypeError):
        return f"unexpected body: {body[:200]!r}"
    return None if email == EMAIL else f"wrong email {email!r}"


def http_request(method: str, path: str, headers: dict[str, str], body: bytes | None) -> bytes:
    """One HTTP/1.1 request as bytes (keep-alive is HTTP/1.1's default)."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    if body is not None:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + (body or b"")


@dataclass(frozen=True)
class Target:
    name: str
    method: str
    path: str
    body: bytes | None
    headers: dict[str, str]


class HttpxLoad:
    """httpx.AsyncClient, HTTP/1.1 keep-alive, a pool sized to the concurrency."""

    def __init__(self, port: int, concurrency: int):
        import httpx

        # One single-connection client per worker: one shared pool of N connections costs
        # httpcore far more per request (measured here: ~400 req/s shared vs ~1,200).
        self.clients = [
            httpx.AsyncClient(
                base_url=f"http://{HOST}:{port}",
                limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
                timeout=httpx.Timeout(10.0),
            )
            for _ in range(concurrency)
        ]
        self.free = list(self.clients)

    async def worker(self, target: Target, deadline: float, tally: Tally) -> None:
        client = self.free.pop()
        try:
            await self._loop(client, target, deadline, tally)
        finally:
            self.free.append(client)

    async def _loop(self, client, target: Target, deadline: float, tally: Tally) -> None:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                r = await client.request(
                    target.method, target.path, content=target.body, headers=target.headers
                )
                body = r.content
            except Exception as exc:  # any transport error counts as a failed request
                tally.fail(repr(exc))
                await asyncio.sleep(0.01)
                continue
            tally.latencies.append(time.perf_counter() - started)
            problem = _check(target.name, r.status_code, body)
            if problem:
                tally.fail(problem)

    async def close(self) -> None:
        for client in self.clients:
            await client.aclose()


class RawLoad:
    """Pre-built HTTP/1.1 requests written on asyncio sockets, one connection per worker."""

    def __init__(self, port: int | list[int], concurrency: int):
        # Several ports: connections are spread round-robin, as a load balancer would.
        self._ports = itertools.cycle([port] if isinstance(port, int) else port)

    @staticmethod
    def _bytes(target: Target) -> bytes:
        return http_request(target.method, target.path, target.headers, target.body)

    async def worker(self, target: Target, deadline: float, tally: Tally) -> None:
        request = self._bytes(target)
        await self.exchange(
            lambda: request, lambda status, body: _check(target.name, status, body), deadline, tally
        )

    async def exchange(
        self,
        next_request: Callable[[], bytes],
        check: Callable[[int, bytes], str | None],
        deadline: float,
        tally: Tally,
    ) -> None:
        """One connection: send `next_request()`, read the answer, `check(status, body)`
        (None when right, else why not), until the deadline."""
        while time.perf_counter() < deadline:  # reconnects after a broken connection
            try:
                reader, writer = await asyncio.open_connection(HOST, next(self._ports))
            except OSError as exc:
                tally.fail(repr(exc))
                await asyncio.sleep(0.01)
                continue
            try:
                while time.perf_counter() < deadline:
                    started = time.perf_counter()
                    writer.write(next_request())
                    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
                    lines = head.split(b"\r\n")
                    status = int(lines[0].split()[1])
                    length = next(
                        (
                            int(h.split(b":")[1])
                            for h in lines
                            if h.lower().startswith(b"content-length:")
                        ),
                        None,
                    )
                    if length is None:
                        tally.fail(f"no content-length: {head[:200]!r}")
                        break
                    body = await asyncio.wait_for(reader.readexactly(length), 10)
                    tally.latencies.append(time.perf_counter() - started)
                    problem = check(status, body)
                    if problem:
                        tally.fail(problem)
            except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError) as exc:
                tally.fail(repr(exc))
            finally:
                writer.close()
                with contextlib.suppress(OSError):
                    await writer.wait_closed()

    async def close(self) -> None:
        return None


async def _measure(load, target: Target, seconds: float, concurrency: int) -> Tally:
    tally = Tally()
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(*(load.worker(target, deadline, tally) for _ in range(concurrency)))
    tally.elapsed = time.perf_counter() - started
    return tally


async def run_load(
    port: int, token: str, *, client: str, seconds: float, warmup: float, rounds: int,
    concurrency: int,
) -> dict[str, Tally]:  # fmt: skip
    targets = [
        Target("ceiling", "GET", "/ceiling", None, {}),
        Target(
            "me",
            "POST",
            "/graphql",
            ME,
            {"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        ),
    ]
    load = (HttpxLoad if client == "httpx" else RawLoad)(port, concurrency)
    results = {t.name: Tally() for t in targets}
    try:
        for t in targets:  # warm-up: connections, caches, the database pool; not counted
            await _measure(load, t, warmup / len(targets), concurrency)
        for i in range(rounds):  # alternate, starting with a different target each round
            for t in targets if i % 2 == 0 else targets[::-1]:
                results[t.name].merge(await _measure(load, t, seconds / rounds, concurrency))
    finally:
        await load.close()
    return results


# ---- orchestration ------------------------------------------------------------------------


def _get(port: int, path: str) -> tuple[int, bytes]:
    import httpx

    r = httpx.get(f"http://{HOST}:{port}{path}", timeout=5)
    return r.status_code, r.content


def wait_for_health(server: subprocess.Popen, port: int, limit: float = 30.0) -> None:
    deadline = time.monotonic() + limit
    last = "no answer"
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with status {server.returncode}")
        try:
            status, body = _get(port, "/health")
            if status == 200:
                return
            last = f"HTTP {status} {body[:200]!r}"
        except Exception as exc:  # not listening yet
            last = repr(exc)
        time.sleep(0.1)
    raise RuntimeError(f"/health did not answer 200 within {limit:g} s ({last})")


def sign_up(port: int) -> str:
    import httpx

    payload = {
        "query": SIGN_UP,
        "variables": {
            "i": {"email": EMAIL, "password": "bench-password-123", "displayName": "Bench"}
        },
    }
    r = httpx.post(f"http://{HOST}:{port}/graphql", json=payload, timeout=30)
    result = r.json().get("data") or {}
    session = result.get("signUp") or {}
    if r.status_code != 200 or "accessToken" not in session:
        raise RuntimeError(f"signUp failed: HTTP {r.status_code} {r.text[:300]}")
    return session["accessToken"]


def stop(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    server.terminate()
    try:
        server.wait(15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(5)


def _pct(sorted_ms: list[float], q: float) -> float:
    if not sorted_ms:
        return float("nan")
    return sorted_ms[min(len(sorted_ms) - 1, int(q * len(sorted_ms)))]


def report(results: dict[str, Tally], args: argparse.Namespace) -> int:
    print(
        f"scripts/bench api: 1 uvicorn worker, PostgreSQL, client={args.client}, "
        f"{args.concurrency} keep-alive connections, {args.seconds:g} s per target in "
        f"{args.rounds} alternating rounds after {args.warmup:g} s warm-up"
    )
    print(
        f"note: the load generator runs on the same {os.cpu_count()} cores as the server; "
        "both figures are lowered by its CPU use"
    )
    labels = {
        "ceiling": "ceiling  GET /ceiling (plain Starlette JSON, same worker)",
        "me": "me       POST /graphql { me { id email displayName locale } }",
    }
    rps = {}
    for name in ("ceiling", "me"):
        t = results[name]
        ms = sorted(x * 1000 for x in t.latencies)
        rps[name] = len(ms) / t.elapsed if t.elapsed else 0.0
        print(
            f"{labels[name]}\n  requests={len(ms)} errors={t.errors} req/s={rps[name]:.0f} "
            f"p50={_pct(ms, 0.50):.2f} ms p99={_pct(ms, 0.99):.2f} ms"
        )
        if t.first_error:
            print(f"  first error: {t.first_error}")
    ratio = rps["me"] / rps["ceiling"] if rps["ceiling"] else 0.0
    print(f"ratio me/ceiling: {ratio * 100:.1f}%")
    print(f"target: >= 12% of ceiling: {'PASS' if ratio >= 0.12 else 'FAIL'}")
    return 1 if any(t.errors for t in results.values()) else 0


def main() -> int:
    parser = argparse.ArgumentParser(prog="scripts/bench api", description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="per target (default 10)")
    parser.add_argument("--concurrency", type=int, default=32, help="connections (default 32)")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds, not counted (2)")
    parser.add_argument("--rounds", type=int, default=2, help="alternations per target (2)")
    parser.add_argument(
        "--client", choices=["raw", "httpx"], default="raw", help="load generator (raw)"
    )
    args = parser.parse_args()
    if not (0 < args.seconds <= 600 and 1 <= args.concurrency <= 1024 and 1 <= args.rounds <= 20):
        parser.error("need 0 < --seconds <= 600, 1 <= --concurrency <= 1024, 1 <= --rounds <= 20")
    args.warmup = max(0.0, min(args.warmup, 60.0))

    from app.schema_history import apply_migrations
    from app.settings import Settings

    name, url = create_scratch_database()
    url += os.environ.get("BENCH_DATABASE_PARAMS", "")
    env = {**os.environ, "DATABASE_URL": url, "LOYALTY_ENV": "test", "LOG_LEVEL": "WARNING"}
    server = None
    try:
        asyncio.run(apply_migrations(Settings.from_env(env)))
        port = _free_port()
        server = start_server(port, env)
        wait_for_health(server, port)
        token = sign_up(port)
        runner = load_runner()
        results = runner(
            run_load(
                port,
                token,
                client=args.client,
                seconds=args.seconds,
                warmup=args.warmup,
                rounds=args.rounds,
                concurrency=args.concurrency,
            )
        )
        if server.poll() is not None:
            raise RuntimeError(f"the server exited during the run ({server.returncode})")
    finally:
        try:
            if server is not None:
                stop(server)
        finally:
            drop_scratch_database(name)
    return report(results, args)


if __name__ == "__main__":
    sys.exit(main())
