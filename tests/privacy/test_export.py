"""The data export: every record of the member (compared with direct queries of every model
that refers to a member), none of another member's, secrets left out; downloadable once, not
after it expired."""

import datetime as dt
import json

from tortoise.expressions import Q

from app import jobs
from app.members.models import Member
from app.privacy import exports
from app.privacy.models import DataExport, ExportStatus
from tests.helpers import gql, member_token
from tests.messaging.test_messaging import recorder  # noqa: F401  (fixture)
from tests.privacy import seed

REQUEST = """mutation { requestDataExport { __typename
  ... on DataExport { id status downloadUrl } ... on SlowDown { retryAfterSeconds } } }"""
LIST = "{ dataExports { id status downloadUrl expiresAt sizeBytes } }"


def _key(row: dict) -> str:
    return json.dumps(row, sort_keys=True, default=str)


async def test_the_export_holds_every_record_of_the_member_and_nothing_else(client, recorder):  # noqa: F811
    _, a, b = await seed.two_people()
    document = json.loads(exports.dumps(await exports.build_export(member_id=a.member.id)))
    assert document["profile"]["email"] == a.member.email
    assert "password_hash" not in document["profile"]
    tables = document["tables"]

    checked = 0
    for model in exports.models():
        columns = exports.member_columns(model)
        if model is Member or not columns:
            continue
        # Independently: every row whose member column names a (resp. b).
        mine = Q(*[Q(**{c: a.member.id}) for c in columns], join_type="OR")
        expected = await model.filter(mine).values(*exports._columns(model))
        exported = tables.get(model._meta.db_table, [])
        assert sorted(map(_key, exported)) == sorted(
            _key(json.loads(exports.dumps(r))) for r in expected), model.__name__  # fmt: skip
        # ... and none of another member's: each exported row names a.
        for row in exported:
            assert any(row.get(c) == a.member.id for c in columns), (model.__name__, row)
        checked += bool(expected)
    # Every domain holding member data contributed rows.
    for table in ("member_channel_preference", "auth_session", "points_transaction",
                  "points_posting", "points_lot", "member_balance", "purchase", "earning_action",
                  "redemption", "entitlement", "cashback_credit", "checkout_payment",
                  "member_tier", "tier_change", "offer_activation", "community_membership",
                  "community_post", "community_comment", "community_reaction", "community_report",
                  "community_rsvp", "community_moderation_log", "device", "inbox_message",
                  "campaign_recipient", "privacy_consent_record",
                  "privacy_member_consent", "privacy_data_export"):  # fmt: skip
        assert tables.get(table), table
    assert checked >= 20
    # Rows hanging off the member's rows: vouchers, refresh tokens, refunds, deliveries.
    for table in ("voucher", "auth_refresh_token", "purchase_refund", "push_delivery",
                  "points_lot_consumption"):  # fmt: skip
        assert tables.get(table), table
    # Secrets never leave: token hashes, device tokens, the export link and contents.
    text = json.dumps(document)
    assert a.device_tokens[0] not in text
    assert '"token_hash":' not in text and '"content":' not in text
    for value in await b.personal():
        assert value not in text, value
    assert b.member.email not in text


async def test_the_link_works_once_then_is_gone(client, recorder):  # noqa: F811
    member = await seed.person(1, await seed.world())
    token = await member_token(member.member)
    body = await gql(client, REQUEST, token=token)
    requested = body["data"]["requestDataExport"]
    assert requested["__typename"] == "DataExport" and requested["status"] == "PENDING"
    assert requested["downloadUrl"] is None
    again = await gql(client, REQUEST, token=token)  # still being built: the same one
    assert again["data"]["requestDataExport"]["id"] == requested["id"]
    await jobs.drain()
    (ready,) = (await gql(client, LIST, token=token))["data"]["dataExports"]
    assert ready["status"] == "READY" and ready["sizeBytes"] > 100
    url = ready["downloadUrl"]
    assert url.startswith("http://127.0.0.1:8000/exports/")  # settings.base_url, not Host

    first = await client.get(url)
    assert first.status_code == 200 and first.headers["cache-control"] == "no-store"
    assert "attachment" in first.headers["content-disposition"]
    document = first.json()
    assert document["memberId"] == member.member.id
    assert document["profile"]["display_name"] == member.member.display_name
    second = await client.get(url)
    assert second.status_code == 410
    assert (await client.get("/exports/not-a-real-token")).status_code == 404
    (done,) = (await gql(client, LIST, token=token))["data"]["dataExports"]
    assert done["status"] == "DOWNLOADED" and done["downloadUrl"] is None
    assert (await DataExport.get(id=int(done["id"]))).content is None


async def test_an_expired_link_is_refused_and_its_copy_deleted(client, recorder):  # noqa: F811
    member = await seed.person(1, await seed.world())
    export = await exports.request_export(member_id=member.member.id)
    await jobs.drain()
    export = await DataExport.get(id=export.id)
    assert export.status == ExportStatus.READY
    later = export.expires_at + dt.timedelta(seconds=1)
    assert (await exports.take_download(token=export.token, at=later)).status == "gone"
    assert (await client.get(f"/exports/{export.token}")).status_code == 410
    row = await DataExport.get(id=export.id)
    assert row.status == ExportStatus.EXPIRED and row.content is None

    # The worker's pass deletes expired copies nobody came for; a member may ask again,
    # a few times a day.
    second = await exports.request_export(member_id=member.member.id)
    await jobs.drain()
    assert await exports.expire_exports(at=dt.datetime.now(dt.UTC) + dt.timedelta(days=2)) == 1
    assert (await DataExport.get(id=second.id)).content is None
    token = await member_token(member.member)
    third = await gql(client, REQUEST, token=token)
    assert third["data"]["requestDataExport"]["__typename"] == "DataExport"
    await jobs.drain()
    await exports.expire_exports(at=dt.datetime.now(dt.UTC) + dt.timedelta(days=2))
    refused = await gql(client, REQUEST, token=token)
    assert refused["data"]["requestDataExport"]["retryAfterSeconds"] > 0
