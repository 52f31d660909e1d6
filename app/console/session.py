"""The console's session: one HttpOnly, SameSite=Strict cookie (Secure outside development
and tests) holding the staff member's API session, signed so it cannot be forged or
altered, and a CSRF token derived from it.

The cookie carries the access and refresh tokens of an ordinary API session (opened by the
`logIn` mutation), the time of the last request (idle timeout: IDLE_SECONDS) and a random
nonce. Page scripts never see it. The CSRF token is an HMAC of the nonce, written into each
page (a hidden form field and a `<meta>` for the script); every POST must send it back.
Signing out (or idling out) revokes the API session itself, not only the cookie."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass, replace

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from starlette.requests import Request
from starlette.responses import Response

from app.settings import Settings

IDLE_SECONDS = 30 * 60  # a console left alone this long signs its staff member out
COOKIE = "loyalty_console"
SECURE_COOKIE = "__Host-loyalty_console"  # the prefix browsers enforce for Secure cookies
LOGIN_COOKIE = "loyalty_console_login"
SECURE_LOGIN_COOKIE = "__Host-loyalty_console_login"
LOGIN_SECONDS = 15 * 60  # a sign-in form works this long
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"


@dataclass(frozen=True)
class State:
    access: str
    access_expires: int  # epoch seconds
    refresh: str
    seen: int  # epoch seconds of the last request
    nonce: str


def _derive(secret: str, purpose: str) -> bytes:
    return hashlib.sha256(f"console:{purpose}:{secret}".encode()).digest()


def _key(settings: Settings, purpose: str) -> bytes:
    """The key that signs, derived from the active JWT key."""
    return _derive(settings.signing_secret, purpose)


def _keys(settings: Settings, purpose: str) -> list[bytes]:
    """Every key that verifies: the active one first, then the other JWT_KEYS, so rotating
    JWT_ACTIVE_KID signs nobody out of the console (a key removed from JWT_KEYS does)."""
    keys = [_key(settings, purpose)]
    keys += [
        _derive(k, purpose) for k in settings.jwt_keys.values() if k != settings.signing_secret
    ]
    return keys


def _sign(settings: Settings, purpose: str, payload: bytes) -> str:
    mac = hmac.new(_key(settings, purpose), payload, hashlib.sha256).digest()
    enc = base64.urlsafe_b64encode
    return enc(payload).decode().rstrip("=") + "." + enc(mac).decode().rstrip("=")


def _unsign(settings: Settings, purpose: str, value: str) -> bytes | None:
    body, _, mac = value.partition(".")
    try:
        payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        given = base64.urlsafe_b64decode(mac + "=" * (-len(mac) % 4))
    except (ValueError, TypeError):
        return None
    for key in _keys(settings, purpose):
        if hmac.compare_digest(given, hmac.new(key, payload, hashlib.sha256).digest()):
            return payload
    return None


def seal(settings: Settings, purpose: str, payload: bytes) -> str:
    """`payload` encrypted and authenticated (AES-256-GCM under a key derived for
    `purpose`), for a cookie whose content the browser's owner may hold but nothing that
    logs headers should read (a secret shown once)."""
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(_key(settings, purpose)).encrypt(nonce, payload, purpose.encode())
    return base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")


def unseal(settings: Settings, purpose: str, value: str) -> bytes | None:
    """What `seal` sealed, None when forged, altered or sealed under a key no longer kept."""
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (ValueError, TypeError):
        return None
    for key in _keys(settings, purpose):
        try:
            return AESGCM(key).decrypt(raw[:12], raw[12:], purpose.encode())
        except (InvalidTag, ValueError):
            continue
    return None


def secure(settings: Settings) -> bool:
    """Whether cookies are Secure (everywhere but development and tests on plain HTTP)."""
    return settings.environment not in ("development", "test")


def cookie_name(settings: Settings) -> str:
    return SECURE_COOKIE if secure(settings) else COOKIE


def _login_cookie_name(settings: Settings) -> str:
    return SECURE_LOGIN_COOKIE if secure(settings) else LOGIN_COOKIE


def new_state(*, access: str, access_expires: int, refresh: str) -> State:
    return State(access=access, access_expires=access_expires, refresh=refresh,
                 seen=int(time.time()), nonce=secrets.token_urlsafe(16))  # fmt: skip


def read(request: Request, settings: Settings) -> State | None:
    """The request's session, None when absent, forged or malformed (idle is the caller's
    to judge: it still needs the tokens to revoke the session)."""
    value = request.cookies.get(cookie_name(settings))
    if not value or len(value) > 4096:
        return None
    payload = _unsign(settings, "session", value)
    if payload is None:
        return None
    try:
        data = json.loads(payload)
        return State(access=str(data["a"]), access_expires=int(data["e"]),
                     refresh=str(data["r"]), seen=int(data["s"]), nonce=str(data["n"]))  # fmt: skip
    except (ValueError, KeyError, TypeError):
        return None


def idle(state: State) -> bool:
    return time.time() - state.seen > IDLE_SECONDS


def touched(state: State) -> State:
    return replace(state, seen=int(time.time()))


def write(response: Response, settings: Settings, state: State) -> None:
    payload = json.dumps({"a": state.access, "e": state.access_expires, "r": state.refresh,
                          "s": state.seen, "n": state.nonce}, separators=(",", ":")).encode()  # fmt: skip
    response.set_cookie(
        cookie_name(settings), _sign(settings, "session", payload), path="/",
        httponly=True, secure=secure(settings), samesite="strict",
    )  # fmt: skip


def clear(response: Response, settings: Settings) -> None:
    response.delete_cookie(cookie_name(settings), path="/", httponly=True,
                           secure=secure(settings), samesite="strict")  # fmt: skip


def _csrf(key: bytes, nonce: str) -> str:
    mac = hmac.new(key, nonce.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def csrf_token(settings: Settings, state: State) -> str:
    """The token every state-changing request of this session must carry."""
    return _csrf(_key(settings, "csrf"), state.nonce)


def csrf_ok(settings: Settings, state: State, given: str | None) -> bool:
    if not given:
        return False
    return any(hmac.compare_digest(given.encode(), _csrf(key, state.nonce).encode())
               for key in _keys(settings, "csrf"))  # fmt: skip


# ---- the sign-in form's own CSRF token (there is no session yet) -------------------------


def login_form_token(settings: Settings, request: Request | None = None) -> tuple[str, str | None]:
    """The sign-in form's token, and the cookie value (`set_login_cookie`) it must be posted
    with: the browser's own sign-in cookie while it has more than half its life left (None:
    keep it), so a second tab or a background read of the sign-in page does not expire a
    form already open; a fresh one otherwise."""
    value = request.cookies.get(_login_cookie_name(settings)) if request is not None else None
    payload = _unsign(settings, "login", value) if value and len(value) < 1024 else None
    if payload is not None:
        try:
            data = json.loads(payload)
            nonce, issued = str(data["n"]), int(data["t"])
        except (ValueError, KeyError, TypeError):
            nonce, issued = "", 0
        if nonce and time.time() - issued < LOGIN_SECONDS / 2:
            return _csrf(_key(settings, "login-form"), nonce), None
    nonce = secrets.token_urlsafe(16)
    payload = json.dumps({"n": nonce, "t": int(time.time())}).encode()
    return _csrf(_key(settings, "login-form"), nonce), _sign(settings, "login", payload)


def set_login_cookie(response: Response, settings: Settings, value: str) -> None:
    response.set_cookie(
        _login_cookie_name(settings), value, path="/", max_age=LOGIN_SECONDS,
        httponly=True, secure=secure(settings), samesite="strict",
    )  # fmt: skip


def login_form_ok(request: Request, settings: Settings, given: str | None) -> bool:
    value = request.cookies.get(_login_cookie_name(settings))
    payload = _unsign(settings, "login", value) if value and len(value) < 1024 else None
    if payload is None or not given:
        return False
    try:
        data = json.loads(payload)
        nonce, issued = str(data["n"]), int(data["t"])
    except (ValueError, KeyError, TypeError):
        return False
    if time.time() - issued > LOGIN_SECONDS:
        return False
    return any(hmac.compare_digest(given.encode(), _csrf(key, nonce).encode())
               for key in _keys(settings, "login-form"))  # fmt: skip


def clear_login(response: Response, settings: Settings) -> None:
    response.delete_cookie(_login_cookie_name(settings), path="/", httponly=True,
                           secure=secure(settings), samesite="strict")  # fmt: skip
