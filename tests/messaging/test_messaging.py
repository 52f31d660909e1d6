"""Devices, the inbox and push delivery through durable jobs (with a recording sender), and
the job queue itself."""

import asyncio
import datetime as dt
import json

import pytest
from strawberry.relay import to_base64

from app import jobs
from app.members.models import Channel, ChannelPreference, Role
from app.messaging import service
from app.messaging.models import (
    DeliveryStatus,
    Device,
    InboxMessage,
    MessageCategory,
    Platform,
    PushDelivery,
)
from app.messaging.push import PushResult, use_sender
from tests import factories
from tests.graphql.test_websocket import _connect, _recv
from tests.helpers import gql, member_token, staff_session

TOKEN = "f" * 30 + ":APA91b"


class Recorder:
    """A PushSender whose answers the test chooses per token (default: success)."""

    def __init__(self):
        self.sent = []
        self.answers: dict[str, list[PushResult]] = {}

    async def send(self, messages):
        results = []
        for m in messages:
            self.sent.append(m)
            queue = self.answers.get(m.token)
            results.append(queue.pop(0) if queue else PushResult(ok=True, message_id="m1"))
        return results


@pytest.fixture
def recorder(app):
    r = Recorder()
    use_sender(r)
    yield r
    use_sender(None)


async def _device(member, token=TOKEN, platform=Platform.IOS):
    return await service.register_device(member_id=member.id, token=token, platform=platform)


async def test_push_is_delivered_once_per_device_and_errors_are_handled(recorder):
    member = await factories.member()
    ios = await _device(member, "ios-" + TOKEN)
    gone = await _device(member, "gone-" + TOKEN, Platform.ANDROID)
    busy = await _device(member, "busy-" + TOKEN, Platform.ANDROID)
    recorder.answers = {
        gone.token: [PushResult(ok=False, error_code="UNREGISTERED")],
        busy.token: [PushResult(ok=False, error_code="QUOTA_EXCEEDED", retry_after=30)],
    }
    message = await service.send_message(member_id=member.id, category=MessageCategory.POINTS,
                                         title="42 points", body="Thanks!")  # fmt: skip
    assert await jobs.drain() == 1
    outcomes = {d.device_id: d for d in await service.deliveries_for(message.id)}
    assert outcomes[ios.id].status == DeliveryStatus.SENT
    assert outcomes[gone.id].status == DeliveryStatus.FAILED
    assert outcomes[gone.id].error_code == "UNREGISTERED"
    assert busy.id not in outcomes  # to be retried
    assert (await Device.get(id=gone.id)).active is False  # the token is dead
    job = await jobs.Job.get(kind=service.PUSH_JOB)
    assert job.status == jobs.JobStatus.PENDING
    assert (
        dt.timedelta(seconds=25) < job.run_at - dt.datetime.now(dt.UTC) <= dt.timedelta(seconds=30)
    )
    pushed = [m for m in recorder.sent if m.token == ios.token]
    assert pushed[0].data == {"inbox_message_id": str(message.id), "category": "points"}
    assert pushed[0].badge == 1

    # Later the quota allows it: only the device still owed gets a push.
    recorder.sent.clear()
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=31)
    (claimed,) = await jobs.claim(worker="w2", at=later)
    assert await jobs.run_job(claimed, worker="w2") == jobs.JobStatus.DONE
    assert [m.token for m in recorder.sent] == [busy.token]
    assert await PushDelivery.filter(message_id=message.id, status=DeliveryStatus.SENT).count() == 2


async def test_transactional_pushes_need_no_marketing_consent_but_respect_opt_outs(recorder):
    member = await factories.member()
    await _device(member)
    # No marketing consent: a tier change is still pushed (it is not marketing).
    await ChannelPreference.create(member_id=member.id, channel=Channel.PUSH, opted_in=False)
    await service.send_message(member_id=member.id, category=MessageCategory.TIER,
                               title="Gold!", body="Welcome to gold.")  # fmt: skip
    await jobs.drain()
    assert [m.title for m in recorder.sent] == ["Gold!"]
    # Tier pushes switched off after the message was queued: the push job asks again.
    recorder.sent.clear()
    await service.send_message(member_id=member.id, category=MessageCategory.TIER,
                               title="Silver", body="Back to silver.")  # fmt: skip
    await service.set_category_push(member_id=member.id, category=MessageCategory.TIER,
                                    push=False)  # fmt: skip
    await jobs.drain()
    assert recorder.sent == []
    assert await InboxMessage.filter(member_id=member.id).count() == 2  # still in the inbox


async def test_devices_and_inbox_through_the_api(client, recorder):
    member, other = await factories.member(), await factories.member()
    token, other_token = await member_token(member), await member_token(other)
    register = """mutation($input: RegisterDeviceInput!) { registerDevice(input: $input) {
      __typename ... on Device { platform active } ... on InvalidInput { fields { field code } } } }"""
    device = {"token": TOKEN, "platform": "ANDROID", "appVersion": "3.2.1", "locale": "nl"}
    body = await gql(client, register, {"input": device}, token=token)
    assert body["data"]["registerDevice"] == {"__typename": "Device", "platform": "ANDROID",
                                              "active": True}  # fmt: skip
    bad = await gql(client, register, {"input": {**device, "token": "x", "locale": "fr"}},
                    token=token)  # fmt: skip
    assert {f["field"] for f in bad["data"]["registerDevice"]["fields"]} == {"token", "locale"}
    # The same token registered by someone else moves to them.
    await gql(client, register, {"input": device}, token=other_token)
    (moved,) = await Device.all()
    assert moved.member_id == other.id

    for n in range(3):
        await service.send_message(member_id=member.id, category=MessageCategory.REWARDS,
                                   title=f"m{n}", body="b", deep_link="loyalty://rewards")  # fmt: skip
    inbox = """{ me { inbox(first: 2) { unreadCount edges { node { id title read deepLink } }
                pageInfo { hasNextPage } } } }"""
    page = (await gql(client, inbox, token=token))["data"]["me"]["inbox"]
    assert page["unreadCount"] == 3 and page["pageInfo"]["hasNextPage"] is True
    assert [e["node"]["title"] for e in page["edges"]] == ["m2", "m1"]
    newest = page["edges"][0]["node"]["id"]

    read = (
        """mutation($id: ID!) { markRead(id: $id) { __typename ... on InboxMessage { read } } }"""
    )
    assert (await gql(client, read, {"id": newest}, token=token))["data"]["markRead"]["read"]
    stranger = await gql(client, read, {"id": newest}, token=other_token)
    assert stranger["data"]["markRead"]["__typename"] == "MessageNotFound"
    opened = """mutation($id: ID!) { markOpened(id: $id) { __typename } }"""
    assert (await gql(client, opened, {"id": newest}, token=token))["data"]
    assert (await InboxMessage.get(id=int(_pk(newest)))).opened_at is not None
    count = await gql(client, "mutation { markAllRead }", token=token)
    assert count["data"]["markAllRead"] == 2
    delete = """mutation($id: ID!) { deleteMessage(id: $id) { __typename } }"""
    await gql(client, delete, {"id": newest}, token=token)
    page = (await gql(client, inbox, token=token))["data"]["me"]["inbox"]
    assert page["unreadCount"] == 0 and newest not in [e["node"]["id"] for e in page["edges"]]

    # Staff may see a member, not their inbox.
    support = await staff_session(client, Role.SUPPORT)
    peek = """query($id: ID!) { node(id: $id) { ... on Member { inbox { unreadCount } } } }"""
    body = await gql(client, peek, {"id": to_base64("Member", member.id)},
                     token=support["accessToken"])  # fmt: skip
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    unregister = """mutation($t: String!) { unregisterDevice(token: $t) }"""
    assert (await gql(client, unregister, {"t": TOKEN}, token=other_token))["data"][
        "unregisterDevice"] is True  # fmt: skip
    assert (await Device.get(id=moved.id)).active is False


def _pk(global_id):
    from strawberry.relay import from_base64

    return from_base64(global_id)[1]


async def test_inbox_message_received_subscription(client, live_server, recorder):
    member, other = await factories.member(), await factories.member()
    ws = await _connect(live_server, {"authorization": f"Bearer {await member_token(member)}"})
    try:
        assert (await _recv(ws))["type"] == "connection_ack"
        query = "subscription { inboxMessageReceived { title category } }"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
        await asyncio.sleep(0.2)
        await service.send_message(member_id=other.id, category=MessageCategory.POINTS,
                                   title="not yours", body="b")  # fmt: skip
        await service.send_message(member_id=member.id, category=MessageCategory.TIER,
                                   title="Gold!", body="b")  # fmt: skip
        message = await _recv(ws)
        assert message["payload"]["data"]["inboxMessageReceived"] == {"title": "Gold!",
                                                                      "category": "TIER"}  # fmt: skip
    finally:
        await ws.close()


# ---- the job queue ------------------------------------------------------------------------


async def test_jobs_retry_with_backoff_then_die_and_keys_enqueue_once(app):
    attempts = []

    async def flaky(payload):
        attempts.append(payload["n"])
        if payload["n"] == 1:
            raise jobs.RetryLater("not yet")
        if payload["n"] == 2:
            raise jobs.Permanent("never")

    jobs.register("test.flaky", flaky)

    for n in (0, 1, 2):
        await jobs.enqueue("test.flaky", {"n": n}, max_attempts=2)
    assert await jobs.enqueue("test.flaky", {"n": 9}, key="once") is not None
    assert await jobs.enqueue("test.flaky", {"n": 9}, key="once") is None
    await jobs.drain()
    status = {j.payload["n"]: j for j in await jobs.Job.filter(kind="test.flaky")}
    assert status[0].status == jobs.JobStatus.DONE
    assert status[2].status == jobs.JobStatus.DEAD and status[2].last_error == "never"
    assert status[1].status == jobs.JobStatus.PENDING and status[1].attempts == 1
    far = dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)
    (again,) = await jobs.claim(worker="w", at=far)
    assert await jobs.run_job(again, worker="w") == jobs.JobStatus.DEAD  # out of attempts
    assert sorted(attempts) == [0, 1, 1, 2, 9]


async def test_a_crashed_workers_jobs_come_back_after_the_lease(app):
    await jobs.enqueue("test.noop", {})
    jobs.HANDLERS["test.noop"] = lambda payload: asyncio.sleep(0)
    (taken,) = await jobs.claim(worker="dead-worker")
    assert await jobs.claim(worker="other") == []  # leased
    later = dt.datetime.now(dt.UTC) + jobs.lease_length() + dt.timedelta(seconds=1)
    (again,) = await jobs.claim(worker="other", at=later)
    assert again.id == taken.id and again.attempts == 2
    # The dead worker cannot settle it any more; the new lease holder does.
    await jobs._finish(taken, "dead-worker", status=jobs.JobStatus.DONE)
    assert (await jobs.Job.get(id=taken.id)).status == jobs.JobStatus.PENDING
    assert await jobs.run_job(again, worker="other") == jobs.JobStatus.DONE


async def test_parallel_workers_never_take_the_same_job(app, dialect):
    if dialect != "postgres":
        pytest.skip("SKIP LOCKED is PostgreSQL's")
    for n in range(200):
        await jobs.enqueue("test.noop", {"n": n})
    batches = await asyncio.gather(*(jobs.claim(worker=f"w{i}", limit=30) for i in range(8)))
    ids = [j.id for batch in batches for j in batch]
    assert len(ids) == len(set(ids))  # no job leased twice
    rest = await jobs.claim(worker="late", limit=500)
    assert sorted(ids + [j.id for j in rest]) == sorted(
        await jobs.Job.filter(kind="test.noop").values_list("id", flat=True)
    )


async def test_the_inbox_page_read_in_one_statement_matches_the_models(app):
    """`inbox_first_page` (plain rows and the unread count in one statement, for the home
    screen) gives the values the ORM page does, the same cursors and the same count."""
    from tests.statements import counted_statements

    member = await factories.member()
    for n in range(5):
        await InboxMessage.create(
            member_id=member.id, category=MessageCategory.POINTS, title=f"T{n}", body="B",
            deep_link="app://x" if n % 2 else None, data={"n": n, "deep": {"k": [1, "é"]}},
            read_at=dt.datetime.now(dt.UTC) if n % 2 else None,
            deleted_at=dt.datetime.now(dt.UTC) if n == 4 else None,
        )  # fmt: skip
    fields = ("id", "member_id", "category", "title", "body", "deep_link", "image_url", "data",
              "created_at", "read_at")  # fmt: skip
    for unread_only in (False, True):
        after = None
        while True:
            with counted_statements() as sent:
                page, unread = await service.inbox_first_page(
                    member_id=member.id, first=2, after=after, unread_only=unread_only
                )
            orm = await service.inbox_page(
                member_id=member.id, first=2, after=after, unread_only=unread_only
            )
            assert len(sent) == 1
            assert [tuple(getattr(m, f) for f in fields) for m in orm.items] == [
                tuple(r) for r in page.items
            ]
            assert (orm.cursors, orm.has_next_page, orm.has_previous_page) == (
                page.cursors, page.has_next_page, page.has_previous_page,
            )  # fmt: skip
            assert unread == (await service.unread_count(member.id) if page.items else None)
            if not page.has_next_page:
                break
            after = page.cursors[-1]
