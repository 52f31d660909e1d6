"""Campaigns at the service level with a controllable clock: consent, control group, quiet
hours, frequency caps, personalization per language, and typed refusals."""

import datetime as dt
import random

import pytest

from app import jobs
from app.campaigns import service as campaigns
from app.campaigns.models import CampaignRecipient, RecipientStatus
from app.errors import InvalidInput
from app.ledger.models import MemberBalance
from app.members.models import Channel, ChannelPreference, Member
from app.messaging.models import Device, InboxMessage, MessageCategory, Platform, PushDelivery
from app.segments.rules import Segment
from tests.messaging.test_messaging import recorder  # noqa: F401  (fixture)

# Noon UTC: evening (quiet) in Tokyo, morning in Amsterdam, night in Los Angeles.
T = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)
VARIANTS = {
    "en": {"title": "Hi {first_name}", "body": "You have {points_available} points."},
    "nl": {"title": "Hoi {first_name}", "body": "Je hebt {points_available} punten."},
    "es": {"title": "Hola {first_name}", "body": "Tienes {points_available} puntos."},
}
ZONES = ["Europe/Amsterdam", "Asia/Tokyo", "America/Los_Angeles", "UTC"]


async def _audience(n: int) -> list[Member]:
    rng = random.Random(3)
    await Member.bulk_create([
        Member(email=f"c{i}@example.com", password_hash="x", display_name=f"Name{i} Surname",
               locale=["en", "nl", "es"][i % 3], time_zone=ZONES[i % 4])
        for i in range(n)
    ])  # fmt: skip
    members = await Member.filter(email__startswith="c").order_by("id")
    await MemberBalance.bulk_create([MemberBalance(member_id=m.id, available=i, pending=0,
                                                   lifetime=i)
                                     for i, m in enumerate(members)])  # fmt: skip
    consenting = [m for m in members if rng.random() < 0.8]
    await ChannelPreference.bulk_create([
        ChannelPreference(member_id=m.id, channel=Channel.PUSH, opted_in=True, consented_at=T)
        for m in consenting])  # fmt: skip
    await Device.bulk_create([
        Device(member_id=m.id, token=f"tok-{m.id}-" + "x" * 20, token_key=f"k{m.id}",
               platform=Platform.ANDROID) for m in consenting])  # fmt: skip
    return members


async def test_a_campaign_reaches_each_consenting_member_once(recorder):  # noqa: F811
    members = await _audience(10_000)
    campaign = await campaigns.create_campaign(
        fields=campaigns.CampaignFields(name="Winter", segment=Segment(), variants=VARIANTS,
                                        quiet_start=21, quiet_end=9, holdout_percent=10),
        actor_id=None,
    )  # fmt: skip
    await campaigns.launch(campaign_id=campaign.id, send_at=T, at=T)
    recipients = {r.member_id: r for r in await CampaignRecipient.filter(campaign_id=campaign.id)}
    consenting = set(await ChannelPreference.filter(opted_in=True).values_list("member_id",
                                                                               flat=True))  # fmt: skip
    assert set(recipients) == consenting  # no consent: not even in the audience
    control = {m for m, r in recipients.items() if r.status == RecipientStatus.CONTROL}
    assert 700 <= len(control) <= 900  # ~10% of ~8,000

    wake = await campaigns.send_due(campaign_id=campaign.id, at=T)
    # Tokyo (21:00) and Los Angeles (04:00) are in quiet hours; they wait until 09:00 local.
    la_morning = dt.datetime(2026, 11, 20, 17, 0, tzinfo=dt.UTC)
    tokyo_morning = dt.datetime(2026, 11, 21, 0, 0, tzinfo=dt.UTC)
    assert wake == la_morning
    by_zone = {m.id: m.time_zone for m in members}
    sent_now = {r.member_id for r in await CampaignRecipient.filter(
        campaign_id=campaign.id, status=RecipientStatus.SENT)}  # fmt: skip
    assert {by_zone[m] for m in sent_now} <= {"Europe/Amsterdam", "UTC"}
    # A restart (or a second worker) at the same time sends nothing twice.
    assert await campaigns.send_due(campaign_id=campaign.id, at=T) == la_morning
    assert await InboxMessage.filter(category=MessageCategory.MARKETING).count() == len(sent_now)

    assert await campaigns.send_due(campaign_id=campaign.id, at=la_morning) == tokyo_morning
    assert await campaigns.send_due(campaign_id=campaign.id, at=tokyo_morning) is None  # done

    messages = await InboxMessage.filter(category=MessageCategory.MARKETING)
    per_member = {}
    for m in messages:
        per_member[m.member_id] = per_member.get(m.member_id, 0) + 1
    assert set(per_member) == consenting - control and set(per_member.values()) == {1}
    locale = {m.id: m.locale for m in members}
    balance = dict(await MemberBalance.all().values_list("member_id", "available"))
    for m in messages:
        expected = campaigns.render(VARIANTS[locale[m.member_id]]["body"], {
            "first_name": "", "points_available": balance[m.member_id], "tier": "",
            "points_to_next_tier": 0})  # fmt: skip
        assert m.body == expected
        assert m.title.split(" ")[1].startswith("Name")
    sent = await CampaignRecipient.filter(campaign_id=campaign.id, status=RecipientStatus.SENT)
    for r in sent:
        if by_zone[r.member_id] == "Asia/Tokyo":
            assert r.sent_at >= tokyo_morning

    await jobs.drain()
    assert await PushDelivery.all().count() == len(per_member)  # one push each
    # ... in the member's language, to their own device.
    tokens = dict(await Device.all().values_list("token", "member_id"))
    pushed = [tokens[p.token] for p in recorder.sent]
    assert sorted(pushed) == sorted(per_member)
    hello = {"en": "Hi", "nl": "Hoi", "es": "Hola"}
    assert all(p.title.startswith(hello[locale[tokens[p.token]]] + " Name") for p in recorder.sent)
    stats = await campaigns.stats(campaign_id=campaign.id)
    assert stats["sent"] == len(per_member) and stats["control"] == len(control)

    # A second campaign the same day meets the daily frequency cap.
    second = await campaigns.create_campaign(
        fields=campaigns.CampaignFields(name="Again", segment=Segment(), variants=VARIANTS),
        actor_id=None,
    )
    again = tokyo_morning + dt.timedelta(hours=1)
    await campaigns.launch(campaign_id=second.id, send_at=again, at=again)
    await campaigns.send_due(campaign_id=second.id, at=again)
    capped = await CampaignRecipient.filter(campaign_id=second.id, reason="frequency_cap")
    assert {r.member_id for r in capped} >= {m for m in per_member if by_zone[m] == "Asia/Tokyo"}


async def test_quiet_hours_and_frequency_caps_hold_to_the_minute(recorder):  # noqa: F811
    member = await Member.create(
        email="a@example.com", password_hash="x", display_name="Ann", time_zone="Europe/Amsterdam"
    )  # UTC+1 in November
    await ChannelPreference.create(member_id=member.id, channel=Channel.PUSH, opted_in=True)
    await Device.create(member_id=member.id, token="tok-ann-" + "x" * 20, token_key="ann",
                        platform=Platform.IOS)  # fmt: skip

    async def run(name, at, quiet=(21, 9)):
        campaign = await campaigns.create_campaign(
            fields=campaigns.CampaignFields(name=name, segment=Segment(), variants=VARIANTS,
                                            quiet_start=quiet[0], quiet_end=quiet[1]),
            actor_id=None)  # fmt: skip
        await campaigns.launch(campaign_id=campaign.id, send_at=at, at=at)
        wake = await campaigns.send_due(campaign_id=campaign.id, at=at)
        (r,) = await CampaignRecipient.filter(campaign_id=campaign.id)
        return campaign, r, wake

    # 08:59 in Amsterdam is still quiet; 09:00 is not.
    t0 = dt.datetime(2026, 11, 20, 8, 0, tzinfo=dt.UTC)
    first, r, wake = await run("morning", t0 - dt.timedelta(minutes=1))
    assert r.status == RecipientStatus.PENDING and wake == t0
    assert await campaigns.send_due(campaign_id=first.id, at=t0) is None
    assert (await CampaignRecipient.get(id=r.id)).sent_at == t0
    # 21:00 local starts the quiet hours again (20:00 UTC).
    _, r, wake = await run("evening", dt.datetime(2026, 11, 25, 20, 0, tzinfo=dt.UTC))
    assert r.status == RecipientStatus.PENDING
    assert wake == dt.datetime(2026, 11, 26, 8, 0, tzinfo=dt.UTC)
    # One campaign push a day, three a week, counted to the minute (no quiet hours here).
    minute, day = dt.timedelta(minutes=1), dt.timedelta(days=1)
    outcomes = []
    for at in (t0 + day - minute, t0 + day, t0 + 2 * day, t0 + 3 * day, t0 + 7 * day - minute,
               t0 + 7 * day):  # fmt: skip
        _, r, _ = await run(f"at {at}", at, quiet=(0, 0))
        outcomes.append(r.reason if r.status == RecipientStatus.SKIPPED else str(r.status))
    assert outcomes == ["frequency_cap", "sent", "sent", "frequency_cap", "frequency_cap", "sent"]


async def test_withdrawn_consent_stops_pending_pushes(recorder):  # noqa: F811
    members = await _audience(30)
    campaign = await campaigns.create_campaign(
        fields=campaigns.CampaignFields(name="Soon", segment=Segment(), variants=VARIANTS),
        actor_id=None,
    )
    await campaigns.launch(campaign_id=campaign.id, send_at=T, at=T)
    withdrawn = (await CampaignRecipient.filter(campaign_id=campaign.id).first()).member_id
    await ChannelPreference.filter(member_id=withdrawn).update(opted_in=False)
    noon = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)  # quiet hours end in every zone
    for at in (noon, noon + dt.timedelta(hours=8), noon + dt.timedelta(hours=16)):
        await campaigns.send_due(campaign_id=campaign.id, at=at)
    messages = await InboxMessage.filter(category=MessageCategory.MARKETING)
    assert messages and withdrawn not in {m.member_id for m in messages}
    # Withdrawn after the messages were written, before their push job ran: no push either.
    await ChannelPreference.all().update(opted_in=False)
    await jobs.drain()
    assert recorder.sent == []
    assert members


async def test_the_segment_can_ask_for_a_device(app):
    members = await _audience(40)
    consenting = set(await ChannelPreference.filter(opted_in=True).values_list("member_id",
                                                                               flat=True))  # fmt: skip
    some = sorted(consenting)[:5]
    await Device.filter(member_id__in=some).update(active=False)  # signed out
    reached = {p.member_id for p in await campaigns.audience(Segment(has_device=True), at=T)}
    assert reached == consenting - set(some)
    without = {p.member_id for p in await campaigns.audience(Segment(has_device=False), at=T)}
    assert without == set(some)
    assert Segment.from_json(Segment(has_device=True).to_json()) == Segment(has_device=True)
    assert len(members) == 40


async def test_bad_campaigns_are_refused_before_anything_is_sent(app):
    await _audience(6)

    def fields(**changes):
        base = {"name": "X", "segment": Segment(), "variants": VARIANTS}
        return campaigns.CampaignFields(**{**base, **changes})

    with pytest.raises(InvalidInput) as bad:
        await campaigns.create_campaign(fields=fields(
            variants={"en": {"title": "Hi {name}", "body": "{first_name.__class__}"}},
            segment=Segment(tiers=("platinum",), marketing_consent=False)), actor_id=None)  # fmt: skip
    assert {(p.field, p.code) for p in bad.value.problems} == {
        ("variants.en.title", "UNKNOWN_FIELD"), ("variants.en.body", "UNKNOWN_FIELD"),
        ("segment.tiers", "INVALID_VALUE"), ("segment.marketingConsent", "INVALID_VALUE")}  # fmt: skip
    english_only = await campaigns.create_campaign(
        fields=fields(variants={"en": VARIANTS["en"]}), actor_id=None)  # fmt: skip
    with pytest.raises(InvalidInput) as missing:
        await campaigns.launch(campaign_id=english_only.id, send_at=T, at=T)
    assert missing.value.problems[0].code == "MISSING_LOCALE"
    assert missing.value.problems[0].params == {"locales": "es, nl"}
    ok = await campaigns.create_campaign(fields=fields(), actor_id=None)
    with pytest.raises(InvalidInput) as past:
        await campaigns.launch(campaign_id=ok.id, send_at=T - dt.timedelta(hours=1), at=T)
    assert past.value.problems[0].field == "sendAt"
    assert await CampaignRecipient.all().count() == 0
    assert await jobs.Job.filter(kind=campaigns.SEND_JOB).count() == 0


async def test_marketers_run_a_campaign_through_the_api(client, recorder):  # noqa: F811
    from strawberry.relay import to_base64

    from app.members.models import Role
    from tests.helpers import gql, member_token, staff_session

    members = await _audience(12)
    marketer = await staff_session(client, Role.MARKETER)
    token = marketer["accessToken"]
    create = """mutation($input: CampaignInput!) { createCampaign(input: $input) {
      __typename ... on Campaign { id status locales }
      ... on InvalidInput { fields { field code message } } } }"""
    variants = [{"locale": k, **v} for k, v in VARIANTS.items()]
    bad = await gql(client, create, {"input": {"name": "B", "variants": [
        {"locale": "en", "title": "Hi {email}", "body": "x"}]}}, token=token)  # fmt: skip
    (problem,) = bad["data"]["createCampaign"]["fields"]
    assert (problem["field"], problem["code"]) == ("variants.en.title", "UNKNOWN_FIELD")
    assert "email" in problem["message"]
    body = await gql(client, create, {"input": {"name": "Hello", "variants": variants,
                                                "segment": {"locales": ["nl", "es"]}}},
                     token=token)  # fmt: skip
    campaign = body["data"]["createCampaign"]
    assert campaign["status"] == "DRAFT" and campaign["locales"] == ["en", "es", "nl"]

    audience = await gql(client, """{ campaignAudience(segment: {locales: ["nl"]}) {
      count sample } }""", token=token)  # fmt: skip
    consenting_nl = await ChannelPreference.filter(
        opted_in=True, member_id__in=[m.id for m in members if m.locale == "nl"]).count()  # fmt: skip
    assert audience["data"]["campaignAudience"]["count"] == consenting_nl

    nl_member = next(m for m in members if m.locale == "nl")
    preview = await gql(client, """query($id: ID!, $m: ID!) { previewCampaign(id: $id, member: $m) {
      __typename ... on CampaignPreview { locale title body } } }""",
                        {"id": campaign["id"], "m": to_base64("Member", nl_member.id)},
                        token=token)  # fmt: skip
    assert preview["data"]["previewCampaign"]["title"] == f"Hoi {nl_member.display_name.split()[0]}"

    launch = """mutation($id: ID!) { launchCampaign(id: $id) { __typename
      ... on Campaign { status } ... on InvalidInput { fields { field code } } } }"""
    launched = await gql(client, launch, {"id": campaign["id"]}, token=token)
    assert launched["data"]["launchCampaign"]["status"] == "SCHEDULED"
    again = await gql(client, launch, {"id": campaign["id"]}, token=token)
    assert again["data"]["launchCampaign"]["fields"][0]["code"] == "ALREADY_LAUNCHED"
    member_token_ = await member_token(members[0])
    denied = await gql(client, launch, {"id": campaign["id"]}, token=member_token_)
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    stats = await gql(client, """query($id: ID!) { campaignStats(id: $id) {
      targeted control sent pending } }""", {"id": campaign["id"]}, token=token)  # fmt: skip
    numbers = stats["data"]["campaignStats"]
    consenting = set(await ChannelPreference.filter(opted_in=True).values_list("member_id",
                                                                               flat=True))  # fmt: skip
    reach = sum(1 for m in members if m.locale in ("nl", "es") and m.id in consenting)
    assert numbers["targeted"] + numbers["control"] == reach
