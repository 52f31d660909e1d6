"""Every element of the built schema carries a description (issue 15: standard clients and
GraphiQL users read them). The walk covers types, fields, arguments, input fields and enum
values; introspection types and GraphQL's own scalars are exempt. Each missing element is
attributed to the domain that defines it, so `-k auth` checks one domain."""

from functools import cache

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
)
from strawberry.types.base import StrawberryObjectDefinition
from strawberry.types.enum import StrawberryEnumDefinition
from strawberry.types.union import StrawberryUnion

from app.graphql.schema import build_schema
from app.settings import Settings

BUILT_IN_SCALARS = {"String", "Int", "Float", "Boolean", "ID"}
DOMAINS = [
    "analytics",
    "auth",
    "campaigns",
    "community",
    "content",
    "earning",
    "integrations",
    "ledger",
    "members",
    "messaging",
    "offers",
    "privacy",
    "program",
    "rewards",
    "segments",
    "tiers",
    "graphql",
]


def _domain(module: str | None) -> str:
    """`app.<domain>.x` -> domain; anything else (strawberry's own types) -> graphql."""
    parts = (module or "").split(".")
    if len(parts) >= 2 and parts[0] == "app" and parts[1] in DOMAINS:
        return parts[1]
    return "graphql"


def _type_domain(schema, name: str) -> str:
    found = schema.get_type_by_name(name)
    if isinstance(found, StrawberryObjectDefinition):
        return _domain(found.origin.__module__)
    if isinstance(found, StrawberryEnumDefinition):
        return _domain(found.wrapped_cls.__module__)
    if isinstance(found, StrawberryUnion):
        # A result union belongs to the domain of its first member that is not a shared error.
        modules = [t.__strawberry_definition__.origin.__module__ for t in found.types]
        own = [m for m in modules if not m.startswith("app.graphql.")]
        return _domain((own or modules or [None])[0])
    return "graphql"


def _field_domain(schema, type_name: str, field_name: str) -> str:
    found = schema.get_type_by_name(type_name)
    if isinstance(found, StrawberryObjectDefinition):
        for field in found.fields:
            if schema.config.name_converter.get_graphql_name(field) != field_name:
                continue
            if field.base_resolver is not None:
                return _domain(field.base_resolver.wrapped_func.__module__)
            if field.origin is not None:
                return _domain(field.origin.__module__)
    return _type_domain(schema, type_name)


@cache
def _missing() -> tuple[tuple[str, str], ...]:
    return _missing_in(build_schema(Settings()))


def _missing_in(schema) -> tuple[tuple[str, str], ...]:
    """(domain, element) for every element without a description."""
    gql: GraphQLSchema = schema._schema
    missing: list[tuple[str, str]] = []
    for name, graphql_type in sorted(gql.type_map.items()):
        if name.startswith("__") or name in BUILT_IN_SCALARS:
            continue
        if not graphql_type.description:
            missing.append((_type_domain(schema, name), f"type {name}"))
        if isinstance(graphql_type, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in graphql_type.fields.items():
                domain = _field_domain(schema, name, field_name)
                if not field.description:
                    missing.append((domain, f"field {name}.{field_name}"))
                for arg_name, arg in field.args.items():
                    if not arg.description:
                        missing.append((domain, f"argument {name}.{field_name}({arg_name})"))
        elif isinstance(graphql_type, GraphQLInputObjectType):
            for field_name, field in graphql_type.fields.items():
                if not field.description:
                    missing.append((_type_domain(schema, name), f"input {name}.{field_name}"))
        elif isinstance(graphql_type, GraphQLEnumType):
            for value_name, value in graphql_type.values.items():
                if not value.description:
                    missing.append((_type_domain(schema, name), f"enum {name}.{value_name}"))
    return tuple(missing)


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_schema_element_has_a_description(domain):
    missing = [element for owner, element in _missing() if owner == domain]
    assert not missing, f"{len(missing)} undescribed in {domain}:\n" + "\n".join(missing)


def test_the_walk_reports_each_kind_of_undescribed_element():
    """The walk itself can fail: every kind of element without a description is reported."""
    from enum import Enum

    import strawberry

    @strawberry.enum
    class Colour(Enum):
        RED = "red"
        BLUE = strawberry.enum_value("blue", description="Blue.")

    @strawberry.input(description="An input.")
    class Filter:
        colour: Colour | None = None
        named: str = strawberry.field(default="", description="A name.")

    @strawberry.type(description="A query.")
    class Query:
        @strawberry.field
        def bare(self, filter: Filter | None = None) -> int:
            return 1

        @strawberry.field(description="Described.")
        def described(self) -> int:
            return 1

    found = {element for _, element in _missing_in(strawberry.Schema(query=Query))}
    assert found == {
        "type Colour",
        "enum Colour.RED",
        "input Filter.colour",
        "field Query.bare",
        "argument Query.bare(filter)",
    }


def test_possible_types_file_is_not_stale():
    """possibleTypes.json (Apollo Client's `possibleTypes`) matches a fresh export."""
    import json
    from pathlib import Path

    from app.cli import possible_types_json

    committed = (Path(__file__).resolve().parents[2] / "possibleTypes.json").read_text()
    fresh = possible_types_json()
    assert committed == fresh, (
        "possibleTypes.json is stale: run loyalty export-schema -o schema.graphql"
    )
    mapping = json.loads(fresh)
    assert mapping["Node"] and "Member" in mapping["Node"]
    assert "AuthSession" in mapping["AuthResult"]
