"""A loopback stand-in for Google's OAuth token endpoint and the FCM HTTP v1 send endpoint,
answering with FCM's real success and error bodies. Run it as its own process:

    python -m tests.fake_fcm --port 0 --port-file PATH [--hold-after N]

Point a worker at it with FIREBASE_CREDENTIALS (a service account whose `token_uri` is
http://127.0.0.1:PORT/token) and FCM_ENDPOINT=http://127.0.0.1:PORT.

Tokens choose the answer: `unregistered-...` gets UNREGISTERED (404), `quota-...` gets
QUOTA_EXCEEDED (429, Retry-After: 1) the first time and success after. With --hold-after N,
requests after the N-th are received (FCM has them) but never answered, until POST /_release:
a worker killed then has requests in flight. GET /_stats reports what was received.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
from collections import Counter
from urllib.parse import parse_qs

ACCESS_TOKEN = "ya29.c.fake-fcm-access-token"


def fcm_error(http: int, status: str, code: str, message: str) -> dict:
    return {"error": {"code": http, "message": message, "status": status, "details": [
        {"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": code}]}}  # fmt: skip


class FakeFcm:
    def __init__(self, *, hold_after: int | None = None) -> None:
        self.hold_after = hold_after
        self.released = asyncio.Event()
        self.received = 0
        self.delivered: Counter[str] = Counter()  # token -> messages FCM accepted
        self.messages: list[dict] = []  # what was delivered: token, title, body, data
        self.quota_seen: set[str] = set()
        self.ids = itertools.count(1)
        self.keep_messages = True

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            event = await receive()
            body += event.get("body", b"")
            if not event.get("more_body"):
                break
        path, method = scope["path"], scope["method"]
        if path == "/token" and method == "POST":
            form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
            if form.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer":
                return await _json(send, 400, {"error": "unsupported_grant_type"})
            return await _json(send, 200, {"access_token": ACCESS_TOKEN, "expires_in": 3599,
                                           "token_type": "Bearer"})  # fmt: skip
        if path.endswith("/messages:send") and method == "POST":
            return await self._send(scope, body, send)
        if path == "/_stats":
            return await _json(send, 200, {"received": self.received,
                                           "delivered": dict(self.delivered),
                                           "messages": self.messages})  # fmt: skip
        if path == "/_release" and method == "POST":
            self.released.set()
            self.hold_after = None
            return await _json(send, 200, {})
        if path == "/_reset" and method == "POST":
            self.received, self.messages = 0, []
            self.delivered.clear()
            self.keep_messages = json.loads(body or b"{}").get("keep_messages", True)
            return await _json(send, 200, {})
        await _json(send, 404, {"error": "not found"})

    async def _send(self, scope, body: bytes, send) -> None:
        headers = dict(scope["headers"])
        if headers.get(b"authorization") != f"Bearer {ACCESS_TOKEN}".encode():
            return await _json(send, 401, fcm_error(401, "UNAUTHENTICATED", "THIRD_PARTY_AUTH_ERROR",
                                                    "Request had invalid authentication credentials."))  # fmt: skip
        message = json.loads(body)["message"]
        token = message["token"]
        self.received += 1
        if token.startswith("unregistered-"):
            return await _json(send, 404, fcm_error(404, "NOT_FOUND", "UNREGISTERED",
                                                    "Requested entity was not found."))  # fmt: skip
        if token.startswith("quota-") and token not in self.quota_seen:
            self.quota_seen.add(token)
            return await _json(send, 429, fcm_error(429, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED",
                                                    "Quota exceeded for this device."),
                               extra=[(b"retry-after", b"1")])  # fmt: skip
        # From here on FCM has the message: it reaches the device whether or not we answer.
        self.delivered[token] += 1
        if self.keep_messages:
            self.messages.append({"token": token, "title": message["notification"]["title"],
                                  "body": message["notification"]["body"],
                                  "data": message.get("data", {})})  # fmt: skip
        if self.hold_after is not None and self.received > self.hold_after:
            await self.released.wait()
        project = scope["path"].split("/")[3]
        await _json(send, 200, {"name": f"projects/{project}/messages/0:{next(self.ids)}"})


async def _json(send, status: int, payload: dict, extra: list | None = None) -> None:
    data = json.dumps(payload).encode()
    headers = [(b"content-type", b"application/json; charset=UTF-8"),
               (b"content-length", str(len(data)).encode()), *(extra or [])]  # fmt: skip
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


def service_account(port: int, project: str = "loyalty-fake") -> dict:
    """A service account (with a fresh RSA key) whose token_uri is this fake."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()  # fmt: skip
    return {"type": "service_account", "project_id": project, "private_key_id": "fake-1",
            "private_key": pem, "client_email": f"push@{project}.iam.gserviceaccount.com",
            "client_id": "1", "token_uri": f"http://127.0.0.1:{port}/token"}  # fmt: skip


def start(scratch: str, *, hold_after: int | None = None):
    """Run the fake in its own process; returns (process, base URL) once it answers."""
    import subprocess
    import sys
    import time
    from pathlib import Path

    import httpx

    port_file = Path(scratch) / "fcm.port"
    command = [sys.executable, "-m", "tests.fake_fcm", "--port", "0", "--port-file", str(port_file)]
    if hold_after is not None:
        command += ["--hold-after", str(hold_after)]
    fake = subprocess.Popen(command, cwd=Path(__file__).resolve().parents[1])
    deadline = time.monotonic() + 20
    while True:  # listening once it answers
        if time.monotonic() > deadline or fake.poll() is not None:
            fake.kill()
            raise RuntimeError("the fake FCM did not start")
        port = port_file.read_text().strip() if port_file.exists() else ""
        if port:
            try:
                httpx.get(f"http://127.0.0.1:{port}/_stats", timeout=1)
                return fake, f"http://127.0.0.1:{port}"
            except httpx.HTTPError:
                pass
        time.sleep(0.05)


def main() -> None:
    import socket

    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--port-file", help="write the bound port here once listening")
    parser.add_argument("--hold-after", type=int, default=None)
    args = parser.parse_args()
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", args.port))
    if args.port_file:
        with open(args.port_file, "w") as f:
            f.write(str(sock.getsockname()[1]))
    config = uvicorn.Config(FakeFcm(hold_after=args.hold_after), log_level="warning",
                            access_log=False, loop="uvloop", http="httptools",
                            backlog=4096, timeout_keep_alive=60)  # fmt: skip
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    main()
