"""Primary keys read from outside (global ids, cursors): one parser, so nothing that is not
a key a BIGINT column can hold ever reaches the database."""

from collections.abc import Iterable

MAX_PK = 2**63 - 1  # the largest value of a signed 64-bit BIGINT


def parse_pk(raw: object) -> int | None:
    """The primary key `raw` spells, or None when it is not one: ASCII digits only (no sign,
    no spaces, no other scripts' digits such as '١٢'), 1..2^63-1."""
    text = str(raw)
    if not text or len(text) > 19 or not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if 1 <= value <= MAX_PK else None


def parse_pks(raw_ids: Iterable[object]) -> list[int | None]:
    """`parse_pk` of each, in order."""
    return [parse_pk(i) for i in raw_ids]
