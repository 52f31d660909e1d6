"""Campaigns staff reopen: the list of every campaign with its status (keyset pages, newest
first), a draft read back and changed (checked exactly as a new one is, refused once it was
launched), and a preview as a member given by email address."""

import pytest
from strawberry.relay import to_base64

from app.campaigns import service as campaigns
from app.campaigns.models import Campaign, CampaignStatus
from app.errors import CampaignNotDraft, InvalidInput, MemberNotFound
from app.ledger.models import MemberBalance
from app.members.models import Channel, ChannelPreference, Member, Role
from app.segments.rules import Engagement, Segment
from tests import factories
from tests.helpers import gql, member_token, staff_session

VARIANTS = {"en": {"title": "Hi {first_name}", "body": "You have {points_available} points."},
            "nl": {"title": "Hoi {first_name}", "body": "Je hebt {points_available} punten."}}  # fmt: skip

LIST = """query($first: Int, $after: String, $status: CampaignStatus) {
  campaigns(first: $first, after: $after, status: $status) {
    edges { cursor node { id name status } }
    pageInfo { hasNextPage hasPreviousPage endCursor } } }"""

CAMPAIGN = """
  id name status channels holdoutPercent quietStart quietEnd sendAt createdAt locales
  segment { tiers minPoints maxPoints purchasedWithinDays categories interests locales
            engagement hasDevice marketingConsent }
  variants { locale title body deepLink }"""

UPDATE = f"""mutation($id: ID!, $input: CampaignInput!) {{ updateCampaign(id: $id, input: $input) {{
  __typename
  ... on Campaign {{ {CAMPAIGN} }}
  ... on CampaignNotDraft {{ code message status }}
  ... on UserError {{ code message }}
  ... on InvalidInput {{ fields {{ field code message }} }} }} }}"""

CREATE = """mutation($input: CampaignInput!) { createCampaign(input: $input) {
  __typename ... on Campaign { id }
  ... on InvalidInput { code message fields { field code message } } } }"""

PREVIEW = """query($id: ID!, $member: ID, $email: String) {
  previewCampaign(id: $id, member: $member, email: $email) {
    __typename
    ... on CampaignPreview { locale title body }
    ... on UserError { code message }
    ... on InvalidInput { fields { field code } } } }"""


def _fields(name="Draft", **changes) -> campaigns.CampaignFields:
    return campaigns.CampaignFields(**{"name": name, "segment": Segment(),
                                       "variants": VARIANTS, **changes})  # fmt: skip


async def _draft(name="Draft", **changes) -> Campaign:
    return await campaigns.create_campaign(fields=_fields(name, **changes), actor_id=None)


async def _launched(name: str) -> Campaign:
    campaign = await _draft(name)
    return await campaigns.launch(campaign_id=campaign.id, send_at=None)


def _gid(campaign: Campaign) -> str:
    return to_base64("Campaign", campaign.id)


async def test_the_list_holds_every_campaign_newest_first_by_status_and_page(client):
    first = await _draft("First")
    launched = await _launched("Launched")
    cancelled = await campaigns.cancel(campaign_id=(await _draft("Cancelled")).id)
    last = await _draft("Last")
    token = (await staff_session(client, Role.MARKETER))["accessToken"]

    page = (await gql(client, LIST, {"first": 3}, token=token))["data"]["campaigns"]
    assert [(e["node"]["name"], e["node"]["status"]) for e in page["edges"]] == [
        ("Last", "DRAFT"), ("Cancelled", "CANCELLED"), ("Launched", "SCHEDULED")]  # fmt: skip
    assert page["pageInfo"]["hasNextPage"] and not page["pageInfo"]["hasPreviousPage"]
    rest = (await gql(client, LIST, {"first": 3, "after": page["pageInfo"]["endCursor"]},
                      token=token))["data"]["campaigns"]  # fmt: skip
    assert [e["node"]["id"] for e in rest["edges"]] == [_gid(first)]
    assert not rest["pageInfo"]["hasNextPage"] and rest["pageInfo"]["hasPreviousPage"]

    drafts = (await gql(client, LIST, {"status": "DRAFT"}, token=token))["data"]["campaigns"]
    assert [e["node"]["id"] for e in drafts["edges"]] == [_gid(last), _gid(first)]
    for status, expected in (("SCHEDULED", launched), ("CANCELLED", cancelled)):
        found = (await gql(client, LIST, {"status": status}, token=token))["data"]["campaigns"]
        assert [e["node"]["id"] for e in found["edges"]] == [_gid(expected)]
    done = (await gql(client, LIST, {"status": "DONE"}, token=token))["data"]["campaigns"]
    assert done["edges"] == [] and not done["pageInfo"]["hasNextPage"]

    too_many = await gql(client, LIST, {"first": 101}, token=token)
    assert too_many["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    # The service: the same keyset pages.
    page = await campaigns.campaign_page(first=2, after=None, status=CampaignStatus.DRAFT)
    assert [c.id for c in page.items] == [last.id, first.id] and not page.has_next_page


async def test_a_draft_reads_back_as_composed_and_is_changed(client):
    draft = await _draft("Spring", segment=Segment(tiers=("",), min_points=10,
                                                   locales=("nl",),
                                                   engagement=(Engagement.ACTIVE,)),
                         channels=["inbox", "push", "email"], quiet_start=22, quiet_end=8,
                         holdout_percent=10)  # fmt: skip
    token = (await staff_session(client, Role.MARKETER))["accessToken"]
    read = await gql(client, f"query($id: ID!) {{ node(id: $id) {{ ... on Campaign {{ {CAMPAIGN} }} }} }}",
                     {"id": _gid(draft)}, token=token)  # fmt: skip
    shown = read["data"]["node"]
    assert shown["segment"] == {"tiers": [""], "minPoints": 10, "maxPoints": None,
                                "purchasedWithinDays": None, "categories": [], "interests": [],
                                "locales": ["nl"], "engagement": ["ACTIVE"], "hasDevice": None,
                                "marketingConsent": None}  # fmt: skip
    assert shown["variants"] == [{"locale": k, **v, "deepLink": None}
                                 for k, v in sorted(VARIANTS.items())]  # fmt: skip
    assert (shown["channels"], shown["quietStart"], shown["quietEnd"], shown["holdoutPercent"],
            shown["sendAt"]) == (["INBOX", "PUSH", "EMAIL"], 22, 8, 10, None)  # fmt: skip
    assert shown["createdAt"]

    changed = {"name": "  Spring   again ", "segment": {"maxPoints": 500, "hasDevice": True},
               "variants": [{"locale": "es", "title": "Hola {first_name}", "body": "Ven",
                             "deepLink": "https://example.com/x"}],
               "channels": ["INBOX"], "quietStart": 0, "quietEnd": 0, "holdoutPercent": 0}  # fmt: skip
    body = await gql(client, UPDATE, {"id": _gid(draft), "input": changed}, token=token)
    saved = body["data"]["updateCampaign"]
    assert saved["__typename"] == "Campaign", body
    assert (saved["id"], saved["name"], saved["status"]) == (_gid(draft), "Spring again", "DRAFT")
    assert saved["segment"]["maxPoints"] == 500 and saved["segment"]["hasDevice"] is True
    assert saved["segment"]["tiers"] == [] and saved["segment"]["minPoints"] is None
    assert saved["variants"] == [{"locale": "es", "title": "Hola {first_name}", "body": "Ven",
                                  "deepLink": "https://example.com/x"}]  # fmt: skip
    assert (saved["channels"], saved["quietStart"], saved["quietEnd"],
            saved["holdoutPercent"]) == (["INBOX"], 0, 0, 0)  # fmt: skip
    stored = await Campaign.get(id=draft.id)
    assert stored.segment == {"max_points": 500, "has_device": True}
    assert set(stored.variants) == {"es"} and stored.channels == ["inbox"]


async def test_the_change_of_a_draft_is_checked_exactly_as_a_new_one(client):
    draft = await _draft("Checked")
    token = (await staff_session(client, Role.MARKETER))["accessToken"]
    bad = {"name": " ", "segment": {"tiers": ["platinum"], "marketingConsent": False},
           "variants": [{"locale": "en", "title": "Hi {email}", "body": ""},
                        {"locale": "fr", "title": "Salut", "body": "x"}],
           "channels": ["PUSH"], "quietStart": 24, "quietEnd": -1, "holdoutPercent": 51}  # fmt: skip
    created = (await gql(client, CREATE, {"input": bad}, token=token))["data"]["createCampaign"]
    updated = (await gql(client, UPDATE, {"id": _gid(draft), "input": bad},
                         token=token))["data"]["updateCampaign"]  # fmt: skip
    assert created["__typename"] == updated["__typename"] == "InvalidInput"
    assert len(created["fields"]) >= 8
    assert updated["fields"] == created["fields"]
    assert (updated["code"], updated["message"]) == (created["code"], created["message"])
    assert await Campaign.filter().count() == 1  # nothing created
    assert (await Campaign.get(id=draft.id)).name == "Checked"  # nothing changed
    # The service: the same problems as create's.
    wrong = _fields(" ", variants={"en": {"title": "{x.y}", "body": "b"}}, holdout_percent=-1)
    with pytest.raises(InvalidInput) as on_create:
        await campaigns.create_campaign(fields=wrong, actor_id=None)
    with pytest.raises(InvalidInput) as on_update:
        await campaigns.update_campaign(campaign_id=draft.id, fields=wrong)
    assert on_update.value.problems == on_create.value.problems


async def test_a_launched_or_cancelled_campaign_cannot_be_changed(client):
    launched = await _launched("Out")
    cancelled = await campaigns.cancel(campaign_id=(await _draft("Gone")).id)
    token = (await staff_session(client, Role.MARKETER))["accessToken"]
    good = {"name": "New", "variants": [{"locale": "en", "title": "Hi", "body": "There"}]}
    for campaign, status in ((launched, "SCHEDULED"), (cancelled, "CANCELLED")):
        body = await gql(client, UPDATE, {"id": _gid(campaign), "input": good}, token=token)
        refused = body["data"]["updateCampaign"]
        assert refused == {"__typename": "CampaignNotDraft", "code": "CAMPAIGN_NOT_DRAFT",
                           "message": "This campaign is no longer a draft, so it can no longer "
                           "be changed.", "status": status}  # fmt: skip
        assert (await Campaign.get(id=campaign.id)).name != "New"
    # ...even with input that would be refused: nothing to fix in a launched campaign.
    bad = {"name": "", "variants": []}
    await Member.filter(role=Role.MARKETER).update(locale="nl")  # in the caller's language
    body = await gql(client, UPDATE, {"id": _gid(launched), "input": bad}, token=token)
    assert body["data"]["updateCampaign"]["code"] == "CAMPAIGN_NOT_DRAFT"
    assert "concept" in body["data"]["updateCampaign"]["message"]
    missing = await gql(client, UPDATE, {"id": to_base64("Campaign", 10**9), "input": good},
                        token=token)  # fmt: skip
    assert missing["data"]["updateCampaign"]["code"] == "CAMPAIGN_NOT_FOUND"
    with pytest.raises(CampaignNotDraft) as refused:
        await campaigns.update_campaign(campaign_id=launched.id, fields=_fields())
    assert refused.value.status == CampaignStatus.SCHEDULED


async def test_a_preview_as_a_member_given_by_email(client):
    campaign = await _draft("Preview")
    nora = await factories.member(email="nora@example.com", display_name="Nora Visser",
                                  locale="nl")  # fmt: skip
    await MemberBalance.create(member_id=nora.id, available=120, pending=0, lifetime=120)
    token = (await staff_session(client, Role.MARKETER))["accessToken"]

    by_email = await gql(client, PREVIEW, {"id": _gid(campaign), "email": " Nora@Example.com"},
                         token=token)  # fmt: skip
    by_id = await gql(client, PREVIEW, {"id": _gid(campaign), "member": to_base64("Member",
                                                                                 nora.id)},
                      token=token)  # fmt: skip
    assert by_email["data"]["previewCampaign"] == by_id["data"]["previewCampaign"] == {
        "__typename": "CampaignPreview", "locale": "nl", "title": "Hoi Nora",
        "body": "Je hebt 120 punten."}  # fmt: skip

    # An unknown address answers as an unknown id does: nothing more.
    unknown_email = await gql(client, PREVIEW, {"id": _gid(campaign), "email": "no@example.com"},
                              token=token)  # fmt: skip
    unknown_id = await gql(client, PREVIEW, {"id": _gid(campaign),
                                             "member": to_base64("Member", 10**9)}, token=token)  # fmt: skip
    assert unknown_email == unknown_id
    assert unknown_email["data"]["previewCampaign"]["code"] == "MEMBER_NOT_FOUND"
    for variables in ({}, {"email": "nora@example.com", "member": to_base64("Member", nora.id)}):
        body = await gql(client, PREVIEW, {"id": _gid(campaign), **variables}, token=token)
        assert body["data"]["previewCampaign"]["fields"] == [{"field": "member",
                                                              "code": "ONE_OF"}]  # fmt: skip
    shown = await campaigns.preview(campaign_id=campaign.id, email="NORA@example.com")
    assert shown["title"] == "Hoi Nora"
    with pytest.raises(MemberNotFound):
        await campaigns.preview(campaign_id=campaign.id, email="")


@pytest.mark.parametrize("role", [Role.SUPPORT, None])
async def test_support_and_members_may_not_list_change_or_preview_by_email(client, role):
    campaign = await _draft("Private")
    member = await factories.member(email="someone@example.com", locale="en")
    await ChannelPreference.create(member_id=member.id, channel=Channel.PUSH, opted_in=True)
    if role is None:
        token = await member_token(member)
    else:
        token = (await staff_session(client, role))["accessToken"]
    good = {"name": "Mine", "variants": [{"locale": "en", "title": "Hi", "body": "There"}]}
    for query, variables in (
        (LIST, {}),
        (UPDATE, {"id": _gid(campaign), "input": good}),
        (PREVIEW, {"id": _gid(campaign), "email": "someone@example.com"}),
        (f"query($id: ID!) {{ node(id: $id) {{ ... on Campaign {{ {CAMPAIGN} }} }} }}",
         {"id": _gid(campaign)}),
    ):  # fmt: skip
        body = await gql(client, query, variables, token=token)
        if "node(" in query:  # the node is not theirs to see
            assert body["data"]["node"] is None or body["errors"][0]["extensions"]["code"] == (
                "FORBIDDEN"
            )
            continue
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", body
        assert body["data"] is None or all(v is None for v in body["data"].values())
    assert (await Campaign.get(id=campaign.id)).name == "Private"


async def test_an_edit_saved_while_a_launch_chooses_its_audience_is_never_half_applied(
    app, monkeypatch
):
    nl = await factories.member(locale="nl")
    en = await factories.member(locale="en")
    for m in (nl, en):
        await ChannelPreference.create(member_id=m.id, channel=Channel.PUSH, opted_in=True)
    draft = await _draft("Race", segment=Segment(locales=["en"]))
    choose = campaigns._recipients
    edited = []

    async def edit_while_choosing(*args, **kwargs):
        chosen = await choose(*args, **kwargs)
        if not edited:  # the marketer saves a new audience after this launch read the old one
            edited.append(await campaigns.update_campaign(campaign_id=draft.id, fields=_fields(
                "Race", segment=Segment(locales=["nl"]))))  # fmt: skip
        return chosen

    monkeypatch.setattr(campaigns, "_recipients", edit_while_choosing)
    launched = await campaigns.launch(campaign_id=draft.id, send_at=None)
    assert launched.status == CampaignStatus.SCHEDULED and edited
    from app.campaigns.models import CampaignRecipient

    chosen = set(await CampaignRecipient.filter(campaign_id=draft.id)
                 .values_list("member_id", flat=True))  # fmt: skip
    assert launched.segment == Segment(locales=["nl"]).to_json()
    assert nl.id in chosen and en.id not in chosen  # the audience of the saved draft
    with pytest.raises(CampaignNotDraft):
        await campaigns.update_campaign(campaign_id=draft.id, fields=_fields("Late"))


async def test_an_address_finds_only_a_member_the_campaign_would_reach(app):
    inside = await factories.member(email="inside@example.com", locale="nl", display_name="In")
    outside = await factories.member(email="outside@example.com", locale="en")
    campaign = await _draft("Dutch only", segment=Segment(locales=["nl"]))
    shown = await campaigns.preview(campaign_id=campaign.id, email="inside@example.com")
    assert shown["locale"] == "nl"
    with pytest.raises(MemberNotFound):  # the same answer as an unknown address
        await campaigns.preview(campaign_id=campaign.id, email="outside@example.com")
    # By id (staff who may see members look them up that way) the segment does not apply.
    assert (await campaigns.preview(campaign_id=campaign.id, member_id=outside.id))[
        "locale"
    ] == "en"
    assert inside.id != outside.id
