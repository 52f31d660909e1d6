"""Access JWTs (pinned HS256, required claims, `kid` rotation) and opaque secrets."""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid
from dataclasses import dataclass
from functools import lru_cache

import jwt

from app.errors import Unauthenticated
from app.settings import Settings

ALGORITHM = "HS256"
REQUIRED_CLAIMS = ["iss", "aud", "exp", "iat", "sub", "jti"]
LEEWAY = 5


@dataclass(frozen=True)
class Principal:
    """Who a verified access token speaks for: a member/staff session or an integration."""

    kind: str  # "member" | "client"
    subject: str
    session_id: str | None
    scopes: frozenset[str]
    expires_at: int

    @property
    def member_id(self) -> int | None:
        """The member's id, for a member's token (else None)."""
        return int(self.subject) if self.kind == "member" else None


def issue_access_token(
    settings: Settings,
    *,
    kind: str,
    subject: str,
    ttl: int,
    session_id: str | None = None,
    scopes: list[str] | None = None,
) -> tuple[str, int]:
    """Sign a token with the active key; returns (token, expires_at epoch seconds)."""
    now = int(time.time())
    expires_at = now + ttl
    claims = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": now,
        "nbf": now,
        "exp": expires_at,
        "sub": f"{kind}:{subject}",
        "jti": uuid.uuid4().hex,
    }
    if session_id:
        claims["sid"] = session_id
    if scopes is not None:
        claims["scope"] = " ".join(scopes)
    token = jwt.encode(
        claims,
        settings.signing_secret,
        algorithm=ALGORITHM,
        headers={"kid": settings.jwt_active_kid},
    )
    return token, expires_at


def verify_access_token(settings: Settings, token: str) -> Principal:
    """Verify signature (by `kid`), algorithm, issuer, audience and expiry, or raise."""
    verify = _verifiers.get(id(settings))
    if verify is None or verify.settings is not settings:
        verify = _verifiers[id(settings)] = _CachedVerifier(settings)
    principal = verify.verify(token)
    if principal.expires_at <= time.time() - LEEWAY:
        raise Unauthenticated("SESSION_EXPIRED")
    return principal


class _CachedVerifier:
    """Signature checks cached per token: apps repeat one token for its whole life.
    Expiry is re-checked on every use; revocation is checked against the database."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.verify = lru_cache(maxsize=4096)(lambda token: _verify(settings, token))


_verifiers: dict[int, _CachedVerifier] = {}


def _verify(settings: Settings, token: str) -> Principal:
    try:
        header = jwt.get_unverified_header(token)
        key = settings.jwt_keys.get(header.get("kid", ""))
        if key is None or header.get("alg") != ALGORITHM:
            raise Unauthenticated("SESSION_EXPIRED")
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={"require": REQUIRED_CLAIMS},
            leeway=LEEWAY,
        )
    except jwt.PyJWTError:
        raise Unauthenticated("SESSION_EXPIRED") from None
    kind, _, subject = str(claims["sub"]).partition(":")
    if kind not in ("member", "client") or not subject:
        raise Unauthenticated("SESSION_EXPIRED")
    if kind == "member" and (not subject.isdigit() or not claims.get("sid")):
        raise Unauthenticated("SESSION_EXPIRED")
    return Principal(
        kind=kind,
        subject=subject,
        session_id=claims.get("sid"),
        scopes=frozenset(str(claims.get("scope", "")).split()),
        expires_at=int(claims["exp"]),
    )


def new_secret(prefix: str = "") -> str:
    """An opaque, URL-safe secret with 256 bits of entropy."""
    return prefix + secrets.token_urlsafe(32)


def secret_digest(secret: str) -> str:
    """Lookup hash of a high-entropy secret (refresh token, client secret)."""
    return hashlib.sha256(secret.encode()).hexdigest()
