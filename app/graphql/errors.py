"""Typed user errors for mutation unions, top-level error codes, and masking.

Expected outcomes are union members implementing `UserError`; authentication and
authorization failures are top-level errors with `extensions.code`; anything unexpected is
masked as INTERNAL_SERVER_ERROR, logged with the request id, and that id is returned.
"""

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Iterator

import strawberry
from graphql import GraphQLError
from graphql.error import GraphQLSyntaxError
from strawberry.exceptions import MissingQueryError
from strawberry.extensions import SchemaExtension
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types.graphql import OperationType

from app import db, errors
from app.i18n import translate
from app.requests import current_request_id

log = logging.getLogger("app.graphql")


@strawberry.interface(
    description="An expected problem with a request: a stable code and a localized message."
)
class UserError:
    code: str
    message: str


@strawberry.type(description="One rejected input field.")
class FieldError:
    field: str = strawberry.field(description="The input field's name as sent.")
    code: str
    message: str


@strawberry.type(
    name="InvalidInput", description="Some input fields were rejected; nothing was changed."
)
class InvalidInputError(UserError):
    fields: list[FieldError]


# Each expected domain error maps to one GraphQL type; `error_type` registers it.
_ERROR_TYPES: dict[type[errors.DomainError], type] = {}


def error_type(domain_error: type[errors.DomainError], *, description: str | None = None):
    """Declare the GraphQL union member for `domain_error` (named after its code)."""

    def register(cls: type) -> type:
        name = "".join(part.title() for part in domain_error.code.split("_"))
        gql = strawberry.type(cls, name=name, description=description)
        _ERROR_TYPES[domain_error] = gql
        return gql

    return register


@error_type(errors.InvalidCredentials)
class InvalidCredentialsError(UserError):
    pass


@error_type(
    errors.TooManyAttempts,
    description="Too many failed password checks or sign-ups: try again after "
    "`retryAfterSeconds`. Code ONE_PASSWORD_CHECK_PER_REQUEST: a second password check or "
    "sign-up in one request, refused unchecked (send it on its own).",
)
class TooManyAttemptsError(UserError):
    retry_after_seconds: int


_ERROR_TYPES[errors.OnePasswordCheckPerRequest] = TooManyAttemptsError


@error_type(errors.EmailAlreadyRegistered)
class EmailAlreadyRegisteredError(UserError):
    pass


@error_type(errors.MemberNotFound)
class MemberNotFoundError(UserError):
    pass


@error_type(errors.PurchaseNotFound)
class PurchaseNotFoundError(UserError):
    pass


@error_type(errors.InsufficientPoints)
class InsufficientPointsError(UserError):
    available: int
    required: int


@error_type(
    errors.IdempotencyKeyReused,
    description="The idempotency key was used before for a different request; nothing changed.",
)
class IdempotencyKeyReusedError(UserError):
    pass


@error_type(errors.PurchaseAlreadyRecorded)
class PurchaseAlreadyRecordedError(UserError):
    purchase_id: strawberry.Private[int]


@error_type(errors.RefundExceedsPurchase)
class RefundExceedsPurchaseError(UserError):
    refundable: int = strawberry.field(description="Minor units still refundable.")


@error_type(errors.RefundAlreadyRecorded)
class RefundAlreadyRecordedError(UserError):
    pass


@error_type(errors.EventLimitReached)
class EventLimitReachedError(UserError):
    pass


@error_type(errors.UnknownEventType)
class UnknownEventTypeError(UserError):
    pass


def user_error(exc: errors.DomainError, locale: str) -> UserError:
    """The union member for an expected domain error; auth failures are raised instead."""
    if isinstance(exc, errors.Unauthenticated | errors.Forbidden):
        raise exc
    message = translate(exc.message_key, locale, **exc.params)
    if isinstance(exc, errors.InvalidInput):
        return InvalidInputError(
            code=exc.code,
            message=message,
            fields=[
                FieldError(
                    field=p.field, code=p.code, message=translate(p.code, locale, **p.params)
                )
                for p in exc.problems
            ],
        )
    gql = _ERROR_TYPES.get(type(exc))
    if gql is None:
        raise exc
    extra = {
        name: getattr(exc, name)
        for name in gql.__dataclass_fields__
        if name not in ("code", "message")
    }
    return gql(code=exc.code, message=message, **extra)


# graphql-core's hints ("Did you mean 'email'?", "Did you mean the enum value 'GOLD'?", "Did
# you mean 'A', 'B', or 'C'?"): names never contain "?", so this ends at the hint's own "?".
_SUGGESTION = re.compile(r"\s*Did you mean\b[^?]*\?")

# Expected errors are logged as one line, without traceback; these at WARNING (operators act).
_WARN_CODES = frozenset({"SERVICE_UNAVAILABLE", "BUSY", "TIMEOUT"})


# graphql-core's validation messages about variable definitions (the rest are about values).
_VARIABLE_VALIDATION = (
    "is never used",
    "is not defined",
    "used in position expecting",
    "cannot be non-input type",
)


def strip_suggestions(message: str) -> str:
    """`message` without graphql-core's "Did you mean ...?" hints (they reveal the schema)."""
    return _SUGGESTION.sub("", message) if "Did you mean" in message else message


def _code_for_unlocated(error: GraphQLError) -> str:
    """Errors without an original exception come from parsing, validation or coercion."""
    if isinstance(error, GraphQLSyntaxError):
        return "GRAPHQL_PARSE_FAILED"
    message = error.message
    if (
        message.startswith("Variable '$")
        and "got invalid value" not in message
        and any(p in message for p in _VARIABLE_VALIDATION)
    ):
        return "GRAPHQL_VALIDATION_FAILED"  # the document's variables, not their values
    if (
        message.startswith("Variable '$")
        or "cannot represent" in message
        or message.startswith("Expected value of type")
        or "got invalid value" in message
    ):
        return "BAD_USER_INPUT"
    return "GRAPHQL_VALIDATION_FAILED"


class ProcessedError(GraphQLError):
    """An error ErrorCodes has given its code, message and request id (and logged)."""


def quiet_strawberry(schema: strawberry.Schema) -> strawberry.Schema:
    """Turn off strawberry's own error logging for `schema` (HTTP and WebSocket alike).

    `Schema.process_errors` logs every error with the operation's variables (passwords,
    refresh tokens) and a traceback; ErrorCodes logs each error once, without either.
    """
    schema.process_errors = _no_logging  # type: ignore[method-assign]
    return schema


def _no_logging(errors: list[GraphQLError], execution_context: object = None) -> None:
    return None


# Refused operations strawberry's HTTP view turns into 400s (query missing, mutation over GET).
_STRAWBERRY_HTTP_ERRORS = (
    MissingQueryError,
    CannotGetOperationTypeError,
    InvalidOperationTypeError,
)


def _path(error: GraphQLError) -> str:
    return ".".join(str(p) for p in error.path) if error.path else "-"


class ErrorCodes(SchemaExtension):
    """Give every error an `extensions.code` and the request id; mask the unexpected; log
    each error once (never variables or messages, which may echo them); stop an execution
    that runs past `settings.execution_timeout_seconds`."""

    def on_operation(self) -> Iterator[None]:
        try:
            yield
        except _STRAWBERRY_HTTP_ERRORS:
            raise  # the view answers these with HTTP 400
        except Exception as exc:
            # Raised by a hook rather than returned in a result (the token limit while parsing,
            # the execution budget, a failing extension): strawberry puts this error in the
            # result after the operation hooks have run, so it gets its code here.
            error = (
                exc if isinstance(exc, GraphQLError) else GraphQLError(str(exc), original_error=exc)
            )
            raise self._process_all([error])[0] from None
        self._process_result(self.execution_context.result)

    async def on_execute(self) -> AsyncIterator[None]:
        """The execution budget: a query or mutation (HTTP or WebSocket) running longer is
        cancelled, which rolls back the transaction it has open. Subscriptions are exempt
        (their execute step only sets the stream up)."""
        context = self.execution_context
        settings = getattr(context.context, "settings", None)
        budget = getattr(settings, "execution_timeout_seconds", None)
        if not budget or context.operation_type is OperationType.SUBSCRIPTION:
            yield
            return
        try:
            async with asyncio.timeout(budget) as scope:
                yield
        except TimeoutError:
            if scope.expired():
                raise errors.ExecutionTimeout() from None
            raise

    def on_stream_result(self, result: object) -> Iterator[None]:
        """Subscription events (and their errors) pass here, not through on_operation."""
        self._process_result(result)
        yield

    def _process_result(self, result: object) -> None:
        found = getattr(result, "errors", None)
        if not found:
            return
        result.errors = self._process_all(found)

    def _process_all(self, found: list[GraphQLError]) -> list[GraphQLError]:
        """Idempotent: an error already processed (a ProcessedError) is kept as it is. Each
        batch of expected errors is logged as one line."""
        context = self.execution_context.context
        request_id = getattr(context, "request_id", None) or current_request_id()
        locale = getattr(context, "locale_hint", None) or "en"
        settings = getattr(context, "settings", None)
        suggest = getattr(settings, "field_suggestions", True)
        out: list[GraphQLError] = []
        expected: list[str] = []
        for error in found:
            if isinstance(error, ProcessedError):
                out.append(error)
                continue
            processed = self._process(error, request_id, locale, suggest=suggest)
            code = processed.extensions["code"]
            if code != "INTERNAL_SERVER_ERROR":
                expected.append(f"{code} at {_path(error)}")
            out.append(processed)
        if expected:
            level = (
                logging.WARNING
                if any(e.split()[0] in _WARN_CODES for e in expected)
                else logging.INFO
            )
            log.log(level, "graphql errors (request %s): %s", request_id, "; ".join(expected))
        return out

    def _process(
        self, error: GraphQLError, request_id: str | None, locale: str, *, suggest: bool = True
    ) -> GraphQLError:
        original = error.original_error
        extensions = dict(error.extensions or {})
        message = error.message
        if original is None or (isinstance(original, GraphQLError) and "code" not in extensions):
            # graphql-core's own parse, validation and coercion errors
            extensions.setdefault("code", _code_for_unlocated(error))
        elif isinstance(original, errors.Unauthenticated | errors.Forbidden):
            extensions["code"] = original.code
            message = translate(original.message_key, locale)
        elif isinstance(original, errors.InvalidInput):
            extensions["code"] = "BAD_USER_INPUT"
            extensions["fields"] = [{"field": p.field, "code": p.code} for p in original.problems]
            message = translate(original.code, locale)
        elif isinstance(original, GraphQLError):
            pass
        elif (kind := _outage_kind(original)) is not None:
            # The database is gone or a lock wait ran out: nothing was changed, a retry is
            # safe. One line in the log (no traceback); view.py answers 503 + Retry-After for
            # SERVICE_UNAVAILABLE (tests/test_faults.py stops a real PostgreSQL).
            code = "SERVICE_UNAVAILABLE" if kind == "unavailable" else "BUSY"
            extensions = {"code": code, "retryable": True}
            message = translate(code, locale)
        elif isinstance(original, errors.DomainError):
            # An expected outcome raised rather than returned as a union member.
            extensions = {"code": original.code}
            message = translate(original.message_key, locale, **original.params)
        else:
            log.error(
                "unexpected error at %s (request %s)", _path(error), request_id, exc_info=original
            )
            extensions = {"code": "INTERNAL_SERVER_ERROR"}
            message = translate("INTERNAL_SERVER_ERROR", locale)
        if not suggest:
            message = strip_suggestions(message)
        if request_id:
            extensions["requestId"] = request_id
        return ProcessedError(
            message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            original_error=None,
            extensions=extensions,
        )


def _outage_kind(original: BaseException) -> str | None:
    """ "unavailable" / "busy" for the database failures a retry may cure, else None."""
    if isinstance(original, errors.ServiceUnavailable):
        return "unavailable"
    if isinstance(original, errors.Busy):
        return "busy"
    if isinstance(original, errors.DomainError):
        return None
    return db.failure_kind(original)
