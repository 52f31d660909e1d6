"""GraphQL over HTTP as the spec says (https://graphql.github.io/graphql-over-http/draft/):
media types chosen by Accept, status codes of request errors in each, operation selection,
methods, subscriptions refused over HTTP; and CORS for browser GraphQL clients. Every test
goes through real HTTP (httpx's ASGI transport against create_app)."""

import httpx
import pytest

from app.errors import ServiceUnavailable
from app.graphql.context import Context
from app.graphql.view import negotiate
from app.main import create_app
from tests.helpers import ME, sign_up

NEW = "application/graphql-response+json"
LEGACY = "application/json"
TYPENAME = {"query": "{ __typename }"}
INVALID = {"query": "{ noSuchField }"}  # fails validation


def _media(response: httpx.Response) -> str:
    return response.headers["content-type"].split(";")[0].strip()


def _code(response: httpx.Response) -> str:
    return response.json()["errors"][0]["extensions"]["code"]


# -- media types ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        pytest.param(None, LEGACY, id="none"),
        pytest.param("*/*", LEGACY, id="any"),
        pytest.param("application/*", LEGACY, id="application-any"),
        pytest.param(LEGACY, LEGACY, id="json"),
        pytest.param(NEW, NEW, id="graphql-response"),
        pytest.param(f"{NEW}, {LEGACY};q=0.9", NEW, id="apollo-style-list"),
        pytest.param(f"{NEW};q=0.5, {LEGACY}", LEGACY, id="json-preferred"),
        pytest.param(f"{LEGACY};q=0, */*", NEW, id="json-refused-any-else"),
        pytest.param(f"text/html, {NEW};q=0.1", NEW, id="html-first"),
        pytest.param("text/html", None, id="html-only"),
        pytest.param(f"{NEW};q=0, {LEGACY};q=0", None, id="both-refused"),
        pytest.param(f"{LEGACY};q=nan", None, id="nan-q"),
        pytest.param(f"{LEGACY};q=2", None, id="q-out-of-range"),
    ],
)
def test_accept_negotiation(accept, expected):
    assert negotiate(accept) == expected


async def test_asking_for_graphql_response_json_gets_it(client):
    response = await client.post("/graphql", json=TYPENAME, headers={"Accept": NEW})
    assert response.status_code == 200
    assert _media(response) == NEW
    assert response.json() == {"data": {"__typename": "Query"}}
    assert "accept" in response.headers["vary"].lower()


async def test_star_and_missing_accept_get_application_json(client):
    for headers in ({"Accept": "*/*"}, {}):
        response = await client.post("/graphql", json=TYPENAME, headers=headers)
        assert response.status_code == 200
        assert _media(response) == LEGACY


async def test_a_validation_error_is_400_without_data_in_the_new_media_type(client):
    response = await client.post("/graphql", json=INVALID, headers={"Accept": NEW})
    assert response.status_code == 400
    assert _media(response) == NEW
    body = response.json()
    assert "data" not in body
    assert _code(response) == "GRAPHQL_VALIDATION_FAILED"


async def test_a_validation_error_is_200_with_null_data_in_application_json(client):
    response = await client.post("/graphql", json=INVALID, headers={"Accept": LEGACY})
    assert response.status_code == 200
    assert _media(response) == LEGACY
    assert response.json()["data"] is None
    assert _code(response) == "GRAPHQL_VALIDATION_FAILED"


async def test_a_parse_error_is_400_in_the_new_media_type(client):
    response = await client.post("/graphql", json={"query": "{ me { id "}, headers={"Accept": NEW})
    assert response.status_code == 400
    assert _media(response) == NEW
    assert "data" not in response.json()
    assert _code(response) == "GRAPHQL_PARSE_FAILED"


async def test_a_variable_coercion_error_is_400_in_the_new_media_type(client):
    query = "query($n: Int!) { rewards(first: $n) { __typename } }"
    for variables in ({"n": "not a number"}, {}):
        response = await client.post(
            "/graphql", json={"query": query, "variables": variables}, headers={"Accept": NEW}
        )
        assert response.status_code == 400, response.text
        assert _media(response) == NEW
        assert "data" not in response.json()
        assert _code(response) == "BAD_USER_INPUT"


async def test_an_executed_operation_with_errors_is_200_with_data(client):
    # `members` is for staff: execution happened (and failed), and `data` says so.
    query = "{ members { __typename } }"
    response = await client.post("/graphql", json={"query": query}, headers={"Accept": NEW})
    assert response.status_code == 200
    assert _media(response) == NEW
    body = response.json()
    assert "data" in body
    assert _code(response) == "UNAUTHENTICATED"


async def test_an_outage_is_still_503_in_the_new_media_type(client, monkeypatch):
    async def unavailable(self):
        raise ServiceUnavailable()

    monkeypatch.setattr(Context, "viewer", unavailable)
    for accept in (NEW, LEGACY):
        response = await client.post("/graphql", json={"query": ME}, headers={"Accept": accept})
        assert response.status_code == 503
        assert _media(response) == accept
        assert response.headers["retry-after"]
        assert _code(response) == "SERVICE_UNAVAILABLE"


async def test_an_accept_naming_neither_media_type_is_406(client):
    response = await client.post("/graphql", json=TYPENAME, headers={"Accept": "text/html"})
    assert response.status_code == 406
    assert _media(response) == LEGACY
    assert _code(response) == "BAD_REQUEST"
    assert response.json()["errors"][0]["extensions"]["requestId"]
    # A GET with a query is an operation too.
    response = await client.get(
        "/graphql", params=TYPENAME, headers={"Accept": "text/html;q=1, application/json;q=0"}
    )
    assert response.status_code == 406


async def test_the_browser_still_gets_graphiql(client):
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    for accept in (browser, "text/html"):
        page = await client.get("/graphql", headers={"Accept": accept})
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert "graphiql" in page.text.lower()


async def test_a_get_query_honours_accept(client):
    session = await sign_up(client)
    response = await client.get(
        "/graphql",
        params={"query": ME},
        headers={"Accept": NEW, "Authorization": f"Bearer {session['accessToken']}"},
    )
    assert response.status_code == 200
    assert _media(response) == NEW
    assert response.json()["data"]["me"]["email"] == session["member"]["email"]


async def test_a_transport_refusal_uses_the_negotiated_media_type(client):
    response = await client.post(
        "/graphql", content=b'{"query": ', headers={"Content-Type": LEGACY, "Accept": NEW}
    )
    assert response.status_code == 400
    assert _media(response) == NEW
    assert _code(response) == "BAD_REQUEST"


# -- operation selection --------------------------------------------------------------------

TWO = "query A { __typename } query B { __typename }"


async def test_several_operations_without_operation_name_are_refused(client):
    for accept in (NEW, LEGACY):
        response = await client.post("/graphql", json={"query": TWO}, headers={"Accept": accept})
        assert response.status_code == 400
        assert _media(response) == accept
        body = response.json()
        assert "data" not in body
        assert _code(response) == "BAD_REQUEST"
        assert "operationName" in body["errors"][0]["message"]


async def test_operation_name_picks_one_of_several(client):
    response = await client.post(
        "/graphql",
        json={"query": "query A { me { id } } query B { __typename }", "operationName": "B"},
        headers={"Accept": NEW},
    )
    assert response.status_code == 200
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_an_unknown_operation_name_is_a_request_error(client):
    response = await client.post(
        "/graphql", json={"query": TWO, "operationName": "C"}, headers={"Accept": NEW}
    )
    assert response.status_code == 400
    assert _media(response) == NEW
    assert "data" not in response.json()
    assert _code(response) == "BAD_REQUEST"


# -- methods and subscriptions ----------------------------------------------------------------

LOG_IN = 'mutation { logIn(input: {email: "a@b.co", password: "x"}) { __typename } }'


async def test_a_mutation_over_get_is_405_with_allow_post(client):
    for accept in (NEW, LEGACY):
        response = await client.get(
            "/graphql", params={"query": LOG_IN}, headers={"Accept": accept}
        )
        assert response.status_code == 405
        assert response.headers["allow"] == "POST"
        assert _media(response) == accept
        assert _code(response) == "BAD_REQUEST"


async def test_a_named_mutation_over_get_is_405_and_a_named_query_beside_it_runs(client):
    query = f"query Q {{ __typename }} {LOG_IN.replace('mutation', 'mutation M', 1)}"
    response = await client.get("/graphql", params={"query": query, "operationName": "M"})
    assert response.status_code == 405
    response = await client.get("/graphql", params={"query": query, "operationName": "Q"})
    assert response.status_code == 200
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_a_subscription_over_http_is_refused_pointing_to_the_websocket(client):
    subscription = "subscription { memberUpdated { id } }"
    for response in (
        await client.post("/graphql", json={"query": subscription}, headers={"Accept": NEW}),
        await client.post("/graphql", json={"query": subscription}),
        await client.get("/graphql", params={"query": subscription}),
    ):
        assert response.status_code == 400
        assert _code(response) == "BAD_REQUEST"
        assert "WebSocket" in response.json()["errors"][0]["message"]


# -- CORS -------------------------------------------------------------------------------------

ORIGIN = "https://app.example"


@pytest.fixture
def cors_client(app, settings_with):
    browser_app = create_app(settings_with(cors_origins=(ORIGIN,)), manage_database=False)
    transport = httpx.ASGITransport(app=browser_app)
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def test_the_preflight_allows_apollo_client_headers(cors_client):
    wanted = (
        "apollographql-client-name, apollographql-client-version, apollo-require-preflight, "
        "x-apollo-operation-name, authorization, content-type, x-request-id"
    )
    async with cors_client as c:
        response = await c.options(
            "/graphql",
            headers={
                "Origin": ORIGIN,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": wanted,
            },
        )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ORIGIN
    allowed = {
        h.strip().lower() for h in response.headers["access-control-allow-headers"].split(",")
    }
    assert {h.strip() for h in wanted.split(",")} <= allowed
    assert int(response.headers["access-control-max-age"]) > 0


async def test_the_preflight_refuses_other_origins_and_headers(cors_client):
    async with cors_client as c:
        other = await c.options(
            "/graphql",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
        )
        header = await c.options(
            "/graphql",
            headers={
                "Origin": ORIGIN,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "x-not-allowed",
            },
        )
    assert other.status_code == 400
    assert "access-control-allow-origin" not in other.headers
    assert header.status_code == 400


async def test_a_cross_origin_response_exposes_the_request_id(cors_client):
    async with cors_client as c:
        response = await c.post("/graphql", json=TYPENAME, headers={"Origin": ORIGIN})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ORIGIN
    exposed = {
        h.strip().lower() for h in response.headers["access-control-expose-headers"].split(",")
    }
    assert {"x-request-id", "retry-after"} <= exposed
    assert response.headers["x-request-id"]
