"""Erasure by the member (with their password) and by staff: no personal value of the member
is left in any column of any table, the ledger stays consistent and its totals move only by
the explicit forfeit, the member can never sign in again, and erasing twice is refused.
Retention erases inactive accounts only."""

import dataclasses
import datetime as dt

import pytest
from strawberry.relay import to_base64
from tortoise import Tortoise, connections, fields

from app import jobs
from app.analytics import service as analytics
from app.ledger import service as ledger
from app.ledger.check import check
from app.ledger.models import Kind, PointsTransaction
from app.members.models import Member, Role
from app.privacy import erasure
from app.privacy.models import ErasureReason, ErasureRecord
from app.settings import configure
from app.worker import run_maintenance
from tests import factories
from tests.helpers import LOG_IN, PASSWORD, REFRESH, gql, staff_session
from tests.messaging.test_messaging import recorder  # noqa: F401  (fixture)
from tests.privacy import seed

DELETE = """mutation($p: String!) { deleteAccount(password: $p) { __typename
  ... on AccountErased { memberId erasedAt pointsForfeited reason } ... on UserError { code } } }"""
ERASE = """mutation($m: ID!, $r: ErasureReason!) { eraseMember(memberId: $m, reason: $r) {
  __typename ... on AccountErased { memberId pointsForfeited reason } ... on UserError { code }
  ... on InvalidInput { fields { field code } } } }"""
TEXT_FIELDS = (fields.CharField, fields.TextField, fields.JSONField, fields.UUIDField)


async def _scan(values: list[str]) -> list[tuple[str, str, str]]:
    """(table, column, value) for every text, char or JSON column of every table holding one
    of `values`, read with raw SELECTs (nothing the ORM might hide)."""
    conn = connections.get("default")
    found = []
    for model in Tortoise.apps["models"].values():
        columns = [db for name, db in model._meta.fields_db_projection.items()
                   if isinstance(model._meta.fields_map[name], TEXT_FIELDS)]  # fmt: skip
        if not columns:
            continue
        select = ", ".join(f'"{c}"' for c in columns)
        for row in await conn.execute_query_dict(f'SELECT {select} FROM "{model._meta.db_table}"'):
            for column, cell in row.items():
                text = str(cell) if cell is not None else ""
                found += [(model._meta.db_table, column, v) for v in values if v in text]
    return found


async def _send_goodbye_mail(address: str) -> None:
    """The "account deleted" mail, queued by the erasure, is the one place the old address
    is left: check that, then send it as the worker would (its payload is emptied once
    sent)."""
    assert await _scan([address]) == [("job", "payload", address)]
    [job] = [j for j in await jobs.Job.filter(kind="mail.send", status=jobs.JobStatus.PENDING)
             if address in str(j.payload)]  # fmt: skip
    await jobs.Job.filter(id=job.id).update(locked_by="test", locked_until=jobs.now()
                                            + dt.timedelta(minutes=1))  # fmt: skip
    job.locked_by = "test"
    assert await jobs.run_job(job, worker="test") == jobs.JobStatus.DONE


async def _postings_per_account() -> dict[str, int]:
    rows = await connections.get("default").execute_query_dict(
        'SELECT "account", SUM("amount") AS total FROM "points_posting" GROUP BY "account"')  # fmt: skip
    return {r["account"]: int(r["total"]) for r in rows}


async def _sign_in(client, email: str) -> dict:
    body = await gql(client, LOG_IN, {"input": {"email": email, "password": PASSWORD}})
    return body["data"]["logIn"]


@pytest.mark.parametrize("path", ["self", "staff"])
async def test_erasure_leaves_no_personal_data_and_a_consistent_ledger(client, recorder, path):  # noqa: F811
    _, a, b = await seed.two_people()
    personal, theirs = await a.personal(), await b.personal()
    assert not await check()
    assert await _scan(personal)  # the member's data is everywhere before
    session = await _sign_in(client, a.member.email)
    assert session["__typename"] == "AuthSession"
    (before,) = await ledger.balances([a.member.id])
    (b_before,) = await ledger.balances([b.member.id])
    # Work still queued for the member: a notification, and a job carrying their email.
    waiting = [await jobs.enqueue("notify.send", {"member": a.member.id, "template": "X"}),
               await jobs.enqueue("mail.send", {"to": a.member.email, "subject": "Hi"}),
               await jobs.enqueue("notify.send", {"member": b.member.id, "template": "X"})]  # fmt: skip
    totals = await _postings_per_account()
    window = {"start": dt.datetime.now(dt.UTC) - dt.timedelta(days=30),
              "end": dt.datetime.now(dt.UTC) + dt.timedelta(days=1)}  # fmt: skip
    flows = await analytics.points_flows(**window)
    last_txn = await PointsTransaction.all().order_by("-id").first()
    history = await PointsTransaction.filter(id__lte=last_txn.id).order_by("id").values()

    if path == "self":
        body = await gql(client, DELETE, {"p": PASSWORD}, token=session["accessToken"])
        result = body["data"]["deleteAccount"]
        assert result["reason"] == "MEMBER_REQUEST"
    else:
        support = await staff_session(client, Role.SUPPORT)
        body = await gql(client, ERASE, {"m": to_base64("Member", a.member.id),
                                         "r": "SUPPORT_REQUEST"}, token=support["accessToken"])  # fmt: skip
        result = body["data"]["eraseMember"]
    assert result["__typename"] == "AccountErased", body
    assert result["pointsForfeited"] == before.available + before.pending > 0

    # Nothing personal of the member anywhere (once the goodbye mail is sent); the other
    # member untouched.
    await _send_goodbye_mail(a.member.email)
    assert await _scan(personal) == []
    assert {v for _, _, v in await _scan(theirs)} == set(theirs)
    erased = await Member.get(id=a.member.id)
    assert erased.email.startswith("erased-") and erased.email.endswith("@invalid")
    assert not erased.is_active and erased.display_name is None and erased.card_number is None

    # The ledger: consistent, history unchanged, totals moved only by the explicit forfeit.
    assert await check() == []
    assert await PointsTransaction.filter(id__lte=last_txn.id).order_by("id").values() == history
    after = await _postings_per_account()
    moved = {k: after.get(k, 0) - totals.get(k, 0) for k in set(after) | set(totals)}
    assert {k: v for k, v in moved.items() if v} == {
        "wallet": before.pending - result["pointsForfeited"], "pending": -before.pending,
        "expired": result["pointsForfeited"]}  # fmt: skip
    # Analytics: what was issued, redeemed and expired stays; the forfeit is its own figure.
    flows_after = await analytics.points_flows(**window)
    assert dataclasses.replace(flows_after, forfeited=0, net=flows.net) == flows
    assert flows_after.forfeited == result["pointsForfeited"]
    forfeit = await PointsTransaction.filter(id__gt=last_txn.id, kind=Kind.EXPIRY).get()
    assert forfeit.member_id == a.member.id and forfeit.explanation[0]["rule"] == "RULE_FORFEIT"
    (now_a,) = await ledger.balances([a.member.id])
    assert (now_a.available, now_a.pending) == (0, 0)
    assert await ledger.balances([b.member.id]) == [b_before]

    # Never again: sign-in, refresh and the old access token all fail.
    assert (await _sign_in(client, personal[0]))["__typename"] == "InvalidCredentials"
    refreshed = await gql(client, REFRESH, {"t": session["refreshToken"]})
    assert refreshed["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    me = await gql(client, "{ me { id } }", token=session["accessToken"])
    assert me["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

    statuses = [(j.status, j.payload) for j in await jobs.Job.filter(id__in=[j.id for j in waiting])
                .order_by("id")]  # fmt: skip
    assert statuses[:2] == [(jobs.JobStatus.DEAD, {}), (jobs.JobStatus.DEAD, {})]
    assert statuses[2][0] == jobs.JobStatus.PENDING  # the other member's stays

    record = await ErasureRecord.get(member_id=a.member.id)
    assert record.points_forfeited == result["pointsForfeited"]
    assert (record.actor_id is None) == (path == "self")
    # Erasing twice is a typed refusal that changes nothing.
    with pytest.raises(Exception) as again:
        await erasure.erase_member(member_id=a.member.id, reason=ErasureReason.OTHER)
    assert again.value.code == "ACCOUNT_ALREADY_ERASED"
    admin = await staff_session(client, Role.ADMIN)
    twice = await gql(client, ERASE, {"m": to_base64("Member", a.member.id), "r": "OTHER"},
                      token=admin["accessToken"])  # fmt: skip
    assert twice["data"]["eraseMember"]["__typename"] == "AccountAlreadyErased"
    assert await ErasureRecord.filter(member_id=a.member.id).count() == 1
    assert await check() == []


async def test_wrong_password_is_typed_and_changes_nothing(client, recorder):  # noqa: F811
    _, a, _ = await seed.two_people()
    session = await _sign_in(client, a.member.email)
    (before,) = await ledger.balances([a.member.id])
    body = await gql(client, DELETE, {"p": "not-my-password"}, token=session["accessToken"])
    assert body["data"]["deleteAccount"]["__typename"] == "InvalidCredentials"
    assert await _scan(await a.personal())
    assert (await Member.get(id=a.member.id)).is_active
    assert not await ErasureRecord.exists(member_id=a.member.id)
    assert await ledger.balances([a.member.id]) == [before]
    me = await gql(client, "{ me { email } }", token=session["accessToken"])
    assert me["data"]["me"]["email"] == a.member.email


async def test_only_support_staff_erase_and_not_staff_accounts(client):
    member = await factories.member()
    marketer = await staff_session(client, Role.MARKETER)
    support = await staff_session(client, Role.SUPPORT)
    gid = to_base64("Member", member.id)
    refused = await gql(client, ERASE, {"m": gid, "r": "OTHER"}, token=marketer["accessToken"])
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    not_staff = await gql(client, ERASE, {"m": marketer["member"]["id"], "r": "OTHER"},
                          token=support["accessToken"])  # fmt: skip
    assert not_staff["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    myself = await gql(client, ERASE, {"m": support["member"]["id"], "r": "OTHER"},
                       token=support["accessToken"])  # fmt: skip
    assert myself["data"]["eraseMember"]["fields"] == [
        {"field": "memberId", "code": "INVALID_VALUE"}
    ]
    unknown = await gql(client, ERASE, {"m": to_base64("Member", 999_999), "r": "OTHER"},
                        token=support["accessToken"])  # fmt: skip
    assert unknown["data"]["eraseMember"]["__typename"] == "MemberNotFound"
    assert await ErasureRecord.all().count() == 0


async def test_retention_erases_accounts_inactive_for_longer_than_the_setting(app, settings):
    now = dt.datetime.now(dt.UTC)
    old = now - dt.timedelta(days=400)
    idle = await factories.member(display_name="Idle Ida")
    returning = await factories.member(display_name="Back Bob")
    fresh = await factories.member()
    staff = await factories.member(role=Role.SUPPORT)
    for m in (idle, returning, staff):
        await Member.filter(id=m.id).update(created_at=old, updated_at=old)
    from app.auth import service as auth

    await auth._open_session(returning, auth.ClientInfo())  # signed in today: active
    assert await erasure.erase_inactive(days=0) == []
    assert await erasure.inactive_members(at=now, days=365) == [idle.id]

    configure(dataclasses.replace(settings, retention_inactive_days=365))
    try:
        done = await run_maintenance(at=now)
    finally:
        configure(settings)
    assert done["erased_inactive"] == 1
    record = await ErasureRecord.get(member_id=idle.id)
    assert record.reason == ErasureReason.RETENTION and record.actor_id is None
    assert {m.id for m in await Member.filter(is_active=True)} == {returning.id, fresh.id, staff.id}
    assert await erasure.erase_inactive(days=365, at=now) == []  # once


async def test_an_erased_referrer_earns_nothing_and_the_referee_still_does(app):
    import uuid

    from app.earning import actions
    from app.earning import config as earning_config
    from app.earning import service as earning

    await earning_config.update_policy(changes={"referrer_points": 500, "referee_points": 100},
                                       actor_id=None)  # fmt: skip
    earning.RULES.forget()
    referrer, referee = await factories.member(), await factories.member()
    await actions.apply_referral_code(member_id=referee.id, code=referrer.referral_code)
    await erasure.erase_member(member_id=referrer.id, reason=ErasureReason.OTHER)
    await earning.record_purchase(
        scope="pos", idempotency_key=f"k-{uuid.uuid4().hex}",
        member=earning.MemberRef(member_id=referee.id), source="pos", external_id="r-1",
        amount=1000, currency="EUR", occurred_at=dt.datetime.now(dt.UTC))  # fmt: skip
    gone, kept = await ledger.balances([referrer.id, referee.id])
    assert gone.available == gone.pending == 0
    assert kept.available + kept.pending > 100  # the purchase's points and the referee bonus


async def test_erasure_rejects_pending_corrections_and_removes_their_text(app):
    # Before: an erased member's correction requests stayed PENDING for ever (approvable),
    # each with its free-text reason, which named them.
    from app.ledger import adjustments
    from app.ledger.models import AdjustmentStatus, PendingAdjustment

    member = await factories.member(display_name="Petra Jansen")
    other = await factories.member()
    support = await factories.member(role=Role.SUPPORT)
    admin = await factories.member(role=Role.ADMIN)

    async def ask(who, points, reason):
        requested = await adjustments.request_adjustment(
            member_id=who.id, points=points, reason=reason, staff_id=support.id,
            expires_at=None,
        )  # fmt: skip
        return requested.pending

    waiting = await ask(member, 20_000, f"Petra Jansen ({member.email}) lost her receipts")
    refused = await ask(member, 30_000, "Second try for the same receipts")
    await adjustments.reject_adjustment(adjustment_id=refused.id, approver_id=admin.id,
                                        note=f"Already asked for {member.email}")  # fmt: skip
    approved = await ask(member, 15_000, "Migration from the old card")
    await adjustments.approve_adjustment(adjustment_id=approved.id, approver_id=admin.id,
                                         expires_at=None)  # fmt: skip
    theirs = await ask(other, 20_000, "Another member's receipts")

    await erasure.erase_member(member_id=member.id, reason=ErasureReason.SUPPORT_REQUEST)

    rows = {r.id: r for r in await PendingAdjustment.all()}
    gone = rows[waiting.id]
    assert gone.status == AdjustmentStatus.REJECTED and gone.decided_at is not None
    assert (gone.decided_by_id, gone.decision_note) == (None, "member erased")
    assert gone.transaction_id is None
    for row in (rows[waiting.id], rows[refused.id], rows[approved.id]):
        assert row.reason == "[removed]"
        assert row.points and row.requested_by_id == support.id  # the audit stays
    assert rows[refused.id].decision_note == "[removed]"
    assert rows[refused.id].decided_by_id == admin.id
    assert rows[approved.id].status == AdjustmentStatus.APPROVED
    await _send_goodbye_mail(member.email)
    assert await _scan([member.email, "Petra Jansen"]) == []
    # Nothing can be approved for the erased member any more; the other member's stays.
    with pytest.raises(Exception) as late:
        await adjustments.approve_adjustment(adjustment_id=waiting.id, approver_id=admin.id,
                                             expires_at=None)  # fmt: skip
    assert late.value.code == "ADJUSTMENT_ALREADY_DECIDED"
    assert (rows[theirs.id].status, rows[theirs.id].reason) == (
        AdjustmentStatus.PENDING, "Another member's receipts")  # fmt: skip
    assert await PointsTransaction.filter(member_id=member.id, kind=Kind.ADJUSTMENT).count() == 1
    assert await check() == []


async def test_erasure_drops_only_the_members_own_mails_from_pending_mail_jobs(app, smtp):
    # Before: a job whose payload held the erased member's name or address as a SUBSTRING
    # was cancelled: a member named "example.com" deleting their account killed every
    # pending mail to an address at example.com (resets, campaigns).
    from app.mail import service as mail

    victim = await factories.member(display_name="Vera")
    other = await factories.member()
    attacker = await factories.member(display_name="example.com")
    reset = await jobs.enqueue("mail.send", {"mails": [mail.spec(
        template="PASSWORD_CHANGED", key="reset:victim", account_email=victim.email)],
        "forget": False})  # fmt: skip
    mixed = await jobs.enqueue("mail.send", {"mails": [
        mail.spec(template="PASSWORD_CHANGED", key="mixed:1", member_id=other.id),
        mail.spec(template="PASSWORD_CHANGED", key="mixed:2", member_id=attacker.id),
        mail.spec(template="EMAIL_CHANGED", key="mixed:3", to=attacker.email.upper(),
                  fields={"new_email": "x@example.org"}),
        mail.spec(template="PASSWORD_CHANGED", key="mixed:4", account_email=attacker.email),
    ], "forget": False})  # fmt: skip
    only_theirs = await jobs.enqueue("mail.send", {"mails": [
        mail.spec(template="PASSWORD_CHANGED", key="own:1", member_id=attacker.id)]})  # fmt: skip
    # Other kinds: a whole value naming them cancels the job, a value merely containing
    # their name does not.
    named = await jobs.enqueue(
        "notify.send", {"member": other.id, "fields": {"who": "Example.COM"}}
    )
    containing = await jobs.enqueue("notify.send", {"member": other.id,
                                                    "fields": {"site": "www.example.com"}})  # fmt: skip

    await erasure.erase_member(member_id=attacker.id, reason=ErasureReason.MEMBER_REQUEST)

    rows = {j.id: j for j in await jobs.Job.all()}
    assert rows[reset.id].status == jobs.JobStatus.PENDING
    assert rows[reset.id].payload["mails"][0]["account_email"] == victim.email
    assert rows[mixed.id].status == jobs.JobStatus.PENDING
    assert [m["key"] for m in rows[mixed.id].payload["mails"]] == ["mixed:1"]
    assert (rows[only_theirs.id].status, rows[only_theirs.id].payload) == (jobs.JobStatus.DEAD, {})
    assert (rows[named.id].status, rows[named.id].payload) == (jobs.JobStatus.DEAD, {})
    assert rows[containing.id].status == jobs.JobStatus.PENDING
    await _send_goodbye_mail(attacker.email)
    assert await _scan([attacker.email]) == []
    await jobs.Job.filter(id=containing.id).delete()  # a made-up notification: not run
    await jobs.drain()
    assert [m.message["Subject"] for m in smtp.to(victim.email)] == ["Your password was changed"]
    assert [m.message["Subject"] for m in smtp.to(other.email)] == ["Your password was changed"]
    assert [m.message["Subject"] for m in smtp.to(attacker.email)] == ["Your account was deleted"]
