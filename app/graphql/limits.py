"""Operation limits measured in time linear in the document: each fragment is visited once.

strawberry's QueryDepthLimiter and MaxAliasesLimiter expand every fragment spread again, so a
document of n fragments each spreading the previous twice costs 2^n steps. Here every
fragment definition is summarized once (its depth, aliases and cost, for its type
condition) and a spread adds that summary, so depth, aliases counted per spread and the
cost estimate come out of one pass over the document. The walk uses an explicit stack (no
recursion, whatever the nesting) and ignores spreads of unknown fragments and the back edges
of fragment cycles: graphql-core's validation reports those afterwards.

Measures, per operation (the document's worst operation is the one compared to a limit):

- depth: the number of nested object fields (`{ me { id } }` is 1); introspection fields
  (`__schema`, `__type`) and what is under them do not count, as with strawberry's limiter.
- aliases: aliased fields, a fragment's aliases counted once per spread; summed over the
  document's operations.
- cost: each field costs 1; a field with a `first` or `last` argument multiplies the cost of
  its selection by that argument (a literal, the request's variable, the variable's default,
  else the argument's default in the schema, else DEFAULT_PAGE_SIZE). An integral float
  counts as its integer (graphql-core accepts `100.0` for an Int variable); any other value
  that is not an integer (a string, boolean, object, list, non-integral or infinite float)
  counts as MAX_PAGE_SIZE, never as the default: graphql-core refuses it afterwards, but the
  cost it is compared with must not be smaller than any page it could run. A list of objects
  without such an argument multiplies it by LIST_WEIGHT; the `edges` of a connection do not
  multiply again (the connection field's page size already did). `nodes(ids:)` multiplies
  it by the number of ids (MAX_NODE_IDS when not known from the document and variables). Introspection fields
  (answered from the schema in memory) cost 1 each and do not multiply.
- introspection lists: lists of introspection objects nested in one another (at most
  INTROSPECTION_LISTS: `__schema { types { fields { args ...` is GraphiQL's three).

Fragment definitions and fragment spreads in the document are counted first. Documents
within every limit then meet graphql-core's validation, whose quadratic comparison of
fields sharing a response key gets a smaller budget (FIELD_COMPARISONS).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    NullValueNode,
    OperationDefinitionNode,
    OperationType,
    SchemaMetaFieldDef,
    SelectionSetNode,
    TypeMetaFieldDef,
    TypeNameMetaFieldDef,
    ValueNode,
    VariableNode,
    get_named_type,
)
from graphql.validation.rules import overlapping_fields_can_be_merged as overlapping_fields

from app.pagination import MAX_NODE_IDS, MAX_PAGE_SIZE

# Page size assumed for a `first`/`last` argument that is absent and has no default.
DEFAULT_PAGE_SIZE = 20
# Multiplier for a list of objects that takes no page size.
LIST_WEIGHT = 10
# Measures saturate here (2^53 - 1: still exact in a JavaScript client's numbers).
CEILING = 2**53 - 1
# The code of every limit error (graphql-core's validation errors carry the same one).
CODE = "GRAPHQL_VALIDATION_FAILED"
PAGE_ARGUMENTS = ("first", "last")
# A list field taking this argument (`nodes(ids:)`) multiplies its selection's cost by the
# number of ids given (MAX_NODE_IDS when that is not a list known before execution).
ID_LIST_ARGUMENT = "ids"
# graphql-core's OverlappingFieldsCanBeMergedRule compares fields that share a response key
# pairwise: `{ me { id } me { id } ... }` is quadratic (450 copies spend its default budget
# of 500,000 units, about 2 s of CPU, before it aborts). Realistic documents spend nothing
# or a few units; this budget keeps the worst case near 0.1 s.
FIELD_COMPARISONS = 20_000
# Lists of introspection objects nested in one another: GraphiQL's query needs three
# (types > fields > args); each more multiplies the answer by the schema's size.
INTROSPECTION_LISTS = 3


@dataclass(frozen=True)
class Limits:
    """The maxima one deployment allows (from `Settings`)."""

    depth: int
    aliases: int
    cost: int
    fragments: int
    fragment_spreads: int


@dataclass(frozen=True)
class Measures:
    """What one document measures; depth and cost are its worst operation's."""

    fragments: int
    fragment_spreads: int
    depth: int
    aliases: int
    cost: int
    introspection_lists: int = 0


def limit_error(limit: str, maximum: int, actual: int) -> GraphQLError:
    """The one error answered when `limit` is exceeded, saying by how much."""
    messages = {
        "fragments": f"Document defines {actual} fragments, more than the limit of {maximum}.",
        "fragmentSpreads": (
            f"Document has {actual} fragment spreads, more than the limit of {maximum}."
        ),
        "depth": f"Query depth {actual} exceeds the limit of {maximum}.",
        "aliases": f"Query has {actual} aliases, more than the limit of {maximum}.",
        "cost": f"Query cost {actual} exceeds the limit of {maximum}.",
        "introspectionLists": (
            f"Introspection nests {actual} lists, more than the limit of {maximum}."
        ),
    }
    return GraphQLError(
        messages[limit],
        extensions={"code": CODE, "limit": limit, "maximum": maximum, "actual": actual},
    )


def comparisons_error() -> GraphQLError:
    """graphql-core aborted validation: too many fields share a response key."""
    return GraphQLError(
        "Query repeats the same fields too often to be validated "
        f"(more than {FIELD_COMPARISONS} comparisons).",
        extensions={"code": CODE, "limit": "fieldComparisons", "maximum": FIELD_COMPARISONS},
    )


def bound_field_comparisons() -> None:
    """Lower graphql-core's comparison budget (a module attribute it reads per validation)."""
    overlapping_fields.MAX_COMPLEXITY_BUDGET = FIELD_COMPARISONS


def first_exceeded(measures: Measures, limits: Limits) -> GraphQLError | None:
    """The error for the first limit `measures` exceed, in the order they are checked."""
    for limit, maximum, actual in (
        ("fragments", limits.fragments, measures.fragments),
        ("fragmentSpreads", limits.fragment_spreads, measures.fragment_spreads),
        ("depth", limits.depth, measures.depth),
        ("aliases", limits.aliases, measures.aliases),
        ("cost", limits.cost, measures.cost),
        ("introspectionLists", INTROSPECTION_LISTS, measures.introspection_lists),
    ):
        if actual > maximum:
            return limit_error(limit, maximum, actual)
    return None


# ---------------------------------------------------------------------------------------
# The document's shape: fragments, spreads and the variables page sizes come from


@dataclass
class Shape:
    """Found in one linear pass: what must be known before measuring."""

    fragments: dict[str, FragmentDefinitionNode]
    fragment_count: int
    spread_count: int
    # fragment name -> names of the fragments it spreads (in order, repeats kept once)
    spreads: dict[str, list[str]]
    # variables named as a `first`/`last` argument anywhere: the cost depends on them
    page_variables: frozenset[str]


def _selection_sets(root: SelectionSetNode):
    """Every selection of the tree under `root`, without recursion."""
    stack = [root]
    while stack:
        for selection in stack.pop().selections:
            yield selection
            child = getattr(selection, "selection_set", None)  # spreads have none
            if child is not None:
                stack.append(child)


def shape_of(document: DocumentNode) -> Shape:
    """The document's fragments, counts of fragments and spreads, what each
    fragment spreads and the variables used as page sizes."""
    fragments: dict[str, FragmentDefinitionNode] = {}
    fragment_count = spread_count = 0
    spreads: dict[str, list[str]] = {}
    page_variables: set[str] = set()
    for definition in document.definitions:
        if isinstance(definition, FragmentDefinitionNode):
            fragment_count += 1
            name = definition.name.value
            if name in fragments:  # a duplicate: graphql-core reports it; the first counts
                continue
            fragments[name] = definition
            own: dict[str, None] = {}
        elif isinstance(definition, OperationDefinitionNode):
            own = {}
        else:
            continue
        for selection in _selection_sets(definition.selection_set):
            if isinstance(selection, FragmentSpreadNode):
                spread_count += 1
                own[selection.name.value] = None
            elif isinstance(selection, FieldNode):
                for argument in selection.arguments or ():
                    if argument.name.value in PAGE_ARGUMENTS and isinstance(
                        argument.value, VariableNode
                    ):
                        page_variables.add(argument.value.name.value)
        if isinstance(definition, FragmentDefinitionNode):
            spreads[definition.name.value] = list(own)
    return Shape(fragments, fragment_count, spread_count, spreads, frozenset(page_variables))


def _dependency_order(shape: Shape) -> list[str]:
    """Fragment names, each after the fragments it spreads; cycles broken at a back edge."""
    order: list[str] = []
    state: dict[str, int] = {}  # 1: in progress, 2: done
    for start in shape.fragments:
        if start in state:
            continue
        state[start] = 1
        stack = [(start, iter(shape.spreads[start]))]
        while stack:
            name, children = stack[-1]
            for child in children:
                if child in shape.fragments and child not in state:
                    state[child] = 1
                    stack.append((child, iter(shape.spreads[child])))
                    break
            else:
                stack.pop()
                state[name] = 2
                order.append(name)
    return order


# ---------------------------------------------------------------------------------------
# Measuring with the schema


def _field_definition(schema: GraphQLSchema, parent: Any, name: str) -> GraphQLField | None:
    if name == "__typename":
        return TypeNameMetaFieldDef
    if parent is not None and parent is schema.query_type:
        if name == "__schema":
            return SchemaMetaFieldDef
        if name == "__type":
            return TypeMetaFieldDef
    if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
        return parent.fields.get(name)
    return None


def _int_literal(node: IntValueNode) -> int:
    """The literal's value; thousands of digits (int() refuses them) saturate."""
    text = node.value
    return int(text) if len(text) < 16 else (-CEILING if text.startswith("-") else CEILING)


def _page_value(raw: Any) -> int | None:
    """A request variable's value as a page size: None when absent or null, an int (an
    integral float counts as its int), else MAX_PAGE_SIZE (strings, booleans, objects,
    lists, fractions, infinities: refused by graphql-core later, never cheaper here)."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        return MAX_PAGE_SIZE
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and math.isfinite(raw) and raw.is_integer():
        return int(raw)
    return MAX_PAGE_SIZE


def _page_literal(node: ValueNode) -> int | None:
    """A literal in the document as a page size: None for null, its value for an Int, else
    MAX_PAGE_SIZE (`100.0`, `"100"`, `true`, enums, lists, objects: invalid for an Int)."""
    if isinstance(node, NullValueNode):
        return None
    if isinstance(node, IntValueNode):
        return _int_literal(node)
    return MAX_PAGE_SIZE


def _is_introspection(type_: Any) -> bool:
    return type_ is not None and type_.name.startswith("__")


def _is_connection(type_: Any) -> bool:
    if not isinstance(type_, GraphQLObjectType):
        return False
    fields = type_.fields
    return "edges" in fields and "pageInfo" in fields


class _Meter:
    def __init__(
        self,
        schema: GraphQLSchema,
        variables: Mapping[str, Any],
        defaults: Mapping[str, Any],
    ):
        self.schema = schema
        self.variables = variables
        self.defaults = defaults  # the operations' variable defaults, as page sizes
        self.fragments: dict[str, tuple[int, int, int, int]] = {}

    def _page_size(self, definition: GraphQLField, node: FieldNode) -> int | None:
        """The page size of a field taking `first`/`last`, None for other fields."""
        page_args = [name for name in PAGE_ARGUMENTS if name in definition.args]
        if not page_args:
            return None
        given: dict[str, Any] = {}
        for argument in node.arguments or ():
            name = argument.name.value
            if name not in page_args:
                continue
            value = argument.value
            if isinstance(value, VariableNode):
                var = value.name.value
                size = _page_value(self.variables.get(var))
                if size is None:
                    size = self.defaults.get(var)
            else:
                size = _page_literal(value)
            if size is not None:
                given[name] = size
        sizes = list(given.values())
        if not sizes:
            for name in page_args:
                default = definition.args[name].default_value
                if isinstance(default, int) and not isinstance(default, bool):
                    sizes.append(default)
        size = max(sizes) if sizes else DEFAULT_PAGE_SIZE
        return min(max(size, 1), CEILING)

    def _id_count(self, node: FieldNode) -> int:
        """How many ids a `nodes(ids:)` field names: the literal list's or the variable's
        length, else MAX_NODE_IDS (the resolver refuses more than that)."""
        for argument in node.arguments or ():
            if argument.name.value != ID_LIST_ARGUMENT:
                continue
            value = argument.value
            if isinstance(value, ListValueNode):
                return min(max(len(value.values), 1), MAX_NODE_IDS)
            if isinstance(value, VariableNode):
                given = self.variables.get(value.name.value)
                if isinstance(given, list):
                    return min(max(len(given), 1), MAX_NODE_IDS)
        return MAX_NODE_IDS

    def _fold(
        self, definition: GraphQLField | None, node: FieldNode, parent: Any
    ) -> tuple[int, int, int, int]:
        """How a field folds its selection's measures into its parent's:
        (multiplier, aliased, counts for depth, introspection list)."""
        aliased = 1 if node.alias is not None else 0
        name = node.name.value
        if definition is None:
            return 1, aliased, 1, 0
        type_ = definition.type
        if isinstance(type_, GraphQLNonNull):
            type_ = type_.of_type
        is_list = isinstance(type_, GraphQLList)
        if name.startswith("__") or _is_introspection(parent):
            # Answered from the schema in memory: no multiplier, no depth, but lists of
            # introspection objects nest at most INTROSPECTION_LISTS deep.
            return 1, aliased, 0, 1 if is_list else 0
        size = self._page_size(definition, node)
        if size is not None:
            return size, aliased, 1, 0
        if is_list and ID_LIST_ARGUMENT in definition.args:
            return self._id_count(node), aliased, 1, 0
        if is_list and not _is_connection(parent):
            return LIST_WEIGHT, aliased, 1, 0
        return 1, aliased, 1, 0

    def measure(self, root: SelectionSetNode, root_type: Any) -> tuple[int, int, int, int]:
        """(depth, aliases, cost, introspection lists) of `root` on `root_type`."""
        schema = self.schema
        # A frame: [selections, parent type, depth, aliases, cost, introspection lists,
        # how to fold it into the frame below: a field's _fold, None for inline fragments]
        stack: list[list[Any]] = [[iter(root.selections), root_type, 0, 0, 0, 0, None]]
        while True:
            frame = stack[-1]
            selection = next(frame[0], None)
            if selection is None:
                stack.pop()
                _, _, depth, aliases, cost, lists, fold = frame
                if not stack:
                    return depth, aliases, cost, lists
                parent = stack[-1]
                if fold is not None:
                    multiplier, aliased, deepens, listed = fold
                    depth = depth + 1 if deepens else 0
                    aliases += aliased
                    cost = 1 + multiplier * cost
                    lists += listed
                self._add(parent, depth, aliases, cost, lists)
                continue
            if isinstance(selection, FieldNode):
                name = selection.name.value
                definition = _field_definition(schema, frame[1], name)
                fold = self._fold(definition, selection, frame[1])
                if selection.selection_set is None:
                    self._add(frame, 0, fold[1], 1, 0)
                    continue
                child_type = get_named_type(definition.type) if definition else None
                stack.append(
                    [iter(selection.selection_set.selections), child_type, 0, 0, 0, 0, fold]
                )
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                type_ = schema.get_type(condition.name.value) if condition else frame[1]
                stack.append([iter(selection.selection_set.selections), type_, 0, 0, 0, 0, None])
            elif isinstance(selection, FragmentSpreadNode):
                # Unknown fragments and the back edge of a cycle add nothing here.
                self._add(frame, *self.fragments.get(selection.name.value, (0, 0, 0, 0)))

    @staticmethod
    def _add(frame: list[Any], depth: int, aliases: int, cost: int, lists: int) -> None:
        frame[2] = max(frame[2], depth)
        frame[3] = min(frame[3] + aliases, CEILING)
        frame[4] = min(frame[4] + cost, CEILING)
        frame[5] = max(frame[5], lists)


def _root_type(schema: GraphQLSchema, operation: OperationDefinitionNode) -> Any:
    return {
        OperationType.QUERY: schema.query_type,
        OperationType.MUTATION: schema.mutation_type,
        OperationType.SUBSCRIPTION: schema.subscription_type,
    }.get(operation.operation)


def _variable_defaults(document: DocumentNode) -> dict[str, int]:
    """Each variable's default as a page size; the largest when operations disagree (a
    fragment is measured once for every operation spreading it)."""
    defaults: dict[str, int] = {}
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            for var in definition.variable_definitions or ():
                if var.default_value is None:
                    continue
                size = _page_literal(var.default_value)
                name = var.variable.name.value
                if size is not None and (name not in defaults or size > defaults[name]):
                    defaults[name] = size
    return defaults


def measure(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: Mapping[str, Any] | None = None,
    *,
    shape: Shape | None = None,
) -> Measures:
    """Depth, aliases and cost of `document`, linear in its size."""
    shape = shape or shape_of(document)
    meter = _Meter(schema, variables or {}, _variable_defaults(document))
    for name in _dependency_order(shape):
        fragment = shape.fragments[name]
        meter.fragments[name] = meter.measure(
            fragment.selection_set, schema.get_type(fragment.type_condition.name.value)
        )
    depth = aliases = cost = lists = 0
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            d, a, c, n = meter.measure(definition.selection_set, _root_type(schema, definition))
            depth, aliases, cost = max(depth, d), min(aliases + a, CEILING), max(cost, c)
            lists = max(lists, n)
    return Measures(shape.fragment_count, shape.spread_count, depth, aliases, cost, lists)


class Verdict:
    """One document's checks against the limits, kept with the cached document.

    Everything but the cost depends on the document alone; the cost also depends on the
    variables used as page sizes, if any: then it is measured per distinct set of their
    values (a few kept).
    """

    KEEP = 8

    def __init__(self, schema: GraphQLSchema, document: DocumentNode, limits: Limits):
        self.schema, self.document, self.limits = schema, document, limits
        self.shape = shape = shape_of(document)
        self.error: GraphQLError | None = None
        self._by_variables: dict[tuple, GraphQLError | None] = {}
        if shape.fragment_count > limits.fragments:
            self.error = limit_error("fragments", limits.fragments, shape.fragment_count)
        elif shape.spread_count > limits.fragment_spreads:
            self.error = limit_error("fragmentSpreads", limits.fragment_spreads, shape.spread_count)
        elif not shape.page_variables:
            self.error = first_exceeded(measure(schema, document, shape=shape), limits)

    def check(self, variables: Mapping[str, Any] | None) -> GraphQLError | None:
        """The limit error for this request, or None."""
        if self.error is not None or not self.shape.page_variables:
            return self.error
        variables = variables if isinstance(variables, Mapping) else {}
        # The values as the measure reads them: requests measuring alike share an entry.
        key = tuple(_page_value(variables.get(name)) for name in sorted(self.shape.page_variables))
        if key not in self._by_variables:
            if len(self._by_variables) >= self.KEEP:
                self._by_variables.pop(next(iter(self._by_variables)))
            found = measure(self.schema, self.document, variables, shape=self.shape)
            self._by_variables[key] = first_exceeded(found, self.limits)
        return self._by_variables[key]
