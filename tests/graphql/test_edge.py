"""The edge of the GraphQL endpoint: bodies, parse errors, logs, suggestions, links, budget."""

import asyncio
import contextlib
import json
import logging
import time
from pathlib import Path

import asyncpg
import httpx
import pytest
import websockets

from app import db, errors, jobs
from app.graphql.context import Context
from app.main import create_app
from app.members import service as members_service
from app.members.models import Member, Role
from tests.conftest import serve_app
from tests.helpers import LOG_IN, PASSWORD, REFRESH, gql, sign_up, staff_session

CHUNK = b" " * 65536
FIVE_MIB = 5 * 1024 * 1024


def _error(response: httpx.Response) -> dict:
    body = response.json()
    (error,) = body["errors"]
    assert error["message"]
    assert error["extensions"]["requestId"] == response.headers["x-request-id"]
    return error


# -- bodies -------------------------------------------------------------------------------


def _http_scope(path: str, headers: list[tuple[bytes, bytes]]) -> dict:
    return {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "",
        "query_string": b"", "headers": [(b"host", b"testserver"), *headers],
        "client": ("127.0.0.1", 5000), "server": ("testserver", 80),
    }  # fmt: skip


async def _stream_into(app, path: str, headers: list[tuple[bytes, bytes]], total: int):
    """Call the ASGI app with a chunked body of `total` bytes; count the chunks it pulled."""
    pulled = 0
    sent: list[dict] = []

    async def receive() -> dict:
        nonlocal pulled
        if pulled * len(CHUNK) >= total:
            return {"type": "http.disconnect"}
        pulled += 1
        return {"type": "http.request", "body": CHUNK, "more_body": pulled * len(CHUNK) < total}

    async def send(message: dict) -> None:
        sent.append(message)

    await app(_http_scope(path, headers), receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start, json.loads(body), pulled


async def test_chunked_body_is_refused_while_it_streams_in(app, settings):
    headers = [(b"content-type", b"application/json"), (b"transfer-encoding", b"chunked")]
    start, body, pulled = await _stream_into(app, "/graphql", headers, FIVE_MIB)
    assert start["status"] == 413
    assert body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert dict(start["headers"])[b"connection"] == b"close"
    # It stopped reading just past the limit: 80 chunks were on offer.
    assert pulled <= settings.max_body_bytes // len(CHUNK) + 1


async def test_a_lying_content_length_does_not_get_past_the_count(app, settings):
    headers = [(b"content-type", b"application/json"), (b"content-length", b"100")]
    start, _body, pulled = await _stream_into(app, "/graphql", headers, FIVE_MIB)
    assert start["status"] == 413
    assert pulled <= settings.max_body_bytes // len(CHUNK) + 1


async def test_the_token_endpoint_body_is_counted_too(app, settings):
    headers = [(b"content-type", b"application/x-www-form-urlencoded")]
    start, body, pulled = await _stream_into(app, "/oauth/token", headers, FIVE_MIB)
    assert start["status"] == 413
    assert body["error"] == "invalid_request"
    assert pulled <= settings.max_body_bytes // len(CHUNK) + 1


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(field)


def _reset_peak_rss() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS
    except OSError:
        return False
    return True


async def _read_until_closed(reader: asyncio.StreamReader) -> bytes:
    """What the server sent before closing; it resets the connection (the upload was not
    read), so each block is kept as it arrives."""
    received = b""
    with contextlib.suppress(ConnectionError):
        while block := await reader.read(65536):
            received += block
    return received


async def test_five_mib_chunked_over_a_real_server_is_413_and_never_held(live_server):
    """A 5 MiB chunked upload through uvicorn: 413, and the process (server and client are
    one process here) never grows by the body's size."""
    host, port = live_server.split(":")
    baseline = _status_kib("VmRSS")
    peak_resettable = _reset_peak_rss()
    peak_seen = baseline
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(
        b"POST /graphql HTTP/1.1\r\nHost: api\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    )
    answer = asyncio.create_task(_read_until_closed(reader))
    sent = 0
    with contextlib.suppress(ConnectionError):
        while sent < FIVE_MIB and not answer.done():
            writer.write(b"%x\r\n%s\r\n" % (len(CHUNK), CHUNK))
            await writer.drain()
            sent += len(CHUNK)
            peak_seen = max(peak_seen, _status_kib("VmRSS"))
        if not answer.done():
            writer.write(b"0\r\n\r\n")
            await writer.drain()
    raw = await asyncio.wait_for(answer, 10)
    writer.close()
    head, _, payload = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413"), raw[:200]
    assert json.loads(payload)["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    peak = _status_kib("VmHWM") if peak_resettable else peak_seen
    # Holding the body would cost 5 MiB at least (10 once joined); the limit is ~1 MB.
    assert peak - baseline < 3 * 1024, (baseline, peak)


MALFORMED = [
    pytest.param(b'"{ me { id } }"', "application/json", 400, id="string"),
    pytest.param(b"42", "application/json", 400, id="number"),
    pytest.param(b"null", "application/json", 400, id="null"),
    pytest.param(b'[{"query": "{ me { id } }"}]', "application/json", 400, id="batch"),
    pytest.param(b'{"query": "{ me { id } }\xff\xfe"}', "application/json", 400, id="not-utf8"),
    pytest.param(b"[" * 10_000, "application/json", 400, id="nested-10000"),
    pytest.param(
        b'{"query": "{ me { id } }", "variables": ' + b'{"a": ' * 40 + b"1" + b"}" * 41,
        "application/json",
        400,
        id="nested-variables",
    ),
    pytest.param(b'{"query": "{ me { id ', "application/json", 400, id="invalid-json"),
    pytest.param(b'{"query": 7}', "application/json", 400, id="query-not-string"),
    pytest.param(
        b'{"query": "{ me { id } }", "variables": [1]}',
        "application/json",
        400,
        id="variables-array",
    ),
    pytest.param(
        b'{"query": "{ me { id } }", "variables": "x"}',
        "application/json",
        400,
        id="variables-string",
    ),
    pytest.param(
        b'{"query": "{ me { id } }", "extensions": 3}',
        "application/json",
        400,
        id="extensions-number",
    ),
    pytest.param(
        b'{"query": "{ me { id } }", "operationName": 5}',
        "application/json",
        400,
        id="operation-name-number",
    ),
    pytest.param(b'{"query": "{ me { id } }"}', "text/plain", 415, id="text-plain"),
    pytest.param(b'{"query": "{ me { id } }"}', None, 415, id="no-content-type"),
    pytest.param(b"--x\r\n\r\n--x--", "multipart/form-data; boundary=x", 415, id="multipart"),
    pytest.param(
        b"query=%7B%20me%20%7B%20id%20%7D%20%7D",
        "application/x-www-form-urlencoded",
        415,
        id="form",
    ),
]


@pytest.mark.parametrize(("content", "content_type", "status"), MALFORMED)
async def test_malformed_bodies_get_a_graphql_shaped_4xx(client, content, content_type, status):
    headers = {"Content-Type": content_type} if content_type else {}
    response = await client.post("/graphql", content=content, headers=headers)
    assert response.status_code == status, response.text
    assert _error(response)["extensions"]["code"] == "BAD_REQUEST"


@pytest.mark.parametrize(
    ("params", "status"),
    [
        pytest.param({"query": "{ me { id } }", "variables": "[1]"}, 400, id="variables-array"),
        pytest.param({"query": "{ me { id } }", "variables": "{nope"}, 400, id="variables-json"),
        pytest.param({"query": "{ me { id } }", "variables": "[" * 5000}, 400, id="nested"),
        pytest.param({"query": "{ me { id } }", "extensions": "1"}, 400, id="extensions"),
        pytest.param({"query": "{ me { " + "id " * 8000 + "} }"}, 414, id="too-long"),
    ],
)
async def test_malformed_get_requests_get_a_graphql_shaped_4xx(client, params, status):
    response = await client.get("/graphql", params=params)
    assert response.status_code == status, response.text
    assert _error(response)["extensions"]["code"] == "BAD_REQUEST"


async def test_a_well_formed_get_still_works(client):
    session = await sign_up(client)
    response = await client.get(
        "/graphql",
        params={
            "query": "query($s: Boolean!) { me { id @skip(if: $s) } }",
            "variables": '{"s": false}',
        },
        headers={"Authorization": f"Bearer {session['accessToken']}"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["me"]["id"] == session["member"]["id"]


# -- parse errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("{ me { id ", id="syntax"),
        pytest.param("{ me { " + " ".join(["id"] * 2100) + " } }", id="token-limit"),
    ],
)
async def test_parse_errors_carry_a_code_and_the_request_id(client, query):
    for response in (
        await client.post("/graphql", json={"query": query}),
        await client.get("/graphql", params={"query": query}),
    ):
        assert response.status_code == 200
        assert response.json()["data"] is None
        assert _error(response)["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"


async def test_validation_errors_keep_their_code_with_the_request_id(client):
    for query in ("{ nothingHere }", "query($x: Int) { me { id } }"):
        response = await client.post("/graphql", json={"query": query})
        assert _error(response)["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED", query


@pytest.mark.parametrize(
    ("raised", "code", "status"),
    [
        pytest.param(
            asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed"),
            "SERVICE_UNAVAILABLE",
            503,
            id="db-gone",
        ),
        pytest.param(errors.Busy(), "BUSY", 200, id="busy"),
    ],
)
async def test_database_failures_are_retryable_errors_in_one_line(
    client, settings, monkeypatch, caplog, raised, code, status
):
    """The mapping only (tests/test_faults.py has the real outages): a retryable code, 503 + Retry-After
    while the database is unavailable, one log line without traceback."""
    caplog.set_level(logging.INFO)
    session = await sign_up(client)

    async def failing(**kwargs):
        raise raised

    monkeypatch.setattr(members_service, "update_profile", failing)
    response = await client.post(
        "/graphql",
        json={"query": 'mutation { updateProfile(input: {displayName: "X"}) { __typename } }'},
        headers={"Authorization": f"Bearer {session['accessToken']}"},
    )
    assert response.status_code == status
    error = _error(response)
    assert error["extensions"]["code"] == code and error["extensions"]["retryable"] is True
    assert "retrying" in error["message"]
    if status == 503:
        assert response.headers["retry-after"] == str(settings.retry_after_seconds)
    lines = [r for r in caplog.records if code in r.getMessage()]
    assert len(lines) == 1 and not lines[0].exc_info
    assert not any(r.exc_info for r in caplog.records)


async def test_a_raised_domain_error_keeps_its_code(client, monkeypatch):
    class NotToday(errors.DomainError):
        code = "NOT_TODAY"

    async def refused(self):
        raise NotToday()

    monkeypatch.setattr(Context, "viewer", refused)
    body = (await client.post("/graphql", json={"query": "{ me { id } }"})).json()
    assert body["errors"][0]["extensions"]["code"] == "NOT_TODAY"


# -- logs -----------------------------------------------------------------------------------


async def test_the_log_holds_no_password_token_or_traceback_for_expected_errors(client, caplog):
    caplog.set_level(logging.DEBUG)
    session = await sign_up(client)
    email = session["member"]["email"]
    secret = "hunter2-" + "s3cr3t-password"
    # A wrong password (a typed error) and a malformed input that echoes the variables.
    await gql(client, LOG_IN, {"input": {"email": email, "password": secret}})
    await gql(client, LOG_IN, {"input": {"email": email, "password": secret, "pin": 1}})
    # A refresh token, as a variable of the wrong type (its value is echoed in the error).
    token = session["refreshToken"]
    await gql(client, REFRESH, {"t": token})
    await gql(
        client,
        "mutation($t: Int!) { refreshSession(refreshToken: $t) { __typename } }",
        {"t": token},
    )
    # FORBIDDEN: a member asking for a staff-only field.
    body = await gql(
        client,
        "query($id: ID!) { member(id: $id) { email } }",
        {"id": session["member"]["id"]},
        token=session["accessToken"],
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    text = "\n".join(
        f"{r.name} {r.getMessage()} {r.exc_text or ''} {r.exc_info or ''}" for r in caplog.records
    )
    assert secret not in text
    assert PASSWORD not in text
    assert token not in text
    graphql = [r for r in caplog.records if r.name.startswith(("app.graphql", "strawberry"))]
    assert not any(r.exc_info for r in graphql), [r.getMessage() for r in graphql if r.exc_info]
    assert any("FORBIDDEN at member" in r.getMessage() for r in graphql)
    assert all("\n" not in r.getMessage() for r in graphql)


async def test_an_unexpected_error_keeps_one_traceback_without_variables(
    client, caplog, monkeypatch
):
    caplog.set_level(logging.DEBUG)
    session = await sign_up(client)

    async def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(members_service, "update_profile", broken)
    secret = "name-that-is-private-42"
    body = await gql(
        client,
        "mutation($n: String) { updateProfile(input: {displayName: $n}) { __typename } }",
        {"n": secret},
        token=session["accessToken"],
        headers={"X-Request-ID": "req-unexpected-1"},
    )
    assert body["errors"][0]["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    with_trace = [r for r in caplog.records if r.exc_info]
    assert len(with_trace) == 1
    assert "req-unexpected-1" in with_trace[0].getMessage()
    assert all(secret not in f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records)


# -- suggestions ----------------------------------------------------------------------------

SUGGESTIBLE = [
    ('{ member(idd: "x") { id } }', None),  # argument
    ("mutation { setConsent(purpose: ANALYTIC, granted: true) { __typename } }", None),  # enum
    ('mutation { logIn(input: {emai: "a@b.co", password: "x"}) { __typename } }', None),  # input
    ("{ me { ...F } } fragment F on Membr { id }", None),  # type name in a fragment
    ("query($x: Strin) { me { id } }", None),  # type name of a variable
    ("{ mee { id } }", None),  # field
    (LOG_IN, {"input": {"emai": "a@b.co", "password": "x"}}),  # variables coercion
    ("query($p: ConsentPurpose!) { me { id } } ", {"p": "ANALYTIC"}),  # enum in variables
]


async def _messages(c: httpx.AsyncClient) -> list[str]:
    messages = []
    for query, variables in SUGGESTIBLE:
        body = (await c.post("/graphql", json={"query": query, "variables": variables})).json()
        assert body["errors"], (query, body)
        messages += [e["message"] for e in body["errors"]]
    return messages


async def test_production_suggests_nothing(app, settings_with, client):
    # Development suggests (this is what production must not do) ...
    assert sum("Did you mean" in m for m in await _messages(client)) >= len(SUGGESTIBLE) - 1
    prod = create_app(settings_with(field_suggestions=False), manage_database=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=prod), base_url="http://t") as c:
        messages = await _messages(c)
    assert not [m for m in messages if "Did you mean" in m or "did you mean" in m.lower()]


# -- links ----------------------------------------------------------------------------------


async def test_a_forged_host_header_does_not_reach_the_export_link(client, settings):
    session = await sign_up(client)
    forged = {"Host": "evil.example"}
    request = "mutation { requestDataExport { __typename } }"
    await gql(client, request, token=session["accessToken"], headers=forged)
    await jobs.drain()
    body = await gql(
        client,
        "{ dataExports { status downloadUrl } }",
        token=session["accessToken"],
        headers=forged,
    )
    (export,) = body["data"]["dataExports"]
    assert export["status"] == "READY"
    assert export["downloadUrl"].startswith(settings.base_url + "/exports/")
    assert "evil" not in export["downloadUrl"]


# -- execution budget -----------------------------------------------------------------------


def _budget_app(settings_with, seconds: float = 0.3):
    return create_app(settings_with(execution_timeout_seconds=seconds), manage_database=False)


async def test_a_slow_query_is_cancelled_with_a_timeout_error(app, settings_with, monkeypatch):
    cancelled = asyncio.Event()

    async def slow_viewer(self):
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    monkeypatch.setattr(Context, "viewer", slow_viewer)
    budget = _budget_app(settings_with)
    transport = httpx.ASGITransport(app=budget)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        started = time.monotonic()
        response = await c.post("/graphql", json={"query": "{ me { id } }"})
        elapsed = time.monotonic() - started
    assert response.status_code == 504
    assert response.json()["data"] is None
    assert _error(response)["extensions"]["code"] == "TIMEOUT"
    assert cancelled.is_set()  # the resolver was stopped, not left running
    assert elapsed < 10


async def test_a_timed_out_mutation_changes_nothing(app, client, settings_with, monkeypatch):
    session = await sign_up(client, displayName="Before")
    member_id = int((await Member.get(email=session["member"]["email"])).id)

    async def slow_update(*, member_id: int, **changes):
        async with db.transaction():
            await Member.filter(id=member_id).update(display_name="Half-done")
            await asyncio.sleep(30)

    monkeypatch.setattr(members_service, "update_profile", slow_update)
    budget = _budget_app(settings_with)
    transport = httpx.ASGITransport(app=budget)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        response = await c.post(
            "/graphql",
            json={"query": 'mutation { updateProfile(input: {displayName: "X"}) { __typename } }'},
            headers={"Authorization": f"Bearer {session['accessToken']}"},
        )
    assert response.status_code == 504
    assert _error(response)["extensions"]["code"] == "TIMEOUT"
    assert (await Member.get(id=member_id)).display_name == "Before"
    monkeypatch.undo()
    body = await gql(client, "{ me { displayName } }", token=session["accessToken"])
    assert body["data"]["me"]["displayName"] == "Before"  # the pool is still healthy


async def _ws_recv(ws, timeout=5.0):
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))


async def test_over_websocket_a_query_has_the_budget_and_a_subscription_does_not(
    app, client, settings_with, monkeypatch
):
    session = await sign_up(client)
    original_viewer = Context.viewer
    slow = asyncio.Event()

    async def viewer(self):
        if slow.is_set():
            await asyncio.sleep(30)
        return await original_viewer(self)

    monkeypatch.setattr(Context, "viewer", viewer)
    async with serve_app(_budget_app(settings_with, 0.3)) as server:
        ws = await websockets.connect(
            f"ws://{server}/graphql", subprotocols=["graphql-transport-ws"], open_timeout=5
        )
        try:
            auth = {"authorization": f"Bearer {session['accessToken']}"}
            await ws.send(json.dumps({"type": "connection_init", "payload": auth}))
            assert (await _ws_recv(ws))["type"] == "connection_ack"
            subscribe = "subscription { memberUpdated { displayName } }"
            await ws.send(
                json.dumps({"id": "s", "type": "subscribe", "payload": {"query": subscribe}})
            )
            await asyncio.sleep(0.8)  # longer than the budget: the stream stays open
            await gql(
                client,
                'mutation { updateProfile(input: {displayName: "Live"}) { __typename } }',
                token=session["accessToken"],
            )
            event = await _ws_recv(ws)
            assert event["id"] == "s" and event["type"] == "next"
            assert event["payload"]["data"]["memberUpdated"]["displayName"] == "Live"
            slow.set()
            await ws.send(
                json.dumps({"id": "q", "type": "subscribe", "payload": {"query": "{ me { id } }"}})
            )
            answer = await _ws_recv(ws)
            assert answer["id"] == "q"
            errors = answer["payload"] if answer["type"] == "error" else answer["payload"]["errors"]
            assert errors[0]["extensions"]["code"] == "TIMEOUT"
        finally:
            await ws.close()


async def test_staff_forbidden_is_one_line(client, caplog):
    """A marketer refused a support-only mutation: FORBIDDEN, logged as one line."""
    caplog.set_level(logging.INFO)
    marketer = await staff_session(client, Role.MARKETER)
    body = await gql(
        client,
        'mutation { adjustPoints(input: {member: "TWVtYmVyOjE=", points: 5, reason: "x"}) '
        "{ __typename } }",
        token=marketer["accessToken"],
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    lines = [r for r in caplog.records if "FORBIDDEN" in r.getMessage()]
    assert len(lines) == 1 and not lines[0].exc_info


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("subscription { memberUpdated { id ", id="syntax"),
        pytest.param("{ me { " + " ".join(["id"] * 2100) + " } }", id="token-limit"),
    ],
)
async def test_parse_errors_over_websocket_carry_a_code(client, live_server, query):
    ws = await websockets.connect(
        f"ws://{live_server}/graphql", subprotocols=["graphql-transport-ws"], open_timeout=5
    )
    try:
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert (await _ws_recv(ws))["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "p", "type": "subscribe", "payload": {"query": query}}))
        answer = await _ws_recv(ws)
        assert answer["type"] == "error", answer
        assert answer["payload"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
        assert answer["payload"][0]["extensions"]["requestId"]
    finally:
        await ws.close()


async def test_a_bad_variable_value_is_bad_user_input(client):
    body = await gql(client, LOG_IN, {"input": {"emai": "a@b.co", "password": "x"}})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


# -- values never echoed; outcome of interrupted commits (issue 13 review) -------------------

SECRET = "SuperSecretPw1"
_LOG_IN_DOC = "mutation($input: LogInInput!) { logIn(input: $input) { __typename } }"


@pytest.mark.parametrize(
    ("query", "variables", "kept"),
    [
        (_LOG_IN_DOC, {"input": {"email": "a@b.co", "password": SECRET, "extra": 1}}, "'extra'"),
        (_LOG_IN_DOC, {"input": SECRET}, "'LogInInput'"),
        (_LOG_IN_DOC, {"input": {"password": SECRET}}, "'email'"),
        (_LOG_IN_DOC, {"input": {"email": SECRET, "password": 5}}, "String"),
        (
            'mutation { logIn(input: {email: "a@b.co", password: "%s", extra: 5})'
            " { __typename } }" % SECRET,
            {},
            "'extra'",
        ),
    ],
)
async def test_a_password_in_a_misshapen_input_comes_back_nowhere(client, query, variables, kept):
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    assert SECRET not in response.text
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    assert kept in error["message"], error  # still says which field or type is wrong


async def test_coercion_messages_keep_names_and_types_but_no_values(client):
    query = "query($n: Int) { rewards(first: $n) { __typename } }"
    for value in (1.5, SECRET, True):
        body = (
            await client.post("/graphql", json={"query": query, "variables": {"n": value}})
        ).json()
        message = body["errors"][0]["message"]
        assert message == "Variable '$n' has invalid value: Int cannot represent non-integer value."
    literal = await client.post(
        "/graphql", json={"query": '{ rewards(first: "%s") { __typename } }' % SECRET}
    )
    assert SECRET not in literal.text and "Int cannot represent" in literal.text


def test_redact_values_covers_every_echo_form():
    from app.graphql.errors import redact_values

    pairs = {
        # graphql-core before 3.3 (the form the review quoted)
        f"Variable '$input' got invalid value {{'email': 'a', 'password': '{SECRET}', "
        "'extra': 1}; Field 'extra' is not defined by type 'LogInInput'.": "Variable '$input' got "
        "an invalid value; Field 'extra' is not defined by type 'LogInInput'.",
        "Variable '$input' got invalid value 1.5 at 'input.points'; Int cannot represent "
        "non-integer value: 1.5": "Variable '$input' got an invalid value at 'input.points'; "
        "Int cannot represent non-integer value.",
        f"String cannot represent a non string value: {{'a': '{SECRET}'}}": "String cannot "
        "represent a non string value.",
        f"Expected value of type 'LogInInput' not to include unknown field 'extr'. Did you mean "
        f"'extra'? Found: {{'password': '{SECRET}'}}.": "Expected value of type 'LogInInput' not "
        "to include unknown field 'extr'. Did you mean 'extra'?",
        f"Variable '$d' has invalid value: Expected value of type 'DateTime', but encountered "
        f"error 'Invalid isoformat string: '{SECRET}''; found: '{SECRET}'.": "Variable '$d' has "
        "invalid value: Expected value of type 'DateTime'.",
        f"Value '{SECRET}' does not exist in 'Tier' enum.": "Value does not exist in 'Tier' enum.",
        "Variable '$x' of required type 'Int!' was not provided.": "Variable '$x' of required "
        "type 'Int!' was not provided.",
    }
    for raw, redacted in pairs.items():
        assert redact_values(raw) == redacted, raw


async def _update_twice(c, token: str):
    return await c.post(
        "/graphql",
        json={
            "query": 'mutation { a: updateProfile(input: {displayName: "First"}) { __typename }'
            ' b: updateProfile(input: {displayName: "Second"}) { __typename } }'
        },
        headers={"Authorization": f"Bearer {token}"},
    )


async def test_a_commit_cut_off_says_the_outcome_is_unknown(client, monkeypatch):
    """The connection drops after the server applied COMMIT, before it answered: the change is
    saved, so the answer must not say "nothing was changed"."""
    session = await sign_up(client, displayName="Before")
    original = members_service.update_profile

    async def update_then_lose_the_answer(**kwargs):
        async with db.transaction() as tx:
            wrapper = type(tx.connection)
            real_commit = wrapper.commit

            async def commit_without_answer(self):
                await real_commit(self)
                raise asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed")

            monkeypatch.setattr(wrapper, "commit", commit_without_answer)
            await Member.filter(email=session["member"]["email"]).update(display_name="Saved")
        return await original(**kwargs)  # never reached

    monkeypatch.setattr(members_service, "update_profile", update_then_lose_the_answer)
    response = await client.post(
        "/graphql",
        json={"query": 'mutation { updateProfile(input: {displayName: "X"}) { __typename } }'},
        headers={"Authorization": f"Bearer {session['accessToken']}"},
    )
    monkeypatch.undo()
    assert response.status_code == 503
    error = _error(response)
    assert error["extensions"]["code"] == "SERVICE_UNAVAILABLE"
    assert error["extensions"]["outcome"] == "unknown"
    assert error["extensions"]["retryable"] is False
    assert "may have been saved" in error["message"]
    assert "Nothing was changed" not in error["message"]
    assert (await Member.get(email=session["member"]["email"])).display_name == "Saved"


async def test_a_failure_before_commit_says_nothing_was_applied(client, monkeypatch):
    session = await sign_up(client)

    async def lose_the_connection(**kwargs):
        async with db.transaction():
            raise asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed")

    monkeypatch.setattr(members_service, "update_profile", lose_the_connection)
    response = await client.post(
        "/graphql",
        json={"query": 'mutation { updateProfile(input: {displayName: "X"}) { __typename } }'},
        headers={"Authorization": f"Bearer {session['accessToken']}"},
    )
    error = _error(response)
    assert response.status_code == 503 and error["extensions"]["outcome"] == "not_applied"
    assert error["extensions"]["retryable"] is True and "Nothing was changed" in error["message"]


async def test_the_budget_running_out_during_commit_says_the_outcome_is_unknown(
    app, client, settings_with, monkeypatch
):
    session = await sign_up(client, displayName="Before")

    async def update_with_a_slow_commit_answer(*, member_id: int, **changes):
        async with db.transaction() as tx:
            wrapper = type(tx.connection)
            real_commit = wrapper.commit

            async def commit_then_wait(self):
                await real_commit(self)  # applied; the answer is slow to come back
                await asyncio.sleep(30)

            monkeypatch.setattr(wrapper, "commit", commit_then_wait)
            await Member.filter(id=member_id).update(display_name="Saved")

    monkeypatch.setattr(members_service, "update_profile", update_with_a_slow_commit_answer)
    transport = httpx.ASGITransport(app=_budget_app(settings_with))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        response = await c.post(
            "/graphql",
            json={"query": 'mutation { updateProfile(input: {displayName: "X"}) { __typename } }'},
            headers={"Authorization": f"Bearer {session['accessToken']}"},
        )
    monkeypatch.undo()
    assert response.status_code == 504
    error = _error(response)
    assert error["extensions"]["code"] == "TIMEOUT" and error["extensions"]["outcome"] == "unknown"
    assert error["extensions"]["retryable"] is False and "may have been saved" in error["message"]
    assert (await Member.get(email=session["member"]["email"])).display_name == "Saved"


async def test_a_timeout_after_an_earlier_mutation_committed_does_not_claim_nothing_changed(
    app, client, settings_with, monkeypatch
):
    """Every Mutation field is non-null, so the budget's error replaces the whole result and
    the first field's answer cannot be kept: the error says some change may be saved."""
    session = await sign_up(client, displayName="Before")
    original = members_service.update_profile

    async def second_is_slow(*, member_id: int, **changes):
        if changes.get("display_name") == "Second":
            async with db.transaction():
                await Member.filter(id=member_id).update(display_name="Half-done")
                await asyncio.sleep(30)
        return await original(member_id=member_id, **changes)

    monkeypatch.setattr(members_service, "update_profile", second_is_slow)
    transport = httpx.ASGITransport(app=_budget_app(settings_with, seconds=1.0))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        response = await _update_twice(c, session["accessToken"])
    assert response.status_code == 504
    body = response.json()
    assert body["data"] is None
    error = _error(response)
    assert error["extensions"]["code"] == "TIMEOUT" and error["extensions"]["outcome"] == "unknown"
    assert "Nothing was changed" not in error["message"]
    assert (await Member.get(email=session["member"]["email"])).display_name == "First"

    # One slow mutation on its own: nothing committed, a retry is safe.
    async def only_slow(*, member_id: int, **changes):
        async with db.transaction():
            await Member.filter(id=member_id).update(display_name="Half-done")
            await asyncio.sleep(30)

    monkeypatch.setattr(members_service, "update_profile", only_slow)
    transport = httpx.ASGITransport(app=_budget_app(settings_with))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        response = await c.post(
            "/graphql",
            json={"query": 'mutation { updateProfile(input: {displayName: "X"}) { __typename } }'},
            headers={"Authorization": f"Bearer {session['accessToken']}"},
        )
    error = _error(response)
    assert error["extensions"]["outcome"] == "not_applied" and error["extensions"]["retryable"]
    assert "Nothing was changed" in error["message"]
