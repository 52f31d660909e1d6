"""Operation limits measured in linear time: fragment bombs, cost, depth, aliases, caps."""

import asyncio
import importlib
import json
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest
from graphql import get_introspection_query, parse
from strawberry.relay import from_base64

from app.graphql.limits import measure
from app.graphql.schema import build_schema
from app.main import create_app
from app.settings import Settings
from tests.helpers import gql, sign_up

LIMIT_KEYS = {"code", "limit", "maximum", "actual", "requestId"}


def bomb(levels: int, comment: str = "") -> str:
    """`{ ...F<n-1> }`, each fragment spreading the previous one twice: 2^(n-1) expanded."""
    parts = [
        f"#{comment}\n" if comment else "",
        f"{{...F{levels - 1}}}",
        "fragment F0 on Query{__typename}",
    ]
    parts += [f"fragment F{i} on Query{{...F{i - 1} ...F{i - 1}}}" for i in range(1, levels)]
    return "".join(parts)


def limit_error(body: dict) -> dict:
    assert body.get("data") is None, body
    assert len(body["errors"]) == 1, body
    error = body["errors"][0]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED", error
    assert set(error["extensions"]) == LIMIT_KEYS, error
    return error


@pytest.fixture(scope="module")
def schema():
    return build_schema(Settings())._schema


@pytest.fixture
async def tight(app, settings_with):
    """The same API with small limits, to reach each one with a short valid document."""
    limited = create_app(
        settings_with(max_query_depth=2, max_aliases=3, max_fragments=3, max_fragment_spreads=4),
        manage_database=False,
    )
    transport = httpx.ASGITransport(app=limited)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        yield c


async def test_fragment_bomb_is_refused_fast_over_post_and_get_while_health_answers(
    live_server,
):
    assert len(bomb(40)) < 1600
    timings = []
    async with httpx.AsyncClient(base_url=f"http://{live_server}", timeout=10) as c:
        assert (await c.get("/health")).status_code == 200  # the connection is open
        for _attempt in range(3):
            for method in ("POST", "GET"):
                query = bomb(40, uuid.uuid4().hex)  # a new text: no cache can help
                if method == "POST":
                    request = c.post("/graphql", json={"query": query})
                else:
                    request = c.get("/graphql", params={"query": query})
                started = time.perf_counter()
                response, health = await asyncio.gather(request, c.get("/health"))
                timings.append(time.perf_counter() - started)
                assert health.status_code == 200
                error = limit_error(response.json())
                assert error["extensions"]["limit"] == "cost"
                assert error["extensions"]["actual"] == 2**39
                assert error["message"] == f"Query cost {2**39} exceeds the limit of 20000."
        started = time.perf_counter()
        assert (await c.get("/health")).status_code == 200
        assert time.perf_counter() - started < 1
    # The bound is 100 ms (the old limiters never finished); the machine is shared, so the
    # best of three runs per method must meet it and none may come near a second.
    assert min(timings[0::2]) < 0.1 and min(timings[1::2]) < 0.1, timings
    assert max(timings) < 1, timings


async def test_bomb_with_random_comment_is_refused_without_work(client):
    for _ in range(3):
        started = time.perf_counter()
        response = await client.post("/graphql", json={"query": bomb(25, uuid.uuid4().hex)})
        elapsed = time.perf_counter() - started
        error = limit_error(response.json())
        assert error["extensions"]["limit"] == "cost"
        assert error["extensions"]["actual"] == 2**24
        assert elapsed < 1


def test_fragments_are_measured_once_and_cycles_do_not_loop(schema):
    started = time.perf_counter()
    found = measure(schema, parse(bomb(200)))
    assert time.perf_counter() - started < 1
    assert found.fragments == 200 and found.fragment_spreads == 399
    assert found.cost == 2**53 - 1  # saturates instead of growing without end
    cyclic = parse(
        "{ ...A ...Missing } fragment A on Query { me { id } ...B } "
        "fragment B on Query { ...A ...B offers { edges { node { id } } } }"
    )
    found = measure(schema, cyclic)
    assert found.depth == 3 and found.fragments == 2 and found.fragment_spreads == 5


async def test_cyclic_and_unknown_fragments_are_ordinary_validation_errors(client):
    body = await gql(
        client,
        "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A ...Nope }",
    )
    messages = " ".join(e["message"] for e in body["errors"])
    assert "within itself" in messages and "Nope" in messages
    assert {e["extensions"]["code"] for e in body["errors"]} == {"GRAPHQL_VALIDATION_FAILED"}


def test_cost_weights_pages_lists_and_defaults(schema):
    def cost(query, variables=None):
        return measure(schema, parse(query), variables).cost

    node = "edges { node { id } }"  # edges 1 + node 1 + id 1: the page does not repeat
    assert cost(f"{{ members(first: 5) {{ {node} }} }}") == 1 + 5 * 3
    assert cost(f"{{ members {{ {node} }} }}") == 1 + 20 * 3  # the schema's default
    query = f"query($n: Int = 30) {{ members(first: $n) {{ {node} }} }}"
    assert cost(query, {"n": 2}) == 1 + 2 * 3
    assert cost(query) == 1 + 30 * 3  # the variable's default
    assert cost(query, {"n": "many"}) == 1 + 100 * 3  # not an Int: the largest page
    # a plain list of objects weighs 10; a list of scalars is one field
    assert cost("{ me { balance { expiring { points } } } }") == 1 + 1 + 1 + 10 * 1
    assert cost("{ me { interests } }") == 2
    nested = (
        f"{{ members(first: 100) {{ edges {{ node {{ activity(first: 100) {{ {node} }} }} }} }} }}"
    )
    assert cost(nested) == 1 + 100 * (1 + 1 + (1 + 100 * 3))


async def test_query_over_the_cost_limit_says_which_limit_and_by_how_much(client):
    nested = (
        "query($n: Int) { members(first: $n) { edges { node { "
        "activity(first: 100) { edges { node { id } } } } } } }"
    )
    body = (await client.post("/graphql", json={"query": nested, "variables": {"n": 100}})).json()
    error = limit_error(body)
    assert error["extensions"] == {
        "code": "GRAPHQL_VALIDATION_FAILED",
        "limit": "cost",
        "maximum": 20000,
        "actual": 30301,
        "requestId": error["extensions"]["requestId"],
    }
    assert error["message"] == "Query cost 30301 exceeds the limit of 20000."
    # The same document with a small page is measured again and goes on to execution.
    body = (await client.post("/graphql", json={"query": nested, "variables": {"n": 10}})).json()
    assert body["errors"][0]["extensions"]["code"] != "GRAPHQL_VALIDATION_FAILED"
    # GET is measured the same way.
    response = await client.get("/graphql", params={"query": nested, "variables": '{"n": 100}'})
    assert limit_error(response.json())["extensions"]["actual"] == 30301


async def test_depth_counts_through_fragments(tight):
    query = (
        "{ ...A } fragment A on Query { me { ...B } } "
        "fragment B on Member { balance { ...C } } fragment C on Balance { expiring { points } }"
    )
    error = limit_error((await tight.post("/graphql", json={"query": query})).json())
    assert error["extensions"]["limit"] == "depth"
    assert (error["extensions"]["maximum"], error["extensions"]["actual"]) == (2, 3)
    assert error["message"] == "Query depth 3 exceeds the limit of 2."
    shallow = "{ ...A } fragment A on Query { me { ...B } } fragment B on Member { balance { available } }"
    assert (await tight.post("/graphql", json={"query": shallow})).json() == {"data": {"me": None}}


async def test_aliases_count_once_per_spread(client):
    aliases = " ".join(f"a{i}: __typename" for i in range(7))
    query = (
        f"{{ ...A }} fragment A on Query {{ ...B ...B ...B }} fragment B on Query {{ {aliases} }}"
    )
    error = limit_error((await client.post("/graphql", json={"query": query})).json())
    assert error["extensions"]["limit"] == "aliases"
    assert (error["extensions"]["maximum"], error["extensions"]["actual"]) == (20, 21)
    assert error["message"] == "Query has 21 aliases, more than the limit of 20."
    fewer = f"{{ ...A }} fragment A on Query {{ ...B ...B }} fragment B on Query {{ {aliases} }}"
    assert "errors" not in await gql(client, fewer)


async def test_fragment_and_spread_counts_are_capped(tight):
    four = " ".join(f"fragment F{i} on Query {{ __typename }}" for i in range(4))
    query = "{ ...F0 ...F1 ...F2 ...F3 } " + four
    error = limit_error((await tight.post("/graphql", json={"query": query})).json())
    assert error["extensions"]["limit"] == "fragments"
    assert (error["extensions"]["maximum"], error["extensions"]["actual"]) == (3, 4)
    query = "{ ...F ...F ...F ...F ...F } fragment F on Query { __typename }"
    error = limit_error((await tight.post("/graphql", json={"query": query})).json())
    assert error["extensions"]["limit"] == "fragmentSpreads"
    assert (error["extensions"]["maximum"], error["extensions"]["actual"]) == (4, 5)
    assert error["message"] == "Document has 5 fragment spreads, more than the limit of 4."
    query = "{ ...F ...F ...F ...F } fragment F on Query { __typename }"
    assert (await tight.post("/graphql", json={"query": query})).json() == {
        "data": {"__typename": "Query"}
    }


async def test_graphiql_introspection_passes_and_nested_introspection_does_not(client):
    query = get_introspection_query(
        descriptions=True,
        specified_by_url=True,
        directive_is_repeatable=True,
        schema_description=True,
        input_value_deprecation=True,
    )
    body = await gql(client, query)
    assert "errors" not in body
    assert len(body["data"]["__schema"]["types"]) > 100
    nested = "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }"
    error = limit_error((await client.post("/graphql", json={"query": nested})).json())
    assert error["extensions"]["limit"] == "introspectionLists"
    assert (error["extensions"]["maximum"], error["extensions"]["actual"]) == (3, 4)


async def test_bench_home_query_passes(client):
    from app.community import service as community

    scripts = str(Path(__file__).resolve().parents[2] / "scripts")
    sys.path.insert(0, scripts)
    try:
        home = importlib.import_module("bench_home").HOME
    finally:
        sys.path.remove(scripts)
    session = await sign_up(client)
    group = await community.create_group(texts={"en": {"name": "Runners"}}, min_tier_code=None)
    member_id = int(from_base64(session["member"]["id"])[1])
    await community.join(group_id=group.id, member_id=member_id)
    from strawberry.relay import to_base64

    body = await gql(
        client, home, {"group": to_base64("Group", group.id)}, token=session["accessToken"]
    )
    assert "errors" not in body, body
    assert body["data"]["me"]["id"] == session["member"]["id"]


async def test_repeated_fields_stop_validation_early(client):
    query = "{ " + "me { id } " * 450 + "}"  # graphql-core compares the copies pairwise
    started = time.perf_counter()
    body = (await client.post("/graphql", json={"query": query})).json()
    elapsed = time.perf_counter() - started
    assert body.get("data") is None
    error = body["errors"][0]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert error["extensions"]["limit"] == "fieldComparisons"
    assert error["extensions"]["maximum"] == 20000
    assert elapsed < 1  # the default budget of graphql-core spent about 2 s here
    assert "errors" not in await gql(client, "{ " + "me { id } " * 20 + "}")


def test_absurd_page_sizes_do_not_crash(schema):
    node = "edges { node { id } }"
    huge = "9" * 5000  # int() refuses strings this long
    assert measure(schema, parse(f"{{ members(first: {huge}) {{ {node} }} }}")).cost == 2**53 - 1
    assert measure(schema, parse(f"{{ members(first: -{huge}) {{ {node} }} }}")).cost == 1 + 3
    found = measure(
        schema, parse(f"query($n: Int) {{ members(first: $n) {{ {node} }} }}"), {"n": 10**30}
    )
    assert found.cost == 2**53 - 1
    assert measure(schema, parse("{ nope(first: 3) { x { y } } ... on Nope { z } }")).cost == 4


def test_page_sizes_that_are_not_plain_ints_never_count_as_the_default(schema):
    """graphql-core takes `100.0` for an Int variable: it must cost what 100 costs; any other
    value that is not an Int counts as the largest page (it is refused later anyway)."""
    node = "edges { node { id } }"

    def cost(query, variables=None):
        return measure(schema, parse(query), variables).cost

    query = f"query($n: Int) {{ members(first: $n) {{ {node} }} }}"
    assert cost(query, {"n": 100.0}) == cost(query, {"n": 100}) == 1 + 100 * 3
    assert cost(query, {"n": 7.0}) == 1 + 7 * 3
    assert cost(query, {"n": 1e300}) == 2**53 - 1  # integral: as its (saturated) int
    for value in ("100", "many", True, False, {"n": 1}, [100], 100.5, float("inf"), float("nan")):
        assert cost(query, {"n": value}) == 1 + 100 * 3, value
    assert cost(query, {"n": -5}) == cost(query, {"n": -5.0}) == 1 + 1 * 3
    assert cost(query, {"n": None}) == cost(query) == 1 + 20 * 3  # absent: the schema default
    # Literals in the document: Int literals count as written, others as the largest page.
    for literal in ("100.0", '"100"', "true", "ALL", "[100]", "{n: 1}"):
        assert cost(f"{{ members(first: {literal}) {{ {node} }} }}") == 1 + 100 * 3, literal
    assert cost(f"{{ members(first: null) {{ {node} }} }}") == 1 + 20 * 3
    assert cost(f"{{ members(first: -5) {{ {node} }} }}") == 1 + 1 * 3
    # Variable defaults: the same rules; the largest when operations disagree.
    assert cost(f"query($n: Int = 100.0) {{ members(first: $n) {{ {node} }} }}") == 301
    assert cost(f"query($n: Int = -3) {{ members(first: $n) {{ {node} }} }}") == 4
    assert cost(f"query($n: Int = null) {{ members(first: $n) {{ {node} }} }}") == 61
    assert cost(f"query($n: Int = 50) {{ members(first: $n) {{ {node} }} }}", {"n": 2.0}) == 7
    two = (
        "query A($n: Int = 1) { ...F } query B($n: Int = 90) { ...F } "
        f"fragment F on Query {{ members(first: $n) {{ {node} }} }}"
    )
    assert cost(two) == 1 + 90 * 3


async def test_decimal_page_size_in_variables_is_measured_as_its_integer(client):
    """A member's eight aliased feeds with `{"n": 100.0}` measured 13,608 (the default page)
    against a real 324,008; and a request without `n` must not lend its verdict to one with
    100.0 (both used to share a cache entry)."""
    feed = (
        "fI: feed(groupId: $g, first: $n) { ... on PostConnection { edges { node { id text "
        "comments(first: $n) { edges { node { id text } } } } } } }"
    )
    query = (
        "query($g: ID!, $n: Int) {" + " ".join(feed.replace("fI", f"f{i}") for i in range(8)) + "}"
    )
    group = "R3JvdXA6MQ=="
    small = await client.post("/graphql", json={"query": query, "variables": {"g": group}})
    assert small.json()["errors"][0]["extensions"]["code"] != "GRAPHQL_VALIDATION_FAILED"
    for n in (100.0, 100, "100", True, {"x": 1}, 100.5):
        body = (
            await client.post("/graphql", json={"query": query, "variables": {"g": group, "n": n}})
        ).json()
        error = limit_error(body)
        assert error["extensions"]["limit"] == "cost", n
        assert error["extensions"]["actual"] == 324_008, n
    # Python's JSON reads Infinity and NaN: not integers, so the largest page as well.
    raw = '{"query": %s, "variables": {"g": "%s", "n": Infinity}}' % (json.dumps(query), group)
    response = await client.post(
        "/graphql", content=raw, headers={"content-type": "application/json"}
    )
    assert limit_error(response.json())["extensions"]["actual"] == 324_008
    # Over GET too.
    response = await client.get(
        "/graphql", params={"query": query, "variables": json.dumps({"g": group, "n": 100.0})}
    )
    assert limit_error(response.json())["extensions"]["actual"] == 324_008


async def test_float_literal_page_size_is_refused_by_validation(client):
    """`first: 100.0` in the document is not an Int: graphql-core refuses it, and it is
    measured as the largest page before that."""
    node = "edges { node { id } }"
    body = (
        await client.post("/graphql", json={"query": f"{{ members(first: 5.0) {{ {node} }} }}"})
    ).json()
    assert body.get("data") is None, body
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"  # not a limit error
    assert "Int cannot represent non-integer value" in body["errors"][0]["message"]
    body = (
        await client.post(
            "/graphql",
            json={"query": f"query($n: Int = 5.0) {{ members(first: $n) {{ {node} }} }}"},
        )
    ).json()
    assert "Int cannot represent non-integer value" in body["errors"][0]["message"]


async def test_a_repeated_text_reuses_its_verdict_and_a_new_schema_does_not(client):
    """The limits' verdicts are found by the operation's text (no walk over its document)
    only for the document and schema they were made for."""
    from app.graphql.schema import build_schema
    from app.settings import Settings

    deep = "{ a: __typename b: __typename c: __typename }"
    lenient, strict = build_schema(Settings()), build_schema(Settings(max_aliases=1))
    for _ in range(2):  # the second time from the text's entry
        assert (await lenient.execute(deep)).errors is None
        refused = (await strict.execute(deep)).errors
        assert refused and "alias" in refused[0].message.lower(), refused
