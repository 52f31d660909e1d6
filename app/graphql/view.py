"""Strawberry on Starlette: HTTP (GET queries, POST) and graphql-transport-ws.

What reaches strawberry is checked here first: the body is counted while it streams in (413
past MAX_BODY_BYTES, whatever Content-Length says), a GET query string is at most
MAX_QUERY_STRING_BYTES (414), a POST must be `application/json` (415) holding one JSON object
in UTF-8, nested at most MAX_JSON_DEPTH deep, whose `query`/`operationName` are strings and
`variables`/`extensions` objects (400). Every refusal is GraphQL-shaped with `extensions.code`
BAD_REQUEST and the request id.

Status codes of executed operations: 200, except 503 + Retry-After when an error is
SERVICE_UNAVAILABLE (the database is gone; a retry is safe) and 504 when the execution budget
(GRAPHQL_TIMEOUT_MS) ran out (code TIMEOUT).
"""

import json
from typing import Any

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.parse_content_type import parse_content_type
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

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


class LoyaltyGraphQL(GraphQL):
    def __init__(self, settings: Settings):
        super().__init__(
            quiet_strawberry(build_schema(settings)),
            graphql_ide="graphiql" if settings.graphiql else None,
            allow_queries_via_get=True,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        )
        self.settings = settings

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
        response = super().create_response(response_data, sub_response)
        if isinstance(response_data, dict) and response_data.get("errors"):
            codes = {
                (error.get("extensions") or {}).get("code") for error in response_data["errors"]
            }
            if "SERVICE_UNAVAILABLE" in codes:
                # The database is unavailable: nothing was changed and a retry is safe.
                response.status_code = 503
                response.headers["Retry-After"] = str(self.settings.retry_after_seconds)
            elif "TIMEOUT" in codes:
                response.status_code = 504
        return response

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
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
