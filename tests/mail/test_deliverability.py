"""Support sees why mail does not reach a member: the server's refusal and the latest mails."""

from strawberry import relay

from app import jobs
from app.db import transaction
from app.mail import service as mail
from app.members.models import Role
from tests import factories
from tests.helpers import gql, member_token, staff_session

QUERY = """query($id: ID!) { emailDeliverability(memberId: $id) {
  emailVerified undeliverable smtpCode reason since
  recent { template category status smtpCode error attempts } } }"""


async def test_support_sees_a_bounced_address_and_the_mail_log(client, smtp):
    member = await factories.member()
    smtp.refuse[member.email] = 550
    async with transaction() as tx:
        await mail.mail_later(tx.connection, mail.spec(
            template="EXPORT_READY", key="t:bounce", member_id=member.id,
            fields={"until": "2026-12-31"}))  # fmt: skip
    await jobs.drain()
    gid = relay.to_base64("Member", member.id)
    support = await staff_session(client, Role.SUPPORT)
    body = await gql(client, QUERY, {"id": gid}, token=support["accessToken"])
    found = body["data"]["emailDeliverability"]
    assert found["undeliverable"] is True and found["smtpCode"] == 550
    assert "No such user" in found["reason"]
    assert found["recent"][0]["template"] == "EXPORT_READY"
    assert found["recent"][0]["status"] == "FAILED"
    # Marketers and the member themself may not ask.
    marketer = await staff_session(client, Role.MARKETER)
    body = await gql(client, QUERY, {"id": gid}, token=marketer["accessToken"])
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = await gql(client, QUERY, {"id": gid}, token=await member_token(member))
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
