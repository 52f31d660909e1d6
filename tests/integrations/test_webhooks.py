"""Outbound webhooks against a real receiver on loopback (allowed with
WEBHOOK_ALLOWED_NETWORKS, as for an on-premise CRM): retries, order per member,
signatures, replay window, auto-disable, manual replay."""

import json
import time
from collections import defaultdict

import pytest

from app.integrations import endpoints, webhooks
from app.integrations.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from app.integrations.signatures import SignatureError, sign, verify_signature
from app.ledger import service as ledger
from app.members import service as members
from app.members.models import Role
from tests import factories
from tests.helpers import gql, sign_up, staff_session

CREATE = """
mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) {
  __typename
  ... on WebhookEndpointCreated { secret endpoint { id url eventTypes active } }
  ... on InvalidInput { code fields { field code message } }
} }
"""
UPDATE = """
mutation($input: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $input) {
  __typename
  ... on WebhookEndpoint { id active consecutiveFailures disabledReason }
  ... on UserError { code }
} }
"""
DELIVERIES = """
query($endpoint: ID, $status: WebhookDeliveryStatus) {
  webhookDeliveries(endpointId: $endpoint, status: $status, first: 50) {
    edges { node { id eventId eventType status attempts lastStatusCode sequence } }
  }
}
"""
REPLAY = """
mutation($id: ID!) { replayWebhookDelivery(id: $id) {
  __typename ... on WebhookDelivery { id eventId status attempts } ... on UserError { code }
} }
"""
EVENTS = ["member.updated", "points.adjusted", "points.earned"]


async def _endpoint(client, admin_token, url, events=EVENTS) -> tuple[str, str]:
    body = await gql(client, CREATE, {"input": {"url": url, "eventTypes": events}},
                     token=admin_token)  # fmt: skip
    result = body["data"]["createWebhookEndpoint"]
    assert result["__typename"] == "WebhookEndpointCreated", body
    return result["endpoint"]["id"], result["secret"]


async def _emit_for_two_members() -> dict[int, list[str]]:
    """Profile changes and point adjustments for two members, interleaved; returns the
    event types per member in the order they happened."""
    staff = await factories.member(role=Role.ADMIN)
    a, b = await factories.member(), await factories.member()
    expected: dict[int, list[str]] = defaultdict(list)
    for step in range(3):
        for m in (a, b):
            await members.update_profile(member_id=m.id, display_name=f"{m.id} step {step}")
            expected[m.id].append("member.updated")
            await ledger.adjust_points(member_id=m.id, points=10 + step, reason="goodwill",
                                       actor_id=staff.id, expires_at=None)  # fmt: skip
            expected[m.id].append("points.adjusted")
    return expected


async def test_each_event_accepted_once_in_order_with_valid_signatures(
    client, allow_loopback, receiver, run_worker
):
    admin = await staff_session(client, Role.ADMIN)
    _, secret = await _endpoint(client, admin["accessToken"], receiver.url)
    receiver.fail_first = 3
    expected = await _emit_for_two_members()

    rounds = await run_worker()
    assert rounds < 60, "deliveries still pending"

    assert [r.status for r in receiver.requests[:3]] == [500, 500, 500]
    accepted = receiver.accepted
    ids = [r.headers["loyalty-event-id"] for r in accepted]
    assert len(ids) == len(set(ids)) == sum(len(v) for v in expected.values())
    seen: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for request in accepted:
        stamp = verify_signature(secret=secret, header=request.headers["loyalty-signature"],
                                 body=request.body)  # fmt: skip
        event = json.loads(request.body)
        assert event["id"] == request.headers["loyalty-event-id"]
        assert event["type"] == request.headers["loyalty-event-type"]
        seen[event["member"]["id"]].append((event["sequence"], event["type"]))
        # The same request captured and sent again later is refused by the recipe.
        with pytest.raises(SignatureError, match="window"):
            verify_signature(secret=secret, header=request.headers["loyalty-signature"],
                             body=request.body, now=stamp + 301)  # fmt: skip
    for member_id, events in seen.items():
        assert [s for s, _ in events] == sorted(s for s, _ in events)  # in order per member
        assert [t for _, t in events] == expected[member_id]
    log = await WebhookDelivery.all()
    assert {d.status for d in log} == {DeliveryStatus.DELIVERED}
    assert sum(d.attempts for d in log) == len(log) + 3


async def test_auto_disable_after_repeated_failures_then_resume_and_replay(
    client, allow_loopback, receiver, run_worker, clock
):
    admin = (await staff_session(client, Role.ADMIN))["accessToken"]
    endpoint_id, secret = await _endpoint(client, admin, receiver.url)
    receiver.failing = True
    m = await factories.member()
    await members.update_profile(member_id=m.id, display_name="First")
    await members.update_profile(member_id=m.id, display_name="Second")

    await run_worker(rounds=15)
    endpoint = await WebhookEndpoint.get()
    assert not endpoint.active
    assert endpoint.consecutive_failures == 10
    assert "10 failed deliveries in a row" in endpoint.disabled_reason
    assert len(receiver.requests) == 10  # parked: nothing more is sent while it is off
    body = await gql(client, DELIVERIES, {"endpoint": endpoint_id, "status": "PENDING"},
                     token=admin)  # fmt: skip
    pending = [e["node"] for e in body["data"]["webhookDeliveries"]["edges"]]
    assert len(pending) == 2 and pending[1]["attempts"] == 10  # newest first
    assert pending[1]["lastStatusCode"] == 500

    receiver.failing = False
    body = await gql(client, UPDATE, {"input": {"id": endpoint_id, "active": True}}, token=admin)
    assert body["data"]["updateWebhookEndpoint"] == {
        "__typename": "WebhookEndpoint", "id": endpoint_id, "active": True,
        "consecutiveFailures": 0, "disabledReason": None,
    }  # fmt: skip
    assert await run_worker() < 60
    names = [json.loads(r.body)["data"]["changed"]["display_name"] for r in receiver.accepted]
    assert names == ["First", "Second"]

    # Manual replay: the same event id, signed afresh.
    first = pending[1]
    body = await gql(client, REPLAY, {"id": first["id"]}, token=admin)
    assert body["data"]["replayWebhookDelivery"]["status"] == "PENDING"
    clock.advance(2)
    assert await run_worker() < 60
    again = receiver.accepted[-1]
    assert again.headers["loyalty-event-id"] == first["eventId"]
    assert verify_signature(secret=secret, header=again.headers["loyalty-signature"],
                            body=again.body) >= int(time.time()) - 5  # fmt: skip
    assert len(receiver.accepted) == 3


async def test_endpoint_input_is_validated_and_admin_only(client):
    admin = (await staff_session(client, Role.ADMIN))["accessToken"]
    body = await gql(client, CREATE, {"input": {"url": "ftp://crm.example.com/x",
                                                "eventTypes": ["points.earned", "nope"]}},
                     token=admin)  # fmt: skip
    result = body["data"]["createWebhookEndpoint"]
    assert result["__typename"] == "InvalidInput"
    assert {(f["field"], f["code"]) for f in result["fields"]} == {
        ("url", "INVALID_WEBHOOK_URL"), ("eventTypes", "UNKNOWN_WEBHOOK_EVENT"),
    }  # fmt: skip
    assert "nope" in result["fields"][1]["message"]
    assert not await WebhookEndpoint.exists()

    marketer = (await staff_session(client, Role.MARKETER))["accessToken"]
    body = await gql(client, CREATE, {"input": {"url": "https://crm.example.com/hooks",
                                                "eventTypes": ["points.earned"]}},
                     token=marketer)  # fmt: skip
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    body = await gql(client, UPDATE, {"input": {"id": "V2ViaG9va0VuZHBvaW50Ojk5", "active": True}},
                     token=admin)  # fmt: skip
    assert body["data"]["updateWebhookEndpoint"]["code"] == "WEBHOOK_ENDPOINT_NOT_FOUND"


async def test_events_come_from_the_domains_hooks_and_only_to_subscribers(client):
    await endpoints.create_endpoint(url="https://crm.example.com/a", event_types=["member.created"])
    await endpoints.create_endpoint(url="https://crm.example.com/b",
                                   event_types=["member.updated", "points.adjusted"])  # fmt: skip
    off, _ = await endpoints.create_endpoint(url="https://crm.example.com/c",
                                            event_types=["member.created"])  # fmt: skip
    await endpoints.update_endpoint(endpoint_id=off.id, active=False)
    session = await sign_up(client, displayName="Ann")
    member_id = int(__import__("base64").b64decode(session["member"]["id"]).decode().split(":")[1])
    await members.update_profile(member_id=member_id, locale="nl")
    log = await WebhookDelivery.all().order_by("id")
    assert [(d.event_type, d.sequence) for d in log] == [("member.created", 1),
                                                         ("member.updated", 2)]  # fmt: skip
    assert log[0].payload["data"]["display_name"] == "Ann"
    assert log[1].payload["data"] == {"changed": {"locale": "nl"}}


async def test_forget_member_scrubs_personal_data_from_the_log(client):
    await endpoints.create_endpoint(url="https://crm.example.com/a",
                                   event_types=["member.created", "member.updated"])  # fmt: skip
    m = await members.create_member(email="erase.me@example.com", password="correct-horse-9",
                                    display_name="Erin Secret")  # fmt: skip
    await members.update_profile(member_id=m.id, display_name="Erin Still Secret")
    assert await webhooks.forget_member(member_id=m.id) == 2
    for delivery in await WebhookDelivery.filter(member_id=m.id):
        text = json.dumps(delivery.payload)
        assert "erase.me" not in text and "Erin" not in text
        assert delivery.payload["erased"] is True


def test_signature_recipe_rejects_tampering_and_bad_headers():
    body = '{"id":"1"}'
    header = sign(secret="whsec_x", body=body, timestamp=1_700_000_000)
    assert verify_signature(secret="whsec_x", header=header, body=body, now=1_700_000_100)
    for secret, text, head in [
        ("whsec_y", body, header),  # wrong secret
        ("whsec_x", body + " ", header),  # altered body
        ("whsec_x", body, "t=1700000000"),  # no MAC
        ("whsec_x", body, "v1=abc"),  # no time
    ]:
        with pytest.raises(SignatureError):
            verify_signature(secret=secret, header=head, body=text, now=1_700_000_100)
    with pytest.raises(SignatureError, match="window"):
        verify_signature(secret="whsec_x", header=header, body=body, now=1_700_000_000 - 301)


async def test_points_and_redemption_events_are_recorded_with_the_change(client):
    from app.ledger.models import Kind
    from app.rewards import catalog
    from app.rewards import service as rewards
    from app.rewards.models import RewardKind

    await endpoints.create_endpoint(url="https://crm.example.com/a", event_types=[
        "points.earned", "points.redeemed", "points.adjusted", "redemption.created",
        "redemption.cancelled",
    ])  # fmt: skip
    m = await factories.member()
    async with ledger.member_book(member_id=m.id) as book:
        await book.earn(points=500, kind=Kind.PURCHASE)
    reward = await catalog.create_reward(fields=catalog.RewardFields(
        kind=RewardKind.DISCOUNT_VOUCHER, category="coffee", points_cost=100, percent_off=10,
        texts={"en": {"title": "10% off"}, "nl": {"title": "10% korting"},
               "es": {"title": "10% menos"}},
    ), actor_id=None)  # fmt: skip
    redemption, _ = await rewards.redeem(member_id=m.id, reward_id=reward.id, quantity=1,
                                         idempotency_key="redeem-hooks-1")  # fmt: skip
    await rewards.cancel(member_id=m.id, redemption_id=redemption.id)

    log = await WebhookDelivery.filter(member_id=m.id).order_by("sequence")
    assert [d.event_type for d in log] == [
        "points.earned",
        "redemption.created",
        "points.redeemed",
        "redemption.cancelled",
        "points.adjusted",
    ]
    assert [d.sequence for d in log] == [1, 2, 3, 4, 5]
    earned, _, redeemed, _, back = (d.payload["data"] for d in log)
    assert (earned["points"], earned["balance"]["available"]) == (500, 500)
    assert (redeemed["points"], redeemed["balance"]["available"]) == (-100, 400)
    assert back["points"] == 100 and back["kind"] == "cancellation"
    assert log[1].payload["data"]["redemption_id"] == redemption.id


async def test_consent_and_erasure_events_and_the_log_forgets_the_member(client):
    from app.privacy import erasure
    from app.privacy import service as privacy
    from app.privacy.models import ConsentSource, ErasureReason, Purpose

    await endpoints.create_endpoint(url="https://crm.example.com/a", event_types=[
        "member.updated", "consent.changed", "member.erased",
    ])  # fmt: skip
    m = await factories.member(email="gone@example.com", display_name="Gone Soon")
    await members.update_profile(member_id=m.id, display_name="Gone Sooner")
    await privacy.set_consent(member_id=m.id, purpose=Purpose.MARKETING_PUSH, granted=True,
                              policy_version="1", source=ConsentSource.CRM)  # fmt: skip
    consent = await WebhookDelivery.get(event_type="consent.changed")
    assert consent.payload["data"] == {"purpose": "marketing_push", "granted": True}

    await erasure.erase_member(member_id=m.id, reason=ErasureReason.LEGAL)
    log = await WebhookDelivery.filter(member_id=m.id).order_by("sequence")
    assert log[-1].event_type == "member.erased"
    text = json.dumps([d.payload for d in log])
    assert "Gone" not in text and "gone@" not in text


async def test_delete_endpoint_removes_its_log(client):
    admin = (await staff_session(client, Role.ADMIN))["accessToken"]
    endpoint_id, _ = await _endpoint(client, admin, "https://crm.example.com/hooks")
    m = await factories.member()
    await members.update_profile(member_id=m.id, display_name="Dee")
    assert await WebhookDelivery.exists()
    delete = "mutation($id: ID!) { deleteWebhookEndpoint(id: $id) { __typename } }"
    body = await gql(client, delete, {"id": endpoint_id}, token=admin)
    assert body["data"]["deleteWebhookEndpoint"]["__typename"] == "WebhookEndpointDeleted"
    assert not await WebhookEndpoint.exists() and not await WebhookDelivery.exists()
    body = await gql(client, delete, {"id": endpoint_id}, token=admin)
    assert body["data"]["deleteWebhookEndpoint"]["__typename"] == "WebhookEndpointNotFound"
    body = await gql(client, "{ webhookEndpoints { id } }", token=admin)
    assert body["data"]["webhookEndpoints"] == []
