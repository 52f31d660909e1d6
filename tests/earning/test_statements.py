"""What a purchase costs the database (issue 18 item 2, the till path): the statements one
recordPurchase sends, bounded; and the caches that spare statements forget in time."""

from app.integrations import endpoints
from app.integrations.models import WebhookDelivery
from app.members.models import Member, Role
from tests.helpers import (
    RECORD_PURCHASE,
    gql,
    integration_token,
    purchase_input,
    sign_up,
    staff_session,
)
from tests.statements import counted_statements

# Statements per recordPurchase, as scripts/bench ledger sends it (a till's token, caches
# warm, no webhook endpoint, no referral), BEGIN and COMMIT included: before issue 18 item 2
# (PostgreSQL / SQLite) 13 / 14, now 7 / 12:
# - the client check (the till's token), 1 / 2 (SQLite commits after it);
# - BEGIN, COMMIT: 2 / 2;
# - the member found and its balance locked in one statement: 1 / 1 (was a SELECT of the
#   member before the transaction and the lock inside it: 2 / 3);
# - the points transaction and the purchase, each with RETURNING (their ids are needed):
#   2 / 2;
# - the rows nobody reads an id of (postings, lot, the "points earned" notification job,
#   the balance write-back, the idempotency record), deferred to the end of the
#   transaction: one statement of data-modifying CTEs on PostgreSQL, one each on SQLite:
#   1 / 5 (was 5 / 5);
# - the active webhook endpoints come from a per-process cache: 0 / 0 (was 1 / 1).
PURCHASE_BOUNDS = {"postgres": 7, "sqlite": 12}


async def _till(client):
    session = await sign_up(client)
    return session, await integration_token(client, "purchases:write")


async def _purchase(client, till, data) -> dict:
    body = await gql(client, RECORD_PURCHASE, {"input": data}, token=till)
    assert "errors" not in body, body
    return body["data"]["recordPurchase"]


async def test_a_purchase_costs_a_few_statements(client, dialect):
    session, till = await _till(client)
    gid = session["member"]["id"]
    for i in range(2):  # caches (rules, tiers, offers, terms, endpoints) and pools warm
        assert (await _purchase(client, till, purchase_input(gid, f"warm-{i}")))[
            "__typename"
        ] == "PurchaseRecorded"
    with counted_statements() as sent:
        result = await _purchase(client, till, purchase_input(gid, "counted-1", amount=2599))
    assert result["__typename"] == "PurchaseRecorded" and result["purchase"]["pointsEarned"] == 25
    assert len(sent) <= PURCHASE_BOUNDS[dialect], "\n".join(sent)
    assert not [q for q in sent if "webhook_endpoint" in q], sent  # cached
    member = [q for q in sent if '"member"' in q]
    assert len(member) == 1 and "member_balance" in member[0], sent  # found in the lock
    if dialect == "postgres":  # postings, lot, job, balance, idempotency record: one
        (rest,) = [q for q in sent if q.startswith("WITH ")]
        for table in ("points_posting", "points_lot", "job", "member_balance", "idempotency"):
            assert f'"{table}' in rest, rest


async def test_a_purchase_by_card_or_reference_finds_the_member_in_the_lock(client):
    session, till = await _till(client)
    gid = session["member"]["id"]
    await _purchase(client, till, purchase_input(gid, "warm-card"))
    member = await Member.get(email=session["member"]["email"])
    member.external_ref = "crm-ref-1"
    await member.save(update_fields=["external_ref"])
    for ref, ext in (({"externalRef": "crm-ref-1"}, "by-ref"),
                     ({"cardNumber": member.card_number}, "by-card")):  # fmt: skip
        with counted_statements() as sent:
            result = await _purchase(client, till, {**purchase_input(gid, ext), "member": ref})
        assert result["__typename"] == "PurchaseRecorded", result
        assert len([q for q in sent if '"member"' in q]) == 1, sent
    # Staff earn nothing, and an unknown reference is no member: told apart as before.
    admin = await staff_session(client, Role.ADMIN)
    staff = {"id": admin["member"]["id"]}
    refused = await _purchase(client, till, {**purchase_input(gid, "staff-1"), "member": staff})
    assert refused["code"] == "NOT_A_MEMBER_ACCOUNT", refused
    nobody = {"externalRef": "crm-nobody"}
    refused = await _purchase(client, till, {**purchase_input(gid, "nobody-1"), "member": nobody})
    assert refused["code"] == "MEMBER_NOT_FOUND", refused


async def test_webhook_endpoints_are_cached_and_forgotten_on_every_staff_change(client):
    session, till = await _till(client)
    gid = session["member"]["id"]
    await _purchase(client, till, purchase_input(gid, "before"))  # cache: no endpoint
    created, _ = await endpoints.create_endpoint(
        url="https://crm.example.com/hooks", event_types=["points.earned"]
    )
    await _purchase(client, till, purchase_input(gid, "created"))
    assert await WebhookDelivery.filter(endpoint_id=created.id).count() == 1
    await endpoints.update_endpoint(endpoint_id=created.id, active=False)
    await _purchase(client, till, purchase_input(gid, "switched-off"))
    assert await WebhookDelivery.filter(endpoint_id=created.id).count() == 1
    await endpoints.update_endpoint(endpoint_id=created.id, active=True)
    await _purchase(client, till, purchase_input(gid, "switched-on"))
    assert await WebhookDelivery.filter(endpoint_id=created.id).count() == 2
    await endpoints.delete_endpoint(endpoint_id=created.id)
    result = await _purchase(client, till, purchase_input(gid, "deleted"))
    assert result["__typename"] == "PurchaseRecorded"
    assert not await WebhookDelivery.exists()
