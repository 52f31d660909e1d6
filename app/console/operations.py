"""The console's GraphQL operations: one named operation per `.graphql` file under
`documents/<page>/`, executed against the API's own schema with the signed-in staff
member's token, so permissions, validation and typed errors are the API's.

The browser never sends a document: it names a page and posts a form; the server picks
the operation from this fixed set (which is therefore the console's trusted-document list,
`loyalty console-documents` prints it as an Apollo persisted-query manifest)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from graphql import OperationDefinitionNode, parse

from app.i18n import translate

DOCUMENTS = Path(__file__).parent / "documents"


@cache
def documents() -> dict[str, str]:
    """Operation name -> document text, read once from `documents/`."""
    found: dict[str, str] = {}
    for path in sorted(DOCUMENTS.rglob("*.graphql")):
        text = path.read_text(encoding="utf-8")
        operations = [d for d in parse(text).definitions if isinstance(d, OperationDefinitionNode)]
        if len(operations) != 1 or operations[0].name is None:
            raise ValueError(f"{path}: one named operation per file")
        name = operations[0].name.value
        if name != path.stem or name in found:
            raise ValueError(f"{path}: the operation must be named {path.stem} and be unique")
        found[name] = text
    return found


def manifest() -> str:
    """The console's operations as an Apollo persisted-query manifest (version 1)."""
    operations = [
        {"id": hashlib.sha256(text.encode()).hexdigest(), "name": name, "type":
         "mutation" if text.lstrip().startswith("mutation") else "query", "body": text}
        for name, text in sorted(documents().items())
    ]  # fmt: skip
    return json.dumps({"format": "apollo-persisted-query-manifest", "version": 1,
                       "operations": operations}, indent=2) + "\n"  # fmt: skip


@dataclass
class Outcome:
    """What an operation answered: its data, and its top-level errors (message, code)."""

    data: dict[str, Any] | None
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def codes(self) -> set[str]:
        return {e.get("code") or "" for e in self.errors}

    def get(self, *path: str, default: Any = None) -> Any:
        value: Any = self.data
        for key in path:
            if not isinstance(value, dict):
                return default
            value = value.get(key)
        return default if value is None else value


@dataclass
class Problems:
    """A mutation's refusal as a form shows it: one message for the whole form, and one per
    input field (keyed by the API's field name)."""

    form: str | None = None
    fields: dict[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.form or self.fields)


def _field_message(code: str, locale: str) -> str:
    """A field code's message; the generic one where it needs values the error's extensions
    do not carry (or the code has none)."""
    text = translate(code, locale)
    return translate("INVALID_INPUT", locale) if text == code or "{" in text else text


def problems(outcome: Outcome, result_field: str | None = None, locale: str = "en") -> Problems:
    """The refusal in `outcome` (top-level errors, or a UserError member of the mutation's
    result union at `result_field`); empty when it succeeded."""
    if outcome.errors:
        # BAD_USER_INPUT names the rejected input fields (codes only): each beside its field.
        fields = {f["field"]: _field_message(f.get("code", ""), locale) for e in outcome.errors
                  for f in e.get("fields") or [] if isinstance(f, dict) and "field" in f}  # fmt: skip
        rest = [e["message"] for e in outcome.errors if not e.get("fields")]
        return Problems(form="; ".join(rest) or None, fields=fields)
    payload = outcome.get(result_field) if result_field else None
    if isinstance(payload, dict) and "code" in payload and "message" in payload:
        fields = {f["field"]: f["message"] for f in payload.get("fields") or []}
        return Problems(form=None if fields else payload["message"], fields=fields)
    return Problems()
