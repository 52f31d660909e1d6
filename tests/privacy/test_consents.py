"""Consents per purpose: proof of every change, the current state, channel preferences kept in
step, withdrawal stopping campaign pushes at once, staff history, typed bad input."""

import datetime as dt

from strawberry.relay import to_base64

from app import jobs
from app.campaigns import service as campaigns
from app.campaigns.models import CampaignRecipient, RecipientStatus
from app.members.models import Channel, ChannelPreference, Role
from app.messaging import service as messaging
from app.messaging.models import InboxMessage, Platform
from app.privacy import service
from app.privacy.models import ConsentRecord, ConsentSource, MemberConsent, Purpose
from app.segments.rules import Segment
from tests import factories
from tests.helpers import gql, member_token, staff_session
from tests.messaging.test_messaging import recorder  # noqa: F401  (fixture)

CONSENTS = "{ me { consents { purpose granted changedAt policyVersion } } }"
SET = """mutation($p: ConsentPurpose!, $g: Boolean!, $v: String) {
  setConsent(purpose: $p, granted: $g, policyVersion: $v) {
    __typename ... on Consent { purpose granted changedAt policyVersion }
    ... on InvalidInput { fields { field code } } ... on UserError { code } } }"""
HISTORY = """query($m: ID) { consentHistory(memberId: $m) {
  purpose granted policyVersion source client recordedAt } }"""
VARIANTS = {"en": {"title": "Hi {first_name}", "body": "You have {points_available} points."}}


async def test_members_grant_and_withdraw_with_proof(client):
    member = await factories.member()
    token = await member_token(member)
    body = await gql(client, CONSENTS, token=token)
    assert {c["purpose"]: c["granted"] for c in body["data"]["me"]["consents"]} == {
        "MARKETING_PUSH": False, "MARKETING_EMAIL": False, "PERSONALIZATION": False,
        "ANALYTICS": False}  # fmt: skip

    granted = await gql(client, SET, {"p": "MARKETING_PUSH", "g": True, "v": "2026-11"},
                        token=token, headers={"User-Agent": "LoyaltyApp/3.1 iOS"})  # fmt: skip
    result = granted["data"]["setConsent"]
    assert result["__typename"] == "Consent" and result["granted"] is True
    assert result["policyVersion"] == "2026-11"
    await gql(client, SET, {"p": "ANALYTICS", "g": True, "v": "2026-11"}, token=token)
    # The same choice again records nothing; a withdrawal is recorded.
    await gql(client, SET, {"p": "ANALYTICS", "g": True, "v": "2026-11"}, token=token)
    await gql(client, SET, {"p": "ANALYTICS", "g": False}, token=token)

    body = await gql(client, CONSENTS, token=token)
    state = {c["purpose"]: c for c in body["data"]["me"]["consents"]}
    assert state["MARKETING_PUSH"]["granted"] and not state["ANALYTICS"]["granted"]
    assert state["PERSONALIZATION"]["changedAt"] is None
    pref = await ChannelPreference.get(member_id=member.id, channel=Channel.PUSH)
    assert pref.opted_in and pref.consented_at is not None

    history = (await gql(client, HISTORY, token=token))["data"]["consentHistory"]
    assert [(h["purpose"], h["granted"]) for h in history] == [
        ("ANALYTICS", False), ("ANALYTICS", True), ("MARKETING_PUSH", True)]  # fmt: skip
    assert history[-1]["source"] == "APP" and history[-1]["client"] == "LoyaltyApp/3.1 iOS"
    assert await ConsentRecord.filter(member_id=member.id).count() == 3

    # Support staff read any member's history; another member may not.
    support = await staff_session(client, Role.SUPPORT)
    gid = to_base64("Member", member.id)
    seen = await gql(client, HISTORY, {"m": gid}, token=support["accessToken"])
    assert len(seen["data"]["consentHistory"]) == 3
    other = await member_token(await factories.member())
    refused = await gql(client, HISTORY, {"m": gid}, token=other)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    staff_view = await gql(client, "query($id: ID!) { member(id: $id) { consents { purpose granted } } }",
                           {"id": gid}, token=support["accessToken"])  # fmt: skip
    assert len(staff_view["data"]["member"]["consents"]) == 4


async def test_bad_input_is_typed_and_records_nothing(client):
    member = await factories.member()
    token = await member_token(member)
    missing = await gql(client, SET, {"p": "MARKETING_EMAIL", "g": True}, token=token)
    assert missing["data"]["setConsent"]["fields"] == [
        {"field": "policyVersion", "code": "REQUIRED"}
    ]
    bad = await gql(client, SET, {"p": "MARKETING_EMAIL", "g": True, "v": "v 1; drop"}, token=token)
    assert bad["data"]["setConsent"]["fields"][0]["code"] == "INVALID_VALUE"
    unknown = await gql(client, SET, {"p": "SELLING_DATA", "g": True, "v": "1"}, token=token)
    assert unknown["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    anonymous = await gql(client, SET, {"p": "ANALYTICS", "g": True, "v": "1"})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    # Once a privacy policy is published, the proof must name one of its versions.
    from app.program import terms
    from app.program.models import DocumentKind

    await terms.publish(kind=DocumentKind.PRIVACY, version="2026-11", effective_at=None,
                        actor_id=None, texts={loc: {"title": "Privacy", "body": "We care."}
                                              for loc in ("en", "nl", "es")})  # fmt: skip
    made_up = await gql(client, SET, {"p": "ANALYTICS", "g": True, "v": "1999-1"}, token=token)
    assert made_up["data"]["setConsent"]["fields"] == [
        {"field": "policyVersion", "code": "UNKNOWN_VERSION"}]  # fmt: skip
    assert await ConsentRecord.all().count() == 0 and await MemberConsent.all().count() == 0
    assert await ChannelPreference.all().count() == 0


async def test_legacy_channel_consent_shows_until_changed(app):
    member = await factories.member()
    at = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
    await ChannelPreference.create(member_id=member.id, channel=Channel.EMAIL, opted_in=True,
                                   consented_at=at)  # fmt: skip
    states = {s.purpose: s for s in await service.consents(member_id=member.id)}
    assert (
        states[Purpose.MARKETING_EMAIL].granted and states[Purpose.MARKETING_EMAIL].changed_at == at
    )
    assert await service.has_consent(member_id=member.id, purpose=Purpose.MARKETING_EMAIL)
    await service.set_consent(member_id=member.id, purpose=Purpose.MARKETING_EMAIL, granted=False,
                              policy_version=None, source=ConsentSource.CRM, client="crm-1")  # fmt: skip
    pref = await ChannelPreference.get(member_id=member.id, channel=Channel.EMAIL)
    assert not pref.opted_in and pref.withdrawn_at is not None
    assert not await service.has_consent(member_id=member.id, purpose=Purpose.MARKETING_EMAIL)

    # Opting in again through the profile's channel preferences shows as consent (what
    # campaigns honour), without a policy version until the member gives one.
    from app.members import service as members

    await members.update_profile(member_id=member.id, channels=[
        members.ChannelChoice(channel=Channel.EMAIL, opted_in=True)])  # fmt: skip
    states = {s.purpose: s for s in await service.consents(member_id=member.id)}
    assert states[Purpose.MARKETING_EMAIL].granted
    assert states[Purpose.MARKETING_EMAIL].policy_version is None


async def test_withdrawal_stops_a_launched_campaign_at_once(recorder):  # noqa: F811
    members = [await factories.member(display_name=f"Fan {i}") for i in range(3)]
    for m in members:
        await service.set_consent(member_id=m.id, purpose=Purpose.MARKETING_PUSH, granted=True,
                                  policy_version="2026-11", source=ConsentSource.APP)  # fmt: skip
        await messaging.register_device(member_id=m.id, token=f"device-{m.id}-" + "x" * 24,
                                        platform=Platform.ANDROID)  # fmt: skip
    hooked = []

    async def hook(**kwargs):
        hooked.append(kwargs)

    service.CONSENT_HOOKS.append(hook)
    try:
        campaign = await campaigns.create_campaign(
            fields=campaigns.CampaignFields(name="Now", segment=Segment(), variants=VARIANTS,
                                            quiet_start=0, quiet_end=0),
            actor_id=None)  # fmt: skip
        await campaigns.launch(campaign_id=campaign.id, send_at=None)
        assert await CampaignRecipient.filter(campaign_id=campaign.id).count() == 3
        quitter = members[1]
        await service.set_consent(member_id=quitter.id, purpose=Purpose.MARKETING_PUSH,
                                  granted=False, policy_version=None, source=ConsentSource.APP)  # fmt: skip
    finally:
        service.CONSENT_HOOKS.remove(hook)
    assert hooked == [{"member_id": quitter.id, "purpose": "marketing_push", "granted": False}]

    await jobs.drain()
    pushed = {p.token for p in recorder.sent}
    assert pushed == {f"device-{m.id}-" + "x" * 24 for m in members if m.id != quitter.id}
    skipped = await CampaignRecipient.get(campaign_id=campaign.id, member_id=quitter.id)
    assert skipped.status == RecipientStatus.SKIPPED
    assert not await InboxMessage.filter(member_id=quitter.id).exists()


async def test_switching_a_channel_in_the_profile_is_recorded_as_consent(client):
    from tests.members.test_api import UPDATE

    member = await factories.member()
    token = await member_token(member)

    async def switch(channel, on):
        body = await gql(client, UPDATE, {"input": {"communicationPreferences": [
            {"channel": channel, "optedIn": on}]}}, token=token)  # fmt: skip
        assert body["data"]["updateProfile"]["__typename"] == "Member"

    await switch("PUSH", True)
    await switch("PUSH", True)  # the same choice again: nothing new
    await switch("SMS", True)  # no purpose behind SMS: nothing recorded
    await switch("PUSH", False)
    records = await ConsentRecord.filter(member_id=member.id).order_by("id")
    assert [(r.purpose, r.granted, r.source, r.client) for r in records] == [
        (Purpose.MARKETING_PUSH, True, ConsentSource.APP, "updateProfile"),
        (Purpose.MARKETING_PUSH, False, ConsentSource.APP, "updateProfile")]  # fmt: skip
    body = await gql(client, CONSENTS, token=token)
    state = {c["purpose"]: c["granted"] for c in body["data"]["me"]["consents"]}
    assert state["MARKETING_PUSH"] is False
