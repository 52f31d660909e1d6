"""Expected failures become typed results, once for the whole schema.

A resolver raises (or lets through) a `DomainError`; it never catches one to answer it.
`error_handlers()` gives the schema one strawberry exception handler per GraphQL error type
declared with `app/graphql/errors.py::error_type` (and `InvalidInput`). Strawberry matches a
handler to a field at schema-build time, and only when the handler's error type is a member
of that field's return union, so:

- a `DomainError` whose error type is in the field's union is answered as that member, in
  the caller's language (`Context.locale()`: the viewer's own, else Accept-Language);
- anything else propagates to ErrorCodes as a top-level error with `extensions.code`:
  Unauthenticated and Forbidden (they have no union type), errors whose type the field's
  union lacks, and every exception that is not a `DomainError`;
- fields whose return type is not such a union get no handler at all and resolve exactly as
  before (strawberry's plain path; nothing is wrapped and nothing is awaited on success).
"""

from __future__ import annotations

from typing import Any

from strawberry.types import Info
from strawberry.types.field import StrawberryField

from app import errors
from app.graphql.errors import declared_error_types, user_error


class TypedError:
    """Answers the domain errors `exception_type` (exact classes) with `error_type`."""

    def __init__(self, error_type: type, exception_type: tuple[type[errors.DomainError], ...]):
        self.error_type = error_type
        self.exception_type = exception_type

    async def handle(
        self, exception: errors.DomainError, *, field: StrawberryField, info: Info
    ) -> Any:
        """The union member for `exception`; None (re-raise it) for a subclass of one of
        `exception_type` that is not itself declared here."""
        if type(exception) not in self.exception_type:
            return None
        return user_error(exception, await info.context.locale())


def error_handlers() -> list[TypedError]:
    """One handler per declared error type; a subclass's before its base's (first match
    wins). Called when the schema is built, after every domain's types are imported."""
    by_type: dict[type, list[type[errors.DomainError]]] = {}
    for domain_error, gql in declared_error_types().items():
        by_type.setdefault(gql, []).append(domain_error)
    handlers = [TypedError(gql, tuple(found)) for gql, found in by_type.items()]
    return sorted(handlers, key=lambda h: -max(len(e.__mro__) for e in h.exception_type))
