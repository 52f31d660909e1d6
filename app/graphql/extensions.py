"""Parsing and validation with the deployment's limits, cached, in one extension.

Parsing is strawberry's shared LRU parse cache with graphql-core's token limit. Before
graphql-core's validation, `app.graphql.limits` measures the document (fragment and spread
counts, depth, aliases, cost) in one pass linear in its size, visiting each fragment once:
a document over a limit is answered with that one error and never reaches the (costlier)
validation rules. Verdicts and validation results are cached per document, so a repeated
query costs one lookup; a new text (a random comment defeats the caches) costs linear work.
One extension rather than several: every extension costs hook calls on every request, and
this path is hot.
"""

from collections.abc import Iterator
from functools import lru_cache

from graphql import DocumentNode, GraphQLError, GraphQLSchema
from graphql.validation import NoSchemaIntrospectionCustomRule
from graphql.validation.validate import ValidationAbortedError
from strawberry.extensions import SchemaExtension
from strawberry.extensions.parser_cache import _get_parse_cache
from strawberry.schema.schema import validate_document

from app.graphql.limits import Limits, Verdict, bound_field_comparisons, comparisons_error
from app.settings import Settings

CACHE_SIZE = 1000
TEXT_KEY_LIMIT = 20_000  # longer texts are looked up by their document


class _Checked:
    """One document's limit verdict and, once it passed, its validation errors."""

    __slots__ = ("errors", "verdict")

    def __init__(self, verdict: Verdict):
        self.verdict = verdict
        self.errors: dict[tuple, list[GraphQLError]] = {}  # per tuple of validation rules


def operation_limits(settings: Settings) -> type[SchemaExtension]:
    """An extension class enforcing `settings`' limits before execution."""
    # Rule classes are built once: cached validation results are keyed on them.
    rules = () if settings.introspection else (NoSchemaIntrospectionCustomRule,)
    limits = Limits(
        depth=settings.max_query_depth,
        aliases=settings.max_aliases,
        cost=settings.max_query_cost,
        fragments=settings.max_fragments,
        fragment_spreads=settings.max_fragment_spreads,
    )
    max_tokens = settings.max_tokens
    bound_field_comparisons()
    parse = _get_parse_cache(CACHE_SIZE)

    @lru_cache(maxsize=CACHE_SIZE)
    def checked(schema: GraphQLSchema, document: DocumentNode) -> _Checked:
        return _Checked(Verdict(schema, document, limits))

    # The same entries by the document's text: hashing a document walks its whole tree on
    # every lookup, a string's hash is kept. Taken only for the very document object the
    # parse cache gave for that text and this schema (identity), so a text never meets
    # another document.
    by_text: dict[str, tuple[GraphQLSchema, DocumentNode, _Checked]] = {}

    def checked_text(schema: GraphQLSchema, text: object, document: DocumentNode) -> _Checked:
        if not isinstance(text, str) or len(text) > TEXT_KEY_LIMIT:  # (memory: 1000 of these)
            return checked(schema, document)
        found = by_text.get(text)
        if found is not None and found[0] is schema and found[1] is document:
            return found[2]
        entry = checked(schema, document)
        if len(by_text) >= CACHE_SIZE:
            by_text.pop(next(iter(by_text)))  # the oldest
        by_text[text] = (schema, document, entry)
        return entry

    class OperationLimits(SchemaExtension):
        def on_parse(self) -> Iterator[None]:
            context = self.execution_context
            context.parse_options["max_tokens"] = max_tokens
            try:  # noqa: SIM105
                context.graphql_document = parse(context.query, **context.parse_options)
            except GraphQLError:
                # Not raised from this hook: strawberry parses again inside its own error
                # handling, so the error reaches the result (HTTP and WebSocket) with its code.
                pass
            yield

        def on_validate(self) -> Iterator[None]:
            context = self.execution_context
            schema = context.schema._schema
            entry = checked_text(schema, context.query, context.graphql_document)
            error = entry.verdict.check(context.variables)
            if error is not None:
                context.pre_execution_errors = [error]
            else:
                context.validation_rules = context.validation_rules + rules
                key = tuple(context.validation_rules)
                if key not in entry.errors:
                    errors = validate_document(schema, context.graphql_document, key)
                    if any(isinstance(e, ValidationAbortedError) for e in errors):
                        errors = [comparisons_error()]
                    entry.errors[key] = errors
                context.pre_execution_errors = entry.errors[key]
            yield

    return OperationLimits
