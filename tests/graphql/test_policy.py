"""The role policy (app/graphql/policy.py): `node(id:)` and the typed lookups decide from one
table, so a marketer, who may not use `member(id:)`, gets nothing personal through `node`
either; voucher codes are whole only for their member and the till, masked for staff."""

import re

import pytest
from strawberry.relay import to_base64

from app.graphql import policy
from app.graphql.policy import Access
from app.ledger import service as ledger
from app.ledger.models import Kind
from app.members.models import Member, Role
from app.rewards import catalog
from app.rewards import service as rewards
from app.rewards.models import RewardKind
from tests import factories
from tests.helpers import gql, integration_token, member_token, staff_session

MEMBER_FIELDS = "... on Member { id email cardNumber displayName balance { available } }"
TXN_FIELDS = "... on PointsTransaction { id points reason }"
REDEMPTION_FIELDS = "... on Redemption { id points vouchers { code status } }"


async def _redeemed(n: int) -> list[dict]:
    """`n` members, each with points, one transaction and one voucher redemption."""
    reward = await catalog.create_reward(
        fields=catalog.RewardFields(kind=RewardKind.DISCOUNT_VOUCHER, category="coffee",
                                    points_cost=100, percent_off=10,
                                    texts={"en": {"title": "10% off"}}),
        actor_id=None,
    )  # fmt: skip
    made = []
    for i in range(n):
        m = await factories.member(display_name=f"Member {i}")
        async with ledger.member_book(member_id=m.id) as book:
            await book.earn(points=500, kind=Kind.BONUS)
        redemption, _ = await rewards.redeem(member_id=m.id, reward_id=reward.id, quantity=1,
                                             idempotency_key=f"policy-test-{i:04d}")  # fmt: skip
        (voucher,) = await redemption.vouchers.all()
        made.append({"member": m, "redemption": redemption, "code": voucher.code,
                     "txn": redemption.transaction_id})  # fmt: skip
    return made


def _aliased(ids: list[str], fields: str) -> str:
    return "{ " + " ".join(f'n{i}: node(id: "{g}") {{ __typename {fields} }}'
                           for i, g in enumerate(ids)) + " }"  # fmt: skip


def _dump(body: dict) -> str:
    return repr(body)


async def test_a_marketer_reads_nothing_personal_through_node(client):
    made = await _redeemed(20)
    marketer = (await staff_session(client, Role.MARKETER))["accessToken"]
    admin = (await staff_session(client, Role.ADMIN))["accessToken"]
    member_ids = [to_base64("Member", x["member"].id) for x in made]
    txn_ids = [to_base64("PointsTransaction", x["txn"]) for x in made]
    redemption_ids = [to_base64("Redemption", x["redemption"].id) for x in made]

    for ids, fields in ((member_ids, MEMBER_FIELDS), (txn_ids, TXN_FIELDS),
                        (redemption_ids, REDEMPTION_FIELDS)):  # fmt: skip
        body = await gql(client, _aliased(ids, fields), token=marketer)
        assert body == {"data": {f"n{i}": None for i in range(20)}}, body
        text = _dump(body)
        for x in made:
            assert x["member"].email not in text and x["code"] not in text
            assert x["member"].card_number not in text
        # An admin sees the same ids: they exist, the marketer just may not see them.
        seen = await gql(client, _aliased(ids, fields), token=admin)
        assert all(v is not None for v in seen["data"].values()), seen

    # The typed lookup says the same: FORBIDDEN.
    typed = await gql(client, "query($id: ID!) { member(id: $id) { email } }",
                      {"id": member_ids[0]}, token=marketer)  # fmt: skip
    assert typed["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    listed = await gql(client, "{ members(first: 5) { edges { node { email } } } }",
                       token=marketer)  # fmt: skip
    assert listed["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_node_and_the_typed_lookups_agree_for_every_role(client):
    (x,) = await _redeemed(1)
    other = await member_token(await factories.member())
    callers = {"member": other, "owner": await member_token(x["member"])}
    for role in (Role.ADMIN, Role.MARKETER, Role.SUPPORT):
        callers[role.value] = (await staff_session(client, role))["accessToken"]
    member_gid = to_base64("Member", x["member"].id)
    for who, token in callers.items():
        node = await gql(client, _aliased([member_gid], MEMBER_FIELDS), token=token)
        typed = await gql(client, "query($id: ID!) { member(id: $id) { email } }",
                          {"id": member_gid}, token=token)  # fmt: skip
        typed_ok = "errors" not in typed and typed["data"]["member"] is not None
        by_role = who in [r.value for r in policy.roles(Access.MEMBER)]
        assert (node["data"]["n0"] is not None) == (by_role or who == "owner"), who
        assert typed_ok == by_role, who  # member(id:) is staff-only, even for the owner
        # activity and redemptions of a member follow the same table.
        if by_role:
            deep = await gql(client, "query($id: ID!) { member(id: $id) { "
                             "activity { edges { node { id } } } "
                             "redemptions { edges { node { id } } } } }",
                             {"id": member_gid}, token=token)  # fmt: skip
            assert "errors" not in deep, deep


async def test_support_sees_voucher_codes_masked_the_member_whole_and_the_till_uses_them(client):
    (x,) = await _redeemed(1)
    code = x["code"]
    support = (await staff_session(client, Role.SUPPORT))["accessToken"]
    owner = await member_token(x["member"])
    redemption_gid = to_base64("Redemption", x["redemption"].id)

    by_node = await gql(client, _aliased([redemption_gid], REDEMPTION_FIELDS), token=support)
    by_lookup = await gql(client, "query($id: ID!) { member(id: $id) { redemptions { edges { "
                          "node { vouchers { code } } } } } }",
                          {"id": to_base64("Member", x["member"].id)}, token=support)  # fmt: skip
    masked = by_node["data"]["n0"]["vouchers"][0]["code"]
    assert by_lookup["data"]["member"]["redemptions"]["edges"][0]["node"]["vouchers"] == [
        {"code": masked}
    ]
    assert masked != code and code not in _dump(by_node) + _dump(by_lookup)
    assert masked[-4:] == code[-4:] and len(masked) == len(code)
    assert re.sub(r"[A-Za-z0-9]", "X", code[:-4]) == masked[:-4]

    mine = await gql(client, "{ me { redemptions { edges { node { vouchers { code } } } } } }",
                     token=owner)  # fmt: skip
    assert mine["data"]["me"]["redemptions"]["edges"][0]["node"]["vouchers"] == [{"code": code}]
    own_node = await gql(client, _aliased([redemption_gid], REDEMPTION_FIELDS), token=owner)
    assert own_node["data"]["n0"]["vouchers"][0]["code"] == code

    # The masked code is of no use at the till; the whole one is, and the till sees it whole.
    till = await integration_token(client, "vouchers:redeem")
    consume = """mutation($input: ConsumeVoucherInput!) { consumeVoucher(input: $input) {
      __typename ... on VoucherCheck { voucher { code status } } ... on UserError { code } } }"""
    refused = await gql(client, consume, {"input": {"code": masked, "reference": "r-1"}},
                        token=till)  # fmt: skip
    assert refused["data"]["consumeVoucher"]["__typename"] != "VoucherCheck"
    used = await gql(client, consume, {"input": {"code": code, "reference": "r-2"}}, token=till)
    assert used["data"]["consumeVoucher"] == {"__typename": "VoucherCheck",
                                              "voucher": {"code": code, "status": "USED"}}  # fmt: skip


async def test_inbox_and_cashback_credits_are_never_staff_nodes(client):
    admin = (await staff_session(client, Role.ADMIN))["accessToken"]
    body = await gql(client, _aliased([to_base64("InboxMessage", 1),
                                       to_base64("CashbackCredit", 1)], "id"), token=admin)  # fmt: skip
    assert body == {"data": {"n0": None, "n1": None}}


@pytest.mark.parametrize(
    ("code", "masked"),
    [
        ("CAFE-AB12-7F3K", "XXXX-XXXX-7F3K"),
        ("ABCDEFGHIJ", "XXXXXXGHIJ"),
        ("AB", "XX"),
        ("ABCD", "XXXX"),
        ("A-B-C-D-E", "X-B-C-D-E"),
    ],
)
def test_mask_code(code, masked):
    assert policy.mask_code(code) == masked


def test_the_policy_names_roles_for_everything_staff_may_do():
    for access, rule in policy.RULES.items():
        assert rule.description, access
        assert rule.staff <= policy.ALL_STAFF
        assert Role.MARKETER not in policy.RULES[Access.MEMBER].staff
    assert set(policy.RULES) == set(Access)
    assert policy.roles(Access.VOUCHER_CODES) == ()


# ---- integration clients: a member's history only with members:read -------------------------

CLIENT_UPSERT = """mutation($input: UpsertMemberInput!) { upsertMember(input: $input) {
  __typename ... on MemberUpserted { member { id email balance { available } %s } } } }"""
HISTORY = "activity { edges { node { id points } } }"
VOUCHERS = "redemptions { edges { node { id vouchers { code } } } }"


async def _upsert(client, token: str, external_ref: str, part: str = "") -> dict:
    return await gql(client, CLIENT_UPSERT % part, {"input": {"externalRef": external_ref}},
                     token=token)  # fmt: skip


async def test_a_crm_with_members_sync_reads_the_profile_but_no_history(client):
    (x,) = await _redeemed(1)
    await Member.filter(id=x["member"].id).update(external_ref="crm-42")
    crm = await integration_token(client, "members:sync")
    # The profile and balance, as upsertMember answers them, are the CRM's to see.
    plain = await _upsert(client, crm, "crm-42")
    assert plain["data"]["upsertMember"]["member"]["email"] == x["member"].email, plain
    assert plain["data"]["upsertMember"]["member"]["balance"] == {"available": 400}
    # The member's history is not: before, every member's activity and redemptions (with
    # whole voucher codes for a CRM that also held vouchers:redeem) came back.
    for part in (HISTORY, VOUCHERS):
        for token in (crm, await integration_token(client, "members:sync", "vouchers:redeem")):
            body = await _upsert(client, token, "crm-42", part)
            assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", body
            assert x["code"] not in _dump(body)


async def test_members_read_shows_history_with_voucher_codes_masked(client):
    (x,) = await _redeemed(1)
    code = x["code"]
    await Member.filter(id=x["member"].id).update(external_ref="crm-43")
    reader = await integration_token(client, "members:sync", "members:read", "vouchers:redeem")
    body = await _upsert(client, reader, "crm-43", f"{HISTORY} {VOUCHERS}")
    member = body["data"]["upsertMember"]["member"]
    assert [e["node"]["points"] for e in member["activity"]["edges"]] == [-100, 500], body
    (voucher,) = member["redemptions"]["edges"][0]["node"]["vouchers"]
    assert voucher["code"] == policy.mask_code(code) and code not in _dump(body)
    # Whole only where the till hands in the code itself: voucher and consumeVoucher.
    check = """query($code: String!) { voucher(code: $code) { __typename
      ... on VoucherCheck { voucher { code } } } }"""
    checked = await gql(client, check, {"code": code}, token=reader)
    assert checked["data"]["voucher"] == {"__typename": "VoucherCheck", "voucher": {"code": code}}
    # A till's scope alone opens no member's redemptions.
    assert not policy.client_sees({"vouchers:redeem"}, Access.REDEMPTIONS)


def test_the_policy_names_the_client_scopes_of_each_part():
    assert policy.client_sees({"members:sync"}, Access.MEMBER)
    assert policy.client_sees({"members:read"}, Access.MEMBER)
    for access in (Access.TRANSACTIONS, Access.REDEMPTIONS):
        assert policy.client_sees({"members:read"}, access)
        assert not policy.client_sees({"members:sync", "vouchers:redeem", "purchases:write"},
                                      access)  # fmt: skip
    for access in (Access.CONSENTS, Access.INBOX, Access.VOUCHER_CODES):
        assert not policy.client_sees(set(policy.RULES[Access.MEMBER].clients), access)
