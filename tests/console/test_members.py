"""Support at the console: find a member, correct points with a reason, see the movement
with their name and reason in the member's activity; their own account is refused with
the API's message."""

import base64
from urllib.parse import urlencode

from playwright.async_api import expect

from app.i18n import translate
from app.ledger import service as ledger
from app.members.models import Role
from tests import factories


async def _balance(member_id: int) -> int:
    return (await ledger.balances([member_id]))[0].available


async def test_support_adjusts_points_and_sees_why(console):
    alice = await factories.member(email="alice.example@shop.test", display_name="Alice Example")
    email, me = await console.staff(Role.SUPPORT, name="Sam Support")
    page = await console.sign_in(email=email)
    await page.goto("/console/members")
    await page.get_by_label("Email or name").fill("alice.example")
    await page.get_by_role("button", name="Search").click()
    await console.shot(page, "members-search")
    await page.get_by_role("link", name="Alice Example").click()
    await expect(page.locator("h1")).to_have_text("Alice Example")

    await page.locator("#adjust-points").fill("250")
    await page.locator("#adjust-reason").fill("Goodwill: parcel arrived late")
    await page.get_by_role("button", name="Post the correction").click()
    await expect(page.locator(".notice")).to_have_text("The correction is posted.")
    row = page.locator("table.activity tbody tr").first
    await expect(row).to_contain_text("Goodwill: parcel arrived late")
    await expect(row).to_contain_text("by Sam Support")
    await expect(row).to_contain_text("+250")
    await expect(page.locator("#balance-available")).to_have_text("250")
    assert await _balance(alice.id) == 250
    await console.shot(page, "members-profile")

    # A reload re-posting the same form (same idempotency key) would post nothing more;
    # the support agent's own account is refused with the API's own message.
    await page.get_by_role("link", name="Members").click()
    await page.get_by_label("Email or name").fill(email)
    await page.get_by_role("button", name="Search").click()
    await page.get_by_role("link", name="Sam Support").click()
    await page.locator("#adjust-points").fill("1000")
    await page.locator("#adjust-reason").fill("for me")
    await page.get_by_role("button", name="Post the correction").click()
    alert = page.locator("#adjust .error")
    await expect(alert).to_have_text(translate("SELF_ADJUSTMENT_FORBIDDEN", "en"))
    assert await _balance(me.id) == 0
    await console.shot(page, "members-self-refused")


async def test_bad_points_stay_beside_the_field(console):
    alice = await factories.member(display_name="Bea Bad")
    page = await console.sign_in(Role.SUPPORT)
    gid = base64.b64encode(f"Member:{alice.id}".encode()).decode()
    await page.goto("/console/members/profile?" + urlencode({"id": gid}))
    await page.locator("#adjust-points").fill("0")
    await page.locator("#adjust-reason").fill("nothing")
    await page.get_by_role("button", name="Post the correction").click()
    await expect(page.locator("#adjust-points-error")).not_to_be_empty()
    await expect(page.locator("#adjust-points")).to_have_attribute("aria-invalid", "true")
    assert await _balance(alice.id) == 0


async def test_support_erases_a_member_after_confirming(console):
    from app.members.models import Member

    doomed = await factories.member(display_name="Dora Doomed", email="dora@shop.test")
    page = await console.sign_in(Role.SUPPORT)
    gid = base64.b64encode(f"Member:{doomed.id}".encode()).decode()
    await page.goto("/console/members/profile?" + urlencode({"id": gid}))
    asked = []

    async def answer(dialog):
        asked.append(dialog.message)
        await (dialog.dismiss() if len(asked) == 1 else dialog.accept())

    page.on("dialog", answer)
    await page.locator("#erase-confirm").check()
    await page.get_by_role("button", name="Erase for good").click()  # dismissed: nothing
    assert len(asked) == 1 and "for good" in asked[0]
    assert (await Member.get(id=doomed.id)).email == "dora@shop.test"
    await page.get_by_role("button", name="Erase for good").click()  # accepted
    await page.wait_for_url("**/console/members?done=1")
    assert (await Member.get(id=doomed.id)).email != "dora@shop.test"
