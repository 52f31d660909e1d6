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


@strawberry.type(name="InvalidCredentials")
class InvalidCredentialsError(UserError):
    pass


@strawberry.type(
    name="TooManyAttempts", description="Locked out for a while after repeated failures."
)
class TooManyAttemptsError(UserError):
    retry_after_seconds: int


@strawberry.type(name="EmailAlreadyRegistered")
class EmailAlreadyRegisteredError(UserError):
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
    if isinstance(exc, errors.TooManyAttempts):
        return TooManyAttemptsError(
            code=exc.code, message=message, retry_after_seconds=exc.retry_after_seconds
        )
    by_type: dict[type, type] = {
        errors.InvalidCredentials: InvalidCredentialsError,
        errors.EmailAlreadyRegistered: EmailAlreadyRegisteredError,
    }
    error_type = by_type.get(type(exc))
    if error_type is None:
        raise exc
    return error_type(code=exc.code, message=message)


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
