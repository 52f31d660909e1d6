"""A real webhook receiver on loopback, and a clock the job queue runs on."""

import asyncio
import datetime as dt
import socket
from dataclasses import dataclass, field

import pytest
import uvicorn

from app import jobs
from app.integrations.models import DeliveryStatus, WebhookDelivery


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
def clock(monkeypatch):
    """The job queue's (and webhooks') clock, moved by the test: `clock.advance(seconds)`."""

    class Clock:
        at = dt.datetime.now(dt.UTC)

        def __call__(self) -> dt.datetime:
            return self.at

        def advance(self, seconds: float) -> None:
            self.at += dt.timedelta(seconds=seconds)

    c = Clock()
    monkeypatch.setattr(jobs, "now", c)
    return c


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
