"""Webhook signatures: how we sign, and the recipe receivers copy to verify.

Every delivery carries `Loyalty-Signature: t=<unix seconds>,v1=<hex>` where the hex is
HMAC-SHA256 of `f"{t}.{body}"` keyed with the endpoint's secret (`body` is the raw request
body, byte for byte). The timestamp is inside the MAC, so a captured request cannot be
re-sent later with a fresh timestamp: a receiver that refuses timestamps outside a few
minutes (`tolerance`) refuses replays. Retries and manual replays are signed afresh.

`verify_signature` depends on the standard library only: receivers may copy it as is.
"""

from __future__ import annotations

import hashlib
import hmac
import time

HEADER = "Loyalty-Signature"
DEFAULT_TOLERANCE = 300  # seconds either side of the receiver's clock


class SignatureError(ValueError):
    """The request is not from us, was altered, or is too old (a replay)."""


def _as_bytes(value: str | bytes) -> bytes:
    return value.encode() if isinstance(value, str) else value


def sign(*, secret: str, body: str | bytes, timestamp: int) -> str:
    """The `Loyalty-Signature` header value for `body` sent at `timestamp`."""
    mac = hmac.new(_as_bytes(secret), b"%d." % timestamp + _as_bytes(body), hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify_signature(
    *,
    secret: str,
    header: str,
    body: str | bytes,
    now: float | None = None,
    tolerance: int = DEFAULT_TOLERANCE,
) -> int:
    """Check a delivery; return its timestamp, or raise SignatureError.

    `header` is the `Loyalty-Signature` value, `body` the raw body as received (before any
    JSON parsing), `now` the receiver's clock in unix seconds (default: time.time()).
    Several `v1=` values may appear (e.g. while a secret is rotated); one matching is enough.
    """
    timestamp: int | None = None
    candidates: list[str] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1" and value:
            candidates.append(value)
    if timestamp is None or not candidates:
        raise SignatureError("malformed signature header")
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance:
        raise SignatureError("timestamp outside the tolerance window (replayed or stale)")
    expected = sign(secret=secret, body=body, timestamp=timestamp).split("v1=", 1)[1]
    # compare_digest: the time taken must not tell an attacker how much of a guess matched.
    if not any(hmac.compare_digest(expected, c) for c in candidates):
        raise SignatureError("signature does not match")
    return timestamp
