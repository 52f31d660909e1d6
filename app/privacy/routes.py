"""The download link of a data export: GET /exports/{token}, once."""

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from app.privacy import exports

_PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


async def download_export(request: Request) -> Response:
    """200 with the JSON document the first time; 410 once used or expired; 404 unknown."""
    found = await exports.take_download(token=request.path_params["token"])
    if found.status == "missing":
        return JSONResponse({"error": "not_found"}, status_code=404, headers=_PRIVATE)
    if found.status == "gone":
        return JSONResponse({"error": "gone"}, status_code=410, headers=_PRIVATE)
    disposition = f'attachment; filename="loyalty-data-{found.member_id}.json"'
    return Response(found.content, media_type="application/json",
                    headers={**_PRIVATE, "Content-Disposition": disposition})  # fmt: skip
