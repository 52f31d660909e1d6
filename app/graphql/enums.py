"""Model enums as described GraphQL enums, for every domain's types module."""

import strawberry


def described_enum(enum: type, *, name: str, description: str, values: dict[str, str]) -> type:
    """`enum` (a plain model enum) as the GraphQL enum `name`, with a description for the
    type and for every value. strawberry takes value descriptions only from
    `strawberry.enum_value` in the class body, and the models' enums stay free of strawberry,
    so the definition is described in place; a definition an annotation made already is
    reused (a second one would clash). A value without a description is a KeyError at import,
    so a new model value cannot reach the schema undescribed."""
    definition = getattr(enum, "__strawberry_definition__", None)
    if definition is None:
        definition = strawberry.enum(enum, name=name).__strawberry_definition__  # type: ignore[attr-defined]
    assert definition.name == name, (definition.name, name)
    definition.description = description
    for value in definition.values:
        value.description = values[value.name]
    return enum
