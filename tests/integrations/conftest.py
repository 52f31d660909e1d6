"""A real webhook receiver on loopback, a clock the job queue runs on, and a resolver that
answers for test host names (no test depends on outside DNS)."""

import asyncio
import datetime as dt
import socket
from dataclasses import dataclass, field

import pytest
import uvicorn

from app import jobs
from app.integrations.models import DeliveryStatus, WebhookDelivery
from app.settings import configure

PUBLIC_ADDRESS = "93.184.215.14"  # what *.example.com resolves to here


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    status: int


@dataclass
class Receiver:
    """Answers 500 to the first `fail_first` requests (or to all while `failing`), then 204."""

    url: str = ""
    fail_first: int = 0
    failing: bool = False
    requests: list[Received] = field(default_factory=list)

    @property
    def accepted(self) -> list[Received]:
        return [r for r in self.requests if r.status < 300]

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        fail = self.failing or len(self.requests) < self.fail_first
        status = 500 if fail else 204
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        self.requests.append(Received(headers, body, status))
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})


@pytest.fixture
async def receiver():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = Receiver(url=f"http://127.0.0.1:{port}/hooks")
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off",
                                           log_level="warning"))  # fmt: skip
    task = asyncio.create_task(server.serve())
    for _ in range(200):
        if server.started:
            break
        await asyncio.sleep(0.02)
    try:
        yield app
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)


@pytest.fixture
def clock():
    """The app's clock (app.clock), stopped and moved by the test: `clock.advance(seconds)`."""
    from app import clock as app_clock

    class Clock:
        at = app_clock.freeze()

        def __call__(self) -> dt.datetime:
            return app_clock.now()

        def advance(self, seconds: float) -> None:
            self.at = app_clock.advance(seconds)

    yield Clock()
    app_clock.unfreeze()


@pytest.fixture
def run_worker(clock):
    """Run due jobs, moving the clock an hour on whenever nothing is due, until no delivery
    is pending (or `rounds` run out); returns the rounds it took."""

    async def run(rounds: int = 60) -> int:
        for n in range(rounds):
            await jobs.drain()
            if not await WebhookDelivery.filter(status=DeliveryStatus.PENDING).exists():
                return n
            clock.advance(3600)
        return rounds

    return run


@pytest.fixture(autouse=True)
def dns(monkeypatch):
    """The system resolver, as webhooks (and httpx) see it: names in `dns.answers` resolve
    to the addresses given (change them mid-test to simulate DNS rebinding), `*.example.com`
    to a public address, `*.invalid` to nothing, anything else as usual."""
    real = socket.getaddrinfo

    class Resolver:
        answers: dict[str, list[str]] = {}

        def __call__(self, host, port, family=0, type=0, proto=0, flags=0):
            name = host.decode() if isinstance(host, bytes) else host
            name = (name or "").rstrip(".").lower()
            addresses = self.answers.get(name)
            if addresses is None and (name == "example.com" or name.endswith(".example.com")):
                addresses = [PUBLIC_ADDRESS]
            if addresses is None and name.endswith(".invalid"):
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
            if addresses is None:
                return real(host, port, family, type, proto, flags)
            out = []
            for address in addresses:
                v6 = ":" in address
                out.append(
                    (
                        socket.AF_INET6 if v6 else socket.AF_INET,
                        socket.SOCK_STREAM,
                        socket.IPPROTO_TCP,
                        "",
                        (address, int(port or 0), 0, 0) if v6 else (address, int(port or 0)),
                    )
                )
            return out

    resolver = Resolver()
    resolver.answers = {}
    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    return resolver


@pytest.fixture
def allow_loopback(client, settings, settings_with):
    """WEBHOOK_ALLOWED_NETWORKS=127.0.0.0/8 for this test: endpoints may use the loopback
    receiver (without it, loopback is refused like any internal address)."""
    configure(settings_with(webhook_allowed_networks=("127.0.0.0/8",)))
    yield
    configure(settings)
