"""Sending pushes: a small `PushSender` protocol, Firebase Cloud Messaging behind it, and a
logging sender when no Firebase credentials are configured."""

from __future__ import annotations

import itertools
import json
import logging
import warnings
from dataclasses import dataclass, field
from typing import Protocol

log = logging.getLogger(__name__)

FCM_BATCH = 500  # send_each_async's limit
INVALID_TOKEN_CODES = {"UNREGISTERED", "SENDER_ID_MISMATCH", "INVALID_TOKEN"}
RETRYABLE_CODES = {"QUOTA_EXCEEDED", "UNAVAILABLE", "INTERNAL"}


@dataclass(frozen=True)
class PushMessage:
    token: str
    title: str
    body: str
    data: dict[str, str] = field(default_factory=dict)  # e.g. the inbox message id
    image_url: str | None = None
    badge: int | None = None  # unread inbox messages, for the app icon
    collapse_key: str | None = None
    ttl_seconds: int = 24 * 3600


@dataclass(frozen=True)
class PushResult:
    ok: bool
    message_id: str | None = None
    error_code: str | None = None
    retry_after: float | None = None  # seconds FCM asked us to wait

    @property
    def invalid_token(self) -> bool:
        """Whether FCM refused the device token (to forget it)."""
        return self.error_code in INVALID_TOKEN_CODES

    @property
    def retryable(self) -> bool:
        """Whether the failure is worth retrying."""
        return self.error_code in RETRYABLE_CODES


class PushSender(Protocol):
    async def send(self, messages: list[PushMessage]) -> list[PushResult]:
        """One result per message, in order."""
        ...


class LoggingPushSender:
    """Logs instead of sending (the default without FIREBASE_CREDENTIALS)."""

    _ids = itertools.count(1)

    async def send(self, messages: list[PushMessage]) -> list[PushResult]:
        """Log the messages instead of sending them; every one succeeds."""
        results = []
        for m in messages:
            log.info("push (not sent: no Firebase credentials) to ...%s: %s", m.token[-6:], m.title)
            results.append(PushResult(ok=True, message_id=f"logged:{next(self._ids)}"))
        return results


def _error_code(exc: Exception) -> str:
    from firebase_admin import exceptions, messaging

    if isinstance(exc, messaging.UnregisteredError):
        return "UNREGISTERED"
    if isinstance(exc, messaging.SenderIdMismatchError):
        return "SENDER_ID_MISMATCH"
    if isinstance(exc, messaging.QuotaExceededError):
        return "QUOTA_EXCEEDED"
    if isinstance(exc, messaging.ThirdPartyAuthError):
        return "THIRD_PARTY_AUTH_ERROR"
    if isinstance(exc, exceptions.InvalidArgumentError):
        # FCM says INVALID_ARGUMENT both for a malformed token and for a bad message.
        return "INVALID_TOKEN" if "token" in str(exc).lower() else "INVALID_ARGUMENT"
    if isinstance(exc, exceptions.UnavailableError):
        return "UNAVAILABLE"
    if isinstance(exc, exceptions.InternalError):
        return "INTERNAL"
    return getattr(exc, "code", None) or "UNKNOWN"


def _retry_after(exc: Exception) -> float | None:
    response = getattr(exc, "http_response", None)
    value = response.headers.get("Retry-After") if response is not None else None
    try:
        return max(float(value), 0.0) if value is not None else None
    except ValueError:
        return None  # an HTTP date: fall back to our own backoff


class FcmPushSender:
    """Firebase Cloud Messaging (HTTP v1) through firebase-admin's `send_each_async`."""

    def __init__(
        self, credentials_source: str, *, app_name: str = "loyalty", endpoint: str | None = None
    ) -> None:
        import firebase_admin
        from firebase_admin import credentials, messaging

        source = credentials_source.strip()
        certificate = credentials.Certificate(json.loads(source) if source.startswith("{")
                                              else source)  # fmt: skip
        try:
            self.app = firebase_admin.get_app(app_name)
        except ValueError:
            self.app = firebase_admin.initialize_app(certificate, name=app_name)
        if endpoint:  # FCM_ENDPOINT: a loopback fake instead of fcm.googleapis.com
            service = messaging._get_messaging_service(self.app)
            service._fcm_url = f"{endpoint}/v1/projects/{service._project_id}/messages:send"

    def _message(self, m: PushMessage):
        from firebase_admin import messaging

        with warnings.catch_warnings():
            # firebase-admin 7.7 deprecates `token` in favour of Firebase installation ids;
            # apps register FCM registration tokens, which the v1 API still takes as `token`.
            warnings.filterwarnings("ignore", "Message.token is deprecated", DeprecationWarning)
            return self._build(messaging, m)

    @staticmethod
    def _build(messaging, m: PushMessage):
        return messaging.Message(
            token=m.token,
            notification=messaging.Notification(title=m.title, body=m.body, image=m.image_url),
            data=m.data,
            android=messaging.AndroidConfig(
                priority="high", ttl=m.ttl_seconds, collapse_key=m.collapse_key,
                notification=messaging.AndroidNotification(sound="default",
                                                           notification_count=m.badge),
            ),
            apns=messaging.APNSConfig(
                headers={"apns-expiration": str(m.ttl_seconds),
                         **({"apns-collapse-id": m.collapse_key} if m.collapse_key else {})},
                payload=messaging.APNSPayload(aps=messaging.Aps(sound="default", badge=m.badge)),
            ),
        )  # fmt: skip

    async def send(self, messages: list[PushMessage]) -> list[PushResult]:
        """Send the messages through FCM in batches; one result each, in order."""
        from firebase_admin import messaging

        results: list[PushResult] = []
        for start in range(0, len(messages), FCM_BATCH):
            batch = [self._message(m) for m in messages[start : start + FCM_BATCH]]
            response = await messaging.send_each_async(batch, app=self.app)
            for r in response.responses:
                if r.success:
                    results.append(PushResult(ok=True, message_id=r.message_id))
                else:
                    results.append(PushResult(ok=False, error_code=_error_code(r.exception),
                                              retry_after=_retry_after(r.exception)))  # fmt: skip
        return results


_sender: PushSender | None = None


def push_sender() -> PushSender:
    """The process's sender: FCM when FIREBASE_CREDENTIALS is set, else logging."""
    global _sender
    if _sender is None:
        from app.settings import get_settings

        settings = get_settings()
        creds = settings.firebase_credentials
        _sender = (FcmPushSender(creds, endpoint=settings.fcm_endpoint) if creds
                   else LoggingPushSender())  # fmt: skip
    return _sender


def use_sender(sender: PushSender | None) -> None:
    """Replace the sender (tests; None goes back to the configured one)."""
    global _sender
    _sender = sender
