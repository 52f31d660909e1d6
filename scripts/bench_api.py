"""`scripts/bench api`: an authenticated `me` query against the ceiling of a plain Starlette
JSON endpoint served by the same uvicorn worker, measured in the same run.

One uvicorn worker serves the app on PostgreSQL (a scratch database, dropped afterwards).
The load comes from a separate process speaking raw HTTP/1.1 keep-alive over asyncio
sockets, so the client costs far less than the server; on a 2-core machine they still
share the CPU, which lowers both figures alike.
"""

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432")
ME = json.dumps({"query": "{ me { id email displayName locale } }"}).encode()


def serve(port: int) -> None:
    """The server process: the real app plus the ceiling route in the same worker."""
    import uvicorn
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from app.main import create_app
    from app.settings import Settings

    async def ceiling(request: Request) -> JSONResponse:
        return JSONResponse(
            {
                "id": "TWVtYmVyOjE=",
                "email": "bench@example.com",
                "displayName": "Bench",
                "locale": "en",
            }
        )

    app = create_app(Settings.from_env())
    app.router.routes.append(Route("/ceiling", ceiling))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


async def _admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG.replace("postgres://", "postgresql://", 1) + "/postgres")
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _request(port: int, path: str, body: bytes | None = None, token: str | None = None) -> bytes:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, headers=headers)
    with urllib.request.urlopen(req, timeout=10) as response:
        return response.read()


def _raw(path: str, body: bytes | None, token: str | None) -> bytes:
    method = "POST" if body else "GET"
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    if token:
        lines.append(f"Authorization: Bearer {token}")
    if body:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + (body or b"")


async def _worker(port, request, deadline, latencies, failures, check):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            payload = await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            if not head.startswith(b"HTTP/1.1 200") or check not in payload:
                failures.append(payload[:200])
    finally:
        writer.close()


async def _measure(port, request, seconds, concurrency, check) -> dict:
    latencies: list[float] = []
    failures: list[bytes] = []
    deadline = time.perf_counter() + seconds
    started = time.perf_counter()
    await asyncio.gather(
        *(_worker(port, request, deadline, latencies, failures, check) for _ in range(concurrency))
    )
    elapsed = time.perf_counter() - started
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    return {
        "requests": len(latencies),
        "errors": len(failures),
        "rps": len(latencies) / elapsed,
        "p50": pick(0.50),
        "p99": pick(0.99),
        "sample_error": failures[0] if failures else None,
    }


def load(port: int, token: str, seconds: float, concurrency: int) -> None:
    """The load process: warm up, then ceiling and `me` in turn; prints JSON results."""
    me = _raw("/graphql", ME, token)
    ceiling = _raw("/ceiling", None, None)

    async def run():
        await _measure(port, ceiling, 1, concurrency, b"bench@example.com")
        await _measure(port, me, 2, concurrency, b'"email"')
        results = {"ceiling": [], "me": []}
        for _ in range(2):
            results["ceiling"].append(
                await _measure(port, ceiling, seconds / 2, concurrency, b"bench@")
            )
            results["me"].append(await _measure(port, me, seconds / 2, concurrency, b'"email"'))
        return results

    print(json.dumps(asyncio.run(run()), default=lambda b: b.decode(errors="replace")))


def _combine(runs: list[dict]) -> dict:
    requests = sum(r["requests"] for r in runs)
    return {
        "requests": requests,
        "errors": sum(r["errors"] for r in runs),
        "rps": sum(r["rps"] for r in runs) / len(runs),
        "p50": max(r["p50"] for r in runs),
        "p99": max(r["p99"] for r in runs),
        "sample_error": next((r["sample_error"] for r in runs if r["sample_error"]), None),
    }


def main() -> int:
    parser = argparse.ArgumentParser(prog="scripts/bench api")
    parser.add_argument("--seconds", type=float, default=10.0, help="per target (default 10)")
    parser.add_argument("--concurrency", type=int, default=32, help="connections (default 32)")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--load", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return 0
    if args.load:
        load(int(args.load[0]), args.load[1], args.seconds, args.concurrency)
        return 0

    name = f"loyalty_bench_{uuid.uuid4().hex[:10]}"
    url = f"{PG}/{name}{os.environ.get('BENCH_DATABASE_PARAMS', '')}"
    env = {**os.environ, "DATABASE_URL": url, "LOYALTY_ENV": "test", "LOG_LEVEL": "WARNING"}
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    server = None
    try:
        subprocess.run(
            [sys.executable, "-m", "app.cli", "migrate"],
            env=env,
            check=True,
            cwd=ROOT,
            capture_output=True,
        )
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(port)], env=env, cwd=ROOT
        )
        for _ in range(100):
            try:
                _request(port, "/health")
                break
            except OSError:
                time.sleep(0.1)
        signup = json.dumps(
            {
                "query": "mutation($i: SignUpInput!) { signUp(input: $i) { ... on AuthSession { accessToken } } }",
                "variables": {
                    "i": {
                        "email": "bench@example.com",
                        "password": "bench-password-123",
                        "displayName": "Bench",
                    }
                },
            }
        ).encode()
        token = json.loads(_request(port, "/graphql", signup))["data"]["signUp"]["accessToken"]
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--load",
                str(port),
                token,
                "--seconds",
                str(args.seconds),
                "--concurrency",
                str(args.concurrency),
            ],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        results = {k: _combine(v) for k, v in json.loads(out.stdout).items()}
    finally:
        if server:
            server.terminate()
            server.wait(10)
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    print(
        f"scripts/bench api: 1 uvicorn worker, PostgreSQL, {args.concurrency} keep-alive "
        f"connections, {args.seconds:g} s per target ({os.cpu_count()} cores shared with the load)"
    )
    for label, key in (
        ("ceiling  GET /ceiling (plain Starlette JSON)", "ceiling"),
        ("me       POST /graphql { me { id email displayName locale } }", "me"),
    ):
        r = results[key]
        print(
            f"{label}\n  requests={r['requests']} errors={r['errors']} "
            f"req/s={r['rps']:.0f} p50={r['p50']:.2f} ms p99={r['p99']:.2f} ms"
        )
        if r["sample_error"]:
            print(f"  first error: {r['sample_error']}")
    ratio = results["me"]["rps"] / results["ceiling"]["rps"]
    print(f"ratio me/ceiling: {ratio:.1%}")
    print(f"target: >= 10% of ceiling: {'PASS' if ratio >= 0.10 else 'FAIL'}")
    return 1 if results["me"]["errors"] or results["ceiling"]["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
