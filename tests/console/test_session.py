"""Signing in and out of the console, its cookie, CSRF, headers and idle timeout."""

import re

import httpx
import pytest
from playwright.async_api import expect

from app.console import session
from app.console.routes import _safe_next
from app.members.models import Role
from tests import factories
from tests.helpers import PASSWORD, gql, sign_up

DENY_COOKIES = """
Object.defineProperty(Document.prototype, "cookie", {
  get() { throw new Error("cookies denied"); },
  set() { throw new Error("cookies denied"); },
});
"""


async def test_support_signs_in_and_out(console):
    page = await console.sign_in(Role.SUPPORT, name="Sue Support")
    assert "/console/" in page.url and "login" not in page.url
    await expect(page.locator("header .who")).to_have_text("Signed in as Sue Support (support)")
    cookies = await page.context.cookies()
    cookie = next(c for c in cookies if c["name"] == "loyalty_console")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert await page.evaluate("document.cookie") == ""  # nothing a script can read
    await console.shot(page, "signed-in")
    await page.get_by_role("button", name="Sign out").click()
    await page.wait_for_url("**/console/login?out=1")
    await console.shot(page, "signed-out")
    await page.goto("/console/members")
    assert "/console/login" in page.url


async def test_a_members_credentials_are_refused(console, client):
    body = await sign_up(client)
    email = body["member"]["email"]
    page = await console.new_page()
    await page.goto("/console/login")
    await console.shot(page, "login")
    await page.get_by_label(re.compile("^Email")).fill(email)
    await page.get_by_label(re.compile("^Password")).fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.locator("#login .error")).to_have_text(
        "This console is for staff accounts only."
    )
    assert not any(c["name"] == "loyalty_console" for c in await page.context.cookies())
    await page.goto("/console/members")
    assert "/console/login" in page.url
    await console.shot(page, "login-member-refused")


async def test_a_post_without_the_csrf_token_is_refused(console):
    alice = await factories.member(display_name="Alice")
    page = await console.sign_in(Role.SUPPORT)
    await page.goto("/console/members")
    gid = await page.evaluate("1") and None
    from base64 import b64encode

    gid = b64encode(f"Member:{alice.id}".encode()).decode()
    form = {"id": gid, "action": "adjust", "points": "500", "reason": "forged"}
    # The browser's own request context: it sends the session cookie, as a forged form would.
    for extra in ({}, {"csrf": "not-the-token"}):
        answer = await page.request.post("/console/members/profile", form={**form, **extra},
                                         max_redirects=0)  # fmt: skip
        assert answer.status == 403
        assert "did not come from the console" in await answer.text()
    from app.ledger import service as ledger

    assert (await ledger.balances([alice.id]))[0].available == 0
    # Sign-out is a POST too: without the token it signs nobody out.
    answer = await page.request.post("/console/logout", form={}, max_redirects=0)
    assert answer.status == 303
    await page.goto("/console/members")
    assert "/console/members" in page.url and "login" not in page.url


async def test_the_console_works_with_cookies_denied_to_scripts(console):
    alice = await factories.member(display_name="Cora Cookie")
    page = await console.new_page()
    await page.context.add_init_script(DENY_COOKIES)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    email, _ = await console.staff(Role.SUPPORT)
    await console.sign_in(email=email, page=page)
    assert await page.evaluate("(() => { try { document.cookie; return 'read' } "
                               "catch (e) { return 'denied' } })()") == "denied"  # fmt: skip
    await page.goto("/console/members?q=Cora")
    await page.get_by_role("link", name="Cora Cookie").click()
    await page.locator("#adjust-points").fill("40")
    await page.locator("#adjust-reason").fill("works without cookies in scripts")
    await page.get_by_role("button", name="Post the correction").click()
    await expect(page.locator(".notice")).to_have_text("The correction is posted.")
    from app.ledger import service as ledger

    assert (await ledger.balances([alice.id]))[0].available == 40
    assert errors == []


async def test_pages_carry_a_strict_content_security_policy(console, client):
    page = await console.sign_in(Role.SUPPORT)
    response = await page.goto("/console/members")
    headers = response.headers
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["cache-control"] == "no-store"
    html = await page.content()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)  # no inline script
    assert " style=" not in html and " onclick=" not in html


# ---- without a browser -----------------------------------------------------------------


async def _login_form(c: httpx.AsyncClient) -> str:
    page = await c.get("/console/login")
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


async def _sign_in(c: httpx.AsyncClient, email: str, password: str = PASSWORD) -> httpx.Response:
    token = await _login_form(c)
    return await c.post("/console/login",
                        data={"csrf": token, "email": email, "password": password})  # fmt: skip


async def test_sign_in_is_throttled_like_the_api(client):
    email = "throttled@staff.test"
    from app.auth import service as auth

    await auth.create_staff(email=email, password=PASSWORD, role=Role.SUPPORT, display_name=None)
    statuses = [(await _sign_in(client, email, "wrong-password")).status_code for _ in range(12)]
    assert statuses[0] == 401
    last = await _sign_in(client, email, PASSWORD)
    assert last.status_code == 401 and "Too many" in last.text  # the API's TooManyAttempts
    assert session.COOKIE not in last.cookies


async def test_the_sign_in_form_needs_its_own_token(client):
    answer = await client.post("/console/login", data={"email": "a@b.test", "password": "x"})
    assert answer.status_code == 403


async def test_idle_sessions_end_and_their_api_session_is_revoked(client, monkeypatch):
    from app.auth import service as auth
    from app.auth.models import AuthSession

    await auth.create_staff(email="idle@staff.test", password=PASSWORD, role=Role.SUPPORT,
                            display_name=None)  # fmt: skip
    assert (await _sign_in(client, "idle@staff.test")).status_code == 303
    assert (await client.get("/console/members")).status_code == 200
    monkeypatch.setattr(session, "IDLE_SECONDS", -1)
    answer = await client.get("/console/members")
    assert answer.status_code == 303 and answer.headers["location"].startswith("/console/login")
    assert await AuthSession.filter(revoked_at__isnull=True).count() == 0


async def test_a_forged_or_altered_cookie_is_refused(client):
    from app.auth import service as auth

    await auth.create_staff(email="forge@staff.test", password=PASSWORD, role=Role.ADMIN,
                            display_name=None)  # fmt: skip
    await _sign_in(client, "forge@staff.test")
    value = client.cookies[session.COOKIE]
    body, _, mac = value.partition(".")
    client.cookies.set(session.COOKIE, body + "." + mac[::-1])
    answer = await client.get("/console/members")
    assert answer.status_code == 303 and "/console/login" in answer.headers["location"]


async def test_member_data_is_escaped(client):
    await factories.member(display_name='<script>alert("x")</script>', email="xss@shop.test")
    from app.auth import service as auth

    await auth.create_staff(email="esc@staff.test", password=PASSWORD, role=Role.SUPPORT,
                            display_name=None)  # fmt: skip
    await _sign_in(client, "esc@staff.test")
    page = await client.get("/console/members", params={"q": "xss"})
    assert "<script>alert" not in page.text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page.text


def test_only_console_paths_are_followed_after_sign_in():
    assert _safe_next("/console/members?q=a") == "/console/members?q=a"
    for bad in ("https://evil.test/", "//evil.test/console", "/\\evil.test", "/graphql", None):
        assert _safe_next(bad) == "/console/"


def test_cookies_are_secure_outside_development(settings_with):
    production = settings_with(environment="production")
    assert session.secure(production) and session.cookie_name(production).startswith("__Host-")
    assert not session.secure(settings_with(environment="development"))


@pytest.mark.parametrize("role", [Role.ADMIN, Role.MARKETER, Role.SUPPORT])
async def test_every_staff_role_lands_on_a_page_it_may_use(client, role):
    from app.auth import service as auth

    email = f"land-{role.value}@staff.test"
    await auth.create_staff(email=email, password=PASSWORD, role=role, display_name=None)
    await _sign_in(client, email)
    answer = await client.get("/console/", follow_redirects=True)
    assert answer.status_code == 200, answer.text[:500]
    assert gql  # the API helpers stay importable for the page tests


async def test_the_token_pair_rotates_without_signing_anyone_out(client, monkeypatch):
    from app.auth import service as auth
    from app.auth.models import AuthSession
    from app.console import core

    await auth.create_staff(email="rotate@staff.test", password=PASSWORD, role=Role.SUPPORT,
                            display_name=None)  # fmt: skip
    await _sign_in(client, "rotate@staff.test")
    first = client.cookies[session.COOKIE]
    monkeypatch.setattr(core, "REFRESH_BEFORE_SECONDS", 10**9)  # every request rotates
    assert (await client.get("/console/members")).status_code == 200
    second = client.cookies[session.COOKIE]
    assert second != first
    # A request still carrying the old cookie (a slow page, a second tab) gets the new pair
    # instead of presenting the spent refresh token, which would revoke the session.
    client.cookies.set(session.COOKIE, first)
    assert (await client.get("/console/members")).status_code == 200
    assert (await client.get("/console/members")).status_code == 200
    assert await AuthSession.filter(revoked_at__isnull=True).count() == 1


async def test_a_pages_background_reads_do_not_keep_it_from_idling_out(client, settings):
    import base64
    import json
    import time

    from app.auth import service as auth

    await auth.create_staff(email="poll@staff.test", password=PASSWORD, role=Role.SUPPORT,
                            display_name=None)  # fmt: skip
    await _sign_in(client, "poll@staff.test")

    def cookie():
        return next(c for c in client.cookies.jar if c.name == session.COOKIE)

    def seen() -> int:
        body = cookie().value.partition(".")[0]
        return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))["s"]

    body = cookie().value.partition(".")[0]
    data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    data["s"] -= 600  # ten minutes without the staff member doing anything
    client.cookies.set(
        session.COOKIE, session._sign(settings, "session", json.dumps(data).encode())
    )
    before = data["s"]
    polled = await client.get("/console/members", headers={"X-Console-Poll": "1"})
    assert polled.status_code == 200 and seen() == before
    assert (await client.get("/console/members")).status_code == 200
    assert seen() >= int(time.time()) - 5


async def test_an_open_sign_in_form_survives_another_look_at_the_sign_in_page(client):
    from app.auth import service as auth

    await auth.create_staff(email="tabs@staff.test", password=PASSWORD, role=Role.SUPPORT,
                            display_name=None)  # fmt: skip
    first = await _login_form(client)
    await _login_form(client)  # a second tab (or a redirected background read)
    answer = await client.post("/console/login", data={"csrf": first, "email": "tabs@staff.test",
                                                       "password": PASSWORD})  # fmt: skip
    assert answer.status_code == 303
