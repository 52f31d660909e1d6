"""HTML built from values, escaped by default: the console's only way to write markup.

`el("td", name)` escapes `name`; only `Html` (what `el`, `raw` and `join` return) passes
through unescaped, so a value read from the API can never become markup."""

from __future__ import annotations

import html
from collections.abc import Iterable


class Html(str):
    """Markup that is already safe to send."""

    __slots__ = ()


def esc(value: object) -> Html:
    """`value` as text safe in an element or an attribute value."""
    if isinstance(value, Html):
        return value
    return Html(html.escape("" if value is None else str(value), quote=True))


def raw(markup: str) -> Html:
    """Markup written in our own code (never a value from a request or the API)."""
    return Html(markup)


def _children(children: Iterable) -> Iterable[str]:
    for child in children:
        if child is None or child is False:
            continue
        if isinstance(child, (list, tuple)) or (
            not isinstance(child, str) and hasattr(child, "__iter__")
        ):
            yield from _children(child)
        else:
            yield esc(child)


def join(*children) -> Html:
    """The children one after another (lists flattened, None skipped, text escaped)."""
    return Html("".join(_children(children)))


VOID = frozenset({"input", "br", "meta", "link", "img", "hr"})


def _attr_name(key: str) -> str:
    return key.rstrip("_").replace("_", "-")


def el(tag: str, *children, **attrs) -> Html:
    """`<tag attrs>children</tag>`: attribute names `class_` -> class, `data_x` -> data-x,
    `aria_label` -> aria-label; True writes a bare attribute, None and False none."""
    parts = [tag]
    for key, value in attrs.items():
        if value is None or value is False:
            continue
        name = _attr_name(key)
        parts.append(name if value is True else f'{name}="{esc(value)}"')
    opening = "<" + " ".join(parts) + ">"
    if tag in VOID:
        return Html(opening)
    return Html(opening + join(*children) + f"</{tag}>")
