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
