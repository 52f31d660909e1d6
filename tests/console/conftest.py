"""The console in a real browser: Debian's Chromium (/usr/bin/chromium) driven by
Playwright for Python against the app on a real uvicorn (loopback, free port).

`console` gives a `Driver`: `await console.sign_in(role)` creates a staff account of that
role and signs it in through the sign-in page, returning the Playwright page; `await
console.shot(page, name)` saves a screenshot under var/test-artifacts/console/."""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app.auth import service as auth
from app.members.models import Role
from tests.conftest import PG_BASE, serve_app
from tests.helpers import PASSWORD

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]  # fmt: skip
ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts" / "console"
_seq = itertools.count(1)


@pytest.fixture(scope="session")
async def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium chromium-driver)")
    if os.environ.get("LOYALTY_BROWSER_TESTS") == "postgres" and not PG_BASE:
        pytest.skip("browser tests run in this suite's PostgreSQL run (scripts/test)")
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield launched
        finally:
            await launched.close()


class Driver:
    def __init__(self, browser, address: str):
        self.browser = browser
        self.address = address
        self.base = f"http://{address}"
        self.contexts: list = []

    async def new_page(self, **context_options):
        context = await self.browser.new_context(base_url=self.base, **context_options)
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        return await context.new_page()

    async def staff(self, role: Role, *, name: str | None = None, email: str | None = None):
        """A staff account of `role` (its email, and the account)."""
        email = email or f"{role.value}{next(_seq)}@staff.test"
        account = await auth.create_staff(email=email, password=PASSWORD, role=role,
                                          display_name=name or f"Test {role.value}")  # fmt: skip
        return email, account

    async def sign_in(self, role: Role | None = None, *, email: str | None = None,
                      password: str = PASSWORD, page=None, name: str | None = None):  # fmt: skip
        """Sign in through the sign-in page (a new staff account of `role` unless `email`
        names an existing one); the page, on the console's first page."""
        if role is not None and email is None:
            email, _ = await self.staff(role, name=name)
        page = page or await self.new_page()
        await page.goto("/console/login")
        await page.get_by_label(re.compile("^Email")).fill(email)
        await page.get_by_label(re.compile("^Password")).fill(password)
        await page.get_by_role("button", name="Sign in").click()
        await page.wait_for_load_state("domcontentloaded")
        return page

    async def shot(self, page, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        await page.screenshot(path=str(path), full_page=True)
        # A full-page screenshot resizes the viewport and puts it back: let the page lay
        # itself out again before the test clicks (a click at once can land on the old spot).
        await page.evaluate(
            "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
        )
        return path

    async def close(self) -> None:
        for context in self.contexts:
            await context.close()


@pytest.fixture
async def console(app, browser) -> AsyncIterator[Driver]:
    async with serve_app(app) as address:
        driver = Driver(browser, address)
        try:
            yield driver
        finally:
            await driver.close()
