"""Strawberry on Starlette: HTTP (GET queries, POST) and graphql-transport-ws.

What reaches strawberry is checked here first: the body is counted while it streams in (413
past MAX_BODY_BYTES, whatever Content-Length says), a GET query string is at most
MAX_QUERY_STRING_BYTES (414), a POST must be `application/json` (415) holding one JSON object
in UTF-8, nested at most MAX_JSON_DEPTH deep, whose `query`/`operationName` are strings and
`variables`/`extensions` objects (400). Every refusal is GraphQL-shaped with `extensions.code`
BAD_REQUEST and the request id.

The WebSocket (graphql-transport-ws) holds the same limits: a frame is at most MAX_BODY_BYTES
(closed 1009; `loyalty serve` also sets uvicorn's ws_max_size to it, so a larger frame is never
assembled), one JSON object nested at most MAX_JSON_DEPTH deep, a `subscribe` carries a string
`id` and a payload like a POST body; anything else closes the socket with 4400 and the reason.
At most MAX_OPERATIONS_PER_SOCKET operations run at once per socket: one more `subscribe` is
answered with an `error` message for its id (code TOO_MANY_OPERATIONS), the others go on.

Status codes of executed operations: 200, except 503 + Retry-After when an error is
SERVICE_UNAVAILABLE (the database is gone; `extensions.outcome` says whether anything was
committed) and 504 when the execution budget
(GRAPHQL_TIMEOUT_MS) ran out (code TIMEOUT).
"""

import json
from collections.abc import AsyncGenerator
from typing import Any

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import ASGIWebSocketAdapter, GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.parse_content_type import parse_content_type
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)

from app.errors import Unauthenticated
from app.graphql.context import Context, bearer_token
from app.graphql.errors import quiet_strawberry
from app.graphql.schema import build_schema
from app.i18n import pick_locale
from app.requests import BodyTooLarge, current_request_id, limit_body
from app.settings import Settings

# A GET carries the document in its URL: longer ones belong in a POST body.
MAX_QUERY_STRING_BYTES = 16 * 1024
# JSON nesting (objects and arrays) a request may have; inputs of this schema need under 10.
MAX_JSON_DEPTH = 32
# Operations (subscriptions, and queries or mutations sent over the socket) one WebSocket
# runs at once; each subscription holds two Redis/bus listeners and a task.
MAX_OPERATIONS_PER_SOCKET = 20
_STATUS_CODES = {400: "BAD_REQUEST", 413: "BAD_REQUEST", 414: "BAD_REQUEST", 415: "BAD_REQUEST"}


def graphql_error_response(status: int, message: str, code: str) -> JSONResponse:
    """A GraphQL-shaped error body for requests that never reached execution."""
    return JSONResponse(
        {
            "errors": [
                {
                    "message": message,
                    "extensions": {"code": code, "requestId": current_request_id()},
                }
            ]
        },
        status_code=status,
    )


def body_too_large() -> JSONResponse:
    """A 413 GraphQL error response that closes the connection."""
    response = graphql_error_response(413, "Request body too large.", "BAD_REQUEST")
    response.headers["Connection"] = "close"  # the rest of the body is never read
    return response


def _decode_json(raw: str | bytes, *, what: str) -> object:
    """JSON from UTF-8 text, refusing depth past MAX_JSON_DEPTH (Python's own parser would
    raise RecursionError on 10,000 `[`)."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise HTTPException(400, f"{what} is not valid UTF-8.") from None
    try:
        value = json.loads(raw)
    except RecursionError:
        raise HTTPException(400, f"{what} is nested too deeply.") from None
    except ValueError:
        raise HTTPException(400, f"{what} is not valid JSON.") from None
    if _depth_exceeds(value, MAX_JSON_DEPTH):
        raise HTTPException(400, f"{what} is nested too deeply.")
    return value


def _depth_exceeds(value: object, limit: int) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def _request_data(data: object) -> GraphQLRequestData:
    if not isinstance(data, dict):
        raise HTTPException(
            400, "The request must be one JSON object with a `query` (batches are not accepted)."
        )
    for key, kinds in (
        ("query", str),
        ("operationName", str),
        ("variables", dict),
        ("extensions", dict),
    ):
        if data.get(key) is not None and not isinstance(data[key], kinds):
            kind = "a string" if kinds is str else "an object"
            raise HTTPException(400, f"`{key}` must be {kind} or null.")
    return GraphQLRequestData(
        query=data.get("query"),
        variables=data.get("variables"),
        operation_name=data.get("operationName"),
        extensions=data.get("extensions"),
        protocol="http",
    )


class _WebSocketAdapter(ASGIWebSocketAdapter):
    """Messages as strawberry reads them, but a frame the view's `decode_json` refuses
    (HTTPException) closes the socket with its reason: 1009 when too large, else 4400."""

    async def iter_json(
        self, *, ignore_parsing_errors: bool = False
    ) -> AsyncGenerator[object, None]:
        messages = super().iter_json(ignore_parsing_errors=ignore_parsing_errors)
        try:
            async for message in messages:
                yield message
        except HTTPException as exc:
            await self.close(1009 if exc.status_code == 413 else 4400, exc.reason)
        finally:
            await messages.aclose()


def _subscribe_problem(message: dict) -> str | None:
    """Why a `subscribe` message cannot run, or None (checked like a POST body)."""
    payload = message.get("payload")
    if not isinstance(payload, dict):
        return "`payload` must be an object."
    if not isinstance(payload.get("query"), str):
        return "`query` must be a string."
    try:
        _request_data(payload)
    except HTTPException as exc:
        return exc.reason
    return None


class _TransportWS(BaseGraphQLTransportWSHandler):
    """strawberry's graphql-transport-ws handler, refusing malformed messages with 4400
    (instead of an exception in the ASGI app) and answering one operation more than
    MAX_OPERATIONS_PER_SOCKET with an error message for its id."""

    async def handle_message(self, message: Any) -> None:
        if not isinstance(message, dict):
            await self.handle_invalid_message("WebSocket message must be a JSON object.")
            return
        kind = message.get("type")
        if kind in ("subscribe", "complete") and not isinstance(message.get("id"), str):
            await self.handle_invalid_message("`id` must be a string.")
            return
        if kind == "subscribe" and (problem := _subscribe_problem(message)):
            await self.handle_invalid_message(problem)
            return
        await super().handle_message(message)

    async def handle_subscribe(self, message: Any) -> None:
        if (
            self.connection_acknowledged
            and message["id"] not in self.operations
            and len(self.operations) >= MAX_OPERATIONS_PER_SOCKET
        ):
            error = {
                "message": (
                    f"At most {MAX_OPERATIONS_PER_SOCKET} operations run at once on one "
                    "WebSocket: complete one first."
                ),
                "extensions": {
                    "code": "TOO_MANY_OPERATIONS",
                    "limit": "operationsPerSocket",
                    "maximum": MAX_OPERATIONS_PER_SOCKET,
                    "requestId": getattr(self.context, "request_id", None),
                },
            }
            await self.send_message({"id": message["id"], "type": "error", "payload": [error]})
            return
        await super().handle_subscribe(message)


class LoyaltyGraphQL(GraphQL):
    websocket_adapter_class = _WebSocketAdapter  # type: ignore[assignment]
    graphql_transport_ws_handler_class = _TransportWS

    def __init__(self, settings: Settings):
        super().__init__(
            quiet_strawberry(build_schema(settings)),
            graphql_ide="graphiql" if settings.graphiql else None,
            allow_queries_via_get=True,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            max_subscriptions_per_connection=MAX_OPERATIONS_PER_SOCKET,
        )
        self.settings = settings

    def decode_json(self, data: str | bytes) -> object:
        """A WebSocket frame's JSON, with the HTTP body's limits: at most MAX_BODY_BYTES (413)
        and MAX_JSON_DEPTH deep (400); strawberry's own json.loads raised RecursionError."""
        limit = self.settings.max_body_bytes
        size = len(data)
        if isinstance(data, str) and limit // 4 < size <= limit:
            size = len(data.encode("utf-8", "surrogatepass"))
        if size > limit:
            raise HTTPException(413, f"The message is larger than {limit} bytes.")
        return _decode_json(data, what="The message")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        # Counted here too, so the view holds its limit wherever it is mounted.
        request = Request(scope, receive=limit_body(scope, receive, self.settings.max_body_bytes))
        length = request.headers.get("content-length")
        response: Response
        if length and length.isdigit() and int(length) > self.settings.max_body_bytes:
            response = body_too_large()
        elif len(scope.get("query_string", b"")) > MAX_QUERY_STRING_BYTES:
            response = graphql_error_response(
                414,
                "The query string is too long: send the operation in a POST body.",
                "BAD_REQUEST",
            )
        else:
            try:
                response = await self.run(request)
            except BodyTooLarge:
                # Counted while streaming (app.requests.BodyLimitMiddleware): the rest is
                # never read, and the connection is closed after this answer.
                response = body_too_large()
            except HTTPException as exc:
                code = _STATUS_CODES.get(exc.status_code, "HTTP_ERROR")
                response = graphql_error_response(exc.status_code, exc.reason, code)
        await response(scope, receive, send)

    async def parse_http_body(self, request: AsyncHTTPRequestAdapter) -> GraphQLRequestData:
        """One operation from the query string (GET) or a JSON object body (POST); anything
        else is an HTTPException (400 or 415) that __call__ answers GraphQL-shaped."""
        if request.method == "GET":
            params = request.query_params
            data: object = {key: params.get(key) for key in params}
            for key in ("variables", "extensions"):
                raw = data.get(key)  # type: ignore[union-attr]
                data[key] = _decode_json(raw, what=f"`{key}`") if raw else None  # type: ignore[index]
        else:
            content_type, _ = parse_content_type(request.content_type or "")
            if content_type != "application/json":
                raise HTTPException(
                    415, "Send the operation as a JSON object with Content-Type application/json."
                )
            data = _decode_json(await request.get_body(), what="The request body")
        return _request_data(data)

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        """The response, with 503 and Retry-After when the database is unavailable
        and 504 on a timeout."""
        response = super().create_response(response_data, sub_response)
        if isinstance(response_data, dict) and response_data.get("errors"):
            codes = {
                (error.get("extensions") or {}).get("code") for error in response_data["errors"]
            }
            if "SERVICE_UNAVAILABLE" in codes:
                # The database is unavailable; `outcome` says whether a retry is safe.
                response.status_code = 503
                response.headers["Retry-After"] = str(self.settings.retry_after_seconds)
            elif "TIMEOUT" in codes:
                response.status_code = 504
        return response

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        """The request's context: settings, request id, bearer token and locale."""
        return Context(
            request=request,
            response=response,
            settings=self.settings,
            request_id=current_request_id(),
            token=bearer_token(request.headers.get("authorization")),
            locale_hint=pick_locale(accept_language=request.headers.get("accept-language")),
        )

    async def on_ws_connect(self, context: Context) -> None:
        """Take the token from connection_init's `authorization` (or the upgrade header).

        A token that does not verify closes the socket with 4403; no token is allowed to
        connect, but every member subscription then answers UNAUTHENTICATED.
        """
        params = context.connection_params if isinstance(context.connection_params, dict) else {}
        raw = params.get("authorization") or params.get("Authorization")
        if isinstance(raw, str):
            context.use_token(bearer_token(raw) or raw.strip() or None)
        try:
            await context.principal()
        except Unauthenticated:
            raise ConnectionRejectionError() from None
        return None
