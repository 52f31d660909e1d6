"""Typed user errors for mutation unions, top-level error codes, and masking.

Expected outcomes are union members implementing `UserError`; authentication and
authorization failures are top-level errors with `extensions.code`; anything unexpected is
masked as INTERNAL_SERVER_ERROR, logged with the request id, and that id is returned.
"""

import logging
from collections.abc import Iterator

import strawberry
from graphql import GraphQLError
from graphql.error import GraphQLSyntaxError
from strawberry.extensions import SchemaExtension

from app import errors
from app.i18n import translate

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


@error_type(errors.TooManyAttempts, description="Locked out for a while after repeated failures.")
class TooManyAttemptsError(UserError):
    retry_after_seconds: int


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


def _code_for_unlocated(error: GraphQLError) -> str:
    """Errors without an original exception come from parsing, validation or coercion."""
    if isinstance(error, GraphQLSyntaxError):
        return "GRAPHQL_PARSE_FAILED"
    message = error.message
    if (
        message.startswith("Variable '$")
        or "cannot represent" in message
        or message.startswith("Expected value of type")
        or "got invalid value" in message
    ):
        return "BAD_USER_INPUT"
    return "GRAPHQL_VALIDATION_FAILED"


class ErrorCodes(SchemaExtension):
    """Give every error an `extensions.code` and the request id; mask the unexpected."""

    def on_operation(self) -> Iterator[None]:
        yield
        self._process_result(self.execution_context.result)

    def on_stream_result(self, result: object) -> Iterator[None]:
        """Subscription events (and their errors) pass here, not through on_operation."""
        self._process_result(result)
        yield

    def _process_result(self, result: object) -> None:
        errors = getattr(result, "errors", None)
        if not errors:
            return
        context = self.execution_context.context
        request_id = getattr(context, "request_id", None)
        locale = getattr(context, "locale_hint", None) or "en"
        # Idempotent: a processed error has a code and no original error left.
        result.errors = [self._process(e, request_id, locale) for e in errors]

    def _process(self, error: GraphQLError, request_id: str | None, locale: str) -> GraphQLError:
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
        else:
            log.error(
                "unexpected error in %s (request %s)", error.path, request_id, exc_info=original
            )
            extensions = {"code": "INTERNAL_SERVER_ERROR"}
            message = translate("INTERNAL_SERVER_ERROR", locale)
        if request_id:
            extensions["requestId"] = request_id
        return GraphQLError(
            message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            original_error=None,
            extensions=extensions,
        )
