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
    code: str = strawberry.field(
        description="Stable machine-readable code in UPPER_SNAKE_CASE (for example "
        "`INSUFFICIENT_POINTS`); branch on this, not on the message."
    )
    message: str = strawberry.field(
        description="Human-readable explanation in the caller's language (their profile, else "
        "`Accept-Language`); fit to show to the member as is."
    )


@strawberry.type(description="One rejected input field.")
class FieldError:
    field: str = strawberry.field(description="The input field's name as sent.")
    code: str = strawberry.field(
        description="Stable code of the problem with this field (for example `TOO_LONG`)."
    )
    message: str = strawberry.field(
        description="Localized explanation of the problem with this field."
    )


@strawberry.type(
    name="InvalidInput", description="Some input fields were rejected; nothing was changed."
)
class InvalidInputError(UserError):
    fields: list[FieldError] = strawberry.field(
        description="Every rejected input field, one entry per problem."
    )


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


@error_type(
    errors.InvalidCredentials,
    description="The email or password is wrong (deliberately not saying which).",
)
class InvalidCredentialsError(UserError):
    pass


@error_type(
    errors.TooManyAttempts,
    description="Too many failed password checks or sign-ups: try again after "
    "`retryAfterSeconds`. Code ONE_PASSWORD_CHECK_PER_REQUEST: a second password check or "
    "sign-up in one request, refused unchecked (send it on its own).",
)
class TooManyAttemptsError(UserError):
    retry_after_seconds: int = strawberry.field(
        description="Seconds to wait before trying again; 0 for ONE_PASSWORD_CHECK_PER_REQUEST."
    )


_ERROR_TYPES[errors.OnePasswordCheckPerRequest] = TooManyAttemptsError


@error_type(
    errors.EmailAlreadyRegistered,
    description="An account with this email exists already; sign in instead.",
)
class EmailAlreadyRegisteredError(UserError):
    pass


@error_type(
    errors.MemberNotFound,
    description="No member with this id (or email) that the caller may see.",
)
class MemberNotFoundError(UserError):
    pass


@error_type(
    errors.PurchaseNotFound,
    description="No purchase with this source and external id; nothing was changed.",
)
class PurchaseNotFoundError(UserError):
    pass


@error_type(
    errors.InsufficientPoints,
    description="The member's spendable balance is below what this costs; nothing was booked.",
)
class InsufficientPointsError(UserError):
    available: int = strawberry.field(description="Points the member can spend now.")
    required: int = strawberry.field(description="Points this operation needs.")


@error_type(
    errors.IdempotencyKeyReused,
    description="The idempotency key was used before for a different request; nothing changed.",
)
class IdempotencyKeyReusedError(UserError):
    pass


@error_type(
    errors.PurchaseAlreadyRecorded,
    description="This purchase (source and external id) earned already, under another "
    "idempotency key; nothing was booked twice.",
)
class PurchaseAlreadyRecordedError(UserError):
    purchase_id: strawberry.Private[int]


@error_type(
    errors.RefundExceedsPurchase,
    description="The refund is larger than what is left of the purchase; see `refundable`.",
)
class RefundExceedsPurchaseError(UserError):
    refundable: int = strawberry.field(description="Minor units still refundable.")


@error_type(
    errors.RefundAlreadyRecorded,
    description="A refund with this external id was recorded already; nothing changed.",
)
class RefundAlreadyRecordedError(UserError):
    pass


@error_type(
    errors.EventLimitReached,
    description="The member earned this event as often as its type allows (or this very "
    "event already); no points were booked.",
)
class EventLimitReachedError(UserError):
    pass


@error_type(
    errors.UnknownEventType,
    description="No active event type with this key; nothing was recorded.",
)
class UnknownEventTypeError(UserError):
    pass


def declared_error_types() -> dict[type[errors.DomainError], type]:
    """Each domain error with a union member (InvalidInput's included) and that member."""
    return {errors.InvalidInput: InvalidInputError, **_ERROR_TYPES}


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


# graphql-core's coercion and validation messages echo the value they refused (a password in
# a misshapen input, a token): `redact_values` drops the values, keeping names, types, paths.
_GOT_VALUE = re.compile(r"(Variable '\$([^']+)') got invalid value ", re.S)
_ENCOUNTERED = re.compile(r", but encountered error .*\Z", re.S)
_FOUND = re.compile(r"(?:, found:? .*\Z)|(?<=\?) Found:? .*\Z", re.S)
_CANNOT_REPRESENT = re.compile(r"(cannot represent [^:]*?value): .*\Z", re.S)
_NOT_IN_ENUM = re.compile(r"Value '.*' does not exist in '([^']+)' enum\.", re.S)


def redact_values(message: str) -> str:
    """`message` without the input values graphql-core quotes in it: "got invalid value X
    at 'path'; why" becomes "got an invalid value at 'path'; why", and the why loses its
    ": X", ", found: X" and "encountered error '...X...'" parts."""
    got = _GOT_VALUE.search(message)
    if got is not None:
        # The value runs up to " at '<name>..." (its path) or, without one, to "; " before
        # the explanation (which starts with a capital).
        rest = message[got.end() :]
        at = rest.rfind(f" at '{got.group(2)}")
        if at >= 0:
            rest = rest[at:]
        else:
            found = re.search(r"; (?=[A-Z])", rest)
            rest = rest[found.start() :] if found else ""
        message = f"{message[: got.start()]}{got.group(1)} got an invalid value{rest}"
    message = _ENCOUNTERED.sub(".", message)
    message = _FOUND.sub(lambda m: "" if m.group(0).startswith(" ") else ".", message)
    message = _CANNOT_REPRESENT.sub(r"\1.", message)
    return _NOT_IN_ENUM.sub(r"Value does not exist in '\1' enum.", message)


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
        """Give the operation's errors, raised or in its result, their codes."""
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
        if context.operation_type is OperationType.SUBSCRIPTION:
            yield
            return
        # What the execution's transactions did, for the outcome its failures report.
        with db.track_commits() as self._commits:
            if not budget:
                yield
                return
            try:
                async with asyncio.timeout(budget) as scope:
                    yield
            except TimeoutError:
                if scope.expired():
                    # The whole result is replaced (every Mutation field is non-null, so no
                    # finished field could be kept): the outcome says whether any change
                    # may be saved (a mutation finished before, or was stopped in COMMIT).
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
            # graphql-core's own parse, validation and coercion errors; their values are
            # dropped (always: a password sent in a misshapen input must not come back).
            extensions.setdefault("code", _code_for_unlocated(error))
            message = redact_values(message)
        elif isinstance(original, errors.Unauthenticated | errors.Forbidden):
            extensions["code"] = original.code
            message = translate(original.message_key, locale)
        elif isinstance(original, errors.InvalidInput):
            extensions["code"] = "BAD_USER_INPUT"
            extensions["fields"] = [{"field": p.field, "code": p.code} for p in original.problems]
            message = translate(original.code, locale)
        elif isinstance(original, GraphQLError):
            pass
        elif (kind := _outage_kind(original)) is not None or isinstance(
            original, errors.ExecutionTimeout
        ):
            # The database is gone, a lock wait or the execution budget ran out. One line in
            # the log (no traceback); view.py answers 503 + Retry-After for SERVICE_UNAVAILABLE
            # (tests/test_faults.py stops a real PostgreSQL), 504 for TIMEOUT. `outcome`:
            # "not_applied" (nothing was committed: a retry is safe) or "unknown" (a COMMIT
            # was cut off, or an earlier mutation of the request committed: some change may
            # be saved, so only requests with an idempotency key are safe to repeat).
            if kind is None:
                code = "TIMEOUT"
            else:
                code = "SERVICE_UNAVAILABLE" if kind == "unavailable" else "BUSY"
            outcome = self._outcome(original)
            extensions = {
                "code": code,
                "retryable": outcome == "not_applied",
                "outcome": outcome,
            }
            message = translate(
                code if outcome == "not_applied" else f"{code}_OUTCOME_UNKNOWN", locale
            )
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

    _commits: db.CommitLog | None = None

    def _outcome(self, original: BaseException) -> str:
        """ "unknown" when a change of this execution may be saved, else "not_applied"."""
        commits = self._commits
        if _has(original, errors.OutcomeUnknown) or (
            commits is not None and (commits.outcome_unknown or commits.committed)
        ):
            return "unknown"
        return "not_applied"


def _has(exc: BaseException | None, kind: type[BaseException]) -> bool:
    """Whether `exc` or one of its causes is a `kind`."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, kind):
            return True
        seen.add(id(exc))
        exc = exc.__cause__
    return False


def _outage_kind(original: BaseException) -> str | None:
    """ "unavailable" / "busy" for the database failures a retry may cure, else None."""
    if isinstance(original, errors.ServiceUnavailable):
        return "unavailable"
    if isinstance(original, errors.Busy):
        return "busy"
    if isinstance(original, errors.DomainError):
        return None
    return db.failure_kind(original)
