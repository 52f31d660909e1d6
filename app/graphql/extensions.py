"""Parsing and validation with the deployment's limits, cached, in one extension.

This does what ParserCache + MaxTokensLimiter + AddValidationRules(QueryDepthLimiter,
MaxAliasesLimiter) + ValidationCache do, with strawberry's own shared LRU caches, but as one
extension: every extension costs hook calls on every request, and this path is hot.
"""

from collections.abc import Iterator

from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.extensions.parser_cache import _get_parse_cache
from strawberry.extensions.validation_cache import _get_validate_cache

from app.settings import Settings

CACHE_SIZE = 1000


def operation_limits(settings: Settings) -> type[SchemaExtension]:
    """An extension class enforcing `settings`' limits before execution."""
    # Rule classes are built once: the validation cache keys on them.
    rules = (
        *QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
        *(() if settings.introspection else (NoSchemaIntrospectionCustomRule,)),
    )
    max_tokens = MaxTokensLimiter(max_token_count=settings.max_tokens).max_token_count
    parse = _get_parse_cache(CACHE_SIZE)
    validate = _get_validate_cache(CACHE_SIZE)

    class OperationLimits(SchemaExtension):
        def on_parse(self) -> Iterator[None]:
            context = self.execution_context
            context.parse_options["max_tokens"] = max_tokens
            context.graphql_document = parse(context.query, **context.parse_options)
            yield

        def on_validate(self) -> Iterator[None]:
            context = self.execution_context
            context.validation_rules = context.validation_rules + rules
            context.pre_execution_errors = validate(
                context.schema._schema, context.graphql_document, context.validation_rules
            )
            yield

    return OperationLimits
