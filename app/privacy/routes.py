"""The download link of a data export: GET /exports/{token}, once (the apps' link).

`serve_download` is the one place an export is taken and handed out as a file: this route
and the mailed page's Download button (app.privacy.export_page) both answer with it."""

import logging
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from app.db import failure_kind
from app.privacy import exports

log = logging.getLogger(__name__)

_PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
# What a refused download answers: the export is unknown, used or expired, or the database
# failed (retry later).
STATUS = {"missing": 404, "gone": 410, "unavailable": 503}


def export_file(found: exports.Download) -> Response:
    """The export document as a private JSON attachment."""
    disposition = f'attachment; filename="loyalty-data-{found.member_id}.json"'
    return Response(found.content, media_type="application/json",
                    headers={**_PRIVATE, "Content-Disposition": disposition})  # fmt: skip


async def _json_refusal(status: str) -> Response:
    error = "not_found" if status == "missing" else status
    return JSONResponse({"error": error}, status_code=STATUS[status], headers=_PRIVATE)


async def serve_download(
    request: Request, token: str,
    refused: Callable[[str], Awaitable[Response]] = _json_refusal,
) -> Response:  # fmt: skip
    """Take the export with this token (exports.take_download: once) and answer with the
    file; else `refused("missing" | "gone" | "unavailable")`'s answer (Retry-After added to
    the last: the database failed and the transaction rolled back)."""
    try:
        found = await exports.take_download(token=token)
    except Exception as exc:
        kind = failure_kind(exc)
        if kind is None:
            raise
        # The transaction rolled back (short of an outage at its very COMMIT): retry later.
        log.warning("export download not served: database %s (%s)", kind, type(exc).__name__)
        response = await refused("unavailable")
        response.headers["Retry-After"] = str(request.app.state.settings.retry_after_seconds)
        return response
    if found.status != "ok":
        return await refused(found.status)
    return export_file(found)


async def download_export(request: Request) -> Response:
    """200 with the JSON document the first time; 410 once used or expired; 404 unknown."""
    return await serve_download(request, request.path_params["token"])
