"""The console's Community pages in a real browser: a moderator finds a reported post in
the queue with the report's reason and hides it there (it leaves the queue, the member's
feed no longer shows it), hides a comment and mutes its author; an organizer creates an
event (a refused one shows the API's message beside the field) and reads an event's list
and waitlist."""

import datetime as dt
import re

from playwright.async_api import expect
from strawberry.relay import to_base64

from app.community import service
from app.community.models import GroupMembership, ModerationLog, Report
from app.members.models import Role
from tests import factories
from tests.helpers import gql, member_token

FEED = """query($g: ID!) { feed(groupId: $g, first: 20) {
  __typename ... on PostConnection { edges { node { id text } } } } }"""
SPAM = "Cheap watches at spam.example, DM me"
NICE = "Sunday long run, 8am at the park"


async def _member(name: str):
    m = await factories.member(display_name=name)
    return m, await member_token(m)


async def _accept_dialogs(page) -> None:
    page.on("dialog", lambda dialog: dialog.accept())


async def test_moderator_hides_a_reported_post_and_the_feed_drops_it(console, client):
    group = await service.create_group(
        texts={"en": {"name": "Runners", "description": "Training together"}},
        min_tier_code=None,
    )
    spammer, _ = await _member("Sam Spammer")
    runner, runner_token = await _member("Rita Runner")
    reporter, _ = await _member("Rob Reporter")
    for m in (spammer, runner, reporter):
        await service.join(group_id=group.id, member_id=m.id)
    spam = await service.create_post(group_id=group.id, member_id=spammer.id, text=SPAM)
    nice = await service.create_post(group_id=group.id, member_id=runner.id, text=NICE)
    rude = await service.comment(post_id=nice.id, member_id=spammer.id, text="Losers run")
    await service.report(member_id=reporter.id, post_id=spam.id, comment_id=None,
                         reason="Advertising")  # fmt: skip
    await service.report(member_id=runner.id, post_id=None, comment_id=rude.id,
                         reason="Name-calling")  # fmt: skip
    start = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
    event = await service.create_event(
        texts={"en": {"title": "Park run", "description": "5 km"}}, starts_at=start,
        ends_at=start + dt.timedelta(hours=2), capacity=1, location="City park",
        min_tier_code=None,
    )  # fmt: skip
    await service.rsvp(event_id=event.id, member_id=runner.id)
    await service.rsvp(event_id=event.id, member_id=reporter.id)  # waitlisted
    group_gid = to_base64("Group", group.id)
    before = await gql(client, FEED, {"g": group_gid}, token=runner_token)
    assert SPAM in [e["node"]["text"] for e in before["data"]["feed"]["edges"]]

    page = await console.sign_in(Role.SUPPORT, name="Mo Moderator")
    await _accept_dialogs(page)
    missing = await page.goto("/console/community/group?id=bogus")
    assert missing.status == 404
    await page.goto("/console/community")
    await expect(page.locator("nav a[aria-current=page]")).to_have_text("Community")
    await expect(page.locator("h1")).to_have_text("Community")
    await expect(page.locator("#events")).to_contain_text("Park run")
    await expect(page.locator("table.events tbody tr").first).to_contain_text("waitlisted")
    # Support moderates, not organizes: no link to the event's list of names.
    assert await page.locator("#events").get_by_role("link", name="Park run").count() == 0

    # The queue: the reported post with its text, author, group, reporter and reason.
    queue = page.locator("#queue")
    await expect(queue.locator("h2")).to_have_text("Reports to review (2)")
    reported = queue.locator("article.report", has_text=SPAM)
    await expect(reported).to_contain_text("Post by Sam Spammer in Runners")
    await expect(reported).to_contain_text("Reported by Rob Reporter")
    await expect(reported).to_contain_text("Why: Advertising")
    on_comment = queue.locator("article.report", has_text="Losers run")
    await expect(on_comment).to_contain_text("Comment by Sam Spammer in Runners")
    await expect(on_comment).to_contain_text("Why: Name-calling")
    await expect(on_comment).to_contain_text(NICE)  # the post the comment is on
    await console.shot(page, "community")
    await reported.locator("form.hide").get_by_label("Reason").fill("Advertising: spam link")
    await reported.get_by_role("button", name="Hide post").click()
    await expect(page.locator(".notice")).to_have_text("Hidden. Its reports are resolved.")
    await expect(queue.locator("h2")).to_have_text("Reports to review (1)")
    await expect(queue).not_to_contain_text(SPAM)
    await expect(queue).to_contain_text("Losers run")

    await page.locator("table.groups").get_by_role("link", name="Runners").click()
    await expect(page.locator("h1")).to_have_text("Runners")
    await expect(page.locator("#posts")).not_to_contain_text(SPAM)
    await expect(page.locator("#posts")).to_contain_text(NICE)
    await console.shot(page, "community-group")

    after = await gql(client, FEED, {"g": group_gid}, token=runner_token)
    texts = [e["node"]["text"] for e in after["data"]["feed"]["edges"]]
    assert SPAM not in texts and NICE in texts
    assert await Report.filter(post_id=spam.id, resolved_at__isnull=True).count() == 0
    log = await ModerationLog.get(post_id=spam.id)
    assert log.reason == "Advertising: spam link"

    # A post's comments: mute the rude comment's author for a week, then hide the comment.
    await page.locator("article.post", has_text=NICE).get_by_role(
        "link", name=re.compile("Comments")).click()  # fmt: skip
    comment = page.locator("li.comment", has_text="Losers run")
    await expect(comment).to_contain_text("Sam Spammer")
    await console.shot(page, "community-post")
    # Muting without an end is refused by the API, beside the field.
    restrict = page.locator("#restrict")
    await restrict.get_by_label("Member").select_option(label="Sam Spammer")
    await restrict.get_by_label("Action").select_option("MUTE")
    await restrict.get_by_label("Reason").fill("Cooling off")
    await restrict.get_by_role("button", name="Apply to the member").click()
    await expect(page.locator("#restrict-until-error")).not_to_be_empty()
    await expect(restrict.get_by_label(re.compile("^Until"))).to_have_attribute(
        "aria-invalid", "true")  # fmt: skip
    await console.shot(page, "community-mute-refused")
    until = (dt.datetime.now(dt.UTC) + dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    await restrict.get_by_label(re.compile("^Until")).fill(until)
    await restrict.get_by_role("button", name="Apply to the member").click()
    await expect(page.locator(".notice")).to_contain_text("moderation log")
    membership = await GroupMembership.get(group_id=group.id, member_id=spammer.id)
    assert membership.muted_until is not None

    comment = page.locator("li.comment", has_text="Losers run")
    await comment.get_by_label("Reason").fill("Insult")
    await comment.get_by_role("button", name="Hide comment").click()
    await expect(page.locator(".notice")).to_have_text("Hidden. Its reports are resolved.")
    await expect(page.locator("#comments")).not_to_contain_text("Losers run")
    assert await ModerationLog.filter(comment_id=rude.id).exists()
    await page.goto("/console/community")
    await expect(page.locator("#queue")).to_contain_text("No open reports.")


async def test_moderator_bans_a_reported_author_from_the_queue(console):
    group = await service.create_group(texts={"en": {"name": "Cyclists"}}, min_tier_code=None)
    troll, _ = await _member("Tom Troll")
    reporter, _ = await _member("Rae Reporter")
    for m in (troll, reporter):
        await service.join(group_id=group.id, member_id=m.id)
    post = await service.create_post(group_id=group.id, member_id=troll.id, text="You all suck")
    await service.report(member_id=reporter.id, post_id=post.id, comment_id=None,
                         reason="Insults everyone")  # fmt: skip
    page = await console.sign_in(Role.ADMIN)
    await page.goto("/console/community")
    reported = page.locator("#queue article.report", has_text="You all suck")
    await reported.get_by_text("Mute or ban Tom Troll in Cyclists").click()
    await reported.get_by_label("Action").select_option("BAN")
    await reported.locator("form[id^=restrict]").get_by_label("Reason").fill("Repeated insults")
    await reported.get_by_role("button", name="Apply to the member").click()
    await expect(page.locator(".notice")).to_contain_text("moderation log")
    membership = await GroupMembership.get(group_id=group.id, member_id=troll.id)
    assert membership.banned_at is not None
    log = await ModerationLog.get(member_id=troll.id)
    assert log.reason == "Repeated insults"


async def test_organizer_reads_an_events_list_and_waitlist(console):
    start = dt.datetime.now(dt.UTC) + dt.timedelta(days=5)
    event = await service.create_event(
        texts={"en": {"title": "Tasting night", "description": "Six wines"}}, starts_at=start,
        ends_at=start + dt.timedelta(hours=2), capacity=2, location="The cellar",
        min_tier_code=None,
    )  # fmt: skip
    people = [(await _member(name))[0] for name in ("Ann", "Ben", "Cas", "Dee", "Eva")]
    for person in people:
        await service.rsvp(event_id=event.id, member_id=person.id)
    await service.cancel_rsvp(event_id=event.id, member_id=people[1].id)  # Cas moves up
    page = await console.sign_in(Role.MARKETER)
    await page.goto("/console/community")
    await page.locator("#events").get_by_role("link", name="Tasting night").click()
    await expect(page.locator("h1")).to_have_text("Tasting night")
    confirmed = page.locator("#confirmed")
    await expect(confirmed.locator("h2")).to_have_text("Confirmed (2)")
    await expect(confirmed.locator("tbody tr")).to_have_count(2)
    await expect(confirmed).to_contain_text("Ann")
    await expect(confirmed).to_contain_text("Cas")
    await expect(confirmed).not_to_contain_text("Ben")  # cancelled
    waitlist = page.locator("#waitlist tbody tr")
    await expect(waitlist).to_have_count(2)
    await expect(waitlist.nth(0)).to_contain_text("1Dee")
    await expect(waitlist.nth(1)).to_contain_text("2Eva")
    await console.shot(page, "community-event")
    gone = await page.goto("/console/community/event?id=bogus")
    assert gone.status == 404


async def test_organizer_creates_an_event_and_sees_the_apis_refusal(console):
    page = await console.sign_in(Role.MARKETER)
    refused = await page.goto("/console/community/group?id=R3JvdXA6MQ%3D%3D")
    assert refused.status == 403  # marketers do not moderate
    await page.goto("/console/community")
    assert await page.locator("#moderation").count() == 0
    start = dt.datetime.now(dt.UTC) + dt.timedelta(days=10)
    events = page.locator("#event")
    await events.get_by_label("Title (English)").fill("Members' evening")
    await events.get_by_label("Title (Nederlands)").fill("Ledenavond")
    await events.get_by_label("Title (Español)").fill("Velada de miembros")
    await events.get_by_label("Starts (UTC)").fill(start.strftime("%Y-%m-%dT%H:%M"))
    await events.get_by_label("Ends (UTC)").fill(
        (start - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))  # fmt: skip
    await events.get_by_label("Places").fill("30")
    await events.get_by_label("Location").fill("The shop, Main St 1")
    await events.get_by_role("button", name="Create the event").click()
    await expect(page.locator("#event-endsAt-error")).not_to_be_empty()
    await expect(page.locator("#event").get_by_label("Title (Nederlands)")).to_have_value(
        "Ledenavond")  # fmt: skip
    await console.shot(page, "community-event-refused")
    await page.locator("#event").get_by_label("Ends (UTC)").fill(
        (start + dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"))  # fmt: skip
    await page.locator("#event").get_by_role("button", name="Create the event").click()
    await expect(page.locator(".notice")).to_have_text("The event is created.")
    row = page.locator("table.events tbody tr", has_text="Members' evening")
    await expect(row).to_contain_text("The shop, Main St 1")
    await expect(row).to_contain_text("30")
    await console.shot(page, "community-event-created")
