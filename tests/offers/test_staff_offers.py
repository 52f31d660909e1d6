"""Staff read every offer (`allOffers`, `node`): scheduled, live, ended, archived and targeted
at others, newest first a page at a time, with every setting it was saved with, so an editor
can start from them; members and integrations are refused, and what a member reads of an
offer stays theirs."""

import datetime as dt
from decimal import Decimal

import pytest
from strawberry.relay import to_base64

from app.graphql.policy import RULES, Access
from app.members.models import Role
from app.offers import service as offers
from app.offers.models import Offer, OfferKind
from app.segments.rules import Engagement, Segment
from app.tiers import service as tiers
from app.tiers.models import Basis, Window
from tests import factories
from tests.helpers import gql, integration_token, member_token, staff_session

NOW = dt.datetime.now(dt.UTC)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
SETTINGS = """id kind title status startsAt endsAt visibleFrom earlyAccess activated usesLeft
  texts { locale title description }
  segment { tiers minPoints maxPoints purchasedWithinDays categories interests locales
            engagement hasDevice marketingConsent }
  interests earlyAccessTiers earlyAccessHours usesPerMember archivedAt needsActivation
  bonusMultiplier bonusPoints qualifyingCategories minimumSpend sku memberPrice regularPrice
  currency imageUrl link"""
ALL = (
    """query($first: Int, $after: String, $status: OfferStatus) {
  allOffers(first: $first, after: $after, status: $status) {
    edges { cursor node { %s } } pageInfo { hasNextPage endCursor } } }"""
    % SETTINGS
)
NODE = "query($id: ID!) { node(id: $id) { __typename ... on Offer { %s } } }" % SETTINGS
UPDATE = """mutation($id: ID!, $input: OfferInput!) { updateOffer(id: $id, input: $input) {
  __typename ... on InvalidInput { fields { field code } } } }"""


async def _tiers():
    await tiers.update_policy(basis=Basis.SPEND, window=Window.ROLLING, window_months=12,
                              grace_days=30, spend_currency="EUR")  # fmt: skip
    for code, rank, threshold in (("silver", 1, 10_000), ("gold", 2, 50_000)):
        await tiers.save_tier(code=code, rank=rank, threshold=threshold,
                              earn_multiplier=Decimal(1),
                              texts={"en": {"name": code.title(), "benefits": []}})  # fmt: skip


async def _offer(title: str, **overrides) -> Offer:
    values = {"kind": OfferKind.EARLY_ACCESS, "texts": {"en": {"title": title}},
              "starts_at": NOW - HOUR, "ends_at": NOW + 10 * DAY, **overrides}  # fmt: skip
    return await offers.create_offer(fields=offers.OfferFields(**values))


TARGETED = {
    "kind": OfferKind.BONUS_POINTS,
    "texts": {"en": {"title": "Double coffee", "description": "On every cup."},
              "nl": {"title": "Dubbele koffie", "description": "Op elke kop."},
              "es": {"title": "Café doble", "description": ""}},
    "starts_at": NOW + DAY, "ends_at": NOW + 8 * DAY,
    "segment": Segment(tiers=("gold", ""), min_points=100, max_points=5000,
                       purchased_within_days=30, categories=("coffee",),
                       interests=("barista",), locales=("nl", "es"),
                       engagement=(Engagement.ACTIVE, Engagement.LAPSING), has_device=True,
                       marketing_consent=False),
    "interests": ("coffee", "mornings"), "early_access_tiers": ("gold",),
    "early_access_hours": 48, "needs_activation": True, "bonus_multiplier": Decimal("2.5"),
    "qualifying_categories": ("coffee", "tea"), "minimum_spend": 500, "uses_per_member": 3,
    "image_url": "https://img.example/c.png", "link": "https://example.com/coffee",
}  # fmt: skip


async def _every_state() -> dict[str, Offer]:
    made = {
        "live": await _offer("Live for all"),
        "targeted": await offers.create_offer(fields=offers.OfferFields(**TARGETED)),
        "ended": await _offer("Over", starts_at=NOW - 3 * DAY, ends_at=NOW - DAY),
        "archived": await _offer("Archived"),
        "price": await _offer(
            "Sneakers",
            kind=OfferKind.MEMBER_PRICE,
            member_price=5900,
            regular_price=7900,
            currency="EUR",
            sku="SNK-1",
            segment=Segment(tiers=("silver",)),
        ),
    }
    await offers.archive_offer(offer_id=made["archived"].id)
    return made


async def test_staff_page_through_every_offer_newest_first_with_its_status(client):
    await _tiers()
    made = await _every_state()
    token = (await staff_session(client, Role.MARKETER))["accessToken"]
    seen, after = [], None
    while True:
        body = await gql(client, ALL, {"first": 2, "after": after}, token=token)
        assert "errors" not in body, body
        page = body["data"]["allOffers"]
        assert len(page["edges"]) <= 2
        seen += [e["node"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    ids = [to_base64("Offer", o.id) for o in sorted(made.values(), key=lambda o: -o.id)]
    assert [n["id"] for n in seen] == ids  # newest first, each once
    assert {n["title"]: n["status"] for n in seen} == {
        "Live for all": "LIVE", "Double coffee": "SCHEDULED", "Over": "ENDED",
        "Archived": "ARCHIVED", "Sneakers": "LIVE",
    }  # fmt: skip
    archived = next(n for n in seen if n["title"] == "Archived")
    assert archived["archivedAt"] is not None

    for status, titles in (("ARCHIVED", ["Archived"]), ("ENDED", ["Over"]),
                           ("SCHEDULED", ["Double coffee"]),
                           ("LIVE", ["Sneakers", "Live for all"])):  # fmt: skip
        body = await gql(client, ALL, {"first": 50, "status": status}, token=token)
        assert [e["node"]["title"] for e in body["data"]["allOffers"]["edges"]] == titles

    bad = await gql(client, ALL, {"first": 2, "after": "nonsense"}, token=token)
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_staff_read_every_setting_in_the_shape_the_mutations_take(client):
    await _tiers()
    offer = await offers.create_offer(fields=offers.OfferFields(**TARGETED))
    token = (await staff_session(client, Role.ADMIN))["accessToken"]
    body = await gql(client, NODE, {"id": to_base64("Offer", offer.id)}, token=token)
    node = body["data"]["node"]
    assert node["texts"] == [
        {"locale": "en", "title": "Double coffee", "description": "On every cup."},
        {"locale": "es", "title": "Café doble", "description": ""},
        {"locale": "nl", "title": "Dubbele koffie", "description": "Op elke kop."},
    ]
    assert node["segment"] == {
        "tiers": ["gold", ""], "minPoints": 100, "maxPoints": 5000, "purchasedWithinDays": 30,
        "categories": ["coffee"], "interests": ["barista"], "locales": ["nl", "es"],
        "engagement": ["ACTIVE", "LAPSING"], "hasDevice": True, "marketingConsent": False,
    }  # fmt: skip
    assert (node["interests"], node["earlyAccessTiers"], node["earlyAccessHours"]) == (
        ["coffee", "mornings"], ["gold"], 48)  # fmt: skip
    assert (node["usesPerMember"], node["needsActivation"], node["bonusMultiplier"]) == (
        3, True, "2.50")  # fmt: skip
    assert node["status"] == "SCHEDULED" and node["earlyAccess"] is True
    assert node["visibleFrom"].startswith((offer.starts_at - 48 * HOUR).strftime("%Y-%m-%dT%H"))
    assert (node["activated"], node["usesLeft"]) == (False, None)  # nobody's in particular

    # What staff read goes back into updateOffer unchanged: the same row.
    before = await Offer.get(id=offer.id)
    keep = ("kind", "texts", "startsAt", "endsAt", "segment", "imageUrl", "link", "interests",
            "earlyAccessTiers", "earlyAccessHours", "needsActivation", "bonusMultiplier",
            "bonusPoints", "qualifyingCategories", "minimumSpend", "usesPerMember", "sku",
            "memberPrice", "regularPrice", "currency")  # fmt: skip
    given = {k: node[k] for k in keep}
    saved = await gql(client, UPDATE, {"id": node["id"], "input": given}, token=token)
    assert saved["data"]["updateOffer"]["__typename"] == "OfferSaved", saved
    after = await Offer.get(id=offer.id)
    columns = ("kind", "texts", "starts_at", "ends_at", "segment", "interests",
               "early_access_tiers", "early_access_hours", "needs_activation",
               "bonus_multiplier", "qualifying_categories", "minimum_spend", "uses_per_member",
               "image_url", "link")  # fmt: skip
    assert {c: getattr(after, c) for c in columns} == {c: getattr(before, c) for c in columns}


@pytest.mark.parametrize("role", list(Role))
async def test_only_the_roles_the_policy_names_list_every_offer(client, role):
    await _tiers()
    made = await _every_state()
    if role == Role.MEMBER:
        token = await member_token(await factories.member())
    else:
        token = (await staff_session(client, role))["accessToken"]
    body = await gql(client, ALL, {"first": 10}, token=token)
    node = await gql(client, NODE, {"id": to_base64("Offer", made["archived"].id)}, token=token)
    if role in RULES[Access.CATALOG_DRAFTS].staff:
        assert len(body["data"]["allOffers"]["edges"]) == 5
        assert node["data"]["node"]["title"] == "Archived"
    else:
        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert node["data"]["node"] is None  # an archived offer is nobody's


async def test_signed_out_and_integrations_are_refused(client):
    await _offer("Live for all")
    anonymous = await gql(client, ALL, {"first": 10})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    till = await integration_token(client, "purchases:write")
    refused = await gql(client, ALL, {"first": 10}, token=till)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_member_reads_no_staff_settings_of_their_offers(client):
    await _tiers()
    await offers.create_offer(fields=offers.OfferFields(**{
        **TARGETED, "segment": Segment(), "starts_at": NOW - HOUR}))  # fmt: skip
    token = await member_token(await factories.member())
    query = "{ offers { edges { node { %s } } } }" % SETTINGS
    body = await gql(client, query, token=token)
    (edge,) = body["data"]["offers"]["edges"]
    node = edge["node"]
    assert node["title"] == "Double coffee" and node["status"] == "LIVE"
    assert (node["texts"], node["segment"], node["interests"], node["earlyAccessTiers"]) == (
        [], None, [], [])  # fmt: skip
    assert (node["earlyAccessHours"], node["usesPerMember"], node["archivedAt"]) == (
        None, None, None)  # fmt: skip
    assert node["usesLeft"] == 3  # their own view is unchanged


async def test_node_lookups_of_many_offers_are_one_batch(client, monkeypatch):
    made = [await _offer(f"Offer {i}") for i in range(6)]
    calls = []
    real = offers.offers_by_ids

    async def counted(ids):
        calls.append(list(ids))
        return await real(ids)

    monkeypatch.setattr(offers, "offers_by_ids", counted)
    token = (await staff_session(client, Role.MARKETER))["accessToken"]
    aliased = "{ " + " ".join(
        f'n{i}: node(id: "{to_base64("Offer", o.id)}") {{ ... on Offer {{ title texts {{ title }} '
        "segment { tiers } } }"
        for i, o in enumerate(made)
    ) + " }"  # fmt: skip
    body = await gql(client, aliased, token=token)
    assert [body["data"][f"n{i}"]["title"] for i in range(6)] == [f"Offer {i}" for i in range(6)]
    assert len(calls) == 1 and sorted(calls[0]) == sorted(o.id for o in made)
