"""The download link of a data export: GET /exports/{token}, once."""

import logging

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from app.db import failure_kind
from app.privacy import exports

log = logging.getLogger(__name__)

_PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


async def download_export(request: Request) -> Response:
    """200 with the JSON document the first time; 410 once used or expired; 404 unknown."""
    try:
        found = await exports.take_download(token=request.path_params["token"])
    except Exception as exc:
        kind = failure_kind(exc)
        if kind is None:
            raise
        # The transaction rolled back (short of an outage at its very COMMIT): retry later.
        log.warning("export download not served: database %s (%s)", kind, type(exc).__name__)
        retry_after = str(request.app.state.settings.retry_after_seconds)
        return JSONResponse({"error": "unavailable"}, status_code=503,
                            headers={**_PRIVATE, "Retry-After": retry_after})  # fmt: skip
    if found.status == "missing":
        return JSONResponse({"error": "not_found"}, status_code=404, headers=_PRIVATE)
    if found.status == "gone":
        return JSONResponse({"error": "gone"}, status_code=410, headers=_PRIVATE)
    disposition = f'attachment; filename="loyalty-data-{found.member_id}.json"'
    return Response(found.content, media_type="application/json",
                    headers={**_PRIVATE, "Content-Disposition": disposition})  # fmt: skip
