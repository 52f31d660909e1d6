"""The catalog pages in a real browser: a marketer builds a reward (three languages, stock),
changes its stock, is refused a negative cost beside the field, and creates an offer with
targeting and early access and an exclusive content item, reopens both with every field
(every language, the targeting) filled in, edits and saves them; what the pages saved is
what was typed (read back from the database). Every offer and item is listed with its
status."""

import datetime as dt
from decimal import Decimal

from playwright.async_api import expect

from app.content import service as content
from app.content.models import ContentItem, ContentKind
from app.members.models import Role
from app.offers import service as offers
from app.offers.models import Offer, OfferKind
from app.rewards.models import Reward, RewardKind
from app.tiers import service as tiers
from tests.helpers import spend_tiers


def _local(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M")


async def _tiers():
    await spend_tiers()  # silver 10,000, gold 50,000


async def test_marketer_builds_a_reward(console):
    page = await console.sign_in(Role.MARKETER)
    await page.goto("/console/catalog")
    nav = page.get_by_role("navigation", name="Catalog sections")
    for name in ("Rewards", "Offers", "Exclusive content", "Tiers", "Earning rules"):
        await expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
    await console.shot(page, "catalog-overview")

    await nav.get_by_role("link", name="Rewards", exact=True).click()
    await page.get_by_role("link", name="New reward").click()
    await page.get_by_label("Kind").select_option("DISCOUNT_VOUCHER")
    await page.get_by_label("Category").fill("drinks")
    await page.get_by_label("Points per unit").fill("250")
    await page.get_by_label("Title (English)").fill("Free coffee <b>")
    await page.get_by_label("Description (English)").fill("Any size.")
    await page.get_by_label("Title (Dutch)").fill("Gratis koffie")
    await page.get_by_label("Title (Spanish)").fill("Café gratis")
    await page.get_by_label("Small print (Spanish)").fill("Un café por visita.")
    await page.get_by_label("Stock").fill("10")
    await page.get_by_label("Units per member, ever").fill("2")
    await page.get_by_label("Percent off (discount vouchers)").fill("15")
    await console.shot(page, "catalog-reward-new")
    await page.get_by_role("button", name="Create the reward").click()

    await page.wait_for_url("**/console/catalog/rewards?done=1")
    await expect(page.locator(".notice")).to_have_text("Saved.")
    row = page.locator("table.rewards tr", has_text="Free coffee <b>")
    await expect(row).to_contain_text("drinks")
    await expect(row.locator(".stock")).to_have_text("10")
    await console.shot(page, "catalog-rewards")

    reward = await Reward.get(category="drinks")
    assert reward.kind == RewardKind.DISCOUNT_VOUCHER and reward.points_cost == 250
    assert (reward.stock, reward.per_member_limit, reward.percent_off) == (10, 2, 15)
    assert reward.texts == {
        "en": {"title": "Free coffee <b>", "description": "Any size.", "terms": ""},
        "nl": {"title": "Gratis koffie", "description": "", "terms": ""},
        "es": {"title": "Café gratis", "description": "", "terms": "Un café por visita."},
    }

    await row.get_by_role("link", name="Free coffee <b>").click()
    await expect(page.get_by_label("Title (Dutch)")).to_have_value("Gratis koffie")
    await page.get_by_label("Change the stock by").fill("5")
    await page.get_by_role("button", name="Change the stock").click()
    await expect(page.locator("#stock-left")).to_have_text("Units left: 15")
    await reward.refresh_from_db()
    assert reward.stock == 15
    await console.shot(page, "catalog-reward-edit")

    # A negative cost: the API's message beside the field, nothing changed.
    await page.get_by_label("Points per unit").fill("-5")
    await page.get_by_label("Title (Dutch)").fill("Koffie cadeau")
    await page.get_by_role("button", name="Save the reward").click()
    error = page.locator("#reward-pointsCost-error")
    await expect(error).to_be_visible()
    await expect(error).to_have_text("This must be greater than zero.")  # the API's words
    await expect(page.locator("#reward-pointsCost")).to_have_attribute("aria-invalid", "true")
    await expect(page.get_by_label("Points per unit")).to_have_value("-5")  # as typed
    await console.shot(page, "catalog-reward-invalid")
    await reward.refresh_from_db()
    assert reward.points_cost == 250 and reward.texts["nl"]["title"] == "Gratis koffie"

    # A valid change saves (empty optional fields are cleared, the others kept).
    await page.get_by_label("Points per unit").fill("300")
    await page.get_by_label("Units per member, ever").fill("")
    await page.get_by_role("button", name="Save the reward").click()
    await expect(page.locator(".notice")).to_have_text("Saved.")
    await reward.refresh_from_db()
    assert (reward.points_cost, reward.per_member_limit, reward.stock) == (300, None, 15)
    assert reward.texts["nl"]["title"] == "Koffie cadeau" and reward.percent_off == 15


async def test_marketer_creates_an_offer_and_content(console):
    await _tiers()
    page = await console.sign_in(Role.MARKETER)
    now = dt.datetime.now(dt.UTC)
    await page.goto("/console/catalog/offers")
    await console.shot(page, "catalog-offers-empty")
    await page.get_by_role("link", name="New offer").click()
    await page.get_by_label("Kind").select_option("BONUS_POINTS")
    await page.get_by_label("Title (English)").fill("Double coffee points")
    await page.get_by_label("Description (English)").fill("On every cup.")
    await page.get_by_label("Title (Dutch)").fill("Dubbele koffiepunten")
    await page.get_by_label("Description (Dutch)").fill("Op elke kop.")
    await page.get_by_label("Title (Spanish)").fill("Puntos dobles de café")
    await page.get_by_label("Starts (UTC)").fill(_local(now + dt.timedelta(days=1)))
    await page.get_by_label("Ends (UTC)").fill(_local(now + dt.timedelta(days=7)))
    await page.get_by_label("Target tier: Gold").check()
    await page.get_by_label("Target members below every tier").check()
    await page.get_by_label("Target: at least this many points").fill("100")
    await page.get_by_label("Target: chose any of these interests").fill("barista")
    await page.get_by_label("Target language: Dutch").check()
    await page.get_by_label("Target engagement: lapsing").check()
    await page.get_by_label("Target: opted in to marketing").select_option("true")
    await page.get_by_label("Early access for tier: Gold").check()
    await page.get_by_label("Hours of early access before the start").fill("24")
    await page.get_by_label("Interest tags it is about").fill("coffee, mornings")
    await page.get_by_label("Members must activate it before it applies").check()
    await page.get_by_label("Points multiplier (bonus points, e.g. 2)").fill("2")
    await page.get_by_label("Qualifying product categories (bonus points)").fill("coffee, tea")
    await page.get_by_label("Purchases per member it pays on (bonus points)").fill("3")
    await console.shot(page, "catalog-offer-new")
    await page.get_by_role("button", name="Create the offer").click()

    # Listed although it is scheduled and targeted at others than the marketer.
    await page.wait_for_url("**/console/catalog/offers?done=1")
    row = page.locator("table.offers tr", has_text="Double coffee points")
    await expect(row.locator(".status")).to_have_text("scheduled")
    await expect(row).to_contain_text("a segment; early access: gold")
    await console.shot(page, "catalog-offers")
    offer = await Offer.get()
    assert offer.texts == {
        "en": {"title": "Double coffee points", "description": "On every cup."},
        "nl": {"title": "Dubbele koffiepunten", "description": "Op elke kop."},
        "es": {"title": "Puntos dobles de café", "description": ""},
    }
    assert offer.segment["tiers"] == ["gold", ""] and offer.segment["min_points"] == 100
    assert offer.early_access_tiers == ["gold"] and offer.early_access_hours == 24
    assert offer.needs_activation and offer.bonus_multiplier == Decimal(2)
    assert offer.qualifying_categories == ["coffee", "tea"] and offer.uses_per_member == 3
    assert offer.ends_at.strftime("%Y-%m-%dT%H:%M") == _local(now + dt.timedelta(days=7))

    # Reopened: every field as saved, every language and the targeting included.
    await row.get_by_role("link", name="Double coffee points").click()
    expected = {
        "Title (English)": "Double coffee points", "Description (English)": "On every cup.",
        "Title (Dutch)": "Dubbele koffiepunten", "Description (Dutch)": "Op elke kop.",
        "Title (Spanish)": "Puntos dobles de café", "Description (Spanish)": "",
        "Starts (UTC)": _local(now + dt.timedelta(days=1)),
        "Ends (UTC)": _local(now + dt.timedelta(days=7)),
        "Target: at least this many points": "100",
        "Target: at most this many points": "",
        "Target: chose any of these interests": "barista",
        "Target: opted in to marketing": "true", "Target: has a device for pushes": "",
        "Hours of early access before the start": "24",
        "Interest tags it is about": "coffee, mornings",
        "Points multiplier (bonus points, e.g. 2)": "2.00",
        "Qualifying product categories (bonus points)": "coffee, tea",
        "Purchases per member it pays on (bonus points)": "3", "Kind": "BONUS_POINTS",
    }  # fmt: skip
    for label, value in expected.items():
        await expect(page.get_by_label(label)).to_have_value(value)
    for label in ("Target tier: Gold", "Target members below every tier",
                  "Target language: Dutch", "Target engagement: lapsing",
                  "Early access for tier: Gold",
                  "Members must activate it before it applies"):  # fmt: skip
        await expect(page.get_by_label(label)).to_be_checked()
    for label in ("Target tier: Silver", "Target language: Spanish",
                  "Target engagement: active", "Early access for tier: Silver"):  # fmt: skip
        await expect(page.get_by_label(label)).not_to_be_checked()
    await expect(page.get_by_text("enter them again")).to_have_count(0)
    await console.shot(page, "catalog-offer-edit")

    # Edited and saved: what changed is changed, everything else kept as it was.
    await page.get_by_label("Title (Spanish)").fill("Café doble")
    await page.get_by_label("Target tier: Silver").check()
    await page.get_by_label("Target: at least this many points").fill("200")
    await page.get_by_label("Hours of early access before the start").fill("12")
    await page.get_by_role("button", name="Replace the offer's settings").click()
    await page.wait_for_url("**/console/catalog/offers?done=1")
    before = dict(offer.segment)
    await offer.refresh_from_db()
    assert offer.texts["es"] == {"title": "Café doble", "description": ""}
    assert offer.texts["nl"] == {"title": "Dubbele koffiepunten", "description": "Op elke kop."}
    assert offer.segment == {**before, "tiers": ["silver", "gold", ""], "min_points": 200}
    assert offer.segment["interests"] == ["barista"] and offer.segment["locales"] == ["nl"]
    assert offer.segment["engagement"] == ["lapsing"] and offer.segment["marketing_consent"]
    assert offer.early_access_tiers == ["gold"] and offer.early_access_hours == 12
    assert offer.interests == ["coffee", "mornings"] and offer.uses_per_member == 3
    assert offer.needs_activation and offer.bonus_multiplier == Decimal(2)
    assert offer.starts_at.strftime("%Y-%m-%dT%H:%M") == _local(now + dt.timedelta(days=1))

    await page.goto("/console/catalog/content")
    await page.get_by_role("link", name="New content").click()
    await page.get_by_label("Kind").select_option("BEHIND_THE_SCENES")
    await page.get_by_label("Title (English)").fill("How we roast")
    await page.get_by_label("Text (English)").fill("A day at the roastery.")
    await page.get_by_label("Title (Dutch)").fill("Zo branden we")
    await page.get_by_label("Text (Dutch)").fill("Een dag in de branderij.")
    await page.get_by_label("Title (Spanish)").fill("Así tostamos")
    await page.get_by_label("Goes live (UTC)").fill(_local(now + dt.timedelta(days=2)))
    await page.get_by_label("Comes down (UTC; empty: stays up)").fill(
        _local(now + dt.timedelta(days=9))
    )
    await page.get_by_label("Tier that unlocks it").select_option("silver")
    await page.get_by_label("Image (https URL)").fill("https://img.example/roast.png")
    await console.shot(page, "catalog-content-new")
    await page.get_by_role("button", name="Publish the content").click()

    await page.wait_for_url("**/console/catalog/content?done=1")
    row = page.locator("table.content tr", has_text="How we roast")
    await expect(row.locator(".status")).to_have_text("scheduled")  # not published yet
    await console.shot(page, "catalog-content")
    item = await ContentItem.get()
    assert item.texts == {
        "en": {"title": "How we roast", "body": "A day at the roastery."},
        "nl": {"title": "Zo branden we", "body": "Een dag in de branderij."},
        "es": {"title": "Así tostamos", "body": ""},
    }
    assert item.min_tier_id is not None and item.publish_at > dt.datetime.now(dt.UTC)

    await row.get_by_role("link", name="How we roast").click()
    expected = {
        "Kind": "BEHIND_THE_SCENES", "Title (English)": "How we roast",
        "Text (English)": "A day at the roastery.", "Title (Dutch)": "Zo branden we",
        "Text (Dutch)": "Een dag in de branderij.", "Title (Spanish)": "Así tostamos",
        "Text (Spanish)": "", "Goes live (UTC)": _local(now + dt.timedelta(days=2)),
        "Comes down (UTC; empty: stays up)": _local(now + dt.timedelta(days=9)),
        "Tier that unlocks it": "silver", "Image (https URL)": "https://img.example/roast.png",
        "Video (https URL)": "",
    }  # fmt: skip
    for label, value in expected.items():
        await expect(page.get_by_label(label)).to_have_value(value)
    await expect(page.get_by_text("enter the other languages again")).to_have_count(0)
    await console.shot(page, "catalog-content-edit")

    await page.get_by_label("Text (Spanish)").fill("Un día en la tostadora.")
    await page.get_by_label("Tier that unlocks it").select_option("gold")
    await page.get_by_role("button", name="Replace the content's settings").click()
    await page.wait_for_url("**/console/catalog/content?done=1")
    saved_at = item.publish_at
    await item.refresh_from_db()
    assert item.texts["es"] == {"title": "Así tostamos", "body": "Un día en la tostadora."}
    assert item.texts["nl"] == {"title": "Zo branden we", "body": "Een dag in de branderij."}
    assert item.publish_at == saved_at and item.image_url == "https://img.example/roast.png"
    assert item.unpublish_at.strftime("%Y-%m-%dT%H:%M") == _local(now + dt.timedelta(days=9))
    gold = next(t for t in (await tiers.current_program()).tiers if t.code == "gold")
    assert item.min_tier_id == gold.id


async def test_offers_and_content_in_every_state_are_listed(console):
    """Ended and archived offers and taken-down content are listed with their status, and
    the list can be narrowed to one status."""
    now = dt.datetime.now(dt.UTC)
    hour = dt.timedelta(hours=1)
    made = {}
    for title, starts, ends in (("Over", now - 48 * hour, now - hour),
                                ("Live", now - hour, now + 48 * hour),
                                ("Gone", now - hour, now + 48 * hour)):  # fmt: skip
        made[title] = await offers.create_offer(fields=offers.OfferFields(
            kind=OfferKind.EARLY_ACCESS, texts={"en": {"title": title}}, starts_at=starts,
            ends_at=ends))  # fmt: skip
    await offers.archive_offer(offer_id=made["Gone"].id)
    await content.save_content(item_id=None, fields=content.ContentFields(
        kind=ContentKind.ARTICLE, texts={"en": {"title": "Old news", "body": ""}},
        publish_at=now - 48 * hour, unpublish_at=now - hour))  # fmt: skip
    page = await console.sign_in(Role.ADMIN)
    await page.goto("/console/catalog/offers")
    for title, status in (("Over", "ended"), ("Live", "live"), ("Gone", "archived")):
        row = page.locator("table.offers tr", has_text=title)
        await expect(row.locator(".status")).to_have_text(status)
    await page.get_by_role("navigation", name="Show").get_by_role("link", name="archived").click()
    await expect(page.locator("table.offers tbody tr")).to_have_count(1)
    await expect(page.locator("table.offers")).to_contain_text("Gone")
    await console.shot(page, "catalog-offers-archived")
    await page.locator("table.offers").get_by_role("link", name="Gone").click()
    await expect(page.get_by_text("This offer is archived")).to_be_visible()
    await page.goto("/console/catalog/content")
    row = page.locator("table.content tr", has_text="Old news")
    await expect(row.locator(".status")).to_have_text("taken down")
    await page.goto("/console/catalog")
    await expect(page.locator(".cards")).to_contain_text("3 offers")
    await expect(page.locator(".cards")).to_contain_text("1 content items")


async def test_support_sees_no_catalog(console):
    page = await console.sign_in(Role.SUPPORT)
    await expect(page.get_by_role("link", name="Catalog")).to_have_count(0)
    response = await page.goto("/console/catalog/rewards/new")
    assert response.status == 403
    await console.shot(page, "catalog-refused")


async def test_catalog_pages_in_dutch_and_spanish(console):
    page = await console.sign_in(Role.ADMIN)
    for language, heading in (("nl", "Nieuwe beloning"), ("es", "Nueva recompensa")):
        await page.locator("#console-lang").select_option(language)
        await page.locator("header form.inline button").first.click()
        await page.wait_for_load_state("domcontentloaded")
        for path in ("", "/rewards", "/offers", "/content", "/offers/new", "/content/new"):
            response = await page.goto("/console/catalog" + path)
            assert response.status == 200
        await page.goto("/console/catalog/rewards/new")
        await expect(page.locator("main h1")).to_have_text(heading)
        await console.shot(page, f"catalog-reward-new-{language}")
