"""app.web.read_form through a real page (the reset-password page): a form is read only up
to MAX_FORM_BYTES, counted as it arrives, so a chunked body (no Content-Length) cannot slip
past the limit; a form within it is read however it is sent."""

from collections.abc import AsyncIterator

from app import jobs
from app.mail import service as mail
from app.web import MAX_FORM_BYTES
from tests.helpers import LOG_IN, PASSWORD, gql, sign_up, unique_email

PATH = "/account/reset-password"
REQUEST = """mutation($e: String!) { requestPasswordReset(email: $e) { __typename } }"""
NEW_PASSWORD = "a-brand-new-passphrase"
FORM = {"content-type": "application/x-www-form-urlencoded"}
DONE = "Your password is set"


async def _reset_token(client, smtp) -> tuple[str, str]:
    """A new member's email and the token of the reset link mailed to them."""
    email = unique_email("web")
    await sign_up(client, email=email)
    await gql(client, REQUEST, {"e": email})
    await jobs.drain()
    [got] = [m for m in smtp.to(email) if m.message["Subject"] == "Reset your password"]
    return email, got.token(PATH)


def _body(token: str, size: int) -> bytes:
    """A url-encoded reset form of exactly `size` bytes (padded with a field of its own)."""
    form = f"token={token}&password={NEW_PASSWORD}&pad=".encode()
    return form + b"x" * (size - len(form))


async def _chunked(body: bytes) -> AsyncIterator[bytes]:
    for start in range(0, len(body), 8192):
        yield body[start : start + 8192]


async def _password_works(client, email: str, password: str) -> bool:
    body = await gql(client, LOG_IN, {"input": {"email": email, "password": password}})
    return body["data"]["logIn"]["__typename"] == "AuthSession"


async def test_a_form_past_the_limit_is_ignored_however_it_is_sent(client, smtp):
    email, token = await _reset_token(client, smtp)
    for content in (
        _chunked(_body(token, 500_000)),  # chunked: no Content-Length to refuse it by
        _chunked(_body(token, MAX_FORM_BYTES + 1)),
        _body(token, MAX_FORM_BYTES + 1),  # announced by Content-Length
    ):
        answer = await client.post(PATH, content=content, headers=FORM)
        assert answer.status_code == 400 and DONE not in answer.text, answer.text
        assert await mail.token_state(raw=token) == "VALID"
    assert await _password_works(client, email, PASSWORD)

    # A small form is read.
    done = await client.post(PATH, data={"token": token, "password": NEW_PASSWORD})
    assert done.status_code == 200 and DONE in done.text, done.text
    assert await _password_works(client, email, NEW_PASSWORD)


async def test_a_chunked_form_within_the_limit_is_read(client, smtp):
    email, token = await _reset_token(client, smtp)
    body = _body(token, MAX_FORM_BYTES)
    done = await client.post(PATH, content=_chunked(body), headers=FORM)
    assert done.status_code == 200 and DONE in done.text, done.text
    assert await _password_works(client, email, NEW_PASSWORD)
