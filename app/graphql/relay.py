"""Relay connection building from service pages."""

from collections.abc import Callable
from typing import Any, TypeVar

from strawberry import relay

from app.errors import FieldProblem, InvalidInput
from app.pagination import Page

C = TypeVar("C", bound=relay.Connection)


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
    id is of another type or malformed."""
    if gid is None:
        return None
    if gid.type_name != type_name or not gid.node_id.isdigit():
        raise InvalidInput([FieldProblem(field, "INVALID_VALUE")])
    return int(gid.node_id)
