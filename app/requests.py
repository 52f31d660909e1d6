"""Request ids: taken from a sane `X-Request-ID` or made up, echoed back, and put on logs."""

import logging
import re
import uuid
from contextvars import ContextVar

from starlette.datastructures import MutableHeaders
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_request_id: ContextVar[str] = ContextVar("request_id", default="-")
_VALID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def current_request_id() -> str:
    """The id of the request being handled."""
    return _request_id.get()


class RequestIdMiddleware:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        incoming = ""
        for name, value in scope.get("headers", []):
            if name == b"x-request-id":
                incoming = value.decode("latin-1")
                break
        request_id = incoming if _VALID.match(incoming) else uuid.uuid4().hex
        token = _request_id.set(request_id)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["x-request-id"] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            _request_id.reset(token)


class BodyTooLarge(Exception):
    """The request body passed the limit while it streamed in; the rest is not read."""


def limit_body(scope: Scope, receive: Receive, max_bytes: int) -> Receive:
    """`receive` that raises BodyTooLarge once the body passes `max_bytes` (at once when
    Content-Length announces more), counting what actually arrives."""
    received = 0
    for name, value in scope.get("headers", []):
        if name == b"content-length" and value.isdigit() and int(value) > max_bytes:
            received = max_bytes + 1
            break

    async def counted() -> Message:
        nonlocal received
        if received > max_bytes:
            raise BodyTooLarge()
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > max_bytes:
                raise BodyTooLarge()
        return message

    return counted


class BodyLimitMiddleware:
    """Count every HTTP request body while it streams in, whatever Content-Length says.

    Past `max_bytes` (or on a Content-Length announcing more) `receive` raises BodyTooLarge,
    so no handler ever holds more than the limit. A handler may answer it its own way (the
    GraphQL view does); otherwise this answers 413 and closes the connection.
    """

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        counted = limit_body(scope, receive, self.max_bytes)
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge:
            if started:
                raise
            response = JSONResponse(
                {"error": "invalid_request", "error_description": "Request body too large."},
                status_code=413,
                headers={"Connection": "close"},
            )
            await response(scope, receive, send)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        """Add the current request id to the record."""
        record.request_id = current_request_id()
        return True


# Link tokens (`token=`, `/exports/<token>`), and the console's member search (`q=`, also
# inside a percent-encoded `next=`): personal data a log must not keep.
_SECRET_IN_PATH = re.compile(
    r"(?:(?<=[?&]token=)|(?<=/exports/)|(?<=[?&]q=)|(?<=%3[Ff]q%3[Dd])|(?<=%26q%3[Dd]))"
    r"(?:[^&\s/?#\"%]|%(?!26)[0-9A-Fa-f]{2})+"
)


class RedactTokens(logging.Filter):
    """Access-log lines name the request's path and query: the link tokens of mail
    (`?token=...`) and export downloads (`/exports/<token>`), and the console's member
    searches (`?q=...`), are replaced by `[redacted]` before any handler sees them."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact tokens in the record's arguments (uvicorn's access log passes the path
        with its query as one of them)."""
        if isinstance(record.args, tuple) and record.args:
            record.args = tuple(_SECRET_IN_PATH.sub("[redacted]", a) if isinstance(a, str) else a
                                for a in record.args)  # fmt: skip
        elif isinstance(record.msg, str):
            record.msg = _SECRET_IN_PATH.sub("[redacted]", record.msg)
        return True


def redact_access_log() -> None:
    """Install RedactTokens on uvicorn's access logger (idempotent; called at start-up, after
    uvicorn configured its loggers)."""
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactTokens) for f in access.filters):
        access.addFilter(RedactTokens())


def configure_logging(level: str) -> None:
    """Log to stderr at `level`, each line with the request id."""
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
