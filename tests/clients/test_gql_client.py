"""Python's gql client with its defaults against a live uvicorn on loopback: queries, typed
errors and mutations over HTTP (HTTPXAsyncTransport), pointsChanged over WebSocket
(WebsocketsTransport) in both subprotocols."""

import asyncio
import base64

import pytest
from gql import Client, GraphQLRequest
from gql.transport.exceptions import TransportQueryError
from gql.transport.httpx import HTTPXAsyncTransport
from gql.transport.websockets import WebsocketsTransport

from tests.helpers import AUTH_FIELDS, PASSWORD, integration_token, purchase_input, unique_email

SIGN_UP = f"mutation SignUp($input: SignUpInput!) {{ signUp(input: $input) {{ {AUTH_FIELDS} }} }}"
ME = "query Me { me { id email balance { available } } }"
FEED = "query Feed($g: ID!) { feed(groupId: $g) { __typename ... on UserError { code message } } }"
PURCHASE = """mutation Buy($input: PurchaseInput!) { recordPurchase(input: $input) {
  __typename ... on PurchaseRecorded { transaction { points } } } }"""
POINTS = """subscription Points { pointsChanged {
  transaction { points } balance { available } member { id balance { available } } } }"""


def _http(server: str, token: str | None = None) -> Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return Client(transport=HTTPXAsyncTransport(url=f"http://{server}/graphql", headers=headers))


async def _sign_up(server: str) -> dict:
    async with _http(server) as session:
        result = await session.execute(
            GraphQLRequest(
                SIGN_UP,
                variable_values={"input": {"email": unique_email("gql"), "password": PASSWORD}},
            )
        )
    assert result["signUp"]["__typename"] == "AuthSession", result
    return result["signUp"]


async def test_gql_over_http_queries_typed_errors_and_graphql_errors(live_server):
    session_payload = await _sign_up(live_server)
    async with _http(live_server, session_payload["accessToken"]) as session:
        me = await session.execute(GraphQLRequest(ME))
        assert me["me"]["id"] == session_payload["member"]["id"]
        assert me["me"]["balance"] == {"available": 0}

        unknown = base64.b64encode(b"Group:987654321").decode()
        feed = await session.execute(GraphQLRequest(FEED, variable_values={"g": unknown}))
        assert feed["feed"]["__typename"] == "GroupNotFound"
        assert feed["feed"]["code"] and feed["feed"]["message"]

        # A GraphQL error reaches gql as its typed exception, with the stable code.
        with pytest.raises(TransportQueryError) as raised:
            await session.execute(
                GraphQLRequest("query Staff { members(first: 1) { edges { node { id } } } }")
            )
        assert raised.value.errors[0]["extensions"]["code"] == "FORBIDDEN"


@pytest.mark.parametrize(
    "subprotocol",
    [WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL, WebsocketsTransport.APOLLO_SUBPROTOCOL],
    ids=["graphql-transport-ws", "legacy-graphql-ws"],
)
async def test_gql_websocket_subscription_points_changed(client, live_server, subprotocol):
    me = await _sign_up(live_server)
    till = await integration_token(client, "purchases:write")
    transport = WebsocketsTransport(
        url=f"ws://{live_server}/graphql",
        init_payload={"authorization": f"Bearer {me['accessToken']}"},
        subprotocols=[subprotocol],
    )
    async with Client(transport=transport) as ws:
        assert transport.subprotocol == subprotocol
        stream = ws.subscribe(GraphQLRequest(POINTS))
        first = asyncio.ensure_future(anext(stream))
        await asyncio.sleep(0.3)  # let the subscription reach the server before the purchase
        async with _http(live_server, till) as session:
            bought = await session.execute(
                GraphQLRequest(
                    PURCHASE,
                    variable_values={"input": purchase_input(me["member"]["id"], "gql-1", 4200)},
                )
            )
        assert bought["recordPurchase"]["__typename"] == "PurchaseRecorded", bought
        event = (await asyncio.wait_for(first, 10))["pointsChanged"]
        await stream.aclose()
    assert event == {
        "transaction": {"points": 42},
        "balance": {"available": 42},
        "member": {"id": me["member"]["id"], "balance": {"available": 42}},
    }
