"""The dashboard in a real browser: with the demo data its charts render, and the SVG holds
the figures the API returns; a role without analytics lands on a section it may use."""

import re

from playwright.async_api import expect

from app.demo import seed_demo
from app.members import service as members
from app.members.models import Role
from app.rewards.models import Reward
from app.rewards.service import redeem
from tests.helpers import gql, staff_session

WEEK = """query($from: DateTime!, $to: DateTime!) { programAnalytics(from: $from, to: $to) {
  points { issued redeemed expired breakageRate redemptionRate }
  outstanding { points value { currency amount } }
} }"""
RANGE = """query($from: DateTime!, $to: DateTime!) { programAnalytics(from: $from, to: $to) {
  points { issued redeemed expired }
  earnBySource { source points }
  tierDistribution { tier { code } members }
  topRewards(first: 10) { reward { id } redemptions }
} }"""


async def _bars(page, chart: str) -> list[dict]:
    return await page.locator(f"#{chart} svg [data-value]").evaluate_all(
        "els => els.map(e => ({key: e.dataset.key, series: e.dataset.series,"
        " value: e.dataset.value, title: e.querySelector('title').textContent}))"
    )


async def test_dashboard_charts_hold_the_api_figures(console, client):
    await seed_demo()  # what `loyalty seed-demo` does, on the test database
    daan = await members.get_member_by_email(email="daan@demo.loyalty")
    espresso = await Reward.filter(sku="ESPRESSO").first()
    await redeem(member_id=daan.id, reward_id=espresso.id, quantity=1,
                 idempotency_key="dashboard-test-1")  # fmt: skip

    page = await console.sign_in(Role.MARKETER)
    assert page.url.endswith("/console/")
    await page.goto("/console/?weeks=8")
    await expect(page.locator("h1")).to_have_text("Dashboard")
    for chart in ("chart-points", "chart-liability", "chart-rates", "chart-tiers",
                  "chart-sources", "chart-rewards"):  # fmt: skip
        svg = page.locator(f"#{chart} svg")
        await expect(svg).to_have_attribute("role", "img")
        await expect(svg).to_have_attribute("aria-label", re.compile(".+"))
    await console.shot(page, "dashboard")

    token = (await staff_session(client, Role.MARKETER))["accessToken"]
    # Points per week: every bar holds the API's figure for its week.
    bars = await _bars(page, "chart-points")
    weeks = sorted({b["key"] for b in bars})
    assert len(weeks) == 8 and len(bars) == 8 * 3
    issued = 0
    for key in weeks:
        start, end = key.split("/")
        body = await gql(client, WEEK, {"from": start, "to": end}, token=token)
        week = body["data"]["programAnalytics"]
        for series in ("issued", "redeemed", "expired"):
            (bar,) = [b for b in bars if b["key"] == key and b["series"] == series]
            assert int(bar["value"]) == week["points"][series], (key, series)
        issued += week["points"]["issued"]
        rates = {b["series"]: b["value"] for b in await _bars(page, "chart-rates")
                 if b["key"] == key}  # fmt: skip
        for series in ("breakageRate", "redemptionRate"):
            api = week["points"][series]
            assert (float(rates[series]) if series in rates else None) == api, (key, series)
        (point,) = [b for b in await _bars(page, "chart-liability") if b["key"] == key]
        assert point["series"] == "outstanding.EUR"
        assert int(point["value"]) == week["outstanding"]["value"][0]["amount"]
    assert issued > 0  # the demo's purchases are in the chart

    # The range's figures: earn by source, tier distribution, top rewards, and the cards.
    first_start = weeks[0].split("/")[0]
    last_end = weeks[-1].split("/")[1]
    whole = await gql(client, RANGE, {"from": first_start, "to": last_end}, token=token)
    whole = whole["data"]["programAnalytics"]
    assert issued == whole["points"]["issued"]
    sources = {b["key"]: int(b["value"]) for b in await _bars(page, "chart-sources")}
    assert sources == {s["source"]: s["points"] for s in whole["earnBySource"]} != {}
    tiers = {b["key"]: int(b["value"]) for b in await _bars(page, "chart-tiers")}
    assert tiers == {(t["tier"] or {}).get("code", "none"): t["members"]
                     for t in whole["tierDistribution"]}  # fmt: skip
    rewards = {b["key"]: int(b["value"]) for b in await _bars(page, "chart-rewards")}
    assert rewards == {r["reward"]["id"]: r["redemptions"] for r in whole["topRewards"]}
    assert rewards  # the espresso
    assert await page.locator("#card-issued").inner_text() == f"{whole['points']['issued']:,}"
    # Every chart has its figures as a table too (screen readers, copy and paste).
    await expect(page.locator("#chart-points-table tbody tr")).to_have_count(8)

    # A reversed range is refused beside the field; Dutch words for the same page.
    await page.goto("/console/?from=2025-03-01&to=2025-02-01")
    await expect(page.locator("#dates-to-error")).to_have_text("Must be on or after the start.")
    await console.shot(page, "dashboard-bad-range")
    await page.get_by_label("Language").select_option("nl")
    await page.get_by_role("button", name="Apply").click()
    await expect(page.locator("#chart-points figcaption")).to_have_text("Punten per week")
    await console.shot(page, "dashboard-nl")


async def test_roles_without_analytics_land_on_a_page_they_may_use(console):
    page = await console.sign_in(Role.SUPPORT)
    assert page.url.endswith("/console/members"), page.url
    await expect(page.locator("h1")).to_have_text("Members")
    assert await page.locator("main .error").count() == 0
    nav = page.locator("header nav")
    await expect(nav.get_by_role("link", name="Dashboard")).to_have_count(0)
    await console.shot(page, "dashboard-support-lands")


def test_campaign_uplift_and_charts_markup():
    """The uplift section with a campaign (the demo launches none), and what every chart
    carries: role, label, a title and the exact figure per bar, values escaped."""
    from types import SimpleNamespace

    from app.console import i18n
    from app.console.charts import Category, Chart, Series, bar_chart, number
    from app.console.pages.dashboard import _campaigns

    c = SimpleNamespace(lang="nl", t=lambda key, **values: i18n.t("nl", key, **values))
    group = {"members": 90, "spend": 45000, "points": 900, "spendPerMember": 500.0,
             "pointsPerMember": 10.0}  # fmt: skip
    control = {"members": 10, "spend": 3000, "points": 50, "spendPerMember": 300.0,
               "pointsPerMember": 5.0}  # fmt: skip
    figures = {"outstanding": {"value": [{"currency": "EUR", "amount": 100}]},
               "openingOutstanding": {"value": None},
               "campaigns": [{"campaignId": "Q2FtcGFpZ246MQ==", "name": "<b>Spring</b>",
                              "launchedAt": "2026-03-01T09:00:00Z", "windowDays": 14,
                              "recipients": group, "controlGroup": control,
                              "spendUplift": 200.0, "pointsUplift": 5.0}]}  # fmt: skip
    html = _campaigns(c, figures, 14)
    assert "&lt;b&gt;Spring&lt;/b&gt;" in html and "<b>" not in html
    assert 'data-series="recipients.pointsPerMember" data-key="Q2FtcGFpZ246MQ=="' in html
    assert 'data-value="10.0"' in html and 'data-value="300.0"' in html
    assert "2,00 EUR" in html and "+5,0" in html  # Dutch numbers

    chart = bar_chart(Chart(ident="x", title="T", lang="en", fmt=lambda v: number(v, "en"),
                            categories=[Category("a", "k1"), Category("b", "k2")],
                            series=[Series("S", "s", [1234, None])]))  # fmt: skip
    assert 'role="img" aria-label="T"' in chart and chart.count("data-value=") == 1
    assert "<title>a: 1,234</title>" in chart and 'data-value="1234"' in chart
    assert "style=" not in chart and "<script" not in chart
