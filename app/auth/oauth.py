"""`POST /oauth/token`: the RFC 6749 client-credentials grant for integrations."""

import base64
import binascii
import logging
from urllib.parse import unquote

from starlette.requests import Request
from starlette.responses import JSONResponse

from app.auth import service
from app.db import failure_kind

log = logging.getLogger(__name__)

_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _error(error: str, description: str, status: int = 400) -> JSONResponse:
    headers = dict(_NO_STORE)
    if status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="loyalty"'
    return JSONResponse(
        {"error": error, "error_description": description}, status_code=status, headers=headers
    )


async def token_endpoint(request: Request) -> JSONResponse:
    """Form body `grant_type=client_credentials`, client id/secret in Basic auth or the body."""
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return _error("invalid_request", "Send an application/x-www-form-urlencoded body.")
    form = await request.form()
    if form.get("grant_type") != "client_credentials":
        return _error("unsupported_grant_type", "Only client_credentials is supported.")
    client_id, client_secret = _basic_credentials(request)
    client_id = client_id or str(form.get("client_id") or "")
    client_secret = client_secret or str(form.get("client_secret") or "")
    if not client_id or not client_secret:
        return _error("invalid_client", "Client authentication is required.", 401)
    scope = form.get("scope")
    try:
        token, expires_in, scopes = await service.issue_client_token(
            client_id=client_id, client_secret=client_secret, scope=str(scope) if scope else None
        )
    except service.InvalidClient as exc:
        return _error(exc.error, exc.description, 401 if exc.error == "invalid_client" else 400)
    except Exception as exc:
        kind = failure_kind(exc)
        if kind is None:
            raise
        # The database is down or busy: one line, and a retry later is safe (nothing issued).
        log.warning("token request not served: database %s (%s)", kind, type(exc).__name__)
        response = _error(
            "temporarily_unavailable", "The service is unavailable; retry shortly.", 503
        )
        response.headers["Retry-After"] = str(request.app.state.settings.retry_after_seconds)
        return response
    return JSONResponse(
        {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": expires_in,
            "scope": " ".join(scopes),
        },
        headers=_NO_STORE,
    )


def _basic_credentials(request: Request) -> tuple[str, str]:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic" or not value:
        return "", ""
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return "", ""
    client_id, _, secret = decoded.partition(":")
    return unquote(client_id), unquote(secret)
