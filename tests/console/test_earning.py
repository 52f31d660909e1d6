"""The console's tiers and earning-rules pages, in a real browser: an admin changes the base
rate, adds a bonus window and an event type, sets the checkout rate, creates and edits a
tier and the tier policy (an edit keeps every language's texts); invalid values show the API's message beside the field and change
nothing; support sees no forms and gets the API's refusal when it posts anyway."""

import re
from decimal import Decimal

from playwright.async_api import expect

from app.members.models import Role
from app.tiers import service as tiers
from tests.helpers import gql, staff_session

RULES = """{ earningRules { currencies { currency pointsPerUnit }
  bonusWindows { name multiplier } eventTypes { code name points active } }
  checkoutRates { currency pointsPerUnit } }"""
TIERS = "{ tiers { code rank threshold name benefits } tierPolicy { graceDays } }"


async def _api(client, query, role=Role.ADMIN):
    token = (await staff_session(client, role))["accessToken"]
    body = await gql(client, query, token=token)
    assert "errors" not in body, body
    return body["data"]


async def _sign_in(console, role):
    page = await console.sign_in(role)
    await page.wait_for_url(lambda url: "/console/login" not in url)  # the sign-in has landed
    return page


def _field_error(page, form_id: str, name: str):
    return page.locator(f"#{form_id}-{name}-error")


async def test_admin_changes_earning_rules(console, client):
    page = await _sign_in(console, Role.ADMIN)
    await page.goto("/console/catalog/earning")
    await expect(page.get_by_role("heading", name="Earning rules", exact=True)).to_be_visible()
    await console.shot(page, "earning-rules")

    # The base rate (EUR).
    rate = page.locator("form#rate-eur")
    await rate.get_by_label(re.compile("^Points per unit spent")).fill("3")
    await rate.get_by_role("button", name="Save rate").click()
    await expect(page.locator(".notice")).to_have_text("Saved.")
    await expect(
        page.locator("form#rate-eur").get_by_label(re.compile("^Points per unit spent"))
    ).to_have_value(re.compile(r"^3(\.0+)?$"))

    # A bonus window.
    window = page.locator("form#window-form")
    await window.get_by_label(re.compile("^Name")).fill("Double weekend")
    await window.get_by_label(re.compile("^Starts")).fill("2031-05-03T00:00")
    await window.get_by_label(re.compile("^Ends")).fill("2031-05-05T00:00")
    await window.get_by_label(re.compile("^Points factor")).fill("2")
    await window.get_by_role("button", name="Add bonus window").click()
    windows = page.locator("section#windows table")
    await expect(windows).to_contain_text("Double weekend")
    await expect(windows).to_contain_text("2031-05-03 00:00 UTC")

    # An event type.
    event = page.locator("form#event-form")
    await event.get_by_label(re.compile("^Code")).fill("product_review")
    await event.get_by_label(re.compile("^Name")).fill("Product review")
    await event.get_by_label(re.compile("^Points per event")).fill("25")
    await event.get_by_label(re.compile("^Daily limit")).fill("2")
    await event.get_by_role("button", name="Save event type").click()
    await expect(page.locator("section#events table")).to_contain_text("Product review")

    # The checkout rate (admins may change the catalog too).
    checkout = page.locator("form#checkout-form")
    await checkout.get_by_label(re.compile("^Points per unit paid")).fill("120")
    await checkout.get_by_role("button", name="Save checkout rate").click()
    await expect(page.locator("section#checkout table")).to_contain_text("120")
    await console.shot(page, "earning-rules-saved")

    # An invalid value: the API's message beside its field, nothing changed.
    rate = page.locator("form#rate-eur")
    await rate.get_by_label(re.compile("^Points per unit spent")).fill("-1")
    await rate.get_by_role("button", name="Save rate").click()
    error = _field_error(page, "rate-eur", "pointsPerUnit")
    await expect(error).to_be_visible()
    await console.shot(page, "earning-rules-invalid")
    refused = await gql(client, """mutation { setCurrencyRate(input: {currency: "EUR",
      pointsPerUnit: "-1"}) { ... on InvalidInput { fields { field message } } } }""",
                        token=(await staff_session(client, Role.ADMIN))["accessToken"])  # fmt: skip
    (problem,) = refused["data"]["setCurrencyRate"]["fields"]
    assert problem["field"] == "pointsPerUnit"
    await expect(error).to_have_text(problem["message"])
    await expect(
        page.locator("form#rate-eur").get_by_label(re.compile("^Points per unit spent"))
    ).to_have_attribute("aria-invalid", "true")

    # The API's own earning rules hold the new values (and not the refused one).
    data = await _api(client, RULES)
    eur = next(r for r in data["earningRules"]["currencies"] if r["currency"] == "EUR")
    assert float(eur["pointsPerUnit"]) == 3
    assert [(w["name"], float(w["multiplier"])) for w in data["earningRules"]["bonusWindows"]] == [
        ("Double weekend", 2.0)
    ]
    assert {"code": "product_review", "name": "Product review", "points": 25, "active": True} in (
        data["earningRules"]["eventTypes"]
    )
    assert {"currency": "EUR", "pointsPerUnit": 120} in data["checkoutRates"]

    # Dutch: the page speaks the member's language.
    await page.get_by_label("Language").select_option("nl")
    await page.get_by_role("button", name="Apply").click()
    await expect(page.get_by_role("heading", name="Spaarregels", exact=True)).to_be_visible()
    await console.shot(page, "earning-rules-nl")


async def test_admin_creates_and_edits_a_tier(console, client):
    page = await _sign_in(console, Role.ADMIN)
    await page.goto("/console/catalog/tiers")
    await console.shot(page, "tiers-empty")
    await page.get_by_role("link", name="New tier").click()
    await page.wait_for_url("**/console/catalog/tiers/new")
    tier = page.locator("form#tier-form")
    await tier.get_by_label(re.compile("^Code")).fill("gold")
    await tier.get_by_label(re.compile("^Rank")).fill("2")
    await tier.get_by_label(re.compile("^Threshold")).fill("50000")
    await tier.get_by_label(re.compile("^Earn multiplier")).fill("1.5")
    await tier.get_by_label(re.compile(r"^Name \(English\)")).fill("Gold")
    await tier.get_by_label(re.compile(r"^Benefits \(English\)")).fill("Free coffee\nLounge")
    await tier.get_by_label(re.compile(r"^Name \(Nederlands\)")).fill("Goud")
    await console.shot(page, "tier-new")
    await tier.get_by_role("button", name="Save tier").click()
    await page.wait_for_url("**/console/catalog/tiers?done=1")
    listing = page.locator("section#tiers table")
    await expect(listing).to_contain_text("Gold")
    await expect(listing).to_contain_text("50000")
    await expect(listing).to_contain_text("Free coffee")

    # Edit it: a refused value first (the API's message beside the field), then a good one.
    await page.get_by_role("link", name="Edit Gold").click()
    await page.wait_for_url("**/console/catalog/tiers/edit/gold")
    tier = page.locator("form#tier-form")
    await expect(tier.get_by_label(re.compile(r"^Name \(English\)"))).to_have_value("Gold")
    await tier.get_by_label(re.compile("^Earn multiplier")).fill("50")
    await tier.get_by_role("button", name="Save tier").click()
    await expect(_field_error(page, "tier-form", "earnMultiplier")).to_be_visible()
    await console.shot(page, "tier-edit-invalid")
    tier = page.locator("form#tier-form")
    await tier.get_by_label(re.compile("^Earn multiplier")).fill("2")
    await tier.get_by_label(re.compile("^Threshold")).fill("75000")
    await tier.get_by_label(re.compile(r"^Name \(Nederlands\)")).fill("Goud")
    await tier.get_by_role("button", name="Save tier").click()
    await page.wait_for_url("**/console/catalog/tiers?done=1")
    await expect(page.locator("section#tiers table")).to_contain_text("75000")

    # The tier policy: an invalid grace period is refused beside its field.
    policy = page.locator("form#tier-policy-form")
    await policy.get_by_label(re.compile("^Grace days")).fill("9999")
    await policy.get_by_role("button", name="Save tier policy").click()
    await expect(_field_error(page, "tier-policy-form", "graceDays")).to_be_visible()
    policy = page.locator("form#tier-policy-form")
    await policy.get_by_label(re.compile("^Grace days")).fill("45")
    await policy.get_by_role("button", name="Save tier policy").click()
    await expect(page.locator(".notice")).to_have_text("Saved.")
    await console.shot(page, "tiers")

    data = await _api(client, TIERS)
    assert data["tierPolicy"]["graceDays"] == 45
    (gold,) = data["tiers"]
    assert (gold["code"], gold["threshold"], gold["name"]) == ("gold", 75000, "Gold")
    assert gold["benefits"] == ["Free coffee", "Lounge"]


async def test_support_sees_no_forms_and_is_refused_by_the_api(console, client):
    page = await _sign_in(console, Role.SUPPORT)
    await page.goto("/console/catalog/earning")
    await expect(
        page.get_by_text("Your role may read these rules but not change them.")
    ).to_be_visible()
    assert await page.locator("main form").count() == 0
    await console.shot(page, "earning-rules-support")
    await page.goto("/console/catalog/tiers")
    assert await page.locator("main form").count() == 0
    await expect(page.get_by_role("link", name="New tier")).to_have_count(0)
    await console.shot(page, "tiers-support")

    # Posting anyway (with a valid CSRF token): the API refuses, nothing changes.
    csrf = await page.locator("meta[name=csrf-token]").get_attribute("content")
    answer = await page.request.post("/console/catalog/earning", form={
        "csrf": csrf, "op": "rate", "form": "EUR", "currency": "EUR", "pointsPerUnit": "9",
        "minorDigits": "2", "minimumSpend": "0"})  # fmt: skip
    text = await answer.text()
    token = (await staff_session(client, Role.SUPPORT))["accessToken"]
    refused = await gql(client, 'mutation { setCurrencyRate(input: {currency: "EUR", '
                        'pointsPerUnit: "9"}) { __typename } }', token=token)  # fmt: skip
    message = refused["errors"][0]["message"]
    assert message in text and 'class="error"' in text
    answer = await page.request.post("/console/catalog/tiers/new", form={
        "csrf": csrf, "code": "vip", "rank": "9", "threshold": "1", "name_en": "VIP"})  # fmt: skip
    assert message in await answer.text()
    # The same post from the page itself, to see the refusal as support does.
    await page.goto("/console/catalog/earning")
    await page.evaluate(
        """(csrf) => {
      const f = document.createElement("form");
      f.method = "post"; f.action = "/console/catalog/earning";
      for (const [k, v] of Object.entries({csrf, op: "event", code: "sneaky", name: "Sneaky",
                                           points: "1000"})) {
        const i = document.createElement("input");
        i.type = "hidden"; i.name = k; i.value = v; f.append(i);
      }
      document.body.append(f); f.submit();
    }""",
        csrf,
    )
    await expect(page.locator("main .error")).to_contain_text(message)
    await console.shot(page, "earning-rules-support-refused")

    data = await _api(client, RULES)
    eur = next(r for r in data["earningRules"]["currencies"] if r["currency"] == "EUR")
    assert float(eur["pointsPerUnit"]) != 9
    assert (await _api(client, TIERS))["tiers"] == []


async def test_editing_a_tiers_english_name_keeps_dutch_and_spanish(console, client):
    await tiers.save_tier(code="gold", rank=1, threshold=50_000, earn_multiplier=Decimal(1),
                          texts={"en": {"name": "Gold", "benefits": ["Lounge"]},
                                 "nl": {"name": "Goud", "benefits": ["Lounge", "Koffie"]},
                                 "es": {"name": "Oro", "benefits": ["Salón"]}})  # fmt: skip
    page = await _sign_in(console, Role.MARKETER)
    await page.goto("/console/catalog/tiers/edit/gold")
    tier = page.locator("form#tier-form")
    await expect(tier.get_by_label(re.compile(r"^Name \(Nederlands\)"))).to_have_value("Goud")
    await expect(tier.get_by_label(re.compile(r"^Name \(Español\)"))).to_have_value("Oro")
    await expect(tier.get_by_label(re.compile(r"^Benefits \(Nederlands\)"))).to_have_value(
        "Lounge\nKoffie")  # fmt: skip
    await tier.get_by_label(re.compile(r"^Name \(English\)")).fill("Gold Plus")
    await console.shot(page, "tier-edit-languages")
    await tier.get_by_role("button", name="Save tier").click()
    await page.wait_for_url("**/console/catalog/tiers?done=1")
    await expect(page.locator("section#tiers table")).to_contain_text("Gold Plus")

    data = await _api(client, "{ tiers { texts { locale name benefits } } }")
    assert data["tiers"][0]["texts"] == [
        {"locale": "en", "name": "Gold Plus", "benefits": ["Lounge"]},
        {"locale": "es", "name": "Oro", "benefits": ["Salón"]},
        {"locale": "nl", "name": "Goud", "benefits": ["Lounge", "Koffie"]},
    ]
