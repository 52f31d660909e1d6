"""Keyset pagination shared by every list: opaque cursors, bounded page size."""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from tortoise.queryset import QuerySet

from app.errors import FieldProblem, InvalidInput
from app.ids import parse_pk
from app.sql import PAGES_PER_OWNER, placeholders

T = TypeVar("T")
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
# The most global ids one `nodes(ids:)` resolves (the cost limits count each one).
MAX_NODE_IDS = 100


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    cursors: list[str]
    has_next_page: bool
    has_previous_page: bool


def encode_cursor(key: int) -> str:
    """An opaque cursor for a key."""
    return base64.urlsafe_b64encode(f"k:{key}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str, field: str = "after") -> int:
    """The key in a cursor from `encode_cursor` (InvalidInput if not one)."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        prefix, _, key = base64.urlsafe_b64decode(padded.encode()).decode().partition(":")
        value = parse_pk(key)
        if prefix != "k" or value is None:
            raise ValueError
        return value
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput([FieldProblem(field, "INVALID_VALUE")]) from None


def page_size(first: int | None, field: str = "first") -> int:
    """The page size asked for (the default when None; InvalidInput naming `field` when out
    of range)."""
    if first is None:
        return DEFAULT_PAGE_SIZE
    if first < 0 or first > MAX_PAGE_SIZE:
        raise InvalidInput([FieldProblem(field, "INVALID_VALUE", {"max": MAX_PAGE_SIZE})])
    return first


def is_backward(last: int | None, before: str | None) -> bool:
    """Whether a page asks for Relay backward paging (`last` or `before` given)."""
    return last is not None or before is not None


def backward_bounds(
    last: int | None, before: str | None, after: str | None
) -> tuple[int, int | None, int | None]:
    """(page size, key in `before`, key in `after`) of a backward page, InvalidInput naming
    `last`, `before` or `after` when one is out of range or not a cursor."""
    size = page_size(last, "last")
    return (
        size,
        decode_cursor(before, "before") if before is not None else None,
        decode_cursor(after) if after is not None else None,
    )


async def paginate_by_id(
    queryset: QuerySet,
    *,
    first: int | None,
    after: str | None,
    newest_first: bool = False,
    last: int | None = None,
    before: str | None = None,
) -> Page:
    """One page of `queryset` ordered by primary key, after the given cursor."""
    if is_backward(last, before):
        return await _page_backward(queryset, last=last, before=before, after=after,
                                    newest_first=newest_first)  # fmt: skip
    size = page_size(first)
    if after is not None:
        key = decode_cursor(after)
        queryset = queryset.filter(id__lt=key) if newest_first else queryset.filter(id__gt=key)
    rows = await queryset.order_by("-id" if newest_first else "id").limit(size + 1)
    items = rows[:size]
    return Page(
        items=items,
        cursors=[encode_cursor(row.id) for row in items],
        has_next_page=len(rows) > size,
        has_previous_page=after is not None,
    )


async def rows_page(
    model: type,
    row: type,
    *,
    where: str,
    params: list,
    first: int | None,
    after: str | None,
    newest_first: bool = False,
    computed: dict[str, str] | None = None,
) -> Page:
    """A forward page as `paginate_by_id` gives it, as plain rows: `row` (a NamedTuple) names
    the model's columns to read, each value converted as the model's field converts it;
    `where` is SQL with `{}` marking each of `params`. No query building, no model objects:
    for the lists every home screen reads. `computed`: the row's other fields, each an SQL
    expression read as it comes (another domain's scalar subquery, say)."""
    from app.db import connection

    size = page_size(first)
    conn = connection()
    values = list(params)
    if after is not None:
        where += ' AND "id" ' + ("<" if newest_first else ">") + " {}"
        values.append(decode_cursor(after))
    marks = placeholders(conn, len(values))
    computed = computed or {}
    table = model._meta.db_table
    columns = ", ".join(f'{computed[c]} AS "{c}"' if c in computed else f'"{table}"."{c}"'
                        for c in row._fields)  # fmt: skip
    sql = (f'SELECT {columns} FROM "{table}" WHERE {where.format(*marks)} '
           f'ORDER BY "id" {"DESC" if newest_first else "ASC"} LIMIT {size + 1}')  # fmt: skip
    _, found = await conn.execute_query(sql, values)
    fields = model._meta.fields_map
    convert = [(lambda v: v) if c in computed else fields[c].to_python_value for c in row._fields]
    items = [row(*(f(r[i]) for i, f in enumerate(convert))) for r in found[:size]]
    return Page(
        items=items,
        cursors=[encode_cursor(item.id) for item in items],
        has_next_page=len(found) > size,
        has_previous_page=after is not None,
    )


async def _page_backward(
    queryset: QuerySet,
    *,
    last: int | None,
    before: str | None,
    after: str | None,
    newest_first: bool,
) -> Page:
    """Relay backward paging (`last`/`before`, `first` ignored): the `last` items of the
    list (in its display order) that come before `before` (and after `after`).
    hasPreviousPage: more come before them; hasNextPage: something is left at or after
    `before` (one indexed EXISTS)."""
    size, key, after_key = backward_bounds(last, before, after)
    older, newer = "id__lt", "id__gt"
    earlier, later = (newer, older) if newest_first else (older, newer)
    if after_key is not None:
        queryset = queryset.filter(**{later: after_key})
    window = queryset
    if key is not None:
        window = queryset.filter(**{earlier: key})
        has_next = await queryset.filter(**{later + "e": key}).exists()
    else:
        has_next = False
    rows = await window.order_by("id" if newest_first else "-id").limit(size + 1)
    items = list(reversed(rows[:size]))
    return Page(
        items=items,
        cursors=[encode_cursor(row.id) for row in items],
        has_next_page=has_next,
        has_previous_page=len(rows) > size,
    )


async def newest_pages_per_owner(
    model: type,
    owner_ids: Sequence[int],
    *,
    size: int,
    before_id: int | None,
    owner: str = "member_id",
    where: dict[str, object] | None = None,
    after_id: int | None = None,
    oldest_first: bool = False,
) -> dict[int, tuple[list, bool]]:
    """Newest-first pages of several owners' rows in one query (for DataLoaders):
    {owner id: (rows, has more)}, rows with ids below `before_id` (and above `after_id`).
    `where` holds extra column = value filters. `oldest_first`: the oldest such rows,
    oldest first (backward paging on a newest-first list, see `backward_pages_per_owner`)."""
    from tortoise import connections

    conn = connections.get("default")
    params: list = list(owner_ids)
    clauses = []
    for column, value in (where or {}).items():
        params.append(value)
        clauses.append(f't."{column}" = {{}}')
    if before_id is not None:
        params.append(before_id)
        clauses.append('t."id" < {}')
    if after_id is not None:
        params.append(after_id)
        clauses.append('t."id" > {}')
    marks = placeholders(conn, len(params))
    filters = "".join(" AND " + c for c in clauses).format(*marks[len(owner_ids) :])
    sql = PAGES_PER_OWNER.format(
        owner=owner, table=model._meta.db_table, owners=", ".join(marks[: len(owner_ids)]),
        filters=filters, limit=int(size) + 1, order="ASC" if oldest_first else "DESC",
    )  # fmt: skip
    pages: dict[int, tuple[list, bool]] = {o: ([], False) for o in owner_ids}
    for row in await conn.execute_query_dict(sql, params):
        row = dict(row)
        row.pop("row_number")
        item = model._init_from_db(**row)
        key = getattr(item, owner)
        items, _ = pages[key]
        if len(items) < size:
            items.append(item)
        else:
            pages[key] = (items, True)
    return pages


async def backward_pages_per_owner(
    model: type,
    owner_ids: Sequence[int],
    *,
    size: int,
    before_id: int | None,
    after_id: int | None,
    owner: str = "member_id",
    where: dict[str, object] | None = None,
) -> dict[int, tuple[list, bool, bool]]:
    """`_page_backward` for several owners' newest-first lists at once (for DataLoaders):
    {owner id: (rows newest first, hasPreviousPage, hasNextPage)}: the `size` rows just
    newer than `before_id` (the `before` cursor; None: the oldest rows) and older than
    `after_id`. hasPreviousPage: newer rows remain; hasNextPage: a row at or older than
    `before_id` exists (one grouped query over the owner index for all owners)."""
    pages = await newest_pages_per_owner(
        model, owner_ids, size=size, before_id=after_id, after_id=before_id, owner=owner,
        where=where, oldest_first=True,
    )  # fmt: skip
    following: set[int] = set()
    if before_id is not None:
        query = model.filter(**{f"{owner}__in": list(owner_ids), "id__lte": before_id},
                             **(where or {}))  # fmt: skip
        if after_id is not None:
            query = query.filter(id__lt=after_id)
        following = set(await query.distinct().values_list(owner, flat=True))
    return {o: (list(reversed(rows)), more, o in following) for o, (rows, more) in pages.items()}


def per_owner_page_loader(
    fetch: Callable[..., Awaitable[dict[int, tuple[list, bool]]]],
) -> Callable[[list[tuple]], Awaitable[list[tuple[list, bool]]]]:
    """A DataLoader `load_fn` for keys `(owner id, page size, before id, *filters)`: one
    `fetch(owner_ids, size, before, *filters)` per distinct (size, before, *filters), so a
    list of owners asking for their first page costs one query, not one per owner.
    `fetch` answers {owner id: (rows, has more)} (see `newest_pages_per_owner`)."""

    async def load(keys: list[tuple]) -> list[tuple[list, bool]]:
        groups: dict[tuple, list[int]] = {}
        for owner_id, *rest in keys:
            groups.setdefault(tuple(rest), []).append(owner_id)
        found = {}
        for rest, owner_ids in groups.items():
            for owner_id, page in (await fetch(owner_ids, *rest)).items():
                found[(owner_id, *rest)] = page
        return [found[key] for key in keys]

    return load
