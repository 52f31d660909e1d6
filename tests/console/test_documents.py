"""The console's operations: one named operation per file, every one valid against the
schema and described, every one used by a page; the manifest the CLI prints."""

import json
import re
from pathlib import Path

from graphql import parse, validate

from app.console.operations import DOCUMENTS, documents, manifest
from app.graphql.schema import build_schema
from app.settings import Settings

PAGES = Path(__file__).resolve().parents[2] / "app" / "console"


def test_every_console_operation_is_valid_against_the_schema():
    schema = build_schema(Settings())._schema
    found = documents()
    assert found
    for name, text in found.items():
        errors = validate(schema, parse(text))
        assert not errors, f"{name}: {errors}"
        assert text.lstrip().startswith("#"), f"{name}: a comment says what the page uses it for"


def test_every_console_operation_is_used():
    code = "\n".join(p.read_text() for p in PAGES.rglob("*.py"))
    unused = [name for name in documents() if not re.search(rf'"{name}"', code)]
    assert unused == []


def test_the_manifest_lists_every_operation():
    data = json.loads(manifest())
    assert data["format"] == "apollo-persisted-query-manifest" and data["version"] == 1
    assert {op["name"] for op in data["operations"]} == set(documents())
    assert all(len(op["id"]) == 64 for op in data["operations"])
    assert len(list(DOCUMENTS.rglob("*.graphql"))) == len(documents())
