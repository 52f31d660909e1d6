import httpx

from app.main import create_app
from app.members import service as members_service
from tests.helpers import ME, sign_up


async def test_get_query_and_graphiql_page(client):
    session = await sign_up(client)
    response = await client.get(
        "/graphql",
        params={"query": ME},
        headers={"Authorization": f"Bearer {session['accessToken']}"},
    )
    assert response.status_code == 200
    assert response.json()["data"]["me"]["email"] == session["member"]["email"]
    page = await client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "graphiql" in page.text.lower()


async def test_mutation_over_get_is_refused(client):
    response = await client.get(
        "/graphql",
        params={
            "query": 'mutation { logIn(input: {email: "a@b.co", password: "x"}) { __typename } }'
        },
    )
    assert response.status_code == 405  # GraphQL over HTTP: a mutation needs POST
    assert response.headers["allow"] == "POST"
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_malformed_json_gets_graphql_shaped_400(client):
    response = await client.post(
        "/graphql", content=b'{"query": "{ me { id }', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    body = response.json()
    assert body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert body["errors"][0]["message"]
    assert body["errors"][0]["extensions"]["requestId"] == response.headers["x-request-id"]


async def test_oversized_body_is_refused(client):
    response = await client.post(
        "/graphql", content=b"x" * 1_100_000, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def _run_limited(client, query):
    response = await client.post("/graphql", json={"query": query})
    return response.json()


async def test_too_deep_query_is_rejected_before_execution(client, monkeypatch):
    called = []
    monkeypatch.setattr(members_service, "get_member", lambda **kw: called.append(kw))
    deep = "{ me { id " + "".join("communicationPreferences { channel " for _ in range(1)) + "} } }"
    assert "errors" not in await _run_limited(client, deep)
    fragment = "fragment F on Member { id }"
    nested = "query { " + 'node(id: "x") { ... on Member { ' * 13 + "id" + " } }" * 13 + " }"
    body = await _run_limited(client, nested + fragment)
    assert body["errors"]
    assert body.get("data") is None
    assert "depth" in body["errors"][0]["message"].lower()
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert not called


async def test_too_many_aliases_is_rejected(client):
    query = "{ " + " ".join(f"a{i}: me {{ id }}" for i in range(25)) + " }"
    body = await _run_limited(client, query)
    assert body.get("data") is None
    assert "aliases" in body["errors"][0]["message"].lower()


async def test_too_many_tokens_is_rejected(client):
    query = "{ me { " + " ".join(["id"] * 2100) + " } }"
    body = await _run_limited(client, query)
    assert body.get("data") is None
    assert "token" in body["errors"][0]["message"].lower()


async def test_unexpected_error_is_masked_with_request_id(client, monkeypatch, caplog):
    session = await sign_up(client)

    async def broken(member_ids):
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr(members_service, "channel_preferences_by_member", broken)
    response = await client.post(
        "/graphql",
        json={"query": "{ me { communicationPreferences { channel } } }"},
        headers={
            "Authorization": f"Bearer {session['accessToken']}",
            "X-Request-ID": "req-12345678",
        },
    )
    error = response.json()["errors"][0]
    assert "hunter2" not in response.text
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-12345678"}
    assert response.headers["x-request-id"] == "req-12345678"
    assert any("req-12345678" in r.getMessage() for r in caplog.records)


async def test_production_hides_introspection_suggestions_and_graphiql(app, settings_with):
    prod = create_app(
        settings_with(graphiql=False, introspection=False, field_suggestions=False),
        manage_database=False,
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=prod), base_url="http://t") as c:
        body = (await c.post("/graphql", json={"query": "{ __schema { types { name } } }"})).json()
        assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        assert "introspection" in body["errors"][0]["message"].lower()
        body = (await c.post("/graphql", json={"query": "{ mee { id } }"})).json()
        assert "Did you mean" not in body["errors"][0]["message"]
        page = await c.get("/graphql", headers={"Accept": "text/html"})
        assert page.status_code == 404


async def test_development_suggests_fields(client):
    body = (await client.post("/graphql", json={"query": "{ mee { id } }"})).json()
    assert "Did you mean" in body["errors"][0]["message"]


async def test_health_and_version(client):
    health = await client.get("/health")
    assert health.status_code == 200
    assert health.json() == {"status": "ok"}
    ready = await client.get("/ready")
    assert ready.status_code == 200 and ready.json()["database"] is True
    version = await client.get("/version")
    assert version.json()["version"]
    assert version.json()["environment"] == "test"


async def test_schema_file_is_not_stale():
    from pathlib import Path

    from app.graphql.schema import export_schema

    committed = (Path(__file__).resolve().parents[2] / "schema.graphql").read_text()
    assert committed == export_schema(), (
        "schema.graphql is stale: run loyalty export-schema -o schema.graphql"
    )
