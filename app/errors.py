"""Domain errors: expected outcomes a service reports, each with a stable code.

Services raise these; the GraphQL layer turns them into typed union members or, for
authentication and authorization, into top-level errors with `extensions.code`.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class DomainError(Exception):
    """`code` is the stable error code; `message_key` picks the localized text (default: code)."""

    code: str = "DOMAIN_ERROR"

    def __init__(self, message_key: str | None = None, **params: object):
        self.message_key = message_key or self.code
        self.params = params
        super().__init__(self.message_key)


@dataclass(frozen=True)
class FieldProblem:
    """One rejected input field: `field` is the input's GraphQL name."""

    field: str
    code: str
    params: dict = field(default_factory=dict)


class InvalidInput(DomainError):
    code = "INVALID_INPUT"

    def __init__(self, problems: list[FieldProblem]):
        self.problems = problems
        super().__init__(None)


class Unauthenticated(DomainError):
    code = "UNAUTHENTICATED"


class Forbidden(DomainError):
    code = "FORBIDDEN"


class InvalidCredentials(DomainError):
    code = "INVALID_CREDENTIALS"


class TooManyAttempts(DomainError):
    code = "TOO_MANY_ATTEMPTS"

    def __init__(self, retry_after_seconds: int):
        self.retry_after_seconds = retry_after_seconds
        super().__init__(None, retry_after_seconds=retry_after_seconds)


class EmailAlreadyRegistered(DomainError):
    code = "EMAIL_ALREADY_REGISTERED"


class NotFound(DomainError):
    """Something referred to does not exist (or is not visible to the caller)."""

    code = "NOT_FOUND"


class MemberNotFound(NotFound):
    code = "MEMBER_NOT_FOUND"


class PurchaseNotFound(NotFound):
    code = "PURCHASE_NOT_FOUND"


class InsufficientPoints(DomainError):
    code = "INSUFFICIENT_POINTS"

    def __init__(self, *, available: int, required: int):
        self.available, self.required = available, required
        super().__init__(None, available=available, required=required)


class IdempotencyKeyReused(DomainError):
    """The key was used before for a different request."""

    code = "IDEMPOTENCY_KEY_REUSED"


class PurchaseAlreadyRecorded(DomainError):
    """This (source, externalId) earned already, under another idempotency key."""

    code = "PURCHASE_ALREADY_RECORDED"

    def __init__(self, *, purchase_id: int):
        self.purchase_id = purchase_id
        super().__init__(None)


class RefundExceedsPurchase(DomainError):
    code = "REFUND_EXCEEDS_PURCHASE"

    def __init__(self, *, refundable: int):
        self.refundable = refundable
        super().__init__(None, refundable=refundable)


class RefundAlreadyRecorded(DomainError):
    code = "REFUND_ALREADY_RECORDED"


class EventLimitReached(DomainError):
    """The member earned this event as often as its type allows (or this very event)."""

    code = "EVENT_LIMIT_REACHED"


class UnknownEventType(DomainError):
    code = "UNKNOWN_EVENT_TYPE"
