"""Integrations at the console, in a real browser: an admin creates a client and sees its
secret once (a reload shows it no more, and the secret works at the token endpoint), revokes
it; creates a webhook endpoint, reads its delivery log, replays a delivery, switches the
endpoint off and deletes it."""

from playwright.async_api import expect

from app.integrations.models import WebhookDelivery
from app.members import service as members
from app.members.models import Role
from tests.helpers import PASSWORD


async def test_admin_creates_a_client_and_sees_its_secret_once(console, client):
    page = await console.sign_in(Role.ADMIN)
    await page.get_by_role("link", name="Integrations").click()
    await expect(page.locator("h1")).to_have_text("Integrations")
    await console.shot(page, "integrations")

    # A client without a scope is refused beside the scopes.
    await page.get_by_label("Name").fill("Store till")
    await page.get_by_role("button", name="Create the client").click()
    await expect(page.locator("#client-scopes-error")).not_to_be_empty()
    await expect(page.get_by_label("Name")).to_have_value("Store till")
    await console.shot(page, "integrations-refused")

    await page.get_by_label("purchases:write").check()
    await page.get_by_label("vouchers:redeem").check()
    await page.get_by_role("button", name="Create the client").click()
    await page.wait_for_url("**/console/integrations/created")
    secret = await page.locator("#secret").inner_text()
    client_id = await page.locator("#client-id").inner_text()
    assert len(secret) >= 20
    await console.shot(page, "integrations-client-secret")
    token = await client.post("/oauth/token", data={
        "grant_type": "client_credentials", "client_id": client_id, "client_secret": secret})  # fmt: skip
    assert token.status_code == 200, token.text

    await page.reload()  # shown once: not again
    await expect(page.locator("#secret-gone")).to_be_visible()
    assert secret not in await page.content()
    await console.shot(page, "integrations-secret-gone")
    await page.goto("/console/integrations")
    row = page.locator("table.clients tbody tr", has_text=client_id)
    await expect(row).to_contain_text("purchases:write, vouchers:redeem")
    assert secret not in await page.content()

    page.once("dialog", lambda dialog: dialog.accept())
    await row.get_by_role("button", name="Revoke").click()
    await expect(page.locator(".notice")).to_have_text("Saved.")
    await expect(row).to_contain_text("revoked")
    refused = await client.post("/oauth/token", data={
        "grant_type": "client_credentials", "client_id": client_id, "client_secret": secret})  # fmt: skip
    assert refused.status_code != 200


async def test_admin_creates_a_webhook_endpoint_and_replays_a_delivery(console):
    page = await console.sign_in(Role.ADMIN)
    await page.goto("/console/integrations")
    # An internal address is refused beside the URL; a public one is created and its signing
    # secret shown once, then its delivery log.
    await page.get_by_label("URL").fill("https://localhost/hooks")
    await page.get_by_label("member.created").check()
    await page.get_by_role("button", name="Create the endpoint").click()
    await expect(page.locator("#endpoint-url-error")).not_to_be_empty()
    await expect(page.get_by_label("member.created")).to_be_checked()
    await console.shot(page, "integrations-endpoint-refused")
    await page.get_by_label("URL").fill("https://crm.example.com/hooks")
    await page.get_by_label("Note").fill("CRM")
    await page.get_by_role("button", name="Create the endpoint").click()
    await page.wait_for_url("**/console/integrations/created")
    assert (await page.locator("#secret").inner_text()).startswith("whsec_")
    await console.shot(page, "integrations-endpoint-secret")
    await members.create_member(
        email="new.member@shop.test", password=PASSWORD, display_name="New Member", locale="en"
    )  # member.created
    await page.get_by_role("link", name="Delivery log").click()
    await expect(page.locator("h1")).to_have_text("Deliveries to https://crm.example.com/hooks")
    delivery = page.locator("table.deliveries tbody tr")
    await expect(delivery).to_have_count(1)
    await expect(delivery).to_contain_text("member.created")
    await console.shot(page, "integrations-delivery-log")
    (before,) = await WebhookDelivery.all()
    await delivery.get_by_role("button", name="Send again: member.created #1").click()
    await expect(page.locator(".notice")).to_have_text("The delivery is queued again.")
    (after,) = await WebhookDelivery.all()
    assert after.attempts == 0 and after.id == before.id
    await console.shot(page, "integrations-replayed")

    await page.get_by_role("link", name="Back to integrations").first.click()
    endpoint = page.locator("table.endpoints tbody tr", has_text="crm.example.com")
    await endpoint.get_by_role("button", name="Switch off").click()
    await expect(endpoint).to_contain_text("off")
    page.once("dialog", lambda dialog: dialog.accept())
    await endpoint.get_by_role("button", name="Delete").click()
    await expect(page.locator("#endpoints")).to_contain_text("No webhook endpoints yet.")


async def test_marketers_may_not_use_integrations(console):
    page = await console.sign_in(Role.MARKETER)
    response = await page.goto("/console/integrations")
    assert response.status == 403
    await expect(page.locator("header nav").get_by_role("link", name="Integrations")).to_have_count(
        0
    )
    await console.shot(page, "integrations-forbidden")
