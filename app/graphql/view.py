"""Strawberry on Starlette: HTTP (GET queries, POST) and graphql-transport-ws."""

from typing import Any

from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from app.errors import Unauthenticated
from app.graphql.context import Context, bearer_token
from app.graphql.schema import build_schema
from app.i18n import pick_locale
from app.requests import current_request_id
from app.settings import Settings


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


class LoyaltyGraphQL(GraphQL):
    def __init__(self, settings: Settings):
        super().__init__(
            build_schema(settings),
            graphql_ide="graphiql" if settings.graphiql else None,
            allow_queries_via_get=True,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        )
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive=receive)
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > self.settings.max_body_bytes:
            response: Response = graphql_error_response(
                413, "Request body too large.", "BAD_REQUEST"
            )
        else:
            try:
                response = await self.run(request)
            except HTTPException as exc:
                code = "BAD_REQUEST" if exc.status_code == 400 else "HTTP_ERROR"
                response = graphql_error_response(exc.status_code, exc.reason, code)
        await response(scope, receive, send)

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
