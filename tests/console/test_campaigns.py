"""A marketer at the console: builds a segment and sees its audience counted live, writes
Dutch and Spanish texts, previews one as a member, launches, and watches the results page
count the sends; the members' devices got the pushes (through the loopback fake FCM,
tests/fake_fcm.py) in their own languages. The list shows every campaign with its status;
a draft is reopened, edited and saved; a marketer previews it as a member given by email."""

import asyncio
import datetime as dt
import json
import tempfile

import httpx
from playwright.async_api import expect
from strawberry.relay import to_base64

from app import jobs
from app.campaigns import service as campaigns
from app.ledger.models import MemberBalance
from app.members.models import Channel, ChannelPreference, Role
from app.messaging import push
from app.messaging.models import Device, Platform
from app.segments.rules import Segment
from tests import factories
from tests.fake_fcm import service_account
from tests.fake_fcm import start as start_fake


async def _reachable(name: str, locale: str, points: int):
    member = await factories.member(display_name=name, locale=locale, time_zone="UTC")
    await MemberBalance.create(member_id=member.id, available=points, pending=0, lifetime=points)
    await ChannelPreference.create(member_id=member.id, channel=Channel.PUSH, opted_in=True)
    device = await Device.create(member_id=member.id, token=f"console-{member.id}-" + "t" * 30,
                                 token_key=f"console-{member.id}", platform=Platform.ANDROID)  # fmt: skip
    return member, device


async def test_a_marketer_composes_previews_launches_and_watches_the_sends(console):
    nora, nora_phone = await _reachable("Nora Visser", "nl", 120)
    _, esteban_phone = await _reachable("Esteban Ruiz", "es", 40)
    _, ed_phone = await _reachable("Ed Jones", "en", 10)

    with tempfile.TemporaryDirectory() as scratch:
        # The fake FCM starts (its own process) while the marketer signs in.
        starting = asyncio.create_task(asyncio.to_thread(start_fake, scratch))
        try:
            page = await console.sign_in(Role.MARKETER, name="Mia Marketer")
            _, fcm = await starting
            port = fcm.rsplit(":", 1)[1]
            push.use_sender(push.FcmPushSender(json.dumps(service_account(int(port))),
                                               endpoint=fcm, app_name=f"console-{port}"))  # fmt: skip
            await page.goto("/console/campaigns")
            await page.get_by_role("link", name="New campaign").click()
            await expect(page.locator("h1")).to_have_text("Compose a campaign")
            count = page.locator("#audience-count")
            await expect(count).to_have_text("3")  # everyone reachable in the app

            # The segment: Dutch and Spanish speakers. The count follows without a submit.
            await page.get_by_label("Internal name (staff only)").fill("Spring back")
            await page.get_by_label("Nederlands", exact=True).check()
            await expect(count).to_have_text("1")
            await page.get_by_label("Español", exact=True).check()
            await expect(count).to_have_text("2")

            await page.get_by_label("Title (Nederlands)").fill("Hoi {first_name}")
            await page.get_by_label("Text (Nederlands)").fill("Je hebt {points_available} punten.")
            await page.get_by_label("Title (Español)").fill("Hola {first_name}")
            await page.get_by_label("Text (Español)").fill("Tienes {points_available} puntos.")
            await page.get_by_label("Quiet hours start").fill("0")
            await page.get_by_label("Quiet hours end").fill("0")
            await expect(page.locator("#compose")).to_contain_text("{points_to_next_tier}")
            await console.shot(page, "campaigns-compose")
            await page.wait_for_load_state("networkidle")  # the live count settled first
            await page.get_by_role("button", name="Save the draft").click()
            await expect(page.locator("h1")).to_have_text("Spring back")
            await expect(page.locator("#campaign-status")).to_have_text("draft")

            # Preview as Nora: her language, her name and points.
            await page.get_by_label("Member (global id, or email)").fill(
                to_base64("Member", nora.id)
            )
            await page.get_by_role("button", name="Show the preview").click()
            await expect(page.locator("#preview-title")).to_have_text("Hoi Nora")
            await expect(page.locator("#preview-body")).to_have_text("Je hebt 120 punten.")
            await console.shot(page, "campaigns-preview")

            page.once("dialog", lambda dialog: dialog.accept())
            await page.get_by_role("button", name="Launch now").click()
            await page.wait_for_url("**/console/campaigns/results?**")
            await expect(page.locator(".notice")).to_have_text("The campaign is launched.")
            await expect(page.locator("#stat-targeted")).to_have_text("2")
            await expect(page.locator("#stat-sent")).to_have_text("0")
            await expect(page.locator("#results-status")).to_have_text("launched, sending")

            # The campaign's jobs run (a worker); the page counts the sends by itself.
            await jobs.drain()
            await expect(page.locator("#stat-sent")).to_have_text("2", timeout=10_000)
            await expect(page.locator("#results-status")).to_have_text("done")
            await expect(page.locator("#channel-push")).to_contain_text("sent: 2")
            await console.shot(page, "campaigns-results")

            await page.get_by_role("link", name="Back to the campaigns").click()
            await expect(page.locator("table.campaigns")).to_contain_text("Spring back")
            await expect(page.locator("table.campaigns")).to_contain_text("done")
            await console.shot(page, "campaigns-list")

            async with httpx.AsyncClient() as http:
                delivered = (await http.get(f"{fcm}/_stats")).json()["messages"]
        finally:
            push.use_sender(None)
            fake, _ = await starting
            fake.terminate()
            fake.wait(10)

    titles = {m["token"]: (m["title"], m["body"]) for m in delivered}
    assert titles == {
        nora_phone.token: ("Hoi Nora", "Je hebt 120 punten."),
        esteban_phone.token: ("Hola Esteban", "Tienes 40 puntos."),
    }
    assert ed_phone.token not in titles  # English: not in the segment


async def test_without_scripts_counts_and_refusals_stay_beside_their_fields(console):
    await _reachable("Nora Visser", "nl", 5)
    await _reachable("Ed Jones", "en", 5)
    page = await console.new_page(java_script_enabled=False)
    await console.sign_in(Role.MARKETER, page=page)
    await page.goto("/console/campaigns/new")
    count = page.locator("#audience-count")
    await expect(count).to_have_text("2")
    await page.get_by_label("English", exact=True).check()
    await page.get_by_role("button", name="Count audience").click()
    await expect(count).to_have_text("1")
    await expect(page.get_by_label("English", exact=True)).to_be_checked()
    # The API's refusal of the segment stands where the count would.
    await page.get_by_label("At least this many points").fill("10")
    await page.get_by_label("At most this many points").fill("5")
    await page.get_by_role("button", name="Count audience").click()
    await expect(count).to_have_class("count error")
    await expect(page.get_by_label("At most this many points")).to_have_value("5")

    await page.get_by_label("At most this many points").fill("")
    await page.get_by_label("Internal name (staff only)").fill("Oops")
    await page.get_by_label("Title (Nederlands)").fill("Hoi {voornaam}")
    await page.wait_for_load_state("networkidle")  # the live count settled first
    await page.get_by_role("button", name="Save the draft").click()
    await expect(page.locator("#compose-title_nl-error")).to_be_visible()
    await expect(page.locator("#compose-body_nl-error")).to_be_visible()
    # Nothing was written: the form keeps what was typed.
    await expect(page.get_by_label("Title (Nederlands)")).to_have_value("Hoi {voornaam}")
    await expect(page.get_by_label("At least this many points")).to_have_value("10")


async def test_support_may_not_open_campaigns(console):
    page = await console.sign_in(Role.SUPPORT)
    response = await page.goto("/console/campaigns")
    assert response.status == 403
    assert await page.get_by_role("link", name="Campaigns").count() == 0


async def test_a_scheduled_campaign_is_cancelled_after_a_confirmation(console):
    await _reachable("Nora Visser", "nl", 5)
    draft = await campaigns.create_campaign(fields=campaigns.CampaignFields(
        name="Later", segment=Segment(), variants={"nl": {"title": "Hoi", "body": "Later"}}),
        actor_id=None)  # fmt: skip
    page = await console.sign_in(Role.MARKETER)
    await page.goto(f"/console/campaigns/campaign?id={to_base64('Campaign', draft.id)}")
    tomorrow = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    await page.get_by_label("Send at (UTC)").fill(tomorrow.strftime("%Y-%m-%dT%H:%M"))
    await page.get_by_role("button", name="Schedule the campaign").click()
    await expect(page.locator("#results-status")).to_have_text("launched, sending")
    await expect(page.locator("#stat-pending")).to_have_text("1")

    page.once("dialog", lambda dialog: dialog.dismiss())  # not yet: nothing happens
    await page.get_by_role("button", name="Cancel the campaign").click()
    await expect(page.locator("#results-status")).to_have_text("launched, sending")
    page.once("dialog", lambda dialog: dialog.accept())
    await page.get_by_role("button", name="Cancel the campaign").click()
    await expect(page.locator(".notice")).to_have_text("The campaign is cancelled.")
    await expect(page.locator("#results-status")).to_have_text("cancelled")
    await expect(page.locator("table.skipped")).to_contain_text("the campaign was cancelled")
    await expect(page.get_by_role("button", name="Cancel the campaign")).to_have_count(0)


async def test_the_list_shows_every_campaign_with_its_status(console):
    await _reachable("Nora Visser", "nl", 5)
    texts = {"nl": {"title": "Hoi", "body": "Tekst"}}
    await campaigns.create_campaign(fields=campaigns.CampaignFields(
        name="Autumn draft", segment=Segment(), variants=texts), actor_id=None)  # fmt: skip
    winter = await campaigns.create_campaign(fields=campaigns.CampaignFields(
        name="Winter sale", segment=Segment(), variants=texts), actor_id=None)  # fmt: skip
    await campaigns.launch(campaign_id=winter.id, send_at=None)
    page = await console.sign_in(Role.MARKETER)
    await page.goto("/console/campaigns")
    rows = page.locator("table.campaigns tbody tr")
    await expect(rows).to_have_count(2)
    await expect(rows.nth(0)).to_contain_text("Winter sale")  # the newest first
    await expect(rows.nth(0).locator(".status")).to_have_text("launched, sending")
    await expect(rows.nth(1)).to_contain_text("Autumn draft")
    await expect(rows.nth(1).locator(".status")).to_have_text("draft")
    await expect(page.get_by_role("link", name="Edit draft: Autumn draft")).to_be_visible()
    await expect(page.get_by_role("link", name="Status and results: Winter sale")).to_be_visible()
    await console.shot(page, "campaigns-list-statuses")

    await page.get_by_label("Show campaigns that are").select_option("DRAFT")
    await page.get_by_role("button", name="Show", exact=True).click()
    await expect(rows).to_have_count(1)
    await expect(rows.nth(0)).to_contain_text("Autumn draft")
    await expect(page.get_by_label("Show campaigns that are")).to_have_value("DRAFT")
    # A launched campaign does not open in the compose form.
    response = await page.goto(f"/console/campaigns/edit?id={to_base64('Campaign', winter.id)}")
    assert response.status == 409
    await expect(page.locator(".error")).to_contain_text("no longer a draft")


async def test_a_draft_is_reopened_edited_saved_and_previewed_by_email(console):
    nora, _ = await _reachable("Nora Visser", "nl", 120)
    await _reachable("Ed Jones", "en", 10)
    draft = await campaigns.create_campaign(fields=campaigns.CampaignFields(
        name="Comeback", segment=Segment(locales=("nl",)), quiet_start=22, quiet_end=7,
        holdout_percent=5, variants={"nl": {"title": "Hoi", "body": "Oud"}}), actor_id=None)  # fmt: skip
    page = await console.sign_in(Role.MARKETER)
    await page.goto(f"/console/campaigns/campaign?id={to_base64('Campaign', draft.id)}")
    await page.get_by_role("link", name="Edit draft").click()
    await expect(page.locator("h1")).to_have_text("Edit the draft")
    # The form holds the draft as it was composed.
    await expect(page.get_by_label("Internal name (staff only)")).to_have_value("Comeback")
    await expect(page.get_by_label("Nederlands", exact=True)).to_be_checked()
    await expect(page.get_by_label("English", exact=True)).not_to_be_checked()
    await expect(page.get_by_label("Title (Nederlands)")).to_have_value("Hoi")
    await expect(page.get_by_label("Text (Nederlands)")).to_have_value("Oud")
    await expect(page.get_by_label("Quiet hours start")).to_have_value("22")
    await expect(page.get_by_label("Quiet hours end")).to_have_value("7")
    await expect(page.get_by_label("Control group (%")).to_have_value("5")
    await expect(page.get_by_label("Inbox message", exact=True)).to_be_checked()
    count = page.locator("#audience-count")
    await expect(count).to_have_text("not counted yet")
    await page.get_by_label("Nederlands", exact=True).uncheck()  # everyone now
    await expect(count).to_have_text("2")

    await page.get_by_label("Title (Nederlands)").fill("Hoi {first_name}")
    await page.get_by_label("Text (Nederlands)").fill("Nog {points_available} punten.")
    await page.get_by_label("Title (English)").fill("Hi {first_name}")
    await page.get_by_label("Text (English)").fill("Still {points_available} points.")
    await page.get_by_label("Control group (%").fill("0")
    await console.shot(page, "campaigns-edit")
    await page.wait_for_load_state("networkidle")  # the live count settled first
    await page.get_by_role("button", name="Save the draft").click()
    await expect(page.locator("h1")).to_have_text("Comeback")
    await expect(page.locator(".notice")).to_have_text("The draft is saved.")
    await expect(page.locator("#campaign-status")).to_have_text("draft")
    await expect(page.locator("table.summary")).to_contain_text("English, Nederlands")

    # Preview as Nora, by her email address (marketers may not search members).
    await page.get_by_label("Member (global id, or email)").fill(nora.email.upper())
    await page.get_by_role("button", name="Show the preview").click()
    await expect(page.locator("#preview-title")).to_have_text("Hoi Nora")
    await expect(page.locator("#preview-body")).to_have_text("Nog 120 punten.")
    assert nora.email not in page.url
    await console.shot(page, "campaigns-preview-email")
    await page.get_by_label("Member (global id, or email)").fill("nobody@example.com")
    await page.get_by_role("button", name="Show the preview").click()
    await expect(page.locator("#preview-member-error")).to_be_visible()
    await expect(page.locator("#preview-title")).to_have_count(0)

    saved = await campaigns.campaigns_by_ids([draft.id])
    assert saved[0].segment == {} and saved[0].holdout_percent == 0
    assert saved[0].variants["en"]["title"] == "Hi {first_name}"
    assert (saved[0].quiet_start, saved[0].quiet_end) == (22, 7)
