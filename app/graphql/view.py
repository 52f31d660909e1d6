"""Strawberry on Starlette: HTTP (GET queries, POST), graphql-transport-ws and legacy graphql-ws.

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
The legacy `graphql-ws` subprotocol (subscriptions-transport-ws: start/data/stop/ka) holds
exactly the same limits (_LegacyWS).

Status codes of executed operations: 200, except 503 + Retry-After when an error is
SERVICE_UNAVAILABLE (the database is gone; `extensions.outcome` says whether anything was
committed) and 504 when the execution budget
(GRAPHQL_TIMEOUT_MS) ran out (code TIMEOUT).

GraphQL over HTTP (the spec's draft): `Accept` picks the media type (`negotiate`, q-values
honoured). application/graphql-response+json answers an operation that never ran (parse,
validation, limits, variable coercion) with 400 and no `data`; application/json (also `*/*`
and no Accept) with 200 and `data: null`, as before; an Accept allowing neither is a 406
(GraphiQL's page excepted). Before execution `_check_operation` refuses several operations
without `operationName`, an unknown one, subscriptions (400: the WebSocket serves them) and
GET mutations (405, Allow: POST).
"""

import asyncio
import json
from collections.abc import AsyncGenerator
from contextvars import ContextVar
from json import JSONDecodeError
from typing import Any

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from graphql import GraphQLError, OperationDefinitionNode, OperationType
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState
from strawberry.asgi import ASGIWebSocketAdapter, GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.extensions.parser_cache import _get_parse_cache
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.exceptions import NonJsonMessageReceived, NonTextMessageReceived
from strawberry.http.parse_content_type import parse_content_type
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler
from strawberry.types import ExecutionResult
from strawberry.types.execution import PreExecutionError

from app.errors import Unauthenticated
from app.graphql import persisted
from app.graphql.context import Context, bearer_token
from app.graphql.errors import quiet_strawberry
from app.graphql.extensions import CACHE_SIZE
from app.graphql.loaders import Loaders
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
# The legacy graphql-ws protocol's `ka` message, so proxies keep an idle socket open.
KEEP_ALIVE_SECONDS = 15.0
_STATUS_CODES = {
    400: "BAD_REQUEST",
    405: "BAD_REQUEST",
    406: "BAD_REQUEST",
    413: "BAD_REQUEST",
    414: "BAD_REQUEST",
    415: "BAD_REQUEST",
}

# GraphQL over HTTP (https://graphql.github.io/graphql-over-http/draft/): the media type a
# client asks for with `Accept` decides how request errors are answered.
GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
LEGACY_JSON = "application/json"
# The media type the current HTTP request is answered with (set by LoyaltyGraphQL.__call__).
_MEDIA_TYPE: ContextVar[str] = ContextVar("graphql_media_type", default=LEGACY_JSON)
# Entries of an Accept header looked at; real clients send two or three.
MAX_ACCEPT_ENTRIES = 32
# Codes of errors the server, not the request, is answerable for.
_SERVER_CODES = frozenset({"INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE", "TIMEOUT", "BUSY"})
# strawberry's shared parse cache, the one app.graphql.extensions parses with: a document
# parsed here (with the same token limit) is a cache hit there.
_parse = _get_parse_cache(CACHE_SIZE)
# The persisted-operation lookup of the current HTTP request (set by parse_http_body).
_RESOLVED: ContextVar[persisted.Resolved | None] = ContextVar("graphql_persisted", default=None)


class _PersistedRefusal(HTTPException):
    """A persisted-operation refusal, answered with its own `code` (app.graphql.persisted)."""

    def __init__(self, error: persisted.PersistedError):
        super().__init__(error.status, error.message)
        self.code = error.code


class _MethodNotAllowed(HTTPException):
    """A 405, answered with `Allow: <allow>`."""

    def __init__(self, reason: str, *, allow: str):
        super().__init__(405, reason)
        self.allow = allow


def negotiate(accept: str | None) -> str | None:
    """The media type to answer an `Accept` header with: application/graphql-response+json
    when it is preferred and named (not only through `*/*` or `application/*`),
    application/json otherwise (also with no header), None when neither is acceptable (406).
    q-values count; the most specific range naming a type gives its q (RFC 9110 12.5.1)."""
    if accept is None or not accept.strip():
        return LEGACY_JSON
    found: dict[str, tuple[int, float]] = {}  # media type -> (specificity, q)
    for entry in accept.split(",", MAX_ACCEPT_ENTRIES)[:MAX_ACCEPT_ENTRIES]:
        kind, _, params = entry.partition(";")
        kind = kind.strip().lower()
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = 0.0
                if not 0.0 <= q <= 1.0:  # also NaN
                    q = 0.0
        for media in (GRAPHQL_RESPONSE_JSON, LEGACY_JSON):
            specificity = {media: 2, "application/*": 1, "*/*": 0}.get(kind, -1)
            if specificity > found.get(media, (-1, 0.0))[0]:
                found[media] = (specificity, q)
    new_kind, new_q = found.get(GRAPHQL_RESPONSE_JSON, (-1, 0.0))
    legacy_q = found.get(LEGACY_JSON, (-1, 0.0))[1]
    top = max(new_q, legacy_q)
    if top <= 0.0:
        return None
    if new_q == top and (new_kind == 2 or legacy_q < top):
        return GRAPHQL_RESPONSE_JSON
    return LEGACY_JSON


def _is_request_error(response_data: GraphQLHTTPResponse) -> bool:
    """Whether the operation never ran: no data and only errors without a path (parsing,
    validation, limits, variable coercion), none of them the server's fault."""
    found = response_data.get("errors") or []
    return (
        response_data.get("data") is None
        and bool(found)
        and all(isinstance(error, dict) and "path" not in error for error in found)
        and not any((error.get("extensions") or {}).get("code") in _SERVER_CODES for error in found)
    )


def _add_vary(response: Response, header: str) -> None:
    """Add `header` to the response's Vary, keeping what is there."""
    vary = response.headers.get("vary")
    if not vary:
        response.headers["Vary"] = header
    elif header.lower() not in {part.strip().lower() for part in vary.split(",")}:
        response.headers["Vary"] = f"{vary}, {header}"


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
        media_type=_MEDIA_TYPE.get(),
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
        # strawberry's loop, inlined rather than wrapped: one generator less per socket.
        try:
            while self.ws.application_state != WebSocketState.DISCONNECTED:
                try:
                    text = await self.ws.receive_text()
                    message = self.view.decode_json(text)
                except JSONDecodeError as e:
                    if not ignore_parsing_errors:
                        raise NonJsonMessageReceived from e
                    continue
                yield message
        except KeyError as e:
            raise NonTextMessageReceived from e
        except WebSocketDisconnect:
            pass
        except HTTPException as exc:
            await self.close(1009 if exc.status_code == 413 else 4400, exc.reason)


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

    async def handle_connection_init(self, message: Any) -> None:
        await super().handle_connection_init(message)
        # strawberry keeps the (cancelled) init-timeout task for the socket's lifetime.
        task = self.connection_init_timeout_task
        if task is not None and task.cancelled():
            self.connection_init_timeout_task = None
        elif task is not None:
            task.add_done_callback(self._forget_init_timeout)

    def _forget_init_timeout(self, task: asyncio.Task) -> None:
        if self.connection_init_timeout_task is task:
            self.connection_init_timeout_task = None

    async def handle_message(self, message: Any) -> None:
        if not isinstance(message, dict):
            await self.handle_invalid_message("WebSocket message must be a JSON object.")
            return
        kind = message.get("type")
        if kind in ("subscribe", "complete") and not isinstance(message.get("id"), str):
            await self.handle_invalid_message("`id` must be a string.")
            return
        if kind == "subscribe" and not await self._resolve_persisted(message):
            return
        if kind == "subscribe" and (problem := _subscribe_problem(message)):
            await self.handle_invalid_message(problem)
            return
        await super().handle_message(message)

    async def _resolve_persisted(self, message: dict) -> bool:
        """Fill a `subscribe` payload's `query` from its `documentId`/`id`/APQ hash
        (app.graphql.persisted); False when refused (an `error` message was sent)."""
        payload = message.get("payload")
        if not isinstance(payload, dict) or not self.connection_acknowledged:
            return True  # _subscribe_problem says why / strawberry closes with 4401
        try:
            resolved = await persisted.resolve(payload, self.view.settings)  # type: ignore[attr-defined]
            await persisted.allow_free(resolved, self.view.settings, self.context)  # type: ignore[attr-defined]
        except persisted.PersistedError as exc:
            error = {"message": exc.message, "extensions": {"code": exc.code}}
            await self.send_message({"id": message["id"], "type": "error", "payload": [error]})
            return False
        payload["query"] = resolved.query
        payload.pop("documentId", None)
        payload.pop("id", None)
        return True

    async def handle_subscribe(self, message: Any) -> None:
        if (
            self.connection_acknowledged
            and message["id"] not in self.operations
            and len(self.operations) >= MAX_OPERATIONS_PER_SOCKET
        ):
            error = _too_many_operations(self.context)
            await self.send_message({"id": message["id"], "type": "error", "payload": [error]})
            return
        await super().handle_subscribe(message)


def _too_many_operations(context: object) -> dict:
    return {
        "message": (
            f"At most {MAX_OPERATIONS_PER_SOCKET} operations run at once on one "
            "WebSocket: complete one first."
        ),
        "extensions": {
            "code": "TOO_MANY_OPERATIONS",
            "limit": "operationsPerSocket",
            "maximum": MAX_OPERATIONS_PER_SOCKET,
            "requestId": getattr(context, "request_id", None),
        },
    }


class _LegacyWS(BaseGraphQLWSHandler):
    """strawberry's legacy `graphql-ws` (subscriptions-transport-ws) handler, for Apollo iOS
    and Kotlin, with graphql-transport-ws's limits: a malformed message closes the socket
    with 4400 and the reason, a second connection_init with 4429, a rejected token with
    4403 (after `connection_error`), and one operation past MAX_OPERATIONS_PER_SOCKET is
    answered with an `error` (TOO_MANY_OPERATIONS) for its id."""

    async def handle_message(self, message: Any) -> None:
        if not isinstance(message, dict):
            await self.websocket.close(4400, "WebSocket message must be a JSON object.")
            return
        kind = message.get("type")
        if kind in ("start", "stop") and not isinstance(message.get("id"), str):
            await self.websocket.close(4400, "`id` must be a string.")
            return
        if kind == "start" and not await self._resolve_persisted(message):
            return
        if kind == "start" and (problem := _subscribe_problem(message)):
            await self.websocket.close(4400, problem)
            return
        await super().handle_message(message)

    async def _resolve_persisted(self, message: dict) -> bool:
        """As _TransportWS's: a `start` names its document by query, `documentId`/`id` or
        APQ hash, and TRUSTED_DOCUMENTS=only refuses the unregistered ones here too."""
        payload = message.get("payload")
        if not isinstance(payload, dict) or not self.connection_acknowledged:
            return True  # _subscribe_problem says why / strawberry closes with 4401
        try:
            resolved = await persisted.resolve(payload, self.view.settings)  # type: ignore[attr-defined]
            await persisted.allow_free(resolved, self.view.settings, self.context)  # type: ignore[attr-defined]
        except persisted.PersistedError as exc:
            error = {"message": exc.message, "extensions": {"code": exc.code}}
            await self.send_message({"id": message["id"], "type": "error", "payload": error})
            return False
        payload["query"] = resolved.query
        payload.pop("documentId", None)
        payload.pop("id", None)
        return True

    async def handle_connection_init(self, message: Any) -> None:
        if self.connection_acknowledged:
            await self.websocket.close(4429, "Too many initialisation requests")
            return
        payload = message.get("payload")
        if payload is not None and not isinstance(payload, dict):
            await self.websocket.close(4400, "`payload` must be an object.")
            return
        self.context.connection_params = payload
        try:
            await self.view.on_ws_connect(self.context)
        except ConnectionRejectionError:
            await self.send_message(
                {
                    "type": "connection_error",
                    "payload": {
                        "message": "The token is not valid.",
                        "extensions": {"code": "UNAUTHENTICATED"},
                    },
                }
            )
            await self.websocket.close(4403, "Forbidden")
            return
        await self.send_message({"type": "connection_ack"})
        self.connection_acknowledged = True
        if self.keep_alive:
            self.keep_alive_task = asyncio.create_task(self.handle_keep_alive())

    async def handle_start(self, message: Any) -> None:
        if (
            self.connection_acknowledged
            and message["id"] not in self.tasks
            and len(self.tasks) >= MAX_OPERATIONS_PER_SOCKET
        ):
            error = _too_many_operations(self.context)
            await self.send_message({"type": "error", "id": message["id"], "payload": error})
            return
        await super().handle_start(message)

    async def handle_async_results(
        self,
        operation_id: str,
        query: str,
        operation_name: str | None,
        variables: dict[str, object] | None,
    ) -> None:
        """As strawberry's, through `schema.stream` (as graphql-transport-ws does), so a
        query or mutation sent with `start` answers one `data` then `complete` instead of
        an internal error (strawberry's legacy handler only subscribes)."""
        try:
            result_source = await self.schema.stream(
                query,
                variable_values=variables,
                context_value=self.context,
                root_value=self.root_value,
                operation_name=operation_name,
            )
            self.subscriptions[operation_id] = result_source
            first = True
            async for result in result_source:
                if first and isinstance(result, PreExecutionError):
                    error = result.errors[0].formatted if result.errors else {}
                    await self.send_message({"type": "error", "id": operation_id,
                                             "payload": error})  # fmt: skip
                    return
                if isinstance(result, ExecutionResult):
                    await self.send_data_message(result, operation_id)
                first = False
            await self.send_message({"type": "complete", "id": operation_id})
        except asyncio.CancelledError:
            await self.send_message({"type": "complete", "id": operation_id})
        finally:
            self.subscriptions.pop(operation_id, None)
            self.tasks.pop(operation_id, None)


class LoyaltyGraphQL(GraphQL):
    websocket_adapter_class = _WebSocketAdapter  # type: ignore[assignment]
    graphql_transport_ws_handler_class = _TransportWS
    graphql_ws_handler_class = _LegacyWS

    def __init__(self, settings: Settings):
        super().__init__(
            quiet_strawberry(build_schema(settings)),
            graphql_ide="graphiql" if settings.graphiql else None,
            allow_queries_via_get=True,
            # graphql-ws: the legacy protocol Apollo iOS and Kotlin speak by default; its
            # `ka` keep-alive every KEEP_ALIVE_SECONDS.
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL),
            keep_alive=True,
            keep_alive_interval=KEEP_ALIVE_SECONDS,
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
        media = negotiate(request.headers.get("accept"))
        token = _MEDIA_TYPE.set(media or LEGACY_JSON)
        try:
            response = await self._answer(request, acceptable=media is not None)
        finally:
            _MEDIA_TYPE.reset(token)
        _add_vary(response, "Accept")  # the status and media type depend on it
        await response(scope, receive, send)

    async def _answer(self, request: Request, *, acceptable: bool) -> Response:
        """The HTTP response: a refusal (413, 414, 406, or an HTTPException strawberry or
        this view raised), GraphiQL's page, or the operation's result."""
        length = request.headers.get("content-length")
        response: Response
        if length and length.isdigit() and int(length) > self.settings.max_body_bytes:
            response = body_too_large()
        elif len(request.scope.get("query_string", b"")) > MAX_QUERY_STRING_BYTES:
            response = graphql_error_response(
                414,
                "The query string is too long: send the operation in a POST body.",
                "BAD_REQUEST",
            )
        elif not acceptable and not self.should_render_graphql_ide(
            self.request_adapter_class(request)
        ):
            response = graphql_error_response(
                406,
                f"Responses are {GRAPHQL_RESPONSE_JSON} or {LEGACY_JSON}: "
                "the Accept header allows neither.",
                "BAD_REQUEST",
            )
        else:
            try:
                _RESOLVED.set(None)  # set by parse_http_body for this request
                response = await self.run(request)
                response = self._cache_headers(request, response)
            except BodyTooLarge:
                # Counted while streaming (app.requests.BodyLimitMiddleware): the rest is
                # never read, and the connection is closed after this answer.
                response = body_too_large()
            except HTTPException as exc:
                code = getattr(exc, "code", None) or _STATUS_CODES.get(
                    exc.status_code, "HTTP_ERROR"
                )
                response = graphql_error_response(exc.status_code, exc.reason, code)
                if isinstance(exc, _MethodNotAllowed):
                    response.headers["Allow"] = exc.allow
        return response

    def _cache_headers(self, request: Request, response: Response) -> Response:
        """HTTP caching of GETs: a persisted (hashed or registered) query selecting only
        public program data (persisted.is_public), sent without Authorization and answered
        without errors, is `public, max-age` with an ETag (If-None-Match -> 304); every other
        GET answer is `private, no-store`, so a CDN never serves one caller's data to another."""
        if request.method != "GET" or response.status_code not in (200, 304):
            return response
        for header in ("Authorization", "Accept", "Accept-Language"):
            _add_vary(response, header)
        resolved = _RESOLVED.get()
        public = False
        if (
            resolved is not None
            and resolved.by_reference
            and resolved.query is not None
            and "authorization" not in request.headers
            and response.status_code == 200
        ):
            try:
                body = json.loads(response.body)
                document = _parse(resolved.query, max_tokens=self.settings.max_tokens)
            except (ValueError, GraphQLError):
                body, document = None, None
            public = (
                isinstance(body, dict)
                and not body.get("errors")
                and document is not None
                and persisted.is_public(document, request.query_params.get("operationName"))
            )
        if not public:
            response.headers["Cache-Control"] = persisted.PRIVATE
            return response
        tag = persisted.etag(response.body)
        response.headers["Cache-Control"] = f"public, max-age={persisted.PUBLIC_MAX_AGE_SECONDS}"
        response.headers["ETag"] = tag
        if tag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
            headers = {
                k: v
                for k, v in response.headers.items()
                if k.lower() in ("cache-control", "etag", "vary")
            }
            return Response(status_code=304, headers=headers)
        return response

    def should_render_graphql_ide(self, request: Any) -> bool:
        """GraphiQL's page for a browser's GET, but not for a GET naming a persisted
        operation (`extensions`, `documentId` or `id`: an APQ client whose Accept is */*)."""
        if request.method != "GET":  # (a POST, every app request: nothing to parse)
            return False
        params = request.query_params
        if any(params.get(key) is not None for key in ("extensions", "documentId", "id")):
            return False
        return super().should_render_graphql_ide(request)

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
        request_data = _request_data(data)
        try:  # documentId / id / extensions.persistedQuery -> the document to run
            resolved = await persisted.resolve(data, self.settings)  # type: ignore[arg-type]
        except persisted.PersistedError as exc:
            raise _PersistedRefusal(exc) from None
        _RESOLVED.set(resolved)
        request_data.query = resolved.query
        return request_data

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: Any,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """One HTTP operation, once `_check_operation` has allowed it."""
        if (resolved := _RESOLVED.get()) is not None:
            try:  # TRUSTED_DOCUMENTS=only: a free document runs for staff alone
                await persisted.allow_free(resolved, self.settings, context)
            except persisted.PersistedError as exc:
                raise _PersistedRefusal(exc) from None
        if isinstance(request_data.query, str):
            self._check_operation(request_data, request_adapter.method)
        return await super().execute_single(
            request=request,
            request_adapter=request_adapter,
            sub_response=sub_response,
            context=context,
            root_value=root_value,
            request_data=request_data,
        )

    def _check_operation(self, request_data: GraphQLRequestData, method: str) -> None:
        """Refuse what HTTP does not run: a document with several operations and no
        `operationName` (strawberry would run the first), an `operationName` naming none of
        them (400), a subscription (400: they run over the WebSocket) and a mutation sent
        with GET (405, Allow: POST). A document that does not parse is left to the schema,
        which answers it with its code; parsing here uses the schema's cache and token
        limit, so the document is not parsed twice."""
        try:
            document = _parse(request_data.query, max_tokens=self.settings.max_tokens)
        except GraphQLError:
            return
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        name = request_data.operation_name
        if name is None:
            if len(operations) > 1:
                raise HTTPException(
                    400,
                    f"The document has {len(operations)} operations: name the one to run "
                    "in `operationName`.",
                )
            chosen = operations[0] if operations else None
        else:
            chosen = next((o for o in operations if o.name and o.name.value == name), None)
            if chosen is None:
                raise HTTPException(400, "No operation in the document has that `operationName`.")
        if chosen is None:
            return  # no operation at all: validation says so
        if chosen.operation is OperationType.SUBSCRIPTION:
            raise HTTPException(
                400,
                "Subscriptions are not served over HTTP: open a WebSocket to this same path "
                "(subprotocol graphql-transport-ws).",
            )
        if chosen.operation is OperationType.MUTATION and method == "GET":
            raise _MethodNotAllowed("A mutation must be sent with POST.", allow="POST")

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        """The response, with 503 and Retry-After when the database is unavailable
        and 504 on a timeout. Asked for application/graphql-response+json, it is sent as that,
        and an operation that never ran (parse, validation or variable errors) is a 400
        without `data`; application/json answers those 200 with `data: null`, as before."""
        strict = _MEDIA_TYPE.get() == GRAPHQL_RESPONSE_JSON
        request_error = (
            strict and isinstance(response_data, dict) and _is_request_error(response_data)
        )
        if request_error:
            response_data = {k: v for k, v in response_data.items() if k != "data"}  # type: ignore[union-attr, assignment]
        response = super().create_response(response_data, sub_response)
        if strict:
            response.headers["content-type"] = GRAPHQL_RESPONSE_JSON
        if request_error and response.status_code == 200:
            response.status_code = 400
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
        context.connection_params = None  # read: not held for the socket's lifetime
        try:
            await context.principal()
        except Unauthenticated:
            raise ConnectionRejectionError() from None
        # Verifying primed a member loader; a socket's operations load afresh (subscriptions
        # per event), so it is not kept for the socket's lifetime.
        context.loaders = Loaders()
        return None
