"""Relay connection building from service pages."""

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import strawberry
from strawberry import relay

from app.errors import FieldProblem, InvalidInput
from app.ids import MAX_PK, parse_pk, parse_pks
from app.pagination import Page

C = TypeVar("C", bound=relay.Connection)

# The paging arguments connection fields declare, described once (in the two wordings the
# fields use: `PageFirst`/`PageAfter` and `PageSize`/`AfterCursor`).
PageFirst = Annotated[
    int | None, strawberry.argument(description="Page size, 0..100 (more is BAD_USER_INPUT).")
]
PageAfter = Annotated[
    str | None,
    strawberry.argument(description="The `endCursor` of the previous page; null: the first page."),
]
PageSize = Annotated[
    int | None, strawberry.argument(description="Page size (default 20, at most 100).")
]
AfterCursor = Annotated[
    str | None,
    strawberry.argument(description="Cursor of the last item seen; null for the first page."),
]

__all__ = [
    "MAX_PK",
    "AfterCursor",
    "PageAfter",
    "PageFirst",
    "PageSize",
    "node_id",
    "node_pk",
    "parse_pk",
    "parse_pks",
    "to_connection",
]


def to_connection(connection_type: type[C], page: Page, convert: Callable[[Any], Any]) -> C:
    """Turn a keyset Page of models into a Relay connection of GraphQL nodes."""
    edges = [
        relay.Edge(node=convert(item), cursor=cursor)
        for item, cursor in zip(page.items, page.cursors, strict=True)
    ]
    return connection_type(
        edges=edges,
        page_info=relay.PageInfo(
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
            start_cursor=page.cursors[0] if page.cursors else None,
            end_cursor=page.cursors[-1] if page.cursors else None,
        ),
    )


def node_id(gid: relay.GlobalID | None, type_name: str, field: str) -> int | None:
    """The integer id inside a global id of `type_name`; InvalidInput naming `field` if the
    id is of another type, malformed or out of range."""
    if gid is None:
        return None
    pk = parse_pk(gid.node_id) if gid.type_name == type_name else None
    if pk is None:
        raise InvalidInput([FieldProblem(field, "INVALID_VALUE")])
    return pk


def node_pk(gid: relay.GlobalID | None, type_name: str) -> int | None:
    """Like `node_id` for lookups that answer null: None instead of an error."""
    if gid is None or gid.type_name != type_name:
        return None
    return parse_pk(gid.node_id)
