"""The console's Program pages in a real browser: an admin publishes a new terms version in
three languages (the API's terms in force answer them per language), a publish missing a
language shows the API's message beside that language's fields, and the program members
read is previewed per language."""

from playwright.async_api import expect

from app.members.models import Role
from tests.helpers import gql

TERMS = "{ program { terms { version title body } } }"
TEXTS = {
    "en": ("Programme terms", "Points are personal.\nThey expire after two years."),
    "nl": ("Programmavoorwaarden", "Punten zijn persoonlijk.\nZe vervallen na twee jaar."),
    "es": ("Condiciones del programa", "Los puntos son personales.\nCaducan a los dos años."),
}
LANGUAGE = {"en": "English", "nl": "Nederlands", "es": "Español"}


async def _fill(form, version: str, languages) -> None:
    await form.get_by_label("Document").select_option("TERMS")
    await form.get_by_label("Version label").fill(version)
    for lang in languages:
        title, body = TEXTS[lang]
        await form.get_by_label(f"Title ({LANGUAGE[lang]})").fill(title)
        await form.get_by_label(f"Text ({LANGUAGE[lang]})").fill(body)


async def test_admin_publishes_terms_in_three_languages(console, client):
    page = await console.sign_in(Role.ADMIN)
    page.on("dialog", lambda dialog: dialog.accept())
    await page.goto("/console/program")
    await expect(page.locator("h1")).to_have_text("Program")
    await console.shot(page, "program")
    publish = page.locator("#publish")

    # Missing Spanish: the API refuses, its message sits beside the Spanish fields.
    await _fill(publish, "2031-01", ("en", "nl"))
    await publish.get_by_role("button", name="Publish").click()
    error = page.locator("#publish-title_es-error")
    await expect(error).not_to_be_empty()
    await expect(page.locator("#publish-body_es-error")).to_have_text(await error.inner_text())
    assert await page.locator("#publish-title_nl-error").count() == 0
    await expect(publish.get_by_label("Title (Nederlands)")).to_have_value(TEXTS["nl"][0])
    await console.shot(page, "program-publish-refused")
    body = await gql(client, TERMS)
    assert body["data"]["program"]["terms"] is None  # nothing was published

    await _fill(publish, "2031-01", ("en", "nl", "es"))
    await publish.get_by_role("button", name="Publish").click()
    await expect(page.locator(".notice")).to_have_text("Version 2031-01 is published.")
    row = page.locator("#versions-terms tbody tr", has_text="2031-01")
    await expect(row).to_contain_text("in force")
    await expect(row).to_contain_text("Programme terms")
    await console.shot(page, "program-published")

    for lang, (title, text) in TEXTS.items():
        answer = await gql(client, TERMS, headers={"Accept-Language": lang})
        terms = answer["data"]["program"]["terms"]
        assert terms == {"version": "2031-01", "title": title, "body": text}, lang

    # The same version label again: the API's message beside the version field.
    await _fill(publish, "2031-01", ("en", "nl", "es"))
    await publish.get_by_role("button", name="Publish").click()
    await expect(page.locator("#publish-version-error")).not_to_be_empty()

    # The program as members read it, per language.
    await page.get_by_role("link", name="Preview as members see it").click()
    await expect(page.locator("h1")).to_have_text("The program as members see it")
    await page.get_by_label("Preview language").select_option("nl")
    await page.get_by_role("button", name="Show").click()
    preview = page.locator("#program-preview")
    await expect(preview).to_have_attribute("lang", "nl")
    await expect(preview.locator("#preview-terms .doc-title")).to_have_text(TEXTS["nl"][0])
    await expect(preview.locator("#preview-terms")).to_contain_text("Ze vervallen na twee jaar.")
    await expect(preview).to_contain_text("Voorwaarden")
    await console.shot(page, "program-preview-nl")
    await page.get_by_label("Preview language").select_option("es")
    await page.get_by_role("button", name="Show").click()
    await expect(page.locator("#preview-terms .doc-title")).to_have_text(TEXTS["es"][0])
    await console.shot(page, "program-preview-es")


async def test_support_may_not_publish_terms(console):
    page = await console.sign_in(Role.SUPPORT)
    response = await page.goto("/console/program")
    assert response.status == 403
    assert await page.locator("nav").get_by_role("link", name="Program").count() == 0
    assert await page.locator("#publish").count() == 0
